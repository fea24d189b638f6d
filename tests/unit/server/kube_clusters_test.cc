// The Kubernetes-API authentication of hosted clusters (server/kube_clusters.h): which admin
// bearer tokens open a cluster's API, and that the bootstrap token stays a bootstrap token
// (short-lived, invalidated by key rotation, refused in clear text); and EKS tokens
// (`aws eks get-token`): every rule a k8s-aws-v1 token must pass, each refusal tested with a token
// that breaks that rule only.
#include "server/kube_clusters.h"

#include <gtest/gtest.h>

#include "base/clock.h"
#include "base/encoding.h"
#include "base/random.h"
#include "eks/access_policies.h"
#include "iam/access_keys.h"
#include "iam/accounts.h"
#include "iam/credentials.h"
#include "iam/roles.h"
#include "iam/users.h"
#include "jwt/mint.h"
#include "protocol/authn.h"
#include "protocol/sigv4_signer.h"
#include "server/kube_token_auth.h"
#include "sts/session_token.h"
#include "unit/iam/memory_store.h"

namespace irsa::server {
namespace {

constexpr char kAccount[] = "111122223333";
constexpr char kStsHost[] = "irsa.example:8443";
constexpr char kTrust[] =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"sts:AssumeRole"}]})";

class KubeClustersTest : public ::testing::Test {
 protected:
  KubeClustersTest()
      : clock_(FakeClock::AtUnixSeconds(1800000000)),
        random_(3),
        ctx_{store_, clock_, random_, quotas_},
        registry_(store_, clock_, random_, {.issuer_base = "https://irsa.example:8443"}),
        entries_(store_, clock_, random_, registry_, ctx_),
        resolver_(ctx_) {}

  void SetUp() override {
    ASSERT_TRUE(registry_.Create(kAccount, "c1").ok());
    ASSERT_TRUE(registry_.Create(kAccount, "c2").ok());
    ASSERT_TRUE(iam::EnsureAccount(ctx_, kAccount).ok());
    auto ring = sts::LoadOrCreateSessionKeyRing(store_, random_);
    ASSERT_TRUE(ring.ok());
    sessions_ = std::make_unique<sts::SessionTokenCodec>(*ring);
    authn_ = std::make_unique<protocol::Authenticator>(resolver_, *sessions_, clock_);
    tokens_ = std::make_unique<KubeTokenAuthenticator>(*authn_);
    tokens_->SetOwnHosts({kStsHost});
  }

  kube::Authentication Check(HostedClusters& hosted, const std::string& cluster,
                             const std::string& token, bool tls = true) {
    auto result = hosted.Authenticate({cluster, kAccount}, token, tls);
    EXPECT_TRUE(result.ok()) << result.error().message();
    return result.ok() ? *result : kube::Authentication{};
  }

  std::string Token(const std::string& cluster, int64_t lifetime = 600) {
    auto token = MintKubeAdminToken(registry_, clock_, kAccount, cluster, lifetime);
    EXPECT_TRUE(token.ok()) << token.error().message();
    return token.ok() ? *token : "";
  }

  iam::testing::MemoryStore store_;
  FakeClock clock_;
  SeededRandom random_;
  iam::Quotas quotas_;
  iam::ServiceContext ctx_;
  oidc::ClusterRegistry registry_;
  eks::AccessEntries entries_;
  iam::AccessKeyResolver resolver_;
  std::unique_ptr<sts::SessionTokenCodec> sessions_;
  std::unique_ptr<protocol::Authenticator> authn_;
  std::unique_ptr<KubeTokenAuthenticator> tokens_;
};

TEST_F(KubeClustersTest, AdminTokenOpensItsClusterOverTls) {
  HostedClusters hosted(registry_, clock_, kAccount);
  kube::Authentication result = Check(hosted, "c1", Token("c1"));
  ASSERT_TRUE(result.subject.has_value());
  EXPECT_EQ(result.subject->user.username, kKubeAdminSubject);
  kube::RequestAttributes anything;
  anything.verb = "delete";
  anything.resource = "namespaces";
  EXPECT_TRUE(kube::Authorize(*result.subject, anything).allowed);
}

TEST_F(KubeClustersTest, NoTokenOrGarbageIsUnauthenticated) {
  HostedClusters hosted(registry_, clock_, kAccount);
  EXPECT_FALSE(Check(hosted, "c1", "").subject);
  EXPECT_FALSE(Check(hosted, "c1", "not.a.jwt").subject);
  std::string token = Token("c1");
  token.back() = token.back() == 'A' ? 'B' : 'A';  // signature tampered
  EXPECT_FALSE(Check(hosted, "c1", token).subject);
}

