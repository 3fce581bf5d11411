// WindowCounter: event counts over a sliding time window, kept in a fixed ring
// of time buckets (e.g. 10 buckets of 1 s), so memory is O(buckets) whatever
// the event rate. Used by RetryBudget and CircuitBreaker.
//
// A sum covers the bucket holding `now` and the `buckets - 1` before it: the
// window is between (buckets - 1) and buckets bucket widths long. Events
// older than the window are dropped; an event stamped before `now` still
// lands in its own bucket while that bucket is inside the window.
//
// Each bucket holds kSeries independent counts (e.g. requests and retries).
// Value type, owns its buckets. Not thread-safe: the owner locks.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <vector>

#include "base/clock.h"

namespace readygate::policy {

class WindowCounter {
 public:
  static constexpr int kSeries = 2;
  // Bounds the ring whatever the configuration asks for.
  static constexpr int kMaxBuckets = 3600;

  // `buckets` is clamped to [1, kMaxBuckets]; `bucket_width` to >= 1 ms.
  WindowCounter(int buckets, std::chrono::milliseconds bucket_width);

  void add(SteadyTime now, int series, uint64_t n = 1);
  uint64_t sum(SteadyTime now, int series) const;
  // Forgets every count.
  void clear();

  int buckets() const { return static_cast<int>(ring_.size()); }
  std::chrono::milliseconds bucket_width() const { return width_; }

 private:
  struct Bucket {
    int64_t index = INT64_MIN;  // absolute bucket number; INT64_MIN: never used
    std::array<uint64_t, kSeries> counts{};
  };

  int64_t index_of(SteadyTime t) const;

  std::chrono::milliseconds width_;
  std::vector<Bucket> ring_;
};

}  // namespace readygate::policy
