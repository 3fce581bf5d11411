#include "metrics/label_sanitizer.h"

#include <gtest/gtest.h>

namespace readygate::metrics {
namespace {

TEST(LabelSanitizer, RedactsSecretKeys) {
  EXPECT_EQ(redact_credentials("sk-abcdefgh"), kRedacted);
  EXPECT_EQ(redact_credentials("sk-proj-Abc123_xyz-987"), kRedacted);
  EXPECT_EQ(redact_credentials("sk-ant-api03-abcdefghijk"), kRedacted);
  EXPECT_EQ(redact_credentials("key=sk-abcdefgh12"), kRedacted);
}

TEST(LabelSanitizer, RedactsBearerInAnyCase) {
  EXPECT_EQ(redact_credentials("Bearer abc"), kRedacted);
  EXPECT_EQ(redact_credentials("authorization: bearer x"), kRedacted);
  EXPECT_EQ(redact_credentials("BEARER token"), kRedacted);
}

TEST(LabelSanitizer, KeepsOrdinaryValues) {
  EXPECT_EQ(redact_credentials("gpt-4o-mini"), "gpt-4o-mini");
  EXPECT_EQ(redact_credentials("sk-short"), "sk-short");            // 5 token chars
  EXPECT_EQ(redact_credentials("task-12345678"), "task-12345678");  // not a word start
  EXPECT_EQ(redact_credentials("bearer"), "bearer");
  EXPECT_EQ(redact_credentials(""), "");
}

}  // namespace
}  // namespace readygate::metrics
