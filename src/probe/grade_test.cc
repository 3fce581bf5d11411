#include "probe/grade.h"

#include <gtest/gtest.h>

#include <set>

namespace readygate::probe {
namespace {

using End = CommandOutcome::End;

Scenario builtin(const std::string& name) {
  for (auto& s : builtin_scenarios({.timeout_ms = 5000, .client_timeout_ms = 500}))
    if (s.name == name) return s;
  ADD_FAILURE() << "no built-in scenario " << name;
  return {};
}

std::vector<Attempt> at(std::initializer_list<double> times, int status = 503) {
  std::vector<Attempt> v;
  for (double t : times) v.push_back({t, status, "x"});
  return v;
}

CommandOutcome exit_code(int code, double elapsed = 100) {
  return {End::kExited, code, 0, elapsed};
}
CommandOutcome killed_at(double elapsed) { return {End::kKilledByProbe, 0, 0, elapsed}; }

TEST(Grade, OneAttemptOnA400Passes) {
  auto g = grade(builtin("bad_request_400"), at({12.5}, 400), exit_code(1));
  EXPECT_TRUE(g.pass);
  EXPECT_EQ(g.reason, "one attempt, no retry; exit 1");
  EXPECT_EQ(g.offsets_ms, (std::vector<int64_t>{0}));
  EXPECT_TRUE(g.gaps_ms.empty());
}

TEST(Grade, RetryingA401Fails) {
  auto g = grade(builtin("auth_401"), at({0, 3, 6.4}, 401), exit_code(1));
  EXPECT_FALSE(g.pass);
  EXPECT_EQ(g.reason, "retried a non-retryable error: 3 attempts (expected exactly 1); exit 1");
  EXPECT_EQ(g.offsets_ms, (std::vector<int64_t>{0, 3, 6}));
  EXPECT_EQ(g.gaps_ms, (std::vector<int64_t>{3, 3}));
}

TEST(Grade, ShouldRetryFalseRetriedOnceFails) {
  EXPECT_FALSE(grade(builtin("should_retry_false"), at({0, 480}), exit_code(1)).pass);
  EXPECT_TRUE(grade(builtin("should_retry_false"), at({0}), exit_code(1)).pass);
}

TEST(Grade, SingleAttemptThatHangsFails) {
  auto g = grade(builtin("not_found_404"), at({1}, 404), killed_at(5000));
  EXPECT_FALSE(g.pass);
  EXPECT_EQ(g.reason, "still running at the bound after 1 attempt: killed by the probe at 5000 ms");
}

TEST(Grade, NoRequestAtAllFailsAndSaysWhatToCheck) {
  auto g = grade(builtin("bad_request_400"), {}, exit_code(0));
  EXPECT_FALSE(g.pass);
  EXPECT_EQ(g.reason,
            "no request reached the provider (exit 0); does the command read OPENAI_BASE_URL or "
            "COMETAPI_BASE_URL?");
}

TEST(Grade, SdkLikeBackoffOn503Passes) {
  auto s = builtin("transient_503_twice");
  auto a = at({10, 430.5, 1320});
  a[2].status = 200;
  auto g = grade(s, a, exit_code(0, 1500));
  EXPECT_TRUE(g.pass) << g.reason;
  EXPECT_EQ(g.reason, "retried 2x with growing gaps 421, 890 ms; exit 0");
  EXPECT_EQ(g.offsets_ms, (std::vector<int64_t>{0, 421, 1310}));
}

TEST(Grade, ImmediateRetriesOn503Fail) {
  auto g = grade(builtin("transient_503_twice"), at({10, 12, 15}), exit_code(0));
  EXPECT_FALSE(g.pass);
  EXPECT_EQ(g.reason,
            "retry 1 came 2 ms after its predecessor, under the immediate-retry floor of 100 ms; "
            "exit 0");
}

TEST(Grade, FixedIntervalOn503Fails) {
  auto g = grade(builtin("transient_503_twice"), at({0, 500, 1000}), exit_code(0));
  EXPECT_FALSE(g.pass);
  EXPECT_EQ(g.reason, "delays did not grow (a fixed or shrinking interval): gaps 500, 500 ms; exit 0");
}

TEST(Grade, TooManyAttemptsOn503Fail) {
  auto g = grade(builtin("transient_503_twice"), at({0, 200, 500, 1000, 2000, 4000}), exit_code(0));
  EXPECT_FALSE(g.pass);
  EXPECT_EQ(g.reason, "unbounded retries: 6 attempts (at most 5 allowed); exit 0");
}

TEST(Grade, GivingUpAfterRetriesOn503Fails) {
  auto g = grade(builtin("transient_503_twice"), at({0, 400, 1300}), exit_code(1));
  EXPECT_FALSE(g.pass);
  EXPECT_EQ(g.reason, "retried but did not succeed: 3 attempts; exit 1");
}

TEST(Grade, NoRetryOn503Fails) {
  auto g = grade(builtin("transient_503_twice"), at({0}), exit_code(1));
  EXPECT_FALSE(g.pass);
  EXPECT_EQ(g.reason, "not retried: 1 attempt; exit 1");
}

TEST(Grade, WaitingOutRetryAfterPasses) {
  auto g = grade(builtin("retry_after_2s"), at({5, 2008}), exit_code(0));
  EXPECT_TRUE(g.pass);
  EXPECT_EQ(g.reason, "waited 2003 ms (Retry-After 2000 ms); exit 0");
}

TEST(Grade, RetryJustBeforeRetryAfterFails) {
  auto g = grade(builtin("retry_after_2s"), at({0, 1999.6}), exit_code(0));
  EXPECT_FALSE(g.pass);
  EXPECT_EQ(g.reason,
            "retry 1 came 1999 ms after its predecessor, under Retry-After of 2000 ms; exit 0");
}

TEST(Grade, NotRetryingA429WithRetryAfterFails) {
  auto g = grade(builtin("retry_after_2s"), at({0}, 429), exit_code(1));
  EXPECT_FALSE(g.pass);
  EXPECT_EQ(g.reason, "not retried: 1 attempt (a 429 with Retry-After is transient); exit 1");
}

TEST(Grade, HugeRetryAfterWithThreeSpacedAttemptsPasses) {
  auto g = grade(builtin("retry_after_huge"), at({0, 410, 1250}, 429), exit_code(1, 1300));
  EXPECT_TRUE(g.pass);
  EXPECT_EQ(g.reason, "no burst: 3 attempts, gaps 410, 840 ms, gave up on its own; exit 1");
}

TEST(Grade, HugeRetryAfterAnsweredByABurstFails) {
  std::vector<Attempt> a;
  for (int i = 0; i < 20; ++i) a.push_back({i * 2.0, 429, "rate_limit"});
  auto g = grade(builtin("retry_after_huge"), a, exit_code(1));
  EXPECT_FALSE(g.pass);
  EXPECT_EQ(g.reason.substr(0, 44), "burst: 20 attempts (at most 3 allowed), gaps");
}

TEST(Grade, HugeRetryAfterWithAnImmediateRetryFails) {
  auto g = grade(builtin("retry_after_huge"), at({0, 4}, 429), exit_code(1));
  EXPECT_FALSE(g.pass);
}

TEST(Grade, WaitingOnAHugeRetryAfterUntilKilledFails) {
  auto g = grade(builtin("retry_after_huge"), at({0}, 429), killed_at(5000));
  EXPECT_FALSE(g.pass);
  EXPECT_NE(g.reason.find("should be returned as an error, not waited on"), std::string::npos);
}

TEST(Grade, TruncatedStreamReportedAsSuccessFails) {
  auto g = grade(builtin("truncated_stream"), at({0}, 200), exit_code(0));
  EXPECT_FALSE(g.pass);
  EXPECT_EQ(g.reason, "reported success (exit 0) for an answer that never finished; 1 attempt");
}

TEST(Grade, TruncatedStreamReportedAsFailurePasses) {
  EXPECT_TRUE(grade(builtin("truncated_stream"), at({0}, 200), exit_code(1)).pass);
  auto g = grade(builtin("truncated_stream"), at({0}, 200), {End::kSignaled, 0, 6, 50});
  EXPECT_TRUE(g.pass);
  EXPECT_EQ(g.reason, "reported the failure; 1 attempt; terminated by signal 6");
}

TEST(Grade, TruncatedStreamThatHangsFails) {
  EXPECT_FALSE(grade(builtin("truncated_stream"), at({0}, 200), killed_at(5000)).pass);
}

TEST(Grade, GivingUpBeforeTheBoundPasses) {
  auto g = grade(builtin("slow_first_byte"), at({0, 950, 2300}, 200), exit_code(1, 2890.4));
  EXPECT_TRUE(g.pass);
  EXPECT_EQ(g.reason, "gave up on its own after 2890 ms (bound 5000 ms), 3 attempts; exit 1");
}

TEST(Grade, NeverTimingOutFails) {
  auto g = grade(builtin("slow_first_byte"), at({0}, 200), killed_at(5000));
  EXPECT_FALSE(g.pass);
  EXPECT_EQ(g.reason, "did not give up: killed by the probe at 5000 ms after 1 attempt (bound 5000 ms)");
}

TEST(Grade, GivingUpWithExitZeroFails) {
  EXPECT_FALSE(grade(builtin("slow_first_byte"), at({0}, 200), exit_code(0, 600)).pass);
}

TEST(Scenarios, TwelveBuiltinsWithDistinctNamesAllValid) {
  auto all = builtin_scenarios({});
  EXPECT_EQ(all.size(), 12u);
  std::set<std::string> names;
  for (const auto& s : all) {
    names.insert(s.name);
    EXPECT_EQ(validate(s), std::nullopt) << s.name;
  }
  EXPECT_EQ(names.size(), all.size());
}

TEST(Scenarios, SlowFirstByteComesAfterTheBound) {
  auto s = builtin("slow_first_byte");
  EXPECT_EQ(provider_faults(s), (std::vector<std::string>{"slow_headers,delay_ms=6000"}));
  EXPECT_EQ(provider_faults(builtin("transient_503_twice")),
            (std::vector<std::string>{"unavailable,first=2"}));
}

TEST(Scenarios, ValidationNamesTheField) {
  auto s = builtin("bad_request_400");
  s.faults = {"bad_request", "no_such_preset"};
  auto e = validate(s);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->substr(0, 30), "faults[1]: unknown fault 'no_s");
  s = builtin("bad_request_400");
  s.timeout_ms = 5;
  EXPECT_EQ(validate(s), "timeout_ms: must be 100..3600000 (got 5)");
  s = builtin("bad_request_400");
  s.name = "has space";
  EXPECT_EQ(validate(s)->substr(0, 5), "name:");
}

TEST(Scenarios, ExpectNamesRoundTrip) {
  for (auto e : {Expect::kSingleAttempt, Expect::kRetryThenSucceed, Expect::kRetryAfterFloor,
                 Expect::kNoBurst, Expect::kReportsFailure, Expect::kGivesUpInTime})
    EXPECT_EQ(parse_expect(expect_name(e)), e);
  EXPECT_EQ(parse_expect("nope"), std::nullopt);
}

}  // namespace
}  // namespace readygate::probe
