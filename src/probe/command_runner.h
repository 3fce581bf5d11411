// Runs the application's command once, with extra environment variables, in
// its own process group, and kills the whole group past a bound so nothing
// the command started can hang the probe. No shell: argv[0] is looked up on
// PATH and executed directly (posix_spawnp).
//
// The command's stdout and stderr go to files the caller names (in a private
// directory); the probe only ever reads their sizes, never their text, since
// an application may print prompts or answers.
//
// While the command runs, SIGINT, SIGTERM and SIGHUP (where their disposition
// is the default) kill its group before ending the probe the usual way, so an
// interrupted probe leaves nothing behind.
//
// Blocking; call from one thread at a time per command. Waits by polling
// waitpid every few milliseconds (a bounded wait, not a timing source for
// grading: grades use the provider's request log).
#pragma once

#include <cstdint>
#include <expected>
#include <string>
#include <utility>
#include <vector>

#include "probe/grade.h"

namespace readygate::probe {

struct CommandSpec {
  std::vector<std::string> argv;                            // argv[0] on PATH or a path
  std::vector<std::pair<std::string, std::string>> env;     // set or replace in the inherited env
  int timeout_ms = 30'000;                                  // then SIGTERM to the group, SIGKILL 500 ms later
  std::string stdout_path;                                  // truncated and written by the command
  std::string stderr_path;
};

struct CommandRun {
  CommandOutcome outcome;
  uint64_t stdout_bytes = 0;
  uint64_t stderr_bytes = 0;
};

// The error (the command could not be started) names argv[0] only.
std::expected<CommandRun, std::string> run_command(const CommandSpec& spec);

}  // namespace readygate::probe
