#include "review/checks.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "contract/shape_check.h"
#include "contract/sse_parser.h"
#include "contract/stream_check.h"
#include "review/step_configs.h"

namespace readygate::review {

using contract::Surface;
using Json = nlohmann::json;

namespace {

// The instruction review sends. Never written to any output.
constexpr std::string_view kInstruction = "Readiness check: answer with the single word ok.";

void fail(StepResult& s, std::string why) {
  s.outcome = Outcome::kFail;
  s.findings.push_back(std::move(why));
}

void needs_review(StepResult& s, std::string why) {
  if (s.outcome == Outcome::kPass) s.outcome = Outcome::kReview;
  s.findings.push_back(std::move(why));
}

void start(StepResult& s) {
  s.outcome = Outcome::kPass;
  s.findings.clear();
}

std::string expected_object(Surface surface) {
  return surface == Surface::kChatCompletions ? "chat.completion" : "response";
}

// "status 502 (upstream_unavailable)": the error code only, never the message.
std::string status_text(const HttpReply& r) {
  if (r.status == 0) return "no response (" + r.error + ")";
  std::string out = "status " + std::to_string(r.status);
  auto j = Json::parse(r.body, nullptr, false);
  if (j.is_object() && j.contains("error") && j["error"].is_object()) {
    const auto& e = j["error"];
    if (e.contains("code") && e["code"].is_string()) out += " (" + e["code"].get<std::string>() + ")";
  }
  return out;
}

std::string joined(const std::vector<std::string>& v, std::string_view sep = ", ") {
  std::string out;
  for (const auto& s : v) {
    if (!out.empty()) out += sep;
    out += s;
  }
  return out;
}

std::string ms_list(const std::vector<int64_t>& v) {
  std::vector<std::string> parts;
  for (auto x : v) parts.push_back(std::to_string(x));
  return joined(parts) + " ms";
}

// Attempts the record holds for `route`.
std::vector<evidence::AttemptRecord> attempts_on(const evidence::EvidenceRecord& rec,
                                                 const std::string& route) {
  std::vector<evidence::AttemptRecord> out;
  for (const auto& a : rec.attempts)
    if (a.route == route) out.push_back(a);
  return out;
}

void judge_completion_status(StepResult& s) {
  if (s.completion_status.empty()) {
    fail(s, "no answer: the completion status (finish_reason / status) was not reported");
    return;
  }
  if (s.surface == Surface::kChatCompletions) {
    if (s.completion_status == "content_filter")
      needs_review(s, "finish_reason content_filter on a neutral instruction");
  } else if (s.completion_status == "incomplete") {
    needs_review(s, "status incomplete: the answer was cut short");
  } else if (s.completion_status != "completed") {
    fail(s, "status " + s.completion_status + ", expected completed");
  }
}

}  // namespace

std::string request_body(Surface surface, const std::string& model, bool stream) {
  Json j = Json::object();
  j["model"] = model;
  if (surface == Surface::kChatCompletions) {
    j["messages"] = Json::array({Json{{"role", "user"}, {"content", kInstruction}}});
    if (stream) {
      j["stream"] = true;
      j["stream_options"] = Json{{"include_usage", true}};
    }
  } else {
    j["input"] = kInstruction;
    if (stream) j["stream"] = true;
  }
  return j.dump();
}

std::string request_family(Surface surface, bool stream) {
  if (surface == Surface::kChatCompletions)
    return stream ? "chat_completions: model, messages[].role, messages[].content, stream, "
                    "stream_options.include_usage"
                  : "chat_completions: model, messages[].role, messages[].content";
  return stream ? "responses: model, input (string), stream" : "responses: model, input (string)";
}

void judge_happy_path(StepResult& s, const HttpReply& reply) {
  start(s);
  s.status = reply.status;
  if (reply.status != 200) {
    fail(s, status_text(reply));
    s.summary = status_text(reply);
    return;
  }
  auto j = Json::parse(reply.body, nullptr, false);
  if (!j.is_object()) {
    fail(s, "the 200 answer is not a JSON object");
    s.summary = "200, not JSON";
    return;
  }
  s.object_family = j.value("object", std::string());
  if (s.surface == Surface::kChatCompletions) {
    const auto& choices = j.contains("choices") ? j["choices"] : Json();
    if (choices.is_array() && !choices.empty() && choices[0].is_object() &&
        choices[0].contains("finish_reason") && choices[0]["finish_reason"].is_string())
      s.completion_status = choices[0]["finish_reason"].get<std::string>();
  } else if (j.contains("status") && j["status"].is_string()) {
    s.completion_status = j["status"].get<std::string>();
  }
  s.usage_present = j.contains("usage") && j["usage"].is_object();
  if (s.object_family != expected_object(s.surface))
    fail(s, "object " + (s.object_family.empty() ? std::string("missing") : s.object_family) +
                ", expected " + expected_object(s.surface));
  judge_completion_status(s);
  if (!*s.usage_present) needs_review(s, "usage not reported: token accounting cannot be checked");
  s.summary = "200 " + (s.object_family.empty() ? "?" : s.object_family) + ", " +
              (s.completion_status.empty() ? "no status" : s.completion_status) +
              (*s.usage_present ? ", usage present" : ", no usage");
}

void judge_streaming(StepResult& s, const HttpReply& reply) {
  start(s);
  s.status = reply.status;
  if (reply.status != 200) {
    fail(s, status_text(reply));
    s.summary = status_text(reply);
    return;
  }
  contract::SseParser parser;
  contract::StreamChecker checker(s.surface);
  parser.feed(reply.body);
  contract::SseEvent ev;
  while (parser.next(&ev)) {
    checker.on_event(ev);
    auto j = Json::parse(ev.data, nullptr, false);
    if (!j.is_object()) continue;
    if (s.surface == Surface::kChatCompletions) {
      if (s.object_family.empty()) s.object_family = j.value("object", std::string());
      if (j.contains("choices") && j["choices"].is_array())
        for (const auto& c : j["choices"])
          if (c.is_object() && c.contains("finish_reason") && c["finish_reason"].is_string())
            s.completion_status = c["finish_reason"].get<std::string>();
    } else {
      s.object_family = "response events";
      const std::string type = j.value("type", std::string());
      if ((type == "response.completed" || type == "response.incomplete" ||
           type == "response.failed") &&
          j.contains("response") && j["response"].is_object())
        s.completion_status = j["response"].value("status", std::string());
    }
  }
  const auto verdict = checker.finish();
  s.stream_verdict = std::string(contract::stream_verdict_name(verdict));
  s.usage_present = checker.usage_seen();
  if (verdict == contract::StreamVerdict::kIncomplete)
    needs_review(s, "stream ended response.incomplete: the answer was cut short");
  else if (verdict != contract::StreamVerdict::kCompleted)
    fail(s, "stream " + s.stream_verdict +
                (checker.problems().empty() ? std::string() : ": " + checker.problems().front()));
  if (verdict == contract::StreamVerdict::kCompleted) judge_completion_status(s);
  if (!*s.usage_present) needs_review(s, "usage not seen in the stream");
  s.summary = "200 stream " + s.stream_verdict + ", " + std::to_string(checker.events()) +
              " events" + (*s.usage_present ? ", usage seen" : ", no usage");
}

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
                          std::to_string(s.observed_gaps_ms[i]) + " ms after the previous attempt, " +
                          "well above the policy bound " + std::to_string(s.delay_bounds_ms[i]) +
                          " ms");
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
                ", expected the fallback " + expect.target +
                (rec->fallback_decision.find(":surface_mismatch") != std::string::npos
                     ? " (skipped: its API surface differs and the gateway does not translate)"
                     : ""));
  if (rec->fallback_decision.find("fallback:" + expect.target) == std::string::npos)
    fail(s, "the record's fallback decision is '" + rec->fallback_decision + "'");
  if (calls.empty() || s.upstream_attempts > expect.max_attempts)
    fail(s, "the failing route got " + std::to_string(calls.size()) +
                " attempts; expected 1.." + std::to_string(expect.max_attempts));
  if (expect.target_is_stand_in)
    needs_review(s, "the chain has no other route: the fallback was only reachable through the "
                    "built-in provider standing in for one");
  s.summary = std::to_string(reply.status) + " from " +
              (s.served_by.empty() ? std::string("?") : s.served_by) + " after " +
              std::to_string(calls.size()) + " failed attempts on " + s.route;
}

