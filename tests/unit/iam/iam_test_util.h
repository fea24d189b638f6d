// Shared fixture for the IAM service tests: an in-memory store, a fake clock, seeded randomness
// and a ServiceContext with AWS-default quotas (tests shrink them to exercise limits).
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "base/clock.h"
#include "base/random.h"
#include "iam/service_context.h"
#include "unit/iam/memory_store.h"

namespace irsa::iam::testing {

inline constexpr char kAccount[] = "111122223333";
inline constexpr char kOtherAccount[] = "444455556666";

inline constexpr char kS3Read[] =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]})";
inline constexpr char kS3Write[] =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:PutObject","Resource":"*"}]})";
inline constexpr char kWebIdentityTrust[] =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111122223333:oidc-provider/oidc.example.com/id/ABC"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"oidc.example.com/id/ABC:sub":"system:serviceaccount:default:app","oidc.example.com/id/ABC:aud":"sts.amazonaws.com"}}}]})";

#define EXPECT_ERROR(expr, code_, message_)         \
  do {                                              \
    auto irsa_r_ = (expr);                          \
    ASSERT_FALSE(irsa_r_.ok());                     \
    EXPECT_EQ(irsa_r_.error().code(), code_);       \
    EXPECT_EQ(irsa_r_.error().message(), message_); \
  } while (false)

#define EXPECT_ERROR_CODE(expr, code_)                                     \
  do {                                                                     \
    auto irsa_r_ = (expr);                                                 \
    ASSERT_FALSE(irsa_r_.ok());                                            \
    EXPECT_EQ(irsa_r_.error().code(), code_) << irsa_r_.error().message(); \
  } while (false)

#define ASSERT_OK(expr)                                                                       \
  do {                                                                                        \
    auto irsa_r_ = (expr);                                                                    \
    ASSERT_TRUE(irsa_r_.ok()) << irsa_r_.error().code() << ": " << irsa_r_.error().message(); \
  } while (false)

class IamTest : public ::testing::Test {
 protected:
  IamTest() : clock_(FakeClock::AtUnixSeconds(1800000000)), random_(42) {}

  ServiceContext ctx() { return ServiceContext{store_, clock_, random_, quotas_}; }

  // A trust policy naming an AWS principal.
  static std::string AwsPrincipalTrust(const std::string& principal) {
    return R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":")" +
           principal + R"("},"Action":"sts:AssumeRole"}]})";
  }

  MemoryStore store_;
  FakeClock clock_;
  SeededRandom random_;
  Quotas quotas_;
};

}  // namespace irsa::iam::testing
