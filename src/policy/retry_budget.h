// RetryBudget: caps retries to an upstream at a fraction of its recent
// requests (SRE book; Finagle's RetryBudget), with a floor so low-volume
// routes can still retry. One per upstream, shared by every route to it.
//
// A retry is allowed while retries in the window < max(ratio * requests in
// the window, min_retries_per_second * window seconds). Counts live in 1 s
// buckets (WindowCounter), so memory is O(window seconds), not O(events); the
// window is the current second plus the (window - 1) before it.
//
// Fleets: several gateway replicas in front of one upstream share one budget.
// The replica's own counts stay local and exact; set_peer_counts() adds what
// the other replicas reported for the same window (fleet/FleetSync fetches it
// from Redis every sync interval), so the decision is made over the fleet's
// totals, floor included. With no peers the budget is the replica's alone.
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

  // Local counts in the window plus the peers' last reported counts.
  double retries_in_window(SteadyTime now) const;
  double requests_in_window(SteadyTime now) const;
  // What the other replicas of a fleet counted over the same window (>= 0).
  void set_peer_counts(double requests, double retries);
  // Local totals since construction (never decrease): what a fleet sync pushes.
  uint64_t requests_recorded() const { return requests_recorded_; }
  uint64_t retries_granted() const { return retries_granted_; }
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
  uint64_t requests_recorded_ = 0;
  uint64_t retries_granted_ = 0;
  double peer_requests_ = 0;
  double peer_retries_ = 0;
};

}  // namespace readygate::policy
