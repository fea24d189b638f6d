#include "iam/tags.h"

#include <cctype>
#include <charconv>

#include "base/strings.h"
#include "iam/validation.h"

namespace irsa::iam {
namespace {

constexpr size_t kMaxTagsPerRequest = 50;  // tagListType's max in the IAM model
constexpr std::string_view kTagPattern =
    "Member must satisfy regular expression pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+";

Status ValidateKey(std::string_view key, std::string_view field) {
  size_t n = Utf8Length(key);
  if (n < 1) {
    return ConstraintError(key, field, "Member must have length greater than or equal to 1");
  }
  if (n > 128) {
    return ConstraintError(key, field, "Member must have length less than or equal to 128");
  }
  if (!IsValidTagText(key)) return ConstraintError(key, field, kTagPattern);
  return OkStatus();
}

Error TooManyTags(int64_t max_tags, std::string_view resource) {
  return errors::LimitExceeded("Cannot exceed quota for TagsPer" + std::string(resource) + ": " +
                               std::to_string(max_tags));
}

}  // namespace

bool IsValidTagText(std::string_view text) {
  for (size_t i = 0; i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      if (std::isalnum(c) || c == ' ' || c == '_' || c == '.' || c == ':' || c == '/' || c == '=' ||
          c == '+' || c == '-' || c == '@') {
        continue;
      }
      return false;
    }
    int extra = c >= 0xF0 && c < 0xF8 ? 3 : c >= 0xE0 ? 2 : c >= 0xC2 ? 1 : -1;
    if (extra < 0 || c >= 0xF8 || i + extra >= text.size()) return false;
    for (int k = 1; k <= extra; ++k) {
      if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) return false;
    }
    i += extra;
  }
  return true;
}

Status ValidateTags(const std::vector<Tag>& tags, int64_t max_tags, std::string_view resource) {
  // The model's limit on one request's Tags list is a ValidationError, as on AWS; a quota set
  // below it (and the merged total of TagX) is LimitExceeded.
  if (tags.size() > kMaxTagsPerRequest) {
    return ConstraintError("[...]", "tags", "Member must have length less than or equal to 50");
  }
  if (static_cast<int64_t>(tags.size()) > max_tags) return TooManyTags(max_tags, resource);
  for (size_t i = 0; i < tags.size(); ++i) {
    const std::string n = std::to_string(i + 1);
    IRSA_RETURN_IF_ERROR(ValidateKey(tags[i].key, "tags." + n + ".member.key"));
    if (Utf8Length(tags[i].value) > 256) {
      return ConstraintError(tags[i].value, "tags." + n + ".member.value",
                             "Member must have length less than or equal to 256");
    }
    if (!IsValidTagText(tags[i].value)) {
      return ConstraintError(tags[i].value, "tags." + n + ".member.value",
                             "Member must satisfy regular expression pattern: "
                             "[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*");
    }
    for (size_t j = 0; j < i; ++j) {
      if (EqualsIgnoreCase(tags[i].key, tags[j].key)) {
        return errors::InvalidInput(
            "Duplicate tag keys found. Please note that Tag keys are case insensitive.");
      }
    }
  }
  return OkStatus();
}

Status ValidateTagKeys(const std::vector<std::string>& keys) {
  if (keys.empty()) {
    return ConstraintError("[]", "tagKeys", "Member must have length greater than or equal to 1");
  }
  if (keys.size() > 50) {
    return ConstraintError("[...]", "tagKeys", "Member must have length less than or equal to 50");
  }
  for (size_t i = 0; i < keys.size(); ++i) {
    IRSA_RETURN_IF_ERROR(ValidateKey(keys[i], "tagKeys." + std::to_string(i + 1) + ".member"));
  }
  return OkStatus();
}

Status MergeTags(std::vector<Tag>& existing, const std::vector<Tag>& add, int64_t max_tags,
                 std::string_view resource) {
  std::vector<Tag> merged = existing;
  for (const Tag& tag : add) {
    bool replaced = false;
    for (Tag& old : merged) {
      if (EqualsIgnoreCase(old.key, tag.key)) {
        old = tag;
        replaced = true;
        break;
      }
    }
    if (!replaced) merged.push_back(tag);
  }
  if (static_cast<int64_t>(merged.size()) > max_tags) return TooManyTags(max_tags, resource);
  existing = std::move(merged);
  return OkStatus();
}

void RemoveTags(std::vector<Tag>& existing, const std::vector<std::string>& keys) {
  std::erase_if(existing, [&](const Tag& tag) {
    for (const auto& key : keys) {
      if (EqualsIgnoreCase(tag.key, key)) return true;
    }
    return false;
  });
}

Result<ListPage<Tag>> PageTags(const std::vector<Tag>& tags, const std::string& marker,
                               int max_items) {
  IRSA_TRY(int limit, EffectiveMaxItems(max_items));
  IRSA_TRY(std::string after, DecodeMarker(marker));
  size_t start = 0;
  if (!after.empty()) {
    auto [ptr, ec] = std::from_chars(after.data(), after.data() + after.size(), start);
    if (ec != std::errc() || ptr != after.data() + after.size()) {
      return errors::InvalidInput("Invalid Marker: the marker was not returned by this service.");
    }
  }
  ListPage<Tag> page;
  for (size_t i = start; i < tags.size(); ++i) {
    if (page.items.size() == static_cast<size_t>(limit)) {
      page.truncated = true;
      page.marker = EncodeMarker(std::to_string(i));
      break;
    }
    page.items.push_back(tags[i]);
  }
  return page;
}

}  // namespace irsa::iam
