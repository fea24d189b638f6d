#include "oidc/outbound_issuers.h"

#include <boost/json.hpp>

#include "base/encoding.h"
#include "store/json_fields.h"

namespace irsa::oidc {
namespace json = boost::json;
namespace {

constexpr const char* kFederation = "outbound_federation";
constexpr const char* kFederationKey = "config";
constexpr const char* kSigningKey = "outbound_signing_key";
constexpr const char* kIssuerIndex = "outbound_issuer";
constexpr size_t kMaxCached = 10000;

int64_t Nanos(SystemTime t) { return t.time_since_epoch().count(); }
SystemTime FromNanos(int64_t n) { return SystemTime(std::chrono::nanoseconds(n)); }

std::string FederationBody(const OutboundFederation& f) {
  return json::serialize(json::object{{"account", f.account},
                                      {"id", f.id},
                                      {"issuer", f.issuer},
                                      {"enabled", f.enabled},
                                      {"created", Nanos(f.created)}});
}

Result<OutboundFederation> FederationFromBody(const std::string& body) {
  IRSA_TRY(json::object o, store::ParseStoredObject(body, "outbound federation"));
  OutboundFederation f;
  f.account = store::JsonString(o, "account");
  f.id = store::JsonString(o, "id");
  f.issuer = store::JsonString(o, "issuer");
  const json::value* enabled = o.if_contains("enabled");
  f.enabled = enabled != nullptr && enabled->is_bool() && enabled->as_bool();
  f.created = FromNanos(store::JsonInt(o, "created"));
  return f;
}

Error NeverEnabled() {
  return FeatureDisabled("Outbound web identity federation is not enabled for this account.");
}

}  // namespace

Error FeatureEnabled(std::string message) { return Error("FeatureEnabled", 409, message); }
Error FeatureDisabled(std::string message) { return Error("FeatureDisabled", 404, message); }

OutboundIssuers::OutboundIssuers(store::Store& store, const Clock& clock, Random& random,
                                 const std::string& issuer_base, OutboundIssuerOptions options)
    : store_(store),
      clock_(clock),
      random_(random),
      issuer_base_(issuer_base),
      options_(options),
      by_account_(store, kMaxCached),
      account_by_id_(store, kMaxCached) {}

Result<std::string> OutboundIssuers::Enable(const std::string& account) {
  if (issuer_base_.empty()) {
    return errors::ServiceFailure(
        "irsa has no issuer URL base to host the account issuer at: serve HTTPS or pass "
        "--issuer-url-base");
  }
  const SystemTime now = clock_.Now();
  // Keys are generated outside the transaction (RSA generation is slow); unused if the account
  // already has keys.
  std::vector<store::Row> key_rows;
  for (const char* alg : kOutboundAlgorithms) {
    IRSA_TRY(store::Row row, NewSigningKeyRow({account, kSigningKey, "", ""}, alg, now));
    key_rows.push_back(std::move(row));
  }
  OutboundFederation f;
  IRSA_RETURN_IF_ERROR(store_.Write([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(auto row, tx.Get({account, kFederation, "", kFederationKey}));
    if (row) {
      IRSA_TRY(f, FederationFromBody(row->body));
      if (f.enabled) {
        return FeatureEnabled(
            "Outbound web identity federation is already enabled for this account. Call "
            "GetOutboundWebIdentityFederationInfo for its issuer URL.");
      }
      f.enabled = true;
      store::Row changed = *row;
      changed.body = FederationBody(f);
      return tx.Upsert(changed);
    }
    f.account = account;
    f.id = HexEncode(random_.Bytes(16));
    f.issuer = issuer_base_ + "/outbound/" + f.id;
    f.enabled = true;
    f.created = now;
    store::Row record;
    record.id = {account, kFederation, "", kFederationKey};
    record.body = FederationBody(f);
    IRSA_RETURN_IF_ERROR(tx.Insert(record));
    store::Row index;
    index.id = {"", kIssuerIndex, "", f.id};
    index.ref = account;
    index.body = json::serialize(json::object{{"account", account}});
    IRSA_RETURN_IF_ERROR(tx.Insert(index));
    for (const store::Row& key : key_rows) IRSA_RETURN_IF_ERROR(tx.Insert(key));
    return OkStatus();
  }));
  return f.issuer;
}

Status OutboundIssuers::Disable(const std::string& account) {
  return store_.Write([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(auto row, tx.Get({account, kFederation, "", kFederationKey}));
    if (!row) return NeverEnabled();
    IRSA_TRY(OutboundFederation f, FederationFromBody(row->body));
    if (!f.enabled) {
      return FeatureDisabled(
          "Outbound web identity federation is already disabled for this account.");
    }
    f.enabled = false;
    store::Row changed = *row;
    changed.body = FederationBody(f);
    return tx.Upsert(changed);
  });
}

Result<std::optional<OutboundFederation>> OutboundIssuers::LoadFederation(
    const std::string& account) {
  std::optional<store::Row> row;
  IRSA_RETURN_IF_ERROR(store_.Read([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(row, tx.Get({account, kFederation, "", kFederationKey}));
    return OkStatus();
  }));
  std::optional<OutboundFederation> out;
  if (row) {
    IRSA_TRY(OutboundFederation f, FederationFromBody(row->body));
    out = std::move(f);
  }
  return out;
}

Result<OutboundFederation> OutboundIssuers::Info(const std::string& account) {
  IRSA_TRY(std::optional<OutboundFederation> f, LoadFederation(account));
  if (!f) return NeverEnabled();
  return *f;
}

Status OutboundIssuers::RotateKeys(const std::string& account) {
  const SystemTime now = clock_.Now();
  std::vector<store::Row> key_rows;
  for (const char* alg : kOutboundAlgorithms) {
    IRSA_TRY(store::Row row, NewSigningKeyRow({account, kSigningKey, "", ""}, alg, now));
    key_rows.push_back(std::move(row));
  }
  return store_.Write([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(auto exists, tx.Get({account, kFederation, "", kFederationKey}));
    if (!exists) return NeverEnabled();
    IRSA_TRY(store::Page page,
             tx.List({.account = account, .kind = kSigningKey, .parent = "", .limit = 1000}));
    for (const auto& row : page.rows) {
      IRSA_TRY(StoredSigningKey k, SigningKeyFromRow(row));
      if (k.info.retired) {
        if (SigningKeyExpired(k.info, now, options_.max_token_lifetime_seconds)) {
          IRSA_TRY(bool deleted, tx.Delete(row.id));
          (void)deleted;
        }
        continue;
      }
      k.info.retired = now;
      store::Row retired = row;
      retired.body = SigningKeyBody(k.info);
      IRSA_RETURN_IF_ERROR(tx.Upsert(retired));
    }
    for (const store::Row& key : key_rows) IRSA_RETURN_IF_ERROR(tx.Insert(key));
    return OkStatus();
  });
}

Result<int> OutboundIssuers::RotateDueKeys(int64_t period_seconds) {
  if (period_seconds <= 0) return 0;
  const SystemTime now = clock_.Now();
  std::vector<std::string> due;
  IRSA_RETURN_IF_ERROR(store_.Read([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(store::Page index, tx.List({.account = "", .kind = kIssuerIndex, .limit = 100000}));
    for (const auto& entry : index.rows) {
      IRSA_TRY(store::Page keys,
               tx.List({.account = entry.ref, .kind = kSigningKey, .parent = "", .limit = 1000}));
      for (const auto& row : keys.rows) {
        IRSA_TRY(StoredSigningKey k, SigningKeyFromRow(row));
        if (!k.info.retired && now - k.info.created >= std::chrono::seconds(period_seconds)) {
          due.push_back(entry.ref);
          break;
        }
      }
    }
    return OkStatus();
  }));
  for (const std::string& account : due) IRSA_RETURN_IF_ERROR(RotateKeys(account));
  return static_cast<int>(due.size());
}

Result<std::optional<std::shared_ptr<const AccountIssuer>>> OutboundIssuers::ForAccount(
    const std::string& account) {
  return by_account_.GetOrLoad(account, [&] { return Load(account); });
}

Result<std::optional<std::shared_ptr<const AccountIssuer>>> OutboundIssuers::Load(
    const std::string& account) {
  using Found = std::optional<std::shared_ptr<const AccountIssuer>>;
  IRSA_TRY(std::optional<OutboundFederation> f, LoadFederation(account));
  if (!f) return Found();
  std::vector<StoredSigningKey> stored;
  IRSA_RETURN_IF_ERROR(store_.Read([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(store::Page page,
             tx.List({.account = account, .kind = kSigningKey, .parent = "", .limit = 1000}));
    for (const auto& row : page.rows) {
      IRSA_TRY(StoredSigningKey k, SigningKeyFromRow(row));
      stored.push_back(std::move(k));
    }
    return OkStatus();
  }));
  IRSA_TRY(PublishedKeys published,
           BuildPublishedKeys(stored, clock_.Now(), options_.max_token_lifetime_seconds));
  auto issuer = std::make_shared<AccountIssuer>();
  issuer->federation = std::move(*f);
  issuer->published = std::move(published.keys);
  issuer->active = std::move(published.active);
  issuer->jwks_json = std::move(published.jwks_json);
  const std::string& url = issuer->federation.issuer;
  issuer->discovery_json = json::serialize(
      json::object{{"issuer", url},
                   {"jwks_uri", url + "/.well-known/jwks.json"},
                   {"response_types_supported", json::array{"id_token"}},
                   {"subject_types_supported", json::array{"public"}},
                   {"id_token_signing_alg_values_supported", json::array{"RS256", "ES384"}},
                   {"claims_supported", json::array{"aud", "exp", "iat", "iss", "jti", "nbf", "sub",
                                                    "https://sts.amazonaws.com/"}}});
  return Found(std::shared_ptr<const AccountIssuer>(std::move(issuer)));
}

Result<std::optional<std::shared_ptr<const AccountIssuer>>> OutboundIssuers::IssuerById(
    const std::string& id) {
  using Found = std::optional<std::shared_ptr<const AccountIssuer>>;
  IRSA_TRY(std::string account, account_by_id_.GetOrLoad(id, [&]() -> Result<std::string> {
    std::optional<store::Row> index;
    IRSA_RETURN_IF_ERROR(store_.Read([&](store::StoreTx& tx) -> Status {
      IRSA_TRY(index, tx.Get({"", kIssuerIndex, "", id}));
      return OkStatus();
    }));
    return index ? index->ref : std::string();
  }));
  if (account.empty()) return Found();
  IRSA_TRY(Found issuer, ForAccount(account));
  if (issuer && (*issuer)->federation.id != id) return Found();
  return issuer;
}

}  // namespace irsa::oidc
