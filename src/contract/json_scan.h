// Internal to the contract module: small helpers over the simdjson DOM API
// shared by the request, shape, stream and error checks. Not a public header.
#pragma once

#include <simdjson.h>

#include <optional>
#include <string>
#include <string_view>

namespace readygate::contract::detail {

using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::element_type;
using simdjson::dom::object;

// The calling thread's parser. Elements it returns stay valid only until the
// next parse on the same thread, so no public function of this module holds
// an element across a call to another public function.
simdjson::dom::parser& thread_parser();

// Parses `text`; nullopt when it is not valid JSON (or too deep/large).
std::optional<element> parse_json(std::string_view text);

// "a string", "an integer", "a number", "a boolean", "an object", "an array", "null":
// the phrases OpenAI error messages use after "got".
std::string_view type_phrase(const element& e);

inline bool is_integer(const element& e) {
  return e.type() == element_type::INT64 || e.type() == element_type::UINT64;
}
inline bool is_number(const element& e) {
  return is_integer(e) || e.type() == element_type::DOUBLE;
}
inline bool is_null(const element& e) { return e.type() == element_type::NULL_VALUE; }

// The member `key` of `o`, if present (a JSON null is present).
std::optional<element> member(const object& o, std::string_view key);

// The member `key` of `o` when it is a string.
std::optional<std::string_view> string_member(const object& o, std::string_view key);

// A provider's error code or type, made safe for evidence: at most 64 bytes
// of [A-Za-z0-9_.:-], anything else replaced by '_'. Integers are printed.
std::string sanitize_code(const element& e);

}  // namespace readygate::contract::detail

#include "contract/error_class.h"

namespace readygate::contract::detail {

// classify_response on an already parsed body (`root` null: not JSON).
Classification classify_parsed(int status, const element* root, const HeaderList& headers,
                               WallTime now);

}  // namespace readygate::contract::detail
