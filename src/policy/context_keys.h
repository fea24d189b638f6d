// The context keys a compiled policy refers to (GetContextKeysForCustomPolicy /
// GetContextKeysForPrincipalPolicy): every condition key of every statement, and every key used
// as a policy variable (${aws:username}, ${aws:PrincipalTag/team, 'none'}) in resources and
// condition values. The escapes ${*}, ${?} and ${$} are not keys.
//
// Pure and thread-safe.
#pragma once

#include <string>
#include <vector>

#include "policy/policy.h"

namespace irsa::policy {

// Keys as first written, in order of appearance, each once (keys compare case-insensitively).
std::vector<std::string> ReferencedContextKeys(const CompiledPolicy& policy);

// Adds the keys of `policy` to `keys` that are not in it yet (case-insensitively).
void MergeContextKeys(std::vector<std::string>& keys, const std::vector<std::string>& more);

}  // namespace irsa::policy
