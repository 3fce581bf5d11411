// Response shape check against the *required core* of each surface: the
// fields clients actually read. Missing or ill-typed core fields are a
// mismatch; fields outside the documented set are drift, never failure.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "contract/error_class.h"
#include "contract/surface.h"

namespace readygate::contract {

enum class ShapeVerdict { kDocumentedShapeSeen, kMismatch };

// "documented_shape_seen" / "mismatch": the evidence field value.
std::string_view shape_verdict_name(ShapeVerdict v);

struct ShapeReport {
  ShapeVerdict verdict = ShapeVerdict::kMismatch;
  // Each entry "path: problem", e.g. "choices[0].message.content: missing",
  // "object: expected \"chat.completion\", got \"foo\"".
  std::vector<std::string> mismatches;
  // Fields present but outside the documented set, e.g. "choices[0].provider_x".
  std::vector<std::string> drift;
  bool usage_present = false;
  // The usage counters when present as integers: prompt/completion tokens on
  // chat_completions, input/output tokens on responses.
  std::optional<int64_t> input_tokens, output_tokens, total_tokens;
};

// Core for chat_completions (object chat.completion): id string, object,
// created integer, model string, choices non-empty array; each choice: index
// integer, message object (role "assistant", content string|null, refusal
// string|null if present, tool_calls array if present with id/type/function
// name+arguments strings), finish_reason one of stop|length|tool_calls|
// content_filter|function_call. usage, if present: prompt_tokens,
// completion_tokens, total_tokens integers.
// Core for responses (object response): id string, object, created_at
// number, model string, status one of completed|failed|in_progress|
// cancelled|queued|incomplete, output array; each item has type string;
// message items: id, role assistant, status, content array of parts with
// type; output_text parts have text string; function_call items have
// call_id, name, arguments strings. usage, if present: input_tokens,
// output_tokens, total_tokens integers.
ShapeReport check_response_shape(Surface surface, std::string_view body);

// The same for one streamed event payload (a chat.completion.chunk, or a
// Responses event object). Used per event by the stream checker.
ShapeReport check_stream_event_shape(Surface surface, std::string_view data);

// A complete upstream answer judged with one JSON parse: what
// classify_response(status, body, headers, now) and, for a 2xx,
// check_response_shape(surface, body) would each return. The data path
// reads every answer this way.
struct AnswerCheck {
  Classification cls;
  ShapeReport shape;  // only filled for a 2xx status
};
AnswerCheck check_answer(Surface surface, int status, std::string_view body,
                         const HeaderList& headers, WallTime now);

}  // namespace readygate::contract
