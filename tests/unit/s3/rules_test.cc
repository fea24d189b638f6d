// Bucket names, object keys, text checks, user metadata and tag sets.
#include <gtest/gtest.h>

#include <string>

#include "s3/metadata.h"
#include "s3/names.h"
#include "s3/tags.h"
#include "s3/text.h"

namespace irsa::s3 {
namespace {

std::string CodeOf(const Status& s) { return s.ok() ? "OK" : s.error().code(); }

TEST(BucketName, AcceptsAwsExamples) {
  for (const std::string& name :
       {std::string("docexamplebucket1"), std::string("log-delivery-march-2020"),
        std::string("my-hosted-content"), std::string("docexamplewebsite.com"),
        std::string("www.docexamplewebsite.com"), std::string("my.example.s3.bucket"),
        std::string("abc"), std::string("a-b"), std::string("0ab"), std::string(63, 'a')}) {
    EXPECT_TRUE(ValidateBucketName(name).ok()) << name;
  }
}

TEST(BucketName, RejectsEveryRule) {
  for (const char* name : {"ab",
                           "",
                           "doc_example_bucket",
                           "DocExampleBucket",
                           "doc-example-bucket-",
                           "-abc",
                           ".abc",
                           "abc.",
                           "a..b",
                           "192.168.5.4",
                           "10.0.0.1",
                           "xn--abc",
                           "sthree-abc",
                           "amzn-s3-demo-x",
                           "abc-s3alias",
                           "abc--ol-s3",
                           "abc.mrap",
                           "abc--x-s3",
                           "abc--table-s3",
                           "a b c",
                           "abc/def",
                           "\xC3\xA9t\xC3\xA9"}) {
    Status s = ValidateBucketName(name);
    EXPECT_EQ(CodeOf(s), "InvalidBucketName") << name;
  }
  EXPECT_EQ(CodeOf(ValidateBucketName(std::string(64, 'a'))), "InvalidBucketName");
  // Four numeric labels only: a fifth label or a letter makes it a name.
  EXPECT_TRUE(ValidateBucketName("192.168.5.4.5").ok());
  EXPECT_TRUE(ValidateBucketName("192.168.5.a").ok());
  EXPECT_TRUE(ValidateBucketName("1234.168.5.4").ok());
}

TEST(BucketName, MessageNeverEchoesInvalidUtf8) {
  Status s = ValidateBucketName("bad\xFF\xFEname");
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(IsValidUtf8(s.error().message()));
}

TEST(ObjectKey, LengthAndEncoding) {
  EXPECT_TRUE(ValidateObjectKey("a").ok());
  EXPECT_TRUE(ValidateObjectKey(std::string(1024, 'k')).ok());
  EXPECT_TRUE(ValidateObjectKey("photos/2006/January/sample.jpg").ok());
  EXPECT_TRUE(ValidateObjectKey("sp ace+plus%25/\xE6\x97\xA5\xE6\x9C\xAC/\xF0\x9F\x98\x80").ok());
  EXPECT_TRUE(ValidateObjectKey("tab\there\nnewline\rcr").ok());
  EXPECT_TRUE(ValidateObjectKey("../../etc/passwd").ok());  // a name, never a path
  EXPECT_EQ(CodeOf(ValidateObjectKey("")), "InvalidArgument");
  EXPECT_EQ(CodeOf(ValidateObjectKey(std::string(1025, 'k'))), "KeyTooLongError");
  // 1024 bytes, but of 2-byte characters: 512 characters is fine, one more byte is not.
  std::string two_byte;
  for (int i = 0; i < 512; ++i) two_byte += "\xC3\xA9";
  EXPECT_TRUE(ValidateObjectKey(two_byte).ok());
  EXPECT_EQ(CodeOf(ValidateObjectKey(two_byte + "x")), "KeyTooLongError");
  for (std::string bad : {std::string("a\0b", 3), std::string("\x01"), std::string("a\x1F"),
                          std::string("\xEF\xBF\xBE"), std::string("\xEF\xBF\xBF"),
                          std::string("\xFF"), std::string("\xC0\xAF"), std::string("\xED\xA0\x80"),
                          std::string("\xF4\x90\x80\x80"), std::string("\xE6\x97")}) {
    EXPECT_EQ(CodeOf(ValidateObjectKey(bad)), "InvalidArgument") << bad.size();
  }
}

TEST(Text, Utf8Decoding) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("\xF4\x8F\xBF\xBF"));  // U+10FFFF
  EXPECT_FALSE(IsValidUtf8("\xF8\x88\x80\x80\x80"));
  EXPECT_FALSE(IsValidUtf8("\xE0\x80\x80"));  // overlong
  EXPECT_FALSE(IsValidUtf8("\x80"));
  EXPECT_EQ(XmlSafeText("ok\xFFok\x01"), "ok\xEF\xBF\xBDok\xEF\xBF\xBD");
  EXPECT_EQ(XmlSafeText("\xE6\x97"), "\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_TRUE(IsXmlSafeText(XmlSafeText(std::string("\0\xC3", 2))));
}

TEST(UserMetadata, NamesAreLowerCasedSortedAndJoined) {
  UserMetadata user;
  ASSERT_TRUE(AddUserMetadata(user, "Color", "blue").ok());
  ASSERT_TRUE(AddUserMetadata(user, "alpha", "1").ok());
  ASSERT_TRUE(AddUserMetadata(user, "COLOR", "red").ok());
  ASSERT_EQ(user.size(), 2u);
  EXPECT_EQ(user[0], (std::pair<std::string, std::string>{"alpha", "1"}));
  EXPECT_EQ(user[1], (std::pair<std::string, std::string>{"color", "blue,red"}));
  EXPECT_TRUE(ValidateUserMetadata(user).ok());
  EXPECT_EQ(CodeOf(AddUserMetadata(user, "", "x")), "InvalidArgument");
  EXPECT_EQ(CodeOf(AddUserMetadata(user, "with space", "x")), "InvalidArgument");
  EXPECT_EQ(CodeOf(AddUserMetadata(user, "colon:", "x")), "InvalidArgument");
}

TEST(UserMetadata, TwoKilobyteLimitCountsNamesAndValues) {
  UserMetadata user;
  ASSERT_TRUE(AddUserMetadata(user, "k", std::string(2047, 'v')).ok());
  EXPECT_EQ(UserMetadataSize(user), 2048u);
  EXPECT_TRUE(ValidateUserMetadata(user).ok());
  ASSERT_TRUE(AddUserMetadata(user, "x", "").ok());  // one more name byte
  EXPECT_EQ(CodeOf(ValidateUserMetadata(user)), "MetadataTooLarge");
}

TEST(UserMetadata, ValidateRejectsUnsortedOrUpperCase) {
  EXPECT_EQ(CodeOf(ValidateUserMetadata({{"b", "1"}, {"a", "2"}})), "InvalidArgument");
  EXPECT_EQ(CodeOf(ValidateUserMetadata({{"a", "1"}, {"a", "2"}})), "InvalidArgument");
  EXPECT_EQ(CodeOf(ValidateUserMetadata({{"Upper", "1"}})), "InvalidArgument");
}

TEST(Tags, LimitsPerTarget) {
  TagSet ten, eleven, fifty, fifty_one;
  for (int i = 0; i < 51; ++i) {
    Tag t{"k" + std::to_string(i), "v"};
    if (i < 10) ten.push_back(t);
    if (i < 11) eleven.push_back(t);
    if (i < 50) fifty.push_back(t);
    fifty_one.push_back(t);
  }
  EXPECT_TRUE(ValidateTagSet(ten, TagTarget::kObject).ok());
  EXPECT_EQ(CodeOf(ValidateTagSet(eleven, TagTarget::kObject)), "InvalidTag");
  EXPECT_TRUE(ValidateTagSet(fifty, TagTarget::kBucket).ok());
  EXPECT_EQ(CodeOf(ValidateTagSet(fifty_one, TagTarget::kBucket)), "InvalidTag");
  EXPECT_TRUE(ValidateTagSet({}, TagTarget::kObject).ok());
}

TEST(Tags, KeyValueCharsetAndLengths) {
  EXPECT_TRUE(ValidateTagSet({{"Project", "Blue sky+=._:/@-"}}, TagTarget::kObject).ok());
  EXPECT_TRUE(
      ValidateTagSet({{"\xE9\xA1\xB9\xE7\x9B\xAE", "\xC3\xA9t\xC3\xA9"}}, TagTarget::kObject).ok());
  EXPECT_TRUE(
      ValidateTagSet({{std::string(128, 'k'), std::string(256, 'v')}}, TagTarget::kObject).ok());
  EXPECT_TRUE(ValidateTagSet({{"k", ""}}, TagTarget::kObject).ok());
  // Lengths are characters: 128 two-byte characters are a valid key.
  std::string wide;
  for (int i = 0; i < 128; ++i) wide += "\xC3\xA9";
  EXPECT_TRUE(ValidateTagSet({{wide, "v"}}, TagTarget::kObject).ok());
  for (const TagSet& bad : std::vector<TagSet>{{{"", "v"}},
                                               {{std::string(129, 'k'), "v"}},
                                               {{"k", std::string(257, 'v')}},
                                               {{"semi;colon", "v"}},
                                               {{"k", "star*"}},
                                               {{"k", "new\nline"}},
                                               {{"k", "\xFF"}},
                                               {{"aws:reserved", "v"}},
                                               {{"AWS:reserved", "v"}},
                                               {{"dup", "1"}, {"dup", "2"}},
                                               {{wide + "\xC3\xA9", "v"}}}) {
    EXPECT_EQ(CodeOf(ValidateTagSet(bad, TagTarget::kObject)), "InvalidTag") << bad[0].key;
  }
  // Keys are case-sensitive: these are two tags.
  EXPECT_TRUE(ValidateTagSet({{"Key", "1"}, {"key", "2"}}, TagTarget::kObject).ok());
}

TEST(Tags, TaggingHeaderRoundTrip) {
  auto tags = ParseTaggingHeader("project=blue%20sky&team=a%2Bb&empty=&plus=a+b");
  ASSERT_TRUE(tags.ok()) << tags.error().message();
  ASSERT_EQ(tags->size(), 4u);
  EXPECT_EQ((*tags)[0], (Tag{"project", "blue sky"}));
  EXPECT_EQ((*tags)[1], (Tag{"team", "a+b"}));
  EXPECT_EQ((*tags)[2], (Tag{"empty", ""}));
  EXPECT_EQ((*tags)[3], (Tag{"plus", "a b"}));
  auto again = ParseTaggingHeader(FormatTaggingHeader(*tags));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *tags);
  EXPECT_TRUE(ParseTaggingHeader("")->empty());
  EXPECT_TRUE(ParseTaggingHeader("novalue")->at(0).value.empty());
  EXPECT_EQ(ParseTaggingHeader("a=1&a=2").error().code(), "InvalidArgument");
  EXPECT_EQ(ParseTaggingHeader("a=%zz").error().code(), "InvalidArgument");
  EXPECT_EQ(ParseTaggingHeader("a=%2").error().code(), "InvalidArgument");
  EXPECT_EQ(ParseTaggingHeader("bad%3B=1").error().code(), "InvalidTag");
}

}  // namespace
}  // namespace irsa::s3
