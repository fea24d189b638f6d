#include "cli/policy_cmd.h"

#include <boost/json.hpp>

#include <algorithm>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "base/arn.h"
#include "base/clock.h"
#include "base/result.h"
#include "base/strings.h"
#include "policy/decision.h"
#include "policy/lint.h"
#include "policy/policy.h"

namespace irsa::cli {
namespace {

using policy::CompiledPolicyPtr;
using policy::PolicyKind;
using policy::RequestPrincipal;

struct EvalOptions {
  std::vector<std::string> identity;
  std::string trust;
  std::string resource_policy;
  std::string boundary;
  std::vector<std::string> session;
  std::string action;
  std::string resource = "*";
  std::string resource_account;
  std::string principal_arn;
  std::string principal_type;
  std::string role_arn;
  std::vector<std::string> context;
  bool json = false;
};

struct LintOptions {
  std::vector<std::string> documents;
  std::string kind;  // empty: inferred per document (InferKind)
  bool json = false;
};

// Inline JSON, "@path" or a path.
Result<std::string> LoadDocument(const std::string& spec) {
  size_t first = spec.find_first_not_of(" \t\r\n");
  if (first != std::string::npos && spec[first] == '{') return spec;
  std::string path = spec.starts_with("@") ? spec.substr(1) : spec;
  std::ifstream in(path, std::ios::binary);
  if (!in) return errors::InvalidInput("cannot read policy document " + path);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

Result<CompiledPolicyPtr> Load(const std::string& spec, PolicyKind kind) {
  IRSA_TRY(std::string text, LoadDocument(spec));
  policy::CompileOptions options;
  options.name = spec.starts_with("{") ? std::string(policy::PolicyKindName(kind)) : spec;
  auto compiled = policy::CompilePolicy(text, kind, options);
  if (!compiled) return compiled.error().WithContext(options.name + ": ");
  return compiled;
}

std::optional<PolicyKind> ParseKind(std::string_view name) {
  if (name == "identity") return PolicyKind::kIdentity;
  if (name == "trust") return PolicyKind::kTrust;
  if (name == "resource") return PolicyKind::kResource;
  if (name == "session") return PolicyKind::kSession;
  if (name == "boundary") return PolicyKind::kBoundary;
  return std::nullopt;
}

// The kind a document's shape says it is: statements with a Principal and a Resource are a
// resource policy, with a Principal only a trust policy, without a Principal an identity policy.
// A document that is not a JSON object of statements is compiled as a trust policy (its
// compiler's error then says what is wrong).
PolicyKind InferKind(std::string_view text) {
  boost::system::error_code ec;
  boost::json::value doc = boost::json::parse(text, ec);
  if (ec || !doc.is_object()) return PolicyKind::kTrust;
  const boost::json::value* statements = doc.as_object().if_contains("Statement");
  if (statements == nullptr) return PolicyKind::kTrust;
  bool principal = false;
  bool resource = false;
  auto visit = [&](const boost::json::value& statement) {
    if (!statement.is_object()) return;
    const boost::json::object& o = statement.as_object();
    principal |= o.contains("Principal") || o.contains("NotPrincipal");
    resource |= o.contains("Resource") || o.contains("NotResource");
  };
  if (statements->is_array()) {
    for (const boost::json::value& statement : statements->as_array()) visit(statement);
  } else {
    visit(*statements);
  }
  if (!principal) return PolicyKind::kIdentity;
  return resource ? PolicyKind::kResource : PolicyKind::kTrust;
}

bool IsWellKnownIdp(std::string_view name) {
  return name == "cognito-identity.amazonaws.com" || name == "accounts.google.com" ||
         name == "graph.facebook.com" || name == "www.amazon.com";
}

Result<RequestPrincipal> BuildPrincipal(const EvalOptions& options) {
  const std::string& arn_text = options.principal_arn;
  std::string type = options.principal_type;
  auto arn = Arn::Parse(arn_text);
  if (type.empty()) {
    if (arn_text.empty()) {
      type = "anonymous";
    } else if (IsAccountId(arn_text)) {
      type = "root";
    } else if (IsWellKnownIdp(arn_text)) {
      type = "web-identity";
    } else if (!arn) {
      type = "service";
    } else if (arn->service == "iam" && arn->resource == "root") {
      type = "root";
    } else if (arn->service == "iam" && arn->resource.starts_with("user/")) {
      type = "user";
    } else if (arn->service == "sts" && arn->resource.starts_with("assumed-role/")) {
      type = "role";
    } else if (arn->service == "sts" && arn->resource.starts_with("federated-user/")) {
      type = "federated-user";
    } else if (arn->service == "iam" && (arn->resource.starts_with("oidc-provider/") ||
                                         arn->resource.starts_with("saml-provider/"))) {
      type = "web-identity";
    } else {
      return errors::InvalidInput("cannot infer the principal type of " + arn_text +
                                  "; pass --principal-type");
    }
  }
  if (type == "anonymous") return RequestPrincipal::Anonymous();
  if (type == "root") {
    return RequestPrincipal::Root(IsAccountId(arn_text) ? arn_text
                                                        : (arn ? arn->account : std::string()));
  }
  if (type == "user") return RequestPrincipal::User(arn_text);
  if (type == "federated-user") return RequestPrincipal::FederatedUser(arn_text);
  if (type == "web-identity") return RequestPrincipal::WebIdentity(arn_text);
  if (type == "service") return RequestPrincipal::Service(arn_text);
  if (type == "role") {
    std::string role_arn = options.role_arn;
    if (role_arn.empty() && arn) {
      std::string_view resource = arn->resource;
      resource.remove_prefix(std::string_view("assumed-role/").size());
      role_arn = "arn:" + arn->partition + ":iam::" + arn->account + ":role/" +
                 std::string(resource.substr(0, resource.find('/')));
    }
    return RequestPrincipal::AssumedRole(arn_text, role_arn);
  }
  return errors::InvalidInput("unknown --principal-type " + type);
}

Result<policy::Request> BuildRequest(const EvalOptions& options) {
  IRSA_TRY(RequestPrincipal principal, BuildPrincipal(options));
  policy::RequestBuilder builder;
  builder.Action(options.action)
      .Resource(options.resource)
      .Principal(std::move(principal))
      .CurrentTime(SystemClock::Instance().Now())
      .SecureTransport(true);
  // Keys repeated on the command line become multi-valued; explicit ones replace builder keys.
  std::vector<std::pair<std::string, std::vector<std::string>>> keys;
  for (const std::string& entry : options.context) {
    size_t eq = entry.find('=');
    if (eq == std::string::npos || eq == 0) {
      return errors::InvalidInput("--context expects key=value, got " + entry);
    }
    std::string key = entry.substr(0, eq);
    auto it = std::find_if(keys.begin(), keys.end(),
                           [&](const auto& k) { return EqualsIgnoreCase(k.first, key); });
    if (it == keys.end()) {
      keys.emplace_back(key, std::vector<std::string>{});
      it = keys.end() - 1;
    }
    it->second.push_back(entry.substr(eq + 1));
  }
  for (auto& [key, values] : keys) {
    if (values.size() == 1) {
      builder.Set(key, std::move(values.front()));
    } else {
      builder.SetMulti(key, std::move(values));
    }
  }
  return builder.Build();
}

int RunEval(const EvalOptions& options) {
  policy::PolicySet set;
  auto fail = [](const Error& error) {
    std::cerr << "error: " << error.message() << "\n";
    return 2;
  };
  for (const std::string& spec : options.identity) {
    auto compiled = Load(spec, PolicyKind::kIdentity);
    if (!compiled) return fail(compiled.error());
    set.identity.push_back(*compiled);
  }
  if (!options.trust.empty() && !options.resource_policy.empty()) {
    return fail(errors::InvalidInput("give either --trust-policy or --resource-policy"));
  }
  if (!options.trust.empty() || !options.resource_policy.empty()) {
    bool trust = !options.trust.empty();
    auto compiled = Load(trust ? options.trust : options.resource_policy,
                         trust ? PolicyKind::kTrust : PolicyKind::kResource);
    if (!compiled) return fail(compiled.error());
    set.resource = *compiled;
  }
  if (!options.boundary.empty()) {
    auto compiled = Load(options.boundary, PolicyKind::kBoundary);
    if (!compiled) return fail(compiled.error());
    set.boundary = *compiled;
  }
  for (const std::string& spec : options.session) {
    auto compiled = Load(spec, PolicyKind::kSession);
    if (!compiled) return fail(compiled.error());
    set.session.push_back(*compiled);
  }
  set.resource_account = options.resource_account;
  auto request = BuildRequest(options);
  if (!request) return fail(request.error());
  policy::DecisionTrace trace;
  policy::DecisionResult result = policy::Decide(set, *request, &trace);
  if (options.json) {
    std::cout << policy::RenderTraceJson(trace) << "\n";
  } else {
    std::cout << policy::RenderTraceText(trace);
  }
  return result.allowed() ? 0 : 1;
}

int RunLint(const LintOptions& options) {
  std::optional<PolicyKind> kind;
  if (!options.kind.empty()) {
    kind = ParseKind(options.kind);
    if (!kind) {
      std::cerr << "error: unknown --kind " << options.kind << "\n";
      return 1;
    }
  }
  bool problems = false;
  boost::json::array all;
  for (const std::string& spec : options.documents) {
    PolicyKind document_kind = PolicyKind::kTrust;
    if (kind) {
      document_kind = *kind;
    } else if (auto text = LoadDocument(spec); text.ok()) {
      document_kind = InferKind(*text);
    }
    auto compiled = Load(spec, document_kind);
    if (!compiled) {
      std::cerr << "error: " << compiled.error().message() << "\n";
      problems = true;
      continue;
    }
    for (const policy::LintWarning& warning : policy::LintPolicy(**compiled)) {
      problems = true;
      if (options.json) {
        all.push_back(boost::json::object{{"document", (*compiled)->name()},
                                          {"code", warning.code},
                                          {"statement", warning.statement},
                                          {"message", warning.message}});
      } else {
        std::cout << (*compiled)->name() << ": warning [" << warning.code << "] " << warning.message
                  << "\n";
      }
    }
  }
  if (options.json) std::cout << boost::json::serialize(all) << "\n";
  return problems ? 1 : 0;
}

void ExitWith(int code) {
  if (code != 0) throw CLI::RuntimeError(code);
}

}  // namespace

void AddPolicyCommands(CLI::App& app) {
  CLI::App* policy_cmd = app.add_subcommand("policy", "Evaluate and lint IAM policy documents");
  policy_cmd->require_subcommand(1);

  auto eval = std::make_shared<EvalOptions>();
  CLI::App* eval_cmd = policy_cmd->add_subcommand(
      "eval",
      "Decide a request against policies and print the full trace (exit 0 allowed, 1 "
      "denied, 2 bad input)");
  eval_cmd->add_option("--identity-policy", eval->identity,
                       "identity policy (inline JSON, @file or file); repeatable");
  eval_cmd->add_option("--trust-policy", eval->trust, "role trust policy");
  eval_cmd->add_option("--resource-policy", eval->resource_policy, "resource-based policy");
  eval_cmd->add_option("--boundary", eval->boundary, "permissions boundary");
  eval_cmd->add_option("--session-policy", eval->session, "session policy; repeatable");
  eval_cmd->add_option("--action", eval->action, "service:Action")->required();
  eval_cmd->add_option("--resource", eval->resource, "resource ARN (default *)");
  eval_cmd->add_option("--resource-account", eval->resource_account,
                       "account owning the resource (default: from the ARN)");
  eval_cmd->add_option("--principal-arn", eval->principal_arn,
                       "caller: user/session/root ARN, account id, OIDC provider ARN or IdP "
                       "name, service name; empty = anonymous");
  eval_cmd->add_option("--principal-type", eval->principal_type,
                       "anonymous|root|user|role|federated-user|web-identity|service "
                       "(default: inferred)");
  eval_cmd->add_option("--role-arn", eval->role_arn, "for role sessions: the role ARN with path");
  eval_cmd->add_option("--context", eval->context,
                       "condition key=value; repeat a key for a multi-valued key");
  eval_cmd->add_flag("--json", eval->json, "print the trace as JSON");
  eval_cmd->callback([eval] { ExitWith(RunEval(*eval)); });

  auto lint = std::make_shared<LintOptions>();
  CLI::App* lint_cmd = policy_cmd->add_subcommand(
      "lint", "Print lint warnings (exit 1 if any warning or invalid document)");
  lint_cmd->add_option("documents", lint->documents, "documents (inline JSON, @file or file)")
      ->required();
  lint_cmd->add_option(
      "--kind", lint->kind,
      "identity|trust|resource|session|boundary (default: from each document's shape)");
  lint_cmd->add_flag("--json", lint->json, "print warnings as JSON");
  lint_cmd->callback([lint] { ExitWith(RunLint(*lint)); });
}

}  // namespace irsa::cli
