// aws-chunked decoding (STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER],
// STREAMING-UNSIGNED-PAYLOAD-TRAILER), whole-body SHA-256 checks and the streaming payload markers
// of SigV4PayloadHash: AWS's published example, bodies the installed botocore produces
// (gen_s3_chunked_vectors.py), and every way of breaking them.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <string_view>

#include "base/clock.h"
#include "base/encoding.h"
#include "protocol/sigv4.h"
#include "protocol/sigv4_canonical.h"
#include "protocol/sigv4_chunked.h"
#include "s3/checksum.h"
#include "unit/protocol/test_util.h"

namespace irsa::protocol {
namespace {

using testing::MakeRequest;
using testing::RemoveHeader;
using testing::SetHeader;

struct ChunkedVector {
  std::string_view name;
  std::string_view kind;  // "unsigned-trailer", "sha256", "signed"
  std::string_view method;
  std::string_view target;
  std::string_view headers;
  std::string_view body;
  std::string_view decoded;
  std::string_view secret;
  int64_t time;
};

constexpr ChunkedVector kVectors[] = {
#include "unit/protocol/s3_chunked_vectors.inc"
};

// Hands out `data` in pieces of at most `piece` bytes.
class PieceSource final : public ByteSource {
 public:
  PieceSource(std::string_view data, size_t piece) : data_(data), piece_(piece) {}
  Result<size_t> Read(char* out, size_t max) override {
    size_t n = std::min({max, piece_, data_.size()});
    data_.copy(out, n);
    data_.remove_prefix(n);
    return n;
  }

