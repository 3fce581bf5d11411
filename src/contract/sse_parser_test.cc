#include "contract/sse_parser.h"

#include <gtest/gtest.h>

#include <vector>

namespace readygate::contract {
namespace {

std::vector<SseEvent> drain(SseParser& p) {
  std::vector<SseEvent> out;
  SseEvent ev;
  while (p.next(&ev)) out.push_back(ev);
  return out;
}

std::vector<SseEvent> parse_all(std::string_view bytes) {
  SseParser p;
  p.feed(bytes);
  return drain(p);
}

std::string describe(const std::vector<SseEvent>& evs) {
  std::string out;
  for (const auto& e : evs) out += "[" + e.event + "|" + e.data + "|" + e.id + "]";
  return out;
}

constexpr std::string_view kStream =
    "\xEF\xBB\xBF: keep-alive\r\n"
    "event: response.created\r\n"
    "data: {\"a\":1}\r\n"
    "\r\n"
    "id: 7\n"
    "data: line one\n"
    "data: line two\n"
    "\n"
    ": comment\r"
    "data:no-space\r"
    "\r"
    "data: [DONE]\n"
    "\n";

TEST(SseParser, ParsesMixedLineEndsCommentsAndBom) {
  EXPECT_EQ(describe(parse_all(kStream)),
            "[response.created|{\"a\":1}|][|line one\nline two|7][|no-space|7][|[DONE]|7]");
}

TEST(SseParser, EverySplitPointGivesTheSameEvents) {
  const std::string want = describe(parse_all(kStream));
  for (size_t cut = 0; cut <= kStream.size(); ++cut) {
    SseParser p;
    p.feed(kStream.substr(0, cut));
    auto got = drain(p);
    p.feed(kStream.substr(cut));
    for (auto& e : drain(p)) got.push_back(e);
    EXPECT_EQ(describe(got), want) << "cut at " << cut;
    EXPECT_FALSE(p.has_partial()) << "cut at " << cut;
  }
}

TEST(SseParser, ByteByByteFeedGivesTheSameEvents) {
  SseParser p;
  std::vector<SseEvent> got;
  for (char c : kStream) {
    p.feed(std::string_view(&c, 1));
    for (auto& e : drain(p)) got.push_back(e);
  }
  EXPECT_EQ(describe(got), describe(parse_all(kStream)));
}

TEST(SseParser, CrlfSplitBetweenCrAndLfIsOneLineEnd) {
  SseParser p;
  p.feed("data: a\r");
  EXPECT_TRUE(drain(p).empty());
  p.feed("\n\r");
  EXPECT_EQ(describe(drain(p)), "[|a|]");
  p.feed("\ndata: b\r\n\r\n");
  EXPECT_EQ(describe(drain(p)), "[|b|]");
}

TEST(SseParser, EmptyDataLineDispatchesAnEmptyEvent) {
  EXPECT_EQ(describe(parse_all("data:\n\n")), "[||]");
  EXPECT_EQ(describe(parse_all("data\n\n")), "[||]");
}

TEST(SseParser, FramesWithoutDataDispatchNothingAndDoNotLeakTheirName) {
  EXPECT_EQ(describe(parse_all("event: ping\n\ndata: x\n\n")), "[|x|]");
}

TEST(SseParser, OnlyOneLeadingSpaceIsStripped) {
  EXPECT_EQ(describe(parse_all("data:  two\n\n")), "[| two|]");
}

TEST(SseParser, UnknownFieldsAndRetryAreIgnored) {
  EXPECT_EQ(describe(parse_all("retry: 100\nfoo: bar\ndata: x\n\n")), "[|x|]");
}

TEST(SseParser, BomOnlyAtTheStartIsRemoved) {
  EXPECT_EQ(describe(parse_all("data: \xEF\xBB\xBFx\n\n")), "[|\xEF\xBB\xBFx|]");
  SseParser p;
  p.feed("\xEF");
  EXPECT_TRUE(drain(p).empty());
  p.feed(
      "\xBB\xBF"
      "data: y\n\n");
  EXPECT_EQ(describe(drain(p)), "[|y|]");
}

TEST(SseParser, MissingTrailingBlankLineLeavesAPartialEvent) {
  SseParser p;
  p.feed("data: a\n\ndata: b\n");
  EXPECT_EQ(describe(drain(p)), "[|a|]");
  EXPECT_TRUE(p.has_partial());
}

TEST(SseParser, UnterminatedLineIsPartial) {
  SseParser p;
  p.feed("data: {\"cut");
  EXPECT_TRUE(drain(p).empty());
  EXPECT_TRUE(p.has_partial());
}

TEST(SseParser, CleanEndIsNotPartial) {
  SseParser p;
  p.feed("data: a\n\n: trailing comment\n");
  EXPECT_EQ(drain(p).size(), 1u);
  EXPECT_FALSE(p.has_partial());
}

TEST(SseParser, RefusesToBufferBeyondTheLimit) {
  SseParser p;
  const std::string chunk(1 << 20, 'x');
  p.feed("data: ");
  for (int i = 0; i < 5; ++i) p.feed(chunk);
  EXPECT_TRUE(p.overflowed());
  EXPECT_TRUE(drain(p).empty());
}

TEST(SseParser, LongDataAcrossManyLinesCountsTowardsTheLimit) {
  SseParser p;
  const std::string line = "data: " + std::string(1 << 16, 'y') + "\n";
  for (int i = 0; i < 80 && !p.overflowed(); ++i) {
    p.feed(line);
    drain(p);
  }
  EXPECT_TRUE(p.overflowed());
}

}  // namespace
}  // namespace readygate::contract
