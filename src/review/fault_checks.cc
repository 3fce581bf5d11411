// Judges of the checks that need a fault: the controlled error check, the
// retry check and the fallback check.
#include "review/check_util.h"
#include "review/checks.h"
#include "review/step_configs.h"

namespace readygate::review {

using namespace detail;

void judge_error_check(StepResult& s, const HttpReply& reply,
                       const std::optional<evidence::EvidenceRecord>& rec) {
  start(s);
  s.status = reply.status;
  if (reply.status == 0) {
    fail(s, "no answer: " + status_text(reply));
    s.summary = status_text(reply);
    return;
  }
  if (!rec) {
    fail(s, "no answer: the gateway wrote no evidence record for the request");
    s.summary = status_text(reply);
    return;
  }
  const auto attempts = attempts_on(*rec, s.route);
  s.upstream_attempts = static_cast<int>(attempts.size());
  if (!attempts.empty()) {
    s.error_class = attempts.front().error_class;
    s.retry_decision = attempts.front().decision;
    s.upstream_request_id = attempts.front().upstream_request_id;
  }
  s.escalation_ready = reply.status >= 400 && !s.upstream_request_id.empty();
  if (!attempts.empty() && attempts.front().status == 0) {
    // Nothing answered: the check has no answer, and retrying a transport failure was right.
    s.error_class.clear();
    fail(s, "no answer: the upstream was not reached (" + gateway_message(reply) + ")");
    s.summary = status_text(reply) + ", upstream not reached";
    return;
  }
  if (reply.status >= 200 && reply.status < 300) {
    fail(s, "the upstream accepted a deliberately invalid credential (status " +
                std::to_string(reply.status) + ")");
  } else if (s.error_class.empty()) {
    fail(s, "no answer: the upstream attempt was not recorded");
  } else if (reply.status == 401 && s.error_class == "auth") {
    // expected
  } else if (reply.status == 403 && s.error_class == "permission") {
    needs_review(s, "the invalid credential got 403 (permission), not 401");
  } else {
    fail(s, "expected 401 auth, got " + status_text(reply) + " classified " + s.error_class);
  }
  if (s.upstream_attempts != 1)
    fail(s, "a non-transient error was attempted " + std::to_string(s.upstream_attempts) +
                " times; expected exactly 1 (no retry)");
  if (!s.retry_decision.empty() && s.retry_decision == "retry")
    fail(s, "the gateway decided to retry an auth error");
  if (reply.header("x-should-retry") != "false")
    needs_review(s, "the client did not get x-should-retry: false");
  if (!*s.escalation_ready)
    needs_review(s, "no upstream request id: an escalation would rest on timestamps only");
  s.summary = std::to_string(reply.status) + " " + (s.error_class.empty() ? "?" : s.error_class) +
              ", " + std::to_string(s.upstream_attempts) +
              (s.upstream_attempts == 1 ? " attempt" : " attempts") +
              (*s.escalation_ready ? ", request id kept" : ", no request id");
}

void judge_retry_check(StepResult& s, const HttpReply& reply,
                       const std::optional<evidence::EvidenceRecord>& rec,
                       const std::vector<ProviderCall>& calls, const RetryExpectation& expect) {
  start(s);
  s.status = reply.status;
  s.upstream_attempts = static_cast<int>(calls.size());
  if (!rec) {
    fail(s, "no answer: the gateway wrote no evidence record for the request (" +
                status_text(reply) + ")");
    s.summary = status_text(reply);
    return;
  }
  const auto attempts = attempts_on(*rec, s.route);
  if (!attempts.empty()) s.retry_decision = attempts.front().decision;
  for (size_t i = 1; i < attempts.size(); ++i) {
    s.planned_delays_ms.push_back(attempts[i].delay_before_ms);
    s.delay_bounds_ms.push_back(backoff_bound_ms(expect.retry, static_cast<int>(i) - 1));
  }
  for (size_t i = 1; i < calls.size(); ++i)
    s.observed_gaps_ms.push_back(static_cast<int64_t>(calls[i].t_ms - calls[i - 1].t_ms));

  if (s.upstream_attempts != expect.expected_attempts ||
      static_cast<int>(attempts.size()) != expect.expected_attempts)
    fail(s, "the provider saw " + std::to_string(calls.size()) + " attempts and the gateway " +
                "recorded " + std::to_string(attempts.size()) + "; expected " +
                std::to_string(expect.expected_attempts));
  if (expect.retry.max_attempts >= 3 && reply.status != 200)
    fail(s, "two transient failures were not absorbed: " + status_text(reply));
  if (expect.retry.max_attempts < 3)
    needs_review(s, "the route allows " + std::to_string(expect.retry.max_attempts) +
                        " attempt(s): two transient failures in a row reach the fallback");
  for (size_t i = 0; i < s.planned_delays_ms.size(); ++i) {
    if (s.planned_delays_ms[i] < 0 || s.planned_delays_ms[i] > s.delay_bounds_ms[i])
      fail(s, "backoff " + std::to_string(s.planned_delays_ms[i]) + " ms before retry " +
                  std::to_string(i + 1) + " is outside the policy bound [0, " +
                  std::to_string(s.delay_bounds_ms[i]) + "] ms");
    if (i < s.observed_gaps_ms.size() && s.observed_gaps_ms[i] + 2 < s.planned_delays_ms[i])
      fail(s, "the provider saw retry " + std::to_string(i + 1) + " after " +
                  std::to_string(s.observed_gaps_ms[i]) + " ms, before the planned " +
                  std::to_string(s.planned_delays_ms[i]) + " ms backoff");
    // Scheduling noise on a loaded machine is not a policy breach: flag, do not fail.
    constexpr int64_t kSlackMs = 1500;
    if (i < s.observed_gaps_ms.size() && s.observed_gaps_ms[i] > s.delay_bounds_ms[i] + kSlackMs)
      needs_review(s, "retry " + std::to_string(i + 1) + " came " +
                          std::to_string(s.observed_gaps_ms[i]) +
                          " ms after the previous attempt, " + "well above the policy bound " +
                          std::to_string(s.delay_bounds_ms[i]) + " ms");
  }
  int64_t planned_total = 0;
  for (auto d : s.planned_delays_ms) planned_total += d;
  if (expect.expected_attempts > 1 && planned_total == 0 && s.outcome != Outcome::kFail)
    needs_review(s, "no backoff was observed (every jittered delay drew 0 ms)");
  if (expect.expected_attempts > 1 && s.observed_gaps_ms.empty())
    fail(s, "no answer: no delay between attempts could be observed");
  s.summary = std::to_string(reply.status) + " after " + std::to_string(calls.size()) +
              " attempts (bound " + std::to_string(expect.retry.max_attempts) + "), backoff " +
              (s.planned_delays_ms.empty() ? std::string("none") : ms_list(s.planned_delays_ms)) +
              " within bounds " +
              (s.delay_bounds_ms.empty() ? std::string("-") : ms_list(s.delay_bounds_ms));
}

void judge_fallback_check(StepResult& s, const HttpReply& reply,
                          const std::optional<evidence::EvidenceRecord>& rec,
                          const std::vector<ProviderCall>& calls,
                          const FallbackExpectation& expect) {
  start(s);
  s.status = reply.status;
  s.fallback_target = expect.target;
  s.upstream_attempts = static_cast<int>(calls.size());
  s.served_by = reply.header("x-readygate-route");
  if (!rec) {
    fail(s, "no answer: the gateway wrote no evidence record for the request (" +
                status_text(reply) + ")");
    s.summary = status_text(reply);
    return;
  }
  if (s.served_by.empty()) s.served_by = rec->route_used;
  if (reply.status != 200) fail(s, "the fallback did not serve: " + status_text(reply));
  if (s.served_by != expect.target)
    fail(s, "served by " + (s.served_by.empty() ? std::string("no route") : s.served_by) +
                ", expected the fallback route " + expect.target +
                (rec->fallback_decision.find(":untranslatable") != std::string::npos
                     ? " (skipped: its API surface differs and a field of the request cannot be "
                       "translated)"
                     : ""));
  if (rec->fallback_decision.find("fallback:" + expect.target) == std::string::npos)
    fail(s, "the record's fallback decision is '" + rec->fallback_decision + "'");
  if (calls.empty() || s.upstream_attempts > expect.max_attempts)
    fail(s, "the failing route got " + std::to_string(calls.size()) + " attempts; expected 1.." +
                std::to_string(expect.max_attempts));
  // Two separate contracts: a fallback on the other surface serves through
  // translation, which the happy path of the fallback route does not exercise.
  if (s.served_by == expect.target && !rec->upstream_surface.empty() &&
      rec->upstream_surface != rec->api_surface)
    needs_review(s, "the fallback " + expect.target + " answered on " + rec->upstream_surface +
                        ", translated to the client's " + rec->api_surface +
                        ": check that the fields the app reads survive translation");
  if (expect.target_is_stand_in)
    needs_review(s,
                 "the chain has no other route: the fallback was only reachable through the "
                 "built-in provider standing in for one");
  s.summary = std::to_string(reply.status) +
              (reply.status == 200 && !s.served_by.empty() ? " from " + s.served_by
                                                           : std::string(": no route served")) +
              " after " + std::to_string(calls.size()) + " failed attempts on " + s.route;
}

}  // namespace readygate::review
