#include "iam/simulation.h"

#include <algorithm>
#include <array>
#include <cstddef>

#include "base/arn.h"
#include "base/strings.h"
#include "iam/principal_policies.h"
#include "policy/context.h"
#include "policy/decision.h"
#include "policy/policy.h"
#include "policy/trace.h"
#include "policy/values.h"

namespace irsa::iam {
namespace {

// ---- statement spans ----

// A forward-only scanner over (already validated) JSON text.
class JsonScanner {
 public:
  explicit JsonScanner(std::string_view text) : text_(text) {}

  size_t pos() const { return pos_; }
  bool done() const { return pos_ >= text_.size(); }
  char peek() const { return done() ? '\0' : text_[pos_]; }
  void SkipSpace() {
    while (!done() && (peek() == ' ' || peek() == '\t' || peek() == '\n' || peek() == '\r')) {
      ++pos_;
    }
  }
  bool Consume(char c) {
    SkipSpace();
    if (peek() != c) return false;
    ++pos_;
    return true;
  }
  // Reads a string token; `raw` receives the text between the quotes (escapes kept).
  bool String(std::string_view* raw) {
    SkipSpace();
    if (peek() != '"') return false;
    size_t begin = ++pos_;
    while (!done() && text_[pos_] != '"') {
      if (text_[pos_] == '\\') ++pos_;
      ++pos_;
    }
    if (done()) return false;
    if (raw != nullptr) *raw = text_.substr(begin, pos_ - begin);
    ++pos_;
    return true;
  }
  // Skips one value of any kind.
  bool SkipValue() {
    SkipSpace();
    char c = peek();
    if (c == '"') return String(nullptr);
    if (c == '{' || c == '[') {
      int depth = 0;
      while (!done()) {
        char d = text_[pos_];
        if (d == '"') {
          if (!String(nullptr)) return false;
          continue;
        }
        if (d == '{' || d == '[') ++depth;
        if (d == '}' || d == ']') --depth;
        ++pos_;
        if (depth == 0) return true;
      }
      return false;
    }
    while (!done() && peek() != ',' && peek() != '}' && peek() != ']' && peek() != ' ' &&
           peek() != '\t' && peek() != '\n' && peek() != '\r') {
      ++pos_;
    }
    return true;
  }

 private:
  std::string_view text_;
  size_t pos_ = 0;
};

SimulationPosition PositionAt(std::string_view text, size_t offset) {
  SimulationPosition position{1, 1};
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c == '\n') {
      ++position.line;
      position.column = 1;
    } else if ((c & 0xC0) != 0x80) {  // count code points, not continuation bytes
      ++position.column;
    }
  }
  return position;
}

// ---- helpers ----

const char* DecisionValue(policy::Decision decision) {
  switch (decision) {
    case policy::Decision::kAllowed:
      return "allowed";
    case policy::Decision::kExplicitDeny:
      return "explicitDeny";
    case policy::Decision::kImplicitDeny:
      break;
  }
  return "implicitDeny";
}

// One policy taking part in a simulation.
struct SimPolicy {
  policy::CompiledPolicyPtr compiled;
  std::string id;
  std::string type;
  std::vector<StatementSpan> spans;
};

Result<SimPolicy> CompileInput(const std::string& text, policy::PolicyKind kind, std::string id,
                               std::string type) {
  policy::CompileOptions options;
  options.name = id;
  IRSA_TRY(auto compiled, policy::CompilePolicy(text, kind, options));
  return SimPolicy{std::move(compiled), std::move(id), std::move(type), FindStatementSpans(text)};
}

bool IsIamUserArn(const std::optional<Arn>& arn) {
  return arn && arn->service == "iam" && IsAccountId(arn->account) &&
         arn->resource.starts_with("user/") && arn->resource.size() > 5;
}

