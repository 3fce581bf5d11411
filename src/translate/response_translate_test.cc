// Golden tests of whole-answer translation, both ways; every translated body
// passes the client surface's required-core shape check.
#include <gtest/gtest.h>

#include "contract/shape_check.h"
#include "translate/translate.h"

namespace readygate::translate {
namespace {

using json = nlohmann::json;
constexpr auto kChat = Surface::kChatCompletions;
constexpr auto kResp = Surface::kResponses;

void expect_shape(Surface s, const std::string& body) {
  const auto r = contract::check_response_shape(s, body);
  EXPECT_EQ(r.verdict, contract::ShapeVerdict::kDocumentedShapeSeen)
      << (r.mismatches.empty() ? "" : r.mismatches[0]) << "\n" << body;
}

const char* kChatToolAnswer = R"({
  "id": "chatcmpl-abc", "object": "chat.completion", "created": 1700000000, "model": "gpt-x",
  "choices": [{"index": 0, "finish_reason": "tool_calls", "logprobs": null,
    "message": {"role": "assistant", "content": null, "refusal": null,
      "tool_calls": [{"id": "call_7", "type": "function",
                      "function": {"name": "get_weather", "arguments": "{\"city\":\"Oslo\"}"}}]}}],
  "usage": {"prompt_tokens": 11, "completion_tokens": 7, "total_tokens": 18,
            "prompt_tokens_details": {"cached_tokens": 4}}
})";

TEST(ResponseTranslate, ChatToolCallToResponseGolden) {
  const json echo = {{"tools", json::array()}, {"temperature", 1.0}};
  auto out = translate_response(kChat, kResp, kChatToolAnswer, echo);
  ASSERT_TRUE(out) << out.error();
  expect_shape(kResp, *out);
  const json want = json::parse(R"({
    "id": "resp_abc", "object": "response", "created_at": 1700000000, "status": "completed",
    "error": null, "incomplete_details": null, "model": "gpt-x", "tools": [], "temperature": 1.0,
    "output": [{"id": "fc_7", "type": "function_call", "status": "completed",
                "arguments": "{\"city\":\"Oslo\"}", "call_id": "call_7", "name": "get_weather"}],
    "usage": {"input_tokens": 11, "input_tokens_details": {"cached_tokens": 4},
              "output_tokens": 7, "output_tokens_details": {"reasoning_tokens": 0},
              "total_tokens": 18}
  })");
  EXPECT_EQ(json::parse(*out), want);
}

TEST(ResponseTranslate, ToolCallRoundTrip) {
  auto there = translate_response(kChat, kResp, kChatToolAnswer, json::object());
  ASSERT_TRUE(there);
  auto back = translate_response(kResp, kChat, *there, json::object());
  ASSERT_TRUE(back) << back.error();
  expect_shape(kChat, *back);
  json want = json::parse(kChatToolAnswer);
  want["usage"]["completion_tokens_details"] = {{"reasoning_tokens", 0}};
  EXPECT_EQ(json::parse(*back), want);
}

const char* kResponseJsonAnswer = R"({
  "id": "resp_xyz", "object": "response", "created_at": 1700000100.5, "model": "m",
  "status": "completed", "error": null, "incomplete_details": null,
  "output": [
    {"id": "rs_1", "type": "reasoning", "summary": []},
    {"id": "msg_1", "type": "message", "role": "assistant", "status": "completed",
     "content": [{"type": "output_text", "text": "{\"t\":", "annotations": []},
                 {"type": "output_text", "text": "3}", "annotations": []}]}],
  "usage": {"input_tokens": 5, "output_tokens": 3, "total_tokens": 8,
            "output_tokens_details": {"reasoning_tokens": 2}}
})";

