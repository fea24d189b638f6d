// Internal to the forwarding backend (s3_forward_backend.cc, s3_forward_multipart.cc): one
// upstream request (S3ForwardBackend::Call) and the conversions between irsa's S3 types and the
// upstream's S3 wire (headers, query parameters, error documents). Stateless; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/clock.h"
#include "base/result.h"
#include "protocol/s3_forward_backend.h"
#include "protocol/s3_xml_parse.h"

namespace irsa::protocol {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct S3ForwardBackend::Call {
  std::string method = "GET";
  std::string bucket;
  std::string key;             // empty: a bucket-level call
  std::string query;           // encoded, without '?'
  Headers headers;             // sent and signed
  std::string document;        // a small body, signed by its SHA-256
  ByteSource* body = nullptr;  // a streamed body (UNSIGNED-PAYLOAD)
  std::optional<uint64_t> content_length;
  bool has_document = false;            // send `document` (even empty) with a Content-Length
  std::string not_found = "NoSuchKey";  // what a 404 without an S3 error body means
};

namespace s3_forward {

// The largest upstream response document read whole (listings, errors, multipart results).
inline constexpr size_t kMaxDocument = 16 << 20;
// Greater than any UTF-8 key continuing a prefix: listing after a common prefix skips its keys.
inline constexpr std::string_view kAfterEverything = "\xF4\x8F\xBF\xBF";

// True for the S3 error codes an upstream gives when it refuses irsa's own credentials.
bool IsCredentialRefusal(std::string_view code);
// The client-facing error for an upstream error response: its S3 code when the body has one
// (credential refusals become InternalError), else by status (404 is `not_found`).
Error UpstreamError(int status, std::string_view body, const std::string& not_found);
// The whole response body; an error when it exceeds `limit` bytes.
Result<std::string> ReadAll(StreamResponse& response, size_t limit);

// Request headers for an object's metadata, tags, declared digests and conditions.
void AddMetadata(Headers& h, const s3::ObjectMetadata& m);
void AddTags(Headers& h, const s3::TagSet& tags);
void AddDigests(Headers& h, const s3::DeclaredDigests& d);
void AddWriteConditions(Headers& h, const s3::WriteConditions& c);
// `prefix`: "" for GET/HEAD conditions, "x-amz-copy-source-" for copy-source conditions.
void AddReadConditions(Headers& h, const s3::ReadConditions& c, std::string_view prefix);

// "name=value" URI-encoded; Append joins parameters with '&'.
std::string QueryParam(std::string_view name, std::string_view value);
void Append(std::string& query, const std::string& param);
// Lenient readers of upstream values: 0 / the epoch when malformed.
int64_t ToInt(std::string_view text);
SystemTime IsoTime(const std::string& text);
// The first x-amz-checksum-* value `get` returns, typed by `type` (COMPOSITE / FULL_OBJECT).
std::optional<s3::Checksum> ChecksumFrom(const std::function<std::string(std::string_view)>& get,
                                         std::string_view type);
// An XML element's checksum children (ChecksumCRC32, ...).
std::optional<s3::Checksum> ChecksumOfElement(const XmlElement& e);
// ObjectInfo from a GET/HEAD response's headers; `range` gets the Content-Range, if any.
s3::ObjectInfo InfoFromHeaders(const StreamResponse& r, std::string_view bucket,
                               std::string_view key, std::optional<s3::ByteRange>* range);
// The Range header value for `spec`; XmlEscaped escapes text for an XML request document.
std::string RangeHeader(const s3::RangeSpec& spec);
std::string XmlEscaped(std::string_view text);

}  // namespace s3_forward
}  // namespace irsa::protocol
