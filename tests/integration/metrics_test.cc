// Integration tests of the metrics listener: /metrics parsed by the Prometheus project's own
// Python text parser, its values checked against what the test did (on a cluster node too);
// /livez and /readyz (503 while draining and when full); bad, unknown and non-GET requests;
// keep-alive and pipelining; a request that never completes is closed.
#include <gtest/gtest.h>
#include <signal.h>

#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/cluster.h"
#include "tests/support/http_get.h"
#include "tests/support/irc_client.h"
#include "tests/support/line_client.h"
#include "tests/support/stuck_reader.h"
#include "tests/support/subprocess.h"
#include "tests/support/temp_dir.h"

namespace chatd::test {
namespace {

using namespace std::chrono_literals;

// Prints "FAMILY name type documented" for each family and "SAMPLE name{k="v",...} value" for
// each sample (labels sorted; no braces without labels), or fails on anything the parser
// refuses.
constexpr char kParser[] = R"(
import sys
from prometheus_client.parser import text_string_to_metric_families
text = open(sys.argv[1], encoding="utf-8").read()
for f in text_string_to_metric_families(text):
    print("FAMILY", f.name, f.type, "documented" if f.documentation else "undocumented")
    for s in f.samples:
        labels = ",".join('%s="%s"' % (k, v) for k, v in sorted(s.labels.items()))
        print("SAMPLE %s%s %r" % (s.name, "{%s}" % labels if labels else "", float(s.value)))
)";

struct Page {
  std::map<std::string, std::string> families;  // name -> "type documented"
  std::map<std::string, double> samples;        // "name{labels}" -> value
  double at(const std::string& key) const {
    const auto it = samples.find(key);
    return it == samples.end() ? -1 : it->second;
  }
};

Page parse_page(const std::string& text) {
  TempDir dir("metrics");
  const std::string file = dir.write("page.txt", text);
  const ToolResult r = run_tool({"/usr/bin/python3", "-c", kParser, file}, within(30s));
  EXPECT_EQ(r.exit_code(), 0) << r.output;
  Page page;
  std::istringstream lines(r.output);
  std::string kind, name, rest;
  while (lines >> kind >> name && std::getline(lines, rest)) {
    if (kind == "FAMILY") page.families[name] = rest.substr(1);
    if (kind == "SAMPLE") page.samples[name] = std::stod(rest);
  }
  return page;
}

class MetricsChatd {
 public:
  explicit MetricsChatd(std::vector<std::string> extra = {})
      : chatd_(args(std::move(extra))),
        irc_port_(chatd_.port_of("irc")),
        metrics_port_(chatd_.port_of("metrics")) {}
  ChatdProcess& process() { return chatd_; }
  std::uint16_t plain_port() const { return chatd_.port(); }
  std::uint16_t irc_port() const { return irc_port_; }
  std::uint16_t metrics_port() const { return metrics_port_; }

  HttpReply get(std::string_view path) {
    auto r = http_get(metrics_port_, path);
    if (!r) throw std::runtime_error("no HTTP reply for " + std::string(path));
    return *r;
  }

 private:
  static std::vector<std::string> args(std::vector<std::string> extra) {
    std::vector<std::string> all = {"--listen",          "127.0.0.1:0", "--listen",
                                    "irc://127.0.0.1:0", "--listen",    "metrics://127.0.0.1:0"};
    all.insert(all.end(), extra.begin(), extra.end());
    return all;
  }

