// GenerationCache: the one in-memory cache of values loaded from the Store (roles with compiled
// trust policies, OIDC providers, hosted issuers, callers' compiled policies, access keys),
// validated by Store::Generation() (store.h) and bounded in size.
//
// Use:
//   int64_t ticket = 0;
//   if (std::optional<V> hit = cache.Find(key, ticket)) return *hit;   // lock + hash lookup
//   V loaded = ...read the store...;              // a transaction begun after Find returned
//   cache.Insert(key, loaded, ticket);             // published only if still current
// or cache.GetOrLoad(key, load) for the same in one call.
//
// Contract. A ticket is a store generation observed before the load begins, so the load's
// snapshot contains every write up to it (store.h: a committed Write's generation is visible only
// once its commit is). Insert() re-reads Store::Generation() and publishes the value only if no
// write has completed since the ticket — an entry read from a snapshot older than a write that
// completed before the insert is never published. All entries belong to the cache's current
// generation: a Find() or Insert() that observes a newer generation first drops every entry. So
// a lookup that starts after a write became visible on this node never sees a value read before
// that write. Consequences:
//  - SQLite: this process's writes invalidate at once; other processes sharing the file within
//    SqliteStore's external-check interval (250 ms).
//  - PostgreSQL: a write on another node invalidates once it shows in this node's Generation()
//    (LISTEN/NOTIFY, at most 1 s; postgres_store.h). Until then an entry read before it may be
//    served: that is the store's documented staleness bound, not a property of this cache.
//  - Any write drops every entry (generations do not say what changed).
// Loader errors are never cached; a Value type that represents absence (nullptr, nullopt)
// caches absence.
//
// Bounded: at most `max_entries` entries; inserting into a full cache evicts one arbitrary entry.
//
// Thread-safety: all methods may be called concurrently. Find() copies the Value out under the
// lock (use shared_ptr<const T> for anything larger than a pointer); a hit costs one
// Store::Generation() call, one mutex acquisition, one hash lookup and that copy, and allocates
// nothing. The store must outlive the cache.
#pragma once

#include <cassert>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <utility>

#include "base/result.h"
#include "store/store.h"

namespace irsa::store {

template <typename Key, typename Value, typename Hash = std::hash<Key>,
          typename Equal = std::equal_to<Key>>
class GenerationCache {
 public:
  GenerationCache(Store& store, size_t max_entries) : store_(store), max_entries_(max_entries) {
    assert(max_entries_ > 0);
  }
  GenerationCache(const GenerationCache&) = delete;
  GenerationCache& operator=(const GenerationCache&) = delete;

  // The cached value for `key`, or nullopt. Either way `ticket` receives the generation to pass
  // to Insert() for a value loaded after this call returned.
  std::optional<Value> Find(const Key& key, int64_t& ticket) {
    const int64_t observed = store_.Generation();
    std::lock_guard lock(mu_);
    Advance(observed);
    ticket = generation_;
    auto it = entries_.find(key);
    if (it == entries_.end()) return std::nullopt;
    return it->second;
  }

  // Publishes `value` for `key` if no write completed since `ticket` (from Find, taken before
  // `value` was read); returns whether it did.
  bool Insert(Key key, Value value, int64_t ticket) {
    const int64_t observed = store_.Generation();
    std::lock_guard lock(mu_);
    Advance(observed);
    // Generations only grow, so ticket <= generation_; smaller means a write completed (or
    // another caller saw one) after the load began.
    if (ticket != generation_) return false;
    auto it = entries_.find(key);
    if (it != entries_.end()) {
      it->second = std::move(value);
      return true;
    }
    if (entries_.size() >= max_entries_) entries_.erase(entries_.begin());
    entries_.emplace(std::move(key), std::move(value));
    return true;
  }

  // Find(); on a miss runs `load()` (returning Result<Value>, reading the store) and Insert()s
  // what it loaded. The loaded value is returned even if a concurrent write kept it from being
  // published (this caller's read is current as of its load). Loader errors pass through.
  template <typename Load>
  Result<Value> GetOrLoad(const Key& key, Load&& load) {
    int64_t ticket = 0;
    if (std::optional<Value> hit = Find(key, ticket)) return std::move(*hit);
    Result<Value> loaded = std::forward<Load>(load)();
    if (loaded.ok()) Insert(key, *loaded, ticket);
    return loaded;
  }

  void Clear() {
    std::lock_guard lock(mu_);
    entries_.clear();
  }
  size_t size() const {
    std::lock_guard lock(mu_);
    return entries_.size();
  }

 private:
  // Requires mu_. Moves to `observed` if it is newer, dropping every entry.
  void Advance(int64_t observed) {
    if (observed > generation_) {
      entries_.clear();
      generation_ = observed;
    }
  }

  Store& store_;
  const size_t max_entries_;
  mutable std::mutex mu_;
  int64_t generation_ = -1;                              // guarded by mu_
  std::unordered_map<Key, Value, Hash, Equal> entries_;  // guarded by mu_
};

}  // namespace irsa::store
