#include "iam/oidc_providers.h"

#include <algorithm>
#include <cctype>

#include "base/arn.h"
#include "base/strings.h"
#include "iam/lookup.h"
#include "iam/tags.h"
#include "iam/validation.h"

namespace irsa::iam {
namespace {

Error InvalidUrl() { return errors::InvalidInput("Invalid Open ID Connect Provider URL"); }

Error NoSuchProvider(const std::string& arn) {
  return errors::NoSuchEntity("OpenIDConnect Provider not found for arn " + arn);
}

Status ValidateClientIds(const std::vector<std::string>& ids, int64_t quota) {
  for (size_t i = 0; i < ids.size(); ++i) {
    size_t n = Utf8Length(ids[i]);
    if (n < 1 || n > 255) {
      return ConstraintError(ids[i], "clientIDList." + std::to_string(i + 1) + ".member",
                             n < 1 ? "Member must have length greater than or equal to 1"
                                   : "Member must have length less than or equal to 255");
    }
  }
  if (static_cast<int64_t>(ids.size()) > quota) {
    return errors::LimitExceeded("Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: " +
                                 std::to_string(quota));
  }
  return OkStatus();
}

Status ValidateThumbprints(const std::vector<std::string>& thumbprints, int64_t quota) {
  if (static_cast<int64_t>(thumbprints.size()) > quota) {
    return errors::InvalidInput("Thumbprint list must contain fewer than " +
                                std::to_string(quota + 1) + " entries.");
  }
  for (size_t i = 0; i < thumbprints.size(); ++i) {
    const std::string& t = thumbprints[i];
    if (t.size() != 40) {
      return ConstraintError(t, "thumbprintList." + std::to_string(i + 1) + ".member",
                             t.size() < 40 ? "Member must have length greater than or equal to 40"
                                           : "Member must have length less than or equal to 40");
    }
    for (unsigned char c : t) {
      if (!std::isxdigit(c)) {
        return errors::InvalidInput("Thumbprint " + t + " is not a valid hex string.");
      }
    }
  }
  return OkStatus();
}

std::vector<std::string> Dedupe(const std::vector<std::string>& values) {
  std::vector<std::string> out;
  for (const auto& v : values) {
    if (std::find(out.begin(), out.end(), v) == out.end()) out.push_back(v);
  }
  return out;
}

// The row key of a provider ARN of `account`; nullopt if the ARN names another account.
Result<std::optional<std::string>> KeyFromArn(const std::string& account, const std::string& arn) {
  std::optional<Arn> parsed = Arn::Parse(arn);
  constexpr std::string_view kPrefix = "oidc-provider/";
  if (!parsed || parsed->service != "iam" || !parsed->resource.starts_with(kPrefix) ||
      parsed->resource.size() == kPrefix.size()) {
    return InvalidArn(arn);
  }
  if (parsed->account != account) return std::optional<std::string>();
  return std::optional<std::string>(parsed->resource.substr(kPrefix.size()));
}

struct LoadedProvider {
  store::Row row;
  OidcProviderRecord record;
};

Result<std::optional<LoadedProvider>> FindProvider(store::StoreTx& tx, const std::string& account,
                                                   const std::string& arn) {
  IRSA_TRY(auto key, KeyFromArn(account, arn));
  if (!key) return std::optional<LoadedProvider>();
  IRSA_TRY(auto row, tx.Get({account, kind::kOidcProvider, "", *key}));
  if (!row) return std::optional<LoadedProvider>();
  IRSA_TRY(OidcProviderRecord record, OidcProviderFromBody(row->body));
  return std::optional<LoadedProvider>(LoadedProvider{std::move(*row), std::move(record)});
}

Result<LoadedProvider> LoadProvider(store::StoreTx& tx, const std::string& account,
                                    const std::string& arn) {
  IRSA_TRY(auto found, FindProvider(tx, account, arn));
  if (!found) return NoSuchProvider(arn);
  return std::move(*found);
}

// Loads, applies `change`, writes back; one transaction.
Status Modify(const ServiceContext& ctx, const std::string& account, const std::string& arn,
              const std::function<Status(OidcProviderRecord&)>& change) {
  return ctx.store.Write([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(LoadedProvider loaded, LoadProvider(tx, account, arn));
    IRSA_RETURN_IF_ERROR(change(loaded.record));
    return tx.Upsert(OidcProviderRow(account, loaded.record));
  });
}

}  // namespace

Result<std::string> NormalizeOidcUrl(const std::string& url, bool allow_missing_scheme) {
  if (url.empty() || url.size() > 255) {
    return ConstraintError(url, "url",
                           url.empty() ? "Member must have length greater than or equal to 1"
                                       : "Member must have length less than or equal to 255");
  }
  std::string rest;
  if (StartsWithIgnoreCase(url, "https://")) {
    rest = url.substr(8);
  } else if (allow_missing_scheme && url.find("://") == std::string::npos) {
    rest = url;
  } else {
    return InvalidUrl();
  }
  if (rest.find_first_of("?#@ \t\r\n\\") != std::string::npos) return InvalidUrl();
  size_t slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  std::string path = slash == std::string::npos ? "" : rest.substr(slash);
  if (authority.empty()) return InvalidUrl();
  size_t colon = authority.rfind(':');
  if (colon != std::string::npos) {
    std::string port = authority.substr(colon + 1);
    if (port.empty() || port.size() > 5 ||
        !std::all_of(port.begin(), port.end(), [](unsigned char c) { return std::isdigit(c); }) ||
        std::stoi(port) == 0 || std::stoi(port) > 65535) {
      return InvalidUrl();
    }
    if (port == "443") authority.resize(colon);
    if (authority.empty() || authority.back() == ':') return InvalidUrl();
  }
  while (!path.empty() && path.back() == '/') path.pop_back();
  if (path.find("//") != std::string::npos) return InvalidUrl();
  return authority + path;
}

Result<OidcProviderRecord> CreateOpenIDConnectProvider(const ServiceContext& ctx,
                                                       const std::string& account,
                                                       const CreateOidcProviderInput& input) {
  IRSA_TRY(std::string url, NormalizeOidcUrl(input.url));
  IRSA_RETURN_IF_ERROR(
      ValidateClientIds(input.client_ids, ctx.quotas.client_ids_per_oidc_provider));
  IRSA_RETURN_IF_ERROR(
      ValidateThumbprints(input.thumbprints, ctx.quotas.thumbprints_per_oidc_provider));
  IRSA_RETURN_IF_ERROR(
      ValidateTags(input.tags, ctx.quotas.tags_per_resource, "OpenIdConnectProvider"));
  OidcProviderRecord provider;
  provider.url = url;
  provider.arn = OidcProviderArn(account, url);
  provider.client_ids = Dedupe(input.client_ids);
  provider.thumbprints = Dedupe(input.thumbprints);
  provider.created = ctx.clock.Now();
  provider.tags = input.tags;
  IRSA_RETURN_IF_ERROR(ctx.store.Write([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(int64_t count, tx.Count({.account = account, .kind = kind::kOidcProvider}));
    if (count >= ctx.quotas.oidc_providers_per_account) {
      return errors::LimitExceeded("Cannot exceed quota for OpenIdConnectProvidersPerAccount: " +
                                   std::to_string(ctx.quotas.oidc_providers_per_account));
    }
    Status inserted = tx.Insert(OidcProviderRow(account, provider));
    if (!inserted.ok() && inserted.error().code() == "EntityAlreadyExists") {
      return errors::EntityAlreadyExists("Provider with url https://" + url + " already exists.");
    }
    return inserted;
  }));
  return provider;
}

Result<OidcProviderRecord> GetOpenIDConnectProvider(const ServiceContext& ctx,
                                                    const std::string& account,
                                                    const std::string& arn) {
  OidcProviderRecord out;
  IRSA_RETURN_IF_ERROR(ctx.store.ReadCached([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(LoadedProvider loaded, LoadProvider(tx, account, arn));
    out = std::move(loaded.record);
    return OkStatus();
  }));
  return out;
}

Result<std::vector<OidcProviderRecord>> ListOpenIDConnectProviders(const ServiceContext& ctx,
                                                                   const std::string& account) {
  std::vector<OidcProviderRecord> out;
  IRSA_RETURN_IF_ERROR(ctx.store.Read([&](store::StoreTx& tx) -> Status {
    store::ListQuery query{.account = account, .kind = kind::kOidcProvider};
    query.limit = 100000;
    IRSA_TRY(store::Page page, tx.List(query));
    for (const auto& row : page.rows) {
      IRSA_TRY(OidcProviderRecord provider, OidcProviderFromBody(row.body));
      out.push_back(std::move(provider));
    }
    return OkStatus();
  }));
  return out;
}

Status DeleteOpenIDConnectProvider(const ServiceContext& ctx, const std::string& account,
                                   const std::string& arn) {
  return ctx.store.Write([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(auto key, KeyFromArn(account, arn));
    if (!key) return OkStatus();
    IRSA_TRY(bool deleted, tx.Delete({account, kind::kOidcProvider, "", *key}));
    (void)deleted;
    return OkStatus();
  });
}

Status AddClientIDToOpenIDConnectProvider(const ServiceContext& ctx, const std::string& account,
                                          const std::string& arn, const std::string& client_id) {
  IRSA_RETURN_IF_ERROR(ValidateClientIds({client_id}, ctx.quotas.client_ids_per_oidc_provider));
  return Modify(ctx, account, arn, [&](OidcProviderRecord& provider) -> Status {
    auto& ids = provider.client_ids;
    if (std::find(ids.begin(), ids.end(), client_id) != ids.end()) return OkStatus();
    if (static_cast<int64_t>(ids.size()) >= ctx.quotas.client_ids_per_oidc_provider) {
      return errors::LimitExceeded("Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: " +
                                   std::to_string(ctx.quotas.client_ids_per_oidc_provider));
    }
    ids.push_back(client_id);
    return OkStatus();
  });
}

Status RemoveClientIDFromOpenIDConnectProvider(const ServiceContext& ctx,
                                               const std::string& account, const std::string& arn,
                                               const std::string& client_id) {
  return Modify(ctx, account, arn, [&](OidcProviderRecord& provider) -> Status {
    std::erase(provider.client_ids, client_id);
    return OkStatus();
  });
}

Status UpdateOpenIDConnectProviderThumbprint(const ServiceContext& ctx, const std::string& account,
                                             const std::string& arn,
                                             const std::vector<std::string>& thumbprints) {
  IRSA_RETURN_IF_ERROR(ValidateThumbprints(thumbprints, ctx.quotas.thumbprints_per_oidc_provider));
  return Modify(ctx, account, arn, [&](OidcProviderRecord& provider) -> Status {
    provider.thumbprints = Dedupe(thumbprints);
    return OkStatus();
  });
}

Status TagOpenIDConnectProvider(const ServiceContext& ctx, const std::string& account,
                                const std::string& arn, const std::vector<Tag>& tags) {
  IRSA_RETURN_IF_ERROR(ValidateTags(tags, ctx.quotas.tags_per_resource, "OpenIdConnectProvider"));
  return Modify(ctx, account, arn, [&](OidcProviderRecord& provider) -> Status {
    return MergeTags(provider.tags, tags, ctx.quotas.tags_per_resource, "OpenIdConnectProvider");
  });
}

Status UntagOpenIDConnectProvider(const ServiceContext& ctx, const std::string& account,
                                  const std::string& arn, const std::vector<std::string>& keys) {
  IRSA_RETURN_IF_ERROR(ValidateTagKeys(keys));
  return Modify(ctx, account, arn, [&](OidcProviderRecord& provider) -> Status {
    RemoveTags(provider.tags, keys);
    return OkStatus();
  });
}

Result<ListPage<Tag>> ListOpenIDConnectProviderTags(const ServiceContext& ctx,
                                                    const std::string& account,
                                                    const std::string& arn,
                                                    const std::string& marker, int max_items) {
  IRSA_TRY(OidcProviderRecord provider, GetOpenIDConnectProvider(ctx, account, arn));
  return PageTags(provider.tags, marker, max_items);
}

Result<std::optional<OidcProviderRecord>> FindOidcProviderByUrl(const ServiceContext& ctx,
                                                                const std::string& account,
                                                                const std::string& issuer_url) {
  auto key = NormalizeOidcUrl(issuer_url, /*allow_missing_scheme=*/true);
  std::optional<OidcProviderRecord> out;
  if (!key) return out;
  IRSA_RETURN_IF_ERROR(ctx.store.Read([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(auto row, tx.Get({account, kind::kOidcProvider, "", *key}));
    if (!row) return OkStatus();
    IRSA_TRY(out, OidcProviderFromBody(row->body));
    return OkStatus();
  }));
  return out;
}

}  // namespace irsa::iam
