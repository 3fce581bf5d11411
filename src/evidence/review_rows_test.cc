#include "evidence/review_rows.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "evidence/sqlite_store.h"
#include "evidence/temp_dir_for_test.h"

namespace readygate::evidence {
namespace {

WallTime at(int64_t ms) { return WallTime(std::chrono::milliseconds(1'767'225'600'000LL + ms)); }

// A full review of `route` in run `run`: six steps, the given outcomes.
std::vector<ReviewStepRow> run_rows(const std::string& run, const std::string& route,
                                    const std::string& fp, int64_t ms,
                                    std::vector<std::string> outcomes = {}) {
  std::vector<ReviewStepRow> rows;
  for (int i = 0; i < kReviewStepsPerRoute; ++i) {
    ReviewStepRow r;
    r.run_id = run;
    r.step = i + 1;
    r.route = route;
    r.check = "step" + std::to_string(i);
    r.outcome = i < static_cast<int>(outcomes.size()) ? outcomes[i] : "pass";
    r.route_fingerprint = fp;
    r.timestamp = at(ms + i);
    rows.push_back(r);
  }
  return rows;
}

std::vector<ReviewStepRow> concat(std::vector<std::vector<ReviewStepRow>> parts) {
  std::vector<ReviewStepRow> all;
  for (auto& p : parts) all.insert(all.end(), p.begin(), p.end());
  return all;
}

TEST(ReviewState, MissingWithoutRows) {
  auto s = review_state_of("fallback", "fp1", run_rows("r1", "primary", "fp1", 0));
  EXPECT_EQ(s.status, ReviewStatus::kMissing);
  EXPECT_EQ(s.run_id, "");
  EXPECT_EQ(review_status_name(s.status), "missing");
}

TEST(ReviewState, PassingWhenLatestRunForFingerprintHasNoFailure) {
  auto s = review_state_of("fallback", "fp1",
                           run_rows("r1", "fallback", "fp1", 0, {"pass", "review"}));
  EXPECT_EQ(s.status, ReviewStatus::kPassing);
  EXPECT_EQ(s.run_id, "r1");
  EXPECT_EQ(s.steps, 6);
  EXPECT_EQ(s.needs_review, 1);
  EXPECT_EQ(s.reviewed_at, at(5));
}

TEST(ReviewState, LatestRunWinsEvenWhenAnOlderOnePassed) {
  auto rows = concat({run_rows("r1", "fallback", "fp1", 0),
                      run_rows("r2", "fallback", "fp1", 1000, {"pass", "pass", "fail"})});
  auto s = review_state_of("fallback", "fp1", rows);
  EXPECT_EQ(s.status, ReviewStatus::kFailed);
  EXPECT_EQ(s.run_id, "r2");
  EXPECT_EQ(s.failed, 1);
  // The other way round: the later pass wins.
  rows = concat({run_rows("r1", "fallback", "fp1", 0, {"fail"}),
                 run_rows("r2", "fallback", "fp1", 1000)});
  EXPECT_EQ(review_state_of("fallback", "fp1", rows).status, ReviewStatus::kPassing);
}

TEST(ReviewState, AnotherFingerprintIsNotAReviewOfThisOne) {
  auto rows = concat({run_rows("r1", "fallback", "fp-old", 5000)});
  auto s = review_state_of("fallback", "fp-new", rows);
  EXPECT_EQ(s.status, ReviewStatus::kFingerprintChanged);
  EXPECT_EQ(s.reviewed_fingerprint, "fp-old");
  // An older review of the current fingerprint still counts over a newer other one.
  rows = concat({rows, run_rows("r0", "fallback", "fp-new", 0)});
  EXPECT_EQ(review_state_of("fallback", "fp-new", rows).status, ReviewStatus::kPassing);
}

TEST(ReviewState, IncompleteRunIsNotPassing) {
  auto rows = run_rows("r1", "fallback", "fp1", 0);
  rows.pop_back();
  EXPECT_EQ(review_state_of("fallback", "fp1", rows).status, ReviewStatus::kFailed);
}

TEST(ReviewRowsSqlite, RoundTripAndReplaceByRunAndStep) {
  TempDir dir;
  auto store = SqliteStore::open(dir.file("e.db"));
  ASSERT_TRUE(store.has_value()) << store.error();
  auto rows = concat({run_rows("r1", "primary", "fp1", 0), run_rows("r2", "fallback", "fp2", 10)});
  rows[0].summary = "200 ok, 1 attempt";
  ASSERT_TRUE((*store)->insert_review_steps(rows).has_value());
  rows[1].outcome = "fail";
  ASSERT_TRUE((*store)->insert_review_steps(std::span(rows).subspan(1, 1)).has_value());
  auto all = (*store)->review_steps("");
  ASSERT_TRUE(all.has_value()) << all.error();
  ASSERT_EQ(all->size(), 12u);
  EXPECT_EQ((*all)[0].summary, "200 ok, 1 attempt");
  EXPECT_EQ((*all)[0].timestamp, at(0));
  EXPECT_EQ((*all)[1].outcome, "fail");
  EXPECT_EQ((*all)[6].route, "fallback");
  auto one = (*store)->review_steps("r2");
  ASSERT_TRUE(one.has_value());
  EXPECT_EQ(one->size(), 6u);
  EXPECT_EQ(review_state_of("primary", "fp1", *all).status, ReviewStatus::kFailed);
  EXPECT_EQ(review_state_of("fallback", "fp2", *all).status, ReviewStatus::kPassing);
}

}  // namespace
}  // namespace readygate::evidence
