#include "protocol/sigv4.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "base/clock.h"
#include "base/encoding.h"
#include "base/time_format.h"
#include "protocol/sigv4_canonical.h"
#include "protocol/sigv4_signer.h"
#include "unit/protocol/test_util.h"

namespace irsa::protocol {
namespace {

using testing::MakeRequest;
using testing::RemoveHeader;
using testing::SetHeader;

constexpr std::string_view kSuiteSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

SystemTime At(std::string_view amz_date) { return *ParseAmzDate(amz_date); }

std::string SuiteAuth(std::string_view service, std::string_view signed_headers,
                      std::string_view signature) {
  return "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/" + std::string(service) +
         "/aws4_request, SignedHeaders=" + std::string(signed_headers) +
         ", Signature=" + std::string(signature);
}

// Verifies `r` at its own signing time with the suite secret.
Status VerifyAt(const HttpRequest& r, std::string_view now,
                std::string_view secret = kSuiteSecret) {
  Result<SigV4Request> parsed = ParseSigV4(r);
  if (!parsed) return parsed.error();
  FakeClock clock(At(now));
  SigningKeyCache cache(64);
  return VerifySigV4(*parsed, secret, r, clock, cache);
}

// ---- AWS SigV4 test suite (aws-sig-v4-test-suite) and documentation vectors ----

TEST(SigV4Suite, SigningKeyDerivationFromAwsDocs) {
  internal::Digest key = sigv4::DeriveSigningKey(kSuiteSecret, "20120215", "us-east-1", "iam");
  EXPECT_EQ(internal::DigestHex(key),
            "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d");
}

TEST(SigV4Suite, GetVanilla) {
  HttpRequest r = MakeRequest(
      "GET", "/",
      "host: example.amazonaws.com\nx-amz-date: 20150830T123600Z\nauthorization: " +
          SuiteAuth("service", "host;x-amz-date",
                    "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"));
  auto parsed = ParseSigV4(r);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message();
  EXPECT_EQ(SigV4CanonicalRequest(*parsed, r, sigv4::kEmptyPayloadHash),
            "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\n"
            "host;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(SigV4PayloadHash(*parsed, r).value(), sigv4::kEmptyPayloadHash);
  EXPECT_EQ(SigV4StringToSign(*parsed, r, sigv4::kEmptyPayloadHash),
            "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n"
            "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63");
  EXPECT_TRUE(VerifyAt(r, "20150830T123600Z").ok());
}

TEST(SigV4Suite, PostVanilla) {
  HttpRequest r = MakeRequest(
      "POST", "/",
      "host: example.amazonaws.com\nx-amz-date: 20150830T123600Z\nauthorization: " +
          SuiteAuth("service", "host;x-amz-date",
                    "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"));
  EXPECT_TRUE(VerifyAt(r, "20150830T123600Z").ok());
}

TEST(SigV4Suite, GetVanillaQueryOrderKeyCase) {
  HttpRequest r = MakeRequest(
      "GET", "/?Param2=value2&Param1=value1",
      "host: example.amazonaws.com\nx-amz-date: 20150830T123600Z\nauthorization: " +
          SuiteAuth("service", "host;x-amz-date",
                    "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"));
  EXPECT_TRUE(VerifyAt(r, "20150830T123600Z").ok());
}

TEST(SigV4Suite, PostXWwwFormUrlencoded) {
  HttpRequest r =
      MakeRequest("POST", "/",
                  "content-type: application/x-www-form-urlencoded\nhost: example.amazonaws.com\n"
                  "x-amz-date: 20150830T123600Z\nauthorization: " +
                      SuiteAuth("service", "content-type;host;x-amz-date",
                                "ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a"),
                  "Param1=value1");
  EXPECT_TRUE(VerifyAt(r, "20150830T123600Z").ok());
}

TEST(SigV4Suite, IamListUsersFromAwsDocs) {
  HttpRequest r = MakeRequest(
      "GET", "/?Action=ListUsers&Version=2010-05-08",
      "content-type: application/x-www-form-urlencoded; charset=utf-8\nhost: iam.amazonaws.com\n"
      "x-amz-date: 20150830T123600Z\nauthorization: " +
          SuiteAuth("iam", "content-type;host;x-amz-date",
                    "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7"));
  auto parsed = ParseSigV4(r);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->access_key_id, "AKIDEXAMPLE");
  EXPECT_EQ(parsed->date, "20150830");
  EXPECT_EQ(parsed->region, "us-east-1");
  EXPECT_EQ(parsed->service, "iam");
  EXPECT_EQ(parsed->signed_headers,
            (std::vector<std::string>{"content-type", "host", "x-amz-date"}));
  EXPECT_FALSE(parsed->security_token.has_value());
  EXPECT_TRUE(VerifyAt(r, "20150830T123600Z").ok());
}

// ---- canonicalisation details ----

TEST(SigV4Canonical, UriNormalisationAndDoubleEncoding) {
  EXPECT_EQ(sigv4::CanonicalUri(""), "/");
  EXPECT_EQ(sigv4::CanonicalUri("/"), "/");
  EXPECT_EQ(sigv4::CanonicalUri("//example//"), "/example/");
  EXPECT_EQ(sigv4::CanonicalUri("/example/.."), "/");
  EXPECT_EQ(sigv4::CanonicalUri("/example1/example2/../.."), "/");
  EXPECT_EQ(sigv4::CanonicalUri("/./"), "/");
  EXPECT_EQ(sigv4::CanonicalUri("/./example"), "/example");
  EXPECT_EQ(sigv4::CanonicalUri("/a%20b/c"), "/a%2520b/c");
  EXPECT_EQ(sigv4::CanonicalUri("/-._~*"), "/-._~%2A");
}

TEST(SigV4Canonical, QuerySortingAndEncoding) {
  EXPECT_EQ(sigv4::CanonicalQuery("b=2&a=1&a=0", false), "a=0&a=1&b=2");
  EXPECT_EQ(sigv4::CanonicalQuery("Param1", false), "Param1=");
  EXPECT_EQ(sigv4::CanonicalQuery("a=%7e&b=%2f&c=x%2Ay", false), "a=~&b=%2F&c=x%2Ay");
  EXPECT_EQ(sigv4::CanonicalQuery("a=b c", false), "a=b%20c");
  EXPECT_EQ(sigv4::CanonicalQuery("a=1+2", false), "a=1%2B2");
  EXPECT_EQ(sigv4::CanonicalQuery("X-Amz-Signature=abc&a=1", true), "a=1");
  EXPECT_EQ(sigv4::CanonicalQuery("X-Amz-Signature=abc&a=1", false), "X-Amz-Signature=abc&a=1");
  EXPECT_EQ(sigv4::CanonicalQuery("&&a=1&", false), "a=1");
  EXPECT_EQ(sigv4::CanonicalQuery("a=%zz", false), "a=%zz");  // invalid escape kept verbatim
}

TEST(SigV4Canonical, HeaderValuesTrimmedCollapsedAndJoined) {
  HttpRequest r = MakeRequest("GET", "/", "my-header1:  value1  \nmy-header1: a   b   c\n");
  std::string out;
  sigv4::AppendCanonicalHeaderValue(out, r, "my-header1");
  EXPECT_EQ(out, "value1,a b c");
}

// ---- signer round trips ----

SigV4SigningParams Params(std::string token = "") {
  SigV4SigningParams p;
  p.credentials = {"AKIAIOSFODNN7EXAMPLE", "secret/key+1", std::move(token)};
  p.region = "eu-central-1";
  p.service = "sts";
  p.time = At("20261128T110000Z");
  return p;
}

SigV4SigningInput GetCallerIdentity() {
  SigV4SigningInput in;
  in.method = "POST";
  in.host = "sts.example.test:8443";
  in.path = "/";
  in.headers = {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}};
  in.body = "Action=GetCallerIdentity&Version=2011-06-15";
  return in;
}

Status VerifySigned(const HttpRequest& r, std::string_view now, std::string_view secret) {
  auto parsed = ParseSigV4(r);
  if (!parsed) return parsed.error();
  FakeClock clock(At(now));
  return VerifySigV4(*parsed, secret, r, clock);
}

TEST(SigV4RoundTrip, HeaderForm) {
  HttpRequest r = SignSigV4Header(GetCallerIdentity(), Params());
  auto parsed = ParseSigV4(r);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message();
  EXPECT_EQ(parsed->form, SigV4Request::Form::kHeader);
  EXPECT_EQ(parsed->region, "eu-central-1");
  EXPECT_EQ(parsed->service, "sts");
  EXPECT_EQ(parsed->CredentialScope(), "20261128/eu-central-1/sts/aws4_request");
  EXPECT_TRUE(VerifySigned(r, "20261128T110000Z", "secret/key+1").ok());
}

TEST(SigV4RoundTrip, HeaderFormWithSessionTokenAndContentSha) {
  SigV4SigningParams p = Params("FwoGZXIvYXdzEXAMPLE+/=");
  p.add_content_sha256_header = true;
  HttpRequest r = SignSigV4Header(GetCallerIdentity(), p);
  auto parsed = ParseSigV4(r);
  ASSERT_TRUE(parsed.ok());
  ASSERT_TRUE(parsed->security_token.has_value());
  EXPECT_EQ(*parsed->security_token, "FwoGZXIvYXdzEXAMPLE+/=");
  EXPECT_TRUE(VerifySigned(r, "20261128T110500Z", "secret/key+1").ok());
  // A declared hash that is not the body's is refused before the signature is checked.
  HttpRequest wrong_hash = r;
  SetHeader(wrong_hash, "x-amz-content-sha256", std::string(sigv4::kEmptyPayloadHash));
  Status s = VerifySigned(wrong_hash, "20261128T110500Z", "secret/key+1");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code(), "SignatureDoesNotMatch");
  EXPECT_NE(s.error().message().find("x-amz-content-sha256"), std::string::npos);
}

