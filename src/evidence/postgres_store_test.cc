#include "evidence/postgres_store.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "evidence/evidence_commands.h"
#include "evidence/postgres_server_for_test.h"
#include "evidence/store_factory.h"
#include "evidence/store_sink.h"

namespace readygate::evidence {
namespace {

using nlohmann::json;

constexpr int64_t kBaseMs = 1'767'225'600'000LL;  // 2026-01-01T00:00:00Z

WallTime at(int64_t ms) { return WallTime(std::chrono::milliseconds(kBaseMs + ms)); }

EvidenceRecord record(const std::string& id, int64_t ms = 0) {
  EvidenceRecord r;
  r.request_id = id;
  r.run_id = "run-a";
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

// Each test gets a fresh database on the process's server.
class PostgresStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string why;
    server_ = PostgresServerForTest::instance(why);
    if (server_ == nullptr) GTEST_SKIP() << "no local PostgreSQL: " << why;
    url_ = server_->create_database();
    store_ = open();
  }

  std::unique_ptr<PostgresStore> open() {
    auto store = PostgresStore::open(url_);
    EXPECT_TRUE(store.has_value()) << store.error();
    return store ? std::move(*store) : nullptr;
  }

  void insert(std::vector<EvidenceRecord> records) {
    auto ok = store_->insert_batch(records, std::nullopt);
    ASSERT_TRUE(ok.has_value()) << ok.error();
  }

  std::vector<std::string> query_ids(const EvidenceFilter& f) {
    auto got = store_->query(f);
    EXPECT_TRUE(got.has_value()) << got.error();
    return got ? ids(*got) : std::vector<std::string>{};
  }

