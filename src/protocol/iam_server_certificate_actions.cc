// IAM server certificates over the Query protocol. The private key is read from the request and
// handed to the service; it is never echoed in a response or an error.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "iam/server_certificates.h"
#include "protocol/iam_adapters.h"
#include "protocol/iam_xml.h"
#include "protocol/query_api.h"
#include "protocol/validation.h"

namespace irsa::protocol {
namespace {

std::optional<std::string> Owned(std::optional<std::string_view> value) {
  return value ? std::optional<std::string>(std::string(*value)) : std::nullopt;
}

Result<std::string> ReadCertificateName(const QueryCall& call, std::string_view member) {
  IRSA_TRY(std::string_view name, call.params.Require(member));
  Validator v;
  v.Length(member, name, 1, 128).Pattern(member, name, patterns::kNameChars);
  IRSA_RETURN_IF_ERROR(v.ToStatus());
  return std::string(name);
}

void WriteMetadataMembers(XmlWriter& w, const iam::ServerCertificateRecord& cert) {
  w.Element("Path", cert.path)
      .Element("ServerCertificateName", cert.name)
      .Element("ServerCertificateId", cert.id)
      .Element("Arn", cert.arn)
      .Timestamp("UploadDate", cert.uploaded)
      .Timestamp("Expiration", cert.expiration);
}

Result<HttpResponse> UploadServerCertificate(const QueryCall& call) {
  IRSA_TRY(std::string name, ReadCertificateName(call, "ServerCertificateName"));
  std::optional<std::string_view> path = call.params.Get("Path");
  IRSA_TRY(std::string_view body, call.params.Require("CertificateBody"));
  IRSA_TRY(std::string_view key, call.params.Require("PrivateKey"));
  std::optional<std::string_view> chain = call.params.Get("CertificateChain");
  Validator v;
  v.Length("Path", path, 1, 512).Pattern("Path", path, patterns::kPath);
  v.Length("CertificateBody", body, 1, 16384)
      .Pattern("CertificateBody", body, patterns::kPolicyDocument);
  v.Length("PrivateKey", key, 1, 16384, Validator::Echo::kRedact)
      .Pattern("PrivateKey", key, patterns::kPolicyDocument, Validator::Echo::kRedact);
  v.Length("CertificateChain", chain, 1, 2097152)
      .Pattern("CertificateChain", chain, patterns::kPolicyDocument);
  IRSA_RETURN_IF_ERROR(v.ToStatus());
  IRSA_TRY(std::vector<iam::Tag> tags, ReadTags(call.params));
  iam::UploadServerCertificateInput input;
  input.name = std::move(name);
  input.path = std::string(path.value_or("/"));
  input.body = std::string(body);
  input.private_key = std::string(key);
  input.chain = std::string(chain.value_or(""));
  input.tags = std::move(tags);
  IRSA_TRY(iam::ServerCertificateRecord cert,
           iam::UploadServerCertificate(*call.services.iam, call.account(), input));
  XmlWriter w = call.Writer();
  w.Open("ServerCertificateMetadata");
  WriteMetadataMembers(w, cert);
  w.Close();
  WriteTags(w, cert.tags);
  return w.Finish(call.http.request_id);
}

Result<HttpResponse> GetServerCertificate(const QueryCall& call) {
  IRSA_TRY(std::string name, ReadCertificateName(call, "ServerCertificateName"));
  IRSA_TRY(iam::ServerCertificateRecord cert,
           iam::GetServerCertificate(*call.services.iam, call.account(), name));
  XmlWriter w = call.Writer();
  w.Open("ServerCertificate").Open("ServerCertificateMetadata");
  WriteMetadataMembers(w, cert);
  w.Close().Element("CertificateBody", cert.body);
  if (!cert.chain.empty()) w.Element("CertificateChain", cert.chain);
  WriteTagList(w, cert.tags);
  w.Close();
  return w.Finish(call.http.request_id);
}

Result<HttpResponse> ListServerCertificates(const QueryCall& call) {
  std::optional<std::string_view> prefix = call.params.Get("PathPrefix");
  Validator v;
  v.Length("PathPrefix", prefix, 1, 512).Pattern("PathPrefix", prefix, patterns::kPathPrefix);
  IRSA_RETURN_IF_ERROR(v.ToStatus());
  IRSA_TRY(Paging paging, ReadPaging(call.params));
  IRSA_TRY(auto page, iam::ListServerCertificates(*call.services.iam, call.account(),
                                                  std::string(prefix.value_or("/")), paging.marker,
                                                  paging.max_items));
  XmlWriter w = call.Writer();
  w.Open("ServerCertificateMetadataList");
  for (const auto& cert : page.items) {
    w.Member();
    WriteMetadataMembers(w, cert);
    w.Close();
  }
  w.Close();
  WritePaging(w, page.truncated, page.marker);
  return w.Finish(call.http.request_id);
}

Result<HttpResponse> UpdateServerCertificate(const QueryCall& call) {
  IRSA_TRY(std::string name, ReadCertificateName(call, "ServerCertificateName"));
  std::optional<std::string_view> new_path = call.params.Get("NewPath");
  std::optional<std::string_view> new_name = call.params.Get("NewServerCertificateName");
  Validator v;
  v.Length("NewPath", new_path, 1, 512).Pattern("NewPath", new_path, patterns::kPath);
  v.Length("NewServerCertificateName", new_name, 1, 128)
      .Pattern("NewServerCertificateName", new_name, patterns::kNameChars);
  IRSA_RETURN_IF_ERROR(v.ToStatus());
  IRSA_RETURN_IF_ERROR(iam::UpdateServerCertificate(*call.services.iam, call.account(), name,
                                                    Owned(new_name), Owned(new_path)));
  return call.Empty();
}

Result<HttpResponse> DeleteServerCertificate(const QueryCall& call) {
  IRSA_TRY(std::string name, ReadCertificateName(call, "ServerCertificateName"));
  IRSA_RETURN_IF_ERROR(iam::DeleteServerCertificate(*call.services.iam, call.account(), name));
  return call.Empty();
}

std::string Param(const QueryCall& call, std::string_view name, std::string_view fallback = "") {
  return std::string(call.params.Get(name).value_or(fallback));
}

// The existing certificate ServerCertificateName names, with its path and tags.
Result<ResolvedResource> ResolveServerCertificate(const QueryCall& call) {
  const std::string name = Param(call, "ServerCertificateName");
  Result<std::optional<iam::ServerCertificateRecord>> found =
      iam::FindServerCertificate(*call.services.iam, call.account(), name);
  if (!found.ok()) return found.error();
  if (!*found) {
    return ResolvedResource{iam::ServerCertificateArn(call.account(), "/", name), {}, {}};
  }
  ResolvedResource resource{(*found)->arn, {}, {}};
  for (const iam::Tag& tag : (*found)->tags) resource.tags.emplace_back(tag.key, tag.value);
  return resource;
}

Result<ResolvedResource> ResolveNewServerCertificate(const QueryCall& call) {
  return ResolvedResource{iam::ServerCertificateArn(call.account(), Param(call, "Path", "/"),
                                                    Param(call, "ServerCertificateName")),
                          {},
                          {}};
}

}  // namespace

void RegisterIamServerCertificateActions(QueryActionTable& iam) {
  using namespace access;
  const ResourceSpec existing{"server-certificate", ResolveServerCertificate, true};
  const ResourceSpec created{"server-certificate", ResolveNewServerCertificate};
  Declare(iam, "iam", "UploadServerCertificate", UploadServerCertificate, created,
          {RequestTagKeys()});
  Declare(iam, "iam", "GetServerCertificate", GetServerCertificate, existing);
  // The account's server-certificate path, so that "arn:aws:iam::A:server-certificate/*" grants
  // it as "*" does.
  const ResourceSpec all{
      "server-certificate", [](const QueryCall& call) -> Result<ResolvedResource> {
        return ResolvedResource{iam::ServerCertificateArn(call.account(), "/", ""), {}, {}};
      }};
  Declare(iam, "iam", "ListServerCertificates", ListServerCertificates, all);
  Declare(iam, "iam", "UpdateServerCertificate", UpdateServerCertificate, existing);
  Declare(iam, "iam", "DeleteServerCertificate", DeleteServerCertificate, existing);
  DeclareTagActions(
      iam,
      {"ServerCertificate",
       [](const QueryCall& call) { return ReadCertificateName(call, "ServerCertificateName"); },
       iam::TagServerCertificate, iam::UntagServerCertificate, iam::ListServerCertificateTags},
      existing);
}

}  // namespace irsa::protocol
