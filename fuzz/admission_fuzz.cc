// libFuzzer target: HandleAdmissionReview on arbitrary bytes with a fixed in-memory lookup.
// Every reply must be a JSON object with a response.allowed boolean.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include <boost/json.hpp>

#include "kube/webhook.h"

namespace {

class FixedLookup : public irsa::kube::ServiceAccountLookup {
 public:
  irsa::Result<std::optional<irsa::kube::ServiceAccountInfo>> Get(
      const std::string& ns, const std::string& name) override {
    if (name == "missing") return std::optional<irsa::kube::ServiceAccountInfo>();
    if (name == "broken") return irsa::errors::ServiceUnavailable("down");
    irsa::kube::ServiceAccountInfo sa{ns, name, {}};
    sa.annotations["eks.amazonaws.com/role-arn"] = "arn:aws:iam::111122223333:role/" + name;
    sa.annotations["eks.amazonaws.com/token-expiration"] = "3600";
    return std::optional<irsa::kube::ServiceAccountInfo>(sa);
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static FixedLookup lookup;
  static irsa::kube::WebhookOptions options = [] {
    irsa::kube::WebhookOptions o;
    o.aws_default_region = "us-west-2";
    o.sts_endpoint_url = "https://irsa.example.com";
    o.ca_bundle_config_map = "irsa-ca";
    o.inject_role_session_name = true;
    return o;
  }();
  const std::string reply = irsa::kube::HandleAdmissionReview(
      options, std::string_view(reinterpret_cast<const char*>(data), size), lookup);
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(reply, ec);
  if (ec || !v.is_object()) std::abort();
  const auto* response = v.get_object().if_contains("response");
  if (response == nullptr || !response->is_object() ||
      !response->get_object().contains("allowed")) {
    std::abort();
  }
  return 0;
}
