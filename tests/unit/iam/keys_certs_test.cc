// Access-key last use (batched flushing under a fake clock), SSH public keys, signing and server
// certificates, and service-specific credentials at the service layer.
#include <gtest/gtest.h>

#include <chrono>
#include <set>

#include "base/encoding.h"
#include "crypto/keys.h"
#include "crypto/ssh_key.h"
#include "crypto/x509.h"
#include "iam/access_key_usage.h"
#include "iam/access_keys.h"
#include "iam/server_certificates.h"
#include "iam/user_keys.h"
#include "iam/users.h"
#include "unit/iam/iam_test_util.h"

namespace irsa::iam {
namespace {

using namespace std::chrono_literals;
using testing::kAccount;

class KeysCertsTest : public testing::IamTest {
 protected:
  KeysCertsTest() : usage_(store_, clock_, {.flush_interval = 60s}) {}

  ServiceContext Ctx() {
    ServiceContext c = ctx();
    c.key_usage = &usage_;
    return c;
  }

  AccessKeyRecord NewUserKey(const std::string& user) {
    CreateUserInput input;
    input.name = user;
    EXPECT_TRUE(CreateUser(ctx(), kAccount, input).ok());
    auto key = CreateAccessKey(ctx(), kAccount, user);
    EXPECT_TRUE(key.ok());
    return *key;
  }

  // A certificate for `key` valid from now for `days` (a CA of its own).
  crypto::Certificate CertFor(const crypto::PrivateKey& key, SystemTime not_before, int days) {
    crypto::CaOptions options;
    options.common_name = "test";
    options.not_before = not_before;
    options.validity_days = days;
    auto cert = crypto::CreateCaCertificate(key, options, random_);
    EXPECT_TRUE(cert.ok());
    return *cert;
  }

