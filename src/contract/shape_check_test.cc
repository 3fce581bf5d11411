#include "contract/shape_check.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace readygate::contract {
namespace {

using nlohmann::json;

json good_chat() {
  return json::parse(R"({
    "id": "chatcmpl-1", "object": "chat.completion", "created": 1700000000, "model": "gpt-4o-mini",
    "choices": [{"index": 0, "finish_reason": "stop", "logprobs": null,
                 "message": {"role": "assistant", "content": "Hello", "refusal": null}}],
    "usage": {"prompt_tokens": 3, "completion_tokens": 1, "total_tokens": 4}})");
}

json good_response() {
  return json::parse(R"({
    "id": "resp_1", "object": "response", "created_at": 1700000000, "model": "gpt-4o-mini",
    "status": "completed", "error": null, "incomplete_details": null,
    "output": [
      {"type": "reasoning", "id": "rs_1", "summary": []},
      {"type": "message", "id": "msg_1", "role": "assistant", "status": "completed",
       "content": [{"type": "output_text", "text": "Hi", "annotations": []}]},
      {"type": "function_call", "id": "fc_1", "call_id": "call_1", "name": "f", "arguments": "{}",
       "status": "completed"}],
    "usage": {"input_tokens": 3, "output_tokens": 1, "total_tokens": 4}})");
}

bool has_entry_starting(const std::vector<std::string>& v, const std::string& prefix) {
  for (const auto& e : v)
    if (e.rfind(prefix, 0) == 0) return true;
  return false;
}

std::string joined(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& e : v) out += e + "; ";
  return out;
}

TEST(ShapeCheck, UsageCountersAreReadOnBothSurfaces) {
  const auto chat = check_response_shape(Surface::kChatCompletions, good_chat().dump());
  EXPECT_EQ(chat.input_tokens, 3);
  EXPECT_EQ(chat.output_tokens, 1);
  EXPECT_EQ(chat.total_tokens, 4);
  auto resp_doc = good_response();
  resp_doc["usage"] = {{"input_tokens", 30}, {"output_tokens", 12}, {"total_tokens", 42}};
  const auto resp = check_response_shape(Surface::kResponses, resp_doc.dump());
  EXPECT_EQ(resp.input_tokens, 30);
  EXPECT_EQ(resp.output_tokens, 12);
  EXPECT_EQ(resp.total_tokens, 42);
  auto bad = good_chat();
  bad["usage"]["prompt_tokens"] = "3";  // ill-typed: a mismatch, and not a counter
  const auto b = check_response_shape(Surface::kChatCompletions, bad.dump());
  EXPECT_EQ(b.verdict, ShapeVerdict::kMismatch);
  EXPECT_FALSE(b.input_tokens.has_value());
  EXPECT_EQ(b.output_tokens, 1);
}

// check_answer parses once but must judge exactly as the two separate calls.
TEST(ShapeCheck, CheckAnswerAgreesWithClassifyAndShape) {
  const WallTime now{};
  const HeaderList json_headers = {{"content-type", "application/json"}};
  auto no_usage = good_chat();
  no_usage.erase("usage");
  auto drift = good_response();
  drift["provider_extra"] = 1;
  struct Case {
    Surface surface;
    int status;
    std::string body;
    HeaderList headers;
  };
  const std::vector<Case> cases = {
      {Surface::kChatCompletions, 200, good_chat().dump(), json_headers},
      {Surface::kChatCompletions, 200, no_usage.dump(), json_headers},
      {Surface::kResponses, 200, drift.dump(), json_headers},
      {Surface::kResponses, 200, good_chat().dump(), json_headers},
      {Surface::kChatCompletions, 200, R"({"error":{"code":"x","type":"y"}})", json_headers},
      {Surface::kChatCompletions, 200, "<html>not the API</html>", {{"content-type", "text/html"}}},
      {Surface::kChatCompletions, 500,
       R"({"error":{"code":"invalid_request","message":"m","type":"invalid_request_error"}})",
       json_headers},
      {Surface::kChatCompletions, 429, R"({"error":{"code":"rate_limit_exceeded"}})",
       {{"retry-after", "2"}, {"x-should-retry", "false"}}},
      {Surface::kResponses, 503, "", {}},
  };
  for (const auto& c : cases) {
    const auto both = check_answer(c.surface, c.status, c.body, c.headers, now);
    const auto cls = classify_response(c.status, c.body, c.headers, now);
    SCOPED_TRACE(std::to_string(c.status) + " " + c.body);
    EXPECT_EQ(both.cls.error_class, cls.error_class);
    EXPECT_EQ(both.cls.retryable, cls.retryable);
    EXPECT_EQ(both.cls.reason, cls.reason);
    EXPECT_EQ(both.cls.error_code, cls.error_code);
    EXPECT_EQ(both.cls.body_not_json, cls.body_not_json);
    EXPECT_EQ(both.cls.retry_after, cls.retry_after);
    if (c.status >= 200 && c.status < 300) {
      const auto shape = check_response_shape(c.surface, c.body);
      EXPECT_EQ(both.shape.verdict, shape.verdict);
      EXPECT_EQ(both.shape.mismatches, shape.mismatches);
      EXPECT_EQ(both.shape.drift, shape.drift);
      EXPECT_EQ(both.shape.total_tokens, shape.total_tokens);
    }
  }
}

