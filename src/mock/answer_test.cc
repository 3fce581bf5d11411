#include "contract/stream_error.h"
#include "mock/answer.h"

#include <gtest/gtest.h>

#include <cstdio>

#include "contract/shape_check.h"
#include "contract/sse_parser.h"
#include "contract/stream_check.h"

namespace readygate::mock {
namespace {

using contract::Surface;

AnswerInput input(Surface s) {
  AnswerInput in;
  in.surface = s;
  in.model = "gpt-4o-mini";
  in.content_hash = fnv1a64("[{\"role\":\"user\",\"content\":\"hi\"}]");
  in.prompt_bytes = 80;
  return in;
}

contract::StreamVerdict run_stream(Surface s, const std::vector<std::string>& frames) {
  contract::SseParser parser;
  contract::StreamChecker checker(s);
  for (const auto& f : frames) parser.feed(f);
  contract::SseEvent ev;
  while (parser.next(&ev)) checker.on_event(ev);
  for (const auto& p : checker.problems()) ADD_FAILURE() << p;
  return checker.finish();
}

TEST(HexPair, MatchesPrintfFormat) {
  const uint64_t values[] = {0, 1, 0xabcULL, 0xffffffffULL, 0x100000000ULL, 0x123456789abcdefULL,
                             0xffffffffffffffffULL};
  for (uint64_t a : values) {
    for (uint64_t b : values) {
      char want[48];
      std::snprintf(want, sizeof want, "%016llx%08llx", static_cast<unsigned long long>(a),
                    static_cast<unsigned long long>(b));
      EXPECT_EQ(hex_pair(a, b), want) << a << " " << b;
    }
  }
}

TEST(Answer, SameRequestSameTextDifferentRequestDifferentText) {
  auto in = input(Surface::kChatCompletions);
  EXPECT_EQ(make_answer(in, 1, 0).text(), make_answer(in, 2, 0).text());
  auto other = in;
  other.content_hash = fnv1a64("something else");
  EXPECT_NE(make_answer(in, 1, 0).text(), make_answer(other, 1, 0).text());
  EXPECT_NE(make_answer(in, 1, 0).id, make_answer(in, 2, 0).id);
}

TEST(Answer, MaxTokensCutsTheAnswer) {
  auto in = input(Surface::kChatCompletions);
  in.max_tokens = 3;
  auto a = make_answer(in, 1, 0);
  EXPECT_EQ(a.tokens.size(), 3u);
  EXPECT_TRUE(a.cut_by_max_tokens);
  EXPECT_NE(chat_completion_json(a).find("\"finish_reason\":\"length\""), std::string::npos);
  in.surface = Surface::kResponses;
  EXPECT_NE(response_json(make_answer(in, 1, 0)).find("\"status\":\"incomplete\""),
            std::string::npos);
}

TEST(Answer, JsonBodiesPassTheRequiredCore) {
  for (Surface s : {Surface::kChatCompletions, Surface::kResponses}) {
    for (bool tool : {false, true}) {
      auto in = input(s);
      if (tool) in.tool_name = "get_weather";
      const auto a = make_answer(in, 7, 1732500000);
      const auto body = s == Surface::kChatCompletions ? chat_completion_json(a) : response_json(a);
      const auto report = contract::check_response_shape(s, body);
      EXPECT_EQ(report.verdict, contract::ShapeVerdict::kDocumentedShapeSeen) << body;
      for (const auto& m : report.mismatches) ADD_FAILURE() << m;
      EXPECT_TRUE(report.usage_present);
    }
  }
}

TEST(Answer, StreamsAreCompleteAndWellFormed) {
  for (Surface s : {Surface::kChatCompletions, Surface::kResponses}) {
    for (bool tool : {false, true}) {
      auto in = input(s);
      in.include_usage = true;
      if (tool) in.tool_name = "get_weather";
      const auto a = make_answer(in, 7, 1732500000);
      const auto frames = s == Surface::kChatCompletions ? chat_stream_frames(a)
                                                         : responses_stream_frames(a);
      EXPECT_EQ(run_stream(s, frames), contract::StreamVerdict::kCompleted);
    }
  }
}

TEST(Answer, IncompleteResponsesStreamEndsWithResponseIncomplete) {
  auto in = input(Surface::kResponses);
  in.max_tokens = 2;
  const auto frames = responses_stream_frames(make_answer(in, 1, 0));
  EXPECT_TRUE(frames.back().starts_with("event: response.incomplete\n"));
  EXPECT_EQ(run_stream(Surface::kResponses, frames), contract::StreamVerdict::kIncomplete);
}

TEST(Answer, ChatStreamWithoutDoneIsTruncated) {
  auto frames = chat_stream_frames(make_answer(input(Surface::kChatCompletions), 1, 0));
  frames.pop_back();
  EXPECT_EQ(run_stream(Surface::kChatCompletions, frames), contract::StreamVerdict::kTruncated);
}

TEST(Answer, StreamErrorFramesAreErrorsOnBothSurfaces) {
  for (Surface s : {Surface::kChatCompletions, Surface::kResponses}) {
    contract::SseParser parser;
    contract::StreamChecker checker(s);
    parser.feed(contract::stream_error_frame(s, "server_error", "boom", 0));
    contract::SseEvent ev;
    ASSERT_TRUE(parser.next(&ev));
    EXPECT_EQ(checker.on_event(ev), contract::StreamVerdict::kErrorEvent);
  }
}

}  // namespace
}  // namespace readygate::mock
