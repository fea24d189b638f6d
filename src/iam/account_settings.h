// Account-level IAM settings: the account alias (Create/Delete/ListAccountAliases) and the STS
// preferences (SetSecurityTokenServicePreferences, read by GetAccountSummary).
//
// Aliases: an account has at most quotas.aliases_per_account aliases (AWS: one). Creating an
// alias for an account that already has one replaces it, as AWS does; creating the account's
// own alias again succeeds and changes nothing. An alias is unique across every account of this
// irsa installation (on AWS: across AWS): EntityAlreadyExists "The account alias <a> already
// exists." when another account holds it. Thread-safe; each call is one transaction (writes are
// serialised by the store, so two accounts racing for one alias cannot both get it).
//
// Rows: account_alias (account, parent "", key = the alias, ref = the account id; body {"alias"})
// and account_setting (account, parent "", key = the setting's name; body {"value"}).
#pragma once

#include <string>

#include "base/result.h"
#include "iam/records.h"
#include "iam/service_context.h"

namespace irsa::iam {

namespace kind {
inline constexpr const char* kAccountAlias = "account_alias";
inline constexpr const char* kAccountSetting = "account_setting";
}  // namespace kind

// Whether `alias` matches the model's ^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$: 3-63 of
// [a-z0-9-], starting and ending with a letter or digit, no two hyphens in a row.
bool IsValidAccountAlias(std::string_view alias);
// AWS's ValidationError text for an invalid alias.
Error InvalidAccountAlias();

// ValidationError (InvalidAccountAlias) for an invalid alias; EntityAlreadyExists when another
// account holds it.
Status CreateAccountAlias(const ServiceContext& ctx, const std::string& account,
                          const std::string& alias);
// NoSuchEntity "The account alias <a> cannot be found." unless it is this account's alias.
Status DeleteAccountAlias(const ServiceContext& ctx, const std::string& account,
                          const std::string& alias);
// The account's aliases (zero or one), in key order.
Result<ListPage<std::string>> ListAccountAliases(const ServiceContext& ctx,
                                                 const std::string& account,
                                                 const std::string& marker, int max_items);

// The token version STS's global endpoint issues for the account: "v1Token" (the default) or
// "v2Token".
Result<std::string> GetGlobalEndpointTokenVersion(const ServiceContext& ctx,
                                                  const std::string& account);
// InvalidInput for a value other than v1Token/v2Token (the wire layer validates the enum first).
Status SetGlobalEndpointTokenVersion(const ServiceContext& ctx, const std::string& account,
                                     const std::string& version);

}  // namespace irsa::iam
