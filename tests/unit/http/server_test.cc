#include "http/server.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <regex>
#include <thread>

#include "base/log.h"
#include "base/metrics.h"
#include "base/random.h"
#include "unit/http/raw_client.h"

namespace irsa::http {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testing::RawClient;
using testing::RawResponse;

bool IsUuidV4(const std::string& s) {
  static const std::regex re(
      "^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
  return std::regex_match(s, re);
}

// Captures log lines for the lifetime of the object.
class LogCapture {
 public:
  LogCapture() {
    log::SetSink([this](std::string_view line) {
      std::lock_guard lock(mu_);
      lines_.emplace_back(line);
    });
  }
  ~LogCapture() {
    log::SetSink([](std::string_view) {});
  }
  std::vector<std::string> Lines() {
    std::lock_guard lock(mu_);
    return lines_;
  }
  std::vector<std::string> AccessLines() {
    std::vector<std::string> out;
    for (auto& l : Lines()) {
      if (l.find("\"msg\":\"access\"") != std::string::npos) out.push_back(l);
    }
    return out;
  }

 private:
  std::mutex mu_;
  std::vector<std::string> lines_;
};

class ServerTest : public ::testing::Test {
 protected:
  ServerTest() : random_(42) {
    log::SetSink([](std::string_view) {});  // keep test output readable
    options_.listeners.push_back({.host = "127.0.0.1", .port = 0});
    options_.io_threads = 2;
    options_.registry = &registry_;
    options_.random = &random_;
  }
  ~ServerTest() override {
    if (server_) server_->Stop(std::chrono::milliseconds(0));
    log::SetSink(nullptr);
  }

  // Default handler: echoes method, path and body, labelled as an STS call.
  static HttpResponse Echo(HttpRequest& r) {
    HttpResponse resp;
    resp.status = r.path == "/missing" ? 404 : 200;
    resp.headers.emplace_back("Content-Type", "text/plain");
    resp.body = r.method + " " + r.path + " " + r.body;
    resp.labels.service = "sts";
    resp.labels.action = "GetCallerIdentity";
    resp.labels.principal = "arn:aws:iam::123456789012:role/test";
    if (r.path == "/missing") resp.labels.error_code = "NotFound";
    return resp;
  }

  void StartServer(Server::Handler handler = Echo) {
    server_ = std::make_unique<Server>(options_, std::move(handler));
    Status s = server_->Start();
    ASSERT_TRUE(s.ok()) << s.error().message();
    ASSERT_EQ(server_->BoundEndpoints().size(), 1u);
    port_ = server_->BoundEndpoints()[0].port;
    ASSERT_NE(port_, 0);
  }

  static void ExpectStandardHeaders(const RawResponse& r) {
    EXPECT_TRUE(IsUuidV4(r.Header("x-amzn-requestid"))) << r.Header("x-amzn-requestid");
    EXPECT_EQ(r.Header("server"), "irsa");
    EXPECT_THAT(r.Header("date"), HasSubstr(" GMT"));
  }

  metrics::Registry registry_;
  SeededRandom random_;
  ServerOptions options_;
  std::unique_ptr<Server> server_;
  uint16_t port_ = 0;
};

TEST_F(ServerTest, KeepAliveServesTwoRequestsOnOneConnection) {
  StartServer();
  RawClient c(port_);
  ASSERT_TRUE(c.connected());
  auto r1 = c.RoundTrip("GET /one HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(r1);
  EXPECT_EQ(r1->status, 200);
  EXPECT_EQ(r1->body, "GET /one ");
  EXPECT_EQ(r1->Header("content-length"), "9");
  EXPECT_EQ(r1->Header("content-type"), "text/plain");
  EXPECT_FALSE(r1->HasHeader("connection"));
  ExpectStandardHeaders(*r1);
  auto r2 = c.RoundTrip("POST /two HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello");
  ASSERT_TRUE(r2);
  EXPECT_EQ(r2->status, 200);
  EXPECT_EQ(r2->body, "POST /two hello");
  ExpectStandardHeaders(*r2);
  EXPECT_NE(r1->Header("x-amzn-requestid"), r2->Header("x-amzn-requestid"));
  EXPECT_EQ(server_->OpenConnections(), 1);
}

TEST_F(ServerTest, PipelinedRequestsAreAnsweredInOrder) {
  StartServer();
  RawClient c(port_);
  ASSERT_TRUE(c.Send(
      "GET /a HTTP/1.1\r\nHost: x\r\n\r\n"
      "POST /b HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"
      "GET /c HTTP/1.1\r\nHost: x\r\n\r\n"));
  auto a = c.Read();
  auto b = c.Read();
  auto d = c.Read();
  ASSERT_TRUE(a && b && d);
  EXPECT_EQ(a->body, "GET /a ");
  EXPECT_EQ(b->body, "POST /b abc");
  EXPECT_EQ(d->body, "GET /c ");
}

TEST_F(ServerTest, HandlerSeesParsedRequest) {
  HttpRequest seen;
  StartServer([&](HttpRequest& r) {
    seen = r;
    return HttpResponse{.status = 204};
  });
  RawClient c(port_);
  auto r = c.RoundTrip(
      "PUT /a%20b/c?Action=X&y=%2F HTTP/1.1\r\nHost: example\r\nX-Custom-Header:  v1 \r\n"
      "x-custom-header: v2\r\nContent-Length: 3\r\n\r\nxyz");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 204);
  EXPECT_FALSE(r->HasHeader("content-length"));
  ExpectStandardHeaders(*r);
  EXPECT_EQ(seen.method, "PUT");
  EXPECT_EQ(seen.target, "/a%20b/c?Action=X&y=%2F");
  EXPECT_EQ(seen.path, "/a b/c");
  EXPECT_EQ(seen.query, "Action=X&y=%2F");
  EXPECT_EQ(seen.body, "xyz");
  EXPECT_EQ(seen.remote_address, "127.0.0.1");
  EXPECT_FALSE(seen.secure);
  EXPECT_EQ(seen.request_id, r->Header("x-amzn-requestid"));
  EXPECT_EQ(seen.Header("host"), "example");
  EXPECT_EQ(seen.Header("x-custom-header"), "v1");
  int custom = 0;
  for (const auto& [n, v] : seen.headers) custom += n == "x-custom-header";
  EXPECT_EQ(custom, 2);
}

TEST_F(ServerTest, AbsoluteFormTarget) {
  StartServer();
  RawClient c(port_);
  auto r = c.RoundTrip("GET http://example.com/p?q=1 HTTP/1.1\r\nHost: example.com\r\n\r\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "GET /p ");
}

TEST_F(ServerTest, HandlerHeadersCannotOverrideFraming) {
  StartServer([](HttpRequest&) {
    HttpResponse resp;
    resp.body = "abc";
    resp.headers = {{"Content-Length", "99"}, {"X-Evil", "a\r\nInjected: 1"}, {"X-Ok", "yes"}};
    return resp;
  });
  RawClient c(port_);
  auto r = c.RoundTrip("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->Header("content-length"), "3");
  EXPECT_EQ(r->body, "abc");
  EXPECT_FALSE(r->HasHeader("injected"));
  EXPECT_FALSE(r->HasHeader("x-evil"));
  EXPECT_EQ(r->Header("x-ok"), "yes");
}

TEST_F(ServerTest, HealthzAnsweredWithoutHandler) {
  std::atomic<int> calls{0};
  StartServer([&](HttpRequest& r) {
    ++calls;
    return Echo(r);
  });
  RawClient c(port_);
  auto r = c.RoundTrip("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "ok");
  ExpectStandardHeaders(*r);
  c.set_head_only(true);
  auto h = c.RoundTrip("HEAD /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(h);
  EXPECT_EQ(h->status, 200);
  EXPECT_EQ(h->Header("content-length"), "2");
  EXPECT_EQ(h->body, "");
  c.set_head_only(false);
  // A non-GET to a built-in path goes to the handler.
  auto p = c.RoundTrip("POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->body, "POST /healthz ");
  EXPECT_EQ(calls.load(), 1);
}

TEST_F(ServerTest, ReadyzFollowsCallback) {
  std::atomic<bool> ready{false};
  options_.ready = [&] { return ready.load(); };
  StartServer();
  RawClient c(port_);
  auto r1 = c.RoundTrip("GET /readyz HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(r1);
  EXPECT_EQ(r1->status, 503);
  ExpectStandardHeaders(*r1);
  ready = true;
  auto r2 = c.RoundTrip("GET /readyz HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(r2);
  EXPECT_EQ(r2->status, 200);
  EXPECT_EQ(r2->body, "ok");
}

TEST_F(ServerTest, MetricsEndpointReportsRequests) {
  StartServer();
  RawClient c(port_);
  ASSERT_TRUE(c.RoundTrip("GET /x HTTP/1.1\r\nHost: x\r\n\r\n"));
  ASSERT_TRUE(c.RoundTrip("GET /y HTTP/1.1\r\nHost: x\r\n\r\n"));
  ASSERT_TRUE(c.RoundTrip("GET /missing HTTP/1.1\r\nHost: x\r\n\r\n"));
  {
    RawClient bad(port_);
    auto r = bad.RoundTrip("NOT HTTP AT ALL\r\n\r\n");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 400);
  }
  auto m = c.RoundTrip("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->status, 200);
  EXPECT_THAT(m->Header("content-type"), HasSubstr("text/plain; version=0.0.4"));
  const std::string& t = m->body;
  EXPECT_THAT(t, HasSubstr("# TYPE irsa_requests_total counter\n"));
  EXPECT_THAT(
      t, HasSubstr(
             "irsa_requests_total{service=\"sts\",action=\"GetCallerIdentity\",code=\"200\"} 2\n"));
  EXPECT_THAT(
      t, HasSubstr(
             "irsa_requests_total{service=\"sts\",action=\"GetCallerIdentity\",code=\"404\"} 1\n"));
  EXPECT_THAT(t, HasSubstr("irsa_requests_total{service=\"http\",action=\"\",code=\"400\"} 1\n"));
  EXPECT_THAT(t, HasSubstr("# TYPE irsa_request_duration_seconds histogram\n"));
  EXPECT_THAT(t, HasSubstr("irsa_request_duration_seconds_count{service=\"sts\",action="
                           "\"GetCallerIdentity\"} 3\n"));
  // The rejected connection may not be fully closed yet.
  EXPECT_THAT(t, ::testing::ContainsRegex("irsa_open_connections [12]\n"));
  EXPECT_THAT(t, HasSubstr("irsa_http_errors_total{reason=\"bad_request\"} 1\n"));
  EXPECT_THAT(t, HasSubstr("irsa_http_errors_total{reason=\"body_too_large\"} 0\n"));
}

TEST_F(ServerTest, OversizedBodyGets413AndServerKeepsServing) {
  options_.max_body_bytes = 1024;
  StartServer();
  {
    RawClient c(port_);
    std::string req = "POST /big HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n";
    req += std::string(5000, 'a');
    auto r = c.RoundTrip(req);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 413);
    EXPECT_EQ(r->Header("connection"), "close");
    ExpectStandardHeaders(*r);
    EXPECT_THAT(r->body, HasSubstr("<Code>RequestEntityTooLarge</Code>"));
    EXPECT_THAT(r->body, HasSubstr(r->Header("x-amzn-requestid")));
    EXPECT_TRUE(c.WaitClosed());
  }
  {
    // Chunked bodies are limited too.
    RawClient c(port_);
    std::string req = "POST /big HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
    for (int i = 0; i < 3; ++i) req += "200\r\n" + std::string(512, 'b') + "\r\n";
    req += "0\r\n\r\n";
    auto r = c.RoundTrip(req);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 413);
  }
  RawClient next(port_);
  std::string ok = "POST /fits HTTP/1.1\r\nHost: x\r\nContent-Length: 1024\r\n\r\n";
  ok += std::string(1024, 'c');
  auto r = next.RoundTrip(ok);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body.size(), std::string("POST /fits ").size() + 1024);
  EXPECT_EQ(registry_.CounterFamily("irsa_http_errors_total", "", {"reason"})
                .WithLabels({"body_too_large"})
                .Value(),
            2u);
}

TEST_F(ServerTest, MalformedRequestsGet400AndClose) {
  StartServer();
  for (const char* bad :
       {"GARBAGE\r\n\r\n", "GET /x HTTP/7.0\r\n\r\n", "GET /x HTTP/1.1\r\nBad Header\r\n\r\n",
        "GET /x HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
        "GET /bad%zz HTTP/1.1\r\nHost: x\r\n\r\n", "GET x HTTP/1.1\r\n\r\n"}) {
    RawClient c(port_);
    auto r = c.RoundTrip(bad);
    ASSERT_TRUE(r) << bad;
    EXPECT_EQ(r->status, 400) << bad;
    EXPECT_EQ(r->Header("connection"), "close") << bad;
    ExpectStandardHeaders(*r);
    EXPECT_TRUE(c.WaitClosed()) << bad;
  }
  RawClient c(port_);
  auto r = c.RoundTrip("GET /still-fine HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
}

TEST_F(ServerTest, BinaryGarbageDoesNotCrash) {
  StartServer();
  std::string junk;
  SeededRandom rnd(7);
  for (int i = 0; i < 20; ++i) {
    RawClient c(port_);
    junk = rnd.Bytes(1 + rnd.Below(3000));
    c.Send(junk);
    c.Send("\r\n\r\n");
    auto r = c.Read(std::chrono::seconds(2));
    if (r) {
      EXPECT_TRUE(r->status == 400 || r->status == 431 || r->status == 413) << r->status;
    }
  }
  RawClient c(port_);
  auto r = c.RoundTrip("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
}

TEST_F(ServerTest, OversizedHeaderGets431) {
  options_.max_header_bytes = 1024;
  StartServer();
  RawClient c(port_);
  std::string req = "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(2000, 'h') + "\r\n\r\n";
  auto r = c.RoundTrip(req);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 431);
  ExpectStandardHeaders(*r);
  EXPECT_TRUE(c.WaitClosed());
  RawClient ok(port_);
  std::string fits = "GET / HTTP/1.1\r\nHost: x\r\nX-Small: " + std::string(500, 'h') + "\r\n\r\n";
  auto r2 = ok.RoundTrip(fits);
  ASSERT_TRUE(r2);
  EXPECT_EQ(r2->status, 200);
}

TEST_F(ServerTest, SlowRequestGets408) {
  options_.read_timeout = std::chrono::milliseconds(150);
  StartServer();
  RawClient c(port_);
  auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(c.Send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc"));
  auto r = c.Read(std::chrono::seconds(2));
  auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 408);
  ExpectStandardHeaders(*r);
  EXPECT_GE(elapsed, std::chrono::milliseconds(140));
  EXPECT_LT(elapsed, std::chrono::milliseconds(900));
  EXPECT_TRUE(c.WaitClosed(std::chrono::seconds(2)));
  EXPECT_EQ(registry_.CounterFamily("irsa_http_errors_total", "", {"reason"})
                .WithLabels({"read_timeout"})
                .Value(),
            1u);
}

TEST_F(ServerTest, IdleKeepAliveConnectionIsClosed) {
  options_.idle_timeout = std::chrono::milliseconds(100);
  StartServer();
  RawClient c(port_);
  ASSERT_TRUE(c.RoundTrip("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
  EXPECT_TRUE(c.WaitClosed(std::chrono::seconds(2)));
}

TEST_F(ServerTest, ConnectionCloseIsHonoured) {
  StartServer();
  RawClient c(port_);
  auto r = c.RoundTrip("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->Header("connection"), "close");
  EXPECT_TRUE(c.WaitClosed());
}

TEST_F(ServerTest, Http10ClosesUnlessKeepAliveRequested) {
  StartServer();
  {
    RawClient c(port_);
    auto r = c.RoundTrip("GET /old HTTP/1.0\r\n\r\n");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->body, "GET /old ");
    EXPECT_EQ(r->Header("connection"), "close");
    ExpectStandardHeaders(*r);
    EXPECT_TRUE(c.WaitClosed());
  }
  RawClient c(port_);
  auto r = c.RoundTrip("GET /old HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->Header("connection"), "keep-alive");
  auto r2 = c.RoundTrip("GET /again HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
  ASSERT_TRUE(r2);
  EXPECT_EQ(r2->body, "GET /again ");
}

TEST_F(ServerTest, Expect100Continue) {
  StartServer();
  RawClient c(port_);
  ASSERT_TRUE(
      c.Send("POST /up HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n"));
  auto cont = c.Read();
  ASSERT_TRUE(cont);
  EXPECT_EQ(cont->status, 100);
  auto r = c.RoundTrip("data");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "POST /up data");
}

TEST_F(ServerTest, HandlerExceptionGives500) {
  StartServer([](HttpRequest&) -> HttpResponse { throw std::runtime_error("boom"); });
  RawClient c(port_);
  auto r = c.RoundTrip("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 500);
  ExpectStandardHeaders(*r);
  EXPECT_THAT(r->body, HasSubstr("InternalFailure"));
  auto r2 = c.RoundTrip("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(r2);
  EXPECT_EQ(r2->status, 200);
}

TEST_F(ServerTest, CustomErrorResponder) {
  options_.error_responder = [](const Error& e, std::string_view id) {
    HttpResponse r;
    r.status = e.http_status();
    r.headers.emplace_back("Content-Type", "application/json");
    r.body = "{\"code\":\"" + e.code() + "\",\"id\":\"" + std::string(id) + "\"}";
    return r;
  };
  StartServer();
  RawClient c(port_);
  auto r = c.RoundTrip("BROKEN\r\n\r\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(r->Header("content-type"), "application/json");
  EXPECT_EQ(r->body, "{\"code\":\"BadRequest\",\"id\":\"" + r->Header("x-amzn-requestid") + "\"}");
}

TEST_F(ServerTest, RequestErrorResponderSeesTheRequestAndMayDecline) {
  options_.max_body_bytes = 8;
  options_.request_error_responder = [](const Error& e,
                                        const HttpRequest& req) -> std::optional<HttpResponse> {
    if (!req.path.starts_with("/own/")) return std::nullopt;
    HttpResponse r;
    r.status = e.http_status();
    r.body = "own " + e.code() + " " + req.method + " " + req.path + " " +
             std::string(req.Header("x-tag")) + " " + req.request_id;
    return r;
  };
  StartServer();
  {
    RawClient c(port_);
    auto r = c.RoundTrip(
        "PUT /own/k HTTP/1.1\r\nHost: x\r\nX-Tag: t1\r\nContent-Length: 20\r\n\r\n"
        "01234567890123456789");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 413);
    EXPECT_EQ(r->body, "own RequestEntityTooLarge PUT /own/k t1 " + r->Header("x-amzn-requestid"));
  }
  {
    RawClient c(port_);
    auto r = c.RoundTrip(
        "PUT /other HTTP/1.1\r\nHost: x\r\nContent-Length: 20\r\n\r\n"
        "01234567890123456789");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 413);
    EXPECT_THAT(r->body, HasSubstr("<Code>RequestEntityTooLarge</Code>"));  // the default
  }
}

TEST_F(ServerTest, AccessLogLineWithoutSecrets) {
  LogCapture capture;
  StartServer();
  RawClient c(port_);
  auto r = c.RoundTrip(
      "POST /path/x?X-Amz-Signature=SECRETSIG HTTP/1.1\r\nHost: x\r\n"
      "Authorization: AWS4-HMAC-SHA256 SECRETAUTH\r\nContent-Length: 10\r\n\r\nSECRETBODY");
  ASSERT_TRUE(r);
  ASSERT_TRUE(c.RoundTrip("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
  server_->Stop(std::chrono::milliseconds(500));
  auto lines = capture.AccessLines();
  ASSERT_EQ(lines.size(), 1u) << "built-in endpoints are not logged by default";
  const std::string& l = lines[0];
  EXPECT_THAT(l, HasSubstr("\"request_id\":\"" + r->Header("x-amzn-requestid") + "\""));
  EXPECT_THAT(l, HasSubstr("\"remote\":\"127.0.0.1\""));
  EXPECT_THAT(l, HasSubstr("\"method\":\"POST\""));
  EXPECT_THAT(l, HasSubstr("\"path\":\"/path/x\""));
  EXPECT_THAT(l, HasSubstr("\"status\":200"));
  EXPECT_THAT(l, HasSubstr("\"bytes\":" + std::to_string(r->body.size())));
  EXPECT_THAT(l, HasSubstr("\"duration_ms\":"));
  EXPECT_THAT(l, HasSubstr("\"service\":\"sts\""));
  EXPECT_THAT(l, HasSubstr("\"action\":\"GetCallerIdentity\""));
  EXPECT_THAT(l, HasSubstr("\"principal\":\"arn:aws:iam::123456789012:role/test\""));
  EXPECT_THAT(l, Not(HasSubstr("SECRET")));
  EXPECT_THAT(l, Not(HasSubstr("X-Amz-Signature")));
  EXPECT_EQ(l.front(), '{');
  EXPECT_EQ(l.back(), '}');
}

TEST_F(ServerTest, GracefulStopFinishesInFlightRequest) {
  std::mutex mu;
  std::condition_variable cv;
  bool entered = false;
  StartServer([&](HttpRequest& r) {
    if (r.path == "/slow") {
      {
        std::lock_guard lock(mu);
        entered = true;
      }
      cv.notify_all();
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
    }
    return Echo(r);
  });
  RawClient idle(port_);
  ASSERT_TRUE(idle.RoundTrip("GET /warm HTTP/1.1\r\nHost: x\r\n\r\n"));
  RawClient busy(port_);
  ASSERT_TRUE(busy.Send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n"));
  {
    std::unique_lock lock(mu);
    ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(5), [&] { return entered; }));
  }
  auto stop_start = std::chrono::steady_clock::now();
  std::thread stopper([&] { server_->Stop(std::chrono::seconds(5)); });
  auto r = busy.Read();
  stopper.join();
  auto stop_took = std::chrono::steady_clock::now() - stop_start;
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "GET /slow ");
  EXPECT_EQ(r->Header("connection"), "close");
  ExpectStandardHeaders(*r);
  EXPECT_TRUE(busy.WaitClosed());
  EXPECT_TRUE(idle.WaitClosed());
  EXPECT_LT(stop_took, std::chrono::seconds(3));
  EXPECT_EQ(server_->OpenConnections(), 0);
  RawClient after(port_);
  EXPECT_FALSE(after.connected() && after.RoundTrip("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
}

TEST_F(ServerTest, StopWithExpiredGraceClosesEverything) {
  options_.read_timeout = std::chrono::seconds(30);
  StartServer();
  RawClient partial(port_);
  ASSERT_TRUE(partial.Send("GET / HTTP/1.1\r\nHost:"));  // never completes
  RawClient idle(port_);
  ASSERT_TRUE(idle.RoundTrip("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
  auto start = std::chrono::steady_clock::now();
  server_->Stop(std::chrono::milliseconds(100));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
  EXPECT_EQ(server_->OpenConnections(), 0);
  EXPECT_TRUE(partial.WaitClosed(std::chrono::seconds(1)));
  EXPECT_TRUE(idle.WaitClosed(std::chrono::seconds(1)));
}

TEST_F(ServerTest, MaxConnectionsRejectsExtra) {
  options_.max_connections = 1;
  StartServer();
  RawClient first(port_);
  ASSERT_TRUE(first.RoundTrip("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
  RawClient second(port_);
  ASSERT_TRUE(second.connected());
  EXPECT_TRUE(second.WaitClosed(std::chrono::seconds(2)));
  auto r = first.RoundTrip("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
}

TEST_F(ServerTest, StartFailsWhenAddressInUse) {
  StartServer();
  ServerOptions o = options_;
  o.listeners = {{.host = "127.0.0.1", .port = port_}};
  Server second(o, Echo);
  Status s = second.Start();
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.error().message(), HasSubstr("127.0.0.1:" + std::to_string(port_)));
  EXPECT_THAT(s.error().message(), HasSubstr("in use"));
}

TEST_F(ServerTest, StartFailsOnMissingTlsFiles) {
  options_.listeners = {{.host = "127.0.0.1", .port = 0, .tls = true}};
  options_.tls = {.certificate_chain_file = "/nonexistent/cert.pem",
                  .private_key_file = "/nonexistent/key.pem"};
  Server s(options_, Echo);
  Status st = s.Start();
  ASSERT_FALSE(st.ok());
  EXPECT_THAT(st.error().message(), HasSubstr("/nonexistent/cert.pem"));
}

TEST_F(ServerTest, MultipleListeners) {
  options_.listeners.push_back({.host = "127.0.0.1", .port = 0});
  server_ = std::make_unique<Server>(options_, Echo);
  ASSERT_TRUE(server_->Start().ok());
  auto eps = server_->BoundEndpoints();
  ASSERT_EQ(eps.size(), 2u);
  EXPECT_NE(eps[0].port, eps[1].port);
  EXPECT_EQ(eps[0].ToString(), "127.0.0.1:" + std::to_string(eps[0].port));
  for (const auto& ep : eps) {
    RawClient c(ep.port);
    auto r = c.RoundTrip("GET /m HTTP/1.1\r\nHost: x\r\n\r\n");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->body, "GET /m ");
  }
}

TEST_F(ServerTest, ManyConcurrentClients) {
  StartServer();
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      RawClient c(port_);
      for (int i = 0; i < 50; ++i) {
        std::string path = "/t" + std::to_string(t) + "/" + std::to_string(i);
        auto r = c.RoundTrip("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n");
        if (r && r->body == "GET " + path + " ") ++ok;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 400);
}

}  // namespace
}  // namespace irsa::http
