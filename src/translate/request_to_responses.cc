// Chat Completions request -> Responses request.
// Why each choice: system message first -> `instructions` (its documented
// equivalent); other messages -> input items of the same role; assistant
// tool_calls -> function_call items and tool messages -> function_call_output
// items (the call ids link them). `store` is sent as false: a chat client
// never asked for a stored response, and Responses defaults to true. A chat
// function tool without `strict` is non-strict, while Responses defaults to
// strict, so strict is always sent.
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

// User / system / developer content: string, or text / image / file parts.
Check input_content(json& c, const std::string& p, bool user, json* out) {
  if (c.is_string()) {
    *out = std::move(c);
    return std::nullopt;
  }
  if (!c.is_array()) return bad(p);
  *out = json::array();
  for (size_t i = 0; i < c.size(); ++i) {
    const json& part = c[i];
    const std::string pp = path_index(p, i);
    if (!part.is_object() || !part.contains("type") || !part["type"].is_string())
      return bad(path_at(pp, "type"));
    const auto& type = part["type"].get_ref<const std::string&>();
    if (type == "text") {
      if (auto u = unknown(part, {"type", "text"}, pp)) return u;
      out->push_back({{"type", "input_text"}, {"text", part.value("text", "")}});
    } else if (type == "image_url" && user) {
      if (auto u = unknown(part, {"type", "image_url"}, pp)) return u;
      const json& img = part.value("image_url", json::object());
      if (auto u = unknown(img, {"url", "detail"}, path_at(pp, "image_url"))) return u;
      if (!img.contains("url") || !img["url"].is_string()) return bad(path_at(pp, "image_url.url"));
      out->push_back({{"type", "input_image"},
                      {"image_url", img["url"]},
                      {"detail", img.value("detail", "auto")}});
    } else if (type == "file" && user) {
      if (auto u = unknown(part, {"type", "file"}, pp)) return u;
      const json& f = part.value("file", json::object());
      if (auto u = unknown(f, {"file_id", "filename", "file_data"}, path_at(pp, "file"))) return u;
      json item = {{"type", "input_file"}};
      for (const char* k : {"file_id", "filename", "file_data"})
        if (has(f, k)) item[k] = f[k];
      out->push_back(std::move(item));
    } else {
      return bad(path_at(pp, "type"));
    }
  }
  return std::nullopt;
}

Check assistant_message(const json& m, const std::string& p, json* input) {
  if (auto u = unknown(m, {"role", "content", "refusal", "tool_calls"}, p)) return u;
  const json content = m.value("content", json(nullptr));
  const bool has_refusal = has(m, "refusal");
  if (content.is_string() && !has_refusal) {
    if (!content.get_ref<const std::string&>().empty() || !has(m, "tool_calls"))
      input->push_back({{"type", "message"}, {"role", "assistant"}, {"content", content}});
  } else if (!content.is_null() || has_refusal) {
    json parts = json::array();
    if (content.is_string()) {
      parts.push_back({{"type", "output_text"}, {"text", content}, {"annotations", json::array()}});
    } else if (content.is_array()) {
      for (size_t i = 0; i < content.size(); ++i) {
        const json& part = content[i];
        const std::string pp = path_index(path_at(p, "content"), i);
        const std::string type = part.is_object() ? part.value("type", "") : "";
        if (type == "text") {
          if (auto u = unknown(part, {"type", "text"}, pp)) return u;
          parts.push_back({{"type", "output_text"},
                           {"text", part.value("text", "")},
                           {"annotations", json::array()}});
        } else if (type == "refusal") {
          if (auto u = unknown(part, {"type", "refusal"}, pp)) return u;
          parts.push_back({{"type", "refusal"}, {"refusal", part.value("refusal", "")}});
        } else {
          return bad(path_at(pp, "type"));
        }
      }
    } else {
      return bad(path_at(p, "content"));
    }
    if (has_refusal) {
      if (!m["refusal"].is_string()) return bad(path_at(p, "refusal"));
      parts.push_back({{"type", "refusal"}, {"refusal", m["refusal"]}});
    }
    input->push_back({{"type", "message"}, {"role", "assistant"}, {"content", std::move(parts)}});
  }
  if (!has(m, "tool_calls")) return std::nullopt;
  const json& calls = m["tool_calls"];
  const std::string tp = path_at(p, "tool_calls");
  if (!calls.is_array()) return bad(tp);
  for (size_t i = 0; i < calls.size(); ++i) {
    const json& c = calls[i];
    const std::string cp = path_index(tp, i);
    if (!c.is_object() || c.value("type", "") != "function") return bad(path_at(cp, "type"));
    if (auto u = unknown(c, {"id", "type", "function"}, cp)) return u;
    const json& fn = c.value("function", json::object());
    if (auto u = unknown(fn, {"name", "arguments"}, path_at(cp, "function"))) return u;
    if (!c.contains("id") || !c["id"].is_string()) return bad(path_at(cp, "id"));
    input->push_back({{"type", "function_call"},
                      {"call_id", c["id"]},
                      {"name", fn.value("name", "")},
                      {"arguments", fn.value("arguments", "")}});
  }
  return std::nullopt;
}

Check tool_message(json& m, const std::string& p, json* input) {
  if (auto u = unknown(m, {"role", "content", "tool_call_id"}, p)) return u;
  if (!m.contains("tool_call_id") || !m["tool_call_id"].is_string())
    return bad(path_at(p, "tool_call_id"));
  json output;
  json content = m.contains("content") ? std::move(m["content"]) : json("");
  if (content.is_string()) {
    output = std::move(content);
  } else {
    if (auto c = input_content(content, path_at(p, "content"), false, &output)) return c;
  }
  input->push_back(
      {{"type", "function_call_output"}, {"call_id", m["tool_call_id"]}, {"output", output}});
  return std::nullopt;
}

