// Walks the one authorization table (issue 12): for every operation the router (and the EKS
// REST dispatcher) authorizes and
// every condition key the table says it supplies, a Deny conditioned on that key bites, the
// matching Allow allows, and SimulatePrincipalPolicy — given the same keys — agrees with the
// real decision. Also checks that docs/authorization.md is the rendering of the live tables.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>

#include "authz/authorizer.h"
#include "base/clock.h"
#include "base/encoding.h"
#include "base/random.h"
#include "base/strings.h"
#include "eks/access_entries.h"
#include "eks/access_policies.h"
#include "eks/clusters_api.h"
#include "iam/accounts.h"
#include "iam/aws_managed_policies.h"
#include "iam/groups.h"
#include "iam/inline_policies.h"
#include "iam/instance_profiles.h"
#include "iam/oidc_providers.h"
#include "iam/policies.h"
#include "iam/policy_source.h"
#include "iam/roles.h"
#include "iam/simulation.h"
#include "iam/users.h"
#include "protocol/authorization_doc.h"
#include "protocol/eks_rest.h"
#include "protocol/iam_adapters.h"
#include "protocol/query_api.h"
#include "unit/iam/memory_store.h"

namespace irsa::protocol {
namespace {

constexpr char kAccount[] = "111122223333";
constexpr char kTrust[] =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"sts:AssumeRole"}]})";
constexpr char kAnything[] =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]})";

// One value for every parameter any operation reads; operations ignore the ones they do not use.
std::string SampleQuery() {
  return "RoleName=walk-role&UserName=walk-user&PolicyName=walk-inline"
         "&PolicyArn=arn%3Aaws%3Aiam%3A%3A111122223333%3Apolicy%2Fwalk-policy"
         "&PermissionsBoundary=arn%3Aaws%3Aiam%3A%3A111122223333%3Apolicy%2Fwalk-boundary"
         "&OpenIDConnectProviderArn=arn%3Aaws%3Aiam%3A%3A111122223333%3Aoidc-provider%2Fwalk."
         "example"
         "&Url=https%3A%2F%2Fwalk.example&Tags.member.1.Key=team&Tags.member.1.Value=blue"
         "&TagKeys.member.1=team&Path=%2F"
         "&PolicySourceArn=arn%3Aaws%3Aiam%3A%3A111122223333%3Auser%2Fwalk-user"
         "&RoleArn=arn%3Aaws%3Aiam%3A%3A111122223333%3Arole%2Fwalk-role&RoleSessionName=walk"
         "&ExternalId=walk-external&SourceIdentity=walk-source&TransitiveTagKeys.member.1=team"
         "&EncodedMessage=x&PolicyDocument=%7B%7D&AssumeRolePolicyDocument=%7B%7D"
         "&GroupName=walk-group&InstanceProfileName=walk-profile"
         "&AWSServiceName=autoscaling.amazonaws.com"
         "&DeletionTaskId=task%2Faws-service-role%2Fautoscaling.amazonaws.com%2F"
         "AWSServiceRoleForAutoScaling%2Fx";
}

// The value each condition key must carry for the sample request: the parameter it comes from,
// or the sample entities' tags and boundary.
const std::map<std::string, std::string>& ExpectedValues() {
  static const auto* values = new std::map<std::string, std::string>{
      {"iam:PolicyARN", "arn:aws:iam::111122223333:policy/walk-policy"},
      {"iam:PermissionsBoundary", "arn:aws:iam::111122223333:policy/walk-boundary"},
      {"aws:RequestTag/team", "blue"},
      {"aws:TagKeys", "team"},
      {"aws:ResourceTag/team", "blue"},
      {"iam:ResourceTag/team", "blue"},
      {"sts:RoleSessionName", "walk"},
      {"sts:ExternalId", "walk-external"},
      {"sts:SourceIdentity", "walk-source"},
      {"sts:TransitiveTagKeys", "team"},
      {"iam:AWSServiceName", "autoscaling.amazonaws.com"},
  };
  return *values;
}

