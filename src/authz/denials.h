// What an AccessDenied tells whom. Every denial has AWS's sentence
//
//   User: <arn> is not authorized to perform: <action> on resource: <resource> because <reason>
//
// where <reason> is the decision's one-line class ("no identity-based policy allows the …
// action", "with an explicit deny in an identity-based policy"). What follows depends on the
// operator's choice (`irsa serve --explain-denials`):
//   kFull     the exact explanation: which policy, statement and condition, expected vs actual
//             values (irsa's default for local use);
//   kEncoded  AWS's " Encoded authorization failure message: <blob>", a sealed JSON document that
//             only sts:DecodeAuthorizationMessage opens (for operators serving others: an
//             unauthenticated caller learns neither a role's expected `sub` nor its providers);
//   kNone     nothing more.
// The audit log always receives the full explanation, whatever the mode.
//
// The decoded document has AWS's shape — {"allowed", "explicitDeny", "matchedStatements",
// "failures", "context": {"principal", "action", "resource", "conditions"}} — plus irsa's
// "explanation" (the kFull text).
//
// Thread-safety: immutable after construction; the sealer must be thread-safe.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "authz/caller.h"
#include "base/result.h"
#include "policy/context.h"
#include "policy/trace.h"

namespace irsa::authz {

enum class ExplainDenials { kFull, kEncoded, kNone };

// "full" | "encoded" | "none"; InvalidParameterValue otherwise.
Result<ExplainDenials> ParseExplainDenials(std::string_view text);
std::string_view ExplainDenialsName(ExplainDenials mode);

// Seals decision documents so that any node of the deployment (and nobody else) can open them.
class MessageSealer {
 public:
  virtual ~MessageSealer() = default;
  virtual Result<std::string> Seal(std::string_view plaintext) const = 0;
  // InvalidAuthorizationMessageException for anything this deployment did not seal.
  virtual Result<std::string> Open(std::string_view sealed) const = 0;
};

// One denial, before it is rendered.
struct Denial {
  const Caller* caller = nullptr;   // the principal named in the sentence
  std::string_view principal_text;  // overrides caller->arn when set (e.g. a web identity)
  std::string_view action;
  std::string_view resource;
  std::string_view reason;                       // the decision's one-line class, may be empty
  std::string_view explanation;                  // the full explanation (kFull text), may be empty
  const policy::DecisionTrace* trace = nullptr;  // for the encoded document, may be null
  const policy::Request* request = nullptr;      // its context, for the encoded document
};

class DenialExplainer {
 public:
  // `sealer` may be null unless mode is kEncoded; it must outlive the explainer.
  explicit DenialExplainer(ExplainDenials mode = ExplainDenials::kFull,
                           const MessageSealer* sealer = nullptr)
      : mode_(mode), sealer_(sealer) {}

  ExplainDenials mode() const { return mode_; }
  // The AccessDenied message the client receives.
  std::string Message(const Denial& denial) const;
  // The full message (kFull rendering), for the audit log.
  static std::string FullMessage(const Denial& denial);
  // The decoded document of a denial (JSON text).
  static std::string DecodedDocument(const Denial& denial);
  // DecodeAuthorizationMessage: the document sealed in an encoded message.
  Result<std::string> Decode(std::string_view encoded) const;

 private:
  ExplainDenials mode_;
  const MessageSealer* sealer_;
};

// "User: <arn> is not authorized to perform: <action> on resource: <resource>[ because <why>]".
std::string DenialMessage(const Caller& caller, std::string_view action, std::string_view resource,
                          std::string_view why);

}  // namespace irsa::authz
