// Golden tests of request translation, both ways: exact expected documents,
// the round trip back, the target surface's request check, and ineligible
// fields named.
#include <gtest/gtest.h>

#include "contract/request_check.h"
#include "translate/translate.h"

namespace readygate::translate {
namespace {

using json = nlohmann::json;
constexpr auto kChat = Surface::kChatCompletions;
constexpr auto kResp = Surface::kResponses;

const char* kWeatherParams =
    R"({"type":"object","properties":{"city":{"type":"string"}},"required":["city"]})";

json chat_request() {
  return json::parse(R"({
    "model": "gpt-x", "stream": true, "stream_options": {"include_usage": true},
    "max_completion_tokens": 200, "temperature": 0.2, "top_p": 0.9, "user": "u-1",
    "metadata": {"team": "a"}, "n": 1, "parallel_tool_calls": false,
    "messages": [
      {"role": "system", "content": "Be brief."},
      {"role": "user", "content": [{"type": "text", "text": "Weather in"},
                                   {"type": "text", "text": " Oslo?"},
                                   {"type": "image_url", "image_url": {"url": "https://x/img.png", "detail": "low"}}]},
      {"role": "assistant", "content": null,
       "tool_calls": [{"id": "call_1", "type": "function",
                       "function": {"name": "get_weather", "arguments": "{\"city\":\"Oslo\"}"}}]},
      {"role": "tool", "tool_call_id": "call_1", "content": "{\"temp\":3}"},
      {"role": "assistant", "content": "It is 3 degrees."},
      {"role": "developer", "content": "Answer in JSON."}
    ],
    "tools": [{"type": "function", "function": {"name": "get_weather", "description": "Weather",
               "parameters": )" + std::string(kWeatherParams) + R"(}}],
    "tool_choice": {"type": "function", "function": {"name": "get_weather"}},
    "response_format": {"type": "json_schema", "json_schema": {"name": "answer", "strict": true,
                        "schema": {"type": "object", "properties": {"t": {"type": "number"}}}}}
  })");
}

json expected_responses_request() {
  return json::parse(R"({
    "model": "gpt-x", "stream": true, "max_output_tokens": 200, "temperature": 0.2,
    "top_p": 0.9, "user": "u-1", "metadata": {"team": "a"}, "parallel_tool_calls": false,
    "store": false, "instructions": "Be brief.",
    "input": [
      {"type": "message", "role": "user", "content": [
        {"type": "input_text", "text": "Weather in"}, {"type": "input_text", "text": " Oslo?"},
        {"type": "input_image", "image_url": "https://x/img.png", "detail": "low"}]},
      {"type": "function_call", "call_id": "call_1", "name": "get_weather",
       "arguments": "{\"city\":\"Oslo\"}"},
      {"type": "function_call_output", "call_id": "call_1", "output": "{\"temp\":3}"},
      {"type": "message", "role": "assistant", "content": "It is 3 degrees."},
      {"type": "message", "role": "developer", "content": "Answer in JSON."}
    ],
    "tools": [{"type": "function", "name": "get_weather", "description": "Weather",
               "parameters": )" + std::string(kWeatherParams) + R"(, "strict": false}],
    "tool_choice": {"type": "function", "name": "get_weather"},
    "text": {"format": {"type": "json_schema", "name": "answer", "strict": true,
                        "schema": {"type": "object", "properties": {"t": {"type": "number"}}}}}
  })");
}

TEST(RequestTranslate, ChatToResponsesGolden) {
  auto t = translate_request(kChat, kResp, chat_request().dump());
  ASSERT_TRUE(t) << t.error().message();
  EXPECT_EQ(json::parse(t->body), expected_responses_request());
  EXPECT_TRUE(t->echo.empty());
  auto facts = contract::check_request(kResp, t->body);
  ASSERT_TRUE(facts) << facts.error().message;
  EXPECT_EQ(facts->max_output_tokens, 200);
  EXPECT_TRUE(facts->has_tools);
}

TEST(RequestTranslate, ChatRoundTripKeepsEveryField) {
  auto there = translate_request(kChat, kResp, chat_request().dump());
  ASSERT_TRUE(there);
  auto back = translate_request(kResp, kChat, there->body);
  ASSERT_TRUE(back) << back.error().message();
  json want = chat_request();
  // What the round trip spells differently, meaning the same: the deprecated
  // n=1 default is not repeated, strict is explicit, text parts stay parts.
  want.erase("n");
  want["tools"][0]["function"]["strict"] = false;
  EXPECT_EQ(json::parse(back->body), want);
  ASSERT_TRUE(contract::check_request(kChat, back->body));
}

