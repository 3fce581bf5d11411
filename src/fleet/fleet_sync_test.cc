#include "fleet/fleet_sync.h"

#include <gtest/gtest.h>

#include "fleet/redis_server_for_test.h"

namespace readygate::fleet {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using policy::BreakerState;

std::string unique_prefix() {
  static int n = 0;
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  return std::string("rgtest:") + info->name() + ":" + std::to_string(++n);
}

// One gateway replica's view: its clock, one upstream budget, one route breaker.
struct Replica {
  explicit Replica(const std::string& prefix, policy::BudgetConfig bc = budget_config(),
                   policy::BreakerConfig kc = {})
      : budget(bc), breaker(kc), sync(options(prefix), clock) {
    sync.add_budget("http://127.0.0.1:18001", mu, budget);
    sync.add_breaker("primary", mu, breaker);
  }
  static policy::BudgetConfig budget_config() {
    return {.ratio = 0.1, .window = seconds(10), .min_retries_per_second = 0};
  }
  static FleetOptions options(const std::string& prefix) {
    std::string why;
    RedisServerForTest* s = RedisServerForTest::instance(why);
    EXPECT_NE(s, nullptr) << why;
    FleetOptions o;
    if (s) o.endpoint = s->endpoint();
    o.key_prefix = prefix;
    return o;
  }
  void requests(int n) {
    for (int i = 0; i < n; ++i) budget.record_request(clock.now());
  }
  int retries_granted_now() {
    int n = 0;
    while (budget.try_acquire_retry(clock.now())) ++n;
    return n;
  }
  void synced() {
    auto r = sync.sync_once();
    ASSERT_TRUE(r) << r.error();
  }

  FakeClock clock;
  std::mutex mu;
  policy::RetryBudget budget;
  policy::CircuitBreaker breaker;
  FleetSync sync;
};

TEST(FleetSync, EachReplicaSeesTheFleetsRequestsOnce) {
  const auto prefix = unique_prefix();
  Replica a(prefix), b(prefix);
  a.requests(300);
  b.requests(100);
  a.synced();
  b.synced();
  a.synced();
  EXPECT_DOUBLE_EQ(a.budget.requests_in_window(a.clock.now()), 400);
  EXPECT_DOUBLE_EQ(b.budget.requests_in_window(b.clock.now()), 400);
  // A sync with nothing new does not count anything twice.
  a.synced();
  b.synced();
  EXPECT_DOUBLE_EQ(a.budget.requests_in_window(a.clock.now()), 400);
  EXPECT_DOUBLE_EQ(b.budget.requests_in_window(b.clock.now()), 400);
}

TEST(FleetSync, RetriesAreBudgetedAcrossTheFleet) {
  const auto prefix = unique_prefix();
  Replica a(prefix), b(prefix);
  a.requests(100);
  b.requests(100);
  a.synced();
  b.synced();
  a.synced();
  // 10% of the fleet's 200 requests: A may take all 20 ...
  EXPECT_EQ(a.retries_granted_now(), 20);
  a.synced();
  b.synced();
  // ... and then B gets none, where alone it would have had 10.
  EXPECT_EQ(b.retries_granted_now(), 0);
  EXPECT_DOUBLE_EQ(b.budget.retries_in_window(b.clock.now()), 20);
}

TEST(FleetSync, CountsLeaveTheWindowAsTimePasses) {
  const auto prefix = unique_prefix();
  Replica a(prefix), b(prefix);
  b.requests(50);
  b.synced();
  a.synced();
  EXPECT_DOUBLE_EQ(a.budget.requests_in_window(a.clock.now()), 50);
  a.clock.advance(seconds(9));
  a.synced();
  EXPECT_DOUBLE_EQ(a.budget.requests_in_window(a.clock.now()), 50);
  a.clock.advance(seconds(1));
  a.synced();
  EXPECT_DOUBLE_EQ(a.budget.requests_in_window(a.clock.now()), 0);
}

TEST(FleetSync, AnOpenBreakerHoldsItsPeersOpenUntilItsTime) {
  const auto prefix = unique_prefix();
  Replica a(prefix), b(prefix);
  for (int i = 0; i < 5; ++i) a.breaker.on_failure(a.clock.now());
  ASSERT_EQ(a.breaker.state(a.clock.now()), BreakerState::kOpen);
  a.clock.advance(seconds(10));  // A opened 10 s ago: 20 s left
  b.clock.advance(seconds(10));
  a.synced();
  b.synced();
  EXPECT_EQ(b.breaker.state(b.clock.now()), BreakerState::kOpen);
  EXPECT_TRUE(b.breaker.held_by_peer());
  EXPECT_EQ(b.breaker.open_until(), b.clock.now() + seconds(20));
  EXPECT_FALSE(b.breaker.allow(b.clock.now()));
  b.clock.advance(seconds(20));
  EXPECT_TRUE(b.breaker.allow(b.clock.now()));  // B probes on its own
  EXPECT_EQ(b.breaker.state(b.clock.now()), BreakerState::kHalfOpen);
}

TEST(FleetSync, TheLongerOfTwoHoldsWins) {
  const auto prefix = unique_prefix();
  policy::BreakerConfig long_open;
  long_open.open_base = milliseconds(60000);
  Replica a(prefix, Replica::budget_config(), long_open), c(prefix), b(prefix);
  for (int i = 0; i < 5; ++i) a.breaker.on_failure(a.clock.now());
  for (int i = 0; i < 5; ++i) c.breaker.on_failure(c.clock.now());
  a.synced();  // publishes +60 s
  c.synced();  // +30 s must not shorten it; C adopts A's hold
  b.synced();
  EXPECT_EQ(b.breaker.open_until(), b.clock.now() + seconds(60));
  EXPECT_EQ(c.breaker.open_until(), c.clock.now() + seconds(60));
  EXPECT_TRUE(c.breaker.held_by_peer());
}

TEST(FleetSync, WithoutRedisEachReplicaDecidesAloneAndSaysSo) {
  FleetOptions o;
  o.endpoint.socket = "/nonexistent/readygate.sock";
  o.timeout = milliseconds(50);
  FakeClock clock;
  std::mutex mu;
  policy::RetryBudget budget(Replica::budget_config());
  FleetSync sync(o, clock);
  sync.add_budget("u", mu, budget);
  for (int i = 0; i < 100; ++i) budget.record_request(clock.now());
  auto r = sync.sync_once();
  ASSERT_FALSE(r);
  EXPECT_FALSE(sync.healthy());
  EXPECT_EQ(sync.failures(), 1u);
  int granted = 0;
  while (budget.try_acquire_retry(clock.now())) ++granted;
  EXPECT_EQ(granted, 10);
}

}  // namespace
}  // namespace readygate::fleet
