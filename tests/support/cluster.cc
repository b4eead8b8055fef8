// Cluster: a private Redis and chatd nodes on it.
#include "tests/support/cluster.h"

#include <stdexcept>
#include <thread>

namespace chatd::test {
namespace {

// "*** 2 users in #lobby: @bob alice": whether `nick` is one of the names.
bool lists_nick(std::string_view who, std::string_view nick) {
  const auto colon = who.find(": ");
  if (colon == std::string_view::npos) return false;
  std::string_view names = who.substr(colon + 2);
  while (!names.empty()) {
    const auto space = names.find(' ');
    std::string_view name = names.substr(0, space);
    while (!name.empty() && (name.front() == '@' || name.front() == '+' || name.front() == '*'))
      name.remove_prefix(1);
    if (name == nick) return true;
    names = space == std::string_view::npos ? std::string_view() : names.substr(space + 1);
  }
  return false;
}

}  // namespace

Cluster::Cluster(std::size_t nodes, std::vector<std::string> extra_args)
    : extra_args_(std::move(extra_args)) {
  for (std::size_t i = 0; i < nodes; ++i)
    add_node();
}

std::vector<std::string> Cluster::node_args(const std::string& name,
                                            const std::vector<std::string>& extra) const {
  std::vector<std::string> args{"--redis", redis_.url(), "--node-name", name};
  args.insert(args.end(), extra_args_.begin(), extra_args_.end());
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

std::size_t Cluster::add_node(std::vector<std::string> extra_args) {
  const std::string name = "n" + std::to_string(nodes_.size() + 1);
  nodes_.push_back(std::make_unique<MixedChatd>(node_args(name, extra_args)));
  const std::size_t i = nodes_.size() - 1;
  if (!wait_linked(i)) {
    throw std::runtime_error("node " + name + " did not link: " + node(i).process().log_text());
  }
  return i;
}

bool Cluster::wait_linked(std::size_t i, std::size_t from, Deadline deadline) {
  return node(i).process().wait_for_log(kLinkedLog, deadline, from);
}

bool sees_user(LineClient& c, std::string_view nick, Deadline deadline) {
  for (int attempt = 0; attempt < 100 && Clock::now() < deadline; ++attempt) {
    if (!c.send_line("/who")) return false;
    const auto who = c.expect_line(contains(" in #"), within(std::chrono::seconds(2)));
    if (who && lists_nick(*who, nick)) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  return false;
}

bool sees_room(LineClient& c, std::string_view listing, Deadline deadline) {
  for (int attempt = 0; attempt < 100 && Clock::now() < deadline; ++attempt) {
    if (!c.send_line("/rooms")) return false;
    const auto rooms = c.expect_line(starts_with("*** "), within(std::chrono::seconds(2)));
    if (rooms && rooms->find(listing) != std::string::npos) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  return false;
}

}  // namespace chatd::test
