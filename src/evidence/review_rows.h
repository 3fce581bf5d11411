// Review results as the evidence store keeps them: one ReviewStepRow per
// checklist step of a `readygate review` run (written by review, read by
// `serve` for the no-unreviewed-fallback policy, by `review --status` and by
// `escalate`), and the per-route review state derived from them.
//
// A row holds no text of a request or a response: names, outcomes, the
// route's config fingerprint and a short summary produced by review itself
// (already passed through the sanitizing layer).
//
// Plain values and pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"

namespace readygate::evidence {

// Steps review runs per route (review::kStepsPerRoute; asserted there).
inline constexpr int kReviewStepsPerRoute = 6;

struct ReviewStepRow {
  std::string run_id;
  int step = 0;            // 1-based position in the run
  std::string route;       // the reviewed route
  std::string check;       // review::step_key: "happy_path", ..., "shape_check"
  std::string outcome;     // "pass" | "review" | "fail"
  std::string route_fingerprint;   // config::Config::fingerprint_of_route at review time
  std::string config_fingerprint;  // the whole reviewed config
  std::string chain;
  std::string environment;
  std::string request_id;  // the step's EvidenceRecord
  std::string summary;     // one short line, no content
  WallTime timestamp{};
};

// What the latest review of a route says about its current configuration.
enum class ReviewStatus {
  kPassing,           // latest review for the current fingerprint: all steps, none failed
  kFailed,            // latest review for the current fingerprint failed (or is incomplete)
  kFingerprintChanged,  // reviewed, but only for another fingerprint
  kMissing,           // never reviewed
};
// "passing", "failed", "fingerprint_changed", "missing".
std::string_view review_status_name(ReviewStatus s);

struct RouteReviewState {
  std::string route;
  ReviewStatus status = ReviewStatus::kMissing;
  std::string run_id;       // the review the status rests on; empty when missing
  WallTime reviewed_at{};   // its latest step's time
  std::string reviewed_fingerprint;  // the fingerprint that review saw
  int steps = 0, failed = 0, needs_review = 0;  // of that run, for this route
};

// The state of `route` with `current_fingerprint`, from every row of the
// store (any order). The latest run (by its latest step) for the current
// fingerprint decides; without one, any older fingerprint's run makes it
// kFingerprintChanged, else kMissing.
RouteReviewState review_state_of(std::string_view route, std::string_view current_fingerprint,
                                 const std::vector<ReviewStepRow>& rows);

}  // namespace readygate::evidence
