#include "base/clock.h"

namespace readygate {

const SystemClock& SystemClock::instance() {
  static const SystemClock clock;
  return clock;
}

FakeClock::FakeClock()
    : steady_(std::chrono::hours(1)), wall_(std::chrono::seconds(1767225600)) {}

}  // namespace readygate
