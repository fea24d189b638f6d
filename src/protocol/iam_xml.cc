#include "protocol/iam_xml.h"

#include "base/encoding.h"

namespace irsa::protocol {
namespace {

bool IsPolicyPathChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
         c == ',' || c == '+' || c == '@' || c == '=' || c == '_' || c == '-';
}

// ((/[A-Za-z0-9\.,\+@=_-]+)*)/ : "/" or "/seg/…/seg/", segments non-empty.
bool MatchesPolicyPath(std::string_view text) {
  if (text.empty() || text.front() != '/' || text.back() != '/') return false;
  size_t segment = 0;
  for (size_t i = 1; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '/') {
      if (segment == 0) return false;
      segment = 0;
    } else if (IsPolicyPathChar(c)) {
      ++segment;
    } else {
      return false;
    }
  }
  return true;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// v[1-9][0-9]*(\.[A-Za-z0-9-]*)?
bool MatchesPolicyVersionId(std::string_view text) {
  if (text.size() < 2 || text[0] != 'v' || text[1] < '1' || text[1] > '9') return false;
  size_t i = 2;
  while (i < text.size() && IsDigit(text[i])) ++i;
  if (i == text.size()) return true;
  if (text[i] != '.') return false;
  for (++i; i < text.size(); ++i) {
    const char c = text[i];
    const bool ok = IsDigit(c) || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '-';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

namespace patterns {
const ModelPattern kPolicyPath{R"(((/[A-Za-z0-9\.,\+@=_-]+)*)/)", MatchesPolicyPath};
const ModelPattern kPolicyVersionId{R"(v[1-9][0-9]*(\.[A-Za-z0-9-]*)?)", MatchesPolicyVersionId};
}  // namespace patterns

Result<std::vector<iam::Tag>> ReadTags(const QueryParams& params) {
  IRSA_TRY(auto structs, params.GetStructList("Tags"));
  std::vector<iam::Tag> tags;
  Validator v;
  for (size_t i = 0; i < structs.size(); ++i) {
    const auto& s = structs[i];
    const std::string prefix = "tags." + std::to_string(i + 1) + ".member.";
    const std::string key_member = prefix + "key";
    const std::string value_member = prefix + "value";
    auto key = s.find("Key");
    auto value = s.find("Value");
    v.NotNull(key_member, key != s.end());
    v.NotNull(value_member, value != s.end());
    if (key == s.end() || value == s.end()) continue;
    v.Length(key_member, std::string_view(key->second), 1, 128)
        .Pattern(key_member, std::string_view(key->second), patterns::kTagKey)
        .Length(value_member, std::string_view(value->second), 0, 256)
        .Pattern(value_member, std::string_view(value->second), patterns::kTagValue);
    tags.push_back({key->second, value->second});
  }
  IRSA_RETURN_IF_ERROR(v.ToStatus());
  return tags;
}

Result<std::vector<std::string>> ReadTagKeys(const QueryParams& params) {
  Validator v;
  v.NotNull("TagKeys", params.HasList("TagKeys"));
  IRSA_RETURN_IF_ERROR(v.ToStatus());
  IRSA_TRY(std::vector<std::string> keys, params.GetList("TagKeys"));
  for (size_t i = 0; i < keys.size(); ++i) {
    const std::string member = "tagKeys." + std::to_string(i + 1) + ".member";
    v.Length(member, std::string_view(keys[i]), 1, 128)
        .Pattern(member, std::string_view(keys[i]), patterns::kTagKey);
  }
  IRSA_RETURN_IF_ERROR(v.ToStatus());
  return keys;
}

void WriteTags(XmlWriter& w, const std::vector<iam::Tag>& tags) {
  if (!tags.empty()) WriteTagList(w, tags);
}

void WriteTagList(XmlWriter& w, const std::vector<iam::Tag>& tags) {
  if (tags.empty()) {
    w.Empty("Tags");
    return;
  }
  w.Open("Tags");
  for (const auto& tag : tags) {
    w.Member().Element("Key", tag.key).Element("Value", tag.value).Close();
  }
  w.Close();
}

void WritePolicyDocument(XmlWriter& w, std::string_view name, std::string_view document) {
  w.Element(name, std::string_view(PercentEncode(document)));
}

void WriteRoleMembers(XmlWriter& w, const iam::RoleRecord& role, RoleView view) {
  w.Element("Path", role.path)
      .Element("RoleName", role.name)
      .Element("RoleId", role.id)
      .Element("Arn", role.arn)
      .Timestamp("CreateDate", role.created);
  WritePolicyDocument(w, "AssumeRolePolicyDocument", role.assume_role_policy);
  if (!role.description.empty()) w.Element("Description", role.description);
  w.Element("MaxSessionDuration", role.max_session_duration);
  if (view == RoleView::kList) return;
  if (!role.permissions_boundary_arn.empty()) {
    w.Open("PermissionsBoundary")
        .Element("PermissionsBoundaryType", "PermissionsBoundaryPolicy")
        .Element("PermissionsBoundaryArn", role.permissions_boundary_arn)
        .Close();
  }
  WriteTags(w, role.tags);
  if (view != RoleView::kGet) return;
  if (role.last_used) {
    w.Open("RoleLastUsed").Timestamp("LastUsedDate", *role.last_used);
    if (!role.last_used_region.empty()) w.Element("Region", role.last_used_region);
    w.Close();
  } else {
    w.Empty("RoleLastUsed");
  }
}

void WriteRole(XmlWriter& w, const iam::RoleRecord& role, RoleView view) {
  w.Open("Role");
  WriteRoleMembers(w, role, view);
  w.Close();
}

void WriteUserMembers(XmlWriter& w, const iam::UserRecord& user, UserView view) {
  w.Element("Path", user.path)
      .Element("UserName", user.name)
      .Element("UserId", user.id)
      .Element("Arn", user.arn)
      .Timestamp("CreateDate", user.created);
  if (view == UserView::kList) return;
  if (!user.permissions_boundary_arn.empty()) {
    w.Open("PermissionsBoundary")
        .Element("PermissionsBoundaryType", "PermissionsBoundaryPolicy")
        .Element("PermissionsBoundaryArn", user.permissions_boundary_arn)
        .Close();
  }
  WriteTags(w, user.tags);
}

void WriteGroupMembers(XmlWriter& w, const iam::GroupRecord& group) {
  w.Element("Path", group.path)
      .Element("GroupName", group.name)
      .Element("GroupId", group.id)
      .Element("Arn", group.arn)
      .Timestamp("CreateDate", group.created);
}

void WritePolicyMembers(XmlWriter& w, const iam::PolicyInfo& info, PolicyView view) {
  const iam::PolicyRecord& p = info.policy;
  w.Element("PolicyName", p.name)
      .Element("PolicyId", p.id)
      .Element("Arn", p.arn)
      .Element("Path", p.path)
      .Element("DefaultVersionId", p.default_version_id)
      .Element("AttachmentCount", info.attachment_count)
      .Element("PermissionsBoundaryUsageCount", info.boundary_usage_count)
      .Bool("IsAttachable", info.is_attachable);
  if (view == PolicyView::kGet && !p.description.empty()) {
    w.Element("Description", p.description);
  }
  w.Timestamp("CreateDate", p.created).Timestamp("UpdateDate", p.updated);
  // GetPolicy answers <Tags/> for a policy without tags, as AWS does; CreatePolicy omits it.
  if (view == PolicyView::kGet) {
    WriteTagList(w, p.tags);
  } else if (view != PolicyView::kList) {
    WriteTags(w, p.tags);
  }
}

void WritePolicyVersionMembers(XmlWriter& w, const iam::PolicyVersionInfo& info,
                               bool with_document) {
  if (with_document) WritePolicyDocument(w, "Document", info.version.document);
  w.Element("VersionId", info.version.version_id)
      .Bool("IsDefaultVersion", info.is_default)
      .Timestamp("CreateDate", info.version.created);
}

}  // namespace irsa::protocol
