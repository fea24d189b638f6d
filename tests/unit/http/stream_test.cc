// Streamed request and response bodies: bounded memory, chunked framing, 100-continue,
// disconnects, timeouts, HEAD, writer failures.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <charconv>
#include <string>
#include <thread>

#include "base/byte_stream.h"
#include "http/server.h"
#include "unit/http/http_fixture.h"

namespace irsa::http {
namespace {

using testing::Eventually;
using testing::Gate;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::RawClient;
using testing::Signal;
using testing::Text;

constexpr uint64_t kFnvInit = 14695981039346656037ULL;
uint64_t Fnv(uint64_t h, std::string_view data) {
  for (unsigned char c : data) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

// Reads a whole body through `source` in odd-sized reads.
Result<std::string> ReadAll(ByteSource& source) {
  std::string out;
  char buf[7001];
  for (;;) {
    Result<size_t> n = source.Read(buf, sizeof buf);
    if (!n.ok()) return n.error();
    if (*n == 0) return out;
    out.append(buf, *n);
  }
}

std::string Header(std::string_view method, std::string_view path, std::string_view extra = "") {
  return std::string(method) + " " + std::string(path) + " HTTP/1.1\r\nHost: x\r\n" +
         std::string(extra) + "\r\n";
}

class StreamTest : public testing::HttpFixture {
 protected:
  StreamTest() {
    options_.max_body_bytes = 1024 * 1024;
    options_.stream_body = [](const HttpRequest& r) { return r.path.starts_with("/s/"); };
    MakePool(4);
  }

  // Buffered requests: echo. Streamed requests: `stream_` (default: hash the body).
  void Start(Server::StreamHandler stream = nullptr) {
    if (!stream) {
      stream = [](HttpRequest& req, ByteSource& body) {
        uint64_t h = kFnvInit;
        uint64_t n = 0;
        char buf[7001];
        for (;;) {
          Result<size_t> got = body.Read(buf, sizeof buf);
          if (!got.ok()) return Text(400, got.error().code() + ": " + got.error().message());
          if (*got == 0) break;
          h = Fnv(h, std::string_view(buf, *got));
          n += *got;
        }
        EXPECT_TRUE(req.body.empty());
        return Text(200, std::to_string(n) + " " + std::to_string(h));
      };
    }
    StartServer([](HttpRequest& r) { return Text(200, "buffered " + r.path + " " + r.body); },
                std::move(stream));
  }

  // A 1 MiB block of random bytes, and the expected answer of the hashing handler for `times`
  // copies of it.
  std::string Block() { return random_.Bytes(1024 * 1024); }
  static std::string Expected(const std::string& block, int times) {
    uint64_t h = kFnvInit;
    for (int i = 0; i < times; ++i) h = Fnv(h, block);
    return std::to_string(block.size() * static_cast<size_t>(times)) + " " + std::to_string(h);
  }
};

constexpr size_t kBoundBytes = 256 * 1024;  // read buffer + body buffer + two response buffers

TEST_F(StreamTest, LargeUploadIsStreamedInBoundedMemory) {
  Start();
  const std::string block = Block();
  constexpr int kTimes = 64;  // 64 MiB, 64 times max_body_bytes
  RawClient c(port_);
  ASSERT_TRUE(c.Send(Header("PUT", "/s/big",
                            "Content-Length: " + std::to_string(block.size() * kTimes) + "\r\n")));
  std::thread sender([&] {
    for (int i = 0; i < kTimes; ++i) {
      if (!c.Send(block)) return;
    }
  });
  auto r = c.Read(std::chrono::seconds(120));
  sender.join();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, Expected(block, kTimes));
  EXPECT_GT(server_->PeakStreamBufferBytes(), 0u);
  EXPECT_LE(server_->PeakStreamBufferBytes(), kBoundBytes);
  // The connection is kept alive and serves the next request.
  auto next = c.RoundTrip(Header("GET", "/after"));
  ASSERT_TRUE(next);
  EXPECT_EQ(next->body, "buffered /after ");
}

TEST_F(StreamTest, LargeChunkedUploadWithExtensionsAndTrailers) {
  Start();
  const std::string block = Block();
  constexpr int kTimes = 16;
  RawClient c(port_);
  ASSERT_TRUE(c.Send(Header("PUT", "/s/chunked", "Transfer-Encoding: chunked\r\n")));
  std::thread sender([&] {
    SeededRandom sizes(9);
    for (int i = 0; i < kTimes; ++i) {
      std::string_view rest = block;
      while (!rest.empty()) {
        const size_t n = std::min<size_t>(rest.size(), 1 + sizes.Below(100000));
        char line[64];
        int len = std::snprintf(line, sizeof line, "%zx%s\r\n", n,
                                n % 3 == 0 ? ";chunk-signature=abc123" : "");
        std::string chunk(line, static_cast<size_t>(len));
        chunk.append(rest.substr(0, n));
        chunk += "\r\n";
        if (!c.Send(chunk)) return;
        rest.remove_prefix(n);
      }
    }
    c.Send("0\r\nx-amz-checksum-crc32: AAAAAA==\r\n\r\n");
  });
  auto r = c.Read(std::chrono::seconds(120));
  sender.join();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, Expected(block, kTimes));
  EXPECT_LE(server_->PeakStreamBufferBytes(), kBoundBytes);
  auto next = c.RoundTrip(Header("GET", "/after"));
  ASSERT_TRUE(next);
  EXPECT_EQ(next->status, 200);
}

TEST_F(StreamTest, ChunkedBodyEdgeCases) {
  Start([](HttpRequest&, ByteSource& body) {
    Result<std::string> all = ReadAll(body);
    if (!all.ok()) return Text(400, all.error().message());
    return Text(200, "got:" + *all);
  });
  struct Case {
    std::string body;
    int status;
    std::string answer;
  };
  const Case cases[] = {
      {"0\r\n\r\n", 200, "got:"},
      {"5;a=b;c=\"x;y\"\r\nhello\r\n0;end\r\n\r\n", 200, "got:hello"},
      {"3\r\nabc\r\n0\r\nTrailer-A: 1\r\nTrailer-B: two\r\n\r\n", 200, "got:abc"},
      {"00003\r\nabc\r\n0000\r\n\r\n", 200, "got:abc"},
      {"zz\r\nabc\r\n0\r\n\r\n", 400, "not a hexadecimal number"},
      {"-1\r\nabc\r\n0\r\n\r\n", 400, "not a hexadecimal number"},
      {"ffffffffffffffffff\r\n", 400, "chunk size too large"},
      {"3\r\nabcdef\r\n0\r\n\r\n", 400, "chunk data longer than its size"},
      {"3;" + std::string(5000, 'e') + "\r\nabc\r\n0\r\n\r\n", 400, "longer than 4096 bytes"},
      {"3\r\nabc\r\n0\r\nno colon\r\n\r\n", 400, "malformed trailer field"},
  };
  for (const Case& k : cases) {
    RawClient c(port_);
    auto r = c.RoundTrip(Header("POST", "/s/x", "Transfer-Encoding: chunked\r\n") + k.body);
    ASSERT_TRUE(r) << k.body.substr(0, 40);
    EXPECT_EQ(r->status, k.status) << k.body.substr(0, 40);
    EXPECT_THAT(r->body, HasSubstr(k.answer)) << k.body.substr(0, 40);
    if (k.status == 400) {
      EXPECT_EQ(r->Header("connection"), "close");
      EXPECT_TRUE(c.WaitClosed());
    } else {
      EXPECT_FALSE(r->HasHeader("connection"));
    }
  }
  EXPECT_EQ(Errors("bad_request"), 6u);
}

TEST_F(StreamTest, ContinueIsSentWhenTheHandlerFirstReads) {
  Signal entered;
  Gate gate;
  Start([&](HttpRequest&, ByteSource& body) {
    entered.Set();
    gate.Wait();
    Result<std::string> all = ReadAll(body);
    return Text(200, all.ok() ? *all : all.error().message());
  });
  RawClient c(port_);
  ASSERT_TRUE(c.Send(Header("PUT", "/s/up", "Expect: 100-continue\r\nContent-Length: 5\r\n")));
  ASSERT_TRUE(entered.WaitFor());
  // The handler has not read: no interim response yet.
  EXPECT_FALSE(c.Read(std::chrono::milliseconds(100)));
  EXPECT_TRUE(c.pending().empty());
  gate.Open();
  auto cont = c.Read();
  ASSERT_TRUE(cont);
  EXPECT_EQ(cont->status, 100);
  auto r = c.RoundTrip("hello");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "hello");
}