class AuthorizationTable : public ::testing::Test {
 protected:
  AuthorizationTable()
      : clock_(FakeClock::AtUnixSeconds(1800000000)),
        random_(7),
        ctx_{store_, clock_, random_, quotas_},
        source_(ctx_),
        authorizer_(source_, clock_) {
    RegisterIamUserActions(iam_);
    RegisterIamRoleActions(iam_);
    RegisterIamPolicyActions(iam_);
    RegisterIamPrincipalPolicyActions(iam_);
    RegisterIamOidcActions(iam_);
    RegisterIamSurfaceActions(iam_);
    RegisterStsActions(sts_);
  }

  void SetUp() override {
    ASSERT_TRUE(iam::EnsureAccount(ctx_, kAccount).ok());
    ASSERT_TRUE(iam::SeedAwsManagedPolicies(ctx_).ok());
    const std::vector<iam::Tag> tags = {{"team", "blue"}};
    for (const char* name : {"walk-policy", "walk-boundary"}) {
      iam::CreatePolicyInput policy;
      policy.name = name;
      policy.document = kAnything;
      policy.tags = tags;
      ASSERT_TRUE(iam::CreatePolicy(ctx_, kAccount, policy).ok());
    }
    const std::string boundary = "arn:aws:iam::111122223333:policy/walk-boundary";
    iam::CreateRoleInput role;
    role.name = "walk-role";
    role.assume_role_policy = kTrust;
    role.permissions_boundary_arn = boundary;
    role.tags = tags;
    ASSERT_TRUE(iam::CreateRole(ctx_, kAccount, role).ok());
    iam::CreateUserInput user;
    user.name = "walk-user";
    user.permissions_boundary_arn = boundary;
    user.tags = tags;
    ASSERT_TRUE(iam::CreateUser(ctx_, kAccount, user).ok());
    iam::CreateOidcProviderInput provider;
    provider.url = "https://walk.example";
    provider.client_ids = {"sts.amazonaws.com"};
    provider.tags = tags;
    ASSERT_TRUE(iam::CreateOpenIDConnectProvider(ctx_, kAccount, provider).ok());
    ASSERT_TRUE(iam::CreateGroup(ctx_, kAccount, "walk-group", "/").ok());
    ASSERT_TRUE(iam::CreateInstanceProfile(ctx_, kAccount, "walk-profile", "/", tags).ok());
    iam::CreateUserInput walker;
    walker.name = "walker";
    auto created = iam::CreateUser(ctx_, kAccount, walker);
    ASSERT_TRUE(created.ok());
    caller_.type = authz::CallerType::kUser;
    caller_.account = kAccount;
    caller_.arn = created->arn;
    caller_.user_id = created->id;
    caller_.user_name = "walker";
    auto params = QueryParams::Parse("", SampleQuery());
    ASSERT_TRUE(params.ok()) << params.error().message();
    params_ = *params;
  }

  void SetWalkerPolicy(const std::string& document) {
    ASSERT_TRUE(iam::PutUserPolicy(ctx_, kAccount, "walker", "walk", document).ok());
  }

  // The condition operator for `key`: multi-valued keys need a set operator.
  static std::string Operator(const policy::ContextEntry& entry) {
    return entry.multi_valued ? "ForAnyValue:StringEquals" : "StringEquals";
  }

  static std::string Condition(const std::string& op, const std::string& key,
                               const std::string& value) {
    return R"({")" + op + R"(":{")" + key + R"(":")" + value + R"("}})";
  }

  // Real decision and simulated decision for `access` under the walker's current policy.
  void ExpectDecision(const authz::AccessRequest& access, bool allowed, const std::string& what) {
    Status real = authorizer_.Authorize(caller_, access, {});
    EXPECT_EQ(real.ok(), allowed) << what << (real.ok() ? "" : ": " + real.error().message());
    if (!real.ok()) {
      EXPECT_EQ(real.error().code(), "AccessDenied") << what;
    }
    iam::SimulationInput input;
    input.action_names = {access.action};
    input.resource_arns = {access.resource};
    for (const policy::ContextEntry& entry : access.context.entries()) {
      iam::SimulationContextEntry context;
      context.name = entry.key;
      context.values = entry.values;
      context.type = entry.multi_valued ? "stringList" : "string";
      input.context_entries.push_back(std::move(context));
    }
    auto simulated = iam::SimulatePrincipalPolicy(ctx_, kAccount, caller_.arn, input);
    ASSERT_TRUE(simulated.ok()) << what << ": " << simulated.error().message();
    ASSERT_EQ(simulated->results.size(), 1u);
    EXPECT_EQ(simulated->results[0].decision == "allowed", allowed)
        << what << ": the simulator said " << simulated->results[0].decision;
  }

