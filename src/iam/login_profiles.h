// IAM login profiles (console passwords) and the account password policy: CreateLoginProfile,
// GetLoginProfile, UpdateLoginProfile, DeleteLoginProfile, ChangePassword,
// Get/Update/DeleteAccountPasswordPolicy.
//
// Rows (see records.h):
//   kind             parent       key        secret
//   login_profile    lower(user)  "login"    {"hash": …, "previous": [… newest first]} (sealed)
//   password_policy  ""           "policy"   —
// Passwords are checked against the account's policy, or AWS's default policy when none is set
// (at least 8 characters with three of: upper case, lower case, digits, symbols), and stored
// only as PBKDF2-HMAC-SHA256 hashes (crypto/password_hash.h); they are never logged or returned.
// A refused password is PasswordPolicyViolation "Password does not conform to the account
// password policy." (AWS's text).
//
// irsa has no console sign-in, so PasswordLastUsed is never set and password expiry
// (MaxPasswordAge, HardExpiry) is stored and reported but never forces a change.
// Thread-safe; each call is one transaction.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "base/result.h"
#include "iam/service_context.h"
#include "store/store.h"

namespace irsa::iam {

struct PasswordPolicy {
  int64_t minimum_length = 6;
  bool require_symbols = false;
  bool require_numbers = false;
  bool require_uppercase = false;
  bool require_lowercase = false;
  bool allow_users_to_change = false;
  int64_t max_age_days = 0;      // 0: passwords never expire
  int64_t reuse_prevention = 0;  // 0: not set
  std::optional<bool> hard_expiry;
};

// The symbols AWS counts for RequireSymbols: ! @ # $ % ^ & * ( ) _ + - = [ ] { } | '
bool IsPasswordSymbol(char c);
// Whether `password` satisfies `policy` (nullopt: AWS's default policy). Length and character
// classes only; reuse is checked against the stored hashes.
bool PasswordMeetsPolicy(std::string_view password, const std::optional<PasswordPolicy>& policy);

// NoSuchEntity "The Password Policy with domain name <account> cannot be found." when unset.
Result<PasswordPolicy> GetAccountPasswordPolicy(const ServiceContext& ctx,
                                                const std::string& account);
// Replaces the policy (members not given take their defaults, as AWS does).
Status UpdateAccountPasswordPolicy(const ServiceContext& ctx, const std::string& account,
                                   const PasswordPolicy& policy);
Status DeleteAccountPasswordPolicy(const ServiceContext& ctx, const std::string& account);

struct LoginProfileRecord {
  std::string user_name;
  SystemTime created{};
  bool password_reset_required = false;
  SystemTime password_changed{};  // when the current password was set
};

// NoSuchEntity (user), EntityAlreadyExists "Login Profile for user <u> already exists.",
// PasswordPolicyViolation.
Result<LoginProfileRecord> CreateLoginProfile(const ServiceContext& ctx, const std::string& account,
                                              const std::string& user_name,
                                              const std::string& password, bool reset_required);
// NoSuchEntity "Login Profile for User <u> cannot be found."
Result<LoginProfileRecord> GetLoginProfile(const ServiceContext& ctx, const std::string& account,
                                           const std::string& user_name);
// Sets a new password and/or the reset flag (an administrator's change: the reuse rule of the
// policy applies).
Status UpdateLoginProfile(const ServiceContext& ctx, const std::string& account,
                          const std::string& user_name, const std::optional<std::string>& password,
                          std::optional<bool> reset_required);
Status DeleteLoginProfile(const ServiceContext& ctx, const std::string& account,
                          const std::string& user_name);
// The user's own change: `old_password` must match (AccessDenied "The old password is
// incorrect." otherwise); the new one must satisfy the policy and, with PasswordReusePrevention,
// differ from the last N. Clears PasswordResetRequired.
Status ChangePassword(const ServiceContext& ctx, const std::string& account,
                      const std::string& user_name, const std::string& old_password,
                      const std::string& new_password);
// Inside a transaction: the login profile of the user whose key is `user_key`, if any (for the
// credential report).
Result<std::optional<LoginProfileRecord>> FindLoginProfile(store::StoreTx& tx,
                                                           const std::string& account,
                                                           const std::string& user_key);

}  // namespace irsa::iam
