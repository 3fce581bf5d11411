// Responses events (upstream) -> chat chunks (client), and the stream
// translator factory.
// Why it is shaped so: every text, refusal and argument delta becomes one
// chunk at once, built by hand from a prefix made once per stream (the
// per-event cost is the parse plus one string append). Function calls get
// chat tool_calls indices in the order their items were added. The terminal
// event becomes the finish chunk, the usage chunk when the client asked
// include_usage, then `data: [DONE]`; a failed response or error event
// becomes the chat error payload, never a fake completion.
#include <cctype>
#include <vector>

#include "base/json_text.h"
#include "contract/stream_error.h"
#include "translate/stream_common.h"

namespace readygate::translate::detail {
namespace {

using simdjson::dom::element;
using simdjson::dom::object;

class ResponsesToChat final : public StreamTranslator {
 public:
  explicit ResponsesToChat(StreamOptions opts) : include_usage_(opts.include_usage) {}

  void on_event(const contract::SseEvent& ev, std::string* out) override {
    if (ended_) return;
    element doc;
    object o;
    if (event_parser().parse(ev.data).get(doc) || doc.get_object().get(o)) return;  // checker's case
    std::string_view type;
    if (o["type"].get_string().get(type)) type = ev.event;
    if (type == "error" || ev.event == "error") {
      *out += error_frame_for(error_code(doc));
      return;
    }
    object resp;
    const bool has_resp = !o["response"].get_object().get(resp);
    if (!started_) start(has_resp ? &resp : nullptr, out);
    std::string_view s;
    if (type == "response.output_text.delta" || type == "response.refusal.delta") {
      if (o["delta"].get_string().get(s) || s.empty()) return;
      mark_part_streamed(o);
      text_chunk(type == "response.output_text.delta", s, out);
    } else if (type == "response.output_text.done" || type == "response.refusal.done") {
      // A provider that sends a part's text only whole: the client still gets it, once.
      const bool text = type == "response.output_text.done";
      if (part_streamed(o) || o[text ? "text" : "refusal"].get_string().get(s) || s.empty()) return;
      text_chunk(text, s, out);
    } else if (type == "response.output_item.added") {
      object item;
      if (o["item"].get_object().get(item) || item["type"].get_string().get(s) ||
          s != "function_call")
        return;
      call_added(item, out);
    } else if (type == "response.function_call_arguments.delta") {
      if (!o["delta"].get_string().get(s) && !s.empty()) arguments(string_or(o, "item_id"), s, out);
    } else if (type == "response.function_call_arguments.done") {
      // A provider that sends the arguments only whole: the client still gets them.
      const std::string_view id = string_or(o, "item_id");
      for (auto& c : calls_)
        if (c.item_id == id && !c.arguments_sent && !o["arguments"].get_string().get(s) && !s.empty())
          arguments(id, s, out);
    } else if (type == "response.completed" || type == "response.incomplete") {
      if (has_resp) finish(resp, out);
    } else if (type == "response.failed") {
      element err;
      std::string code = "response_failed";
      if (has_resp && !resp["error"].get(err) && !err.is_null()) code = error_code(err);
      *out += error_frame_for(code);
    }
    // Other events (lifecycle, other *.done, reasoning) carry nothing a chat client reads.
  }

  bool ended() const override { return ended_; }
  int64_t next_sequence_number() const override { return 0; }
  std::string error_frame(std::string_view code, std::string_view message) override {
    ended_ = true;
    return contract::stream_error_frame(Surface::kChatCompletions, code, message, 0);
  }

 private:
  std::string error_frame_for(std::string_view code) {
    return error_frame(code, "The upstream reported an error mid-stream.");
  }

  void start(const object* resp, std::string* out) {
    started_ = true;
    std::string id = "chatcmpl-readygate", model;
    int64_t created = 0;
    if (resp) {
      std::string_view s;
      if (!(*resp)["id"].get_string().get(s)) id = chat_id_from_response(s);
      if (!(*resp)["model"].get_string().get(s)) model = s;
      double d = 0;
      if (!(*resp)["created_at"].get_double().get(d)) created = static_cast<int64_t>(d);
    }
    prefix_ = "data: {\"id\":";
    append_json_string(prefix_, id);
    prefix_ += ",\"object\":\"chat.completion.chunk\",\"created\":";
    prefix_ += std::to_string(created);
    prefix_ += ",\"model\":";
    append_json_string(prefix_, model);
    prefix_ += ",\"choices\":[";
    chunk_begin(*out);
    *out += "{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null";
    chunk_end(*out);
  }

  // A chunk is chunk_begin, the delta object without its closing brace, chunk_end.
  void chunk_begin(std::string& out) const {
    out += prefix_;
    out += "{\"index\":0,\"delta\":";
  }
  void chunk_end(std::string& out, std::string_view finish = "null") const {
    out += "},\"logprobs\":null,\"finish_reason\":";
    out += finish;
    out += "}]}\n\n";
  }

