// KubeApi::Handle driven directly: discovery, CRUD, patch formats, conflicts, selectors,
// TokenRequest and authentication.
#include <gtest/gtest.h>

#include "kube/k8s_patch.h"
#include "kube/k8s_store_lookup.h"
#include "kube/k8s_table.h"
#include "unit/kube/api_test_support.h"

namespace irsa::kube::testing {
namespace {

namespace json = boost::json;

constexpr char kSaPath[] = "/api/v1/namespaces/default/serviceaccounts";
constexpr char kMySa[] = "/api/v1/namespaces/default/serviceaccounts/my-sa";

std::string SaBody(const std::string& name, const std::string& extra_meta = "") {
  return R"({"apiVersion":"v1","kind":"ServiceAccount","metadata":{"name":")" + name + "\"" +
         extra_meta + "}}";
}

class KubeApiTest : public ::testing::Test, public ApiFixture {
 protected:
  json::object CreateSa(const std::string& name, const std::string& extra_meta = "") {
    auto r = Send("POST", kSaPath, SaBody(name, extra_meta));
    EXPECT_EQ(r.status, 201) << r.body;
    return Json(r);
  }
  static std::string Meta(const json::object& o, const char* field) {
    const json::value* v = o.at("metadata").as_object().if_contains(field);
    return v && v->is_string() ? std::string(v->as_string()) : std::string();
  }
  static std::string Annotation(const json::object& o, const char* key) {
    const json::value* a = o.at("metadata").as_object().if_contains("annotations");
    if (!a || !a->is_object()) return {};
    const json::value* v = a->as_object().if_contains(key);
    return v && v->is_string() ? std::string(v->as_string()) : std::string();
  }
};

TEST_F(KubeApiTest, VersionAndDiscovery) {
  auto r = Send("GET", "/version");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(Header(r, "Content-Type"), "application/json");
  EXPECT_EQ(Json(r).at("gitVersion"), "v1.31.0-irsa");
  EXPECT_EQ(Json(r).at("major"), "1");

  r = Send("GET", "/api");
  EXPECT_EQ(Json(r).at("kind"), "APIVersions");
  EXPECT_EQ(Json(r).at("versions"), json::array{"v1"});
  EXPECT_EQ(Json(r).at("serverAddressByClientCIDRs").as_array()[0].at("serverAddress"),
            "irsa.example:8443");

  r = Send("GET", "/apis");
  EXPECT_EQ(Json(r).at("kind"), "APIGroupList");
  // The groups of the self-reviews (kubectl auth whoami / can-i).
  ASSERT_EQ(Json(r).at("groups").as_array().size(), 2u);
  EXPECT_EQ(Json(r).at("groups").as_array()[0].at("name"), "authentication.k8s.io");
  EXPECT_EQ(Json(r).at("groups").as_array()[1].at("name"), "authorization.k8s.io");
  r = Send("GET", "/apis/authorization.k8s.io/v1");
  EXPECT_EQ(Json(r).at("resources").as_array()[0].at("name"), "selfsubjectaccessreviews");
  EXPECT_EQ(Send("GET", "/apis/apps/v1").status, 404);

  r = Send("GET", "/api/v1");
  json::object list = Json(r);
  EXPECT_EQ(list.at("groupVersion"), "v1");
  bool saw_sa = false, saw_token = false, saw_ns = false;
  for (const auto& res : list.at("resources").as_array()) {
    const auto& o = res.as_object();
    if (o.at("name") == "serviceaccounts") {
      saw_sa = true;
      EXPECT_EQ(o.at("shortNames"), json::array{"sa"});
      EXPECT_EQ(o.at("namespaced"), true);
      const auto& verbs = o.at("verbs").as_array();
      EXPECT_NE(std::find(verbs.begin(), verbs.end(), json::value("deletecollection")),
                verbs.end());
    }
    if (o.at("name") == "serviceaccounts/token") {
      saw_token = true;
      EXPECT_EQ(o.at("verbs"), json::array{"create"});
      EXPECT_EQ(o.at("kind"), "TokenRequest");
    }
    if (o.at("name") == "namespaces") {
      saw_ns = true;
      EXPECT_EQ(o.at("namespaced"), false);
      EXPECT_EQ(o.at("shortNames"), json::array{"ns"});
    }
  }
  EXPECT_TRUE(saw_sa && saw_token && saw_ns);

  // Aggregated discovery is answered in the legacy format, marked plain application/json.
  HttpRequest aggregated = Request("GET", "/apis");
  aggregated.headers.emplace_back(
      "accept", "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList");
  r = api.Handle(kCluster, aggregated);
  EXPECT_EQ(Header(r, "Content-Type"), "application/json");
  EXPECT_EQ(Json(r).at("kind"), "APIGroupList");
}

TEST_F(KubeApiTest, OpenApiV3AdvertisesFieldValidationAndSchemas) {
  auto r = Send("GET", "/openapi/v3");
  ASSERT_EQ(r.status, 200);
  std::string url(Json(r).at("paths").at("api/v1").at("serverRelativeURL").as_string());
  EXPECT_TRUE(url.starts_with("/k8s/prod/openapi/v3/api/v1?hash=")) << url;

  r = Send("GET", "/openapi/v3/api/v1");
  ASSERT_EQ(r.status, 200);
  json::object doc = Json(r);
  const auto& patch = doc.at("paths")
                          .at("/api/v1/namespaces/{namespace}/serviceaccounts/{name}")
                          .at("patch")
                          .as_object();
  EXPECT_EQ(patch.at("x-kubernetes-group-version-kind").at("kind"), "ServiceAccount");
  bool field_validation = false;
  for (const auto& p : patch.at("parameters").as_array()) {
    field_validation |= p.at("name") == "fieldValidation" && p.at("in") == "query";
  }
  EXPECT_TRUE(field_validation);
  EXPECT_TRUE(patch.at("requestBody")
                  .at("content")
                  .as_object()
                  .contains("application/strategic-merge-patch+json"));
  const auto& sa = doc.at("components").at("schemas").at("io.k8s.api.core.v1.ServiceAccount");
  EXPECT_EQ(sa.at("properties").at("secrets").at("x-kubernetes-patch-merge-key"), "name");
}

TEST_F(KubeApiTest, AuthenticationAndAuthorization) {
  auto r = api.Handle(kCluster, Request("GET", kSaPath, "", "", ""));
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.body, R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",)"
                    R"("message":"Unauthorized","reason":"Unauthorized","code":401})");
  r = api.Handle(kCluster, Request("GET", kSaPath, "", "", "wrong"));
  EXPECT_EQ(r.status, 401);

