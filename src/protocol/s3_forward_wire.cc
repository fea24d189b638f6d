#include "protocol/s3_forward_wire.h"

#include <algorithm>
#include <functional>
#include <optional>
#include <utility>
#include <vector>

#include "base/encoding.h"
#include "base/strings.h"
#include "base/time_format.h"
#include "protocol/s3_xml.h"
#include "protocol/s3_xml_parse.h"
#include "s3/buckets.h"
#include "s3/errors.h"

namespace irsa::protocol::s3_forward {

namespace s3e = s3::errors;

bool IsCredentialRefusal(std::string_view code) {
  for (std::string_view c :
       {"AccessDenied", "SignatureDoesNotMatch", "InvalidAccessKeyId", "ExpiredToken",
        "InvalidToken", "RequestTimeTooSkewed", "AuthorizationHeaderMalformed",
        "XAmzContentSHA256Mismatch", "InvalidRequest"}) {
    if (code == c) return true;
  }
  return false;
}

Error UpstreamError(int status, std::string_view body, const std::string& not_found) {
  std::string code;
  std::string message;
  if (!body.empty()) {
    Result<XmlElement> tree = ParseXmlTree(body, kMaxDocument);
    if (tree.ok() && tree->name == "Error") {
      code = tree->ChildText("Code");
      message = tree->ChildText("Message");
    }
  }
  if (status == 304) return s3e::NotModified();
  if (code.empty()) {
    switch (status) {
      case 404:
        code = not_found;
        break;
      case 412:
        return s3e::PreconditionFailed("If-Match");
      case 416:
        return s3e::InvalidRange();
      case 403:
        code = "AccessDenied";
        break;
      default:
        return s3e::InternalError("The forward store answered HTTP " + std::to_string(status) +
                                  ".");
    }
  }
  if (IsCredentialRefusal(code)) {
    return s3e::InternalError("The forward store refused irsa's request (" + code +
                              "): check --s3-forward-* credentials and region.");
  }
  if (code == "NoSuchKey") return s3e::NoSuchKey();
  if (code == "NoSuchBucket") return s3e::NoSuchBucket();
  if (code == "NoSuchUpload") return s3e::NoSuchUpload();
  if (code == "PreconditionFailed") return s3e::PreconditionFailed("If-Match");
  if (code == "InvalidRange") return s3e::InvalidRange();
  if (message.empty()) message = code;
  return Error(code, status >= 200 && status < 300 ? 500 : status, message);
}

Result<std::string> ReadAll(StreamResponse& response, size_t limit) {
  std::string out;
  char buffer[16 * 1024];
  while (true) {
    IRSA_TRY(size_t n, response.Read(buffer, sizeof buffer));
    if (n == 0) return out;
    if (out.size() + n > limit)
      return s3e::InternalError("The forward store's answer is too long.");
    out.append(buffer, n);
  }
}

void AddMetadata(Headers& h, const s3::ObjectMetadata& m) {
  auto add = [&h](std::string_view name, const std::string& value) {
    if (!value.empty()) h.emplace_back(std::string(name), value);
  };
  add("content-type", m.content_type);
  add("cache-control", m.cache_control);
  add("content-disposition", m.content_disposition);
  add("content-encoding", m.content_encoding);
  add("content-language", m.content_language);
  add("expires", m.expires);
  for (const auto& [name, value] : m.user) {
    h.emplace_back(std::string(s3::kUserMetadataPrefix) + name, value);
  }
}

void AddTags(Headers& h, const s3::TagSet& tags) {
  if (!tags.empty()) h.emplace_back("x-amz-tagging", s3::FormatTaggingHeader(tags));
}

void AddDigests(Headers& h, const s3::DeclaredDigests& d) {
  if (d.content_md5) h.emplace_back("content-md5", Base64Encode(*d.content_md5));
  if (d.checksum_algorithm && d.checksum) {
    h.emplace_back(std::string(s3::ChecksumHeaderName(*d.checksum_algorithm)),
                   Base64Encode(*d.checksum));
  }
}

void AddWriteConditions(Headers& h, const s3::WriteConditions& c) {
  if (c.if_match) h.emplace_back("if-match", *c.if_match);
  if (c.if_none_match) h.emplace_back("if-none-match", *c.if_none_match);
}

void AddReadConditions(Headers& h, const s3::ReadConditions& c, std::string_view prefix) {
  const std::string p(prefix);
  if (c.if_match) h.emplace_back(p + "if-match", *c.if_match);
  if (c.if_none_match) h.emplace_back(p + "if-none-match", *c.if_none_match);
  if (c.if_modified_since) h.emplace_back(p + "if-modified-since", *c.if_modified_since);
  if (c.if_unmodified_since) h.emplace_back(p + "if-unmodified-since", *c.if_unmodified_since);
}

std::string QueryParam(std::string_view name, std::string_view value) {
  return std::string(name) + "=" + PercentEncode(value);
}

void Append(std::string& query, const std::string& param) {
  if (!query.empty()) query += '&';
  query += param;
}

int64_t ToInt(std::string_view text) {
  int64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return value;
    value = value * 10 + (c - '0');
  }
  return value;
}

