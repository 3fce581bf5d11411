// The readiness note's words, shared by the Markdown and HTML renderings:
// the surface line, the step table's cells, the plain-language answers to
// the three questions, how the checks were done, and what was not asserted.
// A question without an observation is answered "No answer: ...", which the
// verdict already counts as keep in staging. Pure functions.
#pragma once

#include <string>
#include <vector>

#include "review/review_report.h"

namespace readygate::review {

// "Chat Completions (chat_completions)" or "Responses (responses)".
std::string surface_label(contract::Surface s);
// The selected API surface(s) of the chain, in route order, e.g.
// "Chat Completions (chat_completions) on primary and fallback".
std::string surface_line(const ReviewReport& r);

struct StepRow {
  std::string number, route, step, result, status, retries, fallback, shape, observed, record;
};
// The latest record of each step, in run order.
std::vector<StepRow> step_rows(const ReviewReport& r);
// The line under the step table: where each record is, what * means.
std::string steps_footnote(const ReviewReport& r);

struct Answer {
  std::string question;
  std::vector<std::string> lines;  // one per surface or route
};
// The three questions, in order.
std::vector<Answer> three_answers(const ReviewReport& r);

std::vector<std::string> method_lines(const ReviewReport& r);
std::vector<std::string> not_asserted_lines();

// Section headings, shared so tests can look for each one.
inline constexpr const char* kHeadingDocs = "Documentation checked";
inline constexpr const char* kHeadingSteps = "Latest record of each step";
inline constexpr const char* kHeadingQuestions = "Three questions";
inline constexpr const char* kHeadingVerdict = "Verdict";
inline constexpr const char* kHeadingMethod = "How the checks were done";
inline constexpr const char* kHeadingNotAsserted = "Not asserted";
inline constexpr const char* kHeadingSignOff = "Sign-off";
inline constexpr const char* kQuestionRequest = "What request shape did the client send?";
inline constexpr const char* kQuestionResponse = "What response shape did it handle?";
inline constexpr const char* kQuestionError = "What happened in the controlled error check?";

}  // namespace readygate::review
