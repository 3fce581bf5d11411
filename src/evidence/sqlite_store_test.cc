#include "evidence/sqlite_store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "evidence/temp_dir_for_test.h"

namespace readygate::evidence {
namespace {

using nlohmann::json;

// 2026-01-01T00:00:00Z plus `ms`.
WallTime at(int64_t ms) { return WallTime(std::chrono::milliseconds(1'767'225'600'000LL + ms)); }
int64_t at_ms(int64_t ms) { return 1'767'225'600'000LL + ms; }

EvidenceRecord record(const std::string& id, int64_t ms = 0) {
  EvidenceRecord r;
  r.request_id = id;
  r.run_id = "run-a";
  r.environment = "test";
  r.api_surface = "chat_completions";
  r.route_used = "primary";
  r.status = 200;
  r.status_family = status_family(r.status);
  r.timestamp = at(ms);
  return r;
}

std::vector<std::string> ids(const std::vector<std::string>& records) {
  std::vector<std::string> out;
  for (const auto& r : records) out.push_back(json::parse(r)["request_id"]);
  return out;
}

class SqliteStoreTest : public ::testing::Test {
 protected:
  std::unique_ptr<SqliteStore> open() {
    auto store = SqliteStore::open(path_);
    EXPECT_TRUE(store.has_value()) << store.error();
    return store ? std::move(*store) : nullptr;
  }

  void insert(SqliteStore& store, std::vector<EvidenceRecord> records) {
    auto ok = store.insert_batch(records, std::nullopt);
    ASSERT_TRUE(ok.has_value()) << ok.error();
  }

  std::vector<std::string> query_ids(const EvidenceFilter& f) {
    auto got = store_->query(f);
    EXPECT_TRUE(got.has_value()) << got.error();
    return got ? ids(*got) : std::vector<std::string>{};
  }

  // Five records across runs, routes, surfaces, statuses and time.
  void seed() {
    auto b = record("b", 1000);
    b.run_id = "run-b";
    auto c = record("c", 2000);
    c.route_used = "backup";
    c.fallback_decision = "fallback:backup";
    auto d = record("d", 3000);
    d.api_surface = "responses";
    auto e = record("e", 4000);
    e.status = 0;
    e.status_family = status_family(0);
    auto f = record("f", 5000);
    f.status = 503;
    f.status_family = status_family(503);
    insert(*store_, {record("a", 0), b, c, d, e, f});
  }

  void SetUp() override { store_ = open(); }

  TempDir dir_;
  std::string path_ = dir_.file("evidence.db");
  std::unique_ptr<SqliteStore> store_;
};

TEST_F(SqliteStoreTest, MigrationsRunOnceAndReopenIsIdempotent) {
  store_.reset();
  for (int i = 0; i < 3; ++i) {
    auto store = open();
    auto versions = store->applied_migrations();
    ASSERT_TRUE(versions.has_value()) << versions.error();
    EXPECT_EQ(*versions, (std::vector<int>{1, 2}));
  }
}

TEST_F(SqliteStoreTest, ReopenKeepsStoredRecords) {
  insert(*store_, {record("a")});
  store_.reset();
  auto got = open()->get("a");
  ASSERT_TRUE(got.has_value());
  EXPECT_TRUE(got->has_value());
}

TEST_F(SqliteStoreTest, ConcurrentOpenersMigrateExactlyOnce) {
  const std::string fresh = dir_.file("fresh.db");
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int i = 0; i < 4; ++i)
    threads.emplace_back([&] {
      if (!SqliteStore::open(fresh)) ++failures;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(*(*SqliteStore::open(fresh))->applied_migrations(), (std::vector<int>{1, 2}));
}

TEST_F(SqliteStoreTest, WalModeIsOn) {
  auto mode = store_->journal_mode();
  ASSERT_TRUE(mode.has_value()) << mode.error();
  EXPECT_EQ(*mode, "wal");
}

TEST_F(SqliteStoreTest, RefusesADatabaseFromANewerReadygate) {
  store_.reset();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "INSERT INTO schema_migrations VALUES (99, 'later')", nullptr, nullptr,
                         nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  auto store = SqliteStore::open(path_);
  ASSERT_FALSE(store.has_value());
  EXPECT_NE(store.error().find("newer"), std::string::npos) << store.error();
}

TEST_F(SqliteStoreTest, ExistingModeDoesNotCreateAMissingFile) {
  const std::string missing = dir_.file("missing.db");
  auto store = SqliteStore::open(missing, OpenMode::kExisting);
  ASSERT_FALSE(store.has_value());
  EXPECT_NE(store.error().find(missing), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(missing));
}

TEST_F(SqliteStoreTest, AFileThatIsNotADatabaseIsAnErrorNamingThePath) {
  const std::string text = dir_.file("notes.db");
  std::ofstream(text) << "this is not a database, just some text long enough to matter\n";
  auto store = SqliteStore::open(text);
  ASSERT_FALSE(store.has_value());
  EXPECT_NE(store.error().find(text), std::string::npos);
}

TEST_F(SqliteStoreTest, GetReturnsTheRecordJson) {
  auto r = record("rg-1");
  r.retry_count = 2;
  insert(*store_, {r});
  auto got = store_->get("rg-1");
  ASSERT_TRUE(got.has_value()) << got.error();
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ(**got, to_json(r));
}

TEST_F(SqliteStoreTest, GetOfAnUnknownIdIsEmpty) {
  auto got = store_->get("nope");
  ASSERT_TRUE(got.has_value());
  EXPECT_FALSE(got->has_value());
}

TEST_F(SqliteStoreTest, ColumnsCopyTheRecordForFiltering) {
  auto r = record("rg-1", 1234);
  r.follow_up_needed = true;
  r.total_ms = 77;
  insert(*store_, {r});
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* s = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db,
                               "SELECT ts, ts_ms, follow_up_needed, total_ms, status_family "
                               "FROM evidence WHERE request_id = 'rg-1'",
                               -1, &s, nullptr),
            SQLITE_OK);
  ASSERT_EQ(sqlite3_step(s), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(s, 0)),
               "2026-01-01T00:00:01.234Z");
  EXPECT_EQ(sqlite3_column_int64(s, 1), at_ms(1234));
  EXPECT_EQ(sqlite3_column_int(s, 2), 1);
  EXPECT_EQ(sqlite3_column_int(s, 3), 77);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(s, 4)), "2xx");
  sqlite3_finalize(s);
  sqlite3_close(db);
}

