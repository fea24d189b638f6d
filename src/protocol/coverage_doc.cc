#include "protocol/coverage_doc.h"

#include <algorithm>

#include "base/strings.h"

namespace irsa::protocol {
namespace {

constexpr std::string_view kOutOfScope = "out of scope";
constexpr std::string_view kNotYet = "not yet implemented";

std::vector<std::string> ServiceOrder(const CoverageInput& input) {
  std::vector<std::string> order;
  for (const char* known : {"iam", "sts", "eks"}) {
    if (input.model.contains(known)) order.emplace_back(known);
  }
  for (const auto& [service, ops] : input.model) {
    if (std::find(order.begin(), order.end(), service) == order.end()) order.push_back(service);
  }
  return order;
}

std::string Title(const std::string& service) {
  if (service == "iam") return "IAM";
  if (service == "sts") return "STS";
  if (service == "eks") return "EKS";
  return service;
}

std::string Key(const std::string& service, const std::string& operation) {
  return service + ":" + operation;
}

}  // namespace

CoverageReport RenderCoverage(const CoverageInput& input) {
  CoverageReport report;
  std::map<std::string, const CoverageReason*> reasons;
  for (const CoverageReason& reason : input.reasons) {
    const std::string key = Key(reason.service, reason.operation);
    if (reason.status != kOutOfScope && reason.status != kNotYet) {
      report.problems.push_back(key + ": unknown status \"" + reason.status +
                                "\" (use \"out of scope\" or \"not yet implemented\")");
      continue;
    }
    auto model = input.model.find(reason.service);
    if (model == input.model.end() || !model->second.contains(reason.operation)) {
      report.problems.push_back(key + ": has a reason but is not an operation of the model");
      continue;
    }
    auto implemented = input.implemented.find(reason.service);
    if (implemented != input.implemented.end() && implemented->second.contains(reason.operation)) {
      report.problems.push_back(key + ": is implemented; its stale reason is to be removed");
      continue;
    }
    if (!reasons.emplace(key, &reason).second) {
      report.problems.push_back(key + ": has more than one reason");
      continue;
    }
    report.reasons.push_back(reason);
  }
  for (const auto& [service, ops] : input.implemented) {
    auto model = input.model.find(service);
    for (const std::string& op : ops) {
      if (model == input.model.end() || !model->second.contains(op)) {
        report.problems.push_back(Key(service, op) +
                                  ": is routed but not an operation of the model");
      }
    }
  }

  struct Counts {
    size_t total = 0, implemented = 0, out_of_scope = 0, not_yet = 0;
  };
  std::string sections;
  std::string summary =
      "| service | operations in the model | implemented | out of scope | not yet implemented |\n"
      "| --- | ---: | ---: | ---: | ---: |\n";
  for (const std::string& service : ServiceOrder(input)) {
    Counts counts;
    const auto implemented = input.implemented.find(service);
    sections += "\n## " + Title(service) + " (`" + service + ".service-2.json`)\n\n";
    sections += "| operation | status | reason |\n| --- | --- | --- |\n";
    for (const std::string& op : input.model.at(service)) {
      ++counts.total;
      std::string status, reason = "—";
      if (implemented != input.implemented.end() && implemented->second.contains(op)) {
        status = "implemented";
        ++counts.implemented;
      } else if (auto found = reasons.find(Key(service, op)); found != reasons.end()) {
        status = found->second->status;
        reason = found->second->reason;
        ++(status == kOutOfScope ? counts.out_of_scope : counts.not_yet);
      } else {
        status = "**missing**";
        report.problems.push_back(Key(service, op) +
                                  ": is neither routed nor given a reason in the reasons table");
      }
      sections += "| " + op + " | " + status + " | " + reason + " |\n";
    }
    summary += "| " + Title(service) + " | " + std::to_string(counts.total) + " | " +
               std::to_string(counts.implemented) + " | " + std::to_string(counts.out_of_scope) +
               " | " + std::to_string(counts.not_yet) + " |\n";
  }
  report.markdown =
      "# Coverage of the AWS models: every IAM, STS and EKS operation\n"
      "\n"
      "<!-- Generated from the operation tables and tests/unit/protocol/coverage_reasons.tsv by\n"
      "     tests/unit/protocol/coverage_doc_test.cc; regenerate with IRSA_UPDATE_DOCS=1\n"
      "     build/release/unit_protocol --gtest_filter='Coverage*'. -->\n"
      "\n"
      "Every operation of the botocore models irsa speaks (`iam.service-2.json`,\n"
      "`sts.service-2.json`, `eks.service-2.json`) with its status: **implemented** (routed, and\n"
      "authorized as docs/authorization.md lists), **out of scope** (irsa will not serve it, for\n"
      "the reason given) or **not yet implemented** (refused: IAM and STS answer\n"
      "`InvalidAction`). A unit test fails when this document disagrees with the operation\n"
      "tables or the reasons table, so an operation cannot be routed without appearing here as\n"
      "implemented.\n"
      "\n" +
      summary + sections;
  return report;
}

Result<std::vector<CoverageReason>> ParseCoverageReasons(std::string_view text) {
  std::vector<CoverageReason> out;
  size_t line_number = 0;
  for (std::string_view line : Split(text, '\n')) {
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line.front() == '#') continue;
    std::vector<std::string_view> fields = Split(line, '\t');
    if (fields.size() != 4 || fields[0].empty() || fields[1].empty() || fields[3].empty()) {
      return errors::InvalidInput("coverage reasons line " + std::to_string(line_number) +
                                  ": expected service<TAB>operation<TAB>status<TAB>reason");
    }
    out.push_back({std::string(fields[0]), std::string(fields[1]), std::string(fields[2]),
                   std::string(fields[3])});
  }
  return out;
}

std::string CoverageReasonsHeader(std::string_view text) {
  std::string header;
  for (std::string_view line : Split(text, '\n')) {
    if (line.empty() || line.front() != '#') break;
    header += std::string(line) + "\n";
  }
  return header;
}

std::string RenderCoverageReasons(const std::string& header,
                                  const std::vector<CoverageReason>& reasons) {
  std::string out = header;
  for (const CoverageReason& r : reasons) {
    out += r.service + "\t" + r.operation + "\t" + r.status + "\t" + r.reason + "\n";
  }
  return out;
}

}  // namespace irsa::protocol
