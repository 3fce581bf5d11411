#include "evidence/sqlite_store.h"

#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <limits>
#include <memory>
#include <utility>

#include "base/http_date.h"

namespace readygate::evidence {
namespace {

struct Migration {
  int version;
  const char* sql;
};

// Append-only: a released migration is never edited; a change is a new one.
constexpr Migration kMigrations[] = {
    {1, R"sql(
CREATE TABLE evidence (
  request_id TEXT PRIMARY KEY,
  run_id TEXT NOT NULL,
  environment TEXT NOT NULL,
  api_surface TEXT NOT NULL,
  upstream_surface TEXT NOT NULL,
  status_family TEXT NOT NULL,
  status INTEGER NOT NULL,
  retry_count INTEGER NOT NULL,
  fallback_decision TEXT NOT NULL,
  response_shape_observed TEXT NOT NULL,
  evidence_link TEXT NOT NULL,
  operator_initials TEXT NOT NULL,
  follow_up_needed INTEGER NOT NULL,
  chain TEXT NOT NULL,
  route_used TEXT NOT NULL,
  stream INTEGER NOT NULL,
  ts TEXT NOT NULL,
  ts_ms INTEGER NOT NULL,
  total_ms INTEGER NOT NULL,
  config_fingerprint TEXT NOT NULL,
  record_json TEXT NOT NULL
);
CREATE INDEX evidence_run_id ON evidence(run_id);
CREATE INDEX evidence_ts_ms ON evidence(ts_ms);
CREATE INDEX evidence_route_used ON evidence(route_used);
CREATE TABLE evidence_drops (
  ts TEXT NOT NULL,
  ts_ms INTEGER NOT NULL,
  count INTEGER NOT NULL,
  dropped_total INTEGER NOT NULL
);
)sql"},
    {2, R"sql(
CREATE TABLE review_steps (
  run_id TEXT NOT NULL,
  step INTEGER NOT NULL,
  route TEXT NOT NULL,
  check_key TEXT NOT NULL,
  outcome TEXT NOT NULL,
  route_fingerprint TEXT NOT NULL,
  config_fingerprint TEXT NOT NULL,
  chain TEXT NOT NULL,
  environment TEXT NOT NULL,
  request_id TEXT NOT NULL,
  summary TEXT NOT NULL,
  ts TEXT NOT NULL,
  ts_ms INTEGER NOT NULL,
  PRIMARY KEY (run_id, step)
);
CREATE INDEX review_steps_route ON review_steps(route);
)sql"},
};
static_assert(static_cast<int>(std::size(kMigrations)) == SqliteStore::kLatestSchemaVersion);

constexpr char kInsertRecord[] = R"sql(
INSERT OR REPLACE INTO evidence (
  request_id, run_id, environment, api_surface, upstream_surface, status_family, status,
  retry_count, fallback_decision, response_shape_observed, evidence_link, operator_initials,
  follow_up_needed, chain, route_used, stream, ts, ts_ms, total_ms, config_fingerprint,
  record_json)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19,
        ?20, ?21))sql";

constexpr char kInsertDrop[] =
    "INSERT INTO evidence_drops (ts, ts_ms, count, dropped_total) VALUES (?1, ?2, ?3, ?4)";

struct StmtDeleter {
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};
using Stmt = std::unique_ptr<sqlite3_stmt, StmtDeleter>;

// Null on failure; sqlite3_errmsg(db) says why.
Stmt prepare(sqlite3* db, const std::string& sql) {
  sqlite3_stmt* s = nullptr;
  sqlite3_prepare_v2(db, sql.c_str(), static_cast<int>(sql.size()), &s, nullptr);
  return Stmt(s);
}

