// IAM server certificates: Upload/Get/List/Update/DeleteServerCertificate and
// Tag/Untag/ListServerCertificateTags.
//
// Upload parses the body, the optional chain and the private key with OpenSSL: an unparsable one
// is MalformedCertificate, a private key that is not the certificate's is MalformedCertificate
// "… the private key did not match the public key …", an expired or not yet valid body is
// MalformedCertificate too. The expiration (notAfter) is recorded. The private key is kept only in
// the row's secret column (sealed at rest with the master key): it is never returned, listed or
// logged. Names are unique per account case-insensitively; quota
// quotas.server_certificates_per_account ("Cannot exceed quota for ServerCertificatesPerAccount:
// 20"). Thread-safe; each call is one transaction.
//
// Rows: server_certificate (parent "", key lower(name), path; body ServerCertificateRecord).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "iam/records.h"
#include "iam/service_context.h"
#include "store/store.h"

namespace irsa::iam {

namespace kind {
inline constexpr const char* kServerCertificate = "server_certificate";
}  // namespace kind

struct ServerCertificateRecord {
  std::string name;
  std::string id;  // ASCA…
  std::string path = "/";
  std::string arn;  // arn:aws:iam::A:server-certificate<path><name>
  std::string body;
  std::string chain;  // "" when none was given
  SystemTime uploaded{};
  SystemTime expiration{};
  std::vector<Tag> tags;
};

struct UploadServerCertificateInput {
  std::string name;
  std::string path = "/";
  std::string body;
  std::string private_key;  // a secret: never logged, never stored outside the sealed column
  std::string chain;
  std::vector<Tag> tags;
};

std::string ServerCertificateArn(const std::string& account, const std::string& path,
                                 const std::string& name);

// EntityAlreadyExists "The Server Certificate with name <n> already exists."
Result<ServerCertificateRecord> UploadServerCertificate(const ServiceContext& ctx,
                                                        const std::string& account,
                                                        const UploadServerCertificateInput& input);
// NoSuchEntity "The Server Certificate with name <n> cannot be found."
Result<ServerCertificateRecord> GetServerCertificate(const ServiceContext& ctx,
                                                     const std::string& account,
                                                     const std::string& name);
// nullopt when absent (for the authorization table's resource resolver).
Result<std::optional<ServerCertificateRecord>> FindServerCertificate(const ServiceContext& ctx,
                                                                     const std::string& account,
                                                                     const std::string& name);
Result<ListPage<ServerCertificateRecord>> ListServerCertificates(const ServiceContext& ctx,
                                                                 const std::string& account,
                                                                 const std::string& path_prefix,
                                                                 const std::string& marker,
                                                                 int max_items);
// Renames and/or moves; EntityAlreadyExists when the new name is taken.
Status UpdateServerCertificate(const ServiceContext& ctx, const std::string& account,
                               const std::string& name, const std::optional<std::string>& new_name,
                               const std::optional<std::string>& new_path);
Status DeleteServerCertificate(const ServiceContext& ctx, const std::string& account,
                               const std::string& name);

Status TagServerCertificate(const ServiceContext& ctx, const std::string& account,
                            const std::string& name, const std::vector<Tag>& tags);
Status UntagServerCertificate(const ServiceContext& ctx, const std::string& account,
                              const std::string& name, const std::vector<std::string>& keys);
Result<ListPage<Tag>> ListServerCertificateTags(const ServiceContext& ctx,
                                                const std::string& account, const std::string& name,
                                                const std::string& marker, int max_items);

}  // namespace irsa::iam