// The attack of a replayed signature with another body: the payload hash comes from the bytes
// received, never from the client's x-amz-content-sha256 header.
TEST(SigV4PayloadBinding, ReplayWithAnotherBodyAndItsHashIsRefused) {
  SigV4SigningParams p = Params();
  p.add_content_sha256_header = true;
  const HttpRequest signed_request = SignSigV4Header(GetCallerIdentity(), p);
  ASSERT_TRUE(VerifySigned(signed_request, "20261128T110000Z", "secret/key+1").ok());

  HttpRequest replay = signed_request;
  replay.body = "Action=CreateUser&UserName=mallory&Version=2010-05-08";
  // The body changed, the header still names the signed (old) body's hash.
  Status old_header = VerifySigned(replay, "20261128T110000Z", "secret/key+1");
  ASSERT_FALSE(old_header.ok());
  EXPECT_EQ(old_header.error().code(), "SignatureDoesNotMatch");
  // The header names the new body's hash: consistent, but not what was signed.
  SetHeader(replay, "x-amz-content-sha256", internal::DigestHex(internal::Sha256(replay.body)));
  Status new_header = VerifySigned(replay, "20261128T110000Z", "secret/key+1");
  ASSERT_FALSE(new_header.ok());
  EXPECT_EQ(new_header.error().code(), "SignatureDoesNotMatch");
}

