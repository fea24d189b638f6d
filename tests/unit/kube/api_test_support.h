// Test doubles and helpers for the KubeApi tests (test-only).
#pragma once

#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <boost/json.hpp>

#include "base/clock.h"
#include "base/random.h"
#include "kube/api.h"
#include "unit/iam/memory_store.h"

namespace irsa::kube::testing {

inline constexpr char kCluster[] = "prod";
inline constexpr char kAccount[] = "111122223333";
inline constexpr char kToken[] = "good-token";
inline constexpr char kReadOnlyToken[] = "read-only-token";

// Mints "token:<ns>:<sa>:<aud,...>:<exp>" and remembers every spec.
class FakeMinter final : public TokenMinter {
 public:
  explicit FakeMinter(const Clock& clock) : clock_(clock) {}
  Result<MintedToken> Mint(const TokenRequestSpec& spec) override {
    std::lock_guard<std::mutex> lock(mu_);
    specs.push_back(spec);
    std::string audiences;
    for (const auto& a : spec.audiences) audiences += (audiences.empty() ? "" : ",") + a;
    return MintedToken{"token:" + spec.namespace_name + ":" + spec.service_account_name + ":" +
                           audiences + ":" + std::to_string(spec.expiration_seconds),
                       clock_.Now() + std::chrono::seconds(spec.expiration_seconds)};
  }
  std::vector<TokenRequestSpec> specs;

 private:
  const Clock& clock_;
  std::mutex mu_;
};

// One cluster "prod" in account 111122223333. kToken is "admin" with every verb on everything;
// kReadOnlyToken is "viewer", who may only get/list resources (writes are forbidden); anything
// else is unauthenticated. The grants are decided by KubeApi (kube/k8s_rbac.h), as for real
// subjects.
class FakeDirectory final : public ClusterDirectory {
 public:
  Result<std::optional<ClusterInfo>> FindCluster(const std::string& cluster) override {
    if (cluster != kCluster) return std::optional<ClusterInfo>();
    return std::optional<ClusterInfo>(ClusterInfo{kCluster, kAccount});
  }
  Result<Authentication> Authenticate(const ClusterInfo&, std::string_view token, bool) override {
    Authentication out;
    auto subject = [](std::string name, std::vector<std::string> verbs) {
      Subject s;
      s.user.username = std::move(name);
      s.user.groups = {"system:authenticated"};
      PolicyRule resources;
      resources.verbs = verbs;
      resources.api_groups = {"*"};
      resources.resources = {"*"};
      PolicyRule paths;
      paths.verbs = std::move(verbs);
      paths.non_resource_urls = {"*"};
      s.grants.push_back(Grant{"test grant", {resources, paths}, {}});
      return s;
    };
    if (token == kToken) {
      out.subject = subject("admin", {"*"});
    } else if (token.empty() && allow_anonymous) {
      out.subject = subject("system:anonymous", {"*"});
    } else if (token == kReadOnlyToken) {
      out.subject = subject("viewer", {"get", "list"});
    } else {
      out.failure = "unknown test token";
    }
    return out;
  }
  // kubectl sends bearer tokens only over TLS; the plain-HTTP kubectl test allows anonymous.
  bool allow_anonymous = false;
};

// The system under test with its collaborators.
struct ApiFixture {
  ApiFixture()
      : clock(FakeClock::AtUnixSeconds(1790000000)),
        random(42),
        minter(clock),
        api(store, clock, random, minter, directory) {}

  HttpRequest Request(std::string method, std::string target, std::string body = "",
                      std::string content_type = "application/json", std::string token = kToken) {
    HttpRequest r;
    r.method = std::move(method);
    r.target = target;
    size_t q = target.find('?');
    r.path = target.substr(0, q);
    r.query = q == std::string::npos ? "" : target.substr(q + 1);
    if (!token.empty()) r.headers.emplace_back("authorization", "Bearer " + token);
    if (!body.empty()) r.headers.emplace_back("content-type", content_type);
    r.headers.emplace_back("accept", "application/json");
    r.headers.emplace_back("host", "irsa.example:8443");
    r.body = std::move(body);
    return r;
  }
  HttpResponse Send(std::string method, std::string target, std::string body = "",
                    std::string content_type = "application/json") {
    return api.Handle(kCluster, Request(std::move(method), std::move(target), std::move(body),
                                        std::move(content_type)));
  }
  // Parses a response body (empty object if not JSON).
  static boost::json::object Json(const HttpResponse& r) {
    boost::system::error_code ec;
    boost::json::value v = boost::json::parse(r.body, ec);
    if (ec || !v.is_object()) return {};
    return v.as_object();
  }
  static std::string Header(const HttpResponse& r, const std::string& name) {
    for (const auto& [k, v] : r.headers) {
      if (k == name) return v;
    }
    return {};
  }

  irsa::iam::testing::MemoryStore store;
  FakeClock clock;
  SeededRandom random;
  FakeMinter minter;
  FakeDirectory directory;
  KubeApi api;
};

}  // namespace irsa::kube::testing
