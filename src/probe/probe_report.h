// ProbeReport: everything one `readygate probe-client` run observed, as plain
// values, for the conformance note and the evidence records. Holds no
// output of the command (sizes only), no credential and no body text.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "evidence/evidence_record.h"
#include "probe/grade.h"
#include "probe/scenario.h"

namespace readygate::probe {

struct ScenarioResult {
  Scenario scenario;
  std::vector<Attempt> attempts;
  CommandOutcome outcome;
  Grade grade;
  uint64_t stdout_bytes = 0;
  uint64_t stderr_bytes = 0;
  WallTime started{};
};

struct ProbeReport {
  std::string run_id;
  std::string started_at;   // RFC 3339
  std::string surface;      // "chat" | "responses" (READYGATE_PROBE_SURFACE)
  std::string command;      // argv[0]'s file name only: arguments may carry secrets
  std::string environment;
  std::string operator_initials;
  std::string scenarios_file;  // empty: built-ins only
  std::vector<ScenarioResult> results;

  int passed() const;
  int failed() const;
};

inline constexpr const char* kNoteMarkdown = "conformance-note.md";
inline constexpr const char* kNoteHtml = "conformance-note.html";
inline constexpr const char* kEvidenceFile = "evidence.jsonl";
inline constexpr const char* kProviderRoute = "builtin-provider";

// The sanitized evidence record of one scenario: the ten seed fields
// (follow_up_needed is the failed verdict; evidence_link points at the
// scenario's section of the note), one attempt record per observed attempt
// with the gap before it. Pure.
evidence::EvidenceRecord scenario_record(const ProbeReport& report, const ScenarioResult& r);

// Markdown and self-contained HTML (inline CSS, no scripts, no external
// assets) conformance notes. Pure; the caller passes them through the
// Redactor before writing.
std::string render_probe_markdown(const ProbeReport& report);
std::string render_probe_html(const ProbeReport& report);

// The lines both notes share.
std::vector<std::string> probe_method_lines(const ProbeReport& report);
std::vector<std::string> probe_not_asserted_lines();
std::string attempt_times(const ScenarioResult& r);  // "0, 412, 1301 ms (503, 503, 200)"

}  // namespace readygate::probe
