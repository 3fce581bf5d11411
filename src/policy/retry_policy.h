// Retry policy: given what the attempt just made on a route returned, decide
// whether to retry that route (and after how long), fall back to the next
// route in the chain, or return to the client. Pure functions over plain
// data: time and randomness come in as arguments, nothing is armed or slept.
// The caller acts on the Decision (and checks the route's RetryBudget before
// acting on a kRetry).
//
// Thread-safety: the functions keep no state; `rng` is used by the caller's
// thread only (SeededRandom is not thread-safe).
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "base/clock.h"
#include "base/random.h"
#include "contract/error_class.h"

namespace readygate::policy {

struct RetryConfig {
  int max_attempts = 3;  // per route, in total; clamped to [1, kHardMaxAttempts]
  static constexpr int kHardMaxAttempts = 5;
  std::chrono::milliseconds base{500};
  std::chrono::milliseconds base_after_429{1000};
  std::chrono::milliseconds cap{8000};
  std::chrono::milliseconds retry_after_cap{30000};  // above: do not wait, fall back
  double retry_after_jitter = 0.2;                   // delay = ra * (1 + U(0, jitter))
};

// Empty when `c` is usable, else "field: problem" for the first bad field
// (the config loader prefixes its YAML path). decide() still clamps.
std::string validate(const RetryConfig& c);

// max_attempts clamped to [1, RetryConfig::kHardMaxAttempts].
int effective_max_attempts(const RetryConfig& c);

// Full jitter: floor(U[0,1) * min(cap, b * 2^retry_index)) ms, where
// b = base_after_429 after a 429 else base, U from one rng.uniform01() draw.
// retry_index 0 is the first retry; negative counts as 0. Always draws once.
std::chrono::milliseconds full_jitter_backoff(const RetryConfig& c, int retry_index, bool after_429,
                                              Random& rng);

// Retry-After as a floor with jitter: floor(ra * (1 + U[0,1) * jitter)) ms,
// one rng.uniform01() draw. Never below `ra`.
std::chrono::milliseconds jittered_retry_after(const RetryConfig& c, std::chrono::milliseconds ra,
                                               Random& rng);

enum class NextStep { kRetry, kFallback, kReturn };
// "retry", "fallback", "return".
std::string_view next_step_name(NextStep s);

// What happened on the attempt just made.
struct AttemptOutcome {
  contract::Classification cls;   // from classify_response / classify_transport
  int attempts_made = 1;          // on this route, including this one
  bool client_committed = false;  // a byte already reached the client
};

struct Decision {
  NextStep step = NextStep::kReturn;
  std::chrono::milliseconds delay{0};  // wait before the retry; 0 unless kRetry
  std::string reason;                  // short, plain words, no content: for evidence/metrics
};

// Rules, first match wins:
//  1. client_committed                          -> kReturn  "committed"
//  2. error class kNone (a success)             -> kReturn  "success"
//  3. transient/throttled class, x-should-retry: false
//                                               -> kFallback "upstream said do not retry"
//     (the provider vetoes retrying *it*; the failure is still server-side,
//     so another route may serve the request)
//  4. any other class (auth, permission, bad_request, not_found, quota,
//     policy, server_invalid_request, unknown)  -> kReturn  "not retryable: <class>"
//     x-should-retry: true does not make these retryable: the design table
//     says never, and the gateway never retries them blindly.
//  5. attempts_made >= effective_max_attempts   -> kFallback "retries exhausted"
//  6. retry_after > retry_after_cap             -> kFallback "retry-after N ms above cap"
//  7. delay = full_jitter_backoff(retry_index = attempts_made - 1,
//     after_429 = class is throttled); then, if retry_after is present,
//     delay = max(delay, jittered_retry_after) (two draws, in that order)
//  8. now + delay > deadline                    -> kFallback "deadline"
//  9. otherwise                                 -> kRetry "backoff" / "retry-after"
// Every kFallback and kReturn carries delay 0: nothing waits before falling back.
Decision decide(const RetryConfig& c, const AttemptOutcome& outcome, SteadyTime now,
                SteadyTime deadline, Random& rng);

}  // namespace readygate::policy
