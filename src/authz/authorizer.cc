#include "authz/authorizer.h"

#include <algorithm>
#include <chrono>

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
    case CallerType::kFederatedUser:
      return policy::RequestPrincipal::FederatedUser(caller.arn, caller.source_user_arn);
    case CallerType::kAnonymous:
      break;
  }
  return policy::RequestPrincipal::Anonymous();
}

const DenialExplainer& DefaultExplainer() {
  static const DenialExplainer* explainer = new DenialExplainer();
  return *explainer;
}

}  // namespace

const policy::CompiledPolicyPtr& RootIdentityPolicy() {
  static const policy::CompiledPolicyPtr* policy =
      new policy::CompiledPolicyPtr(*policy::CompilePolicy(
          R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]})",
          policy::PolicyKind::kIdentity, {.name = "root"}));
  return *policy;
}

const DenialExplainer& Authorizer::explainer() const {
  return explainer_ != nullptr ? *explainer_ : DefaultExplainer();
}

policy::Request Authorizer::BuildRequest(const Caller& caller, std::string_view action,
                                         std::string_view resource,
                                         const RequestFacts& facts) const {
  policy::RequestBuilder builder;
  builder.Action(std::string(action))
      .Resource(std::string(resource))
      .Principal(PrincipalOf(caller), caller.session_name)
      .CurrentTime(clock_.Now())
      .SecureTransport(facts.secure_transport)
      .Set("aws:ViaAWSService", "false")
      .Set("aws:PrincipalIsAWSService", "false");
  if (!facts.source_ip.empty()) builder.SourceIp(facts.source_ip);
  if (!facts.requested_region.empty()) builder.Set("aws:RequestedRegion", facts.requested_region);
  if (!facts.user_agent.empty()) builder.Set("aws:UserAgent", facts.user_agent);
  const bool federated = caller.type == CallerType::kFederatedUser;
  if (caller.type == CallerType::kAssumedRole || caller.session_token_credentials || federated) {
    builder.TokenIssueTime(caller.token_issue_time);
    // Temporary credentials say whether they were obtained with MFA; long-term keys carry
    // neither key (as on AWS).
    if (!caller.mfa_authenticated) builder.Set("aws:MultiFactorAuthPresent", "false");
  }
  if (caller.mfa_authenticated) {
    const auto age = std::chrono::duration_cast<std::chrono::seconds>(clock_.Now() -
                                                                      caller.mfa_authenticated_at);
    builder.Set("aws:MultiFactorAuthPresent", "true");
    builder.Set("aws:MultiFactorAuthAge", std::to_string(std::max<int64_t>(0, age.count())));
  }
  if (federated) {
    for (const auto& tag : caller.session_tags) builder.PrincipalTag(tag.key, tag.value);
  }
  if (caller.type == CallerType::kAssumedRole) {
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

policy::Request Authorizer::BuildRequest(const Caller& caller, const AccessRequest& access,
                                         const RequestFacts& facts) const {
  policy::Request request = BuildRequest(caller, access.action, access.resource, facts);
  for (const policy::ContextEntry& entry : access.context.entries()) {
    if (entry.multi_valued) {
      request.context.SetMulti(entry.key, entry.values);
    } else if (!entry.values.empty()) {
      request.context.Set(entry.key, entry.values.front());
    }
  }
  return request;
}

namespace {

// Why `caller`'s credentials may never call `action`, or "" when they may.
std::string CredentialScopeViolation(const Caller& caller, std::string_view action) {
  const bool federated = caller.type == CallerType::kFederatedUser;
  const bool session =
      caller.type == CallerType::kAssumedRole || caller.session_token_credentials || federated;
  if ((action == "sts:GetSessionToken" || action == "sts:GetFederationToken") && session) {
    return "Cannot call " + std::string(action.substr(4)) + " with session credentials";
  }
  if (federated && (action.starts_with("iam:") ||
                    (action.starts_with("sts:") && action != "sts:GetCallerIdentity"))) {
    return "Cannot call " + std::string(action) +
           " with GetFederationToken credentials: they call no IAM operation and of STS only "
           "GetCallerIdentity";
  }
  if (!caller.session_token_credentials) return "";
  if (action.starts_with("iam:") && !caller.mfa_authenticated) {
    return "IAM API calls are not allowed with GetSessionToken credentials unless MFA info is "
           "included (call GetSessionToken with SerialNumber and TokenCode)";
  }
  if (action.starts_with("sts:") && action != "sts:AssumeRole" &&
      action != "sts:GetCallerIdentity") {
    return "Cannot call " + std::string(action.substr(4)) +
           " with GetSessionToken credentials: of STS they may call only AssumeRole and "
           "GetCallerIdentity";
  }
  return "";
}

}  // namespace

Status Authorizer::CheckCredentialScope(const Caller& caller, std::string_view action,
                                        const RequestFacts& facts) const {
  std::string violation = CredentialScopeViolation(caller, action);
  if (violation.empty()) return OkStatus();
  AuditDenial(&caller, action, violation, facts);
  return errors::AccessDenied(std::move(violation));
}

Status Authorizer::Authorize(const Caller& caller, std::string_view action,
                             std::string_view resource, const RequestFacts& facts) const {
  AccessRequest access;
  access.action = std::string(action);
  access.resource = std::string(resource);
  return Authorize(caller, access, facts);
}

Status Authorizer::Authorize(const Caller& caller, const AccessRequest& access,
                             const RequestFacts& facts) const {
  const std::string& resource_account =
      access.resource_account.empty() ? caller.account : access.resource_account;
  const bool own_account = resource_account == caller.account;
  if (caller.type == CallerType::kRoot && own_account && !access.resource_policy) {
    return OkStatus();
  }
  if (caller.type == CallerType::kAnonymous && !access.resource_policy) {
    Denial denial;
    denial.caller = &caller;
    denial.action = access.action;
    denial.resource = access.resource;
    denial.reason = "the request is unsigned";
    return Deny(denial, facts);
  }
  if (!own_account && !access.resource_policy) {
    // Another account's resource is reachable only through a resource-based policy of that
    // account (AWS's cross-account evaluation: both sides must allow).
    const std::string reason = "the resource belongs to account " + resource_account +
                               " and no resource-based policy grants access";
    Denial denial;
    denial.caller = &caller;
    denial.action = access.action;
    denial.resource = access.resource;
    denial.reason = reason;
    return Deny(denial, facts);
  }
  policy::PolicySet set;
  set.resource = access.resource_policy;
  set.resource_account = resource_account;
  policy::Request request = BuildRequest(caller, access, facts);
  if (caller.type == CallerType::kRoot) {
    set.identity.push_back(RootIdentityPolicy());
  } else if (caller.type != CallerType::kAnonymous) {
    IRSA_TRY(std::shared_ptr<const CallerPolicies> policies, source_.ForCaller(caller));
    for (const auto& [key, value] : policies->principal_tags) {
      // Session tags (set by BuildRequest) override principal tags with the same key.
      std::string context_key = "aws:PrincipalTag/" + key;
      if (!request.context.Find(context_key)) request.context.Set(context_key, value);
    }
    set.identity = policies->identity;
    set.boundary = policies->boundary;
    set.session = policies->session;
    // A federated user passed no session policy has no permissions (AWS's GetFederationToken).
    set.session_policies_required = caller.type == CallerType::kFederatedUser;
  }
  policy::DecisionResult decision = policy::Decide(set, request);
  if (decision.allowed()) {
    if (recorder_) recorder_->Record(caller, access.action, facts.requested_region, clock_.Now());
    return OkStatus();
  }
  // Denied: evaluate again with a trace (cost only on the failure path) for the explanation.
  policy::DecisionTrace trace;
  policy::Decide(set, request, &trace);
  const std::string explanation = policy::ExplainDecision(trace);
  Denial denial;
  denial.caller = &caller;
  denial.action = access.action;
  denial.resource = access.resource;
  denial.reason = decision.reason;
  denial.explanation = explanation;
  denial.trace = &trace;
  denial.request = &request;
  return Deny(denial, facts);
}

Error Authorizer::Deny(const Denial& denial, const RequestFacts& facts) const {
  AuditDenial(denial.caller, denial.action, DenialExplainer::FullMessage(denial), facts);
  return errors::AccessDenied(explainer().Message(denial));
}

void Authorizer::AuditDenial(const Caller* caller, std::string_view action, std::string reason,
                             const RequestFacts& facts) const {
  if (audit_ == nullptr) return;
  audit::AuditEvent event;
  event.request_id = facts.request_id;
  event.event = std::string(action);
  event.allowed = false;
  event.error = "AccessDenied";
  event.reason = std::move(reason);
  event.principal = caller != nullptr ? caller->arn : "";
  event.source_ip = facts.source_ip;
  event.access_key_id = caller != nullptr ? caller->access_key_id : "";
  audit_->Write(event);
}

}  // namespace irsa::authz
