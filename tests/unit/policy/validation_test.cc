#include <gtest/gtest.h>

#include "policy/json.h"
#include "policy/policy.h"
#include "policy_test_util.h"

namespace irsa::policy {
namespace {

using testing::CompileMessage;

constexpr const char* kSyntax = "Syntax errors in policy.";
constexpr const char* kLegacy = "The policy failed legacy parsing";

struct ValidationCase {
  const char* name;
  const char* document;
  PolicyKind kind;
  const char* expected;  // message or "OK"
  bool require_2012 = false;
};

class ValidationTable : public ::testing::TestWithParam<ValidationCase> {};

TEST_P(ValidationTable, ReportsAwsMessage) {
  const ValidationCase& c = GetParam();
  EXPECT_EQ(CompileMessage(c.document, c.kind, c.require_2012), c.expected) << c.name;
}

#define ID PolicyKind::kIdentity
#define TRUST PolicyKind::kTrust

INSTANTIATE_TEST_SUITE_P(
    Syntax, ValidationTable,
    ::testing::Values(
        ValidationCase{"not json", "{", ID, kSyntax},
        ValidationCase{"not an object", "[]", ID, kSyntax},
        ValidationCase{"empty input", "", ID, kSyntax},
        ValidationCase{"trailing garbage",
                       R"({"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}} x)", ID,
                       kSyntax},
        ValidationCase{
            "bad version",
            R"({"Version":"2012-10-18","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}})",
            ID, kSyntax},
        ValidationCase{
            "version not string",
            R"({"Version":2012,"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}})", ID,
            kSyntax},
        ValidationCase{"Id array",
                       R"({"Id":["x"],"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}})",
                       ID, kSyntax},
        ValidationCase{"Id tolerated",
                       R"({"Id":"x","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}})",
                       ID, "OK"},
        ValidationCase{"unknown top-level key",
                       R"({"Foo":1,"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}})",
                       ID, kSyntax},
        ValidationCase{"missing Statement", R"({"Version":"2012-10-17"})", ID, kSyntax},
        ValidationCase{"empty statement list (edge 2)",
                       R"({"Version":"2012-10-17","Statement":[]})", ID, kSyntax},
        ValidationCase{
            "single statement object (edge 2)",
            R"({"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}})",
            ID, "OK"},
        ValidationCase{"statement not object", R"({"Statement":["x"]})", ID, kSyntax},
        ValidationCase{"unknown statement key",
                       R"({"Statement":{"Effect":"Allow","Action":"*","Resource":"*","Foo":"x"}})",
                       ID, kSyntax},
        ValidationCase{"missing Effect", R"({"Statement":{"Action":"*","Resource":"*"}})", ID,
                       kSyntax},
        ValidationCase{"bad Effect",
                       R"({"Statement":{"Effect":"Permit","Action":"*","Resource":"*"}})", ID,
                       kSyntax},
        ValidationCase{
            "Action and NotAction",
            R"({"Statement":{"Effect":"Allow","Action":"*","NotAction":"*","Resource":"*"}})", ID,
            kSyntax},
        ValidationCase{
            "Resource and NotResource",
            R"({"Statement":{"Effect":"Allow","Action":"*","Resource":"*","NotResource":"*"}})", ID,
            kSyntax},
        ValidationCase{"nested array in Action",
                       R"({"Statement":{"Effect":"Allow","Action":[["s3:*"]],"Resource":"*"}})", ID,
                       kSyntax},
        ValidationCase{"number in Resource",
                       R"({"Statement":{"Effect":"Allow","Action":"*","Resource":1}})", ID,
                       kSyntax},
        ValidationCase{"Sid not string",
                       R"({"Statement":{"Sid":1,"Effect":"Allow","Action":"*","Resource":"*"}})",
                       ID, kSyntax},
        ValidationCase{
            "duplicate JSON keys (edge 41)",
            R"({"Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"Bool":{"k:a":"true"}},"Condition":{}}})",
            ID, kSyntax},
        ValidationCase{
            "duplicate keys in condition body",
            R"({"Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"Bool":{"k:a":"true","k:a":"false"}}}})",
            ID, kSyntax},
        ValidationCase{
            "unknown operator with body (edge 39)",
            R"({"Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"Foo":{"k:a":"b"}}}})",
            ID, kSyntax},
        ValidationCase{
            "unknown operator empty body (edge 39)",
            R"({"Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"x":{},"y":{}}}})",
            ID, "OK"},
        ValidationCase{
            "double colon set operator",
            R"({"Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"ForAnyValue::StringEqualsIfExists":{"k:a":"b"}}}})",
            ID, kSyntax},
        ValidationCase{
            "ForAnyValue IfExists valid",
            R"({"Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"ForAnyValue:StringEqualsIfExists":{"k:a":"b"}}}})",
            ID, "OK"},
        ValidationCase{
            "condition array",
            R"({"Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":[]}})", ID,
            kSyntax},
        ValidationCase{
            "condition body array",
            R"({"Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":[]}}})",
            ID, kSyntax},
        ValidationCase{
            "condition value object",
            R"({"Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"k:a":{}}}}})",
            ID, kSyntax},
        ValidationCase{
            "condition value empty list valid (edge 40)",
            R"({"Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"k:a":[]}}}})",
            ID, "OK"},
        ValidationCase{
            "condition number and bool values",
            R"({"Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"NumericLessThan":{"k:a":[1,2.5]},"Bool":{"k:b":true}}}})",
            ID, "OK"},
        ValidationCase{"character outside range (edge 42)",
                       "{\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"arn:"
                       "aws:s3:::\xe2\x82\xac\"}}",
                       ID, kSyntax},
        ValidationCase{"latin-1 character allowed (edge 42)",
                       "{\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"arn:"
                       "aws:s3:::caf\xc3\xa9\"}}",
                       ID, "OK"},
        ValidationCase{"invalid UTF-8", "{\"Statement\":{\"Effect\":\"Allow\xff\"}}", ID, kSyntax},
        ValidationCase{
            "control character",
            "{\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}}\x01", ID,
            kSyntax},
        ValidationCase{
            "principal wrong shape",
            R"({"Statement":{"Effect":"Allow","Action":"sts:AssumeRole","Principal":"arn:aws:iam::111122223333:root"}})",
            TRUST, kSyntax},
        ValidationCase{
            "principal unknown type",
            R"({"Statement":{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"Foo":"x"}}})",
            TRUST, kSyntax}));

