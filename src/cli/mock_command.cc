#include "cli/mock_command.h"

#include <CLI/CLI.hpp>

#include <memory>

#include "mock/mock_provider.h"

namespace readygate::cli {

Runner setup_mock(CLI::App& sub) {
  auto opts = std::make_shared<mock::MockOptions>();
  sub.add_option("--listen", opts->listen, "HOST:PORT to listen on (port 0 picks one)")
      ->capture_default_str();
  sub.add_option("--api-key", opts->api_keys,
                 "An accepted bearer key (repeatable). Without any, every non-empty key is "
                 "accepted; a missing key is always a 401.");
  sub.add_option("--model", opts->models, "Models listed by GET /v1/models (repeatable)");
  sub.add_option("--token-latency-ms", opts->token_latency_ms,
                 "Delay per token: between stream events, and tokens x delay before a JSON "
                 "answer")
      ->check(CLI::Range(0, 60'000))
      ->capture_default_str();
  sub.add_option("--answer-tokens", opts->answer_tokens,
                 "Words per answer (0: 12..27, derived from the request)")
      ->check(CLI::Range(0, 100'000));
  sub.add_option("--fault", opts->fault_specs, "A scripted fault SPEC (repeatable, see FAULTS)");
  sub.add_option("--script", opts->script_path, "A YAML fault script (see FAULTS)")
      ->check(CLI::ExistingFile);
  sub.add_option("--seed", opts->seed, "Seed for probability triggers")->capture_default_str();
  sub.add_option("--log", opts->log_path, "Append a JSONL request log to FILE ('-': stdout)");
  sub.add_option("--log-salt", opts->log_salt,
                 "Salt for body hashes in the log (default: random per run)");
  sub.add_option("--log-flush-ms", opts->log_flush_ms,
                 "0: flush each log line as written (readers see it before the response); N: "
                 "batch lines and flush every N ms (load tests)")
      ->check(CLI::Range(0, 10'000));
  sub.add_option("--threads", opts->threads, "I/O threads")->check(CLI::Range(1, 64));
  sub.footer(mock::mock_help_footer());
  return [opts] { return mock::run_mock(*opts); };
}

}  // namespace readygate::cli
