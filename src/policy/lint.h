// Lint: legal-but-dangerous patterns in policies, mostly role trust policies (spec §5.6 and the
// docs' warnings). Lint never rejects a policy; it returns warnings for humans and CI.
// Pure function of the compiled policy; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "policy/policy.h"

namespace irsa::policy {

struct LintWarning {
  // Stable identifier:
  //   wildcard-in-string-equals      '*'/'?' in a StringEquals-family value (literal there)
  //   provider-arn-as-condition-key  key starting with "arn:" (use "<issuer>:sub", not the ARN)
  //   for-all-values-single-valued   ForAllValues on a single-valued key (true when absent)
  //   web-identity-without-aud       Allow for a Federated principal with no ":aud" condition
  //   principal-everyone-unconditional  Allow for Principal "*" without any condition
  //   operator-name-case             operator name matched only case-insensitively
  //   invalid-condition-value        a value that can never match its operator's type
  //   ignored-operator               unknown operator with an empty body (vacuously true)
  //   s3-object-action-on-bucket-arn S3 object actions whose only resources are bucket ARNs
  //                                  ("arn:aws:s3:::bucket" without "/*": they never match)
  std::string code;
  int statement = -1;  // index, or -1 for the whole policy
  std::string message;
};

std::vector<LintWarning> LintPolicy(const CompiledPolicy& policy);

}  // namespace irsa::policy
