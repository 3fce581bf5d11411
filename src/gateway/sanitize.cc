#include "gateway/sanitize.h"

#include <simdjson.h>

namespace readygate::gateway {
namespace {

bool token_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.' || c == '*';
}

}  // namespace

std::string sanitize_text(std::string_view s, size_t max_len) {
  std::string out;
  out.reserve(std::min(s.size(), max_len));
  size_t i = 0;
  while (i < s.size() && out.size() < max_len) {
    const bool at_word = i == 0 || !token_char(s[i - 1]);
    if (at_word && s.substr(i, 3) == "sk-") {
      size_t j = i + 3;
      while (j < s.size() && token_char(s[j])) ++j;
      while (j > i + 3 && s[j - 1] == '.') --j;  // a sentence's full stop is not the key's
      out += "[redacted]";
      i = j;
      continue;
    }
    if (s.substr(i, 7) == "Bearer ") {
      size_t j = i + 7;
      while (j < s.size() && token_char(s[j])) ++j;
      while (j > i + 7 && s[j - 1] == '.') --j;
      out += "Bearer [redacted]";
      i = j;
      continue;
    }
    const auto c = static_cast<unsigned char>(s[i]);
    out.push_back(c < 0x20 ? ' ' : s[i]);
    ++i;
  }
  if (i < s.size()) out += "...";
  return out;
}

std::string provider_message(std::string_view body) {
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element doc;
  std::string_view msg;
  if (parser.parse(body.data(), body.size()).get(doc)) return {};
  if (doc["error"]["message"].get_string().get(msg)) return {};
  return sanitize_text(msg);
}

}  // namespace readygate::gateway
