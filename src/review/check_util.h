// Small helpers shared by the step judges (checks.cc, fault_checks.cc).
// Internal to the review module.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "evidence/evidence_record.h"
#include "review/http_call.h"
#include "review/review_report.h"

namespace readygate::review::detail {

// Outcome bookkeeping: start() resets to pass; fail() and needs_review()
// add a finding and lower the outcome (fail wins over review).
void start(StepResult& s);
void fail(StepResult& s, std::string why);
void needs_review(StepResult& s, std::string why);

// "status 502 (upstream_unavailable)": the error code only, never the message.
std::string status_text(const HttpReply& r);
// The gateway's own error message; call it only where no upstream answered,
// so no provider text can come through.
std::string gateway_message(const HttpReply& r);

std::string joined(const std::vector<std::string>& v, std::string_view sep = ", ");
std::string ms_list(const std::vector<int64_t>& v);  // "12, 40 ms"

// Attempts the record holds for `route`.
std::vector<evidence::AttemptRecord> attempts_on(const evidence::EvidenceRecord& rec,
                                                 const std::string& route);

}  // namespace readygate::review::detail
