#include "base/metrics.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

namespace irsa::metrics {
namespace {

TEST(Metrics, CounterRendersHelpTypeAndValue) {
  Registry r;
  Counter& c = r.GetCounter("irsa_things_total", "Things done.");
  c.Inc();
  c.Inc(41);
  EXPECT_EQ(c.Value(), 42u);
  EXPECT_EQ(r.Render(),
            "# HELP irsa_things_total Things done.\n"
            "# TYPE irsa_things_total counter\n"
            "irsa_things_total 42\n");
}

TEST(Metrics, LabelledCounterSeriesSortedAndEscaped) {
  Registry r;
  auto& f = r.CounterFamily("irsa_requests_total", "Requests.", {"service", "code"});
  f.WithLabels({"sts", "200"}).Inc(3);
  f.WithLabels({"iam", "403"}).Inc();
  f.WithLabels({"we\"ird\\x\ny", "500"}).Inc();
  EXPECT_EQ(&f.WithLabels({"sts", "200"}), &f.WithLabels({"sts", "200"}));
  EXPECT_EQ(r.Render(),
            "# HELP irsa_requests_total Requests.\n"
            "# TYPE irsa_requests_total counter\n"
            "irsa_requests_total{service=\"iam\",code=\"403\"} 1\n"
            "irsa_requests_total{service=\"sts\",code=\"200\"} 3\n"
            "irsa_requests_total{service=\"we\\\"ird\\\\x\\ny\",code=\"500\"} 1\n");
}

TEST(Metrics, LabelTuplesAreDistinctEvenWhenConcatenationsMatch) {
  Registry r;
  auto& f = r.CounterFamily("c_total", "h", {"a", "b"});
  f.WithLabels({"ab", "c"}).Inc();
  f.WithLabels({"a", "bc"}).Inc(2);
  EXPECT_EQ(f.WithLabels({"ab", "c"}).Value(), 1u);
  EXPECT_EQ(f.WithLabels({"a", "bc"}).Value(), 2u);
}

TEST(Metrics, HelpEscaping) {
  Registry r;
  r.GetGauge("g", "line1\nback\\slash \"quotes\" stay");
  EXPECT_EQ(r.Render(),
            "# HELP g line1\\nback\\\\slash \"quotes\" stay\n"
            "# TYPE g gauge\n"
            "g 0\n");
}

TEST(Metrics, GaugeValues) {
  Registry r;
  Gauge& g = r.GetGauge("irsa_open_connections", "Open connections.");
  g.Inc();
  g.Inc();
  g.Dec();
  EXPECT_EQ(g.Value(), 1);
  g.Set(2.5);
  EXPECT_NE(r.Render().find("irsa_open_connections 2.5\n"), std::string::npos);
  g.Set(-3);
  EXPECT_NE(r.Render().find("irsa_open_connections -3\n"), std::string::npos);
}

TEST(Metrics, ValueFormatting) {
  std::string s;
  AppendValue(s, 1e300 * 1e300);
  s += ' ';
  AppendValue(s, -1e300 * 1e300);
  s += ' ';
  AppendValue(s, 0.1);
  s += ' ';
  AppendValue(s, 12);
  EXPECT_EQ(s, "+Inf -Inf 0.1 12");
}

TEST(Metrics, HistogramBucketsAreCumulative) {
  Registry r;
  const double bounds[] = {0.01, 0.1, 1};
  auto& f = r.HistogramFamily("irsa_request_duration_seconds", "Latency.", {"service"}, bounds);
  Histogram& h = f.WithLabels({"sts"});
  h.Observe(0.005);
  h.Observe(0.01);  // upper bounds are inclusive
  h.Observe(0.5);
  h.Observe(7);
  Histogram::Snapshot snap = h.Read();
  ASSERT_EQ(snap.cumulative.size(), 4u);
  EXPECT_EQ(snap.cumulative[0], 2u);
  EXPECT_EQ(snap.cumulative[1], 2u);
  EXPECT_EQ(snap.cumulative[2], 3u);
  EXPECT_EQ(snap.cumulative[3], 4u);
  EXPECT_EQ(snap.count, 4u);
  EXPECT_DOUBLE_EQ(snap.sum, 7.515);
  std::string text = r.Render();
  EXPECT_NE(text.find("# TYPE irsa_request_duration_seconds histogram\n"), std::string::npos);
  EXPECT_NE(text.find("irsa_request_duration_seconds_bucket{service=\"sts\",le=\"0.01\"} 2\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("irsa_request_duration_seconds_bucket{service=\"sts\",le=\"1\"} 3\n"),
            std::string::npos);
  EXPECT_NE(text.find("irsa_request_duration_seconds_bucket{service=\"sts\",le=\"+Inf\"} 4\n"),
            std::string::npos);
  EXPECT_NE(text.find("irsa_request_duration_seconds_sum{service=\"sts\"} 7.515\n"),
            std::string::npos);
  EXPECT_NE(text.find("irsa_request_duration_seconds_count{service=\"sts\"} 4\n"),
            std::string::npos);
}

TEST(Metrics, UnlabelledHistogramUsesOnlyLe) {
  Registry r;
  Histogram& h = r.GetHistogram("lat_seconds", "h");
  h.Observe(0.0001);
  std::string text = r.Render();
  EXPECT_NE(text.find("lat_seconds_bucket{le=\"0.00025\"} 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("lat_seconds_count 1\n"), std::string::npos);
}

TEST(Metrics, ReRegistrationReturnsSameFamily) {
  Registry r;
  auto& a = r.CounterFamily("x_total", "h", {"k"});
  auto& b = r.CounterFamily("x_total", "other help ignored", {"k"});
  EXPECT_EQ(&a, &b);
  EXPECT_EQ(&r.GetCounter("y_total", "h"), &r.GetCounter("y_total", "h"));
}

TEST(Metrics, RegistrationOrderIsRenderOrder) {
  Registry r;
  r.GetCounter("zzz_total", "z");
  r.GetCounter("aaa_total", "a");
  std::string text = r.Render();
  EXPECT_LT(text.find("zzz_total"), text.find("aaa_total"));
}

TEST(Metrics, SeriesCapCollapsesIntoOverflow) {
  Registry r;
  auto& f = r.CounterFamily("capped_total", "h", {"action"}, /*max_series=*/2);
  f.WithLabels({"a"}).Inc();
  f.WithLabels({"b"}).Inc();
  f.WithLabels({"c"}).Inc();
  f.WithLabels({"d"}).Inc();
  f.WithLabels({"a"}).Inc();
  EXPECT_EQ(f.WithLabels({"a"}).Value(), 2u);
  EXPECT_EQ(&f.WithLabels({"c"}), &f.WithLabels({"zzz"}));
  std::string text = r.Render();
  EXPECT_NE(text.find("capped_total{action=\"__overflow__\"} 2\n"), std::string::npos) << text;
  EXPECT_EQ(text.find("action=\"c\""), std::string::npos);
}

TEST(Metrics, ConcurrentIncrementsAreNotLost) {
  Registry r;
  auto& f = r.CounterFamily("par_total", "h", {"t"});
  Histogram& h = r.GetHistogram("par_seconds", "h");
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10000; ++i) {
        f.WithLabels({"shared"}).Inc();
        f.WithLabels({t % 2 ? "odd" : "even"}).Inc();
        h.Observe(0.001);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(f.WithLabels({"shared"}).Value(), 40000u);
  EXPECT_EQ(f.WithLabels({"odd"}).Value() + f.WithLabels({"even"}).Value(), 40000u);
  EXPECT_EQ(h.Read().count, 40000u);
}

TEST(Metrics, DefaultRegistryIsASingleton) { EXPECT_EQ(&DefaultRegistry(), &DefaultRegistry()); }

}  // namespace
}  // namespace irsa::metrics
