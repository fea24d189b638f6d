// Authorization of API calls: which policies govern the caller, and what the policy engine
// decides for (action, resource) with the request's context keys. Every denial carries an exact
// explanation in AWS's message shape plus irsa's trace:
//
//   User: arn:aws:iam::111122223333:user/bob is not authorized to perform: iam:CreateRole on
//   resource: arn:aws:iam::111122223333:role/x because no identity-based policy allows the
//   iam:CreateRole action
//
// The account root is allowed everything in its own account (and nothing in another).
//
// Thread-safety: Authorizer is immutable after construction and safe to share; the PolicySource
// must be thread-safe.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "authz/caller.h"
#include "base/clock.h"
#include "base/result.h"
#include "policy/decision.h"

namespace irsa::authz {

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

// Request facts beyond action and resource that become condition keys.
struct RequestFacts {
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
  Authorizer(PolicySource& source, const Clock& clock) : source_(source), clock_(clock) {}

  // Ok if allowed; AccessDenied (403) with the explanation otherwise; other errors if the
  // caller's policies cannot be loaded.
  Status Authorize(const Caller& caller, std::string_view action, std::string_view resource,
                   const RequestFacts& facts = {}) const;

  // The policy-engine request for a caller (principal and global condition keys).
  policy::Request BuildRequest(const Caller& caller, std::string_view action,
                               std::string_view resource, const RequestFacts& facts) const;

  PolicySource& source() const { return source_; }

 private:
  PolicySource& source_;
  const Clock& clock_;
};

// "User: <arn> is not authorized to perform: <action> on resource: <resource> because <why>".
std::string DenialMessage(const Caller& caller, std::string_view action, std::string_view resource,
                          std::string_view why);

}  // namespace irsa::authz
