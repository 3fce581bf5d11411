// PostgresStore: the fleet EvidenceStore, one PostgreSQL database reached by
// a libpq URL (postgresql://user@host:port/db?sslmode=...). Many gateways
// may write to one database.
//
// Schema: the same versioned migrations as SqliteStore (schema_migrations,
// evidence, evidence_drops, same columns), applied by open() inside one
// transaction holding an advisory lock, so concurrent openers migrate once;
// a database from a newer readygate is refused. evidence has one extra
// column, seq (an identity, renewed when a record is rewritten), that orders
// records of equal timestamp by insertion, as SQLite's rowid does.
//
// A lost connection is re-established before the next operation. Error
// messages carry the URL with any password masked, never the password.
//
// Ownership: the store owns its connection; closed by the destructor.
// Thread-safety: none (see EvidenceStore).
#pragma once

#include <expected>
#include <memory>
#include <string>
#include <vector>

#include "evidence/evidence_store.h"
#include "evidence/postgres_text.h"

struct pg_conn;

namespace readygate::evidence {

class PostgresStore final : public EvidenceStore {
 public:
  static constexpr int kLatestSchemaVersion = 2;
  // Connection attempts give up after this long.
  static constexpr int kConnectTimeoutSeconds = 10;

  // Connects to `url` (postgresql:// or postgres://) and migrates.
  static std::expected<std::unique_ptr<PostgresStore>, std::string> open(const std::string& url);
  ~PostgresStore() override;
  PostgresStore(const PostgresStore&) = delete;
  PostgresStore& operator=(const PostgresStore&) = delete;

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

  // Versions in schema_migrations, one entry per row, ascending.
  std::expected<std::vector<int>, std::string> applied_migrations();

  // The URL as it may be shown: the password, if any, replaced by "***".
  const std::string& display_url() const { return display_url_; }

 private:
  PostgresStore(pg_conn* conn, std::string display_url);
  std::expected<void, std::string> migrate();
  std::expected<void, std::string> prepare_writes();
  std::expected<void, std::string> ensure_connected();
  std::expected<void, std::string> exec(const char* sql);
  std::string error(const std::string& what) const;

  pg_conn* conn_;
  std::string display_url_;
};

}  // namespace readygate::evidence
