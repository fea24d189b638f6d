// Fuzzes the aws-chunked decoder (protocol/sigv4_chunked.h). The first input byte picks the mode
// (signed, signed with trailer, unsigned with trailer), whether a decoded length and which
// trailer checksum are declared, and the read size; the rest is the body. Signed modes use a
// fixed key and seed, so a fuzzer rarely forges a signature, but every framing path runs: the
// decoder must end in a value or an error, never crash, hang or read out of bounds.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "protocol/sigv4_canonical.h"
#include "protocol/sigv4_chunked.h"

namespace {

// Hands the body out in pieces of varying size, as a network would.
class Pieces final : public irsa::ByteSource {
 public:
  Pieces(std::string_view data, size_t piece) : data_(data), piece_(piece) {}
  irsa::Result<size_t> Read(char* out, size_t max) override {
    size_t n = std::min({max, piece_, data_.size()});
    data_.copy(out, n);
    data_.remove_prefix(n);
    piece_ = piece_ % 97 + 1;
    return n;
  }

 private:
  std::string_view data_;
  size_t piece_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  using irsa::protocol::S3PayloadMode;
  uint8_t control = data[0];
  std::string_view body(reinterpret_cast<const char*>(data) + 1, size - 1);
  irsa::protocol::AwsChunkedOptions options;
  static const S3PayloadMode kModes[] = {
      S3PayloadMode::kSignedChunks, S3PayloadMode::kSignedChunksTrailer,
      S3PayloadMode::kUnsignedChunksTrailer, S3PayloadMode::kUnsignedChunksTrailer};
  options.mode = kModes[control & 3];
  if (options.mode != S3PayloadMode::kUnsignedChunksTrailer) {
    irsa::protocol::ChunkSigning signing;
    signing.signing_key =
        irsa::protocol::sigv4::DeriveSigningKey("secret", "20261128", "us-east-1", "s3");
    signing.amz_date = "20261128T105442Z";
    signing.scope = "20261128/us-east-1/s3/aws4_request";
    signing.seed_signature = std::string(64, 'a');
    options.signing = signing;
  }
  if (control & 4) options.decoded_length = static_cast<int64_t>(body.size() / 2);
  static const irsa::s3::ChecksumAlgorithm kAlgorithms[] = {
      irsa::s3::ChecksumAlgorithm::kCrc32, irsa::s3::ChecksumAlgorithm::kCrc32c,
      irsa::s3::ChecksumAlgorithm::kSha1, irsa::s3::ChecksumAlgorithm::kSha256};
  if (control & 8) options.trailer_checksum = kAlgorithms[(control >> 4) & 3];
  Pieces raw(body, 1 + (control >> 6) * 300);
  auto decoder = irsa::protocol::DecodeAwsChunked(raw, options);
  if (!decoder.ok()) return 0;
  char buffer[4096];
  size_t read_size = 1 + (control >> 4) * 255;
  for (int i = 0; i < 100000; ++i) {
    auto n = (*decoder)->Read(buffer, read_size);
    if (!n.ok() || *n == 0) break;
  }
  return 0;
}