TEST(SigV4PayloadBinding, BodyChangedWithoutHeaderIsRefused) {
  const HttpRequest signed_request = SignSigV4Header(GetCallerIdentity(), Params());
  HttpRequest replay = signed_request;
  replay.body = "Action=ListRoles&Version=2010-05-08";
  EXPECT_EQ(VerifySigned(replay, "20261128T110000Z", "secret/key+1").error().code(),
            "SignatureDoesNotMatch");
}

TEST(SigV4PayloadBinding, UnsignedPayloadOnlyWhereAllowed) {
  SigV4SigningParams p = Params();
  p.payload_hash_override = std::string(kUnsignedPayload);
  p.add_content_sha256_header = true;
  const HttpRequest r = SignSigV4Header(GetCallerIdentity(), p);
  ASSERT_EQ(r.Header("x-amz-content-sha256"), kUnsignedPayload);
  auto parsed = ParseSigV4(r);
  ASSERT_TRUE(parsed.ok());
  FakeClock clock(At("20261128T110000Z"));
  Status refused = VerifySigV4(*parsed, "secret/key+1", r, clock);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code(), "InvalidRequest");
  SigV4Options s3;
  s3.allow_unsigned_payload = true;
  s3.s3_errors = true;
  EXPECT_TRUE(VerifySigV4(*parsed, "secret/key+1", r, clock, SigningKeyCache::Default(), s3).ok());
}

