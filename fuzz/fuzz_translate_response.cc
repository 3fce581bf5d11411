// Whole-answer translation both ways, with the echo of a fixed translated
// request (what a Responses client's answer repeats).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "contract/shape_check.h"
#include "translate/translate.h"

using namespace readygate;
using contract::Surface;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const auto echo = [] {
    auto t = translate::translate_request(
        Surface::kResponses, Surface::kChatCompletions,
        R"({"model":"m","input":"hi","instructions":"be brief","temperature":0.5,"tools":[{"type":"function","name":"f","parameters":{"type":"object","properties":{}}}]})");
    return t ? t->echo : nlohmann::json::object();
  }();
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  auto a = translate::translate_response(Surface::kChatCompletions, Surface::kResponses, body, echo);
  if (a) (void)contract::check_response_shape(Surface::kResponses, *a);
  auto b = translate::translate_response(Surface::kResponses, Surface::kChatCompletions, body,
                                         nlohmann::json::object());
  if (b) (void)contract::check_response_shape(Surface::kChatCompletions, *b);
  return 0;
}
