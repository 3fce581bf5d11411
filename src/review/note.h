// The one-page readiness note, in Markdown and as one self-contained HTML
// page (inline CSS, no scripts, no external assets). Both carry, in order:
// the selected API surface, run facts and the verdict at the top; the
// documentation links checked with access dates; the latest record of each
// step; the three questions answered; the verdict with its reasons; how the
// checks were done; what was not asserted; a sign-off line. Pure; the caller
// passes the text through the Redactor before writing it.
#pragma once

#include <string>

#include "review/review_report.h"

namespace readygate::review {

std::string render_markdown(const ReviewReport& report);
std::string render_html(const ReviewReport& report);

}  // namespace readygate::review
