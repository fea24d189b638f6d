#include "iam/authorization_details.h"

#include <map>

#include "base/strings.h"
#include "iam/groups.h"
#include "iam/lookup.h"
#include "iam/validation.h"

namespace irsa::iam {
namespace {

// The parts, in result order; the marker is "<part>:<last row key>".
constexpr char kParts[] = "ugrla";

bool Wanted(const DetailsFilter& filter, char part) {
  switch (part) {
    case 'u':
      return filter.users;
    case 'g':
      return filter.groups;
    case 'r':
      return filter.roles;
    case 'l':
      return filter.local_policies;
    case 'a':
      return filter.aws_policies;
  }
  return false;
}

Result<std::vector<InlinePolicyRecord>> InlinePolicies(store::StoreTx& tx,
                                                       const std::string& account, const char* kind,
                                                       const std::string& key) {
  IRSA_TRY(std::vector<store::Row> rows,
           ListAllRows(tx, {.account = account, .kind = kind, .parent = key}));
  std::vector<InlinePolicyRecord> out;
  for (const store::Row& row : rows) {
    IRSA_TRY(InlinePolicyRecord policy, InlinePolicyFromBody(row.body));
    out.push_back(std::move(policy));
  }
  return out;
}

Result<std::vector<AttachmentRecord>> Attachments(store::StoreTx& tx, const std::string& account,
                                                  const char* kind, const std::string& key) {
  IRSA_TRY(std::vector<store::Row> rows,
           ListAllRows(tx, {.account = account, .kind = kind, .parent = key}));
  std::vector<AttachmentRecord> out;
  for (const store::Row& row : rows) {
    IRSA_TRY(AttachmentRecord attachment, AttachmentFromBody(row.body));
    out.push_back(std::move(attachment));
  }
  return out;
}

// The AWS-managed policies attached somewhere in the account: row key -> row.
Result<std::map<std::string, store::Row>> AttachedAwsPolicies(store::StoreTx& tx,
                                                              const std::string& account) {
  std::map<std::string, store::Row> out;
  const std::string prefix = std::string("arn:aws:iam::") + kAwsManagedAccount + ":policy/";
  for (const char* kind : {kind::kUserAttachment, kind::kGroupAttachment, kind::kRoleAttachment}) {
    IRSA_TRY(std::vector<store::Row> rows, ListAllRows(tx, {.account = account, .kind = kind}));
    for (const store::Row& row : rows) {
      if (!row.ref.starts_with(prefix)) continue;
      IRSA_TRY(std::optional<LoadedPolicy> policy, FindPolicy(tx, account, row.ref));
      if (policy) out.emplace(policy->row.id.key, policy->row);
    }
  }
  return out;
}

struct Collector {
  store::StoreTx& tx;
  const std::string& account;
  AuthorizationDetails& out;

