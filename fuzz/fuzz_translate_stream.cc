// Stream translation both ways: the input parsed as SSE, each event through
// the stateful translator, then the error frame a cut stream ends with.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "contract/sse_parser.h"
#include "translate/translate.h"

using namespace readygate;
using contract::Surface;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const bool to_chat = data[0] & 1;
  const std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  auto tr = translate::make_stream_translator(
      to_chat ? Surface::kResponses : Surface::kChatCompletions,
      to_chat ? Surface::kChatCompletions : Surface::kResponses,
      {.include_usage = (data[0] & 2) != 0, .echo = nlohmann::json::object()});
  contract::SseParser parser;
  parser.feed(bytes);
  contract::SseEvent ev;
  std::string out;
  while (parser.next(&ev)) tr->on_event(ev, &out);
  if (!tr->ended()) out += tr->error_frame("upstream_stream_interrupted", "cut");
  return 0;
}
