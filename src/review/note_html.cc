#include "review/html_escape.h"
#include "review/note.h"
#include "review/note_text.h"

namespace readygate::review {
namespace {

// Print-friendly, one page, no external fonts or images.
constexpr const char* kStyle = R"(
  @page { size: A4; margin: 12mm; }
  body { font: 13px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1b1f24;
         max-width: 1100px; margin: 16px auto; padding: 0 16px; }
  h1 { font-size: 20px; margin: 0 0 6px; }
  h2 { font-size: 15px; margin: 18px 0 6px; border-bottom: 1px solid #d0d7de; padding-bottom: 2px; }
  h3 { font-size: 13px; margin: 10px 0 4px; }
  p, ul { margin: 4px 0; }
  ul { padding-left: 20px; }
  table { border-collapse: collapse; width: 100%; font-size: 12px; }
  th, td { border: 1px solid #d0d7de; padding: 3px 6px; text-align: left; vertical-align: top; }
  th { background: #f6f8fa; }
  code { font: 12px ui-monospace, "SFMono-Regular", Menlo, monospace; }
  .surface { font-size: 15px; margin: 4px 0 8px; }
  .verdict { display: inline-block; padding: 3px 10px; border-radius: 4px; font-weight: 600;
             color: #fff; }
  .v-ready { background: #1a7f37; } .v-limited { background: #9a6700; } .v-staging { background: #cf222e; }
  .r-pass { color: #1a7f37; } .r-review { color: #9a6700; font-weight: 600; }
  .r-fail { color: #cf222e; font-weight: 600; }
  .facts td:first-child { width: 160px; color: #57606a; }
  .sign { margin-top: 14px; }
  .note { color: #57606a; font-size: 12px; }
)";

std::string e(const std::string& s) { return html_escape(s); }

std::string verdict_class(Verdict v) {
  switch (v) {
    case Verdict::kReady:
      return "v-ready";
    case Verdict::kLimitedRollout:
      return "v-limited";
    case Verdict::kKeepInStaging:
      return "v-staging";
  }
  return "v-staging";
}

std::string list(const std::vector<std::string>& items) {
  std::string out = "<ul>\n";
  for (const auto& i : items) out += "<li>" + html_prose(i) + "</li>\n";
  return out + "</ul>\n";
}

std::string tr(std::initializer_list<std::string> cells, const char* tag = "td") {
  std::string out = "<tr>";
  for (const auto& c : cells)
    out += std::string("<") + tag + ">" + e(c.empty() ? "-" : c) + "</" + tag + ">";
  return out + "</tr>\n";
}

}  // namespace

std::string render_html(const ReviewReport& r) {
  const std::string verdict(verdict_name(r.verdict));
  std::string h;
  h += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  h += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  h += "<title>readygate readiness note - " + e(r.run_id) + "</title>\n";
  h += std::string("<style>") + kStyle + "</style>\n</head>\n<body>\n";
  h += "<h1>readygate readiness note</h1>\n";
  h += "<p class=\"surface\"><strong>API surface:</strong> " + e(surface_line(r)) + "</p>\n";
  h += "<p><span class=\"verdict " + verdict_class(r.verdict) + "\">Verdict: " + e(verdict) +
       "</span></p>\n";
  std::string chain;
  for (const auto& rt : r.routes) chain += (chain.empty() ? "" : " -> ") + rt.name;
  h += "<table class=\"facts\">\n";
  h += tr({"Run", r.run_id});
  h += tr({"Chain", r.chain + " (" + chain + ")"});
  h += tr({"Mode", r.mode});
  h += tr({"Environment", r.environment});
  h += tr({"Operator", r.operator_initials});
  h += tr({"Started", r.started_at});
  h += tr({"Config fingerprint", r.config_fingerprint.substr(0, 16)});
  h += "</table>\n";

  h += std::string("<h2>") + kHeadingDocs + "</h2>\n<table>\n";
  h += tr({"Route", "Link", "Accessed", "Remark"}, "th");
  for (const auto& d : r.docs) h += tr({d.route, d.url, d.accessed, d.remark});
  h += "</table>\n";

  h += std::string("<h2>") + kHeadingSteps + "</h2>\n<table>\n";
  h += tr({"#", "Route", "Step", "Result", "Status", "Retries", "Fallback", "Shape", "Observed",
           "Record"},
          "th");
  for (const auto& s : step_rows(r)) {
    h += "<tr><td>" + e(s.number) + "</td><td>" + e(s.route) + "</td><td>" + e(s.step) +
         "</td><td class=\"r-" + e(s.result) + "\">" + e(s.result) + "</td><td>" + e(s.status) +
         "</td><td>" + e(s.retries) + "</td><td>" + e(s.fallback) + "</td><td>" + e(s.shape) +
         "</td><td>" + e(s.observed) + "</td><td><code>" + e(s.record) + "</code></td></tr>\n";
  }
  h += "</table>\n<p class=\"note\">" + e(steps_footnote(r)) + "</p>\n";

  h += std::string("<h2>") + kHeadingQuestions + "</h2>\n";
  for (const auto& a : three_answers(r)) h += "<h3>" + e(a.question) + "</h3>\n" + list(a.lines);

  h += std::string("<h2>") + kHeadingVerdict + ": " + e(verdict) + "</h2>\n" + list(r.reasons);
  h += std::string("<h2>") + kHeadingMethod + "</h2>\n" + list(method_lines(r));
  h += std::string("<h2>") + kHeadingNotAsserted + "</h2>\n" + list(not_asserted_lines());
  h += std::string("<h2>") + kHeadingSignOff + "</h2>\n";
  h += "<p class=\"sign\">Reviewed by: ____________________ &nbsp; Date: ____________ &nbsp; "
       "Decision: ____________</p>\n";
  h += "</body>\n</html>\n";
  return h;
}

}  // namespace readygate::review
