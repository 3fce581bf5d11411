// Internal to the translate module: the mappings both the whole-body and the
// stream translators share (ids, finish reasons, usage, the Response
// skeleton), so a streamed and a whole answer translate alike.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "contract/shape_walker.h"
#include "translate/translate.h"

namespace readygate::translate::detail {

// Plain (sorted) objects: ordered_json's linear lookups doubled the cost of
// a request translation (bench/RESULTS.md); field order carries no meaning.
using json = nlohmann::json;

// Parses `text` with simdjson and builds the nlohmann document from it: the
// same document json::parse gives, at a fraction of its cost (nlohmann's own
// parser is most of a request translation's time). nullopt: not JSON.
std::optional<json> parse_document(std::string_view text);

// JSON paths of request fields, for Ineligible: "a.b", "a[3]" (the contract
// module's, so error params and ineligible fields are spelt alike).
using contract::detail::path_at;
using contract::detail::path_index;
// The path of the first member of object `o` whose name is not in `allowed`
// and whose value is not null; nullopt when there is none.
std::optional<std::string> unknown_member(const json& o,
                                          std::initializer_list<std::string_view> allowed,
                                          std::string_view base);
// Request translation results: nullopt, or the ineligible field.
using Check = std::optional<Ineligible>;
inline Check bad(std::string field) { return Ineligible{std::move(field)}; }
// bad(the first unknown member's path) when `o` has one.
inline Check unknown(const json& o, std::initializer_list<std::string_view> allowed,
                     std::string_view base) {
  if (auto u = unknown_member(o, allowed, base)) return bad(*u);
  return std::nullopt;
}

// True when `o` has `key` with a non-null value.
bool has(const json& o, std::string_view key);
// The string member `key` of `o`, or `def` when absent, null or not a string.
std::string str_or(const json& o, std::string_view key, std::string_view def = {});

// An upstream error code made safe for the client and evidence: at most 64
// bytes of [A-Za-z0-9_.-]; "upstream_error" when empty.
std::string safe_code(std::string_view code);

// Request translation of one direction (request_to_*.cc).
std::expected<TranslatedRequest, Ineligible> chat_request_to_responses(json& in);

// "chatcmpl-X" <-> "resp_X": the upstream id stays readable in the client's id.
std::string response_id_from_chat(std::string_view chat_id);
std::string chat_id_from_response(std::string_view response_id);
// Item ids derived from the response id ("msg_X") and a call id ("fc_X").
std::string message_item_id(std::string_view response_id);
std::string function_item_id(std::string_view call_id);

// finish_reason -> (status, incomplete_details.reason or "").
struct ResponseEnd {
  std::string_view status;      // completed | incomplete
  std::string_view incomplete;  // max_output_tokens | content_filter | ""
};
ResponseEnd end_from_finish_reason(std::string_view finish_reason);
// status + incomplete reason -> finish_reason (tool_calls when a call was made).
std::string_view finish_reason_from_end(std::string_view status, std::string_view incomplete,
                                        bool has_tool_calls);

// usage objects, including the cached / reasoning token details when present.
json response_usage_from_chat(const json& chat_usage);
json chat_usage_from_response(const json& response_usage);

// A Response object: id, object, created_at, status, error, incomplete_details,
// model, output [], then the request parameters from `echo`.
json response_skeleton(std::string_view id, int64_t created_at, std::string_view model,
                       std::string_view status, std::string_view incomplete_reason,
                       const json& echo);

// One SSE frame of a Responses event: "event: <type>\ndata: <json>\n\n".
void append_event_frame(std::string& out, std::string_view type, std::string_view data);

}  // namespace readygate::translate::detail
