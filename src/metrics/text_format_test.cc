#include "metrics/text_format.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace readygate::metrics {
namespace {

TEST(FormatValue, SpellsIntegersWithoutDecimals) {
  EXPECT_EQ(format_value(0), "0");
  EXPECT_EQ(format_value(-0.0), "0");
  EXPECT_EQ(format_value(3), "3");
  EXPECT_EQ(format_value(1000000), "1000000");
  EXPECT_EQ(format_value(-42), "-42");
}

TEST(FormatValue, SpellsFractionsInShortestRoundTripForm) {
  EXPECT_EQ(format_value(0.25), "0.25");
  EXPECT_EQ(format_value(0.0001), "0.0001");
  EXPECT_EQ(format_value(0.1), "0.1");
  EXPECT_EQ(std::stod(format_value(1e-7)), 1e-7);
}

TEST(FormatValue, SpellsSpecialValuesThePrometheusWay) {
  EXPECT_EQ(format_value(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(format_value(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(format_value(std::nan("")), "NaN");
}

TEST(Escaping, LabelValuesEscapeBackslashQuoteAndNewline) {
  std::string out;
  append_escaped_label_value(out, "a\\b\"c\nd");
  EXPECT_EQ(out, "a\\\\b\\\"c\\nd");
}

TEST(Escaping, HelpEscapesBackslashAndNewlineButNotQuotes) {
  std::string out;
  append_escaped_help(out, "say \"hi\"\\\n");
  EXPECT_EQ(out, "say \"hi\"\\\\\\n");
}

TEST(Names, MetricNamesFollowThePrometheusRule) {
  EXPECT_TRUE(valid_metric_name("readygate_requests_total"));
  EXPECT_TRUE(valid_metric_name("ns:rule_total"));
  EXPECT_FALSE(valid_metric_name(""));
  EXPECT_FALSE(valid_metric_name("1abc"));
  EXPECT_FALSE(valid_metric_name("has-dash"));
}

TEST(Names, LabelNamesRejectColonsDigitsFirstAndReservedPrefix) {
  EXPECT_TRUE(valid_label_name("route"));
  EXPECT_TRUE(valid_label_name("_x1"));
  EXPECT_FALSE(valid_label_name("a:b"));
  EXPECT_FALSE(valid_label_name("9a"));
  EXPECT_FALSE(valid_label_name("__name__"));
}

TEST(CleanUtf8, ReplacesInvalidBytes) {
  EXPECT_EQ(clean_utf8("a\xff"
                       "b",
                       100),
            "a\xEF\xBF\xBD"
            "b");
  EXPECT_EQ(clean_utf8("\xC0\xAF", 100), "\xEF\xBF\xBD\xEF\xBF\xBD");  // overlong '/'
}

TEST(CleanUtf8, CutsWithoutSplittingACharacter) {
  EXPECT_EQ(clean_utf8("ab\xC3\xA9", 3), "ab");  // é is two bytes
  EXPECT_EQ(clean_utf8("ab\xC3\xA9", 4), "ab\xC3\xA9");
}

}  // namespace
}  // namespace readygate::metrics
