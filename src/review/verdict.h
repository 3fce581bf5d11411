// The verdict rules, pure over a ReviewReport:
//   keep in staging  any failed step, any chain finding of severity fail, or
//                    a step missing from the checklist (a missing answer is
//                    never guessed);
//   limited rollout  nothing failed, but a step or chain finding asks for
//                    review (drift, fallback only through the built-in
//                    provider, no documentation link, ...);
//   ready            every step of every route passed.
#pragma once

#include <string>
#include <vector>

#include "review/review_report.h"

namespace readygate::review {

struct VerdictResult {
  Verdict verdict = Verdict::kKeepInStaging;
  std::vector<std::string> reasons;  // plain language, most severe first
};

// `expected_steps` is routes x 6; fewer results count as missing answers.
VerdictResult decide_verdict(const ReviewReport& report, size_t expected_steps);

}  // namespace readygate::review
