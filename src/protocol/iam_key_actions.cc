// Keys and credentials of IAM users over the Query protocol: GetAccessKeyLastUsed, SSH public
// keys, signing certificates and service-specific credentials. Server certificates:
// iam_server_certificate_actions.cc.
#include <optional>
#include <string>

#include "base/arn.h"
#include "iam/access_key_usage.h"
#include "iam/user_keys.h"
#include "protocol/iam_adapters.h"
#include "protocol/iam_xml.h"
#include "protocol/query_api.h"
#include "protocol/validation.h"

namespace irsa::protocol {
namespace {

using iam::CredentialStatus;

// The user an action targets: UserName (userNameType 1-64 or existingUserNameType 1-128), or the
// calling user; "" for the root user where `allow_root`.
Result<std::string> TargetUser(const QueryCall& call, size_t max_length, bool allow_root) {
  std::optional<std::string_view> name = call.params.Get("UserName");
  if (name) {
    Validator v;
    v.Length("UserName", name, 1, max_length).Pattern("UserName", name, patterns::kNameChars);
    IRSA_RETURN_IF_ERROR(v.ToStatus());
    return std::string(*name);
  }
  if (call.caller.type == authz::CallerType::kUser) return call.caller.user_name;
  if (call.caller.type == authz::CallerType::kRoot && allow_root) return std::string();
  return errors::ValidationError("Must specify userName when calling with non-User credentials");
}

// Status (statusType): Active | Inactive | Expired; irsa's credentials are never "Expired".
Result<CredentialStatus> ReadStatus(const QueryCall& call) {
  IRSA_TRY(std::string_view status, call.params.Require("Status"));
  if (status == "Active") return CredentialStatus::kActive;
  if (status == "Inactive") return CredentialStatus::kInactive;
  if (status == "Expired") {
    return errors::InvalidInput("Status Expired cannot be set; use Active or Inactive.");
  }
  Validator v;
  v.Add("Status", status, "Member must satisfy enum value set: [Active, Inactive, Expired]");
  return v.ToStatus().error();
}

// A required identifier member of [\w]+ with the model's length bounds.
Result<std::string> ReadId(const QueryCall& call, std::string_view member, size_t min) {
  IRSA_TRY(std::string_view id, call.params.Require(member));
  Validator v;
  v.Length(member, id, min, 128).Pattern(member, id, patterns::kWord);
  IRSA_RETURN_IF_ERROR(v.ToStatus());
  return std::string(id);
}

// A required key/certificate text (publicKeyMaterialType / certificateBodyType).
Result<std::string> ReadMaterial(const QueryCall& call, std::string_view member) {
  IRSA_TRY(std::string_view text, call.params.Require(member));
  Validator v;
  v.Length(member, text, 1, 16384).Pattern(member, text, patterns::kPolicyDocument);
  IRSA_RETURN_IF_ERROR(v.ToStatus());
  return std::string(text);
}

std::string ShownUser(const QueryCall& call, const std::string& user_name) {
  return user_name.empty() ? call.account() : user_name;
}

// --- GetAccessKeyLastUsed ---

Result<HttpResponse> GetAccessKeyLastUsed(const QueryCall& call) {
  IRSA_TRY(std::string key_id, ReadId(call, "AccessKeyId", 16));
  IRSA_TRY(iam::AccessKeyLastUse use,
           iam::GetAccessKeyLastUsed(*call.services.iam, call.account(), key_id));
  XmlWriter w = call.Writer();
  w.Element("UserName", ShownUser(call, use.user_name));
  w.Open("AccessKeyLastUsed");
  if (use.last_used) {
    w.Timestamp("LastUsedDate", use.last_used->when)
        .Element("ServiceName", use.last_used->service)
        .Element("Region", use.last_used->region);
  } else {
    w.Element("ServiceName", "N/A").Element("Region", "N/A");
  }
  w.Close();
  return w.Finish(call.http.request_id);
}

// The owner of the key named by AccessKeyId, when it is in the caller's account.
Result<ResolvedResource> ResolveAccessKeyOwner(const QueryCall& call) {
  std::optional<std::string_view> key_id = call.params.Get("AccessKeyId");
  if (key_id) {
    Result<iam::AccessKeyLastUse> use =
        iam::GetAccessKeyLastUsed(*call.services.iam, call.account(), std::string(*key_id));
    if (use.ok()) return ResolvedResource{UserResource(call, use->user_name), {}, {}};
    if (use.error().code() != "NoSuchEntity") return use.error();
  }
  return ResolvedResource{IamArn(call.account(), "user/"), {}, {}};
}

// --- SSH public keys ---

void WriteSshKey(XmlWriter& w, const iam::SshPublicKeyRecord& key) {
  w.Open("SSHPublicKey")
      .Element("UserName", key.user_name)
      .Element("SSHPublicKeyId", key.id)
      .Element("Fingerprint", key.fingerprint)
      .Element("SSHPublicKeyBody", key.body)
      .Element("Status", iam::CredentialStatusName(key.status))
      .Timestamp("UploadDate", key.uploaded)
      .Close();
}

Result<HttpResponse> UploadSSHPublicKey(const QueryCall& call) {
  IRSA_TRY(std::string user, ReadUserName(call, 64));
  IRSA_TRY(std::string body, ReadMaterial(call, "SSHPublicKeyBody"));
  IRSA_TRY(iam::SshPublicKeyRecord key,
           iam::UploadSshPublicKey(*call.services.iam, call.account(), user, body));
  XmlWriter w = call.Writer();
  WriteSshKey(w, key);
  return w.Finish(call.http.request_id);
}

Result<HttpResponse> GetSSHPublicKey(const QueryCall& call) {
  IRSA_TRY(std::string user, ReadUserName(call, 64));
  IRSA_TRY(std::string id, ReadId(call, "SSHPublicKeyId", 20));
  IRSA_TRY(std::string_view encoding, call.params.Require("Encoding"));
  if (encoding != "SSH" && encoding != "PEM") {
    Validator v;
    v.Add("Encoding", encoding, "Member must satisfy enum value set: [SSH, PEM]");
    return v.ToStatus().error();
  }
  IRSA_TRY(iam::SshPublicKeyRecord key,
           iam::GetSshPublicKey(*call.services.iam, call.account(), user, id, encoding == "PEM"));
  XmlWriter w = call.Writer();
  WriteSshKey(w, key);
  return w.Finish(call.http.request_id);
}

Result<HttpResponse> ListSSHPublicKeys(const QueryCall& call) {
  IRSA_TRY(std::string user, TargetUser(call, 64, false));
  IRSA_TRY(Paging paging, ReadPaging(call.params));
  IRSA_TRY(auto page, iam::ListSshPublicKeys(*call.services.iam, call.account(), user,
                                             paging.marker, paging.max_items));
  XmlWriter w = call.Writer();
  w.Open("SSHPublicKeys");
  for (const auto& key : page.items) {
    w.Member()
        .Element("UserName", key.user_name)
        .Element("SSHPublicKeyId", key.id)
        .Element("Status", iam::CredentialStatusName(key.status))
        .Timestamp("UploadDate", key.uploaded)
        .Close();
  }
  w.Close();
  WritePaging(w, page.truncated, page.marker);
  return w.Finish(call.http.request_id);
}

Result<HttpResponse> UpdateSSHPublicKey(const QueryCall& call) {
  IRSA_TRY(std::string user, ReadUserName(call, 64));
  IRSA_TRY(std::string id, ReadId(call, "SSHPublicKeyId", 20));
  IRSA_TRY(CredentialStatus status, ReadStatus(call));
  IRSA_RETURN_IF_ERROR(
      iam::UpdateSshPublicKey(*call.services.iam, call.account(), user, id, status));
  return call.Empty();
}

Result<HttpResponse> DeleteSSHPublicKey(const QueryCall& call) {
  IRSA_TRY(std::string user, ReadUserName(call, 64));
  IRSA_TRY(std::string id, ReadId(call, "SSHPublicKeyId", 20));
  IRSA_RETURN_IF_ERROR(iam::DeleteSshPublicKey(*call.services.iam, call.account(), user, id));
  return call.Empty();
}

// --- signing certificates ---

void WriteSigningCertificate(XmlWriter& w, const QueryCall& call,
                             const iam::SigningCertificateRecord& cert) {
  w.Element("UserName", ShownUser(call, cert.user_name))
      .Element("CertificateId", cert.id)
      .Element("CertificateBody", cert.body)
      .Element("Status", iam::CredentialStatusName(cert.status))
      .Timestamp("UploadDate", cert.uploaded);
}

Result<HttpResponse> UploadSigningCertificate(const QueryCall& call) {
  IRSA_TRY(std::string user, TargetUser(call, 128, true));
  IRSA_TRY(std::string body, ReadMaterial(call, "CertificateBody"));
  IRSA_TRY(iam::SigningCertificateRecord cert,
           iam::UploadSigningCertificate(*call.services.iam, call.account(), user, body));
  XmlWriter w = call.Writer();
  w.Open("Certificate");
  WriteSigningCertificate(w, call, cert);
  w.Close();
  return w.Finish(call.http.request_id);
}

Result<HttpResponse> ListSigningCertificates(const QueryCall& call) {
  IRSA_TRY(std::string user, TargetUser(call, 128, true));
  IRSA_TRY(Paging paging, ReadPaging(call.params));
  IRSA_TRY(auto page, iam::ListSigningCertificates(*call.services.iam, call.account(), user,
                                                   paging.marker, paging.max_items));
  XmlWriter w = call.Writer();
  w.Open("Certificates");
  for (const auto& cert : page.items) {
    w.Member();
    WriteSigningCertificate(w, call, cert);
    w.Close();
  }
  w.Close();
  WritePaging(w, page.truncated, page.marker);
  return w.Finish(call.http.request_id);
}

Result<HttpResponse> UpdateSigningCertificate(const QueryCall& call) {
  IRSA_TRY(std::string user, TargetUser(call, 128, true));
  IRSA_TRY(std::string id, ReadId(call, "CertificateId", 24));
  IRSA_TRY(CredentialStatus status, ReadStatus(call));
  IRSA_RETURN_IF_ERROR(
      iam::UpdateSigningCertificate(*call.services.iam, call.account(), user, id, status));
  return call.Empty();
}

Result<HttpResponse> DeleteSigningCertificate(const QueryCall& call) {
  IRSA_TRY(std::string user, TargetUser(call, 128, true));
  IRSA_TRY(std::string id, ReadId(call, "CertificateId", 24));
  IRSA_RETURN_IF_ERROR(iam::DeleteSigningCertificate(*call.services.iam, call.account(), user, id));
  return call.Empty();
}

// --- service-specific credentials ---

void WriteCredentialMetadata(XmlWriter& w, const iam::ServiceCredentialRecord& cred) {
  w.Element("UserName", cred.user_name)
      .Element("Status", iam::CredentialStatusName(cred.status))
      .Element("ServiceUserName", cred.service_user_name)
      .Timestamp("CreateDate", cred.created)
      .Element("ServiceSpecificCredentialId", cred.id)
      .Element("ServiceName", cred.service_name);
}

void WriteCredential(XmlWriter& w, const iam::ServiceCredentialRecord& cred) {
  w.Open("ServiceSpecificCredential")
      .Timestamp("CreateDate", cred.created)
      .Element("ServiceName", cred.service_name)
      .Element("ServiceUserName", cred.service_user_name)
      .Element("ServicePassword", cred.password)
      .Element("ServiceSpecificCredentialId", cred.id)
      .Element("UserName", cred.user_name)
      .Element("Status", iam::CredentialStatusName(cred.status))
      .Close();
}

Result<HttpResponse> CreateServiceSpecificCredential(const QueryCall& call) {
  IRSA_TRY(std::string user, ReadUserName(call, 64));
  IRSA_TRY(std::string_view service, call.params.Require("ServiceName"));
  if (call.params.Has("CredentialAgeDays")) {
    return errors::InvalidInput(
        "CredentialAgeDays applies to Amazon Bedrock API keys, which irsa does not issue.");
  }
  IRSA_TRY(
      iam::ServiceCredentialRecord cred,
      iam::CreateServiceCredential(*call.services.iam, call.account(), user, std::string(service)));
  XmlWriter w = call.Writer();
  WriteCredential(w, cred);
  return w.Finish(call.http.request_id);
}

Result<HttpResponse> ListServiceSpecificCredentials(const QueryCall& call) {
  IRSA_TRY(std::optional<bool> all_users, call.params.GetBool("AllUsers"));
  std::string user;
  if (!all_users.value_or(false)) {
    IRSA_TRY(user, TargetUser(call, 64, false));
  }
  std::string service(call.params.Get("ServiceName").value_or(""));
  IRSA_TRY(Paging paging, ReadPaging(call.params));
  IRSA_TRY(auto page, iam::ListServiceCredentials(*call.services.iam, call.account(), user, service,
                                                  paging.marker, paging.max_items));
  XmlWriter w = call.Writer();
  w.Open("ServiceSpecificCredentials");
  for (const auto& cred : page.items) {
    w.Member();
    WriteCredentialMetadata(w, cred);
    w.Close();
  }
  w.Close();
  WritePaging(w, page.truncated, page.marker);
  return w.Finish(call.http.request_id);
}

Result<HttpResponse> ResetServiceSpecificCredential(const QueryCall& call) {
  IRSA_TRY(std::string user, TargetUser(call, 64, false));
  IRSA_TRY(std::string id, ReadId(call, "ServiceSpecificCredentialId", 20));
  IRSA_TRY(iam::ServiceCredentialRecord cred,
           iam::ResetServiceCredential(*call.services.iam, call.account(), user, id));
  XmlWriter w = call.Writer();
  WriteCredential(w, cred);
  return w.Finish(call.http.request_id);
}

Result<HttpResponse> UpdateServiceSpecificCredential(const QueryCall& call) {
  IRSA_TRY(std::string user, TargetUser(call, 64, false));
  IRSA_TRY(std::string id, ReadId(call, "ServiceSpecificCredentialId", 20));
  IRSA_TRY(CredentialStatus status, ReadStatus(call));
  IRSA_RETURN_IF_ERROR(
      iam::UpdateServiceCredential(*call.services.iam, call.account(), user, id, status));
  return call.Empty();
}

Result<HttpResponse> DeleteServiceSpecificCredential(const QueryCall& call) {
  IRSA_TRY(std::string user, TargetUser(call, 64, false));
  IRSA_TRY(std::string id, ReadId(call, "ServiceSpecificCredentialId", 20));
  IRSA_RETURN_IF_ERROR(iam::DeleteServiceCredential(*call.services.iam, call.account(), user, id));
  return call.Empty();
}

}  // namespace

void RegisterIamKeyActions(QueryActionTable& iam) {
  using namespace access;
  Declare(iam, "iam", "GetAccessKeyLastUsed", GetAccessKeyLastUsed,
          ResourceSpec{"user", ResolveAccessKeyOwner});
  Declare(iam, "iam", "UploadSSHPublicKey", UploadSSHPublicKey, User());
  Declare(iam, "iam", "GetSSHPublicKey", GetSSHPublicKey, User());
  Declare(iam, "iam", "ListSSHPublicKeys", ListSSHPublicKeys, UserOrCaller());
  Declare(iam, "iam", "UpdateSSHPublicKey", UpdateSSHPublicKey, User());
  Declare(iam, "iam", "DeleteSSHPublicKey", DeleteSSHPublicKey, User());
  Declare(iam, "iam", "UploadSigningCertificate", UploadSigningCertificate, UserOrCaller());
  Declare(iam, "iam", "ListSigningCertificates", ListSigningCertificates, UserOrCaller());
  Declare(iam, "iam", "UpdateSigningCertificate", UpdateSigningCertificate, UserOrCaller());
  Declare(iam, "iam", "DeleteSigningCertificate", DeleteSigningCertificate, UserOrCaller());
  Declare(iam, "iam", "CreateServiceSpecificCredential", CreateServiceSpecificCredential, User());
  Declare(iam, "iam", "ListServiceSpecificCredentials", ListServiceSpecificCredentials,
          UserOrCaller());
  Declare(iam, "iam", "ResetServiceSpecificCredential", ResetServiceSpecificCredential,
          UserOrCaller());
  Declare(iam, "iam", "UpdateServiceSpecificCredential", UpdateServiceSpecificCredential,
          UserOrCaller());
  Declare(iam, "iam", "DeleteServiceSpecificCredential", DeleteServiceSpecificCredential,
          UserOrCaller());
}

}  // namespace irsa::protocol
