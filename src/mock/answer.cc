#include "mock/answer.h"

#include <array>
#include <cstdio>

#include "base/json_text.h"

namespace readygate::mock {
namespace {

using contract::Surface;

constexpr std::array<std::string_view, 48> kWords = {
    "readiness", "check",    "passed",   "for",     "the",     "primary",  "route",    "and",
    "its",       "fallback", "contract", "stays",   "bounded", "retry",    "budget",   "holds",
    "evidence",  "recorded", "without",  "secrets", "stream",  "complete", "shape",    "verified",
    "backoff",   "jitter",   "circuit",  "closed",  "request", "response", "surface",  "gateway",
    "provider",  "answer",   "status",   "usage",   "tokens",  "counted",  "review",   "note",
    "signed",    "on-call",  "owner",    "steady",  "latency", "observed", "locally",  "today"};

std::string hex_id(uint64_t a, uint64_t b) { return hex_pair(a, b & 0xffffffffULL); }

void kv_str(std::string& o, std::string_view k, std::string_view v) {
  o += '"';
  o += k;
  o += "\":";
  append_json_string(o, v);
}

void kv_int(std::string& o, std::string_view k, int64_t v) {
  o += '"';
  o += k;
  o += "\":";
  o += std::to_string(v);
}

void chat_usage(std::string& o, const Answer& a) {
  o += "{";
  kv_int(o, "prompt_tokens", a.prompt_tokens);
  o += ',';
  kv_int(o, "completion_tokens", a.completion_tokens());
  o += ',';
  kv_int(o, "total_tokens", a.prompt_tokens + a.completion_tokens());
  o += ",\"prompt_tokens_details\":{\"cached_tokens\":0,\"audio_tokens\":0},"
       "\"completion_tokens_details\":{\"reasoning_tokens\":0,\"audio_tokens\":0,"
       "\"accepted_prediction_tokens\":0,\"rejected_prediction_tokens\":0}}";
}

void response_usage(std::string& o, const Answer& a) {
  o += "{";
  kv_int(o, "input_tokens", a.prompt_tokens);
  o += ",\"input_tokens_details\":{\"cached_tokens\":0},";
  kv_int(o, "output_tokens", a.completion_tokens());
  o += ",\"output_tokens_details\":{\"reasoning_tokens\":0},";
  kv_int(o, "total_tokens", a.prompt_tokens + a.completion_tokens());
  o += "}";
}

std::string_view finish_reason(const Answer& a) {
  if (a.tool_call) return "tool_calls";
  return a.cut_by_max_tokens ? "length" : "stop";
}

void chat_tool_calls(std::string& o, const ToolCall& t) {
  o += "[{";
  kv_str(o, "id", t.call_id);
  o += ",\"type\":\"function\",\"function\":{";
  kv_str(o, "name", t.name);
  o += ',';
  kv_str(o, "arguments", t.arguments);
  o += "}}]";
}

// The output item of a Responses answer with the given status and text so far.
void response_item(std::string& o, const Answer& a, std::string_view status, bool with_content) {
  if (a.tool_call) {
    o += "{\"type\":\"function_call\",";
    kv_str(o, "id", "fc_" + a.item_id.substr(4));
    o += ',';
    kv_str(o, "call_id", a.tool_call->call_id);
    o += ',';
    kv_str(o, "name", a.tool_call->name);
    o += ',';
    kv_str(o, "arguments", with_content ? a.tool_call->arguments : "");
    o += ',';
    kv_str(o, "status", status);
    o += '}';
    return;
  }
  o += "{\"type\":\"message\",";
  kv_str(o, "id", a.item_id);
  o += ',';
  kv_str(o, "status", status);
  o += ",\"role\":\"assistant\",\"content\":[";
  if (with_content) {
    o += "{\"type\":\"output_text\",\"annotations\":[],\"logprobs\":[],";
    kv_str(o, "text", a.text());
    o += '}';
  }
  o += "]}";
}

// A Response object. `status` in_progress renders no output and no usage.
std::string response_object(const Answer& a, std::string_view status) {
  std::string o;
  o.reserve(1024);
  o += '{';
  kv_str(o, "id", a.id);
  o += ",\"object\":\"response\",";
  kv_int(o, "created_at", a.created);
  o += ',';
  kv_str(o, "status", status);
  o += ",\"error\":null,\"incomplete_details\":";
  o += status == "incomplete" ? "{\"reason\":\"max_output_tokens\"}" : "null";
  o += ",\"instructions\":null,\"max_output_tokens\":null,";
  kv_str(o, "model", a.model);
  o += ",\"output\":[";
  if (status != "in_progress") response_item(o, a, status == "incomplete" ? "incomplete" : "completed", true);
  o += "],\"parallel_tool_calls\":true,\"previous_response_id\":null,\"store\":false,"
       "\"temperature\":1.0,\"text\":{\"format\":{\"type\":\"text\"}},\"tool_choice\":\"auto\","
       "\"tools\":[],\"top_p\":1.0,\"truncation\":\"disabled\",\"metadata\":{},\"usage\":";
  if (status == "in_progress") {
    o += "null";
  } else {
    response_usage(o, a);
  }
  o += '}';
  return o;
}

std::string event_frame(std::string_view type, std::string_view json) {
  std::string f;
  f.reserve(json.size() + type.size() + 16);
  f += "event: ";
  f += type;
  f += "\ndata: ";
  f += json;
  f += "\n\n";
  return f;
}

}  // namespace

std::string hex_pair(uint64_t a, uint64_t b) {
  static constexpr char kHex[] = "0123456789abcdef";
  int b_digits = 8;
  while (b_digits < 16 && (b >> (4 * b_digits)) != 0) ++b_digits;
  std::string out(16 + static_cast<size_t>(b_digits), '0');
  for (int i = 0; i < 16; ++i) out[static_cast<size_t>(15 - i)] = kHex[(a >> (4 * i)) & 0xf];
  for (int i = 0; i < b_digits; ++i)
    out[static_cast<size_t>(15 + b_digits - i)] = kHex[(b >> (4 * i)) & 0xf];
  return out;
}

uint64_t fnv1a64(std::string_view s) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : s) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

