#include "review/note_text.h"

#include <algorithm>

namespace readygate::review {
namespace {

using contract::Surface;

const StepResult* find_step(const ReviewReport& r, const std::string& route, StepKind kind) {
  const StepResult* found = nullptr;
  for (const auto& s : r.steps)
    if (s.route == route && s.kind == kind) found = &s;  // the latest
  return found;
}

std::string joined(const std::vector<std::string>& v, const std::string& sep = ", ",
                   const std::string& last_sep = ", ") {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) {
    if (i) out += i + 1 == v.size() ? last_sep : sep;
    out += v[i];
  }
  return out;
}

std::string first_finding(const StepResult& s) {
  return s.findings.empty() ? s.summary : s.findings.front();
}

std::string no_answer(const std::string& route, const StepResult* s, const char* what) {
  return route + ": no answer: " + what +
         (s ? " (" + first_finding(*s) + ")" : std::string(" (the step did not run)"));
}

std::string request_line(const ReviewReport& r, Surface surface) {
  std::vector<std::string> routes;
  std::string plain, streamed;
  for (const auto& rt : r.routes) {
    if (rt.surface != surface) continue;
    routes.push_back(rt.name);
    if (const auto* s = find_step(r, rt.name, StepKind::kHappyPath); s && s->status != 0)
      plain = s->request_family;
    if (const auto* s = find_step(r, rt.name, StepKind::kStreaming); s && s->status != 0)
      streamed = s->request_family;
  }
  const std::string name = surface == Surface::kChatCompletions ? "Chat Completions" : "Responses";
  const std::string path =
      surface == Surface::kChatCompletions ? "POST /v1/chat/completions" : "POST /v1/responses";
  if (plain.empty()) return name + ": no answer: no request reached a route of this surface";
  auto fields = [](const std::string& family) { return family.substr(family.find(':') + 2); };
  std::string line =
      name + " (" + path + ") to " + joined(routes, ", ", " and ") + ": the fields " +
      fields(plain) + "; the streamed request sent " +
      (streamed.empty() ? std::string("nothing that was answered") : fields(streamed)) +
      ". Field names only: no content is recorded.";
  return line;
}

std::string response_line(const ReviewReport& r, const RouteSummary& rt) {
  const auto* happy = find_step(r, rt.name, StepKind::kHappyPath);
  const auto* stream = find_step(r, rt.name, StepKind::kStreaming);
  const auto* shape = find_step(r, rt.name, StepKind::kShapeCheck);
  if (!happy || happy->object_family.empty())
    return no_answer(rt.name, happy, "no answer object was handled");
  std::string line = rt.name + ": `" + happy->object_family + "` with " +
                     (rt.surface == Surface::kChatCompletions ? "finish_reason `" : "status `") +
                     (happy->completion_status.empty() ? "?" : happy->completion_status) + "`" +
                     (happy->usage_present.value_or(false) ? " and usage" : ", without usage");
  if (stream && !stream->stream_verdict.empty())
    line += "; a stream of " +
            (stream->object_family.empty() ? std::string("") : "`" + stream->object_family + "` ") +
            "events that ended " + stream->stream_verdict +
            (stream->usage_present.value_or(false) ? " (usage seen)" : " (no usage)");
  else
    line += "; no answer for streaming (" + (stream ? first_finding(*stream) : "not run") + ")";
  if (shape && shape->status == 200 && shape->shape_mismatches.empty())
    line += "; the required core was present, drift: " +
            (shape->shape_drift.empty() ? std::string("none") : joined(shape->shape_drift));
  else
    line += "; the required core was not confirmed (" +
            (shape ? first_finding(*shape) : "not run") + ")";
  return line + ".";
}

std::string error_line(const RouteSummary& rt, const StepResult* s) {
  if (!s || s->status == 0 || s->error_class.empty())
    return no_answer(rt.name, s, "the controlled error check was not observed");
  std::string line = rt.name + ": with a deliberately invalid credential the upstream answered " +
                     std::to_string(s->status) + " (" + s->error_class + "); the gateway made " +
                     std::to_string(s->upstream_attempts) +
                     (s->upstream_attempts == 1 ? " attempt" : " attempts") + " and " +
                     (s->upstream_attempts == 1 && s->retry_decision != "retry"
                          ? "did not retry"
                          : "RETRIED a non-transient error") +
                     " (decision: " + (s->retry_decision.empty() ? "?" : s->retry_decision) + ")";
  if (s->escalation_ready.value_or(false))
    line += "; the status and the upstream request id " + s->upstream_request_id +
            " were kept, enough to escalate.";
  else
    line +=
        "; no upstream request id came back, so an escalation would rest on the status and "
        "timestamps only.";
  return line;
}

}  // namespace

std::string surface_label(Surface s) {
  return s == Surface::kChatCompletions ? "Chat Completions (chat_completions)"
                                        : "Responses (responses)";
}

