// Whole (non-streamed) answers: chat.completion <-> response.
// Why: the client reads the object its surface documents, so every field its
// required core names is built here (ids keep the upstream id readable,
// finish_reason <-> status + incomplete_details, usage names swapped); the
// Response also repeats the request parameters (echo), as the real API does.
#include "translate/translate.h"
#include "translate/translate_internal.h"

namespace readygate::translate {
namespace {

using detail::has;
using detail::json;
using Result = std::expected<std::string, std::string>;

Result fail(std::string what) { return std::unexpected(std::move(what)); }

// Chat message annotations (url_citation nests its fields) -> Responses ones (flat).
json response_annotations(const json& msg) {
  json out = json::array();
  if (!has(msg, "annotations") || !msg["annotations"].is_array()) return out;
  for (const json& a : msg["annotations"]) {
    if (!a.is_object() || a.value("type", "") != "url_citation" || !has(a, "url_citation")) continue;
    json flat = a["url_citation"];
    flat["type"] = "url_citation";
    out.push_back(std::move(flat));
  }
  return out;
}

Result chat_to_response(const json& in, const json& echo) {
  if (!has(in, "choices") || !in["choices"].is_array() || in["choices"].empty())
    return fail("choices");
  const json& choice = in["choices"][0];
  if (!choice.is_object() || !has(choice, "message")) return fail("choices[0].message");
  const json& msg = choice["message"];
  const std::string id = detail::response_id_from_chat(in.value("id", ""));
  const auto end = detail::end_from_finish_reason(detail::str_or(choice, "finish_reason", "stop"));
  json r = detail::response_skeleton(id, in.value("created", int64_t{0}), in.value("model", ""),
                                     end.status, end.incomplete, echo);
  json parts = json::array();
  if (has(msg, "content") && msg["content"].is_string()) {
    parts.push_back({{"type", "output_text"},
                     {"text", msg["content"]},
                     {"annotations", response_annotations(msg)},
                     {"logprobs", json::array()}});
  }
  if (has(msg, "refusal") && msg["refusal"].is_string())
    parts.push_back({{"type", "refusal"}, {"refusal", msg["refusal"]}});
  const bool text_empty = parts.size() == 1 && parts[0].value("text", "x").empty();
  if (!parts.empty() && !(text_empty && has(msg, "tool_calls"))) {
    r["output"].push_back({{"id", detail::message_item_id(id)},
                           {"type", "message"},
                           {"status", end.status},
                           {"content", std::move(parts)},
                           {"role", "assistant"}});
  }
  if (has(msg, "tool_calls")) {
    for (const json& c : msg["tool_calls"]) {
      if (!c.is_object() || c.value("type", "") != "function") return fail("tool_calls.type");
      const json& fn = c.value("function", json::object());
      const std::string call_id = c.value("id", "");
      r["output"].push_back({{"id", detail::function_item_id(call_id)},
                             {"type", "function_call"},
                             {"status", "completed"},
                             {"arguments", fn.value("arguments", "")},
                             {"call_id", call_id},
                             {"name", fn.value("name", "")}});
    }
  }
  if (has(in, "usage")) r["usage"] = detail::response_usage_from_chat(in["usage"]);
  return r.dump();
}

Result response_to_chat(const json& in) {
  const std::string status = in.value("status", "");
  if (status != "completed" && status != "incomplete") return fail("status");
  std::string text, refusal;
  bool any_text = false, any_refusal = false;
  json calls = json::array();
  json annotations = json::array();
  if (!has(in, "output") || !in["output"].is_array()) return fail("output");
  for (const json& item : in["output"]) {
    const std::string type = item.is_object() ? item.value("type", "") : "";
    if (type == "message") {
      for (const json& part : item.value("content", json::array())) {
        const std::string pt = part.is_object() ? part.value("type", "") : "";
        if (pt == "output_text") {
          any_text = true;
          text += part.value("text", "");
          for (const json& a : part.value("annotations", json::array())) {
            if (!a.is_object() || a.value("type", "") != "url_citation") continue;
            json nested = a;
            nested.erase("type");
            annotations.push_back({{"type", "url_citation"}, {"url_citation", std::move(nested)}});
          }
        } else if (pt == "refusal") {
          any_refusal = true;
          refusal += part.value("refusal", "");
        }
      }
    } else if (type == "function_call") {
      calls.push_back({{"id", item.value("call_id", "")},
                       {"type", "function"},
                       {"function",
                        {{"name", item.value("name", "")},
                         {"arguments", item.value("arguments", "")}}}});
    } else if (type != "reasoning") {
      // Reasoning items have no chat field (chat never returns reasoning);
      // anything else (a built-in tool call) cannot be shown to a chat client.
      return fail("output.type");
    }
  }
  std::string incomplete;
  if (has(in, "incomplete_details") && in["incomplete_details"].is_object())
    incomplete = in["incomplete_details"].value("reason", "");
  json msg = {{"role", "assistant"},
              {"content", any_text ? json(text) : json(nullptr)},
              {"refusal", any_refusal ? json(refusal) : json(nullptr)}};
  if (!annotations.empty()) msg["annotations"] = std::move(annotations);
  const bool has_calls = !calls.empty();
  if (has_calls) msg["tool_calls"] = std::move(calls);
  json out = {{"id", detail::chat_id_from_response(in.value("id", ""))},
              {"object", "chat.completion"},
              {"created", static_cast<int64_t>(in.value("created_at", 0.0))},
              {"model", in.value("model", "")},
              {"choices",
               json::array({{{"index", 0},
                             {"message", std::move(msg)},
                             {"logprobs", nullptr},
                             {"finish_reason",
                              detail::finish_reason_from_end(status, incomplete, has_calls)}}})}};
  if (has(in, "usage")) out["usage"] = detail::chat_usage_from_response(in["usage"]);
  return out.dump();
}

}  // namespace

std::expected<std::string, std::string> translate_response(Surface from, Surface to,
                                                           std::string_view body,
                                                           const nlohmann::json& echo) {
  if (from == to) return std::string(body);
  try {
    const auto in = detail::parse_document(body);
    if (!in || !in->is_object()) return fail("body");
    return from == Surface::kChatCompletions ? chat_to_response(*in, echo) : response_to_chat(*in);
  } catch (const json::exception&) {
    return fail("body");  // a field of an unexpected type
  }
}

}  // namespace readygate::translate