TEST_F(SqliteStoreTest, ARewrittenRequestIdReplacesTheRecord) {
  auto r = record("rg-1");
  insert(*store_, {r});
  r.follow_up_needed = true;
  insert(*store_, {r});
  auto all = store_->query({});
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ(json::parse(all->front())["follow_up_needed"], true);
}

TEST_F(SqliteStoreTest, QueryReturnsEverythingOldestFirst) {
  insert(*store_, {record("late", 50), record("early", 10), record("mid", 30)});
  EXPECT_EQ(query_ids({}), (std::vector<std::string>{"early", "mid", "late"}));
}

TEST_F(SqliteStoreTest, QueryFiltersByRun) {
  seed();
  EXPECT_EQ(query_ids({.run_id = "run-b"}), std::vector<std::string>{"b"});
}

TEST_F(SqliteStoreTest, QueryFiltersByRouteUsed) {
  seed();
  EXPECT_EQ(query_ids({.route = "backup"}), std::vector<std::string>{"c"});
}

TEST_F(SqliteStoreTest, QueryFiltersBySurface) {
  seed();
  EXPECT_EQ(query_ids({.surface = "responses"}), std::vector<std::string>{"d"});
}

TEST_F(SqliteStoreTest, QueryFiltersByStatusFamily) {
  seed();
  EXPECT_EQ(query_ids({.status_family = "transport"}), std::vector<std::string>{"e"});
  EXPECT_EQ(query_ids({.status_family = "5xx"}), std::vector<std::string>{"f"});
}

TEST_F(SqliteStoreTest, QueryTimeRangeIncludesSinceAndExcludesUntil) {
  seed();
  EXPECT_EQ(query_ids({.since_ms = at_ms(1000), .until_ms = at_ms(3000)}),
            (std::vector<std::string>{"b", "c"}));
}

TEST_F(SqliteStoreTest, QueryLimitKeepsTheLatestMatchesOldestFirst) {
  seed();
  EXPECT_EQ(query_ids({.limit = 2}), (std::vector<std::string>{"e", "f"}));
}

TEST_F(SqliteStoreTest, QueryFiltersCombine) {
  seed();
  EXPECT_EQ(query_ids({.run_id = "run-a",
                       .surface = "chat_completions",
                       .since_ms = at_ms(2000),
                       .until_ms = at_ms(5000)}),
            (std::vector<std::string>{"c", "e"}));
}

TEST_F(SqliteStoreTest, FilterValuesAreBoundNotSpliced) {
  seed();
  EXPECT_TRUE(query_ids({.run_id = "x' OR '1'='1"}).empty());
}

TEST_F(SqliteStoreTest, DropReportsAreStoredAndSummedByTime) {
  auto ok = store_->insert_batch({}, DropReport{at(100), 3, 3});
  ASSERT_TRUE(ok.has_value()) << ok.error();
  ok = store_->insert_batch({}, DropReport{at(200), 4, 7});
  ASSERT_TRUE(ok.has_value()) << ok.error();
  EXPECT_EQ(*store_->dropped_total({}), 7u);
  EXPECT_EQ(*store_->dropped_total({.since_ms = at_ms(150)}), 4u);
  EXPECT_EQ(*store_->dropped_total({.until_ms = at_ms(150)}), 3u);
}

TEST_F(SqliteStoreTest, ASecondConnectionSeesCommittedBatches) {
  auto reader = open();
  insert(*store_, {record("a"), record("b", 1)});
  EXPECT_EQ(reader->query({})->size(), 2u);
}

}  // namespace
}  // namespace readygate::evidence
