#include "protocol/router.h"

#include "base/log.h"
#include "protocol/error_render.h"
#include "protocol/iam_adapters.h"
#include "protocol/s3_access.h"

namespace irsa::protocol {
namespace {

constexpr std::string_view kIamVersion = "2010-05-08";
constexpr std::string_view kStsVersion = "2011-06-15";

HttpResponse Labeled(HttpResponse response, std::string_view service, std::string_view action,
                     const authz::Caller* caller) {
  response.labels.service = std::string(service);
  response.labels.action = std::string(action);
  if (caller && caller->type != authz::CallerType::kAnonymous) {
    response.labels.principal = caller->arn;
  }
  return response;
}

}  // namespace

Router::Router(const Authenticator& authn, QueryServices services, RouterOptions options)
    : authn_(authn), services_(services), options_(std::move(options)) {
  RegisterIamUserActions(iam_actions_);
  RegisterIamRoleActions(iam_actions_);
  RegisterIamPolicyActions(iam_actions_);
  RegisterIamPrincipalPolicyActions(iam_actions_);
  RegisterIamOidcActions(iam_actions_);
  RegisterIamSurfaceActions(iam_actions_);
  RegisterStsActions(sts_actions_);
}

void Router::AddPrefix(std::string prefix, PrefixHandler handler) {
  prefixes_.emplace_back(std::move(prefix), std::move(handler));
}

bool Router::RoutesToS3(const HttpRequest& request) const {
  if (!s3_) return false;
  if (IsS3Request(request)) return true;
  if (request.path == "/" || request.path.empty()) return false;
  if (request.path == "/_irsa/reset" && options_.reset) return false;
  // Anonymous path-style S3 requests name no other route.
  for (const auto& entry : prefixes_) {
    if (request.path.starts_with(entry.first)) return false;
  }
  return true;
}

HttpResponse Router::HandleS3Stream(HttpRequest& request, ByteSource& body) {
  return s3_(request, &body);
}

HttpResponse Router::Handle(HttpRequest& request) {
  if (RoutesToS3(request)) return s3_(request, nullptr);
  const bool query = request.path == "/" || request.path.empty();
  const bool reset = request.path == "/_irsa/reset" && options_.reset;
  const PrefixHandler* prefixed = nullptr;
  for (const auto& [prefix, handler] : prefixes_) {
    if (request.path.starts_with(prefix)) {
      prefixed = &handler;
      break;
    }
  }
  if (options_.max_body_bytes != 0 && request.body.size() > options_.max_body_bytes) {
    return Labeled(RenderQueryError(errors::RequestEntityTooLarge(
                                        "request body larger than " +
                                        std::to_string(options_.max_body_bytes) + " bytes"),
                                    kIamXmlNamespace, request.request_id),
                   "none", "TooLarge", nullptr);
  }
  if (query) return HandleQuery(request);
  if (reset) return HandleReset(request);
  if (prefixed != nullptr) return (*prefixed)(request);
  return Labeled(
      RenderQueryError(errors::NotFound("No route for " + request.method + " " + request.path),
                       kIamXmlNamespace, request.request_id),
      "none", "NotFound", nullptr);
}

HttpResponse Router::HandleReset(HttpRequest& request) {
  if (request.method != "POST") {
    return RenderQueryError(errors::InvalidAction("Use POST /_irsa/reset."), kIamXmlNamespace,
                            request.request_id);
  }
  Status status = options_.reset();
  if (!status.ok()) {
    return Labeled(RenderQueryError(status.error(), kIamXmlNamespace, request.request_id), "admin",
                   "Reset", nullptr);
  }
  log::Warn("all state was reset through /_irsa/reset");
  HttpResponse response;
  response.headers.emplace_back("Content-Type", "application/json");
  response.body = "{\"reset\":true}";
  return Labeled(std::move(response), "admin", "Reset", nullptr);
}

HttpResponse Router::HandleQuery(HttpRequest& request) {
  Result<QueryParams> params = QueryParams::FromRequest(request);
  if (!params.ok()) {
    return Labeled(RenderQueryError(params.error(), kIamXmlNamespace, request.request_id), "query",
                   "Unknown", nullptr);
  }
  const std::string action(params->Get("Action").value_or(""));
  // Actions authenticated by their own proof (AssumeRoleWithWebIdentity's token) ignore any
  // signature, as AWS does: SDKs send them unsigned, but a signed one must not fail.
  auto unsigned_action = sts_actions_.find(action);
  const bool proof_in_request =
      unsigned_action != sts_actions_.end() && unsigned_action->second.allow_unsigned;
  Result<AuthResult> auth =
      proof_in_request ? Result<AuthResult>(AuthResult{}) : authn_.Authenticate(request);
  // The service: the signature's scope, or for unsigned requests the action's service.
  std::string service = auth.ok() ? auth->service : "";
  if (service.empty()) service = sts_actions_.count(action) ? "sts" : "iam";
  const bool is_sts = service == "sts";
  const std::string_view ns = is_sts ? kStsXmlNamespace : kIamXmlNamespace;
  const QueryActionTable& table = is_sts ? sts_actions_ : iam_actions_;
  auto it = table.find(action);
  // Metric and log labels name only operations irsa serves: client-chosen strings never create
  // a series.
  const std::string_view label = it == table.end() ? std::string_view("Unknown") : it->first;
  const std::string_view service_label =
      service == "iam" || service == "sts" ? std::string_view(service) : "query";
  auto fail = [&](const Error& error) {
    return Labeled(RenderQueryError(error, ns, request.request_id), service_label, label,
                   auth.ok() ? &auth->caller : nullptr);
  };
  if (!auth.ok()) return fail(auth.error());
  if (service != "iam" && service != "sts") {
    return fail(errors::InvalidAction("The service " + service.substr(0, 64) +
                                      " is not served by the AWS Query endpoint."));
  }
  if (action.empty()) {
    return fail(errors::InvalidAction("Missing Action: the request must name an Action."));
  }
  if (it == table.end()) {
    return fail(errors::InvalidAction(
        "Could not find operation " + action.substr(0, 128) + " for version " +
        std::string(
            params->Get("Version").value_or(is_sts ? kStsVersion : kIamVersion).substr(0, 32)) +
        "."));
  }
  if (!auth->signed_request && !it->second.allow_unsigned) {
    return fail(errors::MissingAuthenticationToken("Request is missing Authentication Token"));
  }
  QueryCall call{request,
                 *params,
                 auth->caller,
                 services_,
                 it->first,
                 ns,
                 auth->region.empty() ? "us-east-1" : auth->region};
  const QueryAction& entry = it->second;
  // The one authorization layer: every operation the table authorizes is decided here, before
  // its handler runs.
  Status scope =
      services_.authorizer->CheckCredentialScope(auth->caller, entry.iam_action, call.Facts());
  if (!scope.ok()) return fail(scope.error());
  if (entry.authorization == Authorization::kTable) {
    Result<authz::AccessRequest> access =
        BuildAccessRequest(call, entry.iam_action, entry.resource, entry.keys);
    if (!access.ok()) return fail(access.error());
    Status allowed = services_.authorizer->Authorize(auth->caller, *access, call.Facts());
    if (!allowed.ok()) return fail(allowed.error());
  }
  Result<HttpResponse> response = entry.handler(call);
  if (!response.ok()) return fail(response.error());
  return Labeled(std::move(*response), service_label, label, &auth->caller);
}

authz::RequestFacts QueryCall::Facts() const {
  authz::RequestFacts facts;
  facts.request_id = http.request_id;
  facts.source_ip = http.remote_address;
  facts.secure_transport = http.secure;
  facts.requested_region = region;
  facts.user_agent = std::string(http.Header("user-agent"));
  return facts;
}

Result<Paging> ReadPaging(const QueryParams& params) {
  Paging paging;
  IRSA_TRY(std::optional<int64_t> max_items, params.GetInt("MaxItems"));
  std::optional<std::string_view> marker = params.Get("Marker");
  Validator v;
  v.Range("MaxItems", max_items, 1, 1000);
  v.Length("Marker", marker, 1, 320);
  IRSA_RETURN_IF_ERROR(v.ToStatus());
  if (max_items) paging.max_items = static_cast<int>(*max_items);
  if (marker) paging.marker = std::string(*marker);
  return paging;
}

void WritePaging(XmlWriter& w, bool truncated, const std::string& marker) {
  w.Bool("IsTruncated", truncated);
  if (truncated) w.Element("Marker", marker);
}

}  // namespace irsa::protocol