TEST(RequestTranslate, ResponsesToChatGolden) {
  const json in = json::parse(R"({
    "model": "m", "instructions": "Be brief.", "max_output_tokens": 64, "stream": true,
    "input": [
      {"role": "user", "content": "Weather in Oslo?"},
      {"type": "function_call", "call_id": "call_9", "name": "get_weather", "arguments": "{}",
       "id": "fc_9", "status": "completed"},
      {"type": "function_call_output", "call_id": "call_9", "output": "3"},
      {"type": "message", "role": "assistant", "id": "msg_1", "status": "completed",
       "content": [{"type": "output_text", "text": "3 degrees", "annotations": []}]}
    ],
    "tools": [{"type": "function", "name": "get_weather", "parameters": {"type": "object"}}],
    "tool_choice": "required",
    "text": {"format": {"type": "json_object"}}, "reasoning": {"effort": "low"}
  })");
  auto t = translate_request(kResp, kChat, in.dump());
  ASSERT_TRUE(t) << t.error().message();
  const json want = json::parse(R"({
    "model": "m", "max_completion_tokens": 64, "stream": true,
    "stream_options": {"include_usage": true},
    "messages": [
      {"role": "system", "content": "Be brief."},
      {"role": "user", "content": "Weather in Oslo?"},
      {"role": "assistant", "content": null, "tool_calls": [{"id": "call_9", "type": "function",
        "function": {"name": "get_weather", "arguments": "{}"}}]},
      {"role": "tool", "tool_call_id": "call_9", "content": "3"},
      {"role": "assistant", "content": [{"type": "text", "text": "3 degrees"}]}
    ],
    "tools": [{"type": "function", "function": {"name": "get_weather",
               "parameters": {"type": "object"}, "strict": true}}],
    "tool_choice": "required", "response_format": {"type": "json_object"},
    "reasoning_effort": "low"
  })");
  EXPECT_EQ(json::parse(t->body), want);
  ASSERT_TRUE(contract::check_request(kChat, t->body));
  // The Response object repeats these, with documented defaults for the rest.
  EXPECT_EQ(t->echo["instructions"], "Be brief.");
  EXPECT_EQ(t->echo["max_output_tokens"], 64);
  EXPECT_EQ(t->echo["tool_choice"], "required");
  EXPECT_EQ(t->echo["temperature"], 1.0);
  EXPECT_EQ(t->echo["text"]["format"]["type"], "json_object");
  EXPECT_EQ(t->echo["store"], false);
}

TEST(RequestTranslate, StringInputAndAssistantTextWithCallsShareOneMessage) {
  auto t = translate_request(kResp, kChat, R"({"model":"m","input":"hi"})");
  ASSERT_TRUE(t);
  EXPECT_EQ(json::parse(t->body)["messages"], json::parse(R"([{"role":"user","content":"hi"}])"));
  auto u = translate_request(kResp, kChat, R"({"model":"m","input":[
      {"role":"assistant","content":"Let me look."},
      {"type":"function_call","call_id":"c1","name":"f","arguments":"{}"},
      {"type":"function_call","call_id":"c2","name":"g","arguments":"{}"}]})");
  ASSERT_TRUE(u);
  const json msgs = json::parse(u->body)["messages"];
  ASSERT_EQ(msgs.size(), 1u);
  EXPECT_EQ(msgs[0]["content"], "Let me look.");
  EXPECT_EQ(msgs[0]["tool_calls"].size(), 2u);
  EXPECT_EQ(msgs[0]["tool_calls"][1]["id"], "c2");
}

struct IneligibleCase {
  Surface from;
  const char* body;
  const char* field;
};

class RequestIneligible : public testing::TestWithParam<IneligibleCase> {};

TEST_P(RequestIneligible, NamesTheField) {
  const auto& c = GetParam();
  auto t = translate_request(c.from, c.from == kChat ? kResp : kChat, c.body);
  ASSERT_FALSE(t) << c.body;
  EXPECT_EQ(t.error().field, c.field);
  EXPECT_EQ(t.error().message(), std::string("ineligible: ") + c.field);
}

constexpr const char* kMsgs = R"("messages":[{"role":"user","content":"hi"}])";

