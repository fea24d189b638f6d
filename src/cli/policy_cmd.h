// `irsa policy eval` and `irsa policy lint`: offline evaluation with a full trace, and trust
// policy lint. Documents are given inline (text starting with '{'), as `@path`, or as a path.
//
//   irsa policy eval --trust-policy @trust.json --principal-arn arn:aws:iam::1:oidc-provider/x
//       --action sts:AssumeRoleWithWebIdentity --resource arn:aws:iam::1:role/r
//       --context x:sub=system:serviceaccount:a:b [--json]
//   irsa policy lint [--kind trust] @trust.json
//
// Exit codes: eval 0 = allowed, 1 = denied, 2 = bad input; lint 0 = clean, 1 = warnings or
// invalid documents.
#pragma once

#include <CLI/CLI.hpp>

namespace irsa::cli {

void AddPolicyCommands(CLI::App& app);

}  // namespace irsa::cli
