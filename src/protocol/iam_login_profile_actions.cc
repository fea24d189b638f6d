// IAM login profiles, ChangePassword and the account password policy over the Query protocol.
// Passwords are validated with their values redacted from every message.
#include <optional>
#include <string>

#include "iam/login_profiles.h"
#include "iam/users.h"
#include "protocol/iam_adapters.h"
#include "protocol/query_api.h"
#include "protocol/validation.h"

namespace irsa::protocol {
namespace {

constexpr auto kRedact = Validator::Echo::kRedact;

// The user a login-profile action targets: UserName (userNameType), or the calling IAM user.
Result<std::string> ProfileUser(const QueryCall& call) {
  std::optional<std::string_view> name = call.params.Get("UserName");
  if (name) {
    Validator v;
    v.Length("UserName", name, 1, 64).Pattern("UserName", name, patterns::kNameChars);
    IRSA_RETURN_IF_ERROR(v.ToStatus());
    return std::string(*name);
  }
  if (call.caller.type == authz::CallerType::kUser) return call.caller.user_name;
  return errors::ValidationError("Must specify userName when calling with non-User credentials");
}

void CheckPassword(Validator& v, std::string_view member, std::optional<std::string_view> value) {
  v.Length(member, value, 1, 128, kRedact)
      .Pattern(member, value, patterns::kPolicyDocument, kRedact);
}

// ChangePassword acts on the calling user only: it is authorized on that user, whatever the
// request's parameters say.
Result<ResolvedResource> ResolveCallingUser(const QueryCall& call) {
  if (call.caller.type != authz::CallerType::kUser) {
    return ResolvedResource{call.caller.arn, {}, {}};
  }
  Result<iam::UserRecord> user =
      iam::GetUser(*call.services.iam, call.account(), call.caller.user_name);
  if (!user.ok()) return ResolvedResource{call.caller.arn, {}, {}};
  return ResolvedResource{user->arn, {}, user->permissions_boundary_arn};
}

HttpResponse WriteProfile(const QueryCall& call, const iam::LoginProfileRecord& profile) {
  XmlWriter w = call.Writer();
  w.Open("LoginProfile")
      .Element("UserName", profile.user_name)
      .Timestamp("CreateDate", profile.created)
      .Bool("PasswordResetRequired", profile.password_reset_required)
      .Close();
  return w.Finish(call.http.request_id);
}

Result<HttpResponse> CreateLoginProfile(const QueryCall& call) {
  IRSA_TRY(std::string user, ProfileUser(call));
  std::optional<std::string_view> password = call.params.Get("Password");
  IRSA_TRY(std::optional<bool> reset, call.params.GetBool("PasswordResetRequired"));
  Validator v;
  v.NotNull("Password", password.has_value());
  CheckPassword(v, "Password", password);
  IRSA_RETURN_IF_ERROR(v.ToStatus());
  IRSA_TRY(iam::LoginProfileRecord profile,
           iam::CreateLoginProfile(*call.services.iam, call.account(), user, std::string(*password),
                                   reset.value_or(false)));
  return WriteProfile(call, profile);
}

Result<HttpResponse> GetLoginProfile(const QueryCall& call) {
  IRSA_TRY(std::string user, ProfileUser(call));
  IRSA_TRY(iam::LoginProfileRecord profile,
           iam::GetLoginProfile(*call.services.iam, call.account(), user));
  return WriteProfile(call, profile);
}

Result<HttpResponse> UpdateLoginProfile(const QueryCall& call) {
  IRSA_TRY(std::string user, ProfileUser(call));
  std::optional<std::string_view> password = call.params.Get("Password");
  IRSA_TRY(std::optional<bool> reset, call.params.GetBool("PasswordResetRequired"));
  Validator v;
  CheckPassword(v, "Password", password);
  IRSA_RETURN_IF_ERROR(v.ToStatus());
  std::optional<std::string> owned;
  if (password) owned = std::string(*password);
  IRSA_RETURN_IF_ERROR(
      iam::UpdateLoginProfile(*call.services.iam, call.account(), user, owned, reset));
  return call.Empty();
}

Result<HttpResponse> DeleteLoginProfile(const QueryCall& call) {
  IRSA_TRY(std::string user, ProfileUser(call));
  IRSA_RETURN_IF_ERROR(iam::DeleteLoginProfile(*call.services.iam, call.account(), user));
  return call.Empty();
}

Result<HttpResponse> ChangePassword(const QueryCall& call) {
  std::optional<std::string_view> old_password = call.params.Get("OldPassword");
  std::optional<std::string_view> new_password = call.params.Get("NewPassword");
  Validator v;
  v.NotNull("OldPassword", old_password.has_value());
  v.NotNull("NewPassword", new_password.has_value());
  CheckPassword(v, "OldPassword", old_password);
  CheckPassword(v, "NewPassword", new_password);
  IRSA_RETURN_IF_ERROR(v.ToStatus());
  if (call.caller.type != authz::CallerType::kUser) {
    return Error("InvalidUserType", 400,
                 "Only IAM users can change their own password: the caller is not an IAM user.");
  }
  IRSA_RETURN_IF_ERROR(iam::ChangePassword(*call.services.iam, call.account(),
                                           call.caller.user_name, std::string(*old_password),
                                           std::string(*new_password)));
  return call.Empty();
}

Result<HttpResponse> GetAccountPasswordPolicy(const QueryCall& call) {
  IRSA_TRY(iam::PasswordPolicy p,
           iam::GetAccountPasswordPolicy(*call.services.iam, call.account()));
  XmlWriter w = call.Writer();
  w.Open("PasswordPolicy")
      .Element("MinimumPasswordLength", p.minimum_length)
      .Bool("RequireSymbols", p.require_symbols)
      .Bool("RequireNumbers", p.require_numbers)
      .Bool("RequireUppercaseCharacters", p.require_uppercase)
      .Bool("RequireLowercaseCharacters", p.require_lowercase)
      .Bool("AllowUsersToChangePassword", p.allow_users_to_change)
      .Bool("ExpirePasswords", p.max_age_days > 0);
  if (p.max_age_days > 0) w.Element("MaxPasswordAge", p.max_age_days);
  if (p.reuse_prevention > 0) w.Element("PasswordReusePrevention", p.reuse_prevention);
  if (p.hard_expiry) w.Bool("HardExpiry", *p.hard_expiry);
  w.Close();
  return w.Finish(call.http.request_id);
}

Result<HttpResponse> UpdateAccountPasswordPolicy(const QueryCall& call) {
  const QueryParams& p = call.params;
  iam::PasswordPolicy policy;
  IRSA_TRY(std::optional<int64_t> min_length, p.GetInt("MinimumPasswordLength"));
  IRSA_TRY(std::optional<int64_t> max_age, p.GetInt("MaxPasswordAge"));
  IRSA_TRY(std::optional<int64_t> reuse, p.GetInt("PasswordReusePrevention"));
  Validator v;
  v.Range("MinimumPasswordLength", min_length, 6, 128);
  v.Range("MaxPasswordAge", max_age, 1, 1095);
  v.Range("PasswordReusePrevention", reuse, 1, 24);
  IRSA_RETURN_IF_ERROR(v.ToStatus());
  policy.minimum_length = min_length.value_or(6);
  policy.max_age_days = max_age.value_or(0);
  policy.reuse_prevention = reuse.value_or(0);
  const std::pair<const char*, bool*> flags[] = {
      {"RequireSymbols", &policy.require_symbols},
      {"RequireNumbers", &policy.require_numbers},
      {"RequireUppercaseCharacters", &policy.require_uppercase},
      {"RequireLowercaseCharacters", &policy.require_lowercase},
      {"AllowUsersToChangePassword", &policy.allow_users_to_change},
  };
  for (const auto& [name, field] : flags) {
    IRSA_TRY(std::optional<bool> value, p.GetBool(name));
    *field = value.value_or(false);
  }
  IRSA_TRY(policy.hard_expiry, p.GetBool("HardExpiry"));
  IRSA_RETURN_IF_ERROR(
      iam::UpdateAccountPasswordPolicy(*call.services.iam, call.account(), policy));
  return call.Empty();
}

Result<HttpResponse> DeleteAccountPasswordPolicy(const QueryCall& call) {
  IRSA_RETURN_IF_ERROR(iam::DeleteAccountPasswordPolicy(*call.services.iam, call.account()));
  return call.Empty();
}

}  // namespace

void RegisterIamLoginProfileActions(QueryActionTable& iam) {
  using namespace access;
  Declare(iam, "iam", "CreateLoginProfile", CreateLoginProfile, UserOrCaller());
  Declare(iam, "iam", "GetLoginProfile", GetLoginProfile, UserOrCaller());
  Declare(iam, "iam", "UpdateLoginProfile", UpdateLoginProfile, UserOrCaller());
  Declare(iam, "iam", "DeleteLoginProfile", DeleteLoginProfile, UserOrCaller());
  // The caller's own password: the resource is the calling user.
  Declare(iam, "iam", "ChangePassword", ChangePassword, ResourceSpec{"user", ResolveCallingUser});
  Declare(iam, "iam", "GetAccountPasswordPolicy", GetAccountPasswordPolicy, AnyResource());
  Declare(iam, "iam", "UpdateAccountPasswordPolicy", UpdateAccountPasswordPolicy, AnyResource());
  Declare(iam, "iam", "DeleteAccountPasswordPolicy", DeleteAccountPasswordPolicy, AnyResource());
}

}  // namespace irsa::protocol
