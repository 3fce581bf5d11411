#include "metrics/registry.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace readygate::metrics {
namespace {

bool contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

TEST(Registry, RendersASmallRegistryExactly) {
  Registry reg;
  reg.counter("rg_requests_total", "Client requests.", {{"route", "a"}, {"code", "200"}}).inc(3);
  reg.counter("rg_requests_total", "Client requests.", {{"route", "b"}, {"code", "500"}}).inc();
  reg.gauge("rg_inflight", "Requests in flight.").set(2);
  auto& h = reg.histogram("rg_latency_seconds", "Latency.", {0.25, 0.5, 1}, {{"route", "a"}});
  for (double v : {0.125, 0.375, 0.375, 7.0}) h.observe(v);

  EXPECT_EQ(reg.render(),
            "# HELP rg_inflight Requests in flight.\n"
            "# TYPE rg_inflight gauge\n"
            "rg_inflight 2\n"
            "# HELP rg_latency_seconds Latency.\n"
            "# TYPE rg_latency_seconds histogram\n"
            "rg_latency_seconds_bucket{route=\"a\",le=\"0.25\"} 1\n"
            "rg_latency_seconds_bucket{route=\"a\",le=\"0.5\"} 3\n"
            "rg_latency_seconds_bucket{route=\"a\",le=\"1\"} 3\n"
            "rg_latency_seconds_bucket{route=\"a\",le=\"+Inf\"} 4\n"
            "rg_latency_seconds_sum{route=\"a\"} 7.875\n"
            "rg_latency_seconds_count{route=\"a\"} 4\n"
            "# HELP rg_requests_total Client requests.\n"
            "# TYPE rg_requests_total counter\n"
            "rg_requests_total{code=\"200\",route=\"a\"} 3\n"
            "rg_requests_total{code=\"500\",route=\"b\"} 1\n");
}

TEST(Registry, EmptyRegistryRendersNothing) { EXPECT_EQ(Registry().render(), ""); }

TEST(Registry, SameNameAndLabelsInAnyOrderIsOneSeries) {
  Registry reg;
  Counter& a = reg.counter("c_total", "h", {{"x", "1"}, {"y", "2"}});
  Counter& b = reg.counter("c_total", "h", {{"y", "2"}, {"x", "1"}});
  EXPECT_EQ(&a, &b);
}

TEST(Registry, ReferencesStayValidAsTheRegistryGrows) {
  Registry reg;
  Counter& first = reg.counter("c_total", "h", {{"i", "0"}});
  for (int i = 1; i < 500; ++i) reg.counter("c_total", "h", {{"i", std::to_string(i)}});
  for (int i = 0; i < 100; ++i) reg.gauge("g" + std::to_string(i), "h");
  first.inc();
  EXPECT_EQ(&first, &reg.counter("c_total", "h", {{"i", "0"}}));
  EXPECT_EQ(reg.counter("c_total", "h", {{"i", "0"}}).value(), 1);
}

TEST(Registry, ConcurrentIncrementsFromFourThreadsSumExactly) {
  Registry reg;
  constexpr int kPerThread = 100000;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      Counter& c = reg.counter("hits_total", "h", {{"route", "a"}});
      Histogram& h = reg.histogram("lat_seconds", "h", {1});
      for (int i = 0; i < kPerThread; ++i) {
        c.inc();
        h.observe(0.5);
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(reg.counter("hits_total", "h", {{"route", "a"}}).value(), 4.0 * kPerThread);
  EXPECT_EQ(reg.histogram("lat_seconds", "h", {1}).snapshot().count, 4u * kPerThread);
  EXPECT_EQ(reg.histogram("lat_seconds", "h", {1}).snapshot().sum, 0.5 * 4 * kPerThread);
}

TEST(Registry, RenderWhileCreatingSeriesIsSafe) {
  Registry reg;
  std::thread writer([&] {
    for (int i = 0; i < 2000; ++i) reg.counter("c_total", "h", {{"i", std::to_string(i)}}).inc();
  });
  for (int i = 0; i < 50; ++i) (void)reg.render();
  writer.join();
  EXPECT_TRUE(contains(reg.render(), "c_total{i=\"999\"} 1\n"));
}

TEST(Registry, EscapesLabelValuesAndHelp) {
  Registry reg;
  reg.gauge("g", "line one\nback\\slash", {{"path", "C:\\dir \"x\"\nnext"}}).set(1);
  const std::string text = reg.render();
  EXPECT_TRUE(contains(text, "# HELP g line one\\nback\\\\slash\n"));
  EXPECT_TRUE(contains(text, "g{path=\"C:\\\\dir \\\"x\\\"\\nnext\"} 1\n"));
}

TEST(Registry, RedactsCredentialLookingLabelValues) {
  Registry reg;
  reg.counter("auth_total", "h", {{"key", "sk-abcdefghijklmnop"}}).inc();
  reg.counter("auth_total", "h", {{"key", "Bearer abc.def"}}).inc();
  const std::string text = reg.render();
  EXPECT_FALSE(contains(text, "sk-abc"));
  EXPECT_FALSE(contains(text, "Bearer"));
  EXPECT_TRUE(contains(text, "auth_total{key=\"[redacted]\"} 2\n"));
}

TEST(Registry, CallerHookCannotDisableRedaction) {
  Registry reg(RegistryOptions{.label_sanitizer = [](std::string_view name, std::string_view v) {
    return name == "model" ? std::string("m:") + std::string(v) : std::string(v);
  }});
  reg.counter("c_total", "h", {{"model", "gpt"}, {"key", "sk-1234567890"}}).inc();
  const std::string text = reg.render();
  EXPECT_TRUE(contains(text, "c_total{key=\"[redacted]\",model=\"m:gpt\"} 1\n"));
}

TEST(Registry, LongAndInvalidUtf8LabelValuesAreCleaned) {
  Registry reg;
  reg.counter("c_total", "h", {{"v", std::string(1000, 'x') + "\xff"}}).inc();
  const std::string text = reg.render();
  EXPECT_TRUE(contains(text, "v=\"" + std::string(kMaxLabelValueBytes, 'x') + "\"}"));
}

TEST(Registry, TypeClashIsCountedAndNotRendered) {
  Registry reg;
  reg.counter("x_total", "h").inc(5);
  Gauge& clash = reg.gauge("x_total", "h");
  clash.set(99);  // still usable
  EXPECT_EQ(reg.registration_errors(), 1u);
  const std::string text = reg.render();
  EXPECT_TRUE(contains(text, "x_total 5\n"));
  EXPECT_FALSE(contains(text, "99"));
  EXPECT_TRUE(contains(text, "readygate_metrics_registration_errors_total 1\n"));
}

TEST(Registry, InvalidNamesAndReservedLabelsAreRejected) {
  Registry reg;
  reg.counter("bad-name", "h").inc();
  reg.counter("ok_total", "h", {{"__reserved", "v"}}).inc();
  reg.counter("ok_total", "h", {{"a", "1"}, {"a", "2"}}).inc();
  reg.histogram("h_seconds", "h", {1}, {{"le", "1"}}).observe(1);
  EXPECT_EQ(reg.registration_errors(), 4u);
  EXPECT_EQ(reg.render(),
            "# HELP readygate_metrics_registration_errors_total Metric registrations rejected "
            "(bad name, label or type clash).\n"
            "# TYPE readygate_metrics_registration_errors_total counter\n"
            "readygate_metrics_registration_errors_total 4\n");
}

TEST(Registry, SeriesBeyondTheLimitShareAnOverflowSeries) {
  Registry reg(RegistryOptions{.max_series_per_family = 2});
  for (std::string model : {"a", "b", "c", "d"}) reg.counter("c_total", "h", {{"m", model}}).inc();
  const std::string text = reg.render();
  EXPECT_TRUE(contains(text, "c_total{m=\"a\"} 1\n"));
  EXPECT_TRUE(contains(text, "c_total{m=\"b\"} 1\n"));
  EXPECT_TRUE(contains(text, "c_total{m=\"[overflow]\"} 2\n"));
}

TEST(Registry, FirstRegistrationFixesHelpAndBounds) {
  Registry reg;
  reg.histogram("h_seconds", "first", {1}).observe(0.5);
  reg.histogram("h_seconds", "second", {1, 2, 3}, {{"r", "x"}}).observe(0.5);
  const std::string text = reg.render();
  EXPECT_TRUE(contains(text, "# HELP h_seconds first\n"));
  EXPECT_FALSE(contains(text, "le=\"2\""));
  EXPECT_TRUE(contains(text, "h_seconds_bucket{r=\"x\",le=\"1\"} 1\n"));
}

}  // namespace
}  // namespace readygate::metrics
