// AssumeRole (wire spec §2.3, policy spec §5.5): the caller's identity policies, the role's
// trust policy, the caller's permissions boundary and session policies, same- and cross-account.
#include "base/strings.h"
#include "sts/sts_service.h"

namespace irsa::sts {
namespace {

// What role chaining may not change (IAM User Guide, "Monitor and control actions taken with
// assumed roles": once set, the source identity "cannot be changed during the role session";
// AssumeRole Tags: "If you pass a session tag with the same key as an inherited tag, the
// operation fails"; tag keys compare case-insensitively). Ok for callers that are not sessions.
Status CheckChainedRequest(const authz::Caller& caller, const AssumeRoleRequest& request) {
  if (caller.type != authz::CallerType::kAssumedRole) return OkStatus();
  if (!caller.source_identity.empty() && request.source_identity &&
      *request.source_identity != caller.source_identity) {
    return errors::AccessDenied("User: " + caller.arn +
                                " is not authorized to perform: sts:SetSourceIdentity on "
                                "resource: " +
                                request.role_arn +
                                " because the source identity of the calling session (" +
                                caller.source_identity + ") cannot be changed in a role chain");
  }
  for (const auto& tag : request.tags) {
    for (const auto& inherited : caller.transitive_tag_keys) {
      if (EqualsIgnoreCase(tag.key, inherited)) {
        return errors::InvalidParameterValue(
            "One of the specified transitive tag keys can't be set because it conflicts with a "
            "transitive tag key from the calling session.");
      }
    }
  }
  return OkStatus();
}

}  // namespace

Result<IssuedCredentials> StsService::AssumeRole(const authz::Caller& caller,
                                                 const authz::RequestFacts& facts,
                                                 const AssumeRoleRequest& request) {
  audit::AuditEvent event;
  event.request_id = request.request_id;
  event.event = "AssumeRole";
  event.principal = caller.arn;
  event.role = request.role_arn;
  event.session = request.role_session_name;
  event.source_ip = facts.source_ip;
  return Audited(event, Assume(caller, facts, request, event));
}

Result<IssuedCredentials> StsService::Assume(const authz::Caller& caller,
                                             const authz::RequestFacts& facts,
                                             const AssumeRoleRequest& request,
                                             audit::AuditEvent& event) {
  IRSA_TRY(auto role_ref, ParseRoleArn(request.role_arn));
  const std::string& account = role_ref.first;
  const bool chained = caller.type == authz::CallerType::kAssumedRole;
  const int64_t duration = request.duration_seconds.value_or(3600);
  if (chained && duration > 3600) {
    return errors::ValidationError(
        "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by "
        "role chaining.");
  }
  IRSA_RETURN_IF_ERROR(CheckSessionTags(request.tags, request.transitive_tag_keys));
  IRSA_RETURN_IF_ERROR(CheckChainedRequest(caller, request));
  IRSA_TRY(auto role, LoadRole(request.role_arn, role_ref));
  if (!role) {
    authz::Denial denial;
    denial.caller = &caller;
    denial.action = "sts:AssumeRole";
    denial.resource = request.role_arn;
    denial.reason = "no identity-based policy allows the sts:AssumeRole action";
    denial.explanation = "the role does not exist";
    return Denied(event, denial);
  }

  // With SerialNumber + TokenCode the calling user authenticates with MFA now: the trust policy
  // sees aws:MultiFactorAuthPresent=true and the session carries it.
  IRSA_TRY(bool mfa, CheckMfa(caller, request.serial_number, request.token_code));
  authz::Caller mfa_caller;
  if (mfa) {
    mfa_caller = caller;
    mfa_caller.mfa_authenticated = true;
    mfa_caller.mfa_authenticated_at = iam_.clock.Now();
  }
  const authz::Caller& principal = mfa ? mfa_caller : caller;

  authz::RequestFacts full = facts;
  full.extra_context.emplace_back("sts:RoleSessionName", request.role_session_name);
  if (request.external_id) full.extra_context.emplace_back("sts:ExternalId", *request.external_id);
  if (request.source_identity) {
    full.extra_context.emplace_back("sts:SourceIdentity", *request.source_identity);
  }
  for (const auto& tag : request.tags) full.request_tags.emplace_back(tag.key, tag.value);
  for (const auto& key : request.transitive_tag_keys) {
    full.extra_context.emplace_back("sts:TransitiveTagKeys", key);
  }

  policy::PolicySet set;
  set.resource = (*role)->trust;
  set.resource_account = account;
  if (caller.type == authz::CallerType::kRoot) {
    set.identity.push_back(authz::RootIdentityPolicy());
  } else {
    IRSA_TRY(std::shared_ptr<const authz::CallerPolicies> policies,
             authorizer_.source().ForCaller(caller));
    set.identity = policies->identity;
    set.boundary = policies->boundary;
    set.session = policies->session;
  }
  // Every action the request implies must be allowed: the assumption itself, tagging the
  // session when tags are passed, and setting a source identity.
  std::vector<std::string_view> actions = {"sts:AssumeRole"};
  if (!request.tags.empty() || !request.transitive_tag_keys.empty())
    actions.push_back("sts:TagSession");
  if (request.source_identity) actions.push_back("sts:SetSourceIdentity");
  for (std::string_view action : actions) {
    policy::Request decision_request =
        authorizer_.BuildRequest(principal, action, (*role)->role.arn, full);
    const policy::DecisionResult decision = policy::Decide(set, decision_request);
    if (!decision.allowed()) {
      policy::DecisionTrace trace;
      policy::Decide(set, decision_request, &trace);
      const std::string why = policy::ExplainDecision(trace);
      authz::Denial denial;
      denial.caller = &caller;
      denial.action = action;
      denial.resource = (*role)->role.arn;
      denial.reason = decision.reason;
      denial.explanation = why.empty() ? std::string_view(decision.reason) : why;
      denial.trace = &trace;
      denial.request = &decision_request;
      return Denied(event, denial);
    }
  }

  IRSA_TRY(std::optional<int64_t> packed,
           CheckSessionLimits(**role, account, duration, request.session_policies, request.tags));

  const int64_t now = iam_.clock.NowUnixSeconds();
  SessionRecord record;
  record.account = account;
  record.session_name = request.role_session_name;
  record.issued_at = now;
  record.expires_at = now + duration;
  record.session_policy = request.session_policies.policy.value_or("");
  record.session_policy_arns = request.session_policies.policy_arns;
  record.tags = request.tags;
  record.transitive_tag_keys = request.transitive_tag_keys;
  record.source_identity = request.source_identity.value_or("");
  record.chained = chained;
  record.mfa = mfa;
  if (chained) {
    // Transitive session tags and the source identity persist across role chaining
    // (CheckChainedRequest refused any attempt to change them).
    for (const auto& tag : caller.session_tags) {
      bool transitive = false;
      for (const auto& key : caller.transitive_tag_keys)
        transitive |= EqualsIgnoreCase(key, tag.key);
      if (!transitive) continue;
      bool overridden = false;
      for (const auto& own : record.tags) overridden |= EqualsIgnoreCase(own.key, tag.key);
      if (!overridden) {
        record.tags.push_back(tag);
        record.transitive_tag_keys.push_back(tag.key);
      }
    }
    if (record.source_identity.empty()) record.source_identity = caller.source_identity;
  }
  IRSA_TRY(IssuedCredentials out, Mint(**role, std::move(record)));
  out.packed_policy_size = packed;
  return out;
}

}  // namespace irsa::sts
