#include "base/metrics.h"

#include <algorithm>
#include <array>
#include <cassert>
#include <charconv>
#include <cmath>
#include <functional>
#include <unordered_map>

namespace irsa::metrics {
namespace {

constexpr std::array<double, 15> kLatencyBuckets = {
    0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

constexpr std::string_view kOverflowValue = "__overflow__";

[[maybe_unused]] bool ValidName(std::string_view name, bool allow_colon) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
              (allow_colon && c == ':') || (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

// Injective encoding of a label value tuple: each value prefixed by its length.
void EncodeKey(std::string& key, std::span<const std::string_view> values) {
  key.clear();
  for (std::string_view v : values) {
    uint32_t n = static_cast<uint32_t>(v.size());
    key.append(reinterpret_cast<const char*>(&n), sizeof n);
    key.append(v);
  }
}

void AppendHelp(std::string& out, std::string_view help) {
  for (char c : help) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
}

std::string_view KindName(internal::Kind k) {
  switch (k) {
    case internal::Kind::kCounter:
      return "counter";
    case internal::Kind::kGauge:
      return "gauge";
    case internal::Kind::kHistogram:
      return "histogram";
  }
  return "untyped";
}

void AppendUint(std::string& out, uint64_t v) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  (void)ec;
  out.append(buf, end);
}

}  // namespace

std::span<const double> LatencyBuckets() { return kLatencyBuckets; }

void AppendEscapedLabelValue(std::string& out, std::string_view value) {
  for (char c : value) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '"':
        out += "\\\"";
        break;
      case '\n':
        out += "\\n";
        break;
      default:
        out += c;
    }
  }
}

void AppendValue(std::string& out, double value) {
  if (std::isnan(value)) {
    out += "NaN";
    return;
  }
  if (std::isinf(value)) {
    out += value > 0 ? "+Inf" : "-Inf";
    return;
  }
  if (value == std::trunc(value) && std::fabs(value) < 1e15) {
    char buf[24];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, static_cast<int64_t>(value));
    (void)ec;
    out.append(buf, end);
    return;
  }
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  (void)ec;
  out.append(buf, end);
}

// ---- Histogram ----

Histogram::Histogram(std::span<const double> bounds)
    : bounds_(bounds.begin(), bounds.end()), counts_(new std::atomic<uint64_t>[bounds.size() + 1]) {
  for (size_t i = 0; i < bounds_.size(); ++i) {
    assert(std::isfinite(bounds_[i]));
    assert(i == 0 || bounds_[i - 1] < bounds_[i]);
  }
  for (size_t i = 0; i <= bounds_.size(); ++i) counts_[i].store(0, std::memory_order_relaxed);
}

void Histogram::Observe(double value) {
  size_t i = 0;
  // Linear scan: bucket lists are short and the common (small) values are found first.
  while (i < bounds_.size() && !(value <= bounds_[i])) ++i;
  counts_[i].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(value, std::memory_order_relaxed);
}

Histogram::Snapshot Histogram::Read() const {
  Snapshot s;
  s.bounds = bounds_;
  s.cumulative.resize(bounds_.size() + 1);
  uint64_t running = 0;
  for (size_t i = 0; i <= bounds_.size(); ++i) {
    running += counts_[i].load(std::memory_order_relaxed);
    s.cumulative[i] = running;
  }
  s.count = running;
  s.sum = sum_.load(std::memory_order_relaxed);
  return s;
}

// ---- FamilyBase ----

