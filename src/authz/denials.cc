#include "authz/denials.h"

#include <boost/json.hpp>

#include "base/encoding.h"
#include "base/error.h"

namespace irsa::authz {
namespace json = boost::json;
namespace {

constexpr std::string_view kEncodedPrefix = "Encoded authorization failure message: ";

std::string Principal(const Denial& denial) {
  if (!denial.principal_text.empty()) return std::string(denial.principal_text);
  if (denial.caller == nullptr || denial.caller->arn.empty()) return "anonymous";
  return denial.caller->arn;
}

std::string BaseSentence(const Denial& denial, std::string_view why) {
  std::string message = "User: " + Principal(denial);
  message += " is not authorized to perform: ";
  message += denial.action;
  message += " on resource: ";
  message += denial.resource;
  if (!why.empty()) {
    message += " because ";
    message += why;
  }
  return message;
}

json::array Values(const std::vector<std::string>& values) {
  json::array items;
  for (const auto& v : values) items.push_back(json::object{{"value", v}});
  return items;
}

json::object StatementItem(const policy::PolicyTrace& policy, const policy::StatementTrace& s) {
  return json::object{{"statementId", s.sid},
                      {"policy", policy.name},
                      {"policyType", std::string(policy::PolicyKindName(policy.kind))},
                      {"index", s.index},
                      {"effect", s.effect == policy::Effect::kAllow ? "ALLOW" : "DENY"}};
}

}  // namespace

Result<ExplainDenials> ParseExplainDenials(std::string_view text) {
  if (text == "full") return ExplainDenials::kFull;
  if (text == "encoded") return ExplainDenials::kEncoded;
  if (text == "none") return ExplainDenials::kNone;
  return errors::InvalidParameterValue("--explain-denials must be full, encoded or none, not '" +
                                       std::string(text.substr(0, 32)) + "'");
}

std::string_view ExplainDenialsName(ExplainDenials mode) {
  switch (mode) {
    case ExplainDenials::kFull:
      return "full";
    case ExplainDenials::kEncoded:
      return "encoded";
    case ExplainDenials::kNone:
      return "none";
  }
  return "full";
}

std::string DenialExplainer::FullMessage(const Denial& denial) {
  return BaseSentence(denial, denial.explanation.empty() ? denial.reason : denial.explanation);
}

std::string DenialExplainer::Message(const Denial& denial) const {
  switch (mode_) {
    case ExplainDenials::kFull:
      return FullMessage(denial);
    case ExplainDenials::kNone:
      return BaseSentence(denial, denial.reason);
    case ExplainDenials::kEncoded: {
      std::string message = BaseSentence(denial, denial.reason);
      if (sealer_ == nullptr) return message;
      Result<std::string> sealed = sealer_->Seal(DecodedDocument(denial));
      // Sealing fails only without a key; the denial itself must still be delivered.
      if (!sealed.ok()) return message;
      if (!message.empty() && message.back() != '.') message += '.';
      message += ' ';
      message += kEncodedPrefix;
      message += Base64UrlEncode(*sealed);
      return message;
    }
  }
  return FullMessage(denial);
}

std::string DenialExplainer::DecodedDocument(const Denial& denial) {
  json::array matched, failures;
  bool explicit_deny = false;
  if (denial.trace != nullptr) {
    explicit_deny = denial.trace->decision == policy::Decision::kExplicitDeny;
    for (const auto& policy : denial.trace->policies) {
      for (const auto& s : policy.statements) {
        if (!s.applies) continue;
        if (explicit_deny && s.effect != policy::Effect::kDeny) continue;
        matched.push_back(StatementItem(policy, s));
      }
    }
  }
  if (!denial.explanation.empty()) failures.push_back(json::string(denial.explanation));
  json::array conditions;
  if (denial.request != nullptr) {
    for (const auto& entry : denial.request->context.entries()) {
      conditions.push_back(json::object{{"key", entry.key},
                                        {"values", json::object{{"items", Values(entry.values)}}}});
    }
  }
  json::object principal{{"arn", Principal(denial)}};
  if (denial.caller != nullptr) {
    principal["id"] = denial.caller->user_id;
    principal["name"] = denial.caller->type == CallerType::kUser ? denial.caller->user_name
                        : denial.caller->type == CallerType::kAssumedRole
                            ? denial.caller->role_name + "/" + denial.caller->session_name
                        : denial.caller->type == CallerType::kFederatedUser
                            ? denial.caller->session_name
                            : std::string();
  }
  json::object document{
      {"allowed", false},
      {"explicitDeny", explicit_deny},
      {"matchedStatements", json::object{{"items", std::move(matched)}}},
      {"failures", json::object{{"items", std::move(failures)}}},
      {"context", json::object{{"principal", std::move(principal)},
                               {"action", denial.action},
                               {"resource", denial.resource},
                               {"conditions", json::object{{"items", std::move(conditions)}}}}},
      {"explanation", FullMessage(denial)}};
  return json::serialize(document);
}

Result<std::string> DenialExplainer::Decode(std::string_view encoded) const {
  auto invalid = [] {
    return Error("InvalidAuthorizationMessageException", 400,
                 "The message is not an encoded authorization failure message of this "
                 "deployment.");
  };
  if (encoded.starts_with(kEncodedPrefix)) encoded.remove_prefix(kEncodedPrefix.size());
  if (sealer_ == nullptr) return invalid();
  std::optional<std::string> bytes = Base64UrlDecode(encoded);
  if (!bytes) return invalid();
  Result<std::string> opened = sealer_->Open(*bytes);
  if (!opened.ok()) return invalid();
  return *opened;
}

std::string DenialMessage(const Caller& caller, std::string_view action, std::string_view resource,
                          std::string_view why) {
  Denial denial;
  denial.caller = &caller;
  denial.action = action;
  denial.resource = resource;
  denial.reason = why;
  return BaseSentence(denial, why);
}

}  // namespace irsa::authz