  void text_chunk(bool text, std::string_view s, std::string* out) const {
    chunk_begin(*out);
    *out += text ? "{\"content\":" : "{\"refusal\":";
    append_json_string(*out, s);
    chunk_end(*out);
  }

  // Content parts (item_id, content_index) that had at least one delta.
  static std::string part_key(const object& o) {
    std::string key(string_or(o, "item_id"));
    int64_t index = 0;
    if (!o["content_index"].get_int64().get(index)) key += "#" + std::to_string(index);
    return key;
  }
  void mark_part_streamed(const object& o) {
    std::string key = part_key(o);
    for (const auto& k : streamed_parts_)
      if (k == key) return;
    streamed_parts_.push_back(std::move(key));
  }
  bool part_streamed(const object& o) const {
    const std::string key = part_key(o);
    for (const auto& k : streamed_parts_)
      if (k == key) return true;
    return false;
  }

  void arguments(std::string_view item_id, std::string_view delta, std::string* out) {
    for (size_t k = 0; k < calls_.size(); ++k) {
      if (calls_[k].item_id != item_id) continue;
      calls_[k].arguments_sent = true;
      chunk_begin(*out);
      *out += "{\"tool_calls\":[{\"index\":";
      *out += std::to_string(k);
      *out += ",\"function\":{\"arguments\":";
      append_json_string(*out, delta);
      *out += "}}]";
      chunk_end(*out);
    }
  }

  void call_added(const object& item, std::string* out) {
    const std::string_view call_id = string_or(item, "call_id"), name = string_or(item, "name"),
                           args = string_or(item, "arguments");
    calls_.push_back({std::string(string_or(item, "id")), !args.empty()});
    chunk_begin(*out);
    *out += "{\"tool_calls\":[{\"index\":";
    *out += std::to_string(calls_.size() - 1);
    *out += ",\"id\":";
    append_json_string(*out, call_id);
    *out += ",\"type\":\"function\",\"function\":{\"name\":";
    append_json_string(*out, name);
    *out += ",\"arguments\":";
    append_json_string(*out, args);
    *out += "}}]";
    chunk_end(*out);
  }

  void finish(const object& resp, std::string* out) {
    const std::string_view status = string_or(resp, "status", "completed");
    std::string_view reason;
    object details;
    if (!resp["incomplete_details"].get_object().get(details)) reason = string_or(details, "reason");
    const std::string fr(finish_reason_from_end(status, reason, !calls_.empty()));
    chunk_begin(*out);
    *out += "{";
    chunk_end(*out, "\"" + fr + "\"");
    element usage;
    if (include_usage_ && !resp["usage"].get(usage) && usage.is_object()) {
      const json u = chat_usage_from_response(from_element(usage));
      *out += prefix_;
      *out += "],\"usage\":";
      *out += u.dump();
      *out += "}\n\n";
    }
    *out += "data: [DONE]\n\n";
    ended_ = true;
  }

  bool include_usage_;
  bool started_ = false, ended_ = false;
  std::string prefix_;                       // "data: {...,\"choices\":["
  std::vector<std::string> streamed_parts_;  // content parts that had deltas
  struct Call {
    std::string item_id;
    bool arguments_sent = false;
  };
  std::vector<Call> calls_;  // function_call items, by chat tool index
};

}  // namespace

simdjson::dom::parser& event_parser() {
  thread_local simdjson::dom::parser parser;
  return parser;
}

bool is_done_marker(std::string_view data) {
  while (!data.empty() && std::isspace(static_cast<unsigned char>(data.front()))) data.remove_prefix(1);
  while (!data.empty() && std::isspace(static_cast<unsigned char>(data.back()))) data.remove_suffix(1);
  return data == "[DONE]";
}

std::string error_code(const element& e) {
  object o;
  if (e.get_object().get(o)) return safe_code("");
  element inner;
  if (!o["error"].get(inner) && inner.is_object()) return error_code(inner);
  std::string_view s;
  int64_t n;
  if (!o["code"].get_string().get(s) && !s.empty()) return safe_code(s);
  if (!o["code"].get_int64().get(n)) return std::to_string(n);
  if (!o["type"].get_string().get(s) && s != "error") return safe_code(s);
  return safe_code("");
}

std::unique_ptr<StreamTranslator> make_responses_to_chat(StreamOptions opts) {
  return std::make_unique<ResponsesToChat>(std::move(opts));
}

}  // namespace readygate::translate::detail

namespace readygate::translate {

std::unique_ptr<StreamTranslator> make_stream_translator(Surface upstream, Surface client,
                                                         StreamOptions opts) {
  (void)client;
  return upstream == Surface::kChatCompletions ? detail::make_chat_to_responses(std::move(opts))
                                               : detail::make_responses_to_chat(std::move(opts));
}

}  // namespace readygate::translate
