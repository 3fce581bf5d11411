#include "review/review_json.h"

#include <nlohmann/json.hpp>

#include "review/note_text.h"

namespace readygate::review {
namespace {

using Json = nlohmann::ordered_json;

template <typename T>
Json optional_json(const std::optional<T>& v) {
  return v ? Json(*v) : Json(nullptr);
}

Json string_or_null(const std::string& s) { return s.empty() ? Json(nullptr) : Json(s); }

Json step_json(const StepResult& s) {
  Json j = Json::object();
  j["step"] = s.number;
  j["check"] = std::string(step_key(s.kind));
  j["title"] = std::string(step_title(s.kind));
  j["route"] = s.route;
  j["route_fingerprint"] = s.route_fingerprint;
  j["surface"] = std::string(contract::surface_name(s.surface));
  j["outcome"] = std::string(outcome_name(s.outcome));
  j["summary"] = s.summary;
  j["findings"] = s.findings;
  j["via_builtin_provider"] = s.via_builtin;
  j["method"] = string_or_null(s.method);
  j["backoff_note"] = string_or_null(s.backoff_note);
  Json o = Json::object();
  o["http_status"] = s.status ? Json(s.status) : Json(nullptr);
  o["request_family"] = string_or_null(s.request_family);
  o["object_family"] = string_or_null(s.object_family);
  o["completion_status"] = string_or_null(s.completion_status);
  o["usage_present"] = optional_json(s.usage_present);
  o["stream_verdict"] = string_or_null(s.stream_verdict);
  o["error_class"] = string_or_null(s.error_class);
  o["upstream_attempts"] = s.upstream_attempts;
  o["retry_decision"] = string_or_null(s.retry_decision);
  o["escalation_ready"] = optional_json(s.escalation_ready);
  o["upstream_request_id"] = string_or_null(s.upstream_request_id);
  o["planned_delays_ms"] = s.planned_delays_ms;
  o["delay_bounds_ms"] = s.delay_bounds_ms;
  o["observed_gaps_ms"] = s.observed_gaps_ms;
  o["served_by"] = string_or_null(s.served_by);
  o["fallback_target"] = string_or_null(s.fallback_target);
  o["shape_mismatches"] = s.shape_mismatches;
  o["shape_drift"] = s.shape_drift;
  j["observed"] = std::move(o);
  return j;
}

}  // namespace

std::string evidence_line(const StepResult& step) {
  Json j = Json::parse(evidence::to_json(step.record));
  j["review"] = step_json(step);
  return j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::string error_json(const std::string& message) {
  Json j = Json::object();
  j["verdict"] = std::string(verdict_name(Verdict::kKeepInStaging));
  j["exit_code"] = exit_code_of(Verdict::kKeepInStaging);
  j["error"] = message;
  return j.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

std::string summary_json(const ReviewReport& r, const ReviewFiles& files) {
  Json j = Json::object();
  j["run_id"] = r.run_id;
  j["verdict"] = std::string(verdict_name(r.verdict));
  j["exit_code"] = exit_code_of(r.verdict);
  j["api_surface"] = surface_line(r);
  j["chain"] = r.chain;
  Json routes = Json::array();
  for (const auto& rt : r.routes)
    routes.push_back({{"name", rt.name},
                      {"surface", std::string(contract::surface_name(rt.surface))},
                      {"upstream", rt.upstream},
                      {"fingerprint", rt.fingerprint}});
  j["routes"] = std::move(routes);
  j["mode"] = r.mode;
  j["environment"] = r.environment;
  j["operator_initials"] = r.operator_initials;
  j["started_at"] = r.started_at;
  j["config_fingerprint"] = r.config_fingerprint;
  j["reasons"] = r.reasons;
  Json steps = Json::array();
  for (const auto& s : r.steps)
    steps.push_back({{"step", s.number},
                     {"route", s.route},
                     {"check", std::string(step_key(s.kind))},
                     {"outcome", std::string(outcome_name(s.outcome))},
                     {"summary", s.summary},
                     {"findings", s.findings},
                     {"evidence_link", s.record.evidence_link}});
  j["steps"] = std::move(steps);
  j["files"] = {{"dir", files.dir},
                {"markdown", files.markdown},
                {"html", files.html},
                {"evidence", files.evidence},
                {"store", files.store.empty() ? Json(nullptr) : Json(files.store)}};
  return j.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

}  // namespace readygate::review