  AccessKeyUsage usage_;
};

TEST_F(KeysCertsTest, LastUseStaysInMemoryUntilTheFlushInterval) {
  AccessKeyRecord key = NewUserKey("alice");
  auto never = GetAccessKeyLastUsed(Ctx(), kAccount, key.id);
  ASSERT_OK(never);
  EXPECT_EQ(never->user_name, "alice");
  EXPECT_FALSE(never->last_used);

  const int64_t generation = store_.Generation();
  clock_.Advance(5s);
  const SystemTime used_at = clock_.Now();
  for (int i = 0; i < 1000; ++i) usage_.Record(key.id, "sts", "eu-west-1");
  EXPECT_EQ(store_.Generation(), generation) << "recording must not write the store";
  EXPECT_EQ(usage_.pending(), 1u);

  // Exact on this node before any flush: the in-memory value is merged.
  auto merged = GetAccessKeyLastUsed(Ctx(), kAccount, key.id);
  ASSERT_OK(merged);
  ASSERT_TRUE(merged->last_used);
  EXPECT_EQ(merged->last_used->when, used_at);
  EXPECT_EQ(merged->last_used->service, "sts");
  EXPECT_EQ(merged->last_used->region, "eu-west-1");
  // Another node (no in-memory record) sees nothing yet.
  auto elsewhere = GetAccessKeyLastUsed(ctx(), kAccount, key.id);
  ASSERT_OK(elsewhere);
  EXPECT_FALSE(elsewhere->last_used);

  clock_.Advance(30s);
  auto early = usage_.FlushIfDue();
  ASSERT_OK(early);
  EXPECT_EQ(*early, 0u);
  EXPECT_EQ(store_.Generation(), generation);

  clock_.Advance(31s);
  auto due = usage_.FlushIfDue();
  ASSERT_OK(due);
  EXPECT_EQ(*due, 1u);
  EXPECT_EQ(store_.Generation(), generation + 1) << "one transaction per flush";
  EXPECT_EQ(usage_.pending(), 0u);
  auto flushed = GetAccessKeyLastUsed(ctx(), kAccount, key.id);
  ASSERT_OK(flushed);
  ASSERT_TRUE(flushed->last_used);
  EXPECT_EQ(flushed->last_used->when, used_at);
  EXPECT_EQ(flushed->last_used->service, "sts");

  // Nothing pending: a due flush writes nothing.
  clock_.Advance(61s);
  auto idle = usage_.FlushIfDue();
  ASSERT_OK(idle);
  EXPECT_EQ(*idle, 0u);
  EXPECT_EQ(store_.Generation(), generation + 1);
}

TEST_F(KeysCertsTest, FlushBatchesKeysAndNeverMovesTimeBackwards) {
  AccessKeyRecord a = NewUserKey("a");
  AccessKeyRecord b = NewUserKey("b");
  const int64_t generation = store_.Generation();
  usage_.Record(a.id, "iam", "us-east-1");
  usage_.Record(b.id, "s3", "us-west-2");
  auto written = usage_.Flush();
  ASSERT_OK(written);
  EXPECT_EQ(*written, 2u);
  EXPECT_EQ(store_.Generation(), generation + 1);

  // Another node with an older use flushes later: the stored newer use stays.
  FakeClock old_clock(clock_.Now() - 10min);
  AccessKeyUsage other(store_, old_clock, {});
  other.Record(a.id, "sts", "ap-south-1");
  ASSERT_OK(other.Flush());
  auto stored = GetAccessKeyLastUsed(ctx(), kAccount, a.id);
  ASSERT_OK(stored);
  EXPECT_EQ(stored->last_used->service, "iam");
}

TEST_F(KeysCertsTest, FlushDoesNotRecreateADeletedKeyAndKeepsTheSecret) {
  AccessKeyRecord gone = NewUserKey("gone");
  AccessKeyRecord kept = NewUserKey("kept");
  usage_.Record(gone.id, "iam", "us-east-1");
  usage_.Record(kept.id, "iam", "us-east-1");
  ASSERT_OK(DeleteAccessKey(ctx(), kAccount, "gone", gone.id));
  auto written = usage_.Flush();
  ASSERT_OK(written);
  EXPECT_EQ(*written, 1u);
  auto found = FindAccessKey(ctx(), gone.id);
  ASSERT_OK(found);
  EXPECT_FALSE(*found);
  auto still = FindAccessKey(ctx(), kept.id);
  ASSERT_OK(still);
  ASSERT_TRUE(*still);
  EXPECT_EQ((*still)->key.secret, kept.secret);
  ASSERT_TRUE((*still)->key.last_used);
  // A status change keeps the recorded use.
  ASSERT_OK(UpdateAccessKey(ctx(), kAccount, "kept", kept.id, AccessKeyStatus::kInactive));
  auto after = GetAccessKeyLastUsed(ctx(), kAccount, kept.id);
  ASSERT_OK(after);
  EXPECT_TRUE(after->last_used);
  EXPECT_ERROR(GetAccessKeyLastUsed(ctx(), testing::kOtherAccount, kept.id), "NoSuchEntity",
               "The Access Key with id " + kept.id + " cannot be found.");
}

TEST_F(KeysCertsTest, ForgetDropsUnflushedUses) {
  AccessKeyRecord key = NewUserKey("f");
  usage_.Record(key.id, "iam", "us-east-1");
  EXPECT_TRUE(usage_.Unflushed(key.id));
  usage_.Forget();
  EXPECT_FALSE(usage_.Unflushed(key.id));
  EXPECT_EQ(usage_.pending(), 0u);
  auto flushed = usage_.Flush();
  ASSERT_OK(flushed);
  EXPECT_EQ(*flushed, 0u);
}

TEST_F(KeysCertsTest, DestructionFlushesWhatIsPending) {
  AccessKeyRecord key = NewUserKey("d");
  {
    AccessKeyUsage node(store_, clock_, {.flush_interval = 3600s});
    node.Record(key.id, "sts", "us-east-1");
  }
  auto stored = GetAccessKeyLastUsed(ctx(), kAccount, key.id);
  ASSERT_OK(stored);
  EXPECT_TRUE(stored->last_used);
}

TEST_F(KeysCertsTest, SshKeyFingerprintIsTheMd5OfTheBlob) {
  auto key = crypto::PrivateKey::Generate(crypto::KeyType::kRsa, 2048);
  ASSERT_OK(key);
  auto parsed = crypto::ParseSshPublicKey(key->public_key().ToPem());
  ASSERT_OK(parsed);
  EXPECT_EQ(parsed->bits, 2048);
  EXPECT_EQ(parsed->fingerprint, crypto::Md5ColonHex(parsed->blob));
  EXPECT_EQ(parsed->fingerprint.size(), 47u);
  // The OpenSSH form parses to the same blob and PEM.
  auto again = crypto::ParseSshPublicKey("  " + parsed->openssh + " me@host\n");
  ASSERT_OK(again);
  EXPECT_EQ(again->blob, parsed->blob);
  EXPECT_EQ(again->pem, parsed->pem);
  EXPECT_EQ(crypto::Md5ColonHex(""), "d4:1d:8c:d9:8f:00:b2:04:e9:80:09:98:ec:f8:42:7e");

  EXPECT_ERROR_CODE(crypto::ParseSshPublicKey("ssh-ed25519 AAAA"), "UnrecognizedPublicKeyEncoding");
  EXPECT_ERROR_CODE(crypto::ParseSshPublicKey(""), "UnrecognizedPublicKeyEncoding");
  EXPECT_ERROR_CODE(crypto::ParseSshPublicKey("ssh-rsa !!!"), "InvalidPublicKey");
  EXPECT_ERROR_CODE(crypto::ParseSshPublicKey("ssh-rsa " + Base64Encode(parsed->blob + "x")),
                    "InvalidPublicKey");
  auto ec = crypto::PrivateKey::Generate(crypto::KeyType::kEcP256);
  ASSERT_OK(ec);
  EXPECT_ERROR_CODE(crypto::ParseSshPublicKey(ec->public_key().ToPem()), "InvalidPublicKey");
}

TEST_F(KeysCertsTest, SshKeysDuplicatesQuotaAndRename) {
  NewUserKey("u");
  auto key = crypto::PrivateKey::Generate(crypto::KeyType::kRsa, 2048);
  ASSERT_OK(key);
  auto up = UploadSshPublicKey(ctx(), kAccount, "U", key->public_key().ToPem());
  ASSERT_OK(up);
  EXPECT_EQ(up->user_name, "u");
  EXPECT_ERROR_CODE(UploadSshPublicKey(ctx(), kAccount, "u", key->public_key().ToPem()),
                    "DuplicateSSHPublicKey");
  quotas_.ssh_public_keys_per_user = 1;
  auto other = crypto::PrivateKey::Generate(crypto::KeyType::kRsa, 2048);
  ASSERT_OK(other);
  EXPECT_ERROR(UploadSshPublicKey(ctx(), kAccount, "u", other->public_key().ToPem()),
               "LimitExceeded", "Cannot exceed quota for SSHPublicKeysPerUser: 1");
  auto as_ssh = GetSshPublicKey(ctx(), kAccount, "u", up->id, false);
  ASSERT_OK(as_ssh);
  EXPECT_TRUE(as_ssh->body.starts_with("ssh-rsa AAAA"));
  ASSERT_OK(UpdateSshPublicKey(ctx(), kAccount, "u", up->id, CredentialStatus::kInactive));
  ASSERT_OK(UpdateUser(ctx(), kAccount, "u", std::string("v"), std::nullopt));
  auto listed = ListSshPublicKeys(ctx(), kAccount, "v", "", 0);
  ASSERT_OK(listed);
  ASSERT_EQ(listed->items.size(), 1u);
  EXPECT_EQ(listed->items[0].user_name, "v");
  EXPECT_EQ(listed->items[0].status, CredentialStatus::kInactive);
  ASSERT_OK(DeleteAccessKey(ctx(), kAccount, "v", ListAccessKeys(ctx(), kAccount, "v")->at(0).id));
  EXPECT_ERROR(DeleteUser(ctx(), kAccount, "v"), "DeleteConflict",
               "Cannot delete entity, must delete SSH public keys first.");
  ASSERT_OK(DeleteSshPublicKey(ctx(), kAccount, "v", up->id));
  EXPECT_ERROR(DeleteSshPublicKey(ctx(), kAccount, "v", up->id), "NoSuchEntity",
               "The Public Key with id " + up->id + " cannot be found.");
  ASSERT_OK(DeleteUser(ctx(), kAccount, "v"));
}

TEST_F(KeysCertsTest, SigningCertificatesAreCheckedForExpiryAndDuplicates) {
  NewUserKey("s");
  auto key = crypto::PrivateKey::Generate(crypto::KeyType::kEcP256);
  ASSERT_OK(key);
  std::string pem = CertFor(*key, clock_.Now() - 1h, 30).ToPem();
  auto up = UploadSigningCertificate(ctx(), kAccount, "s", pem);
  ASSERT_OK(up);
  EXPECT_EQ(up->id.size(), 28u);
  EXPECT_ERROR_CODE(UploadSigningCertificate(ctx(), kAccount, "", pem), "DuplicateCertificate");
  EXPECT_ERROR_CODE(UploadSigningCertificate(ctx(), kAccount, "s", "junk"), "MalformedCertificate");
  std::string expired = CertFor(*key, clock_.Now() - 72h, 1).ToPem();
  EXPECT_ERROR(UploadSigningCertificate(ctx(), kAccount, "s", expired), "InvalidCertificate",
               "The certificate has expired.");
  std::string future = CertFor(*key, clock_.Now() + 72h, 10).ToPem();
  EXPECT_ERROR_CODE(UploadSigningCertificate(ctx(), kAccount, "s", future), "InvalidCertificate");
  quotas_.signing_certificates_per_user = 1;
  auto key2 = crypto::PrivateKey::Generate(crypto::KeyType::kEcP256);
  ASSERT_OK(key2);
  EXPECT_ERROR(
      UploadSigningCertificate(ctx(), kAccount, "s", CertFor(*key2, clock_.Now() - 1h, 30).ToPem()),
      "LimitExceeded", "Cannot exceed quota for SigningCertificatesPerUser: 1");
  ASSERT_OK(UpdateSigningCertificate(ctx(), kAccount, "s", up->id, CredentialStatus::kInactive));
  auto listed = ListSigningCertificates(ctx(), kAccount, "s", "", 0);
  ASSERT_OK(listed);
  ASSERT_EQ(listed->items.size(), 1u);
  EXPECT_EQ(listed->items[0].status, CredentialStatus::kInactive);
  ASSERT_OK(DeleteSigningCertificate(ctx(), kAccount, "s", up->id));
  // Deleted: the same certificate may be uploaded again (also by the root user).
  ASSERT_OK(UploadSigningCertificate(ctx(), kAccount, "", pem));
}

TEST_F(KeysCertsTest, ServerCertificateKeyMustMatchAndIsNeverReturned) {
  auto key = crypto::PrivateKey::Generate(crypto::KeyType::kRsa, 2048);
  auto other = crypto::PrivateKey::Generate(crypto::KeyType::kRsa, 2048);
  ASSERT_OK(key);
  ASSERT_OK(other);
  crypto::Certificate cert = CertFor(*key, clock_.Now() - 1h, 90);
  UploadServerCertificateInput input;
  input.name = "web";
  input.path = "/edge/";
  input.body = cert.ToPem();
  input.private_key = other->ToPkcs8Pem();
  auto mismatch = UploadServerCertificate(ctx(), kAccount, input);
  ASSERT_FALSE(mismatch.ok());
  EXPECT_EQ(mismatch.error().code(), "MalformedCertificate");
  EXPECT_NE(mismatch.error().message().find("private key did not match"), std::string::npos);
  input.private_key = key->ToPkcs8Pem();
  input.chain = "garbage";
  EXPECT_ERROR_CODE(UploadServerCertificate(ctx(), kAccount, input), "MalformedCertificate");
  input.chain = cert.ToPem();
  auto up = UploadServerCertificate(ctx(), kAccount, input);
  ASSERT_OK(up);
  EXPECT_EQ(up->arn, "arn:aws:iam::111122223333:server-certificate/edge/web");
  EXPECT_EQ(ToUnixSeconds(up->expiration), ToUnixSeconds(clock_.Now() - 1h + 90 * 24h));
  // The key is only in the sealed column.
  auto row = store_.Read([&](store::StoreTx& tx) -> Status {
    auto got = tx.Get({kAccount, kind::kServerCertificate, "", "web"});
    EXPECT_TRUE(got.ok() && *got);
    EXPECT_EQ((*got)->body.find("PRIVATE KEY"), std::string::npos);
    EXPECT_EQ((*got)->secret, key->ToPkcs8Pem());
    return OkStatus();
  });
  ASSERT_OK(row);
  EXPECT_ERROR(UploadServerCertificate(ctx(), kAccount, input), "EntityAlreadyExists",
               "The Server Certificate with name web already exists.");
  ASSERT_OK(UpdateServerCertificate(ctx(), kAccount, "web", std::string("www"), std::nullopt));
  auto moved = GetServerCertificate(ctx(), kAccount, "WWW");
  ASSERT_OK(moved);
  EXPECT_EQ(moved->arn, "arn:aws:iam::111122223333:server-certificate/edge/www");
  input.name = "other";
  ASSERT_OK(UploadServerCertificate(ctx(), kAccount, input));
  EXPECT_ERROR(UpdateServerCertificate(ctx(), kAccount, "www", std::string("OTHER"), std::nullopt),
               "EntityAlreadyExists", "The Server Certificate with name OTHER already exists.");
  ASSERT_OK(DeleteServerCertificate(ctx(), kAccount, "other"));
  quotas_.server_certificates_per_account = 1;
  input.name = "second";
  EXPECT_ERROR(UploadServerCertificate(ctx(), kAccount, input), "LimitExceeded",
               "Cannot exceed quota for ServerCertificatesPerAccount: 1");
  ASSERT_OK(DeleteServerCertificate(ctx(), kAccount, "www"));
  EXPECT_ERROR(DeleteServerCertificate(ctx(), kAccount, "www"), "NoSuchEntity",
               "The Server Certificate with name www cannot be found.");
}

TEST_F(KeysCertsTest, ServiceCredentialsQuotaPerService) {
  NewUserKey("git");
  auto first = CreateServiceCredential(ctx(), kAccount, "git", "codecommit.amazonaws.com");
  ASSERT_OK(first);
  EXPECT_EQ(first->service_user_name, "git-at-111122223333");
  EXPECT_EQ(Base64Decode(first->password)->size(), 32u);
  ASSERT_OK(CreateServiceCredential(ctx(), kAccount, "git", "codecommit.amazonaws.com"));
  EXPECT_ERROR(CreateServiceCredential(ctx(), kAccount, "git", "codecommit.amazonaws.com"),
               "LimitExceeded",
               "Cannot exceed quota for ServiceSpecificCredentialsPerUserPerService: 2");
  ASSERT_OK(CreateServiceCredential(ctx(), kAccount, "git", "cassandra.amazonaws.com"));
  EXPECT_ERROR_CODE(CreateServiceCredential(ctx(), kAccount, "git", "s3.amazonaws.com"),
                    "NotSupportedService");
  auto reset = ResetServiceCredential(ctx(), kAccount, "git", first->id);
  ASSERT_OK(reset);
  EXPECT_NE(reset->password, first->password);
  ASSERT_OK(
      UpdateServiceCredential(ctx(), kAccount, "git", first->id, CredentialStatus::kInactive));
  auto listed = ListServiceCredentials(ctx(), kAccount, "git", "codecommit.amazonaws.com", "", 0);
  ASSERT_OK(listed);
  EXPECT_EQ(listed->items.size(), 2u);
  for (const auto& cred : listed->items) EXPECT_TRUE(cred.password.empty());
  auto all = ListServiceCredentials(ctx(), kAccount, "", "", "", 0);
  ASSERT_OK(all);
  EXPECT_EQ(all->items.size(), 3u);
  // Every user's, paged one at a time: each credential exactly once.
  NewUserKey("db");
  ASSERT_OK(CreateServiceCredential(ctx(), kAccount, "db", "cassandra.amazonaws.com"));
  std::set<std::string> seen;
  std::string marker;
  for (int page = 0; page < 10; ++page) {
    auto one = ListServiceCredentials(ctx(), kAccount, "", "", marker, 1);
    ASSERT_OK(one);
    for (const auto& cred : one->items) EXPECT_TRUE(seen.insert(cred.id).second) << cred.id;
    if (!one->truncated) break;
    marker = one->marker;
  }
  EXPECT_EQ(seen.size(), 4u);
  ASSERT_OK(DeleteServiceCredential(ctx(), kAccount, "git", first->id));
  EXPECT_ERROR_CODE(DeleteServiceCredential(ctx(), kAccount, "git", first->id), "NoSuchEntity");
}

}  // namespace
}  // namespace irsa::iam
