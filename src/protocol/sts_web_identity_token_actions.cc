// STS GetWebIdentityToken over the Query protocol (sts/web_identity_token.h).
#include "protocol/query_api.h"
#include "protocol/validation.h"
#include "sts/web_identity_token.h"

namespace irsa::protocol {
namespace {

Result<HttpResponse> GetWebIdentityToken(const QueryCall& call) {
  const QueryParams& p = call.params;
  sts::WebIdentityTokenRequest request;
  request.request_id = call.http.request_id;
  request.region = call.region;
  IRSA_TRY(request.audiences, p.GetList("Audience"));
  IRSA_TRY(request.duration_seconds, p.GetInt("DurationSeconds"));
  std::optional<std::string_view> algorithm = p.Get("SigningAlgorithm");
  IRSA_TRY(auto tag_structs, p.GetStructList("Tags"));
  Validator v;
  v.NotNull("Audience", p.HasList("Audience"));
  if (p.HasList("Audience") && request.audiences.empty()) {
    v.Add("Audience", "[]", "Member must have length greater than or equal to 1");
  } else if (request.audiences.size() > 10) {
    v.Add("Audience", "[...]", "Member must have length less than or equal to 10");
  }
  for (const std::string& audience : request.audiences) {
    v.Length("Audience.member", std::string_view(audience), 1, 1000);
  }
  v.Range("DurationSeconds", request.duration_seconds, 60, 3600);
  v.NotNull("SigningAlgorithm", algorithm.has_value());
  v.Length("SigningAlgorithm", algorithm, 5, 5);
  if (algorithm && algorithm->size() == 5 && *algorithm != "RS256" && *algorithm != "ES384") {
    v.Add("SigningAlgorithm", *algorithm, "Member must satisfy enum value set: [RS256, ES384]");
  }
  v.Range("Tags", static_cast<int64_t>(tag_structs.size()), 0, 50);
  for (const auto& s : tag_structs) {
    auto key = s.find("Key");
    auto value = s.find("Value");
    v.NotNull("Tags.member.Key", key != s.end()).NotNull("Tags.member.Value", value != s.end());
    if (key == s.end() || value == s.end()) continue;
    v.Length("Tags.member.Key", std::string_view(key->second), 1, 128)
        .Pattern("Tags.member.Key", std::string_view(key->second), patterns::kTagKey)
        .Length("Tags.member.Value", std::string_view(value->second), 0, 256)
        .Pattern("Tags.member.Value", std::string_view(value->second), patterns::kTagValue);
    request.tags.push_back({key->second, value->second});
  }
  IRSA_RETURN_IF_ERROR(v.ToStatus());
  request.signing_algorithm = std::string(*algorithm);
  if (call.services.web_identity_tokens == nullptr) {
    return errors::ServiceFailure("GetWebIdentityToken is not configured");
  }
  IRSA_TRY(sts::IssuedWebIdentityToken issued,
           call.services.web_identity_tokens->Issue(call.caller, call.Facts(), request));
  XmlWriter w = call.Writer();
  w.Element("WebIdentityToken", issued.token).Timestamp("Expiration", issued.expiration);
  return w.Finish(call.http.request_id);
}

Status AddAudiences(const QueryCall& call, const ResolvedResource&, authz::AccessRequest& access) {
  if (!call.params.HasList("Audience")) return OkStatus();
  IRSA_TRY(std::vector<std::string> audiences, call.params.GetList("Audience"));
  access.context.SetMulti("sts:IdentityTokenAudience", std::move(audiences));
  return OkStatus();
}

// The token's effective lifetime: DurationSeconds, or the default 300 when absent, so that a
// policy bounding sts:DurationSeconds also bounds tokens requested without it.
Status AddDuration(const QueryCall& call, const ResolvedResource&, authz::AccessRequest& access) {
  std::string value = std::to_string(sts::kWebIdentityTokenDefaultSeconds);
  if (std::optional<std::string_view> given = call.params.Get("DurationSeconds")) {
    value = std::string(*given);
  }
  access.context.Set("sts:DurationSeconds", value);
  return OkStatus();
}

Status AddAlgorithm(const QueryCall& call, const ResolvedResource&, authz::AccessRequest& access) {
  if (std::optional<std::string_view> given = call.params.Get("SigningAlgorithm")) {
    access.context.Set("sts:SigningAlgorithm", std::string(*given));
  }
  return OkStatus();
}

}  // namespace

void RegisterStsWebIdentityTokenActions(QueryActionTable& sts) {
  using namespace access;
  Declare(sts, "sts", "GetWebIdentityToken", GetWebIdentityToken, AnyResource(),
          {{{"sts:IdentityTokenAudience"}, "the Audience list", AddAudiences},
           {{"sts:DurationSeconds"}, "DurationSeconds (300 when absent)", AddDuration},
           {{"sts:SigningAlgorithm"}, "the SigningAlgorithm parameter", AddAlgorithm},
           RequestTagKeys()});
}

}  // namespace irsa::protocol