void judge_shape_check(StepResult& s, const HttpReply& reply,
                       const std::optional<evidence::EvidenceRecord>& rec) {
  start(s);
  s.status = reply.status;
  if (reply.status == 200) {
    const auto shape = contract::check_response_shape(s.surface, reply.body);
    s.shape_mismatches = shape.mismatches;
    s.shape_drift = shape.drift;
    s.usage_present = shape.usage_present;
    auto j = Json::parse(reply.body, nullptr, false);
    if (j.is_object()) s.object_family = j.value("object", std::string());
    if (shape.verdict != contract::ShapeVerdict::kDocumentedShapeSeen)
      fail(s, "required core missing: " + joined(shape.mismatches, "; "));
  } else if (rec && !rec->shape_mismatches.empty()) {
    s.shape_mismatches = rec->shape_mismatches;
    s.shape_drift = rec->shape_drift;
    fail(s, "the gateway rejected the answer's shape: " + joined(rec->shape_mismatches, "; "));
  } else {
    fail(s, "no answer: " + status_text(reply));
  }
  if (!s.shape_drift.empty())
    needs_review(s, "drift (fields outside the documented set): " + joined(s.shape_drift));
  s.summary = s.status == 200 && s.shape_mismatches.empty()
                  ? "required core present, drift: " +
                        (s.shape_drift.empty() ? std::string("none") : joined(s.shape_drift))
                  : (s.shape_mismatches.empty() ? status_text(reply)
                                                : "mismatch: " + joined(s.shape_mismatches, "; "));
}

void judge_not_run(StepResult& s, const std::string& why) {
  start(s);
  fail(s, "not run: " + why);
  s.summary = "not run";
}

}  // namespace readygate::review
