// The asynchronous handler form: inline answers, answers from a worker pool, dropped and late
// Responders, graceful stop with work on the pool.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <optional>
#include <stdexcept>
#include <thread>

#include "http/server.h"
#include "unit/http/http_fixture.h"

namespace irsa::http {
namespace {

using testing::Eventually;
using testing::Gate;
using ::testing::HasSubstr;
using testing::RawClient;
using testing::Signal;
using testing::Text;

class AsyncTest : public testing::HttpFixture {
 protected:
  // Answers /inline on the IO thread and everything else on the pool, after `gate_` opens for
  // paths starting with /slow.
  Server::AsyncHandler Router() {
    return [this](HttpRequest& req, Responder respond) {
      if (req.path == "/inline") {
        inline_thread_ = std::this_thread::get_id();
        respond(Text(200, "inline " + req.body));
        return;
      }
      const bool slow = req.path.starts_with("/slow");
      if (!pool_->Submit([this, &req, respond, slow] {
            if (slow) {
              slow_entered_.Set();
              gate_.Wait();
            }
            pool_thread_ = std::this_thread::get_id();
            respond(Text(200, "pool " + req.path + " " + req.body));
          })) {
        HttpResponse busy = Text(503, "busy");
        respond(std::move(busy));
      }
    };
  }

