#include "contract/json_scan.h"

namespace readygate::contract::detail {

simdjson::dom::parser& thread_parser() {
  thread_local simdjson::dom::parser parser;
  return parser;
}

std::optional<element> parse_json(std::string_view text) {
  element root;
  // realloc_if_needed copies into the parser's reusable padded buffer, so the
  // caller's bytes need no SIMDJSON_PADDING.
  if (thread_parser().parse(text.data(), text.size(), true).get(root) != simdjson::SUCCESS)
    return std::nullopt;
  return root;
}

std::string_view type_phrase(const element& e) {
  switch (e.type()) {
    case element_type::STRING:
      return "a string";
    case element_type::INT64:
    case element_type::UINT64:
      return "an integer";
    case element_type::DOUBLE:
      return "a decimal number";
    case element_type::BOOL:
      return "a boolean";
    case element_type::OBJECT:
      return "an object";
    case element_type::ARRAY:
      return "an array";
    case element_type::NULL_VALUE:
      return "null";
  }
  return "an unknown value";
}

std::optional<element> member(const object& o, std::string_view key) {
  element v;
  if (o.at_key(key).get(v) != simdjson::SUCCESS) return std::nullopt;
  return v;
}

std::optional<std::string_view> string_member(const object& o, std::string_view key) {
  std::string_view s;
  if (o.at_key(key).get_string().get(s) != simdjson::SUCCESS) return std::nullopt;
  return s;
}

std::string sanitize_code(const element& e) {
  int64_t i = 0;
  if (e.get_int64().get(i) == simdjson::SUCCESS) return std::to_string(i);
  uint64_t u = 0;
  if (e.get_uint64().get(u) == simdjson::SUCCESS) return std::to_string(u);
  std::string_view s;
  if (e.get_string().get(s) != simdjson::SUCCESS) return {};
  std::string out;
  const size_t n = s.size() < 64 ? s.size() : 64;
  out.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    const char c = s[i];
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '.' || c == ':' || c == '-';
    out.push_back(ok ? c : '_');
  }
  return out;
}

}  // namespace readygate::contract::detail
