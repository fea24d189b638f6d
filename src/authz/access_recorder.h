// The last time each IAM user and role was allowed to use each service and action, for IAM's
// service-last-accessed reports (GenerateServiceLastAccessedDetails). Fed by the Authorizer with
// every allowed decision of a user, a role session (counted for its role) or a federated user
// (counted for the IAM user that called GetFederationToken); the account root is not an IAM
// entity and is not recorded.
//
// In memory only, per node, since the node started: recording costs one lock and, for a pair
// seen before, no allocation — never a store write per request.
//
// Thread-safety: Record and Uses may be called concurrently from any thread.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include "authz/caller.h"
#include "base/clock.h"

namespace irsa::authz {

struct AccessUse {
  SystemTime at{};
  std::string region;
};

struct ServiceUse {
  AccessUse last;
  std::map<std::string, AccessUse, std::less<>> actions;  // action name (as authorized) -> use
};

// Service namespace (lower case, "s3") -> its use.
using EntityUses = std::map<std::string, ServiceUse, std::less<>>;

class AccessRecorder {
 public:
  // Records that `caller` was allowed `action` ("s3:GetObject") at `at` in `region`.
  void Record(const Caller& caller, std::string_view action, std::string_view region,
              SystemTime at);
  // The recorded uses of the user or role `entity_arn` (empty if none).
  EntityUses Uses(const std::string& entity_arn) const;
  // Forgets everything (the test-suite reset endpoint).
  void Clear();
  // The ARN uses are recorded under for `caller` (empty for the root and anonymous callers).
  static std::string_view EntityOf(const Caller& caller);

 private:
  mutable std::mutex mu_;
  std::map<std::string, EntityUses, std::less<>> uses_;  // entity ARN -> uses
};

}  // namespace irsa::authz