TEST(SigV4PayloadBinding, S3StyleMismatchAndDeclaredMode) {
  SigV4SigningParams p = Params();
  p.add_content_sha256_header = true;
  HttpRequest r = SignSigV4Header(GetCallerIdentity(), p);
  auto parsed = ParseSigV4(r);
  ASSERT_TRUE(parsed.ok());
  SigV4Options s3;
  s3.s3_errors = true;
  HttpRequest tampered = r;
  tampered.body += "x";
  Result<std::string> hash = SigV4PayloadHash(*parsed, tampered, s3);
  ASSERT_FALSE(hash.ok());
  EXPECT_EQ(hash.error().code(), "XAmzContentSHA256Mismatch");
  EXPECT_EQ(hash.error().http_status(), 400);
  // Declared mode (a streamed body): the header is taken as declared; the caller verifies it.
  s3.payload = SigV4Options::Payload::kDeclared;
  HttpRequest streamed = r;
  streamed.body.clear();
  Result<std::string> declared = SigV4PayloadHash(*parsed, streamed, s3);
  ASSERT_TRUE(declared.ok());
  EXPECT_EQ(*declared, std::string(r.Header("x-amz-content-sha256")));
  SetHeader(streamed, "x-amz-content-sha256", "not-a-hash");
  EXPECT_EQ(SigV4PayloadHash(*parsed, streamed, s3).error().code(), "InvalidArgument");
  RemoveHeader(streamed, "x-amz-content-sha256");
  EXPECT_EQ(SigV4PayloadHash(*parsed, streamed, s3).error().code(), "InvalidRequest");
}

TEST(SigV4RoundTrip, PresignedForm) {
  SigV4SigningInput in;
  in.host = "sts.amazonaws.com";
  in.query = "Action=GetCallerIdentity&Version=2011-06-15";
  in.headers = {{"x-k8s-aws-id", "cluster-1"}};
  HttpRequest r = PresignSigV4(in, Params("tok/en+"), 60);
  auto parsed = ParseSigV4(r);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message();
  EXPECT_EQ(parsed->form, SigV4Request::Form::kPresigned);
  EXPECT_EQ(parsed->expires_seconds, 60);
  EXPECT_EQ(parsed->signed_headers, (std::vector<std::string>{"host", "x-k8s-aws-id"}));
  EXPECT_EQ(parsed->security_token.value_or(""), "tok/en+");
  EXPECT_TRUE(VerifySigned(r, "20261128T110000Z", "secret/key+1").ok());
  EXPECT_TRUE(VerifySigned(r, "20261128T110100Z", "secret/key+1").ok());
}

TEST(SigV4RoundTrip, PresignedExpired) {
  SigV4SigningInput in;
  in.host = "sts.amazonaws.com";
  in.query = "Action=GetCallerIdentity&Version=2011-06-15";
  HttpRequest r = PresignSigV4(in, Params(), 60);
  Status s = VerifySigned(r, "20261128T110101Z", "secret/key+1");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code(), "AccessDenied");
  EXPECT_EQ(s.error().http_status(), 403);
  EXPECT_EQ(s.error().message(), "Request has expired");
}

TEST(SigV4RoundTrip, PresignedFromTheFuture) {
  SigV4SigningInput in;
  in.host = "sts.amazonaws.com";
  HttpRequest r = PresignSigV4(in, Params(), 900);
  Status s = VerifySigned(r, "20261128T105400Z", "secret/key+1");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code(), "SignatureDoesNotMatch");
  EXPECT_TRUE(VerifySigned(r, "20261128T105500Z", "secret/key+1").ok());
}

// ---- errors ----

