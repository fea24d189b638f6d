// Where the forwarding backend's credentials come from: environment variables named by flags, or
// an AWS credentials file; errors name the source, never a value.
#include "server/s3_forward_setup.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace irsa::server {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

S3ForwardSettings Settings() {
  S3ForwardSettings s;
  s.endpoint = "https://upstream.example:9000";
  s.region = "eu-west-1";
  s.access_key_id_env = "IRSA_TEST_FWD_KEY";
  s.secret_access_key_env = "IRSA_TEST_FWD_SECRET";
  s.session_token_env = "IRSA_TEST_FWD_TOKEN";
  return s;
}

TEST(S3ForwardSetup, CredentialsFromTheNamedVariables) {
  ::setenv("IRSA_TEST_FWD_KEY", "AKIAFWD", 1);
  ::setenv("IRSA_TEST_FWD_SECRET", "s3cr3t-value", 1);
  ::setenv("IRSA_TEST_FWD_TOKEN", "tok", 1);
  Result<protocol::S3ForwardOptions> options = ResolveS3Forward(Settings());
  ASSERT_TRUE(options.ok()) << options.error().message();
  EXPECT_EQ(options->credentials.access_key_id, "AKIAFWD");
  EXPECT_EQ(options->credentials.secret_access_key, "s3cr3t-value");
  EXPECT_EQ(options->credentials.session_token, "tok");
  EXPECT_EQ(options->region, "eu-west-1");
  EXPECT_EQ(options->endpoint, "https://upstream.example:9000");

  ::unsetenv("IRSA_TEST_FWD_SECRET");
  options = ResolveS3Forward(Settings());
  ASSERT_FALSE(options.ok());
  EXPECT_THAT(options.error().message(), HasSubstr("IRSA_TEST_FWD_SECRET"));
  EXPECT_THAT(options.error().message(), Not(HasSubstr("AKIAFWD")));
  ::unsetenv("IRSA_TEST_FWD_KEY");
  ::unsetenv("IRSA_TEST_FWD_TOKEN");
}

TEST(S3ForwardSetup, CredentialsFromAFileWinOverVariables) {
  ::setenv("IRSA_TEST_FWD_KEY", "AKIAENV", 1);
  ::setenv("IRSA_TEST_FWD_SECRET", "env-secret", 1);
  const std::string path =
      (std::filesystem::temp_directory_path() / "irsa_s3_forward_creds_test").string();
  {
    std::ofstream out(path);
    out << "[default]\naws_access_key_id = AKIAFILE\naws_secret_access_key=file-secret\n"
           "aws_secret_access_key = second-ignored\n";
  }
  S3ForwardSettings settings = Settings();
  settings.credentials_file = path;
  Result<protocol::S3ForwardOptions> options = ResolveS3Forward(settings);
  ASSERT_TRUE(options.ok()) << options.error().message();
  EXPECT_EQ(options->credentials.access_key_id, "AKIAFILE");
  EXPECT_EQ(options->credentials.secret_access_key, "file-secret");
  EXPECT_EQ(options->credentials.session_token, "");
  {
    std::ofstream out(path);
    out << "aws_access_key_id = AKIAFILE\n";
  }
  options = ResolveS3Forward(settings);
  ASSERT_FALSE(options.ok());
  EXPECT_THAT(options.error().message(), HasSubstr(path));
  EXPECT_THAT(options.error().message(), Not(HasSubstr("AKIAFILE")));
  std::filesystem::remove(path);
  settings.credentials_file = path + ".missing";
  EXPECT_FALSE(ResolveS3Forward(settings).ok());
  settings.endpoint.clear();
  settings.credentials_file.clear();
  options = ResolveS3Forward(settings);
  ASSERT_FALSE(options.ok());
  EXPECT_THAT(options.error().message(), HasSubstr("--s3-forward-endpoint"));
  ::unsetenv("IRSA_TEST_FWD_KEY");
  ::unsetenv("IRSA_TEST_FWD_SECRET");
}

}  // namespace
}  // namespace irsa::server
