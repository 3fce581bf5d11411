// Clock: the one source of time for every decision that depends on it.
// Production code takes a `const Clock&`; tests pass a FakeClock and move it
// by hand, so backoff, budget, breaker and Retry-After logic is exact.
#pragma once

#include <chrono>

namespace readygate {

using SteadyTime = std::chrono::steady_clock::time_point;
using WallTime = std::chrono::system_clock::time_point;

class Clock {
 public:
  virtual ~Clock() = default;
  // Monotonic time for intervals, deadlines and windows.
  virtual SteadyTime now() const = 0;
  // Calendar time for timestamps and HTTP-dates.
  virtual WallTime wall() const = 0;
};

// The process clocks. Thread-safe.
class SystemClock final : public Clock {
 public:
  SteadyTime now() const override { return std::chrono::steady_clock::now(); }
  WallTime wall() const override { return std::chrono::system_clock::now(); }
  static const SystemClock& instance();
};

// A clock that moves only when told to. Not thread-safe.
class FakeClock final : public Clock {
 public:
  // Starts at an arbitrary fixed point: 2026-01-01T00:00:00Z wall time.
  FakeClock();
  SteadyTime now() const override { return steady_; }
  WallTime wall() const override { return wall_; }
  void advance(std::chrono::nanoseconds d) {
    steady_ += d;
    wall_ += std::chrono::duration_cast<WallTime::duration>(d);
  }
  void set_wall(WallTime t) { wall_ = t; }

 private:
  SteadyTime steady_;
  WallTime wall_;
};

}  // namespace readygate