  // /version is public, as on a real API server.
  EXPECT_EQ(api.Handle(kCluster, Request("GET", "/version", "", "", "")).status, 200);

  r = api.Handle(kCluster, Request("GET", kSaPath, "", "", kReadOnlyToken));
  EXPECT_EQ(r.status, 200);
  r = api.Handle(kCluster,
                 Request("POST", kSaPath, SaBody("x"), "application/json", kReadOnlyToken));
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(Json(r).at("reason"), "Forbidden");
  EXPECT_EQ(Json(r).at("message"),
            "serviceaccounts is forbidden: User \"viewer\" cannot create resource "
            "\"serviceaccounts\" in API group \"\" in the namespace \"default\"");
  r = api.Handle(kCluster, Request("POST", std::string(kMySa) + "/token", "{}", "application/json",
                                   kReadOnlyToken));
  EXPECT_EQ(Json(r).at("message"),
            "serviceaccounts \"my-sa\" is forbidden: User \"viewer\" cannot create resource "
            "\"serviceaccounts/token\" in API group \"\" in the namespace \"default\"");

  // Unknown cluster.
  r = api.Handle("other", Request("GET", kSaPath));
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(Json(r).at("reason"), "NotFound");
}

TEST_F(KubeApiTest, BuiltinNamespacesAndDefaultServiceAccounts) {
  auto r = Send("GET", "/api/v1/namespaces");
  ASSERT_EQ(r.status, 200);
  json::object list = Json(r);
  EXPECT_EQ(list.at("kind"), "NamespaceList");
  std::vector<std::string> names;
  for (const auto& ns : list.at("items").as_array()) {
    names.emplace_back(ns.at("metadata").at("name").as_string());
    EXPECT_EQ(ns.at("status").at("phase"), "Active");
  }
  EXPECT_EQ(names,
            (std::vector<std::string>{"default", "kube-node-lease", "kube-public", "kube-system"}));
  r = Send("GET", "/api/v1/namespaces/default/serviceaccounts/default");
  EXPECT_EQ(r.status, 200);
  r = Send("DELETE", "/api/v1/namespaces/default");
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(Json(r).at("message"),
            "namespaces \"default\" is forbidden: this namespace may not be deleted");
}

