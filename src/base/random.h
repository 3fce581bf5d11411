// Random: the one source of randomness for jitter, sampling and ids.
// SeededRandom (xoshiro256**) gives the same sequence for the same seed on
// every platform, so tests can assert exact jittered delays.
#pragma once

#include <cstdint>

namespace readygate {

class Random {
 public:
  virtual ~Random() = default;
  virtual uint64_t next_u64() = 0;
  // Uniform in [0, 1), 53 bits of precision.
  double uniform01() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }
  // Uniform in [0, n); n == 0 yields 0.
  uint64_t below(uint64_t n);
};

// Deterministic generator. Not thread-safe: one per thread or per owner.
class SeededRandom final : public Random {
 public:
  explicit SeededRandom(uint64_t seed);
  uint64_t next_u64() override;

 private:
  uint64_t s_[4];
};

// A seed from the operating system's entropy source.
uint64_t os_entropy_seed();

}  // namespace readygate
