#include "s3/tags.h"

#include <optional>
#include <set>

#include "base/encoding.h"
#include "base/strings.h"
#include "s3/errors.h"
#include "s3/text.h"

namespace irsa::s3 {
namespace {

// Characters of a tag key or value; nullopt when the text is not well-formed UTF-8 or holds a
// character outside the allowed set.
std::optional<size_t> TagTextLength(std::string_view text) {
  static constexpr std::string_view kAsciiAllowed = "+-=._:/@ ";
  size_t count = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    std::optional<char32_t> c = NextCodePoint(text, pos);
    if (!c) return std::nullopt;
    ++count;
    if (*c < 0x80) {
      char a = static_cast<char>(*c);
      bool ok = (a >= 'a' && a <= 'z') || (a >= 'A' && a <= 'Z') || (a >= '0' && a <= '9') ||
                kAsciiAllowed.find(a) != std::string_view::npos;
      if (!ok) return std::nullopt;
    } else if (!IsXmlChar(*c) || (*c >= 0x80 && *c <= 0x9F)) {
      return std::nullopt;  // C1 controls and non-characters are neither letters nor spaces
    }
  }
  return count;
}

std::string Shown(std::string_view text) { return XmlSafeText(text.substr(0, 140)); }

}  // namespace

Status ValidateTagSet(const TagSet& tags, TagTarget target) {
  size_t max = target == TagTarget::kObject ? kMaxObjectTags : kMaxBucketTags;
  if (tags.size() > max) {
    return errors::InvalidTag(std::string(target == TagTarget::kObject ? "Object" : "Bucket") +
                              " tags cannot be greater than " + std::to_string(max));
  }
  std::set<std::string_view> seen;
  for (const Tag& tag : tags) {
    std::optional<size_t> key_length = TagTextLength(tag.key);
    if (!key_length || *key_length == 0 || *key_length > kMaxTagKeyChars) {
      return errors::InvalidTag("The TagKey you have provided is invalid: '" + Shown(tag.key) +
                                "' (1-128 letters, digits, spaces and + - = . _ : / @).");
    }
    std::optional<size_t> value_length = TagTextLength(tag.value);
    if (!value_length || *value_length > kMaxTagValueChars) {
      return errors::InvalidTag("The TagValue you have provided is invalid: '" + Shown(tag.value) +
                                "' (0-256 letters, digits, spaces and + - = . _ : / @).");
    }
    if (StartsWithIgnoreCase(tag.key, "aws:")) {
      return errors::InvalidTag("Your TagKey cannot be prefixed with aws:");
    }
    if (!seen.insert(tag.key).second) {
      return errors::InvalidTag("Cannot provide multiple Tags with the same key");
    }
  }
  return OkStatus();
}

Result<TagSet> ParseTaggingHeader(std::string_view header) {
  TagSet tags;
  if (header.empty()) return tags;
  std::set<std::string> seen;
  for (std::string_view pair : Split(header, '&')) {
    if (pair.empty()) continue;
    size_t eq = pair.find('=');
    std::optional<std::string> key = PercentDecode(pair.substr(0, eq), /*plus_as_space=*/true);
    std::optional<std::string> value =
        eq == std::string_view::npos ? std::optional<std::string>(std::string())
                                     : PercentDecode(pair.substr(eq + 1), /*plus_as_space=*/true);
    if (!key || !value || !seen.insert(*key).second) {
      return errors::InvalidArgument(
          "The header 'x-amz-tagging' shall be encoded as UTF-8 then URLEncoded URL query "
          "parameters without tag name duplicates.");
    }
    tags.push_back(Tag{std::move(*key), std::move(*value)});
  }
  IRSA_RETURN_IF_ERROR(ValidateTagSet(tags, TagTarget::kObject));
  return tags;
}

std::string FormatTaggingHeader(const TagSet& tags) {
  std::string out;
  for (const Tag& tag : tags) {
    if (!out.empty()) out += '&';
    out += PercentEncode(tag.key);
    out += '=';
    out += PercentEncode(tag.value);
  }
  return out;
}

}  // namespace irsa::s3
