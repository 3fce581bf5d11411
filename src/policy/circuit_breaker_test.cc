#include "policy/circuit_breaker.h"

#include <gtest/gtest.h>

#include <utility>
#include <vector>

namespace readygate::policy {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using S = BreakerState;

void fail(CircuitBreaker& b, FakeClock& clock, int n) {
  for (int i = 0; i < n; ++i) b.on_failure(clock.now());
}

// Alternates success and failure, starting with `first_fails`.
void alternate(CircuitBreaker& b, FakeClock& clock, int calls, bool first_fails) {
  for (int i = 0; i < calls; ++i) {
    if ((i % 2 == 0) == first_fails) {
      b.on_failure(clock.now());
    } else {
      b.on_success(clock.now());
    }
  }
}

// Waits out the open period and lets `half_open_probes` probes out.
void start_probes(CircuitBreaker& b, FakeClock& clock) {
  clock.advance(b.current_open_duration());
  for (int i = 0; i < b.config().half_open_probes; ++i) ASSERT_TRUE(b.allow(clock.now()));
}

TEST(CircuitBreaker, StartsClosedAndAllowsCalls) {
  FakeClock clock;
  CircuitBreaker b;
  EXPECT_EQ(b.state(clock.now()), S::kClosed);
  EXPECT_TRUE(b.allow(clock.now()));
  EXPECT_EQ(b.times_opened(), 0u);
}

TEST(CircuitBreaker, OpensOnFiveConsecutiveFailures) {
  FakeClock clock;
  CircuitBreaker b;
  fail(b, clock, 4);
  EXPECT_EQ(b.state(clock.now()), S::kClosed);
  fail(b, clock, 1);
  EXPECT_EQ(b.state(clock.now()), S::kOpen);
  EXPECT_FALSE(b.allow(clock.now()));
  EXPECT_EQ(b.times_opened(), 1u);
}

TEST(CircuitBreaker, ASuccessResetsTheConsecutiveCount) {
  FakeClock clock;
  CircuitBreaker b;
  fail(b, clock, 4);
  b.on_success(clock.now());
  fail(b, clock, 4);
  EXPECT_EQ(b.state(clock.now()), S::kClosed);
}

TEST(CircuitBreaker, OpensWhenHalfOfTwentyCallsInTheWindowFail) {
  FakeClock clock;
  CircuitBreaker b;
  alternate(b, clock, 19, false);  // 9 failures of 19
  EXPECT_EQ(b.state(clock.now()), S::kClosed);
  b.on_failure(clock.now());  // 10 of 20
  EXPECT_EQ(b.state(clock.now()), S::kOpen);
}

TEST(CircuitBreaker, DoesNotTripOnRateBelowMinCalls) {
  FakeClock clock;
  CircuitBreaker b;
  alternate(b, clock, 19, true);  // 10 failures of 19: above 50%, too few calls
  EXPECT_EQ(b.state(clock.now()), S::kClosed);
}

TEST(CircuitBreaker, ForgetsCallsOlderThanTheWindow) {
  FakeClock clock;
  CircuitBreaker b;
  alternate(b, clock, 10, true);
  clock.advance(seconds(30));
  alternate(b, clock, 10, true);
  EXPECT_EQ(b.state(clock.now()), S::kClosed);
}

TEST(CircuitBreaker, TurnsHalfOpenAfterThirtySeconds) {
  FakeClock clock;
  CircuitBreaker b;
  fail(b, clock, 5);
  EXPECT_EQ(b.current_open_duration(), seconds(30));
  clock.advance(seconds(30) - milliseconds(1));
  EXPECT_EQ(b.state(clock.now()), S::kOpen);
  EXPECT_FALSE(b.allow(clock.now()));
  clock.advance(milliseconds(1));
  EXPECT_EQ(b.state(clock.now()), S::kHalfOpen);
  EXPECT_TRUE(b.allow(clock.now()));
}

TEST(CircuitBreaker, LetsOnlyThreeProbesOutWhileHalfOpen) {
  FakeClock clock;
  CircuitBreaker b;
  fail(b, clock, 5);
  start_probes(b, clock);
  EXPECT_FALSE(b.allow(clock.now()));
  b.on_success(clock.now());
  EXPECT_FALSE(b.allow(clock.now()));  // a probe slot is used once, not per flight
}

TEST(CircuitBreaker, ClosesAfterThreeSuccessfulProbes) {
  FakeClock clock;
  CircuitBreaker b;
  fail(b, clock, 5);
  start_probes(b, clock);
  b.on_success(clock.now());
  b.on_success(clock.now());
  EXPECT_EQ(b.state(clock.now()), S::kHalfOpen);
  b.on_success(clock.now());
  EXPECT_EQ(b.state(clock.now()), S::kClosed);
  EXPECT_TRUE(b.allow(clock.now()));
}

TEST(CircuitBreaker, AnIgnoredProbeFreesItsSlot) {
  FakeClock clock;
  CircuitBreaker b;
  fail(b, clock, 5);
  start_probes(b, clock);
  b.on_ignored(clock.now());
  EXPECT_TRUE(b.allow(clock.now()));
  EXPECT_FALSE(b.allow(clock.now()));
}

TEST(CircuitBreaker, FreesProbeSlotsThatHadNoVerdictForAMinute) {
  FakeClock clock;
  CircuitBreaker b;
  fail(b, clock, 5);
  start_probes(b, clock);
  b.on_success(clock.now());
  clock.advance(seconds(60) - milliseconds(1));
  EXPECT_FALSE(b.allow(clock.now()));
  clock.advance(milliseconds(1));
  EXPECT_TRUE(b.allow(clock.now()));
  EXPECT_TRUE(b.allow(clock.now()));
  EXPECT_FALSE(b.allow(clock.now()));  // two silent slots freed, the success kept
  b.on_success(clock.now());
  b.on_success(clock.now());
  EXPECT_EQ(b.state(clock.now()), S::kClosed);
}

TEST(CircuitBreaker, DoublesTheOpenPeriodOnEachFailedProbeUpToFiveMinutes) {
  FakeClock clock;
  CircuitBreaker b;
  fail(b, clock, 5);
  const std::vector<seconds> want = {seconds(60), seconds(120), seconds(240), seconds(300),
                                     seconds(300)};
  for (const seconds expected : want) {
    start_probes(b, clock);
    b.on_success(clock.now());
    b.on_failure(clock.now());  // any probe failure re-opens
    EXPECT_EQ(b.state(clock.now()), S::kOpen);
    EXPECT_EQ(b.current_open_duration(), expected);
    clock.advance(expected - milliseconds(1));
    EXPECT_FALSE(b.allow(clock.now()));
  }
  EXPECT_EQ(b.times_opened(), 6u);
}

TEST(CircuitBreaker, ResetsTheOpenPeriodToThirtySecondsOnceClosed) {
  FakeClock clock;
  CircuitBreaker b;
  fail(b, clock, 5);
  start_probes(b, clock);
  b.on_failure(clock.now());
  ASSERT_EQ(b.current_open_duration(), seconds(60));
  start_probes(b, clock);
  for (int i = 0; i < 3; ++i) b.on_success(clock.now());
  ASSERT_EQ(b.state(clock.now()), S::kClosed);
  EXPECT_EQ(b.current_open_duration(), seconds(30));
  fail(b, clock, 5);
  clock.advance(seconds(30));
  EXPECT_TRUE(b.allow(clock.now()));
}

TEST(CircuitBreaker, StartsAFreshCountAfterClosing) {
  FakeClock clock;
  CircuitBreaker b;
  fail(b, clock, 5);
  start_probes(b, clock);
  for (int i = 0; i < 3; ++i) b.on_success(clock.now());
  fail(b, clock, 4);
  EXPECT_EQ(b.state(clock.now()), S::kClosed);
}

TEST(CircuitBreaker, IgnoresLateResultsWhileOpen) {
  FakeClock clock;
  CircuitBreaker b;
  fail(b, clock, 5);
  for (int i = 0; i < 5; ++i) b.on_success(clock.now());
  b.on_failure(clock.now());
  EXPECT_EQ(b.state(clock.now()), S::kOpen);
  EXPECT_EQ(b.current_open_duration(), seconds(30));
  EXPECT_EQ(b.times_opened(), 1u);
}

TEST(CircuitBreaker, ReportsEachTransitionToItsHook) {
  FakeClock clock;
  CircuitBreaker b;
  std::vector<std::pair<S, S>> log;
  b.set_transition_hook([&log](S from, S to) { log.emplace_back(from, to); });
  fail(b, clock, 5);
  start_probes(b, clock);
  b.on_failure(clock.now());
  start_probes(b, clock);
  for (int i = 0; i < 3; ++i) b.on_success(clock.now());
  const std::vector<std::pair<S, S>> want = {{S::kClosed, S::kOpen},
                                             {S::kOpen, S::kHalfOpen},
                                             {S::kHalfOpen, S::kOpen},
                                             {S::kOpen, S::kHalfOpen},
                                             {S::kHalfOpen, S::kClosed}};
  EXPECT_EQ(log, want);
}

TEST(CircuitBreaker, NamesEachState) {
  EXPECT_EQ(breaker_state_name(S::kClosed), "closed");
  EXPECT_EQ(breaker_state_name(S::kOpen), "open");
  EXPECT_EQ(breaker_state_name(S::kHalfOpen), "half_open");
}

TEST(CircuitBreaker, AcceptsTheDefaultsAndNamesTheFirstBadField) {
  EXPECT_EQ(validate(BreakerConfig{}), "");
  BreakerConfig c;
  c.open_max = seconds(10);
  EXPECT_EQ(validate(c), "open_max: must be at least open_base");
  c = BreakerConfig{};
  c.half_open_probes = 0;
  EXPECT_EQ(validate(c), "half_open_probes: must be at least 1");
}


TEST(CircuitBreaker, APeerHoldOpensUntilTheGivenTimeWithoutGrowingTheOpenDuration) {
  FakeClock clock;
  CircuitBreaker b;
  std::vector<std::pair<S, S>> seen;
  b.set_transition_hook([&](S from, S to) { seen.emplace_back(from, to); });
  b.hold_open(clock.now(), clock.now() + seconds(12));
  EXPECT_EQ(b.state(clock.now()), S::kOpen);
  EXPECT_TRUE(b.held_by_peer());
  EXPECT_FALSE(b.allow(clock.now()));
  EXPECT_EQ(b.current_open_duration(), milliseconds(30000));
  clock.advance(milliseconds(11999));
  EXPECT_FALSE(b.allow(clock.now()));
  clock.advance(milliseconds(1));
  EXPECT_TRUE(b.allow(clock.now()));  // the first probe
  EXPECT_EQ(b.state(clock.now()), S::kHalfOpen);
  EXPECT_EQ(seen, (std::vector<std::pair<S, S>>{{S::kClosed, S::kOpen}, {S::kOpen, S::kHalfOpen}}));
}

TEST(CircuitBreaker, AShorterPeerHoldDoesNotShortenAnOwnOpenPeriod) {
  FakeClock clock;
  CircuitBreaker b;
  fail(b, clock, 5);  // open for 30 s
  b.hold_open(clock.now(), clock.now() + seconds(5));
  EXPECT_FALSE(b.held_by_peer());
  clock.advance(seconds(29));
  EXPECT_FALSE(b.allow(clock.now()));
  b.hold_open(clock.now(), clock.now() + seconds(10));  // longer: extends
  EXPECT_TRUE(b.held_by_peer());
  clock.advance(seconds(9));
  EXPECT_FALSE(b.allow(clock.now()));
  clock.advance(seconds(1));
  EXPECT_TRUE(b.allow(clock.now()));
}

TEST(CircuitBreaker, AHoldInThePastIsIgnored) {
  FakeClock clock;
  CircuitBreaker b;
  b.hold_open(clock.now(), clock.now());
  EXPECT_EQ(b.state(clock.now()), S::kClosed);
  EXPECT_TRUE(b.allow(clock.now()));
}

TEST(CircuitBreaker, AFailedProbeAfterAHoldReopensForTwiceTheBase) {
  FakeClock clock;
  CircuitBreaker b;
  b.hold_open(clock.now(), clock.now() + seconds(3));
  clock.advance(seconds(3));
  ASSERT_TRUE(b.allow(clock.now()));
  b.on_failure(clock.now());
  EXPECT_FALSE(b.held_by_peer());
  EXPECT_EQ(b.current_open_duration(), milliseconds(60000));
  EXPECT_EQ(b.open_until(), clock.now() + milliseconds(60000));
}

}  // namespace
}  // namespace readygate::policy
