#include "jwt/jws.h"

#include <gtest/gtest.h>

#include "base/encoding.h"

namespace irsa::jwt {
namespace {

std::string B64(std::string_view s) { return Base64UrlEncode(s); }

std::string Token(std::string_view header, std::string_view payload,
                  std::string_view sig = "signature") {
  return B64(header) + "." + B64(payload) + "." + B64(sig);
}

void ExpectMalformed(std::string_view token, std::string_view fragment) {
  auto r = ParseJws(token);
  ASSERT_FALSE(r.ok()) << fragment;
  EXPECT_EQ(r.error().code(), "InvalidIdentityToken");
  EXPECT_EQ(r.error().message().rfind("malformed token: ", 0), 0u) << r.error().message();
  EXPECT_NE(r.error().message().find(fragment), std::string::npos) << r.error().message();
  if (token.size() > 20) {
    EXPECT_EQ(r.error().message().find(token), std::string::npos) << "token leaked";
  }
}

TEST(ParseJws, WellFormed) {
  std::string token = Token(R"({"alg":"ES256","kid":"k1","typ":"JWT"})",
                            R"({"iss":"https://issuer","sub":"s","n":{"a":[1,2]}})", "sig");
  auto jws = ParseJws(token);
  ASSERT_TRUE(jws.ok()) << jws.error().message();
  EXPECT_EQ(jws->header.alg, "ES256");
  EXPECT_EQ(jws->header.kid, "k1");
  EXPECT_EQ(jws->header.typ, "JWT");
  EXPECT_EQ(jws->claims.at("iss").as_string(), "https://issuer");
  EXPECT_EQ(jws->signature, "sig");
  EXPECT_EQ(jws->signing_input, token.substr(0, token.rfind('.')));
}

TEST(ParseJws, KidAbsentVersusEmpty) {
  auto a = ParseJws(Token(R"({"alg":"RS256"})", "{}"));
  ASSERT_TRUE(a.ok());
  EXPECT_FALSE(a->header.kid.has_value());
  auto b = ParseJws(Token(R"({"alg":"RS256","kid":""})", "{}"));
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->header.kid, "");
}

TEST(ParseJws, SegmentCounts) {
  ExpectMalformed("", "empty");
  ExpectMalformed("abc", "expected 3 dot-separated segments, got 1");
  ExpectMalformed("a.b", "got 2");
  ExpectMalformed(Token(R"({"alg":"RS256"})", "{}") + ".x", "got 4");
  ExpectMalformed("a.b.c.d.e", "JWE");
  ExpectMalformed("..", "header segment is empty");
}

TEST(ParseJws, TruncatedAndEmptySignature) {
  std::string token = Token(R"({"alg":"RS256"})", R"({"sub":"x"})");
  ExpectMalformed(token.substr(0, token.rfind('.') + 1), "unsigned");
  ExpectMalformed(token.substr(0, token.rfind('.')), "got 2");
  // Cut in the middle of the payload: the JSON no longer parses or base64 is invalid.
  std::string cut = token.substr(0, token.find('.') + 6) + "." + B64("sig");
  EXPECT_FALSE(ParseJws(cut).ok());
}

TEST(ParseJws, StrictBase64Url) {
  std::string h = B64(R"({"alg":"RS256"})");
  std::string p = B64(R"({"a":1})");
  ExpectMalformed(h + "=." + p + ".c2ln", "padding");
  ExpectMalformed(h + "." + p + ".c2ln=", "padding");
  ExpectMalformed(h + "." + p + ".c2l+", "not base64url");
  ExpectMalformed(h + ".e30/." + "c2ln", "not base64url");
  ExpectMalformed(h + "." + p + ".c2l n", "not base64url");
  ExpectMalformed(h + "." + p + ".A", "not valid base64url");
  // Non-canonical trailing bits ("e31" instead of "e30" for "{}").
  ExpectMalformed(h + ".e31.c2ln", "not valid base64url");
}

TEST(ParseJws, JsonShapeAndHeaderMembers) {
  ExpectMalformed(Token("[]", "{}"), "header is not a JSON object");
  ExpectMalformed(Token(R"({"alg":"RS256"})", "[1]"), "payload is not a JSON object");
  ExpectMalformed(Token(R"({"alg":"RS256"})", "{"), "payload is not valid JSON");
  ExpectMalformed(Token(R"({"alg":"RS256"})", R"({"a":1} x)"), "payload is not valid JSON");
  ExpectMalformed(Token("{}", "{}"), "no \"alg\"");
  ExpectMalformed(Token(R"({"alg":256})", "{}"), "\"alg\" is not a string");
  ExpectMalformed(Token(R"({"alg":"RS256","kid":1})", "{}"), "\"kid\" is not a string");
  ExpectMalformed(Token(R"({"alg":"RS256","typ":null})", "{}"), "\"typ\" is not a string");
  ExpectMalformed(Token(R"({"alg":"RS256","crit":["exp"]})", "{}"), "crit");
  ExpectMalformed(Token(R"({"alg":"RS256","zip":"DEF"})", "{}"), "JWE header");
  ExpectMalformed(Token(R"({"alg":"RS256"})", "{\"a\":\"\xff\"}"), "not valid JSON");
}

TEST(ParseJws, SizeLimits) {
  std::string big(21000, 'a');
  ExpectMalformed(big, "limit is 20000");
  std::string payload = R"({"x":")" + std::string(14000, 'a') + R"("})";
  ParseLimits limits;
  limits.max_payload_bytes = 8192;
  auto r = ParseJws(Token(R"({"alg":"RS256"})", payload), limits);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message().find("payload is larger than 8192 bytes"), std::string::npos);
  EXPECT_TRUE(ParseJws(Token(R"({"alg":"RS256"})", payload)).ok()) << "fits the defaults";
  std::string header = R"({"alg":"RS256","x":")" + std::string(3000, 'a') + R"("})";
  ExpectMalformed(Token(header, "{}"), "header is larger than 2048 bytes");
}

TEST(ParseJws, DeepNesting) {
  std::string deep = R"({"a":)" + std::string(40, '[') + std::string(40, ']') + "}";
  ExpectMalformed(Token(R"({"alg":"RS256"})", deep), "nested deeper than 16");
  ExpectMalformed(Token(R"({"alg":"RS256","x":{"y":{"z":{"w":{}}}}})", "{}"), "header JSON");
  std::string ok = R"({"a":)" + std::string(10, '[') + std::string(10, ']') + "}";
  EXPECT_TRUE(ParseJws(Token(R"({"alg":"RS256"})", ok)).ok());
}

TEST(Printable, Sanitises) {
  EXPECT_EQ(Printable("abc"), "abc");
  EXPECT_EQ(Printable("a\nb\x01"), "a?b?");
  EXPECT_EQ(Printable(std::string(100, 'x'), 10), "xxxxxxxxxx...");
}

}  // namespace
}  // namespace irsa::jwt
