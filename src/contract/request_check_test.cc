#include "contract/request_check.h"

#include <gtest/gtest.h>

namespace readygate::contract {
namespace {

constexpr Surface kChat = Surface::kChatCompletions;
constexpr Surface kResp = Surface::kResponses;

struct BadCase {
  const char* name;
  Surface surface;
  const char* body;
  const char* param;  // "" -> null
  const char* code;   // "" -> null
  const char* message_part;
};

class RequestCheckRejects : public ::testing::TestWithParam<BadCase> {};

TEST_P(RequestCheckRejects, WithAnOpenAiStyleErrorNamingTheField) {
  const BadCase& c = GetParam();
  auto r = check_request(c.surface, c.body);
  ASSERT_FALSE(r.has_value()) << c.body;
  EXPECT_EQ(r.error().status, 400);
  EXPECT_EQ(r.error().type, "invalid_request_error");
  EXPECT_EQ(r.error().param, c.param);
  EXPECT_EQ(r.error().code, c.code);
  EXPECT_NE(r.error().message.find(c.message_part), std::string::npos) << r.error().message;
}

INSTANTIATE_TEST_SUITE_P(
    Chat, RequestCheckRejects,
    ::testing::Values(
        BadCase{"NotJson", kChat, "{\"model\":", "", "", "We could not parse the JSON body"},
        BadCase{"ArrayBody", kChat, "[]", "", "invalid_type", "got an array instead"},
        BadCase{"DuplicateModel", kChat,
                R"({"model":"a","messages":[{"role":"user","content":"x"}],"model":"b"})", "model",
                "duplicate_parameter", "Duplicate key 'model'"},
        BadCase{"DuplicateStream", kChat,
                R"({"model":"a","stream":false,"messages":[{"role":"user","content":"x"}],"stream":true})",
                "stream", "duplicate_parameter", "Duplicate key 'stream'"},
        BadCase{"DuplicateStreamOptions", kResp,
                R"({"model":"a","input":"x","stream_options":{},"stream_options":{"include_usage":true}})",
                "stream_options", "duplicate_parameter", "Duplicate key 'stream_options'"},
        BadCase{"MissingModel", kChat, R"({"messages":[]})", "model", "missing_required_parameter",
                "Missing required parameter: 'model'."},
        BadCase{"ModelNotString", kChat, R"({"model":4})", "model", "invalid_type",
                "Invalid type for 'model': expected a string, but got an integer instead."},
        BadCase{"EmptyModel", kChat, R"({"model":"","messages":[]})", "model", "invalid_value",
                "Invalid value for 'model'"},
        BadCase{"MissingMessages", kChat, R"({"model":"m"})", "messages",
                "missing_required_parameter", "Missing required parameter: 'messages'."},
        BadCase{"MessagesString", kChat, R"({"model":"m","messages":"hi"})", "messages",
                "invalid_type",
                "Invalid type for 'messages': expected an array, but got a string instead."},
        BadCase{"EmptyMessages", kChat, R"({"model":"m","messages":[]})", "messages", "empty_array",
                "empty array"},
        BadCase{"MessageNotObject", kChat, R"({"model":"m","messages":["hi"]})", "messages[0]",
                "invalid_type", "expected an object, but got a string"},
        BadCase{"MissingRole", kChat, R"({"model":"m","messages":[{"content":"x"}]})",
                "messages[0].role", "missing_required_parameter", "'messages[0].role'"},
        BadCase{
            "UnknownRole", kChat,
            R"({"model":"m","messages":[{"role":"user","content":"a"},{"role":"robot","content":"b"}]})",
            "messages[1].role", "invalid_value", "Invalid value for 'messages[1].role'"},
        BadCase{"ContentNumber", kChat, R"({"model":"m","messages":[{"role":"user","content":1}]})",
                "messages[0].content", "invalid_type", "expected a string, an array or null"},
        BadCase{"UserWithoutContent", kChat, R"({"model":"m","messages":[{"role":"user"}]})",
                "messages[0].content", "missing_required_parameter", "'messages[0].content'"},
        BadCase{"ToolWithoutCallId", kChat,
                R"({"model":"m","messages":[{"role":"tool","content":"r"}]})",
                "messages[0].tool_call_id", "missing_required_parameter", "tool_call_id"},
        BadCase{"PartWithoutType", kChat,
                R"({"model":"m","messages":[{"role":"user","content":[{"text":"x"}]}]})",
                "messages[0].content[0].type", "missing_required_parameter", "content[0].type"},
        BadCase{"StreamString", kChat,
                R"({"model":"m","messages":[{"role":"user","content":"hi"}],"stream":"yes"})",
                "stream", "invalid_type", "expected a boolean, but got a string"},
        BadCase{
            "IncludeUsageNumber", kChat,
            R"({"model":"m","messages":[{"role":"user","content":"hi"}],"stream":true,"stream_options":{"include_usage":1}})",
            "stream_options.include_usage", "invalid_type", "expected a boolean"},
        BadCase{"StreamOptionsArray", kChat,
                R"({"model":"m","messages":[{"role":"user","content":"hi"}],"stream_options":[]})",
                "stream_options", "invalid_type", "expected an object"},
        BadCase{"MaxTokensZero", kChat,
                R"({"model":"m","messages":[{"role":"user","content":"hi"}],"max_tokens":0})",
                "max_tokens", "integer_below_min_value", "expected an integer >= 1"},
        BadCase{
            "MaxCompletionTokensDecimal", kChat,
            R"({"model":"m","messages":[{"role":"user","content":"hi"}],"max_completion_tokens":1.5})",
            "max_completion_tokens", "invalid_type", "got a decimal number instead"},
        BadCase{"TemperatureAboveTwo", kChat,
                R"({"model":"m","messages":[{"role":"user","content":"hi"}],"temperature":2.5})",
                "temperature", "decimal_above_max_value", "between 0 and 2"},
        BadCase{"TopPNegative", kChat,
                R"({"model":"m","messages":[{"role":"user","content":"hi"}],"top_p":-0.1})",
                "top_p", "decimal_below_min_value", "between 0 and 1"},
        BadCase{"NZero", kChat,
                R"({"model":"m","messages":[{"role":"user","content":"hi"}],"n":0})", "n",
                "integer_below_min_value", "'n'"},
        BadCase{"ToolsObject", kChat,
                R"({"model":"m","messages":[{"role":"user","content":"hi"}],"tools":{}})", "tools",
                "invalid_type", "expected an array"}),
    [](const auto& info) { return std::string(info.param.name); });

INSTANTIATE_TEST_SUITE_P(
    Responses, RequestCheckRejects,
    ::testing::Values(
        BadCase{"NotJson", kResp, "model=x", "", "", "We could not parse the JSON body"},
        BadCase{"MissingModel", kResp, R"({"input":"hi"})", "model", "missing_required_parameter",
                "'model'"},
        BadCase{"MissingInput", kResp, R"({"model":"m"})", "input", "missing_required_parameter",
                "Missing required parameter: 'input'."},
        BadCase{"InputNumber", kResp, R"({"model":"m","input":3})", "input", "invalid_type",
                "expected a string or an array, but got an integer instead."},
        BadCase{"InputItemString", kResp, R"({"model":"m","input":["hi"]})", "input[0]",
                "invalid_type", "expected an object"},
        BadCase{"InputItemBadRole", kResp,
                R"({"model":"m","input":[{"role":"tool","content":"x"}]})", "input[0].role",
                "invalid_value", "'input[0].role'"},
        BadCase{"InputMessageWithoutContent", kResp, R"({"model":"m","input":[{"role":"user"}]})",
                "input[0].content", "missing_required_parameter", "'input[0].content'"},
        BadCase{"InstructionsArray", kResp, R"({"model":"m","input":"hi","instructions":[]})",
                "instructions", "invalid_type", "expected a string or null"},
        BadCase{"MaxOutputTokensZero", kResp, R"({"model":"m","input":"hi","max_output_tokens":0})",
                "max_output_tokens", "integer_below_min_value", ">= 1"},
        BadCase{"StreamNumber", kResp, R"({"model":"m","input":"hi","stream":1})", "stream",
                "invalid_type", "expected a boolean"},
        BadCase{"TemperatureString", kResp, R"({"model":"m","input":"hi","temperature":"hot"})",
                "temperature", "invalid_type", "expected a number, but got a string"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(RequestCheck, DuplicateKeysTheGatewayDoesNotReadAreLeftToTheProvider) {
  EXPECT_TRUE(check_request(kChat, R"({"model":"a","user":"u","messages":[{"role":"user","content":"x"}],"user":"v"})"));
}

TEST(RequestCheck, ChatFactsAreExtracted) {
  auto r = check_request(
      kChat,
      R"({"model":"gpt-4o-mini","messages":[{"role":"system","content":"s"},{"role":"user","content":[{"type":"text","text":"x"}]},{"role":"assistant","tool_calls":[]}],"stream":true,"stream_options":{"include_usage":true},"max_tokens":50,"max_completion_tokens":100,"tools":[{"type":"function"}],"temperature":null})");
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(r->model, "gpt-4o-mini");
  EXPECT_TRUE(r->stream);
  EXPECT_TRUE(r->include_usage);
  EXPECT_EQ(r->max_output_tokens, 100);  // max_completion_tokens wins over max_tokens
  EXPECT_TRUE(r->has_tools);
  EXPECT_EQ(r->input_items, 3u);
}

TEST(RequestCheck, ChatMinimalRequestHasDefaults) {
  auto r = check_request(kChat, R"({"model":"m","messages":[{"role":"user","content":null}]})");
  ASSERT_TRUE(r.has_value());
  EXPECT_FALSE(r->stream);
  EXPECT_FALSE(r->include_usage);
  EXPECT_FALSE(r->max_output_tokens.has_value());
  EXPECT_FALSE(r->has_tools);
  EXPECT_EQ(r->input_items, 1u);
}

TEST(RequestCheck, ChatDeprecatedMaxTokensIsUsedWhenAlone) {
  auto r = check_request(
      kChat, R"({"model":"m","messages":[{"role":"user","content":"x"}],"max_tokens":7})");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->max_output_tokens, 7);
}

TEST(RequestCheck, ResponsesStringInputCountsAsOneItem) {
  auto r = check_request(
      kResp,
      R"({"model":"m","input":"hello","max_output_tokens":64,"stream":true,"instructions":null})");
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(r->input_items, 1u);
  EXPECT_EQ(r->max_output_tokens, 64);
  EXPECT_TRUE(r->stream);
}

TEST(RequestCheck, ResponsesItemArrayAcceptsMessagesAndOtherItems) {
  auto r = check_request(
      kResp,
      R"({"model":"m","input":[{"role":"user","content":"q"},{"type":"message","role":"assistant","content":[{"type":"output_text","text":"a"}]},{"type":"function_call_output","call_id":"c","output":"{}"}],"tools":[{"type":"web_search"}]})");
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(r->input_items, 3u);
  EXPECT_TRUE(r->has_tools);
}

TEST(RequestCheck, UnknownFieldsAreLeftForTheProvider) {
  EXPECT_TRUE(
      check_request(
          kChat, R"({"model":"m","messages":[{"role":"user","content":"x"}],"x_vendor":{"a":1}})")
          .has_value());
}

TEST(RequestCheck, ErrorsNeverEchoRequestContent) {
  const std::string secret = "SECRET-PROMPT-TEXT";
  const std::string bodies[] = {
      R"({"model":"m","messages":[{"role":")" + secret + R"(","content":"x"}]})",
      R"({"model":"m","messages":[{"role":"user","content":")" + secret + R"("}],"n":")" + secret +
          R"("})",
      R"({"model":")" + secret + R"(","messages":")" + secret + R"("})",
      R"({"model":"m","messages":[{"role":"user","content":")" + secret + R"("}],"max_tokens":-5})",
      R"({"model":"m","messages":[{"role":"user","content":"x"}],"temperature":")" + secret +
          R"("})",
  };
  for (const auto& b : bodies) {
    auto r = check_request(kChat, b);
    ASSERT_FALSE(r.has_value()) << b;
    EXPECT_EQ(r.error().message.find(secret), std::string::npos) << r.error().message;
    EXPECT_EQ(r.error().message.find("-5"), std::string::npos) << r.error().message;
  }
}

}  // namespace
}  // namespace readygate::contract

