#include "contract/stream_check.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace readygate::contract {
namespace {

constexpr Surface kChat = Surface::kChatCompletions;
constexpr Surface kResp = Surface::kResponses;

StreamChecker run(Surface s, std::string_view bytes, bool finish = true) {
  SseParser p;
  p.feed(bytes);
  StreamChecker c(s);
  SseEvent ev;
  while (p.next(&ev)) c.on_event(ev);
  if (finish) c.finish();
  return c;
}

std::string chunk(std::string_view choices, std::string_view extra = "") {
  return "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
         "\"choices\":" +
         std::string(choices) + std::string(extra) + "}\n\n";
}

const std::string kDelta = R"([{"index":0,"delta":{"content":"x"},"finish_reason":null}])";
const std::string kStop = R"([{"index":0,"delta":{},"finish_reason":"stop"}])";
const std::string kUsage = R"(,"usage":{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3})";

std::string problems(const StreamChecker& c) {
  std::string out;
  for (const auto& p : c.problems()) out += p + "; ";
  return out;
}

TEST(StreamCheck, VerdictNamesAreStable) {
  EXPECT_EQ(stream_verdict_name(StreamVerdict::kCompleted), "completed");
  EXPECT_EQ(stream_verdict_name(StreamVerdict::kTruncated), "truncated");
  EXPECT_EQ(stream_verdict_name(StreamVerdict::kErrorEvent), "error_event");
  EXPECT_EQ(stream_verdict_name(StreamVerdict::kMalformed), "malformed");
}

TEST(StreamCheck, ChatWithDoneIsCompleted) {
  const auto c =
      run(kChat, chunk(kDelta) + chunk(kStop) + chunk("[]", kUsage) + "data: [DONE]\n\n");
  EXPECT_EQ(c.verdict(), StreamVerdict::kCompleted) << problems(c);
  EXPECT_TRUE(c.terminal_seen());
  EXPECT_TRUE(c.usage_seen());
  EXPECT_EQ(c.usage().input_tokens, 1);
  EXPECT_EQ(c.usage().output_tokens, 2);
  EXPECT_EQ(c.usage().total_tokens, 3);
  EXPECT_EQ(c.events(), 4u);
}

TEST(StreamCheck, ChatWithoutDoneIsTruncated) {
  const auto c = run(kChat, chunk(kDelta) + chunk(kStop));
  EXPECT_EQ(c.verdict(), StreamVerdict::kTruncated);
  EXPECT_FALSE(c.terminal_seen());
  EXPECT_FALSE(c.usage_seen());
  EXPECT_EQ(problems(c), "stream ended without data: [DONE]; ");
}

TEST(StreamCheck, ChatInProgressUntilFinish) {
  auto c = run(kChat, chunk(kDelta), false);
  EXPECT_EQ(c.verdict(), StreamVerdict::kInProgress);
  EXPECT_EQ(c.finish(), StreamVerdict::kTruncated);
}

TEST(StreamCheck, ChatErrorPayloadIsAnErrorEvent) {
  const auto c = run(kChat, chunk(kDelta) +
                                "data: {\"error\":{\"message\":\"overloaded\",\"type\":\"server_"
                                "error\",\"code\":\"overloaded\"}}\n\n");
  EXPECT_EQ(c.verdict(), StreamVerdict::kErrorEvent);
  EXPECT_EQ(c.error_code(), "overloaded");
  EXPECT_TRUE(c.terminal_seen());
}

TEST(StreamCheck, ChatErrorWithoutCodeUsesItsType) {
  const auto c = run(
      kChat, "data: {\"error\":{\"message\":\"m\",\"type\":\"server_error\",\"code\":null}}\n\n");
  EXPECT_EQ(c.verdict(), StreamVerdict::kErrorEvent);
  EXPECT_EQ(c.error_code(), "server_error");
}

TEST(StreamCheck, ChatBadJsonIsMalformedAndStaysSo) {
  const auto c = run(kChat, chunk(kDelta) + "data: {not json\n\n" + "data: [DONE]\n\n");
  EXPECT_EQ(c.verdict(), StreamVerdict::kMalformed);
  EXPECT_EQ(problems(c), "event 2: data is not JSON; ");
}

TEST(StreamCheck, ChatWrongObjectIsMalformed) {
  const auto c = run(kChat,
                     "data: {\"id\":\"c\",\"object\":\"chat.completion\",\"created\":1,\"model\":"
                     "\"m\",\"choices\":[]}\n\ndata: [DONE]\n\n");
  EXPECT_EQ(c.verdict(), StreamVerdict::kMalformed);
  EXPECT_NE(problems(c).find("event 1: object: expected \"chat.completion.chunk\""),
            std::string::npos)
      << problems(c);
}

TEST(StreamCheck, ChatEventsAfterDoneAreMalformed) {
  const auto c = run(kChat, chunk(kStop) + "data: [DONE]\n\n" + chunk(kDelta));
  EXPECT_EQ(c.verdict(), StreamVerdict::kMalformed);
  EXPECT_TRUE(c.terminal_seen());
  EXPECT_EQ(problems(c), "event 3: after the end of the stream; ");
}

TEST(StreamCheck, RealChatStreamFromTheBenchIsCompleted) {
  std::ifstream in(READYGATE_SHARED_DIR "/bench/sse_body.txt", std::ios::binary);
  ASSERT_TRUE(in) << "missing shared/bench/sse_body.txt";
  std::stringstream ss;
  ss << in.rdbuf();
  const auto c = run(kChat, ss.str());
  EXPECT_EQ(c.verdict(), StreamVerdict::kCompleted) << problems(c);
  EXPECT_GT(c.events(), 2u);
}

// Responses --------------------------------------------------------------

std::string resp_obj(std::string_view status, bool usage) {
  std::string r = R"({"id":"resp_1","object":"response","created_at":1,"model":"m","status":")" +
                  std::string(status) + R"(","output":[])";
  if (usage) r += R"(,"usage":{"input_tokens":1,"output_tokens":2,"total_tokens":3})";
  return r + "}";
}

