// Shared pieces of the IAM Query adapters (iam_*_actions.cc): reading tag lists and tag keys,
// model patterns the generic validator lacks, and writing the model's output structures (Role,
// Policy, PolicyVersion, Tag lists) in model member order.
//
// Policy documents are written exactly as stored, percent-encoded strictly (RFC 3986, space ->
// %20, '*' -> %2A) because botocore unquotes and JSON-decodes every policyDocumentType member
// (wire spec §1.7).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "iam/policies.h"
#include "iam/records.h"
#include "protocol/query_params.h"
#include "protocol/validation.h"
#include "protocol/xml_writer.h"

namespace irsa::protocol {

namespace patterns {
// ((/[A-Za-z0-9\.,\+@=_-]+)*)/ : policyPathType (CreatePolicy Path, ListPolicies PathPrefix, …).
extern const ModelPattern kPolicyPath;
// v[1-9][0-9]*(\.[A-Za-z0-9-]*)? : policyVersionIdType.
extern const ModelPattern kPolicyVersionId;
}  // namespace patterns

// `Tags.member.N.Key` / `.Value` (Tag: both required; key 1-128, value 0-256, tag patterns).
// Violations name the members as AWS does: 'tags.1.member.key'. The count (at most
// quotas.tags_per_resource, LimitExceeded) is the service layer's check.
Result<std::vector<iam::Tag>> ReadTags(const QueryParams& params);
// `TagKeys.member.N` (required; each 1-128 of the tag key pattern; the count is checked by the
// service layer).
Result<std::vector<std::string>> ReadTagKeys(const QueryParams& params);

// <Tags><member><Key/><Value/></member>…</Tags>; nothing when empty (optional member).
void WriteTags(XmlWriter& w, const std::vector<iam::Tag>& tags);
// <Tags>…</Tags>, <Tags/> when empty (required member of List*Tags).
void WriteTagList(XmlWriter& w, const std::vector<iam::Tag>& tags);

// <name>percent-encoded document</name>.
void WritePolicyDocument(XmlWriter& w, std::string_view name, std::string_view document);

enum class RoleView {
  kCreate,  // CreateRole: PermissionsBoundary and Tags when set, no RoleLastUsed
  kGet,     // GetRole, UpdateRoleDescription: also RoleLastUsed (<RoleLastUsed/> if never used)
  kList,    // ListRoles: without PermissionsBoundary, Tags and RoleLastUsed, as AWS
};
// The Role structure's members (without the enclosing element), in model order.
void WriteRoleMembers(XmlWriter& w, const iam::RoleRecord& role, RoleView view);
// <Role>…</Role>.
void WriteRole(XmlWriter& w, const iam::RoleRecord& role, RoleView view);

enum class UserView {
  kFull,  // CreateUser, GetUser: PermissionsBoundary and Tags when set
  kList,  // ListUsers, GetGroup: neither (AWS omits them in listings)
};
// The User structure's members (without the enclosing element), in model order.
void WriteUserMembers(XmlWriter& w, const iam::UserRecord& user, UserView view);
// The Group structure's members.
void WriteGroupMembers(XmlWriter& w, const iam::GroupRecord& group);

enum class PolicyView {
  kCreate,  // CreatePolicy: no Description, Tags when given
  kGet,     // GetPolicy: Description and Tags
  kList,    // ListPolicies: neither
};
// The Policy structure's members (without the enclosing element).
void WritePolicyMembers(XmlWriter& w, const iam::PolicyInfo& info, PolicyView view);

// The PolicyVersion structure's members; the document only when `with_document`.
void WritePolicyVersionMembers(XmlWriter& w, const iam::PolicyVersionInfo& info,
                               bool with_document);

}  // namespace irsa::protocol
