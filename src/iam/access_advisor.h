// Service-last-accessed reports (IAM's access advisor): GenerateServiceLastAccessedDetails,
// GetServiceLastAccessedDetails, GetServiceLastAccessedDetailsWithEntities.
//
// A report is computed when it is generated (the job is COMPLETED at once) from the
// authz::AccessRecorder, i.e. from the node's own record of authorized calls since it started,
// and kept in memory on that node (at most kMaxJobs reports; the oldest are dropped).
//
// The report of a user, role, group or managed policy lists the services its identity policies
// (a user's with its groups'; a policy's default version) allow: those the policies name, plus
// the services irsa serves (iam, sts, s3, eks) when a statement allows every service ("*" or
// NotAction), plus any service an entity of the report used while allowed. The entities are the
// user or role itself, the group's members, or the users, roles and groups (through their
// members) the policy is attached to. For each service: the last authentication by any of them,
// who and where, and how many of them authenticated; with ACTION_LEVEL, every action used.
//
// Thread-safety: all methods may be called concurrently.
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "authz/access_recorder.h"
#include "base/result.h"
#include "iam/service_context.h"

namespace irsa::iam {

struct TrackedAction {
  std::string name;  // as authorized, e.g. "GetObject"
  std::string entity;
  SystemTime at{};
  std::string region;
};

struct ServiceReport {
  std::string service_namespace;  // "s3"
  std::string service_name;       // "Amazon S3"
  std::optional<SystemTime> last_authenticated;
  std::string last_entity;  // ARN of the user or role
  std::string last_region;
  int total_entities = 0;
  std::vector<TrackedAction> actions;  // ACTION_LEVEL only, by name
};

struct ReportEntity {
  std::string arn;
  std::string name;
  std::string type;  // "USER", "ROLE", "GROUP"
  std::string id;
  std::string path;
  std::vector<std::string> users_and_roles;  // whose use counts: itself, or a group's members
};

struct AccessReport {
  std::string job_id;  // a version-4 UUID (36 characters)
  std::string account;
  bool action_level = false;
  SystemTime created{};
  SystemTime completed{};
  std::vector<ServiceReport> services;  // by namespace
  std::vector<ReportEntity> entities;   // by ARN
  // namespace -> the last use of each entity (same order as `entities`).
  std::map<std::string, std::vector<std::optional<SystemTime>>> entity_last;
};

// The name AWS gives the service of `service_namespace` ("Amazon S3"), or the namespace.
std::string ServiceDisplayName(std::string_view service_namespace);

class AccessAdvisor {
 public:
  static constexpr size_t kMaxJobs = 10000;

  explicit AccessAdvisor(const authz::AccessRecorder& recorder) : recorder_(recorder) {}

  // The job id of the report of `arn` (user, role, group or managed policy of `account`, with
  // its path). InvalidInput "ARN <arn> is not valid."; NoSuchEntity "The entity with ARN <arn>
  // cannot be found." (for a policy: "Policy <arn> was not found.").
  Result<std::string> Generate(const ServiceContext& ctx, const std::string& account,
                               const std::string& arn, bool action_level);
  // Forgets every report (the test-suite reset endpoint).
  void Clear();
  // NoSuchEntity "No such job with the specified job id <id>." for an unknown job or another
  // account's.
  Result<std::shared_ptr<const AccessReport>> Get(const std::string& account,
                                                  const std::string& job_id) const;

 private:
  const authz::AccessRecorder& recorder_;
  mutable std::mutex mu_;
  std::map<std::string, std::shared_ptr<const AccessReport>> jobs_;
  std::vector<std::string> order_;  // job ids, oldest first
};

}  // namespace irsa::iam
