#include "base/chunked_decoder.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <string_view>

#include "base/random.h"

namespace irsa {
namespace {

using ::testing::HasSubstr;

struct Decoded {
  bool ok = false;
  bool done = false;
  std::string data;
  std::string error;
  std::string rest;  // input left after the body
};

// Feeds `input` in pieces of at most `in_step` bytes into output windows of `out_step` bytes.
Decoded Decode(std::string_view input, size_t in_step = SIZE_MAX, size_t out_step = 1 << 16,
               ChunkedDecoder::Limits limits = {}) {
  ChunkedDecoder d(limits);
  Decoded r;
  std::string out(out_step, '\0');
  size_t fed = 0;
  std::string_view pending;
  while (!d.done()) {
    if (pending.empty()) {
      if (fed == input.size()) break;
      const size_t n = std::min(in_step, input.size() - fed);
      pending = input.substr(fed, n);
      fed += n;
    }
    Result<size_t> n = d.Decode(pending, out.data(), out.size());
    if (!n.ok()) {
      r.error = n.error().message();
      EXPECT_EQ(n.error().code(), "BadRequest");
      EXPECT_EQ(n.error().http_status(), 400);
      return r;
    }
    r.data.append(out.data(), *n);
  }
  r.ok = true;
  r.done = d.done();
  r.rest = std::string(pending) + std::string(input.substr(fed));
  EXPECT_EQ(d.decoded_bytes(), r.data.size());
  return r;
}

TEST(ChunkedDecoderTest, DecodesChunks) {
  Decoded r = Decode("5\r\nhello\r\n7\r\n, world\r\n0\r\n\r\n");
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_TRUE(r.done);
  EXPECT_EQ(r.data, "hello, world");
  EXPECT_EQ(r.rest, "");
}

TEST(ChunkedDecoderTest, EmptyBody) {
  Decoded r = Decode("0\r\n\r\n");
  ASSERT_TRUE(r.ok);
  EXPECT_TRUE(r.done);
  EXPECT_EQ(r.data, "");
}

TEST(ChunkedDecoderTest, ByteByByteIntoOneByteWindowsGivesTheSameResult) {
  const std::string body = "a;ext=1\r\n0123456789\r\n1F\r\n" + std::string(31, 'x') +
                           "\r\n0000\r\nTrailer: v\r\n\r\nGET /next";
  Decoded whole = Decode(body);
  Decoded bytes = Decode(body, 1, 1);
  ASSERT_TRUE(whole.ok && bytes.ok);
  EXPECT_EQ(whole.data, "0123456789" + std::string(31, 'x'));
  EXPECT_EQ(bytes.data, whole.data);
  EXPECT_EQ(whole.rest, "GET /next");
  EXPECT_EQ(bytes.rest, "GET /next");
}

TEST(ChunkedDecoderTest, RandomSplitsGiveTheSameResult) {
  SeededRandom random(3);
  std::string body, expected;
  for (int i = 0; i < 50; ++i) {
    std::string data = random.Bytes(random.Below(300));
    char size[20];
    std::snprintf(size, sizeof size, "%zx", data.size());
    if (data.empty()) continue;  // a zero size would end the body
    body += size;
    if (i % 3 == 0) body += ";name=\"quoted ; \\\" value\"";
    body += "\r\n" + data + "\r\n";
    expected += data;
  }
  body += "0\r\n\r\n";
  for (int round = 0; round < 20; ++round) {
    Decoded r = Decode(body, 1 + random.Below(64), 1 + random.Below(64));
    ASSERT_TRUE(r.ok) << r.error;
    EXPECT_TRUE(r.done);
    EXPECT_EQ(r.data, expected);
  }
}

TEST(ChunkedDecoderTest, StopsWhenOutputIsFullAndResumes) {
  ChunkedDecoder d;
  std::string_view in = "8\r\nabcdefgh\r\n0\r\n\r\n";
  char out[3];
  std::string got;
  while (!d.done()) {
    Result<size_t> n = d.Decode(in, out, sizeof out);
    ASSERT_TRUE(n.ok());
    ASSERT_LE(*n, sizeof out);
    got.append(out, *n);
  }
  EXPECT_EQ(got, "abcdefgh");
  EXPECT_TRUE(in.empty());
}

TEST(ChunkedDecoderTest, UpperCaseHexAndLeadingZeros) {
  Decoded r = Decode("00A\r\n0123456789\r\n00\r\n\r\n");
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.data, "0123456789");
}

TEST(ChunkedDecoderTest, ExtensionsAreAccepted) {
  for (const char* body : {
           "3;a\r\nabc\r\n0\r\n\r\n",
           "3;a=b\r\nabc\r\n0\r\n\r\n",
           "3 ; a = b ; c\r\nabc\r\n0\r\n\r\n",
           "3;a=\"x;y=z\"\r\nabc\r\n0\r\n\r\n",
           "3;a=\"\\\"\"\r\nabc\r\n0\r\n\r\n",
           "3;chunk-signature=0123abcd\r\nabc\r\n0;chunk-signature=ff\r\n\r\n",
           "3\t\r\nabc\r\n0\r\n\r\n",
       }) {
    Decoded r = Decode(body);
    EXPECT_TRUE(r.ok) << body << ": " << r.error;
    EXPECT_EQ(r.data, "abc") << body;
  }
}

TEST(ChunkedDecoderTest, TrailersAreAcceptedAndDropped) {
  Decoded r = Decode(
      "3\r\nabc\r\n0\r\nx-amz-checksum-crc32: AAAAAA==\r\nOther:\r\nEmpty-Ok:   \r\n\r\nnext");
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_TRUE(r.done);
  EXPECT_EQ(r.data, "abc");
  EXPECT_EQ(r.rest, "next");
}

TEST(ChunkedDecoderTest, MalformedBodiesAreRefused) {
  struct Case {
    std::string body;
    std::string message;
  };
  const Case cases[] = {
      {"g\r\nabc\r\n", "not a hexadecimal number"},
      {"-3\r\nabc\r\n", "not a hexadecimal number"},
      {"+3\r\nabc\r\n", "not a hexadecimal number"},
      {" 3\r\nabc\r\n", "not a hexadecimal number"},
      {"\r\n", "not a hexadecimal number"},
      {"0x3\r\nabc\r\n", "invalid character after the chunk size"},
      {"3 x\r\nabc\r\n", "invalid chunk extension"},
      {"3\nabc\r\n", "invalid character after the chunk size"},
      {"3\r\rabc\r\n", "does not end in CRLF"},
      {"3\r\nabcd\r\n", "chunk data longer than its size"},
      {"3\r\nabc\n0\r\n\r\n", "chunk data not followed by CRLF"},
      {"3\r\nabc\r\r", "chunk data not followed by CRLF"},
      {"1000000000000000\r\n", "chunk size too large"},
      {"ffffffffffffffffff\r\n", "chunk size too large"},
      {"3;\x01\r\nabc\r\n", "invalid chunk extension"},
      {"3;a\nb\r\nabc\r\n", "invalid chunk extension"},
      {"3;a=\"unterminated\r\nabc\r\n0\r\n\r\n", "invalid chunk extension"},
      {"3;a=b c=\x7f\r\n", "invalid chunk extension"},
      {"0\r\nno colon\r\n\r\n", "malformed trailer field"},
      {"0\r\n: empty name\r\n\r\n", "malformed trailer field"},
      {"0\r\nBad Name: v\r\n\r\n", "malformed trailer field"},
      {"0\r\nName: a\nb\r\n\r\n", "malformed trailer field"},
      {"0\r\nName: v\r\r", "trailer field does not end in CRLF"},
      {"0\r\n\rX", "does not end in CRLF"},
      {"0\r\n\n", "malformed trailer field"},
  };
  for (const Case& c : cases) {
    for (size_t step : {size_t{1}, SIZE_MAX}) {
      Decoded r = Decode(c.body, step);
      EXPECT_FALSE(r.ok) << c.body;
      EXPECT_THAT(r.error, HasSubstr(c.message)) << c.body;
      EXPECT_THAT(r.error, HasSubstr("malformed chunked body")) << c.body;
    }
  }
}

TEST(ChunkedDecoderTest, LargestChunkSizeIsAccepted) {
  ChunkedDecoder d;
  std::string_view in = "fffffffffffffff\r\nab";
  char out[8];
  Result<size_t> n = d.Decode(in, out, sizeof out);
  ASSERT_TRUE(n.ok()) << n.error().message();
  EXPECT_EQ(*n, 2u);
  EXPECT_FALSE(d.done());
}

TEST(ChunkedDecoderTest, OversizedChunkSizeLineIsRefused) {
  ChunkedDecoder::Limits limits{.max_line_bytes = 64, .max_trailer_bytes = 128};
  const std::string fits = "3;" + std::string(62, 'a') + "\r\nabc\r\n0\r\n\r\n";
  EXPECT_TRUE(Decode(fits, SIZE_MAX, 16, limits).ok);
  const std::string too_long = "3;" + std::string(63, 'a') + "\r\nabc\r\n0\r\n\r\n";
  Decoded r = Decode(too_long, 1, 16, limits);
  EXPECT_FALSE(r.ok);
  EXPECT_THAT(r.error, HasSubstr("chunk-size line longer than 64 bytes"));
  // Leading zeros count too: an endless size line cannot grow anything.
  Decoded zeros = Decode(std::string(100, '0'), SIZE_MAX, 16, limits);
  EXPECT_FALSE(zeros.ok);
  EXPECT_THAT(zeros.error, HasSubstr("longer than 64 bytes"));
  // The default limit is 4 KiB.
  Decoded big = Decode("3;" + std::string(5000, 'a') + "\r\n");
  EXPECT_FALSE(big.ok);
  EXPECT_THAT(big.error, HasSubstr("longer than 4096 bytes"));
}

TEST(ChunkedDecoderTest, OversizedTrailerSectionIsRefused) {
  ChunkedDecoder::Limits limits{.max_line_bytes = 64, .max_trailer_bytes = 32};
  EXPECT_TRUE(Decode("0\r\nA: 123456789012345678901234567\r\n\r\n", 1, 16, limits).ok);
  Decoded r = Decode("0\r\nA: 1234567890123456789012345678\r\n\r\n", 1, 16, limits);
  EXPECT_FALSE(r.ok);
  EXPECT_THAT(r.error, HasSubstr("trailer section longer than 32 bytes"));
  // Many small trailer lines add up.
  std::string many = "0\r\n";
  for (int i = 0; i < 10; ++i) many += "A: b\r\n";
  many += "\r\n";
  EXPECT_FALSE(Decode(many, SIZE_MAX, 16, limits).ok);
}

TEST(ChunkedDecoderTest, ErrorIsFinal) {
  ChunkedDecoder d;
  std::string_view bad = "zz";
  char out[4];
  ASSERT_FALSE(d.Decode(bad, out, sizeof out).ok());
  std::string_view good = "0\r\n\r\n";
  Result<size_t> again = d.Decode(good, out, sizeof out);
  ASSERT_FALSE(again.ok());
  EXPECT_THAT(again.error().message(), HasSubstr("not a hexadecimal number"));
}

TEST(ChunkedDecoderTest, NothingIsConsumedAfterTheEnd) {
  ChunkedDecoder d;
  std::string_view in = "0\r\n\r\n";
  char out[4];
  ASSERT_TRUE(d.Decode(in, out, sizeof out).ok());
  ASSERT_TRUE(d.done());
  std::string_view more = "5\r\nhello";
  Result<size_t> n = d.Decode(more, out, sizeof out);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 0u);
  EXPECT_EQ(more, "5\r\nhello");
}

}  // namespace
}  // namespace irsa
