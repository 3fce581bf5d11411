#include "review/escalate.h"

#include <map>
#include <set>

#include <nlohmann/json.hpp>

namespace readygate::review {
namespace {

using Json = nlohmann::ordered_json;

std::string endpoint_of(const std::string& surface) {
  return surface == "responses" ? "POST /v1/responses" : "POST /v1/chat/completions";
}

std::string str(const Json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

int num(const Json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_number_integer() ? it->get<int>() : 0;
}

std::string joined(const Json& arr) {
  std::string out;
  if (!arr.is_array()) return out;
  for (const auto& v : arr)
    if (v.is_string()) out += (out.empty() ? "" : ", ") + v.get<std::string>();
  return out;
}

std::vector<Json> parsed(const std::vector<std::string>& lines) {
  std::vector<Json> out;
  for (const auto& l : lines) {
    Json j = Json::parse(l, nullptr, false);
    if (j.is_object()) out.push_back(std::move(j));
  }
  return out;
}

// The headers readygate sends upstream, with the values it sends; the
// credential and any configured extra header are named, never shown.
Json request_headers(const Json& rec) {
  const bool stream = rec.value("stream", false);
  return Json{{"content-type", "application/json"},
              {"accept", stream ? "text/event-stream" : "application/json"},
              {"user-agent", "readygate/0.1"},
              {"authorization", "Bearer [omitted]"}};
}

Json reproduction_of(const Json& rec) {
  Json r = Json::object();
  r["request_id"] = str(rec, "request_id");
  r["timestamp"] = str(rec, "timestamp");
  r["environment"] = str(rec, "environment");
  r["chain"] = str(rec, "chain");
  Json shape = Json::object();
  shape["client_surface"] = str(rec, "api_surface");
  shape["upstream_surface"] = str(rec, "upstream_surface");
  shape["endpoint"] = endpoint_of(str(rec, "upstream_surface"));
  shape["stream"] = rec.value("stream", false);
  shape["body_bytes"] = rec.value("request_bytes", 0);
  shape["body_salted_sha256"] = str(rec, "request_hash");
  shape["content"] = "not recorded (size and salted hash only)";
  r["request_shape"] = std::move(shape);
  r["request_headers_sent"] = request_headers(rec);
  r["status"] = num(rec, "status");
  r["status_family"] = str(rec, "status_family");
  r["route_used"] = str(rec, "route_used");
  r["fallback_decision"] = str(rec, "fallback_decision");
  r["response_shape_observed"] = str(rec, "response_shape_observed");
  r["shape_mismatches"] = rec.value("shape_mismatches", Json::array());
  r["shape_drift"] = rec.value("shape_drift", Json::array());
  r["stream_verdict"] = str(rec, "stream_verdict");
  Json attempts = Json::array();
  for (const auto& a : rec.value("attempts", Json::array())) {
    Json x = Json::object();
    for (const char* k : {"route", "attempt", "status", "error_class", "transport_error",
                          "delay_before_ms", "first_byte_ms", "total_ms", "decision", "reason"})
      if (a.contains(k)) x[k] = a[k];
    x["response_headers_kept"] = Json{{"x-request-id", a.value("upstream_request_id", "")}};
    attempts.push_back(std::move(x));
  }
  r["attempts"] = std::move(attempts);
  r["latency_ms"] = {{"queue", rec.value("queue_ms", Json(nullptr))},
                     {"first_byte", rec.value("first_byte_ms", Json(nullptr))},
                     {"total", rec.value("total_ms", Json(nullptr))}};
  r["config_fingerprint"] = str(rec, "config_fingerprint");
  return r;
}

std::set<std::string> upstream_ids(const Json& rec) {
  std::set<std::string> ids;
  for (const auto& a : rec.value("attempts", Json::array()))
    if (auto id = a.value("upstream_request_id", ""); !id.empty()) ids.insert(id);
  return ids;
}

std::string where(const Json& rec) {
  std::string s = "request " + str(rec, "request_id") + " at " + str(rec, "timestamp");
  auto ids = upstream_ids(rec);
  if (!ids.empty()) {
    s += " (upstream request id";
    s += ids.size() > 1 ? "s " : " ";
    std::string list;
    for (const auto& id : ids) list += (list.empty() ? "" : ", ") + id;
    s += list + ")";
  }
  return s;
}

std::string bullet_list(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += "- " + l + "\n";
  return out;
}

}  // namespace

std::vector<std::string> open_questions(const PacketInput& in) {
  std::vector<std::string> q;
  // Review steps that did not pass, in run order.
  for (const auto& row : in.review) {
    if (row.outcome == "pass") continue;
    q.push_back("Checklist step " + std::to_string(row.step) + " (" + row.check + ") on route " +
                row.route + " " + (row.outcome == "fail" ? "failed" : "needs review") + ": " +
                row.summary + ". Is this the documented behaviour for this request?");
  }
  for (const auto& rec : parsed(in.records)) {
    const int status = num(rec, "status");
    const std::string route = str(rec, "route_used").empty() ? "(no route)" : str(rec, "route_used");
    bool upstream_fault = false;
    for (const auto& a : rec.value("attempts", Json::array())) {
      const int s = a.value("status", 0);
      if (s == 0 || s == 429 || s >= 500) upstream_fault = true;
    }
    if (upstream_fault && status != 0 && status < 400 && in.review.empty())
      q.push_back("Route " + route + ", " + where(rec) +
                  ": an upstream attempt failed transiently before the request was served. "
                  "Was there a known incident or capacity limit at that time?");
    if (status == 0 || status >= 500)
      q.push_back("Route " + route + ", " + where(rec) + ": the client got " +
                  (status == 0 ? std::string("no HTTP status (transport failure)")
                               : "HTTP " + std::to_string(status)) +
                  " after " + std::to_string(rec.value("attempts", Json::array()).size()) +
                  " attempt(s). What caused it on the provider side?");
    const std::string mism = joined(rec.value("shape_mismatches", Json::array()));
    if (!mism.empty())
      q.push_back("Route " + route + ", " + where(rec) +
                  ": the response lacked documented fields (" + mism +
                  "). Is this a documented change of the response shape?");
    const std::string drift = joined(rec.value("shape_drift", Json::array()));
    if (!drift.empty())
      q.push_back("Route " + route + ", " + where(rec) + ": fields outside the documented shape (" +
                  drift + "). Are they documented, and may clients rely on them?");
    if (str(rec, "response_shape_observed") == "truncated")
      q.push_back("Route " + route + ", " + where(rec) +
                  ": the stream ended without its terminal event. Is a truncated stream "
                  "expected under some condition?");
    if (num(rec, "status") >= 400 && upstream_ids(rec).empty() && !rec.value("attempts", Json::array()).empty())
      q.push_back("Route " + route + ", request " + str(rec, "request_id") +
                  ": the provider returned no request id (x-request-id). How should support "
                  "requests reference these calls?");
  }
  if (q.empty())
    q.push_back("No open question follows from the records: every recorded request and step "
                "passed. Describe the problem observed in the ticket itself.");
  return q;
}

std::vector<PacketFile> build_packet(const PacketInput& in) {
  const auto recs = parsed(in.records);
  std::map<std::string, int> status_counts;
  std::set<std::string> envs, fingerprints, surfaces, routes, ids;
  std::string first_ts, last_ts;
  Json repro = Json::array();
  for (const auto& rec : recs) {
    status_counts[str(rec, "status_family") + " (" + std::to_string(num(rec, "status")) + ")"]++;
    envs.insert(str(rec, "environment"));
    fingerprints.insert(str(rec, "config_fingerprint"));
    surfaces.insert(str(rec, "api_surface"));
    if (!str(rec, "route_used").empty()) routes.insert(str(rec, "route_used"));
    for (const auto& id : upstream_ids(rec)) ids.insert(id);
    const std::string ts = str(rec, "timestamp");
    if (first_ts.empty() || ts < first_ts) first_ts = ts;
    if (ts > last_ts) last_ts = ts;
    repro.push_back(reproduction_of(rec));
  }
  auto set_line = [](const std::set<std::string>& s) {
    std::string out;
    for (const auto& v : s)
      if (!v.empty()) out += (out.empty() ? "" : ", ") + v;
    return out.empty() ? std::string("-") : out;
  };
  const auto questions = open_questions(in);

  Json env = Json::object();
  env["run_id"] = in.run_id;
  env["generated_at"] = in.generated_at;
  env["environments"] = Json(std::vector<std::string>(envs.begin(), envs.end()));
  env["config_fingerprints"] =
      Json(std::vector<std::string>(fingerprints.begin(), fingerprints.end()));
  Json versions = Json::object();
  for (const auto& [k, v] : in.versions) versions[k] = v;
  env["versions"] = std::move(versions);
  Json platform = Json::object();
  for (const auto& [k, v] : in.platform) platform[k] = v;
  env["platform"] = std::move(platform);

  std::string md;
  md += "# readygate escalation packet: " + in.run_id + "\n\n";
  md += "Generated " + in.generated_at +
        " from the readygate evidence store. Sanitized: no credential, prompt or completion "
        "text; request bodies appear as size and salted hash only.\n\n";
  md += "## Summary\n\n";
  md += "- Run: " + in.run_id + (in.review.empty() ? " (gateway traffic)" : " (readiness review)") +
        "\n";
  md += "- Environment: " + set_line(envs) + "\n";
  md += "- Time range (UTC): " + (first_ts.empty() ? "-" : first_ts + " .. " + last_ts) + "\n";
  md += "- API surface(s): " + set_line(surfaces) + "\n";
  md += "- Routes: " + set_line(routes) + "\n";
  md += "- Requests recorded: " + std::to_string(recs.size()) + "\n";
  std::string statuses;
  for (const auto& [k, n] : status_counts)
    statuses += (statuses.empty() ? "" : ", ") + k + ": " + std::to_string(n);
  md += "- Statuses: " + (statuses.empty() ? "-" : statuses) + "\n";
  md += "- Upstream request ids: " + set_line(ids) + "\n";
  md += "- Config fingerprint(s): " + set_line(fingerprints) + "\n\n";
  md += "## Open questions\n\n";
  for (size_t i = 0; i < questions.size(); ++i)
    md += std::to_string(i + 1) + ". " + questions[i] + "\n";
  md += "\n## Documentation consulted\n\n";
  std::vector<std::string> links;
  for (const auto& [label, url] : in.doc_links) links.push_back(label + ": " + url);
  md += bullet_list(links);
  md += "\n## Versions and environment\n\n";
  std::vector<std::string> vs;
  for (const auto& [k, v] : in.versions) vs.push_back(k + " " + v);
  for (const auto& [k, v] : in.platform) vs.push_back(k + ": " + v);
  md += bullet_list(vs);
  md += "\n## Files\n\n";
  md += bullet_list({"reproduction.json: per request, the request shape without content, the "
                     "headers sent (credential omitted), statuses, attempts with the upstream "
                     "request id, timings, config fingerprint",
                     "records.jsonl: the sanitized evidence records as stored",
                     "environment.json: versions, platform, environment, config fingerprints"});
  if (!in.review.empty()) md += "- review.json: the readiness checklist steps and outcomes\n";
  md += "\n## Not included\n\n";
  md += bullet_list({"credentials, prompts, completions, customer data",
                     "prices, account limits, rate-limit or uptime claims"});

  std::string jsonl;
  for (const auto& l : in.records) jsonl += l + "\n";
  std::vector<PacketFile> files;
  files.push_back({"README.md", md});
  files.push_back({"reproduction.json",
                   Json{{"run_id", in.run_id}, {"requests", repro}, {"open_questions", questions}}
                           .dump(2, ' ', false, Json::error_handler_t::replace) +
                       "\n"});
  files.push_back({"records.jsonl", jsonl});
  files.push_back({"environment.json", env.dump(2, ' ', false, Json::error_handler_t::replace) + "\n"});
  if (!in.review.empty()) {
    Json steps = Json::array();
    for (const auto& r : in.review)
      steps.push_back({{"step", r.step},
                       {"route", r.route},
                       {"check", r.check},
                       {"outcome", r.outcome},
                       {"summary", r.summary},
                       {"route_fingerprint", r.route_fingerprint},
                       {"record", r.request_id}});
    files.push_back({"review.json",
                     Json{{"run_id", in.run_id}, {"steps", steps}}.dump(
                         2, ' ', false, Json::error_handler_t::replace) +
                         "\n"});
  }
  return files;
}

}  // namespace readygate::review
