// Chat chunks (upstream) -> Responses events (client).
// Why it is shaped so: each chunk's delta becomes its Responses delta event
// at once; item and part lifecycle events (added / done) are emitted when an
// item starts and when the upstream says it is finished (finish_reason), so
// sequence_numbers stay gap-free from 0. Only the text, refusal and
// arguments each done event and the terminal response repeat are kept.
// The terminal waits for `data: [DONE]` because the usage chunk comes after
// the finish chunk.
#include <simdjson.h>

#include "base/json_text.h"
#include "contract/stream_error.h"
#include "translate/stream_common.h"

namespace readygate::translate::detail {
namespace {

using simdjson::dom::element;
using simdjson::dom::object;

struct Item {
  bool function = false;
  int64_t output_index = 0;
  std::string id;
  std::string text, refusal;          // message: accumulated parts
  int text_part = -1, refusal_part = -1;  // content_index of each part, -1: none yet
  int chat_index = -1;                // function: the chat tool_calls index
  std::string call_id, name, arguments;
  bool open = true;
};

class ChatToResponses final : public StreamTranslator {
 public:
  explicit ChatToResponses(StreamOptions opts) : echo_(std::move(opts.echo)) {}

  void on_event(const contract::SseEvent& ev, std::string* out) override {
    if (ended_) return;
    if (is_done_marker(ev.data)) {
      close_all(out);
      terminal(out);
      return;
    }
    element doc;
    object o;
    if (event_parser().parse(ev.data).get(doc) || doc.get_object().get(o)) return;  // checker's case
    if (element err; !o["error"].get(err) && !err.is_null()) {
      *out += contract::stream_error_frame(Surface::kResponses, error_code(err),
                                           "The upstream reported an error mid-stream.", seq_++);
      ended_ = true;
      return;
    }
    if (!started_) start(o, out);
    if (element usage; !o["usage"].get(usage) && usage.is_object()) usage_ = from_element(usage);
    simdjson::dom::array choices;
    if (o["choices"].get_array().get(choices) || choices.size() == 0) return;
    object choice;
    if (choices.at(0).get_object().get(choice)) return;
    object delta;
    if (!choice["delta"].get_object().get(delta)) {
      std::string_view s;
      if (!delta["content"].get_string().get(s) && !s.empty()) text_delta(s, false, out);
      if (!delta["refusal"].get_string().get(s) && !s.empty()) text_delta(s, true, out);
      simdjson::dom::array calls;
      if (!delta["tool_calls"].get_array().get(calls))
        for (element c : calls) tool_delta(c, out);
    }
    std::string_view fr;
    if (!choice["finish_reason"].get_string().get(fr)) {
      finish_reason_ = fr;
      close_all(out);
    }
  }

  bool ended() const override { return ended_; }
  int64_t next_sequence_number() const override { return seq_; }
  std::string error_frame(std::string_view code, std::string_view message) override {
    ended_ = true;
    return contract::stream_error_frame(Surface::kResponses, code, message, seq_++);
  }

 private:
  // Starts an event: {"type":"<type>","sequence_number":N
  void begin(std::string& j, std::string_view type) {
    j.assign("{\"type\":\"");
    j += type;
    j += "\",\"sequence_number\":";
    j += std::to_string(seq_++);
  }
  void emit(std::string* out, std::string_view type, const std::string& j) {
    append_event_frame(*out, type, j);
  }
  void emit_json(std::string* out, std::string_view type, json body) {
    json e = {{"type", type}, {"sequence_number", seq_++}};
    e.update(body);
    append_event_frame(*out, type, e.dump());
  }
  void item_ref(std::string& j, const Item& it) {
    j += ",\"item_id\":";
    append_json_string(j, it.id);
    j += ",\"output_index\":";
    j += std::to_string(it.output_index);
  }

  void start(const object& o, std::string* out) {
    started_ = true;
    std::string_view s;
    if (!o["id"].get_string().get(s)) id_ = response_id_from_chat(s);
    if (!o["model"].get_string().get(s)) model_ = s;
    int64_t created = 0;
    if (!o["created"].get_int64().get(created)) created_ = created;
    // One dump serves both lifecycle events.
    const std::string r = response_skeleton(id_, created_, model_, "in_progress", "", echo_).dump();
    for (std::string_view type : {"response.created", "response.in_progress"}) {
      std::string j;
      begin(j, type);
      j += ",\"response\":";
      j += r;
      j += '}';
      emit(out, type, j);
    }
  }

  Item& open_item(bool function) {
    Item it;
    it.function = function;
    it.output_index = static_cast<int64_t>(items_.size());
    items_.push_back(std::move(it));
    return items_.back();
  }
  void announce(const Item& it, std::string* out) {
    emit_json(out, "response.output_item.added",
              {{"output_index", it.output_index}, {"item", item_json(it, false)}});
  }

  void text_delta(std::string_view s, bool refusal, std::string* out) {
    if (message_ < 0) {
      // A message after tool calls opens a new item; calls are finished by then.
      close_functions(out);
      Item& it = open_item(false);
      it.id = message_item_id(id_);
      if (items_.size() > 1) it.id += "_" + std::to_string(it.output_index);
      message_ = static_cast<int>(items_.size() - 1);
      announce(it, out);
    }
    Item& it = items_[message_];
    int& part = refusal ? it.refusal_part : it.text_part;
    if (part < 0) {
      part = (it.text_part >= 0) + (it.refusal_part >= 0);
      emit_json(out, "response.content_part.added",
                {{"item_id", it.id},
                 {"output_index", it.output_index},
                 {"content_index", part},
                 {"part", part_json(it, refusal)}});
    }
    (refusal ? it.refusal : it.text) += s;
    std::string j;
    begin(j, refusal ? "response.refusal.delta" : "response.output_text.delta");
    item_ref(j, it);
    j += ",\"content_index\":";
    j += std::to_string(part);
    j += ",\"delta\":";
    append_json_string(j, s);
    j += refusal ? "}" : ",\"logprobs\":[]}";
    emit(out, refusal ? "response.refusal.delta" : "response.output_text.delta", j);
  }

