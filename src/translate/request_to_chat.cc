// Responses request -> Chat Completions request, and the public entry point.
// Why each choice: `instructions` -> a leading system message; input items
// -> messages of the same role; function_call items join the assistant
// message before them as tool_calls (chat carries both in one message);
// function_call_output -> tool messages. A stream asks for usage
// (include_usage) because every Responses terminal event carries it.
// `store: true` (a stored response the client could chain on) cannot be
// honoured by a chat route, so only an absent or false `store` translates.
#include "translate/translate.h"
#include "translate/translate_internal.h"

namespace readygate::translate {

namespace {

using detail::bad;
using detail::Check;
using detail::has;
using detail::json;
using detail::path_at;
using detail::path_index;
using detail::unknown;

// Input content parts -> chat parts. `role` decides which part types chat accepts.
Check content_parts(json& c, const std::string& p, std::string_view role, json* out) {
  if (c.is_string()) {
    *out = std::move(c);
    return std::nullopt;
  }
  if (!c.is_array()) return bad(p);
  *out = json::array();
  const bool user = role == "user";
  const bool assistant = role == "assistant";
  for (size_t i = 0; i < c.size(); ++i) {
    const json& part = c[i];
    const std::string pp = path_index(p, i);
    const std::string type = part.is_object() ? part.value("type", "") : "";
    if (type == "input_text" || (assistant && type == "output_text")) {
      if (has(part, "annotations") && !part["annotations"].empty())
        return bad(path_at(pp, "annotations"));
      if (auto u = unknown(part, {"type", "text", "annotations", "logprobs"}, pp)) return u;
      out->push_back({{"type", "text"}, {"text", part.value("text", "")}});
    } else if (assistant && type == "refusal") {
      if (auto u = unknown(part, {"type", "refusal"}, pp)) return u;
      out->push_back({{"type", "refusal"}, {"refusal", part.value("refusal", "")}});
    } else if (user && type == "input_image") {
      if (auto u = unknown(part, {"type", "image_url", "detail"}, pp)) return u;
      if (!has(part, "image_url")) return bad(path_at(pp, "image_url"));
      json img = {{"url", part["image_url"]}};
      if (has(part, "detail")) img["detail"] = part["detail"];
      out->push_back({{"type", "image_url"}, {"image_url", std::move(img)}});
    } else if (user && type == "input_file") {
      if (auto u = unknown(part, {"type", "file_id", "filename", "file_data"}, pp)) return u;
      json f = json::object();
      for (const char* k : {"file_id", "filename", "file_data"})
        if (has(part, k)) f[k] = part[k];
      out->push_back({{"type", "file"}, {"file", std::move(f)}});
    } else {
      return bad(path_at(pp, "type"));
    }
  }
  return std::nullopt;
}

Check input_items(json& input, json* msgs) {
  if (input.is_string()) {
    msgs->push_back({{"role", "user"}, {"content", std::move(input)}});
    return std::nullopt;
  }
  if (!input.is_array()) return bad("input");
  // Index of the assistant message function_call items may still join (kNone: none).
  constexpr size_t kNone = static_cast<size_t>(-1);
  size_t open_assistant = kNone;
  for (size_t i = 0; i < input.size(); ++i) {
    json& item = input[i];
    const std::string p = path_index("input", i);
    if (!item.is_object()) return bad(p);
    const std::string type = item.value("type", "message");
    if (type == "message") {
      const std::string role = item.value("role", "");
      const bool assistant = role == "assistant";
      if (!assistant && role != "user" && role != "system" && role != "developer")
        return bad(path_at(p, "role"));
      // id/status identify an earlier output message; they carry no content.
      if (auto u = assistant ? unknown(item, {"type", "role", "content", "id", "status"}, p)
                             : unknown(item, {"type", "role", "content"}, p))
        return u;
      json content;
      if (!item.contains("content")) return bad(path_at(p, "content"));
      if (auto c = content_parts(item["content"], path_at(p, "content"), role, &content))
        return c;
      msgs->push_back({{"role", role}, {"content", std::move(content)}});
      open_assistant = assistant ? msgs->size() - 1 : kNone;
    } else if (type == "function_call") {
      if (auto u = unknown(item, {"type", "call_id", "name", "arguments", "id", "status"}, p))
        return u;
      if (!has(item, "call_id")) return bad(path_at(p, "call_id"));
      json call = {{"id", item["call_id"]},
                   {"type", "function"},
                   {"function",
                    {{"name", item.value("name", "")}, {"arguments", item.value("arguments", "")}}}};
      if (open_assistant == kNone) {
        msgs->push_back({{"role", "assistant"}, {"content", nullptr}});
        open_assistant = msgs->size() - 1;
      }
      (*msgs)[open_assistant]["tool_calls"].push_back(std::move(call));
    } else if (type == "function_call_output") {
      if (auto u = unknown(item, {"type", "call_id", "output", "id", "status"}, p)) return u;
      if (!has(item, "call_id")) return bad(path_at(p, "call_id"));
      json content;
      if (!item.contains("output")) item["output"] = "";
      if (auto c = content_parts(item["output"], path_at(p, "output"), "tool", &content))
        return c;
      msgs->push_back(
          {{"role", "tool"}, {"tool_call_id", item["call_id"]}, {"content", std::move(content)}});
      open_assistant = kNone;
    } else {
      return bad(path_at(p, "type"));
    }
  }
  return std::nullopt;
}

Check tools(json& ts, json* out) {
  if (!ts.is_array()) return bad("tools");
  json list = json::array();
  for (size_t i = 0; i < ts.size(); ++i) {
    json& t = ts[i];
    const std::string p = path_index("tools", i);
    if (!t.is_object() || t.value("type", "") != "function") return bad(path_at(p, "type"));
    if (auto u = unknown(t, {"type", "name", "description", "parameters", "strict"}, p)) return u;
    json fn = {{"name", t.value("name", "")}};
    for (const char* k : {"description", "parameters"})
      if (has(t, k)) fn[k] = std::move(t[k]);
    fn["strict"] = t.value("strict", true);  // Responses function tools default to strict
    list.push_back({{"type", "function"}, {"function", std::move(fn)}});
  }
  (*out)["tools"] = std::move(list);
  return std::nullopt;
}

Check tool_choice(const json& tc, json* out) {
  if (tc.is_string()) {
    (*out)["tool_choice"] = tc;
    return std::nullopt;
  }
  if (!tc.is_object() || tc.value("type", "") != "function") return bad("tool_choice.type");
  if (auto u = unknown(tc, {"type", "name"}, "tool_choice")) return u;
  (*out)["tool_choice"] = {{"type", "function"}, {"function", {{"name", tc.value("name", "")}}}};
  return std::nullopt;
}

Check text_format(const json& text, json* out) {
  if (auto u = unknown(text, {"format"}, "text")) return u;
  if (!has(text, "format")) return std::nullopt;
  const json& f = text["format"];
  const std::string type = f.is_object() ? f.value("type", "") : "";
  if (type == "text" || type == "json_object") {
    if (auto u = unknown(f, {"type"}, "text.format")) return u;
    (*out)["response_format"] = {{"type", type}};
  } else if (type == "json_schema") {
    if (auto u = unknown(f, {"type", "name", "description", "schema", "strict"}, "text.format"))
      return u;
    json js = {{"name", f.value("name", "")}};
    for (const char* k : {"description", "schema", "strict"})
      if (has(f, k)) js[k] = f[k];
    (*out)["response_format"] = {{"type", "json_schema"}, {"json_schema", std::move(js)}};
  } else {
    return bad("text.format.type");
  }
  return std::nullopt;
}

// The parameters a Response object repeats, with the documented defaults.
json echo_of(const json& in) {
  auto get = [&](const char* k, json def) { return has(in, k) ? in[k] : std::move(def); };
  json e = {{"instructions", get("instructions", nullptr)},
            {"max_output_tokens", get("max_output_tokens", nullptr)},
            {"metadata", get("metadata", json::object())},
            {"parallel_tool_calls", get("parallel_tool_calls", true)},
            {"temperature", get("temperature", 1.0)},
            {"top_p", get("top_p", 1.0)},
            {"tool_choice", get("tool_choice", "auto")},
            {"tools", get("tools", json::array())},
            {"text", get("text", json{{"format", {{"type", "text"}}}})},
            {"truncation", "disabled"},
            {"store", false}};
  if (has(in, "user")) e["user"] = in["user"];
  return e;
}

std::expected<TranslatedRequest, Ineligible> responses_request_to_chat(json& in) {
  json echo = echo_of(in);  // before values are moved out of `in`
  json out = json::object();
  json msgs = json::array();
  if (has(in, "instructions")) {
    if (!in["instructions"].is_string()) return std::unexpected(Ineligible{"instructions"});
    msgs.push_back({{"role", "system"}, {"content", in["instructions"]}});
  }
  Check c;
  for (auto it = in.begin(); it != in.end() && !c; ++it) {
    const std::string& k = it.key();
    json& v = it.value();
    if (v.is_null() || k == "instructions") continue;
    if (k == "model" || k == "temperature" || k == "top_p" || k == "parallel_tool_calls" ||
        k == "user" || k == "metadata" || k == "service_tier" || k == "prompt_cache_key" ||
        k == "safety_identifier") {
      out[k] = std::move(v);
    } else if (k == "stream") {
      out[k] = v;
      if (v == true) out["stream_options"] = {{"include_usage", true}};
    } else if (k == "input") {
      c = input_items(v, &msgs);
    } else if (k == "max_output_tokens") {
      out["max_completion_tokens"] = v;
    } else if (k == "store" || k == "background") {
      if (v != false) c = bad(k);
    } else if (k == "truncation") {
      if (v != "disabled") c = bad(k);
    } else if (k == "include") {
      if (!v.is_array() || !v.empty()) c = bad(k);
    } else if (k == "reasoning") {
      c = unknown(v, {"effort"}, k);
      if (!c && has(v, "effort")) out["reasoning_effort"] = v["effort"];
    } else if (k == "tools") {
      c = tools(v, &out);
    } else if (k == "tool_choice") {
      c = tool_choice(v, &out);
    } else if (k == "text") {
      c = text_format(v, &out);
    } else {
      c = unknown(json{{k, v}}, {}, "");  // named, sanitized
    }
  }
  if (c) return std::unexpected(*c);
  out["messages"] = std::move(msgs);
  return TranslatedRequest{out.dump(), std::move(echo)};
}

}  // namespace

std::expected<TranslatedRequest, Ineligible> translate_request(Surface from, Surface to,
                                                               std::string_view body) {
  if (from == to) return TranslatedRequest{std::string(body), json::object()};
  try {
    auto in = detail::parse_document(body);
    if (!in || !in->is_object()) return std::unexpected(Ineligible{"body"});
    return from == Surface::kChatCompletions ? detail::chat_request_to_responses(*in)
                                             : responses_request_to_chat(*in);
  } catch (const json::exception&) {
    // A field of an unexpected type that check_request does not cover.
    return std::unexpected(Ineligible{"body"});
  }
}

}  // namespace readygate::translate