  PostgresServerForTest* server_ = nullptr;
  std::string url_;
  std::unique_ptr<PostgresStore> store_;
};

TEST_F(PostgresStoreTest, MigrationsRunOnceAndReopenIsIdempotent) {
  store_.reset();
  for (int i = 0; i < 3; ++i) EXPECT_EQ(*open()->applied_migrations(), (std::vector<int>{1, 2}));
}

TEST_F(PostgresStoreTest, ConcurrentOpenersMigrateExactlyOnce) {
  const std::string fresh = server_->create_database();
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i)
    threads.emplace_back([&] {
      if (!PostgresStore::open(fresh)) ++failures;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(*(*PostgresStore::open(fresh))->applied_migrations(), (std::vector<int>{1, 2}));
}

TEST_F(PostgresStoreTest, GetReturnsTheRecordJson) {
  auto r = record("rg-1");
  r.retry_count = 2;
  r.follow_up_needed = true;
  insert({r});
  auto got = store_->get("rg-1");
  ASSERT_TRUE(got.has_value()) << got.error();
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ(**got, to_json(r));
  EXPECT_FALSE(store_->get("nope")->has_value());
}

TEST_F(PostgresStoreTest, ARewrittenRequestIdReplacesTheRecordAndSortsAsNew) {
  insert({record("a"), record("b")});
  auto a = record("a");
  a.follow_up_needed = true;
  insert({a});
  const auto all = *store_->query({});
  ASSERT_EQ(ids(all), (std::vector<std::string>{"b", "a"}));
  EXPECT_EQ(json::parse(all.back())["follow_up_needed"], true);
}

TEST_F(PostgresStoreTest, QueryAppliesEachFilterAndTheLimit) {
  auto b = record("b", 1000);
  b.run_id = "run-b";
  auto c = record("c", 2000);
  c.route_used = "backup";
  auto d = record("d", 3000);
  d.api_surface = "responses";
  auto e = record("e", 4000);
  e.status = 0;
  e.status_family = "transport";
  insert({record("a", 0), b, c, d, e});
  EXPECT_EQ(query_ids({}), (std::vector<std::string>{"a", "b", "c", "d", "e"}));
  EXPECT_EQ(query_ids({.run_id = "run-b"}), std::vector<std::string>{"b"});
  EXPECT_EQ(query_ids({.route = "backup"}), std::vector<std::string>{"c"});
  EXPECT_EQ(query_ids({.surface = "responses"}), std::vector<std::string>{"d"});
  EXPECT_EQ(query_ids({.status_family = "transport"}), std::vector<std::string>{"e"});
  EXPECT_EQ(query_ids({.since_ms = kBaseMs + 1000, .until_ms = kBaseMs + 3000}),
            (std::vector<std::string>{"b", "c"}));
  EXPECT_EQ(query_ids({.limit = 2}), (std::vector<std::string>{"d", "e"}));
  EXPECT_TRUE(query_ids({.run_id = "x' OR '1'='1"}).empty());
}

TEST_F(PostgresStoreTest, TextThatIsNotUtf8IsStoredReplacedNotRejected) {
  auto r = record("rg-bad");
  r.chain = std::string("model\xff\0x", 8);
  insert({r});
  EXPECT_TRUE(store_->get("rg-bad")->has_value());
}

TEST_F(PostgresStoreTest, DropReportsAreStoredAndSummedByTime) {
  ASSERT_TRUE(store_->insert_batch({}, DropReport{at(100), 3, 3}).has_value());
  ASSERT_TRUE(store_->insert_batch({}, DropReport{at(200), 4, 7}).has_value());
  EXPECT_EQ(*store_->dropped_total({}), 7u);
  EXPECT_EQ(*store_->dropped_total({.since_ms = kBaseMs + 150}), 4u);
}

TEST_F(PostgresStoreTest, SinkFromAPostgresqlUrlWritesRecordsAndDropRows) {
  auto sink = StoreSink::create(open(), {.capacity = 2});
  ASSERT_TRUE(sink.has_value()) << sink.error();
  (*sink)->pause_writer_for_test();
  for (int i = 0; i < 5; ++i) (*sink)->submit(record("rg-" + std::to_string(i), i));
  (*sink)->flush();
  EXPECT_EQ((*sink)->written(), 2u);
  EXPECT_EQ(store_->query({})->size(), 2u);
  EXPECT_EQ(*store_->dropped_total({}), 3u);
}

TEST_F(PostgresStoreTest, OpenSinkAcceptsThePostgresqlUrl) {
  auto sink = open_sink(url_, 16);
  ASSERT_TRUE(sink.has_value()) << sink.error();
  (*sink)->submit(record("rg-1"));
  (*sink)->flush();
  EXPECT_TRUE(store_->get("rg-1")->has_value());
}

TEST_F(PostgresStoreTest, CliListsAPostgresqlStore) {
  insert({record("rg-1"), record("rg-2", 1)});
  std::ostringstream out, err;
  EvidenceQueryFlags flags{.store = url_, .jsonl = true};
  ASSERT_EQ(evidence_list(flags, at(0), out, err), kExitFound) << err.str();
  EXPECT_EQ(out.str(), *store_->get("rg-1").value() + "\n" + *store_->get("rg-2").value() + "\n");
}

TEST(PostgresStoreOpen, AnUnreachableServerIsAnErrorWithoutThePassword) {
  auto store = PostgresStore::open(
      "postgresql://readygate:hunter2@/db?host=/nonexistent-socket-dir&connect_timeout=1");
  ASSERT_FALSE(store.has_value());
  EXPECT_EQ(store.error().find("hunter2"), std::string::npos) << store.error();
  EXPECT_NE(store.error().find("readygate:***@"), std::string::npos) << store.error();
}

TEST(MaskUrlPassword, MasksTheUserinfoPasswordAndThePasswordParameter) {
  EXPECT_EQ(mask_url_password("postgresql://u:secret@h:5432/db"), "postgresql://u:***@h:5432/db");
  EXPECT_EQ(mask_url_password("postgresql://u:p@ss@h/db"), "postgresql://u:***@h/db");
  EXPECT_EQ(mask_url_password("postgresql://h/db?user=u&password=secret&sslmode=require"),
            "postgresql://h/db?user=u&password=***&sslmode=require");
  EXPECT_EQ(mask_url_password("postgresql://u@h:5432/db"), "postgresql://u@h:5432/db");
  EXPECT_EQ(mask_url_password("postgresql:///db?host=/tmp"), "postgresql:///db?host=/tmp");
}

TEST(CleanText, KeepsValidUtf8AndReplacesEachBadByteAndNul) {
  EXPECT_EQ(clean_text("gpt-4o \xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80"),
            "gpt-4o \xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80");
  EXPECT_EQ(clean_text(std::string("a\xFF"
                                   "b\0c",
                                   5)),
            "a\xEF\xBF\xBD"
            "b\xEF\xBF\xBD"
            "c");
  EXPECT_EQ(clean_text("\xC3"), "\xEF\xBF\xBD");  // truncated sequence
  EXPECT_EQ(clean_text("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // surrogate
}

TEST_F(PostgresStoreTest, ReviewStepsRoundTripAndReplace) {
  std::vector<ReviewStepRow> rows;
  for (int i = 1; i <= 2; ++i) {
    ReviewStepRow r;
    r.run_id = "review-1";
    r.step = i;
    r.route = "fallback";
    r.check = i == 1 ? "happy_path" : "streaming";
    r.outcome = "pass";
    r.route_fingerprint = "fp";
    r.summary = "200, 1 attempt";
    r.timestamp = at(i);
    rows.push_back(r);
  }
  ASSERT_TRUE(store_->insert_review_steps(rows).has_value());
  rows[1].outcome = "fail";
  ASSERT_TRUE(store_->insert_review_steps(std::span(rows).subspan(1)).has_value());
  auto got = store_->review_steps("review-1");
  ASSERT_TRUE(got.has_value()) << got.error();
  ASSERT_EQ(got->size(), 2u);
  EXPECT_EQ((*got)[0].check, "happy_path");
  EXPECT_EQ((*got)[1].outcome, "fail");
  EXPECT_EQ((*got)[1].timestamp, at(2));
  EXPECT_TRUE(store_->review_steps("other")->empty());
}

}  // namespace
}  // namespace readygate::evidence
