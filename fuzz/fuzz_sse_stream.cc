// The SSE parser and the stream checker of both surfaces, fed the input in
// pieces split where the input's first bytes say (one byte at a time
// included): the same bytes must parse the same whatever the split.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "contract/sse_parser.h"
#include "contract/stream_check.h"

using namespace readygate::contract;

namespace {

struct Run {
  std::vector<SseEvent> events;
  StreamVerdict verdict;
};

Run run(Surface s, std::string_view bytes, size_t step) {
  SseParser parser;
  StreamChecker checker(s);
  Run r;
  SseEvent ev;
  for (size_t i = 0; i < bytes.size(); i += step) {
    parser.feed(bytes.substr(i, step));
    while (parser.next(&ev)) {
      checker.on_event(ev);
      r.events.push_back(ev);
    }
  }
  r.verdict = checker.finish();
  (void)parser.has_partial();
  (void)checker.problems();
  return r;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const Surface s = (data[0] & 1) ? Surface::kResponses : Surface::kChatCompletions;
  const size_t step = 1 + data[1] % 64;
  const std::string_view bytes(reinterpret_cast<const char*>(data) + 2, size - 2);
  const Run whole = run(s, bytes, bytes.size() + 1);
  const Run split = run(s, bytes, step);
  // Same bytes, same outcome, whatever the read boundaries.
  if (whole.verdict != split.verdict || whole.events.size() != split.events.size()) __builtin_trap();
  for (size_t i = 0; i < whole.events.size(); ++i)
    if (whole.events[i].data != split.events[i].data || whole.events[i].event != split.events[i].event)
      __builtin_trap();
  return 0;
}
