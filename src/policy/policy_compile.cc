// Parsing, validation (spec §1.8 stage order) and compilation of policy documents.
#include <algorithm>
#include <optional>

#include "base/error.h"
#include "base/strings.h"
#include "policy/json.h"
#include "policy/policy.h"
#include "policy/values.h"

namespace irsa::policy {
namespace {

constexpr std::string_view kSyntaxError = "Syntax errors in policy.";
constexpr std::string_view kLegacyError = "The policy failed legacy parsing";

Error Malformed(std::string_view message) {
  return errors::MalformedPolicyDocument(std::string(message));
}

// A list element ("string or array of strings").
struct StringList {
  bool present = false;
  std::vector<std::string> values;
};

struct RawCondition {
  std::string op_text;
  std::optional<OperatorSpec> spec;  // nullopt: unknown operator with an empty body
  std::vector<std::pair<std::string, std::vector<std::string>>> keys;
};

struct RawPrincipal {
  std::string type_key;
  std::string value;
};

struct RawStatement {
  std::optional<std::string> sid;
  std::string effect;
  StringList action, not_action, resource, not_resource;
  bool has_principal = false;
  bool has_not_principal = false;
  std::vector<RawPrincipal> principals;
  std::vector<RawCondition> conditions;
};

struct RawDocument {
  std::optional<std::string> version;
  std::vector<RawStatement> statements;
};

// Decodes UTF-8 and checks every code point is TAB, LF, CR or U+0020..U+00FF.
bool HasOnlyAllowedCharacters(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') return false;
      ++i;
      continue;
    }
    // Only U+0080..U+00FF are allowed beyond ASCII: lead byte 0xC2 or 0xC3.
    if ((c != 0xC2 && c != 0xC3) || i + 1 >= text.size()) return false;
    auto next = static_cast<unsigned char>(text[i + 1]);
    if ((next & 0xC0) != 0x80) return false;
    i += 2;
  }
  return true;
}

bool ReadStringList(const JsonValue& value, StringList& out) {
  out.present = true;
  if (value.is_string()) {
    out.values.push_back(value.text);
    return true;
  }
  if (!value.is_array()) return false;
  for (const JsonValue& item : value.items) {
    if (!item.is_string()) return false;
    out.values.push_back(item.text);
  }
  return true;
}

bool ReadPrincipal(const JsonValue& value, RawStatement& statement) {
  if (value.is_string()) {
    if (value.text != "*") return false;
    statement.principals.push_back({"AWS", "*"});
    return true;
  }
  if (!value.is_object()) return false;
  for (const auto& [type_key, entries] : value.members) {
    if (type_key != "AWS" && type_key != "Federated" && type_key != "Service" &&
        type_key != "CanonicalUser") {
      return false;
    }
    StringList list;
    if (!ReadStringList(entries, list)) return false;
    for (std::string& entry : list.values) statement.principals.push_back({type_key, entry});
  }
  return true;
}

bool ReadCondition(const JsonValue& value, RawStatement& statement) {
  if (!value.is_object()) return false;
  for (const auto& [op_text, body] : value.members) {
    if (!body.is_object()) return false;
    RawCondition condition;
    condition.op_text = op_text;
    condition.spec = ParseOperatorName(op_text);
    if (!condition.spec && !body.members.empty()) return false;
    for (const auto& [key, values] : body.members) {
      std::vector<std::string> lexemes;
      if (values.is_scalar()) {
        lexemes.push_back(values.text);
      } else if (values.is_array()) {
        for (const JsonValue& item : values.items) {
          if (!item.is_scalar()) return false;
          lexemes.push_back(item.text);
        }
      } else {
        return false;
      }
      condition.keys.emplace_back(key, std::move(lexemes));
    }
    statement.conditions.push_back(std::move(condition));
  }
  return true;
}

