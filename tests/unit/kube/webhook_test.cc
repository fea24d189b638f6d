// MutatePod against the upstream amazon-eks-pod-identity-webhook behaviour
// (../shared/reference/irsa-wire-spec.md §5.3/§5.4). Expected patches are the exact bytes the Go
// webhook emits for the same pod, ServiceAccount and flags.
#include "kube/webhook.h"

#include <gtest/gtest.h>

#include <string>

#include "kube/webhook_extras.h"
#include "kube/webhook_go.h"
#include "unit/kube/webhook_test_util.h"

namespace irsa::kube {
namespace {

using testing::FakeLookup;
using testing::ParseObject;

constexpr char kRole[] = "arn:aws:iam::111122223333:role/s3-reader";
constexpr char kCnRole[] = "arn:aws-cn:iam::111122223333:role/s3-reader";

std::string TokenVolume(const std::string& audience = "sts.amazonaws.com",
                        int64_t seconds = 86400) {
  std::string token = audience.empty() ? "" : "\"audience\":\"" + audience + "\",";
  return R"({"name":"aws-iam-token","projected":{"sources":[{"serviceAccountToken":{)" + token +
         "\"expirationSeconds\":" + std::to_string(seconds) + R"(,"path":"token"}}]}})";
}
std::string VolumesOp(const std::string& audience = "sts.amazonaws.com", int64_t seconds = 86400) {
  return R"({"op":"add","path":"/spec/volumes","value":[)" + TokenVolume(audience, seconds) + "]}";
}
const std::string kMount =
    R"("volumeMounts":[{"name":"aws-iam-token","readOnly":true,"mountPath":"/var/run/secrets/eks.amazonaws.com/serviceaccount"}])";
std::string IdentityEnv(const std::string& role = kRole) {
  return R"({"name":"AWS_ROLE_ARN","value":")" + role +
         R"("},{"name":"AWS_WEB_IDENTITY_TOKEN_FILE","value":"/var/run/secrets/eks.amazonaws.com/serviceaccount/token"})";
}

class WebhookTest : public ::testing::Test {
 protected:
  void Annotate(std::map<std::string, std::string> extra = {}, const std::string& role = kRole) {
    extra["eks.amazonaws.com/role-arn"] = role;
    lookup_.Put("default", "default", std::move(extra));
  }

  // Runs MutatePod on `pod` (JSON) in namespace "default"; returns the Go-serialised patch, or
  // "" when the pod is not mutated.
  std::string Patch(const std::string& pod) {
    auto result = MutatePod(options_, ParseObject(pod), "default", lookup_);
    EXPECT_TRUE(result.ok()) << (result.ok() ? "" : result.error().message());
    if (!result.ok()) return "<error>";
    last_ = *result;
    return result->mutate ? GoJsonMarshal(result->patch) : "";
  }

  WebhookOptions options_;
  FakeLookup lookup_;
  MutationResult last_;
};

constexpr char kSimplePod[] =
    R"({"apiVersion":"v1","kind":"Pod","metadata":{"name":"balajilovesoreos"},
        "spec":{"containers":[{"image":"amazonlinux","name":"balajilovesoreos"}],
                "serviceAccountName":"default"}})";

TEST_F(WebhookTest, SpecExamplePatchByteForByte) {
  Annotate({{"eks.amazonaws.com/audience", "sts.amazonaws.com"}});
  // irsa-wire-spec.md §5.4, minified.
  const std::string expected =
      R"([{"op":"add","path":"/spec/volumes","value":[{"name":"aws-iam-token","projected":{"sources":[{"serviceAccountToken":{"audience":"sts.amazonaws.com","expirationSeconds":86400,"path":"token"}}]}}]},)"
      R"({"op":"add","path":"/spec/containers","value":[{"name":"balajilovesoreos","image":"amazonlinux",)"
      R"("env":[{"name":"AWS_ROLE_ARN","value":"arn:aws:iam::111122223333:role/s3-reader"},)"
      R"({"name":"AWS_WEB_IDENTITY_TOKEN_FILE","value":"/var/run/secrets/eks.amazonaws.com/serviceaccount/token"}],)"
      R"("resources":{},"volumeMounts":[{"name":"aws-iam-token","readOnly":true,"mountPath":"/var/run/secrets/eks.amazonaws.com/serviceaccount"}]}]}])";
  EXPECT_EQ(Patch(kSimplePod), expected);
  EXPECT_TRUE(last_.changed);
  EXPECT_FALSE(last_.reasons.empty());
  EXPECT_TRUE(last_.warnings.empty());
}

TEST_F(WebhookTest, NoRoleNoPatch) {
  lookup_.Put("default", "default", {{"eks.amazonaws.com/audience", "x"}});
  EXPECT_EQ(Patch(kSimplePod), "");
  EXPECT_FALSE(last_.mutate);
  Annotate({}, "");  // an empty role-arn annotation is no role
  EXPECT_EQ(Patch(kSimplePod), "");
  lookup_.Remove("default", "default");  // no ServiceAccount at all
  EXPECT_EQ(Patch(kSimplePod), "");
  EXPECT_NE(last_.reasons.back().find("not found"), std::string::npos);
  // Another prefix: the eks.amazonaws.com annotation no longer counts.
  Annotate();
  options_.annotation_prefix = "irsa.example.com";
  EXPECT_EQ(Patch(kSimplePod), "");
  lookup_.Put("default", "default", {{"irsa.example.com/role-arn", kRole}});
  EXPECT_NE(Patch(kSimplePod), "");
}

