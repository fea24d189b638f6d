// Per-user public keys and service credentials: SSH public keys (Upload/Get/List/Update/
// DeleteSSHPublicKey), signing certificates (Upload/List/Update/DeleteSigningCertificate) and
// service-specific credentials (Create/List/Reset/Update/DeleteServiceSpecificCredential).
//
// Rows (parent = lower(user), "" for the root user's signing certificates; bodies keep the user's
// name in a "user" field so that a user rename moves and rewrites them, iam/users.cc):
//   ssh_public_key      key APKA… id, ref = MD5 fingerprint (duplicates per user)
//   signing_cert        key certificate id, ref = SHA-1 thumbprint (duplicates per account)
//   service_credential  key ACCA… id, ref = service name (quota per user and service); the
//                       password sits in the sealed secret column
// A user holding any of them cannot be deleted (DeleteConflict, iam/users.cc).
//
// Quotas: quotas.ssh_public_keys_per_user ("Cannot exceed quota for SSHPublicKeysPerUser: 5"),
// quotas.signing_certificates_per_user (SigningCertificatesPerUser: 2),
// quotas.service_credentials_per_user_per_service (ServiceSpecificCredentialsPerUserPerService:
// 2). Thread-safe; each call is one transaction. Secrets are never logged.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "iam/records.h"
#include "iam/service_context.h"
#include "store/store.h"

namespace irsa::iam {

// "Active" / "Inactive" (what Update* accept; the models' "Expired" is InvalidInput).
enum class CredentialStatus { kActive, kInactive };
std::string_view CredentialStatusName(CredentialStatus status);

struct SshPublicKeyRecord {
  std::string user_name;
  std::string id;           // APKA…
  std::string fingerprint;  // MD5 of the key blob, aa:bb:…
  std::string body;         // as uploaded (or re-encoded by GetSshPublicKey)
  CredentialStatus status = CredentialStatus::kActive;
  SystemTime uploaded{};
};

// UnrecognizedPublicKeyEncoding / InvalidPublicKey (crypto/ssh_key.h), DuplicateSSHPublicKey,
// LimitExceeded, NoSuchEntity for the user.
Result<SshPublicKeyRecord> UploadSshPublicKey(const ServiceContext& ctx, const std::string& account,
                                              const std::string& user_name,
                                              const std::string& body);
// `pem`: the body re-encoded as an RSA "BEGIN PUBLIC KEY" PEM; otherwise OpenSSH "ssh-rsa …".
// NoSuchEntity "The Public Key with id <id> cannot be found."
Result<SshPublicKeyRecord> GetSshPublicKey(const ServiceContext& ctx, const std::string& account,
                                           const std::string& user_name, const std::string& id,
                                           bool pem);
Result<ListPage<SshPublicKeyRecord>> ListSshPublicKeys(const ServiceContext& ctx,
                                                       const std::string& account,
                                                       const std::string& user_name,
                                                       const std::string& marker, int max_items);
Status UpdateSshPublicKey(const ServiceContext& ctx, const std::string& account,
                          const std::string& user_name, const std::string& id,
                          CredentialStatus status);
Status DeleteSshPublicKey(const ServiceContext& ctx, const std::string& account,
                          const std::string& user_name, const std::string& id);

struct SigningCertificateRecord {
  std::string user_name;  // empty for the root user
  std::string id;         // 28 upper-case characters
  std::string body;       // the PEM as uploaded
  CredentialStatus status = CredentialStatus::kActive;
  SystemTime uploaded{};
};

// Inside a transaction: every signing certificate of the user stored under `user_key` ("" for the
// root user), in store order.
Result<std::vector<SigningCertificateRecord>> SigningCertificatesOf(store::StoreTx& tx,
                                                                    const std::string& account,
                                                                    const std::string& user_key);

// MalformedCertificate (not an X.509 PEM), InvalidCertificate (expired or not yet valid),
// DuplicateCertificate (already uploaded in the account), LimitExceeded, NoSuchEntity.
// `user_name` empty: the root user's certificates.
Result<SigningCertificateRecord> UploadSigningCertificate(const ServiceContext& ctx,
                                                          const std::string& account,
                                                          const std::string& user_name,
                                                          const std::string& body);
Result<ListPage<SigningCertificateRecord>> ListSigningCertificates(const ServiceContext& ctx,
                                                                   const std::string& account,
                                                                   const std::string& user_name,
                                                                   const std::string& marker,
                                                                   int max_items);
// NoSuchEntity "The Certificate with id <id> cannot be found."
Status UpdateSigningCertificate(const ServiceContext& ctx, const std::string& account,
                                const std::string& user_name, const std::string& id,
                                CredentialStatus status);
Status DeleteSigningCertificate(const ServiceContext& ctx, const std::string& account,
                                const std::string& user_name, const std::string& id);

struct ServiceCredentialRecord {
  std::string user_name;
  std::string id;                 // ACCA…
  std::string service_name;       // codecommit.amazonaws.com, cassandra.amazonaws.com
  std::string service_user_name;  // "<user>-at-<account>"
  CredentialStatus status = CredentialStatus::kActive;
  SystemTime created{};
  std::string password;  // only from Create/Reset; sealed at rest
};

// NotSupportedService for other services; LimitExceeded; NoSuchEntity for the user.
Result<ServiceCredentialRecord> CreateServiceCredential(const ServiceContext& ctx,
                                                        const std::string& account,
                                                        const std::string& user_name,
                                                        const std::string& service_name);
// The user's credentials (or, when `user_name` is empty, every user's), optionally of one
// service; without passwords.
Result<ListPage<ServiceCredentialRecord>> ListServiceCredentials(
    const ServiceContext& ctx, const std::string& account, const std::string& user_name,
    const std::string& service_name, const std::string& marker, int max_items);
// A new password; NoSuchEntity "No such credential <id> exists for user <u>."-style message.
Result<ServiceCredentialRecord> ResetServiceCredential(const ServiceContext& ctx,
                                                       const std::string& account,
                                                       const std::string& user_name,
                                                       const std::string& id);
Status UpdateServiceCredential(const ServiceContext& ctx, const std::string& account,
                               const std::string& user_name, const std::string& id,
                               CredentialStatus status);
Status DeleteServiceCredential(const ServiceContext& ctx, const std::string& account,
                               const std::string& user_name, const std::string& id);

}  // namespace irsa::iam