Result<policy::RequestContext> BuildContextEntries(
    const std::vector<SimulationContextEntry>& entries) {
  policy::RequestContext context;
  for (const SimulationContextEntry& entry : entries) {
    if (entry.name.empty()) return errors::InvalidInput("Context key name must not be empty.");
    std::string type = entry.type;
    if (type.empty()) type = entry.values.size() == 1 ? "string" : "stringList";
    bool list = type.ends_with("List");
    std::string base = list ? type.substr(0, type.size() - 4) : type;
    if (base != "string" && base != "numeric" && base != "boolean" && base != "ip" &&
        base != "binary" && base != "date") {
      return errors::InvalidInput("Invalid context key type " + type + " for context key " +
                                  entry.name + ".");
    }
    if (!list && entry.values.size() != 1) {
      return errors::InvalidInput("Context key " + entry.name + " of type " + type +
                                  " requires exactly one value.");
    }
    for (const std::string& value : entry.values) {
      bool valid = true;
      if (base == "numeric") {
        valid = policy::Decimal::Parse(value).has_value();
      } else if (base == "boolean") {
        valid = EqualsIgnoreCase(value, "true") || EqualsIgnoreCase(value, "false");
      } else if (base == "ip") {
        valid = policy::IpNetwork::Parse(value).has_value();
      } else if (base == "date") {
        valid = policy::ParseInstant(value).has_value();
      }
      if (!valid) {
        return errors::InvalidInput("Invalid value " + value + " for context key " + entry.name +
                                    " of type " + type + ".");
      }
    }
    if (list) {
      context.SetMulti(entry.name, entry.values);
    } else {
      context.Set(entry.name, entry.values.front());
    }
  }
  return context;
}

// Everything a simulation needs besides the (action, resource) pairs.
struct Simulation {
  std::vector<SimPolicy> identity;
  std::optional<SimPolicy> resource;
  std::optional<SimPolicy> boundary;
  policy::RequestPrincipal principal;
  std::string caller_account;
  std::string resource_owner;  // empty: the caller's account
  bool principal_keys = true;
};

Status CompileInputs(const SimulationInput& input, Simulation& sim) {
  if (input.action_names.empty()) {
    return errors::InvalidInput("ActionNames must contain at least one action.");
  }
  for (const std::string& action : input.action_names) {
    if (action.find(':') == std::string::npos) {
      return errors::InvalidInput("Action name " + action +
                                  " must be of the form <service>:<action>.");
    }
  }
  if (input.boundary_inputs.size() > 1) {
    return errors::InvalidInput(
        "PermissionsBoundaryPolicyInputList accepts only one permissions boundary.");
  }
  for (size_t i = 0; i < input.policy_inputs.size(); ++i) {
    IRSA_TRY(SimPolicy compiled, CompileInput(input.policy_inputs[i], policy::PolicyKind::kIdentity,
                                              "PolicyInputList." + std::to_string(i + 1), "none"));
    sim.identity.push_back(std::move(compiled));
  }
  if (!input.boundary_inputs.empty()) {
    IRSA_TRY(sim.boundary, CompileInput(input.boundary_inputs[0], policy::PolicyKind::kBoundary,
                                        "PermissionsBoundaryPolicyInputList.1", "none"));
  }
  if (input.resource_policy) {
    IRSA_TRY(sim.resource, CompileInput(*input.resource_policy, policy::PolicyKind::kResource,
                                        "ResourcePolicy", "resource"));
  }
  if (input.resource_owner) {
    const std::string& owner = *input.resource_owner;
    if (IsAccountId(owner)) {
      sim.resource_owner = owner;
    } else {
      std::optional<Arn> arn = Arn::Parse(owner);
      if (!arn || arn->service != "iam" || !IsAccountId(arn->account) || arn->resource != "root") {
        return errors::InvalidInput("ResourceOwner " + owner +
                                    " must be an account id or an account ARN.");
      }
      sim.resource_owner = arn->account;
    }
  }
  if (input.caller_arn) {
    std::optional<Arn> arn = Arn::Parse(*input.caller_arn);
    if (!IsIamUserArn(arn)) {
      return errors::InvalidInput("CallerArn " + *input.caller_arn +
                                  " is not the ARN of an IAM user.");
    }
    sim.principal = policy::RequestPrincipal::User(*input.caller_arn);
    sim.caller_account = arn->account;
    sim.principal_keys = true;
  }
  return OkStatus();
}

