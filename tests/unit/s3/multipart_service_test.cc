// Multipart uploads through S3Service and the local backend.
#include <gtest/gtest.h>

#include "base/encoding.h"
#include "s3/errors.h"
#include "unit/s3/s3_test_util.h"

namespace irsa::s3 {
namespace {

using testing::ReadAll;
using testing::S3Env;

template <typename T>
std::string Code(const Result<T>& r) {
  return r.ok() ? "OK" : r.error().code();
}
std::string Code(const Status& s) { return s.ok() ? "OK" : s.error().code(); }

class Multipart : public ::testing::Test {
 protected:
  Multipart() : env_("us-east-1", /*min_part_size=*/5) {}
  void SetUp() override { env_.CreateBucket("bkt"); }

  std::string Create(const std::string& key,
                     std::optional<ChecksumAlgorithm> algorithm = std::nullopt) {
    CreateMultipartUploadRequest r;
    r.bucket = "bkt";
    r.key = key;
    r.metadata.content_type = "video/mp4";
    r.tags = {{"stage", "raw"}};
    r.checksum_algorithm = algorithm;
    auto info = env_.s3().CreateMultipartUpload(r);
    EXPECT_TRUE(info.ok()) << info.error().message();
    return info.ok() ? info->upload_id : "";
  }
  Result<PartInfo> Upload(const std::string& key, const std::string& id, int n,
                          const std::string& body, DeclaredDigests digests = {}) {
    StringSource source(body);
    return env_.s3().UploadPart({.bucket = "bkt",
                                 .key = key,
                                 .upload_id = id,
                                 .part_number = n,
                                 .content_length = static_cast<int64_t>(body.size()),
                                 .digests = std::move(digests)},
                                source);
  }
  Result<ObjectInfo> Complete(const std::string& key, const std::string& id,
                              std::vector<CompletedPart> parts) {
    return env_.s3().CompleteMultipartUpload(
        {.bucket = "bkt", .key = key, .upload_id = id, .parts = std::move(parts)});
  }

