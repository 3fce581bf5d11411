// Stream checks: is this sequence of SSE events a complete, well-formed
// stream of its surface?
//  chat_completions: every data payload is a chat.completion.chunk until
//    the terminator `data: [DONE]`; a payload with an `error` key is a
//    mid-stream error.
//  responses: every event is JSON whose `type` matches the `event:` name
//    (when given), `sequence_number` rises by exactly one, and exactly one
//    terminal event ends it: response.completed, response.incomplete,
//    response.failed or error.
// A stream that ends without its terminal is truncated.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "contract/sse_parser.h"
#include "contract/shape_check.h"
#include "contract/surface.h"

namespace readygate::contract {

enum class StreamVerdict {
  kInProgress,  // no terminal yet
  kCompleted,   // [DONE] / response.completed
  kIncomplete,  // response.incomplete (a valid end, answer cut short)
  kFailed,      // response.failed
  kErrorEvent,  // an error event / error payload
  kTruncated,   // ended without a terminal
  kMalformed,   // bad JSON, wrong object/type, sequence gap, events after the terminal
};

std::string_view stream_verdict_name(StreamVerdict v);

class StreamChecker {
 public:
  explicit StreamChecker(Surface surface) : surface_(surface) {}

  // Feeds one event; returns the verdict so far. Once malformed or past
  // a terminal, later events make it kMalformed.
  StreamVerdict on_event(const SseEvent& ev);
  // The upstream closed: kInProgress becomes kTruncated.
  StreamVerdict finish();

  StreamVerdict verdict() const { return verdict_; }
  bool terminal_seen() const;
  bool usage_seen() const { return usage_.usage_present; }
  // The stream's usage counters (the include_usage chunk, or the terminal
  // response's usage), as ShapeReport carries them.
  const ShapeReport& usage() const { return usage_; }
  uint64_t events() const { return events_; }
  // Problems found, "event 3: sequence_number 5, expected 4" and the like.
  const std::vector<std::string>& problems() const { return problems_; }
  // Error code/message from an error event, if any (sanitized by the caller).
  const std::string& error_code() const { return error_code_; }

 private:
  void keep_usage(const ShapeReport& r);

  Surface surface_;
  StreamVerdict verdict_ = StreamVerdict::kInProgress;
  ShapeReport usage_;  // only usage_present and the counters are used
  uint64_t events_ = 0;
  std::optional<int64_t> last_seq_;
  std::vector<std::string> problems_;
  std::string error_code_;
  bool terminal_seen_ = false;  // stays true when later events make it kMalformed
};

}  // namespace readygate::contract