std::string Answer::text() const {
  std::string t;
  for (const auto& w : tokens) t += w;
  return t;
}

int64_t Answer::completion_tokens() const {
  return tool_call ? 8 : static_cast<int64_t>(tokens.size());
}

Answer make_answer(const AnswerInput& in, uint64_t serial, int64_t created) {
  Answer a;
  a.surface = in.surface;
  a.model = in.model;
  a.created = created;
  a.include_usage = in.include_usage;
  a.prompt_tokens = static_cast<int64_t>(in.prompt_bytes / 4 + 1);
  const uint64_t h = in.content_hash;
  a.id = (in.surface == Surface::kChatCompletions ? "chatcmpl-" : "resp_") + hex_id(h, serial);
  a.item_id = "msg_" + hex_id(h ^ 0x5bd1e995ULL, serial);
  if (in.tool_name) {
    a.tool_call = ToolCall{"call_" + hex_id(h ^ 0x9e37ULL, serial), *in.tool_name,
                           "{\"query\":\"" + std::string(kWords[h % kWords.size()]) + "\"}"};
    return a;
  }
  int n = in.answer_tokens > 0 ? in.answer_tokens : static_cast<int>(12 + (h >> 7) % 16);
  if (in.max_tokens && *in.max_tokens < n) {
    n = static_cast<int>(std::max<int64_t>(*in.max_tokens, 1));
    a.cut_by_max_tokens = true;
  }
  uint64_t x = h;
  a.tokens.reserve(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 29;
    std::string w(i == 0 ? "" : " ");
    w += kWords[x % kWords.size()];
    if (i == n - 1 && !a.cut_by_max_tokens) w += '.';
    a.tokens.push_back(std::move(w));
  }
  if (!a.tokens.empty()) a.tokens[0][0] = static_cast<char>(std::toupper(a.tokens[0][0]));
  return a;
}

std::string chat_completion_json(const Answer& a) {
  std::string o;
  o.reserve(768);
  o += '{';
  kv_str(o, "id", a.id);
  o += ",\"object\":\"chat.completion\",";
  kv_int(o, "created", a.created);
  o += ',';
  kv_str(o, "model", a.model);
  o += ",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":";
  if (a.tool_call) {
    o += "null,\"refusal\":null,\"annotations\":[],\"tool_calls\":";
    chat_tool_calls(o, *a.tool_call);
  } else {
    append_json_string(o, a.text());
    o += ",\"refusal\":null,\"annotations\":[]";
  }
  o += "},\"logprobs\":null,";
  kv_str(o, "finish_reason", finish_reason(a));
  o += "}],\"usage\":";
  chat_usage(o, a);
  o += ",\"service_tier\":\"default\",\"system_fingerprint\":\"fp_readygate_mock\"}";
  return o;
}

std::string response_json(const Answer& a) {
  return response_object(a, a.cut_by_max_tokens ? "incomplete" : "completed");
}