TEST_F(WebhookTest, LookupIsPerRequestNamespaceAndName) {
  lookup_.Put("other", "default", {{"eks.amazonaws.com/role-arn", kRole}});
  EXPECT_EQ(Patch(kSimplePod), "") << "the request namespace is 'default'";
  auto r = MutatePod(options_, ParseObject(kSimplePod), "other", lookup_);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->mutate);
  auto none = MutatePod(options_, ParseObject(R"({"spec":{"containers":[{"name":"a"}]}})"), "other",
                        lookup_);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->mutate) << "no serviceAccountName";
}

TEST_F(WebhookTest, LookupFailureAllowsWithWarning) {
  Annotate();
  lookup_.FailWith(errors::ServiceUnavailable("apiserver down"));
  EXPECT_EQ(Patch(kSimplePod), "");
  ASSERT_EQ(last_.warnings.size(), 1u);
  EXPECT_NE(last_.warnings[0].find("apiserver down"), std::string::npos);
}

TEST_F(WebhookTest, PodWithVolumesPrepends) {
  Annotate({{"eks.amazonaws.com/audience", "sts.amazonaws.com"}});
  const std::string containers =
      R"({"op":"add","path":"/spec/containers","value":[{"name":"balajilovesoreos","image":"amazonlinux","env":[)" +
      IdentityEnv() + R"(],"resources":{},)" + kMount + "}]}";
  EXPECT_EQ(Patch(R"({"spec":{"containers":[{"image":"amazonlinux","name":"balajilovesoreos"}],
                     "serviceAccountName":"default","volumes":[{"name":"my-volume"}]}})"),
            R"([{"op":"add","path":"/spec/volumes/0","value":)" + TokenVolume() + "}," +
                containers + "]");
  // An empty (non-nil) volumes array is prepended to as well, like Go's non-nil slice.
  EXPECT_EQ(Patch(R"({"spec":{"containers":[{"image":"amazonlinux","name":"balajilovesoreos"}],
                     "serviceAccountName":"default","volumes":[]}})"),
            R"([{"op":"add","path":"/spec/volumes/0","value":)" + TokenVolume() + "}," +
                containers + "]");
  // null volumes are nil.
  EXPECT_EQ(Patch(R"({"spec":{"containers":[{"image":"amazonlinux","name":"balajilovesoreos"}],
                     "serviceAccountName":"default","volumes":null}})"),
            "[" + VolumesOp() + "," + containers + "]");
}

TEST_F(WebhookTest, InitContainersAndNativeSidecar) {
  Annotate({{"eks.amazonaws.com/audience", "sts.amazonaws.com"}});
  options_.aws_default_region = "seattle";
  const std::string env =
      R"("env":[{"name":"AWS_DEFAULT_REGION","value":"seattle"},{"name":"AWS_REGION","value":"seattle"},)" +
      IdentityEnv() + "]";
  const std::string expected =
      "[" + VolumesOp() +
      R"(,{"op":"add","path":"/spec/containers","value":[{"name":"balajilovesoreos","image":"amazonlinux",)" +
      env + R"(,"resources":{},)" + kMount +
      R"(}]},{"op":"add","path":"/spec/initContainers","value":[{"name":"initcontainer","image":"amazonlinux",)" +
      env + R"(,"resources":{},)" + kMount + R"(},{"name":"sidecar","image":"amazonlinux",)" + env +
      R"(,"resources":{},"restartPolicy":"Always",)" + kMount + "}]}]";
  EXPECT_EQ(Patch(R"({"spec":{
      "initContainers":[{"image":"amazonlinux","name":"initcontainer"},
                        {"image":"amazonlinux","name":"sidecar","restartPolicy":"Always"}],
      "serviceAccountName":"default",
      "containers":[{"image":"amazonlinux","name":"balajilovesoreos"}]}})"),
            expected);
  EXPECT_EQ(last_.reasons.size(), 5u) << "header, 3 containers, volume";
}

TEST_F(WebhookTest, RegionFlagAndPresetRegion) {
  Annotate();
  // A preset AWS_REGION suppresses both region variables; the identity pair is still added.
  EXPECT_EQ(
      Patch(R"({"spec":{"containers":[{"env":[{"name":"AWS_REGION","value":"paris"}],
                     "image":"amazonlinux","name":"c"}],"serviceAccountName":"default"}})"),
      "[" + VolumesOp() +
          R"(,{"op":"add","path":"/spec/containers","value":[{"name":"c","image":"amazonlinux","env":[{"name":"AWS_REGION","value":"paris"},)" +
          IdentityEnv() + R"(],"resources":{},)" + kMount + "}]}]");
  options_.aws_default_region = "eu-west-1";
  EXPECT_EQ(
      Patch(R"({"spec":{"containers":[{"env":[{"name":"AWS_DEFAULT_REGION","value":"x"}],
                     "name":"c"}],"serviceAccountName":"default"}})"),
      "[" + VolumesOp() +
          R"(,{"op":"add","path":"/spec/containers","value":[{"name":"c","env":[{"name":"AWS_DEFAULT_REGION","value":"x"},)" +
          IdentityEnv() + R"(],"resources":{},)" + kMount + "}]}]");
}

