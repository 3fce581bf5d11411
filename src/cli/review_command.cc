#include "cli/review_command.h"

#include <CLI/CLI.hpp>

#include <iostream>
#include <memory>

#include "review/review.h"
#include "review/review_status.h"

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
  auto store = std::make_shared<std::string>();
  auto no_store = std::make_shared<bool>(false);
  auto status = std::make_shared<bool>(false);
  sub.add_flag("--status", *status,
               "Print each route's review state (reviewed, passing, fingerprint current, when) "
               "from the evidence store instead of running a review; exit 0 all passing, 2 some "
               "route needs a review, 1 a review failed");
  sub.add_option("--store", *store,
                 "Evidence store for the records and review results: a SQLite file or a "
                 "postgresql:// URL (default: the config's evidence.path, readygate-evidence.db)");
  sub.add_flag("--no-store", *no_store,
               "Write the note and evidence.jsonl only, not the evidence store (serve will not "
               "see this review)");
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
  return [opts, store, no_store, status] {
    if (*status)
      return review::run_review_status(
          {.config_path = opts->config_path, .store = *store, .json = opts->json}, std::cout,
          std::cerr);
    if (!*no_store) opts->store = *store;
    return review::run_review(*opts, std::cout, std::cerr).exit_code;
  };
}

}  // namespace readygate::cli
