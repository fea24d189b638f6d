#include "s3/conditional.h"

#include <chrono>

#include "base/strings.h"
#include "base/time_format.h"
#include "s3/errors.h"

namespace irsa::s3 {
namespace {

std::string_view Unquoted(std::string_view etag) {
  etag = TrimWhitespace(etag);
  if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') {
    etag = etag.substr(1, etag.size() - 2);
  }
  return etag;
}

std::optional<int64_t> ParseDateSeconds(const std::optional<std::string>& header) {
  if (!header) return std::nullopt;
  std::string_view text = TrimWhitespace(*header);
  std::optional<SystemTime> t = ParseHttpDate(text);
  if (!t) t = ParseIso8601(text);
  if (!t) return std::nullopt;
  return ToUnixSeconds(*t);
}

enum class Outcome { kProceed, kNotModified, kPreconditionFailed };

Outcome Evaluate(const ReadConditions& c, std::string_view etag, SystemTime last_modified,
                 std::string& failed) {
  int64_t modified = ToUnixSeconds(last_modified);
  if (c.if_match) {
    if (!ETagListMatches(*c.if_match, etag)) {
      failed = "If-Match";
      return Outcome::kPreconditionFailed;
    }
  } else if (std::optional<int64_t> since = ParseDateSeconds(c.if_unmodified_since)) {
    if (modified > *since) {
      failed = "If-Unmodified-Since";
      return Outcome::kPreconditionFailed;
    }
  }
  if (c.if_none_match) {
    if (ETagListMatches(*c.if_none_match, etag)) {
      failed = "If-None-Match";
      return Outcome::kNotModified;
    }
  } else if (std::optional<int64_t> since = ParseDateSeconds(c.if_modified_since)) {
    if (modified <= *since) {
      failed = "If-Modified-Since";
      return Outcome::kNotModified;
    }
  }
  return Outcome::kProceed;
}

}  // namespace

bool ETagListMatches(std::string_view list, std::string_view etag) {
  std::string_view wanted = Unquoted(etag);
  for (std::string_view item : Split(list, ',')) {
    item = TrimWhitespace(item);
    if (item == "*") return true;
    if (item.substr(0, 2) == "W/") continue;
    if (!item.empty() && Unquoted(item) == wanted) return true;
  }
  return false;
}

Status EvaluateReadConditions(const ReadConditions& conditions, std::string_view etag,
                              SystemTime last_modified) {
  if (conditions.empty()) return OkStatus();
  std::string failed;
  switch (Evaluate(conditions, etag, last_modified, failed)) {
    case Outcome::kProceed:
      return OkStatus();
    case Outcome::kNotModified:
      return errors::NotModified();
    case Outcome::kPreconditionFailed:
      return errors::PreconditionFailed(failed);
  }
  return OkStatus();
}

Status EvaluateCopySourceConditions(const ReadConditions& conditions, std::string_view etag,
                                    SystemTime last_modified) {
  if (conditions.empty()) return OkStatus();
  std::string failed;
  if (Evaluate(conditions, etag, last_modified, failed) == Outcome::kProceed) return OkStatus();
  return errors::PreconditionFailed("x-amz-copy-source-" + AsciiLower(failed));
}

Status ValidateWriteConditions(const WriteConditions& conditions) {
  if (conditions.if_none_match && TrimWhitespace(*conditions.if_none_match) != "*") {
    return errors::NotImplemented(
        "A header you provided implies functionality that is not implemented: If-None-Match "
        "accepts only '*' on writes.");
  }
  return OkStatus();
}

Status EvaluateWriteConditions(const WriteConditions& conditions,
                               const std::optional<std::string>& current_etag) {
  if (conditions.if_none_match && current_etag) return errors::PreconditionFailed("If-None-Match");
  if (conditions.if_match) {
    if (!current_etag) return errors::NoSuchKey();
    if (!ETagListMatches(*conditions.if_match, *current_etag)) {
      return errors::PreconditionFailed("If-Match");
    }
  }
  return OkStatus();
}

}  // namespace irsa::s3
