// Grading: pure functions from what was observed (the provider's request
// log entries for one scenario and how the command ended) to a verdict.
// No clock, no I/O: unit tests give exact attempt times and assert exact
// verdicts and reasons.
//
// Times are milliseconds on the provider's monotonic clock (the request
// log's t_ms). An attempt is one completion request, logged on arrival,
// before any scripted delay. Gaps are between consecutive arrivals.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "probe/scenario.h"

namespace readygate::probe {

// One completion request as the provider logged it.
struct Attempt {
  double t_ms = 0;   // arrival, monotonic ms since the provider started
  int status = 0;    // the planned status (0: connection reset before headers)
  std::string fault; // the fault applied, empty when none
};

// How the command ended.
struct CommandOutcome {
  enum class End {
    kExited,         // exited on its own with exit_code
    kSignaled,       // terminated by a signal it did not get from the probe
    kKilledByProbe,  // still running at the scenario's bound: the probe killed its group
  };
  End end = End::kExited;
  int exit_code = 0;  // kExited
  int signal = 0;     // kSignaled
  double elapsed_ms = 0;  // from start to exit (or to the kill)
};

struct Grade {
  bool pass = false;
  std::string reason;                // one line, no content from the command
  std::vector<int64_t> offsets_ms;   // attempt arrivals, ms after the first attempt
  std::vector<int64_t> gaps_ms;      // between consecutive attempts
};

// "exit 0", "exit 1", "terminated by signal 11", "killed by the probe at 5000 ms".
std::string describe(const CommandOutcome& o);

// The verdict for one scenario. `attempts` are in arrival order.
Grade grade(const Scenario& s, const std::vector<Attempt>& attempts, const CommandOutcome& o);

}  // namespace readygate::probe
