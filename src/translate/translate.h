// Cross-contract translation between the two API surfaces (Chat Completions
// <-> Responses), used when a chain falls back to a route on the other
// surface: the request goes out in the route's surface, and the answer, whole
// or streamed, comes back in the surface the client called.
//
// Pure functions and one stateful stream translator; no I/O, no Asio.
// Nothing is silently dropped: a request field that cannot be carried
// faithfully makes the translation fail with the field named (Ineligible),
// and the gateway then skips the route for that request.
//
// Thread-safety: the free functions are reentrant; a StreamTranslator belongs
// to one stream (one thread) at a time.
#pragma once

#include <cstdint>
#include <expected>
#include <memory>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "contract/sse_parser.h"
#include "contract/surface.h"

namespace readygate::translate {

using contract::Surface;

// A request field with no faithful equivalent on the other surface, named
// as a JSON path of the client's request ("n", "messages[2].content[0].type",
// "tools[1].type"). Never carries a value from the request.
struct Ineligible {
  std::string field;
  std::string message() const { return "ineligible: " + field; }
};

struct TranslatedRequest {
  std::string body;  // JSON text in the route's surface
  // For Responses clients: the request parameters a Response object repeats
  // (instructions, tools, tool_choice, temperature, top_p, text, ...), with
  // their documented defaults; an empty object for chat clients.
  nlohmann::json echo = nlohmann::json::object();
};

// Translates a client request `body` of surface `from` (already accepted by
// contract::check_request) into surface `to`. `from == to` is a caller error
// and returns the body unchanged.
std::expected<TranslatedRequest, Ineligible> translate_request(Surface from, Surface to,
                                                               std::string_view body);

// Translates a successful (2xx) upstream body of surface `from` into the
// client's surface `to`. `echo` is TranslatedRequest::echo. The error names
// what could not be read (never a value): the gateway treats it as a shape
// failure of the upstream.
std::expected<std::string, std::string> translate_response(Surface from, Surface to,
                                                           std::string_view body,
                                                           const nlohmann::json& echo);

// Error bodies need no translation function: both surfaces document the same
// {"error":{"message","type","param","code"}} body, and the gateway already
// re-renders every upstream error (status and type kept, message sanitized)
// before it reaches the client. Mid-stream errors differ per surface: see
// StreamTranslator::error_frame.

struct StreamOptions {
  bool include_usage = false;  // chat clients: stream_options.include_usage was set
  nlohmann::json echo = nlohmann::json::object();  // responses clients: TranslatedRequest::echo
};

// Fed the upstream's SSE events one at a time, writes the client's surface
// frames for each at once (nothing waits for the end of the answer; only
// the accumulated text and arguments the terminal event repeats are kept).
class StreamTranslator {
 public:
  virtual ~StreamTranslator() = default;
  // Appends zero or more complete SSE frames for `ev` to *out.
  virtual void on_event(const contract::SseEvent& ev, std::string* out) = 0;
  // True once the client's stream has its ending (terminal event, [DONE], or an error frame).
  virtual bool ended() const = 0;
  // Frames written so far count as events for Responses clients: the
  // sequence_number the next one must carry (0 for chat clients).
  virtual int64_t next_sequence_number() const = 0;
  // The error frame that ends the client's stream when the upstream breaks
  // off (truncation, transport error); marks the stream ended.
  virtual std::string error_frame(std::string_view code, std::string_view message) = 0;
};

// `upstream` != `client`.
std::unique_ptr<StreamTranslator> make_stream_translator(Surface upstream, Surface client,
                                                         StreamOptions opts);

}  // namespace readygate::translate