bool ReadStatement(const JsonValue& value, RawStatement& statement) {
  if (!value.is_object()) return false;
  for (const auto& [key, element] : value.members) {
    bool ok = true;
    if (key == "Sid") {
      ok = element.is_string();
      statement.sid = element.text;
    } else if (key == "Effect") {
      ok = element.is_string() &&
           (EqualsIgnoreCase(element.text, "Allow") || EqualsIgnoreCase(element.text, "Deny"));
      statement.effect = element.text;
    } else if (key == "Action") {
      ok = ReadStringList(element, statement.action);
    } else if (key == "NotAction") {
      ok = ReadStringList(element, statement.not_action);
    } else if (key == "Resource") {
      ok = ReadStringList(element, statement.resource);
    } else if (key == "NotResource") {
      ok = ReadStringList(element, statement.not_resource);
    } else if (key == "Principal") {
      statement.has_principal = true;
      ok = ReadPrincipal(element, statement);
    } else if (key == "NotPrincipal") {
      statement.has_not_principal = true;
      ok = ReadPrincipal(element, statement);
    } else if (key == "Condition") {
      ok = ReadCondition(element, statement);
    } else {
      ok = false;
    }
    if (!ok) return false;
  }
  if (statement.effect.empty()) return false;
  if (statement.action.present && statement.not_action.present) return false;
  if (statement.resource.present && statement.not_resource.present) return false;
  if (statement.has_principal && statement.has_not_principal) return false;
  return true;
}

// Stage 1: JSON, shapes, types, unknown keys, Version values, effects.
std::optional<RawDocument> ReadDocument(std::string_view text) {
  if (!HasOnlyAllowedCharacters(text)) return std::nullopt;
  auto json = ParseJson(text);
  if (!json || !json->is_object()) return std::nullopt;
  RawDocument document;
  const JsonValue* statements = nullptr;
  for (const auto& [key, element] : json->members) {
    if (key == "Version") {
      if (!element.is_string() || (element.text != "2012-10-17" && element.text != "2008-10-17")) {
        return std::nullopt;
      }
      document.version = element.text;
    } else if (key == "Id") {
      if (!element.is_string()) return std::nullopt;
    } else if (key == "Statement") {
      statements = &element;
    } else {
      return std::nullopt;
    }
  }
  if (statements == nullptr) return std::nullopt;
  if (statements->is_object()) {
    RawStatement statement;
    if (!ReadStatement(*statements, statement)) return std::nullopt;
    document.statements.push_back(std::move(statement));
  } else if (statements->is_array() && !statements->items.empty()) {
    for (const JsonValue& item : statements->items) {
      RawStatement statement;
      if (!ReadStatement(item, statement)) return std::nullopt;
      document.statements.push_back(std::move(statement));
    }
  } else {
    return std::nullopt;
  }
  return document;
}

bool ResourcePassesLegacyParse(std::string_view resource) {
  if (resource == "*") return true;
  std::vector<std::string_view> parts = Split(resource, ':');
  if (parts.size() < 3) return true;
  size_t colons = parts.size() - 1;
  if (colons < 5 && resource.find("::") != std::string_view::npos) return false;
  return !parts[2].empty();
}

// Stage 3: wrong-case Effect, unparsable dates, malformed ARNs.
bool PassesLegacyParse(const RawDocument& document) {
  for (const RawStatement& statement : document.statements) {
    if (statement.effect != "Allow" && statement.effect != "Deny") return false;
    for (const StringList* list : {&statement.resource, &statement.not_resource}) {
      for (const std::string& resource : list->values) {
        if (!ResourcePassesLegacyParse(resource)) return false;
      }
    }
    for (const RawCondition& condition : statement.conditions) {
      if (!condition.spec || !IsDateOperator(condition.spec->base)) continue;
      for (const auto& [key, values] : condition.keys) {
        for (const std::string& value : values) {
          if (!ParseInstant(value)) return false;
        }
      }
    }
  }
  return true;
}

// S3 resource types whose ARNs carry a region (access points, Batch Operations jobs, Storage
// Lens, Access Grants): `rest` is "<region>:<account>:<resource>". Buckets and objects do not.
bool S3RegionalResource(std::string_view rest) {
  size_t region_end = rest.find(':');
  if (region_end == std::string_view::npos) return false;
  std::string_view after_region = rest.substr(region_end + 1);
  size_t account_end = after_region.find(':');
  if (account_end == std::string_view::npos) return false;
  std::string_view resource = after_region.substr(account_end + 1);
  for (std::string_view prefix : {"accesspoint/", "job/", "storage-lens/", "storage-lens-group/",
                                  "access-grants/", "async-request/"}) {
    if (resource.starts_with(prefix)) return true;
  }
  return false;
}