  ChatdProcess chatd_;
  std::uint16_t irc_port_;
  std::uint16_t metrics_port_;
};

TEST(Metrics, ThePageParsesAndCountsWhatTheTestDid) {
  MetricsChatd chatd({"--output-limit", "65536"});
  LineClient alice = connect_as(chatd.plain_port(), "alice");
  ClientOptions tiny;
  tiny.recv_buffer = 4096;
  LineClient slow = connect_as(chatd.plain_port(), "slow", default_deadline(), tiny);
  IrcClient ian = connect_irc(chatd.irc_port(), "ian");
  ian.join("#lobby");
  // 3 lines from alice reach slow (plain) and ian (IRC); then ian leaves, and alice floods
  // slow, who never reads, until it is cut as too slow.
  for (int i = 0; i < 3; ++i)
    ASSERT_TRUE(alice.send_line("hello " + std::to_string(i)));
  for (int i = 0; i < 3; ++i)
    ASSERT_TRUE(ian.expect(irc_command("PRIVMSG"))) << ian.diagnostics();
  ASSERT_TRUE(ian.send("PART #lobby"));
  ASSERT_TRUE(ian.expect(irc_command("PART"))) << ian.diagnostics();
  const std::string big(1000, 'b');
  bool cut = false;
  for (int i = 0; i < 20000 && !cut; ++i) {
    ASSERT_TRUE(alice.send_line(big));
    if (i % 100 == 99) {
      cut = alice.expect_line(equals("*** slow quit (too slow to receive)"), within(50ms), 100000)
                .has_value();
    }
  }
  if (!cut) {
    ASSERT_TRUE(alice.expect_line(equals("*** slow quit (too slow to receive)"), default_deadline(),
                                  100000))
        << alice.diagnostics();
  }
  ASSERT_TRUE(alice.send_line("/who"));
  ASSERT_TRUE(alice.expect_line(starts_with("*** 1 user in #lobby"), default_deadline(), 100000))
      << alice.diagnostics();

  const HttpReply reply = chatd.get("/metrics");
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.field("content-type"), "text/plain; version=0.0.4; charset=utf-8");
  const Page page = parse_page(reply.body);
  for (const auto& [name, what] : page.families) {
    EXPECT_EQ(what.substr(what.find(' ') + 1), "documented") << name;
    EXPECT_EQ(what.find("unknown"), std::string::npos) << name << " has no TYPE";
  }
  EXPECT_EQ(page.families.at("chatd_connections_accepted"), "counter documented");
  EXPECT_EQ(page.families.at("chatd_loop_busy_seconds"), "histogram documented");
  EXPECT_EQ(page.at(R"(chatd_connections{proto="plain"})"), 1);
  EXPECT_EQ(page.at(R"(chatd_connections{proto="irc"})"), 1);
  EXPECT_EQ(page.at(R"(chatd_connections_accepted_total{proto="plain"})"), 2);
  EXPECT_EQ(page.at(R"(chatd_connections_accepted_total{proto="irc"})"), 1);
  EXPECT_EQ(page.at(R"(chatd_disconnects_total{reason="slow_consumer"})"), 1);
  EXPECT_EQ(page.at(R"(chatd_disconnects_total{reason="quit"})"), 0);
  EXPECT_EQ(page.at("chatd_users"), 2);
  EXPECT_EQ(page.at("chatd_rooms"), 1);
  EXPECT_EQ(page.at("chatd_room_members_max"), 1);
  const double relayed = page.at("chatd_lines_relayed_total");
  EXPECT_GE(relayed, 3 + 100);
  // alice's lines and commands (renames included); ian's NICK, USER, JOIN and PART.
  EXPECT_GE(page.at(R"(chatd_lines_received_total{proto="plain"})"), relayed + 3);
  EXPECT_GE(page.at(R"(chatd_lines_received_total{proto="irc"})"), 4);
  // The hellos reached ian and slow; then runs of the flood, until slow's queue passed
  // 64 KiB (a run of lines read at once is one delivery).
  EXPECT_GE(page.at(R"(chatd_deliveries_total{proto="irc"})"), 3);
  EXPECT_GE(page.at(R"(chatd_deliveries_total{proto="plain"})"), 3 + 1);
  EXPECT_GT(page.at(R"(chatd_sent_bytes_total{proto="plain"})"), 0);
  EXPECT_GT(page.at(R"(chatd_sent_bytes_total{proto="irc"})"), 0);
  EXPECT_GT(page.at("chatd_writev_total"), 0);
  EXPECT_GT(page.at("chatd_loop_iterations_total"), 0);
  EXPECT_EQ(page.at(R"(chatd_broadcast_recipients_bucket{le="+Inf"})"),
            page.at("chatd_broadcast_recipients_count"));
  EXPECT_GE(page.at("chatd_broadcast_recipients_count"), 1);
  EXPECT_GT(page.at("chatd_message_block_refs"), 0);
  EXPECT_GT(page.at("chatd_max_clients"), 0);
  EXPECT_EQ(page.at("chatd_output_limit_bytes"), 65536);
  EXPECT_EQ(page.at(R"(chatd_tls_handshakes_total{result="ok"})"), 0);
  EXPECT_EQ(page.families.count("chatd_cluster_linked"), 0u) << "no cluster without --redis";
  EXPECT_GT(page.at("process_open_fds"), 5);
  EXPECT_GT(page.at("process_resident_memory_bytes"), 1e6);
  EXPECT_GT(page.at("process_start_time_seconds"), 1.7e9);
  bool build_info = false;
  for (const auto& [key, value] : page.samples) {
    if (key.starts_with("chatd_build_info{")) build_info = value == 1;
  }
  EXPECT_TRUE(build_info);
}