// Appends the statements of `trace` (of `policy`) that applied with `effect`.
void AddMatched(const SimPolicy& policy, const policy::PolicyTrace& trace, policy::Effect effect,
                std::vector<SimulationStatement>& out) {
  for (const policy::StatementTrace& statement : trace.statements) {
    if (!statement.applies || statement.effect != effect) continue;
    SimulationStatement matched{policy.id, policy.type, std::nullopt, std::nullopt};
    if (statement.index < policy.spans.size()) {
      matched.start = policy.spans[statement.index].start;
      matched.end = policy.spans[statement.index].end;
    }
    out.push_back(std::move(matched));
  }
}

policy::Decision SideDecision(const policy::PolicyTrace& trace) {
  switch (trace.outcome) {
    case policy::PolicyOutcome::kAllow:
      return policy::Decision::kAllowed;
    case policy::PolicyOutcome::kDeny:
      return policy::Decision::kExplicitDeny;
    case policy::PolicyOutcome::kNotApplicable:
      break;
  }
  return policy::Decision::kImplicitDeny;
}

SimulationResult Evaluate(const Simulation& sim, const policy::PolicySet& set,
                          const policy::RequestContext& base_context, const std::string& action,
                          const std::string& resource) {
  policy::Request request;
  request.action = action;
  request.resource = resource;
  request.principal = sim.principal;
  request.context = base_context;

  policy::PolicySet policies = set;
  std::array<std::string_view, 6> fields;
  if (policy::SplitArnFields(resource, fields) < 6 || fields[4].empty()) {
    policies.resource_account =
        sim.resource_owner.empty() ? sim.caller_account : sim.resource_owner;
  }
  policy::DecisionTrace trace;
  policy::DecisionResult decision = policy::Decide(policies, request, &trace);

  SimulationResult result;
  result.action = action;
  result.resource = resource;
  result.decision = DecisionValue(decision.decision);

  // Traces come in PolicySet order: identity, resource, boundary.
  std::vector<const SimPolicy*> order;
  for (const SimPolicy& p : sim.identity) order.push_back(&p);
  if (sim.resource) order.push_back(&*sim.resource);
  const size_t boundary_index = order.size();
  if (sim.boundary) order.push_back(&*sim.boundary);
  const size_t traced = std::min(order.size(), trace.policies.size());

  for (size_t i = 0; i < traced; ++i) {
    const bool is_boundary = sim.boundary && i == boundary_index;
    if (decision.decision == policy::Decision::kExplicitDeny) {
      AddMatched(*order[i], trace.policies[i], policy::Effect::kDeny, result.matched);
    } else if (decision.decision == policy::Decision::kAllowed && !is_boundary) {
      AddMatched(*order[i], trace.policies[i], policy::Effect::kAllow, result.matched);
    }
    for (const policy::StatementTrace& statement : trace.policies[i].statements) {
      for (const policy::ConditionTrace& condition : statement.conditions) {
        if (condition.key_present) continue;
        bool seen = false;
        for (const std::string& key : result.missing_context) {
          seen = seen || EqualsIgnoreCase(key, condition.key);
        }
        if (!seen) result.missing_context.push_back(condition.key);
      }
    }
  }
  if (sim.boundary && boundary_index < trace.policies.size()) {
    result.allowed_by_boundary =
        trace.policies[boundary_index].outcome == policy::PolicyOutcome::kAllow;
  }
  if (resource != "*") {
    result.decision_details.emplace();
    std::string resource_account =
        policies.resource_account.empty() ? std::string(fields[4]) : policies.resource_account;
    if (sim.resource && resource_account != sim.caller_account) {
      bool identity_allow = false;
      bool identity_deny = false;
      for (size_t i = 0; i < sim.identity.size() && i < trace.policies.size(); ++i) {
        identity_allow |= trace.policies[i].outcome == policy::PolicyOutcome::kAllow;
        identity_deny |= trace.policies[i].outcome == policy::PolicyOutcome::kDeny;
      }
      policy::Decision identity = identity_deny    ? policy::Decision::kExplicitDeny
                                  : identity_allow ? policy::Decision::kAllowed
                                                   : policy::Decision::kImplicitDeny;
      const size_t resource_index = sim.identity.size();
      policy::Decision resource_side = resource_index < trace.policies.size()
                                           ? SideDecision(trace.policies[resource_index])
                                           : policy::Decision::kImplicitDeny;
      result.decision_details->emplace_back("IdentityPolicy", DecisionValue(identity));
      result.decision_details->emplace_back("ResourcePolicy", DecisionValue(resource_side));
    }
  }
  return result;
}

