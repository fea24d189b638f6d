// HandleAdmissionReview: the AdmissionReview envelope around MutatePod (webhook.h).
#include <exception>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include <boost/json.hpp>

#include "base/encoding.h"
#include "kube/webhook.h"
#include "kube/webhook_go.h"

namespace irsa::kube {
namespace {

namespace json = boost::json;

constexpr std::string_view kDefaultApiVersion = "admission.k8s.io/v1";
constexpr std::string_view kReviewKind = "AdmissionReview";

struct Reply {
  std::string api_version = std::string(kDefaultApiVersion);
  std::string kind = std::string(kReviewKind);
  std::string uid;
  bool allowed = true;
  std::string message;  // status.message when non-empty
  std::string patch;    // serialised patch array when non-empty
  std::vector<std::string> warnings;
};

// Go field order: AdmissionReview{kind, apiVersion, response}; AdmissionResponse{uid, allowed,
// status, patch, patchType, auditAnnotations, warnings}; metav1.Status{metadata, message}.
std::string Render(const Reply& reply) {
  std::string out = "{";
  if (!reply.kind.empty()) {
    out += "\"kind\":";
    AppendGoJsonString(out, reply.kind);
    out += ',';
  }
  if (!reply.api_version.empty()) {
    out += "\"apiVersion\":";
    AppendGoJsonString(out, reply.api_version);
    out += ',';
  }
  out += "\"response\":{\"uid\":";
  AppendGoJsonString(out, reply.uid);
  out += ",\"allowed\":";
  out += reply.allowed ? "true" : "false";
  if (!reply.message.empty()) {
    out += ",\"status\":{\"metadata\":{},\"message\":";
    AppendGoJsonString(out, reply.message);
    out += '}';
  }
  if (!reply.patch.empty()) {
    out += ",\"patch\":";
    AppendGoJsonString(out, Base64Encode(reply.patch));
    out += ",\"patchType\":\"JSONPatch\"";
  }
  if (!reply.warnings.empty()) {
    out += ",\"warnings\":[";
    for (size_t i = 0; i < reply.warnings.size(); ++i) {
      if (i > 0) out += ',';
      AppendGoJsonString(out, reply.warnings[i]);
    }
    out += ']';
  }
  out += "}}";
  return out;
}

// Reads an optional string member; false when present with another type than string/null.
bool OptionalString(const json::object& o, std::string_view key, std::string& out) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) return true;
  if (!v->is_string()) return false;
  out = std::string(v->get_string());
  return true;
}

void Deny(Reply& reply, std::string message, std::vector<std::string>* reasons) {
  reply.allowed = false;
  reply.message = std::move(message);
  if (reasons != nullptr) reasons->push_back("rejected AdmissionReview: " + reply.message);
}

void Skip(std::string reason, std::vector<std::string>* reasons) {
  if (reasons != nullptr) reasons->push_back(std::move(reason));
}

void Handle(const WebhookOptions& options, std::string_view body, ServiceAccountLookup& lookup,
            Reply& reply, std::vector<std::string>* reasons) {
  if (body.size() > kMaxAdmissionReviewBytes) {
    return Deny(reply, "AdmissionReview too large", reasons);
  }
  json::parse_options parse_options;
  parse_options.max_depth = kMaxAdmissionReviewDepth;
  boost::system::error_code ec;
  json::value root = json::parse(body, ec, json::storage_ptr(), parse_options);
  if (ec) return Deny(reply, "could not decode AdmissionReview: " + ec.message(), reasons);
  if (!root.is_object()) return Deny(reply, "AdmissionReview must be a JSON object", reasons);
  const json::object& review = root.get_object();

  std::string api_version;
  std::string kind;
  if (!OptionalString(review, "apiVersion", api_version) || !OptionalString(review, "kind", kind)) {
    return Deny(reply, "AdmissionReview apiVersion and kind must be strings", reasons);
  }
  if (!api_version.empty()) reply.api_version = api_version;
  if (!kind.empty()) reply.kind = kind;

  const json::value* request_value = review.if_contains("request");
  if (request_value == nullptr || request_value->is_null()) {
    return Deny(reply, "bad content", reasons);
  }
  if (!request_value->is_object()) return Deny(reply, "request must be an object", reasons);
  const json::object& request = request_value->get_object();
  if (!OptionalString(request, "uid", reply.uid)) {
    return Deny(reply, "request.uid must be a string", reasons);
  }

  std::string ns;
  std::string operation;
  std::string sub_resource;
  if (!OptionalString(request, "namespace", ns) ||
      !OptionalString(request, "operation", operation) ||
      !OptionalString(request, "subResource", sub_resource)) {
    return Deny(reply, "request.namespace, operation and subResource must be strings", reasons);
  }
  // Only Pods (core group) are mutated; anything else is allowed unchanged.
  for (const auto& [member, field, want] :
       {std::tuple{"kind", "kind", "Pod"}, std::tuple{"resource", "resource", "pods"}}) {
    const json::value* v = request.if_contains(member);
    if (v == nullptr || v->is_null()) continue;
    if (!v->is_object())
      return Deny(reply, std::string("request.") + member + " must be an object", reasons);
    std::string group;
    std::string name;
    if (!OptionalString(v->get_object(), "group", group) ||
        !OptionalString(v->get_object(), field, name)) {
      return Deny(reply, std::string("request.") + member + " must hold strings", reasons);
    }
    if (!group.empty() || name != want) {
      return Skip("request for " + std::string(member) + " " + group + "/" + name +
                      " is not a Pod; allowed unchanged",
                  reasons);
    }
  }
  if (!sub_resource.empty()) {
    return Skip("request for subresource pods/" + sub_resource + "; allowed unchanged", reasons);
  }
  if (!operation.empty() && operation != "CREATE") {
    return Skip("operation " + operation + " is not CREATE; allowed unchanged", reasons);
  }

  const json::value* object = request.if_contains("object");
  if (object == nullptr || !object->is_object()) {
    return Deny(reply, "request.object must be a Pod object", reasons);
  }
  auto mutation = MutatePod(options, object->get_object(), ns, lookup);
  if (!mutation.ok()) return Deny(reply, mutation.error().message(), reasons);
  if (reasons != nullptr) {
    reasons->insert(reasons->end(), mutation->reasons.begin(), mutation->reasons.end());
  }
  reply.warnings = std::move(mutation->warnings);
  if (mutation->mutate) reply.patch = GoJsonMarshal(mutation->patch);
}

}  // namespace

std::string HandleAdmissionReview(const WebhookOptions& options, std::string_view request_body,
                                  ServiceAccountLookup& lookup, std::vector<std::string>* reasons) {
  Reply reply;
  try {
    Handle(options, request_body, lookup, reply, reasons);
  } catch (const std::exception& e) {  // bad_alloc and the like; Boost.JSON is used non-throwing
    reply.patch.clear();
    reply.warnings.clear();
    Deny(reply, std::string("internal error: ") + e.what(), reasons);
  } catch (...) {
    reply.patch.clear();
    reply.warnings.clear();
    Deny(reply, "internal error", reasons);
  }
  return Render(reply);
}

std::string HandleAdmissionReview(const WebhookOptions& options, std::string_view request_body,
                                  ServiceAccountLookup& lookup) {
  return HandleAdmissionReview(options, request_body, lookup, nullptr);
}

}  // namespace irsa::kube