namespace readygate::contract {
namespace {

TEST(RequestFingerprint, SameContentAnySpacingSameFingerprint) {
  const std::string a =
      R"({"model":"m","messages":[{"role":"user","content":"hello there"}],"stream":true})";
  const std::string b =
      "{ \"model\" : \"m\",\n \"messages\" : [ { \"role\" : \"user\", \"content\" : \"hello there\" } ] }";
  const std::string c = R"({"model":"m","messages":[{"role":"user","content":"hello therE"}]})";
  const std::string d = R"({"model":"m","messages":[{"content":"hello there","role":"user"}]})";
  auto fa = check_request(Surface::kChatCompletions, a, true);
  auto fb = check_request(Surface::kChatCompletions, b, true);
  auto fc = check_request(Surface::kChatCompletions, c, true);
  auto fd = check_request(Surface::kChatCompletions, d, true);
  ASSERT_TRUE(fa && fb && fc && fd);
  EXPECT_NE(fa->content_fingerprint, 0u);
  EXPECT_EQ(fa->content_fingerprint, fb->content_fingerprint);  // spacing and other fields ignored
  EXPECT_NE(fa->content_fingerprint, fc->content_fingerprint);  // one byte of content
  EXPECT_NE(fa->content_fingerprint, fd->content_fingerprint);  // key order counts
  EXPECT_EQ(check_request(Surface::kChatCompletions, a)->content_fingerprint, 0u);  // not asked
  // Responses: the input value, a string or items.
  auto r1 = check_request(Surface::kResponses, R"({"model":"m","input":"1"})", true);
  auto r2 = check_request(Surface::kResponses, R"({"model":"m","input":[{"role":"user","content":"1"}]})", true);
  auto r3 = check_request(Surface::kResponses, R"({"model":"m", "input": "1"})", true);
  ASSERT_TRUE(r1 && r2 && r3);
  EXPECT_NE(r1->content_fingerprint, r2->content_fingerprint);
  EXPECT_EQ(r1->content_fingerprint, r3->content_fingerprint);
}

}  // namespace
}  // namespace readygate::contract
