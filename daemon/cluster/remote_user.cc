// RemoteUser: what reaches another node's user through this node.
#include "daemon/cluster/remote_user.h"

#include "daemon/chat/render_cache.h"
#include "daemon/cluster/backplane.h"

namespace chatd::cluster {

// Room events reach it from its own node. A private message sent to it here
// (Chat::tell) is forwarded to that node's inbox.
void RemoteUser::deliver(RenderCache& cache) {
  const Event& e = cache.event();
  if (!e.to_room && e.subject == this && is_said(e.kind)) backplane_.forward_private(*this, e);
}

}  // namespace chatd::cluster
