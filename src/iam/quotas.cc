#include <charconv>
#include <utility>

#include "base/strings.h"
#include "iam/service_context.h"

namespace irsa::iam {
namespace {

constexpr int64_t kMaxQuota = 1000000000;

struct QuotaField {
  std::string_view name;
  int64_t Quotas::*field;
};

constexpr QuotaField kQuotaFields[] = {
    {"AccessKeysPerUser", &Quotas::access_keys_per_user},
    {"UsersPerAccount", &Quotas::users_per_account},
    {"RolesPerAccount", &Quotas::roles_per_account},
    {"PoliciesPerAccount", &Quotas::policies_per_account},
    {"ACLSizePerRole", &Quotas::trust_policy_size},
    {"PolicySize", &Quotas::managed_policy_size},
    {"RolePolicySize", &Quotas::role_inline_policy_size},
    {"UserPolicySize", &Quotas::user_inline_policy_size},
    {"PoliciesPerRole", &Quotas::attached_policies_per_role},
    {"PoliciesPerUser", &Quotas::attached_policies_per_user},
    {"VersionsPerPolicy", &Quotas::versions_per_policy},
    {"OpenIdConnectProvidersPerAccount", &Quotas::oidc_providers_per_account},
    {"ClientIdsPerOpenIdConnectProvider", &Quotas::client_ids_per_oidc_provider},
    {"ThumbprintsPerOpenIdConnectProvider", &Quotas::thumbprints_per_oidc_provider},
    {"TagsPerResource", &Quotas::tags_per_resource},
    {"GroupsPerAccount", &Quotas::groups_per_account},
    {"GroupsPerUser", &Quotas::groups_per_user},
    {"PoliciesPerGroup", &Quotas::attached_policies_per_group},
    {"GroupPolicySize", &Quotas::group_inline_policy_size},
    {"InstanceProfilesPerAccount", &Quotas::instance_profiles_per_account},
    {"RolesPerInstanceProfile", &Quotas::roles_per_instance_profile},
    {"MFADevicesPerUser", &Quotas::mfa_devices_per_user},
    {"SSHPublicKeysPerUser", &Quotas::ssh_public_keys_per_user},
    {"SigningCertificatesPerUser", &Quotas::signing_certificates_per_user},
    {"ServerCertificatesPerAccount", &Quotas::server_certificates_per_account},
    {"SAMLProvidersPerAccount", &Quotas::saml_providers_per_account},
    {"ServiceSpecificCredentialsPerUserPerService",
     &Quotas::service_credentials_per_user_per_service},
    {"AccountAliasesPerAccount", &Quotas::aliases_per_account},
};

}  // namespace

Status SetQuota(Quotas& quotas, std::string_view name, int64_t value) {
  for (const QuotaField& quota : kQuotaFields) {
    if (AsciiLower(quota.name) != AsciiLower(name)) continue;
    if (value < 1 || value > kMaxQuota) {
      return errors::InvalidParameterValue("Quota " + std::string(quota.name) +
                                           " must be between 1 and " + std::to_string(kMaxQuota) +
                                           ", got " + std::to_string(value));
    }
    quotas.*quota.field = value;
    return OkStatus();
  }
  std::string known;
  for (const QuotaField& quota : kQuotaFields) {
    known += known.empty() ? "" : ", ";
    known += quota.name;
  }
  return errors::InvalidParameterValue("Unknown quota \"" + std::string(name) +
                                       "\"; known quotas: " + known);
}

Status ApplyQuotaSetting(Quotas& quotas, std::string_view setting) {
  const size_t equals = setting.find('=');
  int64_t value = 0;
  if (equals != std::string_view::npos) {
    std::string_view digits = setting.substr(equals + 1);
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (ec == std::errc() && end == digits.data() + digits.size() && !digits.empty()) {
      return SetQuota(quotas, setting.substr(0, equals), value);
    }
  }
  return errors::InvalidParameterValue(
      "A quota setting is Name=Number (e.g. RolesPerAccount=5000), "
      "got \"" +
      std::string(setting) + "\"");
}

}  // namespace irsa::iam