TEST_F(WebhookTest, RegionalStsAnnotationAndFlag) {
  Annotate({{"eks.amazonaws.com/sts-regional-endpoints", "true"}}, kCnRole);
  options_.aws_default_region = "cn-north-1";
  const std::string all_env =
      R"({"name":"AWS_STS_REGIONAL_ENDPOINTS","value":"regional"},{"name":"AWS_DEFAULT_REGION","value":"cn-north-1"},{"name":"AWS_REGION","value":"cn-north-1"},)" +
      IdentityEnv(kCnRole);
  const std::string pod =
      R"({"spec":{"containers":[{"image":"amazonlinux","name":"c"}],"serviceAccountName":"default"}})";
  const std::string expected =
      "[" + VolumesOp() +
      R"(,{"op":"add","path":"/spec/containers","value":[{"name":"c","image":"amazonlinux","env":[)" +
      all_env + R"(],"resources":{},)" + kMount + "}]}]";
  EXPECT_EQ(Patch(pod), expected);
  // Go ParseBool spellings.
  for (const char* yes : {"1", "t", "T", "TRUE", "True"}) {
    Annotate({{"eks.amazonaws.com/sts-regional-endpoints", yes}}, kCnRole);
    EXPECT_EQ(Patch(pod), expected) << yes;
  }
  // The flag alone.
  Annotate({}, kCnRole);
  options_.sts_regional_endpoint = true;
  EXPECT_EQ(Patch(pod), expected);
  // The SA annotation "false" overrides the flag; an invalid value is ignored (flag wins).
  Annotate({{"eks.amazonaws.com/sts-regional-endpoints", "false"}}, kCnRole);
  EXPECT_EQ(Patch(pod).find("AWS_STS_REGIONAL_ENDPOINTS"), std::string::npos);
  Annotate({{"eks.amazonaws.com/sts-regional-endpoints", "yes"}}, kCnRole);
  EXPECT_EQ(Patch(pod), expected);
}

TEST_F(WebhookTest, EverythingPresentLeavesContainerUntouched) {
  Annotate({{"eks.amazonaws.com/sts-regional-endpoints", "true"},
            {"eks.amazonaws.com/token-expiration", "3600"}},
           kCnRole);
  options_.aws_default_region = "cn-north-1";
  // No volumeMount either; the volume and the unchanged containers array are still sent.
  EXPECT_EQ(
      Patch(R"({"spec":{"containers":[{"env":[{"name":"AWS_REGION","value":"cn-northwest-1"},
          {"name":"AWS_STS_REGIONAL_ENDPOINTS","value":"regional"},
          {"name":"AWS_ROLE_ARN","value":"arn:aws-cn:iam::111122223333:role/s3-reader"}],
          "image":"amazonlinux","name":"balajilovesoreos"}],"serviceAccountName":"default"}})"),
      "[" + VolumesOp("sts.amazonaws.com", 3600) +
          R"(,{"op":"add","path":"/spec/containers","value":[{"name":"balajilovesoreos","image":"amazonlinux","env":[{"name":"AWS_REGION","value":"cn-northwest-1"},{"name":"AWS_STS_REGIONAL_ENDPOINTS","value":"regional"},{"name":"AWS_ROLE_ARN","value":"arn:aws-cn:iam::111122223333:role/s3-reader"}],"resources":{}}]}])");
  // STS and region preset but no identity: identity pair and mount added.
  EXPECT_EQ(
      Patch(R"({"spec":{"containers":[{"env":[{"name":"AWS_REGION","value":"cn-northwest-1"},
          {"name":"AWS_STS_REGIONAL_ENDPOINTS","value":"regional"}],
          "image":"amazonlinux","name":"c"}],"serviceAccountName":"default"}})"),
      "[" + VolumesOp("sts.amazonaws.com", 3600) +
          R"(,{"op":"add","path":"/spec/containers","value":[{"name":"c","image":"amazonlinux","env":[{"name":"AWS_REGION","value":"cn-northwest-1"},{"name":"AWS_STS_REGIONAL_ENDPOINTS","value":"regional"},)" +
          IdentityEnv(kCnRole) + R"(],"resources":{},)" + kMount + "}]}]");
}

TEST_F(WebhookTest, OnePresetIdentityVariableSuppressesBoth) {
  Annotate();
  for (const char* preset : {"AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE"}) {
    const std::string pod = std::string(R"({"spec":{"containers":[{"name":"c","env":[{"name":")") +
                            preset + R"(","value":"mine"}]}],"serviceAccountName":"default"}})";
    EXPECT_EQ(
        Patch(pod),
        "[" + VolumesOp() +
            R"(,{"op":"add","path":"/spec/containers","value":[{"name":"c","env":[{"name":")" +
            preset + R"(","value":"mine"}],"resources":{},)" + kMount + "}]}]")
        << preset;
  }
}

