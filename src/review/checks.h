// What each step asks of what it observed: pure judgements over the client's
// reply, the gateway's evidence record and (for retry and fallback) the
// built-in provider's request log. Each judge fills the StepResult's
// observations, summary, findings and outcome; a missing observation is a
// failed step ("no answer: ..."), never a guess. Body text is read here and
// never stored: only object names, statuses, field paths and counts.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "contract/surface.h"
#include "evidence/evidence_record.h"
#include "review/builtin_provider.h"
#include "review/http_call.h"
#include "review/review_report.h"

namespace readygate::review {

// The fixed request bodies review sends (no user content; a one-line
// instruction that is never written anywhere) and their field names.
std::string request_body(contract::Surface surface, const std::string& model, bool stream);
std::string request_family(contract::Surface surface, bool stream);

void judge_happy_path(StepResult& s, const HttpReply& reply);
void judge_streaming(StepResult& s, const HttpReply& reply);
void judge_error_check(StepResult& s, const HttpReply& reply,
                       const std::optional<evidence::EvidenceRecord>& rec);

struct RetryExpectation {
  config::RetrySettings retry;  // as the gateway ran them
  int expected_attempts = 3;    // min(max_attempts, 3)
};
void judge_retry_check(StepResult& s, const HttpReply& reply,
                       const std::optional<evidence::EvidenceRecord>& rec,
                       const std::vector<ProviderCall>& calls, const RetryExpectation& expect);

struct FallbackExpectation {
  std::string target;               // the route that should serve
  bool target_is_stand_in = false;  // the built-in provider stands in for a missing fallback
  int max_attempts = 3;             // of the failing route
};
void judge_fallback_check(StepResult& s, const HttpReply& reply,
                          const std::optional<evidence::EvidenceRecord>& rec,
                          const std::vector<ProviderCall>& calls,
                          const FallbackExpectation& expect);

void judge_shape_check(StepResult& s, const HttpReply& reply,
                       const std::optional<evidence::EvidenceRecord>& rec);

// Marks `s` failed because its request never ran (`why` is sanitized by the caller).
void judge_not_run(StepResult& s, const std::string& why);

}  // namespace readygate::review
