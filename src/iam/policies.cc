#include "iam/policies.h"

#include <algorithm>
#include <cctype>

#include "base/ids.h"
#include "base/strings.h"
#include "iam/documents.h"
#include "iam/lookup.h"
#include "iam/tags.h"
#include "iam/validation.h"

namespace irsa::iam {
namespace {

Error AwsManagedReadOnly(const std::string& arn) {
  return errors::AccessDenied("Policy " + arn +
                              " is an AWS managed policy and cannot be modified.");
}

Error NoSuchVersion(const std::string& arn, const std::string& version_id) {
  return errors::NoSuchEntity("Policy " + arn + " version " + version_id +
                              " does not exist or is not attachable.");
}

Status ValidateVersionId(const std::string& version_id) {
  // v[1-9][0-9]*(\.[A-Za-z0-9-]*)?
  bool ok = version_id.size() >= 2 && version_id[0] == 'v' && version_id[1] >= '1' &&
            version_id[1] <= '9';
  size_t i = 2;
  while (ok && i < version_id.size() && std::isdigit(static_cast<unsigned char>(version_id[i]))) {
    ++i;
  }
  if (ok && i < version_id.size()) {
    ok = version_id[i] == '.';
    for (++i; ok && i < version_id.size(); ++i) {
      unsigned char c = static_cast<unsigned char>(version_id[i]);
      ok = std::isalnum(c) || c == '-';
    }
  }
  if (!ok) {
    return ConstraintError(version_id, "versionId",
                           "Member must satisfy regular expression pattern: "
                           "v[1-9][0-9]*(\\.[A-Za-z0-9-]*)?");
  }
  return OkStatus();
}

int64_t VersionNumber(const std::string& version_id) {
  int64_t n = 0;
  for (size_t i = 1;
       i < version_id.size() && std::isdigit(static_cast<unsigned char>(version_id[i])); ++i) {
    n = n * 10 + (version_id[i] - '0');
  }
  return n;
}

Result<int64_t> CountByRef(store::StoreTx& tx, const std::string& account, const char* kind_a,
                           const char* kind_b, const std::string& arn) {
  IRSA_TRY(int64_t a, tx.Count({.account = account, .kind = kind_a, .ref = arn}));
  IRSA_TRY(int64_t b, tx.Count({.account = account, .kind = kind_b, .ref = arn}));
  return a + b;
}

Result<PolicyInfo> MakeInfo(store::StoreTx& tx, const std::string& account,
                            const std::string& policy_account, PolicyRecord policy) {
  PolicyInfo info;
  IRSA_TRY(info.attachment_count,
           CountByRef(tx, account, kind::kRoleAttachment, kind::kUserAttachment, policy.arn));
  IRSA_TRY(int64_t groups,
           tx.Count({.account = account, .kind = kind::kGroupAttachment, .ref = policy.arn}));
  info.attachment_count += groups;
  IRSA_TRY(info.boundary_usage_count,
           CountByRef(tx, account, kind::kRoleBoundary, kind::kUserBoundary, policy.arn));
  info.aws_managed = policy_account == kAwsManagedAccount;
  info.policy = std::move(policy);
  return info;
}

// Loads a policy the caller may modify (not AWS-managed).
Result<LoadedPolicy> LoadOwnPolicy(store::StoreTx& tx, const std::string& account,
                                   const std::string& arn) {
  IRSA_TRY(LoadedPolicy loaded, LoadPolicy(tx, account, arn));
  if (loaded.aws_managed()) return AwsManagedReadOnly(arn);
  return loaded;
}

Status CheckManagedDocument(const ServiceContext& ctx, const std::string& document) {
  IRSA_TRY(auto compiled, CheckDocument(document, DocumentUse::kManaged));
  (void)compiled;
  if (DocumentSize(document) > ctx.quotas.managed_policy_size) {
    return errors::LimitExceeded("Cannot exceed quota for PolicySize: " +
                                 std::to_string(ctx.quotas.managed_policy_size));
  }
  return OkStatus();
}

Result<std::vector<PolicyVersionRecord>> AllVersions(store::StoreTx& tx,
                                                     const LoadedPolicy& policy) {
  IRSA_TRY(store::Page page, tx.List({.account = policy.account,
                                      .kind = kind::kPolicyVersion,
                                      .parent = policy.row.id.key,
                                      .limit = 10000}));
  std::vector<PolicyVersionRecord> versions;
  for (const auto& row : page.rows) {
    IRSA_TRY(PolicyVersionRecord version, PolicyVersionFromBody(row.body));
    versions.push_back(std::move(version));
  }
  std::sort(versions.begin(), versions.end(), [](const auto& a, const auto& b) {
    return VersionNumber(a.version_id) > VersionNumber(b.version_id);
  });
  return versions;
}

bool PassesFilters(const PolicyInfo& info, const ListPoliciesInput& input) {
  if (input.only_attached && info.attachment_count == 0) return false;
  if (input.usage == PolicyUsageFilter::kPermissionsPolicy && info.attachment_count == 0) {
    return false;
  }
  if (input.usage == PolicyUsageFilter::kPermissionsBoundary && info.boundary_usage_count == 0) {
    return false;
  }
  return true;
}

}  // namespace

Result<PolicyInfo> CreatePolicy(const ServiceContext& ctx, const std::string& account,
                                const CreatePolicyInput& input) {
  IRSA_RETURN_IF_ERROR(ValidateName(input.name, "policyName", 128));
  const std::string path = input.path.empty() ? "/" : input.path;
  IRSA_RETURN_IF_ERROR(ValidatePolicyPath(path, "path"));
  IRSA_RETURN_IF_ERROR(ValidateDescription(input.description, "description", false));
  IRSA_RETURN_IF_ERROR(ValidateTags(input.tags, ctx.quotas.tags_per_resource, "Policy"));
  IRSA_RETURN_IF_ERROR(CheckManagedDocument(ctx, input.document));

  PolicyRecord policy;
  policy.name = input.name;
  policy.id = NewUniqueId(id_prefix::kPolicy, ctx.random);
  policy.path = path;
  policy.arn = PolicyArn(account, path, input.name);
  policy.description = input.description;
  policy.created = ctx.clock.Now();
  policy.updated = policy.created;
  policy.default_version_id = "v1";
  policy.next_version_number = 2;
  policy.tags = input.tags;
  PolicyVersionRecord v1{"v1", input.document, policy.created};

  PolicyInfo info;
  info.policy = policy;
  IRSA_RETURN_IF_ERROR(ctx.store.Write([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(int64_t count, tx.Count({.account = account, .kind = kind::kPolicy}));
    if (count >= ctx.quotas.policies_per_account) {
      return errors::LimitExceeded("Cannot exceed quota for PoliciesPerAccount: " +
                                   std::to_string(ctx.quotas.policies_per_account));
    }
    Status inserted = tx.Insert(PolicyRow(account, policy));
    if (!inserted.ok() && inserted.error().code() == "EntityAlreadyExists") {
      return errors::EntityAlreadyExists("A policy called " + policy.name +
                                         " already exists. Duplicate names are not allowed.");
    }
    IRSA_RETURN_IF_ERROR(inserted);
    return tx.Insert(PolicyVersionRow(account, policy.name, v1));
  }));
  return info;
}

Result<PolicyInfo> GetPolicy(const ServiceContext& ctx, const std::string& account,
                             const std::string& policy_arn) {
  PolicyInfo info;
  IRSA_RETURN_IF_ERROR(ctx.store.ReadCached([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(LoadedPolicy loaded, LoadPolicy(tx, account, policy_arn));
    IRSA_TRY(info, MakeInfo(tx, account, loaded.account, std::move(loaded.record)));
    return OkStatus();
  }));
  return info;
}

Status DeletePolicy(const ServiceContext& ctx, const std::string& account,
                    const std::string& policy_arn) {
  return ctx.store.Write([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(LoadedPolicy loaded, LoadOwnPolicy(tx, account, policy_arn));
    IRSA_TRY(PolicyInfo info, MakeInfo(tx, account, loaded.account, loaded.record));
    if (info.attachment_count > 0 || info.boundary_usage_count > 0) {
      return errors::DeleteConflict("Cannot delete a policy attached to entities.");
    }
    IRSA_TRY(
        int64_t versions,
        tx.Count({.account = account, .kind = kind::kPolicyVersion, .parent = loaded.row.id.key}));
    if (versions > 1) {
      return errors::DeleteConflict(
          "This policy has more than one version. Before you delete a policy, you must delete "
          "the policy's versions. The default version is deleted with the policy.");
    }
    IRSA_TRY(int64_t removed, tx.DeleteChildren(account, kind::kPolicyVersion, loaded.row.id.key));
    (void)removed;
    IRSA_TRY(bool deleted, tx.Delete(loaded.row.id));
    (void)deleted;
    return OkStatus();
  });
}

Result<ListPage<PolicyInfo>> ListPolicies(const ServiceContext& ctx, const std::string& account,
                                          const ListPoliciesInput& input) {
  IRSA_TRY(int limit, EffectiveMaxItems(input.max_items));
  if (!input.path_prefix.empty()) {
    IRSA_RETURN_IF_ERROR(ValidatePathPrefix(input.path_prefix, "pathPrefix"));
  }
  IRSA_TRY(std::string after, DecodeMarker(input.marker));
  // Segments: 'a' = AWS-managed, 'l' = local. Marker = "<segment>:<last key>".
  std::vector<std::pair<char, std::string>> segments;
  if (input.scope != PolicyScope::kLocal) segments.emplace_back('a', kAwsManagedAccount);
  if (input.scope != PolicyScope::kAws) segments.emplace_back('l', account);
  size_t first_segment = 0;
  std::string after_key;
  if (!after.empty()) {
    if (after.size() < 2 || after[1] != ':') {
      return errors::InvalidInput("Invalid Marker: the marker was not returned by this service.");
    }
    while (first_segment < segments.size() && segments[first_segment].first != after[0]) {
      ++first_segment;
    }
    after_key = after.substr(2);
  }

  struct Item {
    PolicyInfo info;
    std::string marker_key;
  };
  std::vector<Item> items;
  IRSA_RETURN_IF_ERROR(ctx.store.Read([&](store::StoreTx& tx) -> Status {
    for (size_t s = first_segment; s < segments.size(); ++s) {
      store::ListQuery query{.account = segments[s].second, .kind = kind::kPolicy};
      if (!input.path_prefix.empty() && input.path_prefix != "/") {
        query.path_prefix = input.path_prefix;
      }
      query.after_key = s == first_segment ? after_key : "";
      query.limit = 200;
      while (true) {
        IRSA_TRY(store::Page page, tx.List(query));
        for (const auto& row : page.rows) {
          IRSA_TRY(PolicyRecord policy, PolicyFromBody(row.body));
          IRSA_TRY(PolicyInfo info, MakeInfo(tx, account, segments[s].second, std::move(policy)));
          if (!PassesFilters(info, input)) continue;
          items.push_back({std::move(info), std::string(1, segments[s].first) + ":" + row.id.key});
          if (items.size() > static_cast<size_t>(limit)) return OkStatus();
        }
        if (!page.truncated || page.rows.empty()) break;
        query.after_key = page.rows.back().id.key;
      }
    }
    return OkStatus();
  }));
  ListPage<PolicyInfo> out;
  if (items.size() > static_cast<size_t>(limit)) {
    items.pop_back();
    out.truncated = true;
    out.marker = EncodeMarker(items.back().marker_key);
  }
  for (auto& item : items) out.items.push_back(std::move(item.info));
  return out;
}

Result<PolicyVersionInfo> CreatePolicyVersion(const ServiceContext& ctx, const std::string& account,
                                              const std::string& policy_arn,
                                              const std::string& document, bool set_as_default) {
  IRSA_RETURN_IF_ERROR(CheckManagedDocument(ctx, document));
  PolicyVersionInfo out;
  IRSA_RETURN_IF_ERROR(ctx.store.Write([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(LoadedPolicy loaded, LoadOwnPolicy(tx, account, policy_arn));
    IRSA_TRY(
        int64_t versions,
        tx.Count({.account = account, .kind = kind::kPolicyVersion, .parent = loaded.row.id.key}));
    if (versions >= ctx.quotas.versions_per_policy) {
      return errors::LimitExceeded("A managed policy can have up to " +
                                   std::to_string(ctx.quotas.versions_per_policy) +
                                   " versions. Before you create a new version, you must delete "
                                   "an existing version.");
    }
    PolicyRecord& policy = loaded.record;
    PolicyVersionRecord version{"v" + std::to_string(policy.next_version_number), document,
                                ctx.clock.Now()};
    policy.next_version_number++;
    policy.updated = version.created;
    if (set_as_default) policy.default_version_id = version.version_id;
    IRSA_RETURN_IF_ERROR(tx.Insert(PolicyVersionRow(account, policy.name, version)));
    IRSA_RETURN_IF_ERROR(tx.Upsert(PolicyRow(account, policy)));
    out = {std::move(version), set_as_default};
    return OkStatus();
  }));
  return out;
}

Result<PolicyVersionInfo> GetPolicyVersion(const ServiceContext& ctx, const std::string& account,
                                           const std::string& policy_arn,
                                           const std::string& version_id) {
  IRSA_RETURN_IF_ERROR(ValidateVersionId(version_id));
  PolicyVersionInfo out;
  IRSA_RETURN_IF_ERROR(ctx.store.ReadCached([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(LoadedPolicy loaded, LoadPolicy(tx, account, policy_arn));
    IRSA_TRY(auto row,
             tx.Get({loaded.account, kind::kPolicyVersion, loaded.row.id.key, version_id}));
    if (!row) return NoSuchVersion(policy_arn, version_id);
    IRSA_TRY(out.version, PolicyVersionFromBody(row->body));
    out.is_default = loaded.record.default_version_id == version_id;
    return OkStatus();
  }));
  return out;
}

Result<ListPage<PolicyVersionInfo>> ListPolicyVersions(const ServiceContext& ctx,
                                                       const std::string& account,
                                                       const std::string& policy_arn,
                                                       const std::string& marker, int max_items) {
  IRSA_TRY(int limit, EffectiveMaxItems(max_items));
  IRSA_TRY(std::string after, DecodeMarker(marker));
  int64_t below = after.empty() ? INT64_MAX : VersionNumber(after);
  ListPage<PolicyVersionInfo> out;
  IRSA_RETURN_IF_ERROR(ctx.store.Read([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(LoadedPolicy loaded, LoadPolicy(tx, account, policy_arn));
    IRSA_TRY(auto versions, AllVersions(tx, loaded));
    for (auto& version : versions) {
      if (VersionNumber(version.version_id) >= below) continue;
      if (out.items.size() == static_cast<size_t>(limit)) {
        out.truncated = true;
        out.marker = EncodeMarker(out.items.back().version.version_id);
        break;
      }
      bool is_default = version.version_id == loaded.record.default_version_id;
      out.items.push_back({std::move(version), is_default});
    }
    return OkStatus();
  }));
  return out;
}

Status DeletePolicyVersion(const ServiceContext& ctx, const std::string& account,
                           const std::string& policy_arn, const std::string& version_id) {
  IRSA_RETURN_IF_ERROR(ValidateVersionId(version_id));
  return ctx.store.Write([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(LoadedPolicy loaded, LoadOwnPolicy(tx, account, policy_arn));
    IRSA_TRY(auto row, tx.Get({account, kind::kPolicyVersion, loaded.row.id.key, version_id}));
    if (!row) return NoSuchVersion(policy_arn, version_id);
    if (loaded.record.default_version_id == version_id) {
      return errors::DeleteConflict("Cannot delete the default version of a policy.");
    }
    IRSA_TRY(bool deleted, tx.Delete(row->id));
    (void)deleted;
    return OkStatus();
  });
}

Status SetDefaultPolicyVersion(const ServiceContext& ctx, const std::string& account,
                               const std::string& policy_arn, const std::string& version_id) {
  IRSA_RETURN_IF_ERROR(ValidateVersionId(version_id));
  return ctx.store.Write([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(LoadedPolicy loaded, LoadOwnPolicy(tx, account, policy_arn));
    IRSA_TRY(auto row, tx.Get({account, kind::kPolicyVersion, loaded.row.id.key, version_id}));
    if (!row) return NoSuchVersion(policy_arn, version_id);
    if (loaded.record.default_version_id == version_id) return OkStatus();
    loaded.record.default_version_id = version_id;
    loaded.record.updated = ctx.clock.Now();
    return tx.Upsert(PolicyRow(account, loaded.record));
  });
}

Status TagPolicy(const ServiceContext& ctx, const std::string& account,
                 const std::string& policy_arn, const std::vector<Tag>& tags) {
  IRSA_RETURN_IF_ERROR(ValidateTags(tags, ctx.quotas.tags_per_resource, "Policy"));
  return ctx.store.Write([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(LoadedPolicy loaded, LoadOwnPolicy(tx, account, policy_arn));
    IRSA_RETURN_IF_ERROR(
        MergeTags(loaded.record.tags, tags, ctx.quotas.tags_per_resource, "Policy"));
    return tx.Upsert(PolicyRow(account, loaded.record));
  });
}

Status UntagPolicy(const ServiceContext& ctx, const std::string& account,
                   const std::string& policy_arn, const std::vector<std::string>& keys) {
  IRSA_RETURN_IF_ERROR(ValidateTagKeys(keys));
  return ctx.store.Write([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(LoadedPolicy loaded, LoadOwnPolicy(tx, account, policy_arn));
    RemoveTags(loaded.record.tags, keys);
    return tx.Upsert(PolicyRow(account, loaded.record));
  });
}

Result<ListPage<Tag>> ListPolicyTags(const ServiceContext& ctx, const std::string& account,
                                     const std::string& policy_arn, const std::string& marker,
                                     int max_items) {
  std::vector<Tag> tags;
  IRSA_RETURN_IF_ERROR(ctx.store.Read([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(LoadedPolicy loaded, LoadPolicy(tx, account, policy_arn));
    tags = std::move(loaded.record.tags);
    return OkStatus();
  }));
  return PageTags(tags, marker, max_items);
}

Result<std::string> GetPolicyDocument(const ServiceContext& ctx, const std::string& account,
                                      const std::string& policy_arn) {
  std::string document;
  IRSA_RETURN_IF_ERROR(ctx.store.Read([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(LoadedPolicy loaded, LoadPolicy(tx, account, policy_arn));
    IRSA_TRY(auto row, tx.Get({loaded.account, kind::kPolicyVersion, loaded.row.id.key,
                               loaded.record.default_version_id}));
    if (!row) return errors::ServiceFailure("default policy version is missing");
    IRSA_TRY(PolicyVersionRecord version, PolicyVersionFromBody(row->body));
    document = std::move(version.document);
    return OkStatus();
  }));
  return document;
}

}  // namespace irsa::iam

namespace irsa::iam {

Result<PolicyInfo> PolicyInfoInTx(store::StoreTx& tx, const std::string& account,
                                  const std::string& policy_account, PolicyRecord policy) {
  return MakeInfo(tx, account, policy_account, std::move(policy));
}

Result<std::vector<PolicyVersionInfo>> PolicyVersionsInTx(store::StoreTx& tx,
                                                          const std::string& policy_account,
                                                          const std::string& policy_key,
                                                          const std::string& default_version) {
  LoadedPolicy policy;
  policy.account = policy_account;
  policy.row.id = {policy_account, kind::kPolicy, "", policy_key};
  IRSA_TRY(std::vector<PolicyVersionRecord> versions, AllVersions(tx, policy));
  std::vector<PolicyVersionInfo> out;
  for (PolicyVersionRecord& version : versions) {
    PolicyVersionInfo info;
    info.is_default = version.version_id == default_version;
    info.version = std::move(version);
    out.push_back(std::move(info));
  }
  return out;
}

}  // namespace irsa::iam