TEST_F(WebhookTest, SkipContainers) {
  Annotate();
  options_.aws_default_region = "us-west-2";
  EXPECT_EQ(
      Patch(R"({"metadata":{"annotations":{"eks.amazonaws.com/skip-containers":"sidecar"}},
          "spec":{"containers":[{"image":"amazonlinux","name":"sidecar"},
          {"image":"amazonlinux","name":"balajilovesoreos","env":[{"name":"AWS_ROLE_ARN","value":"already-defined"}]}],
          "serviceAccountName":"default"}})"),
      "[" + VolumesOp() +
          R"(,{"op":"add","path":"/spec/containers","value":[{"name":"sidecar","image":"amazonlinux","resources":{}},{"name":"balajilovesoreos","image":"amazonlinux","env":[{"name":"AWS_ROLE_ARN","value":"already-defined"},{"name":"AWS_DEFAULT_REGION","value":"us-west-2"},{"name":"AWS_REGION","value":"us-west-2"}],"resources":{},)" +
          kMount + "}]}]");
  // CSV: quoted names may contain commas; init containers are skipped by the same list.
  const std::string patch =
      Patch(R"({"metadata":{"annotations":{"eks.amazonaws.com/skip-containers":"\"a,b\",init"}},
          "spec":{"initContainers":[{"name":"init"}],"containers":[{"name":"a,b"},{"name":"a"}],
          "serviceAccountName":"default"}})");
  EXPECT_NE(patch.find(R"({"name":"a,b","resources":{}})"), std::string::npos) << patch;
  EXPECT_NE(patch.find(R"("value":[{"name":"init","resources":{}}])"), std::string::npos) << patch;
  EXPECT_NE(patch.find(R"({"name":"a","env":)"), std::string::npos) << patch;
  // A malformed CSV value skips nothing.
  const std::string bad =
      Patch(R"({"metadata":{"annotations":{"eks.amazonaws.com/skip-containers":"a\"b"}},
          "spec":{"containers":[{"name":"a\"b"}],"serviceAccountName":"default"}})");
  EXPECT_NE(bad.find("AWS_ROLE_ARN"), std::string::npos);
}

TEST_F(WebhookTest, Audience) {
  Annotate({{"eks.amazonaws.com/audience", "irsa.example.com"}});
  EXPECT_EQ(Patch(kSimplePod).find(VolumesOp("irsa.example.com")), 1u);
  Annotate();
  options_.token_audience = "flag-audience";
  EXPECT_EQ(Patch(kSimplePod).find(VolumesOp("flag-audience")), 1u);
  // An empty audience annotation overrides the flag and is omitted (Go omitempty).
  Annotate({{"eks.amazonaws.com/audience", ""}});
  EXPECT_EQ(Patch(kSimplePod).find(VolumesOp("")), 1u);
}

TEST_F(WebhookTest, TokenExpiration) {
  const auto expiration_of = [&](std::map<std::string, std::string> sa,
                                 const std::string& pod_value) {
    Annotate(std::move(sa));
    std::string pod = kSimplePod;
    if (!pod_value.empty()) {
      pod = R"({"metadata":{"annotations":{"eks.amazonaws.com/token-expiration":")" + pod_value +
            R"("}},"spec":{"containers":[{"name":"c"}],"serviceAccountName":"default"}})";
    }
    const std::string patch = Patch(pod);
    const size_t at = patch.find("\"expirationSeconds\":");
    if (at == std::string::npos) return static_cast<long long>(-1);
    return std::stoll(patch.substr(at + 20));
  };
  const std::string key = "eks.amazonaws.com/token-expiration";
  EXPECT_EQ(expiration_of({}, ""), 86400);
  EXPECT_EQ(expiration_of({{key, "3600"}}, ""), 3600);
  EXPECT_EQ(expiration_of({{key, "3600"}}, "7200"), 7200) << "pod annotation wins";
  EXPECT_EQ(expiration_of({{key, "3600"}}, "0"), 600) << "clamped to 600";
  EXPECT_EQ(expiration_of({{key, "100"}}, ""), 600);
  EXPECT_EQ(expiration_of({{key, "-5"}}, ""), 600);
  EXPECT_EQ(expiration_of({{key, "200000"}}, ""), 200000) << "no upper clamp";
  EXPECT_EQ(expiration_of({{key, "+4000"}}, ""), 4000);
  EXPECT_EQ(expiration_of({{key, "1h"}}, ""), 86400) << "invalid ignored";
  EXPECT_EQ(expiration_of({{key, "3600"}}, "soon"), 3600) << "invalid pod value ignored";
  EXPECT_EQ(expiration_of({{key, "99999999999999999999"}}, ""), 86400) << "overflow ignored";
  options_.token_expiration = 300;
  EXPECT_EQ(expiration_of({}, ""), 600) << "the flag is clamped too";
}

TEST_F(WebhookTest, WindowsNodeSelector) {
  Annotate();
  for (const char* key : {"kubernetes.io/os", "beta.kubernetes.io/os"}) {
    const std::string patch =
        Patch(std::string(R"({"spec":{"containers":[{"image":"amazonlinux","name":"w"}],
                 "nodeSelector":{"kubernetes.io/arch":"amd64",")") +
              key + R"(":"windows"},"serviceAccountName":"default"}})");
    EXPECT_EQ(
        patch,
        "[" + VolumesOp() +
            R"(,{"op":"add","path":"/spec/containers","value":[{"name":"w","image":"amazonlinux","env":[{"name":"AWS_ROLE_ARN","value":"arn:aws:iam::111122223333:role/s3-reader"},{"name":"AWS_WEB_IDENTITY_TOKEN_FILE","value":"C:\\var\\run\\secrets\\eks.amazonaws.com\\serviceaccount\\token"}],"resources":{},)" +
            kMount + "}]}]")
        << key;
  }
  EXPECT_NE(
      Patch(R"({"spec":{"containers":[{"name":"w"}],"nodeSelector":{"kubernetes.io/os":"Windows"},
                     "serviceAccountName":"default"}})")
          .find("\"/var/run/secrets/eks.amazonaws.com/serviceaccount/token\""),
      std::string::npos)
      << "the comparison is case-sensitive";
}

