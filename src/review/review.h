// `readygate review`: runs the readiness checklist for every route of one
// chain, through in-process gateways on loopback, and leaves the evidence
// and a one-page readiness note.
//
// With no config it starts two built-in providers in-process (primary and
// fallback, Chat Completions, a key generated for the run) and reviews a
// chain primary -> fallback built in memory: it needs no network.
//
// For each route, in order: happy path, streaming, controlled error check
// (invalid credential), retry check, fallback check, response shape check
// (see steps.h for how each runs and checks.h for what each asks). One
// sanitized evidence record per step; progress, one line per step, to `err`.
//
// Writes to opts.out_dir (default ./readygate-review/<run_id>/):
// readiness-note.md, readiness-note.html (self-contained), evidence.jsonl;
// and, with opts.store, the records and one review row per step to the
// evidence store (a store that cannot be written is an error: exit 1).
// Every byte written or printed passes through the Redactor: no credential,
// prompt or completion text leaves the run.
//
// Exit code: 0 ready, 2 limited rollout, 1 keep in staging (also for a
// config that does not load, an unknown chain, or output that cannot be
// written).
#pragma once

#include <iosfwd>
#include <optional>
#include <string>

#include "review/review_json.h"
#include "review/review_report.h"

namespace readygate::review {

struct ReviewOptions {
  std::string config_path;        // empty: built-in providers, offline
  std::string chain;              // client-visible model naming the chain; empty: the first
  std::string environment;        // empty: the config's evidence.environment
  std::string out_dir;            // empty: ./readygate-review/<run_id>
  std::string operator_initials;  // empty: "unsigned"
  bool json = false;              // JSON summary on `out` instead of the human one
  std::string ca_file;            // extra CA bundle for HTTPS upstreams
  std::string run_id;             // empty: generated
  // Evidence store the step records and review results go to (SQLite path
  // or postgresql:// URL), so `serve` sees the review and `escalate` finds
  // the run. nullopt: none (the files in out_dir only); "": the config's
  // evidence.path (readygate-evidence.db for the built-in run).
  std::optional<std::string> store;
  // The in-process gateways' own structured logs (stderr) interleave with the
  // progress lines and say nothing the records do not, so they are off unless
  // asked for. Process-wide: it sets spdlog's global level.
  bool gateway_logs = false;
  // Backoff base of the built-in routes; 0: the policy default (500 ms).
  // Tests shorten it; the note shows the settings' effect in its delays.
  int builtin_backoff_base_ms = 0;
};

struct ReviewRun {
  int exit_code = 1;
  ReviewReport report;
  ReviewFiles files;  // empty paths when nothing was written
};

ReviewRun run_review(const ReviewOptions& opts, std::ostream& out, std::ostream& err);

}  // namespace readygate::review
