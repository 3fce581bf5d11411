// Chat Completions shapes, and the public entry points for both surfaces.
// The documented name lists are copied from the spec schemas
// CreateChatCompletionResponse, ChatCompletionResponseMessage,
// CreateChatCompletionStreamResponse, ChatCompletionStreamResponseDelta and
// CompletionUsage (openai-openapi.yaml, see SURFACES.md for the commit).
#include "contract/shape_check.h"

#include <array>

#include "base/headers.h"
#include "contract/shape_core.h"
#include "contract/shape_walker.h"

namespace readygate::contract {
namespace detail {
namespace {

using Names = std::string_view;

constexpr auto kCompletionFields =
    std::to_array<Names>({"id", "choices", "created", "model", "metadata", "service_tier",
                          "system_fingerprint", "object", "usage", "moderation"});
constexpr auto kChoiceFields =
    std::to_array<Names>({"finish_reason", "index", "message", "logprobs"});
constexpr auto kMessageFields = std::to_array<Names>(
    {"content", "refusal", "tool_calls", "annotations", "role", "function_call", "audio"});
constexpr auto kChunkFields =
    std::to_array<Names>({"id", "choices", "created", "model", "obfuscation", "service_tier",
                          "system_fingerprint", "object", "usage", "moderation"});
constexpr auto kChunkChoiceFields =
    std::to_array<Names>({"delta", "logprobs", "finish_reason", "index"});
constexpr auto kDeltaFields =
    std::to_array<Names>({"content", "function_call", "tool_calls", "role", "refusal"});
constexpr auto kCompletionUsageFields =
    std::to_array<Names>({"completion_tokens", "prompt_tokens", "total_tokens",
                          "completion_tokens_details", "prompt_tokens_details"});
constexpr auto kFinishReasons =
    std::to_array<Names>({"stop", "length", "tool_calls", "content_filter", "function_call"});

// usage, when present and not null: the three counters clients read.
void chat_usage(ShapeWalker& w, const object& o, ShapeReport* r) {
  auto u = w.maybe(o, "", "usage", Kind::kObject);
  if (!u) return;
  r->usage_present = true;
  object uo = u->get_object().value_unsafe();
  for (Names k : {"prompt_tokens", "completion_tokens", "total_tokens"})
    w.need(uo, "usage", k, Kind::kInteger);
  read_counters(uo, {"prompt_tokens", "completion_tokens", "total_tokens"}, r);
  w.drift_keys(uo, "usage", kCompletionUsageFields);
}

void tool_calls(ShapeWalker& w, const object& msg, const std::string& base) {
  auto tc = w.maybe(msg, base, "tool_calls", Kind::kArray);
  if (!tc) return;
  const std::string tp = path_at(base, "tool_calls");
  array calls = tc->get_array().value_unsafe();
  size_t i = 0;
  for (element call : calls) {
    const std::string cp = path_index(tp, i++);
    auto co = w.as_object(call, cp);
    if (!co) continue;
    w.need(*co, cp, "id", Kind::kString);
    auto type = w.need(*co, cp, "type", Kind::kString);
    std::string_view t;
    if (!type || type->get_string().get(t) != simdjson::SUCCESS) continue;
    // ChatCompletionMessageToolCalls: a function call, or a custom tool call.
    const bool custom = t == "custom";
    if (t != "function" && !custom) continue;
    auto fn = w.need(*co, cp, custom ? "custom" : "function", Kind::kObject);
    if (!fn) continue;
    const std::string fp = path_at(cp, custom ? "custom" : "function");
    object fo = fn->get_object().value_unsafe();
    w.need(fo, fp, "name", Kind::kString);
    w.need(fo, fp, custom ? "input" : "arguments", Kind::kString);
  }
}

void completion_choice(ShapeWalker& w, const element& e, const std::string& base) {
  auto c = w.as_object(e, base);
  if (!c) return;
  w.need(*c, base, "index", Kind::kInteger);
  w.need_enum(*c, base, "finish_reason", kFinishReasons, false);
  w.drift_keys(*c, base, kChoiceFields);
  auto m = w.need(*c, base, "message", Kind::kObject);
  if (!m) return;
  const std::string mp = path_at(base, "message");
  object mo = m->get_object().value_unsafe();
  w.need_const(mo, mp, "role", "assistant");
  // A message that only carries tool calls is read through tool_calls; some
  // providers then omit content instead of sending null.
  const bool calls = member(mo, "tool_calls") || member(mo, "function_call");
  if (calls)
    w.maybe(mo, mp, "content", Kind::kStringOrNull);
  else
    w.need(mo, mp, "content", Kind::kStringOrNull);
  w.maybe(mo, mp, "refusal", Kind::kStringOrNull);
  tool_calls(w, mo, mp);
  w.drift_keys(mo, mp, kMessageFields);
}

void chunk_choice(ShapeWalker& w, const element& e, const std::string& base) {
  auto c = w.as_object(e, base);
  if (!c) return;
  w.need(*c, base, "index", Kind::kInteger);
  // null until the last content chunk; an absent key reads as null to clients.
  w.need_enum(*c, base, "finish_reason", kFinishReasons, true);
  w.drift_keys(*c, base, kChunkChoiceFields);
  auto d = w.need(*c, base, "delta", Kind::kObject);
  if (!d) return;
  const std::string dp = path_at(base, "delta");
  object dobj = d->get_object().value_unsafe();
  w.maybe(dobj, dp, "content", Kind::kStringOrNull);
  w.maybe(dobj, dp, "role", Kind::kString);
  w.maybe(dobj, dp, "tool_calls", Kind::kArray);
  w.drift_keys(dobj, dp, kDeltaFields);
}

}  // namespace

void check_chat_completion(const element& root, ShapeReport* r) {
  ShapeWalker w(r);
  auto o = w.as_object(root, "body");
  if (!o) return;
  w.need(*o, "", "id", Kind::kString);
  w.need_const(*o, "", "object", "chat.completion");
  w.need(*o, "", "created", Kind::kInteger);
  w.need(*o, "", "model", Kind::kString);
  w.drift_keys(*o, "", kCompletionFields);
  if (auto choices = w.need(*o, "", "choices", Kind::kArray)) {
    array a = choices->get_array().value_unsafe();
    if (a.size() == 0) w.mismatch("choices", "empty");
    size_t i = 0;
    for (element c : a) completion_choice(w, c, path_index("choices", i++));
  }
  chat_usage(w, *o, r);
}

void check_chat_chunk(const element& root, ShapeReport* r) {
  ShapeWalker w(r);
  auto o = w.as_object(root, "body");
  if (!o) return;
  if (member(*o, "error")) {
    w.mismatch("error", "error payload instead of a chunk");
    return;
  }
  w.need(*o, "", "id", Kind::kString);
  w.need_const(*o, "", "object", "chat.completion.chunk");
  w.need(*o, "", "created", Kind::kInteger);
  w.need(*o, "", "model", Kind::kString);
  chat_usage(w, *o, r);
  w.drift_keys(*o, "", kChunkFields);
  auto choices = w.need(*o, "", "choices", Kind::kArray);
  if (!choices) return;
  array a = choices->get_array().value_unsafe();
  // Only the include_usage chunk may come without choices.
  if (a.size() == 0 && !r->usage_present) w.mismatch("choices", "empty without usage");
  size_t i = 0;
  for (element c : a) chunk_choice(w, c, path_index("choices", i++));
}

}  // namespace detail

std::string_view shape_verdict_name(ShapeVerdict v) {
  return v == ShapeVerdict::kDocumentedShapeSeen ? "documented_shape_seen" : "mismatch";
}

namespace {

ShapeReport shape_of(Surface surface, const detail::element* root) {
  ShapeReport r;
  if (root == nullptr) {
    r.mismatches.push_back("body: not JSON");
  } else if (surface == Surface::kChatCompletions) {
    detail::check_chat_completion(*root, &r);
  } else {
    detail::check_response_object(*root, "", &r);
  }
  detail::settle(&r);
  return r;
}

}  // namespace

ShapeReport check_response_shape(Surface surface, std::string_view body) {
  auto root = detail::parse_json(body);
  return shape_of(surface, root ? &*root : nullptr);
}

AnswerCheck check_answer(Surface surface, int status, std::string_view body,
                         const HeaderList& headers, WallTime now) {
  // One parse feeds both judgements: the element stays valid until the next
  // parse on this thread, and neither helper parses.
  auto root = detail::parse_json(body);
  const detail::element* r = root ? &*root : nullptr;
  AnswerCheck out;
  out.cls = detail::classify_parsed(status, r, headers, now);
  if (status >= 200 && status < 300) out.shape = shape_of(surface, r);
  return out;
}

ShapeReport check_stream_event_shape(Surface surface, std::string_view data) {
  ShapeReport r;
  if (surface == Surface::kChatCompletions && trim(data) == "[DONE]") {
    r.verdict = ShapeVerdict::kDocumentedShapeSeen;  // the documented terminator
    return r;
  }
  auto root = detail::parse_json(data);
  if (!root) {
    r.mismatches.push_back("body: not JSON");
  } else if (surface == Surface::kChatCompletions) {
    detail::check_chat_chunk(*root, &r);
  } else {
    detail::check_response_event(*root, &r);
  }
  detail::settle(&r);
  return r;
}

}  // namespace readygate::contract
