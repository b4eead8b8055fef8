// The recording handlers and the ReactorTest fixture's setup and teardown.
#include "tests/reactor/harness.h"

#include <sys/socket.h>
#include <uv.h>

#include <algorithm>

#include "reactor/address.h"

namespace chatd::test {

using reactor::CloseReason;
using reactor::Connection;

void RecordingHandler::on_line(Connection&, std::string_view line) {
  if (closes != 0) ++calls_after_close;
  lines.emplace_back(line);
  if (line_hook) line_hook(*this, line);
}

void RecordingHandler::on_line_too_long(Connection&) {
  if (closes != 0) ++calls_after_close;
  ++too_long;
  if (too_long_hook) too_long_hook(*this);
}

void RecordingHandler::on_close(Connection& c, CloseReason why) {
  if (closes != 0) ++calls_after_close;
  ++closes;
  reason = why;
  queued_at_close = c.queued_bytes();
  conn = nullptr;
  if (close_hook) close_hook(c, why);
}

TestServer::TestServer(reactor::Loop& loop, const std::string& at, int backlog)
    : listener_(
          std::make_unique<reactor::Listener>(loop, reactor::parse_endpoint(at), backlog, *this)) {}

TestServer::TestServer(reactor::Loop& loop, int fd, int backlog)
    : listener_(std::make_unique<reactor::Listener>(loop, fd, backlog, *this)) {}

TestServer::~TestServer() {
  for (auto& h : accepted) {
    if (h->conn != nullptr) h->conn->close(CloseReason::kByServer);
  }
  listener_.reset();
}

void TestServer::on_accept(Connection& c) {
  accepted.push_back(std::make_unique<RecordingHandler>(c));
  c.set_handler(accepted.back().get());
  if (accept_hook) accept_hook(*accepted.back());
}

void TestServer::on_accept_error(int uv_error) {
  accept_errors.push_back(uv_error);
}

std::uint16_t TestServer::port() const {
  const std::string at = local_address();
  return static_cast<std::uint16_t>(std::stoi(at.substr(at.rfind(':') + 1)));
}

std::size_t TestServer::open_count() const {
  return static_cast<std::size_t>(std::count_if(accepted.begin(), accepted.end(),
                                                [](const auto& h) { return h->conn != nullptr; }));
}

std::vector<std::string> loop_handles(reactor::Loop& loop) {
  // Closes requested so far complete in the next iteration; a few are plenty.
  for (int i = 0; i < 3; ++i)
    uv_run(loop.uv(), UV_RUN_NOWAIT);
  std::vector<std::string> names;
  uv_walk(
      loop.uv(),
      [](uv_handle_t* h, void* arg) {
        static_cast<std::vector<std::string>*>(arg)->emplace_back(
            uv_handle_type_name(uv_handle_get_type(h)));
      },
      &names);
  std::sort(names.begin(), names.end());
  return names;
}

void ReactorTest::TearDown() {
  clients_.clear();
  server_.reset();
  if (!loop_) return;
  EXPECT_EQ(loop_->connection_count(), 0u);
  EXPECT_EQ(loop_handles(*loop_), kLoopOwnHandles) << "a handle outlived its owner";
  loop_.reset();  // ~Loop asserts uv_loop_close() == 0 in debug builds
}

TestServer& ReactorTest::listen(const std::string& at) {
  server_ = std::make_unique<TestServer>(*loop_, at);
  return *server_;
}

RawClient& ReactorTest::connect(int rcvbuf) {
  clients_.push_back(std::make_unique<RawClient>("127.0.0.1", server_->port(), rcvbuf));
  return *clients_.back();
}

bool ReactorTest::open_link(RawClient*& client, RecordingHandler*& peer, int rcvbuf) {
  const std::size_t before = server_->accepted.size();
  client = &connect(rcvbuf);
  peer = nullptr;
  if (client->fd() < 0) return false;
  if (!pump([&] { return server_->accepted.size() > before; })) {
    ADD_FAILURE() << "the server did not accept the connection";
    return false;
  }
  peer = server_->accepted[before].get();
  return true;
}

bool ReactorTest::open_tight_link(RawClient*& client, RecordingHandler*& peer) {
  constexpr int kTinyBuffer = 4096;
  return open_link_with_buffers(client, peer, kTinyBuffer, kTinyBuffer);
}

bool ReactorTest::open_link_with_buffers(RawClient*& client, RecordingHandler*& peer,
                                         int client_rcvbuf, int server_sndbuf) {
  if (!open_link(client, peer, client_rcvbuf)) return false;
  const int fd = find_accepted_fd(*client);
  if (fd < 0) {
    ADD_FAILURE() << "cannot find the accepted socket";
    return false;
  }
  return setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &server_sndbuf, sizeof server_sndbuf) == 0;
}

void ReactorTest::set_limits(const std::function<void(reactor::ConnectionLimits&)>& edit) {
  reactor::ConnectionLimits limits = loop_->limits();
  edit(limits);
  loop_->set_limits(limits);
}

}  // namespace chatd::test
