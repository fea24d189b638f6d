// /apis: discovery of authentication.k8s.io and authorization.k8s.io, SelfSubjectReview
// (`kubectl auth whoami`) and SelfSubjectAccessReview (`kubectl auth can-i`); and the audit
// events of served requests.
#include "base/strings.h"
#include "kube/api.h"
#include "kube/api_call.h"
#include "kube/k8s_discovery.h"
#include "kube/k8s_json.h"
#include "kube/k8s_status.h"

namespace irsa::kube {
namespace {

Error NotServed() {
  return k8s_errors::NotFound("the server could not find the requested resource");
}

json::object UserInfoJson(const UserInfo& user) {
  json::array groups;
  for (const std::string& g : user.groups) groups.emplace_back(g);
  json::object extra;
  for (const auto& [key, values] : user.extra) {
    json::array list;
    for (const std::string& v : values) list.emplace_back(v);
    extra[key] = std::move(list);
  }
  json::object out{{"username", user.username}, {"groups", std::move(groups)}};
  if (!user.uid.empty()) out["uid"] = user.uid;
  if (!extra.empty()) out["extra"] = std::move(extra);
  return out;
}

// The review body: an object (or nothing), of the expected apiVersion and kind when it says.
Result<json::object> ReviewBody(const HttpRequest& http, std::string_view api_version,
                                std::string_view kind) {
  json::object body;
  if (!TrimWhitespace(http.body).empty()) {
    IRSA_TRY(body, ParseJsonObject(http.body));
  }
  if (auto v = StringAt(body, "apiVersion"); v && *v != api_version) {
    return k8s_errors::BadRequest("the API version in the data (" + *v +
                                  ") does not match the expected API version (" +
                                  std::string(api_version) + ")");
  }
  if (auto k = StringAt(body, "kind"); k && *k != kind) {
    return k8s_errors::BadRequest("the kind in the data (" + *k +
                                  ") does not match the expected kind (" + std::string(kind) + ")");
  }
  return body;
}

bool IsWrite(const std::string& verb) {
  return verb == "create" || verb == "update" || verb == "patch" || verb == "delete" ||
         verb == "deletecollection";
}

}  // namespace

HttpResponse KubeApi::RouteApis(Call& call, const std::vector<std::string>& seg) {
  const std::string& method = call.http.method;
  const bool get = method == "GET" || method == "HEAD";
  auto method_not_allowed = [] {
    return ErrorResponse(k8s_errors::MethodNotAllowed(
        "the server does not allow this method on the requested resource"));
  };
  if (seg.size() == 1) return get ? JsonResponse(200, ApiGroupList()) : method_not_allowed();
  if (seg.size() == 2) {
    std::optional<json::object> group = ApiGroup(seg[1]);
    if (!group) return ErrorResponse(NotServed());
    return get ? JsonResponse(200, *group) : method_not_allowed();
  }
  if (seg.size() == 3) {
    std::optional<json::object> resources = GroupResources(seg[1], seg[2]);
    if (!resources) return ErrorResponse(NotServed());
    return get ? JsonResponse(200, *resources) : method_not_allowed();
  }
  Result<HttpResponse> result = NotServed();
  if (seg.size() == 4 && seg[2] == "v1") {
    const bool self_review = seg[1] == "authentication.k8s.io" && seg[3] == "selfsubjectreviews";
    const bool access_review =
        seg[1] == "authorization.k8s.io" && seg[3] == "selfsubjectaccessreviews";
    if ((self_review || access_review) && method != "POST") return method_not_allowed();
    if (self_review) result = SelfSubjectReview(call);
    if (access_review) result = SelfSubjectAccessReview(call);
  }
  if (!result) return ErrorResponse(result.error());
  return std::move(*result);
}

Result<HttpResponse> KubeApi::SelfSubjectReview(Call& call) {
  IRSA_TRY(json::object body,
           ReviewBody(call.http, "authentication.k8s.io/v1", "SelfSubjectReview"));
  (void)body;
  const Subject& subject = *call.authentication.subject;
  return call.Respond(
      201, json::object{{"kind", "SelfSubjectReview"},
                        {"apiVersion", "authentication.k8s.io/v1"},
                        {"metadata", json::object{{"creationTimestamp", nullptr}}},
                        {"status", json::object{{"userInfo", UserInfoJson(subject.user)}}}});
}

Result<HttpResponse> KubeApi::SelfSubjectAccessReview(Call& call) {
  IRSA_TRY(json::object body,
           ReviewBody(call.http, "authorization.k8s.io/v1", "SelfSubjectAccessReview"));
  const json::object* spec = ObjectAt(body, "spec");
  const json::object* resource = spec ? ObjectAt(*spec, "resourceAttributes") : nullptr;
  const json::object* non_resource = spec ? ObjectAt(*spec, "nonResourceAttributes") : nullptr;
  if ((resource == nullptr) == (non_resource == nullptr)) {
    return k8s_errors::Invalid(
        "SelfSubjectAccessReview.authorization.k8s.io \"\" is invalid: spec.resourceAttributes: "
        "Invalid value: \"null\": exactly one of nonResourceAttributes or resourceAttributes must "
        "be specified");
  }
  RequestAttributes asked;
  asked.secure_transport = call.http.secure;
  if (resource != nullptr) {
    asked.resource_request = true;
    asked.verb = StringOr(*resource, "verb");
    asked.api_group = StringOr(*resource, "group");
    asked.api_version = StringOr(*resource, "version");
    asked.resource = StringOr(*resource, "resource");
    asked.subresource = StringOr(*resource, "subresource");
    asked.namespace_name = StringOr(*resource, "namespace");
    asked.name = StringOr(*resource, "name");
  } else {
    asked.resource_request = false;
    asked.verb = StringOr(*non_resource, "verb");
    asked.path = StringOr(*non_resource, "path");
  }
  AuthorizationDecision decision = Authorize(*call.authentication.subject, asked);
  json::object status{{"allowed", decision.allowed}};
  if (!decision.reason.empty()) status["reason"] = decision.reason;
  json::object out{{"kind", "SelfSubjectAccessReview"},
                   {"apiVersion", "authorization.k8s.io/v1"},
                   {"metadata", json::object{{"creationTimestamp", nullptr}}},
                   {"spec", *spec},
                   {"status", std::move(status)}};
  return call.Respond(201, out);
}

void KubeApi::Audit(const Call& call, const HttpResponse& response) const {
  if (options_.audit == nullptr) return;
  const RequestAttributes& a = call.attributes;
  const bool refused = response.status == 401 || response.status == 403;
  const bool review =
      a.api_group == "authentication.k8s.io" || a.api_group == "authorization.k8s.io";
  const bool write = a.resource_request && IsWrite(a.verb) && !review && !call.DryRun();
  if (!refused && !(write && response.status < 400)) return;

  audit::AuditEvent event;
  event.request_id = call.http.request_id;
  event.source_ip = call.http.remote_address;
  const std::string resource =
      a.subresource.empty() ? a.resource : a.resource + "/" + a.subresource;
  event.event = a.resource_request ? "kube:" + a.verb + ":" + resource : "kube:" + a.verb + ":path";
  event.allowed = !refused;
  const Authentication& authn = call.authentication;
  event.principal = authn.iam_arn;
  std::string user;
  if (authn.subject) {
    user = authn.subject->user.username;
    event.access_key_id = authn.subject->access_key_id;
    if (event.principal.empty()) event.principal = user;
  }
  std::string what = a.resource_request ? a.verb + " " + resource : a.verb + " " + a.path;
  if (!a.namespace_name.empty() || !a.name.empty()) {
    what += " " + (a.namespace_name.empty() ? "" : a.namespace_name + "/") + a.name;
  }
  event.reason = "cluster " + call.cluster.name + ": " + what;
  if (!user.empty()) event.reason += " as Kubernetes user \"" + user + "\"";
  if (response.status == 401) {
    event.error = "Unauthorized";
    event.reason += " refused: " + (authn.failure.empty() ? "unauthenticated" : authn.failure);
  } else if (response.status == 403) {
    event.error = "Forbidden";
    event.reason += " refused: no access policy of the subject allows it";
  }
  if (!call.minted_for.empty()) {
    event.subject = call.minted_for;
    event.audience = call.minted_audiences;
  }
  options_.audit->Write(event);
}

}  // namespace irsa::kube