TEST_F(KubeApiTest, CreateGetAlreadyExistsAndNotFound) {
  json::object sa = CreateSa("my-sa");
  EXPECT_EQ(sa.at("kind"), "ServiceAccount");
  EXPECT_EQ(Meta(sa, "namespace"), "default");
  EXPECT_EQ(Meta(sa, "uid").size(), 36u);
  EXPECT_EQ(Meta(sa, "creationTimestamp"), "2026-09-21T14:13:20Z");
  EXPECT_FALSE(Meta(sa, "resourceVersion").empty());

  auto r = Send("GET", kMySa);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(Json(r), sa);

  r = Send("POST", kSaPath, SaBody("my-sa"));
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(Json(r).at("reason"), "AlreadyExists");
  EXPECT_EQ(Json(r).at("message"), "serviceaccounts \"my-sa\" already exists");

  r = Send("GET", "/api/v1/namespaces/default/serviceaccounts/nope");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(Json(r).at("message"), "serviceaccounts \"nope\" not found");

  r = Send("POST", "/api/v1/namespaces/missing/serviceaccounts", SaBody("x"));
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(Json(r).at("message"), "namespaces \"missing\" not found");

  r = Send("POST", kSaPath, SaBody("Bad_Name"));
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(Json(r).at("reason"), "Invalid");

  r = Send("POST", kSaPath,
           R"({"kind":"ServiceAccount","metadata":{"name":"x","namespace":"other"}})");
  EXPECT_EQ(r.status, 400);

  r = Send("POST", kSaPath, "{not json");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(Json(r).at("reason"), "BadRequest");

  r = Send("POST", kSaPath, std::string(2 << 20, ' '));
  EXPECT_EQ(r.status, 413);

  std::string deep(200, '[');
  r = Send("POST", kSaPath, deep + std::string(200, ']'));
  EXPECT_EQ(r.status, 400);
}

TEST_F(KubeApiTest, FieldValidationAndGenerateNameAndDryRun) {
  auto r = Send("POST", std::string(kSaPath) + "?fieldValidation=Strict",
                R"({"kind":"ServiceAccount","metadata":{"name":"a"},"spec":{}})");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(Json(r).at("message"), "strict decoding error: unknown field \"spec\"");

  r = Send("POST", kSaPath, R"({"kind":"ServiceAccount","metadata":{"name":"a"},"spec":{}})");
  EXPECT_EQ(r.status, 201);
  EXPECT_FALSE(Json(r).contains("spec"));
  EXPECT_EQ(Header(r, "Warning"), "299 - \"unknown field \\\"spec\\\"\"");

  r = Send("POST", kSaPath, R"({"metadata":{"generateName":"gen-"}})");
  ASSERT_EQ(r.status, 201);
  std::string generated = Meta(Json(r), "name");
  EXPECT_TRUE(generated.starts_with("gen-") && generated.size() == 9) << generated;

  r = Send("POST", std::string(kSaPath) + "?dryRun=All", SaBody("dry"));
  EXPECT_EQ(r.status, 201);
  EXPECT_EQ(Send("GET", "/api/v1/namespaces/default/serviceaccounts/dry").status, 404);
}

