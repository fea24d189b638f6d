#include "kube/service_account_lookup.h"

#include <algorithm>
#include <iterator>

namespace irsa::kube {
namespace {

ServiceAccountCacheOptions WithSaneBounds(ServiceAccountCacheOptions options) {
  options.max_entries = std::max<size_t>(options.max_entries, 1);
  return options;
}

}  // namespace

CachingServiceAccountLookup::CachingServiceAccountLookup(ServiceAccountLookup& live,
                                                         const Clock& clock,
                                                         ServiceAccountCacheOptions options)
    : live_(live), clock_(clock), options_(WithSaneBounds(options)) {}

Result<std::optional<ServiceAccountInfo>> CachingServiceAccountLookup::Get(
    const std::string& ns, const std::string& name) {
  Key key(ns, name);
  std::optional<ServiceAccountInfo> stale;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = entries_.find(key);
    if (it != entries_.end()) {
      const MonoTime now = clock_.Monotonic();
      if (now < it->second.expires) return it->second.value;
      if (it->second.value.has_value() && now < it->second.expires + options_.stale_if_error_ttl) {
        stale = it->second.value;
      }
    }
  }

  Result<std::optional<ServiceAccountInfo>> fresh = live_.Get(ns, name);
  if (!fresh.ok()) {
    if (stale.has_value()) return stale;
    return fresh.error();
  }

  const auto ttl = fresh->has_value() ? options_.positive_ttl : options_.negative_ttl;
  std::lock_guard<std::mutex> lock(mu_);
  StoreLocked(key, Entry{*fresh, clock_.Monotonic() + ttl});
  return *fresh;
}

void CachingServiceAccountLookup::StoreLocked(const Key& key, Entry entry) {
  auto it = entries_.find(key);
  if (it != entries_.end()) {
    it->second = std::move(entry);
    return;
  }
  if (entries_.size() >= options_.max_entries) {
    // Expired entries that can no longer serve as stale answers go first.
    const MonoTime now = clock_.Monotonic();
    std::erase_if(entries_, [&](const auto& kv) {
      const Entry& e = kv.second;
      return now >= e.expires &&
             (!e.value.has_value() || now >= e.expires + options_.stale_if_error_ttl);
    });
    if (entries_.size() >= options_.max_entries) {
      auto victim = std::min_element(
          entries_.begin(), entries_.end(),
          [](const auto& a, const auto& b) { return a.second.expires < b.second.expires; });
      entries_.erase(victim);
    }
  }
  entries_.emplace(key, std::move(entry));
}

void CachingServiceAccountLookup::Invalidate(const std::string& ns, const std::string& name) {
  std::lock_guard<std::mutex> lock(mu_);
  entries_.erase(Key(ns, name));
}

void CachingServiceAccountLookup::Clear() {
  std::lock_guard<std::mutex> lock(mu_);
  entries_.clear();
}

size_t CachingServiceAccountLookup::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return entries_.size();
}

}  // namespace irsa::kube