  S3Env env_;
};

TEST_F(Multipart, UploadCompleteRead) {
  std::string id = Create("video.mp4");
  auto p1 = Upload("video.mp4", id, 1, "AAAAAA");
  auto p2 = Upload("video.mp4", id, 2, "BBBBBB");
  auto p3 = Upload("video.mp4", id, 3, "CC");
  ASSERT_TRUE(p1.ok() && p2.ok() && p3.ok());
  EXPECT_EQ(p1->etag, ETagFromMd5(Md5("AAAAAA")));
  auto done = Complete("video.mp4", id, {{1, p1->etag, {}}, {2, p2->etag, {}}, {3, p3->etag, {}}});
  ASSERT_TRUE(done.ok()) << done.error().message();
  EXPECT_EQ(done->etag, MultipartETag({Md5("AAAAAA"), Md5("BBBBBB"), Md5("CC")}));
  EXPECT_EQ(done->size, 14);
  EXPECT_EQ(done->parts_count, 3);
  EXPECT_EQ(*env_.Get("bkt", "video.mp4"), "AAAAAABBBBBBCC");
  // Ranges across part boundaries, and parts by number.
  EXPECT_EQ(*env_.Get("bkt", "video.mp4", "bytes=4-8"), "AABBB");
  EXPECT_EQ(*env_.Get("bkt", "video.mp4", "bytes=-3"), "BCC");
  auto part2 = env_.s3().GetObject({.bucket = "bkt", .key = "video.mp4", .part_number = 2});
  ASSERT_TRUE(part2.ok());
  EXPECT_EQ(part2->range, (ByteRange{6, 11}));
  EXPECT_EQ(*ReadAll(*part2->body), "BBBBBB");
  part2->body.reset();
  EXPECT_EQ(Code(env_.s3().GetObject({.bucket = "bkt", .key = "video.mp4", .part_number = 4})),
            "InvalidPartNumber");
  auto head = env_.s3().HeadObject({.bucket = "bkt", .key = "video.mp4"});
  EXPECT_EQ(head->info.metadata.content_type, "video/mp4");
  EXPECT_EQ(head->info.tag_count, 1u);
  // The upload is over.
  EXPECT_EQ(Code(env_.s3().ListParts({.bucket = "bkt", .key = "video.mp4", .upload_id = id})),
            "NoSuchUpload");
  EXPECT_EQ(Code(Upload("video.mp4", id, 4, "late")), "NoSuchUpload");
  EXPECT_EQ(env_.DataFiles(), 3u);
  // Overwriting and deleting the object frees every part file.
  ASSERT_TRUE(env_.Put("bkt", "video.mp4", "small").ok());
  EXPECT_EQ(env_.DataFiles(), 1u);
  ASSERT_TRUE(env_.s3().DeleteObject("bkt", "video.mp4").ok());
  EXPECT_EQ(env_.DataFiles(), 0u);
}

TEST_F(Multipart, CompleteChecksAndDiscardsUnlistedParts) {
  std::string id = Create("k");
  auto p1 = Upload("k", id, 1, "1234");  // below the 5-byte minimum
  auto p2 = Upload("k", id, 2, "567890");
  auto p5 = Upload("k", id, 5, "unused part");
  ASSERT_TRUE(p1.ok() && p2.ok() && p5.ok());
  EXPECT_EQ(Code(Complete("k", id, {{1, p1->etag, {}}, {2, p2->etag, {}}})), "EntityTooSmall");
  EXPECT_EQ(Code(Complete("k", id, {{2, p2->etag, {}}, {1, p1->etag, {}}})), "InvalidPartOrder");
  EXPECT_EQ(Code(Complete("k", id, {{3, p2->etag, {}}})), "InvalidPart");
  EXPECT_EQ(Code(Complete("k", id, {{2, p1->etag, {}}})), "InvalidPart");
  EXPECT_EQ(Code(Complete("k", id, {})), "MalformedXML");
  EXPECT_EQ(Code(Complete("k", id, {{0, p1->etag, {}}})), "InvalidArgument");
  // Failed completions changed nothing: the parts are all still there.
  auto parts = env_.s3().ListParts({.bucket = "bkt", .key = "k", .upload_id = id});
  ASSERT_TRUE(parts.ok());
  EXPECT_EQ(parts->parts.size(), 3u);
  EXPECT_EQ(Code(env_.Get("bkt", "k")), "NoSuchKey");
  auto done = Complete("k", id, {{2, p2->etag, {}}, {5, p5->etag, {}}});
  ASSERT_TRUE(done.ok()) << done.error().message();
  EXPECT_EQ(*env_.Get("bkt", "k"), "567890unused part");
  EXPECT_EQ(env_.DataFiles(), 2u);  // part 1 was discarded
}

TEST_F(Multipart, ReuploadingAPartReplacesIt) {
  std::string id = Create("k");
  ASSERT_TRUE(Upload("k", id, 1, "first version").ok());
  auto again = Upload("k", id, 1, "second version");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(env_.DataFiles(), 1u);
  ASSERT_TRUE(Complete("k", id, {{1, again->etag, {}}}).ok());
  EXPECT_EQ(*env_.Get("bkt", "k"), "second version");
}

TEST_F(Multipart, Abort) {
  std::string id = Create("k");
  ASSERT_TRUE(Upload("k", id, 1, "data").ok());
  ASSERT_TRUE(env_.s3().AbortMultipartUpload("bkt", "k", id).ok());
  EXPECT_EQ(env_.DataFiles(), 0u);
  EXPECT_EQ(Code(env_.s3().AbortMultipartUpload("bkt", "k", id)), "NoSuchUpload");
  EXPECT_EQ(Code(env_.s3().AbortMultipartUpload("bkt", "k", "not-an-id")), "NoSuchUpload");
  // The upload id belongs to its key.
  std::string other = Create("k");
  EXPECT_EQ(Code(env_.s3().AbortMultipartUpload("bkt", "other-key", other)), "NoSuchUpload");
  EXPECT_EQ(Code(Upload("other-key", other, 1, "x")), "NoSuchUpload");
}

TEST_F(Multipart, PartDigestsAndChecksums) {
  std::string id = Create("k", ChecksumAlgorithm::kCrc32);
  EXPECT_EQ(Code(Upload("k", id, 1, "abcdef", {.content_md5 = Md5("other")})), "BadDigest");
  EXPECT_EQ(Code(Upload("k", id, 1, "abcdef",
                        {.checksum_algorithm = ChecksumAlgorithm::kSha256,
                         .checksum = ComputeChecksum(ChecksumAlgorithm::kSha256, "abcdef")})),
            "InvalidRequest");  // the upload was created for CRC32
  auto p1 = Upload("k", id, 1, "abcdef");
  auto p2 = Upload("k", id, 2, "ghi",
                   {.checksum_algorithm = ChecksumAlgorithm::kCrc32,
                    .checksum = ComputeChecksum(ChecksumAlgorithm::kCrc32, "ghi")});
  ASSERT_TRUE(p1.ok() && p2.ok());
  ASSERT_TRUE(p1->checksum.has_value());  // computed even when not sent
  EXPECT_EQ(p1->checksum->value,
            Base64Encode(ComputeChecksum(ChecksumAlgorithm::kCrc32, "abcdef")));
  EXPECT_EQ(Code(Complete("k", id, {{1, p1->etag, "AAAAAA=="}, {2, p2->etag, {}}})), "InvalidPart");
  auto done = Complete("k", id, {{1, p1->etag, p1->checksum->value}, {2, p2->etag, {}}});
  ASSERT_TRUE(done.ok());
  ASSERT_TRUE(done->checksum.has_value());
  EXPECT_EQ(done->checksum->type, ChecksumType::kComposite);
  EXPECT_EQ(done->checksum->value,
            CompositeChecksum(ChecksumAlgorithm::kCrc32,
                              {ComputeChecksum(ChecksumAlgorithm::kCrc32, "abcdef"),
                               ComputeChecksum(ChecksumAlgorithm::kCrc32, "ghi")}));
}

TEST_F(Multipart, UploadPartCopyWithRange) {
  ASSERT_TRUE(env_.Put("bkt", "source", "0123456789").ok());
  std::string id = Create("k");
  UploadPartCopyRequest copy{.bucket = "bkt",
                             .key = "k",
                             .upload_id = id,
                             .part_number = 1,
                             .source_bucket = "bkt",
                             .source_key = "source",
                             .source_range = "bytes=2-7"};
  auto p1 = env_.s3().UploadPartCopy(copy);
  ASSERT_TRUE(p1.ok()) << p1.error().message();
  EXPECT_EQ(p1->etag, ETagFromMd5(Md5("234567")));
  copy.part_number = 2;
  copy.source_range.reset();
  auto p2 = env_.s3().UploadPartCopy(copy);
  ASSERT_TRUE(p2.ok());
  copy.source_range = "bytes=5-10";
  EXPECT_EQ(Code(env_.s3().UploadPartCopy(copy)), "InvalidRange");
  copy.source_range = "bytes=5-";
  EXPECT_EQ(Code(env_.s3().UploadPartCopy(copy)), "InvalidArgument");
  copy.source_range.reset();
  copy.source_conditions.if_none_match = "*";
  EXPECT_EQ(Code(env_.s3().UploadPartCopy(copy)), "PreconditionFailed");
  ASSERT_TRUE(Complete("k", id, {{1, p1->etag, {}}, {2, p2->etag, {}}}).ok());
  EXPECT_EQ(*env_.Get("bkt", "k"), "2345670123456789");
  EXPECT_EQ(env_.backend().pinned_files(), 0u);
}

TEST_F(Multipart, ListPartsPages) {
  std::string id = Create("k");
  for (int n : {1, 2, 3, 7, 9}) ASSERT_TRUE(Upload("k", id, n, "part-" + std::to_string(n)).ok());
  auto page = env_.s3().ListParts({.bucket = "bkt", .key = "k", .upload_id = id, .max_parts = 2});
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->parts.size(), 2u);
  EXPECT_TRUE(page->truncated);
  EXPECT_EQ(page->next_part_number_marker, 2);
  EXPECT_EQ(page->upload.owner, "111122223333");
  auto next = env_.s3().ListParts(
      {.bucket = "bkt", .key = "k", .upload_id = id, .part_number_marker = 2, .max_parts = 10});
  ASSERT_EQ(next->parts.size(), 3u);
  EXPECT_EQ(next->parts[0].part_number, 3);
  EXPECT_EQ(next->parts[2].part_number, 9);
  EXPECT_FALSE(next->truncated);
  EXPECT_EQ(next->parts[1].size, 6);
}

TEST_F(Multipart, ListUploadsOrderPrefixDelimiterMarkers) {
  std::string a1 = Create("a");
  env_.clock().Advance(std::chrono::seconds(1));
  std::string a2 = Create("a");
  std::string d1 = Create("dir/one");
  std::string d2 = Create("dir/two");
  std::string z = Create("z");
  auto all = env_.s3().ListMultipartUploads({.bucket = "bkt"});
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->uploads.size(), 5u);
  EXPECT_EQ(all->uploads[0].upload_id, a1);  // same key: by initiation time
  EXPECT_EQ(all->uploads[1].upload_id, a2);
  EXPECT_EQ(all->uploads[2].key, "dir/one");
  EXPECT_EQ(all->uploads[4].key, "z");
  EXPECT_EQ(all->uploads[0].owner, "111122223333");

