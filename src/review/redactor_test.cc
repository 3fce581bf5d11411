#include "review/redactor.h"

#include <gtest/gtest.h>

namespace readygate::review {
namespace {

TEST(Redactor, RemovesARegisteredSecretWhereverItAppears) {
  Redactor r;
  r.add_secret("canary-7f3a9c");
  EXPECT_EQ(r.clean("key=canary-7f3a9c;x"), "key=[redacted];x");
  EXPECT_EQ(r.clean("a\"canary-7f3a9c\"b"), "a\"[redacted]\"b");
}

TEST(Redactor, RemovesTheHtmlAndJsonEscapedFormsOfASecret) {
  Redactor r;
  r.add_secret("a<b\"c&d");
  EXPECT_EQ(r.clean("x a&lt;b&quot;c&amp;d y"), "x [redacted] y");
  EXPECT_EQ(r.clean("x a<b\\\"c&d y"), "x [redacted] y");
}

TEST(Redactor, RemovesSkTokensAndBearerValues) {
  Redactor r;
  EXPECT_EQ(r.clean("use sk-proj-abc123_x. then"), "use [redacted]. then");
  EXPECT_EQ(r.clean("Authorization: Bearer abc.def-1"), "Authorization: Bearer [redacted]");
}

TEST(Redactor, LeavesWordsThatMerelyContainSkAlone) {
  Redactor r;
  EXPECT_EQ(r.clean("desk-primary task-queue"), "desk-primary task-queue");
}

TEST(Redactor, IgnoresSecretsTooShortToBeDistinctive) {
  Redactor r;
  r.add_secret("ab");
  EXPECT_EQ(r.clean("abc"), "abc");
}

TEST(Redactor, KeepsLineBreaksOfWholeDocuments) {
  Redactor r;
  EXPECT_EQ(r.clean("# title\n\n- item\n"), "# title\n\n- item\n");
}

}  // namespace
}  // namespace readygate::review
