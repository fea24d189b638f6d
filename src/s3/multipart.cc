#include "s3/multipart.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>

#include "base/encoding.h"
#include "s3/errors.h"

namespace irsa::s3 {
namespace {

bool IsLowerHex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }

}  // namespace

std::string NewUploadId(SystemTime initiated, Random& random) {
  auto micros =
      std::chrono::duration_cast<std::chrono::microseconds>(initiated.time_since_epoch()).count();
  char time_hex[17];
  std::snprintf(time_hex, sizeof(time_hex), "%016" PRIx64, static_cast<uint64_t>(micros));
  return std::string(time_hex) + HexEncode(random.Bytes(16));
}

bool IsWellFormedUploadId(std::string_view upload_id) {
  return upload_id.size() == kUploadIdLength &&
         std::all_of(upload_id.begin(), upload_id.end(), IsLowerHex);
}

Status ValidatePartNumber(int part_number) {
  if (part_number < 1 || part_number > kMaxPartNumber) {
    return errors::InvalidArgument("Part number must be an integer between 1 and 10000, inclusive");
  }
  return OkStatus();
}

Result<int> ParsePartNumber(std::string_view text) {
  int value = 0;
  if (text.empty() || text.size() > 5) return ValidatePartNumber(0).error();
  for (char c : text) {
    if (c < '0' || c > '9') return ValidatePartNumber(0).error();
    value = value * 10 + (c - '0');
  }
  IRSA_RETURN_IF_ERROR(ValidatePartNumber(value));
  return value;
}

Result<std::vector<size_t>> SelectCompletedParts(const std::vector<CompletedPart>& requested,
                                                 const std::vector<StoredPart>& stored,
                                                 int64_t min_part_size) {
  if (requested.empty()) return errors::MalformedXML();
  for (size_t i = 1; i < requested.size(); ++i) {
    if (requested[i].part_number <= requested[i - 1].part_number) {
      return errors::InvalidPartOrder();
    }
  }
  std::vector<size_t> selected;
  selected.reserve(requested.size());
  int64_t total = 0;
  for (const CompletedPart& want : requested) {
    auto it = std::lower_bound(stored.begin(), stored.end(), want.part_number,
                               [](const StoredPart& p, int n) { return p.part_number < n; });
    if (it == stored.end() || it->part_number != want.part_number ||
        ETagValue(it->etag) != ETagValue(want.etag)) {
      return errors::InvalidPart(
          "One or more of the specified parts could not be found. The part may not have been "
          "uploaded, or the specified entity tag may not match the part's entity tag. (part " +
          std::to_string(want.part_number) + ")");
    }
    if (want.checksum && it->checksum && *want.checksum != it->checksum->value) {
      return errors::InvalidPart("The " +
                                 std::string(ChecksumAlgorithmName(it->checksum->algorithm)) +
                                 " checksum of part " + std::to_string(want.part_number) +
                                 " does not match the uploaded part.");
    }
    selected.push_back(static_cast<size_t>(it - stored.begin()));
    total += it->size;
  }
  for (size_t i = 0; i + 1 < selected.size(); ++i) {
    if (stored[selected[i]].size < min_part_size) return errors::EntityTooSmall();
  }
  if (total > kMaxMultipartObjectSize) return errors::EntityTooLarge();
  return selected;
}

CompletedDigests CompletedObjectDigests(const std::vector<const StoredPart*>& parts,
                                        std::optional<ChecksumAlgorithm> algorithm) {
  CompletedDigests out;
  std::vector<std::string> md5s;
  md5s.reserve(parts.size());
  for (const StoredPart* part : parts) md5s.push_back(part->md5);
  out.etag = MultipartETag(md5s);
  if (algorithm) {
    std::vector<std::string> raw;
    raw.reserve(parts.size());
    bool complete = true;
    for (const StoredPart* part : parts) {
      std::optional<std::string> decoded;
      if (part->checksum && part->checksum->algorithm == *algorithm) {
        decoded = Base64Decode(part->checksum->value);
      }
      if (!decoded) {
        complete = false;
        break;
      }
      raw.push_back(std::move(*decoded));
    }
    if (complete) {
      out.checksum =
          Checksum{*algorithm, CompositeChecksum(*algorithm, raw), ChecksumType::kComposite};
    }
  }
  return out;
}

}  // namespace irsa::s3
