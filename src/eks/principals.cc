#include "eks/principals.h"

#include <algorithm>

#include "base/error.h"
#include "base/strings.h"

namespace irsa::eks {
namespace {

bool IsDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

Result<ParsedPrincipalArn> ParsePrincipalArn(const std::string& arn) {
  auto invalid = [&](const std::string& why) {
    return errors::InvalidParameterException("The specified principalArn is invalid: " + why +
                                             " (" + arn.substr(0, 256) + ").");
  };
  // arn:aws:iam::<account>:<resource>
  std::vector<std::string_view> parts = Split(arn, ':');
  if (parts.size() < 6 || parts[0] != "arn" || parts[1] != "aws") {
    return invalid("not an ARN of the aws partition");
  }
  if (parts[2] == "sts") {
    return invalid("STS session ARNs are temporary; name the IAM role (arn:aws:iam::" +
                   std::string(parts[4]).substr(0, 12) + ":role/...) instead");
  }
  if (parts[2] != "iam" || !parts[3].empty() || parts[4].size() != 12 || !IsDigits(parts[4])) {
    return invalid("it must be an IAM user, role or account root ARN");
  }
  size_t fifth_colon = 0;
  for (int i = 0; i < 5; ++i) fifth_colon = arn.find(':', i == 0 ? 0 : fifth_colon + 1);
  const std::string resource = arn.substr(fifth_colon + 1);
  ParsedPrincipalArn out;
  out.account = std::string(parts[4]);
  if (resource == "root") {
    out.kind = "root";
    out.name = "root";
    out.path = "/";
    return out;
  }
  size_t slash = resource.find('/');
  if (slash == std::string::npos) return invalid("it must name a user or a role");
  out.kind = resource.substr(0, slash);
  if (out.kind != "user" && out.kind != "role") return invalid("it must name a user or a role");
  std::string rest = resource.substr(slash);  // "/path/name"
  size_t last = rest.rfind('/');
  out.path = rest.substr(0, last + 1);
  out.name = rest.substr(last + 1);
  if (out.name.empty() || out.name.size() > 64) return invalid("the name is empty or too long");
  if (out.kind == "role" && out.path.starts_with("/aws-service-role/")) {
    return invalid("service-linked roles cannot have access entries");
  }
  return out;
}

std::optional<PrincipalIdentity> EntryPrincipalOf(const authz::Caller& caller) {
  switch (caller.type) {
    case authz::CallerType::kRoot:
      return PrincipalIdentity{"arn:aws:iam::" + caller.account + ":root", caller.account};
    case authz::CallerType::kUser:
      return PrincipalIdentity{caller.arn, caller.user_id};
    case authz::CallerType::kAssumedRole:
      return PrincipalIdentity{caller.role_arn, caller.role_id};
    case authz::CallerType::kFederatedUser:  // EKS has no access entries for federated users
    case authz::CallerType::kAnonymous:
      break;
  }
  return std::nullopt;
}

}  // namespace irsa::eks
