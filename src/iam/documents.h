// Policy documents submitted to IAM: charset check, validation and compilation through the
// policy engine (policy/policy.h), and the size IAM counts against its quotas.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "policy/lint.h"
#include "policy/policy.h"
#include "store/store.h"

namespace irsa::iam {

enum class DocumentUse {
  kManaged,  // CreatePolicy / CreatePolicyVersion: Version 2012-10-17 required
  kInline,   // Put{Role,User}Policy
  kTrust,    // CreateRole / UpdateAssumeRolePolicy
};

// Validates `document` for `use` and returns it compiled. MalformedPolicyDocument with the
// engine's AWS message on failure. `name` labels the compiled policy in traces.
Result<policy::CompiledPolicyPtr> CheckDocument(std::string_view document, DocumentUse use,
                                                const std::string& name = {});

// The characters IAM counts: the minified length (whitespace outside strings not counted).
int64_t DocumentSize(std::string_view document);

// Trust policies only, inside the write transaction: every "AWS" principal naming a role or
// user of `account` must exist, else MalformedPolicyDocument
// `Invalid principal in policy: "AWS":"<arn>"`.
Status CheckTrustPrincipals(store::StoreTx& tx, const std::string& account,
                            const policy::CompiledPolicy& trust);

// Advisory findings about a trust policy (never errors): the policy engine's lint
// (policy/lint.h) plus "web-identity-without-sub" (an Allow for a Federated principal with no
// ":sub" condition lets every identity of the provider, e.g. every service account of a
// cluster, assume the role).
std::vector<policy::LintWarning> TrustPolicyWarnings(const policy::CompiledPolicy& trust);

}  // namespace irsa::iam
