#include "policy/retry_budget.h"

#include <algorithm>

namespace readygate::policy {
namespace {

int window_buckets(const BudgetConfig& c) {
  return static_cast<int>(std::clamp<int64_t>(c.window.count(), 1, WindowCounter::kMaxBuckets));
}

}  // namespace

std::string validate(const BudgetConfig& c) {
  if (!(c.ratio >= 0 && c.ratio <= 10)) return "ratio: must be 0 to 10";
  if (c.window.count() < 1 || c.window.count() > WindowCounter::kMaxBuckets)
    return "window: must be 1 s to " + std::to_string(WindowCounter::kMaxBuckets) + " s";
  if (!(c.min_retries_per_second >= 0 && c.min_retries_per_second <= 1e6))
    return "min_retries_per_second: must be 0 to 1000000";
  return {};
}

RetryBudget::RetryBudget(BudgetConfig config)
    : config_(config), counts_(window_buckets(config), std::chrono::seconds(1)) {}

void RetryBudget::record_request(SteadyTime now) {
  counts_.add(now, kRequests);
  ++requests_recorded_;
}

void RetryBudget::set_peer_counts(double requests, double retries) {
  peer_requests_ = std::max(requests, 0.0);
  peer_retries_ = std::max(retries, 0.0);
}

double RetryBudget::allowed_in_window(SteadyTime now) const {
  const double ratio = std::max(config_.ratio, 0.0);
  const double floor =
      std::max(config_.min_retries_per_second, 0.0) * static_cast<double>(counts_.buckets());
  return std::max(ratio * requests_in_window(now), floor);
}

bool RetryBudget::try_acquire_retry(SteadyTime now) {
  if (retries_in_window(now) < allowed_in_window(now)) {
    counts_.add(now, kRetries);
    ++retries_granted_;
    return true;
  }
  ++rejected_;
  return false;
}

double RetryBudget::retries_in_window(SteadyTime now) const {
  return static_cast<double>(counts_.sum(now, kRetries)) + peer_retries_;
}

double RetryBudget::requests_in_window(SteadyTime now) const {
  return static_cast<double>(counts_.sum(now, kRequests)) + peer_requests_;
}

}  // namespace readygate::policy
