// http::StreamClient against irsa's own server: request bodies pulled from a source while sent,
// response bodies (Content-Length and chunked) read while they arrive, HEAD, early answers,
// length mismatches, timeouts and unreachable peers.
#include "http/stream_client.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <string>

#include "unit/http/http_fixture.h"

namespace irsa::http {
namespace {

using ::testing::HasSubstr;
using testing::Text;

// `size` bytes of a repeating pattern, generated while read (never held whole).
class PatternSource final : public ByteSource {
 public:
  explicit PatternSource(uint64_t size) : left_(size) {}
  Result<size_t> Read(char* out, size_t max) override {
    size_t n = static_cast<size_t>(std::min<uint64_t>(max, left_));
    for (size_t i = 0; i < n; ++i) out[i] = static_cast<char>('a' + (offset_ + i) % 26);
    offset_ += n;
    left_ -= n;
    return n;
  }

 private:
  uint64_t left_;
  uint64_t offset_ = 0;
};

bool IsPattern(std::string_view data, uint64_t offset) {
  for (size_t i = 0; i < data.size(); ++i) {
    if (data[i] != static_cast<char>('a' + (offset + i) % 26)) return false;
  }
  return true;
}

class StreamClientTest : public testing::HttpFixture {
 protected:
  StreamClientTest() {
    options_.max_body_bytes = 1024;
    options_.stream_body = [](const HttpRequest& r) { return r.method == "PUT"; };
    MakePool(4);
  }

  void Start() {
    StartServer(
        [](HttpRequest& r) {
          if (r.path == "/download" || r.path == "/chunked") {
            const uint64_t size = 3 * 1024 * 1024 + 17;
            HttpResponse response = Text(200, "");
            response.headers.emplace_back("X-Kind", r.path.substr(1));
            if (r.path == "/download") response.content_length = size;
            response.body_writer = [size](ByteSink& sink) -> Status {
              PatternSource source(size);
              char buffer[10000];
              while (true) {
                IRSA_TRY(size_t n, source.Read(buffer, sizeof buffer));
                if (n == 0) return OkStatus();
                IRSA_RETURN_IF_ERROR(sink.Write(std::string_view(buffer, n)));
              }
            };
            return response;
          }
          return Text(404, "no " + r.path);
        },
        [](HttpRequest& r, ByteSource& body) {
          if (r.path == "/refuse") return Text(403, "refused without reading");
          uint64_t total = 0;
          bool pattern = true;
          char buffer[7001];
          while (true) {
            Result<size_t> n = body.Read(buffer, sizeof buffer);
            if (!n.ok()) return Text(400, n.error().message());
            if (*n == 0) break;
            pattern = pattern && IsPattern(std::string_view(buffer, *n), total);
            total += *n;
          }
          return Text(200, std::to_string(total) + (pattern ? " pattern" : " garbled") + " " +
                               std::string(r.Header("x-test")));
        });
    Result<std::unique_ptr<StreamClient>> client = StreamClient::Create();
    ASSERT_TRUE(client.ok()) << client.error().message();
    client_ = std::move(*client);
  }

  std::string Url(std::string_view path) {
    return "http://127.0.0.1:" + std::to_string(port_) + std::string(path);
  }

  static Result<std::string> ReadRest(StreamResponse& response) {
    std::string out;
    char buffer[4093];
    while (true) {
      IRSA_TRY(size_t n, response.Read(buffer, sizeof buffer));
      if (n == 0) return out;
      out.append(buffer, n);
    }
  }

