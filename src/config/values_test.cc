#include <gtest/gtest.h>

#include "config/config.h"

namespace readygate::config {
namespace {

using std::chrono::milliseconds;

TEST(ParseDuration, AcceptsUnitsAndBareMilliseconds) {
  struct Case {
    const char* text;
    long long ms;
  } cases[] = {{"500ms", 500}, {"2s", 2000}, {"1m", 60000},    {"1h", 3600000},
               {"1500", 1500}, {"0", 0},     {" 30s ", 30000}, {"0ms", 0}};
  for (const auto& c : cases) {
    auto d = parse_duration(c.text);
    ASSERT_TRUE(d.has_value()) << c.text << ": " << d.error();
    EXPECT_EQ(*d, milliseconds(c.ms)) << c.text;
  }
}

TEST(ParseDuration, RejectsWithTheReason) {
  struct Case {
    const char* text;
    const char* reason;
  } cases[] = {{"-5s", "must not be negative"}, {"1.5s", "1500ms"},
               {"5x", "unknown unit"},          {"5 s", "unknown unit"},
               {"fast", "expected a duration"}, {"", "expected a duration"},
               {"99999999h", "too large"},      {"99999999999999999999", "expected a duration"}};
  for (const auto& c : cases) {
    auto d = parse_duration(c.text);
    ASSERT_FALSE(d.has_value()) << c.text;
    EXPECT_NE(d.error().find(c.reason), std::string::npos) << c.text << ": " << d.error();
  }
}

TEST(ParseByteSize, AcceptsBytesAndBinarySuffixes) {
  EXPECT_EQ(parse_byte_size("65536").value(), 65536u);
  EXPECT_EQ(parse_byte_size("64KiB").value(), 64u << 10);
  EXPECT_EQ(parse_byte_size("8MiB").value(), 8u << 20);
  EXPECT_EQ(parse_byte_size("1GiB").value(), 1u << 30);
  EXPECT_EQ(parse_byte_size("10B").value(), 10u);
}

TEST(ParseByteSize, RejectsUnknownUnitsAndSigns) {
  for (const char* text : {"8MB", "-1", "1.5MiB", "big", ""})
    EXPECT_FALSE(parse_byte_size(text).has_value()) << text;
}

}  // namespace
}  // namespace readygate::config