TEST_F(StreamTest, HandlerThatNeverReadsAnswersInsteadOfContinue) {
  Start([](HttpRequest&, ByteSource&) { return Text(403, "denied"); });
  RawClient c(port_);
  ASSERT_TRUE(
      c.Send(Header("PUT", "/s/up", "Expect: 100-continue\r\nContent-Length: 100000000\r\n")));
  auto r = c.Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 403);
  EXPECT_EQ(r->body, "denied");
  EXPECT_EQ(r->Header("connection"), "close");
  EXPECT_TRUE(c.WaitClosed());
}

TEST_F(StreamTest, UnreadBodyIsDrainedAndTheConnectionClosed) {
  Start([](HttpRequest&, ByteSource&) { return Text(200, "ignored the body"); });
  RawClient c(port_);
  const std::string body(300000, 'b');
  auto r = c.RoundTrip(Header("PUT", "/s/up", "Content-Length: 300000\r\n") + body);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->Header("connection"), "close");
  EXPECT_TRUE(c.WaitClosed());
}

TEST_F(StreamTest, ClientDisconnectingMidBodyFailsTheRead) {
  Signal failed;
  std::string code;
  Start([&](HttpRequest&, ByteSource& body) {
    Result<std::string> all = ReadAll(body);
    EXPECT_FALSE(all.ok());
    if (!all.ok()) code = all.error().code();
    failed.Set();
    return Text(400, "incomplete");
  });
  {
    RawClient c(port_);
    ASSERT_TRUE(c.Send(Header("PUT", "/s/up", "Content-Length: 1000000\r\n")));
    ASSERT_TRUE(c.Send(std::string(400000, 'x')));
  }
  ASSERT_TRUE(failed.WaitFor());
  EXPECT_EQ(code, "IncompleteBody");
  EXPECT_TRUE(Eventually([&] { return server_->OpenConnections() == 0; }));
  RawClient next(port_);
  auto r = next.RoundTrip(Header("GET", "/ok"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
}

TEST_F(StreamTest, StalledUploadTimesOut) {
  options_.read_timeout = std::chrono::milliseconds(200);
  Signal failed;
  std::string code;
  Start([&](HttpRequest&, ByteSource& body) {
    Result<std::string> all = ReadAll(body);
    if (!all.ok()) code = all.error().code();
    failed.Set();
    return Text(408, "timeout");
  });
  RawClient c(port_);
  ASSERT_TRUE(c.Send(Header("PUT", "/s/up", "Content-Length: 1000\r\n") + "only a part"));
  ASSERT_TRUE(failed.WaitFor());
  EXPECT_EQ(code, "RequestTimeout");
  EXPECT_EQ(Errors("read_timeout"), 1u);
  EXPECT_TRUE(c.WaitClosed());
}

TEST_F(StreamTest, StreamedAndBufferedRequestsShareAConnection) {
  Start();
  RawClient c(port_);
  ASSERT_TRUE(c.Send(Header("PUT", "/s/a", "Content-Length: 3\r\n") + "abc" +
                     Header("POST", "/b", "Content-Length: 2\r\n") + "xy" +
                     Header("PUT", "/s/c", "Transfer-Encoding: chunked\r\n") +
                     "2\r\nde\r\n0\r\n\r\n" + Header("GET", "/s/empty")));
  auto a = c.Read();
  auto b = c.Read();
  auto d = c.Read();
  auto e = c.Read();
  ASSERT_TRUE(a && b && d && e);
  EXPECT_EQ(a->body, "3 " + std::to_string(Fnv(kFnvInit, "abc")));
  EXPECT_EQ(b->body, "buffered /b xy");
  EXPECT_EQ(d->body, "2 " + std::to_string(Fnv(kFnvInit, "de")));
  EXPECT_EQ(e->body, "0 " + std::to_string(kFnvInit));
}

TEST_F(StreamTest, BuiltinsAreNeverStreamed) {
  options_.stream_body = [](const HttpRequest&) { return true; };
  Start();
  RawClient c(port_);
  auto r = c.RoundTrip(Header("GET", "/healthz"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "ok");
  auto s = c.RoundTrip(Header("GET", "/other"));
  ASSERT_TRUE(s);
  EXPECT_EQ(s->body, "0 " + std::to_string(kFnvInit));
}

TEST_F(StreamTest, UnsupportedTransferCodingIsRefused) {
  Start();
  RawClient c(port_);
  auto r = c.RoundTrip(Header("PUT", "/s/x", "Transfer-Encoding: gzip\r\n") + "abc");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 501);
  EXPECT_EQ(r->Header("connection"), "close");
}

TEST_F(StreamTest, FullPoolAnswers503WithoutReadingTheBody) {
  pool_.reset();
  MakePool(1, 1);
  Gate gate;
  Signal entered;
  Start([&](HttpRequest& req, ByteSource&) {
    if (req.path == "/s/block") {
      entered.Set();
      gate.Wait();
    }
    return Text(200, "done");
  });
  RawClient blocker(port_);
  ASSERT_TRUE(blocker.Send(Header("PUT", "/s/block", "Content-Length: 0\r\n")));
  ASSERT_TRUE(entered.WaitFor());
  RawClient queued(port_);
  ASSERT_TRUE(queued.Send(Header("PUT", "/s/queued", "Content-Length: 0\r\n")));
  ASSERT_TRUE(Eventually([&] { return pool_->queued() == 1; }));
  RawClient refused(port_);
  auto r = refused.RoundTrip(
      Header("PUT", "/s/refused", "Expect: 100-continue\r\nContent-Length: 1000000\r\n"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 503);
  EXPECT_THAT(r->body, HasSubstr("ServiceUnavailable"));
  EXPECT_EQ(r->Header("connection"), "close");
  EXPECT_EQ(Errors("worker_pool_full"), 1u);
  gate.Open();
  auto b = blocker.Read();
  auto q = queued.Read();
  ASSERT_TRUE(b && q);
  EXPECT_EQ(q->status, 200);
}

TEST_F(StreamTest, StartRefusesStreamBodyWithoutAStreamHandlerOrPool) {
  {
    Server s(options_, [](HttpRequest&) { return HttpResponse{}; });
    Status st = s.Start();
    ASSERT_FALSE(st.ok());
    EXPECT_THAT(st.error().message(), HasSubstr("StreamHandler"));
  }
  options_.worker_pool = nullptr;
  Server s(
      options_, [](HttpRequest&) { return HttpResponse{}; },
      [](HttpRequest&, ByteSource&) { return HttpResponse{}; });
  Status st = s.Start();
  ASSERT_FALSE(st.ok());
  EXPECT_THAT(st.error().message(), HasSubstr("worker_pool"));
}

// ---- streamed responses ----

// Writes `size` bytes of a known pattern in irregular pieces.
Status WritePattern(ByteSink& sink, size_t size) {
  std::string piece;
  size_t written = 0, step = 1;
  while (written < size) {
    const size_t n = std::min(size - written, step);
    piece.resize(n);
    for (size_t i = 0; i < n; ++i) piece[i] = static_cast<char>('a' + (written + i) % 26);
    IRSA_RETURN_IF_ERROR(sink.Write(piece));
    written += n;
    step = step * 3 % 200003 + 1;
  }
  return OkStatus();
}

std::string Pattern(size_t size) {
  std::string s(size, '\0');
  for (size_t i = 0; i < size; ++i) s[i] = static_cast<char>('a' + i % 26);
  return s;
}

HttpResponse Download(size_t size, bool known_length) {
  HttpResponse r = Text(200, "");
  r.headers = {{"Content-Type", "application/octet-stream"}};
  if (known_length) r.content_length = size;
  r.body_writer = [size](ByteSink& sink) { return WritePattern(sink, size); };
  return r;
}

TEST_F(StreamTest, DownloadWithKnownLength) {
  constexpr size_t kSize = 10 * 1024 * 1024 + 7;
  Start([&](HttpRequest&, ByteSource&) { return Download(kSize, true); });
  RawClient c(port_);
  auto r = c.RoundTrip(Header("GET", "/s/file"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->Header("content-length"), std::to_string(kSize));
  EXPECT_FALSE(r->HasHeader("transfer-encoding"));
  EXPECT_EQ(r->Header("content-type"), "application/octet-stream");
  EXPECT_FALSE(r->Header("x-amzn-requestid").empty());
  EXPECT_TRUE(r->body == Pattern(kSize));
  EXPECT_LE(server_->PeakStreamBufferBytes(), kBoundBytes);
  auto next = c.RoundTrip(Header("GET", "/after"));
  ASSERT_TRUE(next);
  EXPECT_EQ(next->status, 200);
}

TEST_F(StreamTest, LargeChunkedDownloadInBoundedMemory) {
  constexpr size_t kSize = 64 * 1024 * 1024 + 3;
  Start([&](HttpRequest&, ByteSource&) { return Download(kSize, false); });
  RawClient c(port_);
  ASSERT_TRUE(c.Send(Header("GET", "/s/file")));
  auto r = c.Read(std::chrono::seconds(120));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->Header("transfer-encoding"), "chunked");
  EXPECT_FALSE(r->HasHeader("content-length"));
  EXPECT_EQ(r->body.size(), kSize);
  EXPECT_TRUE(r->body == Pattern(kSize));
  for (size_t n : r->chunk_sizes) EXPECT_LE(n, 64u * 1024);
  EXPECT_EQ(r->chunk_sizes.back(), 0u);
  EXPECT_LE(server_->PeakStreamBufferBytes(), kBoundBytes);
}

TEST_F(StreamTest, EmptyStreamedBody) {
  Start([](HttpRequest& req, ByteSource&) { return Download(0, req.path == "/s/known"); });
  RawClient c(port_);
  auto k = c.RoundTrip(Header("GET", "/s/known"));
  ASSERT_TRUE(k);
  EXPECT_EQ(k->Header("content-length"), "0");
  EXPECT_EQ(k->body, "");
  auto u = c.RoundTrip(Header("GET", "/s/unknown"));
  ASSERT_TRUE(u);
  EXPECT_EQ(u->Header("transfer-encoding"), "chunked");
  EXPECT_EQ(u->body, "");
}

TEST_F(StreamTest, HeadAnnouncesTheLengthAndSendsNoBody) {
  std::atomic<int> writer_calls{0};
  Start([&](HttpRequest&, ByteSource&) {
    HttpResponse r = Download(12345, true);
    r.body_writer = [&](ByteSink&) {
      ++writer_calls;
      return OkStatus();
    };
    return r;
  });
  RawClient c(port_);
  c.set_head_only(true);
  auto h = c.RoundTrip(Header("HEAD", "/s/file"));
  ASSERT_TRUE(h);
  EXPECT_EQ(h->status, 200);
  EXPECT_EQ(h->Header("content-length"), "12345");
  EXPECT_EQ(h->body, "");
  c.set_head_only(false);
  EXPECT_TRUE(c.pending().empty());
  auto next = c.RoundTrip(Header("GET", "/after"));
  ASSERT_TRUE(next);
  EXPECT_EQ(next->body, "buffered /after ");
  EXPECT_EQ(writer_calls.load(), 0);
}

TEST_F(StreamTest, Http10DownloadEndsWithTheConnection) {
  Start([](HttpRequest&, ByteSource&) { return Download(100000, false); });
  RawClient c(port_);
  auto r = c.RoundTrip("GET /s/file HTTP/1.0\r\n\r\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_FALSE(r->HasHeader("content-length"));
  EXPECT_FALSE(r->HasHeader("transfer-encoding"));
  EXPECT_EQ(r->Header("connection"), "close");
  EXPECT_TRUE(r->body == Pattern(100000));
}

TEST_F(StreamTest, WriterFailingBeforeAnyByteIsSentGivesItsErrorResponse) {
  Start([](HttpRequest&, ByteSource&) {
    HttpResponse r = Download(0, false);
    r.body_writer = [](ByteSink& sink) -> Status {
      IRSA_RETURN_IF_ERROR(sink.Write("partial"));
      return errors::AccessDenied("no such luck");
    };
    return r;
  });
  RawClient c(port_);
  auto r = c.RoundTrip(Header("GET", "/s/file"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 403);
  EXPECT_THAT(r->body, HasSubstr("<Code>AccessDenied</Code>"));
  EXPECT_THAT(r->body, Not(HasSubstr("partial")));
  EXPECT_EQ(Requests("test", "Test", "403"), 1u);
  auto next = c.RoundTrip(Header("GET", "/after"));
  ASSERT_TRUE(next);
  EXPECT_EQ(next->status, 200);
}

TEST_F(StreamTest, WriterFailingMidStreamCutsTheResponse) {
  Start([](HttpRequest&, ByteSource&) {
    HttpResponse r = Download(0, false);
    r.body_writer = [](ByteSink& sink) -> Status {
      IRSA_RETURN_IF_ERROR(WritePattern(sink, 300000));
      return errors::InternalFailure("disk gone");
    };
    return r;
  });
  RawClient c(port_);
  EXPECT_FALSE(c.RoundTrip(Header("GET", "/s/file")));  // never a complete chunked body
  EXPECT_EQ(Errors("stream_aborted"), 1u);
}

TEST_F(StreamTest, WriterBeyondContentLengthFails) {
  Signal done;
  std::string error;
  Start([&](HttpRequest&, ByteSource&) {
    HttpResponse r = Download(10, true);
    r.body_writer = [&](ByteSink& sink) -> Status {
      Status s = sink.Write("0123456789abcdef");
      if (!s.ok()) error = s.error().message();
      done.Set();
      return s;
    };
    return r;
  });
  RawClient c(port_);
  auto r = c.RoundTrip(Header("GET", "/s/file"));
  ASSERT_TRUE(done.WaitFor());
  EXPECT_THAT(error, HasSubstr("longer than its Content-Length"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 500);
}

TEST_F(StreamTest, WriterShortOfContentLengthClosesTheConnection) {
  Start([](HttpRequest&, ByteSource&) {
    HttpResponse r = Download(100, true);
    r.body_writer = [](ByteSink& sink) { return sink.Write(std::string(50, 'x')); };
    return r;
  });
  RawClient c(port_);
  EXPECT_FALSE(c.RoundTrip(Header("GET", "/s/file")));  // 50 bytes, then the connection closes
  EXPECT_EQ(Errors("stream_aborted"), 1u);
}

TEST_F(StreamTest, ClientDisconnectingDuringADownloadFailsTheWrite) {
  Signal failed;
  std::atomic<uint64_t> written{0};
  Start([&](HttpRequest&, ByteSource&) {
    HttpResponse r = Download(0, false);
    r.body_writer = [&](ByteSink& sink) -> Status {
      const std::string piece(16 * 1024, 'z');
      // At most 1 GiB: the write must fail long before.
      for (int i = 0; i < 65536; ++i) {
        Status s = sink.Write(piece);
        if (!s.ok()) {
          failed.Set();
          return s;
        }
        written += piece.size();
      }
      return OkStatus();
    };
    return r;
  });
  {
    RawClient c(port_);
    ASSERT_TRUE(c.Send(Header("GET", "/s/file")));
    ASSERT_TRUE(Eventually([&] { return written.load() >= 64 * 1024; }));
  }
  ASSERT_TRUE(failed.WaitFor());
  EXPECT_LT(written.load(), 1024ull * 1024 * 1024);
  EXPECT_TRUE(Eventually([&] { return server_->OpenConnections() == 0; }));
}

TEST_F(StreamTest, SynchronousHandlerBodyWriterRunsOnThePool) {
  options_.stream_body = nullptr;
  std::atomic<bool> on_pool{false};
  StartServer([&](HttpRequest&) {
    HttpResponse r = Download(200000, true);
    r.body_writer = [&](ByteSink& sink) {
      on_pool = pool_->OnPoolThread();
      return WritePattern(sink, 200000);
    };
    return r;
  });
  RawClient c(port_);
  auto r = c.RoundTrip(Header("GET", "/file"));
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->body == Pattern(200000));
  EXPECT_TRUE(on_pool.load());
}

TEST_F(StreamTest, BodyWriterWithoutAPoolAnswers500) {
  options_.stream_body = nullptr;
  options_.worker_pool = nullptr;
  StartServer([](HttpRequest&) { return Download(10, true); });
  RawClient c(port_);
  auto r = c.RoundTrip(Header("GET", "/file"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 500);
  // HEAD never calls the writer, so it needs no pool.
  c.set_head_only(true);
  auto h = c.RoundTrip(Header("HEAD", "/file"));
  ASSERT_TRUE(h);
  EXPECT_EQ(h->status, 200);
  EXPECT_EQ(h->Header("content-length"), "10");
}

TEST_F(StreamTest, ResponderCalledOffTheIoThreadStreamsOnTheCallingThread) {
  options_.stream_body = nullptr;
  std::atomic<bool> same_thread{false};
  StartServer([&](HttpRequest&, Responder respond) {
    ASSERT_TRUE(pool_->Submit([&, respond] {
      const auto caller = std::this_thread::get_id();
      HttpResponse r = Download(300000, false);
      r.body_writer = [&, caller](ByteSink& sink) {
        same_thread = std::this_thread::get_id() == caller;
        return WritePattern(sink, 300000);
      };
      respond(std::move(r));
    }));
  });
  RawClient c(port_);
  auto r = c.RoundTrip(Header("GET", "/file"));
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->body == Pattern(300000));
  EXPECT_TRUE(same_thread.load());
}

TEST_F(StreamTest, GracefulStopLetsAStreamFinish) {
  Gate gate;
  Signal entered;
  Start([&](HttpRequest&, ByteSource& body) {
    entered.Set();
    gate.Wait();
    Result<std::string> all = ReadAll(body);
    return Text(200, all.ok() ? *all : all.error().message());
  });
  RawClient idle(port_);
  ASSERT_TRUE(idle.RoundTrip(Header("GET", "/warm")));
  RawClient c(port_);
  ASSERT_TRUE(c.Send(Header("PUT", "/s/up", "Content-Length: 5\r\n") + "hello"));
  ASSERT_TRUE(entered.WaitFor());
  std::thread stopper([&] { server_->Stop(std::chrono::seconds(30)); });
  EXPECT_TRUE(idle.WaitClosed());  // Stop has begun
  gate.Open();
  auto r = c.Read();
  stopper.join();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "hello");
  EXPECT_EQ(r->Header("connection"), "close");
}

TEST_F(StreamTest, StopAfterGraceFailsBlockedReads) {
  Signal failed;
  Start([&](HttpRequest&, ByteSource& body) {
    Result<std::string> all = ReadAll(body);
    EXPECT_FALSE(all.ok());
    failed.Set();
    return Text(500, "stopped");
  });
  RawClient c(port_);
  ASSERT_TRUE(c.Send(Header("PUT", "/s/up", "Content-Length: 100\r\n") + "part"));
  ASSERT_TRUE(Eventually([&] { return server_->PeakStreamBufferBytes() > 0; }));
  server_->Stop(std::chrono::milliseconds(50));
  EXPECT_TRUE(failed.WaitFor());
  EXPECT_TRUE(c.WaitClosed());
}

}  // namespace
}  // namespace irsa::http
