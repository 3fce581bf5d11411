// The table of subcommands. Each registers its flags on the CLI11 app and
// returns a runner; main.cc only parses and dispatches.
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace readygate::cli {

using Runner = std::function<int()>;

struct Command {
  std::string name;
  std::string summary;
  // Adds the subcommand's options to `sub`; returns what to run if chosen.
  std::function<Runner(CLI::App& sub)> setup;
};

const std::vector<Command>& commands();

// Parses argv and runs the chosen subcommand. Returns the exit code.
int run_cli(int argc, char** argv);

}  // namespace readygate::cli