 private:
  std::string_view data_;
  size_t piece_;
};

Result<std::string> ReadAll(ByteSource& source, size_t read_size) {
  std::string out;
  std::string buf(read_size, '\0');
  while (true) {
    IRSA_TRY(size_t n, source.Read(buf.data(), buf.size()));
    if (n == 0) return out;
    out.append(buf.data(), n);
  }
}

SigV4Options S3Options(bool allow_unsigned) {
  SigV4Options o;
  o.payload = SigV4Options::Payload::kDeclared;
  o.allow_unsigned_payload = allow_unsigned;
  o.max_skew = std::chrono::minutes(15);
  o.s3_errors = true;
  return o;
}

// Verifies the request signature, then decodes `body` as `request` declares it.
Result<std::string> Decode(const HttpRequest& request, std::string_view body,
                           std::string_view secret, int64_t time, size_t piece = 1 << 20,
                           size_t read_size = 65536) {
  IRSA_TRY(SigV4Request parsed, ParseSigV4(request));
  FakeClock clock = FakeClock::AtUnixSeconds(time + 10);
  SigningKeyCache cache(8);
  IRSA_RETURN_IF_ERROR(VerifySigV4(parsed, secret, request, clock, cache, S3Options(true)));
  PieceSource raw(body, piece);
  IRSA_TRY(std::unique_ptr<ByteSource> decoded,
           OpenS3RequestBody(request, raw, {.parsed = &parsed, .secret = secret, .cache = &cache}));
  return ReadAll(*decoded, read_size);
}

std::string Code(const Result<std::string>& r) { return r.ok() ? "OK" : r.error().code(); }

// ---- AWS's published example (sigv4-streaming.html, "Example: PUT Object") ----

constexpr std::string_view kAwsSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
constexpr std::string_view kSeed =
    "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9";
constexpr std::string_view kSig1 =
    "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648";
constexpr std::string_view kSig2 =
    "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497";
constexpr std::string_view kSig3 =
    "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9";
constexpr int64_t kAwsTime = 1369353600;  // 20130524T000000Z

HttpRequest AwsExampleRequest() {
  return MakeRequest(
      "PUT", "/examplebucket/chunkObject.txt",
      "host: s3.amazonaws.com\n"
      "x-amz-date: 20130524T000000Z\n"
      "x-amz-storage-class: REDUCED_REDUNDANCY\n"
      "authorization: AWS4-HMAC-SHA256 "
      "Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=content-"
      "encoding;content-length;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;"
      "x-amz-storage-class,Signature="
      "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9\n"
      "x-amz-content-sha256: STREAMING-AWS4-HMAC-SHA256-PAYLOAD\n"
      "content-encoding: aws-chunked\n"
      "x-amz-decoded-content-length: 66560\n"
      "content-length: 66824\n");
}

std::string Chunk(size_t size, std::string_view signature, char fill = 'a') {
  char head[32];
  std::snprintf(head, sizeof(head), "%zx", size);
  std::string out = head;
  out += ";chunk-signature=";
  out += signature;
  out += "\r\n";
  if (size > 0) {
    out += std::string(size, fill);
    out += "\r\n";
  }
  return out;
}

std::string AwsExampleBody() {
  return Chunk(65536, kSig1) + Chunk(1024, kSig2) + Chunk(0, kSig3) + "\r\n";
}

TEST(AwsChunkedExample, SeedSignatureAndEveryChunkVerify) {
  HttpRequest r = AwsExampleRequest();
  std::string body = AwsExampleBody();
  ASSERT_EQ(body.size(), 66824u);  // the example's Content-Length
  for (size_t piece : {size_t{1} << 20, size_t{1}, size_t{7}, size_t{8193}}) {
    for (size_t read_size : {size_t{65536}, size_t{1}, size_t{1000}}) {
      if (piece == 1 && read_size == 1) continue;  // slow and adds nothing
      Result<std::string> decoded = Decode(r, body, kAwsSecret, kAwsTime, piece, read_size);
      ASSERT_TRUE(decoded.ok()) << decoded.error().code() << ": " << decoded.error().message();
      EXPECT_EQ(*decoded, std::string(66560, 'a'));
    }
  }
}

TEST(AwsChunkedExample, EveryTamperingIsRefused) {
  HttpRequest r = AwsExampleRequest();
  // One changed data byte in either chunk breaks that chunk's signature.
  EXPECT_EQ(Code(Decode(r, Chunk(65536, kSig1, 'b') + Chunk(1024, kSig2) + Chunk(0, kSig3) + "\r\n",
                        kAwsSecret, kAwsTime)),
            "SignatureDoesNotMatch");
  EXPECT_EQ(Code(Decode(r, Chunk(65536, kSig1) + Chunk(1024, kSig2, 'b') + Chunk(0, kSig3) + "\r\n",
                        kAwsSecret, kAwsTime)),
            "SignatureDoesNotMatch");
  // The final chunk's signature is verified too.
  EXPECT_EQ(Code(Decode(r, Chunk(65536, kSig1) + Chunk(1024, kSig2) + Chunk(0, kSig2) + "\r\n",
                        kAwsSecret, kAwsTime)),
            "SignatureDoesNotMatch");
  // Without the final chunk the body is incomplete.
  EXPECT_EQ(Code(Decode(r, Chunk(65536, kSig1) + Chunk(1024, kSig2), kAwsSecret, kAwsTime)),
            "IncompleteBody");
  // A chunk missing its signature, or with a malformed one.
  EXPECT_EQ(Code(Decode(r, "10000\r\n" + std::string(65536, 'a') + "\r\n", kAwsSecret, kAwsTime)),
            "SignatureDoesNotMatch");
  std::string upper(kSig1);
  std::transform(upper.begin(), upper.end(), upper.begin(), ::toupper);
  EXPECT_EQ(Code(Decode(r, Chunk(65536, upper), kAwsSecret, kAwsTime)), "SignatureDoesNotMatch");
  // Chunks swapped: the chain breaks.
  EXPECT_EQ(Code(Decode(r, Chunk(1024, kSig2) + Chunk(65536, kSig1) + Chunk(0, kSig3) + "\r\n",
                        kAwsSecret, kAwsTime)),
            "SignatureDoesNotMatch");
  // Data after the end, and a chunk longer than it says.
  EXPECT_EQ(Code(Decode(r, AwsExampleBody() + "x", kAwsSecret, kAwsTime)), "IncompleteBody");
  std::string longer = Chunk(65536, kSig1);
  longer.insert(longer.size() - 2, "a");
  EXPECT_EQ(Code(Decode(r, longer, kAwsSecret, kAwsTime)), "IncompleteBody");
  // The wrong secret fails at the request signature already.
  EXPECT_EQ(Code(Decode(r, AwsExampleBody(), "not-the-secret", kAwsTime)), "SignatureDoesNotMatch");
}

TEST(AwsChunkedExample, DecodedLengthIsEnforced) {
  HttpRequest r = AwsExampleRequest();
  // The declared length is signed, so a wrong one is tested on the decoder directly.
  ChunkSigning signing;
  signing.signing_key = sigv4::DeriveSigningKey(kAwsSecret, "20130524", "us-east-1", "s3");
  signing.amz_date = "20130524T000000Z";
  signing.scope = "20130524/us-east-1/s3/aws4_request";
  signing.seed_signature = std::string(kSeed);
  std::string body = AwsExampleBody();
  for (int64_t declared : {int64_t{66559}, int64_t{66561}, int64_t{0}}) {
    StringSource raw(body);
    auto decoder = DecodeAwsChunked(
        raw,
        {.mode = S3PayloadMode::kSignedChunks, .signing = signing, .decoded_length = declared});
    ASSERT_TRUE(decoder.ok());
    EXPECT_EQ(Code(ReadAll(**decoder, 65536)), "IncompleteBody") << declared;
  }
  StringSource raw(body);
  auto decoder = DecodeAwsChunked(
      raw, {.mode = S3PayloadMode::kSignedChunks, .signing = signing, .decoded_length = 66560});
  EXPECT_EQ(ReadAll(**decoder, 65536)->size(), 66560u);
  // The signed forms need x-amz-decoded-content-length on the request.
  RemoveHeader(r, "x-amz-decoded-content-length");
  SigV4Request parsed = *ParseSigV4(r);
  StringSource raw2(body);
  EXPECT_EQ(OpenS3RequestBody(r, raw2, {.parsed = &parsed, .secret = kAwsSecret}).error().code(),
            "MissingContentLength");
  // ... and a signed request.
  EXPECT_EQ(OpenS3RequestBody(AwsExampleRequest(), raw2, {}).error().code(),
            "SignatureDoesNotMatch");
}

// A signed body built with the decoder's own primitives (chunk sizes the example lacks).
std::string SignedBody(const ChunkSigning& s, const std::vector<std::string>& chunks) {
  std::string previous = s.seed_signature;
  std::string out;
  std::vector<std::string> all = chunks;
  all.push_back("");
  for (const std::string& data : all) {
    std::string sts = "AWS4-HMAC-SHA256-PAYLOAD\n" + s.amz_date + "\n" + s.scope + "\n" + previous +
                      "\n" + std::string(sigv4::kEmptyPayloadHash) + "\n" +
                      HexEncode(s3::ComputeChecksum(s3::ChecksumAlgorithm::kSha256, data));
    previous = sigv4::ComputeSignature(s.signing_key, sts);
    char head[32];
    std::snprintf(head, sizeof(head), "%zx", data.size());
    out += std::string(head) + ";chunk-signature=" + previous + "\r\n";
    if (!data.empty()) out += data + "\r\n";
  }
  return out + "\r\n";
}

TEST(AwsChunked, OnlyTheLastSignedChunkMayBeSmall) {
  ChunkSigning s;
  s.signing_key = sigv4::DeriveSigningKey("secret", "20261128", "us-east-1", "s3");
  s.amz_date = "20261128T105442Z";
  s.scope = "20261128/us-east-1/s3/aws4_request";
  s.seed_signature = std::string(64, 'a');
  auto decode = [&](const std::vector<std::string>& chunks) {
    std::string body = SignedBody(s, chunks);
    StringSource raw(body);
    auto d = DecodeAwsChunked(raw, {.mode = S3PayloadMode::kSignedChunks, .signing = s});
    return ReadAll(**d, 4096);
  };
  EXPECT_TRUE(decode({std::string(8192, 'x'), std::string(10, 'y')}).ok());
  EXPECT_TRUE(decode({std::string(10, 'y')}).ok());
  EXPECT_EQ(Code(decode({std::string(8191, 'x'), std::string(10, 'y')})), "InvalidChunkSizeError");
  EXPECT_EQ(*decode({}), "");
}

// ---- Bodies from botocore and the signed variants ----

TEST(ChunkedVectors, AllDecode) {
  ASSERT_GE(std::size(kVectors), 12u);
  for (const ChunkedVector& v : kVectors) {
    SCOPED_TRACE(std::string(v.name));
    HttpRequest r = MakeRequest(v.method, v.target, v.headers);
    for (size_t piece : {size_t{1} << 20, size_t{3}, size_t{1000}}) {
      Result<std::string> decoded = Decode(r, v.body, v.secret, v.time, piece);
      ASSERT_TRUE(decoded.ok()) << decoded.error().code() << ": " << decoded.error().message();
      EXPECT_EQ(*decoded, v.decoded);
    }
    auto length = S3DecodedContentLength(r);
    ASSERT_TRUE(length.ok());
    if (length->has_value()) {
      EXPECT_EQ(**length, static_cast<int64_t>(v.decoded.size()));
    }
  }
}

TEST(ChunkedVectors, ChangedPayloadByteIsCaught) {
  for (const ChunkedVector& v : kVectors) {
    if (v.decoded.empty()) continue;
    SCOPED_TRACE(std::string(v.name));
    HttpRequest r = MakeRequest(v.method, v.target, v.headers);
    // Change one byte of the payload inside the framing.
    std::string body(v.body);
    size_t at = body.find(v.decoded.substr(0, std::min<size_t>(16, v.decoded.size())));
    ASSERT_NE(at, std::string::npos);
    at += v.decoded.size() / 2 < 16 ? 0 : 7;
    body[at] = body[at] == 'Z' ? 'Y' : 'Z';
    std::string expected = v.kind == "signed"   ? "SignatureDoesNotMatch"
                           : v.kind == "sha256" ? "XAmzContentSHA256Mismatch"
                                                : "BadDigest";
    EXPECT_EQ(Code(Decode(r, body, v.secret, v.time)), expected);
  }
}

TEST(ChunkedVectors, EveryTruncationFails) {
  for (const ChunkedVector& v : kVectors) {
    SCOPED_TRACE(std::string(v.name));
    HttpRequest r = MakeRequest(v.method, v.target, v.headers);
    size_t step = std::max<size_t>(1, v.body.size() / 300);
    for (size_t cut = 0; cut < v.body.size(); cut += step) {
      // Dropping only the optional final CRLF of a trailer is tolerated.
      if (v.kind == "unsigned-trailer" && cut >= v.body.size() - 2) continue;
      if (v.kind == "signed" && cut >= v.body.size() - 2) continue;
      Result<std::string> decoded = Decode(r, v.body.substr(0, cut), v.secret, v.time);
      EXPECT_FALSE(decoded.ok()) << "accepted a body cut at " << cut << " of " << v.body.size();
    }
  }
}

TEST(ChunkedVectors, TrailerProblems) {
  const ChunkedVector* botocore = nullptr;
  const ChunkedVector* signed_trailer = nullptr;
  for (const ChunkedVector& v : kVectors) {
    if (v.name == "botocore-put-https-crc32-trailer") botocore = &v;
    if (v.name == "signed-trailer-crc32") signed_trailer = &v;
  }
  ASSERT_NE(botocore, nullptr);
  ASSERT_NE(signed_trailer, nullptr);
  HttpRequest r = MakeRequest(botocore->method, botocore->target, botocore->headers);
  std::string body(botocore->body);
  size_t at = body.find("x-amz-checksum-crc32:");
  ASSERT_NE(at, std::string::npos);
  // A wrong checksum value, a missing trailer, a trailer signature where none belongs.
  std::string wrong = body;
  wrong[at + 21] = wrong[at + 21] == 'A' ? 'B' : 'A';
  EXPECT_EQ(Code(Decode(r, wrong, botocore->secret, botocore->time)), "BadDigest");
  std::string missing = body.substr(0, at) + "\r\n";
  EXPECT_EQ(Code(Decode(r, missing, botocore->secret, botocore->time)), "IncompleteBody");
  std::string renamed = body;
  renamed.replace(at, 20, "x-amz-checksum-sha1x");
  EXPECT_EQ(Code(Decode(r, renamed, botocore->secret, botocore->time)), "IncompleteBody");
  std::string extra = body.substr(0, body.size() - 2) +
                      "x-amz-trailer-signature:" + std::string(64, 'a') + "\r\n\r\n";
  EXPECT_EQ(Code(Decode(r, extra, botocore->secret, botocore->time)), "IncompleteBody");
  // The unsigned trailer with its final blank line missing is still complete.
  EXPECT_TRUE(Decode(r, body.substr(0, body.size() - 2), botocore->secret, botocore->time).ok());

  HttpRequest sr =
      MakeRequest(signed_trailer->method, signed_trailer->target, signed_trailer->headers);
  std::string sbody(signed_trailer->body);
  size_t sig = sbody.find("x-amz-trailer-signature:");
  ASSERT_NE(sig, std::string::npos);
  std::string bad_sig = sbody;
  bad_sig[sig + 24] = bad_sig[sig + 24] == 'a' ? 'b' : 'a';
  EXPECT_EQ(Code(Decode(sr, bad_sig, signed_trailer->secret, signed_trailer->time)),
            "SignatureDoesNotMatch");
  std::string no_sig = sbody.substr(0, sig) + "\r\n";
  EXPECT_EQ(Code(Decode(sr, no_sig, signed_trailer->secret, signed_trailer->time)),
            "SignatureDoesNotMatch");
  // The checksum line is covered by the trailer signature: changing it breaks the signature.
  std::string other_value = sbody;
  size_t crc = sbody.find("x-amz-checksum-crc32:");
  other_value[crc + 21] = other_value[crc + 21] == 'A' ? 'B' : 'A';
  EXPECT_EQ(Code(Decode(sr, other_value, signed_trailer->secret, signed_trailer->time)),
            "SignatureDoesNotMatch");
}

TEST(S3Body, HeadersSelectTheMode) {
  HttpRequest r = MakeRequest("PUT", "/b/k", "host: h\n");
  EXPECT_EQ(*S3PayloadModeOf(r), S3PayloadMode::kUnsigned);
  SetHeader(r, "x-amz-content-sha256", "UNSIGNED-PAYLOAD");
  EXPECT_EQ(*S3PayloadModeOf(r), S3PayloadMode::kUnsigned);
  SetHeader(r, "x-amz-content-sha256", std::string(sigv4::kEmptyPayloadHash));
  EXPECT_EQ(*S3PayloadModeOf(r), S3PayloadMode::kSha256);
  SetHeader(r, "x-amz-content-sha256", "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD");
  EXPECT_EQ(S3PayloadModeOf(r).error().code(), "InvalidArgument");
  SetHeader(r, "x-amz-content-sha256", "STREAMING-UNSIGNED-PAYLOAD-TRAILER");
  EXPECT_TRUE(IsAwsChunked(*S3PayloadModeOf(r)));
  // An unsigned trailer body without x-amz-trailer is refused (nothing would be verified).
  StringSource raw("0\r\n\r\n");
  EXPECT_EQ(OpenS3RequestBody(r, raw, {}).error().code(), "InvalidRequest");
  SetHeader(r, "x-amz-trailer", "x-amz-checksum-crc64nvme");
  EXPECT_EQ(S3TrailerChecksum(r).error().code(), "InvalidRequest");
  SetHeader(r, "x-amz-trailer", "X-Amz-Checksum-CRC32C");
  EXPECT_EQ(*S3TrailerChecksum(r), s3::ChecksumAlgorithm::kCrc32c);
  SetHeader(r, "x-amz-decoded-content-length", "12x");
  EXPECT_EQ(S3DecodedContentLength(r).error().code(), "InvalidArgument");
  SetHeader(r, "x-amz-decoded-content-length", "12");
  SetHeader(r, "content-length", "99");
  EXPECT_EQ(**S3DecodedContentLength(r), 12);
  RemoveHeader(r, "x-amz-content-sha256");
  EXPECT_EQ(**S3DecodedContentLength(r), 99);
}

TEST(S3Body, WholeBodySha256) {
  std::string body = "hello world";
  HttpRequest r = MakeRequest("PUT", "/b/k", "host: h\n");
  SetHeader(r, "x-amz-content-sha256",
            HexEncode(s3::ComputeChecksum(s3::ChecksumAlgorithm::kSha256, body)));
  StringSource ok(body);
  auto source = OpenS3RequestBody(r, ok, {});
  ASSERT_TRUE(source.ok());
  EXPECT_EQ(*ReadAll(**source, 4), body);
  StringSource bad("hello worle");
  auto tampered = OpenS3RequestBody(r, bad, {});
  EXPECT_EQ(Code(ReadAll(**tampered, 4)), "XAmzContentSHA256Mismatch");
  StringSource plain("anything");
  SetHeader(r, "x-amz-content-sha256", "UNSIGNED-PAYLOAD");
  EXPECT_EQ(*ReadAll(**OpenS3RequestBody(r, plain, {}), 3), "anything");
}

// A body far larger than the framing buffer, in one chunk: bytes come out before the chunk ends.
class LazyChunkSource final : public ByteSource {
 public:
  explicit LazyChunkSource(int64_t size) : size_(size) {
    char head[32];
    std::snprintf(head, sizeof(head), "%llx\r\n", static_cast<unsigned long long>(size));
    prefix_ = head;
    suffix_ = "\r\n0\r\nx-amz-checksum-crc32:" + Crc() + "\r\n\r\n";
  }
  Result<size_t> Read(char* out, size_t max) override {
    size_t n = 0;
    while (n < max && pos_ < Total()) {
      out[n++] = At(pos_++);
    }
    served_ = pos_;
    return n;
  }
  int64_t served() const { return served_; }

