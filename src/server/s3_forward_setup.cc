#include "server/s3_forward_setup.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "base/error.h"
#include "base/strings.h"

namespace irsa::server {

Result<protocol::S3ForwardOptions> ResolveS3Forward(const S3ForwardSettings& settings) {
  protocol::S3ForwardOptions options;
  options.endpoint = settings.endpoint;
  options.region = settings.region;
  options.bucket_prefix = settings.bucket_prefix;
  if (settings.endpoint.empty()) {
    return errors::InvalidParameterValue("--s3-backend forward needs --s3-forward-endpoint");
  }
  protocol::SigV4Credentials& c = options.credentials;
  if (!settings.credentials_file.empty()) {
    std::ifstream in(settings.credentials_file);
    if (!in) {
      return errors::InvalidParameterValue("cannot read --s3-forward-credentials-file " +
                                           settings.credentials_file);
    }
    std::string line;
    while (std::getline(in, line)) {
      size_t eq = line.find('=');
      if (eq == std::string::npos) continue;
      std::string name(TrimWhitespace(std::string_view(line).substr(0, eq)));
      std::string value(TrimWhitespace(std::string_view(line).substr(eq + 1)));
      std::string* slot = name == "aws_access_key_id"       ? &c.access_key_id
                          : name == "aws_secret_access_key" ? &c.secret_access_key
                          : name == "aws_session_token"     ? &c.session_token
                                                            : nullptr;
      if (slot != nullptr && slot->empty()) *slot = value;
    }
    if (c.access_key_id.empty() || c.secret_access_key.empty()) {
      return errors::InvalidParameterValue("--s3-forward-credentials-file " +
                                           settings.credentials_file +
                                           " has no aws_access_key_id and aws_secret_access_key");
    }
    return options;
  }
  auto env = [](const std::string& name) -> std::string {
    const char* value = name.empty() ? nullptr : std::getenv(name.c_str());
    return value == nullptr ? std::string() : std::string(value);
  };
  c.access_key_id = env(settings.access_key_id_env);
  c.secret_access_key = env(settings.secret_access_key_env);
  c.session_token = env(settings.session_token_env);
  if (c.access_key_id.empty() || c.secret_access_key.empty()) {
    return errors::InvalidParameterValue(
        "the forward store's credentials: set " + settings.access_key_id_env + " and " +
        settings.secret_access_key_env + ", or --s3-forward-credentials-file");
  }
  return options;
}

}  // namespace irsa::server
