// `readygate probe-client -- CMD ARGS...`: grades an application's own retry
// and error handling. For each scenario it starts the built-in provider
// in-process on 127.0.0.1:0 with the scenario's faults, runs CMD once with
// the provider as its OpenAI / CometAPI base URL (command_runner.h), grades
// what the provider's request log and the exit status show (grade.h), and
// prints one progress line on `err`.
//
// Leaves in opts.out_dir (default ./readygate-probe/<run_id>/):
// conformance-note.md, conformance-note.html and, unless --store names
// another evidence store, evidence.jsonl: one sanitized record per scenario
// written through the evidence sink machinery (evidence::open_sink).
//
// Exit code: 0 every scenario passed, 1 any failed, 2 usage or config error
// (the message names the flag or YAML path), also when the command cannot be
// started or the output cannot be written.
//
// Not thread-safe: one run at a time per process (it spawns and reaps
// children synchronously).
#pragma once

#include <expected>
#include <iosfwd>
#include <string>
#include <vector>

#include "probe/probe_report.h"

namespace readygate::probe {

inline constexpr int kExitPass = 0;
inline constexpr int kExitFail = 1;
inline constexpr int kExitUsage = 2;

struct ProbeOptions {
  std::string surface = "chat";             // --surface chat|responses
  std::vector<std::string> scenario_names;  // --scenario (repeatable); empty: all
  std::string scenarios_file;               // --scenarios FILE.yaml
  std::string out_dir;                      // --out; empty: ./readygate-probe/<run_id>
  std::string store;                        // --store; empty: <out>/evidence.jsonl
  int timeout_ms = 30'000;                  // --timeout-ms: per-scenario bound
  int client_timeout_ms = 5'000;            // --client-timeout-ms: stated to the client
  std::string environment = "local";        // --environment
  std::string operator_initials;            // --operator; empty: "unsigned"
  std::vector<std::string> command;         // after `--`
  std::string run_id;                       // empty: generated
};

struct ProbeRun {
  int exit_code = kExitUsage;
  ProbeReport report;
  std::string note_markdown, note_html, evidence;  // paths written; empty when not
};

ProbeRun run_probe(const ProbeOptions& opts, std::ostream& out, std::ostream& err);

// Picks and checks the scenarios the options ask for (built-ins with the
// flag bounds, the YAML file's, the --scenario selection). Errors name the
// flag or YAML path.
std::expected<std::vector<Scenario>, std::string> select_scenarios(const ProbeOptions& opts);

}  // namespace readygate::probe