TEST(SigV4Errors, MissingAuthentication) {
  HttpRequest r = MakeRequest("POST", "/?Action=GetCallerIdentity", "host: sts\n", "a=b");
  auto parsed = ParseSigV4(r);
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().code(), "MissingAuthenticationToken");
  EXPECT_EQ(parsed.error().http_status(), 403);
  EXPECT_EQ(parsed.error().message(), "Request is missing Authentication Token");
}

Error ParseError(std::string_view auth,
                 std::string_view extra_headers = "x-amz-date: 20261128T110000Z\n") {
  HttpRequest r = MakeRequest(
      "GET", "/",
      "host: iam\n" + std::string(extra_headers) + "authorization: " + std::string(auth) + "\n");
  auto parsed = ParseSigV4(r);
  EXPECT_FALSE(parsed.ok());
  return parsed.ok() ? Error("", 0, "") : parsed.error();
}

constexpr std::string_view kSig =
    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

TEST(SigV4Errors, MissingCredentialDoesNotEchoSignature) {
  Error e =
      ParseError("AWS4-HMAC-SHA256 SignedHeaders=host;x-amz-date, Signature=" + std::string(kSig));
  EXPECT_EQ(e.code(), "IncompleteSignature");
  EXPECT_EQ(e.http_status(), 400);
  EXPECT_EQ(e.message(),
            "Authorization header requires 'Credential' parameter. Authorization=AWS4-HMAC-SHA256 "
            "SignedHeaders=host;x-amz-date, Signature=<redacted>");
  EXPECT_EQ(e.message().find(kSig), std::string::npos);
}

TEST(SigV4Errors, MissingSignatureSignedHeadersAndDate) {
  Error e = ParseError("AWS4-HMAC-SHA256 Credential=AKID/20261128/us-east-1/iam/aws4_request", "");
  EXPECT_EQ(e.code(), "IncompleteSignature");
  EXPECT_EQ(e.message(),
            "Authorization header requires 'Signature' parameter. Authorization header requires "
            "'SignedHeaders' parameter. Authorization header requires existence of either a "
            "'X-Amz-Date' or a 'Date' header. Authorization=AWS4-HMAC-SHA256 "
            "Credential=AKID/20261128/us-east-1/iam/aws4_request");
}

TEST(SigV4Errors, PairWithoutEquals) {
  Error e = ParseError(
      "AWS4-HMAC-SHA256 Credential=AKID/20261128/us-east-1/iam/aws4_request, "
      "SignedHeaders=host, Signature " +
      std::string(kSig));
  EXPECT_EQ(e.code(), "IncompleteSignature");
  EXPECT_NE(e.message().find("not a valid key=value pair (missing equal-sign)"), std::string::npos);
  EXPECT_EQ(e.message().find(kSig), std::string::npos);
}

TEST(SigV4Errors, UnknownAlgorithm) {
  Error e = ParseError(
      "AWS4-HMAC-SHA512 Credential=AKID/20261128/us-east-1/iam/aws4_request, "
      "SignedHeaders=host, Signature=" +
      std::string(kSig));
  EXPECT_EQ(e.code(), "IncompleteSignature");
  EXPECT_EQ(e.message(),
            "Unsupported AWS 'algorithm': 'AWS4-HMAC-SHA512'. Only 'AWS4-HMAC-SHA256' is "
            "supported.");
  EXPECT_EQ(ParseError("Bearer abc.def").code(), "IncompleteSignature");
  EXPECT_EQ(ParseError("").code(), "IncompleteSignature");
}

TEST(SigV4Errors, MalformedCredential) {
  auto with = [](std::string_view cred) {
    return ParseError("AWS4-HMAC-SHA256 Credential=" + std::string(cred) +
                      ", SignedHeaders=host, Signature=" + std::string(kSig));
  };
  EXPECT_EQ(with("AKID/20261128/us-east-1/iam").code(), "IncompleteSignature");
  EXPECT_EQ(with("/20261128/us-east-1/iam/aws4_request").code(), "IncompleteSignature");
  EXPECT_EQ(with("AKID/2026112/us-east-1/iam/aws4_request").code(), "IncompleteSignature");
  EXPECT_EQ(with("AKID/20261128/us east/iam/aws4_request").code(), "IncompleteSignature");
  Error e = with("AKID/20261128/us-east-1/iam/aws5_request");
  EXPECT_EQ(e.message(),
            "Credential should be scoped with a valid terminator: 'aws4_request', not "
            "'aws5_request'.");
  Error mismatch = with("AKID/20261127/us-east-1/iam/aws4_request");
  EXPECT_EQ(mismatch.code(), "SignatureDoesNotMatch");
  EXPECT_EQ(mismatch.message(),
            "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from "
            "HTTP: '20261127' != '20261128', from '20261128T110000Z'.");
}

