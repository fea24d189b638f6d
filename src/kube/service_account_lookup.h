// CachingServiceAccountLookup: a TTL cache in front of a live ServiceAccountLookup.
//
//   * A hit younger than its TTL is answered from memory (positive_ttl for found accounts,
//     negative_ttl for "not found").
//   * A miss or an expired entry asks the live lookup and stores its answer. This fixes the
//     upstream webhook's informer race (a pod created right after its ServiceAccount was not
//     mutated): the first pod of a new ServiceAccount always gets a live lookup.
//   * Negative answers are cached only briefly (default 2 s), so a ServiceAccount created right
//     after a miss is found once negative_ttl has passed.
//   * Errors from the live lookup are never cached. If an expired positive entry exists, it is
//     served instead of the error ("stale if error", at most stale_if_error_ttl past expiry).
//   * At most max_entries entries; when full, expired entries are evicted first, then the entry
//     closest to expiry.
//
// Time comes from the injected Clock (monotonic time), so tests use FakeClock.
//
// Thread-safety: Get, Invalidate, Clear and size may be called concurrently from any number of
// threads. The internal mutex is not held while the live lookup runs, so concurrent misses for
// the same key may each call the live lookup (the last answer wins); the live lookup must
// therefore itself be thread-safe. `live` and `clock` must outlive this object.
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

#include "base/clock.h"
#include "kube/service_account_info.h"

namespace irsa::kube {

struct ServiceAccountCacheOptions {
  std::chrono::nanoseconds positive_ttl = std::chrono::seconds(60);
  std::chrono::nanoseconds negative_ttl = std::chrono::seconds(2);
  std::chrono::nanoseconds stale_if_error_ttl = std::chrono::minutes(10);
  size_t max_entries = 10000;
};

class CachingServiceAccountLookup final : public ServiceAccountLookup {
 public:
  CachingServiceAccountLookup(ServiceAccountLookup& live, const Clock& clock,
                              ServiceAccountCacheOptions options = {});

  Result<std::optional<ServiceAccountInfo>> Get(const std::string& ns,
                                                const std::string& name) override;

  // Drops one entry (e.g. on a watch event for that ServiceAccount) / every entry.
  void Invalidate(const std::string& ns, const std::string& name);
  void Clear();
  size_t size() const;

 private:
  struct Entry {
    std::optional<ServiceAccountInfo> value;
    MonoTime expires;
  };
  using Key = std::pair<std::string, std::string>;

  void StoreLocked(const Key& key, Entry entry);

  ServiceAccountLookup& live_;
  const Clock& clock_;
  const ServiceAccountCacheOptions options_;
  mutable std::mutex mu_;
  std::map<Key, Entry> entries_;  // guarded by mu_
};

}  // namespace irsa::kube
