// SqliteStore: the default EvidenceStore, one SQLite database file in WAL
// mode (readers never block the writer, and a crash of the process loses no
// committed batch).
//
// Schema: versioned migrations, recorded in schema_migrations(version,
// applied_at). open() applies the missing ones inside one IMMEDIATE
// transaction, so concurrent openers (a gateway and a CLI) serialise and each
// migration runs exactly once; a database from a newer readygate is refused.
// Migration 1 creates
//   evidence(request_id PRIMARY KEY, the ten seed fields, upstream_surface,
//            status, chain, route_used, stream, ts (RFC 3339 ms), ts_ms,
//            total_ms, config_fingerprint, record_json = to_json())
//   evidence_drops(ts, ts_ms, count, dropped_total)
// with indexes on run_id, ts_ms and route_used. Migration 2 adds
//   review_steps(run_id, step, route, check_key, outcome, route_fingerprint,
//                config_fingerprint, chain, environment, request_id, summary,
//                ts, ts_ms; PRIMARY KEY (run_id, step))
// for `readygate review` results (review_rows.h). record_json is the record;
// the other columns are copies for filtering.
//
// Ownership: the store owns its connection; closed by the destructor.
// Thread-safety: none (see EvidenceStore).
#pragma once

#include <expected>
#include <memory>
#include <string>
#include <vector>

#include "evidence/evidence_store.h"

struct sqlite3;
struct sqlite3_stmt;

namespace readygate::evidence {

enum class OpenMode {
  kCreate,    // create the file if missing (writers)
  kExisting,  // fail if the file is missing (readers: a typo is not an empty store)
};

class SqliteStore final : public EvidenceStore {
 public:
  // The schema version this build writes; open() migrates up to it.
  static constexpr int kLatestSchemaVersion = 2;
  // How long a statement waits for another connection's lock.
  static constexpr int kBusyTimeoutMs = 5000;

  // Opens `path`, enables WAL (an error if the file system cannot do WAL),
  // sets busy_timeout and synchronous=NORMAL, and migrates. Errors name the
  // path.
  static std::expected<std::unique_ptr<SqliteStore>, std::string> open(
      const std::string& path, OpenMode mode = OpenMode::kCreate);
  ~SqliteStore() override;
  SqliteStore(const SqliteStore&) = delete;
  SqliteStore& operator=(const SqliteStore&) = delete;

  std::expected<void, std::string> insert_batch(std::span<const EvidenceRecord> records,
                                                std::optional<DropReport> drops) override;
  std::expected<std::vector<std::string>, std::string> query(const EvidenceFilter& filter) override;
  std::expected<std::optional<std::string>, std::string> get(
      const std::string& request_id) override;
  std::expected<uint64_t, std::string> dropped_total(const EvidenceFilter& filter) override;
  std::expected<void, std::string> insert_review_steps(
      std::span<const ReviewStepRow> rows) override;
  std::expected<std::vector<ReviewStepRow>, std::string> review_steps(
      const std::string& run_id) override;

  // Inspection, for tests and diagnostics.
  std::expected<std::string, std::string> journal_mode();
  // Versions in schema_migrations, one entry per row, ascending.
  std::expected<std::vector<int>, std::string> applied_migrations();

  const std::string& path() const { return path_; }

 private:
  SqliteStore(sqlite3* db, std::string path);
  std::expected<void, std::string> configure();
  std::expected<void, std::string> migrate();
  std::expected<void, std::string> prepare_writes();
  std::expected<void, std::string> exec(const char* sql);
  std::string error(const std::string& what) const;

  sqlite3* db_;
  std::string path_;
  sqlite3_stmt* insert_record_ = nullptr;  // prepared once, reused per batch
  sqlite3_stmt* insert_drop_ = nullptr;
};

}  // namespace readygate::evidence