TEST(SigV4Errors, SignedHeadersMustIncludeHostAndBeLowerCase) {
  std::string cred = "AWS4-HMAC-SHA256 Credential=AKID/20261128/us-east-1/iam/aws4_request, ";
  EXPECT_EQ(ParseError(cred + "SignedHeaders=x-amz-date, Signature=" + std::string(kSig)).message(),
            "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
  EXPECT_EQ(ParseError(cred + "SignedHeaders=Host, Signature=" + std::string(kSig)).code(),
            "IncompleteSignature");
  EXPECT_EQ(ParseError(cred + "SignedHeaders=host;;x, Signature=" + std::string(kSig)).code(),
            "IncompleteSignature");
}

TEST(SigV4Errors, DuplicateParameterAndBadDate) {
  std::string base =
      "AWS4-HMAC-SHA256 Credential=AKID/20261128/us-east-1/iam/aws4_request, "
      "SignedHeaders=host, Signature=" +
      std::string(kSig);
  EXPECT_EQ(ParseError(base + ", Signature=" + std::string(kSig)).code(), "IncompleteSignature");
  Error e = ParseError(base, "x-amz-date: 2026-11-28T11:00:00Z\n");
  EXPECT_EQ(e.code(), "IncompleteSignature");
  EXPECT_NE(e.message().find("ISO-8601"), std::string::npos);
}

TEST(SigV4Errors, DateHeaderFallback) {
  SigV4SigningInput in = GetCallerIdentity();
  HttpRequest r = SignSigV4Header(in, Params());
  // Replace x-amz-date by an equivalent Date header: the signed header list must then name it.
  std::string auth(r.Header("authorization"));
  RemoveHeader(r, "x-amz-date");
  auto parsed_missing = ParseSigV4(r);
  ASSERT_FALSE(parsed_missing.ok());
  r.headers.emplace_back("date", "Sat, 28 Nov 2026 11:00:00 GMT");
  auto parsed = ParseSigV4(r);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message();
  EXPECT_EQ(parsed->amz_date, "20261128T110000Z");
}

TEST(SigV4Errors, SkewBothDirections) {
  HttpRequest r = SignSigV4Header(GetCallerIdentity(), Params());  // signed 11:00:00
  EXPECT_TRUE(VerifySigned(r, "20261128T110500Z", "secret/key+1").ok());
  EXPECT_TRUE(VerifySigned(r, "20261128T105500Z", "secret/key+1").ok());
  Status late = VerifySigned(r, "20261128T110501Z", "secret/key+1");
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.error().code(), "SignatureDoesNotMatch");
  EXPECT_EQ(late.error().http_status(), 403);
  EXPECT_EQ(late.error().message(),
            "Signature expired: 20261128T110000Z is now earlier than 20261128T110001Z "
            "(20261128T110501Z - 5 min.)");
  Status early = VerifySigned(r, "20261128T105459Z", "secret/key+1");
  ASSERT_FALSE(early.ok());
  EXPECT_EQ(early.error().code(), "SignatureDoesNotMatch");
  EXPECT_EQ(early.error().message(),
            "Signature not yet current: 20261128T110000Z is still later than 20261128T105959Z "
            "(20261128T105459Z + 5 min.)");
}