  void tool_delta(const element& c, std::string* out) {
    int64_t index = 0;
    if (c["index"].get_int64().get(index)) return;
    Item* it = nullptr;
    for (auto& i : items_)
      if (i.function && i.chat_index == index) it = &i;
    object fn;
    const bool has_fn = !c["function"].get_object().get(fn);
    std::string_view s;
    if (!it) {
      close_message(out);
      Item& n = open_item(true);
      n.chat_index = static_cast<int>(index);
      if (!c["id"].get_string().get(s)) n.call_id = s;
      if (has_fn && !fn["name"].get_string().get(s)) n.name = s;
      n.id = function_item_id(n.call_id);
      announce(n, out);
      it = &n;
    }
    if (!has_fn || fn["arguments"].get_string().get(s) || s.empty()) return;
    it->arguments += s;
    std::string j;
    begin(j, "response.function_call_arguments.delta");
    item_ref(j, *it);
    j += ",\"delta\":";
    append_json_string(j, s);
    j += '}';
    emit(out, "response.function_call_arguments.delta", j);
  }

  json part_json(const Item& it, bool refusal) const {
    if (refusal) return {{"type", "refusal"}, {"refusal", it.refusal}};
    return {{"type", "output_text"},
            {"annotations", json::array()},
            {"logprobs", json::array()},
            {"text", it.text}};
  }

  json item_json(const Item& it, bool done) const {
    const char* status = done ? "completed" : "in_progress";
    if (done && !it.function && end_.status == "incomplete") status = "incomplete";
    if (it.function)
      return {{"id", it.id},         {"type", "function_call"}, {"status", status},
              {"arguments", done ? it.arguments : ""}, {"call_id", it.call_id},
              {"name", it.name}};
    json content = json::array();
    if (done) {
      // Parts in content_index order.
      if (it.text_part == 0 || it.refusal_part < 0) {
        if (it.text_part >= 0) content.push_back(part_json(it, false));
        if (it.refusal_part >= 0) content.push_back(part_json(it, true));
      } else {
        content.push_back(part_json(it, true));
        if (it.text_part >= 0) content.push_back(part_json(it, false));
      }
    }
    return {{"id", it.id}, {"type", "message"}, {"status", status}, {"content", content},
            {"role", "assistant"}};
  }

  void close_item(Item& it, std::string* out) {
    if (!it.open) return;
    it.open = false;
    end_ = end_from_finish_reason(finish_reason_);
    if (it.function) {
      emit_json(out, "response.function_call_arguments.done",
                {{"item_id", it.id}, {"output_index", it.output_index},
                 {"name", it.name}, {"arguments", it.arguments}});
    } else {
      for (bool refusal : {false, true}) {
        const int part = refusal ? it.refusal_part : it.text_part;
        if (part < 0) continue;
        const json ref = {{"item_id", it.id}, {"output_index", it.output_index},
                          {"content_index", part}};
        json done = ref;
        if (refusal) {
          done["refusal"] = it.refusal;
        } else {
          done["text"] = it.text;
          done["logprobs"] = json::array();
        }
        emit_json(out, refusal ? "response.refusal.done" : "response.output_text.done", done);
        json pd = ref;
        pd["part"] = part_json(it, refusal);
        emit_json(out, "response.content_part.done", pd);
      }
    }
    emit_json(out, "response.output_item.done",
              {{"output_index", it.output_index}, {"item", item_json(it, true)}});
  }
  void close_message(std::string* out) {
    if (message_ >= 0) close_item(items_[message_], out);
    message_ = -1;
  }
  void close_functions(std::string* out) {
    for (auto& it : items_)
      if (it.function) close_item(it, out);
  }
  void close_all(std::string* out) {
    for (auto& it : items_) close_item(it, out);
    message_ = -1;
  }

  void terminal(std::string* out) {
    ended_ = true;
    end_ = end_from_finish_reason(finish_reason_);
    json r = response_skeleton(id_, created_, model_, end_.status, end_.incomplete, echo_);
    for (const auto& it : items_) r["output"].push_back(item_json(it, true));
    if (!usage_.is_null()) r["usage"] = response_usage_from_chat(usage_);
    const std::string_view type =
        end_.status == "completed" ? "response.completed" : "response.incomplete";
    std::string j;
    begin(j, type);
    j += ",\"response\":";
    j += r.dump();
    j += '}';
    emit(out, type, j);
  }

  json echo_;
  bool started_ = false, ended_ = false;
  int64_t seq_ = 0;
  std::string id_ = "resp_readygate", model_;
  int64_t created_ = 0;
  std::vector<Item> items_;
  int message_ = -1;  // index of the open message item, -1: none
  std::string finish_reason_ = "stop";
  ResponseEnd end_{"completed", ""};
  json usage_;
};

}  // namespace

std::unique_ptr<StreamTranslator> make_chat_to_responses(StreamOptions opts) {
  return std::make_unique<ChatToResponses>(std::move(opts));
}

}  // namespace readygate::translate::detail
