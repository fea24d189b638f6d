// IAM OpenID Connect identity providers: Create/Get/List/DeleteOpenIDConnectProvider,
// Add/RemoveClientID…, UpdateOpenIDConnectProviderThumbprint, Tag/Untag/List…Tags, and the
// lookup STS uses (FindOidcProviderByUrl).
//
// URL normalisation (the provider's key, its Url and the tail of its ARN): "https://" is
// required and stripped, a default ":443" port is stripped (eksctl sends it, then computes the
// ARN without it), trailing slashes are stripped; a query, fragment, user info or empty host is
// InvalidInput. Host and path stay case-sensitive. ARN: arn:aws:iam::<acct>:oidc-provider/<url>.
// Thread-safe; one transaction per call.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "iam/records.h"
#include "iam/service_context.h"

namespace irsa::iam {

// "https://Host:443/id/X/" -> "Host/id/X". InvalidInput "Invalid Open ID Connect Provider URL"
// for anything else than https://host[:port][/path]. `issuer` may omit "https://" when
// `allow_missing_scheme` (lookups from STS by token issuer).
Result<std::string> NormalizeOidcUrl(const std::string& url, bool allow_missing_scheme = false);

struct CreateOidcProviderInput {
  std::string url;
  std::vector<std::string> client_ids;   // each 1..255; duplicates collapse
  std::vector<std::string> thumbprints;  // optional; each 40 hex characters; at most 5
  std::vector<Tag> tags;
};

// Errors: InvalidInput (URL, thumbprints), ValidationError (lengths), LimitExceeded (client ids
// "Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: <n>", providers per account),
// EntityAlreadyExists "Provider with url <url> already exists.".
Result<OidcProviderRecord> CreateOpenIDConnectProvider(const ServiceContext& ctx,
                                                       const std::string& account,
                                                       const CreateOidcProviderInput& input);
// NoSuchEntity "OpenIDConnect Provider not found for arn <arn>"
Result<OidcProviderRecord> GetOpenIDConnectProvider(const ServiceContext& ctx,
                                                    const std::string& account,
                                                    const std::string& arn);
// Every provider of the account (no pagination, as AWS), ordered by URL.
Result<std::vector<OidcProviderRecord>> ListOpenIDConnectProviders(const ServiceContext& ctx,
                                                                   const std::string& account);
// Idempotent: deleting an absent provider succeeds. Roles trusting it are not touched.
Status DeleteOpenIDConnectProvider(const ServiceContext& ctx, const std::string& account,
                                   const std::string& arn);
// Idempotent for an existing id.
Status AddClientIDToOpenIDConnectProvider(const ServiceContext& ctx, const std::string& account,
                                          const std::string& arn, const std::string& client_id);
// Idempotent for an absent id.
Status RemoveClientIDFromOpenIDConnectProvider(const ServiceContext& ctx,
                                               const std::string& account, const std::string& arn,
                                               const std::string& client_id);
// Replaces the list.
Status UpdateOpenIDConnectProviderThumbprint(const ServiceContext& ctx, const std::string& account,
                                             const std::string& arn,
                                             const std::vector<std::string>& thumbprints);
Status TagOpenIDConnectProvider(const ServiceContext& ctx, const std::string& account,
                                const std::string& arn, const std::vector<Tag>& tags);
Status UntagOpenIDConnectProvider(const ServiceContext& ctx, const std::string& account,
                                  const std::string& arn, const std::vector<std::string>& keys);
Result<ListPage<Tag>> ListOpenIDConnectProviderTags(const ServiceContext& ctx,
                                                    const std::string& account,
                                                    const std::string& arn,
                                                    const std::string& marker, int max_items);

// The provider of `account` for a token issuer ("https://host/path", or without scheme);
// nullopt if none (or the issuer is not a valid provider URL).
Result<std::optional<OidcProviderRecord>> FindOidcProviderByUrl(const ServiceContext& ctx,
                                                                const std::string& account,
                                                                const std::string& issuer_url);

}  // namespace irsa::iam
