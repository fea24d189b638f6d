// Role chaining (AssumeRole with role-session credentials): the source identity persists and
// cannot change, inherited transitive session tags cannot be overridden, and a chained session
// lasts at most one hour.
#include "iam/inline_policies.h"
#include "unit/sts/sts_test_util.h"

namespace irsa::sts {
namespace {

using testing::kAccount;

class ChainingTest : public testing::StsTest {
 protected:
  void SetUp() override {
    const std::string account_root = std::string("arn:aws:iam::") + kAccount + ":root";
    for (const char* name : {"first", "second"}) {
      CreateRole(name, AwsTrust(account_root));
      ASSERT_TRUE(iam::PutRolePolicy(ctx_, kAccount, name, "all", AllowAll()).ok());
    }
    AssumeRoleRequest request = Assume("first", "origin");
    request.source_identity = "alice";
    request.tags = {{"Team", "payments"}, {"Project", "p1"}};
    request.transitive_tag_keys = {"Team"};
    auto issued = sts_.AssumeRole(Root(), {}, request);
    ASSERT_TRUE(issued.ok()) << issued.error().message();
    session_ = SessionCaller(*issued);
    ASSERT_EQ(session_.source_identity, "alice");
  }

  Result<SessionRecord> Chain(const AssumeRoleRequest& request) {
    IRSA_TRY(IssuedCredentials issued, sts_.AssumeRole(session_, {}, request));
    return codec_.Open(issued.session_token);
  }

  authz::Caller session_;
};

TEST_F(ChainingTest, SourceIdentityCannotChange) {
  AssumeRoleRequest request = Assume("second");
  request.source_identity = "mallory";
  auto changed = sts_.AssumeRole(session_, {}, request);
  ASSERT_FALSE(changed.ok());
  EXPECT_EQ(changed.error().code(), "AccessDenied");
  EXPECT_EQ(changed.error().message(),
            "User: arn:aws:sts::111122223333:assumed-role/first/origin is not authorized to "
            "perform: sts:SetSourceIdentity on resource: arn:aws:iam::111122223333:role/second "
            "because the source identity of the calling session (alice) cannot be changed in a "
            "role chain");
  // Case matters: source identities are compared exactly.
  request.source_identity = "Alice";
  EXPECT_EQ(sts_.AssumeRole(session_, {}, request).error().code(), "AccessDenied");
}

TEST_F(ChainingTest, SameSourceIdentityOrNoneKeepsIt) {
  AssumeRoleRequest same = Assume("second");
  same.source_identity = "alice";
  auto with_same = Chain(same);
  ASSERT_TRUE(with_same.ok()) << with_same.error().message();
  EXPECT_EQ(with_same->source_identity, "alice");
  auto without = Chain(Assume("second"));
  ASSERT_TRUE(without.ok()) << without.error().message();
  EXPECT_EQ(without->source_identity, "alice");
}

TEST_F(ChainingTest, SourceIdentityCanBeSetWhenTheCallingSessionHasNone) {
  auto plain = sts_.AssumeRole(Root(), {}, Assume("first", "plain"));
  ASSERT_TRUE(plain.ok());
  AssumeRoleRequest request = Assume("second");
  request.source_identity = "bob";
  auto chained = sts_.AssumeRole(SessionCaller(*plain), {}, request);
  ASSERT_TRUE(chained.ok()) << chained.error().message();
  EXPECT_EQ(chained->source_identity, "bob");
}

TEST_F(ChainingTest, InheritedTransitiveTagCannotBeOverridden) {
  for (const char* key : {"Team", "team", "TEAM"}) {
    AssumeRoleRequest request = Assume("second");
    request.tags = {{key, "other"}};
    auto overridden = sts_.AssumeRole(session_, {}, request);
    ASSERT_FALSE(overridden.ok()) << key;
    EXPECT_EQ(overridden.error().code(), "InvalidParameterValue");
    EXPECT_EQ(overridden.error().http_status(), 400);
    EXPECT_EQ(overridden.error().message(),
              "One of the specified transitive tag keys can't be set because it conflicts with a "
              "transitive tag key from the calling session.");
  }
}

TEST_F(ChainingTest, TagKeysAreUniqueAndTransitiveKeysNameATag) {
  AssumeRoleRequest duplicate = Assume("second");
  duplicate.tags = {{"Cost", "a"}, {"cost", "b"}};
  auto refused = sts_.AssumeRole(Root(), {}, duplicate);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code(), "InvalidParameterValue");
  EXPECT_EQ(refused.error().message(),
            "Duplicate tag keys found. Please note that Tag keys are case insensitive.");
  // Not even to re-declare an inherited transitive key without its tag.
  AssumeRoleRequest untagged = Assume("second");
  untagged.transitive_tag_keys = {"Team"};
  for (const authz::Caller& caller : {Root(), session_}) {
    refused = sts_.AssumeRole(caller, {}, untagged);
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().code(), "InvalidParameterValue");
    EXPECT_EQ(refused.error().message(),
              "The specified transitive tag key must be included in the requested tags.");
  }
  AssumeRoleRequest differently_cased = Assume("second");
  differently_cased.tags = {{"Cost", "a"}};
  differently_cased.transitive_tag_keys = {"cost"};
  EXPECT_TRUE(sts_.AssumeRole(Root(), {}, differently_cased).ok());
}

TEST_F(ChainingTest, TransitiveTagsPassOnAndOtherTagsMayBeAdded) {
  AssumeRoleRequest request = Assume("second");
  // Project was not transitive: it does not pass on and may be set again.
  request.tags = {{"Project", "p2"}};
  auto chained = Chain(request);
  ASSERT_TRUE(chained.ok()) << chained.error().message();
  ASSERT_EQ(chained->tags.size(), 2u);
  EXPECT_EQ(chained->tags[0].key, "Project");
  EXPECT_EQ(chained->tags[0].value, "p2");
  EXPECT_EQ(chained->tags[1].key, "Team");
  EXPECT_EQ(chained->tags[1].value, "payments");
  EXPECT_EQ(chained->transitive_tag_keys, std::vector<std::string>{"Team"});
  EXPECT_TRUE(chained->chained);
}

TEST_F(ChainingTest, ChainedSessionLastsAtMostOneHour) {
  AssumeRoleRequest request = Assume("second");
  request.duration_seconds = 3601;
  auto longer = sts_.AssumeRole(session_, {}, request);
  ASSERT_FALSE(longer.ok());
  EXPECT_EQ(longer.error().code(), "ValidationError");
  EXPECT_EQ(longer.error().message(),
            "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by "
            "role chaining.");
  request.duration_seconds = 3600;
  auto hour = Chain(request);
  ASSERT_TRUE(hour.ok()) << hour.error().message();
  EXPECT_EQ(hour->expires_at - hour->issued_at, 3600);
}

}  // namespace
}  // namespace irsa::sts