Check messages(json& msgs, json* out) {
  json input = json::array();
  for (size_t i = 0; i < msgs.size(); ++i) {
    json& m = msgs[i];
    const std::string p = path_index("messages", i);
    const std::string role = m.value("role", "");
    if (role == "system" || role == "developer" || role == "user") {
      if (auto u = unknown(m, {"role", "content"}, p)) return u;
      // The leading system message is what `instructions` documents itself as.
      if (i == 0 && role == "system" && m.value("content", json()).is_string()) {
        (*out)["instructions"] = std::move(m["content"]);
        continue;
      }
      json content;
      if (!m.contains("content")) return bad(path_at(p, "content"));
      if (auto c = input_content(m["content"], path_at(p, "content"),
                                 role == "user", &content))
        return c;
      input.push_back({{"type", "message"}, {"role", role}, {"content", std::move(content)}});
    } else if (role == "assistant") {
      if (auto c = assistant_message(m, p, &input)) return c;
    } else if (role == "tool") {
      if (auto c = tool_message(m, p, &input)) return c;
    } else {
      return bad(path_at(p, "role"));
    }
  }
  (*out)["input"] = std::move(input);
  return std::nullopt;
}

Check tools(json& ts, json* out) {
  if (!ts.is_array()) return bad("tools");
  json list = json::array();
  for (size_t i = 0; i < ts.size(); ++i) {
    json& t = ts[i];
    const std::string p = path_index("tools", i);
    if (!t.is_object() || t.value("type", "") != "function") return bad(path_at(p, "type"));
    if (auto u = unknown(t, {"type", "function"}, p)) return u;
    if (!t.contains("function") || !t["function"].is_object()) return bad(path_at(p, "function"));
    json& fn = t["function"];
    const std::string fp = path_at(p, "function");
    if (auto u = unknown(fn, {"name", "description", "parameters", "strict"}, fp)) return u;
    json tool = {{"type", "function"}, {"name", fn.value("name", "")}};
    if (has(fn, "description")) tool["description"] = fn["description"];
    // Chat documents an omitted `parameters` as an empty parameter list.
    tool["parameters"] = has(fn, "parameters")
                             ? std::move(fn["parameters"])
                             : json{{"type", "object"}, {"properties", json::object()}};
    tool["strict"] = fn.value("strict", false);
    list.push_back(std::move(tool));
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
  if (auto u = unknown(tc, {"type", "function"}, "tool_choice")) return u;
  const json& fn = tc.value("function", json::object());
  if (auto u = unknown(fn, {"name"}, "tool_choice.function")) return u;
  (*out)["tool_choice"] = {{"type", "function"}, {"name", fn.value("name", "")}};
  return std::nullopt;
}

Check response_format(const json& rf, json* out) {
  const std::string type = rf.is_object() ? rf.value("type", "") : "";
  json format;
  if (type == "text" || type == "json_object") {
    if (auto u = unknown(rf, {"type"}, "response_format")) return u;
    format = {{"type", type}};
  } else if (type == "json_schema") {
    if (auto u = unknown(rf, {"type", "json_schema"}, "response_format")) return u;
    const json& js = rf.value("json_schema", json::object());
    if (auto u = unknown(js, {"name", "description", "schema", "strict"},
                         "response_format.json_schema"))
      return u;
    format = {{"type", "json_schema"}, {"name", js.value("name", "")}};
    for (const char* k : {"description", "schema", "strict"})
      if (has(js, k)) format[k] = js[k];
  } else {
    return bad("response_format.type");
  }
  (*out)["text"] = {{"format", std::move(format)}};
  return std::nullopt;
}

}  // namespace

std::expected<TranslatedRequest, Ineligible> detail::chat_request_to_responses(json& in) {
  json out = json::object();
  Check c;
  for (auto it = in.begin(); it != in.end() && !c; ++it) {
    const std::string& k = it.key();
    json& v = it.value();
    if (v.is_null()) continue;
    if (k == "model" || k == "stream" || k == "temperature" || k == "top_p" ||
        k == "parallel_tool_calls" || k == "user" || k == "metadata" || k == "service_tier" ||
        k == "prompt_cache_key" || k == "safety_identifier") {
      out[k] = std::move(v);
    } else if (k == "messages") {
      c = messages(v, &out);
    } else if (k == "max_completion_tokens" || k == "max_tokens") {
      if (out.contains("max_output_tokens") && out["max_output_tokens"] != v) c = bad(k);
      out["max_output_tokens"] = v;
    } else if (k == "stream_options") {
      c = unknown(v, {"include_usage"}, k);  // Responses terminal events always carry usage
    } else if (k == "n") {
      if (v != 1) c = bad(k);
    } else if (k == "logprobs" || k == "store") {
      if (v != false) c = bad(k);  // no stored chat completion, no logprobs on Responses here
    } else if (k == "modalities") {
      if (v != json::array({"text"})) c = bad(k);
    } else if (k == "reasoning_effort") {
      out["reasoning"] = {{"effort", v}};
    } else if (k == "tools") {
      c = tools(v, &out);
    } else if (k == "tool_choice") {
      c = tool_choice(v, &out);
    } else if (k == "response_format") {
      c = response_format(v, &out);
    } else {
      c = unknown(json{{k, v}}, {}, "");  // named, sanitized
    }
  }
  if (c) return std::unexpected(*c);
  out["store"] = false;
  return TranslatedRequest{out.dump(), json::object()};
}

}  // namespace readygate::translate
