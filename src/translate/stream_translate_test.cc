// Golden tests of stream translation, both ways, fed event by event: the
// exact event sequence, gap-free sequence_numbers, tool-call argument
// deltas, terminal events and usage, errors and truncation; every translated
// stream passes the client surface's StreamChecker. Inputs are hand-written
// frames and the built-in provider's own realistic streams.
#include <gtest/gtest.h>

#include "contract/stream_check.h"
#include "mock/answer.h"
#include "translate/translate.h"

namespace readygate::translate {
namespace {

using json = nlohmann::json;
using contract::SseEvent;
using contract::StreamVerdict;
constexpr auto kChat = Surface::kChatCompletions;
constexpr auto kResp = Surface::kResponses;

struct StreamRun {
  std::vector<SseEvent> events;  // as the client parses them
  StreamVerdict verdict = StreamVerdict::kInProgress;
  bool usage_seen = false;
  bool ended = false;
  std::vector<std::string> problems;

  std::vector<std::string> types() const {
    std::vector<std::string> t;
    for (const auto& e : events) t.push_back(e.event);
    return t;
  }
  json data(size_t i) const { return json::parse(events.at(i).data); }
};

StreamRun check(Surface client, const std::string& out, bool ended) {
  StreamRun run;
  run.ended = ended;
  contract::SseParser p;
  p.feed(out);
  contract::StreamChecker checker(client);
  SseEvent ev;
  while (p.next(&ev)) {
    checker.on_event(ev);
    run.events.push_back(ev);
  }
  EXPECT_FALSE(p.has_partial());
  run.verdict = checker.finish();
  run.usage_seen = checker.usage_seen();
  run.problems = checker.problems();
  return run;
}

StreamRun translate_frames(Surface upstream, const std::vector<std::string>& frames,
                     StreamOptions opts = {}, std::string* tail_error = nullptr) {
  const Surface client = upstream == kChat ? kResp : kChat;
  auto t = make_stream_translator(upstream, client, std::move(opts));
  contract::SseParser in;
  SseEvent ev;
  std::string out;
  for (const auto& f : frames) {
    in.feed(f);
    while (in.next(&ev)) t->on_event(ev, &out);
  }
  const bool ended = t->ended();
  if (tail_error && !ended) out += t->error_frame("upstream_stream_interrupted", "cut");
  return check(client, out, ended);
}

std::string chunk(const std::string& choice_or_usage) {
  return R"(data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1700000000,"model":"m",)" +
         choice_or_usage + "}\n\n";
}
std::string delta(const std::string& d, const char* finish = "null") {
  return chunk(R"("choices":[{"index":0,"delta":)" + d + R"(,"logprobs":null,"finish_reason":)" +
               finish + "}]");
}

mock::Answer answer(Surface s, bool tool, std::optional<int64_t> max_tokens = std::nullopt) {
  mock::AnswerInput in;
  in.surface = s;
  in.model = "m";
  in.content_hash = 42;
  in.answer_tokens = 5;
  in.max_tokens = max_tokens;
  in.include_usage = true;
  if (tool) in.tool_name = "get_weather";
  return mock::make_answer(in, 7, 1700000000);
}

std::vector<std::string> native_types(Surface s, const mock::Answer& a) {
  auto frames = s == kChat ? mock::chat_stream_frames(a) : mock::responses_stream_frames(a);
  std::string all;
  for (const auto& f : frames) all += f;
  return check(s, all, true).types();
}

TEST(StreamTranslate, ChatTextToResponsesGolden) {
  const std::vector<std::string> frames = {
      delta(R"({"role":"assistant","content":""})"), delta(R"({"content":"Hel"})"),
      delta(R"({"content":"lo"})"), delta("{}", "\"stop\""),
      chunk(R"("choices":[],"usage":{"prompt_tokens":3,"completion_tokens":2,"total_tokens":5})"),
      "data: [DONE]\n\n"};
  const StreamRun r = translate_frames(kChat, frames);
  EXPECT_EQ(r.verdict, StreamVerdict::kCompleted) << (r.problems.empty() ? "" : r.problems[0]);
  EXPECT_TRUE(r.ended);
  const std::vector<std::string> want = {
      "response.created",           "response.in_progress",     "response.output_item.added",
      "response.content_part.added", "response.output_text.delta", "response.output_text.delta",
      "response.output_text.done",  "response.content_part.done", "response.output_item.done",
      "response.completed"};
  EXPECT_EQ(r.types(), want);
  for (size_t i = 0; i < r.events.size(); ++i) EXPECT_EQ(r.data(i)["sequence_number"], i);
  EXPECT_EQ(r.events[4].data,
            R"({"type":"response.output_text.delta","sequence_number":4,"item_id":"msg_1",)"
            R"("output_index":0,"content_index":0,"delta":"Hel","logprobs":[]})");
  EXPECT_EQ(r.data(6)["text"], "Hello");
  const json resp = r.data(9)["response"];
  EXPECT_EQ(resp["id"], "resp_1");
  EXPECT_EQ(resp["created_at"], 1700000000);
  EXPECT_EQ(resp["status"], "completed");
  EXPECT_EQ(resp["output"][0]["content"][0]["text"], "Hello");
  EXPECT_EQ(resp["usage"]["input_tokens"], 3);
  EXPECT_EQ(resp["usage"]["output_tokens"], 2);
  EXPECT_TRUE(r.usage_seen);
}

TEST(StreamTranslate, ChatToolCallToResponsesMatchesNativeEventOrder) {
  const auto a = answer(kChat, true);
  const StreamRun r = translate_frames(kChat, mock::chat_stream_frames(a));
  EXPECT_EQ(r.verdict, StreamVerdict::kCompleted) << (r.problems.empty() ? "" : r.problems[0]);
  EXPECT_EQ(r.types(), native_types(kResp, answer(kResp, true)));
  const json added = r.data(2)["item"];
  EXPECT_EQ(added["type"], "function_call");
  EXPECT_EQ(added["call_id"], a.tool_call->call_id);
  EXPECT_EQ(added["name"], "get_weather");
  EXPECT_EQ(r.data(3)["delta"], a.tool_call->arguments);
  EXPECT_EQ(r.data(4)["arguments"], a.tool_call->arguments);
  const json done = r.events.back().event == "response.completed" ? r.data(r.events.size() - 1)
                                                                  : json();
  ASSERT_FALSE(done.is_null());
  EXPECT_EQ(done["response"]["output"][0]["arguments"], a.tool_call->arguments);
  EXPECT_EQ(done["response"]["output"][0]["status"], "completed");
  EXPECT_TRUE(r.usage_seen);
}

TEST(StreamTranslate, ChatTextToResponsesMatchesNativeEventOrder) {
  const auto a = answer(kChat, false);
  const StreamRun r = translate_frames(kChat, mock::chat_stream_frames(a));
  EXPECT_EQ(r.verdict, StreamVerdict::kCompleted);
  EXPECT_EQ(r.types(), native_types(kResp, answer(kResp, false)));
  EXPECT_EQ(r.data(r.events.size() - 1)["response"]["output"][0]["content"][0]["text"], a.text());
}

std::string chat_text(const StreamRun& r, std::string* finish, json* calls = nullptr) {
  std::string text;
  for (const auto& e : r.events) {
    if (e.data == "[DONE]") continue;
    const json c = json::parse(e.data);
    if (c["choices"].empty()) continue;
    const json& ch = c["choices"][0];
    if (ch["delta"].contains("content")) text += ch["delta"]["content"].get<std::string>();
    if (ch["delta"].contains("tool_calls") && calls)
      for (const json& tc : ch["delta"]["tool_calls"]) calls->push_back(tc);
    if (!ch["finish_reason"].is_null()) *finish = ch["finish_reason"];
  }
  return text;
}

TEST(StreamTranslate, ResponsesTextToChatWithUsage) {
  const auto a = answer(kResp, false);
  const StreamRun r = translate_frames(kResp, mock::responses_stream_frames(a), {.include_usage = true});
  EXPECT_EQ(r.verdict, StreamVerdict::kCompleted) << (r.problems.empty() ? "" : r.problems[0]);
  EXPECT_TRUE(r.usage_seen);
  // Same chunk count as the provider's own chat stream: role, one per token, finish, usage, [DONE].
  EXPECT_EQ(r.events.size(), native_types(kChat, answer(kChat, false)).size());
  std::string finish;
  EXPECT_EQ(chat_text(r, &finish), a.text());
  EXPECT_EQ(finish, "stop");
  const json first = r.data(0);
  EXPECT_EQ(first["id"], "chatcmpl-" + a.id.substr(5));
  EXPECT_EQ(first["created"], 1700000000);
  EXPECT_EQ(first["choices"][0]["delta"]["role"], "assistant");
  const json usage = r.data(r.events.size() - 2);
  EXPECT_TRUE(usage["choices"].empty());
  EXPECT_EQ(usage["usage"]["prompt_tokens"], a.prompt_tokens);
  EXPECT_EQ(usage["usage"]["completion_tokens"], a.completion_tokens());
  EXPECT_EQ(r.events.back().data, "[DONE]");
}

TEST(StreamTranslate, ResponsesToolCallToChatDeltas) {
  const auto a = answer(kResp, true);
  const StreamRun r = translate_frames(kResp, mock::responses_stream_frames(a));
  EXPECT_EQ(r.verdict, StreamVerdict::kCompleted);
  EXPECT_FALSE(r.usage_seen);  // the client did not ask include_usage
  std::string finish;
  json calls = json::array();
  EXPECT_EQ(chat_text(r, &finish, &calls), "");
  EXPECT_EQ(finish, "tool_calls");
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[0]["index"], 0);
  EXPECT_EQ(calls[0]["id"], a.tool_call->call_id);
  EXPECT_EQ(calls[0]["type"], "function");
  EXPECT_EQ(calls[0]["function"]["name"], "get_weather");
  EXPECT_EQ(calls[1]["index"], 0);
  EXPECT_EQ(calls[1]["function"]["arguments"], a.tool_call->arguments);
}

TEST(StreamTranslate, ArgumentsSentOnlyWholeStillReachTheChatClient) {
  const std::string created = R"(event: response.created
data: {"type":"response.created","sequence_number":0,"response":{"id":"resp_1","object":"response","created_at":1,"model":"m","status":"in_progress","output":[]}}

)";
  const std::string added = R"(event: response.output_item.added
data: {"type":"response.output_item.added","sequence_number":1,"output_index":0,"item":{"id":"fc_1","type":"function_call","status":"in_progress","call_id":"call_1","name":"f","arguments":""}}

)";
  const std::string done = R"(event: response.function_call_arguments.done
