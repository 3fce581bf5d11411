// Scripted faults for the built-in provider. Pure: parsing and selection
// only; the server acts on the chosen FaultAction.
//
// A fault is an action (what goes wrong) plus a trigger (which requests):
//   --fault 'unavailable,first=2'           the first 2 completion requests get 503
//   --fault 'rate_limit,retry_after=1,probability=0.2'
//   x-readygate-fault: unavailable,times=2  per logical request (see header_fault)
// and from a YAML script (see FaultScript::from_yaml).
#pragma once

#include <cstdint>
#include <expected>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/random.h"
#include "contract/surface.h"

namespace readygate::mock {

enum class FaultKind {
  kNone,           // only delays
  kStatus,         // an error status with headers and body
  kReset,          // connection reset (before headers, or after N stream events)
  kTruncate,       // stream ends without its terminal after N events; JSON cut mid-body
  kStreamError,    // a mid-stream error event after N events
  kMalformedJson,  // 200 with a body (or an event) that is not JSON
  kHtml,           // an HTML page with `status` (200 or 301)
  kDrift,          // a 200 answer with required fields removed or renamed
};

std::string_view fault_kind_name(FaultKind k);

struct FaultAction {
  std::string name;  // preset or rule name, for the request log
  FaultKind kind = FaultKind::kNone;
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string error_type;
  std::string error_code;
  std::string message;
  std::optional<std::string> body;       // raw body instead of the default error body
  int retry_after_date_s = -1;           // >= 0: Retry-After as an HTTP-date this far ahead
  int delay_ms = 0;                      // before the response head
  int event_delay_ms = -1;               // between stream events; -1: the server's default
  int after_events = 3;                  // for kReset mid-stream, kTruncate, kStreamError
  bool reset_before_headers = true;      // kReset: before headers unless after_events was set
  std::vector<std::string> drift_remove;                          // dotted paths
  std::vector<std::pair<std::string, std::string>> drift_rename;  // path -> new key name
  bool drift_extra = false;                                        // add an undocumented field
};

struct FaultTrigger {
  enum class Mode { kAlways, kFirst, kRequests, kEvery, kProbability, kFrom };
  Mode mode = Mode::kAlways;
  uint64_t n = 0;                   // first N / every N / from N
  std::vector<uint64_t> requests;   // 1-based request numbers
  double probability = 0;
  std::optional<contract::Surface> surface;  // only this surface
};

struct FaultRule {
  FaultAction action;
  FaultTrigger trigger;
};

// Parses "PRESET[,key=value]..." into a rule. Keys: status, retry_after,
// retry_after_ms, retry_after_date, should_retry, type, code, message,
// delay_ms, event_delay_ms, after_events, remove, rename (from:to), extra,
// header (name:value); triggers first, requests (a|b|c), every, from,
// probability, surface (chat|responses), times (header faults only).
// `named` resolves rule names from a script before presets.
struct ParsedSpec {
  FaultRule rule;
  std::optional<uint64_t> times;  // header faults: apply to the first N requests of the id
};
std::expected<ParsedSpec, std::string> parse_fault_spec(
    std::string_view spec, const std::map<std::string, FaultAction, std::less<>>* named = nullptr);

// The preset names with a one-line description and an example each, for --help.
struct PresetDoc {
  std::string_view name;
  std::string_view what;
  std::string_view example;
};
const std::vector<PresetDoc>& preset_docs();

// A set of rules plus the state needed to choose among them. Thread-safe.
class FaultPlan {
 public:
  FaultPlan(std::vector<FaultRule> rules, std::map<std::string, FaultAction, std::less<>> named,
            uint64_t seed);

  // Loads a YAML script:
  //   seed: 7
  //   faults:
  //     - preset: unavailable          # or: name: my_fault, status: 503, headers: {...}
  //       first: 2                     # trigger: first | requests | every | from | probability
  //       surface: chat
  // Named entries (`name:` with no trigger) can be picked by the request header.
  // Errors name the YAML path ("faults[1].status: expected an integer").
  static std::expected<std::unique_ptr<FaultPlan>, std::string> from_yaml_file(const std::string& path,
                                                              std::vector<FaultRule> extra,
                                                              uint64_t seed);

  // Chooses the fault for one completion request. `header_spec` is the
  // x-readygate-fault value (empty if absent), `header_id` the
  // x-readygate-fault-id value (the logical request; defaults to the spec).
  // Returns the 1-based request number and the action, if any; a bad header
  // spec comes back as an error for a 400.
  struct Choice {
    uint64_t request_number = 0;
    std::optional<FaultAction> action;
  };
  std::expected<Choice, std::string> choose(contract::Surface surface,
                                            std::string_view header_spec,
                                            std::string_view header_id);

  size_t rule_count() const { return rules_.size(); }

 private:
  std::mutex mu_;
  std::vector<FaultRule> rules_;
  std::map<std::string, FaultAction, std::less<>> named_;
  SeededRandom rng_;
  uint64_t count_ = 0;
  std::map<std::string, uint64_t, std::less<>> header_counts_;  // bounded, see choose()
};

}  // namespace readygate::mock
