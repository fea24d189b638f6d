// Helpers shared by the policy engine tests.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "policy/context.h"
#include "policy/decision.h"
#include "policy/policy.h"

namespace irsa::policy::testing {

inline CompiledPolicyPtr MustCompile(std::string_view text, PolicyKind kind = PolicyKind::kIdentity,
                                     std::string name = "") {
  CompileOptions options;
  options.name = std::move(name);
  auto result = CompilePolicy(text, kind, options);
  EXPECT_TRUE(result.ok()) << (result.ok() ? "" : result.error().message()) << "\n" << text;
  return result.ok() ? *result : nullptr;
}

// The MalformedPolicyDocument message, or "OK".
inline std::string CompileMessage(std::string_view text, PolicyKind kind = PolicyKind::kIdentity,
                                  bool require_2012 = false) {
  CompileOptions options;
  options.require_version_2012 = require_2012;
  auto result = CompilePolicy(text, kind, options);
  if (result.ok()) return "OK";
  EXPECT_EQ(result.error().code(), "MalformedPolicyDocument");
  EXPECT_EQ(result.error().http_status(), 400);
  return result.error().message();
}

struct ContextKey {
  std::string key;
  std::vector<std::string> values;
  bool multi = false;
};

inline RequestContext MakeContext(const std::vector<ContextKey>& keys) {
  RequestContext context;
  for (const ContextKey& k : keys) {
    if (k.multi) {
      context.SetMulti(k.key, k.values);
    } else {
      for (const std::string& v : k.values) context.Add(k.key, v);
    }
  }
  return context;
}

inline Request MakeRequest(std::string action, std::string resource,
                           const std::vector<ContextKey>& keys = {}) {
  Request request;
  request.action = std::move(action);
  request.resource = std::move(resource);
  request.principal = RequestPrincipal::User("arn:aws:iam::111122223333:user/alice");
  request.context = MakeContext(keys);
  return request;
}

// An identity policy allowing s3:GetObject on * under `condition_json`.
inline std::string PolicyWithCondition(std::string_view condition_json,
                                       std::string_view version = "2012-10-17") {
  return std::string(R"({"Version":")") + std::string(version) +
         R"(","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":)" +
         std::string(condition_json) + "}}";
}

}  // namespace irsa::policy::testing