// A node of a cluster reports its link to the others: linked, the other node heard, and
// what crossed counted on both sides, with nothing lost, repeated or dropped.
TEST(Metrics, AClusterNodeReportsItsLinkAndCountsWhatCrossedIt) {
  Cluster cluster(2, {"--listen", "metrics://127.0.0.1:0"});
  LineClient alice = connect_as(cluster.node(0).plain_port(), "alice");
  LineClient bob = connect_as(cluster.node(1).plain_port(), "bob");
  ASSERT_TRUE(sees_user(alice, "bob")) << alice.diagnostics();
  constexpr int kLines = 5;
  for (int i = 0; i < kLines; ++i)
    ASSERT_TRUE(alice.send_line("across " + std::to_string(i)));
  for (int i = 0; i < kLines; ++i)
    ASSERT_TRUE(bob.expect_line(starts_with("<alice> across"))) << bob.diagnostics();
  const auto page_of = [&](std::size_t node) {
    const auto r = http_get(cluster.node(node).process().port_of("metrics"), "/metrics");
    if (!r) throw std::runtime_error("no /metrics from node " + std::to_string(node));
    return parse_page(r->body);
  };
  const Page sender = page_of(0);
  const Page receiver = page_of(1);
  for (const Page* p : {&sender, &receiver}) {
    EXPECT_EQ(p->families.at("chatd_cluster_published"), "counter documented");
    EXPECT_EQ(p->at("chatd_cluster_linked"), 1);
    EXPECT_EQ(p->at("chatd_cluster_other_nodes"), 1);
    EXPECT_EQ(p->at("chatd_cluster_lost_total"), 0);
    EXPECT_EQ(p->at("chatd_cluster_duplicates_total"), 0);
    EXPECT_EQ(p->at("chatd_cluster_publish_dropped_total"), 0);
    EXPECT_EQ(p->at("chatd_cluster_link_downs_total"), 0);
    EXPECT_GE(p->at("chatd_cluster_queued_bytes"), 0);
  }
  // alice's arrival, her join and her lines went out of node 0 and into node 1.
  EXPECT_GE(sender.at("chatd_cluster_published_total"), kLines + 2);
  EXPECT_GE(receiver.at("chatd_cluster_received_total"), kLines + 2);
  EXPECT_EQ(receiver.at("chatd_users"), 2) << "every node's users are in the model";
  EXPECT_EQ(receiver.at(R"(chatd_connections{proto="plain"})"), 1);
}

TEST(Metrics, LivezAndReadyzAnswerOkWhileServing) {
  MetricsChatd chatd;
  const HttpReply live = chatd.get("/livez");
  EXPECT_EQ(live.status, 200);
  EXPECT_EQ(live.body, "ok\n");
  EXPECT_EQ(live.field("cache-control"), "no-store");
  const HttpReply ready = chatd.get("/readyz");
  EXPECT_EQ(ready.status, 200);
  EXPECT_EQ(ready.body, "ok\n");
}

