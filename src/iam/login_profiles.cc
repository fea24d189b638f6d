#include "iam/login_profiles.h"

#include <boost/json.hpp>

#include "base/strings.h"
#include "crypto/password_hash.h"
#include "iam/iam_errors.h"
#include "iam/lookup.h"
#include "iam/records.h"
#include "iam/validation.h"
#include "store/json_fields.h"

namespace irsa::iam {
namespace {

namespace json = boost::json;

constexpr const char* kLoginKey = "login";
constexpr const char* kPolicyKey = "policy";
constexpr size_t kMaxReusePrevention = 24;

Error Violation() {
  return iam_errors::PasswordPolicyViolation(
      "Password does not conform to the account password policy.");
}

Error NoProfile(const std::string& user) {
  return errors::NoSuchEntity("Login Profile for User " + user + " cannot be found.");
}

std::string PolicyBody(const PasswordPolicy& p) {
  json::object o{{"min", p.minimum_length},      {"symbols", p.require_symbols},
                 {"numbers", p.require_numbers}, {"upper", p.require_uppercase},
                 {"lower", p.require_lowercase}, {"allow_change", p.allow_users_to_change},
                 {"max_age", p.max_age_days},    {"reuse", p.reuse_prevention}};
  if (p.hard_expiry) o["hard_expiry"] = *p.hard_expiry;
  return json::serialize(o);
}

bool JsonBool(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v != nullptr && v->is_bool() && v->as_bool();
}

Result<PasswordPolicy> PolicyFromBody(const std::string& body) {
  IRSA_TRY(json::object o, store::ParseStoredObject(body, "password policy"));
  PasswordPolicy p;
  p.minimum_length = store::JsonInt(o, "min", 6);
  p.require_symbols = JsonBool(o, "symbols");
  p.require_numbers = JsonBool(o, "numbers");
  p.require_uppercase = JsonBool(o, "upper");
  p.require_lowercase = JsonBool(o, "lower");
  p.allow_users_to_change = JsonBool(o, "allow_change");
  p.max_age_days = store::JsonInt(o, "max_age");
  p.reuse_prevention = store::JsonInt(o, "reuse");
  if (const json::value* v = o.if_contains("hard_expiry"); v && v->is_bool()) {
    p.hard_expiry = v->as_bool();
  }
  return p;
}

Result<std::optional<PasswordPolicy>> LoadPolicy(store::StoreTx& tx, const std::string& account) {
  IRSA_TRY(auto row, tx.Get({account, kind::kPasswordPolicy, "", kPolicyKey}));
  if (!row) return std::optional<PasswordPolicy>();
  IRSA_TRY(PasswordPolicy policy, PolicyFromBody(row->body));
  return std::optional<PasswordPolicy>(policy);
}

// The stored secret: the current hash and the previous ones, newest first.
struct PasswordHashes {
  std::string current;
  std::vector<std::string> previous;
};

std::string HashesToSecret(const PasswordHashes& h) {
  return json::serialize(
      json::object{{"hash", h.current}, {"previous", store::ToJsonArray(h.previous)}});
}

PasswordHashes HashesFromSecret(const std::string& secret) {
  PasswordHashes h;
  boost::system::error_code ec;
  json::value v = json::parse(secret, ec);
  if (ec || !v.is_object()) return h;
  h.current = store::JsonString(v.as_object(), "hash");
  h.previous = store::JsonStrings(v.as_object(), "previous");
  return h;
}

struct LoadedProfile {
  store::Row row;
  LoginProfileRecord record;
  PasswordHashes hashes;
};

store::Row ProfileRow(const std::string& account, const LoadedProfile& profile) {
  store::Row row;
  row.id = {account, kind::kLoginProfile, AsciiLower(profile.record.user_name), kLoginKey};
  row.body = json::serialize(
      json::object{{"user", profile.record.user_name},
                   {"created", profile.record.created.time_since_epoch().count()},
                   {"reset_required", profile.record.password_reset_required},
                   {"changed", profile.record.password_changed.time_since_epoch().count()}});
  row.secret = HashesToSecret(profile.hashes);
  return row;
}

Result<LoadedProfile> LoadProfile(store::StoreTx& tx, const std::string& account,
                                  const std::string& user_name) {
  IRSA_TRY(LoadedUser user, LoadUser(tx, account, user_name));
  IRSA_TRY(auto row, tx.Get({account, kind::kLoginProfile, user.row.id.key, kLoginKey}));
  if (!row) return NoProfile(user.record.name);
  IRSA_TRY(json::object o, store::ParseStoredObject(row->body, "login profile"));
  LoadedProfile out;
  out.record.user_name = user.record.name;
  out.record.created = SystemTime(std::chrono::nanoseconds(store::JsonInt(o, "created")));
  out.record.password_reset_required = JsonBool(o, "reset_required");
  out.record.password_changed = SystemTime(std::chrono::nanoseconds(store::JsonInt(o, "changed")));
  out.hashes = HashesFromSecret(row->secret);
  out.row = std::move(*row);
  return out;
}

// Checks `password` against the account's policy (including reuse of `hashes`), then makes
// `new_hash` (its hash, computed before the transaction: hashing is slow by design) the current
// password.
Status SetPassword(store::StoreTx& tx, const std::string& account, const std::string& password,
                   const std::string& new_hash, PasswordHashes& hashes) {
  IRSA_TRY(std::optional<PasswordPolicy> policy, LoadPolicy(tx, account));
  if (!PasswordMeetsPolicy(password, policy)) return Violation();
  const size_t reuse = policy ? static_cast<size_t>(policy->reuse_prevention) : 0;
  if (reuse > 0) {
    // The current password counts as one of the last N.
    if (!hashes.current.empty() && crypto::VerifyPassword(password, hashes.current)) {
      return Violation();
    }
    for (size_t i = 0; i + 1 < reuse && i < hashes.previous.size(); ++i) {
      if (crypto::VerifyPassword(password, hashes.previous[i])) return Violation();
    }
  }
  if (!hashes.current.empty()) hashes.previous.insert(hashes.previous.begin(), hashes.current);
  if (hashes.previous.size() > kMaxReusePrevention) hashes.previous.resize(kMaxReusePrevention);
  hashes.current = new_hash;
  return OkStatus();
}

Status ValidateUser(const std::string& user_name) {
  return ValidateName(user_name, "userName", 64);
}

}  // namespace

bool IsPasswordSymbol(char c) {
  return std::string_view("!@#$%^&*()_+-=[]{}|'").find(c) != std::string_view::npos;
}

bool PasswordMeetsPolicy(std::string_view password, const std::optional<PasswordPolicy>& policy) {
  bool upper = false, lower = false, digit = false, symbol = false;
  for (char c : password) {
    upper |= c >= 'A' && c <= 'Z';
    lower |= c >= 'a' && c <= 'z';
    digit |= c >= '0' && c <= '9';
    symbol |= IsPasswordSymbol(c);
  }
  if (!policy) {
    // AWS's default policy: at least 8 characters, three of the four character classes.
    const int classes = int{upper} + int{lower} + int{digit} + int{symbol};
    return password.size() >= 8 && classes >= 3;
  }
  if (static_cast<int64_t>(password.size()) < policy->minimum_length) return false;
  if (policy->require_uppercase && !upper) return false;
  if (policy->require_lowercase && !lower) return false;
  if (policy->require_numbers && !digit) return false;
  if (policy->require_symbols && !symbol) return false;
  return true;
}

Result<PasswordPolicy> GetAccountPasswordPolicy(const ServiceContext& ctx,
                                                const std::string& account) {
  std::optional<PasswordPolicy> policy;
  IRSA_RETURN_IF_ERROR(ctx.store.Read([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(policy, LoadPolicy(tx, account));
    return OkStatus();
  }));
  if (!policy) {
    return errors::NoSuchEntity("The Password Policy with domain name " + account +
                                " cannot be found.");
  }
  return *policy;
}

Status UpdateAccountPasswordPolicy(const ServiceContext& ctx, const std::string& account,
                                   const PasswordPolicy& policy) {
  IRSA_RETURN_IF_ERROR(ValidateRange(policy.minimum_length, "minimumPasswordLength", 6, 128));
  if (policy.max_age_days != 0) {
    IRSA_RETURN_IF_ERROR(ValidateRange(policy.max_age_days, "maxPasswordAge", 1, 1095));
  }
  if (policy.reuse_prevention != 0) {
    IRSA_RETURN_IF_ERROR(ValidateRange(policy.reuse_prevention, "passwordReusePrevention", 1, 24));
  }
  return ctx.store.Write([&](store::StoreTx& tx) -> Status {
    store::Row row;
    row.id = {account, kind::kPasswordPolicy, "", kPolicyKey};
    row.body = PolicyBody(policy);
    return tx.Upsert(row);
  });
}

Status DeleteAccountPasswordPolicy(const ServiceContext& ctx, const std::string& account) {
  return ctx.store.Write([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(bool deleted, tx.Delete({account, kind::kPasswordPolicy, "", kPolicyKey}));
    if (!deleted) {
      return errors::NoSuchEntity("The account policy with name PasswordPolicy cannot be found.");
    }
    return OkStatus();
  });
}

Result<LoginProfileRecord> CreateLoginProfile(const ServiceContext& ctx, const std::string& account,
                                              const std::string& user_name,
                                              const std::string& password, bool reset_required) {
  IRSA_RETURN_IF_ERROR(ValidateUser(user_name));
  LoadedProfile profile;
  const std::string hash = crypto::HashPassword(password, ctx.random);
  IRSA_RETURN_IF_ERROR(ctx.store.Write([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(LoadedUser user, LoadUser(tx, account, user_name));
    IRSA_TRY(auto existing, tx.Get({account, kind::kLoginProfile, user.row.id.key, kLoginKey}));
    if (existing) {
      return errors::EntityAlreadyExists("Login Profile for user " + user.record.name +
                                         " already exists.");
    }
    IRSA_RETURN_IF_ERROR(SetPassword(tx, account, password, hash, profile.hashes));
    profile.record.user_name = user.record.name;
    profile.record.created = ctx.clock.Now();
    profile.record.password_reset_required = reset_required;
    profile.record.password_changed = profile.record.created;
    return tx.Insert(ProfileRow(account, profile));
  }));
  return profile.record;
}

Result<LoginProfileRecord> GetLoginProfile(const ServiceContext& ctx, const std::string& account,
                                           const std::string& user_name) {
  IRSA_RETURN_IF_ERROR(ValidateUser(user_name));
  LoginProfileRecord out;
  IRSA_RETURN_IF_ERROR(ctx.store.Read([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(LoadedProfile profile, LoadProfile(tx, account, user_name));
    out = profile.record;
    return OkStatus();
  }));
  return out;
}

Status UpdateLoginProfile(const ServiceContext& ctx, const std::string& account,
                          const std::string& user_name, const std::optional<std::string>& password,
                          std::optional<bool> reset_required) {
  IRSA_RETURN_IF_ERROR(ValidateUser(user_name));
  const std::string hash = password ? crypto::HashPassword(*password, ctx.random) : "";
  return ctx.store.Write([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(LoadedProfile profile, LoadProfile(tx, account, user_name));
    if (password) {
      IRSA_RETURN_IF_ERROR(SetPassword(tx, account, *password, hash, profile.hashes));
      profile.record.password_changed = ctx.clock.Now();
    }
    if (reset_required) profile.record.password_reset_required = *reset_required;
    return tx.Upsert(ProfileRow(account, profile));
  });
}

Status DeleteLoginProfile(const ServiceContext& ctx, const std::string& account,
                          const std::string& user_name) {
  IRSA_RETURN_IF_ERROR(ValidateUser(user_name));
  return ctx.store.Write([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(LoadedProfile profile, LoadProfile(tx, account, user_name));
    IRSA_TRY(bool deleted, tx.Delete(profile.row.id));
    (void)deleted;
    return OkStatus();
  });
}

Status ChangePassword(const ServiceContext& ctx, const std::string& account,
                      const std::string& user_name, const std::string& old_password,
                      const std::string& new_password) {
  const std::string hash = crypto::HashPassword(new_password, ctx.random);
  return ctx.store.Write([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(LoadedProfile profile, LoadProfile(tx, account, user_name));
    if (profile.hashes.current.empty() ||
        !crypto::VerifyPassword(old_password, profile.hashes.current)) {
      return errors::AccessDenied("The old password is incorrect.");
    }
    IRSA_RETURN_IF_ERROR(SetPassword(tx, account, new_password, hash, profile.hashes));
    profile.record.password_reset_required = false;
    profile.record.password_changed = ctx.clock.Now();
    return tx.Upsert(ProfileRow(account, profile));
  });
}

Result<std::optional<LoginProfileRecord>> FindLoginProfile(store::StoreTx& tx,
                                                           const std::string& account,
                                                           const std::string& user_key) {
  IRSA_TRY(auto row, tx.Get({account, kind::kLoginProfile, user_key, kLoginKey}));
  if (!row) return std::optional<LoginProfileRecord>();
  IRSA_TRY(json::object o, store::ParseStoredObject(row->body, "login profile"));
  LoginProfileRecord out;
  out.user_name = store::JsonString(o, "user");
  out.created = SystemTime(std::chrono::nanoseconds(store::JsonInt(o, "created")));
  out.password_reset_required = JsonBool(o, "reset_required");
  out.password_changed = SystemTime(std::chrono::nanoseconds(store::JsonInt(o, "changed")));
  return std::optional<LoginProfileRecord>(std::move(out));
}

}  // namespace irsa::iam
