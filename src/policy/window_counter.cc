#include "policy/window_counter.h"

#include <algorithm>

namespace readygate::policy {

WindowCounter::WindowCounter(int buckets, std::chrono::milliseconds bucket_width)
    : width_(std::max(bucket_width, std::chrono::milliseconds(1))),
      ring_(static_cast<size_t>(std::clamp(buckets, 1, kMaxBuckets))) {}

int64_t WindowCounter::index_of(SteadyTime t) const {
  const int64_t ns =
      std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
  const int64_t w = std::chrono::duration_cast<std::chrono::nanoseconds>(width_).count();
  // Floor division: a steady clock's epoch is unspecified, times may be negative.
  return ns >= 0 ? ns / w : -((-ns + w - 1) / w);
}

void WindowCounter::add(SteadyTime now, int series, uint64_t n) {
  if (series < 0 || series >= kSeries) return;
  const int64_t idx = index_of(now);
  const int64_t size = static_cast<int64_t>(ring_.size());
  Bucket& b = ring_[static_cast<size_t>(((idx % size) + size) % size)];
  if (b.index < idx) {
    // The slot holds an older bucket (or none): it has left the window.
    b.index = idx;
    b.counts.fill(0);
  } else if (b.index > idx) {
    // A late event whose bucket has already been reused: outside the window.
    return;
  }
  b.counts[static_cast<size_t>(series)] += n;
}

uint64_t WindowCounter::sum(SteadyTime now, int series) const {
  if (series < 0 || series >= kSeries) return 0;
  const int64_t cur = index_of(now);
  const int64_t oldest = cur - static_cast<int64_t>(ring_.size());
  uint64_t total = 0;
  for (const Bucket& b : ring_)
    if (b.index > oldest && b.index <= cur) total += b.counts[static_cast<size_t>(series)];
  return total;
}

void WindowCounter::clear() {
  for (Bucket& b : ring_) b = Bucket{};
}

}  // namespace readygate::policy
