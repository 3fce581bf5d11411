// EvidenceStore: a queryable home for EvidenceRecords (SQLite by default).
// Writers reach it through StoreSink, which batches off the hot path; the
// `readygate evidence` commands and `review` read it directly.
//
// A store holds one connection. It is not thread-safe: one thread at a time
// (StoreSink's writer thread, or a CLI command) uses an instance. Several
// instances, in one process or many, may share one database.
#pragma once

#include <cstdint>
#include <expected>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "base/clock.h"
#include "evidence/evidence_record.h"
#include "evidence/review_rows.h"

namespace readygate::evidence {

// Which records a query returns. Empty strings and absent bounds match all.
struct EvidenceFilter {
  std::string run_id;
  std::string route;                // matches route_used
  std::string surface;              // matches api_surface (the client's surface)
  std::string status_family;        // "2xx".."5xx", "transport"
  std::optional<int64_t> since_ms;  // inclusive, Unix epoch milliseconds
  std::optional<int64_t> until_ms;  // exclusive
  size_t limit = 0;                 // 0: no limit; else the latest `limit` matches
};

// Records a sink could not store, reported with the next batch it writes.
struct DropReport {
  WallTime at{};
  uint64_t count = 0;  // new since the previous report
  uint64_t total = 0;  // since the sink opened
};

class EvidenceStore {
 public:
  virtual ~EvidenceStore() = default;

  // Stores every record, and `drops` when given, in one transaction: all or
  // nothing. A record whose request_id is already stored replaces it (the
  // latest write of a record wins).
  virtual std::expected<void, std::string> insert_batch(std::span<const EvidenceRecord> records,
                                                        std::optional<DropReport> drops) = 0;

  // to_json() of each matching record, oldest first (by timestamp, then by
  // insertion). With a limit, the latest `limit` matches, still oldest first.
  virtual std::expected<std::vector<std::string>, std::string> query(
      const EvidenceFilter& filter) = 0;

  // to_json() of the record, or nullopt when no record has that id.
  virtual std::expected<std::optional<std::string>, std::string> get(
      const std::string& request_id) = 0;

  // Sum of reported drops whose report time falls in [since_ms, until_ms) of
  // `filter` (its other fields are ignored).
  virtual std::expected<uint64_t, std::string> dropped_total(const EvidenceFilter& filter) = 0;

  // Review results (review_rows.h), in one transaction. A row whose
  // (run_id, step) is already stored replaces it. Stores without review
  // tables (test fakes) return an error.
  virtual std::expected<void, std::string> insert_review_steps(
      std::span<const ReviewStepRow> rows) {
    (void)rows;
    return std::unexpected(std::string("this evidence store keeps no review results"));
  }

  // The review rows of `run_id` (every run when empty), oldest first (by
  // time, then step).
  virtual std::expected<std::vector<ReviewStepRow>, std::string> review_steps(
      const std::string& run_id) {
    (void)run_id;
    return std::unexpected(std::string("this evidence store keeps no review results"));
  }
};

}  // namespace readygate::evidence