  void Walk(std::string_view service, const QueryActionTable& table) {
    HttpRequest http;
    http.request_id = "walk";
    QueryServices services;
    services.iam = &ctx_;
    services.authorizer = &authorizer_;
    int operations = 0, keys_checked = 0;
    for (const auto& [name, entry] : table) {
      if (entry.authorization != Authorization::kTable) continue;
      SCOPED_TRACE(std::string(service) + ":" + name);
      ++operations;
      QueryCall call{http, params_, caller_, services, name, "ns", "us-east-1"};
      auto access = BuildAccessRequest(call, entry.iam_action, entry.resource, entry.keys);
      ASSERT_TRUE(access.ok()) << access.error().message();
      EXPECT_EQ(access->action, std::string(service) + ":" + name);
      ASSERT_FALSE(access->resource.empty());
      if (entry.resource.type != "*") {
        EXPECT_NE(access->resource, "*");
      }

      std::vector<std::string> claimed;
      if (entry.resource.resource_tags) claimed.push_back("aws:ResourceTag/team");
      if (entry.resource.iam_resource_tags) claimed.push_back("iam:ResourceTag/team");
      for (const KeySpec& spec : entry.keys) {
        for (std::string_view key : spec.keys) {
          std::string k(key);
          if (auto at = k.find("${TagKey}"); at != std::string::npos) k.replace(at, 9, "team");
          claimed.push_back(k);
        }
      }
      for (const std::string& key : claimed) {
        SCOPED_TRACE(key);
        const policy::ContextEntry* entry_value = access->context.Find(key);
        ASSERT_NE(entry_value, nullptr) << "the table claims " << key << " but supplies nothing";
        ASSERT_FALSE(entry_value->values.empty());
        const std::string value = entry_value->values.front();
        auto expected = ExpectedValues().find(key);
        ASSERT_NE(expected, ExpectedValues().end()) << "add the sample value of " << key;
        EXPECT_EQ(value, expected->second) << key << " carries the wrong value";
        const std::string condition = Condition(Operator(*entry_value), key, value);
        SetWalkerPolicy(
            R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},)"
            R"({"Effect":"Deny","Action":")" +
            access->action + R"(","Resource":"*","Condition":)" + condition + "}]}");
        ExpectDecision(*access, false, "Deny on " + key + "=" + value);
        SetWalkerPolicy(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":")" +
                        access->action + R"(","Resource":"*","Condition":)" + condition + "}]}");
        ExpectDecision(*access, true, "Allow on " + key + "=" + value);
        // The Allow really depends on the key: another value is not allowed.
        SetWalkerPolicy(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":")" +
                        access->action + R"(","Resource":"*","Condition":)" +
                        Condition(Operator(*entry_value), key, "not-" + value) + "}]}");
        ExpectDecision(*access, false, "Allow on " + key + "=not-" + value);
        ++keys_checked;
      }
      // Without any policy the operation is denied; with Allow on the action and resource, it
      // is allowed.
      SetWalkerPolicy(
          R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:NoSuchThing","Resource":"*"}]})");
      ExpectDecision(*access, false, "no grant");
      SetWalkerPolicy(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":")" +
                      access->action + R"(","Resource":")" + access->resource + R"("}]})");
      ExpectDecision(*access, true, "grant on the resource");
    }
    EXPECT_GT(operations, 0);
    RecordProperty(std::string(service) + "_keys_checked", keys_checked);
  }

  iam::testing::MemoryStore store_;
  FakeClock clock_;
  SeededRandom random_;
  iam::Quotas quotas_;
  iam::ServiceContext ctx_;
  iam::IamPolicySource source_;
  authz::Authorizer authorizer_;
  QueryActionTable iam_, sts_;
  authz::Caller caller_;
  QueryParams params_;
};

