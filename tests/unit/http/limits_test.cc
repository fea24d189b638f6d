// Connection limits (issue 12): a per-client cap, and idle eviction at max_connections, so one
// client holding many idle connections cannot lock others out. 127.0.0.1 and 127.0.0.2 play two
// clients.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "http/server.h"
#include "unit/http/http_fixture.h"

namespace irsa::http {
namespace {

using testing::Eventually;
using testing::Gate;
using testing::RawClient;
using testing::Signal;
using testing::Text;

constexpr char kClientA[] = "127.0.0.1";
constexpr char kClientB[] = "127.0.0.2";
constexpr char kClientC[] = "127.0.0.3";
constexpr char kGet[] = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";

class LimitsTest : public testing::HttpFixture {
 protected:
  void Start() {
    StartServer([](HttpRequest& r) { return Text(200, r.remote_address); });
  }
  uint64_t Evictions() {
    return registry_.GetCounter("irsa_http_idle_evictions_total", "").Value();
  }
  // Opens a connection from `ip` and completes one request on it (it is then idle).
  std::unique_ptr<RawClient> IdleConnection(const char* ip) {
    auto c = std::make_unique<RawClient>(port_, ip);
    EXPECT_TRUE(c->connected());
    auto r = c->RoundTrip(kGet);
    EXPECT_TRUE(r);
    if (r) {
      EXPECT_EQ(r->body, ip);
    }
    return c;
  }
};

TEST_F(LimitsTest, PerClientCapRefusesExtraConnectionsOfThatClientOnly) {
  options_.max_connections_per_client = 3;
  Start();
  std::vector<std::unique_ptr<RawClient>> a;
  for (int i = 0; i < 3; ++i) a.push_back(IdleConnection(kClientA));
  RawClient extra(port_, kClientA);
  ASSERT_TRUE(extra.connected());
  EXPECT_TRUE(extra.WaitClosed());
  EXPECT_EQ(Errors("per_client_limit"), 1u);
  // Another client is served, and A's open connections still work.
  auto b = IdleConnection(kClientB);
  for (auto& c : a) {
    auto r = c->RoundTrip(kGet);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
  }
  // Once one of A's connections closes, A may open another.
  a.pop_back();
  ASSERT_TRUE(Eventually([&] { return server_->OpenConnections() == 3; }));
  auto again = IdleConnection(kClientA);
  EXPECT_EQ(Errors("per_client_limit"), 1u);
}

TEST_F(LimitsTest, AnIpv4ClientReachingADualStackListenerCountsAsThatIpv4Client) {
  // The second listener accepts IPv4 connections as IPv4-mapped IPv6 addresses (::ffff:a.b.c.d).
  options_.listeners.push_back({.host = "::", .port = 0});
  options_.max_connections_per_client = 1;
  Start();
  const uint16_t dual_stack_port = server_->BoundEndpoints()[1].port;
  auto first = IdleConnection(kClientA);
  RawClient mapped(dual_stack_port, kClientA);
  ASSERT_TRUE(mapped.connected());
  EXPECT_TRUE(mapped.WaitClosed());
  EXPECT_EQ(Errors("per_client_limit"), 1u);
  RawClient other(dual_stack_port, kClientB);
  auto r = other.RoundTrip(kGet);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "::ffff:127.0.0.2");
}

TEST_F(LimitsTest, ManyIdleConnectionsOfOneClientCannotLockAnotherOut) {
  options_.max_connections = 8;
  options_.max_connections_per_client = 6;
  Start();
  std::vector<std::unique_ptr<RawClient>> a;
  for (int i = 0; i < 6; ++i) a.push_back(IdleConnection(kClientA));
  // Hundreds more from A are refused at once.
  for (int i = 0; i < 200; ++i) {
    RawClient more(port_, kClientA);
    EXPECT_TRUE(more.WaitClosed()) << i;
  }
  EXPECT_EQ(Errors("per_client_limit"), 200u);
  // B fills the rest and goes beyond: each newcomer evicts A's oldest idle connection.
  std::vector<std::unique_ptr<RawClient>> b;
  for (int i = 0; i < 4; ++i) b.push_back(IdleConnection(kClientB));
  EXPECT_EQ(Evictions(), 2u);
  EXPECT_TRUE(a[0]->WaitClosed());
  EXPECT_TRUE(a[1]->WaitClosed());
  for (size_t i = 2; i < a.size(); ++i) {
    auto r = a[i]->RoundTrip(kGet);
    ASSERT_TRUE(r) << i;
  }
  for (auto& c : b) {
    auto r = c->RoundTrip(kGet);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->body, kClientB);
  }
}

