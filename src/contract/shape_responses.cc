// Responses shapes: the Response object and stream events. The documented
// name lists are copied from the spec schemas Response (with
// ModelResponseProperties and ResponseProperties), OutputMessage,
// FunctionToolCall and ResponseUsage.
#include <array>

#include "contract/shape_core.h"
#include "contract/shape_walker.h"

namespace readygate::contract::detail {
namespace {

using Names = std::string_view;

constexpr auto kResponseFields = std::to_array<Names>(
    {"metadata", "top_logprobs", "temperature", "top_p", "user", "safety_identifier",
     "prompt_cache_key", "prompt_cache_retention", "previous_response_id", "model", "background",
     "max_tool_calls", "text", "tools", "tool_choice", "prompt", "service_tier", "truncation", "id",
     "object", "status", "created_at", "completed_at", "error", "incomplete_details", "output",
     "reasoning", "instructions", "output_text", "usage", "prompt_cache_options", "moderation",
     "parallel_tool_calls", "conversation", "max_output_tokens",
     // Not in the Response schema but echoed from CreateResponse in every one
     // of the spec's own Response examples.
     "store"});
constexpr auto kOutputMessageFields =
    std::to_array<Names>({"id", "type", "role", "content", "phase", "status"});
constexpr auto kFunctionCallFields = std::to_array<Names>(
    {"id", "type", "call_id", "caller", "namespace", "name", "arguments", "status"});
constexpr auto kResponseUsageFields =
    std::to_array<Names>({"input_tokens", "input_tokens_details", "output_tokens",
                          "output_tokens_details", "total_tokens"});
constexpr auto kStatuses = std::to_array<Names>(
    {"completed", "failed", "in_progress", "cancelled", "queued", "incomplete"});

void message_item(ShapeWalker& w, const object& item, const std::string& base) {
  w.need(item, base, "id", Kind::kString);
  w.need_const(item, base, "role", "assistant");
  w.need(item, base, "status", Kind::kString);
  w.drift_keys(item, base, kOutputMessageFields);
  auto content = w.need(item, base, "content", Kind::kArray);
  if (!content) return;
  const std::string cp = path_at(base, "content");
  array parts = content->get_array().value_unsafe();
  size_t i = 0;
  for (element part : parts) {
    const std::string pp = path_index(cp, i++);
    auto po = w.as_object(part, pp);
    if (!po) continue;
    auto type = w.need(*po, pp, "type", Kind::kString);
    std::string_view t;
    if (type && type->get_string().get(t) == simdjson::SUCCESS && t == "output_text")
      w.need(*po, pp, "text", Kind::kString);
  }
}

void output_item(ShapeWalker& w, const element& e, const std::string& base) {
  auto item = w.as_object(e, base);
  if (!item) return;
  auto type = w.need(*item, base, "type", Kind::kString);
  std::string_view t;
  if (!type || type->get_string().get(t) != simdjson::SUCCESS) return;
  if (t == "message") {
    message_item(w, *item, base);
  } else if (t == "function_call") {
    for (Names k : {"call_id", "name", "arguments"}) w.need(*item, base, k, Kind::kString);
    w.drift_keys(*item, base, kFunctionCallFields);
  }
  // Other item types (reasoning, web_search_call, ...) carry only `type` in the core.
}

}  // namespace

void check_response_object(const element& e, std::string_view path, ShapeReport* r) {
  ShapeWalker w(r);
  auto o = w.as_object(e, path.empty() ? "body" : path);
  if (!o) return;
  w.need(*o, path, "id", Kind::kString);
  w.need_const(*o, path, "object", "response");
  w.need(*o, path, "created_at", Kind::kNumber);
  w.need(*o, path, "model", Kind::kString);
  w.need_enum(*o, path, "status", kStatuses, false);
  w.drift_keys(*o, path, kResponseFields);
  if (auto u = w.maybe(*o, path, "usage", Kind::kObject)) {
    r->usage_present = true;
    const std::string up = path_at(path, "usage");
    object uo = u->get_object().value_unsafe();
    for (Names k : {"input_tokens", "output_tokens", "total_tokens"})
      w.need(uo, up, k, Kind::kInteger);
    read_counters(uo, {"input_tokens", "output_tokens", "total_tokens"}, r);
    w.drift_keys(uo, up, kResponseUsageFields);
  }
  auto output = w.need(*o, path, "output", Kind::kArray);
  if (!output) return;
  const std::string op = path_at(path, "output");
  array items = output->get_array().value_unsafe();
  size_t i = 0;
  for (element item : items) output_item(w, item, path_index(op, i++));
}

void check_response_event(const element& root, ShapeReport* r) {
  ShapeWalker w(r);
  auto o = w.as_object(root, "body");
  if (!o) return;
  w.need(*o, "", "sequence_number", Kind::kInteger);
  auto type = w.need(*o, "", "type", Kind::kString);
  std::string_view t;
  if (!type || type->get_string().get(t) != simdjson::SUCCESS) return;
  // Lifecycle events carry the whole Response; terminal ones must.
  std::string_view want_status;
  bool terminal = true;
  if (t == "response.completed") {
    want_status = "completed";
  } else if (t == "response.failed") {
    want_status = "failed";
  } else if (t == "response.incomplete") {
    want_status = "incomplete";
  } else {
    terminal = false;
    if (t != "response.created" && t != "response.in_progress" && t != "response.queued") return;
  }
  auto resp = terminal ? w.need(*o, "", "response", Kind::kObject)
                       : w.maybe(*o, "", "response", Kind::kObject);
  if (!resp) return;
  check_response_object(*resp, "response", r);
  if (!terminal) return;
  auto ro = resp->get_object().value_unsafe();
  if (auto status = string_member(ro, "status"); status && *status != want_status)
    w.mismatch("response.status", "expected " + ShapeWalker::quoted(want_status) + " for " +
                                      ShapeWalker::quoted(t) + ", got " +
                                      ShapeWalker::quoted(*status));
}

}  // namespace readygate::contract::detail
