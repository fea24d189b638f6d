// S3 response bodies, the error envelope, and strict parsing of the XML request bodies.
#include <gtest/gtest.h>
#include <libxml/parser.h>

#include "protocol/s3_xml.h"
#include "protocol/s3_xml_parse.h"
#include "s3/text.h"

namespace irsa::protocol {
namespace {

bool WellFormed(const std::string& xml) {
  xmlDocPtr doc = xmlReadMemory(xml.data(), static_cast<int>(xml.size()), nullptr, "UTF-8",
                                XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
  bool ok = doc != nullptr;
  xmlFreeDoc(doc);
  return ok;
}

bool Contains(const std::string& haystack, std::string_view needle) {
  return haystack.find(needle) != std::string::npos;
}

template <typename T>
std::string Code(const Result<T>& r) {
  return r.ok() ? "OK" : r.error().code();
}

const SystemTime kTime = FromUnixSeconds(1795863282);  // 2026-11-28T10:54:42Z

TEST(S3ErrorEnvelope, StandardAndCodeSpecificElements) {
  S3ErrorContext ctx{.resource = "/my-bucket/a key",
                     .request_id = "REQ123",
                     .bucket = "my-bucket",
                     .key = "a key",
                     .upload_id = "up"};
  std::string body = S3ErrorBody(Error("NoSuchKey", 404, "The specified key does not exist."), ctx);
  EXPECT_EQ(body,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>NoSuchKey</Code><Message>The "
            "specified key does not exist.</Message><Key>a key</Key><Resource>/my-bucket/a "
            "key</Resource><RequestId>REQ123</RequestId><HostId>REQ123</HostId></Error>");
  std::string bucket = S3ErrorBody(Error("NoSuchBucket", 404, "m"), ctx);
  EXPECT_TRUE(Contains(bucket, "<BucketName>my-bucket</BucketName>"));
  EXPECT_FALSE(Contains(bucket, "<Key>"));
  EXPECT_TRUE(
      Contains(S3ErrorBody(Error("NoSuchUpload", 404, "m"), ctx), "<UploadId>up</UploadId>"));
  ctx.extra = {{"AWSAccessKeyId", "AKIA"}, {"StringToSign", "AWS4-HMAC-SHA256\n..."}};
  std::string sig = S3ErrorBody(Error("SignatureDoesNotMatch", 403, "m"), ctx);
  EXPECT_TRUE(Contains(sig, "<AWSAccessKeyId>AKIA</AWSAccessKeyId><StringToSign>"));
  EXPECT_TRUE(WellFormed(sig));
}

TEST(S3ErrorEnvelope, HostileTextIsEscapedAndNeverRawInvalidUtf8) {
  S3ErrorContext ctx{.resource = "/b/<script>&\"'\xFF\xFE\x01", .request_id = "r"};
  std::string body = S3ErrorBody(Error("InvalidArgument", 400, "bad \xC3 value <x>"), ctx);
  EXPECT_TRUE(s3::IsXmlSafeText(body));
  EXPECT_TRUE(WellFormed(body));
  EXPECT_TRUE(Contains(body, "&lt;script&gt;&amp;"));
  EXPECT_TRUE(Contains(body, "\xEF\xBF\xBD"));
}

TEST(S3ErrorEnvelope, Responses) {
  HttpResponse r = RenderS3Error(Error("NoSuchBucket", 404, "m"), {.request_id = "id"});
  EXPECT_EQ(r.status, 404);
  EXPECT_FALSE(r.body.empty());
  EXPECT_EQ(r.labels.error_code, "NoSuchBucket");
  bool has_id = false, has_type = false;
  for (const auto& [n, v] : r.headers) {
    has_id |= n == "x-amz-request-id" && v == "id";
    has_type |= n == "Content-Type" && v == "application/xml";
  }
  EXPECT_TRUE(has_id && has_type);
  EXPECT_TRUE(RenderS3Error(Error("NoSuchKey", 404, "m"), {.head = true}).body.empty());
  HttpResponse not_modified = RenderS3Error(Error("NotModified", 304, "m"), {});
  EXPECT_EQ(not_modified.status, 304);
  EXPECT_TRUE(not_modified.body.empty());
}

TEST(S3Xml, ListObjectsV2) {
  s3::ListObjectsV2Result result;
  result.request = {.bucket = "bkt",
                    .prefix = "a b/",
                    .delimiter = "/",
                    .max_keys = 2,
                    .continuation_token = "tok",
                    .start_after = "a b/0",
                    .fetch_owner = true,
                    .encoding = s3::EncodingType::kUrl};
  s3::ObjectSummary object{.key = "a b/c+d.txt",
                           .size = 5,
                           .etag = "\"e\"",
                           .last_modified = kTime,
                           .checksum_algorithm = s3::ChecksumAlgorithm::kCrc32,
                           .checksum_type = s3::ChecksumType::kFullObject};
  result.objects = {object};
  result.common_prefixes = {"a b/sub/"};
  result.truncated = true;
  result.key_count = 2;
  result.next_continuation_token = "next";
  result.owner = "111122223333";
  std::string body = ListObjectsV2Body(result);
  EXPECT_TRUE(WellFormed(body));
  EXPECT_TRUE(
      Contains(body, "<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"));
  EXPECT_TRUE(Contains(body, "<Key>a%20b/c%2Bd.txt</Key>"));
  EXPECT_TRUE(Contains(body, "<Prefix>a%20b/</Prefix>"));
  EXPECT_TRUE(Contains(body, "<EncodingType>url</EncodingType>"));
  EXPECT_TRUE(Contains(body, "<LastModified>2026-11-28T10:54:42.000Z</LastModified>"));
  EXPECT_TRUE(Contains(body, "<ETag>&quot;e&quot;</ETag>"));
  EXPECT_TRUE(Contains(body, "<ChecksumAlgorithm>CRC32</ChecksumAlgorithm>"));
  EXPECT_TRUE(Contains(body, "<Owner><ID>111122223333</ID>"));
  EXPECT_TRUE(Contains(body, "<KeyCount>2</KeyCount><IsTruncated>true</IsTruncated>"));
  EXPECT_TRUE(Contains(body, "<NextContinuationToken>next</NextContinuationToken>"));
  EXPECT_TRUE(Contains(body, "<CommonPrefixes><Prefix>a%20b/sub/</Prefix></CommonPrefixes>"));
  result.request.fetch_owner = false;
  result.request.encoding = s3::EncodingType::kNone;
  std::string plain = ListObjectsV2Body(result);
  EXPECT_FALSE(Contains(plain, "<Owner>"));
  EXPECT_TRUE(Contains(plain, "<Key>a b/c+d.txt</Key>"));
}

TEST(S3Xml, ListObjectsV1AndOthersAreWellFormed) {
  s3::ListObjectsV1Result v1;
  v1.request = {.bucket = "b", .delimiter = "/", .marker = "m"};
  v1.next_marker = "n/";
  v1.truncated = true;
  v1.objects = {{.key = "k&<>", .size = 1, .etag = "\"e\"", .last_modified = kTime}};
  v1.owner = "1";
  std::string body = ListObjectsV1Body(v1);
  EXPECT_TRUE(WellFormed(body));
  EXPECT_TRUE(Contains(body, "<Marker>m</Marker><NextMarker>n/</NextMarker>"));
  EXPECT_TRUE(Contains(body, "<Key>k&amp;&lt;&gt;</Key>"));
  EXPECT_TRUE(Contains(body, "<Owner>"));  // v1 always lists owners

  s3::ListBucketsResult buckets;
  buckets.buckets = {{.name = "b", .owner = "1", .region = "us-east-1", .created = kTime}};
  EXPECT_TRUE(WellFormed(ListBucketsBody(buckets, "1", "")));
  EXPECT_EQ(LocationConstraintBody(""),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<LocationConstraint "
            "xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"></LocationConstraint>");
  EXPECT_TRUE(Contains(LocationConstraintBody("eu-west-1"), ">eu-west-1</LocationConstraint>"));
  EXPECT_TRUE(Contains(PolicyStatusBody(true), "<IsPublic>true</IsPublic>"));
  EXPECT_TRUE(WellFormed(VersioningConfigurationBody()));
  s3::ObjectInfo info{.bucket = "b", .key = "k", .etag = "\"x-2\"", .last_modified = kTime};
  info.checksum =
      s3::Checksum{s3::ChecksumAlgorithm::kCrc32, "AAAAAA==-2", s3::ChecksumType::kComposite};
  std::string complete = CompleteMultipartUploadBody(info, "https://h/b/k");
  EXPECT_TRUE(Contains(complete,
                       "<ChecksumCRC32>AAAAAA==-2</ChecksumCRC32>"
                       "<ChecksumType>COMPOSITE</ChecksumType>"));
  EXPECT_TRUE(WellFormed(CopyObjectResultBody(info)));
  EXPECT_TRUE(WellFormed(CopyPartResultBody({.part_number = 1, .etag = "\"e\""})));
  EXPECT_TRUE(
      WellFormed(InitiateMultipartUploadBody({.bucket = "b", .key = "k", .upload_id = "u"})));
  s3::ListPartsResult parts;
  parts.upload = {.bucket = "b", .key = "k", .upload_id = "u", .owner = "1"};
  parts.parts = {{.part_number = 1, .size = 5, .etag = "\"e\"", .last_modified = kTime}};
  EXPECT_TRUE(WellFormed(ListPartsBody(parts, {.max_parts = 1000})));
  s3::ListMultipartUploadsResult uploads;
  uploads.uploads = {{.bucket = "b", .key = "k", .upload_id = "u", .initiated = kTime}};
  EXPECT_TRUE(
      WellFormed(ListMultipartUploadsBody(uploads, {.bucket = "b"}, s3::EncodingType::kUrl)));
}

TEST(S3Xml, DeleteResultQuietOmitsSuccesses) {
  std::vector<s3::DeleteObjectsEntryResult> results = {
      {.key = "ok"},
      {.key = "bad", .error = Error("KeyTooLongError", 400, "Your key is too long")}};
  std::string loud = DeleteResultBody(results, false);
  EXPECT_TRUE(Contains(loud, "<Deleted><Key>ok</Key></Deleted>"));
  EXPECT_TRUE(Contains(loud, "<Error><Key>bad</Key><Code>KeyTooLongError</Code>"));
  std::string quiet = DeleteResultBody(results, true);
  EXPECT_FALSE(Contains(quiet, "<Deleted>"));
  EXPECT_TRUE(Contains(quiet, "<Error>"));
}

TEST(S3Xml, TaggingRoundTrip) {
  s3::TagSet tags = {{"k&1", "v<1>"}, {"\xE9\xA1\xB9", ""}};
  auto parsed = ParseTagging(TaggingBody(tags));
  ASSERT_TRUE(parsed.ok()) << parsed.error().message();
  EXPECT_EQ(*parsed, tags);
}

// ---- Parsing ----

constexpr const char* kComplete =
    "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
    "<Part><ETag>\"a\"</ETag><PartNumber>1</PartNumber><ChecksumCRC32>AAAAAA==</ChecksumCRC32></"
    "Part>"
    "<Part><PartNumber> 2 </PartNumber><ETag>\"b\"</ETag></Part>"
    "</CompleteMultipartUpload>";

TEST(S3XmlParse, CompleteMultipartUpload) {
  auto parts = ParseCompleteMultipartUpload(kComplete);
  ASSERT_TRUE(parts.ok()) << parts.error().message();
  ASSERT_EQ(parts->size(), 2u);
  EXPECT_EQ((*parts)[0].part_number, 1);
  EXPECT_EQ((*parts)[0].etag, "\"a\"");
  EXPECT_EQ((*parts)[0].checksum, "AAAAAA==");
  EXPECT_EQ((*parts)[1].part_number, 2);
  EXPECT_FALSE((*parts)[1].checksum.has_value());
  // Without namespace, with a declaration and comments.
  EXPECT_TRUE(ParseCompleteMultipartUpload(
                  "<?xml version=\"1.0\" encoding=\"UTF-8\"?><!-- c --><CompleteMultipartUpload>"
                  "<Part><PartNumber>1</PartNumber><ETag>e</ETag></Part></CompleteMultipartUpload>")
                  .ok());
}

TEST(S3XmlParse, DeleteAndCreateBucketConfiguration) {
  auto del = ParseDeleteObjects(
      "<Delete><Object><Key>a&amp;b</Key></Object><Object><Key>c</Key><VersionId>null</VersionId>"
      "</Object><Quiet>true</Quiet></Delete>");
  ASSERT_TRUE(del.ok()) << del.error().message();
  ASSERT_EQ(del->objects.size(), 2u);
  EXPECT_EQ(del->objects[0].key, "a&b");
  EXPECT_EQ(del->objects[1].version_id, "null");
  EXPECT_TRUE(del->quiet);
  EXPECT_EQ(*ParseCreateBucketConfiguration(""), "");
  EXPECT_EQ(*ParseCreateBucketConfiguration(
                "<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                "<LocationConstraint>eu-west-1</LocationConstraint></CreateBucketConfiguration>"),
            "eu-west-1");
}

TEST(S3XmlParse, EverythingElseIsMalformedXML) {
  std::string thousand_and_one = "<Delete>";
  for (int i = 0; i < 1001; ++i) thousand_and_one += "<Object><Key>k</Key></Object>";
  thousand_and_one += "</Delete>";
  const std::vector<std::string> bad_complete = {
      "",
      "not xml",
      "<CompleteMultipartUpload>",
      "<CompleteMultipartUpload></CompleteMultipartUpload>",
      "<Other><Part><PartNumber>1</PartNumber><ETag>e</ETag></Part></Other>",
      "<CompleteMultipartUpload xmlns=\"urn:other\"><Part><PartNumber>1</PartNumber><ETag>e</ETag>"
      "</Part></CompleteMultipartUpload>",
      "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber></Part></CompleteMultipartUpload>",
      "<CompleteMultipartUpload><Part><PartNumber>x</PartNumber><ETag>e</ETag></Part>"
      "</CompleteMultipartUpload>",
      "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><PartNumber>2</PartNumber>"
      "<ETag>e</ETag></Part></CompleteMultipartUpload>",
      "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>e</ETag><Size>3</Size>"
      "</Part></CompleteMultipartUpload>",
      "<CompleteMultipartUpload>text<Part><PartNumber>1</PartNumber><ETag>e</ETag></Part>"
      "</CompleteMultipartUpload>",
      "<CompleteMultipartUpload><Part><PartNumber><b>1</b></PartNumber><ETag>e</ETag></Part>"
      "</CompleteMultipartUpload>",
      "<CompleteMultipartUpload a=\"1\"><Part><PartNumber>1</PartNumber><ETag>e</ETag></Part>"
      "</CompleteMultipartUpload>",
      "<?pi x?><CompleteMultipartUpload/>",
      "<CompleteMultipartUpload><?pi x?></CompleteMultipartUpload>",
      // Entities: declared ones need a DTD (refused); undeclared ones are not well-formed.
      "<!DOCTYPE x [<!ENTITY e \"1\">]><CompleteMultipartUpload><Part><PartNumber>&e;</PartNumber>"
      "<ETag>e</ETag></Part></CompleteMultipartUpload>",
      "<!DOCTYPE x SYSTEM \"file:///etc/passwd\"><CompleteMultipartUpload/>",
      "<CompleteMultipartUpload><Part><PartNumber>&e;</PartNumber><ETag>e</ETag></Part>"
      "</CompleteMultipartUpload>",
      // Encodings other than UTF-8, and bytes that are not UTF-8.
      "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><CompleteMultipartUpload><Part><PartNumber>1"
      "</PartNumber><ETag>\xE9</ETag></Part></CompleteMultipartUpload>",
      "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>\xFF</ETag></Part>"
      "</CompleteMultipartUpload>",
      std::string("<CompleteMultipartUpload>\0</CompleteMultipartUpload>", 51),
      "\xFE\xFF\0<\0C",
      std::string(kMaxCompleteMultipartUploadXml + 1, ' '),
  };
  for (const std::string& body : bad_complete) {
    EXPECT_EQ(Code(ParseCompleteMultipartUpload(body)), "MalformedXML") << body.substr(0, 80);
  }
  const std::vector<std::string> bad_delete = {
      "<Delete></Delete>",
      "<Delete><Object></Object></Delete>",
      "<Delete><Object><Key>a</Key><Key>b</Key></Object></Delete>",
      "<Delete><Object><Key>a</Key></Object><Quiet>yes</Quiet></Delete>",
      "<Delete><Object><Key>a</Key></Object><Quiet>true</Quiet><Quiet>true</Quiet></Delete>",
      "<Delete><Thing/></Delete>",
      thousand_and_one};
  for (const std::string& body : bad_delete) {
    EXPECT_EQ(Code(ParseDeleteObjects(body)), "MalformedXML") << body.substr(0, 80);
  }
  const std::vector<std::string> bad_tagging = {
      "<Tagging></Tagging>", "<Tagging><TagSet><Tag><Key>k</Key></Tag></TagSet></Tagging>",
      "<Tagging><TagSet/><TagSet/></Tagging>",
      "<Tagging><TagSet><Tag><Key>k</Key><Value>v</Value><Extra/></Tag></TagSet></Tagging>",
      "<Tagging><TagSet><Other/></TagSet></Tagging>"};
  for (const std::string& body : bad_tagging) {
    EXPECT_EQ(Code(ParseTagging(body)), "MalformedXML") << body;
  }
  EXPECT_TRUE(ParseTagging("<Tagging><TagSet/></Tagging>")->empty());
  EXPECT_EQ(Code(ParseCreateBucketConfiguration("<CreateBucketConfiguration><Bucket/>"
                                                "</CreateBucketConfiguration>")),
            "MalformedXML");
}

TEST(S3XmlParse, BillionLaughsIsRefusedWithoutExpansion) {
  std::string laughs = "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">";
  for (int i = 1; i < 10; ++i) {
    laughs += "<!ENTITY lol" + std::to_string(i) + " \"";
    for (int j = 0; j < 10; ++j)
      laughs += "&lol" + (i == 1 ? std::string() : std::to_string(i - 1)) + ";";
    laughs += "\">";
  }
  laughs += "]><Tagging><TagSet><Tag><Key>&lol9;</Key><Value>v</Value></Tag></TagSet></Tagging>";
  EXPECT_EQ(Code(ParseTagging(laughs)), "MalformedXML");
}

TEST(S3XmlParse, DeepNestingIsBounded) {
  std::string deep = "<Tagging><TagSet><Tag><Key>";
  for (int i = 0; i < 5000; ++i) deep += "<a>";
  for (int i = 0; i < 5000; ++i) deep += "</a>";
  deep += "</Key><Value>v</Value></Tag></TagSet></Tagging>";
  EXPECT_EQ(Code(ParseTagging(deep)), "MalformedXML");
}

}  // namespace
}  // namespace irsa::protocol
