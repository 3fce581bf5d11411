#include "evidence/evidence_record.h"

#include <nlohmann/json.hpp>

#include "base/http_date.h"

namespace readygate::evidence {
namespace {

using Json = nlohmann::ordered_json;

// -1 is the in-memory "not measured"; null says so without a magic number.
Json ms_or_null(int64_t ms) { return ms < 0 ? Json(nullptr) : Json(ms); }

Json optional_or_null(const std::optional<int64_t>& v) { return v ? Json(*v) : Json(nullptr); }

Json attempt_json(const AttemptRecord& a) {
  Json j = Json::object();
  j["route"] = a.route;
  j["attempt"] = a.attempt;
  j["status"] = a.status;
  j["error_class"] = a.error_class;
  j["transport_error"] = a.transport_error;
  j["delay_before_ms"] = a.delay_before_ms;
  j["upstream_request_id"] = a.upstream_request_id;
  j["first_byte_ms"] = ms_or_null(a.first_byte_ms);
  j["total_ms"] = ms_or_null(a.total_ms);
  j["decision"] = a.decision;
  j["reason"] = a.reason;
  return j;
}

}  // namespace

std::string to_json(const EvidenceRecord& r) {
  Json j = Json::object();
  j["run_id"] = r.run_id;
  j["environment"] = r.environment;
  j["api_surface"] = r.api_surface;
  j["status_family"] = r.status_family;
  j["retry_count"] = r.retry_count;
  j["fallback_decision"] = r.fallback_decision;
  j["response_shape_observed"] = r.response_shape_observed;
  j["evidence_link"] = r.evidence_link;
  j["operator_initials"] = r.operator_initials;
  j["follow_up_needed"] = r.follow_up_needed;

  j["request_id"] = r.request_id;
  j["timestamp"] = format_rfc3339_ms(r.timestamp);
  j["chain"] = r.chain;
  j["routes_tried"] = r.routes_tried;
  j["route_used"] = r.route_used;
  j["upstream_surface"] = r.upstream_surface;
  Json attempts = Json::array();
  for (const auto& a : r.attempts) attempts.push_back(attempt_json(a));
  j["attempts"] = std::move(attempts);
  j["status"] = r.status;
  j["stream"] = r.stream;
  j["stream_verdict"] = r.stream_verdict;
  j["queue_ms"] = r.queue_ms;
  j["first_byte_ms"] = ms_or_null(r.first_byte_ms);
  j["total_ms"] = r.total_ms;
  j["prompt_tokens"] = optional_or_null(r.prompt_tokens);
  j["completion_tokens"] = optional_or_null(r.completion_tokens);
  j["total_tokens"] = optional_or_null(r.total_tokens);
  j["request_bytes"] = r.request_bytes;
  j["request_hash"] = r.request_hash;
  j["shape_mismatches"] = r.shape_mismatches;
  j["shape_drift"] = r.shape_drift;
  j["config_fingerprint"] = r.config_fingerprint;
  j["schema_version"] = kSchemaVersion;
  // Replace rather than throw on invalid UTF-8: upstream ids and reasons come
  // from the network, and a record must never be lost to one bad byte.
  return j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::string status_family(int status) {
  if (status == 0) return "transport";
  if (status < 100 || status > 599) return "unknown";
  return std::string(1, static_cast<char>('0' + status / 100)) + "xx";
}

}  // namespace readygate::evidence
