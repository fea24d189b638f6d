#include "iam/server_certificates.h"

#include <boost/json.hpp>

#include "base/arn.h"
#include "base/ids.h"
#include "base/strings.h"
#include "crypto/keys.h"
#include "crypto/ssh_key.h"
#include "crypto/x509.h"
#include "iam/iam_errors.h"
#include "iam/lookup.h"
#include "iam/tags.h"
#include "iam/validation.h"
#include "store/json_fields.h"

namespace irsa::iam {
namespace json = boost::json;
namespace {

constexpr std::string_view kServerCertificatePrefix = "ASCA";

int64_t TimeToJson(SystemTime t) { return t.time_since_epoch().count(); }
SystemTime TimeFromJson(const json::object& o, std::string_view name) {
  const json::value* v = o.if_contains(name);
  if (!v || !v->is_int64()) return SystemTime{};
  return SystemTime(std::chrono::nanoseconds(v->as_int64()));
}

Error NoSuchCertificate(const std::string& name) {
  return errors::NoSuchEntity("The Server Certificate with name " + name + " cannot be found.");
}

store::Row CertificateRow(const std::string& account, const ServerCertificateRecord& cert,
                          std::string private_key) {
  store::Row row;
  row.id = {account, kind::kServerCertificate, "", AsciiLower(cert.name)};
  row.path = cert.path;
  json::array tags;
  for (const Tag& t : cert.tags) tags.push_back(json::object{{"k", t.key}, {"v", t.value}});
  row.body = json::serialize(json::object{{"name", cert.name},
                                          {"id", cert.id},
                                          {"path", cert.path},
                                          {"arn", cert.arn},
                                          {"body", cert.body},
                                          {"chain", cert.chain},
                                          {"uploaded", TimeToJson(cert.uploaded)},
                                          {"expiration", TimeToJson(cert.expiration)},
                                          {"tags", std::move(tags)}});
  row.secret = std::move(private_key);
  return row;
}

Result<ServerCertificateRecord> CertificateFromRow(const store::Row& row) {
  IRSA_TRY(json::object o, store::ParseStoredObject(row.body, "server certificate"));
  ServerCertificateRecord cert;
  cert.name = store::JsonString(o, "name");
  cert.id = store::JsonString(o, "id");
  cert.path = store::JsonString(o, "path");
  cert.arn = store::JsonString(o, "arn");
  cert.body = store::JsonString(o, "body");
  cert.chain = store::JsonString(o, "chain");
  cert.uploaded = TimeFromJson(o, "uploaded");
  cert.expiration = TimeFromJson(o, "expiration");
  if (const json::value* tags = o.if_contains("tags"); tags && tags->is_array()) {
    for (const json::value& t : tags->as_array()) {
      if (!t.is_object()) continue;
      cert.tags.push_back(
          {store::JsonString(t.as_object(), "k"), store::JsonString(t.as_object(), "v")});
    }
  }
  return cert;
}

struct Loaded {
  store::Row row;
  ServerCertificateRecord record;
};
Result<Loaded> Load(store::StoreTx& tx, const std::string& account, const std::string& name) {
  IRSA_TRY(std::optional<store::Row> row,
           tx.Get({account, kind::kServerCertificate, "", AsciiLower(name)}));
  if (!row) return NoSuchCertificate(name);
  IRSA_TRY(ServerCertificateRecord record, CertificateFromRow(*row));
  return Loaded{std::move(*row), std::move(record)};
}

Status ValidateCertificateName(std::string_view name) {
  return ValidateName(name, "serverCertificateName", 128);
}

// Parses and checks what UploadServerCertificate is given; returns the expiration.
Result<SystemTime> CheckMaterial(const UploadServerCertificateInput& input, SystemTime now) {
  Result<crypto::Certificate> cert = crypto::Certificate::FromPem(input.body);
  if (!cert.ok()) {
    return iam_errors::MalformedCertificate(
        "Unable to parse certificate. Please ensure the certificate is in PEM format.");
  }
  Result<crypto::PrivateKey> key = crypto::PrivateKey::FromPem(input.private_key);
  if (!key.ok()) {
    return iam_errors::MalformedCertificate(
        "Unable to parse private key. Please ensure the private key is an unencrypted PEM.");
  }
  if (!input.chain.empty()) {
    Result<std::vector<crypto::Certificate>> chain = crypto::Certificate::ChainFromPem(input.chain);
    if (!chain.ok()) {
      return iam_errors::MalformedCertificate(
          "Unable to parse certificate chain. Please ensure the chain is in PEM format.");
    }
  }
  if (!crypto::PrivateKeyMatches(*cert, *key)) {
    return iam_errors::MalformedCertificate(
        "Unable to validate certificate: the private key did not match the public key in the "
        "certificate.");
  }
  Result<crypto::CertificateValidity> validity = crypto::ValidityOf(*cert);
  if (!validity.ok()) {
    return iam_errors::MalformedCertificate("Unable to read the certificate's validity period.");
  }
  if (validity->not_after < now) {
    return iam_errors::MalformedCertificate("The certificate has expired.");
  }
  if (validity->not_before > now) {
    return iam_errors::MalformedCertificate("The certificate is not yet valid.");
  }
  return validity->not_after;
}

}  // namespace

std::string ServerCertificateArn(const std::string& account, const std::string& path,
                                 const std::string& name) {
  return IamArn(account, "server-certificate" + path + name);
}

Result<ServerCertificateRecord> UploadServerCertificate(const ServiceContext& ctx,
                                                        const std::string& account,
                                                        const UploadServerCertificateInput& input) {
  IRSA_RETURN_IF_ERROR(ValidateCertificateName(input.name));
  ServerCertificateRecord cert;
  cert.name = input.name;
  cert.path = input.path.empty() ? "/" : input.path;
  IRSA_RETURN_IF_ERROR(ValidatePath(cert.path, "path"));
  IRSA_RETURN_IF_ERROR(ValidateTags(input.tags, ctx.quotas.tags_per_resource, "ServerCertificate"));
  cert.uploaded = ctx.clock.Now();
  IRSA_TRY(cert.expiration, CheckMaterial(input, cert.uploaded));
  cert.id = NewUniqueId(kServerCertificatePrefix, ctx.random);
  cert.arn = ServerCertificateArn(account, cert.path, cert.name);
  cert.body = input.body;
  cert.chain = input.chain;
  cert.tags = input.tags;
  IRSA_RETURN_IF_ERROR(ctx.store.Write([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(std::optional<store::Row> existing,
             tx.Get({account, kind::kServerCertificate, "", AsciiLower(cert.name)}));
    if (existing) {
      return errors::EntityAlreadyExists("The Server Certificate with name " + cert.name +
                                         " already exists.");
    }
    IRSA_TRY(int64_t count, tx.Count({.account = account, .kind = kind::kServerCertificate}));
    if (count >= ctx.quotas.server_certificates_per_account) {
      return errors::LimitExceeded("Cannot exceed quota for ServerCertificatesPerAccount: " +
                                   std::to_string(ctx.quotas.server_certificates_per_account));
    }
    return tx.Insert(CertificateRow(account, cert, input.private_key));
  }));
  return cert;
}

Result<std::optional<ServerCertificateRecord>> FindServerCertificate(const ServiceContext& ctx,
                                                                     const std::string& account,
                                                                     const std::string& name) {
  std::optional<store::Row> row;
  IRSA_RETURN_IF_ERROR(ctx.store.ReadCached([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(row, tx.Get({account, kind::kServerCertificate, "", AsciiLower(name)}));
    return OkStatus();
  }));
  if (!row) return std::optional<ServerCertificateRecord>();
  IRSA_TRY(ServerCertificateRecord record, CertificateFromRow(*row));
  return std::optional<ServerCertificateRecord>(std::move(record));
}

Result<ServerCertificateRecord> GetServerCertificate(const ServiceContext& ctx,
                                                     const std::string& account,
                                                     const std::string& name) {
  IRSA_RETURN_IF_ERROR(ValidateCertificateName(name));
  IRSA_TRY(std::optional<ServerCertificateRecord> found, FindServerCertificate(ctx, account, name));
  if (!found) return NoSuchCertificate(name);
  return std::move(*found);
}

Result<ListPage<ServerCertificateRecord>> ListServerCertificates(const ServiceContext& ctx,
                                                                 const std::string& account,
                                                                 const std::string& path_prefix,
                                                                 const std::string& marker,
                                                                 int max_items) {
  if (!path_prefix.empty()) IRSA_RETURN_IF_ERROR(ValidatePathPrefix(path_prefix, "pathPrefix"));
  ListPage<ServerCertificateRecord> out;
  IRSA_RETURN_IF_ERROR(ctx.store.Read([&](store::StoreTx& tx) -> Status {
    store::ListQuery query{.account = account, .kind = kind::kServerCertificate, .parent = ""};
    if (!path_prefix.empty() && path_prefix != "/") query.path_prefix = path_prefix;
    IRSA_TRY(ListPage<store::Row> rows, ListRowPage(tx, query, marker, max_items));
    for (const store::Row& row : rows.items) {
      IRSA_TRY(ServerCertificateRecord cert, CertificateFromRow(row));
      out.items.push_back(std::move(cert));
    }
    out.truncated = rows.truncated;
    out.marker = rows.marker;
    return OkStatus();
  }));
  return out;
}

Status UpdateServerCertificate(const ServiceContext& ctx, const std::string& account,
                               const std::string& name, const std::optional<std::string>& new_name,
                               const std::optional<std::string>& new_path) {
  IRSA_RETURN_IF_ERROR(ValidateCertificateName(name));
  if (new_name) IRSA_RETURN_IF_ERROR(ValidateCertificateName(*new_name));
  if (new_path) IRSA_RETURN_IF_ERROR(ValidatePath(*new_path, "newPath"));
  return ctx.store.Write([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(Loaded loaded, Load(tx, account, name));
    ServerCertificateRecord cert = loaded.record;
    if (new_name) cert.name = *new_name;
    if (new_path) cert.path = *new_path;
    cert.arn = ServerCertificateArn(account, cert.path, cert.name);
    if (AsciiLower(cert.name) != loaded.row.id.key) {
      IRSA_TRY(std::optional<store::Row> clash,
               tx.Get({account, kind::kServerCertificate, "", AsciiLower(cert.name)}));
      if (clash) {
        return errors::EntityAlreadyExists("The Server Certificate with name " + cert.name +
                                           " already exists.");
      }
      IRSA_TRY(bool deleted, tx.Delete(loaded.row.id));
      (void)deleted;
    }
    return tx.Upsert(CertificateRow(account, cert, loaded.row.secret));
  });
}

Status DeleteServerCertificate(const ServiceContext& ctx, const std::string& account,
                               const std::string& name) {
  IRSA_RETURN_IF_ERROR(ValidateCertificateName(name));
  return ctx.store.Write([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(bool deleted, tx.Delete({account, kind::kServerCertificate, "", AsciiLower(name)}));
    if (!deleted) return NoSuchCertificate(name);
    return OkStatus();
  });
}

Status TagServerCertificate(const ServiceContext& ctx, const std::string& account,
                            const std::string& name, const std::vector<Tag>& tags) {
  IRSA_RETURN_IF_ERROR(ValidateTags(tags, ctx.quotas.tags_per_resource, "ServerCertificate"));
  return ctx.store.Write([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(Loaded loaded, Load(tx, account, name));
    IRSA_RETURN_IF_ERROR(
        MergeTags(loaded.record.tags, tags, ctx.quotas.tags_per_resource, "ServerCertificate"));
    return tx.Upsert(CertificateRow(account, loaded.record, loaded.row.secret));
  });
}

Status UntagServerCertificate(const ServiceContext& ctx, const std::string& account,
                              const std::string& name, const std::vector<std::string>& keys) {
  IRSA_RETURN_IF_ERROR(ValidateTagKeys(keys));
  return ctx.store.Write([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(Loaded loaded, Load(tx, account, name));
    RemoveTags(loaded.record.tags, keys);
    return tx.Upsert(CertificateRow(account, loaded.record, loaded.row.secret));
  });
}

Result<ListPage<Tag>> ListServerCertificateTags(const ServiceContext& ctx,
                                                const std::string& account, const std::string& name,
                                                const std::string& marker, int max_items) {
  IRSA_TRY(ServerCertificateRecord cert, GetServerCertificate(ctx, account, name));
  return PageTags(cert.tags, marker, max_items);
}

}  // namespace irsa::iam
