// `irsa serve --s3-backend forward`: the options of the forwarding object backend
// (protocol/s3_forward_backend.h) and where its credentials come from. The upstream's secret is
// never a flag value (flags show up in process listings): it is read from the environment
// variables the flags name, or from an AWS-style credentials file. Never logged.
#pragma once

#include <memory>
#include <string>

#include "base/http_stream_client.h"
#include "base/result.h"
#include "protocol/s3_forward_backend.h"

namespace irsa::server {

struct S3ForwardSettings {
  std::string endpoint;  // --s3-forward-endpoint http(s)://host[:port]
  std::string region = "us-east-1";
  std::string ca_bundle;  // extra trust anchors for an https endpoint
  std::string bucket_prefix;
  // A file with aws_access_key_id / aws_secret_access_key [/ aws_session_token] lines (the AWS
  // shared credentials format; the first value of each name counts). Set: the variables below
  // are not consulted.
  std::string credentials_file;
  std::string access_key_id_env = "IRSA_S3_FORWARD_ACCESS_KEY_ID";
  std::string secret_access_key_env = "IRSA_S3_FORWARD_SECRET_ACCESS_KEY";
  std::string session_token_env = "IRSA_S3_FORWARD_SESSION_TOKEN";
};

// The backend options with resolved credentials; InvalidParameterValue naming the file or the
// variables (never their values) when they are missing or unreadable.
Result<protocol::S3ForwardOptions> ResolveS3Forward(const S3ForwardSettings& settings);

}  // namespace irsa::server