TEST(ShapeCheck, VerdictNamesAreTheEvidenceValues) {
  EXPECT_EQ(shape_verdict_name(ShapeVerdict::kDocumentedShapeSeen), "documented_shape_seen");
  EXPECT_EQ(shape_verdict_name(ShapeVerdict::kMismatch), "mismatch");
}

TEST(ShapeCheck, GoodChatCompletionIsDocumentedShape) {
  const auto r = check_response_shape(Surface::kChatCompletions, good_chat().dump());
  EXPECT_EQ(r.verdict, ShapeVerdict::kDocumentedShapeSeen) << joined(r.mismatches);
  EXPECT_TRUE(r.drift.empty()) << joined(r.drift);
  EXPECT_TRUE(r.usage_present);
}

TEST(ShapeCheck, GoodResponseIsDocumentedShape) {
  const auto r = check_response_shape(Surface::kResponses, good_response().dump());
  EXPECT_EQ(r.verdict, ShapeVerdict::kDocumentedShapeSeen) << joined(r.mismatches);
  EXPECT_TRUE(r.drift.empty()) << joined(r.drift);
  EXPECT_TRUE(r.usage_present);
}

TEST(ShapeCheck, NotJsonIsAMismatch) {
  const auto r = check_response_shape(Surface::kChatCompletions, "<html>502</html>");
  EXPECT_EQ(r.verdict, ShapeVerdict::kMismatch);
  EXPECT_EQ(joined(r.mismatches), "body: not JSON; ");
}

TEST(ShapeCheck, ChatFromTheOtherSurfaceIsAMismatch) {
  const auto r = check_response_shape(Surface::kResponses, good_chat().dump());
  EXPECT_EQ(r.verdict, ShapeVerdict::kMismatch);
  EXPECT_TRUE(has_entry_starting(r.mismatches, "object: expected \"response\""));
}

TEST(ShapeCheck, ExtraFieldsAreDriftNotFailure) {
  json j = good_chat();
  j["provider_x"] = 1;
  j["choices"][0]["provider_y"] = true;
  j["choices"][0]["message"]["reasoning_content"] = "...";
  j["usage"]["cost"] = 0.1;
  const auto r = check_response_shape(Surface::kChatCompletions, j.dump());
  EXPECT_EQ(r.verdict, ShapeVerdict::kDocumentedShapeSeen);
  EXPECT_EQ(
      joined(r.drift),
      "provider_x; choices[0].provider_y; choices[0].message.reasoning_content; usage.cost; ");
}

TEST(ShapeCheck, MissingOptionalCoreFieldsFromRealProvidersAreTolerated) {
  json j = good_chat();
  j["choices"][0].erase("logprobs");
  j["choices"][0]["message"].erase("refusal");
  j.erase("usage");
  const auto r = check_response_shape(Surface::kChatCompletions, j.dump());
  EXPECT_EQ(r.verdict, ShapeVerdict::kDocumentedShapeSeen) << joined(r.mismatches);
  EXPECT_FALSE(r.usage_present);
}

TEST(ShapeCheck, ToolCallMessageMayOmitContent) {
  json j = good_chat();
  j["choices"][0]["finish_reason"] = "tool_calls";
  j["choices"][0]["message"].erase("content");
  j["choices"][0]["message"]["tool_calls"] = json::parse(
      R"([{"id":"call_1","type":"function","function":{"name":"f","arguments":"{}"}}])");
  const auto r = check_response_shape(Surface::kChatCompletions, j.dump());
  EXPECT_EQ(r.verdict, ShapeVerdict::kDocumentedShapeSeen) << joined(r.mismatches);
}

