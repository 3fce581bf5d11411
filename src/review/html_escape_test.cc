#include "review/html_escape.h"

#include <gtest/gtest.h>

namespace readygate::review {
namespace {

TEST(HtmlProse, BacktickPairsBecomeCodeAndEverythingIsEscaped) {
  EXPECT_EQ(html_prose("a `chat.completion` with `<b>` & more"),
            "a <code>chat.completion</code> with <code>&lt;b&gt;</code> &amp; more");
}

TEST(HtmlProse, AnUnpairedBacktickStaysText) {
  EXPECT_EQ(html_prose("one ` tick <x>"), "one ` tick &lt;x&gt;");
  EXPECT_EQ(html_prose("`a` and `b"), "<code>a</code> and `b");
}

TEST(HtmlProse, PlainTextIsOnlyEscaped) {
  EXPECT_EQ(html_prose("it's \"fine\""), "it&#39;s &quot;fine&quot;");
  EXPECT_EQ(html_prose(""), "");
}

}  // namespace
}  // namespace readygate::review
