// Amazon Resource Names: arn:partition:service:region:account-id:resource, where the resource
// part may itself contain ':' and '/'. Parsing splits on the first five colons only.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace irsa {

struct Arn {
  std::string partition;  // "aws"
  std::string service;    // "iam", "sts", "s3", ...
  std::string region;     // empty for global services
  std::string account;    // 12 digits, "aws" for AWS-managed policies, or empty (S3)
  std::string resource;   // "role/path/name", "assumed-role/name/session", "policy/x", ...

  // Returns nullopt unless the text starts with "arn:" and has at least six fields.
  static std::optional<Arn> Parse(std::string_view text);
  std::string ToString() const;
  bool operator==(const Arn&) const = default;
};

// "arn:aws:iam::<account>:<resource>".
std::string IamArn(std::string_view account, std::string_view resource);

// True if `text` is exactly 12 ASCII digits.
bool IsAccountId(std::string_view text);

}  // namespace irsa
