// RemoteUser: what reaches another node's user through this node.
#include "daemon/cluster/remote_user.h"

#include "daemon/chat/render_cache.h"
#include "daemon/cluster/backplane.h"

namespace chatd::cluster {

// Room events reach it from its own node. A private message or an invitation
// sent to it here (Chat::tell, Chat::invite) is forwarded to that node's inbox.
void RemoteUser::deliver(RenderCache& cache) {
  const Event& e = cache.event();
  if (e.to_room || e.subject != this) return;
  if (is_said(e.kind)) return backplane_.forward_private(*this, e);
  if (e.kind == Event::Kind::kInvite) backplane_.forward_invite(*this, e);
}

}  // namespace chatd::cluster