TEST_F(WebhookTest, MountPathIsCleanedForTheTokenFile) {
  Annotate();
  options_.token_mount_path = "/var/run//irsa/./tokens/";
  const std::string patch = Patch(kSimplePod);
  EXPECT_NE(patch.find(R"("value":"/var/run/irsa/tokens/token")"), std::string::npos) << patch;
  EXPECT_NE(patch.find(R"("mountPath":"/var/run//irsa/./tokens/")"), std::string::npos)
      << "the mount keeps the flag verbatim, as upstream";
}

TEST_F(WebhookTest, ExistingTokenVolumeAndMount) {
  Annotate();
  // No volume op; the existing mount is kept (Go zero-fills mountPath; irsa keeps the unknown
  // "path" field that Go would drop).
  EXPECT_EQ(
      Patch(R"({"spec":{"containers":[{"image":"amazonlinux","name":"c",
          "volumeMounts":[{"name":"aws-iam-token","path":"/path/to/token"}]}],
          "serviceAccountName":"default",
          "volumes":[{"name":"aws-iam-token","hostPath":{"path":"/path/to/token"}}]}})"),
      R"([{"op":"add","path":"/spec/containers","value":[{"name":"c","image":"amazonlinux","env":[)" +
          IdentityEnv() +
          R"(],"resources":{},"volumeMounts":[{"name":"aws-iam-token","mountPath":"","path":"/path/to/token"}]}]}])");
}

TEST_F(WebhookTest, GoTypeNormalisation) {
  Annotate();
  // gRPC probe: GRPCAction.service has no omitempty → null.
  EXPECT_NE(
      Patch(R"({"spec":{"containers":[{"image":"amazonlinux","name":"c",
                     "readinessProbe":{"grpc":{"port":5000}}}],"serviceAccountName":"default"}})")
          .find(
              R"("volumeMounts":[{"name":"aws-iam-token","readOnly":true,"mountPath":"/var/run/secrets/eks.amazonaws.com/serviceaccount"}],"readinessProbe":{"grpc":{"port":5000,"service":null}}})"),
      std::string::npos);
  // Key order follows the Go struct; zero omitempty values vanish; maps sort; unknown fields
  // are kept at the end; nested values of untyped fields are verbatim.
  const std::string patch = Patch(R"({"spec":{"serviceAccountName":"default","containers":[{
      "x-unknown":{"b":1,"a":[1.5,"<&>"]},"tty":false,"stdin":true,"env":[],"command":[],
      "securityContext":{"seccompProfile":{"type":"RuntimeDefault"}},
      "resources":{"requests":{"memory":"1Gi","cpu":"0.5"},"limits":{}},
      "ports":[{"protocol":"TCP","containerPort":80,"name":""}],
      "image":"","name":"n","args":["a"]}]}})");
  EXPECT_NE(
      patch.find(
          R"({"name":"n","args":["a"],"ports":[{"containerPort":80,"protocol":"TCP"}],"env":[)" +
          IdentityEnv() + R"(],"resources":{"requests":{"cpu":"0.5","memory":"1Gi"}},)" + kMount +
          R"(,"securityContext":{"seccompProfile":{"type":"RuntimeDefault"}},"stdin":true,"x-unknown":{"b":1,"a":[1.5,"\u003c\u0026\u003e"]}})"),
      std::string::npos)
      << patch;
  // A container without a name gets "name":"" (no omitempty); a null container is a zero one.
  EXPECT_NE(Patch(R"({"spec":{"serviceAccountName":"default","containers":[null]}})")
                .find(R"("value":[{"name":"","env":)"),
            std::string::npos);
}

TEST_F(WebhookTest, MalformedPodsAreErrors) {
  Annotate();
  for (
      const char* pod : {
          R"({"spec":{"serviceAccountName":"default","containers":{}}})",
          R"({"spec":{"serviceAccountName":"default","containers":[{"name":5}]}})",
          R"({"spec":{"serviceAccountName":"default","containers":[{"env":[{"name":["x"]}]}]}})",
          R"({"spec":{"serviceAccountName":"default","containers":[{"env":{}}]}})",
          R"({"spec":{"serviceAccountName":"default","containers":[{"stdin":"yes"}]}})",
          R"({"spec":{"serviceAccountName":"default","containers":[{"ports":[{"containerPort":1.5}]}]}})",
          R"({"spec":{"serviceAccountName":"default","containers":[{"ports":[{"containerPort":4294967296}]}]}})",
          R"({"spec":{"serviceAccountName":"default","containers":[3]}})",
          R"({"spec":{"serviceAccountName":7}})",
          R"({"spec":{"serviceAccountName":"default","volumes":{"name":"x"}}})",
          R"({"spec":{"serviceAccountName":"default","nodeSelector":{"a":1}}})",
          R"({"metadata":{"annotations":[]},"spec":{"serviceAccountName":"default"}})",
          R"({"metadata":"x"})",
      }) {
    auto r = MutatePod(options_, ParseObject(pod), "default", lookup_);
    ASSERT_FALSE(r.ok()) << pod;
    EXPECT_EQ(r.error().code(), "InvalidInput") << pod;
  }
}

TEST_F(WebhookTest, NoContainersStillSendsContainersArray) {
  Annotate();
  EXPECT_EQ(Patch(R"({"spec":{"serviceAccountName":"default"}})"),
            "[" + VolumesOp() + R"(,{"op":"add","path":"/spec/containers","value":[]}])");
}

// --- irsa extras ---

