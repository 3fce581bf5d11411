// The request checks of both surfaces on any JSON text.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "contract/request_check.h"

using namespace readygate::contract;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  (void)check_request(Surface::kChatCompletions, body, true);
  (void)check_request(Surface::kResponses, body, false);
  return 0;
}
