// The documentation of the one authorization table: every operation irsa serves, the IAM action
// it is authorized as, the resource type it names and the condition keys it supplies, rendered as
// docs/authorization.md. A unit test renders the live tables and fails when the committed file
// differs (IRSA_UPDATE_DOCS=1 rewrites it), so the document cannot drift from the code.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "protocol/query_api.h"

namespace irsa::protocol {

struct OperationDoc {
  std::string service;    // "iam", "sts", "eks", "s3"
  std::string operation;  // "AttachRolePolicy"
  std::string action;     // "iam:AttachRolePolicy"
  std::string resource;   // SAR resource type, "*" when the action has no resource-level permission
  std::vector<std::string> keys;  // the condition keys the operation supplies, with their sources
  std::string authorization;      // how it is decided (one sentence)
};

// The Query tables' operations, sorted by operation name.
std::vector<OperationDoc> DocumentQueryTable(std::string_view service,
                                             const QueryActionTable& table);

// The Markdown document for `operations` (grouped by service in the order given).
std::string RenderAuthorizationMarkdown(const std::vector<OperationDoc>& operations);

}  // namespace irsa::protocol