namespace internal {

struct FamilyBase::Shard {
  std::mutex mu;
  std::unordered_map<std::string, std::unique_ptr<Series>> series;
};

FamilyBase::FamilyBase(std::string name, std::string help, Kind kind,
                       std::vector<std::string> labels, size_t max_series)
    : name_(std::move(name)),
      help_(std::move(help)),
      kind_(kind),
      label_names_(std::move(labels)),
      max_series_(max_series == 0 ? 1 : max_series),
      shards_(new Shard[kShards]) {
  assert(ValidName(name_, /*allow_colon=*/true));
  for (const auto& l : label_names_) {
    assert(ValidName(l, /*allow_colon=*/false));
    assert(l != "le" || kind_ != Kind::kHistogram);
    (void)l;
  }
}

FamilyBase::~FamilyBase() = default;

FamilyBase::Series& FamilyBase::Find(std::span<const std::string_view> values) {
  assert(values.size() == label_names_.size());
  thread_local std::string key;
  EncodeKey(key, values);
  Shard& shard = shards_[std::hash<std::string>{}(key) % kShards];
  {
    std::lock_guard lock(shard.mu);
    auto it = shard.series.find(key);
    if (it != shard.series.end()) return *it->second;
    if (series_count_.load(std::memory_order_relaxed) < max_series_) {
      series_count_.fetch_add(1, std::memory_order_relaxed);
      std::unique_ptr<Series> s = NewSeries();
      s->values.assign(values.begin(), values.end());
      Series& ref = *s;
      shard.series.emplace(key, std::move(s));
      return ref;
    }
  }
  // Over the cap: everything new shares the overflow series (which may exceed the cap by one).
  std::vector<std::string_view> overflow(values.size(), kOverflowValue);
  EncodeKey(key, overflow);
  Shard& oshard = shards_[std::hash<std::string>{}(key) % kShards];
  std::lock_guard lock(oshard.mu);
  auto it = oshard.series.find(key);
  if (it != oshard.series.end()) return *it->second;
  std::unique_ptr<Series> s = NewSeries();
  s->values.assign(overflow.begin(), overflow.end());
  Series& ref = *s;
  oshard.series.emplace(key, std::move(s));
  return ref;
}

void FamilyBase::AppendSample(std::string& out, std::string_view suffix, const Series& s,
                              std::string_view extra_name, std::string_view extra_value) const {
  out += name_;
  out += suffix;
  if (!label_names_.empty() || !extra_name.empty()) {
    out += '{';
    bool first = true;
    for (size_t i = 0; i < label_names_.size(); ++i) {
      if (!first) out += ',';
      first = false;
      out += label_names_[i];
      out += "=\"";
      AppendEscapedLabelValue(out, s.values[i]);
      out += '"';
    }
    if (!extra_name.empty()) {
      if (!first) out += ',';
      out += extra_name;
      out += "=\"";
      AppendEscapedLabelValue(out, extra_value);
      out += '"';
    }
    out += '}';
  }
  out += ' ';
}

void FamilyBase::Render(std::string& out) const {
  std::vector<const Series*> all;
  for (size_t i = 0; i < kShards; ++i) {
    std::lock_guard lock(shards_[i].mu);
    for (const auto& [key, s] : shards_[i].series) all.push_back(s.get());
  }
  std::sort(all.begin(), all.end(),
            [](const Series* a, const Series* b) { return a->values < b->values; });
  out += "# HELP ";
  out += name_;
  out += ' ';
  AppendHelp(out, help_);
  out += "\n# TYPE ";
  out += name_;
  out += ' ';
  out += KindName(kind_);
  out += '\n';
  for (const Series* s : all) RenderSeries(*s, out);
}

}  // namespace internal

// ---- Family<M> ----

template <typename M>
struct Family<M>::TypedSeries : internal::FamilyBase::Series {
  template <typename... Args>
  explicit TypedSeries(Args&&... args) : metric(std::forward<Args>(args)...) {}
  M metric;
};

namespace {
template <typename M>
constexpr internal::Kind KindOf() {
  if constexpr (std::is_same_v<M, Counter>) return internal::Kind::kCounter;
  if constexpr (std::is_same_v<M, Gauge>) return internal::Kind::kGauge;
  return internal::Kind::kHistogram;
}
}  // namespace

template <typename M>
Family<M>::Family(std::string name, std::string help, std::vector<std::string> labels,
                  size_t max_series, std::vector<double> bounds)
    : FamilyBase(std::move(name), std::move(help), KindOf<M>(), std::move(labels), max_series),
      bounds_(std::move(bounds)) {}

template <typename M>
M& Family<M>::WithLabels(std::span<const std::string_view> values) {
  return static_cast<TypedSeries&>(Find(values)).metric;
}

template <typename M>
std::unique_ptr<internal::FamilyBase::Series> Family<M>::NewSeries() const {
  if constexpr (std::is_same_v<M, Histogram>) {
    return std::make_unique<TypedSeries>(std::span<const double>(bounds_));
  } else {
    return std::make_unique<TypedSeries>();
  }
}

