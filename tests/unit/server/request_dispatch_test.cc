// Where a node's requests run (server/request_dispatch.h): on the request workers, so that a
// request stuck on the store stalls no other connection of its IO thread; inline without a pool;
// and a full queue answered at once with an AWS 503.
#include "server/request_dispatch.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>

#include "unit/http/http_fixture.h"

namespace irsa::server {
namespace {

using http::testing::Eventually;
using http::testing::Gate;
using http::testing::RawClient;
using http::testing::Signal;
using http::testing::Text;
using ::testing::HasSubstr;

class RequestDispatchTest : public http::testing::HttpFixture {
 protected:
  // Requests to /store wait at `store_` (a store call that does not return yet); others answer at
  // once. Records whether the handler ran on a pool thread.
  RequestHandle Handle() {
    return [this](HttpRequest& request) {
      if (pool_) on_pool_ = pool_->OnPoolThread();
      if (request.path == "/store") {
        store_entered_.Set();
        store_.Wait();
      }
      return Text(200, request.method + " " + request.path + " " + request.body);
    };
  }

  Gate store_;
  Signal store_entered_;
  std::atomic<bool> on_pool_{false};
};

TEST_F(RequestDispatchTest, AStoreCallStallsNoOtherRequestOfItsIoThread) {
  options_.io_threads = 1;  // every connection on the one IO thread
  MakePool(2);
  StartServer(DispatchRequests(Handle(), pool_.get()));
  RawClient stuck(port_);
  ASSERT_TRUE(stuck.Send("GET /store HTTP/1.1\r\nHost: x\r\n\r\n"));
  ASSERT_TRUE(store_entered_.WaitFor());
  for (int i = 0; i < 10; ++i) {
    RawClient other(port_);
    auto r = other.RoundTrip("POST /memory HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->body, "POST /memory hi");
  }
  EXPECT_TRUE(on_pool_);
  store_.Open();
  auto r = stuck.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "GET /store ");
}

TEST_F(RequestDispatchTest, WithoutAPoolRequestsRunOnTheIoThread) {
  MakePool(1);  // exists, but is not given to the dispatcher
  store_.Open();
  StartServer(DispatchRequests(Handle(), nullptr));
  RawClient c(port_);
  auto r = c.RoundTrip("GET /store HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_FALSE(on_pool_);
}

TEST_F(RequestDispatchTest, AFullQueueIsAnsweredAtOnceWithServiceUnavailable) {
  MakePool(1, 1);
  StartServer(DispatchRequests(Handle(), pool_.get()));
  RawClient running(port_);
  ASSERT_TRUE(running.Send("GET /store HTTP/1.1\r\nHost: x\r\n\r\n"));
  ASSERT_TRUE(store_entered_.WaitFor());  // the only worker is busy
  RawClient queued(port_);
  ASSERT_TRUE(queued.Send("GET /queued HTTP/1.1\r\nHost: x\r\n\r\n"));
  ASSERT_TRUE(Eventually([&] { return pool_->queued() == 1; }));

  RawClient refused(port_);
  auto r = refused.RoundTrip("GET /refused HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 503);
  EXPECT_THAT(r->body, HasSubstr("<Code>ServiceUnavailable</Code>"));
  EXPECT_THAT(r->body, HasSubstr("<RequestId>" + r->Header("x-amzn-requestid") + "</RequestId>"));

  store_.Open();
  auto first = running.Read();
  auto second = queued.Read();
  ASSERT_TRUE(first && second);
  EXPECT_EQ(first->status, 200);
  EXPECT_EQ(second->body, "GET /queued ");
}

}  // namespace
}  // namespace irsa::server
