// `readygate escalate RUN_ID`: an escalation packet for a provider support
// ticket, built from what the evidence store holds about one run (a review
// run or a serve run): a directory and a .tar.gz of it.
//
// The packet (README.md, reproduction.json, records.jsonl, review.json when
// the run is a review, environment.json) carries the sanitized
// reproduction: the request shape without content (surface, endpoint,
// stream, body size and salted hash), statuses, allowlisted headers,
// upstream request ids, timestamps, config fingerprints, tool and
// dependency versions and the environment; the documentation links; and
// the open questions derived from the records (failed requests, shape
// mismatches, failed or review-needing checklist steps, missing request ids).
// Every file passes through the sanitizing layer before it is written.
//
// Split: build_packet() is pure (records and review rows in, file texts
// out); run_escalate() reads the store, writes the files and runs the
// system `tar` (see escalate_run.cc for why not an in-process writer).
//
// Exit codes: 0 packet written; 2 unknown run, usage or store error; 1 the
// packet could not be written.
#pragma once

#include <iosfwd>
#include <string>
#include <utility>
#include <vector>

#include "evidence/review_rows.h"

namespace readygate::review {

struct EscalateOptions {
  std::string run_id;
  std::string store = "readygate-evidence.db";  // SQLite path or postgresql:// URL
  std::string out_dir = "readygate-escalations";  // the packet goes to out_dir/escalation-<run>/
  std::string config_path;  // optional: documentation links and credentials to scrub
  std::string generated_at;  // RFC 3339; empty: now
  // Versions the caller knows and this module does not link (the CLI's
  // readygate version, CLI11), listed first.
  std::vector<std::pair<std::string, std::string>> versions;
};

struct PacketFile {
  std::string name;  // relative to the packet directory
  std::string text;
};

struct PacketInput {
  std::string run_id;
  std::string generated_at;
  std::vector<std::string> records;              // to_json() lines of the run, oldest first
  std::vector<evidence::ReviewStepRow> review;   // empty for a serve run
  std::vector<std::pair<std::string, std::string>> versions;  // name, version
  std::vector<std::pair<std::string, std::string>> platform;  // os, machine, compiler
  std::vector<std::pair<std::string, std::string>> doc_links;  // label, url (config's first)
};

// The packet's files, unsanitized (the caller cleans them). Pure.
std::vector<PacketFile> build_packet(const PacketInput& in);

// The questions a support engineer should answer, derived from the records
// and review rows (at least one line). Pure.
std::vector<std::string> open_questions(const PacketInput& in);

// The library versions this build links, from their version macros and
// runtime calls (Boost, OpenSSL, SQLite, libpq, simdjson, nlohmann-json,
// spdlog, yaml-cpp), and the platform (uname, compiler).
std::vector<std::pair<std::string, std::string>> dependency_versions();
std::vector<std::pair<std::string, std::string>> platform_facts();

int run_escalate(const EscalateOptions& opts, std::ostream& out, std::ostream& err);

}  // namespace readygate::review
