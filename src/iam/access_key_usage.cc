#include "iam/access_key_usage.h"

#include <algorithm>
#include <vector>

namespace irsa::iam {
namespace {

struct Pending {
  std::string key_id;
  KeyUse use;
  uint64_t seq = 0;
};

std::optional<KeyUse> Later(std::optional<KeyUse> a, std::optional<KeyUse> b) {
  if (!a) return b;
  if (!b) return a;
  return b->when > a->when ? b : a;
}

std::optional<KeyUse> StoredUse(const AccessKeyRecord& key) {
  if (!key.last_used) return std::nullopt;
  return KeyUse{*key.last_used, key.last_used_service, key.last_used_region};
}

}  // namespace

AccessKeyUsage::AccessKeyUsage(store::Store& store, const Clock& clock, Options options)
    : store_(store), clock_(clock), options_(options), last_flush_(clock.Monotonic()) {
  if (options_.background) thread_ = std::thread([this] { Run(); });
}

AccessKeyUsage::~AccessKeyUsage() {
  if (thread_.joinable()) {
    {
      std::lock_guard<std::mutex> lock(thread_mu_);
      stop_ = true;
    }
    wake_.notify_all();
    thread_.join();
  }
  (void)Flush();
}

void AccessKeyUsage::Run() {
  std::unique_lock<std::mutex> lock(thread_mu_);
  while (!stop_) {
    wake_.wait_for(lock, std::chrono::seconds(1));
    if (stop_) break;
    lock.unlock();
    (void)FlushIfDue();  // a failure keeps the uses pending; the next tick retries
    lock.lock();
  }
}

AccessKeyUsage::Shard& AccessKeyUsage::ShardOf(std::string_view key_id) const {
  return shards_[Hash{}(key_id) % kShards];
}

void AccessKeyUsage::Record(std::string_view key_id, std::string_view service,
                            std::string_view region) {
  const SystemTime now = clock_.Now();
  Shard& shard = ShardOf(key_id);
  std::lock_guard<std::mutex> lock(shard.mu);
  auto it = shard.entries.find(key_id);
  if (it == shard.entries.end()) it = shard.entries.emplace(std::string(key_id), Entry{}).first;
  Entry& entry = it->second;
  entry.use.when = now;
  if (entry.use.service != service) entry.use.service.assign(service);
  if (entry.use.region != region) entry.use.region.assign(region);
  entry.dirty = true;
  ++entry.seq;
}

std::optional<KeyUse> AccessKeyUsage::Unflushed(std::string_view key_id) const {
  Shard& shard = ShardOf(key_id);
  std::lock_guard<std::mutex> lock(shard.mu);
  auto it = shard.entries.find(key_id);
  if (it == shard.entries.end()) return std::nullopt;
  return it->second.use;
}

size_t AccessKeyUsage::pending() const {
  size_t n = 0;
  for (Shard& shard : shards_) {
    std::lock_guard<std::mutex> lock(shard.mu);
    for (const auto& [id, entry] : shard.entries) n += entry.dirty ? 1 : 0;
  }
  return n;
}

Result<size_t> AccessKeyUsage::FlushIfDue() {
  {
    std::lock_guard<std::mutex> lock(flush_mu_);
    if (clock_.Monotonic() - last_flush_ < options_.flush_interval) return size_t{0};
  }
  return Flush();
}

Result<size_t> AccessKeyUsage::Flush() {
  std::lock_guard<std::mutex> flush_lock(flush_mu_);
  last_flush_ = clock_.Monotonic();
  std::vector<Pending> batch;
  for (Shard& shard : shards_) {
    std::lock_guard<std::mutex> lock(shard.mu);
    for (auto& [id, entry] : shard.entries) {
      if (!entry.dirty) continue;
      batch.push_back({id, entry.use, entry.seq});
      entry.dirty = false;
    }
  }
  size_t written = 0;
  Status status = OkStatus();
  for (size_t begin = 0; begin < batch.size() && status.ok();
       begin += options_.keys_per_transaction) {
    const size_t end = std::min(batch.size(), begin + options_.keys_per_transaction);
    size_t in_tx = 0;
    status = store_.Write([&](store::StoreTx& tx) -> Status {
      in_tx = 0;
      for (size_t i = begin; i < end; ++i) {
        const Pending& p = batch[i];
        IRSA_TRY(std::vector<store::Row> rows, tx.FindByKey(kind::kAccessKey, p.key_id));
        for (store::Row& row : rows) {  // a deleted key has no row: nothing is recreated
          IRSA_TRY(AccessKeyRecord key, AccessKeyFromBody(row.body));
          if (key.last_used && *key.last_used >= p.use.when) continue;
          key.last_used = p.use.when;
          key.last_used_service = p.use.service;
          key.last_used_region = p.use.region;
          row.body = ToBody(key);  // the sealed secret column is kept as read
          IRSA_RETURN_IF_ERROR(tx.Upsert(row));
          ++in_tx;
        }
      }
      return OkStatus();
    });
    if (status.ok()) written += in_tx;
  }
  // Forget what was written and not used again since; keep the rest pending.
  for (const Pending& p : batch) {
    Shard& shard = ShardOf(p.key_id);
    std::lock_guard<std::mutex> lock(shard.mu);
    auto it = shard.entries.find(p.key_id);
    if (it == shard.entries.end() || it->second.seq != p.seq) continue;
    if (status.ok()) {
      shard.entries.erase(it);
    } else {
      it->second.dirty = true;
    }
  }
  if (!status.ok()) return status.error();
  return written;
}

void AccessKeyUsage::Forget() {
  std::lock_guard<std::mutex> flush_lock(flush_mu_);
  for (Shard& shard : shards_) {
    std::lock_guard<std::mutex> lock(shard.mu);
    shard.entries.clear();
  }
}

Result<AccessKeyLastUse> GetAccessKeyLastUsed(const ServiceContext& ctx, const std::string& account,
                                              const std::string& key_id) {
  std::optional<AccessKeyRecord> found;
  IRSA_RETURN_IF_ERROR(ctx.store.Read([&](store::StoreTx& tx) -> Status {
    IRSA_TRY(std::vector<store::Row> rows, tx.FindByKey(kind::kAccessKey, key_id));
    for (const store::Row& row : rows) {
      if (row.id.account != account) continue;
      IRSA_TRY(AccessKeyRecord key, AccessKeyFromBody(row.body));
      found = std::move(key);
    }
    return OkStatus();
  }));
  if (!found) {
    return errors::NoSuchEntity("The Access Key with id " + key_id + " cannot be found.");
  }
  return AccessKeyLastUse{found->user_name, LastUseOf(ctx, *found)};
}

std::optional<KeyUse> LastUseOf(const ServiceContext& ctx, const AccessKeyRecord& key) {
  std::optional<KeyUse> stored = StoredUse(key);
  if (ctx.key_usage == nullptr) return stored;
  return Later(stored, ctx.key_usage->Unflushed(key.id));
}

}  // namespace irsa::iam
