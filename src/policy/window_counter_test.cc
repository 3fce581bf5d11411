#include "policy/window_counter.h"

#include <gtest/gtest.h>

namespace readygate::policy {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

TEST(WindowCounter, SumsEachSeriesOverTheWindow) {
  FakeClock clock;
  WindowCounter w(3, seconds(1));
  w.add(clock.now(), 0);
  w.add(clock.now(), 1, 5);
  clock.advance(seconds(2));
  w.add(clock.now(), 0, 2);
  EXPECT_EQ(w.sum(clock.now(), 0), 3u);
  EXPECT_EQ(w.sum(clock.now(), 1), 5u);
}

TEST(WindowCounter, DropsBucketsThatLeftTheWindow) {
  FakeClock clock;
  WindowCounter w(3, seconds(1));
  w.add(clock.now(), 0, 7);
  clock.advance(seconds(3));
  EXPECT_EQ(w.sum(clock.now(), 0), 0u);
  w.add(clock.now(), 0);  // reuses the slot of the expired bucket
  EXPECT_EQ(w.sum(clock.now(), 0), 1u);
}

TEST(WindowCounter, CountsALateEventInItsOwnBucketWhileInsideTheWindow) {
  FakeClock clock;
  WindowCounter w(3, seconds(1));
  const SteadyTime earlier = clock.now();
  clock.advance(seconds(1));
  w.add(clock.now(), 0);
  w.add(earlier, 0);
  EXPECT_EQ(w.sum(clock.now(), 0), 2u);
  clock.advance(seconds(2));
  EXPECT_EQ(w.sum(clock.now(), 0), 1u);  // the earlier bucket left first
}

TEST(WindowCounter, IgnoresAnEventOlderThanTheWindow) {
  FakeClock clock;
  WindowCounter w(2, seconds(1));
  const SteadyTime old = clock.now();
  clock.advance(seconds(2));
  w.add(clock.now(), 0);
  w.add(old, 0);  // its slot now holds a newer bucket
  EXPECT_EQ(w.sum(clock.now(), 0), 1u);
}

TEST(WindowCounter, BoundsItsRingWhateverItIsAsked) {
  EXPECT_EQ(WindowCounter(0, seconds(1)).buckets(), 1);
  EXPECT_EQ(WindowCounter(1'000'000, seconds(1)).buckets(), WindowCounter::kMaxBuckets);
  EXPECT_EQ(WindowCounter(3, milliseconds(0)).bucket_width(), milliseconds(1));
}

TEST(WindowCounter, ForgetsEverythingOnClear) {
  FakeClock clock;
  WindowCounter w(3, seconds(1));
  w.add(clock.now(), 0, 4);
  w.clear();
  EXPECT_EQ(w.sum(clock.now(), 0), 0u);
}

}  // namespace
}  // namespace readygate::policy
