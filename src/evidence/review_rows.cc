#include "evidence/review_rows.h"

#include <map>

namespace readygate::evidence {

std::string_view review_status_name(ReviewStatus s) {
  switch (s) {
    case ReviewStatus::kPassing:
      return "passing";
    case ReviewStatus::kFailed:
      return "failed";
    case ReviewStatus::kFingerprintChanged:
      return "fingerprint_changed";
    case ReviewStatus::kMissing:
      return "missing";
  }
  return "missing";
}

RouteReviewState review_state_of(std::string_view route, std::string_view current_fingerprint,
                                 const std::vector<ReviewStepRow>& rows) {
  struct Run {
    WallTime latest{};
    std::string fingerprint;
    int steps = 0, failed = 0, review = 0;
  };
  // One route's rows grouped by run; a run reviews a route under one fingerprint.
  std::map<std::string, Run> runs;
  for (const auto& r : rows) {
    if (r.route != route) continue;
    Run& run = runs[r.run_id + '\n' + r.route_fingerprint];
    run.fingerprint = r.route_fingerprint;
    if (r.timestamp > run.latest) run.latest = r.timestamp;
    ++run.steps;
    if (r.outcome == "fail") ++run.failed;
    if (r.outcome == "review") ++run.review;
  }
  RouteReviewState out;
  out.route = std::string(route);
  const std::pair<const std::string, Run>* best = nullptr;
  const std::pair<const std::string, Run>* other = nullptr;
  for (const auto& entry : runs) {
    auto& slot = entry.second.fingerprint == current_fingerprint ? best : other;
    // Later wins; on a tie the larger run id (ids start with a timestamp).
    if (!slot || entry.second.latest > slot->second.latest ||
        (entry.second.latest == slot->second.latest && entry.first > slot->first))
      slot = &entry;
  }
  const auto* chosen = best ? best : other;
  if (!chosen) return out;
  out.run_id = chosen->first.substr(0, chosen->first.find('\n'));
  out.reviewed_at = chosen->second.latest;
  out.reviewed_fingerprint = chosen->second.fingerprint;
  out.steps = chosen->second.steps;
  out.failed = chosen->second.failed;
  out.needs_review = chosen->second.review;
  if (!best)
    out.status = ReviewStatus::kFingerprintChanged;
  else
    out.status = out.failed == 0 && out.steps >= kReviewStepsPerRoute ? ReviewStatus::kPassing
                                                                      : ReviewStatus::kFailed;
  return out;
}

}  // namespace readygate::evidence
