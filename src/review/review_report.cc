#include "review/review_report.h"

namespace readygate::review {

StepKind step_kind_at(int index) {
  static constexpr StepKind kOrder[kStepsPerRoute] = {
      StepKind::kHappyPath,  StepKind::kStreaming,     StepKind::kErrorCheck,
      StepKind::kRetryCheck, StepKind::kFallbackCheck, StepKind::kShapeCheck};
  return kOrder[index % kStepsPerRoute];
}

std::string_view step_title(StepKind k) {
  switch (k) {
    case StepKind::kHappyPath:
      return "happy path";
    case StepKind::kStreaming:
      return "streaming";
    case StepKind::kErrorCheck:
      return "controlled error check";
    case StepKind::kRetryCheck:
      return "retry check";
    case StepKind::kFallbackCheck:
      return "fallback check";
    case StepKind::kShapeCheck:
      return "response shape check";
  }
  return "unknown";
}

std::string_view step_key(StepKind k) {
  switch (k) {
    case StepKind::kHappyPath:
      return "happy_path";
    case StepKind::kStreaming:
      return "streaming";
    case StepKind::kErrorCheck:
      return "error_check";
    case StepKind::kRetryCheck:
      return "retry_check";
    case StepKind::kFallbackCheck:
      return "fallback_check";
    case StepKind::kShapeCheck:
      return "shape_check";
  }
  return "unknown";
}

std::string_view outcome_name(Outcome o) {
  switch (o) {
    case Outcome::kPass:
      return "pass";
    case Outcome::kReview:
      return "review";
    case Outcome::kFail:
      return "fail";
  }
  return "fail";
}

std::string_view verdict_name(Verdict v) {
  switch (v) {
    case Verdict::kReady:
      return "ready";
    case Verdict::kLimitedRollout:
      return "limited rollout";
    case Verdict::kKeepInStaging:
      return "keep in staging";
  }
  return "keep in staging";
}

int exit_code_of(Verdict v) {
  switch (v) {
    case Verdict::kReady:
      return 0;
    case Verdict::kLimitedRollout:
      return 2;
    case Verdict::kKeepInStaging:
      return 1;
  }
  return 1;
}

}  // namespace readygate::review
