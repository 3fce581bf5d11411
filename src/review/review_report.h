// The readiness review's results as plain data: one StepResult per step and
// route, chain-level findings, and the verdict. Everything the note, the
// evidence file and the JSON summary show comes from a ReviewReport; nothing
// in it holds a credential, a prompt or a completion.
//
// Plain values: copyable, no synchronisation.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "contract/surface.h"
#include "evidence/evidence_record.h"

namespace readygate::review {

// The six steps run for every route of the chain, in this order.
enum class StepKind {
  kHappyPath,
  kStreaming,
  kErrorCheck,
  kRetryCheck,
  kFallbackCheck,
  kShapeCheck
};
inline constexpr int kStepsPerRoute = 6;
StepKind step_kind_at(int index);  // 0..5

// "happy path", "streaming", "controlled error check", "retry check",
// "fallback check", "response shape check".
std::string_view step_title(StepKind k);
// "happy_path", "streaming", "error_check", "retry_check", "fallback_check", "shape_check".
std::string_view step_key(StepKind k);

// kReview: everything essential held, but a person should look (drift, a
// fallback only reachable through the built-in provider, ...).
enum class Outcome { kPass, kReview, kFail };
std::string_view outcome_name(Outcome o);  // "pass", "review", "fail"

struct StepResult {
  int number = 0;  // 1-based across the run
  StepKind kind = StepKind::kHappyPath;
  std::string route;
  contract::Surface surface = contract::Surface::kChatCompletions;
  Outcome outcome = Outcome::kFail;
  std::string summary;                // one short line: "401 auth, 1 attempt"
  std::vector<std::string> findings;  // why review / fail; empty on a clean pass
  std::string method;                 // how the step was done, when not the obvious way
  std::string backoff_note;           // set when steps 4-5 shortened the route's backoff
  bool via_builtin = false;           // the upstream was the built-in provider
  std::string route_fingerprint;      // config::Config::fingerprint_of_route of the reviewed route

  // Observations: empty / 0 / nullopt when not observed (a missing answer).
  int status = 0;                 // HTTP status the client got
  std::string request_family;     // surface + field names sent, never values
  std::string object_family;      // "chat.completion" / "response" / "chat.completion.chunk"
  std::string completion_status;  // finish_reason / status
  std::optional<bool> usage_present;
  std::string stream_verdict;            // contract::stream_verdict_name
  std::string error_class;               // contract::error_class_name of the upstream answer
  int upstream_attempts = 0;             // attempts the provider received on the checked route
  std::string retry_decision;            // the gateway's decision after the first attempt
  std::optional<bool> escalation_ready;  // status and upstream request id both present
  std::string upstream_request_id;
  std::vector<int64_t> planned_delays_ms;  // the gateway's backoff before retries
  std::vector<int64_t> delay_bounds_ms;    // the policy bound of each planned delay
  std::vector<int64_t> observed_gaps_ms;   // between attempts, from the provider's request log
  std::string served_by;                   // route that answered
  std::string fallback_target;
  std::vector<std::string> shape_mismatches;  // field paths only
  std::vector<std::string> shape_drift;       // field paths only

  // The sanitized record with the ten seed fields set.
  evidence::EvidenceRecord record;
};

enum class Verdict { kReady, kLimitedRollout, kKeepInStaging };
std::string_view verdict_name(Verdict v);  // "ready", "limited rollout", "keep in staging"
int exit_code_of(Verdict v);               // 0, 2, 1

// A chain-level observation that is not a step: missing docs, a chain
// without a fallback route, a credential that does not resolve.
struct Finding {
  Outcome severity = Outcome::kReview;
  std::string text;
};

struct DocRow {
  std::string route;
  std::string url;
  std::string accessed;  // YYYY-MM-DD; empty when missing
  std::string remark;    // e.g. "built-in provider run; links not fetched"
};

struct RouteSummary {
  std::string name;
  contract::Surface surface = contract::Surface::kChatCompletions;
  std::string upstream;  // scheme://host:port, or "built-in provider (loopback)"
  std::string fingerprint;
};

struct ReviewReport {
  std::string run_id;
  std::string environment;
  std::string operator_initials;
  std::string started_at;  // RFC 3339 UTC
  std::string date;        // YYYY-MM-DD (UTC)
  std::string chain;       // the client-visible model naming the chain
  std::string mode;        // "built-in provider (offline)" or "config FILE"
  bool builtin = false;
  std::string config_fingerprint;
  std::vector<RouteSummary> routes;  // chain order
  std::vector<DocRow> docs;
  std::vector<std::string> method_notes;  // how steps were done, shortened backoff, ...
  std::vector<Finding> chain_findings;
  std::vector<StepResult> steps;
  Verdict verdict = Verdict::kKeepInStaging;
  std::vector<std::string> reasons;  // why this verdict, plain language
};

}  // namespace readygate::review
