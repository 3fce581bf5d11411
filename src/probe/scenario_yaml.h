// Scenarios from a YAML file (`readygate probe-client --scenarios FILE`):
//
//   defaults:                      # optional, for every entry below
//     timeout_ms: 6000
//     client_timeout_ms: 500
//   scenarios:
//     - use: bad_request_400       # a built-in scenario, optionally with overrides
//     - use: slow_first_byte
//       timeout_ms: 4000
//     - name: retry_after_1s       # a new scenario
//       expect: retry_after_floor  # single_attempt | retry_then_succeed | retry_after_floor |
//                                  # no_burst | reports_failure | gives_up_in_time
//       what: 429 with Retry-After 1 once, then 200
//       faults: ["rate_limit,retry_after=1,first=1"]   # `readygate mock --fault` specs
//       retry_after_ms: 1000
//
// Entry keys: use, name, what, expect, faults, stream, first_byte_after_bound,
// timeout_ms, client_timeout_ms, retry_after_ms, max_attempts, min_gap_ms,
// burst_limit (defaults: the same keys but use/name/what/expect/faults).
// Fault specs are checked by the built-in provider's own parser. Every error
// names the file and the YAML path ("f.yaml: scenarios[2].timeout_ms: ...").
//
// Pure apart from reading the file; thread-safe.
#pragma once

#include <expected>
#include <string>
#include <vector>

#include "probe/scenario.h"

namespace readygate::probe {

// `builtins` are what `use:` refers to (already carrying the flag bounds).
std::expected<std::vector<Scenario>, std::string> load_scenarios_yaml(
    const std::string& path, const std::vector<Scenario>& builtins);

// The same from YAML text; `origin` names it in errors.
std::expected<std::vector<Scenario>, std::string> parse_scenarios_yaml(
    const std::string& text, const std::string& origin, const std::vector<Scenario>& builtins);

}  // namespace readygate::probe