TEST_F(WebhookTest, ExtrasEndpointCaBundleSessionName) {
  Annotate();
  options_.sts_endpoint_url = "https://irsa.example.com:8443";
  options_.ca_bundle_config_map = "irsa-ca";
  options_.inject_role_session_name = true;
  const std::string ca_volume =
      R"({"name":"irsa-ca-bundle","configMap":{"name":"irsa-ca","items":[{"key":"ca.crt","path":"ca-bundle.crt"}]}})";
  const std::string container =
      R"({"op":"add","path":"/spec/containers","value":[{"name":"c","env":[)" + IdentityEnv() +
      R"(,{"name":"AWS_ENDPOINT_URL_STS","value":"https://irsa.example.com:8443"},)"
      R"({"name":"AWS_CA_BUNDLE","value":"/var/run/secrets/irsa/ca-bundle/ca-bundle.crt"},)"
      R"({"name":"NODE_EXTRA_CA_CERTS","value":"/var/run/secrets/irsa/ca-bundle/ca-bundle.crt"},)"
      R"({"name":"AWS_ROLE_SESSION_NAME","valueFrom":{"fieldRef":{"fieldPath":"metadata.name"}}}],)"
      R"("resources":{},"volumeMounts":[{"name":"aws-iam-token","readOnly":true,"mountPath":"/var/run/secrets/eks.amazonaws.com/serviceaccount"},)"
      R"({"name":"irsa-ca-bundle","readOnly":true,"mountPath":"/var/run/secrets/irsa/ca-bundle"}]}]})";
  EXPECT_EQ(Patch(R"({"spec":{"containers":[{"name":"c"}],"serviceAccountName":"default"}})"),
            R"([{"op":"add","path":"/spec/volumes","value":[)" + TokenVolume() + "," + ca_volume +
                "]}," + container + "]");
  EXPECT_EQ(Patch(R"({"spec":{"containers":[{"name":"c"}],"serviceAccountName":"default",
                     "volumes":[{"name":"data","emptyDir":{}}]}})"),
            R"([{"op":"add","path":"/spec/volumes/0","value":)" + TokenVolume() +
                R"(},{"op":"add","path":"/spec/volumes/1","value":)" + ca_volume + "}," +
                container + "]");
}

TEST_F(WebhookTest, ExtrasRespectPresetVariablesAndUntouchedRule) {
  Annotate({{"eks.amazonaws.com/sts-regional-endpoints", "true"}});
  options_.aws_default_region = "us-east-1";
  options_.sts_endpoint_url = "https://sts.irsa";
  const std::string base_env =
      R"([{"name":"AWS_ROLE_ARN","value":"r"},{"name":"AWS_REGION","value":"x"},{"name":"AWS_STS_REGIONAL_ENDPOINTS","value":"regional"})";
  // The upstream "untouched" rule only applies once the extras are present too.
  std::string patch = Patch(R"({"spec":{"containers":[{"name":"c","env":)" + base_env +
                            R"(]}],"serviceAccountName":"default"}})");
  EXPECT_NE(
      patch.find(R"({"name":"AWS_ENDPOINT_URL_STS","value":"https://sts.irsa"}],"resources":{},)" +
                 kMount),
      std::string::npos)
      << patch;
  patch = Patch(
      R"({"spec":{"containers":[{"name":"c","env":)" + base_env +
      R"(,{"name":"AWS_ENDPOINT_URL_STS","value":"mine"}]}],"serviceAccountName":"default"}})");
  EXPECT_EQ(patch.find("volumeMounts"), std::string::npos) << patch;
  EXPECT_FALSE(last_.changed == false && patch.empty());
  // Windows paths for the CA bundle too.
  options_.ca_bundle_config_map = "ca";
  patch =
      Patch(R"({"spec":{"containers":[{"name":"w"}],"nodeSelector":{"kubernetes.io/os":"windows"},
                   "serviceAccountName":"default"}})");
  EXPECT_NE(patch.find(R"("C:\\var\\run\\secrets\\irsa\\ca-bundle\\ca-bundle.crt")"),
            std::string::npos)
      << patch;
}

std::vector<std::string> EnvNames(const boost::json::array& patch) {
  std::vector<std::string> names;
  for (const auto& op : patch) {
    if (op.at("path").as_string() != "/spec/containers") continue;
    for (const auto& e : op.at("value").at(0).at("env").as_array()) {
      names.emplace_back(e.at("name").as_string());
    }
  }
  return names;
}

const boost::json::value* OpAt(const boost::json::array& patch, std::string_view path) {
  for (const auto& op : patch) {
    if (op.at("path").as_string() == path) return &op.at("value");
  }
  return nullptr;
}

TEST_F(WebhookTest, EndpointsForStsIamAndS3UnlessTheServiceAccountOptsOut) {
  Annotate();
  options_.sts_endpoint_url = "https://irsa:8443";
  options_.iam_endpoint_url = "https://irsa:8443";
  options_.s3_endpoint_url = "https://s3.irsa";
  const std::string pod =
      R"({"spec":{"containers":[{"name":"c"}],"serviceAccountName":"default"}})";
  ASSERT_FALSE(Patch(pod).empty());
  EXPECT_EQ(EnvNames(last_.patch),
            (std::vector<std::string>{"AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE",
                                      "AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL_IAM",
                                      "AWS_ENDPOINT_URL_S3"}));
  EXPECT_EQ(OpAt(last_.patch, "/spec/containers")->at(0).at("env").at(4).at("value"),
            "https://s3.irsa");
  Annotate({{"irsa.dev/inject-endpoints", "false"}});
  ASSERT_FALSE(Patch(pod).empty());
  EXPECT_EQ(EnvNames(last_.patch),
            (std::vector<std::string>{"AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE"}));
  // An invalid value is ignored (injection stays on) and says so.
  Annotate({{"irsa.dev/inject-endpoints", "nope"}});
  ASSERT_FALSE(Patch(pod).empty());
  EXPECT_EQ(EnvNames(last_.patch).size(), 5u);
  bool reported = false;
  for (const auto& r : last_.reasons)
    reported = reported || r.find("irsa.dev/inject-endpoints") != std::string::npos;
  EXPECT_TRUE(reported);
}

