// Counter, Gauge and Histogram: the value cells of the metrics Registry.
// Each is one series (one label set). The Registry owns them and hands out
// references that stay valid for its lifetime; cache the reference and the
// hot path is a lock-free atomic update.
//
// Thread-safety: every member function may be called from any thread.
// Reads (value(), snapshot()) are not a consistent cut across concurrent
// updates, which Prometheus scraping tolerates.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace readygate::metrics {

// Monotonic. inc() ignores zero, negative and NaN amounts: a counter that
// goes down would read as a process restart.
class Counter {
 public:
  void inc(double v = 1) {
    if (v > 0) value_.fetch_add(v, std::memory_order_relaxed);
  }
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

class Gauge {
 public:
  void set(double v) { value_.store(v, std::memory_order_relaxed); }
  void add(double v) { value_.fetch_add(v, std::memory_order_relaxed); }
  void inc(double v = 1) { add(v); }
  void dec(double v = 1) { add(-v); }
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

// Fixed upper bounds (le) chosen at construction; +Inf is implicit.
class Histogram {
 public:
  // `bounds` are sorted, de-duplicated, and stripped of non-finite values.
  explicit Histogram(std::vector<double> bounds);
  Histogram(const Histogram&) = delete;
  Histogram& operator=(const Histogram&) = delete;

  // Counts `v` in the first bucket whose bound is >= v. NaN is ignored.
  void observe(double v);

  const std::vector<double>& bounds() const { return bounds_; }

  struct Snapshot {
    std::vector<uint64_t> cumulative;  // one per bound, then +Inf
    double sum = 0;
    uint64_t count = 0;  // always equals cumulative.back()
  };
  Snapshot snapshot() const;

  // Sorted, de-duplicated, finite bounds: what the constructor keeps.
  static std::vector<double> normalize_bounds(std::vector<double> bounds);

 private:
  const std::vector<double> bounds_;
  // bounds_.size() + 1 per-bucket (not cumulative) counts; the last is +Inf.
  const std::unique_ptr<std::atomic<uint64_t>[]> counts_;
  std::atomic<double> sum_{0};
};

// Upper bounds in seconds for request latencies: 100 µs to 60 s in a
// 1-2.5-5 progression.
std::vector<double> latency_buckets_seconds();

}  // namespace readygate::metrics
