// The answer checks of both surfaces: classification, shape and usage in one
// parse (check_answer, as the gateway reads every JSON answer), for a 2xx
// and an error status, and the shape check alone.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "contract/error_class.h"
#include "contract/shape_check.h"

using namespace readygate;
using namespace readygate::contract;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  const HeaderList headers = {{"content-type", "application/json"}, {"retry-after", "3"}};
  const WallTime now{};
  for (Surface s : {Surface::kChatCompletions, Surface::kResponses}) {
    (void)check_answer(s, 200, body, headers, now);
    (void)check_answer(s, 429, body, headers, now);
    (void)check_response_shape(s, body);
  }
  (void)classify_response(500, body, headers, now);
  return 0;
}