TEST_F(WebhookTest, TransparentModeAddsHostAliasesAndEveryCaVariableInsteadOfEndpoints) {
  options_.sts_endpoint_url = "https://irsa:8443";
  options_.ca_bundle_config_map = "irsa-ca";
  options_.transparent_address = "10.96.0.50";
  options_.transparent_regions = {"us-east-1", "eu-west-1"};
  const std::string pod =
      R"({"spec":{"containers":[{"name":"c"}],"serviceAccountName":"default"}})";
  // Not opted in: endpoints, the two additive CA variables, no hostAliases.
  Annotate();
  ASSERT_FALSE(Patch(pod).empty());
  EXPECT_EQ(
      EnvNames(last_.patch),
      (std::vector<std::string>{"AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE",
                                "AWS_ENDPOINT_URL_STS", "AWS_CA_BUNDLE", "NODE_EXTRA_CA_CERTS"}));
  EXPECT_EQ(OpAt(last_.patch, "/spec/hostAliases"), nullptr);
  // Opted in by the ServiceAccount.
  Annotate({{"irsa.dev/transparent-endpoints", "true"}});
  const std::string patch = Patch(pod);
  EXPECT_EQ(
      EnvNames(last_.patch),
      (std::vector<std::string>{"AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_CA_BUNDLE",
                                "NODE_EXTRA_CA_CERTS", "SSL_CERT_FILE", "REQUESTS_CA_BUNDLE"}));
  EXPECT_NE(
      patch.find(
          R"({"op":"add","path":"/spec/hostAliases","value":[{"ip":"10.96.0.50","hostnames":[)"
          R"("eks.eu-west-1.amazonaws.com","eks.us-east-1.amazonaws.com","iam.amazonaws.com",)"
          R"("s3.amazonaws.com","s3.eu-west-1.amazonaws.com","s3.us-east-1.amazonaws.com",)"
          R"("sts.amazonaws.com","sts.eu-west-1.amazonaws.com","sts.us-east-1.amazonaws.com"]}]})"),
      std::string::npos)
      << patch;
  // The pod's own hostAliases are kept: irsa's entry is appended.
  Patch(R"({"spec":{"containers":[{"name":"c"}],"serviceAccountName":"default",
             "hostAliases":[{"ip":"10.0.0.1","hostnames":["db"]}]}})");
  ASSERT_NE(OpAt(last_.patch, "/spec/hostAliases/-"), nullptr);
  EXPECT_EQ(OpAt(last_.patch, "/spec/hostAliases/-")->at("ip"), "10.96.0.50");
  // Transparent for every pod; a ServiceAccount can opt out.
  options_.transparent_default = true;
  Annotate();
  Patch(pod);
  EXPECT_NE(OpAt(last_.patch, "/spec/hostAliases"), nullptr);
  Annotate({{"irsa.dev/transparent-endpoints", "false"}});
  Patch(pod);
  EXPECT_EQ(OpAt(last_.patch, "/spec/hostAliases"), nullptr);
  // Without an address, the annotation cannot turn transparent mode on.
  options_.transparent_default = false;
  options_.transparent_address = "";
  Annotate({{"irsa.dev/transparent-endpoints", "true"}});
  Patch(pod);
  EXPECT_EQ(OpAt(last_.patch, "/spec/hostAliases"), nullptr);
  EXPECT_EQ(EnvNames(last_.patch)[2], "AWS_ENDPOINT_URL_STS");
  // A hostAliases field of the wrong type is rejected, as Go's decoder would.
  auto bad = MutatePod(options_,
                       ParseObject(R"({"spec":{"serviceAccountName":"default","hostAliases":{}}})"),
                       "default", lookup_);
  EXPECT_FALSE(bad.ok());
}

TEST(WebhookExtrasTest, TransparentHostNames) {
  EXPECT_EQ(
      TransparentHostNames({}),
      (std::vector<std::string>{"iam.amazonaws.com", "s3.amazonaws.com", "sts.amazonaws.com"}));
  EXPECT_EQ(TransparentHostNames({"us-west-2", "us-west-2"}).size(), 6u);
}

