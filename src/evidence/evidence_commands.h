// The logic of `readygate evidence list|show|export`, writing to streams so
// tests call it without a process; src/cli only registers flags. Flags
// arrive as typed; every validation error names its flag.
//
// Exit codes: 0 found (list and export also when nothing matched), 1 no
// such record (show), 2 usage or store error. Data goes to `out`; errors and
// notes (drops in the range, where an export went) go to `err`.
//
// Thread-safety: pure functions over their arguments.
#pragma once

#include <cstdint>
#include <expected>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>

#include "base/clock.h"
#include "evidence/evidence_store.h"

namespace readygate::evidence {

inline constexpr char kDefaultStorePath[] = "readygate-evidence.db";

inline constexpr int kExitFound = 0;
inline constexpr int kExitNotFound = 1;
inline constexpr int kExitUsage = 2;

struct EvidenceQueryFlags {
  std::string store = kDefaultStorePath;  // --store
  std::string run;                        // --run
  std::string route;                      // --route
  std::string surface;                    // --surface chat_completions|responses
  std::string status;                     // --status 2xx|4xx|5xx|transport (1xx, 3xx too)
  std::string since;                      // --since RFC 3339 or YYYY-MM-DD (UTC)
  std::optional<int64_t> since_minutes;   // --since-minutes N: the last N minutes
  std::string until;                      // --until, exclusive
  std::optional<int64_t> limit;           // --limit N: the latest N matches
  bool json = false;                      // list --json: one JSON array
  bool jsonl = false;                     // list --jsonl: one record a line
  std::string out;                        // export --out FILE; empty: `out`
};

// "2026-01-31T12:00:00Z", with optional fraction (milliseconds kept) and a
// Z or +HH:MM/-HH:MM offset ('t', 'z' and a space for 'T' accepted); or a
// bare date, meaning its midnight UTC.
std::optional<WallTime> parse_rfc3339(std::string_view s);

// Validates the filter flags; `now` anchors --since-minutes.
std::expected<EvidenceFilter, std::string> filter_from_flags(const EvidenceQueryFlags& flags,
                                                             WallTime now);

// A table (request_id, ts, surface, route, status, retries, shape,
// fallback), or a JSON array (--json), or JSONL (--jsonl); oldest first.
int evidence_list(const EvidenceQueryFlags& flags, WallTime now, std::ostream& out,
                  std::ostream& err);

// The record, pretty-printed JSON.
int evidence_show(const std::string& store, const std::string& request_id, std::ostream& out,
                  std::ostream& err);

// JSONL of the matching records to flags.out (written whole, then renamed
// into place) or to `out`.
int evidence_export(const EvidenceQueryFlags& flags, WallTime now, std::ostream& out,
                    std::ostream& err);

}  // namespace readygate::evidence
