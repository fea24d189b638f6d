// TokenRequest: POST /api/v1/namespaces/<ns>/serviceaccounts/<name>/token.
#include <algorithm>

#include "base/strings.h"
#include "base/time_format.h"
#include "kube/api.h"
#include "kube/api_call.h"
#include "kube/k8s_json.h"
#include "kube/k8s_repository.h"
#include "kube/k8s_status.h"

namespace irsa::kube {
namespace {

constexpr int64_t kDefaultExpirationSeconds = 3600;
constexpr int64_t kMinExpirationSeconds = 600;
constexpr size_t kMaxAudiences = 64;

Error InvalidTokenRequest(const std::string& name, const std::string& detail) {
  return k8s_errors::Invalid("TokenRequest.authentication.k8s.io \"" + name +
                             "\" is invalid: " + detail);
}

struct ParsedTokenRequest {
  std::vector<std::string> audiences;
  int64_t expiration_seconds = kDefaultExpirationSeconds;
  std::optional<json::object> bound_object_ref;
  std::optional<BoundPod> bound_pod;
};

Result<ParsedTokenRequest> ParseTokenRequest(const std::string& body, const std::string& name) {
  ParsedTokenRequest out;
  json::object request;
  if (!TrimWhitespace(body).empty()) {
    IRSA_TRY(request, ParseJsonObject(body));
  }
  if (auto api_version = StringAt(request, "apiVersion");
      api_version && *api_version != "authentication.k8s.io/v1") {
    return k8s_errors::BadRequest("the API version in the data (" + *api_version +
                                  ") does not match the expected API version "
                                  "(authentication.k8s.io/v1)");
  }
  if (auto kind = StringAt(request, "kind"); kind && *kind != "TokenRequest") {
    return k8s_errors::BadRequest("the kind in the data (" + *kind +
                                  ") does not match the expected kind (TokenRequest)");
  }
  const json::object* spec = ObjectAt(request, "spec");
  if (!spec) return out;
  if (const json::value* audiences = spec->if_contains("audiences");
      audiences && !audiences->is_null()) {
    if (!audiences->is_array()) {
      return k8s_errors::BadRequest(
          "json: cannot unmarshal into Go struct field "
          "TokenRequestSpec.spec.audiences of type []string");
    }
    if (audiences->as_array().size() > kMaxAudiences) {
      return InvalidTokenRequest(name, "spec.audiences: Too many: may have at most " +
                                           std::to_string(kMaxAudiences) + " audiences");
    }
    for (const auto& a : audiences->as_array()) {
      if (!a.is_string() || a.as_string().empty()) {
        return InvalidTokenRequest(name,
                                   "spec.audiences: Invalid value: audiences must be "
                                   "non-empty strings");
      }
      out.audiences.emplace_back(a.as_string());
    }
  }
  if (const json::value* exp = spec->if_contains("expirationSeconds"); exp && !exp->is_null()) {
    if (!exp->is_int64()) {
      return k8s_errors::BadRequest(
          "json: cannot unmarshal into Go struct field "
          "TokenRequestSpec.spec.expirationSeconds of type int64");
    }
    out.expiration_seconds = exp->as_int64();
    if (out.expiration_seconds < kMinExpirationSeconds) {
      return InvalidTokenRequest(
          name, "spec.expirationSeconds: Invalid value: " + std::to_string(out.expiration_seconds) +
                    ": may not specify a duration less than 10 minutes");
    }
    if (out.expiration_seconds > (int64_t{1} << 32)) {
      return InvalidTokenRequest(
          name, "spec.expirationSeconds: Invalid value: " + std::to_string(out.expiration_seconds) +
                    ": may not specify a duration larger than 2^32 seconds");
    }
  }
  if (const json::object* ref = ObjectAt(*spec, "boundObjectRef")) {
    std::string kind = StringOr(*ref, "kind");
    if (kind != "Pod") {
      return InvalidTokenRequest(
          name, "spec.boundObjectRef.kind: Unsupported value: \"" + kind +
                    "\": supported values: \"Pod\" (irsa binds tokens to pods only)");
    }
    std::string pod_name = StringOr(*ref, "name");
    if (pod_name.empty()) {
      return InvalidTokenRequest(name, "spec.boundObjectRef.name: Required value");
    }
    out.bound_object_ref = *ref;
    out.bound_pod = BoundPod{pod_name, StringOr(*ref, "uid")};
  }
  return out;
}

}  // namespace

Result<HttpResponse> KubeApi::CreateToken(Call& call, const std::string& ns,
                                          const std::string& name) {
  IRSA_TRY(ParsedTokenRequest parsed, ParseTokenRequest(call.http.body, name));
  std::optional<json::object> sa;
  IRSA_RETURN_IF_ERROR(store_.Read([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(sa, ClusterObjects(tx, call.cluster.account, call.cluster.name)
                     .Get(ObjectKind::kServiceAccount, ns, name));
    return OkStatus();
  }));
  if (!sa) return k8s_errors::ResourceNotFound("serviceaccounts", name);

  TokenRequestSpec spec;
  spec.cluster = call.cluster.name;
  spec.namespace_name = ns;
  spec.service_account_name = name;
  spec.service_account_uid = MetaString(*sa, "uid");
  spec.audiences = parsed.audiences.empty() ? options_.default_audiences : parsed.audiences;
  spec.expiration_seconds =
      std::min(parsed.expiration_seconds, options_.max_token_expiration_seconds);
  spec.bound_pod = parsed.bound_pod;

  json::object status;
  if (call.DryRun()) {
    status = json::object{{"token", ""}, {"expirationTimestamp", nullptr}};
  } else {
    IRSA_TRY(MintedToken minted, minter_.Mint(spec));
    call.minted_for = "system:serviceaccount:" + ns + ":" + name;
    for (const auto& a : spec.audiences) {
      call.minted_audiences += (call.minted_audiences.empty() ? "" : ",") + a;
    }
    status = json::object{{"token", minted.token},
                          {"expirationTimestamp", FormatIso8601(minted.expiration)}};
  }
  json::array audiences;
  for (const auto& a : spec.audiences) audiences.emplace_back(a);
  json::object response{
      {"kind", "TokenRequest"},
      {"apiVersion", "authentication.k8s.io/v1"},
      {"metadata",
       json::object{
           {"name", name}, {"namespace", ns}, {"creationTimestamp", FormatIso8601(clock_.Now())}}},
      {"spec", json::object{{"audiences", std::move(audiences)},
                            {"expirationSeconds", spec.expiration_seconds},
                            {"boundObjectRef", parsed.bound_object_ref
                                                   ? json::value(*parsed.bound_object_ref)
                                                   : json::value(nullptr)}}},
      {"status", std::move(status)}};
  return call.Respond(201, response);
}

}  // namespace irsa::kube
