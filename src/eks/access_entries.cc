#include "eks/access_entries.h"

#include <algorithm>
#include <functional>

#include <boost/json.hpp>

#include "base/error.h"
#include "base/ids.h"
#include "base/strings.h"
#include "eks/access_policies.h"
#include "eks/clusters_api.h"
#include "iam/accounts.h"
#include "iam/roles.h"
#include "iam/users.h"
#include "store/json_fields.h"

namespace irsa::eks {
namespace json = boost::json;
namespace {

constexpr const char* kEntryKind = "eks_access_entry";
constexpr size_t kMaxEntriesPerCluster = 10000;

int64_t Nanos(SystemTime t) { return t.time_since_epoch().count(); }
SystemTime FromNanos(int64_t n) { return SystemTime(std::chrono::nanoseconds(n)); }

Error Invalid(std::string message) { return errors::InvalidParameterException(std::move(message)); }

Error NoEntry(const std::string& cluster, const std::string& principal_arn) {
  return errors::ResourceNotFoundException("The specified principalArn " + principal_arn +
                                           " has no access entry on cluster " + cluster + ".");
}

Error NotFound(std::string message) { return Error("NotFoundException", 404, std::move(message)); }

json::object TagsJson(const Tags& tags) {
  json::object out;
  for (const auto& [key, value] : tags) out[key] = value;
  return out;
}

Tags TagsFrom(const json::object& o, std::string_view key) {
  Tags tags;
  if (const json::value* v = o.if_contains(key); v != nullptr && v->is_object()) {
    for (const auto& [k, value] : v->as_object()) {
      if (value.is_string()) tags.emplace_back(std::string(k), std::string(value.as_string()));
    }
  }
  std::sort(tags.begin(), tags.end());
  return tags;
}

std::string EntryBody(const AccessEntry& e) {
  json::array policies;
  for (const AssociatedPolicy& p : e.policies) {
    policies.push_back(json::object{{"policy", p.policy_arn},
                                    {"scope", p.scope.type},
                                    {"namespaces", store::ToJsonArray(p.scope.namespaces)},
                                    {"associated", Nanos(p.associated_at)},
                                    {"modified", Nanos(p.modified_at)}});
  }
  return json::serialize(json::object{{"cluster", e.cluster_name},
                                      {"cluster_id", e.cluster_id},
                                      {"principal", e.principal_arn},
                                      {"principal_id", e.principal_id},
                                      {"type", e.type},
                                      {"username", e.username},
                                      {"groups", store::ToJsonArray(e.kubernetes_groups)},
                                      {"tags", TagsJson(e.tags)},
                                      {"arn", e.arn},
                                      {"created", Nanos(e.created_at)},
                                      {"modified", Nanos(e.modified_at)},
                                      {"policies", std::move(policies)}});
}

Result<AccessEntry> EntryFromBody(const std::string& body) {
  IRSA_TRY(json::object o, store::ParseStoredObject(body, "access entry"));
  AccessEntry e;
  e.cluster_name = store::JsonString(o, "cluster");
  e.cluster_id = store::JsonString(o, "cluster_id");
  e.principal_arn = store::JsonString(o, "principal");
  e.principal_id = store::JsonString(o, "principal_id");
  e.type = store::JsonString(o, "type");
  e.username = store::JsonString(o, "username");
  e.kubernetes_groups = store::JsonStrings(o, "groups");
  e.tags = TagsFrom(o, "tags");
  e.arn = store::JsonString(o, "arn");
  e.created_at = FromNanos(store::JsonInt(o, "created"));
  e.modified_at = FromNanos(store::JsonInt(o, "modified"));
  if (const json::value* v = o.if_contains("policies"); v != nullptr && v->is_array()) {
    for (const json::value& item : v->as_array()) {
      if (!item.is_object()) continue;
      const json::object& p = item.as_object();
      AssociatedPolicy policy;
      policy.policy_arn = store::JsonString(p, "policy");
      policy.scope.type = store::JsonString(p, "scope");
      policy.scope.namespaces = store::JsonStrings(p, "namespaces");
      policy.associated_at = FromNanos(store::JsonInt(p, "associated"));
      policy.modified_at = FromNanos(store::JsonInt(p, "modified"));
      e.policies.push_back(std::move(policy));
    }
  }
  return e;
}

store::Row EntryRow(const std::string& account, const AccessEntry& e) {
  store::Row row;
  row.id = {account, kEntryKind, e.cluster_name, e.principal_arn};
  row.body = EntryBody(e);
  return row;
}

// A DNS-1123 label, optionally ending in '*' (EKS namespace wildcards).
bool IsNamespacePattern(std::string_view ns) {
  if (!ns.empty() && ns.back() == '*') ns.remove_suffix(1);
  if (ns.size() > 63) return false;
  if (ns.empty()) return true;  // "*" alone
  for (char c : ns) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return ns.front() != '-';
}

// Entries in principal-ARN order, page after `token` of at most `max`.
template <typename T, typename KeyFn>
Result<std::pair<std::vector<T>, std::string>> Paginate(std::vector<T> items,
                                                        const PageRequest& page, KeyFn key) {
  if (page.max_results < 1 || page.max_results > 100) {
    return Invalid("maxResults must be between 1 and 100.");
  }
  std::vector<T> out;
  std::string next;
  for (T& item : items) {
    if (!page.next_token.empty() && key(item) <= page.next_token) continue;
    if (static_cast<int>(out.size()) == page.max_results) {
      next = key(out.back());
      break;
    }
    out.push_back(std::move(item));
  }
  return std::make_pair(std::move(out), std::move(next));
}

}  // namespace

std::string ExpandUsername(const std::string& username_template, const std::string& account,
                           const std::string& session_name) {
  std::string session = session_name;
  std::replace(session.begin(), session.end(), '@', '-');
  std::string out;
  for (size_t i = 0; i < username_template.size();) {
    auto at = [&](std::string_view token) {
      return username_template.compare(i, token.size(), token) == 0;
    };
    if (at("{{SessionNameRaw}}")) {
      out += session_name;
      i += 18;
    } else if (at("{{SessionName}}")) {
      out += session;
      i += 15;
    } else if (at("{{AccountID}}")) {
      out += account;
      i += 13;
    } else {
      out += username_template[i++];
    }
  }
  return out;
}

Status ValidateUsername(const std::string& username) {
  if (username.empty() || username.size() > 256) {
    return Invalid("username must be 1-256 characters.");
  }
  const std::string lower = AsciiLower(username);
  for (const char* reserved : {"system:", "eks:", "aws:", "amazon:", "iam:"}) {
    if (lower.starts_with(reserved)) {
      return Invalid("username cannot start with " + std::string(reserved) +
                     " (reserved prefixes: system:, eks:, aws:, amazon:, iam:).");
    }
  }
  for (size_t open = username.find("{{"); open != std::string::npos;
       open = username.find("{{", open + 2)) {
    size_t close = username.find("}}", open);
    if (close == std::string::npos) return Invalid("username has an unterminated {{ template.");
    std::string name = username.substr(open + 2, close - open - 2);
    if (name != "SessionName" && name != "SessionNameRaw" && name != "AccountID") {
      return Invalid("username template {{" + name +
                     "}} is not supported (use {{SessionName}}, {{SessionNameRaw}} or "
                     "{{AccountID}}).");
    }
    if (name.starts_with("SessionName") && username.rfind(':', open) == std::string::npos) {
      return Invalid("username must contain a ':' before {{" + name + "}}.");
    }
  }
  return OkStatus();
}

Status ValidateKubernetesGroups(const std::vector<std::string>& groups) {
  if (groups.size() > 100) return Invalid("An access entry can have at most 100 kubernetesGroups.");
  for (const std::string& group : groups) {
    if (group.empty() || group.size() > 256) {
      return Invalid("kubernetesGroups names must be 1-256 characters.");
    }
    if (StartsWithIgnoreCase(group, "system:")) {
      return Invalid("kubernetesGroups cannot contain " + group +
                     ": group names starting with system: are reserved.");
    }
  }
  return OkStatus();
}

Status ValidateAccessScope(const AccessScope& scope) {
  if (scope.type == "cluster") {
    if (!scope.namespaces.empty()) {
      return Invalid("accessScope of type cluster cannot have namespaces.");
    }
    return OkStatus();
  }
  if (scope.type != "namespace") {
    return Invalid("accessScope type must be cluster or namespace, not " +
                   scope.type.substr(0, 64) + ".");
  }
  if (scope.namespaces.empty()) {
    return Invalid("accessScope of type namespace needs at least one namespace.");
  }
  for (const std::string& ns : scope.namespaces) {
    if (!IsNamespacePattern(ns)) {
      return Invalid("namespace " + ns.substr(0, 64) +
                     " is invalid: a DNS-1123 label (lower-case alphanumerics and '-'), "
                     "optionally ending in '*'.");
    }
  }
  return OkStatus();
}

AccessEntries::AccessEntries(store::Store& store, const Clock& clock, Random& random,
                             oidc::ClusterRegistry& clusters, const iam::ServiceContext& iam)
    : store_(store), clock_(clock), random_(random), clusters_(clusters), iam_(iam) {}

Result<PrincipalIdentity> AccessEntries::ResolvePrincipal(const std::string& arn) {
  IRSA_TRY(ParsedPrincipalArn parsed, ParsePrincipalArn(arn));
  auto invalid = [&](const std::string& why) {
    return Invalid("The specified principalArn is invalid: " + why + ".");
  };
  if (parsed.kind == "root") {
    IRSA_TRY(bool exists, iam::AccountExists(iam_, parsed.account));
    if (!exists) return invalid("account " + parsed.account + " is not an account irsa hosts");
    return PrincipalIdentity{arn, parsed.account};
  }
  std::string actual_arn, id;
  if (parsed.kind == "user") {
    Result<iam::UserRecord> user = iam::GetUser(iam_, parsed.account, parsed.name);
    if (!user.ok()) {
      if (user.error().code() == "NoSuchEntity") return invalid("no such IAM user " + arn);
      return user.error();
    }
    actual_arn = user->arn;
    id = user->id;
  } else {
    Result<iam::RoleRecord> role = iam::GetRole(iam_, parsed.account, parsed.name);
    if (!role.ok()) {
      if (role.error().code() == "NoSuchEntity") return invalid("no such IAM role " + arn);
      return role.error();
    }
    actual_arn = role->arn;
    id = role->id;
  }
  if (actual_arn != arn) {
    return invalid(arn + " is " + actual_arn + " (the ARN must match the principal's, path and " +
                   "case included)");
  }
  return PrincipalIdentity{arn, id};
}

Result<AccessEntry> AccessEntries::Create(const std::string& account,
                                          const CreateAccessEntryInput& input) {
  const std::string type = input.type.empty() ? "STANDARD" : input.type;
  if (type != "STANDARD") {
    for (const char* node : {"EC2_LINUX", "EC2_WINDOWS", "FARGATE_LINUX", "HYBRID_LINUX", "EC2"}) {
      if (type == node) {
        return Invalid("Access entries of type " + type +
                       " are for nodes; irsa runs no nodes and serves STANDARD entries only.");
      }
    }
    return Invalid(
        "type must be STANDARD, EC2_LINUX, EC2_WINDOWS, FARGATE_LINUX, HYBRID_LINUX or "
        "EC2.");
  }
  IRSA_RETURN_IF_ERROR(ValidateKubernetesGroups(input.kubernetes_groups));
  if (!input.username.empty()) IRSA_RETURN_IF_ERROR(ValidateUsername(input.username));
  IRSA_RETURN_IF_ERROR(ValidateTags(input.tags));
  IRSA_TRY(oidc::ClusterRecord cluster, clusters_.Get(account, input.cluster));
  IRSA_TRY(PrincipalIdentity principal, ResolvePrincipal(input.principal_arn));
  IRSA_TRY(ParsedPrincipalArn parsed, ParsePrincipalArn(input.principal_arn));

  AccessEntry e;
  e.cluster_name = cluster.name;
  e.cluster_id = cluster.id;
  e.principal_arn = principal.arn;
  e.principal_id = principal.id;
  e.type = type;
  if (!input.username.empty()) {
    e.username = input.username;
  } else if (parsed.kind == "role") {
    e.username =
        "arn:aws:sts::" + parsed.account + ":assumed-role/" + parsed.name + "/{{SessionName}}";
  } else {
    e.username = principal.arn;
  }
  e.kubernetes_groups = input.kubernetes_groups;
  std::sort(e.kubernetes_groups.begin(), e.kubernetes_groups.end());
  e.kubernetes_groups.erase(std::unique(e.kubernetes_groups.begin(), e.kubernetes_groups.end()),
                            e.kubernetes_groups.end());
  e.tags = input.tags;
  std::sort(e.tags.begin(), e.tags.end());
  e.arn = "arn:aws:eks:" + cluster.region + ":" + account + ":access-entry/" + cluster.name + "/" +
          parsed.kind + "/" + parsed.account + "/" + parsed.name + "/" + NewUuid(random_);
  e.created_at = e.modified_at = clock_.Now();
  IRSA_RETURN_IF_ERROR(store_.Write([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(store::Page existing, tx.List({.account = account,
                                            .kind = kEntryKind,
                                            .parent = cluster.name,
                                            .limit = kMaxEntriesPerCluster}));
    for (const store::Row& row : existing.rows) {
      IRSA_TRY(AccessEntry other, EntryFromBody(row.body));
      if (other.cluster_id != cluster.id) {
        // Left over from a deleted cluster of the same name.
        IRSA_TRY(bool deleted, tx.Delete(row.id));
        (void)deleted;
      } else if (other.principal_arn == e.principal_arn || other.principal_id == e.principal_id) {
        return errors::ResourceInUseException(
            "The specified access entry resource is already in use on this cluster.");
      }
    }
    return tx.Insert(EntryRow(account, e));
  }));
  return e;
}

Result<std::optional<AccessEntry>> AccessEntries::Find(const std::string& account,
                                                       const std::string& cluster,
                                                       const std::string& principal_arn) {
  IRSA_TRY(oidc::ClusterRecord record, clusters_.Get(account, cluster));
  std::optional<store::Row> row;
  IRSA_RETURN_IF_ERROR(store_.Read([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(row, tx.Get({account, kEntryKind, cluster, principal_arn}));
    return OkStatus();
  }));
  if (!row) return std::optional<AccessEntry>();
  IRSA_TRY(AccessEntry e, EntryFromBody(row->body));
  if (e.cluster_id != record.id) return std::optional<AccessEntry>();
  return std::optional<AccessEntry>(std::move(e));
}

Result<AccessEntry> AccessEntries::Describe(const std::string& account, const std::string& cluster,
                                            const std::string& principal_arn) {
  IRSA_TRY(std::optional<AccessEntry> e, Find(account, cluster, principal_arn));
  if (!e) return NoEntry(cluster, principal_arn);
  return std::move(*e);
}

Result<std::optional<AccessEntry>> AccessEntries::FindByArn(const std::string& account,
                                                            const std::string& arn) {
  // arn:aws:eks:<region>:<account>:access-entry/<cluster>/<kind>/<account>/<name>/<uuid>
  const std::string marker = ":access-entry/";
  size_t at = arn.find(marker);
  if (at == std::string::npos) return std::optional<AccessEntry>();
  std::vector<std::string_view> parts =
      Split(std::string_view(arn).substr(at + marker.size()), '/');
  if (parts.size() != 5) return std::optional<AccessEntry>();
  const std::string cluster(parts[0]);
  Result<oidc::ClusterRecord> record = clusters_.Get(account, cluster);
  if (!record.ok()) {
    if (record.error().code() == "ResourceNotFoundException") return std::optional<AccessEntry>();
    return record.error();
  }
  std::vector<store::Row> rows;
  IRSA_RETURN_IF_ERROR(store_.Read([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(store::Page page, tx.List({.account = account,
                                        .kind = kEntryKind,
                                        .parent = cluster,
                                        .limit = kMaxEntriesPerCluster}));
    rows = std::move(page.rows);
    return OkStatus();
  }));
  for (const store::Row& row : rows) {
    IRSA_TRY(AccessEntry e, EntryFromBody(row.body));
    if (e.arn == arn && e.cluster_id == record->id) return std::optional<AccessEntry>(std::move(e));
  }
  return std::optional<AccessEntry>();
}

Result<AccessEntryPage> AccessEntries::List(const std::string& account, const std::string& cluster,
                                            const std::string& associated_policy_arn,
                                            const PageRequest& page) {
  IRSA_TRY(oidc::ClusterRecord record, clusters_.Get(account, cluster));
  if (!associated_policy_arn.empty() && FindAccessPolicy(associated_policy_arn) == nullptr) {
    return Invalid("associatedPolicyArn " + associated_policy_arn.substr(0, 256) +
                   " is not an access policy (see list-access-policies).");
  }
  std::vector<store::Row> rows;
  IRSA_RETURN_IF_ERROR(store_.Read([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(store::Page listed, tx.List({.account = account,
                                          .kind = kEntryKind,
                                          .parent = cluster,
                                          .limit = kMaxEntriesPerCluster}));
    rows = std::move(listed.rows);
    return OkStatus();
  }));
  std::vector<std::string> arns;
  for (const store::Row& row : rows) {
    IRSA_TRY(AccessEntry e, EntryFromBody(row.body));
    if (e.cluster_id != record.id) continue;
    bool associated = associated_policy_arn.empty();
    for (const AssociatedPolicy& p : e.policies)
      associated |= p.policy_arn == associated_policy_arn;
    if (associated) arns.push_back(e.principal_arn);
  }
  std::sort(arns.begin(), arns.end());
  IRSA_TRY(auto paged, Paginate(std::move(arns), page, [](const std::string& s) { return s; }));
  return AccessEntryPage{std::move(paged.first), std::move(paged.second)};
}

Result<AccessEntry> AccessEntries::Mutate(const std::string& account, const std::string& cluster,
                                          const std::string& principal_arn,
                                          const std::function<Status(AccessEntry&)>& change) {
  IRSA_TRY(oidc::ClusterRecord record, clusters_.Get(account, cluster));
  AccessEntry result;
  IRSA_RETURN_IF_ERROR(store_.Write([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(std::optional<store::Row> row, tx.Get({account, kEntryKind, cluster, principal_arn}));
    if (!row) return NoEntry(cluster, principal_arn);
    IRSA_TRY(AccessEntry e, EntryFromBody(row->body));
    if (e.cluster_id != record.id) return NoEntry(cluster, principal_arn);
    IRSA_RETURN_IF_ERROR(change(e));
    e.modified_at = clock_.Now();
    IRSA_RETURN_IF_ERROR(tx.Upsert(EntryRow(account, e)));
    result = std::move(e);
    return OkStatus();
  }));
  return result;
}

Result<AccessEntry> AccessEntries::Update(const std::string& account,
                                          const UpdateAccessEntryInput& input) {
  if (input.kubernetes_groups)
    IRSA_RETURN_IF_ERROR(ValidateKubernetesGroups(*input.kubernetes_groups));
  if (input.username && !input.username->empty()) {
    IRSA_RETURN_IF_ERROR(ValidateUsername(*input.username));
  }
  return Mutate(account, input.cluster, input.principal_arn, [&](AccessEntry& e) -> Status {
    if (input.kubernetes_groups) {
      e.kubernetes_groups = *input.kubernetes_groups;
      std::sort(e.kubernetes_groups.begin(), e.kubernetes_groups.end());
      e.kubernetes_groups.erase(std::unique(e.kubernetes_groups.begin(), e.kubernetes_groups.end()),
                                e.kubernetes_groups.end());
    }
    if (input.username) {
      if (!input.username->empty()) {
        e.username = *input.username;
      } else {
        IRSA_TRY(ParsedPrincipalArn parsed, ParsePrincipalArn(e.principal_arn));
        e.username = parsed.kind == "role" ? "arn:aws:sts::" + parsed.account + ":assumed-role/" +
                                                 parsed.name + "/{{SessionName}}"
                                           : e.principal_arn;
      }
    }
    return OkStatus();
  });
}

Status AccessEntries::Delete(const std::string& account, const std::string& cluster,
                             const std::string& principal_arn) {
  IRSA_TRY(oidc::ClusterRecord record, clusters_.Get(account, cluster));
  return store_.Write([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(std::optional<store::Row> row, tx.Get({account, kEntryKind, cluster, principal_arn}));
    if (!row) return NoEntry(cluster, principal_arn);
    IRSA_TRY(AccessEntry e, EntryFromBody(row->body));
    IRSA_TRY(bool deleted, tx.Delete(row->id));
    (void)deleted;
    if (e.cluster_id != record.id) return NoEntry(cluster, principal_arn);
    return OkStatus();
  });
}

Status AccessEntries::DeleteAll(const std::string& account, const std::string& cluster) {
  return store_.Write([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(int64_t deleted, tx.DeleteChildren(account, kEntryKind, cluster));
    (void)deleted;
    return OkStatus();
  });
}

Result<AssociatedPolicy> AccessEntries::AssociatePolicy(const std::string& account,
                                                        const std::string& cluster,
                                                        const std::string& principal_arn,
                                                        const std::string& policy_arn,
                                                        AccessScope scope) {
  if (FindAccessPolicy(policy_arn) == nullptr) {
    return errors::ResourceNotFoundException(
        "The specified policyArn " + policy_arn.substr(0, 256) +
        " is not an access policy (see list-access-policies).");
  }
  IRSA_RETURN_IF_ERROR(ValidateAccessScope(scope));
  std::sort(scope.namespaces.begin(), scope.namespaces.end());
  scope.namespaces.erase(std::unique(scope.namespaces.begin(), scope.namespaces.end()),
                         scope.namespaces.end());
  AssociatedPolicy result;
  IRSA_TRY(
      AccessEntry entry, Mutate(account, cluster, principal_arn, [&](AccessEntry& e) -> Status {
        const SystemTime now = clock_.Now();
        auto it =
            std::find_if(e.policies.begin(), e.policies.end(),
                         [&](const AssociatedPolicy& p) { return p.policy_arn == policy_arn; });
        if (it == e.policies.end()) {
          e.policies.push_back(AssociatedPolicy{policy_arn, scope, now, now});
          std::sort(e.policies.begin(), e.policies.end(),
                    [](const AssociatedPolicy& a, const AssociatedPolicy& b) {
                      return a.policy_arn < b.policy_arn;
                    });
        } else {
          it->scope = scope;
          it->modified_at = now;
        }
        return OkStatus();
      }));
  for (const AssociatedPolicy& p : entry.policies) {
    if (p.policy_arn == policy_arn) result = p;
  }
  return result;
}

Status AccessEntries::DisassociatePolicy(const std::string& account, const std::string& cluster,
                                         const std::string& principal_arn,
                                         const std::string& policy_arn) {
  Result<AccessEntry> changed =
      Mutate(account, cluster, principal_arn, [&](AccessEntry& e) -> Status {
        auto it =
            std::find_if(e.policies.begin(), e.policies.end(),
                         [&](const AssociatedPolicy& p) { return p.policy_arn == policy_arn; });
        if (it == e.policies.end()) {
          return errors::ResourceNotFoundException("The specified policyArn " +
                                                   policy_arn.substr(0, 256) +
                                                   " is not associated with this access entry.");
        }
        e.policies.erase(it);
        return OkStatus();
      });
  IRSA_RETURN_IF_ERROR(changed);
  return OkStatus();
}

Result<AssociatedPolicyPage> AccessEntries::ListAssociatedPolicies(const std::string& account,
                                                                   const std::string& cluster,
                                                                   const std::string& principal_arn,
                                                                   const PageRequest& page) {
  IRSA_TRY(AccessEntry e, Describe(account, cluster, principal_arn));
  IRSA_TRY(auto paged, Paginate(std::move(e.policies), page,
                                [](const AssociatedPolicy& p) { return p.policy_arn; }));
  return AssociatedPolicyPage{std::move(paged.first), std::move(paged.second)};
}

Result<AccessPolicyPage> AccessEntries::ListAccessPolicies(const PageRequest& page) const {
  std::vector<std::pair<std::string, std::string>> all;
  for (const AccessPolicy& p : AccessPolicies()) all.emplace_back(p.name, p.arn);
  IRSA_TRY(auto paged,
           Paginate(std::move(all), page,
                    [](const std::pair<std::string, std::string>& p) { return p.first; }));
  return AccessPolicyPage{std::move(paged.first), std::move(paged.second)};
}

Status AccessEntries::TagEntry(const std::string& account, const std::string& arn,
                               const Tags& tags) {
  IRSA_TRY(std::optional<AccessEntry> found, FindByArn(account, arn));
  if (!found) return NotFound("Resource " + arn.substr(0, 256) + " was not found.");
  Tags merged = found->tags;
  for (const auto& [key, value] : tags) {
    auto it = std::find_if(merged.begin(), merged.end(),
                           [&key = key](const auto& tag) { return tag.first == key; });
    if (it == merged.end()) {
      merged.emplace_back(key, value);
    } else {
      it->second = value;
    }
  }
  std::sort(merged.begin(), merged.end());
  if (Status valid = ValidateTags(merged); !valid.ok()) {
    return Error("BadRequestException", 400, valid.error().message());
  }
  Result<AccessEntry> changed =
      Mutate(account, found->cluster_name, found->principal_arn, [&](AccessEntry& e) -> Status {
        e.tags = merged;
        return OkStatus();
      });
  IRSA_RETURN_IF_ERROR(changed);
  return OkStatus();
}

Status AccessEntries::UntagEntry(const std::string& account, const std::string& arn,
                                 const std::vector<std::string>& keys) {
  IRSA_TRY(std::optional<AccessEntry> found, FindByArn(account, arn));
  if (!found) return NotFound("Resource " + arn.substr(0, 256) + " was not found.");
  Result<AccessEntry> changed =
      Mutate(account, found->cluster_name, found->principal_arn, [&](AccessEntry& e) -> Status {
        std::erase_if(e.tags, [&](const auto& tag) {
          return std::find(keys.begin(), keys.end(), tag.first) != keys.end();
        });
        return OkStatus();
      });
  IRSA_RETURN_IF_ERROR(changed);
  return OkStatus();
}

Result<std::optional<AccessEntry>> AccessEntries::ForPrincipal(const oidc::ClusterRecord& cluster,
                                                               const PrincipalIdentity& principal) {
  std::optional<store::Row> row;
  IRSA_RETURN_IF_ERROR(store_.Read([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(row, tx.Get({cluster.account, kEntryKind, cluster.name, principal.arn}));
    return OkStatus();
  }));
  if (!row) return std::optional<AccessEntry>();
  IRSA_TRY(AccessEntry e, EntryFromBody(row->body));
  if (e.cluster_id != cluster.id || e.principal_id.empty() || e.principal_id != principal.id) {
    return std::optional<AccessEntry>();
  }
  return std::optional<AccessEntry>(std::move(e));
}

}  // namespace irsa::eks
