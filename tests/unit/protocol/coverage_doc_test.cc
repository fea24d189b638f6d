// docs/coverage.md is the rendering of the live operation tables and the reasons table
// (coverage_reasons.tsv) over the botocore models' operations (model_operations.inc), and the
// rules of RenderCoverage: an implemented operation wins over its reason, which is then stale.
#include "protocol/coverage_doc.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "protocol/eks_rest.h"
#include "protocol/iam_adapters.h"
#include "protocol/query_api.h"

namespace irsa::protocol {
namespace {

using ::testing::HasSubstr;

struct ModelOperation {
  const char* service;
  const char* operation;
};
constexpr ModelOperation kModelOperations[] = {
#include "unit/protocol/model_operations.inc"
};

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

CoverageInput LiveInput() {
  CoverageInput input;
  for (const ModelOperation& op : kModelOperations) input.model[op.service].insert(op.operation);
  QueryActionTable iam, sts;
  RegisterIamUserActions(iam);
  RegisterIamRoleActions(iam);
  RegisterIamPolicyActions(iam);
  RegisterIamPrincipalPolicyActions(iam);
  RegisterIamOidcActions(iam);
  RegisterIamSurfaceActions(iam);
  RegisterStsActions(sts);
  for (const auto& [name, entry] : iam) input.implemented["iam"].insert(name);
  for (const auto& [name, entry] : sts) input.implemented["sts"].insert(name);
  for (const EksOperationInfo& op : EksOperationTable()) {
    input.implemented["eks"].insert(std::string(op.name));
  }
  return input;
}

TEST(Coverage, DocumentIsTheRenderingOfTheTables) {
  const std::string doc_path = std::string(IRSA_SOURCE_DIR) + "/docs/coverage.md";
  const std::string reasons_path =
      std::string(IRSA_SOURCE_DIR) + "/tests/unit/protocol/coverage_reasons.tsv";
  const std::string reasons_text = ReadFile(reasons_path);
  auto reasons = ParseCoverageReasons(reasons_text);
  ASSERT_TRUE(reasons.ok()) << reasons.error().message();
  CoverageInput input = LiveInput();
  input.reasons = *reasons;
  CoverageReport report = RenderCoverage(input);
  if (const char* update = std::getenv("IRSA_UPDATE_DOCS"); update && std::string(update) == "1") {
    // One command after a merge: stale reasons (now implemented) are dropped from the table.
    std::ofstream(reasons_path) << RenderCoverageReasons(CoverageReasonsHeader(reasons_text),
                                                         report.reasons);
    input.reasons = report.reasons;
    report = RenderCoverage(input);
    std::ofstream(doc_path) << report.markdown;
  }
  for (const std::string& problem : report.problems) ADD_FAILURE() << problem;
  EXPECT_EQ(ReadFile(doc_path), report.markdown)
      << doc_path << " is out of date: run IRSA_UPDATE_DOCS=1 build/release/unit_protocol "
      << "--gtest_filter='Coverage*' and commit the result";
}

TEST(Coverage, EveryModelOperationIsListed) {
  const std::string doc = ReadFile(std::string(IRSA_SOURCE_DIR) + "/docs/coverage.md");
  for (const ModelOperation& op : kModelOperations) {
    EXPECT_THAT(doc, HasSubstr("| " + std::string(op.operation) + " | ")) << op.operation;
  }
  // The out-of-scope families are listed as such.
  EXPECT_THAT(doc, HasSubstr("| SendDelegationToken | out of scope |"));
  EXPECT_THAT(doc, HasSubstr("| CreateDelegationRequest | out of scope |"));
  EXPECT_THAT(doc, HasSubstr("| EnableOrganizationsRootSessions | out of scope |"));
}

CoverageInput SmallInput() {
  CoverageInput input;
  input.model["iam"] = {"CreateRole", "CreateDelegationRequest", "GetThing"};
  input.implemented["iam"] = {"CreateRole"};
  input.reasons = {{"iam", "CreateDelegationRequest", "out of scope", "partner workflow"},
                   {"iam", "GetThing", "not yet implemented", "later"}};
  return input;
}

TEST(Coverage, RendersStatusesAndCounts) {
  CoverageReport report = RenderCoverage(SmallInput());
  EXPECT_TRUE(report.problems.empty());
  EXPECT_THAT(report.markdown, HasSubstr("| CreateRole | implemented | — |"));
  EXPECT_THAT(report.markdown,
              HasSubstr("| CreateDelegationRequest | out of scope | partner workflow |"));
  EXPECT_THAT(report.markdown, HasSubstr("| GetThing | not yet implemented | later |"));
  EXPECT_THAT(report.markdown, HasSubstr("| IAM | 3 | 1 | 1 | 1 |"));
  EXPECT_EQ(report.reasons.size(), 2u);
}

TEST(Coverage, ImplementedWinsAndTheReasonIsStale) {
  CoverageInput input = SmallInput();
  input.implemented["iam"].insert("GetThing");
  CoverageReport report = RenderCoverage(input);
  EXPECT_THAT(report.markdown, HasSubstr("| GetThing | implemented | — |"));
  ASSERT_EQ(report.problems.size(), 1u);
  EXPECT_THAT(report.problems[0], HasSubstr("iam:GetThing: is implemented"));
  ASSERT_EQ(report.reasons.size(), 1u);  // the stale one is dropped on rewrite
  EXPECT_EQ(report.reasons[0].operation, "CreateDelegationRequest");
}

TEST(Coverage, MissingUnknownAndDuplicateReasonsAreProblems) {
  CoverageInput input = SmallInput();
  input.reasons.pop_back();  // GetThing has no reason
  input.reasons.push_back({"iam", "NoSuchOperation", "out of scope", "x"});
  input.reasons.push_back({"iam", "CreateDelegationRequest", "out of scope", "again"});
  input.reasons.push_back({"sts", "GetThing", "maybe", "x"});
  input.implemented["iam"].insert("IrsaOnly");
  CoverageReport report = RenderCoverage(input);
  EXPECT_THAT(report.markdown, HasSubstr("| GetThing | **missing** | — |"));
  std::string all;
  for (const std::string& p : report.problems) all += p + "\n";
  EXPECT_THAT(all, HasSubstr("iam:GetThing: is neither routed nor given a reason"));
  EXPECT_THAT(all, HasSubstr("iam:NoSuchOperation: has a reason but is not an operation"));
  EXPECT_THAT(all, HasSubstr("iam:CreateDelegationRequest: has more than one reason"));
  EXPECT_THAT(all, HasSubstr("sts:GetThing: unknown status \"maybe\""));
  EXPECT_THAT(all, HasSubstr("iam:IrsaOnly: is routed but not an operation of the model"));
  EXPECT_EQ(report.problems.size(), 5u);
}

TEST(Coverage, ReasonsTableRoundTrips) {
  const std::string text =
      "# header\n# second\n\niam\tGetThing\tnot yet implemented\tlater, maybe\n# inner\n";
  auto parsed = ParseCoverageReasons(text);
  ASSERT_TRUE(parsed.ok());
  ASSERT_EQ(parsed->size(), 1u);
  EXPECT_EQ((*parsed)[0].reason, "later, maybe");
  EXPECT_EQ(CoverageReasonsHeader(text), "# header\n# second\n");
  EXPECT_EQ(RenderCoverageReasons("# h\n", *parsed),
            "# h\niam\tGetThing\tnot yet implemented\tlater, maybe\n");
  auto bad = ParseCoverageReasons("iam\tGetThing\tnot yet implemented\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.error().message(), HasSubstr("line 1"));
}

}  // namespace
}  // namespace irsa::protocol
