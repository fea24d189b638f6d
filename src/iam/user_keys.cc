#include "iam/user_keys.h"

#include <algorithm>

#include <boost/json.hpp>

#include "base/encoding.h"
#include "base/ids.h"
#include "base/strings.h"
#include "crypto/ssh_key.h"
#include "crypto/x509.h"
#include "iam/iam_errors.h"
#include "iam/lookup.h"
#include "iam/validation.h"
#include "store/json_fields.h"

namespace irsa::iam {
namespace json = boost::json;
namespace {

constexpr std::string_view kSshKeyPrefix = "APKA";
constexpr std::string_view kServiceCredentialPrefix = "ACCA";

int64_t TimeToJson(SystemTime t) { return t.time_since_epoch().count(); }
SystemTime TimeFromJson(const json::object& o, std::string_view name) {
  const json::value* v = o.if_contains(name);
  if (!v || !v->is_int64()) return SystemTime{};
  return SystemTime(std::chrono::nanoseconds(v->as_int64()));
}
CredentialStatus StatusFromJson(const json::object& o) {
  return store::JsonString(o, "status") == "Inactive" ? CredentialStatus::kInactive
                                                      : CredentialStatus::kActive;
}

// The user's row key and canonical name; "" (the root user) only where `allow_root`.
struct Owner {
  std::string key;
  std::string name;
};
Result<Owner> LoadOwner(store::StoreTx& tx, const std::string& account,
                        const std::string& user_name) {
  if (user_name.empty()) return Owner{};
  IRSA_TRY(LoadedUser user, LoadUser(tx, account, user_name));
  return Owner{user.row.id.key, user.record.name};
}

Status QuotaCheck(store::StoreTx& tx, store::ListQuery query, int64_t quota,
                  std::string_view name) {
  IRSA_TRY(int64_t count, tx.Count(query));
  if (count >= quota) {
    return errors::LimitExceeded("Cannot exceed quota for " + std::string(name) + ": " +
                                 std::to_string(quota));
  }
  return OkStatus();
}

// --- SSH public keys ---

Error NoSuchSshKey(const std::string& id) {
  return errors::NoSuchEntity("The Public Key with id " + id + " cannot be found.");
}

store::Row SshRow(const std::string& account, const std::string& user_key,
                  const SshPublicKeyRecord& key) {
  store::Row row;
  row.id = {account, kind::kSshPublicKey, user_key, key.id};
  row.ref = key.fingerprint;
  row.body = json::serialize(json::object{{"user", key.user_name},
                                          {"id", key.id},
                                          {"fingerprint", key.fingerprint},
                                          {"body", key.body},
                                          {"status", CredentialStatusName(key.status)},
                                          {"uploaded", TimeToJson(key.uploaded)}});
  return row;
}

Result<SshPublicKeyRecord> SshFromRow(const store::Row& row) {
  IRSA_TRY(json::object o, store::ParseStoredObject(row.body, "SSH public key"));
  SshPublicKeyRecord key;
  key.user_name = store::JsonString(o, "user");
  key.id = store::JsonString(o, "id");
  key.fingerprint = store::JsonString(o, "fingerprint");
  key.body = store::JsonString(o, "body");
  key.status = StatusFromJson(o);
  key.uploaded = TimeFromJson(o, "uploaded");
  return key;
}

// --- signing certificates ---

Error NoSuchCertificate(const std::string& id) {
  return errors::NoSuchEntity("The Certificate with id " + id + " cannot be found.");
}

store::Row CertRow(const std::string& account, const std::string& user_key,
                   const std::string& thumbprint, const SigningCertificateRecord& cert) {
  store::Row row;
  row.id = {account, kind::kSigningCertificate, user_key, cert.id};
  row.ref = thumbprint;
  row.body = json::serialize(json::object{{"user", cert.user_name},
                                          {"id", cert.id},
                                          {"body", cert.body},
                                          {"status", CredentialStatusName(cert.status)},
                                          {"uploaded", TimeToJson(cert.uploaded)}});
  return row;
}

Result<SigningCertificateRecord> CertFromRow(const store::Row& row) {
  IRSA_TRY(json::object o, store::ParseStoredObject(row.body, "signing certificate"));
  SigningCertificateRecord cert;
  cert.user_name = store::JsonString(o, "user");
  cert.id = store::JsonString(o, "id");
  cert.body = store::JsonString(o, "body");
  cert.status = StatusFromJson(o);
  cert.uploaded = TimeFromJson(o, "uploaded");
  return cert;
}

// --- service-specific credentials ---

bool SupportedService(std::string_view service) {
  return service == "codecommit.amazonaws.com" || service == "cassandra.amazonaws.com";
}

Error NoSuchCredential(const std::string& id) {
  return errors::NoSuchEntity("No such credential " + id + " exists.");
}

store::Row CredentialRow(const std::string& account, const std::string& user_key,
                         const ServiceCredentialRecord& cred) {
  store::Row row;
  row.id = {account, kind::kServiceCredential, user_key, cred.id};
  row.ref = cred.service_name;
  row.body = json::serialize(json::object{{"user", cred.user_name},
                                          {"id", cred.id},
                                          {"service", cred.service_name},
                                          {"service_user", cred.service_user_name},
                                          {"status", CredentialStatusName(cred.status)},
                                          {"created", TimeToJson(cred.created)}});
  row.secret = cred.password;
  return row;
}

Result<ServiceCredentialRecord> CredentialFromRow(const store::Row& row) {
  IRSA_TRY(json::object o, store::ParseStoredObject(row.body, "service-specific credential"));
  ServiceCredentialRecord cred;
  cred.user_name = store::JsonString(o, "user");
  cred.id = store::JsonString(o, "id");
  cred.service_name = store::JsonString(o, "service");
  cred.service_user_name = store::JsonString(o, "service_user");
  cred.status = StatusFromJson(o);
  cred.created = TimeFromJson(o, "created");
  return cred;
}

std::string NewPassword(Random& random) { return Base64Encode(random.Bytes(32)); }

// Reads one row of `kind` under the user, or `missing`.
Result<store::Row> LoadChild(store::StoreTx& tx, const std::string& account, const char* kind,
                             const std::string& user_key, const std::string& id,
                             const Error& missing) {
  IRSA_TRY(std::optional<store::Row> row, tx.Get({account, kind, user_key, id}));
  if (!row) return missing;
  return std::move(*row);
}

}  // namespace

std::string_view CredentialStatusName(CredentialStatus status) {
  return status == CredentialStatus::kActive ? "Active" : "Inactive";
}

// --- SSH public keys ---

Result<SshPublicKeyRecord> UploadSshPublicKey(const ServiceContext& ctx, const std::string& account,
                                              const std::string& user_name,
                                              const std::string& body) {
  IRSA_TRY(crypto::SshRsaPublicKey parsed, crypto::ParseSshPublicKey(body));
  SshPublicKeyRecord key;
  key.id = NewUniqueId(kSshKeyPrefix, ctx.random);
  key.fingerprint = parsed.fingerprint;
  key.body = body;
  key.uploaded = ctx.clock.Now();
  IRSA_RETURN_IF_ERROR(ctx.store.Write([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(LoadedUser user, LoadUser(tx, account, user_name));
    key.user_name = user.record.name;
    const std::string& user_key = user.row.id.key;
    IRSA_TRY(int64_t same, tx.Count({.account = account,
                                     .kind = kind::kSshPublicKey,
                                     .parent = user_key,
                                     .ref = key.fingerprint}));
    if (same > 0) {
      return iam_errors::DuplicateSSHPublicKey(
          "The SSH public key with fingerprint " + key.fingerprint +
          " is already associated with the user " + key.user_name + ".");
    }
    IRSA_RETURN_IF_ERROR(
        QuotaCheck(tx, {.account = account, .kind = kind::kSshPublicKey, .parent = user_key},
                   ctx.quotas.ssh_public_keys_per_user, "SSHPublicKeysPerUser"));
    return tx.Insert(SshRow(account, user_key, key));
  }));
  return key;
}

Result<SshPublicKeyRecord> GetSshPublicKey(const ServiceContext& ctx, const std::string& account,
                                           const std::string& user_name, const std::string& id,
                                           bool pem) {
  SshPublicKeyRecord key;
  IRSA_RETURN_IF_ERROR(ctx.store.Read([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(LoadedUser user, LoadUser(tx, account, user_name));
    IRSA_TRY(store::Row row,
             LoadChild(tx, account, kind::kSshPublicKey, user.row.id.key, id, NoSuchSshKey(id)));
    IRSA_TRY(key, SshFromRow(row));
    return OkStatus();
  }));
  IRSA_TRY(crypto::SshRsaPublicKey parsed, crypto::ParseSshPublicKey(key.body));
  if (pem) {
    key.body = parsed.pem;
  } else if (!key.body.starts_with("ssh-rsa")) {
    key.body = parsed.openssh;
  }
  return key;
}

Result<ListPage<SshPublicKeyRecord>> ListSshPublicKeys(const ServiceContext& ctx,
                                                       const std::string& account,
                                                       const std::string& user_name,
                                                       const std::string& marker, int max_items) {
  ListPage<SshPublicKeyRecord> out;
  IRSA_RETURN_IF_ERROR(ctx.store.Read([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(LoadedUser user, LoadUser(tx, account, user_name));
    IRSA_TRY(ListPage<store::Row> rows,
             ListRowPage(
                 tx, {.account = account, .kind = kind::kSshPublicKey, .parent = user.row.id.key},
                 marker, max_items));
    for (const store::Row& row : rows.items) {
      IRSA_TRY(SshPublicKeyRecord key, SshFromRow(row));
      out.items.push_back(std::move(key));
    }
    out.truncated = rows.truncated;
    out.marker = rows.marker;
    return OkStatus();
  }));
  return out;
}

Status UpdateSshPublicKey(const ServiceContext& ctx, const std::string& account,
                          const std::string& user_name, const std::string& id,
                          CredentialStatus status) {
  return ctx.store.Write([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(LoadedUser user, LoadUser(tx, account, user_name));
    IRSA_TRY(store::Row row,
             LoadChild(tx, account, kind::kSshPublicKey, user.row.id.key, id, NoSuchSshKey(id)));
    IRSA_TRY(SshPublicKeyRecord key, SshFromRow(row));
    key.status = status;
    return tx.Upsert(SshRow(account, user.row.id.key, key));
  });
}

Status DeleteSshPublicKey(const ServiceContext& ctx, const std::string& account,
                          const std::string& user_name, const std::string& id) {
  return ctx.store.Write([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(LoadedUser user, LoadUser(tx, account, user_name));
    IRSA_TRY(bool deleted, tx.Delete({account, kind::kSshPublicKey, user.row.id.key, id}));
    if (!deleted) return NoSuchSshKey(id);
    return OkStatus();
  });
}

// --- signing certificates ---

Result<SigningCertificateRecord> UploadSigningCertificate(const ServiceContext& ctx,
                                                          const std::string& account,
                                                          const std::string& user_name,
                                                          const std::string& body) {
  Result<crypto::Certificate> cert = crypto::Certificate::FromPem(body);
  if (!cert.ok()) {
    return iam_errors::MalformedCertificate(
        "Unable to parse certificate. Please ensure the certificate is in PEM format.");
  }
  IRSA_TRY(crypto::CertificateValidity validity, crypto::ValidityOf(*cert));
  const SystemTime now = ctx.clock.Now();
  if (validity.not_after < now) {
    return iam_errors::InvalidCertificate("The certificate has expired.");
  }
  if (validity.not_before > now) {
    return iam_errors::InvalidCertificate("The certificate is not yet valid.");
  }
  const std::string thumbprint = cert->Sha1Thumbprint();
  SigningCertificateRecord record;
  record.id = NewUniqueId(NewUniqueId("", ctx.random).substr(0, 11), ctx.random);
  record.body = body;
  record.uploaded = now;
  IRSA_RETURN_IF_ERROR(ctx.store.Write([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(Owner owner, LoadOwner(tx, account, user_name));
    record.user_name = owner.name;
    IRSA_TRY(int64_t same,
             tx.Count({.account = account, .kind = kind::kSigningCertificate, .ref = thumbprint}));
    if (same > 0) {
      return iam_errors::DuplicateCertificate(
          "The certificate is already associated with a user in this account.");
    }
    IRSA_RETURN_IF_ERROR(
        QuotaCheck(tx, {.account = account, .kind = kind::kSigningCertificate, .parent = owner.key},
                   ctx.quotas.signing_certificates_per_user, "SigningCertificatesPerUser"));
    return tx.Insert(CertRow(account, owner.key, thumbprint, record));
  }));
  return record;
}

Result<std::vector<SigningCertificateRecord>> SigningCertificatesOf(store::StoreTx& tx,
                                                                    const std::string& account,
                                                                    const std::string& user_key) {
  IRSA_TRY(
      std::vector<store::Row> rows,
      ListAllRows(tx, {.account = account, .kind = kind::kSigningCertificate, .parent = user_key}));
  std::vector<SigningCertificateRecord> out;
  for (const store::Row& row : rows) {
    IRSA_TRY(SigningCertificateRecord cert, CertFromRow(row));
    out.push_back(std::move(cert));
  }
  return out;
}

Result<ListPage<SigningCertificateRecord>> ListSigningCertificates(const ServiceContext& ctx,
                                                                   const std::string& account,
                                                                   const std::string& user_name,
                                                                   const std::string& marker,
                                                                   int max_items) {
  ListPage<SigningCertificateRecord> out;
  IRSA_RETURN_IF_ERROR(ctx.store.Read([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(Owner owner, LoadOwner(tx, account, user_name));
    IRSA_TRY(ListPage<store::Row> rows,
             ListRowPage(
                 tx, {.account = account, .kind = kind::kSigningCertificate, .parent = owner.key},
                 marker, max_items));
    for (const store::Row& row : rows.items) {
      IRSA_TRY(SigningCertificateRecord cert, CertFromRow(row));
      out.items.push_back(std::move(cert));
    }
    out.truncated = rows.truncated;
    out.marker = rows.marker;
    return OkStatus();
  }));
  return out;
}

Status UpdateSigningCertificate(const ServiceContext& ctx, const std::string& account,
                                const std::string& user_name, const std::string& id,
                                CredentialStatus status) {
  return ctx.store.Write([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(Owner owner, LoadOwner(tx, account, user_name));
    IRSA_TRY(store::Row row, LoadChild(tx, account, kind::kSigningCertificate, owner.key, id,
                                       NoSuchCertificate(id)));
    IRSA_TRY(SigningCertificateRecord cert, CertFromRow(row));
    cert.status = status;
    return tx.Upsert(CertRow(account, owner.key, row.ref, cert));
  });
}

Status DeleteSigningCertificate(const ServiceContext& ctx, const std::string& account,
                                const std::string& user_name, const std::string& id) {
  return ctx.store.Write([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(Owner owner, LoadOwner(tx, account, user_name));
    IRSA_TRY(bool deleted, tx.Delete({account, kind::kSigningCertificate, owner.key, id}));
    if (!deleted) return NoSuchCertificate(id);
    return OkStatus();
  });
}

// --- service-specific credentials ---

Result<ServiceCredentialRecord> CreateServiceCredential(const ServiceContext& ctx,
                                                        const std::string& account,
                                                        const std::string& user_name,
                                                        const std::string& service_name) {
  if (!SupportedService(service_name)) {
    return iam_errors::NotSupportedService("No such service " + service_name +
                                           " is supported for Service-Specific Credentials");
  }
  ServiceCredentialRecord cred;
  cred.id = NewUniqueId(kServiceCredentialPrefix, ctx.random);
  cred.service_name = service_name;
  cred.created = ctx.clock.Now();
  cred.password = NewPassword(ctx.random);
  IRSA_RETURN_IF_ERROR(ctx.store.Write([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(LoadedUser user, LoadUser(tx, account, user_name));
    cred.user_name = user.record.name;
    cred.service_user_name = user.record.name + "-at-" + account;
    IRSA_RETURN_IF_ERROR(QuotaCheck(tx,
                                    {.account = account,
                                     .kind = kind::kServiceCredential,
                                     .parent = user.row.id.key,
                                     .ref = service_name},
                                    ctx.quotas.service_credentials_per_user_per_service,
                                    "ServiceSpecificCredentialsPerUserPerService"));
    return tx.Insert(CredentialRow(account, user.row.id.key, cred));
  }));
  return cred;
}

Result<ListPage<ServiceCredentialRecord>> ListServiceCredentials(
    const ServiceContext& ctx, const std::string& account, const std::string& user_name,
    const std::string& service_name, const std::string& marker, int max_items) {
  if (!service_name.empty() && !SupportedService(service_name)) {
    return iam_errors::NotSupportedService("No such service " + service_name +
                                           " is supported for Service-Specific Credentials");
  }
  ListPage<ServiceCredentialRecord> out;
  IRSA_RETURN_IF_ERROR(ctx.store.Read([&](store::StoreTx& tx) -> Status {
    store::ListQuery query{.account = account, .kind = kind::kServiceCredential};
    if (!user_name.empty()) {
      IRSA_TRY(LoadedUser user, LoadUser(tx, account, user_name));
      query.parent = user.row.id.key;
    }
    if (!service_name.empty()) query.ref = service_name;
    if (query.parent) {
      IRSA_TRY(ListPage<store::Row> rows, ListRowPage(tx, query, marker, max_items));
      for (const store::Row& row : rows.items) {
        IRSA_TRY(ServiceCredentialRecord cred, CredentialFromRow(row));
        out.items.push_back(std::move(cred));
      }
      out.truncated = rows.truncated;
      out.marker = rows.marker;
      return OkStatus();
    }
    // Every user's: the store orders rows by (user, id), so page by the (unique) id here.
    IRSA_TRY(int limit, EffectiveMaxItems(max_items));
    IRSA_TRY(std::string after, DecodeMarker(marker));
    IRSA_TRY(std::vector<store::Row> rows, ListAllRows(tx, query));
    std::sort(rows.begin(), rows.end(),
              [](const store::Row& a, const store::Row& b) { return a.id.key < b.id.key; });
    for (const store::Row& row : rows) {
      if (!after.empty() && row.id.key <= after) continue;
      if (out.items.size() == static_cast<size_t>(limit)) {
        out.truncated = true;
        out.marker = EncodeMarker(out.items.back().id);
        break;
      }
      IRSA_TRY(ServiceCredentialRecord cred, CredentialFromRow(row));
      out.items.push_back(std::move(cred));
    }
    return OkStatus();
  }));
  return out;
}

Result<ServiceCredentialRecord> ResetServiceCredential(const ServiceContext& ctx,
                                                       const std::string& account,
                                                       const std::string& user_name,
                                                       const std::string& id) {
  ServiceCredentialRecord cred;
  const std::string password = NewPassword(ctx.random);
  IRSA_RETURN_IF_ERROR(ctx.store.Write([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(LoadedUser user, LoadUser(tx, account, user_name));
    IRSA_TRY(store::Row row, LoadChild(tx, account, kind::kServiceCredential, user.row.id.key, id,
                                       NoSuchCredential(id)));
    IRSA_TRY(cred, CredentialFromRow(row));
    cred.password = password;
    return tx.Upsert(CredentialRow(account, user.row.id.key, cred));
  }));
  return cred;
}

Status UpdateServiceCredential(const ServiceContext& ctx, const std::string& account,
                               const std::string& user_name, const std::string& id,
                               CredentialStatus status) {
  return ctx.store.Write([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(LoadedUser user, LoadUser(tx, account, user_name));
    IRSA_TRY(store::Row row, LoadChild(tx, account, kind::kServiceCredential, user.row.id.key, id,
                                       NoSuchCredential(id)));
    IRSA_TRY(ServiceCredentialRecord cred, CredentialFromRow(row));
    cred.status = status;
    cred.password = row.secret;  // unchanged
    return tx.Upsert(CredentialRow(account, user.row.id.key, cred));
  });
}

Status DeleteServiceCredential(const ServiceContext& ctx, const std::string& account,
                               const std::string& user_name, const std::string& id) {
  return ctx.store.Write([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(LoadedUser user, LoadUser(tx, account, user_name));
    IRSA_TRY(bool deleted, tx.Delete({account, kind::kServiceCredential, user.row.id.key, id}));
    if (!deleted) return NoSuchCredential(id);
    return OkStatus();
  });
}

}  // namespace irsa::iam
