// IAM SAML identity providers: Create/Get/List/Update/DeleteSAMLProvider,
// Tag/Untag/ListSAMLProviderTags, and the lookup AssumeRoleWithSAML uses.
//
// The metadata document is parsed and validated on every write (saml::ParseIdpMetadata: an
// EntityDescriptor with an IDPSSODescriptor and at least one signing X509Certificate); the
// record keeps the document exactly as sent plus its entity id, signing certificates (DER,
// base64 in the body) and validUntil. ARN: arn:aws:iam::<acct>:saml-provider/<name>; names are
// case-sensitive, as in the ARN. Encrypted assertions are not supported: AssertionEncryptionMode
// "Required" and private keys are refused (InvalidInput). Thread-safe; one transaction per call.
//
// Row: saml_provider (parent "", key = name; body SamlProviderRecord).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "iam/records.h"
#include "iam/service_context.h"

namespace irsa::iam {

namespace kind {
inline constexpr const char* kSamlProvider = "saml_provider";
}  // namespace kind

struct SamlProviderRecord {
  std::string name;
  std::string arn;
  std::string uuid;  // SAMLProviderUUID: 26 characters [A-Z0-9]
  std::string metadata_document;
  std::string entity_id;
  std::vector<std::string> certificates;  // DER
  std::optional<SystemTime> valid_until;
  SystemTime created{};
  std::string assertion_encryption_mode;  // "" or "Allowed"
  std::vector<Tag> tags;
};

std::string SamlProviderArn(const std::string& account, const std::string& name);

struct CreateSamlProviderInput {
  std::string name;
  std::string metadata_document;
  std::vector<Tag> tags;
  std::string assertion_encryption_mode;  // "", "Allowed" ("Required": InvalidInput)
};

// InvalidInput "Could not parse metadata: …"; EntityAlreadyExists "SAMLProvider <name> already
// exists."; LimitExceeded "Cannot exceed quota for SAMLProvidersPerAccount: <n>".
Result<SamlProviderRecord> CreateSAMLProvider(const ServiceContext& ctx, const std::string& account,
                                              const CreateSamlProviderInput& input);
// NoSuchEntity "SAMLProvider <arn> does not exist." (also for another account's ARN);
// InvalidInput for a string that is not a saml-provider ARN.
Result<SamlProviderRecord> GetSAMLProvider(const ServiceContext& ctx, const std::string& account,
                                           const std::string& arn);
// Every provider of the account (no pagination, as AWS), ordered by name.
Result<std::vector<SamlProviderRecord>> ListSAMLProviders(const ServiceContext& ctx,
                                                          const std::string& account);
// Replaces the metadata (when given) and the encryption mode (when given).
Result<SamlProviderRecord> UpdateSAMLProvider(const ServiceContext& ctx, const std::string& account,
                                              const std::string& arn,
                                              const std::optional<std::string>& metadata_document,
                                              const std::string& assertion_encryption_mode);
// NoSuchEntity when absent (AWS).
Status DeleteSAMLProvider(const ServiceContext& ctx, const std::string& account,
                          const std::string& arn);
Status TagSAMLProvider(const ServiceContext& ctx, const std::string& account,
                       const std::string& arn, const std::vector<Tag>& tags);
Status UntagSAMLProvider(const ServiceContext& ctx, const std::string& account,
                         const std::string& arn, const std::vector<std::string>& keys);
Result<ListPage<Tag>> ListSAMLProviderTags(const ServiceContext& ctx, const std::string& account,
                                           const std::string& arn, const std::string& marker,
                                           int max_items);

}  // namespace irsa::iam