TEST(ResponseTranslate, ResponseJsonSchemaOutputToChatGolden) {
  auto out = translate_response(kResp, kChat, kResponseJsonAnswer, json::object());
  ASSERT_TRUE(out) << out.error();
  expect_shape(kChat, *out);
  const json want = json::parse(R"({
    "id": "chatcmpl-xyz", "object": "chat.completion", "created": 1700000100, "model": "m",
    "choices": [{"index": 0, "logprobs": null, "finish_reason": "stop",
      "message": {"role": "assistant", "content": "{\"t\":3}", "refusal": null}}],
    "usage": {"prompt_tokens": 5, "completion_tokens": 3, "total_tokens": 8,
              "prompt_tokens_details": {"cached_tokens": 0},
              "completion_tokens_details": {"reasoning_tokens": 2}}
  })");
  EXPECT_EQ(json::parse(*out), want);
  // And back: the JSON text is one output_text part of one message item.
  auto back = translate_response(kChat, kResp, *out, json::object());
  ASSERT_TRUE(back);
  expect_shape(kResp, *back);
  const json b = json::parse(*back);
  EXPECT_EQ(b["id"], "resp_xyz");
  EXPECT_EQ(b["output"][0]["content"][0]["text"], "{\"t\":3}");
  EXPECT_EQ(b["usage"]["output_tokens_details"]["reasoning_tokens"], 2);
}

TEST(ResponseTranslate, FinishReasonsAndStatuses) {
  auto chat_with = [](const char* fr) {
    return std::string(R"({"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"m",
      "choices":[{"index":0,"finish_reason":")") + fr +
           R"(","message":{"role":"assistant","content":"cut"}}]})";
  };
  for (auto [fr, status, reason] : {std::tuple{"length", "incomplete", "max_output_tokens"},
                                    std::tuple{"content_filter", "incomplete", "content_filter"},
                                    std::tuple{"stop", "completed", ""}}) {
    auto r = translate_response(kChat, kResp, chat_with(fr), json::object());
    ASSERT_TRUE(r);
    expect_shape(kResp, *r);
    const json j = json::parse(*r);
    EXPECT_EQ(j["status"], status) << fr;
    EXPECT_EQ(j["output"][0]["status"], status) << fr;
    if (*reason) EXPECT_EQ(j["incomplete_details"]["reason"], reason);
    else EXPECT_TRUE(j["incomplete_details"].is_null());
    auto back = translate_response(kResp, kChat, *r, json::object());
    ASSERT_TRUE(back);
    EXPECT_EQ(json::parse(*back)["choices"][0]["finish_reason"], fr);
  }
}

TEST(ResponseTranslate, RefusalBothWays) {
  const char* chat = R"({"id":"chatcmpl-r","object":"chat.completion","created":1,"model":"m",
    "choices":[{"index":0,"finish_reason":"stop",
      "message":{"role":"assistant","content":null,"refusal":"I can't help with that."}}]})";
  auto r = translate_response(kChat, kResp, chat, json::object());
  ASSERT_TRUE(r);
  expect_shape(kResp, *r);
  const json j = json::parse(*r);
  EXPECT_EQ(j["output"][0]["content"], json::parse(R"([{"type":"refusal","refusal":"I can't help with that."}])"));
  auto back = translate_response(kResp, kChat, *r, json::object());
  ASSERT_TRUE(back);
  expect_shape(kChat, *back);
  EXPECT_EQ(json::parse(*back)["choices"][0]["message"]["refusal"], "I can't help with that.");
  EXPECT_TRUE(json::parse(*back)["choices"][0]["message"]["content"].is_null());
}

TEST(ResponseTranslate, UnservableBodiesAreErrorsNamingWhat) {
  auto failed = translate_response(kResp, kChat,
                                   R"({"id":"r","object":"response","created_at":1,"model":"m",
                                       "status":"failed","output":[]})",
                                   json::object());
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error(), "status");
  auto builtin = translate_response(kResp, kChat,
                                    R"({"id":"r","object":"response","created_at":1,"model":"m",
                                        "status":"completed","output":[{"type":"web_search_call"}]})",
                                    json::object());
  ASSERT_FALSE(builtin);
  EXPECT_EQ(builtin.error(), "output.type");
  EXPECT_FALSE(translate_response(kChat, kResp, "not json", json::object()));
  auto empty = translate_response(kChat, kResp, R"({"id":"x","choices":[]})", json::object());
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error(), "choices");
}

}  // namespace
}  // namespace readygate::translate
