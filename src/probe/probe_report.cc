#include "probe/probe_report.h"

#include "contract/surface.h"

namespace readygate::probe {

int ProbeReport::passed() const {
  int n = 0;
  for (const auto& r : results) n += r.grade.pass ? 1 : 0;
  return n;
}

int ProbeReport::failed() const { return static_cast<int>(results.size()) - passed(); }

evidence::EvidenceRecord scenario_record(const ProbeReport& report, const ScenarioResult& r) {
  evidence::EvidenceRecord e;
  const std::string surface = report.surface == "responses" ? "responses" : "chat_completions";
  e.run_id = report.run_id;
  e.environment = report.environment;
  e.api_surface = surface;
  const int last_status = r.attempts.empty() ? 0 : r.attempts.back().status;
  e.status_family = evidence::status_family(last_status);
  e.retry_count = r.attempts.empty() ? 0 : static_cast<int>(r.attempts.size()) - 1;
  e.fallback_decision = "none";
  e.response_shape_observed =
      r.scenario.stream && r.scenario.expect == Expect::kReportsFailure ? "truncated" : "not_checked";
  e.evidence_link = std::string(kNoteMarkdown) + "#" + r.scenario.name;
  e.operator_initials = report.operator_initials;
  e.follow_up_needed = !r.grade.pass;

  e.request_id = report.run_id + "/" + r.scenario.name;
  e.timestamp = r.started;
  e.chain = "probe:" + r.scenario.name;
  e.routes_tried = {kProviderRoute};
  e.route_used = kProviderRoute;
  e.upstream_surface = surface;
  for (size_t i = 0; i < r.attempts.size(); ++i) {
    const Attempt& a = r.attempts[i];
    evidence::AttemptRecord ar;
    ar.route = kProviderRoute;
    ar.attempt = static_cast<int>(i) + 1;
    ar.status = a.status;
    ar.error_class = a.fault.empty() ? "none" : "scripted_fault";
    ar.delay_before_ms = i == 0 ? 0 : r.grade.gaps_ms[i - 1];
    const bool last = i + 1 == r.attempts.size();
    ar.decision = !last ? "retry" : (a.status / 100 == 2 ? "success" : "return");
    ar.reason = a.fault.empty() ? "no fault" : "fault " + a.fault;
    e.attempts.push_back(std::move(ar));
  }
  e.status = last_status;
  e.stream = r.scenario.stream;
  if (r.scenario.stream && r.scenario.expect == Expect::kReportsFailure)
    e.stream_verdict = "truncated";
  e.total_ms = static_cast<int64_t>(r.outcome.elapsed_ms);
  return e;
}

std::string attempt_times(const ScenarioResult& r) {
  if (r.attempts.empty()) return "none";
  std::string t, st;
  for (size_t i = 0; i < r.attempts.size(); ++i) {
    t += (i ? ", " : "") + std::to_string(r.grade.offsets_ms[i]);
    st += (i ? ", " : "") + std::to_string(r.attempts[i].status);
  }
  // The log holds the status the provider planned when the request arrived;
  // a client that gave up on a slow answer never saw it.
  return t + " ms (planned status " + st + ")";
}

std::vector<std::string> probe_method_lines(const ProbeReport& report) {
  return {
      "Each scenario starts a fresh built-in provider in-process on 127.0.0.1 (port 0) with the "
      "scenario's scripted faults, then runs the command once, without a shell, in its own "
      "process group.",
      "The command gets OPENAI_BASE_URL and COMETAPI_BASE_URL (http://127.0.0.1:PORT/v1), "
      "OPENAI_API_KEY and COMETAPI_KEY (a placeholder the provider accepts), "
      "READYGATE_PROBE_SCENARIO, READYGATE_PROBE_SURFACE (" + report.surface +
          "), READYGATE_PROBE_STREAM (1 when the scenario needs a stream), "
          "READYGATE_PROBE_MODEL and READYGATE_PROBE_CLIENT_TIMEOUT_MS (the client timeout the "
          "probe states).",
      "Attempts are the completion requests in the provider's request log; times are their "
      "arrival on the provider's monotonic clock, in ms after the first attempt. A gap includes "
      "the client's own processing and the answer's transit, so a gap is an upper bound on the "
      "client's wait.",
      "A command still running at its scenario's bound gets SIGTERM to its process group, then "
      "SIGKILL 500 ms later; that counts as a hang. Whatever it started is killed when the "
      "scenario ends.",
      "The command's stdout and stderr are kept only as byte counts (they may hold prompts or "
      "answers); every line of this note passed through the redactor.",
  };
}

std::vector<std::string> probe_not_asserted_lines() {
  return {
      "Jitter: one run of two or three gaps cannot show randomness. The probe asserts that retries "
      "are not immediate (at least min_gap_ms apart) and that the interval grows (the last gap is "
      "longer than the first), not that it is random.",
      "The answer's content and shape as the application used them, and the command's own logs "
      "(only their sizes were kept).",
      "The exit status after a non-retryable error: those scenarios grade the attempt count (the "
      "exit status is shown for information).",
      "Faults outside the scenarios run: quota 429, 408/409, connection resets, Retry-After as "
      "an HTTP-date or retry-after-ms, mid-stream error events, Responses-specific terminal "
      "events other than a truncated stream.",
      "Behaviour under concurrency, over a real network or TLS, against a real provider, or with "
      "the client's own configuration other than what the command sets up.",
      "That the observed behaviour repeats: each scenario runs once.",
  };
}

}  // namespace readygate::probe
