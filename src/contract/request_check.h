// Request checks per surface: the fields a provider requires, with the types
// it requires. A failure names the field in `param`, as OpenAI does.
#pragma once

#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <string_view>

#include "contract/api_error.h"
#include "contract/surface.h"

namespace readygate::contract {

// What routing and the built-in provider need to know about a valid request.
struct RequestFacts {
  std::string model;
  bool stream = false;
  bool include_usage = false;                 // stream_options.include_usage
  std::optional<int64_t> max_output_tokens;   // max_completion_tokens | max_tokens | max_output_tokens
  bool has_tools = false;
  size_t input_items = 0;                     // messages[] or input[] length (1 for a string input)
  // With `fingerprint_content`: a 64-bit hash of the messages / input value's
  // JSON structure and contents, the same however the client spaced its
  // JSON (key order counts). The built-in provider derives answers from it.
  uint64_t content_fingerprint = 0;
};

// Checks `body` (JSON text) against `surface`'s required fields:
//  chat_completions: model (non-empty string), messages (non-empty array of
//    objects with a known string role and string|array|null content),
//    optional stream (bool), stream_options (object, include_usage bool),
//    max_tokens / max_completion_tokens (integer >= 1), temperature (number
//    0..2), top_p (number 0..1), n (integer >= 1), tools (array).
//  responses: model (non-empty string), input (string or array), optional
//    instructions (string|null), stream (bool), max_output_tokens
//    (integer >= 1), temperature, top_p, tools (array).
// Invalid JSON, or a body that is not an object, gives param null. A key the
// gateway decides on (model, stream, stream_options) given twice at the top
// level gives code duplicate_parameter naming it.
std::expected<RequestFacts, ApiError> check_request(Surface surface, std::string_view body,
                                                    bool fingerprint_content = false);

}  // namespace readygate::contract
