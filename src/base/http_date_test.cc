#include "base/http_date.h"

#include <gtest/gtest.h>

namespace readygate {
namespace {

constexpr int64_t k1994 = 784111777;  // Sun, 06 Nov 1994 08:49:37 GMT

int64_t secs(WallTime t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

TEST(HttpDate, ParsesAllThreeForms) {
  for (const char* s : {"Sun, 06 Nov 1994 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 GMT",
                        "Sun Nov  6 08:49:37 1994"}) {
    auto t = parse_http_date(s);
    ASSERT_TRUE(t.has_value()) << s;
    EXPECT_EQ(secs(*t), k1994) << s;
  }
}

TEST(HttpDate, RejectsGarbage) {
  for (const char* s : {"", "120", "Sun, 06 Nov 1994 08:49:37 PST", "Sun, 06 Foo 1994 08:49:37 GMT",
                        "Sun, 06 Nov 1994 25:49:37 GMT", "Sun, 06 Nov 1994 08:49:37 GMT trailing"})
    EXPECT_FALSE(parse_http_date(s).has_value()) << s;
}

TEST(HttpDate, FormatRoundTrips) {
  const WallTime t{std::chrono::seconds(k1994)};
  EXPECT_EQ(format_http_date(t), "Sun, 06 Nov 1994 08:49:37 GMT");
  EXPECT_EQ(secs(*parse_http_date(format_http_date(t))), k1994);
  const WallTime t2{std::chrono::seconds(1795568523)};  // 2026-11-25T01:02:03Z, a Wednesday
  EXPECT_EQ(format_http_date(t2), "Wed, 25 Nov 2026 01:02:03 GMT");
}

TEST(HttpDate, Rfc3339WithMilliseconds) {
  const WallTime t{std::chrono::milliseconds(1795568523456)};
  EXPECT_EQ(format_rfc3339_ms(t), "2026-11-25T01:02:03.456Z");
  EXPECT_EQ(format_rfc3339_ms(WallTime{}), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(format_rfc3339_ms(WallTime{std::chrono::milliseconds(951782399009)}),
            "2000-02-28T23:59:59.009Z");
  EXPECT_EQ(format_rfc3339_ms(WallTime{std::chrono::milliseconds(-1)}),
            "1969-12-31T23:59:59.999Z");
  EXPECT_EQ(format_rfc3339_ms(WallTime{std::chrono::milliseconds(9'214'646'399'999)}),
            "2261-12-31T23:59:59.999Z");
}

}  // namespace
}  // namespace readygate
