// `readygate escalate RUN_ID`: flags only; the logic is review::run_escalate.
#include <CLI/CLI.hpp>

#include <iostream>
#include <memory>

#include "cli/review_command.h"
#include "evidence/evidence_commands.h"
#include "review/escalate.h"

namespace readygate::cli {

Runner setup_escalate(CLI::App& sub) {
  auto opts = std::make_shared<review::EscalateOptions>();
  opts->store = evidence::kDefaultStorePath;
  sub.add_option("run_id", opts->run_id, "The run to escalate (a review or serve run id)")
      ->required();
  sub.add_option("--store", opts->store, "Evidence store: a SQLite file or a postgresql:// URL");
  sub.add_option("--out", opts->out_dir,
                 "Directory for the packet (escalation-RUN_ID/ and escalation-RUN_ID.tar.gz)");
  sub.add_option("--config,-c", opts->config_path,
                 "The gateway config: its documentation links go into the packet and its "
                 "credentials are scrubbed from it")
      ->check(CLI::ExistingFile);
  sub.footer(
      "Writes a sanitized escalation packet for a provider support ticket: request shapes "
      "without content, statuses, allowlisted headers, upstream request ids, timestamps, config "
      "fingerprint, versions, environment, documentation links and the open questions.\n"
      "Exit code: 0 written, 2 unknown run or store error, 1 the packet could not be written.");
  return [opts] {
    opts->versions = {{"readygate", READYGATE_VERSION}, {"CLI11", CLI11_VERSION}};
    return review::run_escalate(*opts, std::cout, std::cerr);
  };
}

}  // namespace readygate::cli