int64_t epoch_ms(WallTime t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

int64_t clamp_to_int64(uint64_t v) {
  return static_cast<int64_t>(std::min<uint64_t>(v, std::numeric_limits<int64_t>::max()));
}

void bind_text(sqlite3_stmt* s, int i, const std::string& v) {
  sqlite3_bind_text(s, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
}

std::string column_text(sqlite3_stmt* s, int i) {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s, i));
  return p == nullptr ? std::string() : std::string(p, sqlite3_column_bytes(s, i));
}

// A filter's WHERE clause and the values it binds, in order.
struct Where {
  std::string sql;
  std::vector<std::string> text;
  std::vector<int64_t> ints;  // bound after `text`
};

Where where_clause(const EvidenceFilter& f, bool records) {
  Where w;
  auto add_text = [&](const char* column, const std::string& v) {
    if (v.empty()) return;
    w.sql += w.sql.empty() ? " WHERE " : " AND ";
    w.sql += column;
    w.sql += " = ?";
    w.text.push_back(v);
  };
  if (records) {
    add_text("run_id", f.run_id);
    add_text("route_used", f.route);
    add_text("api_surface", f.surface);
    add_text("status_family", f.status_family);
  }
  if (f.since_ms) {
    w.sql += w.sql.empty() ? " WHERE " : " AND ";
    w.sql += "ts_ms >= ?";
    w.ints.push_back(*f.since_ms);
  }
  if (f.until_ms) {
    w.sql += w.sql.empty() ? " WHERE " : " AND ";
    w.sql += "ts_ms < ?";
    w.ints.push_back(*f.until_ms);
  }
  return w;
}

int bind_where(sqlite3_stmt* s, const Where& w) {
  int i = 1;
  for (const auto& t : w.text) bind_text(s, i++, t);
  for (int64_t v : w.ints) sqlite3_bind_int64(s, i++, v);
  return i;
}

}  // namespace

std::expected<std::unique_ptr<SqliteStore>, std::string> SqliteStore::open(const std::string& path,
                                                                           OpenMode mode) {
  if (mode == OpenMode::kExisting && !std::filesystem::exists(path))
    return std::unexpected("evidence store " + path + " does not exist");
  int flags = SQLITE_OPEN_READWRITE;
  if (mode == OpenMode::kCreate) flags |= SQLITE_OPEN_CREATE;
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = "cannot open evidence store " + path + ": " +
                      (db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
    sqlite3_close_v2(db);
    return std::unexpected(std::move(msg));
  }
  std::unique_ptr<SqliteStore> store(new SqliteStore(db, path));
  if (auto ok = store->configure(); !ok) return std::unexpected(ok.error());
  if (auto ok = store->migrate(); !ok) return std::unexpected(ok.error());
  if (auto ok = store->prepare_writes(); !ok) return std::unexpected(ok.error());
  return store;
}

SqliteStore::SqliteStore(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}

SqliteStore::~SqliteStore() {
  sqlite3_finalize(insert_record_);
  sqlite3_finalize(insert_drop_);
  // The last connection to close checkpoints the WAL into the main file.
  sqlite3_close_v2(db_);
}

std::string SqliteStore::error(const std::string& what) const {
  return "evidence store " + path_ + ": " + what + ": " + sqlite3_errmsg(db_);
}

std::expected<void, std::string> SqliteStore::exec(const char* sql) {
  if (sqlite3_exec(db_, sql, nullptr, nullptr, nullptr) != SQLITE_OK)
    return std::unexpected(error(std::string("cannot run ") + std::string(sql).substr(0, 40)));
  return {};
}

std::expected<void, std::string> SqliteStore::configure() {
  // Set first: enabling WAL itself may wait on another connection's lock.
  sqlite3_busy_timeout(db_, kBusyTimeoutMs);
  sqlite3_extended_result_codes(db_, 1);
  Stmt wal = prepare(db_, "PRAGMA journal_mode=WAL");
  if (!wal || sqlite3_step(wal.get()) != SQLITE_ROW)
    return std::unexpected(error("cannot enable WAL"));
  const std::string mode = column_text(wal.get(), 0);
  if (mode != "wal")
    return std::unexpected("evidence store " + path_ + ": journal mode is " + mode +
                           ", not wal (the file system may not support WAL)");
  // In WAL mode NORMAL survives a process crash; only a power loss can undo
  // the last commits. Evidence is not worth an fsync per batch.
  return exec("PRAGMA synchronous=NORMAL");
}

