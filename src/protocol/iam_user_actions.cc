// IAM users and access keys over the Query protocol.
#include "base/arn.h"
#include "iam/access_keys.h"
#include "iam/users.h"
#include "protocol/iam_adapters.h"
#include "protocol/iam_xml.h"
#include "protocol/query_api.h"
#include "protocol/validation.h"

namespace irsa::protocol {
namespace {

using iam::AccessKeyStatus;

// The user a user-scoped IAM action targets: the named one, or the caller when omitted.
Result<std::string> TargetUserName(const QueryCall& call, size_t max_length) {
  std::optional<std::string_view> name = call.params.Get("UserName");
  if (name) {
    Validator v;
    v.Length("UserName", name, 1, max_length).Pattern("UserName", name, patterns::kNameChars);
    IRSA_RETURN_IF_ERROR(v.ToStatus());
    return std::string(*name);
  }
  switch (call.caller.type) {
    case authz::CallerType::kUser:
      return call.caller.user_name;
    case authz::CallerType::kRoot:
      return std::string();  // the root user's own keys
    default:
      return errors::ValidationError(
          "Must specify userName when calling with non-User credentials");
  }
}

Result<HttpResponse> CreateUser(const QueryCall& call) {
  IRSA_TRY(std::string_view name, call.params.Require("UserName"));
  std::optional<std::string_view> path = call.params.Get("Path");
  std::optional<std::string_view> boundary = call.params.Get("PermissionsBoundary");
  Validator v;
  v.Length("UserName", name, 1, 64).Pattern("UserName", name, patterns::kNameChars);
  v.Length("Path", path, 1, 512).Pattern("Path", path, patterns::kPath);
  v.Length("PermissionsBoundary", boundary, 20, 2048);
  IRSA_RETURN_IF_ERROR(v.ToStatus());
  IRSA_TRY(auto tags, ReadTags(call.params));
  iam::CreateUserInput input;
  input.name = std::string(name);
  input.path = std::string(path.value_or("/"));
  input.permissions_boundary_arn = std::string(boundary.value_or(""));
  input.tags = std::move(tags);
  IRSA_TRY(iam::UserRecord user, iam::CreateUser(*call.services.iam, call.account(), input));
  XmlWriter w = call.Writer();
  w.Open("User");
  WriteUserMembers(w, user, UserView::kFull);
  w.Close();
  return w.Finish(call.http.request_id);
}

Result<HttpResponse> GetUser(const QueryCall& call) {
  IRSA_TRY(std::string name, TargetUserName(call, 128));
  if (name.empty()) {
    // The root user describing itself.
    XmlWriter w = call.Writer();
    w.Open("User")
        .Element("UserId", call.account())
        .Element("Arn", IamArn(call.account(), "root"))
        .Timestamp("CreateDate", SystemTime{})
        .Close();
    return w.Finish(call.http.request_id);
  }
  IRSA_TRY(iam::UserRecord user, iam::GetUser(*call.services.iam, call.account(), name));
  XmlWriter w = call.Writer();
  w.Open("User");
  WriteUserMembers(w, user, UserView::kFull);
  w.Close();
  return w.Finish(call.http.request_id);
}

Result<HttpResponse> ListUsers(const QueryCall& call) {
  std::optional<std::string_view> prefix = call.params.Get("PathPrefix");
  Validator v;
  v.Length("PathPrefix", prefix, 1, 512).Pattern("PathPrefix", prefix, patterns::kPathPrefix);
  IRSA_RETURN_IF_ERROR(v.ToStatus());
  IRSA_TRY(Paging paging, ReadPaging(call.params));
  IRSA_TRY(auto page,
           iam::ListUsers(*call.services.iam, call.account(), std::string(prefix.value_or("/")),
                          paging.marker, paging.max_items));
  XmlWriter w = call.Writer();
  w.Open("Users");
  for (const auto& user : page.items) {
    w.Member();
    WriteUserMembers(w, user, UserView::kList);
    w.Close();
  }
  w.Close();
  WritePaging(w, page.truncated, page.marker);
  return w.Finish(call.http.request_id);
}

Result<HttpResponse> DeleteUser(const QueryCall& call) {
  IRSA_TRY(std::string_view name, call.params.Require("UserName"));
  Validator v;
  v.Length("UserName", name, 1, 128).Pattern("UserName", name, patterns::kNameChars);
  IRSA_RETURN_IF_ERROR(v.ToStatus());
  IRSA_RETURN_IF_ERROR(iam::DeleteUser(*call.services.iam, call.account(), std::string(name)));
  return call.Empty();
}

Result<HttpResponse> UpdateUser(const QueryCall& call) {
  IRSA_TRY(std::string name, ReadUserName(call, 128));
  std::optional<std::string_view> new_path = call.params.Get("NewPath");
  std::optional<std::string_view> new_name = call.params.Get("NewUserName");
  Validator v;
  v.Length("NewPath", new_path, 1, 512).Pattern("NewPath", new_path, patterns::kPath);
  v.Length("NewUserName", new_name, 1, 64).Pattern("NewUserName", new_name, patterns::kNameChars);
  IRSA_RETURN_IF_ERROR(v.ToStatus());
  auto owned = [](std::optional<std::string_view> value) {
    return value ? std::optional<std::string>(std::string(*value)) : std::nullopt;
  };
  IRSA_TRY(iam::UserRecord user, iam::UpdateUser(*call.services.iam, call.account(), name,
                                                 owned(new_name), owned(new_path)));
  (void)user;
  return call.Empty();
}

Result<HttpResponse> PutUserPermissionsBoundary(const QueryCall& call) {
  IRSA_TRY(std::string name, ReadUserName(call, 128));
  IRSA_TRY(std::string_view boundary, call.params.Require("PermissionsBoundary"));
  Validator v;
  v.Length("PermissionsBoundary", boundary, 20, 2048);
  IRSA_RETURN_IF_ERROR(v.ToStatus());
  IRSA_RETURN_IF_ERROR(iam::PutUserPermissionsBoundary(*call.services.iam, call.account(), name,
                                                       std::string(boundary)));
  return call.Empty();
}

Result<HttpResponse> DeleteUserPermissionsBoundary(const QueryCall& call) {
  IRSA_TRY(std::string name, ReadUserName(call, 128));
  IRSA_RETURN_IF_ERROR(
      iam::DeleteUserPermissionsBoundary(*call.services.iam, call.account(), name));
  return call.Empty();
}

Result<HttpResponse> CreateAccessKey(const QueryCall& call) {
  IRSA_TRY(std::string name, TargetUserName(call, 128));
  IRSA_TRY(iam::AccessKeyRecord key,
           iam::CreateAccessKey(*call.services.iam, call.account(), name));
  XmlWriter w = call.Writer();
  w.Open("AccessKey")
      .Element("UserName", key.user_name.empty() ? call.account() : key.user_name)
      .Element("AccessKeyId", key.id)
      .Element("Status", "Active")
      .Element("SecretAccessKey", key.secret)
      .Timestamp("CreateDate", key.created)
      .Close();
  return w.Finish(call.http.request_id);
}

Result<HttpResponse> ListAccessKeys(const QueryCall& call) {
  IRSA_TRY(std::string name, TargetUserName(call, 128));
  IRSA_TRY(Paging paging, ReadPaging(call.params));
  (void)paging;  // a user has at most a handful of keys: always one page
  IRSA_TRY(auto keys, iam::ListAccessKeys(*call.services.iam, call.account(), name));
  XmlWriter w = call.Writer();
  w.Open("AccessKeyMetadata");
  for (const auto& key : keys) {
    w.Member()
        .Element("UserName", key.user_name.empty() ? call.account() : key.user_name)
        .Element("AccessKeyId", key.id)
        .Element("Status", key.status == AccessKeyStatus::kActive ? "Active" : "Inactive")
        .Timestamp("CreateDate", key.created)
        .Close();
  }
  w.Close();
  WritePaging(w, false, "");
  return w.Finish(call.http.request_id);
}

Result<std::string_view> ReadAccessKeyId(const QueryCall& call) {
  IRSA_TRY(std::string_view key_id, call.params.Require("AccessKeyId"));
  Validator v;
  v.Length("AccessKeyId", key_id, 16, 128).Pattern("AccessKeyId", key_id, patterns::kWord);
  IRSA_RETURN_IF_ERROR(v.ToStatus());
  return key_id;
}

Result<HttpResponse> UpdateAccessKey(const QueryCall& call) {
  IRSA_TRY(std::string name, TargetUserName(call, 128));
  IRSA_TRY(std::string_view key_id, ReadAccessKeyId(call));
  IRSA_TRY(std::string_view status, call.params.Require("Status"));
  if (status != "Active" && status != "Inactive") {
    Validator v;
    v.Add("Status", status, "Member must satisfy enum value set: [Active, Inactive]");
    return v.ToStatus().error();
  }
  IRSA_RETURN_IF_ERROR(iam::UpdateAccessKey(
      *call.services.iam, call.account(), name, std::string(key_id),
      status == "Active" ? AccessKeyStatus::kActive : AccessKeyStatus::kInactive));
  return call.Empty();
}

Result<HttpResponse> DeleteAccessKey(const QueryCall& call) {
  IRSA_TRY(std::string name, TargetUserName(call, 128));
  IRSA_TRY(std::string_view key_id, ReadAccessKeyId(call));
  IRSA_RETURN_IF_ERROR(
      iam::DeleteAccessKey(*call.services.iam, call.account(), name, std::string(key_id)));
  return call.Empty();
}

}  // namespace

void RegisterIamUserActions(QueryActionTable& iam) {
  using namespace access;
  // ListUsers names the account's user path, so that "arn:aws:iam::A:user/*" grants it as "*"
  // does.
  const ResourceSpec all_users{"user", [](const QueryCall& call) -> Result<ResolvedResource> {
                                 return ResolvedResource{IamArn(call.account(), "user/"), {}, {}};
                               }};
  Declare(iam, "iam", "CreateUser", CreateUser, NewUser(), {BoundaryParamKey(), RequestTagKeys()});
  Declare(iam, "iam", "GetUser", GetUser, UserOrCaller());
  Declare(iam, "iam", "ListUsers", ListUsers, all_users);
  Declare(iam, "iam", "DeleteUser", DeleteUser, User());
  Declare(iam, "iam", "UpdateUser", UpdateUser, User());
  DeclareTagActions(iam,
                    {"User", [](const QueryCall& call) { return ReadUserName(call, 128); },
                     iam::TagUser, iam::UntagUser, iam::ListUserTags},
                    User());
  Declare(iam, "iam", "PutUserPermissionsBoundary", PutUserPermissionsBoundary, User(),
          {BoundaryParamKey()});
  Declare(iam, "iam", "DeleteUserPermissionsBoundary", DeleteUserPermissionsBoundary, User(),
          {ExistingBoundaryKey()});
  Declare(iam, "iam", "CreateAccessKey", CreateAccessKey, UserOrCaller());
  Declare(iam, "iam", "ListAccessKeys", ListAccessKeys, UserOrCaller());
  Declare(iam, "iam", "UpdateAccessKey", UpdateAccessKey, UserOrCaller());
  Declare(iam, "iam", "DeleteAccessKey", DeleteAccessKey, UserOrCaller());
}

}  // namespace irsa::protocol
