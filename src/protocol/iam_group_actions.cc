// IAM groups and their memberships over the Query protocol. Their managed-policy attachments and
// inline policies: iam_principal_policy_actions.cc.
#include <optional>
#include <string>

#include "iam/groups.h"
#include "protocol/iam_adapters.h"
#include "protocol/iam_xml.h"
#include "protocol/query_api.h"
#include "protocol/validation.h"

namespace irsa::protocol {
namespace {

std::optional<std::string> Owned(std::optional<std::string_view> value) {
  return value ? std::optional<std::string>(std::string(*value)) : std::nullopt;
}

void WriteGroupList(XmlWriter& w, const iam::ListPage<iam::GroupRecord>& page) {
  w.Open("Groups");
  for (const auto& group : page.items) {
    w.Member();
    WriteGroupMembers(w, group);
    w.Close();
  }
  w.Close();
  WritePaging(w, page.truncated, page.marker);
}

Result<HttpResponse> CreateGroup(const QueryCall& call) {
  std::optional<std::string_view> path = call.params.Get("Path");
  IRSA_TRY(std::string name, ReadGroupName(call));
  Validator v;
  v.Length("Path", path, 1, 512).Pattern("Path", path, patterns::kPath);
  IRSA_RETURN_IF_ERROR(v.ToStatus());
  IRSA_TRY(iam::GroupRecord group, iam::CreateGroup(*call.services.iam, call.account(), name,
                                                    std::string(path.value_or("/"))));
  XmlWriter w = call.Writer();
  w.Open("Group");
  WriteGroupMembers(w, group);
  w.Close();
  return w.Finish(call.http.request_id);
}

Result<HttpResponse> GetGroup(const QueryCall& call) {
  IRSA_TRY(std::string name, ReadGroupName(call));
  IRSA_TRY(Paging paging, ReadPaging(call.params));
  IRSA_TRY(iam::GroupWithUsers got, iam::GetGroup(*call.services.iam, call.account(), name,
                                                  paging.marker, paging.max_items));
  XmlWriter w = call.Writer();
  w.Open("Group");
  WriteGroupMembers(w, got.group);
  w.Close();
  w.Open("Users");
  for (const auto& user : got.users.items) {
    w.Member();
    WriteUserMembers(w, user, UserView::kList);
    w.Close();
  }
  w.Close();
  WritePaging(w, got.users.truncated, got.users.marker);
  return w.Finish(call.http.request_id);
}

Result<HttpResponse> ListGroups(const QueryCall& call) {
  std::optional<std::string_view> prefix = call.params.Get("PathPrefix");
  Validator v;
  v.Length("PathPrefix", prefix, 1, 512).Pattern("PathPrefix", prefix, patterns::kPathPrefix);
  IRSA_RETURN_IF_ERROR(v.ToStatus());
  IRSA_TRY(Paging paging, ReadPaging(call.params));
  IRSA_TRY(auto page,
           iam::ListGroups(*call.services.iam, call.account(), std::string(prefix.value_or("/")),
                           paging.marker, paging.max_items));
  XmlWriter w = call.Writer();
  WriteGroupList(w, page);
  return w.Finish(call.http.request_id);
}

Result<HttpResponse> UpdateGroup(const QueryCall& call) {
  IRSA_TRY(std::string name, ReadGroupName(call));
  std::optional<std::string_view> new_path = call.params.Get("NewPath");
  std::optional<std::string_view> new_name = call.params.Get("NewGroupName");
  Validator v;
  v.Length("NewPath", new_path, 1, 512).Pattern("NewPath", new_path, patterns::kPath);
  v.Length("NewGroupName", new_name, 1, 128)
      .Pattern("NewGroupName", new_name, patterns::kNameChars);
  IRSA_RETURN_IF_ERROR(v.ToStatus());
  IRSA_RETURN_IF_ERROR(
      iam::UpdateGroup(*call.services.iam, call.account(), name, Owned(new_name), Owned(new_path)));
  return call.Empty();
}

Result<HttpResponse> DeleteGroup(const QueryCall& call) {
  IRSA_TRY(std::string name, ReadGroupName(call));
  IRSA_RETURN_IF_ERROR(iam::DeleteGroup(*call.services.iam, call.account(), name));
  return call.Empty();
}

// GroupName + UserName (existingUserNameType).
Result<std::pair<std::string, std::string>> ReadMembership(const QueryCall& call) {
  IRSA_TRY(std::string group, ReadGroupName(call));
  IRSA_TRY(std::string user, ReadUserName(call, 128));
  return std::make_pair(std::move(group), std::move(user));
}

Result<HttpResponse> AddUserToGroup(const QueryCall& call) {
  IRSA_TRY(auto membership, ReadMembership(call));
  IRSA_RETURN_IF_ERROR(
      iam::AddUserToGroup(*call.services.iam, call.account(), membership.first, membership.second));
  return call.Empty();
}

Result<HttpResponse> RemoveUserFromGroup(const QueryCall& call) {
  IRSA_TRY(auto membership, ReadMembership(call));
  IRSA_RETURN_IF_ERROR(iam::RemoveUserFromGroup(*call.services.iam, call.account(),
                                                membership.first, membership.second));
  return call.Empty();
}

Result<HttpResponse> ListGroupsForUser(const QueryCall& call) {
  IRSA_TRY(std::string user, ReadUserName(call, 128));
  IRSA_TRY(Paging paging, ReadPaging(call.params));
  IRSA_TRY(auto page, iam::ListGroupsForUser(*call.services.iam, call.account(), user,
                                             paging.marker, paging.max_items));
  XmlWriter w = call.Writer();
  WriteGroupList(w, page);
  return w.Finish(call.http.request_id);
}

}  // namespace

void RegisterIamGroupActions(QueryActionTable& iam) {
  using namespace access;
  Declare(iam, "iam", "CreateGroup", CreateGroup, NewGroup());
  Declare(iam, "iam", "GetGroup", GetGroup, Group());
  Declare(iam, "iam", "ListGroups", ListGroups, AllOf("group"));
  Declare(iam, "iam", "UpdateGroup", UpdateGroup, Group());
  Declare(iam, "iam", "DeleteGroup", DeleteGroup, Group());
  Declare(iam, "iam", "AddUserToGroup", AddUserToGroup, Group());
  Declare(iam, "iam", "RemoveUserFromGroup", RemoveUserFromGroup, Group());
  Declare(iam, "iam", "ListGroupsForUser", ListGroupsForUser, User());
}

}  // namespace irsa::protocol
