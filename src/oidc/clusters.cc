#include "oidc/clusters.h"

#include <algorithm>

#include <boost/json.hpp>

#include "base/encoding.h"
#include "base/strings.h"
#include "crypto/signature.h"
#include "store/json_fields.h"

namespace irsa::oidc {
namespace json = boost::json;
namespace {

constexpr const char* kCluster = "cluster";
constexpr const char* kSigningKey = "signing_key";
constexpr const char* kIssuerIndex = "issuer";
constexpr size_t kMaxCachedIssuers = 10000;

int64_t Nanos(SystemTime t) { return t.time_since_epoch().count(); }
SystemTime FromNanos(int64_t n) { return SystemTime(std::chrono::nanoseconds(n)); }

std::string ClusterBody(const ClusterRecord& c) {
  json::object tags;
  for (const auto& [key, value] : c.tags) tags[key] = value;
  return json::serialize(json::object{{"name", c.name},
                                      {"account", c.account},
                                      {"id", c.id},
                                      {"issuer", c.issuer},
                                      {"arn", c.arn},
                                      {"region", c.region},
                                      {"alg", c.key_algorithm},
                                      {"version", c.kubernetes_version},
                                      {"created", Nanos(c.created)},
                                      {"tags", std::move(tags)},
                                      {"auth_mode", c.authentication_mode},
                                      {"bootstrap_admin", c.bootstrap_cluster_creator_admin}});
}

Result<ClusterRecord> ClusterFromBody(const std::string& body) {
  IRSA_TRY(json::object o, store::ParseStoredObject(body, "cluster"));
  ClusterRecord c;
  c.name = store::JsonString(o, "name");
  c.account = store::JsonString(o, "account");
  c.id = store::JsonString(o, "id");
  c.issuer = store::JsonString(o, "issuer");
  c.arn = store::JsonString(o, "arn");
  c.region = store::JsonString(o, "region");
  c.key_algorithm = store::JsonString(o, "alg");
  c.kubernetes_version = store::JsonString(o, "version");
  c.created = FromNanos(store::JsonInt(o, "created"));
  if (const json::value* tags = o.if_contains("tags"); tags != nullptr && tags->is_object()) {
    for (const auto& [key, value] : tags->as_object()) {
      if (value.is_string()) c.tags.emplace_back(std::string(key), std::string(value.as_string()));
    }
    std::sort(c.tags.begin(), c.tags.end());
  }
  if (std::string mode = store::JsonString(o, "auth_mode"); !mode.empty()) {
    c.authentication_mode = std::move(mode);
  }
  if (const json::value* b = o.if_contains("bootstrap_admin"); b != nullptr && b->is_bool()) {
    c.bootstrap_cluster_creator_admin = b->as_bool();
  }
  return c;
}

Status ValidateName(const std::string& name) {
  // EKS: 1-100 characters, [0-9A-Za-z][A-Za-z0-9\-_]*
  bool ok =
      !name.empty() && name.size() <= 100 && std::isalnum(static_cast<unsigned char>(name[0]));
  for (char c : name)
    ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_');
  if (!ok) {
    return errors::InvalidParameterException(
        "The cluster name " + name +
        " is invalid: it must be 1-100 characters of [0-9A-Za-z][A-Za-z0-9-_]*.");
  }
  return OkStatus();
}

Error NoCluster(const std::string& name) {
  return errors::ResourceNotFoundException("No cluster found for name: " + name + ".");
}

Result<store::Row> NewKeyRow(const std::string& account, const std::string& cluster,
                             const std::string& algorithm, SystemTime now) {
  return NewSigningKeyRow({account, kSigningKey, cluster, ""}, algorithm, now);
}

}  // namespace

ClusterRegistry::ClusterRegistry(store::Store& store, const Clock& clock, Random& random,
                                 ClusterOptions options)
    : store_(store),
      clock_(clock),
      random_(random),
      options_(std::move(options)),
      by_id_(store, kMaxCachedIssuers) {}

Result<ClusterRecord> ClusterRegistry::Create(const std::string& account, const std::string& name,
                                              const std::string& key_algorithm) {
  return Create(account, ClusterSpec{.name = name, .key_algorithm = key_algorithm});
}

Result<ClusterRecord> ClusterRegistry::Create(const std::string& account, const ClusterSpec& spec) {
  const std::string& name = spec.name;
  const std::string& key_algorithm = spec.key_algorithm;
  IRSA_RETURN_IF_ERROR(ValidateName(name));
  if (key_algorithm != "ES256" && key_algorithm != "RS256") {
    return errors::InvalidParameterException("Signing key algorithm must be ES256 or RS256, got " +
                                             key_algorithm + ".");
  }
  ClusterRecord c;
  c.name = name;
  c.account = account;
  c.id = AsciiUpper(HexEncode(random_.Bytes(16)));
  c.issuer = options_.issuer_base + "/id/" + c.id;
  c.region = options_.region;
  c.arn = "arn:aws:eks:" + c.region + ":" + account + ":cluster/" + name;
  c.key_algorithm = key_algorithm;
  if (!spec.kubernetes_version.empty()) c.kubernetes_version = spec.kubernetes_version;
  c.tags = spec.tags;
  std::sort(c.tags.begin(), c.tags.end());
  c.authentication_mode = spec.authentication_mode;
  c.bootstrap_cluster_creator_admin = spec.bootstrap_cluster_creator_admin;
  c.created = clock_.Now();
  IRSA_TRY(store::Row key_row, NewKeyRow(account, name, key_algorithm, c.created));
  IRSA_RETURN_IF_ERROR(store_.Write([&](store::StoreTx& tx) -> Status {
    store::Row row;
    row.id = {account, kCluster, "", name};
    row.body = ClusterBody(c);
    Status inserted = tx.Insert(row);
    if (!inserted.ok() && inserted.error().code() == "EntityAlreadyExists") {
      return errors::ResourceInUseException("Cluster already exists with name: " + name);
    }
    IRSA_RETURN_IF_ERROR(inserted);
    store::Row index;
    index.id = {"", kIssuerIndex, "", c.id};
    index.ref = account;
    index.body = json::serialize(json::object{{"account", account}, {"name", name}});
    IRSA_RETURN_IF_ERROR(tx.Insert(index));
    return tx.Insert(key_row);
  }));
  return c;
}

Result<ClusterRecord> ClusterRegistry::Get(const std::string& account, const std::string& name) {
  std::optional<store::Row> row;
  IRSA_RETURN_IF_ERROR(store_.Read([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(row, tx.Get({account, kCluster, "", name}));
    return OkStatus();
  }));
  if (!row) return NoCluster(name);
  return ClusterFromBody(row->body);
}

Result<std::vector<ClusterRecord>> ClusterRegistry::List(const std::string& account) {
  std::vector<ClusterRecord> out;
  IRSA_RETURN_IF_ERROR(store_.Read([&](store::StoreTx& tx) -> Status {
    store::ListQuery query{.account = account, .kind = kCluster, .limit = 10000};
    IRSA_TRY(store::Page page, tx.List(query));
    for (const auto& row : page.rows) {
      IRSA_TRY(ClusterRecord c, ClusterFromBody(row.body));
      out.push_back(std::move(c));
    }
    return OkStatus();
  }));
  return out;
}

Status ClusterRegistry::Delete(const std::string& account, const std::string& name) {
  return store_.Write([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(auto row, tx.Get({account, kCluster, "", name}));
    if (!row) return NoCluster(name);
    IRSA_TRY(ClusterRecord c, ClusterFromBody(row->body));
    IRSA_TRY(bool deleted, tx.Delete(row->id));
    (void)deleted;
    IRSA_TRY(bool index_deleted, tx.Delete({"", kIssuerIndex, "", c.id}));
    (void)index_deleted;
    IRSA_TRY(int64_t keys, tx.DeleteChildren(account, kSigningKey, name));
    (void)keys;
    return OkStatus();
  });
}

Result<ClusterRecord> ClusterRegistry::UpdateTags(
    const std::string& account, const std::string& name,
    const std::vector<std::pair<std::string, std::string>>& set,
    const std::vector<std::string>& remove) {
  ClusterRecord updated;
  IRSA_RETURN_IF_ERROR(store_.Write([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(auto row, tx.Get({account, kCluster, "", name}));
    if (!row) return NoCluster(name);
    IRSA_TRY(ClusterRecord c, ClusterFromBody(row->body));
    std::erase_if(c.tags, [&](const auto& tag) {
      return std::find(remove.begin(), remove.end(), tag.first) != remove.end();
    });
    for (const auto& [key, value] : set) {
      auto it = std::find_if(c.tags.begin(), c.tags.end(),
                             [&key = key](const auto& tag) { return tag.first == key; });
      if (it == c.tags.end()) {
        c.tags.emplace_back(key, value);
      } else {
        it->second = value;
      }
    }
    std::sort(c.tags.begin(), c.tags.end());
    store::Row changed = *row;
    changed.body = ClusterBody(c);
    IRSA_RETURN_IF_ERROR(tx.Upsert(changed));
    updated = std::move(c);
    return OkStatus();
  }));
  return updated;
}

Result<std::string> ClusterRegistry::RotateKeys(const std::string& account,
                                                const std::string& name) {
  IRSA_TRY(ClusterRecord c, Get(account, name));
  const SystemTime now = clock_.Now();
  IRSA_TRY(store::Row key_row, NewKeyRow(account, name, c.key_algorithm, now));
  const std::string kid = key_row.id.key;
  IRSA_RETURN_IF_ERROR(store_.Write([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(auto exists, tx.Get({account, kCluster, "", name}));
    if (!exists) return NoCluster(name);
    IRSA_TRY(store::Page page,
             tx.List({.account = account, .kind = kSigningKey, .parent = name, .limit = 1000}));
    for (const auto& row : page.rows) {
      IRSA_TRY(StoredSigningKey k, SigningKeyFromRow(row));
      if (k.info.retired) {
        // Past its publication window: no unexpired token can name it any more.
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
    return tx.Insert(key_row);
  }));
  return kid;
}

Result<std::vector<SigningKeyInfo>> ClusterRegistry::ListKeys(const std::string& account,
                                                              const std::string& name) {
  IRSA_TRY(ClusterRecord c, Get(account, name));
  std::vector<SigningKeyInfo> out;
  IRSA_RETURN_IF_ERROR(store_.Read([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(store::Page page,
             tx.List({.account = account, .kind = kSigningKey, .parent = c.name, .limit = 1000}));
    for (const auto& row : page.rows) {
      IRSA_TRY(StoredSigningKey k, SigningKeyFromRow(row));
      out.push_back(k.info);
    }
    return OkStatus();
  }));
  return out;
}

Result<int> ClusterRegistry::RotateDueKeys() {
  if (options_.rotation_period_seconds <= 0) return 0;
  std::vector<std::pair<std::string, std::string>> due;
  const SystemTime now = clock_.Now();
  IRSA_RETURN_IF_ERROR(store_.Read([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(store::Page index, tx.List({.account = "", .kind = kIssuerIndex, .limit = 100000}));
    for (const auto& entry : index.rows) {
      IRSA_TRY(json::object o, store::ParseStoredObject(entry.body, "issuer index"));
      const std::string account = store::JsonString(o, "account"),
                        name = store::JsonString(o, "name");
      IRSA_TRY(store::Page keys,
               tx.List({.account = account, .kind = kSigningKey, .parent = name, .limit = 1000}));
      for (const auto& row : keys.rows) {
        IRSA_TRY(StoredSigningKey k, SigningKeyFromRow(row));
        if (!k.info.retired &&
            now - k.info.created >= std::chrono::seconds(options_.rotation_period_seconds)) {
          due.emplace_back(account, name);
        }
      }
    }
    return OkStatus();
  }));
  for (const auto& [account, name] : due) {
    IRSA_TRY(std::string kid, RotateKeys(account, name));
    (void)kid;
  }
  return static_cast<int>(due.size());
}

Result<std::shared_ptr<const HostedIssuer>> ClusterRegistry::Build(const ClusterRecord& cluster) {
  auto issuer = std::make_shared<HostedIssuer>();
  issuer->cluster = cluster;
  const SystemTime now = clock_.Now();
  std::vector<StoredSigningKey> stored;
  IRSA_RETURN_IF_ERROR(store_.Read([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(store::Page page, tx.List({.account = cluster.account,
                                        .kind = kSigningKey,
                                        .parent = cluster.name,
                                        .limit = 1000}));
    for (const auto& row : page.rows) {
      IRSA_TRY(StoredSigningKey k, SigningKeyFromRow(row));
      stored.push_back(std::move(k));
    }
    return OkStatus();
  }));
  IRSA_TRY(PublishedKeys published,
           BuildPublishedKeys(stored, now, options_.max_token_lifetime_seconds));
  // A cluster signs with one algorithm: its newest active key of that algorithm.
  if (auto it = published.active.find(cluster.key_algorithm); it != published.active.end()) {
    issuer->active_kid = it->second.kid;
    issuer->active_algorithm = it->second.algorithm;
    issuer->active_key = it->second.key;
  }
  if (!issuer->active_key) {
    return errors::ServiceFailure("cluster " + cluster.name + " has no active signing key");
  }
  issuer->published = std::move(published.keys);
  issuer->jwks_json = std::move(published.jwks_json);
  issuer->discovery_json = json::serialize(
      json::object{{"issuer", cluster.issuer},
                   {"jwks_uri", cluster.issuer + "/keys"},
                   {"authorization_endpoint", "urn:kubernetes:programmatic_authorization"},
                   {"response_types_supported", json::array{"id_token"}},
                   {"subject_types_supported", json::array{"public"}},
                   {"id_token_signing_alg_values_supported", json::array{"ES256", "RS256"}},
                   {"claims_supported", json::array{"sub", "iss"}}});
  return std::shared_ptr<const HostedIssuer>(std::move(issuer));
}

Result<std::optional<std::shared_ptr<const HostedIssuer>>> ClusterRegistry::IssuerById(
    const std::string& id) {
  return by_id_.GetOrLoad(id, [&] { return LoadIssuer(id); });
}

Result<std::optional<std::shared_ptr<const HostedIssuer>>> ClusterRegistry::LoadIssuer(
    const std::string& id) {
  std::optional<store::Row> index;
  IRSA_RETURN_IF_ERROR(store_.Read([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(index, tx.Get({"", kIssuerIndex, "", id}));
    return OkStatus();
  }));
  std::optional<std::shared_ptr<const HostedIssuer>> result;
  if (index) {
    IRSA_TRY(json::object o, store::ParseStoredObject(index->body, "issuer index"));
    Result<ClusterRecord> cluster =
        Get(store::JsonString(o, "account"), store::JsonString(o, "name"));
    if (cluster.ok()) {
      IRSA_TRY(std::shared_ptr<const HostedIssuer> built, Build(*cluster));
      result = std::move(built);
    } else if (cluster.error().code() != "ResourceNotFoundException") {
      return cluster.error();
    }
  }
  return result;
}

Result<std::optional<std::shared_ptr<const HostedIssuer>>> ClusterRegistry::IssuerByUrl(
    const std::string& issuer) {
  size_t pos = issuer.rfind("/id/");
  using Hosted = std::optional<std::shared_ptr<const HostedIssuer>>;
  if (pos == std::string::npos) return Hosted();
  IRSA_TRY(auto hosted, IssuerById(issuer.substr(pos + 4)));
  // The stored issuer URL must match exactly (the base may have changed since creation).
  if (hosted && (*hosted)->cluster.issuer != issuer) return Hosted();
  return hosted;
}

Result<std::string> ClusterRegistry::MintServiceAccountToken(const std::string& account,
                                                             const std::string& name,
                                                             jwt::ServiceAccountTokenSpec spec) {
  IRSA_TRY(ClusterRecord cluster, Get(account, name));
  IRSA_TRY(auto hosted, IssuerById(cluster.id));
  if (!hosted) return NoCluster(name);
  spec.issuer = cluster.issuer;
  IRSA_TRY(boost::json::object claims, jwt::ServiceAccountClaims(spec, random_));
  jwt::MintOptions mint;
  mint.kid = (*hosted)->active_kid;
  mint.alg = crypto::ParseJwsAlg((*hosted)->active_algorithm);
  return jwt::MintJws(claims, *(*hosted)->active_key, mint);
}

Result<std::shared_ptr<const jwt::KeySet>> ClusterRegistry::Keys(const std::string& issuer,
                                                                 const std::string& kid) {
  IRSA_TRY(auto hosted, IssuerByUrl(issuer));
  if (hosted) return (*hosted)->published;
  if (remote_) return remote_->Keys(issuer, kid);
  return errors::InvalidIdentityToken(
      "Couldn't retrieve verification key from your identity provider,  please reference "
      "AssumeRoleWithWebIdentity documentation for requirements (" +
      issuer + " is not an issuer hosted by irsa and remote issuers are disabled)");
}

}  // namespace irsa::oidc
