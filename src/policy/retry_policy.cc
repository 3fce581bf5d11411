#include "policy/retry_policy.h"

#include <algorithm>
#include <cmath>

namespace readygate::policy {
namespace {

using contract::ErrorClass;
using std::chrono::milliseconds;

int64_t non_negative(milliseconds d) { return std::max<int64_t>(d.count(), 0); }

// min(cap, b * 2^n) without overflow: doubling stops once it reaches the cap.
int64_t backoff_ceiling(int64_t b, int64_t cap, int n) {
  if (b <= 0 || cap <= 0) return 0;
  int64_t v = std::min(b, cap);
  for (int i = 0; i < n && v < cap; ++i) v = std::min(v * 2, cap);
  return v;
}

bool is_retryable_class(ErrorClass c) {
  return c == ErrorClass::kTransient || c == ErrorClass::kThrottled;
}

Decision make(NextStep step, std::string reason, milliseconds delay = milliseconds(0)) {
  return Decision{step, delay, std::move(reason)};
}

}  // namespace

std::string validate(const RetryConfig& c) {
  if (c.max_attempts < 1 || c.max_attempts > RetryConfig::kHardMaxAttempts)
    return "max_attempts: must be 1 to " + std::to_string(RetryConfig::kHardMaxAttempts);
  if (c.base.count() <= 0) return "base: must be positive";
  if (c.base_after_429.count() <= 0) return "base_after_429: must be positive";
  if (c.cap < c.base || c.cap < c.base_after_429) return "cap: must be at least base";
  if (c.retry_after_cap.count() < 0) return "retry_after_cap: must not be negative";
  if (!(c.retry_after_jitter >= 0 && c.retry_after_jitter <= 1))
    return "retry_after_jitter: must be 0 to 1";
  return {};
}

int effective_max_attempts(const RetryConfig& c) {
  return std::clamp(c.max_attempts, 1, RetryConfig::kHardMaxAttempts);
}

milliseconds full_jitter_backoff(const RetryConfig& c, int retry_index, bool after_429,
                                 Random& rng) {
  const int64_t b = non_negative(after_429 ? c.base_after_429 : c.base);
  const int64_t ceiling = backoff_ceiling(b, non_negative(c.cap), std::max(retry_index, 0));
  const double u = rng.uniform01();
  return milliseconds(static_cast<int64_t>(std::floor(u * static_cast<double>(ceiling))));
}

milliseconds jittered_retry_after(const RetryConfig& c, milliseconds ra, Random& rng) {
  const double jitter = c.retry_after_jitter >= 0 ? c.retry_after_jitter : 0;
  const double u = rng.uniform01();
  const double ra_ms = static_cast<double>(non_negative(ra));
  // floor(ra * (1 + 0)) == ra, so the result never drops below the floor.
  return milliseconds(static_cast<int64_t>(std::floor(ra_ms * (1.0 + u * jitter))));
}

std::string_view next_step_name(NextStep s) {
  switch (s) {
    case NextStep::kRetry:
      return "retry";
    case NextStep::kFallback:
      return "fallback";
    case NextStep::kReturn:
      return "return";
  }
  return "return";
}

Decision decide(const RetryConfig& c, const AttemptOutcome& outcome, SteadyTime now,
                SteadyTime deadline, Random& rng) {
  const contract::Classification& cls = outcome.cls;
  if (outcome.client_committed) return make(NextStep::kReturn, "committed");
  if (cls.error_class == ErrorClass::kNone) return make(NextStep::kReturn, "success");
  if (!is_retryable_class(cls.error_class))
    return make(NextStep::kReturn,
                "not retryable: " + std::string(contract::error_class_name(cls.error_class)));
  if (!cls.retryable) {
    // Only x-should-retry: false turns a transient/throttled class off.
    return make(NextStep::kFallback,
                cls.should_retry_header ? "upstream said do not retry" : "not retryable");
  }

  const int attempts = std::max(outcome.attempts_made, 1);
  if (attempts >= effective_max_attempts(c)) return make(NextStep::kFallback, "retries exhausted");
  if (cls.retry_after && *cls.retry_after > c.retry_after_cap)
    return make(NextStep::kFallback,
                "retry-after " + std::to_string(cls.retry_after->count()) + " ms above cap");

  const bool after_429 = cls.error_class == ErrorClass::kThrottled;
  milliseconds delay = full_jitter_backoff(c, attempts - 1, after_429, rng);
  std::string reason = "backoff";
  if (cls.retry_after) {
    const milliseconds floor = jittered_retry_after(c, *cls.retry_after, rng);
    if (floor >= delay) {
      delay = floor;
      reason = "retry-after";
    }
  }
  if (now + delay > deadline) return make(NextStep::kFallback, "deadline");
  return make(NextStep::kRetry, std::move(reason), delay);
}

}  // namespace readygate::policy
