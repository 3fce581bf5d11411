// RetryBudget: caps retries to an upstream at a fraction of its recent
// requests (SRE book; Finagle's RetryBudget), with a floor so low-volume
// routes can still retry. One per upstream, shared by every route to it.
//
// A retry is allowed while retries in the window < max(ratio * requests in
// the window, min_retries_per_second * window seconds). Counts live in 1 s
// buckets (WindowCounter), so memory is O(window seconds), not O(events); the
// window is the current second plus the (window - 1) before it.
//
// Owns its counters. Not thread-safe: the caller locks (or keeps one per
// thread and accepts a per-thread budget).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "base/clock.h"
#include "policy/window_counter.h"

namespace readygate::policy {

struct BudgetConfig {
  double ratio = 0.1;                  // retries per request
  std::chrono::seconds window{10};     // 1 to WindowCounter::kMaxBuckets seconds
  double min_retries_per_second = 10;  // the floor, spread over the window
};

// Empty when `c` is usable, else "field: problem" for the first bad field.
std::string validate(const BudgetConfig& c);

class RetryBudget {
 public:
  explicit RetryBudget(BudgetConfig config = {});

  // Each first attempt of a client request (retries are not requests).
  void record_request(SteadyTime now);
  // True, and counts the retry, if the budget has room; false counts a rejection.
  bool try_acquire_retry(SteadyTime now);

  double retries_in_window(SteadyTime now) const;
  double requests_in_window(SteadyTime now) const;
  // max(ratio * requests, floor) for the window ending at `now`.
  double allowed_in_window(SteadyTime now) const;
  // Retries refused since construction.
  uint64_t rejected() const { return rejected_; }

  const BudgetConfig& config() const { return config_; }

 private:
  static constexpr int kRequests = 0;
  static constexpr int kRetries = 1;

  BudgetConfig config_;
  WindowCounter counts_;
  uint64_t rejected_ = 0;
};

}  // namespace readygate::policy
