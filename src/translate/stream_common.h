// Internal to the translate module: what both stream translators share.
#pragma once

#include <simdjson.h>

#include <memory>
#include <string>
#include <string_view>

#include "translate/translate.h"
#include "translate/translate_internal.h"

namespace readygate::translate::detail {

// The calling thread's parser for upstream events (elements stay valid until
// the next parse on this thread; translators use them within one on_event).
simdjson::dom::parser& event_parser();

// The string member `key` of `o`, or `def` when absent or not a string.
inline std::string_view string_or(const simdjson::dom::object& o, std::string_view key,
                                  std::string_view def = {}) {
  std::string_view s;
  return o[key].get_string().get(s) == simdjson::SUCCESS ? s : def;
}

// The nlohmann document of a simdjson element (deep copy).
json from_element(simdjson::dom::element e);

// `data: [DONE]` (surrounding whitespace ignored).
bool is_done_marker(std::string_view data);

// error.code, else error.type, of an error object or the flat error event
// (code at the top level), made safe (safe_code).
std::string error_code(const simdjson::dom::element& e);

std::unique_ptr<StreamTranslator> make_chat_to_responses(StreamOptions opts);
std::unique_ptr<StreamTranslator> make_responses_to_chat(StreamOptions opts);

}  // namespace readygate::translate::detail
