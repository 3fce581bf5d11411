#include "evidence/jsonl_file_sink.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "base/sha256.h"

namespace readygate::evidence {
namespace {

using nlohmann::json;

// A fresh path per test, removed afterwards.
class JsonlFileSinkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = std::filesystem::temp_directory_path() /
            ("readygate_evidence_" + std::to_string(::getpid()) + "_" + info->name() + ".jsonl");
    std::filesystem::remove(path_);
  }
  void TearDown() override { std::filesystem::remove(path_); }

  std::unique_ptr<JsonlFileSink> open(size_t capacity) {
    auto sink = JsonlFileSink::open(path_.string(), capacity);
    EXPECT_TRUE(sink.has_value()) << sink.error();
    return std::move(*sink);
  }

  std::vector<std::string> lines() const {
    std::ifstream in(path_);
    std::vector<std::string> out;
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
  }

  static EvidenceRecord record(int i) {
    return EvidenceRecord{.run_id = "run", .request_id = "rg-" + std::to_string(i)};
  }

  std::filesystem::path path_;
};

TEST_F(JsonlFileSinkTest, WritesOneParseableLinePerSubmit) {
  auto sink = open(64);
  for (int i = 0; i < 10; ++i) sink->submit(record(i));
  sink->flush();
  EXPECT_EQ(sink->written(), 10u);
  const auto got = lines();
  ASSERT_EQ(got.size(), 10u);
  for (int i = 0; i < 10; ++i) {
    const json j = json::parse(got[i]);
    EXPECT_EQ(j["request_id"], "rg-" + std::to_string(i));
    EXPECT_EQ(j["run_id"], "run");
  }
}

// Without flush(): the writer finds records itself, whether it was asleep
// (the first submit must wake it) or napping between busy batches (submit
// does not notify it then). A lost wake-up would leave a record queued
// forever; the wait below is a bound on that, not a timing assertion.
TEST_F(JsonlFileSinkTest, RecordsReachTheFileWithoutFlushAfterIdleAndWhileBusy) {
  auto sink = open(64);
  auto wait_written = [&](uint64_t n) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (sink->written() < n && std::chrono::steady_clock::now() < deadline)
      std::this_thread::yield();
    return sink->written();
  };
  sink->submit(record(0));  // writer asleep since open
  EXPECT_EQ(wait_written(1), 1u);
  for (int i = 1; i <= 20; ++i) {  // back to back: most land while it naps
    sink->submit(record(i));
    if (i % 5 == 0) {
      EXPECT_EQ(wait_written(i + 1), static_cast<uint64_t>(i + 1));
    }
  }
  EXPECT_EQ(wait_written(21), 21u);
  EXPECT_EQ(lines().size(), 21u);
}

TEST_F(JsonlFileSinkTest, FullQueueCountsDropsInsteadOfBlocking) {
  auto sink = open(1);
  sink->pause_writer_for_test();
  for (int i = 0; i < 5; ++i) sink->submit(record(i));
  EXPECT_EQ(sink->dropped(), 4u);
  EXPECT_EQ(sink->written(), 0u);
  sink->resume_writer_for_test();
  sink->flush();
  EXPECT_EQ(sink->written(), 1u);
  const auto got = lines();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(json::parse(got[0])["request_id"], "rg-0");
  const json report = json::parse(got[1]);
  EXPECT_EQ(report["type"], "evidence_dropped");
  EXPECT_EQ(report["dropped"], 4);
  EXPECT_EQ(report["dropped_total"], 4);
}

TEST_F(JsonlFileSinkTest, DropReportCountsOnlyNewDropsEachTime) {
  auto sink = open(1);
  sink->pause_writer_for_test();
  sink->submit(record(0));
  sink->submit(record(1));
  sink->flush();
  sink->submit(record(2));
  sink->submit(record(3));
  sink->submit(record(4));
  sink->flush();
  const auto got = lines();
  ASSERT_EQ(got.size(), 4u);
  EXPECT_EQ(json::parse(got[1])["dropped"], 1);
  EXPECT_EQ(json::parse(got[3])["dropped"], 2);
  EXPECT_EQ(json::parse(got[3])["dropped_total"], 3);
}

TEST_F(JsonlFileSinkTest, FlushCompletesWhilePaused) {
  auto sink = open(8);
  sink->pause_writer_for_test();
  sink->submit(record(0));
  sink->flush();
  EXPECT_EQ(sink->written(), 1u);
}

TEST_F(JsonlFileSinkTest, DestructorDrainsEveryAcceptedRecord) {
  {
    auto sink = open(16);
    sink->pause_writer_for_test();
    for (int i = 0; i < 7; ++i) sink->submit(record(i));
    EXPECT_EQ(sink->written(), 0u);
  }
  EXPECT_EQ(lines().size(), 7u);
}

TEST_F(JsonlFileSinkTest, SubmitAfterCloseIsCountedAsDropped) {
  auto sink = open(4);
  sink->submit(record(0));
  sink->close();
  sink->submit(record(1));
  EXPECT_EQ(sink->written(), 1u);
  EXPECT_EQ(sink->dropped(), 1u);
}

TEST_F(JsonlFileSinkTest, WrittenPlusDroppedEqualsSubmitsUnderConcurrency) {
  auto sink = open(8);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 500; ++i) sink->submit(record(i));
    });
  for (auto& t : threads) t.join();
  sink->close();
  EXPECT_EQ(sink->written() + sink->dropped(), 2000u);
  size_t evidence_lines = 0;
  for (const auto& line : lines()) {
    const json j = json::parse(line);
    if (!j.contains("type")) ++evidence_lines;
  }
  EXPECT_EQ(evidence_lines, sink->written());
}

TEST_F(JsonlFileSinkTest, AppendsToAnExistingFile) {
  open(4)->submit(record(0));
  open(4)->submit(record(1));
  EXPECT_EQ(lines().size(), 2u);
}

TEST_F(JsonlFileSinkTest, FileNeverHoldsThePromptText) {
  auto sink = open(4);
  EvidenceRecord r = record(0);
  r.request_hash = salted_sha256_hex("salt", "canary prompt");
  sink->submit(std::move(r));
  sink->close();
  std::ifstream in(path_);
  const std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(all.find("canary prompt"), std::string::npos);
}

TEST(JsonlFileSinkOpen, ZeroCapacityIsAnError) {
  EXPECT_FALSE(JsonlFileSink::open("/tmp/unused.jsonl", 0).has_value());
}

TEST(JsonlFileSinkOpen, UnwritablePathIsAnErrorNamingThePath) {
  auto sink = JsonlFileSink::open("/nonexistent-dir/x.jsonl", 4);
  ASSERT_FALSE(sink.has_value());
  EXPECT_NE(sink.error().find("/nonexistent-dir/x.jsonl"), std::string::npos);
}

}  // namespace
}  // namespace readygate::evidence