Result<SimulationPage> Run(const Simulation& sim, const SimulationInput& input) {
  IRSA_TRY(policy::RequestContext entries, BuildContextEntries(input.context_entries));
  policy::RequestContext context;
  if (sim.principal_keys) {
    policy::RequestBuilder builder;
    builder.Principal(sim.principal);
    context = builder.Build().context;
  }
  for (const policy::ContextEntry& entry : entries.entries()) {
    if (entry.multi_valued) {
      context.SetMulti(entry.key, entry.values);
    } else {
      context.Set(entry.key, entry.values.front());
    }
  }

  policy::PolicySet set;
  for (const SimPolicy& p : sim.identity) set.identity.push_back(p.compiled);
  if (sim.resource) set.resource = sim.resource->compiled;
  if (sim.boundary) set.boundary = sim.boundary->compiled;

  std::vector<std::string> resources = input.resource_arns;
  if (resources.empty()) resources.push_back("*");
  const size_t total = input.action_names.size() * resources.size();
  size_t start = 0;
  if (!input.marker.empty()) {
    IRSA_TRY(std::string key, DecodeMarker(input.marker));
    size_t parsed = 0;
    bool digits = !key.empty() && key.size() <= 9;
    for (char c : key) {
      digits = digits && c >= '0' && c <= '9';
      if (digits) parsed = parsed * 10 + static_cast<size_t>(c - '0');
    }
    if (!digits || parsed >= total) {
      return errors::InvalidInput("Invalid Marker: the marker was not returned by this service.");
    }
    start = parsed;
  }
  const size_t max_items = input.max_items > 0 ? static_cast<size_t>(input.max_items) : 100;
  SimulationPage page;
  size_t index = start;
  for (; index < total && page.results.size() < max_items; ++index) {
    page.results.push_back(Evaluate(sim, set, context, input.action_names[index / resources.size()],
                                    resources[index % resources.size()]));
  }
  if (index < total) {
    page.truncated = true;
    page.marker = EncodeMarker(std::to_string(index));
  }
  return page;
}

const char* InlineType(bool is_role) { return is_role ? "role" : "user"; }

}  // namespace

