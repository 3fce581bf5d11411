#include "review/check_util.h"

#include <nlohmann/json.hpp>

namespace readygate::review::detail {

using Json = nlohmann::json;

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

// "status 502 (upstream_unavailable)": the error code only, never the message.
std::string status_text(const HttpReply& r) {
  if (r.status == 0) return "no response (" + r.error + ")";
  std::string out = "status " + std::to_string(r.status);
  auto j = Json::parse(r.body, nullptr, false);
  if (j.is_object() && j.contains("error") && j["error"].is_object()) {
    const auto& e = j["error"];
    if (e.contains("code") && e["code"].is_string())
      out += " (" + e["code"].get<std::string>() + ")";
  }
  return out;
}

// The gateway's own error message, used only where the gateway wrote it
// itself (no upstream answered), so no provider text can come through.
std::string gateway_message(const HttpReply& r) {
  auto j = Json::parse(r.body, nullptr, false);
  if (j.is_object() && j.contains("error") && j["error"].is_object() &&
      j["error"].contains("message") && j["error"]["message"].is_string())
    return j["error"]["message"].get<std::string>().substr(0, 200);
  return status_text(r);
}

std::string joined(const std::vector<std::string>& v, std::string_view sep) {
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

}  // namespace readygate::review::detail
