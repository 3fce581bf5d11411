// Shared mappings of the translate module (see translate_internal.h).
#include "translate/stream_common.h"
#include "translate/translate_internal.h"

#include <algorithm>
#include <cctype>

#include <simdjson.h>

namespace readygate::translate::detail {
namespace {

std::string_view strip(std::string_view s, std::string_view prefix) {
  return s.starts_with(prefix) ? s.substr(prefix.size()) : s;
}

}  // namespace

json from_element(simdjson::dom::element e) {
  using T = simdjson::dom::element_type;
  switch (e.type()) {
    case T::OBJECT: {
      json o = json::object();
      for (auto field : simdjson::dom::object(e)) o[std::string(field.key)] = from_element(field.value);
      return o;
    }
    case T::ARRAY: {
      json a = json::array();
      for (auto v : simdjson::dom::array(e)) a.push_back(from_element(v));
      return a;
    }
    case T::STRING:
      return json(std::string(std::string_view(e)));
    case T::INT64:
      return json(int64_t(e));
    case T::UINT64:
      return json(uint64_t(e));
    case T::DOUBLE:
      return json(double(e));
    case T::BOOL:
      return json(bool(e));
    case T::NULL_VALUE:
      return json(nullptr);
  }
  return json(nullptr);
}

std::optional<json> parse_document(std::string_view text) {
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(text).get(root) != simdjson::SUCCESS) return std::nullopt;
  return from_element(root);
}

std::optional<std::string> unknown_member(const json& o,
                                          std::initializer_list<std::string_view> allowed,
                                          std::string_view base) {
  for (auto it = o.begin(); it != o.end(); ++it) {
    if (it->is_null()) continue;
    bool known = false;
    for (std::string_view a : allowed) known = known || a == it.key();
    if (known) continue;
    // A member name comes from the client and reaches evidence: only a name
    // shaped like an API field (lower case, digits, '_', at most 48) is
    // named; anything else (it could be text) is "unknown_field".
    const std::string& key = it.key();
    const bool plain = !key.empty() && key.size() <= 48 &&
                       std::all_of(key.begin(), key.end(), [](char c) {
                         return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
                       });
    return path_at(base, plain ? std::string_view(key) : std::string_view("unknown_field"));
  }
  return std::nullopt;
}

bool has(const json& o, std::string_view key) {
  auto it = o.find(key);
  return it != o.end() && !it->is_null();
}

std::string str_or(const json& o, std::string_view key, std::string_view def) {
  auto it = o.find(key);
  return it != o.end() && it->is_string() ? it->get<std::string>() : std::string(def);
}

std::string safe_code(std::string_view code) {
  std::string out(code.substr(0, 64));
  for (char& c : out)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-' && c != '.') c = '_';
  return out.empty() ? "upstream_error" : out;
}

std::string response_id_from_chat(std::string_view chat_id) {
  return "resp_" + std::string(strip(chat_id, "chatcmpl-"));
}

std::string chat_id_from_response(std::string_view response_id) {
  return "chatcmpl-" + std::string(strip(response_id, "resp_"));
}

std::string message_item_id(std::string_view response_id) {
  return "msg_" + std::string(strip(response_id, "resp_"));
}

std::string function_item_id(std::string_view call_id) {
  return "fc_" + std::string(strip(call_id, "call_"));
}

ResponseEnd end_from_finish_reason(std::string_view fr) {
  if (fr == "length") return {"incomplete", "max_output_tokens"};
  if (fr == "content_filter") return {"incomplete", "content_filter"};
  return {"completed", ""};
}

std::string_view finish_reason_from_end(std::string_view status, std::string_view incomplete,
                                        bool has_tool_calls) {
  if (status == "incomplete")
    return incomplete == "content_filter" ? "content_filter" : "length";
  return has_tool_calls ? "tool_calls" : "stop";
}

namespace {

int64_t int_or_zero(const json& o, const char* key) {
  auto it = o.find(key);
  return it != o.end() && it->is_number_integer() ? it->get<int64_t>() : 0;
}

int64_t nested_int(const json& o, const char* outer, const char* inner) {
  auto it = o.find(outer);
  return it != o.end() && it->is_object() ? int_or_zero(*it, inner) : 0;
}

}  // namespace

json response_usage_from_chat(const json& u) {
  json out = json::object();
  out["input_tokens"] = int_or_zero(u, "prompt_tokens");
  out["input_tokens_details"] = {{"cached_tokens", nested_int(u, "prompt_tokens_details", "cached_tokens")}};
  out["output_tokens"] = int_or_zero(u, "completion_tokens");
  out["output_tokens_details"] = {
      {"reasoning_tokens", nested_int(u, "completion_tokens_details", "reasoning_tokens")}};
  out["total_tokens"] = int_or_zero(u, "total_tokens");
  return out;
}

json chat_usage_from_response(const json& u) {
  json out = json::object();
  out["prompt_tokens"] = int_or_zero(u, "input_tokens");
  out["completion_tokens"] = int_or_zero(u, "output_tokens");
  out["total_tokens"] = int_or_zero(u, "total_tokens");
  out["prompt_tokens_details"] = {{"cached_tokens", nested_int(u, "input_tokens_details", "cached_tokens")}};
  out["completion_tokens_details"] = {
      {"reasoning_tokens", nested_int(u, "output_tokens_details", "reasoning_tokens")}};
  return out;
}

json response_skeleton(std::string_view id, int64_t created_at, std::string_view model,
                       std::string_view status, std::string_view incomplete_reason,
                       const json& echo) {
  json r = json::object();
  r["id"] = id;
  r["object"] = "response";
  r["created_at"] = created_at;
  r["status"] = status;
  r["error"] = nullptr;
  r["incomplete_details"] =
      incomplete_reason.empty() ? json(nullptr) : json{{"reason", incomplete_reason}};
  r["model"] = model;
  r["output"] = json::array();
  for (auto it = echo.begin(); it != echo.end(); ++it) r[it.key()] = it.value();
  return r;
}

void append_event_frame(std::string& out, std::string_view type, std::string_view data) {
  out += "event: ";
  out += type;
  out += "\ndata: ";
  out += data;
  out += "\n\n";
}

}  // namespace readygate::translate::detail
