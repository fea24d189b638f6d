// Compiled IAM policy documents.
//
//   auto policy = CompilePolicy(text, PolicyKind::kTrust);   // parse + validate + compile once
//   if (!policy) return policy.error();                      // errors::MalformedPolicyDocument
//   PolicyEvaluation e = (*policy)->Evaluate(request);       // many times, from any thread
//
// CompilePolicy reports the first failing validation stage with AWS's message (spec §1.8).
// A CompiledPolicy is immutable after construction and shared as shared_ptr<const>; Evaluate is
// thread-safe, does not allocate without a trace (variable-bearing patterns use thread-local
// scratch that stops growing after warm-up) and never fails.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "policy/arn_pattern.h"
#include "policy/condition.h"
#include "policy/context.h"
#include "policy/glob.h"
#include "policy/principal.h"
#include "policy/trace.h"
#include "policy/types.h"

namespace irsa::policy {

struct ActionPattern {
  std::string text;          // as written
  bool matches_all = false;  // "*"
  std::string service;       // lower case, compared literally
  Glob name;                 // case-insensitive glob over the action name
};

struct CompiledStatement {
  size_t index = 0;
  std::string sid;
  Effect effect = Effect::kAllow;
  bool not_action = false;
  std::vector<ActionPattern> actions;
  bool has_resource = false;  // false only in trust policies
  bool not_resource = false;
  std::vector<ArnPattern> resources;
  bool has_principal = false;
  bool not_principal = false;
  std::vector<PrincipalPattern> principals;
  std::vector<CompiledCondition> conditions;
  std::vector<std::string> ignored_operators;  // unknown operators with an empty body
};

// One policy's verdict. `allow_match` is the strongest principal match among applicable Allow
// statements (kDirect for policies without principals); `statement` the deciding statement
// index (the Deny, else the first applicable Allow), -1 if none.
struct PolicyEvaluation {
  PolicyOutcome outcome = PolicyOutcome::kNotApplicable;
  PrincipalMatch allow_match = PrincipalMatch::kNone;
  int statement = -1;
};

// A request split once per decision (action service/name, resource ARN fields). Views into the
// Request, which must outlive it.
struct PreparedRequest {
  std::string_view service;
  std::string_view action_name;
  bool action_has_service = false;
  std::array<std::string_view, 6> resource_fields;
  int resource_field_count = 0;
  // The caller (an IAM user or role) has a permissions boundary: Deny with NotPrincipal then
  // always applies. Set by Decide() from PolicySet::boundary; false for a lone Evaluate().
  bool principal_has_boundary = false;
};
PreparedRequest PrepareRequest(const Request& request);

struct CompileOptions {
  // IAM write paths (CreatePolicy, PutRolePolicy, ...): reject a missing or 2008-10-17 Version
  // with "Policy document must be version 2012-10-17 or greater."
  bool require_version_2012 = false;
  // Name used in traces ("inline:ReadOnly", a policy ARN, ...).
  std::string name;
};

class CompiledPolicy;
using CompiledPolicyPtr = std::shared_ptr<const CompiledPolicy>;

// Parses, validates (per `kind`) and compiles. Failure: errors::MalformedPolicyDocument.
Result<CompiledPolicyPtr> CompilePolicy(std::string_view text, PolicyKind kind,
                                        const CompileOptions& options = {});

class CompiledPolicy {
 public:
  PolicyKind kind() const { return kind_; }
  PolicyVersion version() const { return version_; }
  const std::string& name() const { return name_; }
  // The document exactly as submitted, byte for byte.
  const std::string& text() const { return text_; }
  const std::vector<CompiledStatement>& statements() const { return statements_; }

  // `trace` may be null; if set, it is overwritten with every statement's result.
  PolicyEvaluation Evaluate(const Request& request, PolicyTrace* trace = nullptr) const;
  // Same, with the request already prepared (Decide prepares once for all policies).
  PolicyEvaluation Evaluate(const Request& request, const PreparedRequest& prepared,
                            PolicyTrace* trace) const;

 private:
  friend Result<CompiledPolicyPtr> CompilePolicy(std::string_view, PolicyKind,
                                                 const CompileOptions&);
  struct ServiceIndex {
    std::string service;  // lower case
    std::vector<uint32_t> statements;
  };
  void BuildIndex();

  PolicyKind kind_ = PolicyKind::kIdentity;
  PolicyVersion version_ = PolicyVersion::k2008_10_17;
  std::string name_;
  std::string text_;
  std::vector<CompiledStatement> statements_;
  std::vector<ServiceIndex> by_service_;
  std::vector<uint32_t> any_service_;  // "*" actions and NotAction statements
};

// The size IAM counts against its quotas: characters (code points) excluding whitespace outside
// JSON strings, i.e. the length of the minified document. Works on any text.
size_t PolicySize(std::string_view text);

}  // namespace irsa::policy