constexpr std::array<std::string_view, 13> kIamResourcePrefixes = {"user/",
                                                                   "federated-user/",
                                                                   "role/",
                                                                   "group/",
                                                                   "instance-profile/",
                                                                   "mfa/",
                                                                   "server-certificate/",
                                                                   "policy/",
                                                                   "sms-mfa/",
                                                                   "saml-provider/",
                                                                   "oidc-provider/",
                                                                   "report/",
                                                                   "access-report/"};

// Stage 7 (moto's resource-format checks); nullopt if valid.
std::optional<std::string> ResourceFormatError(const std::string& resource) {
  if (resource == "*") return std::nullopt;
  size_t first = resource.find(':');
  if (first == std::string::npos) {
    return "Resource " + resource + " must be in ARN format or \"*\".";
  }
  std::string_view rest = std::string_view(resource).substr(first + 1);
  size_t second = rest.find(':');
  std::string_view partition = rest.substr(0, second);
  if (partition != "aws" && partition != "*" && partition != "aws-cn" &&
      partition != "aws-us-gov") {
    std::string_view tail = second == std::string_view::npos ? "" : rest.substr(second + 1);
    std::vector<std::string_view> parts = Split(tail, ':');
    auto part = [&](size_t i) -> std::string {
      if (i >= parts.size()) return "*";
      if (i == 0 && parts[0].empty() && parts.size() == 1) return "*";
      return std::string(parts[i]);
    };
    std::string last = "*";
    if (parts.size() > 3) {
      last.clear();
      for (size_t i = 3; i < parts.size(); ++i) {
        if (i > 3) last += ":";
        last += parts[i];
      }
    }
    std::string p(partition);
    return "Partition \"" + p + "\" is not valid for resource \"arn:" + p + ":" + part(0) + ":" +
           part(1) + ":" + part(2) + ":" + last + "\".";
  }
  if (second == std::string_view::npos) {
    return std::string("Resource vendor must be fully qualified and cannot contain regexes.");
  }
  rest = rest.substr(second + 1);
  size_t third = rest.find(':');
  std::string_view service = rest.substr(0, third);
  std::string_view after_service =
      third == std::string_view::npos ? std::string_view{} : rest.substr(third + 1);
  if (service == "iam" && !after_service.starts_with(":")) {
    return "IAM resource " + resource + " cannot contain region information.";
  }
  if (service == "s3" && !after_service.starts_with(":") && !S3RegionalResource(after_service)) {
    return "Resource " + resource + " can not contain region information.";
  }
  if (service == "iam") {
    // Skip region and account.
    size_t region_end = after_service.find(':');
    std::string_view after_region =
        region_end == std::string_view::npos ? "" : after_service.substr(region_end + 1);
    size_t account_end = after_region.find(':');
    std::string_view path =
        account_end == std::string_view::npos ? "" : after_region.substr(account_end + 1);
    bool valid = path.starts_with("*") || path == "root";
    for (std::string_view prefix : kIamResourcePrefixes) valid = valid || path.starts_with(prefix);
    if (!valid) {
      return std::string(
          "IAM resource path must either be \"*\" or start with user/, federated-user/, role/, "
          "group/, instance-profile/, mfa/, server-certificate/, policy/, sms-mfa/, "
          "saml-provider/, oidc-provider/, report/, access-report/.");
    }
  }
  return std::nullopt;
}

// What a role trust policy may name: "*", and of STS the role-assumption actions and the
// permissions checked with them (sts:AssumeRole, sts:AssumeRoleWithWebIdentity,
// sts:AssumeRoleWithSAML, sts:TagSession, sts:SetSourceIdentity, sts:SetContext), or any
// wildcard pattern of sts.
bool IsTrustPolicyAction(std::string_view action) {
  if (action == "*") return true;
  if (action.size() < 4 || !EqualsIgnoreCase(action.substr(0, 4), "sts:")) return false;
  std::string_view name = action.substr(4);
  if (name.find_first_of("*?") != std::string_view::npos) return true;
  for (std::string_view allowed : {"AssumeRole", "AssumeRoleWithWebIdentity", "AssumeRoleWithSAML",
                                   "TagSession", "SetSourceIdentity", "SetContext"}) {
    if (EqualsIgnoreCase(name, allowed)) return true;
  }
  return false;
}

