#include "base/random.h"

#include <gtest/gtest.h>

namespace readygate {
namespace {

TEST(SeededRandom, SameSeedGivesSameSequence) {
  SeededRandom a(42), b(42);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(a.next_u64(), b.next_u64());
}

TEST(SeededRandom, DifferentSeedsDiffer) {
  SeededRandom a(1), b(2);
  EXPECT_NE(a.next_u64(), b.next_u64());
}

TEST(SeededRandom, Uniform01StaysInHalfOpenRange) {
  SeededRandom r(7);
  for (int i = 0; i < 10000; ++i) {
    const double v = r.uniform01();
    ASSERT_GE(v, 0.0);
    ASSERT_LT(v, 1.0);
  }
}

TEST(SeededRandom, BelowCoversRangeAndStaysBelow) {
  SeededRandom r(9);
  bool seen[5] = {};
  for (int i = 0; i < 1000; ++i) {
    const auto v = r.below(5);
    ASSERT_LT(v, 5u);
    seen[v] = true;
  }
  for (bool s : seen) EXPECT_TRUE(s);
  EXPECT_EQ(r.below(0), 0u);
}

}  // namespace
}  // namespace readygate