  std::unique_ptr<StreamClient> client_;
};

TEST_F(StreamClientTest, StreamsARequestBodyFromASource) {
  Start();
  const uint64_t size = 5 * 1024 * 1024 + 3;  // far above the server's buffered limit
  PatternSource source(size);
  Result<std::unique_ptr<StreamResponse>> response =
      client_->Send({.method = "PUT",
                     .url = Url("/upload?x=1"),
                     .headers = {{"X-Test", "hello"}},
                     .body = &source,
                     .content_length = size});
  ASSERT_TRUE(response.ok()) << response.error().message();
  EXPECT_EQ((*response)->status(), 200);
  EXPECT_EQ((*response)->Header("content-type"), "text/plain");
  Result<std::string> body = ReadRest(**response);
  ASSERT_TRUE(body.ok());
  EXPECT_EQ(*body, std::to_string(size) + " pattern hello");
}

TEST_F(StreamClientTest, ReadsLengthAndChunkedBodiesIncrementally) {
  Start();
  for (std::string path : {"/download", "/chunked"}) {
    Result<std::unique_ptr<StreamResponse>> response = client_->Send({.url = Url(path)});
    ASSERT_TRUE(response.ok()) << response.error().message();
    EXPECT_EQ((*response)->status(), 200);
    EXPECT_EQ((*response)->Header("x-kind"), path.substr(1));
    uint64_t total = 0;
    char buffer[5000];
    bool pattern = true;
    while (true) {
      Result<size_t> n = (*response)->Read(buffer, sizeof buffer);
      ASSERT_TRUE(n.ok()) << n.error().message();
      if (*n == 0) break;
      EXPECT_LE(*n, sizeof buffer);
      pattern = pattern && IsPattern(std::string_view(buffer, *n), total);
      total += *n;
    }
    EXPECT_EQ(total, 3u * 1024 * 1024 + 17) << path;
    EXPECT_TRUE(pattern) << path;
    // The end is sticky.
    Result<size_t> again = (*response)->Read(buffer, sizeof buffer);
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(*again, 0u);
  }
}

TEST_F(StreamClientTest, HeadHasHeadersAndNoBody) {
  Start();
  Result<std::unique_ptr<StreamResponse>> response =
      client_->Send({.method = "HEAD", .url = Url("/download")});
  ASSERT_TRUE(response.ok()) << response.error().message();
  EXPECT_EQ((*response)->status(), 200);
  EXPECT_EQ((*response)->Header("content-length"), std::to_string(3 * 1024 * 1024 + 17));
  Result<std::string> body = ReadRest(**response);
  ASSERT_TRUE(body.ok()) << body.error().message();
  EXPECT_EQ(*body, "");
}

TEST_F(StreamClientTest, AnEarlyAnswerWinsOverTheUnsentBody) {
  Start();
  PatternSource source(64 * 1024 * 1024);
  Result<std::unique_ptr<StreamResponse>> response = client_->Send(
      {.method = "PUT", .url = Url("/refuse"), .body = &source, .content_length = 64 << 20});
  ASSERT_TRUE(response.ok()) << response.error().message();
  EXPECT_EQ((*response)->status(), 403);
  Result<std::string> body = ReadRest(**response);
  ASSERT_TRUE(body.ok());
  EXPECT_EQ(*body, "refused without reading");
}

TEST_F(StreamClientTest, BodyLengthMustMatchAndBeDeclared) {
  Start();
  PatternSource shorter(10);
  Result<std::unique_ptr<StreamResponse>> r = client_->Send(
      {.method = "PUT", .url = Url("/upload"), .body = &shorter, .content_length = 11});
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.error().message(), HasSubstr("shorter than its Content-Length"));
  PatternSource longer(12);
  r = client_->Send(
      {.method = "PUT", .url = Url("/upload"), .body = &longer, .content_length = 11});
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.error().message(), HasSubstr("longer than its Content-Length"));
  PatternSource undeclared(1);
  r = client_->Send({.method = "PUT", .url = Url("/upload"), .body = &undeclared});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), "InvalidParameterValue");
  r = client_->Send({.url = Url("/x"), .headers = {{"X-Evil", "a\r\nInjected: 1"}}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), "InvalidParameterValue");
}

// A source whose bytes are all delivered but which then fails instead of ending (as the
// S3 decoders do when a digest checked after the last byte is wrong).
class FailsAtTheEnd final : public ByteSource {
 public:
  explicit FailsAtTheEnd(uint64_t size) : pattern_(size) {}
  Result<size_t> Read(char* out, size_t max) override {
    IRSA_TRY(size_t n, pattern_.Read(out, max));
    if (n == 0) return Error("BadDigest", 400, "checked at the end");
    return n;
  }

 private:
  PatternSource pattern_;
};

TEST_F(StreamClientTest, ASourceFailingAtItsEndNeverCompletesTheBody) {
  std::atomic<int> complete{0};
  std::atomic<int> cut_short{0};
  options_.stream_body = [](const HttpRequest&) { return true; };
  StartServer([](HttpRequest&) { return Text(500, "unused"); },
              [&](HttpRequest&, ByteSource& body) {
                char buffer[8192];
                while (true) {
                  Result<size_t> n = body.Read(buffer, sizeof buffer);
                  if (!n.ok()) {
                    ++cut_short;
                    return Text(400, "cut short");
                  }
                  if (*n == 0) {
                    ++complete;
                    return Text(200, "complete");
                  }
                }
              });
  Result<std::unique_ptr<StreamClient>> client = StreamClient::Create();
  ASSERT_TRUE(client.ok());
  const uint64_t size = 1024 * 1024 + 5;
  FailsAtTheEnd source(size);
  Result<std::unique_ptr<StreamResponse>> r = (*client)->Send(
      {.method = "PUT", .url = Url("/upload"), .body = &source, .content_length = size});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), "BadDigest");  // the source's error, as it was
  ASSERT_TRUE(testing::Eventually([&] { return cut_short.load() == 1; }));
  EXPECT_EQ(complete.load(), 0);
}

TEST_F(StreamClientTest, SilentPeerTimesOutAndClosedPortFails) {
  Start();
  // A listening socket that accepts (the kernel does) but never answers.
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(::listen(fd, 4), 0);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  const std::string silent = "http://127.0.0.1:" + std::to_string(ntohs(addr.sin_port)) + "/q?s=1";
  Result<std::unique_ptr<StreamResponse>> r =
      client_->Send({.url = silent, .io_timeout = std::chrono::milliseconds(200)});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), "ServiceUnavailable");
  EXPECT_THAT(r.error().message(), HasSubstr("timed out"));
  EXPECT_THAT(r.error().message(), ::testing::Not(HasSubstr("s=1")));  // no query in messages
  ::close(fd);
  r = client_->Send({.url = silent});  // now closed
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), "ServiceUnavailable");
  EXPECT_THAT(r.error().message(), HasSubstr("connect failed"));
}

}  // namespace
}  // namespace irsa::http
