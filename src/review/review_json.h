// JSON renderings of a review: one evidence line per step (the gateway's
// EvidenceRecord with the ten seed fields first, plus a "review" object with
// the step's checks and how it was done), and the summary `--json` prints.
// Pure; the caller passes the text through the Redactor.
#pragma once

#include <string>

#include "review/review_report.h"

namespace readygate::review {

struct ReviewFiles {
  std::string dir;
  std::string markdown;
  std::string html;
  std::string evidence;
  std::string store;  // evidence store written (password masked); empty: none
};

// One line, no trailing newline.
std::string evidence_line(const StepResult& step);

// What `--json` prints when the review could not run (exit code 1).
std::string error_json(const std::string& message);

// Pretty-printed JSON summary with a trailing newline.
std::string summary_json(const ReviewReport& report, const ReviewFiles& files);

}  // namespace readygate::review
