#include "base/json_text.h"

#include <gtest/gtest.h>

namespace readygate {
namespace {

struct Case {
  std::string in;
  std::string out;
};

TEST(JsonText, EscapesPerRfc8259) {
  const Case cases[] = {
      {"plain", "\"plain\""},
      {"a\"b", "\"a\\\"b\""},
      {"back\\slash", "\"back\\\\slash\""},
      {"line\nbreak\r\t", "\"line\\nbreak\\r\\t\""},
      {std::string("nul\0x", 5), "\"nul\\u0000x\""},
      {"\x1f", "\"\\u001f\""},
      {"caf\xc3\xa9", "\"caf\xc3\xa9\""},
      {"\xf0\x9f\x98\x80", "\"\xf0\x9f\x98\x80\""},
  };
  for (const auto& c : cases) EXPECT_EQ(json_quote(c.in), c.out) << c.in;
}

TEST(JsonText, ReplacesInvalidUtf8) {
  EXPECT_EQ(json_quote("a\xff" "b"), "\"a\xef\xbf\xbd" "b\"");
  EXPECT_EQ(json_quote("\xc3"), "\"\xef\xbf\xbd\"");           // truncated sequence
  EXPECT_EQ(json_quote("\xc0\xaf"), "\"\xef\xbf\xbd\xef\xbf\xbd\"");  // overlong
  EXPECT_EQ(json_quote("\xed\xa0\x80"), "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"");  // surrogate
}

}  // namespace
}  // namespace readygate
