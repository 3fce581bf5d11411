#include "cli/review_command.h"

#include <CLI/CLI.hpp>

#include <iostream>
#include <memory>

#include "review/review.h"

namespace readygate::cli {

Runner setup_review(CLI::App& sub) {
  auto opts = std::make_shared<review::ReviewOptions>();
  sub.add_option("--config,-c", opts->config_path,
                 "YAML config to review (default: two built-in providers on loopback, offline)")
      ->check(CLI::ExistingFile);
  sub.add_option("--chain", opts->chain,
                 "The chain to review, by its client-visible model name (default: the first)");
  sub.add_option("--environment", opts->environment,
                 "Environment name for the records (default: the config's evidence.environment)");
  sub.add_option("--out", opts->out_dir,
                 "Output directory (default: ./readygate-review/<run_id>/)");
  sub.add_flag("--json", opts->json, "Print a JSON summary on stdout instead of the human one");
  sub.add_option("--operator", opts->operator_initials,
                 "Initials of the operator running the review (recorded in every record)");
  sub.add_flag("--gateway-logs", opts->gateway_logs,
               "Keep the in-process gateways' JSON logs on stderr (off: they interleave with "
               "progress)");
  sub.add_option("--ca-file", opts->ca_file,
                 "Extra PEM CA bundle trusted for HTTPS upstreams (besides the system store)")
      ->check(CLI::ExistingFile);
  sub.footer(
      "Runs, for every route of the chain: happy path, streaming, a controlled error check with "
      "an invalid credential, a retry check and a fallback check (through the built-in provider "
      "placed in the route's path), and a response shape check. Writes readiness-note.md, "
      "readiness-note.html and evidence.jsonl.\n"
      "Exit code: 0 ready, 2 limited rollout (review required), 1 keep in staging.");
  return [opts] { return review::run_review(*opts, std::cout, std::cerr).exit_code; };
}

}  // namespace readygate::cli
