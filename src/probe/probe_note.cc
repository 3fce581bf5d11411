#include "review/html_escape.h"
#include "probe/probe_report.h"

namespace readygate::probe {
namespace {

using review::html_escape;

constexpr const char* kTitle = "readygate probe-client conformance note";

std::string result_line(const ProbeReport& r) {
  return std::to_string(r.passed()) + " of " + std::to_string(r.results.size()) +
         " scenarios passed" + (r.failed() ? " (" + std::to_string(r.failed()) + " failed)" : "");
}

std::vector<std::pair<std::string, std::string>> facts(const ProbeReport& r) {
  return {{"Run", r.run_id},
          {"API surface", r.surface == "responses" ? "Responses (POST /v1/responses)"
                                                    : "Chat Completions (POST /v1/chat/completions)"},
          {"Command", r.command + " (arguments not shown)"},
          {"Scenarios", r.scenarios_file.empty() ? "built-in" : "built-in and " + r.scenarios_file},
          {"Environment", r.environment},
          {"Operator", r.operator_initials},
          {"Started", r.started_at}};
}

std::string verdict_word(const ScenarioResult& s) { return s.grade.pass ? "pass" : "FAIL"; }

// The numbers a scenario was graded with, in words.
std::string bounds(const Scenario& s) {
  std::string b = "bound " + std::to_string(s.timeout_ms) + " ms, client timeout stated " +
                  std::to_string(s.client_timeout_ms) + " ms, max_attempts " +
                  std::to_string(s.max_attempts) + ", min_gap_ms " + std::to_string(s.min_gap_ms);
  if (s.expect == Expect::kNoBurst) b += ", burst_limit " + std::to_string(s.burst_limit);
  if (s.expect == Expect::kRetryAfterFloor)
    b += ", Retry-After floor " + std::to_string(s.retry_after_ms) + " ms";
  return b;
}

std::vector<std::pair<std::string, std::string>> details(const ScenarioResult& s) {
  std::string faults;
  for (const auto& f : provider_faults(s.scenario)) faults += (faults.empty() ? "" : "; ") + f;
  std::string gaps;
  for (auto g : s.grade.gaps_ms) gaps += (gaps.empty() ? "" : ", ") + std::to_string(g);
  return {{"Fault", s.scenario.what + " (" + (faults.empty() ? "none" : faults) + ")"},
          {"Expectation", std::string(expect_name(s.scenario.expect)) + ": " +
                              expect_rule(s.scenario.expect)},
          {"Bounds", bounds(s.scenario)},
          {"Verdict", verdict_word(s) + ": " + s.grade.reason},
          {"Attempt times", attempt_times(s)},
          {"Gaps", gaps.empty() ? "none" : gaps + " ms"},
          {"Command ended", describe(s.outcome) + " after " +
                                std::to_string(static_cast<int64_t>(s.outcome.elapsed_ms)) + " ms"},
          {"Command output", std::to_string(s.stdout_bytes) + " bytes stdout, " +
                                 std::to_string(s.stderr_bytes) + " bytes stderr (not kept)"}};
}

std::string md_cell(const std::string& s) {
  std::string out;
  for (char c : s) out += c == '|' ? std::string("\\|") : c == '\n' ? std::string(" ") : std::string(1, c);
  return out.empty() ? "-" : out;
}

std::string md_row(std::initializer_list<std::string> cells) {
  std::string out = "|";
  for (const auto& c : cells) out += " " + md_cell(c) + " |";
  return out + "\n";
}

constexpr const char* kStyle = R"(
  body { font: 13px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1b1f24;
         max-width: 1100px; margin: 16px auto; padding: 0 16px; }
  h1 { font-size: 20px; margin: 0 0 6px; }
  h2 { font-size: 15px; margin: 18px 0 6px; border-bottom: 1px solid #d0d7de; padding-bottom: 2px; }
  h3 { font-size: 13px; margin: 12px 0 4px; }
  ul { margin: 4px 0; padding-left: 20px; }
  table { border-collapse: collapse; width: 100%; font-size: 12px; }
  th, td { border: 1px solid #d0d7de; padding: 3px 6px; text-align: left; vertical-align: top; }
  th { background: #f6f8fa; }
  code { font: 12px ui-monospace, "SFMono-Regular", Menlo, monospace; }
  .result { display: inline-block; padding: 3px 10px; border-radius: 4px; font-weight: 600; color: #fff; }
  .ok { background: #1a7f37; } .bad { background: #cf222e; }
  .r-pass { color: #1a7f37; } .r-FAIL { color: #cf222e; font-weight: 600; }
  .facts td:first-child { width: 160px; color: #57606a; }
)";

std::string tr(std::initializer_list<std::string> cells, const char* tag = "td") {
  std::string out = "<tr>";
  for (const auto& c : cells)
    out += std::string("<") + tag + ">" + html_escape(c.empty() ? "-" : c) + "</" + tag + ">";
  return out + "</tr>\n";
}

std::string ul(const std::vector<std::string>& items) {
  std::string out = "<ul>\n";
  for (const auto& i : items) out += "<li>" + review::html_prose(i) + "</li>\n";
  return out + "</ul>\n";
}

}  // namespace

std::string render_probe_markdown(const ProbeReport& r) {
  std::string md = std::string("# ") + kTitle + "\n\n";
  md += "**Result: " + result_line(r) + "**\n\n";
  md += "| | |\n|---|---|\n";
  for (const auto& [k, v] : facts(r)) md += md_row({k, v});
  md += "\n## Scenarios\n\n";
  md += md_row({"Scenario", "Expectation", "Verdict", "Reason", "Attempt times (ms after the first)"});
  md += "|---|---|---|---|---|\n";
  for (const auto& s : r.results)
    md += md_row({"[" + s.scenario.name + "](#" + s.scenario.name + ")",
                  std::string(expect_name(s.scenario.expect)), verdict_word(s), s.grade.reason,
                  attempt_times(s)});
  md += "\n## Scenario details\n\n";
  for (const auto& s : r.results) {
    md += "### " + s.scenario.name + "\n\n";
    for (const auto& [k, v] : details(s)) md += "- **" + k + ":** " + v + "\n";
    md += "\n";
  }
  md += "## How the probe ran\n\n";
  for (const auto& l : probe_method_lines(r)) md += "- " + l + "\n";
  md += "\n## What was not asserted\n\n";
  for (const auto& l : probe_not_asserted_lines()) md += "- " + l + "\n";
  return md;
}

std::string render_probe_html(const ProbeReport& r) {
  std::string h = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  h += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  h += std::string("<title>") + kTitle + " - " + html_escape(r.run_id) + "</title>\n";
  h += std::string("<style>") + kStyle + "</style>\n</head>\n<body>\n";
  h += std::string("<h1>") + kTitle + "</h1>\n";
  h += std::string("<p><span class=\"result ") + (r.failed() ? "bad" : "ok") + "\">Result: " +
       html_escape(result_line(r)) + "</span></p>\n<table class=\"facts\">\n";
  for (const auto& [k, v] : facts(r)) h += tr({k, v});
  h += "</table>\n<h2>Scenarios</h2>\n<table>\n";
  h += tr({"Scenario", "Expectation", "Verdict", "Reason", "Attempt times (ms after the first)"}, "th");
  for (const auto& s : r.results) {
    const std::string name = html_escape(s.scenario.name);
    h += "<tr><td><a href=\"#" + name + "\">" + name + "</a></td><td>" +
         html_escape(std::string(expect_name(s.scenario.expect))) + "</td><td class=\"r-" +
         verdict_word(s) + "\">" + verdict_word(s) + "</td><td>" + html_escape(s.grade.reason) +
         "</td><td>" + html_escape(attempt_times(s)) + "</td></tr>\n";
  }
  h += "</table>\n<h2>Scenario details</h2>\n";
  for (const auto& s : r.results) {
    h += "<h3 id=\"" + html_escape(s.scenario.name) + "\">" + html_escape(s.scenario.name) +
         "</h3>\n<table class=\"facts\">\n";
    for (const auto& [k, v] : details(s)) h += tr({k, v});
    h += "</table>\n";
  }
  h += "<h2>How the probe ran</h2>\n" + ul(probe_method_lines(r));
  h += "<h2>What was not asserted</h2>\n" + ul(probe_not_asserted_lines());
  h += "</body>\n</html>\n";
  return h;
}

}  // namespace readygate::probe
