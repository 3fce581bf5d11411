// The built-in provider's answers: deterministic text derived from the
// request, rendered as each surface's documented JSON body and as a
// realistic SSE event sequence. Pure string building (no I/O, no DOM on
// the hot path).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "contract/surface.h"

namespace readygate::mock {

struct ToolCall {
  std::string call_id;    // call_...
  std::string name;       // the first function tool of the request
  std::string arguments;  // JSON text
};

struct Answer {
  contract::Surface surface = contract::Surface::kChatCompletions;
  std::string id;        // chatcmpl-... / resp_...
  std::string item_id;   // msg_... (responses)
  std::string model;
  int64_t created = 0;   // unix seconds
  std::vector<std::string> tokens;  // each with its leading space, except the first
  bool cut_by_max_tokens = false;   // finish_reason length / status incomplete
  std::optional<ToolCall> tool_call;
  int64_t prompt_tokens = 0;
  bool include_usage = false;       // chat streams: stream_options.include_usage

  std::string text() const;
  int64_t completion_tokens() const;
};

struct AnswerInput {
  contract::Surface surface = contract::Surface::kChatCompletions;
  std::string model;
  uint64_t content_hash = 0;         // of messages / input: same prompt, same answer
  size_t prompt_bytes = 0;
  std::optional<int64_t> max_tokens;
  int answer_tokens = 0;             // 0: 12..27 words chosen by the hash
  std::optional<std::string> tool_name;  // set: answer with a call to this function
  bool include_usage = false;
};

// `serial` makes ids unique per request; `created` is unix seconds.
Answer make_answer(const AnswerInput& in, uint64_t serial, int64_t created);

// Whole JSON bodies (chat.completion / response).
std::string chat_completion_json(const Answer& a);
std::string response_json(const Answer& a);

// SSE frames, each complete ("data: ...\n\n" or "event: ...\ndata: ...\n\n").
// Chat: role chunk, one chunk per token (or tool-call deltas), a finish
// chunk, the usage chunk when include_usage, then "data: [DONE]".
// Responses: created, in_progress, output_item.added, content_part.added,
// output_text.delta per token, output_text.done, content_part.done,
// output_item.done, completed/incomplete, sequence_number from 0.
std::vector<std::string> chat_stream_frames(const Answer& a);
std::vector<std::string> responses_stream_frames(const Answer& a);

// 64-bit FNV-1a, for answer seeds.
uint64_t fnv1a64(std::string_view s);

// `a` as 16 lowercase hex digits, then `b` as at least 8 ("%016llx%08llx"),
// without printf: ids are made for every request.
std::string hex_pair(uint64_t a, uint64_t b);

}  // namespace readygate::mock