data: {"type":"response.function_call_arguments.done","sequence_number":2,"item_id":"fc_1","output_index":0,"arguments":"{\"a\":1}"}

)";
  const std::string completed = R"(event: response.completed
data: {"type":"response.completed","sequence_number":3,"response":{"id":"resp_1","object":"response","created_at":1,"model":"m","status":"completed","output":[{"id":"fc_1","type":"function_call","status":"completed","call_id":"call_1","name":"f","arguments":"{\"a\":1}"}]}}

)";
  const StreamRun r = translate_frames(kResp, {created, added, done, completed});
  EXPECT_EQ(r.verdict, StreamVerdict::kCompleted);
  std::string finish;
  json calls = json::array();
  chat_text(r, &finish, &calls);
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[1]["function"]["arguments"], "{\"a\":1}");
  EXPECT_EQ(finish, "tool_calls");
  // With deltas first, the done event adds nothing: arguments arrive once.
  const std::string delta = R"(event: response.function_call_arguments.delta
data: {"type":"response.function_call_arguments.delta","sequence_number":2,"item_id":"fc_1","output_index":0,"delta":"{\"a\":1}"}

)";
  std::string done3 = done, completed4 = completed;
  done3.replace(done3.find("\"sequence_number\":2"), 19, "\"sequence_number\":3");
  completed4.replace(completed4.find("\"sequence_number\":3"), 19, "\"sequence_number\":4");
  const StreamRun once = translate_frames(kResp, {created, added, delta, done3, completed4});
  json calls2 = json::array();
  chat_text(once, &finish, &calls2);
  EXPECT_EQ(calls2.size(), 2u);
}

