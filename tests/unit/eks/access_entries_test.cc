// EKS access entries (eks/access_entries.h) and the EKS token's shape (eks/kube_token.h): the
// validation rules EKS documents, the creator's admin entry, entries dying with their cluster.
#include "eks/access_entries.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "base/clock.h"
#include "base/random.h"
#include "eks/access_policies.h"
#include "eks/clusters_api.h"
#include "eks/kube_token.h"
#include "iam/accounts.h"
#include "iam/roles.h"
#include "iam/users.h"
#include "unit/iam/memory_store.h"

namespace irsa::eks {
namespace {

constexpr char kAccount[] = "111122223333";
constexpr char kUserArn[] = "arn:aws:iam::111122223333:user/dev/alice";
constexpr char kTrust[] =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"sts:AssumeRole"}]})";

class AccessEntriesTest : public ::testing::Test {
 protected:
  AccessEntriesTest()
      : clock_(FakeClock::AtUnixSeconds(1800000000)),
        random_(11),
        ctx_{store_, clock_, random_, quotas_},
        registry_(store_, clock_, random_, {.issuer_base = "https://irsa.example:8443"}),
        entries_(store_, clock_, random_, registry_, ctx_),
        clusters_(registry_, &entries_) {}

  void SetUp() override {
    ASSERT_TRUE(iam::EnsureAccount(ctx_, kAccount).ok());
    iam::CreateUserInput user;
    user.name = "alice";
    user.path = "/dev/";
    ASSERT_TRUE(iam::CreateUser(ctx_, kAccount, user).ok());
    iam::CreateRoleInput role;
    role.name = "deployer";
    role.assume_role_policy = kTrust;
    ASSERT_TRUE(iam::CreateRole(ctx_, kAccount, role).ok());
    ASSERT_TRUE(clusters_.CreateCluster(kAccount, {.name = "c1"}).ok());
  }

  std::string CreateError(CreateAccessEntryInput input) {
    if (input.cluster.empty()) input.cluster = "c1";
    auto created = entries_.Create(kAccount, input);
    return created.ok() ? "" : created.error().code() + ": " + created.error().message();
  }

  iam::testing::MemoryStore store_;
  FakeClock clock_;
  SeededRandom random_;
  iam::Quotas quotas_;
  iam::ServiceContext ctx_;
  oidc::ClusterRegistry registry_;
  AccessEntries entries_;
  ClustersApi clusters_;
};

TEST_F(AccessEntriesTest, DefaultsAndOnePerPrincipal) {
  auto user = entries_.Create(kAccount, {.cluster = "c1", .principal_arn = kUserArn});
  ASSERT_TRUE(user.ok()) << user.error().message();
  EXPECT_EQ(user->username, kUserArn);
  EXPECT_EQ(user->type, "STANDARD");
  EXPECT_TRUE(user->arn.starts_with(
      "arn:aws:eks:us-east-1:111122223333:access-entry/c1/user/111122223333/alice/"))
      << user->arn;
  auto role = entries_.Create(
      kAccount, {.cluster = "c1", .principal_arn = "arn:aws:iam::111122223333:role/deployer"});
  ASSERT_TRUE(role.ok());
  EXPECT_EQ(role->username, "arn:aws:sts::111122223333:assumed-role/deployer/{{SessionName}}");
  EXPECT_NE(CreateError({.principal_arn = kUserArn}).find("ResourceInUseException"),
            std::string::npos);
}

TEST_F(AccessEntriesTest, PrincipalRules) {
  // The exact ARN (path included), an existing principal, no sessions, no service-linked roles.
  EXPECT_NE(CreateError({.principal_arn = "arn:aws:iam::111122223333:user/alice"}).find("path"),
            std::string::npos);
  EXPECT_NE(CreateError({.principal_arn = "arn:aws:iam::111122223333:user/dev/bob"})
                .find("no such IAM user"),
            std::string::npos);
  EXPECT_NE(CreateError({.principal_arn = "arn:aws:sts::111122223333:assumed-role/deployer/s"})
                .find("STS session"),
            std::string::npos);
  EXPECT_NE(CreateError({.principal_arn = "arn:aws:iam::111122223333:role/aws-service-role/x"})
                .find("service-linked"),
            std::string::npos);
  EXPECT_NE(CreateError({.principal_arn = kUserArn, .type = "EC2_LINUX"}).find("nodes"),
            std::string::npos);
  EXPECT_NE(
      CreateError({.cluster = "nope", .principal_arn = kUserArn}).find("ResourceNotFoundException"),
      std::string::npos);
}

TEST_F(AccessEntriesTest, UsernameAndGroupRules) {
  for (const char* bad : {"system:x", "EKS:x", "aws:x", "amazon:x", "iam:x", "{{SessionName}}",
                          "u:{{Nope}}", "u:{{SessionName", ""}) {
    EXPECT_FALSE(ValidateUsername(bad).ok()) << bad;
  }
  for (const char* good : {"alice", "dev:{{SessionName}}", "{{AccountID}}-x:{{SessionNameRaw}}"}) {
    EXPECT_TRUE(ValidateUsername(good).ok()) << good;
  }
  EXPECT_FALSE(ValidateKubernetesGroups({"system:masters"}).ok());
  EXPECT_FALSE(ValidateKubernetesGroups({""}).ok());
  EXPECT_TRUE(ValidateKubernetesGroups({"devs"}).ok());
  EXPECT_EQ(ExpandUsername("u:{{SessionName}}:{{SessionNameRaw}}:{{AccountID}}", kAccount, "a@b.c"),
            "u:a-b.c:a@b.c:111122223333");
}