TEST_F(AuthorizationTable, EveryIamOperationAndKeyBites) { Walk("iam", iam_); }

TEST_F(AuthorizationTable, EveryStsOperationAndKeyBites) { Walk("sts", sts_); }

TEST_F(AuthorizationTable, GuardrailKeysAreWhereTheReferenceSaysTheyAre) {
  auto keys_of = [&](const std::string& name) {
    std::vector<std::string> keys;
    for (const KeySpec& spec : iam_.at(name).keys) {
      for (std::string_view key : spec.keys) keys.emplace_back(key);
    }
    return keys;
  };
  using ::testing::Contains;
  EXPECT_THAT(keys_of("AttachRolePolicy"), Contains("iam:PolicyARN"));
  EXPECT_THAT(keys_of("AttachRolePolicy"), Contains("iam:PermissionsBoundary"));
  EXPECT_THAT(keys_of("AttachUserPolicy"), Contains("iam:PolicyARN"));
  EXPECT_THAT(keys_of("DetachRolePolicy"), Contains("iam:PolicyARN"));
  EXPECT_THAT(keys_of("CreateRole"), Contains("iam:PermissionsBoundary"));
  EXPECT_THAT(keys_of("CreateRole"), Contains("aws:RequestTag/${TagKey}"));
  EXPECT_THAT(keys_of("CreateUser"), Contains("iam:PermissionsBoundary"));
  EXPECT_THAT(keys_of("PutRolePermissionsBoundary"), Contains("iam:PermissionsBoundary"));
  EXPECT_THAT(keys_of("PutRolePolicy"), Contains("iam:PermissionsBoundary"));
  EXPECT_THAT(keys_of("TagRole"), Contains("aws:TagKeys"));
  EXPECT_THAT(keys_of("UntagRole"), Contains("aws:TagKeys"));
  for (const char* op : {"GetRole", "DeleteRole", "UpdateAssumeRolePolicy", "AttachRolePolicy"}) {
    EXPECT_TRUE(iam_.at(op).resource.iam_resource_tags) << op;
    EXPECT_TRUE(iam_.at(op).resource.resource_tags) << op;
  }
  EXPECT_EQ(sts_.at("GetCallerIdentity").authorization, Authorization::kAlwaysAllowed);
}

// The sample EKS world: cluster walk-cluster tagged team=blue, and an access entry of walk-role
// on it (tagged team=blue, group walk-group, username walk-username) with AmazonEKSViewPolicy in
// the namespace walk-ns.
class EksAuthorizationTable : public AuthorizationTable {
 protected:
  EksAuthorizationTable()
      : registry_(store_, clock_, random_, {.issuer_base = "https://irsa.example:8443"}),
        entries_(store_, clock_, random_, registry_, ctx_),
        clusters_(registry_, &entries_) {}

  void SetUp() override {
    AuthorizationTable::SetUp();
    eks::CreateClusterInput cluster;
    cluster.name = "walk-cluster";
    cluster.tags = {{"team", "blue"}};
    ASSERT_TRUE(clusters_.CreateCluster(kAccount, cluster).ok());
    eks::CreateAccessEntryInput entry;
    entry.cluster = "walk-cluster";
    entry.principal_arn = kRoleArn;
    entry.kubernetes_groups = {"walk-group"};
    entry.username = "walk-username";
    entry.tags = {{"team", "blue"}};
    auto created = entries_.Create(kAccount, entry);
    ASSERT_TRUE(created.ok()) << created.error().message();
    entry_arn_ = created->arn;
    ASSERT_TRUE(entries_
                    .AssociatePolicy(kAccount, "walk-cluster", kRoleArn, ViewPolicy(),
                                     {"namespace", {"walk-ns"}})
                    .ok());
  }

  static std::string ViewPolicy() {
    return std::string(eks::kAccessPolicyArnPrefix) + "AmazonEKSViewPolicy";
  }