TEST_F(KubeClustersTest, TokenOfAnotherClusterIsRefused) {
  HostedClusters hosted(registry_, clock_, kAccount);
  EXPECT_FALSE(Check(hosted, "c2", Token("c1")).subject);
}

TEST_F(KubeClustersTest, PlainHttpIsRefusedUnlessAllowed) {
  HostedClusters strict(registry_, clock_, kAccount);
  const std::string token = Token("c1");
  EXPECT_FALSE(Check(strict, "c1", token, /*tls=*/false).subject);
  HostedClusters lenient(registry_, clock_, kAccount, {.allow_plain_http = true});
  EXPECT_TRUE(Check(lenient, "c1", token, /*tls=*/false).subject);
}

TEST_F(KubeClustersTest, KeyRotationInvalidatesAdminTokens) {
  HostedClusters hosted(registry_, clock_, kAccount);
  const std::string before = Token("c1");
  ASSERT_TRUE(Check(hosted, "c1", before).subject);
  ASSERT_TRUE(registry_.RotateKeys(kAccount, "c1").ok());
  // The retired key stays published for service-account tokens, but admin tokens need the
  // active key.
  EXPECT_FALSE(Check(hosted, "c1", before).subject);
  EXPECT_TRUE(Check(hosted, "c1", Token("c1")).subject);
}

TEST_F(KubeClustersTest, ExpiredTokenIsRefused) {
  HostedClusters hosted(registry_, clock_, kAccount);
  const std::string token = Token("c1", 60);
  clock_.Advance(std::chrono::seconds(59));
  EXPECT_TRUE(Check(hosted, "c1", token).subject);
  clock_.Advance(std::chrono::seconds(1));
  EXPECT_FALSE(Check(hosted, "c1", token).subject);
}

TEST_F(KubeClustersTest, LifetimeIsBounded) {
  EXPECT_FALSE(MintKubeAdminToken(registry_, clock_, kAccount, "c1", 0).ok());
  EXPECT_FALSE(
      MintKubeAdminToken(registry_, clock_, kAccount, "c1", kMaxKubeAdminLifetime + 1).ok());
  EXPECT_TRUE(MintKubeAdminToken(registry_, clock_, kAccount, "c1", kMaxKubeAdminLifetime).ok());
  EXPECT_EQ(kDefaultKubeAdminLifetime, 3600);
}

TEST_F(KubeClustersTest, ServiceAccountTokenIsNotAnAdminToken) {
  HostedClusters hosted(registry_, clock_, kAccount);
  jwt::ServiceAccountTokenSpec spec;
  spec.namespace_name = "default";
  spec.service_account_name = "app";
  spec.audiences = {kKubeAdminAudience};
  spec.issued_at = clock_.NowUnixSeconds();
  spec.lifetime_seconds = 600;
  auto token = registry_.MintServiceAccountToken(kAccount, "c1", spec);
  ASSERT_TRUE(token.ok());
  EXPECT_FALSE(Check(hosted, "c1", *token).subject);
}

// ---- EKS tokens (k8s-aws-v1.…) ----

// What a token is made of; the defaults make a valid token of alice for cluster c1, as
// `aws eks get-token --cluster-name c1` presigns it against irsa.
struct TokenSpec {
  protocol::SigV4Credentials credentials;
  std::string cluster = "c1";  // the signed x-k8s-aws-id
  bool sign_cluster = true;
  std::string scheme = "https";
  std::string host = kStsHost;
  std::string service = "sts";
  std::string query = "Action=GetCallerIdentity&Version=2011-06-15";
  int64_t expires = 60;
  std::optional<SystemTime> time;  // default: now
};