  Status Add(char part, const store::Row& row) {
    switch (part) {
      case 'u': {
        UserDetail detail;
        IRSA_TRY(detail.user, UserFromBody(row.body));
        IRSA_TRY(detail.inline_policies,
                 InlinePolicies(tx, account, kind::kUserPolicy, row.id.key));
        IRSA_TRY(std::vector<GroupRecord> groups, GroupsOfUser(tx, account, row.id.key));
        for (const GroupRecord& group : groups) detail.groups.push_back(group.name);
        IRSA_TRY(detail.attached, Attachments(tx, account, kind::kUserAttachment, row.id.key));
        out.users.push_back(std::move(detail));
        return OkStatus();
      }
      case 'g': {
        GroupDetail detail;
        IRSA_TRY(detail.group, GroupFromBody(row.body));
        IRSA_TRY(detail.inline_policies,
                 InlinePolicies(tx, account, kind::kGroupPolicy, row.id.key));
        IRSA_TRY(detail.attached, Attachments(tx, account, kind::kGroupAttachment, row.id.key));
        out.groups.push_back(std::move(detail));
        return OkStatus();
      }
      case 'r': {
        RoleDetail detail;
        IRSA_TRY(detail.role, RoleFromBody(row.body));
        IRSA_TRY(detail.inline_policies,
                 InlinePolicies(tx, account, kind::kRolePolicy, row.id.key));
        IRSA_TRY(detail.attached, Attachments(tx, account, kind::kRoleAttachment, row.id.key));
        out.roles.push_back(std::move(detail));
        return OkStatus();
      }
      default: {
        const std::string owner = part == 'a' ? std::string(kAwsManagedAccount) : account;
        IRSA_TRY(PolicyRecord policy, PolicyFromBody(row.body));
        ManagedPolicyDetail detail;
        IRSA_TRY(detail.versions,
                 PolicyVersionsInTx(tx, owner, row.id.key, policy.default_version_id));
        IRSA_TRY(detail.info, PolicyInfoInTx(tx, account, owner, std::move(policy)));
        out.policies.push_back(std::move(detail));
        return OkStatus();
      }
    }
  }
};

const char* KindOf(char part) {
  switch (part) {
    case 'u':
      return kind::kUser;
    case 'g':
      return kind::kGroup;
    case 'r':
      return kind::kRole;
    default:
      return kind::kPolicy;
  }
}

}  // namespace

Result<AuthorizationDetails> GetAccountAuthorizationDetails(const ServiceContext& ctx,
                                                            const std::string& account,
                                                            const DetailsFilter& filter,
                                                            const std::string& marker,
                                                            int max_items) {
  IRSA_TRY(int limit, EffectiveMaxItems(max_items));
  IRSA_TRY(std::string after, DecodeMarker(marker));
  const std::string_view parts = kParts;
  size_t first = 0;
  std::string after_key;
  if (!after.empty()) {
    first = parts.find(after[0]);
    if (after.size() < 2 || after[1] != ':' || first == std::string_view::npos) {
      return errors::InvalidInput("Invalid Marker: the marker was not returned by this service.");
    }
    after_key = after.substr(2);
  }
  AuthorizationDetails out;
  IRSA_RETURN_IF_ERROR(ctx.store.Read([&](store::StoreTx& tx) -> Status {
    out = AuthorizationDetails{};
    Collector collector{tx, account, out};
    int count = 0;
    std::string last;
    // Adds `row` of `part` unless the page is full (then marks the result truncated).
    auto take = [&](char part, const store::Row& row) -> Result<bool> {
      if (count == limit) {
        out.truncated = true;
        out.marker = EncodeMarker(last);
        return false;
      }
      IRSA_RETURN_IF_ERROR(collector.Add(part, row));
      ++count;
      last = std::string(1, part) + ":" + row.id.key;
      return true;
    };
    for (size_t p = first; p < parts.size(); ++p) {
      const char part = parts[p];
      if (!Wanted(filter, part)) continue;
      const std::string from = p == first ? after_key : "";
      if (part == 'a') {
        IRSA_TRY(auto attached, AttachedAwsPolicies(tx, account));
        for (auto it = attached.upper_bound(from); it != attached.end(); ++it) {
          IRSA_TRY(bool more, take(part, it->second));
          if (!more) return OkStatus();
        }
        continue;
      }
      store::ListQuery query{.account = account, .kind = KindOf(part), .parent = ""};
      query.after_key = from;
      query.limit = 200;
      while (true) {
        IRSA_TRY(store::Page page, tx.List(query));
        for (const store::Row& row : page.rows) {
          IRSA_TRY(bool more, take(part, row));
          if (!more) return OkStatus();
        }
        if (!page.truncated || page.rows.empty()) break;
        query.after_key = page.rows.back().id.key;
      }
    }
    return OkStatus();
  }));
  for (RoleDetail& role : out.roles) {
    std::string profiles_marker;
    do {
      Result<ListPage<InstanceProfileInfo>> page =
          ListInstanceProfilesForRole(ctx, account, role.role.name, profiles_marker, 1000);
      if (!page.ok()) {
        if (page.error().code() == "NoSuchEntity") break;  // deleted since the snapshot
        return page.error();
      }
      for (InstanceProfileInfo& profile : page->items) {
        role.instance_profiles.push_back(std::move(profile));
      }
      profiles_marker = page->truncated ? page->marker : "";
    } while (!profiles_marker.empty());
  }
  return out;
}

}  // namespace irsa::iam
