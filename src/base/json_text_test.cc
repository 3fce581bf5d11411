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
      // Runs of plain ASCII between every kind of escape, at both ends.
      {"ab\"cd\\ef\x01gh\xc3\xa9ij\nk\x7f", "\"ab\\\"cd\\\\ef\\u0001gh\xc3\xa9ij\\nk\x7f\""},
  };
  for (const auto& c : cases) EXPECT_EQ(json_quote(c.in), c.out) << c.in;
  std::string appended = "x:";
  append_json_string(appended, "y z");
  EXPECT_EQ(appended, "x:\"y z\"");
}

// The 8-byte fast path must treat every byte value at every offset exactly as
// the byte-by-byte path does (a lone byte never reaches the fast path).
TEST(JsonText, FastPathAgreesWithTheBytePathForEveryByteAndOffset) {
  for (int c = 0; c < 256; ++c) {
    const std::string alone = json_quote(std::string(1, static_cast<char>(c)));
    const std::string inner = alone.substr(1, alone.size() - 2);
    for (size_t k = 0; k < 24; ++k) {
      std::string in(24, 'a');
      in[k] = static_cast<char>(c);
      const std::string want =
          "\"" + std::string(k, 'a') + inner + std::string(23 - k, 'a') + "\"";
      ASSERT_EQ(json_quote(in), want) << "byte " << c << " at " << k;
    }
  }
}

TEST(JsonText, ReplacesInvalidUtf8) {
  EXPECT_EQ(json_quote("a\xff" "b"), "\"a\xef\xbf\xbd" "b\"");
  EXPECT_EQ(json_quote("\xc3"), "\"\xef\xbf\xbd\"");           // truncated sequence
  EXPECT_EQ(json_quote("\xc0\xaf"), "\"\xef\xbf\xbd\xef\xbf\xbd\"");  // overlong
  EXPECT_EQ(json_quote("\xed\xa0\x80"), "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"");  // surrogate
}

}  // namespace
}  // namespace readygate
