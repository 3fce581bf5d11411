#include "evidence/store_sink.h"

#include <gtest/gtest.h>

#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "base/sha256.h"
#include "evidence/sqlite_store.h"
#include "evidence/temp_dir_for_test.h"

namespace readygate::evidence {
namespace {

using namespace std::chrono_literals;

EvidenceRecord record(int i) {
  return EvidenceRecord{.run_id = "run", .request_id = "rg-" + std::to_string(i)};
}

// A store that keeps what it is given, and fails the batches it is told to.
class FakeStore final : public EvidenceStore {
 public:
  struct Log {
    std::mutex mu;
    std::vector<size_t> batch_sizes;
    std::vector<DropReport> drops;
    int fail_next = 0;
  };
  explicit FakeStore(std::shared_ptr<Log> log) : log_(std::move(log)) {}

  std::expected<void, std::string> insert_batch(std::span<const EvidenceRecord> records,
                                                std::optional<DropReport> drops) override {
    std::lock_guard lock(log_->mu);
    if (log_->fail_next > 0) {
      --log_->fail_next;
      return std::unexpected("disk full");
    }
    log_->batch_sizes.push_back(records.size());
    if (drops) log_->drops.push_back(*drops);
    return {};
  }
  std::expected<std::vector<std::string>, std::string> query(const EvidenceFilter&) override {
    return std::vector<std::string>{};
  }
  std::expected<std::optional<std::string>, std::string> get(const std::string&) override {
    return std::nullopt;
  }
  std::expected<uint64_t, std::string> dropped_total(const EvidenceFilter&) override { return 0; }

 private:
  std::shared_ptr<Log> log_;
};

class StoreSinkTest : public ::testing::Test {
 protected:
  std::unique_ptr<StoreSink> open(StoreSinkOptions options) {
    auto store = SqliteStore::open(path_);
    EXPECT_TRUE(store.has_value()) << store.error();
    auto sink = StoreSink::create(std::move(*store), options, clock_);
    EXPECT_TRUE(sink.has_value()) << sink.error();
    return std::move(*sink);
  }
  std::unique_ptr<StoreSink> open_fake(StoreSinkOptions options) {
    auto sink = StoreSink::create(std::make_unique<FakeStore>(log_), options, clock_);
    EXPECT_TRUE(sink.has_value()) << sink.error();
    return std::move(*sink);
  }
  // A second connection, as `readygate evidence` would open.
  std::unique_ptr<SqliteStore> reader() {
    auto store = SqliteStore::open(path_, OpenMode::kExisting);
    EXPECT_TRUE(store.has_value()) << store.error();
    return std::move(*store);
  }

