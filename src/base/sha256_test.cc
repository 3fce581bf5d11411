#include "base/sha256.h"

#include <gtest/gtest.h>

namespace readygate {
namespace {

TEST(Sha256, KnownVectors) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Sha256, SaltChangesTheHash) {
  EXPECT_EQ(salted_sha256_hex("s", "abc"), sha256_hex("sabc"));
  EXPECT_NE(salted_sha256_hex("s1", "abc"), salted_sha256_hex("s2", "abc"));
}

}  // namespace
}  // namespace readygate