struct Mutation {
  const char* name;
  Surface surface;
  const char* pointer;   // JSON pointer into the good body
  const char* value;     // JSON text to put there; nullptr removes it
  const char* expected;  // a mismatch entry starting with this
};

class ShapeMutation : public ::testing::TestWithParam<Mutation> {};

TEST_P(ShapeMutation, IsAMismatchNamingThePath) {
  const Mutation& m = GetParam();
  json j = m.surface == Surface::kChatCompletions ? good_chat() : good_response();
  const json::json_pointer p(m.pointer);
  if (m.value)
    j[p] = json::parse(m.value);
  else
    j[p.parent_pointer()].erase(p.back());
  const auto r = check_response_shape(m.surface, j.dump());
  EXPECT_EQ(r.verdict, ShapeVerdict::kMismatch);
  EXPECT_TRUE(has_entry_starting(r.mismatches, m.expected)) << joined(r.mismatches);
}

constexpr Surface kChat = Surface::kChatCompletions;
constexpr Surface kResp = Surface::kResponses;

INSTANTIATE_TEST_SUITE_P(
    Chat, ShapeMutation,
    ::testing::Values(
        Mutation{"NoId", kChat, "/id", nullptr, "id: missing"},
        Mutation{"IdNumber", kChat, "/id", "5", "id: expected a string, got an integer"},
        Mutation{"WrongObject", kChat, "/object", "\"foo\"",
                 "object: expected \"chat.completion\", got \"foo\""},
        Mutation{"CreatedString", kChat, "/created", "\"now\"", "created: expected an integer"},
        Mutation{"NoModel", kChat, "/model", nullptr, "model: missing"},
        Mutation{"NoChoices", kChat, "/choices", nullptr, "choices: missing"},
        Mutation{"EmptyChoices", kChat, "/choices", "[]", "choices: empty"},
        Mutation{"ChoiceNotObject", kChat, "/choices/0", "1", "choices[0]: expected an object"},
        Mutation{"NoIndex", kChat, "/choices/0/index", nullptr, "choices[0].index: missing"},
        Mutation{"NoMessage", kChat, "/choices/0/message", nullptr, "choices[0].message: missing"},
        Mutation{"WrongRole", kChat, "/choices/0/message/role", "\"user\"",
                 "choices[0].message.role: expected \"assistant\""},
        Mutation{"NoContent", kChat, "/choices/0/message/content", nullptr,
                 "choices[0].message.content: missing"},
        Mutation{"ContentArray", kChat, "/choices/0/message/content", "[]",
                 "choices[0].message.content: expected a string or null"},
        Mutation{"RefusalNumber", kChat, "/choices/0/message/refusal", "1",
                 "choices[0].message.refusal: expected a string or null"},
        Mutation{"BadToolCall", kChat, "/choices/0/message/tool_calls",
                 R"([{"id":"c","type":"function","function":{"name":"f"}}])",
                 "choices[0].message.tool_calls[0].function.arguments: missing"},
        Mutation{"BadFinishReason", kChat, "/choices/0/finish_reason", "\"done\"",
                 "choices[0].finish_reason: expected one of stop|length|tool_calls"},
        Mutation{"NullFinishReason", kChat, "/choices/0/finish_reason", "null",
                 "choices[0].finish_reason: expected a string, got null"},
        Mutation{"UsageWithoutTotal", kChat, "/usage/total_tokens", nullptr,
                 "usage.total_tokens: missing"},
        Mutation{"UsageString", kChat, "/usage", "\"n/a\"", "usage: expected an object"}),
    [](const auto& info) { return std::string(info.param.name); });

INSTANTIATE_TEST_SUITE_P(
    Responses, ShapeMutation,
    ::testing::Values(
        Mutation{"NoId", kResp, "/id", nullptr, "id: missing"},
        Mutation{"WrongObject", kResp, "/object", "\"chat.completion\"",
                 "object: expected \"response\", got \"chat.completion\""},
        Mutation{"CreatedAtString", kResp, "/created_at", "\"x\"", "created_at: expected a number"},
        Mutation{"NoModel", kResp, "/model", nullptr, "model: missing"},
        Mutation{"BadStatus", kResp, "/status", "\"done\"", "status: expected one of completed|"},
        Mutation{"NoOutput", kResp, "/output", nullptr, "output: missing"},
        Mutation{"ItemWithoutType", kResp, "/output/0/type", nullptr, "output[0].type: missing"},
        Mutation{"MessageWrongRole", kResp, "/output/1/role", "\"user\"",
                 "output[1].role: expected \"assistant\""},
        Mutation{"MessageNoContent", kResp, "/output/1/content", nullptr,
                 "output[1].content: missing"},
        Mutation{"TextNotString", kResp, "/output/1/content/0/text", "null",
                 "output[1].content[0].text: expected a string, got null"},
        Mutation{"CallWithoutArguments", kResp, "/output/2/arguments", nullptr,
                 "output[2].arguments: missing"},
        Mutation{"UsageWithoutOutputTokens", kResp, "/usage/output_tokens", nullptr,
                 "usage.output_tokens: missing"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(ShapeCheck, ChunkWithDeltaIsDocumentedShape) {
  const auto r = check_stream_event_shape(
      kChat,
      R"({"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"x"},"finish_reason":null}]})");
  EXPECT_EQ(r.verdict, ShapeVerdict::kDocumentedShapeSeen) << joined(r.mismatches);
  EXPECT_FALSE(r.usage_present);
}