  // One request for each operation of the table.
  HttpRequest SampleRequest(std::string_view operation) {
    const std::string entry = "/clusters/walk-cluster/access-entries/" + PercentEncode(kRoleArn);
    const std::string tags = "/tags/" + PercentEncode(entry_arn_);
    const std::map<std::string_view, std::tuple<std::string, std::string, std::string>> samples = {
        {"ListClusters", {"GET", "/clusters", ""}},
        {"CreateCluster",
         {"POST", "/clusters",
          R"({"name":"new-cluster","version":"1.31","tags":{"team":"blue"},)"
          R"("accessConfig":{"authenticationMode":"API",)"
          R"("bootstrapClusterCreatorAdminPermissions":true}})"}},
        {"DescribeCluster", {"GET", "/clusters/walk-cluster", ""}},
        {"DeleteCluster", {"DELETE", "/clusters/walk-cluster", ""}},
        {"CreateAccessEntry",
         {"POST", "/clusters/walk-cluster/access-entries",
          R"({"principalArn":")" + std::string(kRoleArn) +
              R"(","kubernetesGroups":["walk-group"],"username":"walk-username",)"
              R"("type":"STANDARD","tags":{"team":"blue"}})"}},
        {"ListAccessEntries", {"GET", "/clusters/walk-cluster/access-entries", ""}},
        {"DescribeAccessEntry", {"GET", entry, ""}},
        {"UpdateAccessEntry",
         {"POST", entry, R"({"kubernetesGroups":["walk-group"],"username":"walk-username"})"}},
        {"DeleteAccessEntry", {"DELETE", entry, ""}},
        {"AssociateAccessPolicy",
         {"POST", entry + "/access-policies",
          R"({"policyArn":")" + ViewPolicy() +
              R"(","accessScope":{"type":"namespace","namespaces":["walk-ns"]}})"}},
        {"ListAssociatedAccessPolicies", {"GET", entry + "/access-policies", ""}},
        {"DisassociateAccessPolicy",
         {"DELETE", entry + "/access-policies/" + PercentEncode(ViewPolicy()), ""}},
        {"ListAccessPolicies", {"GET", "/access-policies", ""}},
        {"TagResource", {"POST", tags, R"({"tags":{"team":"blue"}})"}},
        {"UntagResource", {"DELETE", tags + "?tagKeys=team", ""}},
        {"ListTagsForResource", {"GET", tags, ""}},
    };
    auto sample = samples.find(operation);
    EXPECT_NE(sample, samples.end()) << "add a sample request for " << operation;
    HttpRequest r;
    if (sample == samples.end()) return r;
    const auto& [method, target, body] = sample->second;
    r.method = method;
    r.target = target;
    size_t q = target.find('?');
    r.path = target.substr(0, q);
    r.query = q == std::string::npos ? "" : target.substr(q + 1);
    r.body = body;
    return r;
  }

  static const std::map<std::string, std::string>& EksExpectedValues() {
    static const auto* values = new std::map<std::string, std::string>{
        {"aws:RequestTag/team", "blue"},
        {"aws:TagKeys", "team"},
        {"aws:ResourceTag/team", "blue"},
        {"eks:authenticationMode", "API"},
        {"eks:bootstrapClusterCreatorAdminPermissions", "true"},
        {"eks:kubernetesVersion", "1.31"},
        {"eks:accessEntryType", "STANDARD"},
        {"eks:clusterName", "walk-cluster"},
        {"eks:kubernetesGroups", "walk-group"},
        {"eks:principalArn", kRoleArn},
        {"eks:username", "walk-username"},
        {"eks:accessScope", "namespace"},
        {"eks:namespaces", "walk-ns"},
        {"eks:policyArn", ViewPolicy()},
    };
    return *values;
  }

  static constexpr char kRoleArn[] = "arn:aws:iam::111122223333:role/walk-role";
  oidc::ClusterRegistry registry_;
  eks::AccessEntries entries_;
  eks::ClustersApi clusters_;
  std::string entry_arn_;
};

