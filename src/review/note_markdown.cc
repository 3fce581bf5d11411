#include "review/note.h"
#include "review/note_text.h"

namespace readygate::review {
namespace {

// A table cell: no line breaks, pipes escaped.
std::string cell(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '|')
      out += "\\|";
    else if (c == '\n' || c == '\r')
      out += ' ';
    else
      out += c;
  }
  return out.empty() ? "-" : out;
}

std::string row(std::initializer_list<std::string> cells) {
  std::string out = "|";
  for (const auto& c : cells) out += " " + cell(c) + " |";
  return out + "\n";
}

}  // namespace

std::string render_markdown(const ReviewReport& r) {
  std::string md;
  md += "# readygate readiness note\n\n";
  md += "**API surface:** " + surface_line(r) + "\n\n";
  md += "**Verdict: " + std::string(verdict_name(r.verdict)) + "**\n\n";
  md += row({"Run", r.run_id});
  md += "|---|---|\n";
  md += row({"Chain", r.chain + " (" + [&] {
               std::string s;
               for (const auto& rt : r.routes) s += (s.empty() ? "" : " -> ") + rt.name;
               return s;
             }() + ")"});
  md += row({"Mode", r.mode});
  md += row({"Environment", r.environment});
  md += row({"Operator", r.operator_initials});
  md += row({"Started", r.started_at});
  md += row({"Config fingerprint", r.config_fingerprint.substr(0, 16)});
  md += "\n";

  md += std::string("## ") + kHeadingDocs + "\n\n";
  md += row({"Route", "Link", "Accessed", "Remark"});
  md += "|---|---|---|---|\n";
  for (const auto& d : r.docs) md += row({d.route, d.url, d.accessed, d.remark});
  md += "\n";

  md += std::string("## ") + kHeadingSteps + "\n\n";
  md += row({"#", "Route", "Step", "Result", "Status", "Retries", "Fallback", "Shape", "Observed",
             "Record"});
  md += "|---|---|---|---|---|---|---|---|---|---|\n";
  for (const auto& s : step_rows(r))
    md += row({s.number, s.route, s.step, s.result, s.status, s.retries, s.fallback, s.shape,
               s.observed, s.record});
  md += "\n" + steps_footnote(r) + "\n\n";

  md += std::string("## ") + kHeadingQuestions + "\n\n";
  for (const auto& a : three_answers(r)) {
    md += "### " + a.question + "\n\n";
    for (const auto& l : a.lines) md += "- " + l + "\n";
    md += "\n";
  }

  md += std::string("## ") + kHeadingVerdict + ": " + std::string(verdict_name(r.verdict)) + "\n\n";
  for (const auto& reason : r.reasons) md += "- " + reason + "\n";
  md += "\n";

  md += std::string("## ") + kHeadingMethod + "\n\n";
  for (const auto& l : method_lines(r)) md += "- " + l + "\n";
  md += "\n";

  md += std::string("## ") + kHeadingNotAsserted + "\n\n";
  for (const auto& l : not_asserted_lines()) md += "- " + l + "\n";
  md += "\n";

  md += std::string("## ") + kHeadingSignOff + "\n\n";
  md += "Reviewed by: ____________________  Date: ____________  Decision: ____________\n";
  return md;
}

}  // namespace readygate::review
