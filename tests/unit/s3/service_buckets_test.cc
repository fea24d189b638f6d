// S3Service bucket operations over SQLite and the local backend.
#include <gtest/gtest.h>

#include "s3/errors.h"
#include "unit/s3/s3_test_util.h"

namespace irsa::s3 {
namespace {

using testing::S3Env;

template <typename T>
std::string Code(const Result<T>& r) {
  return r.ok() ? "OK" : r.error().code();
}
std::string Code(const Status& s) { return s.ok() ? "OK" : s.error().code(); }

constexpr const char* kOwner = "111122223333";
constexpr const char* kOther = "444455556666";

TEST(Buckets, CreateHeadLocationDelete) {
  S3Env env;
  auto created = env.s3().CreateBucket({.bucket = "my-pod-secrets-bucket", .owner = kOwner});
  ASSERT_TRUE(created.ok()) << created.error().message();
  EXPECT_EQ(created->owner, kOwner);
  EXPECT_EQ(created->region, "us-east-1");
  EXPECT_EQ(created->created, env.clock().Now());
  auto head = env.s3().HeadBucket("my-pod-secrets-bucket");
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(head->owner, kOwner);
  EXPECT_EQ(*env.s3().GetBucketLocation("my-pod-secrets-bucket"), "");  // us-east-1: empty
  EXPECT_TRUE(env.s3().DeleteBucket("my-pod-secrets-bucket").ok());
  EXPECT_EQ(Code(env.s3().HeadBucket("my-pod-secrets-bucket")), "NoSuchBucket");
  EXPECT_EQ(Code(env.s3().DeleteBucket("my-pod-secrets-bucket")), "NoSuchBucket");
  EXPECT_EQ(Code(env.s3().CreateBucket({.bucket = "Bad_Name", .owner = kOwner})),
            "InvalidBucketName");
  EXPECT_EQ(Code(env.s3().HeadBucket("Bad_Name")), "InvalidBucketName");
}

TEST(Buckets, NamespaceIsGlobal) {
  S3Env env;
  env.CreateBucket("shared-name", kOwner);
  // us-east-1: the owner re-creating gets 200 (S3's legacy behaviour), another account 409.
  EXPECT_EQ(Code(env.s3().CreateBucket({.bucket = "shared-name", .owner = kOwner})), "OK");
  EXPECT_EQ(Code(env.s3().CreateBucket({.bucket = "shared-name", .owner = kOther})),
            "BucketAlreadyExists");
  S3Env eu("eu-west-1");
  ASSERT_TRUE(eu.s3()
                  .CreateBucket(
                      {.bucket = "eu-bucket", .owner = kOwner, .location_constraint = "eu-west-1"})
                  .ok());
  EXPECT_EQ(Code(eu.s3().CreateBucket(
                {.bucket = "eu-bucket", .owner = kOwner, .location_constraint = "eu-west-1"})),
            "BucketAlreadyOwnedByYou");
  EXPECT_EQ(*eu.s3().GetBucketLocation("eu-bucket"), "eu-west-1");
}

TEST(Buckets, LocationConstraintMustBeThisRegion) {
  S3Env env;
  EXPECT_EQ(Code(env.s3().CreateBucket(
                {.bucket = "b-one", .owner = kOwner, .location_constraint = "eu-west-1"})),
            "IllegalLocationConstraintException");
  EXPECT_EQ(Code(env.s3().CreateBucket(
                {.bucket = "b-two", .owner = kOwner, .location_constraint = "us-east-1"})),
            "OK");
  S3Env eu("eu-west-1");
  Result<BucketRecord> unspecified = eu.s3().CreateBucket({.bucket = "b-three", .owner = kOwner});
  EXPECT_EQ(Code(unspecified), "IllegalLocationConstraintException");
  EXPECT_NE(unspecified.error().message().find("unspecified"), std::string::npos);
  EXPECT_EQ(Code(eu.s3().CreateBucket(
                {.bucket = "b-four", .owner = kOwner, .location_constraint = "\xFF<x>"})),
            "IllegalLocationConstraintException");
}

TEST(Buckets, QuotaPerAccount) {
  S3Env env;
  store::Store& store = env.store();
  S3Service small(store, env.backend(), env.clock(),
                  {.listing_token_key = std::string(16, 'k'), .max_buckets_per_account = 2});
  ASSERT_TRUE(small.CreateBucket({.bucket = "q-one", .owner = kOwner}).ok());
  ASSERT_TRUE(small.CreateBucket({.bucket = "q-two", .owner = kOwner}).ok());
  EXPECT_EQ(Code(small.CreateBucket({.bucket = "q-three", .owner = kOwner})), "TooManyBuckets");
  EXPECT_EQ(Code(small.CreateBucket({.bucket = "q-three", .owner = kOther})), "OK");
}

TEST(Buckets, ListIsPerOwnerSortedAndPaged) {
  S3Env env;
  for (const char* name : {"charlie", "alpha", "bravo", "delta"}) env.CreateBucket(name, kOwner);
  env.CreateBucket("other-account", kOther);
  auto all = env.s3().ListBuckets({.owner = kOwner});
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->buckets.size(), 4u);
  EXPECT_EQ(all->buckets[0].name, "alpha");
  EXPECT_EQ(all->buckets[3].name, "delta");
  EXPECT_TRUE(all->continuation_token.empty());
  auto page1 = env.s3().ListBuckets({.owner = kOwner, .max_buckets = 3});
  ASSERT_EQ(page1->buckets.size(), 3u);
  ASSERT_FALSE(page1->continuation_token.empty());
  auto page2 = env.s3().ListBuckets(
      {.owner = kOwner, .continuation_token = page1->continuation_token, .max_buckets = 3});
  ASSERT_EQ(page2->buckets.size(), 1u);
  EXPECT_EQ(page2->buckets[0].name, "delta");
  EXPECT_TRUE(page2->continuation_token.empty());
  // Another account cannot use the token; a forged one is refused.
  EXPECT_EQ(Code(env.s3().ListBuckets(
                {.owner = kOther, .continuation_token = page1->continuation_token})),
            "InvalidArgument");
  EXPECT_EQ(Code(env.s3().ListBuckets({.owner = kOwner, .continuation_token = "YWxwaGE.AAAA"})),
            "InvalidArgument");
  auto prefixed = env.s3().ListBuckets({.owner = kOwner, .prefix = "b"});
  ASSERT_EQ(prefixed->buckets.size(), 1u);
  EXPECT_EQ(prefixed->buckets[0].name, "bravo");
  EXPECT_EQ(Code(env.s3().ListBuckets({.owner = kOwner, .max_buckets = 0})), "InvalidArgument");
}

TEST(Buckets, DeleteRefusesObjectsAndAbortsUploads) {
  S3Env env;
  env.CreateBucket("full");
  ASSERT_TRUE(env.Put("full", "k", "v").ok());
  EXPECT_EQ(Code(env.s3().DeleteBucket("full")), "BucketNotEmpty");
  ASSERT_TRUE(env.s3().DeleteObject("full", "k").ok());
  auto upload = env.s3().CreateMultipartUpload({.bucket = "full", .key = "mpu"});
  ASSERT_TRUE(upload.ok());
  StringSource part("part");
  ASSERT_TRUE(
      env.s3()
          .UploadPart(
              {.bucket = "full", .key = "mpu", .upload_id = upload->upload_id, .part_number = 1},
              part)
          .ok());
  EXPECT_EQ(env.DataFiles(), 1u);
  EXPECT_TRUE(env.s3().DeleteBucket("full").ok());
  EXPECT_EQ(env.DataFiles(), 0u);
  // The name is free again, with nothing left from before.
  env.CreateBucket("full", kOther);
  auto uploads = env.s3().ListMultipartUploads({.bucket = "full"});
  ASSERT_TRUE(uploads.ok());
  EXPECT_TRUE(uploads->uploads.empty());
}

TEST(Buckets, Policy) {
  S3Env env;
  env.CreateBucket("pol");
  EXPECT_EQ(Code(env.s3().GetBucketPolicy("pol")), "NoSuchBucketPolicy");
  EXPECT_EQ(Code(env.s3().GetBucketPolicyStatus("pol")), "NoSuchBucketPolicy");
  const std::string policy =
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"s3:GetObject","Resource":["arn:aws:s3:::pol/*","arn:aws:s3:::pol"]}]})";
  ASSERT_TRUE(env.s3().PutBucketPolicy("pol", policy).ok());
  EXPECT_EQ(*env.s3().GetBucketPolicy("pol"), policy);  // byte for byte
  EXPECT_FALSE(*env.s3().GetBucketPolicyStatus("pol"));
  const std::string public_policy =
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::pol/*"}]})";
  ASSERT_TRUE(env.s3().PutBucketPolicy("pol", public_policy).ok());
  EXPECT_TRUE(*env.s3().GetBucketPolicyStatus("pol"));
  const std::string conditional_public =
      R"({"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::pol/*","Condition":{"Bool":{"aws:SecureTransport":"true"}}}]})";
  ASSERT_TRUE(env.s3().PutBucketPolicy("pol", conditional_public).ok());
  EXPECT_FALSE(*env.s3().GetBucketPolicyStatus("pol"));
  const std::string globbed =
      R"({"Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::po*"}]})";
  EXPECT_TRUE(env.s3().PutBucketPolicy("pol", globbed).ok());

  EXPECT_EQ(Code(env.s3().PutBucketPolicy("pol", "not json")), "MalformedPolicy");
  EXPECT_EQ(
      Code(env.s3().PutBucketPolicy(
          "pol",
          R"({"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::pol/*"}]})")),
      "MalformedPolicy");  // a resource policy needs a Principal
  EXPECT_EQ(
      Code(env.s3().PutBucketPolicy(
          "pol",
          R"({"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::other/*"}]})")),
      "MalformedPolicy");
  EXPECT_EQ(
      Code(env.s3().PutBucketPolicy(
          "pol",
          R"({"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::polx/*"}]})")),
      "MalformedPolicy");
  EXPECT_EQ(Code(env.s3().PutBucketPolicy("pol", std::string(20 * 1024 + 1, ' '))),
            "MalformedPolicy");
  EXPECT_EQ(*env.s3().GetBucketPolicy("pol"), globbed);  // failed puts changed nothing
  ASSERT_TRUE(env.s3().DeleteBucketPolicy("pol").ok());
  EXPECT_EQ(Code(env.s3().GetBucketPolicy("pol")), "NoSuchBucketPolicy");
  EXPECT_EQ(Code(env.s3().PutBucketPolicy("missing", policy)), "NoSuchBucket");
}

TEST(Buckets, Tagging) {
  S3Env env;
  env.CreateBucket("tagged");
  EXPECT_EQ(Code(env.s3().GetBucketTagging("tagged")), "NoSuchTagSet");
  TagSet tags = {{"team", "a"}, {"cost-center", "42"}};
  ASSERT_TRUE(env.s3().PutBucketTagging("tagged", tags).ok());
  EXPECT_EQ(*env.s3().GetBucketTagging("tagged"), tags);
  EXPECT_EQ(Code(env.s3().PutBucketTagging("tagged", {{"dup", "1"}, {"dup", "2"}})), "InvalidTag");
  EXPECT_EQ(*env.s3().GetBucketTagging("tagged"), tags);
  ASSERT_TRUE(env.s3().DeleteBucketTagging("tagged").ok());
  EXPECT_EQ(Code(env.s3().GetBucketTagging("tagged")), "NoSuchTagSet");
  EXPECT_EQ(Code(env.s3().PutBucketTagging("absent", tags)), "NoSuchBucket");
}

}  // namespace
}  // namespace irsa::s3
