#include "protocol/eks_rest.h"

#include <algorithm>

#include "base/encoding.h"
#include "base/strings.h"
#include "protocol/eks_rest_call.h"
#include "protocol/error_render.h"

namespace irsa::protocol {
namespace eks_rest {

std::optional<std::string> EksCall::Query(std::string_view name) const {
  for (const auto& [key, value] : query) {
    if (key == name) return value;
  }
  return std::nullopt;
}

std::vector<std::string> EksCall::QueryAll(std::string_view name) const {
  std::vector<std::string> out;
  for (const auto& [key, value] : query) {
    if (key == name) out.push_back(value);
  }
  return out;
}

std::string ClusterArn(const EksCall& call, const std::string& name) {
  return "arn:aws:eks:" + call.services.region + ":" + call.caller.account + ":cluster/" + name;
}

double EpochSeconds(SystemTime t) {
  return static_cast<double>(t.time_since_epoch().count()) / 1e9;
}

HttpResponse Json(int status, const json::value& body) {
  HttpResponse response;
  response.status = status;
  response.headers.emplace_back("Content-Type", "application/json");
  response.body = json::serialize(body);
  return response;
}

Result<std::optional<std::string>> BodyString(const json::object& body, std::string_view key) {
  const json::value* v = body.if_contains(key);
  if (v == nullptr || v->is_null()) return std::optional<std::string>();
  if (!v->is_string()) {
    return errors::InvalidParameterException(std::string(key) + " must be a string.");
  }
  return std::optional<std::string>(std::string(v->as_string()));
}

Result<std::optional<std::vector<std::string>>> BodyStrings(const json::object& body,
                                                            std::string_view key) {
  using Out = std::optional<std::vector<std::string>>;
  const json::value* v = body.if_contains(key);
  if (v == nullptr || v->is_null()) return Out();
  if (!v->is_array()) {
    return errors::InvalidParameterException(std::string(key) + " must be a list of strings.");
  }
  std::vector<std::string> out;
  for (const json::value& item : v->as_array()) {
    if (!item.is_string()) {
      return errors::InvalidParameterException(std::string(key) + " must be a list of strings.");
    }
    out.emplace_back(item.as_string());
  }
  return Out(std::move(out));
}

Result<std::optional<bool>> BodyBool(const json::object& body, std::string_view key) {
  const json::value* v = body.if_contains(key);
  if (v == nullptr || v->is_null()) return std::optional<bool>();
  if (!v->is_bool()) {
    return errors::InvalidParameterException(std::string(key) + " must be a boolean.");
  }
  return std::optional<bool>(v->as_bool());
}

Result<eks::Tags> BodyTags(const json::object& body) {
  eks::Tags tags;
  const json::value* value = body.if_contains("tags");
  if (value == nullptr || value->is_null()) return tags;
  if (!value->is_object()) return errors::InvalidParameterException("tags must be a map.");
  for (const auto& [key, v] : value->as_object()) {
    if (!v.is_string()) return errors::InvalidParameterException("tag values must be strings.");
    tags.emplace_back(std::string(key), std::string(v.as_string()));
  }
  return tags;
}

Result<eks::PageRequest> QueryPage(const EksCall& call) {
  eks::PageRequest page;
  if (std::optional<std::string> max = call.Query("maxResults")) {
    if (max->empty() || max->size() > 6 ||
        !std::all_of(max->begin(), max->end(), [](char c) { return c >= '0' && c <= '9'; })) {
      return errors::InvalidParameterException("maxResults must be a number from 1 to 100.");
    }
    page.max_results = static_cast<int>(std::stol(*max));
  }
  page.next_token = call.Query("nextToken").value_or("");
  return page;
}

json::object TagsJson(const eks::Tags& tags) {
  json::object out;
  for (const auto& [key, value] : tags) out[key] = value;
  return out;
}

json::object ClusterJson(const eks::ClusterDescription& d) {
  const oidc::ClusterRecord& c = d.record;
  json::object out{{"name", c.name},
                   {"arn", c.arn},
                   {"createdAt", EpochSeconds(c.created)},
                   {"version", c.kubernetes_version},
                   {"platformVersion", "irsa.1"},
                   {"status", std::string(eks::ClusterStatusName(d.status))},
                   {"identity", json::object{{"oidc", json::object{{"issuer", c.issuer}}}}},
                   {"tags", TagsJson(c.tags)},
                   {"accessConfig", json::object{{"authenticationMode", c.authentication_mode},
                                                 {"bootstrapClusterCreatorAdminPermissions",
                                                  c.bootstrap_cluster_creator_admin}}}};
  if (!d.endpoint.empty()) out["endpoint"] = d.endpoint;
  if (!d.certificate_authority.empty()) {
    out["certificateAuthority"] = json::object{{"data", d.certificate_authority}};
  }
  return out;
}

json::object AccessEntryJson(const eks::AccessEntry& e) {
  json::array groups;
  for (const std::string& g : e.kubernetes_groups) groups.emplace_back(g);
  return json::object{{"clusterName", e.cluster_name},
                      {"principalArn", e.principal_arn},
                      {"kubernetesGroups", std::move(groups)},
                      {"accessEntryArn", e.arn},
                      {"createdAt", EpochSeconds(e.created_at)},
                      {"modifiedAt", EpochSeconds(e.modified_at)},
                      {"tags", TagsJson(e.tags)},
                      {"username", e.username},
                      {"type", e.type}};
}

json::object AssociatedPolicyJson(const eks::AssociatedPolicy& p) {
  json::array namespaces;
  for (const std::string& ns : p.scope.namespaces) namespaces.emplace_back(ns);
  return json::object{
      {"policyArn", p.policy_arn},
      {"accessScope", json::object{{"type", p.scope.type}, {"namespaces", std::move(namespaces)}}},
      {"associatedAt", EpochSeconds(p.associated_at)},
      {"modifiedAt", EpochSeconds(p.modified_at)}};
}

void AddEntryKeys(authz::AccessRequest& access, const eks::AccessEntry& entry) {
  access.AddResourceTags(entry.tags, /*also_iam=*/false);
  access.context.Set("eks:accessEntryType", entry.type);
  access.context.Set("eks:clusterName", entry.cluster_name);
  if (!entry.kubernetes_groups.empty()) {
    access.context.SetMulti("eks:kubernetesGroups", entry.kubernetes_groups);
  }
  access.context.Set("eks:principalArn", entry.principal_arn);
  access.context.Set("eks:username", entry.username);
}

Result<authz::AccessRequest> EntryAccess(const EksCall& call) {
  authz::AccessRequest access;
  const std::string& cluster = call.Param(0);
  const std::string& principal = call.Param(1);
  Result<std::optional<eks::AccessEntry>> entry =
      call.services.entries->Find(call.caller.account, cluster, principal);
  if (entry.ok() && *entry) {
    access.resource = (*entry)->arn;
    AddEntryKeys(access, **entry);
    return access;
  }
  // No such entry (or cluster): the ARN the entry would have, without its random suffix.
  Result<eks::ParsedPrincipalArn> parsed = eks::ParsePrincipalArn(principal);
  access.resource = "arn:aws:eks:" + call.services.region + ":" + call.caller.account +
                    ":access-entry/" + cluster + "/" +
                    (parsed.ok() ? parsed->kind + "/" + parsed->account + "/" + parsed->name
                                 : std::string("unknown")) +
                    "/";
  access.context.Set("eks:clusterName", cluster);
  access.context.Set("eks:principalArn", principal);
  return access;
}

}  // namespace eks_rest

namespace {

using namespace eks_rest;

struct EksKeySpec {
  std::vector<std::string_view> keys;
  std::string_view source;
};

struct EksOperation {
  EksOperationInfo info;
  std::vector<EksKeySpec> key_docs;
  Result<authz::AccessRequest> (*access)(const EksCall&);
  Result<HttpResponse> (*handler)(const EksCall&);
};

const EksKeySpec kClusterTags{{"aws:ResourceTag/${TagKey}"}, "the cluster's tags"};
const EksKeySpec kRequestTags{{"aws:RequestTag/${TagKey}", "aws:TagKeys"}, "the tags member"};
const std::vector<EksKeySpec> kEntryKeys = {
    {{"aws:ResourceTag/${TagKey}"}, "the entry's tags"},
    {{"eks:accessEntryType", "eks:clusterName", "eks:kubernetesGroups", "eks:principalArn",
      "eks:username"},
     "the entry"}};

std::vector<EksKeySpec> With(std::vector<EksKeySpec> base, std::vector<EksKeySpec> more) {
  base.insert(base.end(), more.begin(), more.end());
  return base;
}

EksOperation Op(std::string_view name, std::string_view method, std::string_view path,
                std::string_view resource_type, std::vector<EksKeySpec> key_docs,
                Result<authz::AccessRequest> (*access)(const EksCall&),
                Result<HttpResponse> (*handler)(const EksCall&)) {
  EksOperation op{{name, method, path, resource_type, {}}, std::move(key_docs), access, handler};
  for (const EksKeySpec& spec : op.key_docs) {
    op.info.keys.insert(op.info.keys.end(), spec.keys.begin(), spec.keys.end());
  }
  return op;
}

const std::vector<EksOperation>& Operations() {
  static const auto* table = new std::vector<EksOperation>{
      Op("ListClusters", "GET", "/clusters", "*", {}, AnyResourceAccess, ListClusters),
      Op("CreateCluster", "POST", "/clusters", "cluster",
         {kRequestTags,
          {{"eks:authenticationMode", "eks:bootstrapClusterCreatorAdminPermissions",
            "eks:kubernetesVersion"},
           "the accessConfig and version members, when sent"}},
         NewClusterAccess, CreateCluster),
      Op("DescribeCluster", "GET", "/clusters/{name}", "cluster", {kClusterTags},
         ExistingClusterAccess, DescribeCluster),
      Op("DeleteCluster", "DELETE", "/clusters/{name}", "cluster", {kClusterTags},
         ExistingClusterAccess, DeleteCluster),
      Op("CreateAccessEntry", "POST", "/clusters/{name}/access-entries", "cluster",
         {kClusterTags,
          kRequestTags,
          {{"eks:accessEntryType", "eks:kubernetesGroups", "eks:principalArn", "eks:username"},
           "the request (type defaults to STANDARD; groups and username when sent)"}},
         NewEntryAccess, CreateAccessEntry),
      Op("ListAccessEntries", "GET", "/clusters/{name}/access-entries", "cluster", {kClusterTags},
         ExistingClusterAccess, ListAccessEntries),
      Op("DescribeAccessEntry", "GET", "/clusters/{name}/access-entries/{principalArn}",
         "access-entry", kEntryKeys, EntryAccess, DescribeAccessEntry),
      Op("UpdateAccessEntry", "POST", "/clusters/{name}/access-entries/{principalArn}",
         "access-entry",
         {kEntryKeys[0],
          {kEntryKeys[1].keys, "the entry, with the kubernetesGroups and username requested"}},
         UpdateEntryAccess, UpdateAccessEntry),
      Op("DeleteAccessEntry", "DELETE", "/clusters/{name}/access-entries/{principalArn}",
         "access-entry", kEntryKeys, EntryAccess, DeleteAccessEntry),
      Op("AssociateAccessPolicy", "POST",
         "/clusters/{name}/access-entries/{principalArn}/access-policies", "access-entry",
         With(kEntryKeys,
              {{{"eks:accessScope", "eks:namespaces", "eks:policyArn"}, "the request"}}),
         AssociateAccess, AssociateAccessPolicy),
      Op("ListAssociatedAccessPolicies", "GET",
         "/clusters/{name}/access-entries/{principalArn}/access-policies", "access-entry",
         kEntryKeys, EntryAccess, ListAssociatedAccessPolicies),
      Op("DisassociateAccessPolicy", "DELETE",
         "/clusters/{name}/access-entries/{principalArn}/access-policies/{policyArn}",
         "access-entry",
         With(kEntryKeys, {{{"eks:policyArn"}, "the path"},
                           {{"eks:accessScope", "eks:namespaces"}, "the association"}}),
         DisassociateAccess, DisassociateAccessPolicy),
      Op("ListAccessPolicies", "GET", "/access-policies", "*", {}, AnyResourceAccess,
         ListAccessPolicies),
      Op("TagResource", "POST", "/tags/{resourceArn}", "cluster, access-entry",
         {{{"aws:ResourceTag/${TagKey}"}, "the resource's tags"},
          kRequestTags,
          {kEntryKeys[1].keys, "access entries: the entry"}},
         TaggedResourceAccess, TagResource),
      Op("UntagResource", "DELETE", "/tags/{resourceArn}", "cluster, access-entry",
         {{{"aws:ResourceTag/${TagKey}"}, "the resource's tags"},
          {{"aws:TagKeys"}, "the tagKeys parameter"},
          {kEntryKeys[1].keys, "access entries: the entry"}},
         TaggedResourceAccess, UntagResource),
      Op("ListTagsForResource", "GET", "/tags/{resourceArn}", "cluster, access-entry",
         {{{"aws:ResourceTag/${TagKey}"}, "the resource's tags"},
          {kEntryKeys[1].keys, "access entries: the entry"}},
         TaggedResourceAccess, ListTagsForResource),
  };
  return *table;
}

HttpResponse Labeled(HttpResponse response, std::string_view action) {
  response.labels.service = "eks";
  response.labels.action = std::string(action);
  return response;
}

// The raw path's segments, each percent-decoded; nullopt when an escape is malformed.
std::optional<std::vector<std::string>> PathSegments(const HttpRequest& request) {
  std::string_view raw = request.target.empty() ? std::string_view(request.path) : request.target;
  raw = raw.substr(0, raw.find_first_of("?#"));
  if (raw.starts_with("/")) raw.remove_prefix(1);
  std::vector<std::string> out;
  for (std::string_view segment : Split(raw, '/')) {
    std::optional<std::string> decoded = PercentDecode(segment, false);
    if (!decoded) return std::nullopt;
    out.push_back(std::move(*decoded));
  }
  return out;
}

// The operation for the method and segments, with the path parameters it captures.
const EksOperation* Match(const std::string& method, const std::vector<std::string>& segments,
                          std::vector<std::string>& params) {
  for (const EksOperation& op : Operations()) {
    if (op.info.method != method) continue;
    std::vector<std::string_view> pattern = Split(op.info.path.substr(1), '/');
    if (pattern.size() != segments.size()) continue;
    std::vector<std::string> captured;
    bool matched = true;
    for (size_t i = 0; i < pattern.size() && matched; ++i) {
      if (pattern[i].starts_with("{")) {
        matched = !segments[i].empty();
        captured.push_back(segments[i]);
      } else {
        matched = pattern[i] == segments[i];
      }
    }
    if (matched) {
      params = std::move(captured);
      return &op;
    }
  }
  return nullptr;
}

Result<std::vector<std::pair<std::string, std::string>>> ParseRestQuery(std::string_view query) {
  std::vector<std::pair<std::string, std::string>> out;
  for (std::string_view part : Split(query, '&')) {
    if (part.empty()) continue;
    size_t eq = part.find('=');
    std::optional<std::string> key = PercentDecode(part.substr(0, eq), false);
    std::optional<std::string> value = PercentDecode(
        eq == std::string_view::npos ? std::string_view() : part.substr(eq + 1), false);
    if (!key || !value) {
      return errors::InvalidParameterException("The query string has an invalid percent-encoding.");
    }
    out.emplace_back(std::move(*key), std::move(*value));
  }
  return out;
}

// Everything before authorization: the operation, its call and what is asked.
struct Prepared {
  const EksOperation* op = nullptr;
  std::unique_ptr<EksCall> call;
};

Result<Prepared> Prepare(const EksServices& services, const HttpRequest& request,
                         const authz::Caller& caller) {
  std::optional<std::vector<std::string>> segments = PathSegments(request);
  std::vector<std::string> params;
  const EksOperation* op = segments ? Match(request.method, *segments, params) : nullptr;
  if (op == nullptr) {
    return errors::NotFound("No EKS operation for " + request.method + " " +
                            ToValidUtf8(request.path.substr(0, 256)));
  }
  Prepared prepared;
  prepared.op = op;
  prepared.call.reset(new EksCall{request, caller, services, std::move(params), {}, {}});
  IRSA_TRY(prepared.call->query, ParseRestQuery(request.query));
  if (request.method == "POST" && !TrimWhitespace(request.body).empty()) {
    boost::system::error_code ec;
    json::value body = json::parse(request.body, ec);
    if (ec || !body.is_object()) {
      return errors::InvalidParameterException("The request body must be a JSON object.");
    }
    prepared.call->body = std::move(body.as_object());
  }
  return prepared;
}

}  // namespace

const std::vector<EksOperationInfo>& EksOperationTable() {
  static const auto* infos = [] {
    auto* out = new std::vector<EksOperationInfo>();
    for (const EksOperation& op : Operations()) out->push_back(op.info);
    return out;
  }();
  return *infos;
}

Result<std::pair<EksOperationInfo, authz::AccessRequest>> EksAccessFor(
    const EksServices& services, const HttpRequest& request, const authz::Caller& caller) {
  IRSA_TRY(Prepared prepared, Prepare(services, request, caller));
  IRSA_TRY(authz::AccessRequest access, prepared.op->access(*prepared.call));
  access.action = "eks:" + std::string(prepared.op->info.name);
  return std::make_pair(prepared.op->info, std::move(access));
}

Router::PrefixHandler MakeEksHandler(const Authenticator& authn, const authz::Authorizer& authz,
                                     EksServices services) {
  return [&authn, &authz, services = std::move(services)](HttpRequest& request) {
    auto fail = [&](const Error& error, std::string_view action) {
      return Labeled(RenderRestJsonError(error, request.request_id), action);
    };
    std::optional<std::vector<std::string>> segments = PathSegments(request);
    std::vector<std::string> unused;
    const EksOperation* op = segments ? Match(request.method, *segments, unused) : nullptr;
    if (op == nullptr) {
      return fail(errors::NotFound("No EKS operation for " + request.method + " " +
                                   ToValidUtf8(request.path.substr(0, 256)) +
                                   " (docs/authorization.md lists the EKS operations irsa "
                                   "serves)"),
                  "Unknown");
    }
    const std::string_view name = op->info.name;
    Result<AuthResult> auth = authn.Authenticate(request);
    if (!auth.ok()) return fail(auth.error(), name);
    if (!auth->signed_request) {
      return fail(errors::MissingAuthenticationToken("Missing Authentication Token"), name);
    }
    Result<Prepared> prepared = Prepare(services, request, auth->caller);
    if (!prepared.ok()) return fail(prepared.error(), name);
    // The one authorization layer: decided before the operation runs.
    Result<authz::AccessRequest> access = op->access(*prepared->call);
    if (!access.ok()) return fail(access.error(), name);
    access->action = "eks:" + std::string(name);
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
                  name);
    }
    Result<HttpResponse> response = op->handler(*prepared->call);
    if (!response.ok()) return fail(response.error(), name);
    return Labeled(std::move(*response), name);
  };
}

std::vector<OperationDoc> DocumentEksTable() {
  std::vector<OperationDoc> out;
  for (const EksOperation& op : Operations()) {
    OperationDoc doc;
    doc.service = "eks";
    doc.operation = std::string(op.info.name);
    doc.action = "eks:" + std::string(op.info.name);
    doc.resource = std::string(op.info.resource_type);
    for (const EksKeySpec& spec : op.key_docs) {
      std::string keys;
      for (std::string_view key : spec.keys) {
        if (!keys.empty()) keys += ", ";
        keys += "`" + std::string(key) + "`";
      }
      doc.keys.push_back(keys + " (" + std::string(spec.source) + ")");
    }
    doc.authorization = "identity policies, permissions boundary, session policies";
    out.push_back(std::move(doc));
  }
  std::sort(out.begin(), out.end(),
            [](const OperationDoc& a, const OperationDoc& b) { return a.operation < b.operation; });
  return out;
}

}  // namespace irsa::protocol
