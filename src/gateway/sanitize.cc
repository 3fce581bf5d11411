#include "gateway/sanitize.h"

#include <simdjson.h>

#include "sanitize/sanitize.h"

namespace readygate::gateway {

std::string sanitize_text(std::string_view s, size_t max_len) {
  return sanitize::one_line(sanitize::redact(s), max_len);
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
