// The cost GetAccessKeyLastUsed adds to every request a long-term key authenticates: one
// AccessKeyUsage::Record (an in-memory update under a sharded lock; the store is written only by
// the periodic flush), alone and from several threads at once on a few hot keys.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "base/clock.h"
#include "iam/access_key_usage.h"
#include "store/store.h"

namespace irsa::iam {
namespace {

// Record never reaches the store; the flush at exit writes nowhere.
class NullStore final : public store::Store {
 public:
  Status Read(const std::function<Status(store::StoreTx&)>&) override { return OkStatus(); }
  Status Write(const std::function<Status(store::StoreTx&)>&) override { return OkStatus(); }
  Status Reset() override { return OkStatus(); }
  int64_t Generation() override { return 0; }
};

AccessKeyUsage& Usage() {
  static NullStore store;
  static AccessKeyUsage usage(store, SystemClock::Instance(), {});
  return usage;
}

void BM_RecordKeyUse(benchmark::State& state) {
  AccessKeyUsage& usage = Usage();
  const std::vector<std::string> keys = {"AKIAIOSFODNN7EXAMPLE", "AKIAI44QH8DHBEXAMPLE",
                                         "AKIAJ2Q3W4E5R6EXAMPL", "AKIAZZZZZZZZZZEXAMPL"};
  size_t i = static_cast<size_t>(state.thread_index());
  for (auto _ : state) {
    usage.Record(keys[i++ % keys.size()], "sts", "us-east-1");
  }
}
BENCHMARK(BM_RecordKeyUse)->Threads(1)->Threads(4);

}  // namespace
}  // namespace irsa::iam

BENCHMARK_MAIN();
