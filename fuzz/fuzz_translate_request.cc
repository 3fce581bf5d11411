// Request translation both ways, on requests the request check accepted
// (what the gateway translates), and the result checked as a request of the
// other surface.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "contract/request_check.h"
#include "translate/translate.h"

using namespace readygate;
using contract::Surface;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  for (Surface from : {Surface::kChatCompletions, Surface::kResponses}) {
    if (!contract::check_request(from, body)) continue;
    const Surface to = from == Surface::kChatCompletions ? Surface::kResponses : Surface::kChatCompletions;
    auto t = translate::translate_request(from, to, body);
    if (t) (void)contract::check_request(to, t->body);
  }
  return 0;
}