// Stage 8; nullopt if valid.
std::optional<std::string> ActionFormatError(std::string_view action) {
  if (action == "*") return std::nullopt;
  size_t colon = action.find(':');
  if (colon == std::string_view::npos) {
    return std::string(
        "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.");
  }
  if (action.find(':', colon + 1) != std::string_view::npos) {
    return std::string("Actions/Condition can contain only one colon.");
  }
  std::string_view vendor = action.substr(0, colon);
  bool valid = !vendor.empty();
  for (char c : vendor) {
    valid = valid && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '.' || c == '-');
  }
  if (!valid) return "Vendor " + std::string(vendor) + " is not valid";
  return std::nullopt;
}

bool IsIamKind(PolicyKind kind) { return kind != PolicyKind::kResource; }

Status Validate(const RawDocument& document, PolicyKind kind, const CompileOptions& options) {
  bool principal_kind = kind == PolicyKind::kResource || kind == PolicyKind::kTrust;
  if (!principal_kind) {
    for (const RawStatement& statement : document.statements) {
      if (statement.has_principal || statement.has_not_principal) {
        return Malformed("Policy document should not specify a principal.");
      }
    }
  }
  if (options.require_version_2012 && document.version != "2012-10-17") {
    return Malformed("Policy document must be version 2012-10-17 or greater.");
  }
  if (!PassesLegacyParse(document)) return Malformed(kLegacyError);
  std::vector<std::string_view> sids;
  for (const RawStatement& statement : document.statements) {
    if (statement.sid && !statement.sid->empty()) sids.push_back(*statement.sid);
  }
  std::sort(sids.begin(), sids.end());
  if (std::adjacent_find(sids.begin(), sids.end()) != sids.end()) {
    return Malformed("Statement IDs (SID) in a single policy must be unique.");
  }
  if (IsIamKind(kind)) {
    for (std::string_view sid : sids) {
      for (char c : sid) {
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) {
          return Malformed(
              "Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the "
              "regular expression [0-9A-Za-z]*");
        }
      }
    }
  }
  for (const RawStatement& statement : document.statements) {
    const StringList& actions = statement.action.present ? statement.action : statement.not_action;
    if (actions.values.empty()) return Malformed("Policy statement must contain actions.");
  }
  for (const RawStatement& statement : document.statements) {
    bool has_resource = statement.resource.present || statement.not_resource.present;
    if (kind == PolicyKind::kTrust) {
      if (statement.resource.present) return Malformed("Has prohibited field Resource.");
      if (statement.not_resource.present) return Malformed("Has prohibited field NotResource.");
      if (statement.has_not_principal) return Malformed("Has prohibited field NotPrincipal.");
    } else {
      const StringList& resources =
          statement.resource.present ? statement.resource : statement.not_resource;
      if (!has_resource || resources.values.empty()) {
        return Malformed("Policy statement must contain resources.");
      }
    }
    if (principal_kind && statement.principals.empty()) {
      return Malformed(
          "Invalid principal in policy: com.amazon.balsa.error.InvalidPolicyException: The passed "
          "in policy has a statement with no principals!");
    }
  }
  for (const RawStatement& statement : document.statements) {
    const StringList& list =
        statement.resource.present ? statement.resource : statement.not_resource;
    std::vector<std::string> sorted = list.values;
    std::sort(sorted.rbegin(), sorted.rend());
    for (const std::string& resource : sorted) {
      if (auto error = ResourceFormatError(resource)) return Malformed(*error);
    }
  }
  for (const RawStatement& statement : document.statements) {
    const StringList& list = statement.action.present ? statement.action : statement.not_action;
    for (const std::string& action : list.values) {
      if (auto error = ActionFormatError(action)) return Malformed(*error);
    }
  }
  if (kind == PolicyKind::kTrust) {
    for (const RawStatement& statement : document.statements) {
      const StringList& list = statement.action.present ? statement.action : statement.not_action;
      for (const std::string& action : list.values) {
        if (!IsTrustPolicyAction(action)) {
          return Malformed("AssumeRole policy may only specify STS AssumeRole actions.");
        }
      }
    }
  }
  for (const RawStatement& statement : document.statements) {
    for (const RawPrincipal& principal : statement.principals) {
      if (!PrincipalPattern::Compile(principal.type_key, principal.value)) {
        return Malformed("Invalid principal in policy: \"" + principal.type_key + "\":\"" +
                         principal.value + "\"");
      }
    }
  }
  return OkStatus();
}