TEST(WebhookOptionsTest, Validation) {
  WebhookOptions o;
  EXPECT_TRUE(ValidateWebhookOptions(o).ok());
  o.sts_endpoint_url = "irsa.example.com";
  EXPECT_FALSE(ValidateWebhookOptions(o).ok());
  o.sts_endpoint_url = "https://irsa.example.com";
  o.ca_bundle_config_map = "Bad_Name";
  EXPECT_FALSE(ValidateWebhookOptions(o).ok());
  o.ca_bundle_config_map = "irsa-ca";
  EXPECT_TRUE(ValidateWebhookOptions(o).ok());
  o.ca_bundle_key = "a/b";
  EXPECT_FALSE(ValidateWebhookOptions(o).ok());
  o.ca_bundle_key = "ca.crt";
  o.ca_bundle_mount_path = o.token_mount_path;
  EXPECT_FALSE(ValidateWebhookOptions(o).ok());
  o = WebhookOptions();
  o.token_mount_path = "relative";
  EXPECT_FALSE(ValidateWebhookOptions(o).ok());
  o = WebhookOptions();
  o.s3_endpoint_url = "s3.example.com";
  EXPECT_FALSE(ValidateWebhookOptions(o).ok());
  o = WebhookOptions();
  o.transparent_address = "irsa.irsa-system.svc";  // hostAliases take IP addresses
  EXPECT_FALSE(ValidateWebhookOptions(o).ok());
  o.transparent_address = "fd00::10";
  EXPECT_TRUE(ValidateWebhookOptions(o).ok());
  o.transparent_regions = {"us-east-1.evil"};
  EXPECT_FALSE(ValidateWebhookOptions(o).ok());
  o = WebhookOptions();
  o.transparent_default = true;
  EXPECT_FALSE(ValidateWebhookOptions(o).ok());
  o = WebhookOptions();
  o.annotation_prefix = "";
  EXPECT_EQ(ValidateWebhookOptions(o).error().code(), "InvalidParameterValue");
}

// --- Go runtime semantics ---

TEST(GoSemanticsTest, ParseBoolAndInt) {
  for (const char* t : {"1", "t", "T", "TRUE", "true", "True"}) EXPECT_EQ(ParseGoBool(t), true);
  for (const char* f : {"0", "f", "F", "FALSE", "false", "False"}) EXPECT_EQ(ParseGoBool(f), false);
  for (const char* bad : {"", "yes", "tRUE", " true", "2"}) EXPECT_FALSE(ParseGoBool(bad)) << bad;
  EXPECT_EQ(ParseGoInt64("007"), 7);
  EXPECT_EQ(ParseGoInt64("-9223372036854775808"), INT64_MIN);
  EXPECT_EQ(ParseGoInt64("9223372036854775807"), INT64_MAX);
  for (const char* bad : {"", "+", "-", "9223372036854775808", "1_000", " 1", "1e3", "0x10"}) {
    EXPECT_FALSE(ParseGoInt64(bad)) << bad;
  }
}

TEST(GoSemanticsTest, PathJoin) {
  EXPECT_EQ(GoPathJoin("/var/run/x", "token"), "/var/run/x/token");
  EXPECT_EQ(GoPathJoin("/a//b/../c/", "token"), "/a/c/token");
  EXPECT_EQ(GoPathJoin("", "token"), "token");
  EXPECT_EQ(GoPathJoin("/", "token"), "/token");
  EXPECT_EQ(GoPathJoin("/..", "token"), "/token");
  EXPECT_EQ(GoPathClean("a/../.."), "..");
  EXPECT_EQ(GoPathClean(""), ".");
}

TEST(GoSemanticsTest, CsvFirstRecord) {
  using V = std::vector<std::string>;
  EXPECT_EQ(ReadGoCsvRecord("a,b"), V({"a", "b"}));
  EXPECT_EQ(ReadGoCsvRecord(" a , b"), V({" a ", " b"}));
  EXPECT_EQ(ReadGoCsvRecord("\n\r\na,b\r\nc"), V({"a", "b"}));
  EXPECT_EQ(ReadGoCsvRecord("\"x,\"\"y\"\"\",z"), V({"x,\"y\"", "z"}));
  EXPECT_EQ(ReadGoCsvRecord("\"multi\nline\",b"), V({"multi\nline", "b"}));
  EXPECT_EQ(ReadGoCsvRecord("a,"), V({"a", ""}));
  EXPECT_EQ(ReadGoCsvRecord("a\r"), V({"a"}));
  EXPECT_FALSE(ReadGoCsvRecord(""));
  EXPECT_FALSE(ReadGoCsvRecord("\n\n"));
  EXPECT_FALSE(ReadGoCsvRecord("a\"b"));
  EXPECT_FALSE(ReadGoCsvRecord("\"a\"b"));
  EXPECT_FALSE(ReadGoCsvRecord("\"unterminated"));
}

TEST(GoSemanticsTest, JsonMarshal) {
  EXPECT_EQ(GoJsonMarshal(boost::json::parse(R"({"b":[1,-2,true,null],"a":"x"})")),
            R"({"b":[1,-2,true,null],"a":"x"})");
  EXPECT_EQ(GoJsonMarshal(boost::json::value("<a&b>\"\\\n\t\b\f\x01\xe2\x80\xa8\xc3\xa9")),
            R"("\u003ca\u0026b\u003e\"\\\n\t\b\f\u0001\u2028é")");
  EXPECT_EQ(GoJsonMarshal(boost::json::value(std::string_view("a\xff"))), R"("a\ufffd")");
  EXPECT_EQ(GoJsonMarshal(boost::json::value(1.5)), "1.5");
  EXPECT_EQ(GoJsonMarshal(boost::json::value(1.0)), "1");
  EXPECT_EQ(GoJsonMarshal(boost::json::value(1e21)), "1e+21");
  EXPECT_EQ(GoJsonMarshal(boost::json::value(1e-7)), "1e-7");
  EXPECT_EQ(GoJsonMarshal(boost::json::value(0.000001)), "0.000001");
  EXPECT_EQ(GoJsonMarshal(boost::json::value(uint64_t{18446744073709551615u})),
            "18446744073709551615");
}

}  // namespace
}  // namespace irsa::kube