TEST(SigV4Errors, S3StyleSkewIsRequestTimeTooSkewed) {
  HttpRequest r = SignSigV4Header(GetCallerIdentity(), Params());  // signed 11:00:00
  auto parsed = ParseSigV4(r);
  ASSERT_TRUE(parsed.ok());
  SigV4Options s3;
  s3.s3_errors = true;
  s3.max_skew = std::chrono::minutes(15);
  FakeClock inside(At("20261128T111500Z"));
  EXPECT_TRUE(VerifySigV4(*parsed, "secret/key+1", r, inside, SigningKeyCache::Default(), s3).ok());
  FakeClock outside(At("20261128T111501Z"));
  Status s = VerifySigV4(*parsed, "secret/key+1", r, outside, SigningKeyCache::Default(), s3);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code(), "RequestTimeTooSkewed");
}

TEST(SigV4Errors, SkewMessageMatchesAwsExample) {
  HttpRequest r = SignSigV4Header(GetCallerIdentity(), [] {
    SigV4SigningParams p = Params();
    p.time = At("20261128T100000Z");
    return p;
  }());
  Status s = VerifySigned(r, "20261128T110000Z", "secret/key+1");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().message(),
            "Signature expired: 20261128T100000Z is now earlier than 20261128T105500Z "
            "(20261128T110000Z - 5 min.)");
}

void ExpectMismatch(const HttpRequest& r, std::string_view secret = "secret/key+1") {
  Status s = VerifySigned(r, "20261128T110000Z", secret);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code(), "SignatureDoesNotMatch");
  EXPECT_EQ(s.error().http_status(), 403);
  EXPECT_EQ(s.error().message(),
            "The request signature we calculated does not match the signature you provided. "
            "Check your AWS Secret Access Key and signing method. Consult the service "
            "documentation for details.");
}

TEST(SigV4Errors, TamperedRequests) {
  const HttpRequest good = SignSigV4Header(GetCallerIdentity(), Params());
  ASSERT_TRUE(VerifySigned(good, "20261128T110000Z", "secret/key+1").ok());
  HttpRequest body = good;
  body.body += "&RoleArn=x";
  ExpectMismatch(body);
  HttpRequest header = good;
  SetHeader(header, "content-type", "text/plain");
  ExpectMismatch(header);
  HttpRequest host = good;
  SetHeader(host, "host", "evil.example");
  ExpectMismatch(host);
  HttpRequest query = good;
  query.query = "Action=DeleteRole";
  query.target = "/?Action=DeleteRole";
  ExpectMismatch(query);
  HttpRequest method = good;
  method.method = "PUT";
  ExpectMismatch(method);
  HttpRequest path = good;
  path.target = "/other";
  ExpectMismatch(path);
  ExpectMismatch(good, "wrong-secret");
}

TEST(SigV4Errors, TamperedPresignedQuery) {
  SigV4SigningInput in;
  in.host = "sts.amazonaws.com";
  in.query = "Action=GetCallerIdentity&Version=2011-06-15";
  HttpRequest r = PresignSigV4(in, Params(), 60);
  HttpRequest changed = r;
  changed.query.replace(changed.query.find("GetCallerIdentity"), 17, "GetSessionToken__");
  ExpectMismatch(changed);
  HttpRequest expires = r;
  expires.query.replace(expires.query.find("X-Amz-Expires=60"), 16, "X-Amz-Expires=99");
  ExpectMismatch(expires);
  ExpectMismatch(r, "wrong");
}

