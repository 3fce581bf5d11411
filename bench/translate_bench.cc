// Cost of cross-surface translation (src/translate): per request (a typical
// request with a system message, history and one function tool, both ways),
// per whole answer, and per streamed event (both ways; a 40-delta stream with
// its lifecycle and terminal events, reported as time per upstream event).
// Targets (issue 5): under 20 us per request, under 2 us per event.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "translate/translate.h"

namespace {

using readygate::contract::SseEvent;
using readygate::translate::Surface;
namespace tr = readygate::translate;

constexpr int kDeltas = 40;

const std::string kChatRequest = R"({"model":"gpt-4o-mini","stream":true,"stream_options":{"include_usage":true},
"max_completion_tokens":512,"temperature":0.3,"user":"user-1234","metadata":{"team":"search"},
"messages":[{"role":"system","content":"You are a helpful assistant. Answer briefly and use tools when needed."},
{"role":"user","content":"What is the weather in Oslo today, and should I bring an umbrella?"},
{"role":"assistant","content":null,"tool_calls":[{"id":"call_abc123","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Oslo\"}"}}]},
{"role":"tool","tool_call_id":"call_abc123","content":"{\"temp_c\":3,\"rain_probability\":0.8}"},
{"role":"user","content":"Thanks. And tomorrow?"}],
"tools":[{"type":"function","function":{"name":"get_weather","description":"Current weather for a city",
"parameters":{"type":"object","properties":{"city":{"type":"string"},"unit":{"type":"string","enum":["c","f"]}},"required":["city"]}}}],
"tool_choice":"auto"})";

const std::string kResponsesRequest = R"({"model":"gpt-4o-mini","stream":true,"max_output_tokens":512,
"temperature":0.3,"user":"user-1234","metadata":{"team":"search"},
"instructions":"You are a helpful assistant. Answer briefly and use tools when needed.",
"input":[{"role":"user","content":"What is the weather in Oslo today, and should I bring an umbrella?"},
{"type":"function_call","call_id":"call_abc123","name":"get_weather","arguments":"{\"city\":\"Oslo\"}"},
{"type":"function_call_output","call_id":"call_abc123","output":"{\"temp_c\":3,\"rain_probability\":0.8}"},
{"role":"user","content":"Thanks. And tomorrow?"}],
"tools":[{"type":"function","name":"get_weather","description":"Current weather for a city",
"parameters":{"type":"object","properties":{"city":{"type":"string"},"unit":{"type":"string","enum":["c","f"]}},"required":["city"]},"strict":false}],
"tool_choice":"auto"})";

const std::string kChatAnswer = R"({"id":"chatcmpl-abc","object":"chat.completion","created":1700000000,
"model":"gpt-4o-mini","choices":[{"index":0,"finish_reason":"tool_calls","logprobs":null,"message":{"role":"assistant",
"content":null,"refusal":null,"tool_calls":[{"id":"call_7","type":"function","function":{"name":"get_weather",
"arguments":"{\"city\":\"Oslo\",\"day\":\"tomorrow\"}"}}]}}],"usage":{"prompt_tokens":112,"completion_tokens":21,"total_tokens":133}})";

const std::string kChunkHead =
    R"({"id":"chatcmpl-abc","object":"chat.completion.chunk","created":1700000000,"model":"gpt-4o-mini","system_fingerprint":"fp_1",)";

std::vector<SseEvent> chat_stream() {
  std::vector<SseEvent> ev;
  auto chunk = [&](const std::string& rest) { ev.push_back({"", kChunkHead + rest + "}", ""}); };
  chunk(R"("choices":[{"index":0,"delta":{"role":"assistant","content":"","refusal":null},"logprobs":null,"finish_reason":null}])");
  for (int i = 0; i < kDeltas; ++i)
    chunk(R"("choices":[{"index":0,"delta":{"content":" word"},"logprobs":null,"finish_reason":null}])");
  chunk(R"("choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}])");
  chunk(R"("choices":[],"usage":{"prompt_tokens":112,"completion_tokens":40,"total_tokens":152}})");
  ev.push_back({"", "[DONE]", ""});
  return ev;
}