  auto grouped = env_.s3().ListMultipartUploads({.bucket = "bkt", .delimiter = "/"});
  EXPECT_EQ(grouped->uploads.size(), 3u);
  EXPECT_EQ(grouped->common_prefixes, (std::vector<std::string>{"dir/"}));
  auto prefixed = env_.s3().ListMultipartUploads({.bucket = "bkt", .prefix = "dir/"});
  EXPECT_EQ(prefixed->uploads.size(), 2u);

  auto page = env_.s3().ListMultipartUploads({.bucket = "bkt", .max_uploads = 1});
  EXPECT_TRUE(page->truncated);
  EXPECT_EQ(page->next_key_marker, "a");
  EXPECT_EQ(page->next_upload_id_marker, a1);
  auto next = env_.s3().ListMultipartUploads({.bucket = "bkt",
                                              .key_marker = page->next_key_marker,
                                              .upload_id_marker = page->next_upload_id_marker,
                                              .max_uploads = 1});
  ASSERT_EQ(next->uploads.size(), 1u);
  EXPECT_EQ(next->uploads[0].upload_id, a2);
  auto past_a = env_.s3().ListMultipartUploads({.bucket = "bkt", .key_marker = "a"});
  EXPECT_EQ(past_a->uploads.size(), 3u);  // every upload of "a" skipped
  EXPECT_EQ(Code(env_.s3().ListMultipartUploads({.bucket = "bkt", .upload_id_marker = "bad"})),
            "InvalidArgument");
  (void)d1;
  (void)d2;
  (void)z;
}

}  // namespace
}  // namespace irsa::s3