class EksTokenTest : public KubeClustersTest {
 protected:
  void SetUp() override {
    KubeClustersTest::SetUp();
    hosted_ = std::make_unique<HostedClusters>(registry_, clock_, kAccount, KubeAuthOptions{},
                                               &entries_, tokens_.get());
    iam::CreateUserInput user;
    user.name = "alice";
    auto alice = iam::CreateUser(ctx_, kAccount, user);
    ASSERT_TRUE(alice.ok());
    alice_arn_ = alice->arn;
    auto key = iam::CreateAccessKey(ctx_, kAccount, "alice");
    ASSERT_TRUE(key.ok());
    alice_ = {key->id, key->secret, ""};

    iam::CreateRoleInput role;
    role.name = "deployer";
    role.path = "/team/";
    role.assume_role_policy = kTrust;
    auto deployer = iam::CreateRole(ctx_, kAccount, role);
    ASSERT_TRUE(deployer.ok()) << deployer.error().message();
    role_arn_ = deployer->role.arn;
    sts::SessionRecord session;
    session.access_key_id = "ASIAEXAMPLESESSION01";
    session.secret_access_key = std::string(40, 's');
    session.account = kAccount;
    session.role_name = "deployer";
    session.role_id = deployer->role.id;
    session.role_arn = role_arn_;
    session.session_name = "bob@example.com";
    session.issued_at = clock_.NowUnixSeconds();
    session.expires_at = clock_.NowUnixSeconds() + 3600;
    auto sealed = sessions_->Seal(session);
    ASSERT_TRUE(sealed.ok());
    session_ = {session.access_key_id, session.secret_access_key, *sealed};
  }

  void GiveEntry(const std::string& principal_arn, const std::string& policy,
                 const std::string& username = "") {
    eks::CreateAccessEntryInput input;
    input.cluster = "c1";
    input.principal_arn = principal_arn;
    input.username = username;
    input.kubernetes_groups = {"developers"};
    ASSERT_TRUE(entries_.Create(kAccount, input).ok());
    ASSERT_TRUE(entries_
                    .AssociatePolicy(kAccount, "c1", principal_arn,
                                     std::string(eks::kAccessPolicyArnPrefix) + policy, {})
                    .ok());
  }

  std::string EksToken(TokenSpec spec) {
    if (spec.credentials.access_key_id.empty()) spec.credentials = alice_;
    protocol::SigV4SigningInput input;
    input.host = spec.host;
    input.query = spec.query;
    if (spec.sign_cluster) input.headers = {{"x-k8s-aws-id", spec.cluster}};
    protocol::SigV4SigningParams params;
    params.credentials = spec.credentials;
    params.service = spec.service;
    params.time = spec.time.value_or(clock_.Now());
    HttpRequest presigned = protocol::PresignSigV4(input, params, spec.expires);
    return "k8s-aws-v1." +
           Base64UrlEncode(spec.scheme + "://" + spec.host + "/?" + presigned.query);
  }

  // The failure of a refused token (and that it was refused).
  std::string Refusal(const std::string& token, const std::string& cluster = "c1") {
    kube::Authentication result = Check(*hosted_, cluster, token);
    EXPECT_FALSE(result.subject.has_value()) << "accepted: " << token;
    // Nothing secret in the reason: neither the token nor its signature.
    EXPECT_EQ(result.failure.find(token.substr(11, 40)), std::string::npos) << result.failure;
    return result.failure;
  }

  std::unique_ptr<HostedClusters> hosted_;
  std::string alice_arn_, role_arn_;
  protocol::SigV4Credentials alice_, session_;
};

TEST_F(EksTokenTest, UserWithAnEntryIsTheEntrysKubernetesUser) {
  GiveEntry(alice_arn_, "AmazonEKSViewPolicy");
  kube::Authentication result = Check(*hosted_, "c1", EksToken({}));
  ASSERT_TRUE(result.subject.has_value()) << result.failure;
  const kube::UserInfo& user = result.subject->user;
  EXPECT_EQ(user.username, alice_arn_);
  EXPECT_EQ(user.groups, (std::vector<std::string>{"developers", "system:authenticated"}));
  EXPECT_EQ(user.extra.at("accessKeyId"), std::vector<std::string>{alice_.access_key_id});
  EXPECT_EQ(result.iam_arn, alice_arn_);
  kube::RequestAttributes list;
  list.verb = "list";
  list.resource = "serviceaccounts";
  list.namespace_name = "default";
  EXPECT_TRUE(kube::Authorize(*result.subject, list).allowed);
  kube::RequestAttributes remove = list;
  remove.verb = "delete";
  remove.name = "app";
  EXPECT_FALSE(kube::Authorize(*result.subject, remove).allowed);
  EXPECT_EQ(kube::ForbiddenMessage(remove, user.username),
            "serviceaccounts \"app\" is forbidden: User \"" + alice_arn_ +
                "\" cannot delete resource \"serviceaccounts\" in API group \"\" in the "
                "namespace \"default\"");
}