// A provider that sends a part's text only in output_text.done (no deltas):
// the chat client still gets the text, and exactly once when deltas came.
TEST(StreamTranslate, TextSentOnlyWholeStillReachesTheChatClientOnce) {
  auto frame = [](const std::string& type, int seq, const std::string& rest) {
    return "event: " + type + "\ndata: {\"type\":\"" + type + "\",\"sequence_number\":" +
           std::to_string(seq) + "," + rest + "}\n\n";
  };
  const std::string resp_head =
      R"("response":{"id":"resp_1","object":"response","created_at":1,"model":"m","status":)";
  const std::string created = frame("response.created", 0, resp_head + R"("in_progress","output":[]})");
  const std::string part = R"("item_id":"msg_1","output_index":0,"content_index":0,)";
  const std::string done_text = R"("text":"whole answer")";
  auto completed = [&](int seq) {
    return frame("response.completed", seq,
                 resp_head + R"("completed","output":[{"id":"msg_1","type":"message","status":"completed","role":"assistant","content":[{"type":"output_text","text":"whole answer","annotations":[]}]}]})");
  };
  const StreamRun only_done = translate_frames(
      kResp, {created, frame("response.output_text.done", 1, part + done_text), completed(2)});
  EXPECT_EQ(only_done.verdict, StreamVerdict::kCompleted)
      << (only_done.problems.empty() ? "" : only_done.problems[0]);
  std::string finish;
  EXPECT_EQ(chat_text(only_done, &finish), "whole answer");
  EXPECT_EQ(finish, "stop");
  const StreamRun with_deltas = translate_frames(
      kResp, {created, frame("response.output_text.delta", 1, part + R"("delta":"whole ")"),
              frame("response.output_text.delta", 2, part + R"("delta":"answer")"),
              frame("response.output_text.done", 3, part + done_text), completed(4)});
  EXPECT_EQ(with_deltas.verdict, StreamVerdict::kCompleted);
  EXPECT_EQ(chat_text(with_deltas, &finish), "whole answer");
}