TEST_F(KubeApiTest, UpdateWithOptimisticConcurrency) {
  json::object sa = CreateSa("my-sa");
  json::object changed = sa;
  changed["metadata"].as_object()["labels"] = json::object{{"team", "a"}};
  auto r = Send("PUT", kMySa, json::serialize(changed));
  ASSERT_EQ(r.status, 200) << r.body;
  json::object updated = Json(r);
  EXPECT_EQ(Meta(updated, "uid"), Meta(sa, "uid"));
  EXPECT_GT(std::stoll(Meta(updated, "resourceVersion")), std::stoll(Meta(sa, "resourceVersion")));

  // The stale resourceVersion again.
  r = Send("PUT", kMySa, json::serialize(changed));
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(Json(r).at("reason"), "Conflict");
  EXPECT_EQ(Json(r).at("message"),
            "Operation cannot be fulfilled on serviceaccounts \"my-sa\": the object has been "
            "modified; please apply your changes to the latest version and try again");

  // No-op update keeps the resourceVersion.
  r = Send("PUT", kMySa, json::serialize(updated));
  EXPECT_EQ(Meta(Json(r), "resourceVersion"), Meta(updated, "resourceVersion"));

  // Name mismatch and missing object.
  r = Send("PUT", kMySa, SaBody("other"));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(Json(r).at("message"),
            "the name of the object (other) does not match the name on the URL (my-sa)");
  r = Send("PUT", "/api/v1/namespaces/default/serviceaccounts/ghost", SaBody("ghost"));
  EXPECT_EQ(r.status, 404);
}

TEST_F(KubeApiTest, MergePatchAnnotatesLikeKubectl) {
  CreateSa("my-sa", R"(,"annotations":{"keep":"1","drop":"2"})");
  auto r = Send(
      "PATCH", kMySa,
      R"({"metadata":{"annotations":{"eks.amazonaws.com/role-arn":"arn:aws:iam::111122223333:role/my-role","drop":null}}})",
      "application/merge-patch+json");
  ASSERT_EQ(r.status, 200) << r.body;
  json::object sa = Json(r);
  EXPECT_EQ(Annotation(sa, "eks.amazonaws.com/role-arn"), "arn:aws:iam::111122223333:role/my-role");
  EXPECT_EQ(Annotation(sa, "keep"), "1");
  EXPECT_EQ(Annotation(sa, "drop"), "");
  EXPECT_EQ(Json(Send("GET", kMySa)), sa);

  // A resourceVersion in the patch is a precondition.
  r = Send("PATCH", kMySa, R"({"metadata":{"resourceVersion":"1","labels":{"a":"b"}}})",
           "application/merge-patch+json");
  EXPECT_EQ(r.status, 409);

  r = Send("PATCH", "/api/v1/namespaces/default/serviceaccounts/ghost", "{}",
           "application/merge-patch+json");
  EXPECT_EQ(r.status, 404);
  r = Send("PATCH", kMySa, "{}", "text/plain");
  EXPECT_EQ(r.status, 415);

  r = Send("PATCH", std::string(kMySa) + "?dryRun=All", R"({"metadata":{"labels":{"x":"y"}}})",
           "application/merge-patch+json");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(Json(Send("GET", kMySa)), sa);
}

TEST_F(KubeApiTest, StrategicMergePatchMergesSecretListsByName) {
  Send(
      "POST", kSaPath,
      R"({"metadata":{"name":"my-sa"},"secrets":[{"name":"a"},{"name":"b"}],"imagePullSecrets":[{"name":"p"}]})");
  auto r = Send(
      "PATCH", kMySa,
      R"({"secrets":[{"name":"c"},{"name":"a","$patch":"delete"}],"imagePullSecrets":[{"name":"q"}],"$setElementOrder/secrets":[{"name":"c"},{"name":"b"}]})",
      "application/strategic-merge-patch+json");
  ASSERT_EQ(r.status, 200) << r.body;
  json::object sa = Json(r);
  EXPECT_EQ(sa.at("secrets"),
            (json::array{json::object{{"name", "c"}}, json::object{{"name", "b"}}}));
  // imagePullSecrets is atomic on a ServiceAccount: the patch's list replaces it.
  EXPECT_EQ(sa.at("imagePullSecrets"), (json::array{json::object{{"name", "q"}}}));

  r = Send("PATCH", kMySa, R"({"secrets":[{"$patch":"replace"},{"name":"z"}]})",
           "application/strategic-merge-patch+json");
  EXPECT_EQ(Json(r).at("secrets"), (json::array{json::object{{"name", "z"}}}));

  r = Send("PATCH", kMySa, R"({"secrets":[{"noname":"z"}]})",
           "application/strategic-merge-patch+json");
  EXPECT_EQ(r.status, 400);
}

