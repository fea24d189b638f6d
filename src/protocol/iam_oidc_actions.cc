// IAM OpenID Connect identity providers over the Query protocol (wire spec §3.8).
#include <string>
#include <utility>
#include <vector>

#include "iam/lookup.h"
#include "iam/oidc_providers.h"
#include "protocol/iam_adapters.h"
#include "protocol/iam_xml.h"
#include "protocol/query_api.h"
#include "protocol/validation.h"

namespace irsa::protocol {
namespace {

Result<std::string> ReadProviderArn(const QueryCall& call) {
  IRSA_TRY(std::string_view arn, call.params.Require("OpenIDConnectProviderArn"));
  Validator v;
  v.Length("OpenIDConnectProviderArn", arn, 20, 2048);
  IRSA_RETURN_IF_ERROR(v.ToStatus());
  return std::string(arn);
}

void CheckClientId(Validator& v, std::string_view member, std::string_view client_id) {
  v.Length(member, client_id, 1, 255);
}

// clientIDListType / thumbprintListType members: 'clientIDList.1.member'.
void CheckList(Validator& v, std::string_view list, const std::vector<std::string>& values,
               size_t min, size_t max) {
  for (size_t i = 0; i < values.size(); ++i) {
    const std::string member = std::string(list) + "." + std::to_string(i + 1) + ".member";
    v.Length(member, std::string_view(values[i]), min, max);
  }
}

Result<HttpResponse> CreateOpenIDConnectProvider(const QueryCall& call) {
  IRSA_TRY(std::string_view url, call.params.Require("Url"));
  IRSA_TRY(std::vector<std::string> client_ids, call.params.GetList("ClientIDList"));
  IRSA_TRY(std::vector<std::string> thumbprints, call.params.GetList("ThumbprintList"));
  Validator v;
  v.Length("Url", url, 1, 255);
  CheckList(v, "ClientIDList", client_ids, 1, 255);
  CheckList(v, "ThumbprintList", thumbprints, 40, 40);
  IRSA_RETURN_IF_ERROR(v.ToStatus());
  IRSA_TRY(auto tags, ReadTags(call.params));
  IRSA_TRY(std::string normalized, iam::NormalizeOidcUrl(std::string(url)));
  iam::CreateOidcProviderInput input;
  input.url = std::string(url);
  input.client_ids = std::move(client_ids);
  input.thumbprints = std::move(thumbprints);
  input.tags = std::move(tags);
  IRSA_TRY(iam::OidcProviderRecord provider,
           iam::CreateOpenIDConnectProvider(*call.services.iam, call.account(), input));
  XmlWriter w = call.Writer();
  w.Element("OpenIDConnectProviderArn", provider.arn);
  WriteTags(w, provider.tags);
  return w.Finish(call.http.request_id);
}

Result<HttpResponse> GetOpenIDConnectProvider(const QueryCall& call) {
  IRSA_TRY(std::string arn, ReadProviderArn(call));
  IRSA_TRY(iam::OidcProviderRecord provider,
           iam::GetOpenIDConnectProvider(*call.services.iam, call.account(), arn));
  XmlWriter w = call.Writer();
  w.Element("Url", provider.url)
      .StringList("ClientIDList", provider.client_ids)
      .StringList("ThumbprintList", provider.thumbprints)
      .TimestampMillis("CreateDate", provider.created);
  WriteTagList(w, provider.tags);
  return w.Finish(call.http.request_id);
}

Result<HttpResponse> ListOpenIDConnectProviders(const QueryCall& call) {
  IRSA_TRY(auto providers, iam::ListOpenIDConnectProviders(*call.services.iam, call.account()));
  XmlWriter w = call.Writer();
  if (providers.empty()) {
    w.Empty("OpenIDConnectProviderList");
  } else {
    w.Open("OpenIDConnectProviderList");
    for (const auto& provider : providers) w.Member().Element("Arn", provider.arn).Close();
    w.Close();
  }
  return w.Finish(call.http.request_id);
}

Result<HttpResponse> DeleteOpenIDConnectProvider(const QueryCall& call) {
  IRSA_TRY(std::string arn, ReadProviderArn(call));
  IRSA_RETURN_IF_ERROR(iam::DeleteOpenIDConnectProvider(*call.services.iam, call.account(), arn));
  return call.Empty();
}

Result<std::pair<std::string, std::string>> ReadArnAndClientId(const QueryCall& call) {
  IRSA_TRY(std::string arn, ReadProviderArn(call));
  IRSA_TRY(std::string_view client_id, call.params.Require("ClientID"));
  Validator v;
  CheckClientId(v, "ClientID", client_id);
  IRSA_RETURN_IF_ERROR(v.ToStatus());
  return std::make_pair(std::move(arn), std::string(client_id));
}

Result<HttpResponse> AddClientIDToOpenIDConnectProvider(const QueryCall& call) {
  IRSA_TRY(auto input, ReadArnAndClientId(call));
  IRSA_RETURN_IF_ERROR(iam::AddClientIDToOpenIDConnectProvider(*call.services.iam, call.account(),
                                                               input.first, input.second));
  return call.Empty();
}

Result<HttpResponse> RemoveClientIDFromOpenIDConnectProvider(const QueryCall& call) {
  IRSA_TRY(auto input, ReadArnAndClientId(call));
  IRSA_RETURN_IF_ERROR(iam::RemoveClientIDFromOpenIDConnectProvider(
      *call.services.iam, call.account(), input.first, input.second));
  return call.Empty();
}

Result<HttpResponse> UpdateOpenIDConnectProviderThumbprint(const QueryCall& call) {
  IRSA_TRY(std::string arn, ReadProviderArn(call));
  Validator v;
  v.NotNull("ThumbprintList", call.params.HasList("ThumbprintList"));
  IRSA_RETURN_IF_ERROR(v.ToStatus());
  IRSA_TRY(std::vector<std::string> thumbprints, call.params.GetList("ThumbprintList"));
  CheckList(v, "ThumbprintList", thumbprints, 40, 40);
  IRSA_RETURN_IF_ERROR(v.ToStatus());
  IRSA_RETURN_IF_ERROR(iam::UpdateOpenIDConnectProviderThumbprint(
      *call.services.iam, call.account(), arn, thumbprints));
  return call.Empty();
}

}  // namespace

void RegisterIamOidcActions(QueryActionTable& iam) {
  using namespace access;
  Declare(iam, "iam", "CreateOpenIDConnectProvider", CreateOpenIDConnectProvider, NewOidcProvider(),
          {RequestTagKeys()});
  Declare(iam, "iam", "GetOpenIDConnectProvider", GetOpenIDConnectProvider, OidcProvider());
  Declare(iam, "iam", "ListOpenIDConnectProviders", ListOpenIDConnectProviders, AnyResource());
  Declare(iam, "iam", "DeleteOpenIDConnectProvider", DeleteOpenIDConnectProvider, OidcProvider());
  Declare(iam, "iam", "AddClientIDToOpenIDConnectProvider", AddClientIDToOpenIDConnectProvider,
          OidcProvider());
  Declare(iam, "iam", "RemoveClientIDFromOpenIDConnectProvider",
          RemoveClientIDFromOpenIDConnectProvider, OidcProvider());
  Declare(iam, "iam", "UpdateOpenIDConnectProviderThumbprint",
          UpdateOpenIDConnectProviderThumbprint, OidcProvider());
  DeclareTagActions(iam,
                    {"OpenIDConnectProvider", ReadProviderArn, iam::TagOpenIDConnectProvider,
                     iam::UntagOpenIDConnectProvider, iam::ListOpenIDConnectProviderTags},
                    OidcProvider());
}

}  // namespace irsa::protocol