TEST(StreamTranslate, RoundTripKeepsTextAndFinish) {
  const auto a = answer(kChat, false);
  auto to_resp = make_stream_translator(kChat, kResp, {});
  auto to_chat = make_stream_translator(kResp, kChat, {.include_usage = true});
  contract::SseParser p1, p2;
  SseEvent ev, ev2;
  std::string mid, out;
  for (const auto& f : mock::chat_stream_frames(a)) {
    p1.feed(f);
    while (p1.next(&ev)) {
      std::string piece;
      to_resp->on_event(ev, &piece);
      mid += piece;
      p2.feed(piece);
      while (p2.next(&ev2)) to_chat->on_event(ev2, &out);
    }
  }
  EXPECT_EQ(check(kResp, mid, true).verdict, StreamVerdict::kCompleted);
  const StreamRun r = check(kChat, out, true);
  EXPECT_EQ(r.verdict, StreamVerdict::kCompleted);
  EXPECT_TRUE(r.usage_seen);
  std::string finish;
  EXPECT_EQ(chat_text(r, &finish), a.text());
  EXPECT_EQ(finish, "stop");
}

TEST(StreamTranslate, LengthBecomesIncompleteAndBack) {
  const StreamRun r = translate_frames(kChat, mock::chat_stream_frames(answer(kChat, false, 2)));
  EXPECT_EQ(r.verdict, StreamVerdict::kIncomplete);
  const json resp = r.data(r.events.size() - 1)["response"];
  EXPECT_EQ(resp["status"], "incomplete");
  EXPECT_EQ(resp["incomplete_details"]["reason"], "max_output_tokens");
  const StreamRun c = translate_frames(kResp, mock::responses_stream_frames(answer(kResp, false, 2)));
  EXPECT_EQ(c.verdict, StreamVerdict::kCompleted);
  std::string finish;
  chat_text(c, &finish);
  EXPECT_EQ(finish, "length");
}

