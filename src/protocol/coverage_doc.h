// The coverage of the AWS models: every operation of the IAM, STS and EKS botocore models with
// its status in irsa — implemented (routed by the operation tables) or, from a small checked-in
// table of reasons, out of scope or not yet implemented, each with a one-line reason. Rendered
// as docs/coverage.md; a unit test (tests/unit/protocol/coverage_doc_test.cc) renders the live
// tables and fails when the committed document, or the reasons table, disagrees with them.
//
// The reasons table (tests/unit/protocol/coverage_reasons.tsv) has one line per operation that
// is not implemented: "service<TAB>operation<TAB>status<TAB>reason", status "out of scope" or
// "not yet implemented"; blank lines and lines starting with '#' are comments. An operation that
// becomes implemented wins over its reason: the reason is stale, reported as a problem, and
// dropped when the table is rewritten (IRSA_UPDATE_DOCS=1).
//
// All functions are pure.
#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace irsa::protocol {

struct CoverageReason {
  std::string service;    // "iam", "sts", "eks"
  std::string operation;  // "CreateDelegationRequest"
  std::string status;     // "out of scope" | "not yet implemented"
  std::string reason;     // one line
  bool operator==(const CoverageReason&) const = default;
};

struct CoverageInput {
  // service -> the model's operations (botocore `operations` keys).
  std::map<std::string, std::set<std::string>> model;
  // service -> the operations irsa routes.
  std::map<std::string, std::set<std::string>> implemented;
  std::vector<CoverageReason> reasons;
};

struct CoverageReport {
  std::string markdown;  // docs/coverage.md
  // Disagreements, one sentence each: a model operation neither implemented nor given a reason,
  // a stale reason (the operation is implemented), a reason for an operation the model lacks, a
  // duplicate reason, an unknown status, a routed operation the model lacks.
  std::vector<std::string> problems;
  // The reasons still needed (stale, duplicate and unknown ones dropped), in table order.
  std::vector<CoverageReason> reasons;
};

// The services in document order: iam, sts, eks (others in `model` follow alphabetically).
CoverageReport RenderCoverage(const CoverageInput& input);

// Parses the reasons table. InvalidInput naming the line for a line without four fields.
Result<std::vector<CoverageReason>> ParseCoverageReasons(std::string_view text);
// The reasons table, with `header` (comment lines, each starting with '#') first.
std::string RenderCoverageReasons(const std::string& header,
                                  const std::vector<CoverageReason>& reasons);
// The comment lines at the top of a reasons table (to keep them when rewriting).
std::string CoverageReasonsHeader(std::string_view text);

}  // namespace irsa::protocol
