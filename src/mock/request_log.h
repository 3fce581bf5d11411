// The built-in provider's request log: one JSON line per request received,
// written as it arrives, so later tools (probe-client, tests) can grade
// retry behaviour from it. Credentials are never written: credential
// headers are redacted and bodies are represented by size and salted hash.
#pragma once

#include <cstdint>
#include <cstdio>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <string>

#include "base/clock.h"
#include "base/headers.h"

namespace readygate::mock {

struct LoggedRequest {
  WallTime wall;
  double t_ms = 0;        // milliseconds since the provider started (monotonic)
  uint64_t seq = 0;       // 1-based arrival order of all requests
  uint64_t request_number = 0;  // 1-based order of completion requests (fault triggers)
  std::string method;
  std::string path;
  HeaderList headers;
  size_t body_bytes = 0;
  std::string body_sha256;  // salted
  std::string surface;      // empty for non-completion paths
  std::string model;
  bool stream = false;
  int status = 0;           // planned status (0 when the connection is reset first)
  std::string fault;        // fault name, empty when none
  std::string fault_kind;
  std::string request_id;
};

// Renders one log line (no trailing newline). Pure, for tests.
std::string render_log_line(const LoggedRequest& r);

// Thread-safe JSONL writer. With flush_ms 0 (the default) each line is
// flushed as written, so a reader sees it before the response leaves; with
// flush_ms > 0 lines are batched and a background thread flushes at least
// that often (for load tests, where a syscall per request would dominate).
class RequestLog {
 public:
  RequestLog() = default;
  ~RequestLog();
  RequestLog(const RequestLog&) = delete;
  RequestLog& operator=(const RequestLog&) = delete;

  // Opens `path` for appending ("-" is stdout). Returns an error message.
  std::string open(const std::string& path, int flush_ms = 0);
  bool is_open() const { return file_ != nullptr; }
  void write(const LoggedRequest& r);  // append(), then flush() unless flush_ms batches
  // Group commit: append() renders the line into memory, flush() writes
  // everything appended so far in one write and fflushes. A caller that
  // must not answer before its line is in the file flushes (or waits for
  // someone else's flush) between the two.
  void append(const LoggedRequest& r);
  void flush();

 private:
  void write_pending();  // with mu_ held: pending_ to the file, fflush
  void flusher();

  std::mutex mu_;
  std::FILE* file_ = nullptr;
  bool owned_ = false;
  int flush_ms_ = 0;
  std::string pending_;
  bool stop_ = false;
  std::condition_variable cv_;
  std::thread thread_;
};

}  // namespace readygate::mock
