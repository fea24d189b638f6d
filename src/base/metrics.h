// Metrics: counters, gauges and fixed-bucket histograms with label sets, rendered in the
// Prometheus text exposition format (version 0.0.4).
//
//   auto& requests = metrics::DefaultRegistry().CounterFamily(
//       "irsa_requests_total", "Requests served.", {"service", "action", "code"});
//   requests.WithLabels({"sts", "AssumeRoleWithWebIdentity", "200"}).Inc();
//
//   metrics::Gauge& open = registry.GetGauge("irsa_open_connections", "Open connections.");
//   open.Add(1);
//
// Ownership and lifetime: a Registry owns its families and a family owns its series; every
// reference handed out stays valid for the lifetime of the Registry. DefaultRegistry() lives
// for the whole process.
//
// Thread-safety: everything is safe to call concurrently. Counter/Gauge/Histogram updates are
// lock-free (relaxed atomics). Registering a family takes the registry lock; WithLabels takes a
// short per-shard lock (cache the returned reference where the label values are fixed).
// Rendering takes the locks briefly while copying the series list, never while formatting
// values; a render concurrent with updates sees each value atomically, not the set as a whole.
//
// Names must match [a-zA-Z_:][a-zA-Z0-9_:]* and label names [a-zA-Z_][a-zA-Z0-9_]*; both are
// programmer-supplied constants (a violation asserts). Label values are arbitrary bytes and are
// escaped on output. Each family holds at most `max_series` label combinations (default
// 10,000); further combinations share one overflow series whose label values are all
// "__overflow__", so untrusted label values cannot grow memory without bound.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace irsa::metrics {

// A monotonically increasing count.
class Counter {
 public:
  void Inc(uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  uint64_t Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> value_{0};
};

// A value that goes up and down.
class Gauge {
 public:
  void Set(double v) { value_.store(v, std::memory_order_relaxed); }
  void Add(double delta) { value_.fetch_add(delta, std::memory_order_relaxed); }
  void Inc() { Add(1); }
  void Dec() { Add(-1); }
  double Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

// Default histogram buckets for latencies, in seconds: 0.25 ms .. 10 s.
std::span<const double> LatencyBuckets();

// Counts observations into fixed buckets (upper bounds, inclusive; +Inf is implicit).
class Histogram {
 public:
  // `bounds` must be strictly increasing and finite; it is copied.
  explicit Histogram(std::span<const double> bounds);
  Histogram(const Histogram&) = delete;
  Histogram& operator=(const Histogram&) = delete;

  void Observe(double value);

  struct Snapshot {
    std::vector<double> bounds;        // upper bounds, without +Inf
    std::vector<uint64_t> cumulative;  // bounds.size() + 1 entries; the last is the +Inf bucket
    double sum = 0;
    uint64_t count = 0;  // equals cumulative.back()
  };
  Snapshot Read() const;

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> counts_;  // bounds_.size() + 1, non-cumulative
  std::atomic<double> sum_{0};
};

namespace internal {

enum class Kind { kCounter, kGauge, kHistogram };

// Type-erased family: the part the registry stores and renders.
class FamilyBase {
 public:
  FamilyBase(std::string name, std::string help, Kind kind, std::vector<std::string> labels,
             size_t max_series);
  virtual ~FamilyBase();
  FamilyBase(const FamilyBase&) = delete;
  FamilyBase& operator=(const FamilyBase&) = delete;

  const std::string& name() const { return name_; }
  Kind kind() const { return kind_; }
  const std::vector<std::string>& label_names() const { return label_names_; }
  void Render(std::string& out) const;

