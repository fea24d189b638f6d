// The IAM principals EKS access entries name: an IAM user or role ARN (with its path), or an
// account root, plus the principal's unique id; and how a caller maps onto one.
//
// Stateless; safe from any thread.
#pragma once

#include <optional>
#include <string>

#include "authz/caller.h"
#include "base/result.h"

namespace irsa::eks {

// The principal an access entry names, or a request authenticated as.
struct PrincipalIdentity {
  std::string arn;  // arn:aws:iam::<account>:user/<path>name | role/<path>name | root
  std::string id;   // AIDA… (user), AROA… (role), the account id (root)
};

// The parts of a principal ARN.
struct ParsedPrincipalArn {
  std::string kind;  // "user", "role", "root"
  std::string account;
  std::string path;  // "/" or "/a/b/"
  std::string name;  // "root" for the root
};

// InvalidParameterException "The specified principalArn is invalid: …" for anything else than an
// IAM user, role or root ARN of the aws partition: STS session ARNs, service-linked roles
// (role/aws-service-role/…), other services' ARNs.
Result<ParsedPrincipalArn> ParsePrincipalArn(const std::string& arn);

// The identity an access entry names for this caller: the user (kUser), the role of a role
// session (kAssumedRole: role ARN with path and role id), or the account root (kRoot); nullopt
// for anonymous callers.
std::optional<PrincipalIdentity> EntryPrincipalOf(const authz::Caller& caller);

}  // namespace irsa::eks
