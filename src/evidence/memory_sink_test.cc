#include "evidence/memory_sink.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace readygate::evidence {
namespace {

TEST(MemorySink, KeepsSubmittedRecordsInOrder) {
  MemorySink sink;
  for (int i = 0; i < 3; ++i) sink.submit(EvidenceRecord{.run_id = std::to_string(i)});
  const auto records = sink.records();
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[2].run_id, "2");
  EXPECT_EQ(sink.dropped(), 0u);
}

TEST(MemorySink, CountsDropsBeyondCapacity) {
  MemorySink sink(2);
  for (int i = 0; i < 5; ++i) sink.submit(EvidenceRecord{});
  EXPECT_EQ(sink.size(), 2u);
  EXPECT_EQ(sink.dropped(), 3u);
}

TEST(MemorySink, AcceptsSubmitsFromManyThreads) {
  MemorySink sink;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 250; ++i) sink.submit(EvidenceRecord{});
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(sink.size(), 1000u);
}

}  // namespace
}  // namespace readygate::evidence