ActionPattern CompileAction(const std::string& text) {
  ActionPattern pattern;
  pattern.text = text;
  if (text == "*") {
    pattern.matches_all = true;
    return pattern;
  }
  size_t colon = text.find(':');
  pattern.service = AsciiLower(std::string_view(text).substr(0, colon));
  pattern.name = Glob::FromPattern(std::string_view(text).substr(colon + 1), true);
  return pattern;
}

}  // namespace

Result<CompiledPolicyPtr> CompilePolicy(std::string_view text, PolicyKind kind,
                                        const CompileOptions& options) {
  auto document = ReadDocument(text);
  if (!document) return Malformed(kSyntaxError);
  IRSA_RETURN_IF_ERROR(Validate(*document, kind, options));

  auto policy = std::make_shared<CompiledPolicy>();
  policy->kind_ = kind;
  policy->name_ = options.name;
  policy->text_ = std::string(text);
  policy->version_ =
      document->version == "2012-10-17" ? PolicyVersion::k2012_10_17 : PolicyVersion::k2008_10_17;
  bool variables = policy->version_ == PolicyVersion::k2012_10_17;
  ShortArnMode short_arns = (kind == PolicyKind::kResource || kind == PolicyKind::kTrust)
                                ? ShortArnMode::kPadIfWildcard
                                : ShortArnMode::kPadWithWildcards;
  for (size_t i = 0; i < document->statements.size(); ++i) {
    RawStatement& raw = document->statements[i];
    CompiledStatement statement;
    statement.index = i;
    statement.sid = raw.sid.value_or("");
    statement.effect = raw.effect == "Allow" ? Effect::kAllow : Effect::kDeny;
    statement.not_action = raw.not_action.present;
    for (const std::string& action : (statement.not_action ? raw.not_action : raw.action).values) {
      statement.actions.push_back(CompileAction(action));
    }
    statement.has_resource = raw.resource.present || raw.not_resource.present;
    statement.not_resource = raw.not_resource.present;
    for (const std::string& resource :
         (statement.not_resource ? raw.not_resource : raw.resource).values) {
      statement.resources.push_back(ArnPattern::Compile(resource, variables, short_arns));
    }
    statement.has_principal = raw.has_principal || raw.has_not_principal;
    statement.not_principal = raw.has_not_principal;
    for (const RawPrincipal& principal : raw.principals) {
      statement.principals.push_back(
          *PrincipalPattern::Compile(principal.type_key, principal.value));
    }
    for (RawCondition& condition : raw.conditions) {
      if (!condition.spec) {
        statement.ignored_operators.push_back(condition.op_text);
        continue;
      }
      for (auto& [key, values] : condition.keys) {
        statement.conditions.push_back(CompiledCondition::Compile(
            condition.op_text, *condition.spec, key, std::move(values), variables));
      }
    }
    policy->statements_.push_back(std::move(statement));
  }
  policy->BuildIndex();
  return CompiledPolicyPtr(std::move(policy));
}

void CompiledPolicy::BuildIndex() {
  for (const CompiledStatement& statement : statements_) {
    auto index = static_cast<uint32_t>(statement.index);
    bool any = statement.not_action;
    for (const ActionPattern& action : statement.actions) any = any || action.matches_all;
    if (any) {
      any_service_.push_back(index);
      continue;
    }
    for (const ActionPattern& action : statement.actions) {
      auto it = std::find_if(by_service_.begin(), by_service_.end(),
                             [&](const ServiceIndex& s) { return s.service == action.service; });
      if (it == by_service_.end()) {
        by_service_.push_back(ServiceIndex{action.service, {}});
        it = by_service_.end() - 1;
      }
      if (it->statements.empty() || it->statements.back() != index) {
        it->statements.push_back(index);
      }
    }
  }
}

size_t PolicySize(std::string_view text) {
  size_t count = 0;
  bool in_string = false;
  bool escaped = false;
  for (char ch : text) {
    auto c = static_cast<unsigned char>(ch);
    if ((c & 0xC0) == 0x80) continue;  // UTF-8 continuation byte: same character
    if (in_string) {
      ++count;
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') continue;
    if (c == '"') in_string = true;
    ++count;
  }
  return count;
}

}  // namespace irsa::policy
