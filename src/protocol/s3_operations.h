// The S3 operations behind the dispatcher (protocol/s3_rest.h): each turns one authorized request
// into S3Service calls and renders the result. Internal to protocol; handlers never authorize,
// except DeleteObjects, which asks `authorize_delete` for each key it names.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "authz/caller.h"
#include "base/byte_stream.h"
#include "base/http_types.h"
#include "base/result.h"
#include "protocol/query_params.h"
#include "protocol/s3_access.h"
#include "protocol/s3_rest.h"
#include "s3/service.h"

namespace irsa::protocol {

struct S3Call {
  const HttpRequest& http;
  const QueryParams& query;
  const authz::Caller& caller;
  s3::S3Service& service;
  const S3Address& address;
  const S3HandlerOptions& options;
  // The decoded, verified body of operations that take a document (XML, a policy); empty for
  // PutObject and UploadPart, which read `object_body`.
  std::string document;
  ByteSource* object_body = nullptr;
  // DeleteObjects: whether the caller may delete `key` (AccessDenied otherwise).
  std::function<Status(std::string_view key)> authorize_delete;
};

// True for the operations that stream their body into the service (PutObject, UploadPart).
bool StreamsObjectBody(std::string_view operation);

// Runs the named operation of the table (s3_access.h).
Result<HttpResponse> RunS3Operation(std::string_view operation, S3Call& call);

// Reads `source` to its end, failing with EntityTooLarge past `limit` bytes.
Result<std::string> ReadWhole(ByteSource& source, size_t limit);

}  // namespace irsa::protocol