TEST_F(EksTokenTest, AssumedRoleMapsToItsRoleEntry) {
  // The entry names the role (with its path); the session authenticates as that role, and the
  // default username template names the session ('@' becomes '-').
  GiveEntry(role_arn_, "AmazonEKSClusterAdminPolicy");
  kube::Authentication result = Check(*hosted_, "c1", EksToken({.credentials = session_}));
  ASSERT_TRUE(result.subject.has_value()) << result.failure;
  EXPECT_EQ(result.subject->user.username,
            "arn:aws:sts::111122223333:assumed-role/deployer/bob-example.com");
  EXPECT_EQ(result.iam_arn, "arn:aws:sts::111122223333:assumed-role/deployer/bob@example.com");
  EXPECT_EQ(result.subject->user.extra.at("canonicalArn"), std::vector<std::string>{role_arn_});
  EXPECT_EQ(result.subject->user.extra.at("sessionName"),
            std::vector<std::string>{"bob@example.com"});
}

TEST_F(EksTokenTest, UsernameTemplates) {
  GiveEntry(role_arn_, "AmazonEKSViewPolicy", "deployer:{{AccountID}}:{{SessionNameRaw}}");
  kube::Authentication result = Check(*hosted_, "c1", EksToken({.credentials = session_}));
  ASSERT_TRUE(result.subject.has_value()) << result.failure;
  EXPECT_EQ(result.subject->user.username, "deployer:111122223333:bob@example.com");
}

TEST_F(EksTokenTest, PrincipalWithoutAnEntryIsUnauthenticated) {
  EXPECT_NE(Refusal(EksToken({})).find("no access entry"), std::string::npos);
  // Another cluster's entry does not count.
  GiveEntry(alice_arn_, "AmazonEKSClusterAdminPolicy");
  EXPECT_NE(Refusal(EksToken({.cluster = "c2"}), "c2").find("no access entry"), std::string::npos);
}

TEST_F(EksTokenTest, RecreatedUserIsNotThePrincipalOfTheEntry) {
  GiveEntry(alice_arn_, "AmazonEKSClusterAdminPolicy");
  ASSERT_TRUE(Check(*hosted_, "c1", EksToken({})).subject);
  ASSERT_TRUE(iam::DeleteAccessKey(ctx_, kAccount, "alice", alice_.access_key_id).ok());
  ASSERT_TRUE(iam::DeleteUser(ctx_, kAccount, "alice").ok());
  iam::CreateUserInput user;
  user.name = "alice";
  ASSERT_TRUE(iam::CreateUser(ctx_, kAccount, user).ok());
  auto key = iam::CreateAccessKey(ctx_, kAccount, "alice");
  ASSERT_TRUE(key.ok());
  EXPECT_NE(Refusal(EksToken({.credentials = {key->id, key->secret, ""}})).find("no access entry"),
            std::string::npos);
}

TEST_F(EksTokenTest, TokenForAnotherClusterFailsItsSignature) {
  GiveEntry(alice_arn_, "AmazonEKSClusterAdminPolicy");
  EXPECT_NE(Refusal(EksToken({.cluster = "c2"})).find("SignatureDoesNotMatch"), std::string::npos);
}

TEST_F(EksTokenTest, ClusterIdHeaderMustBeSigned) {
  GiveEntry(alice_arn_, "AmazonEKSClusterAdminPolicy");
  EXPECT_NE(Refusal(EksToken({.sign_cluster = false})).find("x-k8s-aws-id"), std::string::npos);
}

TEST_F(EksTokenTest, TamperedSignatureIsRefused) {
  GiveEntry(alice_arn_, "AmazonEKSClusterAdminPolicy");
  const std::string token = EksToken({});
  std::string url = *Base64UrlDecode(token.substr(11));
  url.back() = url.back() == '0' ? '1' : '0';
  EXPECT_NE(Refusal("k8s-aws-v1." + Base64UrlEncode(url)).find("SignatureDoesNotMatch"),
            std::string::npos);
  std::string garbled = token;
  garbled[20] = '*';
  EXPECT_NE(Refusal(garbled).find("base64url"), std::string::npos);
}

// As on EKS: a token is good for 15 minutes after X-Amz-Date whatever X-Amz-Expires says
// (`aws eks get-token` signs 60 s; kubectl and client-go reuse the token for 14 minutes).
TEST_F(EksTokenTest, ExpiresFifteenMinutesAfterItsDate) {
  GiveEntry(alice_arn_, "AmazonEKSClusterAdminPolicy");
  const std::string token = EksToken({.expires = 60});
  clock_.Advance(std::chrono::seconds(14 * 60));
  EXPECT_TRUE(Check(*hosted_, "c1", token).subject);
  clock_.Advance(std::chrono::seconds(60));
  EXPECT_TRUE(Check(*hosted_, "c1", token).subject);
  clock_.Advance(std::chrono::seconds(1));
  EXPECT_NE(Refusal(token).find("expired"), std::string::npos);
}

