// BuiltinProvider: the built-in OpenAI-compatible provider (mock::MockProvider)
// running in-process on loopback, on its own thread, for the review's
// offline mode and for the retry and fallback checks that need a scripted
// fault in a route's path. Accepts exactly one bearer key.
//
// Owns its thread; the destructor stops and joins it. Not copyable.
#pragma once

#include <cstdint>
#include <expected>
#include <memory>
#include <string>
#include <vector>

namespace readygate::review {

// One completion request as the provider logged it.
struct ProviderCall {
  double t_ms = 0;  // since the provider started (monotonic)
  int status = 0;   // planned status (0: connection reset)
  std::string fault;
};

class BuiltinProvider {
 public:
  struct Options {
    std::vector<std::string> faults;  // mock fault specs, e.g. "unavailable,first=2"
    std::string api_key;              // the one accepted key
    std::string log_path;             // request log (JSONL; credentials redacted)
  };
  // Binds 127.0.0.1:0 and starts serving. The error is one sanitized line.
  static std::expected<std::unique_ptr<BuiltinProvider>, std::string> start(const Options& opts);
  ~BuiltinProvider();
  BuiltinProvider(const BuiltinProvider&) = delete;
  BuiltinProvider& operator=(const BuiltinProvider&) = delete;

  uint16_t port() const;
  // Completion requests received so far, in arrival order, from the log.
  std::vector<ProviderCall> completion_calls() const;

 private:
  struct Impl;
  explicit BuiltinProvider(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace readygate::review