INSTANTIATE_TEST_SUITE_P(
    Stages, ValidationTable,
    ::testing::Values(
        ValidationCase{
            "2008 rejected on write path",
            R"({"Version":"2008-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}})",
            ID, "Policy document must be version 2012-10-17 or greater.", true},
        ValidationCase{"missing version rejected on write path",
                       R"({"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}})", ID,
                       "Policy document must be version 2012-10-17 or greater.", true},
        ValidationCase{
            "2008 accepted for evaluation",
            R"({"Version":"2008-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}})",
            ID, "OK"},
        ValidationCase{"lower-case effect (edge 1)",
                       R"({"Statement":{"Effect":"allow","Action":"*","Resource":"*"}})", ID,
                       kLegacy},
        ValidationCase{"mixed-case effect",
                       R"({"Statement":{"Effect":"denY","Action":"*","Resource":"*"}})", ID,
                       kLegacy},
        ValidationCase{
            "invalid date",
            R"({"Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"DateGreaterThan":{"a":"sdfdsf"}}}})",
            ID, kLegacy},
        ValidationCase{
            "invalid date month 13",
            R"({"Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"DateGreaterThan":{"a":"234-13"}}}})",
            ID, kLegacy},
        ValidationCase{
            "one-digit tz hour",
            R"({"Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"DateGreaterThan":{"a":"2016-12-13t2:00:00.593194+1"}}}})",
            ID, kLegacy},
        ValidationCase{
            "epoch overflow",
            R"({"Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"DateGreaterThan":{"a":"9223372036854775808"}}}})",
            ID, kLegacy},
        ValidationCase{
            "ten fraction digits",
            R"({"Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"DateGreaterThan":{"a":"2016-12-13T21:20:37.1234567890Z"}}}})",
            ID, kLegacy},
        ValidationCase{
            "accepted odd dates",
            R"({"Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"DateGreaterThan":{"a":["01T","-292275054","2016-12-13t2:00:00.593194+23","2016-12-13T21:20:37.593194+00:00","9223372036854775807"]}}}})",
            ID, "OK"},
        ValidationCase{
            "ARN with :: and too few colons",
            R"({"Statement":{"Effect":"Allow","Action":"*","Resource":"arn:aws:s3::bucket"}})", ID,
            kLegacy},
        ValidationCase{
            "ARN with empty service",
            R"({"Statement":{"Effect":"Allow","Action":"*","Resource":"arn:aws::a:b:c"}})", ID,
            kLegacy},
        ValidationCase{
            "duplicate Sid",
            R"({"Statement":[{"Sid":"a","Effect":"Allow","Action":"*","Resource":"*"},{"Sid":"a","Effect":"Deny","Action":"*","Resource":"*"}]})",
            ID, "Statement IDs (SID) in a single policy must be unique."},
        ValidationCase{
            "empty Sids are not duplicates",
            R"({"Statement":[{"Sid":"","Effect":"Allow","Action":"*","Resource":"*"},{"Sid":"","Effect":"Deny","Action":"*","Resource":"*"}]})",
            ID, "OK"},
        ValidationCase{
            "Sid charset",
            R"({"Statement":{"Sid":"a b","Effect":"Allow","Action":"*","Resource":"*"}})", ID,
            "Statement IDs (SID) must be alpha-numeric. Check that your input satisfies "
            "the regular expression [0-9A-Za-z]*"},
        ValidationCase{
            "Sid with spaces fine in resource policies",
            R"({"Statement":{"Sid":"a b","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}})",
            PolicyKind::kResource, "OK"},
        ValidationCase{"no actions", R"({"Statement":{"Effect":"Allow","Resource":"*"}})", ID,
                       "Policy statement must contain actions."},
        ValidationCase{"empty actions",
                       R"({"Statement":{"Effect":"Allow","Action":[],"Resource":"*"}})", ID,
                       "Policy statement must contain actions."},
        ValidationCase{"no resources", R"({"Statement":{"Effect":"Allow","Action":"*"}})", ID,
                       "Policy statement must contain resources."},
        ValidationCase{"empty resources",
                       R"({"Statement":{"Effect":"Allow","Action":"*","Resource":[]}})", ID,
                       "Policy statement must contain resources."},
        ValidationCase{
            "trust with Resource (edge 31)",
            R"({"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"sts:AssumeRole","Resource":"*"}})",
            TRUST, "Has prohibited field Resource."},
        ValidationCase{
            "identity with Principal (edge 31)",
            R"({"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}})",
            ID, "Policy document should not specify a principal."},
        ValidationCase{
            "session with NotPrincipal",
            R"({"Statement":{"Effect":"Allow","NotPrincipal":"*","Action":"*","Resource":"*"}})",
            PolicyKind::kSession, "Policy document should not specify a principal."},
        ValidationCase{
            "trust with NotPrincipal",
            R"({"Statement":{"Effect":"Deny","NotPrincipal":{"AWS":"111122223333"},"Action":"sts:AssumeRole"}})",
            TRUST, "Has prohibited field NotPrincipal."},
        ValidationCase{
            "trust without principal",
            R"({"Statement":{"Effect":"Allow","Action":"sts:AssumeRole"}})", TRUST,
            "Invalid principal in policy: com.amazon.balsa.error.InvalidPolicyException: "
            "The passed in policy has a statement with no principals!"},
        ValidationCase{
            "trust partial wildcard principal",
            R"({"Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::*:root"},"Action":"sts:AssumeRole"}})",
            TRUST, "Invalid principal in policy: \"AWS\":\"arn:aws:iam::*:root\""},
        ValidationCase{
            "trust valid web identity",
            R"({"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111122223333:oidc-provider/oidc.example.com/id/A"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"oidc.example.com/id/A:aud":"sts.amazonaws.com"}}}})",
            TRUST, "OK"},
        ValidationCase{"resource not ARN",
                       R"({"Statement":{"Effect":"Allow","Action":"*","Resource":"bucket"}})", ID,
                       "Resource bucket must be in ARN format or \"*\"."},
        ValidationCase{"resource empty string",
                       R"({"Statement":{"Effect":"Allow","Action":"*","Resource":""}})", ID,
                       "Resource  must be in ARN format or \"*\"."},
        ValidationCase{
            "bad partition",
            R"({"Statement":{"Effect":"Allow","Action":"*","Resource":"arn:foo:s3:::b"}})", ID,
            "Partition \"foo\" is not valid for resource \"arn:foo:s3:::b\"."},
        ValidationCase{"bad partition short",
                       R"({"Statement":{"Effect":"Allow","Action":"*","Resource":"arn:foo"}})", ID,
                       "Partition \"foo\" is not valid for resource \"arn:foo:*:*:*:*\"."},
        ValidationCase{"vendor not qualified",
                       R"({"Statement":{"Effect":"Allow","Action":"*","Resource":"arn:aws"}})", ID,
                       "Resource vendor must be fully qualified and cannot contain regexes."},
        ValidationCase{
            "IAM region",
            R"({"Statement":{"Effect":"Allow","Action":"*","Resource":"arn:aws:iam:us-east-1:111122223333:role/x"}})",
            ID,
            "IAM resource arn:aws:iam:us-east-1:111122223333:role/x cannot contain region "
            "information."},
        ValidationCase{
            "S3 region",
            R"({"Statement":{"Effect":"Allow","Action":"*","Resource":"arn:aws:s3:us-east-1::b"}})",
            ID, "Resource arn:aws:s3:us-east-1::b can not contain region information."},
        ValidationCase{
            "trust policy: unknown STS action",
            R"({"Statement":{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"sts:BadAssumeRole"}})",
            TRUST, "AssumeRole policy may only specify STS AssumeRole actions."},
        ValidationCase{
            "trust policy: another service's action",
            R"({"Statement":{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":["sts:AssumeRole","s3:GetObject"]}})",
            TRUST, "AssumeRole policy may only specify STS AssumeRole actions."},
        ValidationCase{
            "trust policy: every assumption action, tagging, source identity, context, wildcards",
            R"({"Statement":[{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":["sts:AssumeRole","sts:assumerolewithwebidentity","sts:AssumeRoleWithSAML","sts:TagSession","sts:SetSourceIdentity","sts:SetContext"]},{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":["sts:*","sts:Assume*","*"]}]})",
            TRUST, "OK"},
        ValidationCase{
            "identity policy: any action",
            R"({"Statement":{"Effect":"Allow","Action":"sts:BadAssumeRole","Resource":"*"}})", ID,
            "OK"},
        ValidationCase{
            "trust policy: provider ARN without account",
            R"({"Statement":{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam:::oidc-provider/example.com"},"Action":"sts:AssumeRoleWithWebIdentity"}})",
            TRUST,
            "Invalid principal in policy: "
            "\"Federated\":\"arn:aws:iam:::oidc-provider/example.com\""},
        ValidationCase{
            "trust policy: provider ARN with account, and a provider name",
            R"({"Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111122223333:oidc-provider/example.com"},"Action":"sts:AssumeRoleWithWebIdentity"},{"Effect":"Allow","Principal":{"Federated":"accounts.google.com"},"Action":"sts:AssumeRoleWithWebIdentity"}]})",
            TRUST, "OK"},
        ValidationCase{
            "S3 access point with region",
            R"({"Statement":{"Effect":"Allow","Action":"*","Resource":"arn:aws:s3:us-east-1:111122223333:accesspoint/x"}})",
            ID, "OK"},
        ValidationCase{
            "S3 access point objects with region",
            R"({"Statement":{"Effect":"Allow","Action":"*","Resource":"arn:aws:s3:*:111122223333:accesspoint/x/object/*"}})",
            ID, "OK"},
        ValidationCase{
            "S3 Batch Operations job with region",
            R"({"Statement":{"Effect":"Allow","Action":"*","Resource":"arn:aws:s3:us-east-1:111122223333:job/*"}})",
            ID, "OK"},
        ValidationCase{
            "S3 object with region and account",
            R"({"Statement":{"Effect":"Allow","Action":"*","Resource":"arn:aws:s3:us-east-1:111122223333:b/k"}})",
            ID,
            "Resource arn:aws:s3:us-east-1:111122223333:b/k can not contain region information."},
        ValidationCase{
            "IAM path",
            R"({"Statement":{"Effect":"Allow","Action":"*","Resource":"arn:aws:iam::111122223333:thing/x"}})",
            ID,
            "IAM resource path must either be \"*\" or start with user/, federated-user/, "
            "role/, group/, instance-profile/, mfa/, server-certificate/, policy/, "
            "sms-mfa/, saml-provider/, oidc-provider/, report/, access-report/."},
        ValidationCase{
            "unknown service with region ok",
            R"({"Statement":{"Effect":"Allow","Action":"*","Resource":"arn:aws:fdsasf:us-east-1:1:x"}})",
            ID, "OK"},
        ValidationCase{
            "action without vendor",
            R"({"Statement":{"Effect":"Allow","Action":"GetObject","Resource":"*"}})", ID,
            "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."},
        ValidationCase{
            "action empty", R"({"Statement":{"Effect":"Allow","Action":"","Resource":"*"}})", ID,
            "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."},
        ValidationCase{
            "action two colons",
            R"({"Statement":{"Effect":"Allow","Action":"s3:Get:Object","Resource":"*"}})", ID,
            "Actions/Condition can contain only one colon."},
        ValidationCase{
            "invalid vendor",
            R"({"Statement":{"Effect":"Allow","Action":"s3!:GetObject","Resource":"*"}})", ID,
            "Vendor s3! is not valid"},
        ValidationCase{
            "accepted odd actions",
            R"({"Statement":{"Effect":"Allow","Action":["iam: asdf safdsf af ","fsx:ListBucket","s3.s:x","s3-s:y","s3:GetObject,PutObject"],"Resource":"*"}})",
            ID, "OK"},
        ValidationCase{
            "resource errors come before action errors",
            R"({"Statement":{"Effect":"Allow","Action":"GetObject","Resource":"bucket"}})", ID,
            "Resource bucket must be in ARN format or \"*\"."},
        ValidationCase{
            "legacy before SID uniqueness",
            R"({"Statement":[{"Sid":"a","Effect":"allow","Action":"*","Resource":"*"},{"Sid":"a","Effect":"Deny","Action":"*","Resource":"*"}]})",
            ID, kLegacy}));

TEST(Compile, KeepsOriginalTextByteForByte) {
  std::string text =
      "{ \"Version\" : \"2012-10-17\",\n\t\"Statement\": {\"Effect\":\"Allow\","
      "\"Action\":\"s3:*\",\"Resource\":\"*\"} }";
  auto policy = testing::MustCompile(text);
  ASSERT_NE(policy, nullptr);
  EXPECT_EQ(policy->text(), text);
  EXPECT_EQ(policy->version(), PolicyVersion::k2012_10_17);
  EXPECT_EQ(policy->statements().size(), 1u);
}

TEST(PolicySize, CountsMinifiedCharacters) {
  EXPECT_EQ(PolicySize(R"({"a": "b c"})"), std::string(R"({"a":"b c"})").size());
  EXPECT_EQ(PolicySize("{\n  \"a\" :\t[1, 2]\r\n}"), std::string(R"({"a":[1,2]})").size());
  EXPECT_EQ(PolicySize(R"({"a":"x\" y"})"), std::string(R"({"a":"x\" y"})").size());
  EXPECT_EQ(PolicySize("\"caf\xc3\xa9\""), 6u) << "a Latin-1 character counts once";
  EXPECT_EQ(PolicySize(""), 0u);
}

TEST(Json, StrictParser) {
  EXPECT_TRUE(ParseJson(R"({"a":[1,-2.5e3,true,false,null,"\u00e9\ud83d\ude00"]})").has_value());
  EXPECT_FALSE(ParseJson(R"({"a":1,"a":2})").has_value());
  EXPECT_FALSE(ParseJson("01").has_value());
  EXPECT_FALSE(ParseJson("1.").has_value());
  EXPECT_FALSE(ParseJson(R"("\ud800")").has_value());
  EXPECT_FALSE(ParseJson("[1,]").has_value());
  EXPECT_FALSE(ParseJson("\"\xc0\xaf\"").has_value()) << "overlong UTF-8";
  std::string deep(kMaxJsonDepth + 5, '[');
  deep += std::string(kMaxJsonDepth + 5, ']');
  EXPECT_FALSE(ParseJson(deep).has_value());
  std::string ok_depth(10, '[');
  ok_depth += std::string(10, ']');
  EXPECT_TRUE(ParseJson(ok_depth).has_value());
  auto number = ParseJson("1.50");
  ASSERT_TRUE(number.has_value());
  EXPECT_EQ(number->text, "1.50");
}

}  // namespace
}  // namespace irsa::policy
