// EvidenceRecord: what readygate keeps about one client request, with one
// AttemptRecord per upstream attempt nested inside. DESIGN.md "Evidence
// record" is the contract: the ten seed fields are always present in the
// output; credentials, prompt text, completion text and customer data are
// never kept (a body is represented by its size and a salted hash only, and
// the struct has no field that could hold text of a body).
//
// Plain values: copyable, movable, no internal synchronisation.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"

namespace readygate::evidence {

// Version of the JSON written by to_json(); bumped on any incompatible change.
inline constexpr int kSchemaVersion = 1;

struct AttemptRecord {
  std::string route;
  int attempt = 1;                  // 1-based on its route
  int status = 0;                   // 0 when no HTTP status (transport error)
  std::string error_class;          // contract::error_class_name, "none" on success
  std::string transport_error;      // contract::transport_error_name or empty
  int64_t delay_before_ms = 0;      // backoff waited before this attempt
  std::string upstream_request_id;  // x-request-id from the provider
  int64_t first_byte_ms = -1;       // -1: no first byte
  int64_t total_ms = -1;            // -1: not measured
  std::string decision;             // "retry" | "fallback" | "return" | "success"
  std::string reason;               // short, no content
};

struct EvidenceRecord {
  // The ten seed fields, always present in output.
  std::string run_id;
  std::string environment;
  std::string api_surface;    // the client's surface
  std::string status_family;  // "2xx".."5xx" or "transport"; see status_family()
  int retry_count = 0;
  // "none" | "fallback:<route>" | "skipped:<route>:<reason>;..."
  std::string fallback_decision = "none";
  // documented_shape_seen | mismatch | truncated | not_checked
  std::string response_shape_observed = "not_checked";
  std::string evidence_link;
  std::string operator_initials;  // review runs
  bool follow_up_needed = false;

  std::string request_id;  // readygate's own id
  WallTime timestamp{};
  std::string chain;  // the client's model, naming the route chain
  std::vector<std::string> routes_tried;
  std::string route_used;
  std::string upstream_surface;

  std::vector<AttemptRecord> attempts;
  int status = 0;  // status sent to the client; 0 when none was sent
  bool stream = false;
  std::string stream_verdict;

  int64_t queue_ms = 0;
  int64_t first_byte_ms = -1;  // -1: no first byte reached the client
  int64_t total_ms = 0;

  std::optional<int64_t> prompt_tokens, completion_tokens, total_tokens;

  size_t request_bytes = 0;
  std::string request_hash;  // salted hash of the body, never the body

  std::vector<std::string> shape_mismatches;  // field paths only
  std::vector<std::string> shape_drift;       // field paths only

  std::string config_fingerprint;
};

// One compact JSON object on one line (no trailing newline). Key order is
// fixed: the ten seed fields first, then the rest as declared, then
// "schema_version". Latencies of -1 and absent token counts are written as
// null. Bytes that are not valid UTF-8 are replaced, so the output always
// parses. Thread-safe (pure).
std::string to_json(const EvidenceRecord& r);
// The same appended to `out` (a batch of lines built in one buffer).
void append_json(std::string& out, const EvidenceRecord& r);

// Longest text field kept in a record (bytes); longer values are cut.
inline constexpr size_t kMaxFieldBytes = 256;
// Entries kept per list field (shape_mismatches, shape_drift, routes_tried).
inline constexpr size_t kMaxListEntries = 64;

// Bounds every text field that may carry what a client or an upstream sent
// (the chain's model name, field paths of a shape mismatch, a provider's
// request id, reasons): a value over kMaxFieldBytes keeps its first bytes
// and ends "...[N bytes]" with its full length; a list over kMaxListEntries
// ends with "...[N entries]". One record's size is then bounded whatever
// its inputs were.
void bound_fields(EvidenceRecord& r);

// "1xx".."5xx" for 100..599, "transport" for 0 (no HTTP status), "unknown"
// for anything else.
std::string status_family(int status);

}  // namespace readygate::evidence
