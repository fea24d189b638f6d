// S3 request headers into typed requests, typed results into response headers.
#include <gtest/gtest.h>

#include "base/encoding.h"
#include "base/time_format.h"
#include "protocol/s3_headers.h"
#include "unit/protocol/test_util.h"

namespace irsa::protocol {
namespace {

using testing::MakeRequest;

template <typename T>
std::string Code(const Result<T>& r) {
  return r.ok() ? "OK" : r.error().code();
}

std::string HeaderValue(const Headers& headers, std::string_view name) {
  for (const auto& [n, v] : headers) {
    if (n == name) return v;
  }
  return "<absent>";
}

TEST(S3Headers, PutObjectFromABotocoreStreamingUpload) {
  HttpRequest r = MakeRequest("PUT", "/b/k",
                              "host: h\n"
                              "content-type: text/plain\n"
                              "content-encoding: aws-chunked\n"
                              "x-amz-content-sha256: STREAMING-UNSIGNED-PAYLOAD-TRAILER\n"
                              "x-amz-trailer: x-amz-checksum-crc32\n"
                              "x-amz-sdk-checksum-algorithm: CRC32\n"
                              "x-amz-decoded-content-length: 1000\n"
                              "x-amz-meta-Owner: team-a\n"
                              "x-amz-meta-owner: team-b\n"
                              "x-amz-tagging: env=prod&tier=gold\n"
                              "if-none-match: *\n");
  auto put = ParsePutObject(r, "b", "k");
  ASSERT_TRUE(put.ok()) << put.error().message();
  EXPECT_EQ(put->metadata.content_type, "text/plain");
  EXPECT_EQ(put->metadata.content_encoding, "");  // aws-chunked is transport, not stored
  ASSERT_EQ(put->metadata.user.size(), 1u);
  EXPECT_EQ(put->metadata.user[0].second, "team-a,team-b");
  EXPECT_EQ(put->tags.size(), 2u);
  EXPECT_EQ(put->content_length, 1000);
  EXPECT_EQ(put->digests.checksum_algorithm, s3::ChecksumAlgorithm::kCrc32);
  EXPECT_FALSE(put->digests.checksum.has_value());  // the decoder checks the trailer
  EXPECT_EQ(put->conditions.if_none_match, "*");
}

TEST(S3Headers, Digests) {
  HttpRequest r =
      MakeRequest("PUT", "/b/k",
                  "host: h\ncontent-md5: 1B2M2Y8AsgTpgAmY7PhCfg==\n"
                  "x-amz-checksum-sha256: 47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n"
                  "content-length: 0\n");
  auto d = ParseDeclaredDigests(r);
  ASSERT_TRUE(d.ok()) << d.error().message();
  EXPECT_EQ(d->content_md5->size(), 16u);
  EXPECT_EQ(d->checksum_algorithm, s3::ChecksumAlgorithm::kSha256);
  EXPECT_EQ(d->checksum->size(), 32u);
  EXPECT_EQ(Code(ParseDeclaredDigests(MakeRequest("PUT", "/", "content-md5: nope\n"))),
            "InvalidDigest");
  EXPECT_EQ(Code(ParseDeclaredDigests(MakeRequest(
                "PUT", "/", "x-amz-checksum-crc32: AAAAAA==\nx-amz-checksum-sha1: AAAA\n"))),
            "InvalidRequest");
  EXPECT_EQ(
      Code(ParseDeclaredDigests(MakeRequest(
          "PUT", "/", "x-amz-checksum-crc32: AAAAAA==\nx-amz-sdk-checksum-algorithm: SHA1\n"))),
      "InvalidRequest");
  EXPECT_EQ(
      Code(ParseDeclaredDigests(MakeRequest("PUT", "/", "x-amz-sdk-checksum-algorithm: MD5\n"))),
      "InvalidRequest");
  EXPECT_EQ(
      Code(ParseDeclaredDigests(MakeRequest(
          "PUT", "/", "x-amz-checksum-crc32: AAAAAA==\nx-amz-trailer: x-amz-checksum-crc32\n"))),
      "InvalidRequest");
}

TEST(S3Headers, UnsupportedFeaturesAreRefusedNotIgnored) {
  for (const char* header :
       {"x-amz-server-side-encryption-customer-algorithm: AES256\n",
        "x-amz-object-lock-mode: GOVERNANCE\n", "x-amz-website-redirect-location: /x\n",
        "x-amz-grant-read: id=1\n", "x-amz-acl: public-read\n"}) {
    EXPECT_EQ(Code(ParsePutObject(MakeRequest("PUT", "/b/k", header), "b", "k")), "NotImplemented")
        << header;
  }
  EXPECT_EQ(
      Code(ParsePutObject(MakeRequest("PUT", "/b/k", "x-amz-storage-class: GLACIER\n"), "b", "k")),
      "InvalidStorageClass");
  EXPECT_TRUE(ParsePutObject(
                  MakeRequest("PUT", "/b/k", "x-amz-storage-class: STANDARD\nx-amz-acl: private\n"),
                  "b", "k")
                  .ok());
}

TEST(S3Headers, GetObjectRangeConditionsPart) {
  HttpRequest r = MakeRequest("GET", "/b/k",
                              "range: bytes=0-9\nif-match: \"e\"\nif-modified-since: Sat, 28 Nov "
                              "2026 10:54:42 GMT\n");
  auto get = ParseGetObject(r, "b", "k", std::nullopt);
  ASSERT_TRUE(get.ok());
  EXPECT_EQ(get->range->first, 0);
  EXPECT_EQ(get->conditions.if_match, "\"e\"");
  EXPECT_TRUE(get->conditions.if_modified_since.has_value());
  EXPECT_FALSE(ParseGetObject(MakeRequest("GET", "/", "range: junk\n"), "b", "k", std::nullopt)
                   ->range.has_value());
  EXPECT_EQ(ParseGetObject(MakeRequest("GET", "/", ""), "b", "k", "3")->part_number, 3);
  EXPECT_EQ(Code(ParseGetObject(MakeRequest("GET", "/", ""), "b", "k", "0")), "InvalidArgument");
}

TEST(S3Headers, CopySource) {
  auto s = ParseCopySource("/src-bucket/photos/a%20b%2Bc.jpg");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->bucket, "src-bucket");
  EXPECT_EQ(s->key, "photos/a b+c.jpg");
  EXPECT_EQ(ParseCopySource("src/key?versionId=null")->key, "key");
  for (const char* bad :
       {"", "/", "bucket", "bucket/", "/bucket", "b/k?versionId=3HL4kqtJ", "b/k%zz"}) {
    EXPECT_EQ(Code(ParseCopySource(bad)), "InvalidArgument") << bad;
  }
  HttpRequest r = MakeRequest("PUT", "/dst/k",
                              "x-amz-copy-source: src/key\n"
                              "x-amz-metadata-directive: REPLACE\ncontent-type: a/b\n"
                              "x-amz-tagging-directive: REPLACE\nx-amz-tagging: a=1\n"
                              "x-amz-copy-source-if-none-match: \"e\"\n");
  auto copy = ParseCopyObject(r, "dst", "k");
  ASSERT_TRUE(copy.ok()) << copy.error().message();
  EXPECT_EQ(copy->metadata_directive, s3::Directive::kReplace);
  EXPECT_EQ(copy->metadata.content_type, "a/b");
  EXPECT_EQ(copy->tags.size(), 1u);
  EXPECT_EQ(copy->source_conditions.if_none_match, "\"e\"");
  EXPECT_EQ(Code(ParseCopyObject(MakeRequest("PUT", "/",
                                             "x-amz-copy-source: s/k\n"
                                             "x-amz-metadata-directive: MOVE\n"),
                                 "d", "k")),
            "InvalidArgument");
  auto part = ParseUploadPartCopy(MakeRequest("PUT", "/",
                                              "x-amz-copy-source: s/k\n"
                                              "x-amz-copy-source-range: bytes=0-4\n"),
                                  "d", "k", "upload", "2");
  ASSERT_TRUE(part.ok());
  EXPECT_EQ(part->source_range, "bytes=0-4");
  EXPECT_EQ(part->part_number, 2);
}

TEST(S3Headers, ObjectResponse) {
  s3::ObjectRead read;
  read.info.size = 100;
  read.info.etag = "\"e\"";
  read.info.last_modified = FromUnixSeconds(1795863282);
  read.info.metadata.user = {{"owner", "team-a"}};
  read.info.metadata.cache_control = "no-cache";
  read.info.tag_count = 2;
  read.info.parts_count = 3;
  read.info.checksum =
      s3::Checksum{s3::ChecksumAlgorithm::kCrc32, "AAAAAA==-3", s3::ChecksumType::kComposite};
  Headers whole = ObjectResponseHeaders(read, /*checksum_mode=*/true, {});
  EXPECT_EQ(ObjectResponseStatus(read), 200);
  EXPECT_EQ(HeaderValue(whole, "Last-Modified"), "Sat, 28 Nov 2026 10:54:42 GMT");
  EXPECT_EQ(HeaderValue(whole, "Content-Length"), "100");
  EXPECT_EQ(HeaderValue(whole, "Content-Type"), "binary/octet-stream");
  EXPECT_EQ(HeaderValue(whole, "Cache-Control"), "no-cache");
  EXPECT_EQ(HeaderValue(whole, "x-amz-meta-owner"), "team-a");
  EXPECT_EQ(HeaderValue(whole, "x-amz-tagging-count"), "2");
  EXPECT_EQ(HeaderValue(whole, "x-amz-mp-parts-count"), "3");
  EXPECT_EQ(HeaderValue(whole, "x-amz-checksum-crc32"), "AAAAAA==-3");
  EXPECT_EQ(HeaderValue(whole, "Content-Range"), "<absent>");
  EXPECT_EQ(HeaderValue(ObjectResponseHeaders(read, false, {}), "x-amz-checksum-crc32"),
            "<absent>");
  read.range = s3::ByteRange{10, 19};
  Headers ranged = ObjectResponseHeaders(read, true, {{"Content-Type", "text/html"}});
  EXPECT_EQ(ObjectResponseStatus(read), 206);
  EXPECT_EQ(HeaderValue(ranged, "Content-Length"), "10");
  EXPECT_EQ(HeaderValue(ranged, "Content-Range"), "bytes 10-19/100");
  EXPECT_EQ(HeaderValue(ranged, "Content-Type"), "text/html");
  EXPECT_EQ(HeaderValue(ranged, "x-amz-checksum-crc32"), "<absent>");  // not of a range

  s3::PartInfo part{.part_number = 1, .etag = "\"p\""};
  part.checksum =
      s3::Checksum{s3::ChecksumAlgorithm::kCrc32, "AAAAAA==", s3::ChecksumType::kFullObject};
  EXPECT_EQ(HeaderValue(UploadPartResponseHeaders(part), "x-amz-checksum-crc32"), "AAAAAA==");
  EXPECT_EQ(HeaderValue(PutObjectResponseHeaders(read.info), "ETag"), "\"e\"");
  EXPECT_EQ(HeaderValue(CreateMultipartUploadResponseHeaders(
                            {.checksum_algorithm = s3::ChecksumAlgorithm::kSha256}),
                        "x-amz-checksum-algorithm"),
            "SHA256");
}

}  // namespace
}  // namespace irsa::protocol
