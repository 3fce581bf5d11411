#include "review/checks.h"

#include <nlohmann/json.hpp>

#include "contract/shape_check.h"
#include "contract/sse_parser.h"
#include "contract/stream_check.h"
#include "review/check_util.h"

namespace readygate::review {

using contract::Surface;
using Json = nlohmann::json;
using namespace detail;

namespace {

// The instruction review sends. Never written to any output.
constexpr std::string_view kInstruction = "Readiness check: answer with the single word ok.";

std::string expected_object(Surface surface) {
  return surface == Surface::kChatCompletions ? "chat.completion" : "response";
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
      s.object_family = "response.*";
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
