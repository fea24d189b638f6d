// The local backend's storage discipline: layout, the start-up sweep, the directory lock.
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

#include "s3/local_files.h"
#include "unit/s3/s3_test_util.h"

namespace irsa::s3 {
namespace {

using testing::CountFiles;
using testing::S3Env;
namespace fs = std::filesystem;

void WriteFile(const fs::path& path, std::string_view content) {
  std::ofstream out(path, std::ios::binary);
  out << content;
}

TEST(LocalStorage, LayoutIsCreated) {
  S3Env env;
  EXPECT_TRUE(fs::is_regular_file(env.data_root() / "LOCK"));
  EXPECT_TRUE(fs::is_directory(env.data_root() / "tmp"));
  EXPECT_TRUE(fs::is_directory(env.data_root() / "data" / "00"));
  EXPECT_TRUE(fs::is_directory(env.data_root() / "data" / "ff"));
  env.CreateBucket("bkt");
  ASSERT_TRUE(env.Put("bkt", "k", "hello").ok());
  // The body lives under data/<xx>/<id> with the content as sent.
  std::vector<fs::path> files;
  for (auto& e : fs::recursive_directory_iterator(env.data_root() / "data")) {
    if (e.is_regular_file()) files.push_back(e.path());
  }
  ASSERT_EQ(files.size(), 1u);
  EXPECT_TRUE(local::IsFileId(files[0].filename().string()));
  EXPECT_EQ(files[0].parent_path().filename().string(), files[0].filename().string().substr(0, 2));
  std::ifstream in(files[0], std::ios::binary);
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(content, "hello");
  EXPECT_EQ(fs::status(files[0]).permissions() & fs::perms::others_read, fs::perms::none);
}

TEST(LocalStorage, OpenSweepsDebrisAndKeepsEveryReferencedFile) {
  S3Env env;
  env.CreateBucket("bkt");
  ASSERT_TRUE(env.Put("bkt", "single", "one file").ok());
  auto upload = env.s3().CreateMultipartUpload({.bucket = "bkt", .key = "mpu"});
  StringSource p1("part one"), p2("part two");
  auto part1 = env.s3().UploadPart(
      {.bucket = "bkt", .key = "mpu", .upload_id = upload->upload_id, .part_number = 1}, p1);
  auto part2 = env.s3().UploadPart(
      {.bucket = "bkt", .key = "mpu", .upload_id = upload->upload_id, .part_number = 2}, p2);
  ASSERT_TRUE(env.s3()
                  .CompleteMultipartUpload({.bucket = "bkt",
                                            .key = "mpu",
                                            .upload_id = upload->upload_id,
                                            .parts = {{1, part1->etag, {}}, {2, part2->etag, {}}}})
                  .ok());
  auto pending = env.s3().CreateMultipartUpload({.bucket = "bkt", .key = "pending"});
  StringSource p3("in progress");
  ASSERT_TRUE(env.s3()
                  .UploadPart({.bucket = "bkt",
                               .key = "pending",
                               .upload_id = pending->upload_id,
                               .part_number = 1},
                              p3)
                  .ok());
  EXPECT_EQ(env.DataFiles(), 4u);
  env.Close();

  // Debris of interrupted writes: a temp file, an unreferenced published file; and a stranger.
  WriteFile(env.data_root() / "tmp" / "0123456789abcdef.tmp", "partial");
  WriteFile(env.data_root() / "data" / "ab" / "abababababababababababababababab", "orphan");
  WriteFile(env.data_root() / "data" / "ab" / "README", "not a file id: left alone");
  env.Open();
  EXPECT_EQ(env.backend().sweep_report().files_removed, 1u);
  EXPECT_EQ(env.backend().sweep_report().files_kept, 4u);
  EXPECT_EQ(CountFiles(env.data_root() / "tmp"), 0u);
  EXPECT_FALSE(fs::exists(env.data_root() / "data" / "ab" / "abababababababababababababababab"));
  EXPECT_TRUE(fs::exists(env.data_root() / "data" / "ab" / "README"));
  EXPECT_EQ(*env.Get("bkt", "single"), "one file");
  EXPECT_EQ(*env.Get("bkt", "mpu"), "part onepart two");
  auto parts =
      env.s3().ListParts({.bucket = "bkt", .key = "pending", .upload_id = pending->upload_id});
  ASSERT_TRUE(parts.ok());
  EXPECT_EQ(parts->parts.size(), 1u);
}

TEST(LocalStorage, OneProcessPerDirectory) {
  S3Env env;
  SeededRandom random(1);
  auto second =
      LocalBackend::Open(env.store(), env.clock(), random, {.root = env.data_root().string()});
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code(), "InternalError");
  EXPECT_NE(second.error().message().find("in use"), std::string::npos);
  EXPECT_EQ(second.error().message().find(env.data_root().string()), std::string::npos);
  // Closing releases the lock.
  env.Close();
  env.Open();
  env.CreateBucket("bkt");
  EXPECT_TRUE(env.Put("bkt", "k", "v").ok());
}

}  // namespace
}  // namespace irsa::s3