SystemTime IsoTime(const std::string& text) { return ParseIso8601(text).value_or(SystemTime{}); }

std::optional<s3::Checksum> ChecksumFrom(const std::function<std::string(std::string_view)>& get,
                                         std::string_view type) {
  for (s3::ChecksumAlgorithm algorithm :
       {s3::ChecksumAlgorithm::kCrc32, s3::ChecksumAlgorithm::kCrc32c, s3::ChecksumAlgorithm::kSha1,
        s3::ChecksumAlgorithm::kSha256}) {
    std::string value = get(s3::ChecksumHeaderName(algorithm));
    if (value.empty()) continue;
    s3::Checksum checksum;
    checksum.algorithm = algorithm;
    checksum.type = type == "COMPOSITE" || value.find('-') != std::string::npos
                        ? s3::ChecksumType::kComposite
                        : s3::ChecksumType::kFullObject;
    checksum.value = std::move(value);
    return checksum;
  }
  return std::nullopt;
}

// An XML element's checksum children (ChecksumCRC32, ...).
std::optional<s3::Checksum> ChecksumOfElement(const XmlElement& e) {
  return ChecksumFrom(
      [&e](std::string_view header) {
        // x-amz-checksum-crc32 -> ChecksumCRC32
        std::string name =
            "Checksum" + AsciiUpper(header.substr(std::string_view("x-amz-checksum-").size()));
        return e.ChildText(name);
      },
      e.ChildText("ChecksumType"));
}

// ObjectInfo from a GET/HEAD response's headers; `range` gets the Content-Range, if any.
s3::ObjectInfo InfoFromHeaders(const StreamResponse& r, std::string_view bucket,
                               std::string_view key, std::optional<s3::ByteRange>* range) {
  s3::ObjectInfo info;
  info.bucket = std::string(bucket);
  info.key = std::string(key);
  info.etag = r.Header("etag");
  info.size = ToInt(r.Header("content-length"));
  const std::string content_range = r.Header("content-range");
  if (content_range.starts_with("bytes ")) {
    size_t dash = content_range.find('-');
    size_t slash = content_range.find('/');
    if (dash != std::string::npos && slash != std::string::npos && dash < slash) {
      s3::ByteRange selected{ToInt(std::string_view(content_range).substr(6)),
                             ToInt(std::string_view(content_range).substr(dash + 1))};
      info.size = ToInt(std::string_view(content_range).substr(slash + 1));
      if (range != nullptr) *range = selected;
    }
  }
  info.last_modified = ParseHttpDate(r.Header("last-modified")).value_or(SystemTime{});
  s3::ObjectMetadata& m = info.metadata;
  m.content_type = r.Header("content-type");
  m.cache_control = r.Header("cache-control");
  m.content_disposition = r.Header("content-disposition");
  m.content_encoding = r.Header("content-encoding");
  m.content_language = r.Header("content-language");
  m.expires = r.Header("expires");
  for (const auto& [name, value] : r.headers()) {
    if (name.starts_with(s3::kUserMetadataPrefix)) {
      (void)s3::AddUserMetadata(m.user, name.substr(s3::kUserMetadataPrefix.size()), value);
    }
  }
  info.tag_count = static_cast<size_t>(ToInt(r.Header("x-amz-tagging-count")));
  info.parts_count = static_cast<int>(ToInt(r.Header("x-amz-mp-parts-count")));
  info.checksum = ChecksumFrom([&r](std::string_view h) { return r.Header(h); },
                               r.Header("x-amz-checksum-type"));
  return info;
}

std::string RangeHeader(const s3::RangeSpec& spec) {
  if (!spec.first) return "bytes=-" + std::to_string(spec.suffix_length);
  std::string out = "bytes=" + std::to_string(*spec.first) + "-";
  if (spec.last) out += std::to_string(*spec.last);
  return out;
}

std::string XmlEscaped(std::string_view text) {
  std::string out;
  AppendXmlEscaped(out, text);
  return out;
}

}  // namespace irsa::protocol::s3_forward
