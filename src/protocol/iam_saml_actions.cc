// IAM SAML identity providers over the Query protocol.
#include <optional>
#include <string>
#include <vector>

#include "iam/saml_providers.h"
#include "protocol/iam_adapters.h"
#include "protocol/iam_xml.h"
#include "protocol/query_access.h"
#include "protocol/query_api.h"
#include "protocol/validation.h"

namespace irsa::protocol {
namespace {

std::string Param(const QueryCall& call, std::string_view name) {
  return std::string(call.params.Get(name).value_or(""));
}

// The provider a call names (SAMLProviderArn), with its tags when it exists.
Result<ResolvedResource> ResolveSamlProvider(const QueryCall& call) {
  ResolvedResource out{Param(call, "SAMLProviderArn"), {}, {}};
  Result<iam::SamlProviderRecord> provider =
      iam::GetSAMLProvider(*call.services.iam, call.account(), out.arn);
  if (provider.ok()) {
    for (const auto& tag : provider->tags) out.tags.emplace_back(tag.key, tag.value);
  }
  return out;
}

Result<ResolvedResource> ResolveNewSamlProvider(const QueryCall& call) {
  return ResolvedResource{iam::SamlProviderArn(call.account(), Param(call, "Name")), {}, {}};
}

Result<std::string> ReadProviderArn(const QueryCall& call) {
  std::optional<std::string_view> arn = call.params.Get("SAMLProviderArn");
  Validator v;
  v.NotNull("SAMLProviderArn", arn.has_value());
  v.Length("SAMLProviderArn", arn, 20, 2048);
  IRSA_RETURN_IF_ERROR(v.ToStatus());
  return std::string(*arn);
}

void CheckMetadata(Validator& v, std::optional<std::string_view> document) {
  v.Length("SAMLMetadataDocument", document, 1000, 10000000, Validator::Echo::kRedact);
}

// AssertionEncryptionMode (enum Required | Allowed) and the private-key members, which irsa
// refuses: it does not decrypt assertions.
Result<std::string> ReadEncryption(const QueryCall& call, Validator& v) {
  std::optional<std::string_view> mode = call.params.Get("AssertionEncryptionMode");
  if (mode && *mode != "Required" && *mode != "Allowed") {
    v.Add("assertionEncryptionMode", *mode,
          "Member must satisfy enum value set: [Required, Allowed]");
  }
  if (call.params.Get("AddPrivateKey") || call.params.Get("RemovePrivateKey")) {
    return errors::InvalidInput(
        "SAML private keys are not supported: irsa does not decrypt SAML assertions");
  }
  return std::string(mode.value_or(""));
}

void WriteCreateDates(XmlWriter& w, const iam::SamlProviderRecord& p) {
  w.Timestamp("CreateDate", p.created);
  if (p.valid_until) w.Timestamp("ValidUntil", *p.valid_until);
}

Result<HttpResponse> CreateSAMLProvider(const QueryCall& call) {
  std::optional<std::string_view> name = call.params.Get("Name");
  std::optional<std::string_view> document = call.params.Get("SAMLMetadataDocument");
  Validator v;
  v.NotNull("SAMLMetadataDocument", document.has_value()).NotNull("Name", name.has_value());
  CheckMetadata(v, document);
  v.Length("Name", name, 1, 128).Pattern("Name", name, patterns::kWordDotUnderscoreDash);
  IRSA_TRY(std::string mode, ReadEncryption(call, v));
  IRSA_RETURN_IF_ERROR(v.ToStatus());
  IRSA_TRY(auto tags, ReadTags(call.params));
  iam::CreateSamlProviderInput input;
  input.name = std::string(*name);
  input.metadata_document = std::string(*document);
  input.tags = std::move(tags);
  input.assertion_encryption_mode = mode;
  IRSA_TRY(iam::SamlProviderRecord provider,
           iam::CreateSAMLProvider(*call.services.iam, call.account(), input));
  XmlWriter w = call.Writer();
  w.Element("SAMLProviderArn", provider.arn);
  WriteTags(w, provider.tags);
  return w.Finish(call.http.request_id);
}

Result<HttpResponse> GetSAMLProvider(const QueryCall& call) {
  IRSA_TRY(std::string arn, ReadProviderArn(call));
  IRSA_TRY(iam::SamlProviderRecord provider,
           iam::GetSAMLProvider(*call.services.iam, call.account(), arn));
  XmlWriter w = call.Writer();
  w.Element("SAMLProviderUUID", provider.uuid)
      .Element("SAMLMetadataDocument", provider.metadata_document);
  WriteCreateDates(w, provider);
  WriteTagList(w, provider.tags);
  if (!provider.assertion_encryption_mode.empty()) {
    w.Element("AssertionEncryptionMode", provider.assertion_encryption_mode);
  }
  return w.Finish(call.http.request_id);
}

Result<HttpResponse> ListSAMLProviders(const QueryCall& call) {
  IRSA_TRY(auto providers, iam::ListSAMLProviders(*call.services.iam, call.account()));
  XmlWriter w = call.Writer();
  if (providers.empty()) {
    w.Empty("SAMLProviderList");
  } else {
    w.Open("SAMLProviderList");
    for (const auto& provider : providers) {
      w.Member().Element("Arn", provider.arn);
      if (provider.valid_until) w.Timestamp("ValidUntil", *provider.valid_until);
      w.Timestamp("CreateDate", provider.created).Close();
    }
    w.Close();
  }
  return w.Finish(call.http.request_id);
}

Result<HttpResponse> UpdateSAMLProvider(const QueryCall& call) {
  IRSA_TRY(std::string arn, ReadProviderArn(call));
  std::optional<std::string_view> document = call.params.Get("SAMLMetadataDocument");
  Validator v;
  CheckMetadata(v, document);
  IRSA_TRY(std::string mode, ReadEncryption(call, v));
  IRSA_RETURN_IF_ERROR(v.ToStatus());
  std::optional<std::string> metadata;
  if (document) metadata = std::string(*document);
  IRSA_TRY(iam::SamlProviderRecord provider,
           iam::UpdateSAMLProvider(*call.services.iam, call.account(), arn, metadata, mode));
  XmlWriter w = call.Writer();
  w.Element("SAMLProviderArn", provider.arn);
  return w.Finish(call.http.request_id);
}

Result<HttpResponse> DeleteSAMLProvider(const QueryCall& call) {
  IRSA_TRY(std::string arn, ReadProviderArn(call));
  IRSA_RETURN_IF_ERROR(iam::DeleteSAMLProvider(*call.services.iam, call.account(), arn));
  return call.Empty();
}

}  // namespace

void RegisterIamSamlActions(QueryActionTable& iam) {
  using namespace access;
  const ResourceSpec provider{"saml-provider", ResolveSamlProvider, true};
  const ResourceSpec new_provider{"saml-provider", ResolveNewSamlProvider};
  Declare(iam, "iam", "CreateSAMLProvider", CreateSAMLProvider, new_provider, {RequestTagKeys()});
  Declare(iam, "iam", "GetSAMLProvider", GetSAMLProvider, provider);
  Declare(iam, "iam", "ListSAMLProviders", ListSAMLProviders, AnyResource());
  Declare(iam, "iam", "UpdateSAMLProvider", UpdateSAMLProvider, provider);
  Declare(iam, "iam", "DeleteSAMLProvider", DeleteSAMLProvider, provider);
  DeclareTagActions(iam,
                    {"SAMLProvider", ReadProviderArn, iam::TagSAMLProvider, iam::UntagSAMLProvider,
                     iam::ListSAMLProviderTags},
                    provider);
}

}  // namespace irsa::protocol