 protected:
  struct Series {
    std::vector<std::string> values;
    virtual ~Series() = default;
  };
  // Returns the series for `values` (size must equal label_names().size()), creating it with
  // NewSeries() on first use.
  Series& Find(std::span<const std::string_view> values);
  virtual std::unique_ptr<Series> NewSeries() const = 0;
  virtual void RenderSeries(const Series& s, std::string& out) const = 0;
  // Appends `name_suffix{labels[,extra_name="extra_value"]} `.
  void AppendSample(std::string& out, std::string_view suffix, const Series& s,
                    std::string_view extra_name = {}, std::string_view extra_value = {}) const;

 private:
  struct Shard;
  static constexpr size_t kShards = 8;

  std::string name_;
  std::string help_;
  Kind kind_;
  std::vector<std::string> label_names_;
  size_t max_series_;
  std::atomic<size_t> series_count_{0};
  std::unique_ptr<Shard[]> shards_;
};

}  // namespace internal

// A family of metrics of type M sharing a name and label names, one series per combination
// of label values. M is Counter, Gauge or Histogram.
template <typename M>
class Family final : public internal::FamilyBase {
 public:
  // Values positionally match the label names; a wrong count asserts.
  M& WithLabels(std::initializer_list<std::string_view> values) {
    return WithLabels(std::span<const std::string_view>(values.begin(), values.size()));
  }
  M& WithLabels(std::span<const std::string_view> values);

  // Internal: use Registry to create families.
  Family(std::string name, std::string help, std::vector<std::string> labels, size_t max_series,
         std::vector<double> bounds);

 private:
  struct TypedSeries;
  std::unique_ptr<Series> NewSeries() const override;
  void RenderSeries(const Series& s, std::string& out) const override;
  std::vector<double> bounds_;  // histograms only
};

extern template class Family<Counter>;
extern template class Family<Gauge>;
extern template class Family<Histogram>;

class Registry {
 public:
  static constexpr size_t kDefaultMaxSeries = 10000;

  Registry();
  ~Registry();
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  // Families. Registering an existing name with the same kind and label names (and, for
  // histograms, bounds) returns the existing family; a mismatch is a programming error and
  // asserts (release builds return a detached family that is never rendered).
  Family<Counter>& CounterFamily(std::string_view name, std::string_view help,
                                 std::initializer_list<std::string_view> labels,
                                 size_t max_series = kDefaultMaxSeries);
  Family<Gauge>& GaugeFamily(std::string_view name, std::string_view help,
                             std::initializer_list<std::string_view> labels,
                             size_t max_series = kDefaultMaxSeries);
  Family<Histogram>& HistogramFamily(std::string_view name, std::string_view help,
                                     std::initializer_list<std::string_view> labels,
                                     std::span<const double> bounds = LatencyBuckets(),
                                     size_t max_series = kDefaultMaxSeries);

  // Unlabelled metrics (a family without labels and its single series).
  Counter& GetCounter(std::string_view name, std::string_view help);
  Gauge& GetGauge(std::string_view name, std::string_view help);
  Histogram& GetHistogram(std::string_view name, std::string_view help,
                          std::span<const double> bounds = LatencyBuckets());

  // Prometheus text format, families in registration order, series sorted by label values.
  std::string Render() const;
  void RenderTo(std::string& out) const;

 private:
  internal::FamilyBase* Register(std::unique_ptr<internal::FamilyBase> family,
                                 std::span<const double> bounds);

  mutable std::mutex mu_;
  std::vector<std::unique_ptr<internal::FamilyBase>> families_;
  std::vector<std::vector<double>> histogram_bounds_;  // parallel to families_ (empty if none)
  std::vector<std::unique_ptr<internal::FamilyBase>> detached_;
};

// The process-wide registry; never destroyed.
Registry& DefaultRegistry();

// Escapes a label value for the text format: backslash, double quote and newline.
void AppendEscapedLabelValue(std::string& out, std::string_view value);
// Formats a sample value: integers without a fraction, "+Inf", "-Inf", "NaN", otherwise the
// shortest round-trip representation.
void AppendValue(std::string& out, double value);

}  // namespace irsa::metrics
