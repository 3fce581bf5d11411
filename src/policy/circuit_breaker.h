// CircuitBreaker: stops sending to a route that keeps failing, then lets a
// few probes test it (Envoy outlier detection, resilience4j). One per route.
//
// What counts: the caller reports on_failure only for 5xx, timeouts, resets
// and response-shape failures. 4xx responses (including 429) are the
// client's or the account's problem, not the route's health: the caller
// reports neither on_failure nor on_success for them.
//
// Closed -> open: `consecutive_failures` failures in a row, or failures >=
// failure_rate of at least `min_calls` calls within `window` (1 s buckets).
// Open -> half-open: once the open duration has passed (seen by allow()).
// Half-open: allow() lets at most `half_open_probes` probes out; all of them
// must succeed to close; any failure re-opens. A probe with no verdict (a
// 4xx, a dropped client) must be handed back with on_ignored(); as a safety
// net, slots with no verdict for `probe_timeout` are freed for new probes. The open duration starts
// at open_base, doubles on each re-open from half-open, is capped at open_max, and returns to
// open_base once the breaker closes.
//
// Fleets: hold_open() opens the breaker until a given time because another
// replica's breaker for the same route opened (fleet/FleetSync). A hold does
// not grow the open duration; when it ends the breaker probes on its own,
// as after any open period.
//
// Results that arrive while open are late answers to calls let out before it
// opened: ignored. Owns its state and hook. Not thread-safe: the caller locks.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "base/clock.h"
#include "policy/window_counter.h"

namespace readygate::policy {

struct BreakerConfig {
  int consecutive_failures = 5;
  double failure_rate = 0.5;  // of calls in the window; > 1 disables the rate trigger
  int min_calls = 20;
  std::chrono::seconds window{30};
  std::chrono::milliseconds open_base{30000};
  std::chrono::milliseconds open_max{300000};
  int half_open_probes = 3;
  std::chrono::milliseconds probe_timeout{60000};  // free probe slots silent this long
};

// Empty when `c` is usable, else "field: problem" for the first bad field.
std::string validate(const BreakerConfig& c);

enum class BreakerState { kClosed, kOpen, kHalfOpen };
// "closed", "open", "half_open".
std::string_view breaker_state_name(BreakerState s);

class CircuitBreaker {
 public:
  // Called on every state change, synchronously, inside the call that caused
  // it (the caller's lock is held: keep it short, e.g. bump a metric).
  using TransitionHook = std::function<void(BreakerState from, BreakerState to)>;

  explicit CircuitBreaker(BreakerConfig config = {});

  // May a call go to the route now? In half-open each true is one probe.
  bool allow(SteadyTime now);
  void on_success(SteadyTime now);
  void on_failure(SteadyTime now);
  // A call allow() let through ended with no verdict on the route's health
  // (a 4xx, the client left, the retry budget refused the send): frees its
  // half-open probe slot. No-op when not half-open.
  void on_ignored(SteadyTime now);

  // Opens (or keeps open) until `until` for a peer replica's open breaker.
  // No-op when `until` <= now or the breaker is already open at least that long.
  void hold_open(SteadyTime now, SteadyTime until);
  // Open because of hold_open() rather than this replica's own failures.
  bool held_by_peer() const { return state_ == BreakerState::kOpen && held_; }

  // The state as of `now`: an open breaker whose time has passed reads as
  // half-open (the transition itself happens in the next allow()).
  BreakerState state(SteadyTime now) const;
  // The length of the current open period, or of the next one if not open.
  std::chrono::milliseconds current_open_duration() const { return open_duration_; }
  uint64_t times_opened() const { return times_opened_; }
  // When the current open period ends (meaningful while open).
  SteadyTime open_until() const { return held_ ? hold_until_ : opened_at_ + open_duration_; }

  void set_transition_hook(TransitionHook hook) { hook_ = std::move(hook); }
  const BreakerConfig& config() const { return config_; }

 private:
  static constexpr int kCalls = 0;
  static constexpr int kFailures = 1;

  void open(SteadyTime now);
  void close();
  void move_to(BreakerState to);
  bool rate_tripped(SteadyTime now) const;

  BreakerConfig config_;
  BreakerState state_ = BreakerState::kClosed;
  WindowCounter calls_;
  int consecutive_failures_ = 0;
  SteadyTime opened_at_{};
  std::chrono::milliseconds open_duration_;
  int probes_issued_ = 0;
  int probe_successes_ = 0;
  SteadyTime probe_activity_{};  // last probe issued or succeeded
  uint64_t times_opened_ = 0;
  bool held_ = false;          // the current open period is a peer's hold
  SteadyTime hold_until_{};
  TransitionHook hook_;
};

}  // namespace readygate::policy
