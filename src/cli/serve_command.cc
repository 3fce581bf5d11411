#include <CLI/CLI.hpp>

#include <memory>

#include "cli/commands.h"
#include "gateway/gateway.h"

namespace readygate::cli {

Runner setup_serve(CLI::App& sub) {
  auto opts = std::make_shared<gateway::ServeOptions>();
  sub.add_option("--config,-c", opts->config_path, "YAML config file")->required();
  sub.add_flag("--check", opts->check_only, "Validate the config and exit (0 valid, 2 invalid)");
  sub.add_option("--threads", opts->gateway.threads, "Worker threads (one event loop each)")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  auto busy_poll_us = std::make_shared<int>(0);
  sub.add_option("--busy-poll-us", *busy_poll_us,
                 "Keep polling for this many microseconds after the event loop runs dry before "
                 "sleeping: lower latency at low concurrency for CPU (0: off)")
      ->check(CLI::Range(0, 10000))
      ->capture_default_str();
  sub.add_option("--ca-file", opts->gateway.ca_file,
                 "Extra PEM CA bundle trusted for HTTPS upstreams (besides the system store)")
      ->check(CLI::ExistingFile);
  sub.add_option("--seed", opts->gateway.seed, "Seed for backoff jitter (0: from the OS)");
  return [opts, busy_poll_us] {
    opts->gateway.busy_poll = std::chrono::microseconds(*busy_poll_us);
    return gateway::run_serve(*opts);
  };
}

}  // namespace readygate::cli
