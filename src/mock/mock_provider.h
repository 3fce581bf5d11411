// MockProvider: the built-in OpenAI-compatible provider (`readygate mock`).
// Serves POST /v1/chat/completions and POST /v1/responses (JSON and SSE),
// GET /v1/models and GET /healthz, checks bearer keys, applies scripted
// faults and logs every request. Usable in-process (review, tests) or as
// the `mock` subcommand.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "mock/fault.h"
#include "mock/request_log.h"
#include "net/http_server.h"

namespace readygate::mock {

struct MockOptions {
  std::string listen = "127.0.0.1:18001";
  std::vector<std::string> api_keys;  // empty: any non-empty bearer key is accepted
  std::vector<std::string> models = {"gpt-4o-mini", "gpt-4.1-mini", "gpt-5-mini"};
  int token_latency_ms = 0;            // between stream events; x tokens for JSON answers
  int answer_tokens = 0;               // 0: 12..27 words chosen from the request
  std::vector<std::string> fault_specs;  // --fault
  std::string script_path;             // --script
  uint64_t seed = 1;
  std::string log_path;                // --log; empty: no request log
  std::string log_salt;                // empty: a random salt per run
  int log_flush_ms = 0;                // 0: flush every line; N: batch, flush every N ms
  int threads = 1;                     // run_mock: threads running the io_context
};

class MockProvider {
 public:
  // Builds the fault plan from options. Throws std::runtime_error with a
  // message naming the bad flag or YAML path (startup only).
  MockProvider(net::asio::io_context& io, const MockOptions& opts);
  ~MockProvider();

  // Binds opts.listen (port 0 picks one). Returns the bound port or an error.
  std::expected<uint16_t, std::string> listen();
  void start();
  void stop();

  uint64_t requests_seen() const { return seq_.load(); }

 private:
  net::Task<void> handle(net::Exchange& ex);
  net::Task<void> handle_completion(net::Exchange& ex, contract::Surface surface,
                                    LoggedRequest& rec);
  // Logs `rec` and returns once its line is in the file, so a reader of the
  // log sees it before the response. With one thread and a per-line log,
  // lines of requests handled in the same event-loop pass share one write
  // (group commit); otherwise one write per line.
  net::Task<void> log_request(const LoggedRequest& rec);

  MockOptions opts_;
  std::unique_ptr<FaultPlan> plan_;
  RequestLog log_;
  std::string salt_;
  uint64_t id_salt_ = 0;
  SteadyTime started_;
  std::atomic<uint64_t> seq_{0};
  std::unique_ptr<net::HttpServer> server_;
  net::asio::io_context& io_;
  bool group_commit_ = false;
  bool commit_scheduled_ = false;
  // Never expires; a commit cancels it to wake every request waiting on it.
  std::unique_ptr<net::asio::steady_timer> commit_waiters_;
};

// Runs the provider until SIGINT/SIGTERM. Returns the process exit code.
int run_mock(const MockOptions& opts);

// The --help footer: every fault preset with an example, triggers, header
// use and the YAML script format.
std::string mock_help_footer();

}  // namespace readygate::mock