std::vector<SseEvent> responses_stream() {
  std::vector<SseEvent> ev;
  int seq = 0;
  auto add = [&](const std::string& type, const std::string& rest) {
    ev.push_back({type, R"({"type":")" + type + R"(","sequence_number":)" + std::to_string(seq++) + rest + "}", ""});
  };
  const std::string resp =
      R"("id":"resp_abc","object":"response","created_at":1700000000,"model":"gpt-4o-mini","output":[],"error":null,"incomplete_details":null,"tools":[],"temperature":1.0,"top_p":1.0)";
  add("response.created", R"(,"response":{)" + resp + R"(,"status":"in_progress"})");
  add("response.in_progress", R"(,"response":{)" + resp + R"(,"status":"in_progress"})");
  add("response.output_item.added", R"(,"output_index":0,"item":{"id":"msg_abc","type":"message","status":"in_progress","role":"assistant","content":[]})");
  add("response.content_part.added", R"(,"item_id":"msg_abc","output_index":0,"content_index":0,"part":{"type":"output_text","text":"","annotations":[]})");
  for (int i = 0; i < kDeltas; ++i)
    add("response.output_text.delta", R"(,"item_id":"msg_abc","output_index":0,"content_index":0,"delta":" word","logprobs":[])");
  std::string text;
  for (int i = 0; i < kDeltas; ++i) text += " word";
  add("response.output_text.done", R"(,"item_id":"msg_abc","output_index":0,"content_index":0,"text":")" + text + R"(","logprobs":[])");
  add("response.content_part.done", R"(,"item_id":"msg_abc","output_index":0,"content_index":0,"part":{"type":"output_text","text":")" + text + R"(","annotations":[]})");
  add("response.output_item.done", R"(,"output_index":0,"item":{"id":"msg_abc","type":"message","status":"completed","role":"assistant","content":[{"type":"output_text","text":")" + text + R"(","annotations":[]}]})");
  add("response.completed", R"(,"response":{)" + resp.substr(0, resp.find(R"("output":[])")) +
                                R"("output":[{"id":"msg_abc","type":"message","status":"completed","role":"assistant","content":[{"type":"output_text","text":")" +
                                text + R"(","annotations":[]}]}],"status":"completed","usage":{"input_tokens":112,"output_tokens":40,"total_tokens":152}})");
  return ev;
}

void BM_RequestChatToResponses(benchmark::State& state) {
  for (auto _ : state) {
    auto t = tr::translate_request(Surface::kChatCompletions, Surface::kResponses, kChatRequest);
    if (!t) state.SkipWithError("translation failed");
    benchmark::DoNotOptimize(t);
  }
}
BENCHMARK(BM_RequestChatToResponses);

void BM_RequestResponsesToChat(benchmark::State& state) {
  for (auto _ : state) {
    auto t = tr::translate_request(Surface::kResponses, Surface::kChatCompletions, kResponsesRequest);
    if (!t) state.SkipWithError("translation failed");
    benchmark::DoNotOptimize(t);
  }
}
BENCHMARK(BM_RequestResponsesToChat);

void BM_AnswerChatToResponses(benchmark::State& state) {
  auto echo = tr::translate_request(Surface::kResponses, Surface::kChatCompletions, kResponsesRequest)->echo;
  for (auto _ : state) {
    auto t = tr::translate_response(Surface::kChatCompletions, Surface::kResponses, kChatAnswer, echo);
    if (!t) state.SkipWithError("translation failed");
    benchmark::DoNotOptimize(t);
  }
}
BENCHMARK(BM_AnswerChatToResponses);

// One whole stream per iteration; the counter is time per upstream event.
void run_stream(benchmark::State& state, Surface upstream, const std::vector<SseEvent>& events,
                tr::StreamOptions opts) {
  const Surface client = upstream == Surface::kChatCompletions ? Surface::kResponses : Surface::kChatCompletions;
  std::string out;
  out.reserve(64 << 10);
  for (auto _ : state) {
    auto t = tr::make_stream_translator(upstream, client, opts);
    out.clear();
    for (const auto& ev : events) t->on_event(ev, &out);
    if (!t->ended()) state.SkipWithError("stream did not end");
    benchmark::DoNotOptimize(out.data());
  }
  state.counters["per_event"] = benchmark::Counter(static_cast<double>(events.size()),
                                                   benchmark::Counter::kIsIterationInvariantRate |
                                                       benchmark::Counter::kInvert);
  state.counters["events"] = static_cast<double>(events.size());
}

void BM_StreamChatToResponses(benchmark::State& state) {
  auto echo = tr::translate_request(Surface::kResponses, Surface::kChatCompletions, kResponsesRequest)->echo;
  run_stream(state, Surface::kChatCompletions, chat_stream(), {.echo = echo});
}
BENCHMARK(BM_StreamChatToResponses);

void BM_StreamResponsesToChat(benchmark::State& state) {
  run_stream(state, Surface::kResponses, responses_stream(), {.include_usage = true});
}
BENCHMARK(BM_StreamResponsesToChat);

// The steady state: one content delta event, translator already started.
void delta_only(benchmark::State& state, Surface upstream, const std::vector<SseEvent>& events, size_t delta_at) {
  const Surface client = upstream == Surface::kChatCompletions ? Surface::kResponses : Surface::kChatCompletions;
  auto t = tr::make_stream_translator(upstream, client, {});
  std::string out;
  for (size_t i = 0; i < delta_at; ++i) t->on_event(events[i], &out);
  const SseEvent& delta = events[delta_at];
  for (auto _ : state) {
    out.clear();
    t->on_event(delta, &out);
    benchmark::DoNotOptimize(out.data());
  }
}

void BM_DeltaEventChatToResponses(benchmark::State& state) {
  delta_only(state, Surface::kChatCompletions, chat_stream(), 1);
}
BENCHMARK(BM_DeltaEventChatToResponses);

void BM_DeltaEventResponsesToChat(benchmark::State& state) {
  delta_only(state, Surface::kResponses, responses_stream(), 4);
}
BENCHMARK(BM_DeltaEventResponsesToChat);

}  // namespace