std::string ev(std::string_view type, int seq, std::string_view extra = "") {
  return "event: " + std::string(type) + "\ndata: {\"type\":\"" + std::string(type) +
         "\",\"sequence_number\":" + std::to_string(seq) + std::string(extra) + "}\n\n";
}

std::string life(std::string_view type, int seq, std::string_view status, bool usage = false) {
  return ev(type, seq, ",\"response\":" + resp_obj(status, usage));
}

std::string good_body(std::string_view end = "response.completed",
                      std::string_view status = "completed") {
  return life("response.created", 0, "in_progress") +
         life("response.in_progress", 1, "in_progress") +
         ev("response.output_text.delta", 2, R"(,"item_id":"m","delta":"Hi")") +
         ev("response.output_text.done", 3, R"(,"item_id":"m","text":"Hi")") +
         life(end, 4, status, true);
}

TEST(StreamCheck, ResponsesGoodSequenceIsCompleted) {
  const auto c = run(kResp, good_body());
  EXPECT_EQ(c.verdict(), StreamVerdict::kCompleted) << problems(c);
  EXPECT_TRUE(c.usage_seen());
  EXPECT_EQ(c.events(), 5u);
}

TEST(StreamCheck, ResponsesSequenceMayStartAnywhere) {
  const auto c = run(kResp, ev("response.output_text.delta", 41, R"(,"delta":"a")") +
                                life("response.completed", 42, "completed"));
  EXPECT_EQ(c.verdict(), StreamVerdict::kCompleted) << problems(c);
  EXPECT_FALSE(c.usage_seen());
}

TEST(StreamCheck, ResponsesIncompleteAndFailedAreTheirOwnEnds) {
  EXPECT_EQ(run(kResp, good_body("response.incomplete", "incomplete")).verdict(),
            StreamVerdict::kIncomplete);
  const auto failed = run(
      kResp,
      life("response.created", 0, "in_progress") +
          ev("response.failed", 1,
             R"(,"response":{"id":"r","object":"response","created_at":1,"model":"m","status":"failed","output":[],"error":{"code":"server_error","message":"x"}})"));
  EXPECT_EQ(failed.verdict(), StreamVerdict::kFailed) << problems(failed);
  EXPECT_EQ(failed.error_code(), "server_error");
}