std::expected<void, std::string> SqliteStore::migrate() {
  // IMMEDIATE takes the write lock before reading the version, so two
  // openers cannot both decide to apply the same migration.
  if (auto ok = exec("BEGIN IMMEDIATE"); !ok) return ok;
  auto fail = [&](std::string msg) -> std::expected<void, std::string> {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    return std::unexpected(std::move(msg));
  };
  if (auto ok = exec("CREATE TABLE IF NOT EXISTS schema_migrations ("
                     "version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)");
      !ok)
    return fail(ok.error());
  Stmt current = prepare(db_, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
  if (!current || sqlite3_step(current.get()) != SQLITE_ROW)
    return fail(error("cannot read the schema version"));
  const int version = sqlite3_column_int(current.get(), 0);
  current.reset();
  if (version > kLatestSchemaVersion)
    return fail("evidence store " + path_ + ": schema version " + std::to_string(version) +
                " is newer than this readygate understands (" +
                std::to_string(kLatestSchemaVersion) + ")");
  for (const Migration& m : kMigrations) {
    if (m.version <= version) continue;
    if (sqlite3_exec(db_, m.sql, nullptr, nullptr, nullptr) != SQLITE_OK)
      return fail(error("migration " + std::to_string(m.version) + " failed"));
    const std::string now = format_rfc3339_ms(std::chrono::system_clock::now());
    Stmt record = prepare(db_, "INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)");
    if (!record) return fail(error("cannot record migration"));
    sqlite3_bind_int(record.get(), 1, m.version);
    bind_text(record.get(), 2, now);
    if (sqlite3_step(record.get()) != SQLITE_DONE) return fail(error("cannot record migration"));
  }
  if (auto ok = exec("COMMIT"); !ok) return fail(ok.error());
  return {};
}

std::expected<void, std::string> SqliteStore::prepare_writes() {
  if (sqlite3_prepare_v3(db_, kInsertRecord, -1, SQLITE_PREPARE_PERSISTENT, &insert_record_,
                         nullptr) != SQLITE_OK ||
      sqlite3_prepare_v3(db_, kInsertDrop, -1, SQLITE_PREPARE_PERSISTENT, &insert_drop_, nullptr) !=
          SQLITE_OK)
    return std::unexpected(error("cannot prepare inserts"));
  return {};
}

std::expected<void, std::string> SqliteStore::insert_batch(std::span<const EvidenceRecord> records,
                                                           std::optional<DropReport> drops) {
  if (records.empty() && !drops) return {};
  if (auto ok = exec("BEGIN IMMEDIATE"); !ok) return ok;
  auto fail = [&](const std::string& what) -> std::expected<void, std::string> {
    std::string msg = error(what);
    sqlite3_reset(insert_record_);
    sqlite3_reset(insert_drop_);
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    return std::unexpected(std::move(msg));
  };
  sqlite3_stmt* s = insert_record_;
  for (const EvidenceRecord& r : records) {
    bind_text(s, 1, r.request_id);
    bind_text(s, 2, r.run_id);
    bind_text(s, 3, r.environment);
    bind_text(s, 4, r.api_surface);
    bind_text(s, 5, r.upstream_surface);
    bind_text(s, 6, r.status_family);
    sqlite3_bind_int(s, 7, r.status);
    sqlite3_bind_int(s, 8, r.retry_count);
    bind_text(s, 9, r.fallback_decision);
    bind_text(s, 10, r.response_shape_observed);
    bind_text(s, 11, r.evidence_link);
    bind_text(s, 12, r.operator_initials);
    sqlite3_bind_int(s, 13, r.follow_up_needed ? 1 : 0);
    bind_text(s, 14, r.chain);
    bind_text(s, 15, r.route_used);
    sqlite3_bind_int(s, 16, r.stream ? 1 : 0);
    bind_text(s, 17, format_rfc3339_ms(r.timestamp));
    sqlite3_bind_int64(s, 18, epoch_ms(r.timestamp));
    sqlite3_bind_int64(s, 19, r.total_ms);
    bind_text(s, 20, r.config_fingerprint);
    bind_text(s, 21, to_json(r));
    if (sqlite3_step(s) != SQLITE_DONE) return fail("cannot insert record " + r.request_id);
    sqlite3_reset(s);
  }
  if (drops) {
    bind_text(insert_drop_, 1, format_rfc3339_ms(drops->at));
    sqlite3_bind_int64(insert_drop_, 2, epoch_ms(drops->at));
    sqlite3_bind_int64(insert_drop_, 3, clamp_to_int64(drops->count));
    sqlite3_bind_int64(insert_drop_, 4, clamp_to_int64(drops->total));
    if (sqlite3_step(insert_drop_) != SQLITE_DONE) return fail("cannot insert drop report");
    sqlite3_reset(insert_drop_);
  }
  if (sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK)
    return fail("cannot commit");
  return {};
}

std::expected<std::vector<std::string>, std::string> SqliteStore::query(
    const EvidenceFilter& filter) {
  const Where w = where_clause(filter, /*records=*/true);
  // Newest first so LIMIT keeps the latest matches; reversed below.
  const std::string sql =
      "SELECT record_json FROM evidence" + w.sql + " ORDER BY ts_ms DESC, rowid DESC LIMIT ?";
  Stmt s = prepare(db_, sql);
  if (!s) return std::unexpected(error("cannot prepare query"));
  const int next = bind_where(s.get(), w);
  sqlite3_bind_int64(s.get(), next, filter.limit == 0 ? -1 : clamp_to_int64(filter.limit));
  std::vector<std::string> out;
  int rc;
  while ((rc = sqlite3_step(s.get())) == SQLITE_ROW) out.push_back(column_text(s.get(), 0));
  if (rc != SQLITE_DONE) return std::unexpected(error("query failed"));
  std::reverse(out.begin(), out.end());
  return out;
}

std::expected<std::optional<std::string>, std::string> SqliteStore::get(
    const std::string& request_id) {
  Stmt s = prepare(db_, "SELECT record_json FROM evidence WHERE request_id = ?");
  if (!s) return std::unexpected(error("cannot prepare get"));
  bind_text(s.get(), 1, request_id);
  const int rc = sqlite3_step(s.get());
  if (rc == SQLITE_ROW) return column_text(s.get(), 0);
  if (rc == SQLITE_DONE) return std::nullopt;
  return std::unexpected(error("get failed"));
}

std::expected<uint64_t, std::string> SqliteStore::dropped_total(const EvidenceFilter& filter) {
  const Where w = where_clause(filter, /*records=*/false);
  const std::string sql = "SELECT COALESCE(SUM(count), 0) FROM evidence_drops" + w.sql;
  Stmt s = prepare(db_, sql);
  if (!s) return std::unexpected(error("cannot prepare drop query"));
  bind_where(s.get(), w);
  if (sqlite3_step(s.get()) != SQLITE_ROW) return std::unexpected(error("drop query failed"));
  return static_cast<uint64_t>(std::max<int64_t>(0, sqlite3_column_int64(s.get(), 0)));
}

std::expected<void, std::string> SqliteStore::insert_review_steps(
    std::span<const ReviewStepRow> rows) {
  if (rows.empty()) return {};
  Stmt s = prepare(db_,
                   "INSERT OR REPLACE INTO review_steps (run_id, step, route, check_key, outcome, "
                   "route_fingerprint, config_fingerprint, chain, environment, request_id, "
                   "summary, ts, ts_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, "
                   "?13)");
  if (!s) return std::unexpected(error("cannot prepare review insert"));
  if (auto ok = exec("BEGIN IMMEDIATE"); !ok) return ok;
  for (const ReviewStepRow& r : rows) {
    bind_text(s.get(), 1, r.run_id);
    sqlite3_bind_int(s.get(), 2, r.step);
    bind_text(s.get(), 3, r.route);
    bind_text(s.get(), 4, r.check);
    bind_text(s.get(), 5, r.outcome);
    bind_text(s.get(), 6, r.route_fingerprint);
    bind_text(s.get(), 7, r.config_fingerprint);
    bind_text(s.get(), 8, r.chain);
    bind_text(s.get(), 9, r.environment);
    bind_text(s.get(), 10, r.request_id);
    bind_text(s.get(), 11, r.summary);
    bind_text(s.get(), 12, format_rfc3339_ms(r.timestamp));
    sqlite3_bind_int64(s.get(), 13, epoch_ms(r.timestamp));
    if (sqlite3_step(s.get()) != SQLITE_DONE) {
      std::string msg = error("cannot insert review step " + std::to_string(r.step));
      sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
      return std::unexpected(std::move(msg));
    }
    sqlite3_reset(s.get());
  }
  return exec("COMMIT");
}

std::expected<std::vector<ReviewStepRow>, std::string> SqliteStore::review_steps(
    const std::string& run_id) {
  Stmt s = prepare(db_, std::string("SELECT run_id, step, route, check_key, outcome, "
                                    "route_fingerprint, config_fingerprint, chain, environment, "
                                    "request_id, summary, ts_ms FROM review_steps") +
                            (run_id.empty() ? "" : " WHERE run_id = ?1") +
                            " ORDER BY ts_ms, run_id, step");
  if (!s) return std::unexpected(error("cannot prepare review query"));
  if (!run_id.empty()) bind_text(s.get(), 1, run_id);
  std::vector<ReviewStepRow> out;
  int rc;
  while ((rc = sqlite3_step(s.get())) == SQLITE_ROW) {
    ReviewStepRow r;
    r.run_id = column_text(s.get(), 0);
    r.step = sqlite3_column_int(s.get(), 1);
    r.route = column_text(s.get(), 2);
    r.check = column_text(s.get(), 3);
    r.outcome = column_text(s.get(), 4);
    r.route_fingerprint = column_text(s.get(), 5);
    r.config_fingerprint = column_text(s.get(), 6);
    r.chain = column_text(s.get(), 7);
    r.environment = column_text(s.get(), 8);
    r.request_id = column_text(s.get(), 9);
    r.summary = column_text(s.get(), 10);
    r.timestamp = WallTime(std::chrono::milliseconds(sqlite3_column_int64(s.get(), 11)));
    out.push_back(std::move(r));
  }
  if (rc != SQLITE_DONE) return std::unexpected(error("review query failed"));
  return out;
}

std::expected<std::string, std::string> SqliteStore::journal_mode() {
  Stmt s = prepare(db_, "PRAGMA journal_mode");
  if (!s || sqlite3_step(s.get()) != SQLITE_ROW)
    return std::unexpected(error("cannot read journal_mode"));
  return column_text(s.get(), 0);
}

std::expected<std::vector<int>, std::string> SqliteStore::applied_migrations() {
  Stmt s = prepare(db_, "SELECT version FROM schema_migrations ORDER BY version");
  if (!s) return std::unexpected(error("cannot read schema_migrations"));
  std::vector<int> out;
  int rc;
  while ((rc = sqlite3_step(s.get())) == SQLITE_ROW) out.push_back(sqlite3_column_int(s.get(), 0));
  if (rc != SQLITE_DONE) return std::unexpected(error("cannot read schema_migrations"));
  return out;
}

}  // namespace readygate::evidence
