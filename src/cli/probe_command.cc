#include "cli/probe_command.h"

#include <CLI/CLI.hpp>

#include <iostream>
#include <memory>

#include "probe/probe.h"

namespace readygate::cli {

Runner setup_probe_client(CLI::App& sub) {
  auto opts = std::make_shared<probe::ProbeOptions>();
  sub.add_option("--surface", opts->surface,
                 "The API surface the client is asked to call: chat or responses (default chat)");
  sub.add_option("--scenario", opts->scenario_names,
                 "Run only these scenarios (repeatable; default: all built-ins, or the YAML "
                 "file's)");
  sub.add_option("--scenarios", opts->scenarios_file, "Scenarios from a YAML file (see below)");
  sub.add_option("--out", opts->out_dir, "Output directory (default: ./readygate-probe/<run_id>/)");
  sub.add_option("--store", opts->store,
                 "Evidence store for the records: *.jsonl, a SQLite file or postgresql:// "
                 "(default: <out>/evidence.jsonl)");
  sub.add_option("--timeout-ms", opts->timeout_ms,
                 "Per-scenario bound: the command's process group is killed past it (default "
                 "30000)");
  sub.add_option("--client-timeout-ms", opts->client_timeout_ms,
                 "The client timeout the probe states in READYGATE_PROBE_CLIENT_TIMEOUT_MS "
                 "(default 5000)");
  sub.add_option("--environment", opts->environment, "Environment name for the records (default local)");
  sub.add_option("--operator", opts->operator_initials, "Initials recorded in every record");
  sub.add_option("command", opts->command, "The application's command, after `--`");
  sub.footer(
      "Runs the command once per scenario against the built-in provider (127.0.0.1, port 0) with "
      "OPENAI_BASE_URL / COMETAPI_BASE_URL (ending in /v1), OPENAI_API_KEY / COMETAPI_KEY (a "
      "placeholder), READYGATE_PROBE_SCENARIO, READYGATE_PROBE_SURFACE, READYGATE_PROBE_STREAM, "
      "READYGATE_PROBE_MODEL and READYGATE_PROBE_CLIENT_TIMEOUT_MS, and grades its retries from "
      "the provider's request log and its exit status.\n"
      "Scenarios: bad_request_400, auth_401, permission_403, not_found_404, unprocessable_422, "
      "cometapi_invalid_request_500, should_retry_false (exactly one attempt); "
      "transient_503_twice (retried with growing delays, bounded, exit 0); retry_after_2s "
      "(waits the Retry-After); retry_after_huge (no burst); truncated_stream (exit non-zero); "
      "slow_first_byte (gives up on its own before --timeout-ms).\n"
      "YAML (--scenarios): defaults: {timeout_ms, client_timeout_ms, ...}; scenarios: [{use: "
      "BUILTIN, ...overrides} or {name, expect, what, faults: [mock fault specs], stream, "
      "retry_after_ms, max_attempts, min_gap_ms, burst_limit, timeout_ms, client_timeout_ms}].\n"
      "Writes conformance-note.md, conformance-note.html and evidence.jsonl. The command's "
      "output is never kept (sizes only).\n"
      "Exit code: 0 every scenario passed, 1 any failed, 2 usage or config error.");
  return [opts] { return probe::run_probe(*opts, std::cout, std::cerr).exit_code; };
}

}  // namespace readygate::cli