  FakeClock clock_;
  TempDir dir_;
  std::string path_ = dir_.file("evidence.db");
  std::shared_ptr<FakeStore::Log> log_ = std::make_shared<FakeStore::Log>();
};

TEST_F(StoreSinkTest, WritesNRecordsForNSubmits) {
  auto sink = open({.capacity = 64});
  for (int i = 0; i < 20; ++i) sink->submit(record(i));
  sink->flush();
  EXPECT_EQ(sink->written(), 20u);
  EXPECT_EQ(sink->dropped(), 0u);
  EXPECT_EQ(reader()->query({})->size(), 20u);
}

TEST_F(StoreSinkTest, FlushMakesRecordsVisibleToASecondConnectionWithoutWaitingForTheLinger) {
  auto sink = open({.capacity = 64, .max_linger = std::chrono::hours(1)});
  auto other = reader();
  for (int i = 0; i < 3; ++i) sink->submit(record(i));
  sink->flush();
  EXPECT_EQ(other->query({})->size(), 3u);
}

TEST_F(StoreSinkTest, AFullBatchCommitsWithoutAFlush) {
  auto sink = open({.capacity = 64, .max_batch = 3, .max_linger = std::chrono::hours(1)});
  for (int i = 0; i < 3; ++i) sink->submit(record(i));
  // Waits on the condition, not on a fixed delay; the linger is an hour.
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (sink->written() < 3 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(1ms);
  EXPECT_EQ(sink->written(), 3u);
}

TEST_F(StoreSinkTest, FullQueueCountsDropsAndPersistsADropRow) {
  auto sink = open({.capacity = 1});
  sink->pause_writer_for_test();
  for (int i = 0; i < 5; ++i) sink->submit(record(i));
  EXPECT_EQ(sink->dropped(), 4u);
  EXPECT_EQ(sink->written(), 0u);
  sink->resume_writer_for_test();
  sink->flush();
  EXPECT_EQ(sink->written(), 1u);
  auto other = reader();
  EXPECT_EQ(other->query({})->size(), 1u);
  EXPECT_EQ(*other->dropped_total({}), 4u);
}

TEST_F(StoreSinkTest, DropReportCarriesTheClockTimeAndOnlyNewDrops) {
  auto sink = open_fake({.capacity = 1});
  sink->pause_writer_for_test();
  sink->submit(record(0));
  sink->submit(record(1));
  sink->flush();
  clock_.advance(5s);
  sink->submit(record(2));
  sink->submit(record(3));
  sink->submit(record(4));
  sink->flush();
  std::lock_guard lock(log_->mu);
  ASSERT_EQ(log_->drops.size(), 2u);
  EXPECT_EQ(log_->drops[0].count, 1u);
  EXPECT_EQ(log_->drops[1].count, 2u);
  EXPECT_EQ(log_->drops[1].total, 3u);
  EXPECT_EQ(log_->drops[1].at - log_->drops[0].at, 5s);
}

TEST_F(StoreSinkTest, AFailedBatchIsCountedAndReportedWithTheNextCommit) {
  log_->fail_next = 1;
  // Lingering an hour keeps both records in the one batch that fails.
  auto sink = open_fake({.capacity = 8, .max_linger = std::chrono::hours(1)});
  sink->submit(record(0));
  sink->submit(record(1));
  sink->flush();
  EXPECT_EQ(sink->dropped(), 2u);
  EXPECT_EQ(sink->last_error(), "disk full");
  sink->submit(record(2));
  sink->flush();
  EXPECT_EQ(sink->written(), 1u);
  std::lock_guard lock(log_->mu);
  ASSERT_EQ(log_->drops.size(), 1u);
  EXPECT_EQ(log_->drops[0].count, 2u);
}

TEST_F(StoreSinkTest, ADrainSplitsIntoTransactionsOfMaxBatch) {
  auto sink = open_fake({.capacity = 8, .max_batch = 2});
  sink->pause_writer_for_test();
  for (int i = 0; i < 5; ++i) sink->submit(record(i));
  sink->flush();
  std::lock_guard lock(log_->mu);
  EXPECT_EQ(log_->batch_sizes, (std::vector<size_t>{2, 2, 1}));
}

TEST_F(StoreSinkTest, FlushCompletesWhilePaused) {
  auto sink = open({.capacity = 8});
  sink->pause_writer_for_test();
  sink->submit(record(0));
  sink->flush();
  EXPECT_EQ(sink->written(), 1u);
}

TEST_F(StoreSinkTest, DestructorDrainsEveryAcceptedRecord) {
  {
    auto sink = open({.capacity = 16});
    sink->pause_writer_for_test();
    for (int i = 0; i < 7; ++i) sink->submit(record(i));
    EXPECT_EQ(sink->written(), 0u);
  }
  EXPECT_EQ(reader()->query({})->size(), 7u);
}

TEST_F(StoreSinkTest, SubmitAfterCloseIsCountedAsDropped) {
  auto sink = open({.capacity = 4});
  sink->submit(record(0));
  sink->close();
  sink->submit(record(1));
  EXPECT_EQ(sink->written(), 1u);
  EXPECT_EQ(sink->dropped(), 1u);
}

TEST_F(StoreSinkTest, WrittenPlusDroppedEqualsSubmitsUnderConcurrency) {
  auto sink = open({.capacity = 8, .max_batch = 4});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 250; ++i) sink->submit(record(t * 1000 + i));
    });
  for (auto& t : threads) t.join();
  sink->close();
  EXPECT_EQ(sink->written() + sink->dropped(), 1000u);
  auto other = reader();
  EXPECT_EQ(other->query({})->size(), sink->written());
  EXPECT_EQ(*other->dropped_total({}), sink->dropped());
}

TEST_F(StoreSinkTest, DatabaseFilesNeverHoldThePromptText) {
  auto sink = open({.capacity = 4});
  EvidenceRecord r = record(0);
  r.request_bytes = 18;
  r.request_hash = salted_sha256_hex("salt", "canary prompt text");
  sink->submit(std::move(r));
  sink->flush();
  // Checked while the WAL still holds the batch, then after the checkpoint.
  EXPECT_EQ(dir_.all_bytes().find("canary prompt text"), std::string::npos);
  sink->close();
  const std::string bytes = dir_.all_bytes();
  EXPECT_NE(bytes.find("rg-0"), std::string::npos);  // the record is there
  EXPECT_EQ(bytes.find("canary prompt text"), std::string::npos);
}

TEST(StoreSinkCreate, ZeroCapacityIsAnError) {
  EXPECT_FALSE(StoreSink::create(std::make_unique<FakeStore>(std::make_shared<FakeStore::Log>()),
                                 {.capacity = 0})
                   .has_value());
}

TEST(StoreSinkCreate, ZeroBatchSizeIsAnError) {
  EXPECT_FALSE(StoreSink::create(std::make_unique<FakeStore>(std::make_shared<FakeStore::Log>()),
                                 {.max_batch = 0})
                   .has_value());
}

TEST(StoreSinkCreate, MissingStoreIsAnError) {
  EXPECT_FALSE(StoreSink::create(nullptr, {}).has_value());
}

}  // namespace
}  // namespace readygate::evidence