TEST(Metrics, ReadyzIsUnavailableWhenFull) {
  MetricsChatd chatd({"--max-clients", "1"});
  LineClient only = connect_as(chatd.plain_port(), "only");
  const HttpReply ready = chatd.get("/readyz");
  EXPECT_EQ(ready.status, 503);
  EXPECT_EQ(ready.body, "full\n");
  EXPECT_EQ(chatd.get("/livez").status, 200);
}

// A client that never reads holds the drain open: meanwhile /readyz says draining, so a load
// balancer stops sending users here, and chatd still exits.
TEST(Metrics, ReadyzIsUnavailableWhileShuttingDown) {
  MetricsChatd chatd;
  const StuckReader stuck = stuck_reader(chatd.plain_port(), 200, 1000);
  ASSERT_TRUE(chatd.process().send_signal(SIGTERM));
  ASSERT_TRUE(chatd.process().wait_for_log("shutting down", default_deadline()));
  const HttpReply ready = chatd.get("/readyz");
  EXPECT_EQ(ready.status, 503);
  EXPECT_EQ(ready.body, "draining\n");
  EXPECT_EQ(chatd.get("/livez").status, 200);
  EXPECT_TRUE(chatd.process().wait_exit(within(10s))) << "chatd did not exit";
}

TEST(Metrics, UnknownPathsAre404AndOtherMethods405) {
  MetricsChatd chatd;
  EXPECT_EQ(chatd.get("/").status, 404);
  EXPECT_EQ(chatd.get("/metrics/extra").status, 404);
  LineClient c(chatd.metrics_port());
  ASSERT_TRUE(c.send_raw("POST /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
  auto status = c.read_line();
  ASSERT_TRUE(status) << c.diagnostics();
  EXPECT_EQ(*status, "HTTP/1.1 405 Method Not Allowed");
  auto allow = c.expect_line(equals("Allow: GET, HEAD"));
  EXPECT_TRUE(allow) << c.diagnostics();
}

TEST(Metrics, ABadRequestIsAnswered400AndClosed) {
  MetricsChatd chatd;
  for (const char* bad : {"NOT HTTP\r\n\r\n", "GET /metrics HTTP/1.1\r\n\r\n" /* no Host */,
                          "GET /metrics HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n",
                          "GET /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"}) {
    LineClient c(chatd.metrics_port());
    ASSERT_TRUE(c.send_raw(bad));
    auto status = c.read_line();
    ASSERT_TRUE(status) << bad << ": " << c.diagnostics();
    EXPECT_EQ(*status, "HTTP/1.1 400 Bad Request") << bad;
    EXPECT_TRUE(c.read_until_closed()) << bad << ": not closed";
  }
  LineClient v2(chatd.metrics_port());
  ASSERT_TRUE(v2.send_raw("GET /metrics HTTP/2.0\r\nHost: x\r\n\r\n"));
  auto status = v2.read_line();
  ASSERT_TRUE(status) << v2.diagnostics();
  EXPECT_EQ(*status, "HTTP/1.1 505 HTTP Version Not Supported");
  // chatd is still serving.
  EXPECT_EQ(chatd.get("/livez").status, 200);
}

TEST(Metrics, AnOversizedRequestHeadIsRefusedWith431) {
  MetricsChatd chatd;
  LineClient c(chatd.metrics_port());
  std::string head = "GET /metrics HTTP/1.1\r\nHost: x\r\n";
  for (int i = 0; i < 100; ++i)
    head += "X-Padding-" + std::to_string(i) + ": " + std::string(100, 'p') + "\r\n";
  ASSERT_TRUE(c.send_raw(head + "\r\n"));
  auto status = c.read_line();
  ASSERT_TRUE(status) << c.diagnostics();
  EXPECT_EQ(*status, "HTTP/1.1 431 Request Header Fields Too Large");
  EXPECT_TRUE(c.read_until_closed());
}

TEST(Metrics, KeepAliveAnswersPipelinedRequestsInOrderAndHeadHasNoBody) {
  MetricsChatd chatd;
  LineClient c(chatd.metrics_port());
  ASSERT_TRUE(
      c.send_raw("GET /livez HTTP/1.1\r\nHost: x\r\n\r\n"
                 "GET /nothing HTTP/1.1\r\nHost: x\r\n\r\n"));
  std::string bytes;
  std::vector<HttpReply> replies;
  while (replies.size() < 2) {
    auto line = c.read_raw_line();
    ASSERT_TRUE(line) << c.diagnostics();
    bytes += *line;
    std::size_t used = 0;
    while (auto r = parse_http_reply(bytes, &used)) {
      replies.push_back(*r);
      bytes.erase(0, used);
    }
  }
  EXPECT_EQ(replies[0].status, 200);
  EXPECT_EQ(replies[0].body, "ok\n");
  EXPECT_EQ(replies[1].status, 404);
  EXPECT_TRUE(bytes.empty()) << bytes;
  // HEAD: the head of a GET's answer, and no body: the next answer follows it directly.
  ASSERT_TRUE(c.send_raw("HEAD /readyz HTTP/1.1\r\nHost: x\r\n\r\n"));
  ASSERT_TRUE(c.expect_line(equals("HTTP/1.1 200 OK"), default_deadline(), 0)) << c.diagnostics();
  ASSERT_TRUE(c.expect_line(equals("Content-Length: 3"))) << c.diagnostics();
  ASSERT_TRUE(c.expect_line(equals(""))) << c.diagnostics();
  ASSERT_TRUE(c.send_raw("GET /livez HTTP/1.1\r\nHost: x\r\n\r\n"));
  EXPECT_TRUE(c.expect_line(equals("HTTP/1.1 200 OK"), default_deadline(), 0))
      << "the HEAD answer carried a body: " << c.diagnostics();
  EXPECT_FALSE(c.closed());
}

// Slowloris: a request that never completes holds a connection for the request timeout only.
TEST(Metrics, ARequestThatNeverCompletesIsClosed) {
  MetricsChatd chatd;
  LineClient c(chatd.metrics_port());
  ASSERT_TRUE(c.send_raw("GET /metrics HTTP/1.1\r\nHost: x\r\n"));
  auto status = c.read_line(within(15s));
  ASSERT_TRUE(status) << "no answer 15 s after an unfinished request: " << c.diagnostics();
  EXPECT_EQ(*status, "HTTP/1.1 408 Request Timeout");
  EXPECT_TRUE(c.read_until_closed()) << "still open after its 408";
  EXPECT_EQ(chatd.get("/livez").status, 200);
}

// One address cannot hold every HTTP slot a load balancer's health check needs.
TEST(Metrics, OneAddressHoldsAtMostEightHttpConnections) {
  MetricsChatd chatd;
  std::vector<LineClient> held;
  for (int i = 0; i < 8; ++i) {
    held.emplace_back(chatd.metrics_port());
    ASSERT_TRUE(held.back().send_raw("GET /livez HTTP/1.1\r\nHost: x\r\n\r\n"));
    ASSERT_TRUE(held.back().expect_line(equals("HTTP/1.1 200 OK"))) << held.back().diagnostics();
  }
  LineClient ninth(chatd.metrics_port());
  ASSERT_TRUE(ninth.send_raw("GET /livez HTTP/1.1\r\nHost: x\r\n\r\n"));
  EXPECT_TRUE(ninth.read_until_closed()) << ninth.diagnostics();
  EXPECT_FALSE(ninth.expect_line(equals("HTTP/1.1 200 OK"), within(100ms)));
  ASSERT_TRUE(chatd.process().wait_for_log("8 HTTP connections from there", default_deadline()));
  held.front().close();
  // Served again once chatd has seen that close: try every 20 ms, for 5 s at most.
  bool served = false;
  for (int i = 0; i < 250 && !served; ++i) {
    auto r = http_get(chatd.metrics_port(), "/livez", within(2s));
    served = r && r->status == 200;
    if (!served) std::this_thread::sleep_for(20ms);
  }
  EXPECT_TRUE(served);
}

}  // namespace
}  // namespace chatd::test
