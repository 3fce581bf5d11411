#include "review/verdict.h"

namespace readygate::review {

namespace {

std::string step_label(const StepResult& s) {
  return "step " + std::to_string(s.number) + " (" + s.route + ", " +
         std::string(step_title(s.kind)) + ")";
}

std::string joined(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : "; ") + s;
  return out;
}

}  // namespace

VerdictResult decide_verdict(const ReviewReport& report, size_t expected_steps) {
  std::vector<std::string> failed, review;
  for (const auto& f : report.chain_findings) {
    if (f.severity == Outcome::kFail) failed.push_back(f.text);
    if (f.severity == Outcome::kReview) review.push_back(f.text);
  }
  for (const auto& s : report.steps) {
    const std::string why = s.findings.empty() ? s.summary : joined(s.findings);
    if (s.outcome == Outcome::kFail) failed.push_back(step_label(s) + " failed: " + why);
    if (s.outcome == Outcome::kReview) review.push_back(step_label(s) + " needs review: " + why);
  }
  if (report.steps.size() < expected_steps)
    failed.push_back("missing answers: " + std::to_string(expected_steps - report.steps.size()) +
                     " of " + std::to_string(expected_steps) + " steps produced no result");
  if (expected_steps == 0) failed.push_back("missing answers: the chain has no route to review");

  VerdictResult r;
  if (!failed.empty()) {
    r.verdict = Verdict::kKeepInStaging;
    r.reasons = std::move(failed);
    r.reasons.insert(r.reasons.end(), review.begin(), review.end());
  } else if (!review.empty()) {
    r.verdict = Verdict::kLimitedRollout;
    r.reasons = std::move(review);
  } else {
    r.verdict = Verdict::kReady;
    std::string routes;
    for (const auto& rt : report.routes) routes += (routes.empty() ? "" : ", ") + rt.name;
    r.reasons.push_back("all " + std::to_string(report.steps.size()) +
                        " steps passed on every route (" + routes + ")");
  }
  return r;
}

}  // namespace readygate::review