TEST_F(EksTokenTest, LifetimeIsAtMostFifteenMinutes) {
  GiveEntry(alice_arn_, "AmazonEKSClusterAdminPolicy");
  EXPECT_TRUE(Check(*hosted_, "c1", EksToken({.expires = 900})).subject);
  EXPECT_NE(Refusal(EksToken({.expires = 901})).find("X-Amz-Expires"), std::string::npos);
}

TEST_F(EksTokenTest, SignedMoreThanFiveMinutesAheadIsRefused) {
  GiveEntry(alice_arn_, "AmazonEKSClusterAdminPolicy");
  EXPECT_TRUE(
      Check(*hosted_, "c1", EksToken({.time = clock_.Now() + std::chrono::minutes(5)})).subject);
  EXPECT_NE(
      Refusal(EksToken({.time = clock_.Now() + std::chrono::minutes(6)})).find("not yet current"),
      std::string::npos);
}

TEST_F(EksTokenTest, OnlyGetCallerIdentity) {
  GiveEntry(alice_arn_, "AmazonEKSClusterAdminPolicy");
  EXPECT_NE(Refusal(EksToken({.query = "Action=GetSessionToken&Version=2011-06-15"}))
                .find("GetCallerIdentity"),
            std::string::npos);
  EXPECT_NE(
      Refusal(EksToken({.query = "Action=GetCallerIdentity&Version=2010-05-08"})).find("Version"),
      std::string::npos);
  EXPECT_NE(
      Refusal(EksToken({.query = "Action=GetCallerIdentity&Version=2011-06-15&DurationSeconds=1"}))
          .find("allow-list"),
      std::string::npos);
}

TEST_F(EksTokenTest, SignedForStsOnly) {
  GiveEntry(alice_arn_, "AmazonEKSClusterAdminPolicy");
  EXPECT_NE(Refusal(EksToken({.service = "iam"})).find("sts"), std::string::npos);
}

TEST_F(EksTokenTest, HostMustBeStsOrIrsa) {
  GiveEntry(alice_arn_, "AmazonEKSClusterAdminPolicy");
  EXPECT_NE(Refusal(EksToken({.host = "attacker.example"})).find("host"), std::string::npos);
  // AWS's STS names are accepted (over https) — the signature is then verified here, with
  // irsa's keys.
  EXPECT_TRUE(Check(*hosted_, "c1", EksToken({.host = "sts.eu-west-1.amazonaws.com"})).subject);
  EXPECT_NE(Refusal(EksToken({.scheme = "http", .host = "sts.amazonaws.com"})).find("host"),
            std::string::npos);
}

TEST_F(EksTokenTest, RefusedOverPlainHttp) {
  GiveEntry(alice_arn_, "AmazonEKSClusterAdminPolicy");
  const std::string token = EksToken({});
  EXPECT_FALSE(Check(*hosted_, "c1", token, /*tls=*/false).subject);
  EXPECT_TRUE(Check(*hosted_, "c1", token, /*tls=*/true).subject);
}

TEST_F(EksTokenTest, NamespaceScopedPolicyGrantsOnlyItsNamespaces) {
  eks::CreateAccessEntryInput input;
  input.cluster = "c1";
  input.principal_arn = alice_arn_;
  ASSERT_TRUE(entries_.Create(kAccount, input).ok());
  ASSERT_TRUE(entries_
                  .AssociatePolicy(kAccount, "c1", alice_arn_,
                                   std::string(eks::kAccessPolicyArnPrefix) + "AmazonEKSEditPolicy",
                                   {"namespace", {"team-*"}})
                  .ok());
  kube::Authentication result = Check(*hosted_, "c1", EksToken({}));
  ASSERT_TRUE(result.subject.has_value()) << result.failure;
  kube::RequestAttributes create;
  create.verb = "create";
  create.resource = "serviceaccounts";
  create.namespace_name = "team-a";
  EXPECT_TRUE(kube::Authorize(*result.subject, create).allowed);
  create.namespace_name = "default";
  EXPECT_FALSE(kube::Authorize(*result.subject, create).allowed);
  kube::RequestAttributes namespaces;
  namespaces.verb = "list";
  namespaces.resource = "namespaces";
  EXPECT_FALSE(kube::Authorize(*result.subject, namespaces).allowed);
}

}  // namespace
}  // namespace irsa::server
