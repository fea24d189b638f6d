#include "kube/api.h"

#include <utility>

#include "base/encoding.h"
#include "base/ids.h"
#include "base/strings.h"
#include "base/time_format.h"
#include "kube/api_call.h"
#include "kube/k8s_discovery.h"
#include "kube/k8s_json.h"
#include "kube/k8s_openapi.h"
#include "kube/k8s_repository.h"
#include "kube/k8s_status.h"

namespace irsa::kube {

std::string KubeApi::Call::Param(const std::string& name) const {
  auto it = query.find(name);
  return it == query.end() ? std::string() : it->second;
}

bool KubeApi::Call::DryRun() const { return Param("dryRun") == "All"; }

HttpResponse KubeApi::Call::Respond(int status, const json::value& body) const {
  HttpResponse r = JsonResponse(status, body);
  for (const auto& w : warnings) {
    std::string quoted;
    for (char c : w) {
      if (c == '"' || c == '\\') quoted.push_back('\\');
      quoted.push_back(c);
    }
    r.headers.emplace_back("Warning", "299 - \"" + quoted + "\"");
  }
  return r;
}

Result<std::map<std::string, std::string>> ParseQuery(const std::string& query) {
  std::map<std::string, std::string> out;
  if (query.empty()) return out;
  for (std::string_view part : Split(query, '&')) {
    if (part.empty()) continue;
    size_t eq = part.find('=');
    std::string_view raw_key = part.substr(0, eq);
    std::string_view raw_value = eq == std::string_view::npos ? "" : part.substr(eq + 1);
    auto key = PercentDecode(raw_key, true);
    auto value = PercentDecode(raw_value, true);
    if (!key || !value) return k8s_errors::BadRequest("malformed query string");
    out.emplace(std::move(*key), std::move(*value));
  }
  return out;
}

namespace {

std::vector<std::string> PathSegments(const std::string& path) {
  std::vector<std::string> segments;
  for (std::string_view s : Split(path, '/')) {
    if (!s.empty()) segments.emplace_back(s);
  }
  return segments;
}

std::string BearerToken(const HttpRequest& request) {
  std::string_view auth = TrimWhitespace(request.Header("authorization"));
  if (!StartsWithIgnoreCase(auth, "bearer ")) return {};
  return std::string(TrimWhitespace(auth.substr(7)));
}

std::string VerbFor(const std::string& method, bool has_name, bool watch) {
  if (method == "GET" || method == "HEAD") return watch ? "watch" : (has_name ? "get" : "list");
  if (method == "POST") return "create";
  if (method == "PUT") return "update";
  if (method == "PATCH") return "patch";
  if (method == "DELETE") return has_name ? "delete" : "deletecollection";
  return AsciiLower(method);
}

// Fills the authorization attributes from the path segments (k8s.io/apiserver's RequestInfo:
// /api/v1/... and /apis/<group>/<version>/... with a resource are resource requests, everything
// else is a non-resource request on the path).
RequestAttributes AttributesFor(const HttpRequest& request, const std::vector<std::string>& seg,
                                bool watch) {
  RequestAttributes a;
  a.secure_transport = request.secure;
  size_t i = 0;  // first segment after the group version
  if (seg.size() >= 3 && seg[0] == "api") {
    a.api_version = seg[1];
    i = 2;
  } else if (seg.size() >= 4 && seg[0] == "apis") {
    a.api_group = seg[1];
    a.api_version = seg[2];
    i = 3;
  } else {
    a.resource_request = false;
    a.verb = AsciiLower(request.method);
    a.path = request.path.empty() ? "/" : request.path;
    return a;
  }
  // <resource>[/<name>[/<sub>]] or namespaces/<ns>/<resource>[/<name>[/<sub>]]
  if (seg[i] == "namespaces" && seg.size() >= i + 3) {
    a.namespace_name = seg[i + 1];
    i += 2;
  }
  a.resource = seg[i];
  if (seg.size() > i + 1) a.name = seg[i + 1];
  if (seg.size() > i + 2) a.subresource = seg[i + 2];
  if (a.resource == "namespaces") a.namespace_name = a.name;
  a.verb = VerbFor(request.method, !a.name.empty(), watch);
  return a;
}

Error NotServed() {
  return k8s_errors::NotFound("the server could not find the requested resource");
}

}  // namespace

KubeApi::KubeApi(store::Store& store, const Clock& clock, Random& random, TokenMinter& minter,
                 ClusterDirectory& clusters, KubeApiOptions options)
    : store_(store),
      clock_(clock),
      random_(random),
      minter_(minter),
      clusters_(clusters),
      options_(std::move(options)) {}

Status KubeApi::Transact(bool dry_run, const std::function<Status(store::StoreTx&)>& fn) {
  return dry_run ? store_.Read(fn) : store_.Write(fn);
}

Status KubeApi::EnsureBootstrapped(const ClusterInfo& cluster) {
  bool done = false;
  IRSA_RETURN_IF_ERROR(store_.Read([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(done, ClusterObjects(tx, cluster.account, cluster.name).Bootstrapped());
    return OkStatus();
  }));
  if (done) return OkStatus();
  return store_.Write([&](store::StoreTx& tx) -> Status {
    ClusterObjects objects(tx, cluster.account, cluster.name);
    IRSA_TRY(bool again, objects.Bootstrapped());
    if (again) return OkStatus();  // another request won the race
    std::string now = FormatIso8601(clock_.Now());
    for (std::string_view ns : kBuiltinNamespaces) {
      IRSA_TRY(int64_t rv, objects.NextResourceVersion());
      json::object namespace_object{
          {"apiVersion", "v1"},
          {"kind", "Namespace"},
          {"metadata", json::object{{"name", ns},
                                    {"uid", NewUuid(random_)},
                                    {"resourceVersion", std::to_string(rv)},
                                    {"creationTimestamp", now},
                                    {"labels", json::object{{"kubernetes.io/metadata.name", ns}}}}},
          {"spec", json::object{{"finalizers", json::array{"kubernetes"}}}},
          {"status", json::object{{"phase", "Active"}}}};
      IRSA_RETURN_IF_ERROR(objects.Put(ObjectKind::kNamespace, namespace_object));
      IRSA_TRY(int64_t sa_rv, objects.NextResourceVersion());
      json::object sa{{"apiVersion", "v1"},
                      {"kind", "ServiceAccount"},
                      {"metadata", json::object{{"name", "default"},
                                                {"namespace", ns},
                                                {"uid", NewUuid(random_)},
                                                {"resourceVersion", std::to_string(sa_rv)},
                                                {"creationTimestamp", now}}}};
      IRSA_RETURN_IF_ERROR(objects.Put(ObjectKind::kServiceAccount, sa));
    }
    return OkStatus();
  });
}

HttpResponse KubeApi::Handle(const std::string& cluster, const HttpRequest& request) {
  HttpResponse response;
  try {
    auto query = ParseQuery(request.query);
    if (!query) return ErrorResponse(query.error());
    auto found = clusters_.FindCluster(cluster);
    if (!found) return ErrorResponse(found.error());
    if (!found->has_value()) return ErrorResponse(NotServed());
    Call call{request, **found, std::move(*query)};
    response = Route(call);
    if (call.authentication.subject) {
      response.labels.principal = call.authentication.iam_arn.empty()
                                      ? call.authentication.subject->user.username
                                      : call.authentication.iam_arn;
    }
    Audit(call, response);
  } catch (const std::exception& e) {
    // Boost.JSON reports allocation failure and misuse by exception; never let one escape.
    response = ErrorResponse(k8s_errors::InternalError(e.what()));
  }
  response.labels.service = "kube";
  return response;
}

HttpResponse KubeApi::Route(Call& call) {
  const HttpRequest& request = call.http;
  std::vector<std::string> seg = PathSegments(request.path);
  bool watch = call.Param("watch") == "true" || call.Param("watch") == "1";
  RequestAttributes attributes = AttributesFor(request, seg, watch);

  call.attributes = attributes;
  bool is_version = seg.size() == 1 && seg[0] == "version";
  if (!is_version) {
    Result<Authentication> authn =
        clusters_.Authenticate(call.cluster, BearerToken(request), request.secure);
    if (!authn.ok()) return ErrorResponse(authn.error());
    call.authentication = std::move(*authn);
    if (!call.authentication.subject) return ErrorResponse(k8s_errors::Unauthorized());
    const Subject& subject = *call.authentication.subject;
    if (!Authorize(subject, attributes).allowed) {
      return ErrorResponse(
          k8s_errors::Forbidden(ForbiddenMessage(attributes, subject.user.username)));
    }
  }
  const std::string& method = request.method;
  bool get = method == "GET" || method == "HEAD";
  auto only_get = [&](const json::value& body) {
    if (!get)
      return ErrorResponse(k8s_errors::MethodNotAllowed(
          "the server does not allow this method on the requested resource"));
    return JsonResponse(200, body);
  };
  if (seg.empty()) {
    return only_get(json::object{
        {"paths", json::array{"/api", "/api/v1", "/apis", "/openapi/v3", "/version"}}});
  }
  if (is_version) return only_get(VersionInfo());
  if (seg[0] == "apis") return RouteApis(call, seg);
  if (seg[0] == "openapi") {
    if (seg.size() == 2 && seg[1] == "v3") {
      return only_get(OpenApiV3Index(options_.mount_prefix + call.cluster.name));
    }
    if (seg.size() == 3 && seg[1] == "v3" && seg[2] == "api") return only_get(OpenApiV3CoreApi());
    if (seg.size() == 4 && seg[1] == "v3" && seg[2] == "api" && seg[3] == "v1") {
      return only_get(OpenApiV3CoreV1());
    }
    return ErrorResponse(NotServed());
  }
  if (seg[0] != "api") return ErrorResponse(NotServed());
  if (seg.size() == 1) {
    std::string host(request.Header("host"));
    return only_get(CoreApiVersions(host.empty() ? "127.0.0.1" : host));
  }
  if (seg[1] != "v1") return ErrorResponse(NotServed());
  if (seg.size() == 2) return only_get(CoreV1Resources());

  if (watch) {
    return ErrorResponse(
        k8s_errors::MethodNotAllowed("watch is not supported by this server (irsa); list instead"));
  }
  if (Status s = EnsureBootstrapped(call.cluster); !s.ok()) return ErrorResponse(s.error());

  Result<HttpResponse> result = NotServed();
  const std::string& resource = attributes.resource;
  const std::string& ns = attributes.namespace_name;
  const std::string& name = attributes.name;
  bool namespaced_path = seg[2] == "namespaces" && seg.size() >= 5;
  size_t depth = seg.size();
  auto method_not_allowed = []() -> Error {
    return k8s_errors::MethodNotAllowed(
        "the server does not allow this method on the requested resource");
  };

  if (resource == "namespaces" && !namespaced_path) {
    if (depth == 3) {
      if (get)
        result = ListObjects(call, ObjectKind::kNamespace, std::nullopt);
      else if (method == "POST")
        result = CreateObject(call, ObjectKind::kNamespace, "");
      else
        result = method_not_allowed();
    } else if (depth == 4) {
      if (get)
        result = GetObject(call, ObjectKind::kNamespace, "", name);
      else if (method == "PUT")
        result = UpdateObject(call, ObjectKind::kNamespace, "", name);
      else if (method == "PATCH")
        result = PatchObject(call, ObjectKind::kNamespace, "", name);
      else if (method == "DELETE")
        result = DeleteObject(call, ObjectKind::kNamespace, "", name);
      else
        result = method_not_allowed();
    }
  } else if (resource == "serviceaccounts" && !namespaced_path) {
    if (depth == 3 && get)
      result = ListObjects(call, ObjectKind::kServiceAccount, std::nullopt);
    else if (depth == 3)
      result = method_not_allowed();
  } else if (resource == "serviceaccounts") {
    if (depth == 5) {
      if (get)
        result = ListObjects(call, ObjectKind::kServiceAccount, ns);
      else if (method == "POST")
        result = CreateObject(call, ObjectKind::kServiceAccount, ns);
      else if (method == "DELETE")
        result = DeleteCollection(call, ns);
      else
        result = method_not_allowed();
    } else if (depth == 6) {
      if (get)
        result = GetObject(call, ObjectKind::kServiceAccount, ns, name);
      else if (method == "PUT")
        result = UpdateObject(call, ObjectKind::kServiceAccount, ns, name);
      else if (method == "PATCH")
        result = PatchObject(call, ObjectKind::kServiceAccount, ns, name);
      else if (method == "DELETE")
        result = DeleteObject(call, ObjectKind::kServiceAccount, ns, name);
      else
        result = method_not_allowed();
    } else if (depth == 7 && attributes.subresource == "token") {
      if (method == "POST")
        result = CreateToken(call, ns, name);
      else
        result = method_not_allowed();
    }
  } else if (resource == "events" || resource == "secrets") {
    bool list_path = namespaced_path ? depth == 5 : depth == 3;
    bool item_path = namespaced_path && depth == 6;
    if (list_path && get) {
      result = EmptyList(call, resource == "events" ? "EventList" : "SecretList");
    } else if (item_path && get) {
      result = k8s_errors::ResourceNotFound(resource, name);
    } else if (list_path || item_path) {
      result = method_not_allowed();
    }
  }
  if (!result) return ErrorResponse(result.error());
  return std::move(*result);
}

}  // namespace irsa::kube
