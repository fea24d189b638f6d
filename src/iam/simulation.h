// IAM policy simulation (wire spec §3.9): SimulatePrincipalPolicy and SimulateCustomPolicy.
//
// Every (action, resource) pair — actions outer, resources inner, resources defaulting to "*" —
// is decided by the policy engine (policy::Decide) over:
//   * identity policies: the principal's inline then attached policies (principal simulation
//     only), then each PolicyInputList document;
//   * the ResourcePolicy, if given (PolicyKind::kResource);
//   * the permissions boundary: the PermissionsBoundaryPolicyInputList document if given (it
//     replaces the principal's own), else the principal's boundary.
// The simulated caller is CallerArn (an IAM user of any account) if given, else the
// PolicySourceArn principal (a user, or a session of the role). Its aws:PrincipalArn,
// aws:PrincipalAccount, aws:PrincipalType, aws:userid and aws:username keys are put in the
// context; ContextEntries are added on top (and win). SimulateCustomPolicy without CallerArn
// simulates an anonymous IAM user of `account` with no principal keys.
//
// Results follow the model's EvaluationResult:
//   * MatchedStatements: for explicitDeny the applicable Deny statements (of any policy); for
//     allowed the applicable Allow statements of identity and resource policies; none for
//     implicitDeny. SourcePolicyId is the inline/managed policy name, "PolicyInputList.<n>",
//     "PermissionsBoundaryPolicyInputList.<n>" or "ResourcePolicy"; SourcePolicyType is
//     user|role (inline), user-managed, aws-managed, resource, or none (input documents).
//     Positions are 1-based line/column (columns count code points) computed from the
//     document text as AWS's CLI example shows them: Start is the character right after the
//     '[' or ',' (or ':' for a lone statement object) that precedes the statement, End the
//     character right after its closing '}'.
//   * MissingContextValues: condition keys (as written, first spelling, in policy order) of
//     every statement whose action, resource and principal matched, that the context lacks.
//   * PermissionsBoundaryDecisionDetail: present iff a boundary applies; true iff the boundary
//     allows the request.
//   * EvalDecisionDetails: absent for resource "*"; otherwise present, and when a resource
//     policy is simulated against a resource of another account it holds
//     "IdentityPolicy" / "ResourcePolicy" -> each side's own decision.
//
// Paging: MaxItems results per page; Marker is opaque (EncodeMarker of the next index).
// Errors: InvalidInput for malformed inputs (unknown context type, unparsable context values,
// more than one boundary, a non-user CallerArn, a ResourcePolicy without a user caller, a
// foreign marker); MalformedPolicyDocument for documents that do not compile; NoSuchEntity for
// an unknown PolicySourceArn principal. Thread-safe; one store read per principal simulation.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"
#include "iam/service_context.h"

namespace irsa::iam {

struct SimulationContextEntry {
  std::string name;
  std::vector<std::string> values;
  // One of the model's ContextKeyTypeEnum values; empty means "string" ("stringList" for
  // several values). *List types make a multi-valued key.
  std::string type;
};

struct SimulationInput {
  std::vector<std::string> action_names;     // at least one
  std::vector<std::string> resource_arns;    // empty means {"*"}
  std::vector<std::string> policy_inputs;    // extra identity policies
  std::vector<std::string> boundary_inputs;  // at most one
  std::optional<std::string> resource_policy;
  // 12-digit account id or arn:<partition>:iam::<account>:root; owner of resources whose ARN
  // has no account field and of the resource policy. Default: the caller's account.
  std::optional<std::string> resource_owner;
  std::optional<std::string> caller_arn;  // arn:<partition>:iam::<account>:user/...
  std::vector<SimulationContextEntry> context_entries;
  std::string marker;
  int max_items = 100;
};

struct SimulationPosition {
  int line = 0;
  int column = 0;
};

struct SimulationStatement {
  std::string source_policy_id;
  std::string source_policy_type;  // PolicySourceType enum value
  std::optional<SimulationPosition> start;
  std::optional<SimulationPosition> end;
};

struct SimulationResult {
  std::string action;
  std::string resource;
  std::string decision;  // allowed | explicitDeny | implicitDeny
  std::vector<SimulationStatement> matched;
  std::vector<std::string> missing_context;
  std::optional<bool> allowed_by_boundary;
  std::optional<std::vector<std::pair<std::string, std::string>>> decision_details;
};

struct SimulationPage {
  std::vector<SimulationResult> results;
  bool truncated = false;
  std::string marker;  // set when truncated
};

Result<SimulationPage> SimulatePrincipalPolicy(const ServiceContext& ctx,
                                               const std::string& account,
                                               const std::string& policy_source_arn,
                                               const SimulationInput& input);

Result<SimulationPage> SimulateCustomPolicy(const ServiceContext& ctx, const std::string& account,
                                            const SimulationInput& input);

// The span of each statement of a policy document, in statement order (as positions above).
// Returns an empty vector if the text is not a JSON object with a "Statement" member holding
// an object or an array of objects.
struct StatementSpan {
  SimulationPosition start;
  SimulationPosition end;
};
std::vector<StatementSpan> FindStatementSpans(std::string_view text);

}  // namespace irsa::iam
