// The AWS-managed policies irsa ships (arn:aws:iam::aws:policy/<path><name>), stored under the
// pseudo-account kAwsManagedAccount. They are attachable from every account, visible in
// ListPolicies (Scope AWS/All) and read-only. Documents are the real ones, abridged where AWS's
// are very long (ReadOnlyAccess, AmazonDynamoDBReadOnlyAccess: the core read actions only).
#pragma once

#include <string>
#include <vector>

#include "base/result.h"
#include "iam/service_context.h"

namespace irsa::iam {

struct AwsManagedPolicy {
  std::string name;
  std::string path;  // "/" or e.g. "/service-role/"
  std::string description;
  std::string document;
};

// The built-in set, in a fixed order.
const std::vector<AwsManagedPolicy>& AwsManagedPolicies();

// Inserts the built-in policies (version v1, default), and brings an existing one's default
// document and description up to date. Idempotent; run at server start. Policy ids are derived
// from the names, so every irsa installation reports the same ids.
Status SeedAwsManagedPolicies(const ServiceContext& ctx);

}  // namespace irsa::iam
