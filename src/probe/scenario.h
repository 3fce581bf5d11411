// Scenario: one fault situation `readygate probe-client` puts an application
// in front of, and what its client must do about it. A scenario is plain
// data: the built-in provider's fault specs (mock::parse_fault_spec syntax),
// the expectation the grader checks, and the bounds the probe states.
//
// The twelve built-in scenarios come from builtin_scenarios(); a YAML file
// can add more or override their bounds (scenario_yaml.h).
//
// Plain values; no synchronisation.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace readygate::probe {

// What the grader checks (grade.h has the exact rules).
enum class Expect {
  kSingleAttempt,     // exactly one attempt: no blind retry
  kRetryThenSucceed,  // retried with growing, non-immediate delays, bounded; exit 0
  kRetryAfterFloor,   // retried, each retry >= the Retry-After floor after its predecessor; exit 0
  kNoBurst,           // at most `burst_limit` attempts, none closer than min_gap_ms; not killed
  kReportsFailure,    // the command exits non-zero on its own (a truncated stream is a failure)
  kGivesUpInTime,     // the command exits non-zero on its own before the probe's bound
};

std::string_view expect_name(Expect e);
std::optional<Expect> parse_expect(std::string_view name);
// One sentence: what the scenario requires, for the note.
std::string expect_rule(Expect e);

struct Scenario {
  std::string name;
  std::string what;                 // one line for the note: the fault in plain words
  Expect expect = Expect::kSingleAttempt;
  std::vector<std::string> faults;  // built-in provider fault specs
  // Every answer's head waits until timeout_ms + 1000: no first byte can
  // arrive before the probe's bound (the slow_first_byte scenario).
  bool first_byte_after_bound = false;
  bool stream = false;              // the client is asked to stream (READYGATE_PROBE_STREAM=1)
  int timeout_ms = 30'000;          // the command is killed (process group) past this
  int client_timeout_ms = 5'000;    // READYGATE_PROBE_CLIENT_TIMEOUT_MS, the bound the probe states
  int retry_after_ms = 0;           // kRetryAfterFloor: the floor between attempts
  int max_attempts = 5;             // retries are bounded: more attempts than this fail
  int min_gap_ms = 100;             // a retry closer than this to its predecessor is immediate
  int burst_limit = 3;              // kNoBurst: most attempts allowed within the window
};

// Bounds applied to the built-in scenarios (flags; tests shorten them).
struct ScenarioSettings {
  int timeout_ms = 30'000;
  int client_timeout_ms = 5'000;
};

// The built-in scenarios, in the order they run.
std::vector<Scenario> builtin_scenarios(const ScenarioSettings& settings);

// The fault specs the provider runs with: `faults`, plus the first byte
// delay when first_byte_after_bound.
std::vector<std::string> provider_faults(const Scenario& s);

// Checks the numbers and fault specs of a scenario; the error names the
// field ("timeout_ms: must be 100..3600000").
std::optional<std::string> validate(const Scenario& s);

}  // namespace readygate::probe
