#include "sts/session_record.h"

#include <gtest/gtest.h>

#include "base/clock.h"

namespace irsa::sts {
namespace {

SessionRecord FullRecord() {
  SessionRecord r;
  r.access_key_id = "ASIAEXAMPLE234567ABC";
  r.secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
  r.account = "111122223333";
  r.role_name = "app";
  r.role_id = "AROAEXAMPLE234567ABCD";
  r.role_arn = "arn:aws:iam::111122223333:role/team/app";
  r.session_name = "bench-1";
  r.issued_at = 1795867200;
  r.expires_at = 1795870800;
  r.session_policy = R"({"Version":"2012-10-17","Statement":[]})";
  r.session_policy_arns = {"arn:aws:iam::aws:policy/ReadOnlyAccess", "arn:aws:iam::1:policy/p"};
  r.tags = {{"team", "payments"}, {"cost-center", "ünïcode"}};
  r.transitive_tag_keys = {"team"};
  r.source_identity = "alice";
  r.federated_provider = "arn:aws:iam::111122223333:oidc-provider/localhost:8443/id/ABC";
  r.subject = "system:serviceaccount:bench:app";
  r.audience = "sts.amazonaws.com";
  r.pod_name = "app-5d9c7";
  r.pod_uid = "0f8d4c55-8a39-4c8f-9f0b-3a5d8e0e7c21";
  r.chained = true;
  return r;
}

void ExpectSame(const SessionRecord& a, const SessionRecord& b) {
  EXPECT_EQ(a.access_key_id, b.access_key_id);
  EXPECT_EQ(a.secret_access_key, b.secret_access_key);
  EXPECT_EQ(a.account, b.account);
  EXPECT_EQ(a.role_name, b.role_name);
  EXPECT_EQ(a.role_id, b.role_id);
  EXPECT_EQ(a.role_arn, b.role_arn);
  EXPECT_EQ(a.session_name, b.session_name);
  EXPECT_EQ(a.issued_at, b.issued_at);
  EXPECT_EQ(a.expires_at, b.expires_at);
  EXPECT_EQ(a.session_policy, b.session_policy);
  EXPECT_EQ(a.session_policy_arns, b.session_policy_arns);
  ASSERT_EQ(a.tags.size(), b.tags.size());
  for (size_t i = 0; i < a.tags.size(); ++i) {
    EXPECT_EQ(a.tags[i].key, b.tags[i].key);
    EXPECT_EQ(a.tags[i].value, b.tags[i].value);
  }
  EXPECT_EQ(a.transitive_tag_keys, b.transitive_tag_keys);
  EXPECT_EQ(a.source_identity, b.source_identity);
  EXPECT_EQ(a.federated_provider, b.federated_provider);
  EXPECT_EQ(a.subject, b.subject);
  EXPECT_EQ(a.audience, b.audience);
  EXPECT_EQ(a.pod_name, b.pod_name);
  EXPECT_EQ(a.pod_uid, b.pod_uid);
  EXPECT_EQ(a.chained, b.chained);
  EXPECT_EQ(a.kind, b.kind);
}

TEST(SessionRecordTest, RoundTripsEveryField) {
  const SessionRecord record = FullRecord();
  const std::string bytes = SerializeSessionRecord(record);
  EXPECT_EQ(bytes[0], '\x02');
  Result<SessionRecord> parsed = ParseSessionRecord(bytes);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message();
  ExpectSame(record, *parsed);
}

TEST(SessionRecordTest, RoundTripsAMinimalRecordAndNegativeTimes) {
  SessionRecord record;
  record.access_key_id = "ASIA1";
  record.secret_access_key = "s";
  record.account = "111122223333";
  record.issued_at = -1;
  record.expires_at = INT64_MAX;
  Result<SessionRecord> parsed = ParseSessionRecord(SerializeSessionRecord(record));
  ASSERT_TRUE(parsed.ok()) << parsed.error().message();
  ExpectSame(record, *parsed);
}

TEST(SessionRecordTest, LongFieldsUseMultiByteLengths) {
  SessionRecord record = FullRecord();
  record.session_policy.assign(70000, 'x');
  Result<SessionRecord> parsed = ParseSessionRecord(SerializeSessionRecord(record));
  ASSERT_TRUE(parsed.ok()) << parsed.error().message();
  EXPECT_EQ(parsed->session_policy.size(), 70000u);
}

TEST(SessionRecordTest, OpensTheJsonFormatOfEarlierVersions) {
  const std::string v1 =
      R"({"v":1,"akid":"ASIAEXAMPLE234567ABC","sk":"secret","acct":"111122223333","rn":"app",)"
      R"("rid":"AROAX","rarn":"arn:aws:iam::111122223333:role/app","sn":"s","iat":10,"exp":20,)"
      R"("tags":[["team","a"]],"ttk":["team"],"fp":"arn:p","sub":"system:serviceaccount:a:b",)"
      R"("aud":"sts.amazonaws.com","chain":true})";
  Result<SessionRecord> parsed = ParseSessionRecord(v1);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message();
  EXPECT_EQ(parsed->access_key_id, "ASIAEXAMPLE234567ABC");
  EXPECT_EQ(parsed->role_arn, "arn:aws:iam::111122223333:role/app");
  EXPECT_EQ(parsed->expires_at, 20);
  ASSERT_EQ(parsed->tags.size(), 1u);
  EXPECT_EQ(parsed->tags[0].value, "a");
  EXPECT_EQ(parsed->subject, "system:serviceaccount:a:b");
  EXPECT_TRUE(parsed->chained);
}

TEST(SessionRecordTest, RejectsEveryTruncationAndTrailingBytes) {
  const std::string bytes = SerializeSessionRecord(FullRecord());
  for (size_t n = 0; n < bytes.size(); ++n) {
    Result<SessionRecord> parsed = ParseSessionRecord(bytes.substr(0, n));
    ASSERT_FALSE(parsed.ok()) << "accepted a record truncated to " << n << " bytes";
    EXPECT_EQ(parsed.error().code(), "InvalidClientTokenId");
  }
  EXPECT_FALSE(ParseSessionRecord(bytes + "x").ok());
}

TEST(SessionRecordTest, RejectsUnknownFormatsAndImpossibleLengths) {
  EXPECT_FALSE(ParseSessionRecord("\x03").ok());
  EXPECT_FALSE(ParseSessionRecord(R"({"v":2,"akid":"a","sk":"b","acct":"c"})").ok());
  // A length far beyond the bytes that follow.
  EXPECT_FALSE(ParseSessionRecord(std::string("\x02\xff\xff\xff\xff\x0f", 6)).ok());
  // A length with more than ten continuation bytes.
  EXPECT_FALSE(ParseSessionRecord(std::string("\x02") + std::string(12, '\x80')).ok());
  // Flags other than "chained", "MFA" and a known session kind.
  std::string bytes = SerializeSessionRecord(FullRecord());
  for (char flags : {'\x06', '\x07', '\x0e', '\x10', '\x80'}) {
    bytes.back() = flags;
    EXPECT_FALSE(ParseSessionRecord(bytes).ok()) << static_cast<int>(flags);
  }
}

TEST(SessionRecordTest, MfaFlagRoundTripsIntoTheCaller) {
  SessionRecord record = FullRecord();
  record.kind = SessionKind::kUser;
  record.chained = false;
  EXPECT_FALSE(ParseSessionRecord(SerializeSessionRecord(record))->mfa);
  record.mfa = true;
  auto parsed = ParseSessionRecord(SerializeSessionRecord(record));
  ASSERT_TRUE(parsed.ok());
  EXPECT_TRUE(parsed->mfa);
  EXPECT_EQ(parsed->kind, SessionKind::kUser);
  authz::Caller caller = parsed->ToCaller();
  EXPECT_TRUE(caller.mfa_authenticated);
  EXPECT_EQ(caller.mfa_authenticated_at, FromUnixSeconds(record.issued_at));
}

SessionRecord UserRecord(const std::string& name) {
  SessionRecord r;
  r.access_key_id = "ASIAEXAMPLE234567ABC";
  r.secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
  r.account = "111122223333";
  r.kind = SessionKind::kUser;
  r.role_name = name;
  r.role_id = name.empty() ? "111122223333" : "AIDAEXAMPLE234567ABCD";
  r.role_arn = name.empty() ? "arn:aws:iam::111122223333:root"
                            : "arn:aws:iam::111122223333:user/ops/team/" + name;
  r.issued_at = 1795867200;
  r.expires_at = 1795910400;
  return r;
}

TEST(SessionRecordTest, UserSessionsRoundTripAndStandForTheUser) {
  const SessionRecord record = UserRecord("alice");
  Result<SessionRecord> parsed = ParseSessionRecord(SerializeSessionRecord(record));
  ASSERT_TRUE(parsed.ok()) << parsed.error().message();
  ExpectSame(record, *parsed);
  const authz::Caller caller = parsed->ToCaller();
  EXPECT_EQ(caller.type, authz::CallerType::kUser);
  EXPECT_TRUE(caller.session_token_credentials);
  EXPECT_EQ(caller.arn, "arn:aws:iam::111122223333:user/ops/team/alice");
  EXPECT_EQ(caller.user_id, "AIDAEXAMPLE234567ABCD");
  EXPECT_EQ(caller.user_name, "alice");
  EXPECT_EQ(caller.user_path, "/ops/team/");
  EXPECT_EQ(caller.access_key_id, "ASIAEXAMPLE234567ABC");
  EXPECT_EQ(caller.token_issue_time, FromUnixSeconds(1795867200));
  EXPECT_TRUE(caller.role_arn.empty());
}

TEST(SessionRecordTest, FederatedUserSessionsStandForTheFederatedUser) {
  SessionRecord record = UserRecord("broker");
  record.kind = SessionKind::kFederatedUser;
  record.session_name = "bob";
  record.session_policy = R"({"Version":"2012-10-17","Statement":[]})";
  record.tags = {{"team", "blue"}};
  Result<SessionRecord> parsed = ParseSessionRecord(SerializeSessionRecord(record));
  ASSERT_TRUE(parsed.ok()) << parsed.error().message();
  ExpectSame(record, *parsed);
  const authz::Caller caller = parsed->ToCaller();
  EXPECT_EQ(caller.type, authz::CallerType::kFederatedUser);
  EXPECT_FALSE(caller.session_token_credentials);
  EXPECT_EQ(caller.arn, "arn:aws:sts::111122223333:federated-user/bob");
  EXPECT_EQ(caller.user_id, "111122223333:bob");
  EXPECT_EQ(caller.user_name, "broker");
  EXPECT_EQ(caller.source_user_arn, "arn:aws:iam::111122223333:user/ops/team/broker");
  EXPECT_EQ(caller.source_user_id, "AIDAEXAMPLE234567ABCD");
  EXPECT_EQ(caller.session_name, "bob");
  EXPECT_EQ(caller.session_policy, record.session_policy);
  ASSERT_EQ(caller.session_tags.size(), 1u);
  EXPECT_EQ(caller.session_tags[0].value, "blue");
}

TEST(SessionRecordTest, RootSessionsStandForTheRoot) {
  Result<SessionRecord> parsed = ParseSessionRecord(SerializeSessionRecord(UserRecord("")));
  ASSERT_TRUE(parsed.ok()) << parsed.error().message();
  const authz::Caller caller = parsed->ToCaller();
  EXPECT_EQ(caller.type, authz::CallerType::kRoot);
  EXPECT_TRUE(caller.session_token_credentials);
  EXPECT_EQ(caller.arn, "arn:aws:iam::111122223333:root");
  EXPECT_EQ(caller.user_id, "111122223333");
}

TEST(SessionRecordTest, RejectsRecordsWithoutCredentials) {
  SessionRecord record = FullRecord();
  record.secret_access_key.clear();
  EXPECT_FALSE(ParseSessionRecord(SerializeSessionRecord(record)).ok());
}

}  // namespace
}  // namespace irsa::sts
