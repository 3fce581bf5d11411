// The built-in provider's fault-spec parser (`mock --fault`, probe scenario
// files, the x-readygate-fault header a client sends).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "mock/fault.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view spec(reinterpret_cast<const char*>(data), size);
  (void)readygate::mock::parse_fault_spec(spec);
  return 0;
}
