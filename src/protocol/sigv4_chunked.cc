#include "protocol/sigv4_chunked.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include "base/encoding.h"
#include "base/strings.h"
#include "protocol/sigv4_canonical.h"
#include "protocol/sigv4_hash.h"
#include "s3/errors.h"
#include "s3/types.h"

namespace irsa::protocol {
namespace {

namespace s3e = s3::errors;

constexpr size_t kBufferSize = s3::kTransferBufferSize;
constexpr size_t kMaxLine = 4096;           // a chunk header or one trailer line
constexpr size_t kMaxTrailerBytes = 16384;  // every trailer line together
constexpr int64_t kMinSignedChunk = 8192;
constexpr int64_t kMaxChunkSize = int64_t{1} << 40;
constexpr std::string_view kChunkSignaturePrefix = "chunk-signature=";
constexpr std::string_view kTrailerSignatureName = "x-amz-trailer-signature";

bool IsLowerHex64(std::string_view s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

std::optional<int64_t> ParseHexSize(std::string_view text) {
  if (text.empty() || text.size() > 16) return std::nullopt;
  int64_t value = 0;
  for (char c : text) {
    int digit;
    if (c >= '0' && c <= '9') {
      digit = c - '0';
    } else if (c >= 'a' && c <= 'f') {
      digit = c - 'a' + 10;
    } else if (c >= 'A' && c <= 'F') {
      digit = c - 'A' + 10;
    } else {
      return std::nullopt;
    }
    value = value * 16 + digit;
    if (value > kMaxChunkSize) return std::nullopt;
  }
  return value;
}

Error Truncated() {
  return s3e::IncompleteBody(
      "The aws-chunked request body ended before its final chunk and trailer.");
}
Error Malformed(std::string what) {
  return s3e::IncompleteBody("The request body is not valid aws-chunked encoding: " + what + ".");
}
Error ChunkSignatureMismatch() {
  return s3e::SignatureDoesNotMatch(
      "The chunk signature we calculated does not match the signature you provided in the "
      "aws-chunked body.");
}

std::string SignedString(std::string_view algorithm, const ChunkSigning& signing,
                         std::string_view previous, std::string_view tail) {
  std::string s;
  s.reserve(256);
  s += algorithm;
  s += '\n';
  s += signing.amz_date;
  s += '\n';
  s += signing.scope;
  s += '\n';
  s += previous;
  s += '\n';
  s += tail;
  return s;
}

std::string Sign(const ChunkSigning& signing, std::string_view string_to_sign) {
  return sigv4::ComputeSignature(signing.signing_key, string_to_sign);
}

class AwsChunkedDecoder final : public ByteSource {
 public:
  AwsChunkedDecoder(ByteSource& raw, AwsChunkedOptions options)
      : raw_(raw), options_(std::move(options)), buffer_(new char[kBufferSize]) {
    signed_ = options_.mode == S3PayloadMode::kSignedChunks ||
              options_.mode == S3PayloadMode::kSignedChunksTrailer;
    trailer_ = options_.mode == S3PayloadMode::kSignedChunksTrailer ||
               options_.mode == S3PayloadMode::kUnsignedChunksTrailer;
    if (signed_) previous_signature_ = options_.signing->seed_signature;
    if (options_.trailer_checksum) checksum_ = s3::Hasher::New(*options_.trailer_checksum);
  }

  Result<size_t> Read(char* out, size_t max) override {
    if (failure_) return *failure_;
    Result<size_t> r = Step(out, max);
    if (!r.ok()) failure_ = r.error();
    return r;
  }

 private:
  enum class State { kHeader, kData, kDataEnd, kFinalLine, kTrailer, kDone };

  Result<size_t> Step(char* out, size_t max) {
    while (true) {
      switch (state_) {
        case State::kHeader: {
          IRSA_TRY(std::string line, ReadLine());
          IRSA_RETURN_IF_ERROR(StartChunk(line));
          continue;
        }
        case State::kData: {
          if (chunk_left_ == 0) {
            state_ = State::kDataEnd;
            continue;
          }
          if (max == 0) return size_t{0};
          size_t want = static_cast<size_t>(std::min<int64_t>(chunk_left_, max));
          size_t n;
          if (pos_ < len_) {
            n = std::min(want, len_ - pos_);
            std::memcpy(out, buffer_.get() + pos_, n);
            pos_ += n;
          } else {
            // Nothing buffered: read straight into the caller's buffer.
            IRSA_TRY(n, raw_.Read(out, want));
            if (n == 0) return Truncated();
          }
          std::string_view data(out, n);
          if (chunk_hash_) chunk_hash_->Update(data);
          if (checksum_) checksum_->Update(data);
          chunk_left_ -= static_cast<int64_t>(n);
          decoded_ += static_cast<int64_t>(n);
          return n;
        }
        case State::kDataEnd: {
          IRSA_TRY(std::string line, ReadLine());
          if (!line.empty()) return Malformed("chunk data longer than its declared size");
          if (signed_) {
            IRSA_RETURN_IF_ERROR(CheckChunkSignature(HexEncode(chunk_hash_->Finish())));
          }
          state_ = State::kHeader;
          continue;
        }
        case State::kFinalLine: {
          IRSA_TRY(bool more, AtEnd());
          std::string line;
          if (more) {  // the final blank line may be missing
            IRSA_TRY(line, ReadLine());
          }
          if (!line.empty()) return Malformed("data after the final chunk");
          IRSA_RETURN_IF_ERROR(Finish());
          continue;
        }
        case State::kTrailer:
          IRSA_RETURN_IF_ERROR(ReadTrailer());
          IRSA_RETURN_IF_ERROR(Finish());
          continue;
        case State::kDone:
          return size_t{0};
      }
    }
  }

  // Fills the buffer with more raw bytes; false at the end of the raw body.
  Result<bool> Fill() {
    if (raw_eof_) return false;
    if (pos_ > 0) {
      std::memmove(buffer_.get(), buffer_.get() + pos_, len_ - pos_);
      len_ -= pos_;
      pos_ = 0;
    }
    if (len_ == kBufferSize) return Malformed("a line is too long");
    IRSA_TRY(size_t n, raw_.Read(buffer_.get() + len_, kBufferSize - len_));
    if (n == 0) {
      raw_eof_ = true;
      return false;
    }
    len_ += n;
    return true;
  }

  // Whether any byte is left (buffered or not).
  Result<bool> AtEnd() {
    if (pos_ < len_) return true;
    return Fill();
  }

  // One CRLF-terminated line, without the CRLF.
  Result<std::string> ReadLine() {
    while (true) {
      std::string_view avail(buffer_.get() + pos_, len_ - pos_);
      size_t crlf = avail.find("\r\n");
      if (crlf != std::string_view::npos) {
        if (crlf > kMaxLine) return Malformed("a line is too long");
        std::string line(avail.substr(0, crlf));
        pos_ += crlf + 2;
        return line;
      }
      if (avail.size() > kMaxLine) return Malformed("a line is too long");
      IRSA_TRY(bool more, Fill());
      if (!more) return Truncated();
    }
  }

  Status StartChunk(std::string_view line) {
    std::string_view size_text = line.substr(0, line.find(';'));
    std::optional<int64_t> size = ParseHexSize(size_text);
    if (!size) return Malformed("a chunk header is not a hexadecimal size");
    if (signed_) {
      size_t semi = line.find(';');
      std::string_view ext =
          semi == std::string_view::npos ? std::string_view() : line.substr(semi + 1);
      if (ext.substr(0, kChunkSignaturePrefix.size()) != kChunkSignaturePrefix ||
          !IsLowerHex64(ext.substr(kChunkSignaturePrefix.size()))) {
        return s3e::SignatureDoesNotMatch(
            "Every chunk of a signed aws-chunked body needs a chunk-signature.");
      }
      chunk_signature_ = std::string(ext.substr(kChunkSignaturePrefix.size()));
    }
    if (options_.decoded_length && decoded_ + *size > *options_.decoded_length) {
      return s3e::IncompleteBody(
          "The aws-chunked body is longer than its x-amz-decoded-content-length.");
    }
    if (*size == 0) {
      if (signed_) IRSA_RETURN_IF_ERROR(CheckChunkSignature(sigv4::kEmptyPayloadHash));
      state_ = trailer_ ? State::kTrailer : State::kFinalLine;
      return OkStatus();
    }
    if (signed_ && previous_chunk_small_) return s3e::InvalidChunkSizeError();
    previous_chunk_small_ = *size < kMinSignedChunk;
    chunk_left_ = *size;
    if (signed_) chunk_hash_ = s3::Hasher::New(s3::Hasher::Kind::kSha256);
    state_ = State::kData;
    return OkStatus();
  }

  Status CheckChunkSignature(std::string_view data_hash_hex) {
    std::string tail(sigv4::kEmptyPayloadHash);
    tail += '\n';
    tail += data_hash_hex;
    std::string expected = Sign(
        *options_.signing,
        SignedString("AWS4-HMAC-SHA256-PAYLOAD", *options_.signing, previous_signature_, tail));
    if (!ConstantTimeEquals(expected, chunk_signature_)) return ChunkSignatureMismatch();
    previous_signature_ = std::move(expected);
    return OkStatus();
  }

  Status ReadTrailer() {
    std::string canonical;
    std::optional<std::string> signature;
    std::optional<std::string> checksum_value;
    size_t total = 0;
    while (true) {
      IRSA_TRY(bool more, AtEnd());
      if (!more) break;  // the final blank line may be missing
      IRSA_TRY(std::string line, ReadLine());
      if (line.empty()) break;
      total += line.size();
      if (total > kMaxTrailerBytes) return Malformed("the trailer is too long");
      size_t colon = line.find(':');
      if (colon == std::string::npos || colon == 0) return Malformed("a trailer line has no name");
      std::string name = AsciiLower(TrimWhitespace(std::string_view(line).substr(0, colon)));
      std::string value(TrimWhitespace(std::string_view(line).substr(colon + 1)));
      if (name == kTrailerSignatureName) {
        if (signature) return Malformed("the trailer signature is repeated");
        signature = std::move(value);
        continue;
      }
      if (signature) return Malformed("a trailer line follows the trailer signature");
      canonical += name;
      canonical += ':';
      canonical += value;
      canonical += '\n';
      if (options_.trailer_checksum && name == s3::ChecksumHeaderName(*options_.trailer_checksum)) {
        if (checksum_value) return Malformed("the trailer checksum is repeated");
        checksum_value = std::move(value);
      }
    }
    if (options_.mode == S3PayloadMode::kSignedChunksTrailer) {
      if (!signature || !IsLowerHex64(*signature)) {
        return s3e::SignatureDoesNotMatch("A signed aws-chunked trailer needs its signature.");
      }
      std::string expected =
          Sign(*options_.signing,
               SignedString("AWS4-HMAC-SHA256-TRAILER", *options_.signing, previous_signature_,
                            internal::DigestHex(internal::Sha256(canonical))));
      if (!ConstantTimeEquals(expected, *signature)) {
        return s3e::SignatureDoesNotMatch(
            "The trailer signature we calculated does not match the signature you provided.");
      }
    } else if (signature) {
      return Malformed("an unsigned trailer carries a signature");
    }
    if (options_.trailer_checksum) {
      std::string header(s3::ChecksumHeaderName(*options_.trailer_checksum));
      if (!checksum_value) {
        return s3e::IncompleteBody("The trailer does not carry " + header +
                                   ", which x-amz-trailer announced.");
      }
      std::string computed = Base64Encode(checksum_->Finish());
      if (*checksum_value != computed) {
        return s3::DigestMismatch(s3::ChecksumAlgorithmName(*options_.trailer_checksum));
      }
    }
    return OkStatus();
  }

  // After the final chunk (and trailer): nothing may follow, and the length must match.
  Status Finish() {
    if (pos_ < len_) return Malformed("data after the end of the body");
    if (!raw_eof_) {
      char probe;
      IRSA_TRY(size_t n, raw_.Read(&probe, 1));
      if (n != 0) return Malformed("data after the end of the body");
      raw_eof_ = true;
    }
    if (options_.decoded_length && decoded_ != *options_.decoded_length) {
      return s3e::IncompleteBody(
          "The aws-chunked body is shorter than its x-amz-decoded-content-length.");
    }
    state_ = State::kDone;
    return OkStatus();
  }

  ByteSource& raw_;
  AwsChunkedOptions options_;
  bool signed_ = false;
  bool trailer_ = false;
  std::unique_ptr<char[]> buffer_;
  size_t pos_ = 0;
  size_t len_ = 0;
  bool raw_eof_ = false;
  State state_ = State::kHeader;
  int64_t chunk_left_ = 0;
  int64_t decoded_ = 0;
  bool previous_chunk_small_ = false;
  std::string chunk_signature_;
  std::string previous_signature_;
  std::unique_ptr<s3::Hasher> chunk_hash_;
  std::unique_ptr<s3::Hasher> checksum_;
  std::optional<Error> failure_;
};

class Sha256Verifier final : public ByteSource {
 public:
  Sha256Verifier(ByteSource& raw, std::string expected)
      : raw_(raw),
        expected_(std::move(expected)),
        hash_(s3::Hasher::New(s3::Hasher::Kind::kSha256)) {}
  Result<size_t> Read(char* out, size_t max) override {
    if (failure_) return *failure_;
    if (done_) return size_t{0};
    Result<size_t> n = raw_.Read(out, max);
    if (!n.ok()) {
      failure_ = n.error();
      return n;
    }
    if (*n > 0 || max == 0) {
      hash_->Update(std::string_view(out, *n));
      return n;
    }
    if (HexEncode(hash_->Finish()) != expected_) {
      failure_ = s3e::XAmzContentSHA256Mismatch();
      return *failure_;
    }
    done_ = true;
    return size_t{0};
  }

 private:
  ByteSource& raw_;
  std::string expected_;
  std::unique_ptr<s3::Hasher> hash_;
  std::optional<Error> failure_;
  bool done_ = false;
};

class PassThrough final : public ByteSource {
 public:
  explicit PassThrough(ByteSource& raw) : raw_(raw) {}
  Result<size_t> Read(char* out, size_t max) override { return raw_.Read(out, max); }

 private:
  ByteSource& raw_;
};

Result<std::optional<int64_t>> ParseLengthHeader(const HttpRequest& request,
                                                 std::string_view name) {
  if (!request.HasHeader(name)) return std::optional<int64_t>();
  std::string_view text = TrimWhitespace(request.Header(name));
  int64_t value = 0;
  bool ok = !text.empty() && text.size() <= 18;
  for (char c : text) {
    if (c < '0' || c > '9') ok = false;
    if (ok) value = value * 10 + (c - '0');
  }
  if (!ok) {
    return s3e::InvalidArgument("The " + std::string(name) + " header must be a decimal length.");
  }
  return std::optional<int64_t>(value);
}

}  // namespace

Result<S3PayloadMode> S3PayloadModeOf(const HttpRequest& request) {
  if (!request.HasHeader("x-amz-content-sha256")) return S3PayloadMode::kUnsigned;
  std::string_view value = request.Header("x-amz-content-sha256");
  if (value == kUnsignedPayload) return S3PayloadMode::kUnsigned;
  if (value == kStreamingPayload) return S3PayloadMode::kSignedChunks;
  if (value == kStreamingPayloadTrailer) return S3PayloadMode::kSignedChunksTrailer;
  if (value == kStreamingUnsignedPayloadTrailer) return S3PayloadMode::kUnsignedChunksTrailer;
  if (IsLowerHex64(value)) return S3PayloadMode::kSha256;
  return s3e::InvalidArgument(
      "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, "
      "STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER, or a valid "
      "sha256 value.");
}

bool IsAwsChunked(S3PayloadMode mode) {
  return mode == S3PayloadMode::kSignedChunks || mode == S3PayloadMode::kSignedChunksTrailer ||
         mode == S3PayloadMode::kUnsignedChunksTrailer;
}

Result<std::optional<s3::ChecksumAlgorithm>> S3TrailerChecksum(const HttpRequest& request) {
  if (!request.HasHeader("x-amz-trailer")) return std::optional<s3::ChecksumAlgorithm>();
  std::string name = AsciiLower(TrimWhitespace(request.Header("x-amz-trailer")));
  constexpr std::string_view kPrefix = "x-amz-checksum-";
  std::optional<s3::ChecksumAlgorithm> algorithm;
  if (name.rfind(kPrefix, 0) == 0) {
    algorithm = s3::ParseChecksumAlgorithm(std::string_view(name).substr(kPrefix.size()));
  }
  if (!algorithm) {
    return s3e::InvalidRequest("The value specified in the x-amz-trailer header is not supported");
  }
  return algorithm;
}

Result<std::optional<int64_t>> S3DecodedContentLength(const HttpRequest& request) {
  IRSA_TRY(S3PayloadMode mode, S3PayloadModeOf(request));
  if (IsAwsChunked(mode)) return ParseLengthHeader(request, "x-amz-decoded-content-length");
  return ParseLengthHeader(request, "content-length");
}

Result<std::unique_ptr<ByteSource>> DecodeAwsChunked(ByteSource& raw, AwsChunkedOptions options) {
  if (!IsAwsChunked(options.mode)) {
    return s3e::InvalidRequest("Not an aws-chunked payload mode.");
  }
  if (options.mode != S3PayloadMode::kUnsignedChunksTrailer && !options.signing) {
    return s3e::InvalidRequest("A signed aws-chunked body needs a signed request.");
  }
  return std::unique_ptr<ByteSource>(new AwsChunkedDecoder(raw, std::move(options)));
}

std::unique_ptr<ByteSource> VerifySha256(ByteSource& raw, std::string expected_hex) {
  return std::make_unique<Sha256Verifier>(raw, std::move(expected_hex));
}

Result<std::unique_ptr<ByteSource>> OpenS3RequestBody(const HttpRequest& request, ByteSource& raw,
                                                      const S3RequestSigner& signer) {
  IRSA_TRY(S3PayloadMode mode, S3PayloadModeOf(request));
  switch (mode) {
    case S3PayloadMode::kUnsigned:
      return std::unique_ptr<ByteSource>(new PassThrough(raw));
    case S3PayloadMode::kSha256:
      return VerifySha256(raw, std::string(request.Header("x-amz-content-sha256")));
    default:
      break;
  }
  AwsChunkedOptions options;
  options.mode = mode;
  IRSA_TRY(options.decoded_length, ParseLengthHeader(request, "x-amz-decoded-content-length"));
  IRSA_TRY(options.trailer_checksum, S3TrailerChecksum(request));
  if (mode == S3PayloadMode::kSignedChunksTrailer ||
      mode == S3PayloadMode::kUnsignedChunksTrailer) {
    // The trailer modes exist to carry a checksum; without x-amz-trailer nothing is verified.
    if (!options.trailer_checksum) {
      return s3e::InvalidRequest("An aws-chunked body with a trailer needs x-amz-trailer.");
    }
  }
  if (mode != S3PayloadMode::kUnsignedChunksTrailer) {
    if (signer.parsed == nullptr) {
      return s3e::SignatureDoesNotMatch("A signed aws-chunked body needs a signed request.");
    }
    if (!options.decoded_length) {
      return Error("MissingContentLength", 411,
                   "You must provide x-amz-decoded-content-length with an aws-chunked body.");
    }
    SigningKeyCache& cache = signer.cache ? *signer.cache : SigningKeyCache::Default();
    ChunkSigning signing;
    signing.signing_key = cache.Get(signer.secret, signer.parsed->date, signer.parsed->region,
                                    signer.parsed->service);
    signing.amz_date = signer.parsed->amz_date;
    signing.scope = signer.parsed->CredentialScope();
    signing.seed_signature = AsciiLower(signer.parsed->signature);
    options.signing = std::move(signing);
  }
  return DecodeAwsChunked(raw, std::move(options));
}

}  // namespace irsa::protocol