std::vector<StatementSpan> FindStatementSpans(std::string_view text) {
  std::vector<StatementSpan> spans;
  JsonScanner scanner(text);
  if (!scanner.Consume('{')) return spans;
  if (scanner.Consume('}')) return spans;
  while (true) {
    std::string_view key;
    if (!scanner.String(&key) || !scanner.Consume(':')) return {};
    if (key == "Statement") {
      size_t after_colon = scanner.pos();
      scanner.SkipSpace();
      auto span_of = [&](size_t start) -> bool {
        scanner.SkipSpace();
        if (scanner.peek() != '{' || !scanner.SkipValue()) return false;
        spans.push_back({PositionAt(text, start), PositionAt(text, scanner.pos())});
        return true;
      };
      if (scanner.peek() == '{') {
        if (!span_of(after_colon)) return {};
        return spans;
      }
      if (!scanner.Consume('[')) return {};
      size_t start = scanner.pos();
      while (true) {
        if (!span_of(start)) return {};
        if (scanner.Consume(',')) {
          start = scanner.pos();
          continue;
        }
        if (scanner.Consume(']')) return spans;
        return {};
      }
    }
    if (!scanner.SkipValue()) return {};
    if (scanner.Consume(',')) continue;
    return {};
  }
}

Result<SimulationPage> SimulatePrincipalPolicy(const ServiceContext& ctx,
                                               const std::string& account,
                                               const std::string& policy_source_arn,
                                               const SimulationInput& input) {
  IRSA_TRY(PrincipalPolicies gathered, GatherPrincipalPolicies(ctx, account, policy_source_arn));
  Simulation sim;
  for (const GatheredPolicy& g : gathered.identity) {
    std::string type = g.type == PolicySourceType::kInline        ? InlineType(gathered.is_role)
                       : g.type == PolicySourceType::kGroupInline ? "group"
                       : g.type == PolicySourceType::kAwsManaged  ? "aws-managed"
                                                                  : "user-managed";
    auto compiled = CompileInput(g.document, policy::PolicyKind::kIdentity, g.name, type);
    if (!compiled) {
      return errors::ServiceFailure("stored policy " + g.name +
                                    " does not compile: " + compiled.error().message());
    }
    sim.identity.push_back(std::move(*compiled));
  }
  if (gathered.is_role) {
    sim.principal = policy::RequestPrincipal::AssumedRole(
        "arn:aws:sts::" + account + ":assumed-role/" + gathered.name + "/irsa-simulation",
        gathered.arn, gathered.unique_id);
  } else {
    sim.principal = policy::RequestPrincipal::User(gathered.arn, gathered.unique_id);
  }
  sim.caller_account = account;
  IRSA_RETURN_IF_ERROR(CompileInputs(input, sim));
  if (input.resource_policy && !input.caller_arn && gathered.is_role) {
    return errors::InvalidInput(
        "CallerArn is required when a ResourcePolicy is simulated for a principal that is not "
        "an IAM user.");
  }
  if (!sim.boundary && gathered.boundary) {
    const GatheredPolicy& g = *gathered.boundary;
    auto compiled = CompileInput(
        g.document, policy::PolicyKind::kBoundary, g.name,
        Arn::Parse(g.id) && Arn::Parse(g.id)->account == "aws" ? "aws-managed" : "user-managed");
    if (!compiled) {
      return errors::ServiceFailure("stored policy " + g.name +
                                    " does not compile: " + compiled.error().message());
    }
    sim.boundary = std::move(*compiled);
  }
  return Run(sim, input);
}

Result<SimulationPage> SimulateCustomPolicy(const ServiceContext& /*ctx*/,
                                            const std::string& account,
                                            const SimulationInput& input) {
  if (input.policy_inputs.empty()) {
    return errors::InvalidInput("PolicyInputList must contain at least one policy.");
  }
  for (const std::string& action : input.action_names) {
    if (action.find_first_of("*?") != std::string::npos) {
      return errors::InvalidInput("Action name " + action + " must not contain wildcards.");
    }
  }
  Simulation sim;
  sim.principal.type = policy::PrincipalType::kUser;
  sim.principal.account = account;
  sim.caller_account = account;
  sim.principal_keys = false;
  IRSA_RETURN_IF_ERROR(CompileInputs(input, sim));
  if (input.resource_policy && !input.caller_arn) {
    return errors::InvalidInput("CallerArn is required when a ResourcePolicy is simulated.");
  }
  return Run(sim, input);
}

}  // namespace irsa::iam