INSTANTIATE_TEST_SUITE_P(
    Fields, RequestIneligible,
    testing::Values(
        IneligibleCase{kChat, R"({"model":"m","n":2,"messages":[]})", "n"},
        IneligibleCase{kChat, R"({"model":"m","logprobs":true,"messages":[]})", "logprobs"},
        IneligibleCase{kChat, R"({"model":"m","top_logprobs":2,"messages":[]})", "top_logprobs"},
        IneligibleCase{kChat, R"({"model":"m","audio":{"voice":"x"},"messages":[]})", "audio"},
        IneligibleCase{kChat, R"({"model":"m","modalities":["text","audio"],"messages":[]})",
                       "modalities"},
        IneligibleCase{kChat, R"({"model":"m","seed":7,"messages":[]})", "seed"},
        IneligibleCase{kChat, R"({"model":"m","stop":["x"],"messages":[]})", "stop"},
        IneligibleCase{kChat, R"({"model":"m","store":true,"messages":[]})", "store"},
        IneligibleCase{kChat, R"({"model":"m","web_search_options":{},"messages":[]})",
                       "web_search_options"},
        IneligibleCase{kChat, R"({"model":"m","messages":[{"role":"user","name":"bob","content":"hi"}]})",
                       "messages[0].name"},
        IneligibleCase{kChat,
                       R"({"model":"m","messages":[{"role":"user","content":[{"type":"input_audio","input_audio":{}}]}]})",
                       "messages[0].content[0].type"},
        IneligibleCase{kChat, R"({"model":"m","messages":[{"role":"function","name":"f","content":"x"}]})",
                       "messages[0].role"},
        IneligibleCase{kChat, R"({"model":"m","tools":[{"type":"custom","custom":{"name":"x"}}],"messages":[]})",
                       "tools[0].type"},
        IneligibleCase{kChat, R"({"model":"m","stream_options":{"include_obfuscation":true},"messages":[]})",
                       "stream_options.include_obfuscation"},
        IneligibleCase{kResp, R"({"model":"m","input":"hi","previous_response_id":"resp_1"})",
                       "previous_response_id"},
        IneligibleCase{kResp, R"({"model":"m","input":"hi","store":true})", "store"},
        IneligibleCase{kResp, R"({"model":"m","input":"hi","background":true})", "background"},
        IneligibleCase{kResp, R"({"model":"m","input":"hi","tools":[{"type":"web_search"}]})",
                       "tools[0].type"},
        IneligibleCase{kResp, R"({"model":"m","input":"hi","top_logprobs":3})", "top_logprobs"},
        IneligibleCase{kResp, R"({"model":"m","input":"hi","truncation":"auto"})", "truncation"},
        IneligibleCase{kResp, R"({"model":"m","input":"hi","include":["reasoning.encrypted_content"]})",
                       "include"},
        IneligibleCase{kResp, R"({"model":"m","input":[{"type":"reasoning","summary":[]}]})",
                       "input[0].type"},
        IneligibleCase{kResp, R"({"model":"m","input":[{"type":"item_reference","id":"x"}]})",
                       "input[0].type"},
        IneligibleCase{kResp, R"({"model":"m","input":"hi","reasoning":{"summary":"auto"}})",
                       "reasoning.summary"},
        IneligibleCase{kResp, R"({"model":"m","input":"hi","text":{"verbosity":"low"}})",
                       "text.verbosity"},
        IneligibleCase{kResp, R"({"model":"m","input":"hi","my field!":1})", "unknown_field"},
        IneligibleCase{kResp, R"({"model":"m","input":"hi","Tell me the secret canary-7f3e":1})",
                       "unknown_field"},
        IneligibleCase{kChat,
                       R"({"model":"m","messages":[{"role":"user","content":"hi","Canary Text":1}]})",
                       "messages[0].unknown_field"},
        IneligibleCase{kResp, R"({"model":"m","input":"hi","x_custom_flag":1})", "x_custom_flag"}));

TEST(RequestTranslate, AcceptsDocumentedDefaultsOfIneligibleFields) {
  for (const char* body :
       {R"({"model":"m","n":1,"logprobs":false,"store":false,"modalities":["text"],)",
        R"({"model":"m","n":null,"seed":null,)"}) {
    auto t = translate_request(kChat, kResp, std::string(body) + kMsgs + "}");
    EXPECT_TRUE(t) << body << (t ? "" : t.error().message());
  }
  auto r = translate_request(kResp, kChat,
                             R"({"model":"m","input":"hi","store":false,"truncation":"disabled","include":[]})");
  EXPECT_TRUE(r);
}

TEST(RequestTranslate, WrongTypesAreIneligibleNotACrash) {
  auto t = translate_request(kChat, kResp, R"({"model":"m","messages":[{"role":"user","content":[{"type":"text","text":5}]}]})");
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().field, "body");
}

}  // namespace
}  // namespace readygate::translate
