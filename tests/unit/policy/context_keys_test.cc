// The context keys a policy refers to (policy/context_keys.h).
#include "policy/context_keys.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace irsa::policy {
namespace {

using ::testing::ElementsAre;

std::vector<std::string> KeysOf(const std::string& text, PolicyKind kind = PolicyKind::kIdentity) {
  auto compiled = CompilePolicy(text, kind);
  EXPECT_TRUE(compiled.ok()) << compiled.error().message();
  return compiled.ok() ? ReferencedContextKeys(**compiled) : std::vector<std::string>{};
}

TEST(ContextKeys, ConditionKeysAndVariablesOnceInOrder) {
  EXPECT_THAT(KeysOf(R"({"Version":"2012-10-17","Statement":[
        {"Effect":"Allow","Action":"s3:*","Resource":["arn:aws:s3:::b/${aws:username}/*","arn:aws:s3:::b/${*}/${?}/${$}"],
         "Condition":{"StringEquals":{"s3:prefix":["${aws:PrincipalTag/team, 'none'}","x"]},
                      "DateGreaterThan":{"aws:CurrentTime":"2020-01-01T00:00:00Z"}}},
        {"Effect":"Deny","NotAction":"iam:*","NotResource":"*",
         "Condition":{"StringEqualsIgnoreCase":{"AWS:Username":"root"},"Null":{"aws:MultiFactorAuthAge":"true"}}}]})"),
              ElementsAre("aws:username", "s3:prefix", "aws:PrincipalTag/team", "aws:CurrentTime",
                          "aws:MultiFactorAuthAge"));
}

TEST(ContextKeys, TrustPoliciesAndPoliciesWithoutConditions) {
  EXPECT_THAT(
      KeysOf(
          R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111122223333:oidc-provider/oidc.example.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"oidc.example.com:sub":"system:serviceaccount:a:b"}}}]})",
          PolicyKind::kTrust),
      ElementsAre("oidc.example.com:sub"));
  EXPECT_TRUE(
      KeysOf(
          R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]})")
          .empty());
}

TEST(ContextKeys, MergeKeepsTheFirstSpelling) {
  std::vector<std::string> keys = {"aws:username"};
  MergeContextKeys(keys, {"AWS:UserName", "s3:prefix", "S3:Prefix"});
  EXPECT_THAT(keys, ElementsAre("aws:username", "s3:prefix"));
}

}  // namespace
}  // namespace irsa::policy
