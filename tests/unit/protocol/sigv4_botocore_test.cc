// Requests signed by botocore's SigV4Auth / SigV4QueryAuth (gen_botocore_vectors.py) must verify
// byte for byte, and must fail once tampered with.
#include <gtest/gtest.h>

#include <string_view>

#include "base/clock.h"
#include "protocol/query_params.h"
#include "protocol/sigv4.h"
#include "unit/protocol/test_util.h"

namespace irsa::protocol {
namespace {

struct BotocoreVector {
  std::string_view name;
  std::string_view form;
  std::string_view method;
  std::string_view target;
  std::string_view headers;
  std::string_view body;
  std::string_view secret;
  std::string_view token;
  int64_t time;
};

constexpr BotocoreVector kVectors[] = {
#include "unit/protocol/botocore_vectors.inc"
};

HttpRequest ToRequest(const BotocoreVector& v) {
  return testing::MakeRequest(v.method, v.target, v.headers, v.body);
}

TEST(SigV4Botocore, AllVectorsVerify) {
  ASSERT_GE(std::size(kVectors), 8u);
  for (const BotocoreVector& v : kVectors) {
    SCOPED_TRACE(std::string(v.name));
    HttpRequest r = ToRequest(v);
    auto parsed = ParseSigV4(r);
    ASSERT_TRUE(parsed.ok()) << parsed.error().message();
    EXPECT_EQ(parsed->form == SigV4Request::Form::kHeader ? "header" : "presigned", v.form);
    EXPECT_EQ(parsed->access_key_id, "AKIAIOSFODNN7EXAMPLE");
    if (v.token.empty()) {
      EXPECT_FALSE(parsed->security_token.has_value());
    } else {
      EXPECT_EQ(parsed->security_token.value_or(""), v.token);
    }
    FakeClock clock = FakeClock::AtUnixSeconds(v.time + 30);
    SigningKeyCache cache(16);
    Status s = VerifySigV4(*parsed, v.secret, r, clock, cache);
    EXPECT_TRUE(s.ok()) << s.error().message() << "\n"
                        << SigV4CanonicalRequest(*parsed, r, SigV4PayloadHash(*parsed, r).value());
    // Wrong secret and tampered body/query are rejected.
    EXPECT_EQ(VerifySigV4(*parsed, "not-the-secret", r, clock, cache).error().code(),
              "SignatureDoesNotMatch");
    HttpRequest tampered = r;
    if (!tampered.body.empty()) {
      tampered.body += "&x=1";
    } else {
      tampered.query += "&x=1";
    }
    EXPECT_EQ(VerifySigV4(*parsed, v.secret, tampered, clock, cache).error().code(),
              "SignatureDoesNotMatch");
  }
}

TEST(SigV4Botocore, SignedBodiesParseAsQueryParams) {
  for (const BotocoreVector& v : kVectors) {
    SCOPED_TRACE(std::string(v.name));
    auto params = QueryParams::FromRequest(ToRequest(v));
    ASSERT_TRUE(params.ok()) << params.error().message();
    EXPECT_TRUE(params->Has("Action"));
  }
  auto create = QueryParams::FromRequest(ToRequest(kVectors[1]));
  ASSERT_TRUE(create.ok());
  EXPECT_EQ(create->Get("AssumeRolePolicyDocument").value_or(""),
            R"({"Version":"2012-10-17","Statement":[]})");
  auto tags = create->GetStructList("Tags");
  ASSERT_TRUE(tags.ok());
  ASSERT_EQ(tags->size(), 1u);
  EXPECT_EQ((*tags)[0].at("Value"), "a b");
}

}  // namespace
}  // namespace irsa::protocol
