#include "authz/authorizer.h"

#include "policy/trace.h"

namespace irsa::authz {
namespace {

policy::RequestPrincipal PrincipalOf(const Caller& caller) {
  switch (caller.type) {
    case CallerType::kRoot:
      return policy::RequestPrincipal::Root(caller.account);
    case CallerType::kUser:
      return policy::RequestPrincipal::User(caller.arn, caller.user_id);
    case CallerType::kAssumedRole:
      return policy::RequestPrincipal::AssumedRole(caller.arn, caller.role_arn, caller.role_id);
    case CallerType::kAnonymous:
      break;
  }
  return policy::RequestPrincipal::Anonymous();
}

}  // namespace

std::string DenialMessage(const Caller& caller, std::string_view action, std::string_view resource,
                          std::string_view why) {
  std::string message = "User: ";
  message += caller.arn.empty() ? "anonymous" : caller.arn;
  message += " is not authorized to perform: ";
  message += action;
  message += " on resource: ";
  message += resource;
  if (!why.empty()) {
    message += " because ";
    message += why;
  }
  return message;
}

policy::Request Authorizer::BuildRequest(const Caller& caller, std::string_view action,
                                         std::string_view resource,
                                         const RequestFacts& facts) const {
  policy::RequestBuilder builder;
  builder.Action(std::string(action))
      .Resource(std::string(resource))
      .Principal(PrincipalOf(caller), caller.session_name)
      .CurrentTime(clock_.Now())
      .SecureTransport(facts.secure_transport);
  if (!facts.source_ip.empty()) builder.SourceIp(facts.source_ip);
  if (!facts.requested_region.empty()) builder.Set("aws:RequestedRegion", facts.requested_region);
  if (!facts.user_agent.empty()) builder.Set("aws:UserAgent", facts.user_agent);
  if (caller.type == CallerType::kAssumedRole) {
    builder.TokenIssueTime(caller.token_issue_time);
    for (const auto& tag : caller.session_tags) builder.PrincipalTag(tag.key, tag.value);
    if (!caller.federated_provider.empty()) {
      builder.FederatedProvider(caller.federated_provider);
      // Only the sub/aud keys of the provider flow into later calls of the session.
      std::string issuer = caller.federated_provider;
      if (auto pos = issuer.find(":oidc-provider/"); pos != std::string::npos) {
        issuer = issuer.substr(pos + 15);
        if (!caller.web_identity_subject.empty()) {
          builder.WebIdentityClaim(issuer, "sub", caller.web_identity_subject);
        }
        if (!caller.web_identity_audience.empty()) {
          builder.WebIdentityClaim(issuer, "aud", caller.web_identity_audience);
        }
      }
    }
    if (!caller.source_identity.empty()) builder.Set("aws:SourceIdentity", caller.source_identity);
  }
  for (const auto& [key, value] : facts.request_tags) builder.RequestTag(key, value);
  for (const auto& [key, value] : facts.extra_context) builder.Add(key, value);
  return builder.Build();
}

Status Authorizer::Authorize(const Caller& caller, std::string_view action,
                             std::string_view resource, const RequestFacts& facts) const {
  if (caller.type == CallerType::kRoot) return OkStatus();
  if (caller.type == CallerType::kAnonymous) {
    return errors::AccessDenied(DenialMessage(caller, action, resource, "the request is unsigned"));
  }
  IRSA_TRY(std::shared_ptr<const CallerPolicies> policies, source_.ForCaller(caller));
  policy::Request request = BuildRequest(caller, action, resource, facts);
  for (const auto& [key, value] : policies->principal_tags) {
    // Session tags (set above) override principal tags with the same key.
    std::string context_key = "aws:PrincipalTag/" + key;
    if (!request.context.Find(context_key)) request.context.Set(context_key, value);
  }
  policy::PolicySet set;
  set.identity = policies->identity;
  set.boundary = policies->boundary;
  set.session = policies->session;
  policy::DecisionResult decision = policy::Decide(set, request);
  if (decision.allowed()) return OkStatus();
  // Denied: evaluate again with a trace (cost only on the failure path) for the explanation.
  policy::DecisionTrace trace;
  policy::Decide(set, request, &trace);
  std::string why = policy::ExplainDecision(trace);
  if (why.empty()) why = std::string(decision.reason);
  return errors::AccessDenied(DenialMessage(caller, action, resource, why));
}

}  // namespace irsa::authz
