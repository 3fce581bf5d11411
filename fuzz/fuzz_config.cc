// The YAML config loader: any text either loads into a Config or gives
// errors naming YAML paths; never a crash or an exception.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "config/config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > (1 << 16)) return 0;
  const std::string_view yaml(reinterpret_cast<const char*>(data), size);
  auto c = readygate::config::load_config_text(yaml, "<fuzz>");
  if (c) (void)readygate::config::render_canonical(*c);
  return 0;
}
