// The error a stream ends with, in each surface's own form. Used when a
// stream fails after its first byte reached the client: the client must see
// an error, never a fake completion.
//  chat_completions: `data: {"error": {...}}` (both official SDKs raise on it)
//  responses: `event: error` with {type: error, code, message, param,
//    sequence_number} (the spec's flat form)
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "contract/surface.h"

namespace readygate::contract {

std::string stream_error_frame(Surface s, std::string_view code, std::string_view message,
                               int64_t sequence_number);

}  // namespace readygate::contract
