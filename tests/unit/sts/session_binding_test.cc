// Credentials are bound to the unique id of their principal: a role session authorizes nothing
// once its role is deleted, also when a role of the same name is created again; an access key
// authenticates only the user it was created for.
#include "iam/access_keys.h"
#include "iam/credentials.h"
#include "iam/inline_policies.h"
#include "iam/users.h"
#include "unit/sts/sts_test_util.h"

namespace irsa::sts {
namespace {

using testing::kAccount;

class SessionBindingTest : public testing::StsTest {
 protected:
  // A role any principal of the account may assume, allowed everything by an inline policy.
  iam::RoleRecord CreateAdminRole(const std::string& name) {
    iam::RoleRecord role =
        CreateRole(name, AwsTrust(std::string("arn:aws:iam::") + kAccount + ":root"));
    EXPECT_TRUE(iam::PutRolePolicy(ctx_, kAccount, name, "all", AllowAll()).ok());
    return role;
  }
  void DeleteRole(const std::string& name) {
    ASSERT_TRUE(iam::DeleteRolePolicy(ctx_, kAccount, name, "all").ok());
    ASSERT_TRUE(iam::DeleteRole(ctx_, kAccount, name).ok());
  }
  Status ListRoles(const authz::Caller& caller) {
    return authorizer_.Authorize(caller, "iam:ListRoles", "*");
  }
};

TEST_F(SessionBindingTest, SessionOfADeletedRoleAuthorizesNothing) {
  CreateAdminRole("app");
  auto issued = sts_.AssumeRole(Root(), {}, Assume("app"));
  ASSERT_TRUE(issued.ok()) << issued.error().message();
  const authz::Caller session = SessionCaller(*issued);
  EXPECT_TRUE(ListRoles(session).ok());

  DeleteRole("app");
  Status denied = ListRoles(session);
  ASSERT_FALSE(denied.ok());
  EXPECT_EQ(denied.error().code(), "AccessDenied");
  EXPECT_EQ(denied.error().message(),
            "The role arn:aws:iam::111122223333:role/app of this "
            "session no longer exists.");
}

TEST_F(SessionBindingTest, SessionOfARecreatedRoleAuthorizesNothing) {
  const iam::RoleRecord old_role = CreateAdminRole("app");
  auto issued = sts_.AssumeRole(Root(), {}, Assume("app"));
  ASSERT_TRUE(issued.ok()) << issued.error().message();
  const authz::Caller old_session = SessionCaller(*issued);
  EXPECT_EQ(old_session.role_id, old_role.id);
  ASSERT_TRUE(ListRoles(old_session).ok());

  DeleteRole("app");
  const iam::RoleRecord new_role = CreateAdminRole("app");
  ASSERT_NE(new_role.id, old_role.id);

  // A session of the new role works...
  auto fresh = sts_.AssumeRole(Root(), {}, Assume("app", "new"));
  ASSERT_TRUE(fresh.ok()) << fresh.error().message();
  const authz::Caller new_session = SessionCaller(*fresh);
  EXPECT_TRUE(ListRoles(new_session).ok());
  // ... the old one gets nothing of it, before and after the new role's policies are cached.
  for (int attempt = 0; attempt < 2; ++attempt) {
    Status denied = ListRoles(old_session);
    ASSERT_FALSE(denied.ok());
    EXPECT_EQ(denied.error().code(), "AccessDenied");
    EXPECT_EQ(denied.error().message(),
              "The role arn:aws:iam::111122223333:role/app of this session no longer exists: it "
              "was deleted and a role of the same name was created again (role id " +
                  new_role.id + ", the session's is " + old_role.id + ").");
  }
  EXPECT_TRUE(ListRoles(new_session).ok());

  // Nor can it chain into another role.
  CreateAdminRole("other");
  auto chained = sts_.AssumeRole(old_session, {}, Assume("other"));
  ASSERT_FALSE(chained.ok());
  EXPECT_EQ(chained.error().code(), "AccessDenied");
}

TEST_F(SessionBindingTest, WebIdentitySessionOfARecreatedRoleAuthorizesNothing) {
  CreateProvider();
  CreateRole("web", WebIdentityTrust());
  ASSERT_TRUE(iam::PutRolePolicy(ctx_, kAccount, "web", "all", AllowAll()).ok());
  auto issued = sts_.AssumeRoleWithWebIdentity(WebIdentity("web", Sign(TokenClaims())));
  ASSERT_TRUE(issued.ok()) << issued.error().message();
  const authz::Caller session = SessionCaller(*issued);
  ASSERT_TRUE(ListRoles(session).ok());
  DeleteRole("web");
  CreateRole("web", WebIdentityTrust());
  ASSERT_TRUE(iam::PutRolePolicy(ctx_, kAccount, "web", "all", AllowAll()).ok());
  Status denied = ListRoles(session);
  ASSERT_FALSE(denied.ok());
  EXPECT_EQ(denied.error().code(), "AccessDenied");
}

TEST_F(SessionBindingTest, AccessKeyAuthenticatesOnlyItsUser) {
  ASSERT_TRUE(iam::CreateUser(ctx_, kAccount, {.name = "bob"}).ok());
  ASSERT_TRUE(iam::PutUserPolicy(ctx_, kAccount, "bob", "all", AllowAll()).ok());
  auto key = iam::CreateAccessKey(ctx_, kAccount, "bob");
  ASSERT_TRUE(key.ok());
  iam::AccessKeyResolver resolver(ctx_);
  auto resolved = resolver.Resolve(key->id);
  ASSERT_TRUE(resolved.ok());
  const authz::Caller old_bob = resolved->caller;
  EXPECT_TRUE(ListRoles(old_bob).ok());

  // A user with keys cannot be deleted; once its key and policies are gone it can, and a user of
  // the same name created again does not inherit the old key.
  EXPECT_EQ(iam::DeleteUser(ctx_, kAccount, "bob").error().code(), "DeleteConflict");
  ASSERT_TRUE(iam::DeleteAccessKey(ctx_, kAccount, "bob", key->id).ok());
  ASSERT_TRUE(iam::DeleteUserPolicy(ctx_, kAccount, "bob", "all").ok());
  ASSERT_TRUE(iam::DeleteUser(ctx_, kAccount, "bob").ok());
  ASSERT_TRUE(iam::CreateUser(ctx_, kAccount, {.name = "bob"}).ok());
  ASSERT_TRUE(iam::PutUserPolicy(ctx_, kAccount, "bob", "all", AllowAll()).ok());
  auto stale = resolver.Resolve(key->id);
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.error().code(), "InvalidClientTokenId");

  // A caller resolved before the user was recreated (e.g. by a node whose cache has not seen the
  // change yet) is not given the new user's policies.
  Status denied = ListRoles(old_bob);
  ASSERT_FALSE(denied.ok());
  EXPECT_EQ(denied.error().code(), "InvalidClientTokenId");
}

}  // namespace
}  // namespace irsa::sts