TEST_F(EksAuthorizationTable, EveryEksOperationAndKeyBites) {
  EksServices services{&clusters_, &entries_, "us-east-1"};
  int keys_checked = 0;
  for (const EksOperationInfo& op : EksOperationTable()) {
    SCOPED_TRACE(std::string(op.name));
    HttpRequest request = SampleRequest(op.name);
    auto found = EksAccessFor(services, request, caller_);
    ASSERT_TRUE(found.ok()) << found.error().message();
    const auto& [info, access] = *found;
    EXPECT_EQ(info.name, op.name) << "the sample request routes to another operation";
    EXPECT_EQ(access.action, "eks:" + std::string(op.name));
    if (op.resource_type == "*") {
      EXPECT_EQ(access.resource, "*");
    } else {
      EXPECT_TRUE(access.resource.starts_with("arn:aws:eks:us-east-1:111122223333:"))
          << access.resource;
    }
    std::vector<std::string> claimed;
    for (std::string_view key : op.keys) {
      std::string k(key);
      if (auto at = k.find("${TagKey}"); at != std::string::npos) k.replace(at, 9, "team");
      claimed.push_back(k);
    }
    // Nothing undeclared: every key the request carries is one the table lists (context keys
    // are case-insensitive and kept lower-cased).
    std::vector<std::string> claimed_lower;
    for (const std::string& key : claimed) claimed_lower.push_back(AsciiLower(key));
    for (const policy::ContextEntry& supplied : access.context.entries()) {
      EXPECT_NE(std::find(claimed_lower.begin(), claimed_lower.end(), AsciiLower(supplied.key)),
                claimed_lower.end())
          << supplied.key << " is supplied but not declared";
    }
    for (const std::string& key : claimed) {
      SCOPED_TRACE(key);
      const policy::ContextEntry* entry_value = access.context.Find(key);
      ASSERT_NE(entry_value, nullptr) << "the table claims " << key << " but supplies nothing";
      ASSERT_FALSE(entry_value->values.empty());
      const std::string value = entry_value->values.front();
      auto expected = EksExpectedValues().find(key);
      ASSERT_NE(expected, EksExpectedValues().end()) << "add the sample value of " << key;
      EXPECT_EQ(value, expected->second) << key << " carries the wrong value";
      const std::string condition = Condition(Operator(*entry_value), key, value);
      SetWalkerPolicy(
          R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},)"
          R"({"Effect":"Deny","Action":")" +
          access.action + R"(","Resource":"*","Condition":)" + condition + "}]}");
      ExpectDecision(access, false, "Deny on " + key + "=" + value);
      SetWalkerPolicy(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":")" +
                      access.action + R"(","Resource":"*","Condition":)" + condition + "}]}");
      ExpectDecision(access, true, "Allow on " + key + "=" + value);
      SetWalkerPolicy(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":")" +
                      access.action + R"(","Resource":"*","Condition":)" +
                      Condition(Operator(*entry_value), key, "not-" + value) + "}]}");
      ExpectDecision(access, false, "Allow on " + key + "=not-" + value);
      ++keys_checked;
    }
    SetWalkerPolicy(
        R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:NoSuchThing","Resource":"*"}]})");
    ExpectDecision(access, false, "no grant");
    SetWalkerPolicy(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":")" +
                    access.action + R"(","Resource":")" + access.resource + R"("}]})");
    ExpectDecision(access, true, "grant on the resource");
  }
  EXPECT_EQ(EksOperationTable().size(), 16u);
  RecordProperty("eks_keys_checked", keys_checked);
}

TEST_F(AuthorizationTable, DocumentIsTheRenderingOfTheTables) {
  std::vector<OperationDoc> docs = DocumentQueryTable("iam", iam_);
  std::vector<OperationDoc> sts = DocumentQueryTable("sts", sts_);
  docs.insert(docs.end(), sts.begin(), sts.end());
  std::vector<OperationDoc> eks = DocumentEksTable();
  docs.insert(docs.end(), eks.begin(), eks.end());
  const std::string rendered = RenderAuthorizationMarkdown(docs);
  const std::string path = std::string(IRSA_SOURCE_DIR) + "/docs/authorization.md";
  if (const char* update = std::getenv("IRSA_UPDATE_DOCS"); update && std::string(update) == "1") {
    std::ofstream(path) << rendered;
  }
  std::ifstream in(path);
  std::stringstream committed;
  committed << in.rdbuf();
  EXPECT_EQ(committed.str(), rendered)
      << path << " is out of date: run IRSA_UPDATE_DOCS=1 build/release/unit_protocol "
      << "--gtest_filter='AuthorizationTable.*' and commit the result";
}

}  // namespace
}  // namespace irsa::protocol
