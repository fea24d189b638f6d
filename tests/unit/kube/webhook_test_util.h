// Shared fixtures for the webhook tests.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>

#include <boost/json.hpp>

#include "base/error.h"
#include "kube/service_account_info.h"

namespace irsa::kube::testing {

// An in-memory ServiceAccountLookup that counts calls and can be told to fail.
class FakeLookup : public ServiceAccountLookup {
 public:
  void Put(const std::string& ns, const std::string& name,
           std::map<std::string, std::string> annotations) {
    accounts_[{ns, name}] = ServiceAccountInfo{ns, name, std::move(annotations)};
  }
  void Remove(const std::string& ns, const std::string& name) { accounts_.erase({ns, name}); }
  void FailWith(std::optional<Error> error) { error_ = std::move(error); }
  int calls() const { return calls_; }

  Result<std::optional<ServiceAccountInfo>> Get(const std::string& ns,
                                                const std::string& name) override {
    ++calls_;
    if (error_) return *error_;
    auto it = accounts_.find({ns, name});
    if (it == accounts_.end()) return std::optional<ServiceAccountInfo>();
    return std::optional<ServiceAccountInfo>(it->second);
  }

 private:
  std::map<std::pair<std::string, std::string>, ServiceAccountInfo> accounts_;
  std::optional<Error> error_;
  int calls_ = 0;
};

inline boost::json::object ParseObject(std::string_view text) {
  return boost::json::parse(text).as_object();
}

}  // namespace irsa::kube::testing