std::vector<std::string> chat_stream_frames(const Answer& a) {
  std::vector<std::string> frames;
  frames.reserve(a.tokens.size() + 5);
  std::string head;
  head += "{";
  kv_str(head, "id", a.id);
  head += ",\"object\":\"chat.completion.chunk\",";
  kv_int(head, "created", a.created);
  head += ',';
  kv_str(head, "model", a.model);
  head += ",\"system_fingerprint\":\"fp_readygate_mock\",\"choices\":[";
  const std::string usage_null = a.include_usage ? ",\"usage\":null" : "";
  auto chunk = [&](std::string_view choice) {
    std::string f = "data: " + head;
    f += choice;
    f += ']';
    f += usage_null;
    f += "}\n\n";
    frames.push_back(std::move(f));
  };
  chunk(
      "{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null},"
      "\"logprobs\":null,\"finish_reason\":null}");
  if (a.tool_call) {
    std::string c = "{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,";
    kv_str(c, "id", a.tool_call->call_id);
    c += ",\"type\":\"function\",\"function\":{";
    kv_str(c, "name", a.tool_call->name);
    c += ",\"arguments\":\"\"}}]},\"logprobs\":null,\"finish_reason\":null}";
    chunk(c);
    c = "{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{";
    kv_str(c, "arguments", a.tool_call->arguments);
    c += "}}]},\"logprobs\":null,\"finish_reason\":null}";
    chunk(c);
  }
  for (const auto& t : a.tokens) {
    std::string c = "{\"index\":0,\"delta\":{";
    kv_str(c, "content", t);
    c += "},\"logprobs\":null,\"finish_reason\":null}";
    chunk(c);
  }
  std::string fin = "{\"index\":0,\"delta\":{},\"logprobs\":null,";
  kv_str(fin, "finish_reason", finish_reason(a));
  fin += '}';
  chunk(fin);
  if (a.include_usage) {
    std::string f = "data: " + head + "],\"usage\":";
    chat_usage(f, a);
    f += "}\n\n";
    frames.push_back(std::move(f));
  }
  frames.push_back("data: [DONE]\n\n");
  return frames;
}

std::vector<std::string> responses_stream_frames(const Answer& a) {
  std::vector<std::string> frames;
  frames.reserve(a.tokens.size() + 9);
  int64_t seq = 0;
  auto emit = [&](std::string_view type, std::string_view body_fields) {
    std::string j = "{\"type\":\"";
    j += type;
    j += "\",";
    kv_int(j, "sequence_number", seq++);
    j += body_fields;
    j += '}';
    frames.push_back(event_frame(type, j));
  };
  const std::string in_progress = response_object(a, "in_progress");
  emit("response.created", ",\"response\":" + in_progress);
  emit("response.in_progress", ",\"response\":" + in_progress);
  const bool incomplete = a.cut_by_max_tokens;
  const std::string end_status = incomplete ? "incomplete" : "completed";
  std::string item;
  response_item(item, a, "in_progress", false);
  emit("response.output_item.added", ",\"output_index\":0,\"item\":" + item);
  if (a.tool_call) {
    const std::string fc_id = "fc_" + a.item_id.substr(4);
    std::string d = ",\"output_index\":0,";
    kv_str(d, "item_id", fc_id);
    d += ',';
    kv_str(d, "delta", a.tool_call->arguments);
    emit("response.function_call_arguments.delta", d);
    std::string done = ",\"output_index\":0,";
    kv_str(done, "item_id", fc_id);
    done += ',';
    kv_str(done, "arguments", a.tool_call->arguments);
    emit("response.function_call_arguments.done", done);
  } else {
    std::string ids = ",";
    kv_str(ids, "item_id", a.item_id);
    ids += ",\"output_index\":0,\"content_index\":0";
    emit("response.content_part.added",
         ids + ",\"part\":{\"type\":\"output_text\",\"annotations\":[],\"logprobs\":[],\"text\":\"\"}");
    for (const auto& t : a.tokens) {
      std::string d = ids + ",";
      kv_str(d, "delta", t);
      d += ",\"logprobs\":[]";
      emit("response.output_text.delta", d);
    }
    std::string done = ids + ",";
    kv_str(done, "text", a.text());
    done += ",\"logprobs\":[]";
    emit("response.output_text.done", done);
    std::string part = ids + ",\"part\":{\"type\":\"output_text\",\"annotations\":[],\"logprobs\":[],";
    kv_str(part, "text", a.text());
    part += '}';
    emit("response.content_part.done", part);
  }
  std::string done_item;
  response_item(done_item, a, incomplete ? "incomplete" : "completed", true);
  emit("response.output_item.done", ",\"output_index\":0,\"item\":" + done_item);
  emit(incomplete ? "response.incomplete" : "response.completed",
       ",\"response\":" + response_object(a, end_status));
  return frames;
}

}  // namespace readygate::mock