  Gate gate_;
  Signal slow_entered_;
  std::thread::id inline_thread_;
  std::thread::id pool_thread_;
};

TEST_F(AsyncTest, InlineAnswerAndPoolAnswerOnOneConnection) {
  MakePool();
  StartServer(Router());
  gate_.Open();
  RawClient c(port_);
  auto a = c.RoundTrip("POST /inline HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->status, 200);
  EXPECT_EQ(a->body, "inline hi");
  EXPECT_FALSE(a->Header("x-amzn-requestid").empty());
  auto b = c.RoundTrip("POST /store HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->status, 200);
  EXPECT_EQ(b->body, "pool /store abc");
  EXPECT_FALSE(b->HasHeader("connection"));  // kept alive
  auto d = c.RoundTrip("GET /inline HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->body, "inline ");
  EXPECT_NE(inline_thread_, pool_thread_);
  EXPECT_EQ(Requests("test", "Test", "200"), 3u);
}

// Issue 18: a request answered from memory never waits behind one that waits on the store, even
// on the same (single) IO thread.
TEST_F(AsyncTest, InlineRequestsAreNotBlockedBySlowPoolWork) {
  options_.io_threads = 1;
  MakePool(1);
  StartServer(Router());
  RawClient slow(port_);
  ASSERT_TRUE(slow.Send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n"));
  ASSERT_TRUE(slow_entered_.WaitFor());
  for (int i = 0; i < 20; ++i) {
    RawClient fast(port_);
    auto r = fast.RoundTrip("GET /inline HTTP/1.1\r\nHost: x\r\n\r\n");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
  }
  gate_.Open();
  auto r = slow.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "pool /slow ");
}

TEST_F(AsyncTest, PipelinedRequestsStayInOrderAcrossPoolAndInlineAnswers) {
  MakePool(4);
  StartServer(Router());
  RawClient c(port_);
  ASSERT_TRUE(
      c.Send("GET /slow1 HTTP/1.1\r\nHost: x\r\n\r\n"
             "GET /inline HTTP/1.1\r\nHost: x\r\n\r\n"
             "GET /p3 HTTP/1.1\r\nHost: x\r\n\r\n"));
  ASSERT_TRUE(slow_entered_.WaitFor());
  gate_.Open();
  auto a = c.Read();
  auto b = c.Read();
  auto d = c.Read();
  ASSERT_TRUE(a && b && d);
  EXPECT_EQ(a->body, "pool /slow1 ");
  EXPECT_EQ(b->body, "inline ");
  EXPECT_EQ(d->body, "pool /p3 ");
}

TEST_F(AsyncTest, FullPoolIsAnsweredAtOnce) {
  MakePool(1, 1);
  StartServer(Router());
  RawClient first(port_);
  ASSERT_TRUE(first.Send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n"));
  ASSERT_TRUE(slow_entered_.WaitFor());  // the only thread is busy
  RawClient queued(port_);
  ASSERT_TRUE(queued.Send("GET /queued HTTP/1.1\r\nHost: x\r\n\r\n"));
  ASSERT_TRUE(Eventually([&] { return pool_->queued() == 1; }));
  RawClient refused(port_);
  auto r = refused.RoundTrip("GET /refused HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 503);
  gate_.Open();
  auto f = first.Read();
  auto q = queued.Read();
  ASSERT_TRUE(f && q);
  EXPECT_EQ(f->status, 200);
  EXPECT_EQ(q->body, "pool /queued ");
}

TEST_F(AsyncTest, DroppedResponderAnswers500) {
  StartServer([](HttpRequest&, Responder) {});
  RawClient c(port_);
  auto r = c.RoundTrip("GET /x HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 500);
  EXPECT_THAT(r->body, HasSubstr("InternalFailure"));
  // The connection stays usable.
  auto again = c.RoundTrip("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 200);
}

TEST_F(AsyncTest, ResponderDroppedOnAnotherThreadAnswers500) {
  MakePool();
  StartServer([this](HttpRequest&, Responder respond) {
    ASSERT_TRUE(pool_->Submit([respond] { (void)respond; }));
  });
  RawClient c(port_);
  auto r = c.RoundTrip("GET /x HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 500);
}

TEST_F(AsyncTest, CancelledPoolTaskAnswers500) {
  MakePool(1, 8);
  StartServer(Router());
  RawClient first(port_);
  ASSERT_TRUE(first.Send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n"));
  ASSERT_TRUE(slow_entered_.WaitFor());
  RawClient queued(port_);
  ASSERT_TRUE(queued.Send("GET /queued HTTP/1.1\r\nHost: x\r\n\r\n"));
  ASSERT_TRUE(Eventually([&] { return pool_->queued() == 1; }));
  std::thread opener([&] {
    ASSERT_TRUE(Eventually([&] { return pool_->queued() == 0; }));
    gate_.Open();
  });
  pool_->Shutdown(WorkerPool::ShutdownMode::kCancelQueued);
  opener.join();
  auto q = queued.Read();
  ASSERT_TRUE(q);
  EXPECT_EQ(q->status, 500);
  auto f = first.Read();
  ASSERT_TRUE(f);
  EXPECT_EQ(f->status, 200);
}

TEST_F(AsyncTest, SecondCallIsIgnored) {
  StartServer([](HttpRequest&, Responder respond) {
    Responder copy = respond;
    EXPECT_FALSE(copy.Done());
    copy(Text(201, "first"));
    EXPECT_TRUE(respond.Done());
    respond(Text(202, "second"));
  });
  RawClient c(port_);
  auto r = c.RoundTrip("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 201);
  EXPECT_EQ(r->body, "first");
  auto r2 = c.RoundTrip("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(r2);
  EXPECT_EQ(r2->status, 201);
}

TEST_F(AsyncTest, HandlerThatThrowsAnswers500) {
  StartServer([](HttpRequest&, Responder) { throw std::runtime_error("boom"); });
  RawClient c(port_);
  auto r = c.RoundTrip("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 500);
  EXPECT_EQ(Errors("handler_exception"), 1u);
}

TEST_F(AsyncTest, InvalidStatusFromPoolAnswers500) {
  MakePool();
  StartServer([this](HttpRequest&, Responder respond) {
    ASSERT_TRUE(pool_->Submit([respond] { respond(HttpResponse{.status = 99}); }));
  });
  RawClient c(port_);
  auto r = c.RoundTrip("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 500);
}

TEST_F(AsyncTest, GracefulStopWaitsForPoolWork) {
  MakePool();
  StartServer(Router());
  RawClient idle(port_);
  ASSERT_TRUE(idle.RoundTrip("GET /inline HTTP/1.1\r\nHost: x\r\n\r\n"));
  RawClient busy(port_);
  ASSERT_TRUE(busy.Send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n"));
  ASSERT_TRUE(slow_entered_.WaitFor());
  std::atomic<bool> stopped{false};
  std::thread stopper([&] {
    server_->Stop(std::chrono::seconds(30));
    stopped = true;
  });
  // Stop has begun once the idle connection is closed; the busy one is still waiting.
  EXPECT_TRUE(idle.WaitClosed());
  EXPECT_TRUE(Eventually([&] { return server_->OpenConnections() == 1; }));
  EXPECT_FALSE(stopped.load());
  gate_.Open();
  auto r = busy.Read();
  stopper.join();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "pool /slow ");
  EXPECT_EQ(r->Header("connection"), "close");
  EXPECT_EQ(server_->OpenConnections(), 0);
}

TEST_F(AsyncTest, ResponderOutlivingTheServerIsHarmless) {
  MakePool();
  std::optional<Responder> kept;
  Signal got;
  StartServer([&](HttpRequest&, Responder respond) {
    kept.emplace(respond);
    got.Set();
  });
  RawClient c(port_);
  ASSERT_TRUE(c.Send("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
  ASSERT_TRUE(got.WaitFor());
  server_->Stop(std::chrono::milliseconds(0));
  server_.reset();
  EXPECT_TRUE(kept->Done());
  (*kept)(Text(200, "too late"));
  kept.reset();
  EXPECT_TRUE(c.WaitClosed());
}

TEST_F(AsyncTest, AnswerAfterTheClientLeftIsHarmless) {
  std::optional<Responder> kept;
  Signal got;
  StartServer([&](HttpRequest&, Responder respond) {
    kept.emplace(respond);
    got.Set();
  });
  {
    RawClient c(port_);
    ASSERT_TRUE(c.Send("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
    ASSERT_TRUE(got.WaitFor());
    EXPECT_FALSE(kept->Done());
  }
  // Nothing reads while the handler works, so the disconnect shows when the server next reads or
  // writes: after this answer.
  (*kept)(Text(200, "nobody listens"));
  EXPECT_TRUE(kept->Done());
  kept.reset();
  EXPECT_TRUE(Eventually([&] { return server_->OpenConnections() == 0; }));
}

}  // namespace
}  // namespace irsa::http
