#include "cli/commands.h"

#include <CLI/CLI.hpp>

#include <cstdio>
#include <memory>

#include "cli/mock_command.h"
#include "cli/probe_command.h"
#include "cli/review_command.h"

namespace readygate::cli {

const std::vector<Command>& commands() {
  static const std::vector<Command> kCommands = {
      {"serve", "Run the gateway: retries, budgets, breakers, fallback, evidence", setup_serve},
      {"mock", "Run the built-in OpenAI-compatible provider with scripted faults", setup_mock},
      {"review", "Run the readiness checklist and write the readiness note", setup_review},
      {"evidence", "List, show and export stored evidence records", setup_evidence},
      {"probe-client", "Grade an application's own retries and error handling against scripted faults",
       setup_probe_client},
      {"escalate", "Write a sanitized escalation packet for one run (directory and .tar.gz)",
       setup_escalate},
  };
  return kCommands;
}

int run_cli(int argc, char** argv) {
  CLI::App app{
      "readygate: an LLM API gateway that proves its fallback path is production-ready"};
  app.set_version_flag("--version", std::string("readygate ") + READYGATE_VERSION);
  app.require_subcommand(1);
  std::vector<std::pair<CLI::App*, Runner>> runners;
  for (const auto& c : commands()) {
    CLI::App* sub = app.add_subcommand(c.name, c.summary);
    runners.emplace_back(sub, c.setup(*sub));
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  for (auto& [sub, run] : runners)
    if (sub->parsed()) return run();
  return 2;
}

}  // namespace readygate::cli