TEST_F(LimitsTest, IdleEvictionClosesTheOldestIdleConnectionOfAnotherClient) {
  options_.max_connections = 4;
  Start();  // no per-client cap
  std::vector<std::unique_ptr<RawClient>> a;
  for (int i = 0; i < 4; ++i) a.push_back(IdleConnection(kClientA));
  // A's first connection becomes the most recently idle one.
  ASSERT_TRUE(a[0]->RoundTrip(kGet));
  auto b = IdleConnection(kClientB);
  EXPECT_EQ(Evictions(), 1u);
  EXPECT_TRUE(a[1]->WaitClosed());  // the oldest idle
  ASSERT_TRUE(a[0]->RoundTrip(kGet));
  ASSERT_TRUE(a[2]->RoundTrip(kGet));
  ASSERT_TRUE(a[3]->RoundTrip(kGet));
  // Now a[0], a[2], a[3] were used after b: b is the oldest idle, but C evicts it fairly.
  auto c = IdleConnection(kClientC);
  EXPECT_EQ(Evictions(), 2u);
  EXPECT_TRUE(b->WaitClosed());
  EXPECT_TRUE(Eventually([&] { return server_->OpenConnections() == 4; }));
}

TEST_F(LimitsTest, AClientDoesNotEvictItsOwnConnections) {
  options_.max_connections = 2;
  Start();
  auto a1 = IdleConnection(kClientA);
  auto a2 = IdleConnection(kClientA);
  RawClient a3(port_, kClientA);
  EXPECT_TRUE(a3.WaitClosed());
  EXPECT_EQ(Errors("max_connections"), 1u);
  EXPECT_EQ(Evictions(), 0u);
  ASSERT_TRUE(a1->RoundTrip(kGet));
  ASSERT_TRUE(a2->RoundTrip(kGet));
}

TEST_F(LimitsTest, ConnectionsThatHaveNotSentAByteAreIdleToo) {
  options_.max_connections = 3;
  Start();
  std::vector<std::unique_ptr<RawClient>> silent;
  for (int i = 0; i < 3; ++i) {
    silent.push_back(std::make_unique<RawClient>(port_, kClientA));
    ASSERT_TRUE(silent.back()->connected());
  }
  ASSERT_TRUE(Eventually([&] { return server_->OpenConnections() == 3; }));
  auto b = IdleConnection(kClientB);
  EXPECT_EQ(Evictions(), 1u);
  EXPECT_TRUE(silent[0]->WaitClosed());
}

TEST_F(LimitsTest, BusyConnectionsAreNotEvicted) {
  options_.max_connections = 2;
  MakePool();
  Gate gate;
  Signal entered;
  std::atomic<int> busy{0};
  StartServer([&](HttpRequest& req, Responder respond) {
    if (req.path != "/busy") {
      respond(Text(200, "ok"));
      return;
    }
    ASSERT_TRUE(pool_->Submit([&, respond] {
      if (++busy == 2) entered.Set();
      gate.Wait();
      respond(Text(200, "done"));
    }));
  });
  RawClient a1(port_, kClientA);
  RawClient a2(port_, kClientA);
  ASSERT_TRUE(a1.Send("GET /busy HTTP/1.1\r\nHost: x\r\n\r\n"));
  ASSERT_TRUE(a2.Send("GET /busy HTTP/1.1\r\nHost: x\r\n\r\n"));
  ASSERT_TRUE(entered.WaitFor());
  RawClient b(port_, kClientB);
  EXPECT_TRUE(b.WaitClosed());
  EXPECT_EQ(Errors("max_connections"), 1u);
  EXPECT_EQ(Evictions(), 0u);
  gate.Open();
  auto r1 = a1.Read();
  auto r2 = a2.Read();
  ASSERT_TRUE(r1 && r2);
  EXPECT_EQ(r1->body, "done");
}

}  // namespace
}  // namespace irsa::http
