#include "metrics/metric.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace readygate::metrics {
namespace {

TEST(Counter, IgnoresNegativeZeroAndNaNAmounts) {
  Counter c;
  c.inc();
  c.inc(2.5);
  c.inc(-1);
  c.inc(0);
  c.inc(std::nan(""));
  EXPECT_EQ(c.value(), 3.5);
}

TEST(Gauge, SetThenAddMovesBothWays) {
  Gauge g;
  g.set(10);
  g.add(-3);
  g.inc();
  g.dec(2);
  EXPECT_EQ(g.value(), 6);
}

TEST(Histogram, ValueEqualToABoundCountsInThatBucket) {
  Histogram h({1, 2});
  h.observe(1);
  const auto s = h.snapshot();
  EXPECT_EQ(s.cumulative, (std::vector<uint64_t>{1, 1, 1}));
}

TEST(Histogram, BucketsAreCumulativeAndCountMatchesInf) {
  Histogram h({0.25, 0.5, 1});
  for (double v : {0.125, 0.375, 0.375, 7.0}) h.observe(v);
  const auto s = h.snapshot();
  EXPECT_EQ(s.cumulative, (std::vector<uint64_t>{1, 3, 3, 4}));
  EXPECT_EQ(s.count, 4u);
  EXPECT_EQ(s.sum, 7.875);
}

TEST(Histogram, IgnoresNaNObservations) {
  Histogram h({1});
  h.observe(std::nan(""));
  EXPECT_EQ(h.snapshot().count, 0u);
  EXPECT_EQ(h.snapshot().sum, 0);
}

TEST(Histogram, BoundsAreSortedDeduplicatedAndFinite) {
  Histogram h({5, 1, 5, std::numeric_limits<double>::infinity(), 2});
  EXPECT_EQ(h.bounds(), (std::vector<double>{1, 2, 5}));
}

TEST(LatencyBuckets, RiseFromAHundredMicrosecondsToAMinute) {
  const auto b = latency_buckets_seconds();
  ASSERT_GE(b.size(), 10u);
  EXPECT_EQ(b.front(), 0.0001);
  EXPECT_EQ(b.back(), 60);
  for (size_t i = 1; i < b.size(); ++i) {
    EXPECT_GT(b[i], b[i - 1]);
    EXPECT_LE(b[i] / b[i - 1], 2.5 + 1e-9);
  }
}

}  // namespace
}  // namespace readygate::metrics
