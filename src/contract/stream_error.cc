#include "contract/stream_error.h"

#include "base/json_text.h"

namespace readygate::contract {

std::string stream_error_frame(Surface s, std::string_view code, std::string_view message,
                               int64_t sequence_number) {
  std::string j;
  if (s == Surface::kChatCompletions) {
    j = "data: {\"error\":{\"message\":";
    append_json_string(j, message);
    j += ",\"type\":\"server_error\",\"param\":null,\"code\":";
    append_json_string(j, code);
    j += "}}\n\n";
    return j;
  }
  j = "event: error\ndata: {\"type\":\"error\",\"sequence_number\":";
  j += std::to_string(sequence_number);
  j += ",\"code\":";
  append_json_string(j, code);
  j += ",\"message\":";
  append_json_string(j, message);
  j += ",\"param\":null}\n\n";
  return j;
}

}  // namespace readygate::contract