TEST(StreamTranslate, RefusalDeltas) {
  const StreamRun r = translate_frames(
      kChat, {delta(R"({"role":"assistant","refusal":"No"})"), delta(R"({"refusal":"pe."})"),
              delta("{}", "\"stop\""), "data: [DONE]\n\n"});
  EXPECT_EQ(r.verdict, StreamVerdict::kCompleted) << (r.problems.empty() ? "" : r.problems[0]);
  EXPECT_EQ(r.events[4].event, "response.refusal.delta");
  EXPECT_EQ(r.data(6)["refusal"], "Nope.");
  EXPECT_EQ(r.data(r.events.size() - 1)["response"]["output"][0]["content"][0]["refusal"], "Nope.");
}

TEST(StreamTranslate, MidStreamErrorsTakeTheClientForm) {
  const StreamRun r = translate_frames(
      kChat, {delta(R"({"role":"assistant","content":"Hi"})"),
              R"(data: {"error":{"message":"secret text","type":"server_error","code":"overloaded"}})"
              "\n\n"});
  EXPECT_EQ(r.verdict, StreamVerdict::kErrorEvent) << (r.problems.empty() ? "" : r.problems[0]);
  EXPECT_TRUE(r.ended);
  const json err = r.data(r.events.size() - 1);
  EXPECT_EQ(err["type"], "error");
  EXPECT_EQ(err["code"], "overloaded");
  EXPECT_EQ(err["sequence_number"], r.events.size() - 1);
  EXPECT_EQ(r.events.back().data.find("secret"), std::string::npos);

  const StreamRun c = translate_frames(
      kResp, {R"(event: response.created
data: {"type":"response.created","sequence_number":0,"response":{"id":"resp_1","object":"response","created_at":1,"model":"m","status":"in_progress","output":[]}}

)",
              R"(event: response.failed
data: {"type":"response.failed","sequence_number":1,"response":{"id":"resp_1","object":"response","created_at":1,"model":"m","status":"failed","output":[],"error":{"code":"server_error","message":"secret text"}}}

)"});
  EXPECT_EQ(c.verdict, StreamVerdict::kErrorEvent);
  EXPECT_EQ(c.data(c.events.size() - 1)["error"]["code"], "server_error");
  EXPECT_EQ(c.events.back().data.find("secret"), std::string::npos);
}

TEST(StreamTranslate, TruncationEndsWithAnErrorInSequence) {
  std::string tail;
  const StreamRun r = translate_frames(kChat,
                                 {delta(R"({"role":"assistant","content":""})"),
                                  delta(R"({"content":"Hel"})")},
                                 {}, &tail);
  EXPECT_FALSE(r.ended);
  EXPECT_EQ(r.verdict, StreamVerdict::kErrorEvent) << (r.problems.empty() ? "" : r.problems[0]);
  EXPECT_EQ(r.data(r.events.size() - 1)["code"], "upstream_stream_interrupted");
  const StreamRun c = translate_frames(kResp,
                                 {R"(event: response.created
data: {"type":"response.created","sequence_number":0,"response":{"id":"resp_1","object":"response","created_at":1,"model":"m","status":"in_progress","output":[]}}

)"},
                                 {}, &tail);
  EXPECT_EQ(c.verdict, StreamVerdict::kErrorEvent);
  EXPECT_EQ(c.events.size(), 2u);  // role chunk, then the error payload
}

}  // namespace
}  // namespace readygate::translate