TEST_F(KubeApiTest, JsonPatchWithTestAndPointerEscapes) {
  CreateSa("my-sa", R"(,"annotations":{"a/b":"1","c~d":"2"})");
  auto r = Send("PATCH", kMySa,
                R"([{"op":"test","path":"/metadata/annotations/a~1b","value":"1"},
                    {"op":"replace","path":"/metadata/annotations/c~0d","value":"3"},
                    {"op":"add","path":"/secrets","value":[{"name":"x"}]},
                    {"op":"add","path":"/secrets/-","value":{"name":"y"}},
                    {"op":"copy","from":"/secrets/0","path":"/secrets/0"},
                    {"op":"move","from":"/metadata/annotations/a~1b","path":"/metadata/annotations/moved"},
                    {"op":"remove","path":"/secrets/0"}])",
                "application/json-patch+json");
  ASSERT_EQ(r.status, 200) << r.body;
  json::object sa = Json(r);
  EXPECT_EQ(Annotation(sa, "c~d"), "3");
  EXPECT_EQ(Annotation(sa, "moved"), "1");
  EXPECT_EQ(Annotation(sa, "a/b"), "");
  EXPECT_EQ(sa.at("secrets"),
            (json::array{json::object{{"name", "x"}}, json::object{{"name", "y"}}}));

  r = Send("PATCH", kMySa, R"([{"op":"test","path":"/metadata/annotations/moved","value":"2"}])",
           "application/json-patch+json");
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(Json(r).at("reason"), "Invalid");
  r = Send("PATCH", kMySa, R"([{"op":"remove","path":"/nope/x"}])", "application/json-patch+json");
  EXPECT_EQ(r.status, 422);
  r = Send("PATCH", kMySa, R"({"op":"add"})", "application/json-patch+json");
  EXPECT_EQ(r.status, 400);
  r = Send("PATCH", kMySa, R"([{"op":"frobnicate","path":"/x"}])", "application/json-patch+json");
  EXPECT_EQ(r.status, 400);
  r = Send("PATCH", kMySa, R"([{"op":"add","path":"/metadata/name","value":"renamed"}])",
           "application/json-patch+json");
  EXPECT_EQ(r.status, 400);
}

TEST_F(KubeApiTest, JsonPatchCopiesAreBounded) {
  CreateSa("my-sa", R"(,"annotations":{"a":")" + std::string(1000, 'x') + "\"}");
  std::string ops = "[";
  for (int i = 0; i < 2000; ++i) {
    ops += std::string(i ? "," : "") +
           R"({"op":"copy","from":"/metadata/annotations","path":"/metadata/labels"})";
  }
  ops += "]";
  auto r = Send("PATCH", kMySa, ops, "application/json-patch+json");
  EXPECT_EQ(r.status, 413) << r.body.substr(0, 200);
}

TEST_F(KubeApiTest, ServerSideApplyCreatesThenMerges) {
  std::string path = std::string(kMySa) + "?fieldManager=kubectl&force=false";
  auto r = Send(
      "PATCH", path,
      R"({"apiVersion":"v1","kind":"ServiceAccount","metadata":{"name":"my-sa","namespace":"default","annotations":{"x":"1"}}})",
      "application/apply-patch+yaml");
  ASSERT_EQ(r.status, 201) << r.body;
  r = Send(
      "PATCH", path,
      R"({"apiVersion":"v1","kind":"ServiceAccount","metadata":{"name":"my-sa","annotations":{"y":"2"}}})",
      "application/apply-patch+yaml");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Annotation(Json(r), "x"), "1");
  EXPECT_EQ(Annotation(Json(r), "y"), "2");

  r = Send("PATCH", kMySa, R"({"metadata":{"name":"my-sa"}})", "application/apply-patch+yaml");
  EXPECT_EQ(r.status, 422);
  r = Send("PATCH", path, "metadata:\n  name: my-sa\n", "application/apply-patch+yaml");
  EXPECT_EQ(r.status, 415);
}

