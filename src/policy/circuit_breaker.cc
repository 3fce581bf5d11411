#include "policy/circuit_breaker.h"

#include <algorithm>

namespace readygate::policy {
namespace {

using std::chrono::milliseconds;

int window_buckets(const BreakerConfig& c) {
  return static_cast<int>(std::clamp<int64_t>(c.window.count(), 1, WindowCounter::kMaxBuckets));
}

milliseconds positive(milliseconds d) { return std::max(d, milliseconds(1)); }

}  // namespace

std::string validate(const BreakerConfig& c) {
  if (c.consecutive_failures < 1) return "consecutive_failures: must be at least 1";
  if (!(c.failure_rate > 0)) return "failure_rate: must be above 0";
  if (c.min_calls < 1) return "min_calls: must be at least 1";
  if (c.window.count() < 1 || c.window.count() > WindowCounter::kMaxBuckets)
    return "window: must be 1 s to " + std::to_string(WindowCounter::kMaxBuckets) + " s";
  if (c.open_base.count() <= 0) return "open_base: must be positive";
  if (c.open_max < c.open_base) return "open_max: must be at least open_base";
  if (c.half_open_probes < 1) return "half_open_probes: must be at least 1";
  if (c.probe_timeout.count() <= 0) return "probe_timeout: must be positive";
  return {};
}

std::string_view breaker_state_name(BreakerState s) {
  switch (s) {
    case BreakerState::kClosed:
      return "closed";
    case BreakerState::kOpen:
      return "open";
    case BreakerState::kHalfOpen:
      return "half_open";
  }
  return "closed";
}

CircuitBreaker::CircuitBreaker(BreakerConfig config)
    : config_(config),
      calls_(window_buckets(config), std::chrono::seconds(1)),
      open_duration_(positive(config.open_base)) {}

bool CircuitBreaker::allow(SteadyTime now) {
  if (state_ == BreakerState::kClosed) return true;
  if (state_ == BreakerState::kOpen) {
    if (now < open_until()) return false;
    probes_issued_ = 0;
    probe_successes_ = 0;
    probe_activity_ = now;
    move_to(BreakerState::kHalfOpen);
  }
  if (probes_issued_ >= std::max(config_.half_open_probes, 1)) {
    // Probes whose verdict never came (a caller that forgot on_ignored) must
    // not hold the breaker half-open for ever.
    if (now - probe_activity_ < config_.probe_timeout) return false;
    probes_issued_ = probe_successes_;
  }
  ++probes_issued_;
  probe_activity_ = now;
  return true;
}

void CircuitBreaker::on_success(SteadyTime now) {
  switch (state_) {
    case BreakerState::kClosed:
      consecutive_failures_ = 0;
      calls_.add(now, kCalls);
      return;
    case BreakerState::kOpen:
      return;
    case BreakerState::kHalfOpen:
      probe_activity_ = now;
      if (++probe_successes_ >= std::max(config_.half_open_probes, 1)) close();
      return;
  }
}

void CircuitBreaker::on_failure(SteadyTime now) {
  switch (state_) {
    case BreakerState::kClosed:
      ++consecutive_failures_;
      calls_.add(now, kCalls);
      calls_.add(now, kFailures);
      if (consecutive_failures_ >= config_.consecutive_failures || rate_tripped(now)) open(now);
      return;
    case BreakerState::kOpen:
      return;
    case BreakerState::kHalfOpen:
      // Re-opened without having closed: wait longer this time.
      open_duration_ = std::min(open_duration_ * 2, std::max(config_.open_max, open_duration_));
      open(now);
      return;
  }
}

void CircuitBreaker::on_ignored(SteadyTime /*now*/) {
  if (state_ == BreakerState::kHalfOpen && probes_issued_ > probe_successes_) --probes_issued_;
}

void CircuitBreaker::hold_open(SteadyTime now, SteadyTime until) {
  if (until <= now) return;
  if (state(now) == BreakerState::kOpen && open_until() >= until) return;
  opened_at_ = now;
  held_ = true;
  hold_until_ = until;
  consecutive_failures_ = 0;
  calls_.clear();
  move_to(BreakerState::kOpen);
}

BreakerState CircuitBreaker::state(SteadyTime now) const {
  if (state_ == BreakerState::kOpen && now >= open_until()) return BreakerState::kHalfOpen;
  return state_;
}

bool CircuitBreaker::rate_tripped(SteadyTime now) const {
  const uint64_t calls = calls_.sum(now, kCalls);
  if (calls < static_cast<uint64_t>(std::max(config_.min_calls, 1))) return false;
  const uint64_t failures = calls_.sum(now, kFailures);
  return static_cast<double>(failures) >= config_.failure_rate * static_cast<double>(calls);
}

void CircuitBreaker::open(SteadyTime now) {
  opened_at_ = now;
  held_ = false;
  ++times_opened_;
  consecutive_failures_ = 0;
  calls_.clear();
  move_to(BreakerState::kOpen);
}

void CircuitBreaker::close() {
  held_ = false;
  open_duration_ = positive(config_.open_base);
  consecutive_failures_ = 0;
  calls_.clear();
  move_to(BreakerState::kClosed);
}

void CircuitBreaker::move_to(BreakerState to) {
  const BreakerState from = state_;
  state_ = to;
  if (hook_ && from != to) hook_(from, to);
}

}  // namespace readygate::policy
