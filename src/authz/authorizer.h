// Authorization of API calls: which policies govern the caller, and what the policy engine
// decides for an AccessRequest (action, resource, the operation's condition keys, an optional
// resource-based policy) with the global condition keys of the caller and the request. Every
// operation of every service reaches the engine through Authorize(); the operation tables
// (protocol/query_access.h and the services' REST adapters) compute the AccessRequest.
//
// A denial is AccessDenied with AWS's sentence and, per the DenialExplainer's mode, the exact
// explanation, an encoded decision document, or nothing more (denials.h). Every denial is
// written to the audit log (when one is given) with the full explanation.
//
// The account root is allowed everything in its own account (and, without a resource policy
// granting it, nothing in another).
//
// Thread-safety: Authorizer is immutable after construction and safe to share; the PolicySource
// and the AuditLog must be thread-safe.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "audit/audit_log.h"
#include "authz/access.h"
#include "authz/access_recorder.h"
#include "authz/caller.h"
#include "authz/denials.h"
#include "base/clock.h"
#include "base/result.h"
#include "policy/decision.h"

namespace irsa::authz {

// The account root's identity policy: everything (its own account's resources; another
// account's only where that account's resource policy agrees).
const policy::CompiledPolicyPtr& RootIdentityPolicy();

// The compiled policies that govern one caller.
struct CallerPolicies {
  std::vector<policy::CompiledPolicyPtr> identity;
  policy::CompiledPolicyPtr boundary;              // null if none
  std::vector<policy::CompiledPolicyPtr> session;  // role sessions created with session policies
  std::vector<std::pair<std::string, std::string>> principal_tags;  // user/role tags
};

// Supplies compiled policies for callers (implemented over IAM storage, with caching).
class PolicySource {
 public:
  virtual ~PolicySource() = default;
  // For kUser and kAssumedRole callers. A principal that no longer exists yields an error
  // (InvalidClientTokenId for deleted users, AccessDenied for deleted roles).
  virtual Result<std::shared_ptr<const CallerPolicies>> ForCaller(const Caller& caller) = 0;
};

// Request facts beyond action and resource that become global condition keys.
struct RequestFacts {
  std::string request_id;  // for the audit log
  std::string source_ip;
  bool secure_transport = false;
  std::string requested_region;
  std::string user_agent;
  std::vector<std::pair<std::string, std::string>> request_tags;  // aws:RequestTag/*, aws:TagKeys
  std::vector<std::pair<std::string, std::string>>
      extra_context;  // service keys, e.g. sts:ExternalId
};

class Authorizer {
 public:
  // `explainer` and `audit` may be null (full explanations, no audit); both must outlive this.
  // `recorder`, if given, is told of every allowed decision of an IAM user or role
  // (service-last-accessed reports); it must outlive this.
  Authorizer(PolicySource& source, const Clock& clock, const DenialExplainer* explainer = nullptr,
             audit::AuditLog* audit = nullptr, AccessRecorder* recorder = nullptr)
      : source_(source), clock_(clock), explainer_(explainer), audit_(audit), recorder_(recorder) {}

  // Ok if allowed; AccessDenied (403) with the explanation otherwise; other errors if the
  // caller's policies cannot be loaded.
  Status Authorize(const Caller& caller, const AccessRequest& access,
                   const RequestFacts& facts = {}) const;
  // Identity-based only, without operation keys.
  Status Authorize(const Caller& caller, std::string_view action, std::string_view resource,
                   const RequestFacts& facts = {}) const;

  // Ok unless the kind of credentials the caller signed with may not call `action` at all,
  // whatever the policies say (AWS's limits on temporary credentials): GetSessionToken
  // credentials call no IAM operation (AWS allows them with MFA, which irsa does not support yet)
  // and of STS only AssumeRole and GetCallerIdentity; GetFederationToken credentials call no IAM
  // operation and of STS only GetCallerIdentity; no session calls sts:GetSessionToken or
  // sts:GetFederationToken.
  // AccessDenied with AWS's sentence otherwise, audited. The Query router checks every call.
  Status CheckCredentialScope(const Caller& caller, std::string_view action,
                              const RequestFacts& facts = {}) const;

  // The policy-engine request for a caller: principal and global condition keys, then the
  // operation's keys from `access` (which replace same-named global keys).
  policy::Request BuildRequest(const Caller& caller, const AccessRequest& access,
                               const RequestFacts& facts) const;
  policy::Request BuildRequest(const Caller& caller, std::string_view action,
                               std::string_view resource, const RequestFacts& facts) const;

  // The AccessDenied of a decision made elsewhere with the same engine (the STS trust-policy
  // decisions): rendered per the explainer's mode, audited. `trace` may be null.
  Error Deny(const Denial& denial, const RequestFacts& facts) const;

  const DenialExplainer& explainer() const;
  PolicySource& source() const { return source_; }

 private:
  // Writes a denial of `action` to the audit log, if there is one. `caller` may be null.
  void AuditDenial(const Caller* caller, std::string_view action, std::string reason,
                   const RequestFacts& facts) const;

  PolicySource& source_;
  const Clock& clock_;
  const DenialExplainer* explainer_;
  audit::AuditLog* audit_;
  AccessRecorder* recorder_;
};

}  // namespace irsa::authz
