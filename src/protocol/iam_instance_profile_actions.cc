// IAM instance profiles over the Query protocol.
#include <string>

#include "iam/instance_profiles.h"
#include "protocol/iam_adapters.h"
#include "protocol/iam_xml.h"
#include "protocol/query_api.h"
#include "protocol/validation.h"

namespace irsa::protocol {
namespace {

enum class ProfileView { kFull, kList };

// The InstanceProfile structure; listings (ListInstanceProfiles*) omit its tags, as AWS does.
void WriteProfileMembers(XmlWriter& w, const iam::InstanceProfileInfo& info, ProfileView view) {
  const iam::InstanceProfileRecord& p = info.profile;
  w.Element("Path", p.path)
      .Element("InstanceProfileName", p.name)
      .Element("InstanceProfileId", p.id)
      .Element("Arn", p.arn)
      .Timestamp("CreateDate", p.created);
  if (info.roles.empty()) {
    w.Empty("Roles");
  } else {
    w.Open("Roles");
    for (const auto& role : info.roles) {
      w.Member();
      WriteRoleMembers(w, role, RoleView::kList);
      w.Close();
    }
    w.Close();
  }
  if (view == ProfileView::kFull) WriteTags(w, p.tags);
}

Result<std::string> ReadProfileName(const QueryCall& call) {
  IRSA_TRY(std::string_view name, call.params.Require("InstanceProfileName"));
  Validator v;
  v.Length("InstanceProfileName", name, 1, 128)
      .Pattern("InstanceProfileName", name, patterns::kNameChars);
  IRSA_RETURN_IF_ERROR(v.ToStatus());
  return std::string(name);
}

HttpResponse WriteProfile(const QueryCall& call, const iam::InstanceProfileInfo& info) {
  XmlWriter w = call.Writer();
  w.Open("InstanceProfile");
  WriteProfileMembers(w, info, ProfileView::kFull);
  w.Close();
  return w.Finish(call.http.request_id);
}

HttpResponse WriteProfileList(const QueryCall& call,
                              const iam::ListPage<iam::InstanceProfileInfo>& page) {
  XmlWriter w = call.Writer();
  w.Open("InstanceProfiles");
  for (const auto& info : page.items) {
    w.Member();
    WriteProfileMembers(w, info, ProfileView::kList);
    w.Close();
  }
  w.Close();
  WritePaging(w, page.truncated, page.marker);
  return w.Finish(call.http.request_id);
}

Result<HttpResponse> CreateInstanceProfile(const QueryCall& call) {
  IRSA_TRY(std::string name, ReadProfileName(call));
  std::optional<std::string_view> path = call.params.Get("Path");
  Validator v;
  v.Length("Path", path, 1, 512).Pattern("Path", path, patterns::kPath);
  IRSA_RETURN_IF_ERROR(v.ToStatus());
  IRSA_TRY(auto tags, ReadTags(call.params));
  IRSA_TRY(auto info, iam::CreateInstanceProfile(*call.services.iam, call.account(), name,
                                                 std::string(path.value_or("/")), tags));
  return WriteProfile(call, info);
}

Result<HttpResponse> GetInstanceProfile(const QueryCall& call) {
  IRSA_TRY(std::string name, ReadProfileName(call));
  IRSA_TRY(auto info, iam::GetInstanceProfile(*call.services.iam, call.account(), name));
  return WriteProfile(call, info);
}

Result<HttpResponse> ListInstanceProfiles(const QueryCall& call) {
  std::optional<std::string_view> prefix = call.params.Get("PathPrefix");
  Validator v;
  v.Length("PathPrefix", prefix, 1, 512).Pattern("PathPrefix", prefix, patterns::kPathPrefix);
  IRSA_RETURN_IF_ERROR(v.ToStatus());
  IRSA_TRY(Paging paging, ReadPaging(call.params));
  IRSA_TRY(auto page, iam::ListInstanceProfiles(*call.services.iam, call.account(),
                                                std::string(prefix.value_or("/")), paging.marker,
                                                paging.max_items));
  return WriteProfileList(call, page);
}

Result<HttpResponse> DeleteInstanceProfile(const QueryCall& call) {
  IRSA_TRY(std::string name, ReadProfileName(call));
  IRSA_RETURN_IF_ERROR(iam::DeleteInstanceProfile(*call.services.iam, call.account(), name));
  return call.Empty();
}

Result<HttpResponse> AddRoleToInstanceProfile(const QueryCall& call) {
  IRSA_TRY(std::string profile, ReadProfileName(call));
  IRSA_TRY(std::string role, ReadRoleName(call));
  IRSA_RETURN_IF_ERROR(
      iam::AddRoleToInstanceProfile(*call.services.iam, call.account(), profile, role));
  return call.Empty();
}

Result<HttpResponse> RemoveRoleFromInstanceProfile(const QueryCall& call) {
  IRSA_TRY(std::string profile, ReadProfileName(call));
  IRSA_TRY(std::string role, ReadRoleName(call));
  IRSA_RETURN_IF_ERROR(
      iam::RemoveRoleFromInstanceProfile(*call.services.iam, call.account(), profile, role));
  return call.Empty();
}

Result<HttpResponse> ListInstanceProfilesForRole(const QueryCall& call) {
  IRSA_TRY(std::string role, ReadRoleName(call));
  IRSA_TRY(Paging paging, ReadPaging(call.params));
  IRSA_TRY(auto page, iam::ListInstanceProfilesForRole(*call.services.iam, call.account(), role,
                                                       paging.marker, paging.max_items));
  return WriteProfileList(call, page);
}

}  // namespace

void RegisterIamInstanceProfileActions(QueryActionTable& iam) {
  using namespace access;
  Declare(iam, "iam", "CreateInstanceProfile", CreateInstanceProfile, NewInstanceProfile(),
          {RequestTagKeys()});
  Declare(iam, "iam", "GetInstanceProfile", GetInstanceProfile, InstanceProfile());
  Declare(iam, "iam", "ListInstanceProfiles", ListInstanceProfiles, AllOf("instance-profile"));
  Declare(iam, "iam", "DeleteInstanceProfile", DeleteInstanceProfile, InstanceProfile());
  Declare(iam, "iam", "AddRoleToInstanceProfile", AddRoleToInstanceProfile, InstanceProfile());
  Declare(iam, "iam", "RemoveRoleFromInstanceProfile", RemoveRoleFromInstanceProfile,
          InstanceProfile());
  Declare(iam, "iam", "ListInstanceProfilesForRole", ListInstanceProfilesForRole, Role());
  DeclareTagActions(iam,
                    {"InstanceProfile", ReadProfileName, iam::TagInstanceProfile,
                     iam::UntagInstanceProfile, iam::ListInstanceProfileTags},
                    InstanceProfile());
}

}  // namespace irsa::protocol
