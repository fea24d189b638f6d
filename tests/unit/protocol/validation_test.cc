#include "protocol/validation.h"

#include <gtest/gtest.h>

namespace irsa::protocol {
namespace {

TEST(Validator, OneViolationMessageShape) {
  Validator v;
  v.Pattern("roleName", "bad name!", patterns::kNameChars);
  ASSERT_FALSE(v.ok());
  Status s = v.ToStatus();
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code(), "ValidationError");
  EXPECT_EQ(s.error().http_status(), 400);
  EXPECT_EQ(s.error().message(),
            "1 validation error detected: Value 'bad name!' at 'roleName' failed to satisfy "
            "constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+");
}

TEST(Validator, TwoViolationsJoined) {
  Validator v;
  v.Length("roleName", std::string(65, 'a'), 1, 64).Range("maxSessionDuration", 43201, 3600, 43200);
  EXPECT_EQ(v.count(), 2u);
  EXPECT_EQ(v.Message(),
            "2 validation errors detected: Value '" + std::string(65, 'a') +
                "' at 'roleName' failed to satisfy constraint: Member must have length less than "
                "or equal to 64; Value '43201' at 'maxSessionDuration' failed to satisfy "
                "constraint: Member must have value less than or equal to 43200");
}

TEST(Validator, EachConstraintText) {
  Validator v;
  v.NotNull("roleName", false)
      .MinLength("description", "", 1)
      .Range("durationSeconds", 899, 900, 43200)
      .NotNull("path", true)
      .Length("x", "ok", 1, 64)
      .Range("y", 1000, 900, 43200);
  ASSERT_EQ(v.count(), 3u);
  EXPECT_EQ(v.violations()[0],
            "Value null at 'roleName' failed to satisfy constraint: Member must not be null");
  EXPECT_EQ(v.violations()[1],
            "Value '' at 'description' failed to satisfy constraint: Member must have length "
            "greater than or equal to 1");
  EXPECT_EQ(v.violations()[2],
            "Value '899' at 'durationSeconds' failed to satisfy constraint: Member must have "
            "value greater than or equal to 900");
  EXPECT_TRUE(Validator().ToStatus().ok());
  EXPECT_EQ(Validator().Message(), "");
}

TEST(Validator, OptionalMembersAndRedaction) {
  Validator v;
  v.Length("description", std::optional<std::string_view>(), 1, 10)
      .Pattern("path", std::optional<std::string_view>(), patterns::kPath)
      .Range("n", std::optional<int64_t>(), 1, 2);
  EXPECT_TRUE(v.ok());
  v.MinLength("webIdentityToken", "abc", 4, Validator::Echo::kRedact);
  EXPECT_EQ(v.Message(),
            "1 validation error detected: Value '*** Sensitive Data Redacted ***' at "
            "'webIdentityToken' failed to satisfy constraint: Member must have length greater "
            "than or equal to 4");
}

TEST(Validator, LengthCountsCodePoints) {
  Validator v;
  v.MaxLength("description", "\xc3\xa9\xc3\xa9", 2);  // "éé": 2 code points, 4 bytes
  EXPECT_TRUE(v.ok());
  EXPECT_EQ(Utf8Length("a\xe2\x82\xac\xf0\x9f\x98\x80").value_or(0), 3u);
  EXPECT_FALSE(Utf8Length("\xc3").has_value());
  EXPECT_FALSE(Utf8Length("\xc0\xaf").has_value());          // overlong
  EXPECT_FALSE(Utf8Length("\xed\xa0\x80").has_value());      // surrogate
  EXPECT_FALSE(Utf8Length("\xf4\x90\x80\x80").has_value());  // > U+10FFFF
}

TEST(Patterns, NameChars) {
  EXPECT_TRUE(patterns::kNameChars.matches("my-role_1+=,.@"));
  EXPECT_FALSE(patterns::kNameChars.matches(""));
  EXPECT_FALSE(patterns::kNameChars.matches("a b"));
  EXPECT_FALSE(patterns::kNameChars.matches("a/b"));
  EXPECT_FALSE(patterns::kNameChars.matches("r\xc3\xa9le"));
  EXPECT_TRUE(patterns::kNameCharsOptional.matches(""));
  EXPECT_TRUE(patterns::kNameColonSlashOptional.matches("a:b/c"));
  EXPECT_FALSE(patterns::kNameColonSlashOptional.matches("a;b"));
  EXPECT_TRUE(patterns::kNameSlashColon.matches("arn:aws:iam::1:role/x"));
}

TEST(Patterns, Path) {
  EXPECT_TRUE(patterns::kPath.matches("/"));
  EXPECT_TRUE(patterns::kPath.matches("/a/"));
  EXPECT_TRUE(patterns::kPath.matches("/a/b~!/"));
  EXPECT_FALSE(patterns::kPath.matches("//"));
  EXPECT_FALSE(patterns::kPath.matches("/a"));
  EXPECT_FALSE(patterns::kPath.matches("a/"));
  EXPECT_FALSE(patterns::kPath.matches("/a b/"));
  EXPECT_FALSE(patterns::kPath.matches(""));
  EXPECT_FALSE(patterns::kPath.matches("/\x7f/"));
  EXPECT_TRUE(patterns::kPathPrefix.matches("/"));
  EXPECT_TRUE(patterns::kPathPrefix.matches("/a\x7f"));
  EXPECT_FALSE(patterns::kPathPrefix.matches("a"));
}

TEST(Patterns, Documents) {
  EXPECT_TRUE(patterns::kPolicyDocument.matches("{\"a\":\t\"\xc3\xa9\"}\r\n"));
  EXPECT_FALSE(patterns::kPolicyDocument.matches("\x01"));
  EXPECT_FALSE(patterns::kPolicyDocument.matches("\xe2\x82\xac"));  // U+20AC > U+00FF
  EXPECT_FALSE(patterns::kPolicyDocument.matches(""));
  EXPECT_TRUE(patterns::kSessionPolicyDocument.matches("{\"a\":\"\xe2\x82\xac\xf0\x9f\x98\x80\"}"));
  EXPECT_FALSE(patterns::kSessionPolicyDocument.matches("\x7f"));
  EXPECT_FALSE(patterns::kSessionPolicyDocument.matches("\xef\xbf\xbe"));  // U+FFFE
  EXPECT_TRUE(patterns::kDescription.matches(""));
  EXPECT_FALSE(patterns::kDescription.matches("\xc2\xa0"));  // U+00A0 excluded
  EXPECT_TRUE(patterns::kDescription.matches("caf\xc3\xa9"));
}

TEST(Patterns, Tags) {
  EXPECT_TRUE(patterns::kTagKey.matches("kubernetes.io/cluster:name=x+y-z@w_v"));
  EXPECT_TRUE(patterns::kTagKey.matches("\xe5\x9b\xa2\xe9\x98\x9f"));  // CJK letters
  EXPECT_TRUE(patterns::kTagKey.matches("caf\xc3\xa9 \xc2\xa0"));      // letters + spaces
  EXPECT_TRUE(patterns::kTagKey.matches("\xd9\xa3"));                  // Arabic-Indic digit
  EXPECT_FALSE(patterns::kTagKey.matches(""));
  EXPECT_TRUE(patterns::kTagValue.matches(""));
  EXPECT_FALSE(patterns::kTagKey.matches("a*b"));
  EXPECT_FALSE(patterns::kTagKey.matches("a#b"));
  EXPECT_FALSE(patterns::kTagKey.matches("\xc2\xa9"));          // U+00A9 symbol
  EXPECT_FALSE(patterns::kTagKey.matches("\xf0\x9f\x98\x80"));  // emoji
  EXPECT_FALSE(patterns::kTagKey.matches("\xe2\x80\x94"));      // em dash
  EXPECT_FALSE(patterns::kTagKey.matches("\xff"));              // invalid UTF-8
}

TEST(Patterns, Misc) {
  EXPECT_TRUE(patterns::kAccountId.matches("111122223333"));
  EXPECT_FALSE(patterns::kAccountId.matches("11112222333"));
  EXPECT_FALSE(patterns::kAccountId.matches("11112222333a"));
  EXPECT_TRUE(patterns::kWord.matches("abc_1"));
  EXPECT_FALSE(patterns::kWord.matches("a-b"));
  EXPECT_TRUE(patterns::kWordDash.matches("a-b"));
  EXPECT_TRUE(patterns::kDigits.matches("0123"));
  EXPECT_FALSE(patterns::kDigits.matches(""));
  EXPECT_TRUE(patterns::kDigitsOptional.matches(""));
  EXPECT_TRUE(patterns::kUpperAlnum.matches("ABC123"));
  EXPECT_FALSE(patterns::kUpperAlnum.matches("abc"));
  EXPECT_TRUE(patterns::kPrintableAscii.matches("a ~"));
  EXPECT_FALSE(patterns::kPrintableAscii.matches("a\tb"));
  EXPECT_TRUE(patterns::kLatin1Printable.matches("\xc3\xbf"));
  EXPECT_EQ(patterns::kPath.text, "(\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)");
  EXPECT_EQ(patterns::kTagKey.text, "[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+");
}

}  // namespace
}  // namespace irsa::protocol