template <typename M>
void Family<M>::RenderSeries(const Series& s, std::string& out) const {
  const M& m = static_cast<const TypedSeries&>(s).metric;
  if constexpr (std::is_same_v<M, Counter>) {
    AppendSample(out, "", s);
    AppendUint(out, m.Value());
    out += '\n';
  } else if constexpr (std::is_same_v<M, Gauge>) {
    AppendSample(out, "", s);
    AppendValue(out, m.Value());
    out += '\n';
  } else {
    Histogram::Snapshot snap = m.Read();
    std::string le;
    for (size_t i = 0; i <= snap.bounds.size(); ++i) {
      le.clear();
      if (i < snap.bounds.size()) {
        AppendValue(le, snap.bounds[i]);
      } else {
        le = "+Inf";
      }
      AppendSample(out, "_bucket", s, "le", le);
      AppendUint(out, snap.cumulative[i]);
      out += '\n';
    }
    AppendSample(out, "_sum", s);
    AppendValue(out, snap.sum);
    out += '\n';
    AppendSample(out, "_count", s);
    AppendUint(out, snap.count);
    out += '\n';
  }
}

template class Family<Counter>;
template class Family<Gauge>;
template class Family<Histogram>;

// ---- Registry ----

Registry::Registry() = default;
Registry::~Registry() = default;

internal::FamilyBase* Registry::Register(std::unique_ptr<internal::FamilyBase> family,
                                         std::span<const double> bounds) {
  std::lock_guard lock(mu_);
  for (size_t i = 0; i < families_.size(); ++i) {
    internal::FamilyBase* f = families_[i].get();
    if (f->name() != family->name()) continue;
    bool same = f->kind() == family->kind() && f->label_names() == family->label_names() &&
                std::equal(histogram_bounds_[i].begin(), histogram_bounds_[i].end(), bounds.begin(),
                           bounds.end());
    if (same) return f;
    assert(false && "metric registered twice with a different kind, labels or buckets");
    detached_.push_back(std::move(family));
    return detached_.back().get();
  }
  families_.push_back(std::move(family));
  histogram_bounds_.emplace_back(bounds.begin(), bounds.end());
  return families_.back().get();
}

namespace {
std::vector<std::string> ToStrings(std::initializer_list<std::string_view> labels) {
  return std::vector<std::string>(labels.begin(), labels.end());
}
}  // namespace

Family<Counter>& Registry::CounterFamily(std::string_view name, std::string_view help,
                                         std::initializer_list<std::string_view> labels,
                                         size_t max_series) {
  auto f = std::make_unique<Family<Counter>>(std::string(name), std::string(help),
                                             ToStrings(labels), max_series, std::vector<double>());
  return static_cast<Family<Counter>&>(*Register(std::move(f), {}));
}

Family<Gauge>& Registry::GaugeFamily(std::string_view name, std::string_view help,
                                     std::initializer_list<std::string_view> labels,
                                     size_t max_series) {
  auto f = std::make_unique<Family<Gauge>>(std::string(name), std::string(help), ToStrings(labels),
                                           max_series, std::vector<double>());
  return static_cast<Family<Gauge>&>(*Register(std::move(f), {}));
}

Family<Histogram>& Registry::HistogramFamily(std::string_view name, std::string_view help,
                                             std::initializer_list<std::string_view> labels,
                                             std::span<const double> bounds, size_t max_series) {
  auto f = std::make_unique<Family<Histogram>>(std::string(name), std::string(help),
                                               ToStrings(labels), max_series,
                                               std::vector<double>(bounds.begin(), bounds.end()));
  return static_cast<Family<Histogram>&>(*Register(std::move(f), bounds));
}

Counter& Registry::GetCounter(std::string_view name, std::string_view help) {
  return CounterFamily(name, help, {}).WithLabels(std::span<const std::string_view>());
}

Gauge& Registry::GetGauge(std::string_view name, std::string_view help) {
  return GaugeFamily(name, help, {}).WithLabels(std::span<const std::string_view>());
}

Histogram& Registry::GetHistogram(std::string_view name, std::string_view help,
                                  std::span<const double> bounds) {
  return HistogramFamily(name, help, {}, bounds).WithLabels(std::span<const std::string_view>());
}

void Registry::RenderTo(std::string& out) const {
  std::vector<const internal::FamilyBase*> families;
  {
    std::lock_guard lock(mu_);
    families.reserve(families_.size());
    for (const auto& f : families_) families.push_back(f.get());
  }
  for (const auto* f : families) f->Render(out);
}

std::string Registry::Render() const {
  std::string out;
  RenderTo(out);
  return out;
}

Registry& DefaultRegistry() {
  static Registry* registry = new Registry();
  return *registry;
}

}  // namespace irsa::metrics
