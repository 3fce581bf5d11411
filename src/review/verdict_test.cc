#include "review/verdict.h"

#include <gtest/gtest.h>

namespace readygate::review {
namespace {

ReviewReport report_with(std::vector<Outcome> outcomes) {
  ReviewReport r;
  r.routes = {{"primary"}, {"fallback"}};
  int n = 0;
  for (auto o : outcomes) {
    StepResult s;
    s.number = ++n;
    s.kind = step_kind_at(n - 1);
    s.route = n <= kStepsPerRoute ? "primary" : "fallback";
    s.outcome = o;
    s.summary = "observed";
    if (o != Outcome::kPass) s.findings = {"a finding"};
    r.steps.push_back(s);
  }
  return r;
}

std::vector<Outcome> all(Outcome o, size_t n = 12) { return std::vector<Outcome>(n, o); }

TEST(Verdict, EveryStepPassedIsReady) {
  auto v = decide_verdict(report_with(all(Outcome::kPass)), 12);
  EXPECT_EQ(v.verdict, Verdict::kReady);
  EXPECT_EQ(exit_code_of(v.verdict), 0);
}

TEST(Verdict, AStepNeedingReviewIsALimitedRolloutWithExitCodeTwo) {
  auto outcomes = all(Outcome::kPass);
  outcomes[5] = Outcome::kReview;
  auto v = decide_verdict(report_with(outcomes), 12);
  EXPECT_EQ(v.verdict, Verdict::kLimitedRollout);
  EXPECT_EQ(exit_code_of(v.verdict), 2);
  ASSERT_EQ(v.reasons.size(), 1u);
  EXPECT_EQ(v.reasons[0], "step 6 (primary, response shape check) needs review: a finding");
}

TEST(Verdict, AnyFailedStepKeepsItInStagingAndNamesTheStep) {
  auto outcomes = all(Outcome::kPass);
  outcomes[1] = Outcome::kReview;
  outcomes[6] = Outcome::kFail;
  auto v = decide_verdict(report_with(outcomes), 12);
  EXPECT_EQ(v.verdict, Verdict::kKeepInStaging);
  EXPECT_EQ(exit_code_of(v.verdict), 1);
  ASSERT_EQ(v.reasons.size(), 2u);
  EXPECT_EQ(v.reasons[0], "step 7 (fallback, happy path) failed: a finding");
}

TEST(Verdict, AMissingStepIsAMissingAnswerNotAGuess) {
  auto v = decide_verdict(report_with(all(Outcome::kPass, 11)), 12);
  EXPECT_EQ(v.verdict, Verdict::kKeepInStaging);
  EXPECT_NE(v.reasons[0].find("missing answers"), std::string::npos);
}

TEST(Verdict, AChainFindingCountsLikeAStep) {
  auto r = report_with(all(Outcome::kPass));
  r.chain_findings.push_back({Outcome::kReview, "route primary has no documentation link"});
  EXPECT_EQ(decide_verdict(r, 12).verdict, Verdict::kLimitedRollout);
  r.chain_findings.push_back({Outcome::kFail, "something essential"});
  EXPECT_EQ(decide_verdict(r, 12).verdict, Verdict::kKeepInStaging);
}

}  // namespace
}  // namespace readygate::review
