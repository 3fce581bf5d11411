#include "policy/retry_budget.h"

#include <gtest/gtest.h>

namespace readygate::policy {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

int acquire(RetryBudget& b, SteadyTime now, int n) {
  int got = 0;
  for (int i = 0; i < n; ++i) got += b.try_acquire_retry(now) ? 1 : 0;
  return got;
}

TEST(RetryBudget, LetsRetriesThroughAtLowVolumeUpToTheFloor) {
  FakeClock clock;
  RetryBudget b;  // floor: 10/s * 10 s = 100 retries per window
  for (int i = 0; i < 5; ++i) b.record_request(clock.now());
  EXPECT_EQ(b.allowed_in_window(clock.now()), 100.0);
  EXPECT_EQ(acquire(b, clock.now(), 100), 100);
  EXPECT_FALSE(b.try_acquire_retry(clock.now()));
  EXPECT_EQ(b.rejected(), 1u);
  EXPECT_EQ(b.retries_in_window(clock.now()), 100.0);
  EXPECT_EQ(b.requests_in_window(clock.now()), 5.0);
}

TEST(RetryBudget, AllowsTenPercentOfRequestsAtHighVolume) {
  FakeClock clock;
  RetryBudget b;
  for (int i = 0; i < 3000; ++i) b.record_request(clock.now());
  EXPECT_EQ(b.allowed_in_window(clock.now()), 300.0);
  EXPECT_EQ(acquire(b, clock.now(), 400), 300);
  EXPECT_EQ(b.rejected(), 100u);
}

TEST(RetryBudget, HoldsRetriesToTenPercentPlusTheFloorUnderTotalFailure) {
  // 100 requests/s for 60 fake seconds, every attempt failing, each request
  // asking for 2 retries (3 attempts).
  FakeClock clock;
  RetryBudget b;
  int requests = 0, acquired = 0;
  for (int tick = 0; tick < 6000; ++tick) {
    b.record_request(clock.now());
    ++requests;
    acquired += acquire(b, clock.now(), 2);
    ASSERT_LE(b.retries_in_window(clock.now()), b.allowed_in_window(clock.now()));
    clock.advance(milliseconds(10));
  }
  const double floor = 10.0 * 10;
  EXPECT_LE(acquired, 0.1 * requests + floor);
  // Window of 1 s buckets: 100 retries go out in the first second of each
  // 10 s stretch, then the budget is spent until that second leaves the window.
  EXPECT_EQ(acquired, 600);
  EXPECT_EQ(b.rejected(), static_cast<uint64_t>(2 * requests - acquired));
}

TEST(RetryBudget, FreesItsBudgetOnceTheWindowHasPassed) {
  FakeClock clock;
  BudgetConfig c;
  c.min_retries_per_second = 1;  // floor: 10 per window
  RetryBudget b(c);
  b.record_request(clock.now());
  EXPECT_EQ(acquire(b, clock.now(), 10), 10);
  clock.advance(seconds(9));
  EXPECT_FALSE(b.try_acquire_retry(clock.now()));
  EXPECT_EQ(b.requests_in_window(clock.now()), 1.0);
  clock.advance(seconds(1));
  EXPECT_EQ(b.requests_in_window(clock.now()), 0.0);
  EXPECT_EQ(b.retries_in_window(clock.now()), 0.0);
  EXPECT_TRUE(b.try_acquire_retry(clock.now()));
}

TEST(RetryBudget, RefusesEveryRetryWithAZeroFloorAndNoRequests) {
  FakeClock clock;
  BudgetConfig c;
  c.min_retries_per_second = 0;
  RetryBudget b(c);
  EXPECT_FALSE(b.try_acquire_retry(clock.now()));
  for (int i = 0; i < 10; ++i) b.record_request(clock.now());
  EXPECT_TRUE(b.try_acquire_retry(clock.now()));
  EXPECT_FALSE(b.try_acquire_retry(clock.now()));
}

TEST(RetryBudget, AcceptsTheDefaultsAndNamesTheFirstBadField) {
  EXPECT_EQ(validate(BudgetConfig{}), "");
  BudgetConfig c;
  c.window = seconds(0);
  EXPECT_EQ(validate(c), "window: must be 1 s to 3600 s");
  c = BudgetConfig{};
  c.ratio = -1;
  EXPECT_EQ(validate(c), "ratio: must be 0 to 10");
}


TEST(RetryBudget, PeerCountsJoinTheDecisionAndTheFloorIsTheFleets) {
  FakeClock clock;
  RetryBudget b({.ratio = 0.1, .window = std::chrono::seconds(10), .min_retries_per_second = 1});
  for (int i = 0; i < 100; ++i) b.record_request(clock.now());
  // Alone: max(0.1 * 100, 1 * 10) = 10 retries.
  EXPECT_DOUBLE_EQ(b.allowed_in_window(clock.now()), 10);
  // Peers saw 400 requests and already used 48 retries: max(0.1 * 500, 10) = 50, 48 used.
  b.set_peer_counts(400, 48);
  EXPECT_DOUBLE_EQ(b.requests_in_window(clock.now()), 500);
  EXPECT_TRUE(b.try_acquire_retry(clock.now()));
  EXPECT_TRUE(b.try_acquire_retry(clock.now()));
  EXPECT_FALSE(b.try_acquire_retry(clock.now()));
  EXPECT_EQ(b.retries_granted(), 2u);
  EXPECT_EQ(b.requests_recorded(), 100u);
  EXPECT_EQ(b.rejected(), 1u);
}

TEST(RetryBudget, NegativePeerCountsAreTreatedAsZero) {
  FakeClock clock;
  RetryBudget b({.ratio = 0.1, .window = std::chrono::seconds(10), .min_retries_per_second = 0});
  b.set_peer_counts(-5, -5);
  EXPECT_DOUBLE_EQ(b.requests_in_window(clock.now()), 0);
  EXPECT_DOUBLE_EQ(b.retries_in_window(clock.now()), 0);
}

}  // namespace
}  // namespace readygate::policy
