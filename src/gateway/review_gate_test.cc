#include "gateway/review_gate.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace readygate::gateway {
namespace {

using config::UnreviewedPolicy;
using evidence::ReviewStatus;

TEST(DecideUnreviewed, APassingReviewIsServedWhateverThePolicy) {
  for (auto p : {UnreviewedPolicy::kRefuse, UnreviewedPolicy::kLimited, UnreviewedPolicy::kAllow}) {
    LimitedCount c;
    EXPECT_EQ(decide_unreviewed(p, 0.1, ReviewStatus::kPassing, c), FallbackAdmission::kReviewed);
    EXPECT_EQ(c.reached, 0u);
  }
}

TEST(DecideUnreviewed, RefuseAndAllowForEveryStateThatIsNotPassing) {
  for (auto st : {ReviewStatus::kFailed, ReviewStatus::kFingerprintChanged, ReviewStatus::kMissing}) {
    LimitedCount c;
    EXPECT_EQ(decide_unreviewed(UnreviewedPolicy::kRefuse, 0.1, st, c), FallbackAdmission::kRefused);
    EXPECT_EQ(decide_unreviewed(UnreviewedPolicy::kAllow, 0.1, st, c),
              FallbackAdmission::kAllowedUnreviewed);
  }
}

TEST(DecideUnreviewed, LimitedServesExactlyTheShareInADeterministicOrder) {
  LimitedCount c;
  std::string pattern;
  for (int i = 0; i < 20; ++i)
    pattern += decide_unreviewed(UnreviewedPolicy::kLimited, 0.25, ReviewStatus::kMissing, c) ==
                       FallbackAdmission::kLimitedServed
                   ? 'S'
                   : '-';
  EXPECT_EQ(pattern, "---S---S---S---S---S");
  EXPECT_EQ(c.reached, 20u);
  EXPECT_EQ(c.served, 5u);
  // 0.1 of 10 is exactly one, despite floating point.
  LimitedCount tenth;
  int served = 0;
  for (int i = 0; i < 100; ++i)
    served += decide_unreviewed(UnreviewedPolicy::kLimited, 0.1, ReviewStatus::kFailed, tenth) ==
              FallbackAdmission::kLimitedServed;
  EXPECT_EQ(served, 10);
}

config::Config two_chains() {
  config::Config c;
  c.routes.resize(3);
  c.routes[0].name = "primary";
  c.routes[1].name = "fallback";
  c.routes[2].name = "spare";
  c.chains.resize(2);
  c.chains[0].model = "a";
  c.chains[0].routes = {"primary", "fallback", "spare"};
  c.chains[0].fallback.unreviewed = UnreviewedPolicy::kLimited;
  c.chains[0].fallback.limited_share = 0.5;
  c.chains[1].model = "b";
  c.chains[1].routes = {"fallback", "primary"};  // refuse (default)
  return c;
}

TEST(ReviewGate, ThePrimaryIsNeverGatedAndFallbacksFollowTheirStateAndChain) {
  const auto cfg = two_chains();
  ReviewGate gate(cfg);
  // Everything starts unreviewed.
  for (const auto& s : gate.states()) EXPECT_EQ(s.status, ReviewStatus::kMissing) << s.route;
  EXPECT_EQ(gate.admit(cfg.chains[1], 0), FallbackAdmission::kReviewed);  // "fallback" is primary here
  EXPECT_EQ(gate.admit(cfg.chains[1], 1), FallbackAdmission::kRefused);
  EXPECT_EQ(gate.admit(cfg.chains[0], 1), FallbackAdmission::kLimitedRefused);
  EXPECT_EQ(gate.admit(cfg.chains[0], 1), FallbackAdmission::kLimitedServed);
  // Counters are per (chain, route): "spare" starts its own count.
  EXPECT_EQ(gate.admit(cfg.chains[0], 2), FallbackAdmission::kLimitedRefused);

  evidence::RouteReviewState passing;
  passing.route = "primary";
  passing.status = ReviewStatus::kPassing;
  passing.run_id = "review-1";
  evidence::RouteReviewState unknown;
  unknown.route = "not-configured";
  unknown.status = ReviewStatus::kPassing;
  gate.set_states({passing, unknown});
  EXPECT_EQ(gate.admit(cfg.chains[1], 1), FallbackAdmission::kReviewed);
  const auto states = gate.states();
  ASSERT_EQ(states.size(), 3u);
  EXPECT_EQ(states[0].run_id, "review-1");
  EXPECT_EQ(states[1].status, ReviewStatus::kMissing);
}

}  // namespace
}  // namespace readygate::gateway