TEST_F(AccessEntriesTest, ScopesAndPolicies) {
  EXPECT_TRUE(ValidateAccessScope({"cluster", {}}).ok());
  EXPECT_FALSE(ValidateAccessScope({"cluster", {"a"}}).ok());
  EXPECT_FALSE(ValidateAccessScope({"namespace", {}}).ok());
  EXPECT_FALSE(ValidateAccessScope({"namespace", {"Bad_Name"}}).ok());
  EXPECT_TRUE(ValidateAccessScope({"namespace", {"team-*", "default"}}).ok());
  EXPECT_FALSE(ValidateAccessScope({"global", {}}).ok());
  ASSERT_TRUE(entries_.Create(kAccount, {.cluster = "c1", .principal_arn = kUserArn}).ok());
  const std::string view = std::string(kAccessPolicyArnPrefix) + "AmazonEKSViewPolicy";
  EXPECT_FALSE(entries_.AssociatePolicy(kAccount, "c1", kUserArn, "arn:aws:eks::aws:x", {}).ok());
  ASSERT_TRUE(entries_.AssociatePolicy(kAccount, "c1", kUserArn, view, {}).ok());
  // Associating again replaces the scope.
  ASSERT_TRUE(entries_.AssociatePolicy(kAccount, "c1", kUserArn, view, {"namespace", {"a"}}).ok());
  auto entry = entries_.Describe(kAccount, "c1", kUserArn);
  ASSERT_TRUE(entry.ok());
  ASSERT_EQ(entry->policies.size(), 1u);
  EXPECT_EQ(entry->policies[0].scope.namespaces, std::vector<std::string>{"a"});
  EXPECT_TRUE(entries_.DisassociatePolicy(kAccount, "c1", kUserArn, view).ok());
  EXPECT_FALSE(entries_.DisassociatePolicy(kAccount, "c1", kUserArn, view).ok());
  auto catalog = entries_.ListAccessPolicies({});
  ASSERT_TRUE(catalog.ok());
  std::vector<std::string> names;
  for (const auto& [name, arn] : catalog->policies) names.push_back(name);
  for (const char* aws : {"AmazonEKSClusterAdminPolicy", "AmazonEKSAdminPolicy",
                          "AmazonEKSEditPolicy", "AmazonEKSViewPolicy"}) {
    EXPECT_NE(std::find(names.begin(), names.end(), aws), names.end()) << aws;
  }
}

TEST_F(AccessEntriesTest, CreatorGetsAnAdminEntryAndEntriesDieWithTheirCluster) {
  CreateClusterInput input{.name = "c2"};
  input.creator = PrincipalIdentity{kUserArn, ""};
  auto created = clusters_.CreateCluster(kAccount, input);
  ASSERT_TRUE(created.ok()) << created.error().message();
  EXPECT_TRUE(created->record.bootstrap_cluster_creator_admin);
  auto entry = entries_.Describe(kAccount, "c2", kUserArn);
  ASSERT_TRUE(entry.ok());
  ASSERT_EQ(entry->policies.size(), 1u);
  EXPECT_EQ(entry->policies[0].policy_arn,
            std::string(kAccessPolicyArnPrefix) + "AmazonEKSClusterAdminPolicy");
  ASSERT_TRUE(clusters_.DeleteCluster(kAccount, "c2").ok());
  ASSERT_TRUE(clusters_.CreateCluster(kAccount, {.name = "c2"}).ok());
  EXPECT_FALSE(entries_.Describe(kAccount, "c2", kUserArn).ok());
  // Without the bootstrap flag, no entry.
  input.name = "c3";
  input.bootstrap_cluster_creator_admin = false;
  ASSERT_TRUE(clusters_.CreateCluster(kAccount, input).ok());
  EXPECT_FALSE(entries_.Describe(kAccount, "c3", kUserArn).ok());
  // CONFIG_MAP modes are refused.
  EXPECT_FALSE(
      clusters_.CreateCluster(kAccount, {.name = "c4", .authentication_mode = "CONFIG_MAP"}).ok());
}

TEST(KubeTokenTest, StsHosts) {
  for (const char* host :
       {"sts.amazonaws.com", "sts.eu-west-1.amazonaws.com", "sts.cn-north-1.amazonaws.com.cn",
        "sts-fips.us-east-1.amazonaws.com", "sts.amazonaws.com:443"}) {
    EXPECT_TRUE(IsAwsStsHost(host)) << host;
  }
  for (const char* host : {"sts.amazonaws.com.evil.example", "evil.example", "sts..amazonaws.com",
                           "sts-fips.cn-north-1.amazonaws.com.cn", "sts.amazonaws.com:8443"}) {
    EXPECT_FALSE(IsAwsStsHost(host)) << host;
  }
}

// The fuzz corpus: the valid tokens parse, every other one is refused, none crashes.
TEST(KubeTokenTest, Corpus) {
  KubeTokenOptions options;
  options.own_hosts = {"irsa.example:8443", ":8080"};
  int files = 0;
  for (const auto& file : std::filesystem::directory_iterator(std::string(IRSA_SOURCE_DIR) +
                                                              "/fuzz/corpus/kube_token")) {
    std::ifstream in(file.path());
    std::stringstream text;
    text << in.rdbuf();
    const std::string name = file.path().filename().string();
    auto parsed = ParseKubeToken(text.str(), "c1", options);
    const bool valid = name == "valid" || name == "own_host_http" || name == "wildcard_port";
    EXPECT_EQ(parsed.ok(), valid) << name << ": "
                                  << (parsed.ok() ? "accepted" : parsed.error().message());
    if (!parsed.ok()) {
      EXPECT_EQ(parsed.error().http_status(), 401) << name;
    }
    ++files;
  }
  EXPECT_GE(files, 15);
}

}  // namespace
}  // namespace irsa::eks