TEST(ShapeCheck, ChunkWithoutChoicesNeedsUsage) {
  const std::string head =
      R"({"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[])";
  EXPECT_EQ(check_stream_event_shape(kChat, head + "}").verdict, ShapeVerdict::kMismatch);
  const auto r = check_stream_event_shape(
      kChat, head + R"(,"usage":{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3}})");
  EXPECT_EQ(r.verdict, ShapeVerdict::kDocumentedShapeSeen) << joined(r.mismatches);
  EXPECT_TRUE(r.usage_present);
}

TEST(ShapeCheck, ChunkRejectsCompletionObjectAndBadFinishReason) {
  auto r = check_stream_event_shape(kChat, good_chat().dump());
  EXPECT_TRUE(has_entry_starting(r.mismatches, "object: expected \"chat.completion.chunk\""));
  r = check_stream_event_shape(
      kChat,
      R"({"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{},"finish_reason":"eos"}]})");
  EXPECT_TRUE(has_entry_starting(r.mismatches, "choices[0].finish_reason: expected one of"));
}

TEST(ShapeCheck, DoneTerminatorIsTheDocumentedChatEnd) {
  EXPECT_EQ(check_stream_event_shape(kChat, "[DONE]").verdict, ShapeVerdict::kDocumentedShapeSeen);
  EXPECT_EQ(check_stream_event_shape(kResp, "[DONE]").verdict, ShapeVerdict::kMismatch);
}

TEST(ShapeCheck, ResponsesEventNeedsTypeAndSequenceNumber) {
  EXPECT_EQ(check_stream_event_shape(
                kResp, R"({"type":"response.output_text.delta","sequence_number":3,"delta":"x"})")
                .verdict,
            ShapeVerdict::kDocumentedShapeSeen);
  const auto r = check_stream_event_shape(kResp, R"({"type":"response.output_text.delta"})");
  EXPECT_TRUE(has_entry_starting(r.mismatches, "sequence_number: missing"));
}

TEST(ShapeCheck, TerminalEventNeedsAGoodNestedResponse) {
  json ev = {{"type", "response.completed"}, {"sequence_number", 9}, {"response", good_response()}};
  auto r = check_stream_event_shape(kResp, ev.dump());
  EXPECT_EQ(r.verdict, ShapeVerdict::kDocumentedShapeSeen) << joined(r.mismatches);
  EXPECT_TRUE(r.usage_present);
  ev["response"].erase("output");
  r = check_stream_event_shape(kResp, ev.dump());
  EXPECT_TRUE(has_entry_starting(r.mismatches, "response.output: missing")) << joined(r.mismatches);
  ev.erase("response");
  r = check_stream_event_shape(kResp, ev.dump());
  EXPECT_TRUE(has_entry_starting(r.mismatches, "response: missing"));
}

TEST(ShapeCheck, TerminalEventStatusMustMatchItsType) {
  json ev = {{"type", "response.failed"}, {"sequence_number", 9}, {"response", good_response()}};
  const auto r = check_stream_event_shape(kResp, ev.dump());
  EXPECT_TRUE(has_entry_starting(r.mismatches, "response.status: expected \"failed\""))
      << joined(r.mismatches);
}

TEST(ShapeCheck, ReportsStayBounded) {
  json j = good_chat();
  for (int i = 0; i < 100; ++i) j["x" + std::to_string(i)] = i;
  for (int i = 0; i < 100; ++i) j["choices"].push_back(json::object());
  const auto r = check_response_shape(kChat, j.dump());
  EXPECT_LE(r.drift.size(), 32u);
  EXPECT_LE(r.mismatches.size(), 32u);
}

}  // namespace
}  // namespace readygate::contract
