#include "sanitize/sanitize.h"

#include <gtest/gtest.h>

namespace readygate::sanitize {
namespace {

TEST(Redact, KeysBearerTokensAndCredentialHeaders) {
  EXPECT_EQ(redact("key sk-proj-abc_123. next"), "key [redacted]. next");
  EXPECT_EQ(redact("Authorization: Bearer abc.def-1"), "Authorization: Bearer [redacted]");
  EXPECT_EQ(redact("authorization: Basic dXNlcjpwYXNz\nnext"), "authorization: [redacted]\nnext");
  EXPECT_EQ(redact("x-api-key: 0123456789abcdef"), "x-api-key: [redacted]");
  EXPECT_EQ(redact(R"({"api-key":"topsecret","model":"m"})"), R"({"api-key":"[redacted]","model":"m"})");
  EXPECT_EQ(redact("Api-Key: abc def"), "Api-Key: [redacted]");
}

TEST(Redact, KeepsOrdinaryText) {
  EXPECT_EQ(redact("desk-primary task-queue task-sk-notakey"), "desk-primary task-queue task-sk-notakey");
  EXPECT_EQ(redact("the authorization step"), "the authorization step");
  EXPECT_EQ(redact("# title\n\n- item\n"), "# title\n\n- item\n");
  EXPECT_EQ(redact("sk- alone"), "sk- alone");
}

TEST(OneLine, ControlCharactersAndLength) {
  EXPECT_EQ(one_line("a\nb\tc", 100), "a b c");
  EXPECT_EQ(one_line(std::string(20, 'x'), 5), "xxxxx...");
  EXPECT_EQ(one_line("abc", 3), "abc");
}

TEST(LooksLikeCredential, TheLabelRule) {
  EXPECT_TRUE(looks_like_credential("sk-abcdefgh"));
  EXPECT_TRUE(looks_like_credential("authorization: bearer x"));
  EXPECT_FALSE(looks_like_credential("sk-short"));
  EXPECT_FALSE(looks_like_credential("task-12345678"));
  EXPECT_FALSE(looks_like_credential("gpt-4o-mini"));
}

TEST(DigestBody, SizeAndSaltedHashOnly) {
  const auto a = digest_body("salt-1", "CANARY prompt");
  const auto b = digest_body("salt-2", "CANARY prompt");
  EXPECT_EQ(a.bytes, 13u);
  EXPECT_EQ(a.salted_sha256.size(), 64u);
  EXPECT_NE(a.salted_sha256, b.salted_sha256);
  EXPECT_EQ(a.salted_sha256.find("CANARY"), std::string::npos);
}

TEST(RegisterSecret, ConfiguredCredentialsLeaveEveryWrapper) {
  EXPECT_EQ(redact("upstream said: regcanary-5b8d2e9f1a"), "upstream said: regcanary-5b8d2e9f1a");
  register_secret("regcanary-5b8d2e9f1a");
  register_secret("ab");  // too short: ignored
  EXPECT_EQ(redact("upstream said: regcanary-5b8d2e9f1a!"), "upstream said: [redacted]!");
  EXPECT_EQ(redact("ab cab"), "ab cab");
  Sanitizer s;
  EXPECT_EQ(s.clean("<p>regcanary-5b8d2e9f1a</p>"), "<p>[redacted]</p>");
}

TEST(Sanitizer, ExactSecretsInEveryEscapedForm) {
  Sanitizer s;
  s.add_secret("canary-7f3a9c");
  s.add_secret("a<b\"c&d");
  s.add_secret("abc");  // too short: ignored
  EXPECT_EQ(s.clean("key=canary-7f3a9c;x"), "key=[redacted];x");
  EXPECT_EQ(s.clean("x a&lt;b&quot;c&amp;d y"), "x [redacted] y");
  EXPECT_EQ(s.clean("x a<b\\\"c&d y"), "x [redacted] y");
  EXPECT_EQ(s.clean("abc"), "abc");
}

}  // namespace
}  // namespace readygate::sanitize