 private:
  int64_t Total() const {
    return static_cast<int64_t>(prefix_.size()) + size_ + static_cast<int64_t>(suffix_.size());
  }
  char At(int64_t i) const {
    if (i < static_cast<int64_t>(prefix_.size())) return prefix_[i];
    i -= static_cast<int64_t>(prefix_.size());
    if (i < size_) return static_cast<char>('a' + i % 26);
    return suffix_[i - size_];
  }
  std::string Crc() const {
    uint32_t crc = 0;
    std::string block;
    for (int64_t i = 0; i < size_; i += 26 * 4096) {
      int64_t n = std::min<int64_t>(26 * 4096, size_ - i);
      block.clear();
      for (int64_t j = 0; j < n; ++j) block.push_back(static_cast<char>('a' + (i + j) % 26));
      crc = s3::Crc32Update(crc, block);
    }
    std::string raw(4, '\0');
    for (int k = 0; k < 4; ++k) raw[k] = static_cast<char>(crc >> (24 - 8 * k));
    return Base64Encode(raw);
  }
  int64_t size_;
  std::string prefix_, suffix_;
  int64_t pos_ = 0;
  int64_t served_ = 0;
};

TEST(AwsChunked, StreamsAHugeChunkWithoutBufferingIt) {
  constexpr int64_t kSize = int64_t{64} << 20;
  LazyChunkSource raw(kSize);
  auto decoder = DecodeAwsChunked(raw, {.mode = S3PayloadMode::kUnsignedChunksTrailer,
                                        .decoded_length = kSize,
                                        .trailer_checksum = s3::ChecksumAlgorithm::kCrc32});
  ASSERT_TRUE(decoder.ok());
  std::string buf(65536, '\0');
  Result<size_t> first = (*decoder)->Read(buf.data(), buf.size());
  ASSERT_TRUE(first.ok());
  EXPECT_GT(*first, 0u);
  EXPECT_LE(raw.served(), 2 * 65536);  // data flows before the 64 MiB chunk has arrived
  int64_t total = static_cast<int64_t>(*first);
  while (true) {
    Result<size_t> n = (*decoder)->Read(buf.data(), buf.size());
    ASSERT_TRUE(n.ok()) << n.error().message();
    if (*n == 0) break;
    total += static_cast<int64_t>(*n);
  }
  EXPECT_EQ(total, kSize);
}

TEST(AwsChunked, MalformedFraming) {
  auto decode = [](std::string body) {
    StringSource raw(body);
    auto d = DecodeAwsChunked(raw, {.mode = S3PayloadMode::kUnsignedChunksTrailer,
                                    .trailer_checksum = s3::ChecksumAlgorithm::kCrc32});
    return ReadAll(**d, 100);
  };
  std::string crc_of_abc = Base64Encode(s3::ComputeChecksum(s3::ChecksumAlgorithm::kCrc32, "abc"));
  EXPECT_EQ(*decode("3\r\nabc\r\n0\r\nx-amz-checksum-crc32:" + crc_of_abc + "\r\n\r\n"), "abc");
  EXPECT_EQ(*decode("3\r\nabc\r\n0\r\nX-Amz-Checksum-CRC32: " + crc_of_abc + " \r\n\r\n"), "abc");
  for (std::string bad :
       {std::string(""), std::string("zz\r\n"), std::string("-3\r\nabc\r\n"),
        std::string("3\nabc\n0\n\n"), std::string("0x3\r\nabc\r\n"), std::string("3\r\nabcd\r\n"),
        std::string("3\r\nab"), std::string("ffffffffffffffffff\r\n"), std::string(5000, '1'),
        std::string("3\r\nabc\r\n0\r\n:novalue\r\n\r\n"),
        std::string("3\r\nabc\r\n0\r\nnocolon\r\n\r\n"),
        "3\r\nabc\r\n0\r\nx-amz-checksum-crc32:" + crc_of_abc +
            "\r\nx-amz-checksum-crc32:" + crc_of_abc + "\r\n\r\n",
        "3\r\nabc\r\n0\r\nx-amz-checksum-crc32:" + crc_of_abc + "\r\n\r\ntrailing"}) {
    EXPECT_FALSE(decode(bad).ok()) << bad.substr(0, 40);
  }
  // An error is final.
  std::string body = "zz\r\n";
  StringSource raw(body);
  auto d = DecodeAwsChunked(raw, {.mode = S3PayloadMode::kUnsignedChunksTrailer});
  char c;
  EXPECT_FALSE((*d)->Read(&c, 1).ok());
  EXPECT_FALSE((*d)->Read(&c, 1).ok());
  EXPECT_EQ(DecodeAwsChunked(raw, {.mode = S3PayloadMode::kSignedChunks}).error().code(),
            "InvalidRequest");
}

// ---- SigV4PayloadHash with the streaming markers ----

TEST(SigV4PayloadHashStreaming, DeclaredMarkers) {
  HttpRequest r = AwsExampleRequest();
  SigV4Request parsed = *ParseSigV4(r);
  for (std::string_view marker : {kStreamingPayload, kStreamingPayloadTrailer}) {
    SetHeader(r, "x-amz-content-sha256", marker);
    EXPECT_EQ(*SigV4PayloadHash(parsed, r, S3Options(false)), marker);
    // In body mode a marker is just a wrong hash.
    EXPECT_EQ(SigV4PayloadHash(parsed, r, {.s3_errors = true}).error().code(),
              "XAmzContentSHA256Mismatch");
  }
  SetHeader(r, "x-amz-content-sha256", kStreamingUnsignedPayloadTrailer);
  EXPECT_EQ(*SigV4PayloadHash(parsed, r, S3Options(true)), kStreamingUnsignedPayloadTrailer);
  EXPECT_EQ(SigV4PayloadHash(parsed, r, S3Options(false)).error().code(), "InvalidRequest");
  SetHeader(r, "x-amz-content-sha256", "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD");
  EXPECT_EQ(SigV4PayloadHash(parsed, r, S3Options(true)).error().code(), "InvalidArgument");
  // The AWS example's seed signature verifies in declared mode, and not with another marker.
  HttpRequest example = AwsExampleRequest();
  FakeClock clock = FakeClock::AtUnixSeconds(kAwsTime);
  SigningKeyCache cache(4);
  EXPECT_TRUE(VerifySigV4(parsed, kAwsSecret, example, clock, cache, S3Options(false)).ok());
  SetHeader(example, "x-amz-content-sha256", kStreamingPayloadTrailer);
  EXPECT_EQ(VerifySigV4(parsed, kAwsSecret, example, clock, cache, S3Options(false)).error().code(),
            "SignatureDoesNotMatch");
}

}  // namespace
}  // namespace irsa::protocol
