// Internal to the contract module: the shape checks over an already parsed
// simdjson element, so the stream checker parses each event once.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "contract/json_scan.h"
#include "contract/shape_check.h"

namespace readygate::contract::detail {

// Entries kept per list in a ShapeReport; a report never grows past this.
inline constexpr size_t kMaxShapeEntries = 32;

// Appends to `r`; call settle() once at the end to set the verdict.
void check_chat_completion(const element& root, ShapeReport* r);
void check_chat_chunk(const element& root, ShapeReport* r);
void check_response_object(const element& e, std::string_view path, ShapeReport* r);
void check_response_event(const element& root, ShapeReport* r);

// Copies the usage counters named `keys` (input, output, total) that are
// integers into `r`; the shape check itself judges their types.
inline void read_counters(const object& usage, const std::array<std::string_view, 3>& keys,
                          ShapeReport* r) {
  std::optional<int64_t>* slots[] = {&r->input_tokens, &r->output_tokens, &r->total_tokens};
  for (size_t i = 0; i < 3; ++i) {
    int64_t v = 0;
    if (usage.at_key(keys[i]).get_int64().get(v) == simdjson::SUCCESS) *slots[i] = v;
  }
}

inline void settle(ShapeReport* r) {
  r->verdict = r->mismatches.empty() ? ShapeVerdict::kDocumentedShapeSeen : ShapeVerdict::kMismatch;
}

}  // namespace readygate::contract::detail
