// IAM policy simulation over the Query protocol: SimulatePrincipalPolicy, SimulateCustomPolicy.
#include <algorithm>
#include <cstdint>

#include "iam/simulation.h"
#include "protocol/iam_xml.h"
#include "protocol/query_api.h"
#include "protocol/validation.h"

namespace irsa::protocol {
namespace {

constexpr std::string_view kContextKeyTypes[] = {"string",  "stringList",  "numeric", "numericList",
                                                 "boolean", "booleanList", "ip",      "ipList",
                                                 "binary",  "binaryList",  "date",    "dateList"};

std::string Indexed(std::string_view list, size_t i, std::string_view suffix = "") {
  return LowerCamel(list) + "." + std::to_string(i + 1) + ".member" + std::string(suffix);
}

// `ContextKeyValues.member.N` fields of one ContextEntry structure, in index order.
Result<std::vector<std::string>> ContextValues(const QueryParams::Struct& entry) {
  constexpr std::string_view kPrefix = "ContextKeyValues.member.";
  std::vector<std::pair<uint32_t, std::string>> indexed;
  for (const auto& [field, value] : entry) {
    if (field == "ContextKeyValues" || field == "ContextKeyName" || field == "ContextKeyType") {
      continue;
    }
    std::string_view rest = field;
    uint32_t index = 0;
    bool ok = rest.starts_with(kPrefix) && rest.size() > kPrefix.size() &&
              rest.size() - kPrefix.size() <= 6 && rest[kPrefix.size()] != '0';
    for (size_t i = kPrefix.size(); ok && i < rest.size(); ++i) {
      ok = rest[i] >= '0' && rest[i] <= '9';
      index = index * 10 + static_cast<uint32_t>(rest[i] - '0');
    }
    if (!ok) {
      return errors::MalformedQueryString("Unexpected ContextEntries field '" + field + "'.");
    }
    indexed.emplace_back(index, value);
  }
  std::sort(indexed.begin(), indexed.end());
  std::vector<std::string> values;
  for (auto& [index, value] : indexed) values.push_back(std::move(value));
  return values;
}

// The members SimulatePrincipalPolicy and SimulateCustomPolicy share, model-validated.
Result<iam::SimulationInput> ReadSimulationInput(const QueryCall& call, Validator& v) {
  iam::SimulationInput input;
  const QueryParams& params = call.params;
  v.NotNull("ActionNames", params.HasList("ActionNames"));
  IRSA_TRY(input.action_names, params.GetList("ActionNames"));
  for (size_t i = 0; i < input.action_names.size(); ++i) {
    v.Length(Indexed("ActionNames", i), input.action_names[i], 3, 128);
  }
  IRSA_TRY(input.resource_arns, params.GetList("ResourceArns"));
  for (size_t i = 0; i < input.resource_arns.size(); ++i) {
    v.Length(Indexed("ResourceArns", i), input.resource_arns[i], 1, 2048);
  }
  IRSA_TRY(input.policy_inputs, params.GetList("PolicyInputList"));
  for (size_t i = 0; i < input.policy_inputs.size(); ++i) {
    v.Length(Indexed("PolicyInputList", i), input.policy_inputs[i], 1, 131072)
        .Pattern(Indexed("PolicyInputList", i), input.policy_inputs[i], patterns::kPolicyDocument);
  }
  IRSA_TRY(input.boundary_inputs, params.GetList("PermissionsBoundaryPolicyInputList"));
  for (size_t i = 0; i < input.boundary_inputs.size(); ++i) {
    v.Length(Indexed("PermissionsBoundaryPolicyInputList", i), input.boundary_inputs[i], 1, 131072)
        .Pattern(Indexed("PermissionsBoundaryPolicyInputList", i), input.boundary_inputs[i],
                 patterns::kPolicyDocument);
  }
  auto optional = [&](std::string_view name) -> std::optional<std::string> {
    auto value = params.Get(name);
    return value ? std::optional<std::string>(std::string(*value)) : std::nullopt;
  };
  input.resource_policy = optional("ResourcePolicy");
  v.Length("ResourcePolicy", input.resource_policy, 1, 131072)
      .Pattern("ResourcePolicy", input.resource_policy, patterns::kPolicyDocument);
  input.resource_owner = optional("ResourceOwner");
  v.Length("ResourceOwner", input.resource_owner, 1, 2048);
  input.caller_arn = optional("CallerArn");
  v.Length("CallerArn", input.caller_arn, 1, 2048);
  std::optional<std::string> handling = optional("ResourceHandlingOption");
  v.Length("ResourceHandlingOption", handling, 1, 64);

  IRSA_TRY(auto entries, params.GetStructList("ContextEntries"));
  for (size_t i = 0; i < entries.size(); ++i) {
    const QueryParams::Struct& entry = entries[i];
    iam::SimulationContextEntry out;
    if (auto it = entry.find("ContextKeyName"); it != entry.end()) {
      out.name = it->second;
      v.Length(Indexed("ContextEntries", i, ".contextKeyName"), out.name, 5, 256);
    }
    if (auto it = entry.find("ContextKeyType"); it != entry.end()) {
      out.type = it->second;
      if (std::find(std::begin(kContextKeyTypes), std::end(kContextKeyTypes), out.type) ==
          std::end(kContextKeyTypes)) {
        v.Add(Indexed("ContextEntries", i, ".contextKeyType"), out.type,
              "Member must satisfy enum value set: [string, stringList, numeric, numericList, "
              "boolean, booleanList, ip, ipList, binary, binaryList, date, dateList]");
      }
    }
    IRSA_TRY(out.values, ContextValues(entry));
    input.context_entries.push_back(std::move(out));
  }
  IRSA_TRY(Paging paging, ReadPaging(params));
  input.marker = paging.marker;
  input.max_items = paging.max_items;
  return input;
}

void WritePosition(XmlWriter& w, std::string_view name,
                   const std::optional<iam::SimulationPosition>& position) {
  if (!position) return;
  w.Open(name).Element("Line", position->line).Element("Column", position->column).Close();
}

HttpResponse WriteResults(const QueryCall& call, const iam::SimulationPage& page) {
  XmlWriter w = call.Writer();
  w.Open("EvaluationResults");
  for (const iam::SimulationResult& result : page.results) {
    w.Member()
        .Element("EvalActionName", result.action)
        .Element("EvalResourceName", result.resource)
        .Element("EvalDecision", result.decision);
    w.Open("MatchedStatements");
    for (const iam::SimulationStatement& statement : result.matched) {
      w.Member()
          .Element("SourcePolicyId", statement.source_policy_id)
          .Element("SourcePolicyType", statement.source_policy_type);
      WritePosition(w, "StartPosition", statement.start);
      WritePosition(w, "EndPosition", statement.end);
      w.Close();
    }
    w.Close();
    w.StringList("MissingContextValues", result.missing_context);
    if (result.allowed_by_boundary) {
      w.Open("PermissionsBoundaryDecisionDetail")
          .Bool("AllowedByPermissionsBoundary", *result.allowed_by_boundary)
          .Close();
    }
    if (result.decision_details) w.Map("EvalDecisionDetails", *result.decision_details);
    w.Close();
  }
  w.Close();
  WritePaging(w, page.truncated, page.marker);
  return w.Finish(call.http.request_id);
}

Result<HttpResponse> SimulatePrincipalPolicy(const QueryCall& call) {
  Validator v;
  std::optional<std::string_view> source = call.params.Get("PolicySourceArn");
  v.NotNull("PolicySourceArn", source.has_value());
  v.Length("PolicySourceArn", source, 20, 2048);
  IRSA_TRY(iam::SimulationInput input, ReadSimulationInput(call, v));
  IRSA_RETURN_IF_ERROR(v.ToStatus());
  std::string source_arn(*source);
  IRSA_TRY(iam::SimulationPage page,
           iam::SimulatePrincipalPolicy(*call.services.iam, call.account(), source_arn, input));
  return WriteResults(call, page);
}

Result<HttpResponse> SimulateCustomPolicy(const QueryCall& call) {
  Validator v;
  v.NotNull("PolicyInputList", call.params.HasList("PolicyInputList"));
  IRSA_TRY(iam::SimulationInput input, ReadSimulationInput(call, v));
  IRSA_RETURN_IF_ERROR(v.ToStatus());
  IRSA_TRY(iam::SimulationPage page,
           iam::SimulateCustomPolicy(*call.services.iam, call.account(), input));
  return WriteResults(call, page);
}

}  // namespace

void RegisterIamSimulationActions(QueryActionTable& iam) {
  // SimulatePrincipalPolicy is authorized on the simulated principal (PolicySourceArn).
  const ResourceSpec source{"user", [](const QueryCall& call) -> Result<ResolvedResource> {
                              IRSA_TRY(std::string_view arn,
                                       call.params.Require("PolicySourceArn"));
                              Validator v;
                              v.Length("PolicySourceArn", arn, 20, 2048);
                              IRSA_RETURN_IF_ERROR(v.ToStatus());
                              return ResolvedResource{std::string(arn), {}, {}};
                            }};
  Declare(iam, "iam", "SimulatePrincipalPolicy", SimulatePrincipalPolicy, source);
  Declare(iam, "iam", "SimulateCustomPolicy", SimulateCustomPolicy, access::AnyResource());
}

}  // namespace irsa::protocol
