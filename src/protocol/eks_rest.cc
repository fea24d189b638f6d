#include "protocol/eks_rest.h"

#include <boost/json.hpp>
#include <map>

#include "base/encoding.h"
#include "protocol/error_render.h"
#include "protocol/query_params.h"

namespace irsa::protocol {
namespace json = boost::json;
namespace {

// One EKS call, as the table's functions see it.
struct EksCall {
  const HttpRequest& http;
  const authz::Caller& caller;
  eks::ClustersApi& clusters;
  const std::string& region;
  std::string name;   // the {name} path parameter, "" when the path has none
  json::object body;  // the JSON body (empty for GET/DELETE)
};

std::string ClusterArn(const EksCall& call, const std::string& name) {
  return "arn:aws:eks:" + call.region + ":" + call.caller.account + ":cluster/" + name;
}

double EpochSeconds(SystemTime t) {
  return static_cast<double>(t.time_since_epoch().count()) / 1e9;
}

json::object ClusterJson(const eks::ClusterDescription& d) {
  const oidc::ClusterRecord& c = d.record;
  json::object tags;
  for (const auto& [key, value] : c.tags) tags[key] = value;
  return json::object{{"name", c.name},
                      {"arn", c.arn},
                      {"createdAt", EpochSeconds(c.created)},
                      {"version", c.kubernetes_version},
                      {"platformVersion", "irsa.1"},
                      {"status", std::string(eks::ClusterStatusName(d.status))},
                      {"identity", json::object{{"oidc", json::object{{"issuer", c.issuer}}}}},
                      {"tags", std::move(tags)},
                      {"accessConfig", json::object{{"authenticationMode", "API"}}}};
}

HttpResponse Json(int status, const json::value& body) {
  HttpResponse response;
  response.status = status;
  response.headers.emplace_back("Content-Type", "application/json");
  response.body = json::serialize(body);
  return response;
}

// The "tags" member of a request body: a map of strings (InvalidParameterException otherwise).
Result<std::vector<std::pair<std::string, std::string>>> BodyTags(const json::object& body) {
  std::vector<std::pair<std::string, std::string>> tags;
  const json::value* value = body.if_contains("tags");
  if (value == nullptr || value->is_null()) return tags;
  if (!value->is_object()) return errors::InvalidParameterException("tags must be a map.");
  for (const auto& [key, v] : value->as_object()) {
    if (!v.is_string()) return errors::InvalidParameterException("tag values must be strings.");
    tags.emplace_back(std::string(key), std::string(v.as_string()));
  }
  return tags;
}

// ---- access: resource and keys of each operation ----

Result<authz::AccessRequest> AnyClusterAccess(const EksCall&) {
  authz::AccessRequest access;
  access.resource = "*";
  return access;
}

Result<authz::AccessRequest> ExistingClusterAccess(const EksCall& call) {
  authz::AccessRequest access;
  access.resource = ClusterArn(call, call.name);
  Result<eks::ClusterDescription> cluster =
      call.clusters.DescribeCluster(call.caller.account, call.name);
  if (cluster.ok()) access.AddResourceTags(cluster->record.tags, /*also_iam=*/false);
  return access;
}

Result<authz::AccessRequest> NewClusterAccess(const EksCall& call) {
  authz::AccessRequest access;
  const json::value* name = call.body.if_contains("name");
  access.resource =
      ClusterArn(call, name != nullptr && name->is_string() ? std::string(name->as_string()) : "");
  Result<std::vector<std::pair<std::string, std::string>>> tags = BodyTags(call.body);
  if (tags.ok() && !tags->empty()) access.AddRequestTags(*tags);
  return access;
}

// ---- operations ----

Result<HttpResponse> ListClusters(const EksCall& call) {
  eks::ListClustersInput input;
  Result<QueryParams> query = QueryParams::Parse("", call.http.query);
  if (!query.ok()) return errors::InvalidParameterException(query.error().message());
  IRSA_TRY(std::optional<int64_t> max, query->GetInt("maxResults"));
  if (max) input.max_results = static_cast<int>(std::clamp<int64_t>(*max, 0, 1000));
  input.next_token = std::string(query->Get("nextToken").value_or(""));
  IRSA_TRY(eks::ClusterPage page, call.clusters.ListClusters(call.caller.account, input));
  json::array names;
  for (const auto& name : page.names) names.emplace_back(json::string(name));
  json::object out{{"clusters", std::move(names)}};
  if (!page.next_token.empty()) out["nextToken"] = page.next_token;
  return Json(200, out);
}

Result<HttpResponse> DescribeCluster(const EksCall& call) {
  IRSA_TRY(eks::ClusterDescription d,
           call.clusters.DescribeCluster(call.caller.account, call.name));
  return Json(200, json::object{{"cluster", ClusterJson(d)}});
}

Result<HttpResponse> CreateCluster(const EksCall& call) {
  const json::value* name = call.body.if_contains("name");
  if (name == nullptr || !name->is_string()) {
    return errors::InvalidParameterException(
        "CreateCluster needs a JSON body with a string \"name\".");
  }
  eks::CreateClusterInput input;
  input.name = std::string(name->as_string());
  if (const json::value* version = call.body.if_contains("version");
      version != nullptr && version->is_string()) {
    input.version = std::string(version->as_string());
  }
  IRSA_TRY(input.tags, BodyTags(call.body));
  IRSA_TRY(eks::ClusterDescription d, call.clusters.CreateCluster(call.caller.account, input));
  return Json(200, json::object{{"cluster", ClusterJson(d)}});
}

Result<HttpResponse> DeleteCluster(const EksCall& call) {
  IRSA_TRY(eks::ClusterDescription d, call.clusters.DeleteCluster(call.caller.account, call.name));
  return Json(200, json::object{{"cluster", ClusterJson(d)}});
}

// The table.
struct EksOperation {
  std::string_view name;
  std::string_view method;
  bool named;  // the path carries {name}
  std::string_view resource_type;
  std::vector<std::string_view> keys;
  Result<authz::AccessRequest> (*access)(const EksCall&);
  Result<HttpResponse> (*handler)(const EksCall&);
};

const std::vector<EksOperation>& Operations() {
  static const auto* table = new std::vector<EksOperation>{
      {"ListClusters", "GET", false, "*", {}, AnyClusterAccess, ListClusters},
      {"CreateCluster",
       "POST",
       false,
       "cluster",
       {"aws:RequestTag/${TagKey}", "aws:TagKeys"},
       NewClusterAccess,
       CreateCluster},
      {"DescribeCluster",
       "GET",
       true,
       "cluster",
       {"aws:ResourceTag/${TagKey}"},
       ExistingClusterAccess,
       DescribeCluster},
      {"DeleteCluster",
       "DELETE",
       true,
       "cluster",
       {"aws:ResourceTag/${TagKey}"},
       ExistingClusterAccess,
       DeleteCluster},
  };
  return *table;
}

HttpResponse Labeled(HttpResponse response, std::string_view action) {
  response.labels.service = "eks";
  response.labels.action = std::string(action);
  return response;
}

}  // namespace

Router::PrefixHandler MakeEksHandler(const Authenticator& authn, const authz::Authorizer& authz,
                                     eks::ClustersApi& clusters, std::string region) {
  return [&authn, &authz, &clusters, region = std::move(region)](HttpRequest& request) {
    std::string_view rest = std::string_view(request.path).substr(9);  // after "/clusters"
    if (!rest.empty() && rest.front() == '/') rest.remove_prefix(1);
    const EksOperation* op = nullptr;
    for (const EksOperation& candidate : Operations()) {
      if (candidate.method == request.method && candidate.named == !rest.empty()) op = &candidate;
    }
    auto fail = [&](const Error& error, std::string_view action) {
      return Labeled(RenderRestJsonError(error, request.request_id), action);
    };
    if (op == nullptr || rest.find('/') != std::string_view::npos) {
      return fail(errors::NotFound("No EKS operation for " + request.method + " " +
                                   ToValidUtf8(request.path.substr(0, 256)) +
                                   " (irsa serves ListClusters, DescribeCluster, CreateCluster, "
                                   "DeleteCluster)"),
                  "Unknown");
    }
    Result<AuthResult> auth = authn.Authenticate(request);
    if (!auth.ok()) return fail(auth.error(), op->name);
    if (!auth->signed_request) {
      return fail(errors::MissingAuthenticationToken("Missing Authentication Token"), op->name);
    }
    EksCall call{request, auth->caller, clusters, region, std::string(rest), {}};
    if (request.method == "POST") {
      boost::system::error_code ec;
      json::value body = json::parse(request.body, ec);
      if (ec || !body.is_object()) {
        return fail(errors::InvalidParameterException("The request body must be a JSON object."),
                    op->name);
      }
      call.body = std::move(body.as_object());
    }
    // The one authorization layer: decided before the operation runs.
    Result<authz::AccessRequest> access = op->access(call);
    if (!access.ok()) return fail(access.error(), op->name);
    access->action = "eks:" + std::string(op->name);
    authz::RequestFacts facts;
    facts.request_id = request.request_id;
    facts.source_ip = request.remote_address;
    facts.secure_transport = request.secure;
    facts.requested_region = auth->region;
    facts.user_agent = std::string(request.Header("user-agent"));
    if (Status allowed = authz.Authorize(auth->caller, *access, facts); !allowed.ok()) {
      // EKS reports authorization failures as AccessDeniedException.
      const Error& e = allowed.error();
      return fail(e.code() == "AccessDenied" ? Error("AccessDeniedException", 403, e.message()) : e,
                  op->name);
    }
    Result<HttpResponse> response = op->handler(call);
    if (!response.ok()) return fail(response.error(), op->name);
    return Labeled(std::move(*response), op->name);
  };
}

std::vector<OperationDoc> DocumentEksTable() {
  std::vector<OperationDoc> out;
  for (const EksOperation& op : Operations()) {
    OperationDoc doc;
    doc.service = "eks";
    doc.operation = std::string(op.name);
    doc.action = "eks:" + std::string(op.name);
    doc.resource = std::string(op.resource_type);
    for (std::string_view key : op.keys) {
      doc.keys.push_back(
          "`" + std::string(key) + "`" +
          (key.starts_with("aws:ResourceTag") ? " (the cluster's tags)" : " (the tags member)"));
    }
    doc.authorization = "identity policies, permissions boundary, session policies";
    out.push_back(std::move(doc));
  }
  std::sort(out.begin(), out.end(),
            [](const OperationDoc& a, const OperationDoc& b) { return a.operation < b.operation; });
  return out;
}

}  // namespace irsa::protocol
