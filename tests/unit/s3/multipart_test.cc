// Upload ids, part numbers and the CompleteMultipartUpload checks.
#include <gtest/gtest.h>

#include "base/encoding.h"
#include "s3/multipart.h"

namespace irsa::s3 {
namespace {

StoredPart Part(int n, int64_t size, std::string_view content) {
  StoredPart p;
  p.part_number = n;
  p.size = size;
  p.md5 = Md5(content);
  p.etag = ETagFromMd5(p.md5);
  return p;
}

CompletedPart Ask(const StoredPart& p) { return CompletedPart{p.part_number, p.etag, {}}; }

std::string Code(const Result<std::vector<size_t>>& r) { return r.ok() ? "OK" : r.error().code(); }

TEST(UploadId, ShapeAndOrder) {
  SeededRandom random(1);
  std::string a = NewUploadId(FromUnixSeconds(1000), random);
  std::string b = NewUploadId(FromUnixSeconds(1001), random);
  EXPECT_EQ(a.size(), kUploadIdLength);
  EXPECT_TRUE(IsWellFormedUploadId(a));
  EXPECT_LT(a, b);  // later uploads sort later
  EXPECT_NE(a.substr(16), NewUploadId(FromUnixSeconds(1000), random).substr(16));
  EXPECT_FALSE(IsWellFormedUploadId(""));
  EXPECT_FALSE(IsWellFormedUploadId(a.substr(1)));
  EXPECT_FALSE(IsWellFormedUploadId(a.substr(1) + "G"));
  std::string upper = a;
  upper[20] = 'A';
  EXPECT_FALSE(IsWellFormedUploadId(upper));
}

TEST(PartNumber, Bounds) {
  EXPECT_EQ(*ParsePartNumber("1"), 1);
  EXPECT_EQ(*ParsePartNumber("10000"), 10000);
  EXPECT_EQ(*ParsePartNumber("00042"), 42);
  for (const char* bad : {"0", "10001", "-1", "", "1.5", "abc", "999999999999", " 1"}) {
    EXPECT_EQ(ParsePartNumber(bad).error().code(), "InvalidArgument") << bad;
  }
}

TEST(Complete, SelectsPartsInOrder) {
  std::vector<StoredPart> stored = {Part(1, 10, "a"), Part(2, 10, "b"), Part(3, 4, "c"),
                                    Part(7, 3, "d")};
  auto r = SelectCompletedParts({Ask(stored[0]), Ask(stored[2]), Ask(stored[3])}, stored, 4);
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ(*r, (std::vector<size_t>{0, 2, 3}));
  // Unquoted ETags are accepted.
  CompletedPart unquoted{1, std::string(ETagValue(stored[0].etag)), {}};
  EXPECT_TRUE(SelectCompletedParts({unquoted}, stored, 4).ok());
}

TEST(Complete, Errors) {
  std::vector<StoredPart> stored = {Part(1, 10, "a"), Part(2, 10, "b"), Part(3, 4, "c")};
  EXPECT_EQ(Code(SelectCompletedParts({}, stored, 5)), "MalformedXML");
  EXPECT_EQ(Code(SelectCompletedParts({Ask(stored[1]), Ask(stored[0])}, stored, 5)),
            "InvalidPartOrder");
  EXPECT_EQ(Code(SelectCompletedParts({Ask(stored[0]), Ask(stored[0])}, stored, 5)),
            "InvalidPartOrder");
  EXPECT_EQ(Code(SelectCompletedParts({CompletedPart{4, stored[0].etag, {}}}, stored, 5)),
            "InvalidPart");
  EXPECT_EQ(Code(SelectCompletedParts({CompletedPart{1, stored[1].etag, {}}}, stored, 5)),
            "InvalidPart");
  // Every part but the last must reach the minimum.
  EXPECT_EQ(Code(SelectCompletedParts({Ask(stored[2]), CompletedPart{4, "x", {}}}, stored, 5)),
            "InvalidPart");
  std::vector<StoredPart> small = {Part(1, 4, "a"), Part(2, 10, "b")};
  EXPECT_EQ(Code(SelectCompletedParts({Ask(small[0]), Ask(small[1])}, small, 5)), "EntityTooSmall");
  EXPECT_TRUE(SelectCompletedParts({Ask(small[1])}, small, 5).ok());
  EXPECT_TRUE(SelectCompletedParts({Ask(small[0])}, small, 5).ok());  // the last may be small
}

TEST(Complete, PartChecksumsMustMatch) {
  std::vector<StoredPart> stored = {Part(1, 10, "a")};
  stored[0].checksum = Checksum{ChecksumAlgorithm::kCrc32,
                                Base64Encode(ComputeChecksum(ChecksumAlgorithm::kCrc32, "a")),
                                ChecksumType::kFullObject};
  CompletedPart ok = Ask(stored[0]);
  ok.checksum = stored[0].checksum->value;
  EXPECT_TRUE(SelectCompletedParts({ok}, stored, 5).ok());
  CompletedPart bad = Ask(stored[0]);
  bad.checksum = "AAAAAA==";
  EXPECT_EQ(Code(SelectCompletedParts({bad}, stored, 5)), "InvalidPart");
  EXPECT_TRUE(SelectCompletedParts({Ask(stored[0])}, stored, 5).ok());  // omitted: accepted
}

TEST(Complete, Digests) {
  StoredPart a = Part(1, 10, std::string(10, 'a'));
  StoredPart b = Part(2, 5, std::string(5, 'b'));
  a.checksum =
      Checksum{ChecksumAlgorithm::kCrc32,
               Base64Encode(ComputeChecksum(ChecksumAlgorithm::kCrc32, std::string(10, 'a'))),
               ChecksumType::kFullObject};
  b.checksum =
      Checksum{ChecksumAlgorithm::kCrc32,
               Base64Encode(ComputeChecksum(ChecksumAlgorithm::kCrc32, std::string(5, 'b'))),
               ChecksumType::kFullObject};
  CompletedDigests d = CompletedObjectDigests({&a, &b}, ChecksumAlgorithm::kCrc32);
  EXPECT_EQ(d.etag, "\"94bfe67beece4111821a3daf596d366f-2\"");
  ASSERT_TRUE(d.checksum.has_value());
  EXPECT_EQ(d.checksum->value, "z8egKg==-2");
  EXPECT_EQ(d.checksum->type, ChecksumType::kComposite);
  // A part without the algorithm's checksum leaves the object without one.
  b.checksum.reset();
  EXPECT_FALSE(CompletedObjectDigests({&a, &b}, ChecksumAlgorithm::kCrc32).checksum.has_value());
  EXPECT_FALSE(CompletedObjectDigests({&a}, std::nullopt).checksum.has_value());
}

}  // namespace
}  // namespace irsa::s3