TEST_F(KubeApiTest, ListsSelectorsPaginationAndTables) {
  CreateSa("a1", R"(,"labels":{"team":"a"})");
  CreateSa("b1", R"(,"labels":{"team":"b"})");
  CreateSa("n1");

  auto names = [&](const std::string& query) {
    std::vector<std::string> out;
    auto r = Send("GET", std::string(kSaPath) + query);
    EXPECT_EQ(r.status, 200) << r.body;
    json::object list = Json(r);
    for (const auto& item : list.at("items").as_array()) {
      out.emplace_back(item.at("metadata").at("name").as_string());
    }
    return out;
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(names(""), (V{"a1", "b1", "default", "n1"}));
  EXPECT_EQ(names("?labelSelector=team%3Da"), V{"a1"});
  EXPECT_EQ(names("?labelSelector=team%3D%3Db"), V{"b1"});
  EXPECT_EQ(names("?labelSelector=team!%3Da"), (V{"b1", "default", "n1"}));
  EXPECT_EQ(names("?labelSelector=team"), (V{"a1", "b1"}));
  EXPECT_EQ(names("?labelSelector=!team"), (V{"default", "n1"}));
  EXPECT_EQ(names("?labelSelector=team+in+(a,b)"), (V{"a1", "b1"}));
  EXPECT_EQ(names("?fieldSelector=metadata.name%3Dn1"), V{"n1"});
  EXPECT_EQ(names("?fieldSelector=metadata.name!%3Dn1,metadata.namespace%3Ddefault"),
            (V{"a1", "b1", "default"}));

  auto r = Send("GET", std::string(kSaPath) + "?fieldSelector=spec.x%3Dy");
  EXPECT_EQ(r.status, 400);

  r = Send("GET", std::string(kSaPath) + "?limit=2");
  json::object page = Json(r);
  EXPECT_EQ(page.at("items").as_array().size(), 2u);
  std::string token(page.at("metadata").at("continue").as_string());
  EXPECT_EQ(page.at("metadata").at("remainingItemCount"), 2);
  EXPECT_EQ(names("?limit=2&continue=" + token), (V{"default", "n1"}));

  // All namespaces.
  r = Send("GET", "/api/v1/serviceaccounts");
  EXPECT_EQ(Json(r).at("kind"), "ServiceAccountList");
  EXPECT_EQ(Json(r).at("items").as_array().size(), 7u);  // 3 + one "default" per namespace

  // Table.
  HttpRequest table = Request("GET", kSaPath);
  table.headers.insert(table.headers.begin(),
                       {"accept", "application/json;as=Table;v=v1;g=meta.k8s.io,application/json"});
  clock.Advance(std::chrono::seconds(200));
  r = api.Handle(kCluster, table);
  json::object t = Json(r);
  EXPECT_EQ(t.at("kind"), "Table");
  EXPECT_EQ(t.at("columnDefinitions").as_array()[1].at("name"), "Secrets");
  EXPECT_EQ(t.at("rows").as_array()[0].at("cells"), (json::array{"a1", 0, "3m20s"}));
  EXPECT_EQ(t.at("rows").as_array()[0].at("object").at("kind"), "PartialObjectMetadata");

  r = Send("GET", std::string(kSaPath) + "?watch=true");
  EXPECT_EQ(r.status, 405);
}

TEST_F(KubeApiTest, DescribeHelpersAnswerEmptyLists) {
  auto r =
      Send("GET", "/api/v1/namespaces/default/events?fieldSelector=involvedObject.name%3Dmy-sa");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(Json(r).at("kind"), "EventList");
  EXPECT_TRUE(Json(r).at("items").as_array().empty());
  r = Send("GET", "/api/v1/namespaces/default/secrets");
  EXPECT_EQ(Json(r).at("kind"), "SecretList");
}

TEST_F(KubeApiTest, DeleteAndDeleteCollection) {
  CreateSa("my-sa");
  CreateSa("x1", R"(,"labels":{"gone":"yes"})");
  CreateSa("x2", R"(,"labels":{"gone":"yes"})");
  auto r = Send("DELETE", std::string(kMySa) + "?dryRun=All");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(Send("GET", kMySa).status, 200);
  r = Send("DELETE", kMySa, R"({"preconditions":{"uid":"wrong"}})");
  EXPECT_EQ(r.status, 409);
  r = Send("DELETE", kMySa);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(Meta(Json(r), "name"), "my-sa");
  EXPECT_EQ(Send("GET", kMySa).status, 404);
  EXPECT_EQ(Send("DELETE", kMySa).status, 404);

  r = Send("DELETE", std::string(kSaPath) + "?labelSelector=gone%3Dyes");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(Json(r).at("items").as_array().size(), 2u);
  EXPECT_EQ(Send("GET", "/api/v1/namespaces/default/serviceaccounts/x1").status, 404);
  EXPECT_EQ(Send("GET", "/api/v1/namespaces/default/serviceaccounts/default").status, 200);
}

TEST_F(KubeApiTest, NamespaceLifecycle) {
  auto r = Send("POST", "/api/v1/namespaces",
                R"({"apiVersion":"v1","kind":"Namespace","metadata":{"name":"team-a"}})");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(Json(r).at("status").at("phase"), "Active");
  EXPECT_EQ(Json(r).at("metadata").at("labels").at("kubernetes.io/metadata.name"), "team-a");
  EXPECT_EQ(Send("GET", "/api/v1/namespaces/team-a/serviceaccounts/default").status, 200);
  r = Send("POST", "/api/v1/namespaces/team-a/serviceaccounts", SaBody("svc"));
  EXPECT_EQ(r.status, 201);
  r = Send("POST", "/api/v1/namespaces", R"({"metadata":{"name":"Team.A"}})");
  EXPECT_EQ(r.status, 422);
  r = Send("PATCH", "/api/v1/namespaces/team-a", R"({"metadata":{"labels":{"env":"prod"}}})",
           "application/merge-patch+json");
  EXPECT_EQ(Json(r).at("metadata").at("labels").at("env"), "prod");
  r = Send("DELETE", "/api/v1/namespaces/team-a");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(Json(r).at("status").at("phase"), "Terminating");
  EXPECT_EQ(Send("GET", "/api/v1/namespaces/team-a").status, 404);
  EXPECT_EQ(Send("GET", "/api/v1/namespaces/team-a/serviceaccounts/svc").status, 404);
}

TEST_F(KubeApiTest, ResourceVersionIsMonotonicAcrossWrites) {
  int64_t last = 0;
  for (const char* name : {"a", "b", "c"}) {
    int64_t rv = std::stoll(Meta(CreateSa(name), "resourceVersion"));
    EXPECT_GT(rv, last);
    last = rv;
  }
  Send("DELETE", "/api/v1/namespaces/default/serviceaccounts/c");
  auto r = Send("GET", kSaPath);
  EXPECT_GT(std::stoll(std::string(Json(r).at("metadata").at("resourceVersion").as_string())),
            last);
}

TEST_F(KubeApiTest, TokenRequest) {
  json::object sa = CreateSa("my-sa");
  auto r = Send(
      "POST", std::string(kMySa) + "/token",
      R"({"apiVersion":"authentication.k8s.io/v1","kind":"TokenRequest","spec":{"audiences":["sts.amazonaws.com"],"expirationSeconds":86400,"boundObjectRef":{"kind":"Pod","apiVersion":"v1","name":"web-1","uid":"pod-uid"}}})");
  ASSERT_EQ(r.status, 201) << r.body;
  json::object tr = Json(r);
  EXPECT_EQ(tr.at("kind"), "TokenRequest");
  EXPECT_EQ(tr.at("apiVersion"), "authentication.k8s.io/v1");
  EXPECT_EQ(tr.at("status").at("token"), "token:default:my-sa:sts.amazonaws.com:86400");
  EXPECT_EQ(tr.at("status").at("expirationTimestamp"), "2026-09-22T14:13:20Z");
  ASSERT_EQ(minter.specs.size(), 1u);
  const TokenRequestSpec& spec = minter.specs[0];
  EXPECT_EQ(spec.cluster, "prod");
  EXPECT_EQ(spec.service_account_uid, Meta(sa, "uid"));
  ASSERT_TRUE(spec.bound_pod.has_value());
  EXPECT_EQ(spec.bound_pod->name, "web-1");
  EXPECT_EQ(spec.bound_pod->uid, "pod-uid");

  // Defaults: expiration 3600, the API server audience.
  r = Send("POST", std::string(kMySa) + "/token", R"({"spec":{}})");
  EXPECT_EQ(Json(r).at("spec").at("expirationSeconds"), 3600);
  EXPECT_EQ(minter.specs.back().audiences,
            std::vector<std::string>{"https://kubernetes.default.svc"});
  // Capped at the maximum.
  r = Send("POST", std::string(kMySa) + "/token", R"({"spec":{"expirationSeconds":999999}})");
  EXPECT_EQ(Json(r).at("spec").at("expirationSeconds"), 86400);

  r = Send("POST", std::string(kMySa) + "/token", R"({"spec":{"expirationSeconds":599}})");
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(Json(r).at("message"),
            "TokenRequest.authentication.k8s.io \"my-sa\" is invalid: spec.expirationSeconds: "
            "Invalid value: 599: may not specify a duration less than 10 minutes");
  r = Send("POST", std::string(kMySa) + "/token",
           R"({"spec":{"boundObjectRef":{"kind":"Node","name":"n"}}})");
  EXPECT_EQ(r.status, 422);
  r = Send("POST", "/api/v1/namespaces/default/serviceaccounts/ghost/token", "{}");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(Json(r).at("message"), "serviceaccounts \"ghost\" not found");
  EXPECT_EQ(minter.specs.size(), 3u);
}

TEST(K8sHelpersTest, HumanDuration) {
  EXPECT_EQ(HumanDuration(-5), "<invalid>");
  EXPECT_EQ(HumanDuration(45), "45s");
  EXPECT_EQ(HumanDuration(200), "3m20s");
  EXPECT_EQ(HumanDuration(600), "10m");
  EXPECT_EQ(HumanDuration(5 * 3600 + 120), "5h2m");
  EXPECT_EQ(HumanDuration(30 * 3600), "30h");
  EXPECT_EQ(HumanDuration(3 * 86400 + 4 * 3600), "3d4h");
  EXPECT_EQ(HumanDuration(100 * 86400), "100d");
  EXPECT_EQ(HumanDuration((2 * 365 + 10) * 86400), "2y10d");
}

TEST(K8sHelpersTest, MergePatchFollowsRfc7386) {
  json::value target = json::parse(R"({"a":"b","c":{"d":"e","f":"g"}})");
  json::value patch = json::parse(R"({"a":"z","c":{"f":null}})");
  EXPECT_EQ(MergePatch(target, patch), json::parse(R"({"a":"z","c":{"d":"e"}})"));
  EXPECT_EQ(MergePatch(target, json::parse("[1]")), json::parse("[1]"));
}

TEST(K8sHelpersTest, JsonPointerEscapes) {
  auto tokens = ParseJsonPointer("/a~1b/c~0d/");
  ASSERT_TRUE(tokens.ok());
  EXPECT_EQ(*tokens, (std::vector<std::string>{"a/b", "c~d", ""}));
  EXPECT_FALSE(ParseJsonPointer("a").ok());
  EXPECT_FALSE(ParseJsonPointer("/a~2").ok());
}

}  // namespace
}  // namespace irsa::kube::testing

namespace irsa::kube::testing {
namespace {

TEST_F(KubeApiTest, StoreLookupSeesAnnotatedServiceAccounts) {
  CreateSa("my-sa",
           R"(,"annotations":{"eks.amazonaws.com/role-arn":"arn:aws:iam::111122223333:role/r"})");
  StoreServiceAccountLookup lookup(store, kAccount, kCluster);
  auto found = lookup.Get("default", "my-sa");
  ASSERT_TRUE(found.ok());
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->annotations.at("eks.amazonaws.com/role-arn"),
            "arn:aws:iam::111122223333:role/r");
  auto missing = lookup.Get("default", "ghost");
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());
  StoreServiceAccountLookup other_cluster(store, kAccount, "other");
  EXPECT_FALSE(other_cluster.Get("default", "my-sa")->has_value());
}

}  // namespace
}  // namespace irsa::kube::testing
