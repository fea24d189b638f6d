// The last use of long-term access keys (GetAccessKeyLastUsed, the credential report), recorded
// cheaply: authentication calls Record() for every request signed with an AKIA… key, which only
// updates this node's in-memory table (one sharded lock, no store access). The table is flushed
// to the keys' rows in one store transaction at most every `flush_interval` (FlushIfDue), by a
// background thread when `background` is set, and on destruction. Reads merge the unflushed
// in-memory value with the stored one, so they are exact on the node that served the request and
// at most one flush interval stale on the others.
//
// A flush never moves a stored time backwards (nodes flush independently) and never recreates a
// deleted key. Uses still unflushed when the process is killed are lost (at most one interval).
//
// Thread-safety: every method may be called concurrently from any thread.
#pragma once

#include <array>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>

#include "base/clock.h"
#include "base/result.h"
#include "iam/records.h"
#include "iam/service_context.h"
#include "store/store.h"

namespace irsa::iam {

struct KeyUse {
  SystemTime when{};
  std::string service;  // the SigV4 scope service: "iam", "sts", "s3", …
  std::string region;   // the SigV4 scope region
};

class AccessKeyUsage {
 public:
  struct Options {
    std::chrono::seconds flush_interval{60};
    size_t keys_per_transaction = 500;
    bool background = false;  // start a thread that calls FlushIfDue about every second
  };

  // `store` and `clock` must outlive this object.
  AccessKeyUsage(store::Store& store, const Clock& clock, Options options);
  ~AccessKeyUsage();  // stops the thread, then flushes what is pending
  AccessKeyUsage(const AccessKeyUsage&) = delete;
  AccessKeyUsage& operator=(const AccessKeyUsage&) = delete;

  // Records a use of `key_id` now. Never touches the store.
  void Record(std::string_view key_id, std::string_view service, std::string_view region);
  // This node's latest recorded use not yet known to be flushed; nullopt if none.
  std::optional<KeyUse> Unflushed(std::string_view key_id) const;
  // Number of keys with unflushed uses.
  size_t pending() const;

  // Flushes when `flush_interval` has passed since the last flush (or construction); returns the
  // number of keys written (0 when not due).
  Result<size_t> FlushIfDue();
  // Flushes now. On a store failure the uses stay pending for the next flush.
  Result<size_t> Flush();
  // Drops every unflushed use (the store was reset: the keys they belong to are gone).
  void Forget();

 private:
  struct Entry {
    KeyUse use;
    uint64_t seq = 0;  // bumped by every Record
    bool dirty = false;
  };
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  struct Shard {
    mutable std::mutex mu;
    std::unordered_map<std::string, Entry, Hash, std::equal_to<>> entries;
  };
  static constexpr size_t kShards = 16;
  Shard& ShardOf(std::string_view key_id) const;
  void Run();

  store::Store& store_;
  const Clock& clock_;
  const Options options_;
  mutable std::array<Shard, kShards> shards_;

  std::mutex flush_mu_;  // one flush at a time
  MonoTime last_flush_;  // guarded by flush_mu_

  std::mutex thread_mu_;
  std::condition_variable wake_;
  bool stop_ = false;  // guarded by thread_mu_
  std::thread thread_;
};

// The last use of access key `key_id` of `account`: the stored value merged with this node's
// unflushed one (ctx.key_usage). NoSuchEntity "The Access Key with id <id> cannot be found." when
// the account has no such key.
struct AccessKeyLastUse {
  std::string user_name;  // empty for the root user's keys
  std::optional<KeyUse> last_used;
};
Result<AccessKeyLastUse> GetAccessKeyLastUsed(const ServiceContext& ctx, const std::string& account,
                                              const std::string& key_id);
// The same merge for a key record already read (e.g. by a credential report).
std::optional<KeyUse> LastUseOf(const ServiceContext& ctx, const AccessKeyRecord& key);

}  // namespace irsa::iam