std::string surface_line(const ReviewReport& r) {
  std::vector<std::string> parts;
  for (Surface surface : {Surface::kChatCompletions, Surface::kResponses}) {
    std::vector<std::string> names;
    for (const auto& rt : r.routes)
      if (rt.surface == surface) names.push_back(rt.name);
    if (!names.empty())
      parts.push_back(surface_label(surface) + " on " + joined(names, ", ", " and "));
  }
  if (parts.empty()) return "none (the chain has no route)";
  return joined(parts, "; ") + (parts.size() > 1 ? " (two separate contracts)" : "");
}

std::vector<StepRow> step_rows(const ReviewReport& r) {
  std::vector<StepRow> rows;
  for (const auto& s : r.steps) {
    StepRow row;
    row.number = std::to_string(s.number);
    row.route = s.route;
    row.step = std::string(step_title(s.kind)) + (s.via_builtin && !r.builtin ? " *" : "");
    row.result = std::string(outcome_name(s.outcome));
    row.status = s.status ? std::to_string(s.status) : "-";
    row.retries = std::to_string(s.record.retry_count);
    row.fallback = s.record.fallback_decision;
    row.shape = s.record.response_shape_observed;
    row.observed = s.summary;
    if (!s.findings.empty() && s.outcome != Outcome::kPass)
      row.observed += " - " + s.findings.front();
    // The run id heads the note; the table keeps the step's suffix only.
    const auto& id = s.record.request_id;
    row.record = id.rfind(r.run_id, 0) == 0 ? id.substr(r.run_id.size() + 1) : id;
    rows.push_back(std::move(row));
  }
  return rows;
}

std::string steps_footnote(const ReviewReport& r) {
  std::string out =
      "Record: the line of evidence.jsonl whose request_id is " + r.run_id + "-<record>.";
  if (!r.builtin) out += " * ran through the built-in provider placed in the route's path.";
  return out;
}

std::vector<Answer> three_answers(const ReviewReport& r) {
  std::vector<Answer> out(3);
  out[0].question = kQuestionRequest;
  out[1].question = kQuestionResponse;
  out[2].question = kQuestionError;
  for (Surface surface : {Surface::kChatCompletions, Surface::kResponses})
    if (std::any_of(r.routes.begin(), r.routes.end(),
                    [&](const RouteSummary& rt) { return rt.surface == surface; }))
      out[0].lines.push_back(request_line(r, surface));
  for (const auto& rt : r.routes) {
    out[1].lines.push_back(response_line(r, rt));
    out[2].lines.push_back(error_line(rt, find_step(r, rt.name, StepKind::kErrorCheck)));
  }
  for (auto& a : out)
    if (a.lines.empty()) a.lines.push_back("No answer: the chain has no route.");
  return out;
}

std::vector<std::string> method_lines(const ReviewReport& r) {
  std::vector<std::string> out;
  if (r.builtin)
    out.push_back(
        "Every step ran against the built-in provider on loopback: two in-process "
        "providers (primary and fallback, Chat Completions) with a key generated for "
        "this run. No network was used; the documentation links were not fetched.");
  else
    out.push_back(
        "Steps 1-3 and 6 (happy path, streaming, controlled error check, response "
        "shape) used each route's own upstream, through an in-process gateway built "
        "from " +
        r.mode.substr(r.mode.find(' ') + 1) + ".");
  out.push_back(
      "The controlled error check replaced the route's credential with a deliberately "
      "invalid one; no other request carried a wrong key.");
  out.push_back(
      "Steps 4-5 (retry, fallback) ran through the built-in provider placed in each "
      "route's path, because a real provider cannot be made to fail on demand: fault "
      "'unavailable,first=2' (two 503s, then success) for the retry check and "
      "'unavailable' (every request 503) for the fallback check." +
      std::string(r.builtin ? "" : " Rows marked * in the table ran that way."));
  out.push_back(
      "The review's own gateways serve fallback routes under `unreviewed: allow` (this "
      "review is what reviews them), so the fallback check's record reads "
      "review_required:<route>. A review kept in the evidence store is what serve's "
      "no-unreviewed-fallback policy and `readygate review --status` read.");
  for (const auto& s : r.steps)
    if (!s.backoff_note.empty() &&
        std::find(out.begin(), out.end(), "Steps 4-5: " + s.backoff_note + ".") == out.end())
      out.push_back("Steps 4-5: " + s.backoff_note + ".");
  for (const auto& m : r.method_notes) out.push_back(m);
  return out;
}

std::vector<std::string> not_asserted_lines() {
  return {
      "Uptime or availability of any provider: a handful of requests says nothing about it.",
      "Rate limits or quotas of any account.",
      "Prices or cost.",
      "Model availability beyond the requests made here (other models, regions, or later).",
      "Production latency: the timings recorded are single review requests, not an SLO.",
  };
}

}  // namespace readygate::review
