#include "contract/stream_check.h"

#include "base/headers.h"
#include "contract/json_scan.h"
#include "contract/shape_core.h"

namespace readygate::contract {
namespace {

using namespace detail;

constexpr size_t kMaxProblems = 16;

// error.code, else error.type, of an error object; "error" when neither is usable
// (a bare string under `error` is message text and is not copied).
std::string code_of(const element& err) {
  object eo;
  if (err.get_object().get(eo) == simdjson::SUCCESS) {
    for (std::string_view key : {"code", "type"}) {
      if (auto v = member(eo, key)) {
        std::string c = sanitize_code(*v);
        if (!c.empty()) return c;
      }
    }
  }
  return "error";
}

}  // namespace

std::string_view stream_verdict_name(StreamVerdict v) {
  switch (v) {
    case StreamVerdict::kInProgress:
      return "in_progress";
    case StreamVerdict::kCompleted:
      return "completed";
    case StreamVerdict::kIncomplete:
      return "incomplete";
    case StreamVerdict::kFailed:
      return "failed";
    case StreamVerdict::kErrorEvent:
      return "error_event";
    case StreamVerdict::kTruncated:
      return "truncated";
    case StreamVerdict::kMalformed:
      return "malformed";
  }
  return "unknown";
}

bool StreamChecker::terminal_seen() const { return terminal_seen_; }

StreamVerdict StreamChecker::on_event(const SseEvent& ev) {
  ++events_;
  auto problem = [&](std::string_view text) {
    if (problems_.size() >= kMaxProblems) return;
    std::string p = "event " + std::to_string(events_) + ": ";
    p += text;
    problems_.push_back(std::move(p));
  };
  auto malformed = [&](std::string_view text) {
    problem(text);
    verdict_ = StreamVerdict::kMalformed;
    return verdict_;
  };
  auto terminal = [&](StreamVerdict v) {
    terminal_seen_ = true;
    verdict_ = v;
    return verdict_;
  };

  if (verdict_ == StreamVerdict::kMalformed) return verdict_;
  if (verdict_ != StreamVerdict::kInProgress) return malformed("after the end of the stream");

  const bool chat = surface_ == Surface::kChatCompletions;
  if (chat && trim(ev.data) == "[DONE]") return terminal(StreamVerdict::kCompleted);
  auto root = parse_json(ev.data);
  if (!root) return malformed("data is not JSON");
  object o;
  if (root->get_object().get(o) != simdjson::SUCCESS) return malformed("data is not a JSON object");

  auto err = member(o, "error");
  if (err && is_null(*err)) err.reset();
  const auto type = string_member(o, "type");
  if (chat) {
    if (ev.event == "error" || err) {
      error_code_ = err ? code_of(*err) : "error";
      return terminal(StreamVerdict::kErrorEvent);
    }
    ShapeReport r;
    check_chat_chunk(*root, &r);
    keep_usage(r);
    for (const auto& m : r.mismatches) malformed(m);
    return verdict_;
  }

  // Responses. The spec's error event is flat {type: error, code, message};
  // some providers nest it under `error`, with or without `type`.
  if (ev.event == "error" || type == "error" || (!type && err)) {
    if (auto code = member(o, "code"); code && !sanitize_code(*code).empty())
      error_code_ = sanitize_code(*code);
    else
      error_code_ = err ? code_of(*err) : "error";
    return terminal(StreamVerdict::kErrorEvent);
  }
  if (type && !ev.event.empty() && ev.event != *type)
    malformed("event name does not match the payload type");
  ShapeReport r;
  check_response_event(*root, &r);
  for (const auto& m : r.mismatches) malformed(m);
  int64_t seq = 0;
  if (auto s = member(o, "sequence_number"); s && s->get_int64().get(seq) == simdjson::SUCCESS) {
    if (last_seq_ && seq != *last_seq_ + 1)
      malformed("sequence_number " + std::to_string(seq) + ", expected " +
                std::to_string(*last_seq_ + 1));
    last_seq_ = seq;
  }
  if (verdict_ == StreamVerdict::kMalformed || !type) return verdict_;

  StreamVerdict end = StreamVerdict::kInProgress;
  if (*type == "response.completed") end = StreamVerdict::kCompleted;
  if (*type == "response.incomplete") end = StreamVerdict::kIncomplete;
  if (*type == "response.failed") end = StreamVerdict::kFailed;
  if (end == StreamVerdict::kInProgress) return verdict_;
  keep_usage(r);
  if (end == StreamVerdict::kFailed) {
    object resp;
    if (o.at_key("response").get_object().get(resp) == simdjson::SUCCESS)
      if (auto e = member(resp, "error"); e && !is_null(*e)) error_code_ = code_of(*e);
  }
  return terminal(end);
}

void StreamChecker::keep_usage(const ShapeReport& r) {
  if (!r.usage_present) return;
  usage_.usage_present = true;
  usage_.input_tokens = r.input_tokens;
  usage_.output_tokens = r.output_tokens;
  usage_.total_tokens = r.total_tokens;
}

StreamVerdict StreamChecker::finish() {
  if (verdict_ == StreamVerdict::kInProgress) {
    if (problems_.size() < kMaxProblems)
      problems_.push_back(surface_ == Surface::kChatCompletions
                              ? "stream ended without data: [DONE]"
                              : "stream ended without a terminal event");
    verdict_ = StreamVerdict::kTruncated;
  }
  return verdict_;
}

}  // namespace readygate::contract
