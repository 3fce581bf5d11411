#include "gateway/sanitize.h"

#include <gtest/gtest.h>

namespace readygate::gateway {
namespace {

TEST(SanitizeText, RedactsKeysAndBearerTokens) {
  EXPECT_EQ(sanitize_text("Incorrect API key provided: sk-canary-1234567890abcdef."),
            "Incorrect API key provided: [redacted].");
  EXPECT_EQ(sanitize_text("header was Bearer abc.def-ghi ok"), "header was Bearer [redacted] ok");
  EXPECT_EQ(sanitize_text("task-sk-notakey"), "task-sk-notakey");
}

TEST(SanitizeText, BoundsLengthAndControlCharacters) {
  EXPECT_EQ(sanitize_text("a\nb\tc"), "a b c");
  EXPECT_EQ(sanitize_text(std::string(500, 'x'), 10), std::string(10, 'x') + "...");
}

TEST(ProviderMessage, ReadsErrorMessageOnly) {
  EXPECT_EQ(provider_message(R"({"error":{"message":"bad key sk-live-abcdef123456","type":"x"}})"),
            "bad key [redacted]");
  EXPECT_EQ(provider_message("<html>oops</html>"), "");
  EXPECT_EQ(provider_message(R"({"detail":"no"})"), "");
}

}  // namespace
}  // namespace readygate::gateway