TEST(SigV4Errors, PresignedMalformed) {
  auto parse = [](std::string query) {
    HttpRequest r = MakeRequest("GET", "/?" + query, "host: sts\n");
    auto p = ParseSigV4(r);
    EXPECT_FALSE(p.ok()) << query;
    return p.ok() ? Error("", 0, "") : p.error();
  };
  std::string cred = "X-Amz-Credential=AKID%2F20261128%2Fus-east-1%2Fsts%2Faws4_request";
  std::string rest =
      "&X-Amz-Date=20261128T110000Z&X-Amz-SignedHeaders=host&X-Amz-Signature=" + std::string(kSig);
  EXPECT_EQ(parse("X-Amz-Algorithm=AWS4-HMAC-SHA256&" + cred).message(),
            "AWS query-string parameters must include 'X-Amz-Algorithm', 'X-Amz-Credential', "
            "'X-Amz-Signature', 'X-Amz-Date', 'X-Amz-SignedHeaders'. Re-examine the "
            "query-string parameters.");
  EXPECT_EQ(parse("X-Amz-Algorithm=HMAC&" + cred + rest).code(), "IncompleteSignature");
  EXPECT_EQ(
      parse("X-Amz-Algorithm=AWS4-HMAC-SHA256&" + cred + rest + "&X-Amz-Expires=604801").message(),
      "X-Amz-Expires must be less than a week (in seconds) that is 604800");
  EXPECT_EQ(parse("X-Amz-Algorithm=AWS4-HMAC-SHA256&" + cred + rest + "&X-Amz-Expires=-1").code(),
            "IncompleteSignature");
  EXPECT_EQ(parse("X-Amz-Algorithm=AWS4-HMAC-SHA256&" + cred + rest + "&X-Amz-Signature=aa").code(),
            "IncompleteSignature");
  // Both mechanisms at once.
  HttpRequest both = MakeRequest("GET", "/?X-Amz-Signature=abc",
                                 "host: sts\nauthorization: AWS4-HMAC-SHA256 Credential=x\n");
  EXPECT_EQ(ParseSigV4(both).error().code(), "IncompleteSignature");
}

TEST(SigV4Cache, BoundedAndConsistent) {
  SigningKeyCache cache(32);
  auto a = cache.Get("secret", "20261128", "us-east-1", "iam");
  auto b = cache.Get("secret", "20261128", "us-east-1", "iam");
  EXPECT_EQ(a, b);
  EXPECT_EQ(cache.hits(), 1u);
  EXPECT_EQ(cache.misses(), 1u);
  EXPECT_NE(a, cache.Get("secret2", "20261128", "us-east-1", "iam"));
  EXPECT_NE(a, cache.Get("secret", "20261128", "us-east-1", "sts"));
  EXPECT_EQ(internal::DigestHex(internal::Digest(a)),
            internal::DigestHex(sigv4::DeriveSigningKey("secret", "20261128", "us-east-1", "iam")));
  for (int i = 0; i < 1000; ++i) {
    (void)cache.Get("s" + std::to_string(i), "20261128", "us-east-1", "iam");
  }
  EXPECT_LE(cache.size(), 32u);
}

TEST(SigV4Cache, ConcurrentVerification) {
  HttpRequest r = SignSigV4Header(GetCallerIdentity(), Params());
  auto parsed = ParseSigV4(r);
  ASSERT_TRUE(parsed.ok());
  FakeClock clock(At("20261128T110000Z"));
  SigningKeyCache cache(16);
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        if (!VerifySigV4(*parsed, "secret/key+1", r, clock, cache).ok()) ++failures;
        (void)cache.Get("other" + std::to_string(t * 1000 + i), "20261128", "r", "s");
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
}

}  // namespace
}  // namespace irsa::protocol

namespace irsa::protocol {
namespace {

// S3 signs the path as sent, encoded once and never normalized (botocore's S3SigV4Auth); the
// other services encode it a second time after removing dot segments.
TEST(SigV4Suite, S3CanonicalUriEncodesOnceAndKeepsTheKeyAsIs) {
  EXPECT_EQ(sigv4::S3CanonicalUri("/bucket/file%20name.txt"), "/bucket/file%20name.txt");
  EXPECT_EQ(sigv4::CanonicalUri("/bucket/file%20name.txt"), "/bucket/file%2520name.txt");
  EXPECT_EQ(sigv4::S3CanonicalUri("/bucket/a//./../k"), "/bucket/a//./../k");
  EXPECT_EQ(sigv4::S3CanonicalUri("/bucket/a+b(c)~"), "/bucket/a%2Bb%28c%29~");
  EXPECT_EQ(sigv4::S3CanonicalUri("/bucket/x%2fy"), "/bucket/x%2Fy");
  EXPECT_EQ(sigv4::S3CanonicalUri("/bucket/dir/"), "/bucket/dir/");
  EXPECT_EQ(sigv4::S3CanonicalUri("/"), "/");
  EXPECT_EQ(sigv4::S3CanonicalUri(""), "/");
}

}  // namespace
}  // namespace irsa::protocol
