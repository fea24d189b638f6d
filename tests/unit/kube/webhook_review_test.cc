// HandleAdmissionReview: the AdmissionReview envelope (v1 and v1beta1) and malformed input.
#include <gtest/gtest.h>

#include <string>

#include "base/encoding.h"
#include "kube/webhook.h"
#include "unit/kube/webhook_test_util.h"

namespace irsa::kube {
namespace {

using testing::FakeLookup;

std::string Review(const std::string& api_version, const std::string& extra_request = "") {
  return R"({"apiVersion":")" + api_version +
         R"(","kind":"AdmissionReview","request":{"uid":"705ab4f5-6393-11e8-b7cc-42010a800002",)"
         R"("kind":{"group":"","version":"v1","kind":"Pod"},)"
         R"("resource":{"group":"","version":"v1","resource":"pods"},)"
         R"("namespace":"default","operation":"CREATE",)" +
         extra_request +
         R"("object":{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},)"
         R"("spec":{"containers":[{"name":"c","image":"amazonlinux"}],"serviceAccountName":"default"}}}})";
}

class ReviewTest : public ::testing::Test {
 protected:
  ReviewTest() {
    lookup_.Put("default", "default",
                {{"eks.amazonaws.com/role-arn", "arn:aws:iam::111122223333:role/s3-reader"}});
  }
  boost::json::object Handle(std::string_view body) {
    const std::string out = HandleAdmissionReview(options_, body, lookup_);
    boost::system::error_code ec;
    boost::json::value v = boost::json::parse(out, ec);
    EXPECT_FALSE(ec) << out;
    return v.is_object() ? v.get_object() : boost::json::object();
  }
  WebhookOptions options_;
  FakeLookup lookup_;
};

TEST_F(ReviewTest, V1AndV1beta1RoundTrip) {
  for (const char* version : {"admission.k8s.io/v1", "admission.k8s.io/v1beta1"}) {
    const std::string out = HandleAdmissionReview(options_, Review(version), lookup_);
    EXPECT_EQ(
        out.rfind(
            std::string(R"({"kind":"AdmissionReview","apiVersion":")") + version +
                R"(","response":{"uid":"705ab4f5-6393-11e8-b7cc-42010a800002","allowed":true,"patch":")",
            0),
        0u)
        << out;
    auto response = boost::json::parse(out).at("response").as_object();
    EXPECT_EQ(response.at("patchType"), "JSONPatch");
    auto patch = Base64Decode(response.at("patch").as_string());
    ASSERT_TRUE(patch.has_value());
    auto ops = boost::json::parse(*patch).as_array();
    ASSERT_EQ(ops.size(), 2u);
    EXPECT_EQ(ops[0].at("path"), "/spec/volumes");
    EXPECT_EQ(ops[1].at("path"), "/spec/containers");
    EXPECT_EQ(ops[1].at("value").at(0).at("env").at(0).at("name"), "AWS_ROLE_ARN");
    EXPECT_FALSE(response.contains("status"));
  }
}

TEST_F(ReviewTest, NotMutatedHasNoPatch) {
  lookup_.Remove("default", "default");
  std::vector<std::string> reasons;
  const std::string out =
      HandleAdmissionReview(options_, Review("admission.k8s.io/v1"), lookup_, &reasons);
  EXPECT_EQ(
      out,
      R"({"kind":"AdmissionReview","apiVersion":"admission.k8s.io/v1","response":{"uid":"705ab4f5-6393-11e8-b7cc-42010a800002","allowed":true}})");
  ASSERT_FALSE(reasons.empty());
}

TEST_F(ReviewTest, LookupFailureWarns) {
  lookup_.FailWith(errors::ServiceUnavailable("boom"));
  auto r = Handle(Review("admission.k8s.io/v1"));
  EXPECT_EQ(r.at("response").at("allowed"), true);
  EXPECT_FALSE(r.at("response").as_object().contains("patch"));
  EXPECT_EQ(r.at("response").at("warnings").as_array().size(), 1u);
}

TEST_F(ReviewTest, OnlyPodCreatesAreMutated) {
  std::string body = Review("admission.k8s.io/v1");
  for (const auto& [from, to] : std::vector<std::pair<std::string, std::string>>{
           {R"("kind":"Pod"})", R"("kind":"Deployment"})"},
           {R"("resource":"pods")", R"("resource":"deployments")"},
           {R"("operation":"CREATE")", R"("operation":"UPDATE")"},
           {R"("operation":"CREATE",)", R"("operation":"CREATE","subResource":"status",)"},
           {R"({"group":"","version":"v1","kind":"Pod"})",
            R"({"group":"apps","version":"v1","kind":"Pod"})"}}) {
    std::string changed = body;
    changed.replace(changed.find(from), from.size(), to);
    auto r = Handle(changed);
    EXPECT_EQ(r.at("response").at("allowed"), true) << to;
    EXPECT_FALSE(r.at("response").as_object().contains("patch")) << to;
  }
}

TEST_F(ReviewTest, MalformedReviewsAreDeniedWithMessage) {
  std::string deep(200, '[');
  for (
      const std::string& body : std::vector<std::string>{
          std::string("not json"),
          std::string("[]"),
          std::string("{}"),
          std::string(""),
          std::string(R"({"request":5})"),
          std::string(R"({"request":{"uid":5}})"),
          std::string(R"({"apiVersion":1,"request":{}})"),
          std::string(R"({"kind":"AdmissionReview","request":{"uid":"u","object":"pod"}})"),
          std::string(R"({"request":{"uid":"u","kind":"Pod"}})"),
          deep,
          std::string(
              R"({"request":{"uid":"u","namespace":"default","object":{"spec":{"serviceAccountName":"default","containers":[{"name":1}]}}}})"),
          std::string("{\"request\":{\"uid\":\"\xff\"}}"),
      }) {
    auto r = Handle(body);
    ASSERT_TRUE(r.contains("response")) << body;
    EXPECT_EQ(r.at("response").at("allowed"), false) << body;
    EXPECT_FALSE(r.at("response").at("status").at("message").as_string().empty()) << body;
  }
  auto r = Handle(R"({"apiVersion":"admission.k8s.io/v1beta1","kind":"AdmissionReview"})");
  EXPECT_EQ(r.at("apiVersion"), "admission.k8s.io/v1beta1");
  EXPECT_EQ(r.at("response").at("status").at("message"), "bad content");
  std::string huge = Review("admission.k8s.io/v1");
  huge.insert(huge.size() - 2, std::string(kMaxAdmissionReviewBytes, ' '));
  EXPECT_EQ(Handle(huge).at("response").at("allowed"), false);
}

TEST_F(ReviewTest, UidEchoedOnMalformedObject) {
  auto r = Handle(
      R"({"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"abc","namespace":"default","object":{"spec":{"serviceAccountName":"default","containers":{}}}}})");
  EXPECT_EQ(r.at("response").at("uid"), "abc");
  EXPECT_EQ(r.at("response").at("allowed"), false);
}

}  // namespace
}  // namespace irsa::kube
