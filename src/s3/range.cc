#include "s3/range.h"

#include <limits>

#include "base/strings.h"
#include "s3/errors.h"

namespace irsa::s3 {
namespace {

constexpr int64_t kMax = std::numeric_limits<int64_t>::max();

// Non-empty run of digits, saturating at kMax; nullopt for anything else.
std::optional<int64_t> ParseDigits(std::string_view text) {
  if (text.empty()) return std::nullopt;
  int64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    int digit = c - '0';
    if (value > (kMax - digit) / 10) {
      value = kMax;
    } else {
      value = value * 10 + digit;
    }
  }
  return value;
}

std::optional<RangeSpec> ParseSpec(std::string_view spec) {
  size_t dash = spec.find('-');
  if (dash == std::string_view::npos) return std::nullopt;
  std::string_view first_text = spec.substr(0, dash);
  std::string_view last_text = spec.substr(dash + 1);
  RangeSpec out;
  if (first_text.empty()) {
    std::optional<int64_t> suffix = ParseDigits(last_text);
    if (!suffix) return std::nullopt;
    out.suffix_length = *suffix;
    return out;
  }
  out.first = ParseDigits(first_text);
  if (!out.first) return std::nullopt;
  if (!last_text.empty()) {
    out.last = ParseDigits(last_text);
    if (!out.last || *out.last < *out.first) return std::nullopt;
  }
  return out;
}

}  // namespace

std::optional<RangeSpec> ParseRangeHeader(std::string_view header) {
  std::string_view text = TrimWhitespace(header);
  size_t eq = text.find('=');
  if (eq == std::string_view::npos) return std::nullopt;
  if (!EqualsIgnoreCase(TrimWhitespace(text.substr(0, eq)), "bytes")) return std::nullopt;
  std::string_view specs = TrimWhitespace(text.substr(eq + 1));
  if (specs.find(',') != std::string_view::npos) return std::nullopt;  // several ranges
  return ParseSpec(specs);
}

Result<ByteRange> ResolveRange(const RangeSpec& spec, int64_t size) {
  if (size <= 0) return errors::InvalidRange();
  if (!spec.first) {
    if (spec.suffix_length == 0) return errors::InvalidRange();
    int64_t length = spec.suffix_length < size ? spec.suffix_length : size;
    return ByteRange{size - length, size - 1};
  }
  if (*spec.first >= size) return errors::InvalidRange();
  int64_t last = spec.last && *spec.last < size ? *spec.last : size - 1;
  return ByteRange{*spec.first, last};
}

std::string ContentRangeHeader(const ByteRange& range, int64_t size) {
  return "bytes " + std::to_string(range.first) + "-" + std::to_string(range.last) + "/" +
         std::to_string(size);
}

std::string UnsatisfiedContentRangeHeader(int64_t size) {
  return "bytes */" + std::to_string(size);
}

Result<ByteRange> ParseCopySourceRange(std::string_view header, int64_t size) {
  constexpr std::string_view kPrefix = "bytes=";
  std::optional<RangeSpec> spec;
  if (header.substr(0, kPrefix.size()) == kPrefix) spec = ParseSpec(header.substr(kPrefix.size()));
  if (!spec || !spec->first || !spec->last) {
    return errors::InvalidArgument(
        "The x-amz-copy-source-range value must be of the form bytes=first-last where first and "
        "last are the zero-based offsets of the first and last bytes to copy");
  }
  if (*spec->last >= size) {
    return Error("InvalidRange", 416,
                 "The requested range is not satisfiable: the source object has " +
                     std::to_string(size) + " bytes.");
  }
  return ByteRange{*spec->first, *spec->last};
}

}  // namespace irsa::s3
