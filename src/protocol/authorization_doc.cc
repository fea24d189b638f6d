#include "protocol/authorization_doc.h"

#include <algorithm>

namespace irsa::protocol {
namespace {

std::string_view AuthorizationText(Authorization authorization) {
  switch (authorization) {
    case Authorization::kTable:
      return "identity policies, permissions boundary, session policies";
    case Authorization::kAlwaysAllowed:
      return "always allowed: no policy applies, not even an explicit deny (as on AWS)";
    case Authorization::kTrustPolicy:
      return "the role's trust policy (with the caller's identity policies for AssumeRole)";
  }
  return "";
}

std::string_view ServiceTitle(std::string_view service) {
  if (service == "iam") return "IAM (Query protocol, `/`)";
  if (service == "sts") return "STS (Query protocol, `/`)";
  if (service == "eks") return "EKS (REST-JSON, `/clusters`)";
  if (service == "s3") return "S3 (REST-XML)";
  return service;
}

}  // namespace

std::vector<OperationDoc> DocumentQueryTable(std::string_view service,
                                             const QueryActionTable& table) {
  std::vector<OperationDoc> out;
  for (const auto& [name, entry] : table) {
    OperationDoc doc;
    doc.service = std::string(service);
    doc.operation = name;
    doc.action = entry.iam_action;
    doc.resource = std::string(entry.resource.type);
    if (entry.resource.resource_tags)
      doc.keys.push_back("`aws:ResourceTag/${TagKey}` (the resource's tags)");
    if (entry.resource.iam_resource_tags) {
      doc.keys.push_back("`iam:ResourceTag/${TagKey}` (the resource's tags)");
    }
    for (const KeySpec& spec : entry.keys) {
      std::string keys;
      for (std::string_view key : spec.keys) {
        if (!keys.empty()) keys += ", ";
        keys += "`" + std::string(key) + "`";
      }
      doc.keys.push_back(keys + " (" + std::string(spec.source) + ")");
    }
    doc.authorization = std::string(AuthorizationText(entry.authorization));
    if (entry.allow_unsigned) {
      doc.authorization += entry.iam_action == "sts:AssumeRoleWithSAML"
                               ? "; unsigned: the SAML assertion is the proof"
                               : "; unsigned: the web identity token is the proof";
    }
    out.push_back(std::move(doc));
  }
  std::sort(out.begin(), out.end(),
            [](const OperationDoc& a, const OperationDoc& b) { return a.operation < b.operation; });
  return out;
}

std::string RenderAuthorizationMarkdown(const std::vector<OperationDoc>& operations) {
  std::string out =
      "# Authorization: every operation, its action, resource and condition keys\n"
      "\n"
      "<!-- Generated from the operation tables by tests/unit/protocol/"
      "authorization_table_test.cc;\n"
      "     regenerate with IRSA_UPDATE_DOCS=1 build/release/unit_protocol "
      "--gtest_filter='AuthorizationTable.*'. -->\n"
      "\n"
      "irsa authorizes every request in one layer, before the operation runs: the operation's\n"
      "entry in the table below names the IAM action, the resource (an ARN built from the\n"
      "request's parameters, with the real path, tags and permissions boundary of an existing\n"
      "entity) and the condition keys the request supplies. The policy engine then decides with\n"
      "the caller's identity policies, permissions boundary and session policies (and, where the\n"
      "resource has one, its resource-based policy), plus the global keys every request carries:\n"
      "`aws:PrincipalArn`, `aws:PrincipalAccount`, `aws:PrincipalType`, `aws:userid`,\n"
      "`aws:username` (users), `aws:PrincipalTag/*`, `aws:SourceIdentity`, `aws:SourceIp`,\n"
      "`aws:SecureTransport`, `aws:CurrentTime`, `aws:EpochTime`, `aws:TokenIssueTime` and\n"
      "`aws:MultiFactorAuthPresent` (sessions; with `aws:MultiFactorAuthAge` when made with MFA),\n"
      "`aws:RequestedRegion`, `aws:UserAgent`,\n"
      "`aws:ViaAWSService` and `aws:PrincipalIsAWSService` (always `false`), and the web-identity\n"
      "keys of sessions from AssumeRoleWithWebIdentity (`<issuer>:sub`, `<issuer>:aud`,\n"
      "`aws:FederatedProvider`).\n"
      "\n"
      "`SimulatePrincipalPolicy` evaluates the same policies with the same engine; a unit test\n"
      "walks this table and checks, for every operation and every key, that a Deny conditioned\n"
      "on the key bites, that the matching Allow allows, and that the simulator agrees.\n";
  std::string service;
  for (const OperationDoc& op : operations) {
    if (op.service != service) {
      service = op.service;
      out += "\n## " + std::string(ServiceTitle(service)) + "\n\n";
      out += "| operation | action | resource | condition keys | decided by |\n";
      out += "| --- | --- | --- | --- | --- |\n";
    }
    std::string keys;
    for (const std::string& key : op.keys) {
      if (!keys.empty()) keys += "<br>";
      keys += key;
    }
    out += "| " + op.operation + " | `" + op.action + "` | " + op.resource + " | " +
           (keys.empty() ? "—" : keys) + " | " + op.authorization + " |\n";
  }
  return out;
}

}  // namespace irsa::protocol
