// What every IAM/STS operation is given: the store, the clock, randomness and quotas.
// All references outlive the operations; the context itself is immutable and shared by threads.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/clock.h"
#include "base/random.h"
#include "base/result.h"
#include "store/store.h"

namespace irsa::iam {

class AccessKeyUsage;

// Configurable service quotas, AWS defaults.
struct Quotas {
  int64_t access_keys_per_user = 2;
  int64_t users_per_account = 5000;
  int64_t roles_per_account = 1000;
  int64_t policies_per_account = 1500;
  int64_t trust_policy_size = 2048;         // ACLSizePerRole
  int64_t managed_policy_size = 6144;       // PolicySize
  int64_t role_inline_policy_size = 10240;  // aggregate per role
  int64_t user_inline_policy_size = 2048;   // aggregate per user
  int64_t attached_policies_per_role = 10;  // PoliciesPerRole
  int64_t attached_policies_per_user = 10;
  int64_t versions_per_policy = 5;
  int64_t oidc_providers_per_account = 100;
  int64_t client_ids_per_oidc_provider = 100;
  int64_t thumbprints_per_oidc_provider = 5;
  int64_t tags_per_resource = 50;
  int64_t groups_per_account = 300;
  int64_t groups_per_user = 10;
  int64_t attached_policies_per_group = 10;  // PoliciesPerGroup
  int64_t group_inline_policy_size = 5120;   // aggregate per group
  int64_t instance_profiles_per_account = 1000;
  int64_t roles_per_instance_profile = 1;
  int64_t mfa_devices_per_user = 8;
  int64_t ssh_public_keys_per_user = 5;
  int64_t signing_certificates_per_user = 2;
  int64_t server_certificates_per_account = 20;
  int64_t saml_providers_per_account = 100;
  int64_t service_credentials_per_user_per_service = 2;
  int64_t aliases_per_account = 1;
};

// Sets the quota named as AWS names it in LimitExceeded messages and Service Quotas:
// AccessKeysPerUser, UsersPerAccount, RolesPerAccount, PoliciesPerAccount, ACLSizePerRole,
// PolicySize, RolePolicySize, UserPolicySize, PoliciesPerRole, PoliciesPerUser,
// VersionsPerPolicy, OpenIdConnectProvidersPerAccount, ClientIdsPerOpenIdConnectProvider,
// ThumbprintsPerOpenIdConnectProvider, TagsPerResource, GroupsPerAccount, GroupsPerUser,
// PoliciesPerGroup, GroupPolicySize, InstanceProfilesPerAccount, RolesPerInstanceProfile,
// MFADevicesPerUser, SSHPublicKeysPerUser, SigningCertificatesPerUser,
// ServerCertificatesPerAccount, SAMLProvidersPerAccount,
// ServiceSpecificCredentialsPerUserPerService, AccountAliasesPerAccount (case-insensitive).
// InvalidParameterValue for an unknown name or a value below 1 (or above 10^9).
Status SetQuota(Quotas& quotas, std::string_view name, int64_t value);
// "Name=Value" (as given to `irsa serve --quota`), parsed and applied with SetQuota.
Status ApplyQuotaSetting(Quotas& quotas, std::string_view setting);

class AccessAdvisor;  // iam/access_advisor.h

struct ServiceContext {
  store::Store& store;
  const Clock& clock;
  Random& random;
  Quotas quotas;
  // This node's record of access-key use (GetAccessKeyLastUsed); null when nothing records it.
  AccessKeyUsage* key_usage = nullptr;
  // Service-last-accessed reports; null where the node keeps none (then those operations fail).
  AccessAdvisor* access_advisor = nullptr;
};

// One page of a list operation: Marker/IsTruncated/MaxItems as IAM paginates.
template <typename T>
struct ListPage {
  std::vector<T> items;
  bool truncated = false;
  std::string marker;  // opaque; set when truncated
};

// Markers are opaque to clients: base64url of the last row key returned.
std::string EncodeMarker(const std::string& last_key);
// Returns the row key to continue after, or InvalidInput for a marker irsa did not issue.
Result<std::string> DecodeMarker(const std::string& marker);

}  // namespace irsa::iam