TEST(StreamCheck, ResponsesSequenceGapIsMalformed) {
  const auto c = run(kResp, life("response.created", 0, "in_progress") +
                                ev("response.output_text.delta", 2, R"(,"delta":"a")") +
                                life("response.completed", 3, "completed"));
  EXPECT_EQ(c.verdict(), StreamVerdict::kMalformed);
  EXPECT_EQ(problems(c), "event 2: sequence_number 2, expected 1; ");
}

TEST(StreamCheck, ResponsesTwoTerminalsAreMalformed) {
  const auto c = run(kResp, good_body() + life("response.completed", 5, "completed"));
  EXPECT_EQ(c.verdict(), StreamVerdict::kMalformed);
  EXPECT_TRUE(c.terminal_seen());
  EXPECT_EQ(problems(c), "event 6: after the end of the stream; ");
}

TEST(StreamCheck, ResponsesMissingTerminalIsTruncated) {
  const auto c = run(kResp, life("response.created", 0, "in_progress") +
                                ev("response.output_text.delta", 1, R"(,"delta":"a")"));
  EXPECT_EQ(c.verdict(), StreamVerdict::kTruncated);
  EXPECT_EQ(problems(c), "stream ended without a terminal event; ");
}

TEST(StreamCheck, ResponsesFlatErrorEventIsAnErrorEvent) {
  const auto c =
      run(kResp, life("response.created", 0, "in_progress") +
                     ev("error", 1, R"(,"code":"rate_limit_exceeded","message":"m","param":null)"));
  EXPECT_EQ(c.verdict(), StreamVerdict::kErrorEvent);
  EXPECT_EQ(c.error_code(), "rate_limit_exceeded");
}

TEST(StreamCheck, ResponsesNestedErrorEventIsAnErrorEvent) {
  const auto c = run(kResp, life("response.created", 0, "in_progress") +
                                "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":"
                                "\"server_error\",\"code\":\"internal\",\"message\":\"m\"}}\n\n");
  EXPECT_EQ(c.verdict(), StreamVerdict::kErrorEvent);
  EXPECT_EQ(c.error_code(), "internal");
}

TEST(StreamCheck, ResponsesUntypedErrorPayloadIsAnErrorEvent) {
  const auto c = run(kResp, "data: {\"error\":{\"type\":\"comet_api_error\",\"code\":\"\"}}\n\n");
  EXPECT_EQ(c.verdict(), StreamVerdict::kErrorEvent);
  EXPECT_EQ(c.error_code(), "comet_api_error");
}

TEST(StreamCheck, ResponsesEventNameMustMatchType) {
  const auto c = run(kResp,
                     "event: response.created\ndata: {\"type\":\"response.in_progress\","
                     "\"sequence_number\":0}\n\n");
  EXPECT_EQ(c.verdict(), StreamVerdict::kMalformed);
  EXPECT_EQ(problems(c), "event 1: event name does not match the payload type; ");
}

TEST(StreamCheck, ResponsesChatDoneLineIsMalformed) {
  const auto c = run(kResp, good_body() + "data: [DONE]\n\n");
  EXPECT_EQ(c.verdict(), StreamVerdict::kMalformed);
}

TEST(StreamCheck, ResponsesTerminalWithBadResponseIsMalformed) {
  const auto c = run(kResp, ev("response.completed", 0, R"(,"response":{"id":"r"})"));
  EXPECT_EQ(c.verdict(), StreamVerdict::kMalformed);
  EXPECT_NE(problems(c).find("event 1: response.object: missing"), std::string::npos)
      << problems(c);
}

TEST(StreamCheck, ProblemsStayBounded) {
  std::string body;
  for (int i = 0; i < 200; ++i) body += "data: {bad\n\n";
  const auto c = run(kChat, body);
  EXPECT_LE(c.problems().size(), 16u);
  EXPECT_EQ(c.events(), 200u);
}

}  // namespace
}  // namespace readygate::contract
