#include "eks/clusters_api.h"

#include <gtest/gtest.h>

#include "base/clock.h"
#include "base/random.h"
#include "unit/iam/memory_store.h"

namespace irsa::eks {
namespace {

constexpr char kAccount[] = "111122223333";

class ClustersApiTest : public ::testing::Test {
 protected:
  ClustersApiTest()
      : clock_(FakeClock::AtUnixSeconds(1800000000)),
        random_(5),
        registry_(store_, clock_, random_, {.issuer_base = "https://irsa.example:8443"}),
        api_(registry_) {}

  iam::testing::MemoryStore store_;
  FakeClock clock_;
  SeededRandom random_;
  oidc::ClusterRegistry registry_;
  ClustersApi api_;
};

TEST_F(ClustersApiTest, CreateDescribeDelete) {
  auto created = api_.CreateCluster(kAccount, {"prod", "1.30", {{"team", "blue"}}});
  ASSERT_TRUE(created.ok()) << created.error().message();
  // CreateCluster answers CREATING, as EKS does; the cluster is ACTIVE from then on.
  EXPECT_EQ(ClusterStatusName(created->status), "CREATING");
  EXPECT_EQ(created->record.kubernetes_version, "1.30");
  auto described = api_.DescribeCluster(kAccount, "prod");
  ASSERT_TRUE(described.ok());
  EXPECT_EQ(described->record.tags,
            (std::vector<std::pair<std::string, std::string>>{{"team", "blue"}}));
  EXPECT_EQ(described->record.issuer, created->record.issuer);
  EXPECT_EQ(ClusterStatusName(described->status), "ACTIVE");
  auto again = api_.CreateCluster(kAccount, {"prod", "", {}});
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code(), "ResourceInUseException");
  auto deleted = api_.DeleteCluster(kAccount, "prod");
  ASSERT_TRUE(deleted.ok());
  EXPECT_EQ(ClusterStatusName(deleted->status), "DELETING");
  auto gone = api_.DescribeCluster(kAccount, "prod");
  ASSERT_FALSE(gone.ok());
  EXPECT_EQ(gone.error().code(), "ResourceNotFoundException");
}

TEST_F(ClustersApiTest, ListPagesInNameOrder) {
  for (const char* name : {"c", "a", "d", "b", "e"}) {
    ASSERT_TRUE(api_.CreateCluster(kAccount, {name, "", {}}).ok());
  }
  std::vector<std::string> seen;
  ListClustersInput input;
  input.max_results = 2;
  for (int pages = 0; pages < 10; ++pages) {
    auto page = api_.ListClusters(kAccount, input);
    ASSERT_TRUE(page.ok());
    seen.insert(seen.end(), page->names.begin(), page->names.end());
    if (page->next_token.empty()) break;
    input.next_token = page->next_token;
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"a", "b", "c", "d", "e"}));
  input.max_results = 0;
  EXPECT_EQ(api_.ListClusters(kAccount, input).error().code(), "InvalidParameterException");
}

TEST_F(ClustersApiTest, TagRules) {
  std::vector<std::pair<std::string, std::string>> many;
  for (int i = 0; i < 51; ++i) many.emplace_back("k" + std::to_string(i), "v");
  EXPECT_EQ(api_.CreateCluster(kAccount, {"x", "", many}).error().code(),
            "InvalidParameterException");
  EXPECT_FALSE(ValidateTags({{"aws:reserved", "v"}}).ok());
  EXPECT_FALSE(ValidateTags({{"", "v"}}).ok());
  EXPECT_FALSE(ValidateTags({{std::string(129, 'k'), "v"}}).ok());
  EXPECT_TRUE(ValidateTags({{std::string(128, 'k'), std::string(256, 'v')}}).ok());
}

}  // namespace
}  // namespace irsa::eks
