// The listing rules shared by ListObjects (v1), ListObjectsV2 and ListMultipartUploads, over any
// ordered key space (a store index, a remote listing): prefix filtering, delimiter roll-up into
// common prefixes, max-keys, IsTruncated and the resume position; and the opaque, tamper-checked
// continuation tokens of ListObjectsV2 and ListBuckets.
//
// Ordering is bytewise over UTF-8 keys, as S3's. A page holds at most `max` entries and common
// prefixes together; a common prefix is reported once, even when its keys span several scans, and
// never again on a later page (a resume position inside or at a common prefix skips the rest of
// it).
#pragma once

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace irsa::s3 {

// Sorts after every valid UTF-8 continuation of a key prefix except those continuing with
// U+10FFFF itself (which the roll-up deduplicates): `prefix + kAfterAllWithPrefix` is the resume
// position that skips everything under `prefix`. Valid UTF-8, so every store accepts it.
inline constexpr std::string_view kAfterAllWithPrefix = "\xF4\x8F\xBF\xBF";

template <typename Entry>
struct GroupedListing {
  std::vector<Entry> entries;
  std::vector<std::string> common_prefixes;
  bool truncated = false;
  // The last entry's key or the last common prefix returned; empty when nothing was returned.
  std::string last_key;
  bool last_is_prefix = false;
};

// The common prefix `key` rolls up to (prefix + text up to and including the first delimiter
// after the prefix), or empty when it does not roll up.
inline std::string_view RollUp(std::string_view key, std::string_view prefix,
                               std::string_view delimiter) {
  if (delimiter.empty() || key.size() < prefix.size() || key.substr(0, prefix.size()) != prefix) {
    return {};
  }
  size_t pos = key.find(delimiter, prefix.size());
  if (pos == std::string_view::npos) return {};
  return key.substr(0, pos + delimiter.size());
}

// Walks a key space in pages.
//   scan(after, limit) -> Result<std::vector<Entry>>: up to `limit` entries whose key starts with
//     `prefix` and whose position is > `after`, ascending by position;
//   key_of(entry) / position_of(entry) -> std::string_view: the listed key, and the position in
//     the scan order (the key itself for objects; key + separator + id for uploads).
// `after_position` is where to resume (exclusive); `after_key` is the key it belongs to (whose
// common prefix, if any, counts as already returned). `max` is 0..1000.
template <typename Entry, typename Scan, typename KeyOf, typename PositionOf>
Result<GroupedListing<Entry>> GroupListing(Scan&& scan, KeyOf&& key_of, PositionOf&& position_of,
                                           std::string_view prefix, std::string_view delimiter,
                                           std::string after_position, std::string_view after_key,
                                           int max) {
  GroupedListing<Entry> out;
  if (max <= 0) return out;
  std::string last_prefix(RollUp(after_key, prefix, delimiter));
  if (!last_prefix.empty()) {
    std::string skip = last_prefix + std::string(kAfterAllWithPrefix);
    if (skip > after_position) after_position = std::move(skip);
  }
  int count = 0;
  while (true) {
    size_t want = std::min<size_t>(static_cast<size_t>(max - count) + 1, 1001);
    IRSA_TRY(std::vector<Entry> batch, scan(std::string_view(after_position), want));
    if (batch.empty()) return out;
    bool jumped = false;
    for (Entry& entry : batch) {
      std::string_view key = key_of(entry);
      std::string_view rolled = RollUp(key, prefix, delimiter);
      if (!rolled.empty()) {
        if (rolled == last_prefix) {
          after_position = std::string(position_of(entry));
          continue;
        }
        if (count == max) {
          out.truncated = true;
          return out;
        }
        last_prefix = std::string(rolled);
        out.common_prefixes.push_back(last_prefix);
        out.last_key = last_prefix;
        out.last_is_prefix = true;
        ++count;
        after_position = last_prefix + std::string(kAfterAllWithPrefix);
        jumped = true;
        break;
      }
      if (count == max) {
        out.truncated = true;
        return out;
      }
      after_position = std::string(position_of(entry));
      out.last_key = std::string(key);
      out.last_is_prefix = false;
      out.entries.push_back(std::move(entry));
      ++count;
    }
    if (!jumped && batch.size() < want) return out;
  }
}

// ListObjectsV2 / ListBuckets continuation tokens: base64url of the resume key and a 128-bit
// HMAC-SHA256 tag binding it to the bucket (or account) it was issued for, under a key the
// server keeps. A token that does not verify is InvalidArgument "The continuation token provided
// is incorrect".
class ListingTokenCodec {
 public:
  // `key`: at least 16 bytes of secret material (irsa derives it from its key ring).
  explicit ListingTokenCodec(std::string key);
  std::string Encode(std::string_view scope, std::string_view last) const;
  Result<std::string> Decode(std::string_view scope, std::string_view token) const;

 private:
  std::string Tag(std::string_view scope, std::string_view last) const;
  std::string key_;
};

}  // namespace irsa::s3
