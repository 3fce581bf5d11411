#include "mock/request_log.h"

#include <cerrno>
#include <cstring>

#include "base/http_date.h"
#include "base/json_text.h"

namespace readygate::mock {

std::string render_log_line(const LoggedRequest& r) {
  std::string o;
  o.reserve(512);
  o += "{\"ts\":";
  append_json_string(o, format_rfc3339_ms(r.wall));
  char num[64];
  std::snprintf(num, sizeof num, ",\"t_ms\":%.3f", r.t_ms);
  o += num;
  o += ",\"seq\":" + std::to_string(r.seq);
  o += ",\"request_number\":" + std::to_string(r.request_number);
  o += ",\"method\":";
  append_json_string(o, r.method);
  o += ",\"path\":";
  append_json_string(o, r.path);
  o += ",\"headers\":{";
  bool first = true;
  for (const auto& [k, v] : r.headers) {
    if (!first) o += ',';
    first = false;
    std::string name = k;
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    append_json_string(o, name);
    o += ':';
    append_json_string(o, is_credential_header(k) ? std::string_view("[redacted]")
                                                  : std::string_view(v));
  }
  o += "},\"body_bytes\":" + std::to_string(r.body_bytes);
  o += ",\"body_sha256\":";
  append_json_string(o, r.body_sha256);
  o += ",\"surface\":";
  r.surface.empty() ? void(o += "null") : append_json_string(o, r.surface);
  o += ",\"model\":";
  r.model.empty() ? void(o += "null") : append_json_string(o, r.model);
  o += r.stream ? ",\"stream\":true" : ",\"stream\":false";
  o += ",\"status\":" + std::to_string(r.status);
  o += ",\"fault\":";
  r.fault.empty() ? void(o += "null") : append_json_string(o, r.fault);
  o += ",\"fault_kind\":";
  r.fault_kind.empty() ? void(o += "null") : append_json_string(o, r.fault_kind);
  o += ",\"request_id\":";
  append_json_string(o, r.request_id);
  o += '}';
  return o;
}

RequestLog::~RequestLog() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  flush();
  if (file_ && owned_) std::fclose(file_);
}

std::string RequestLog::open(const std::string& path, int flush_ms) {
  if (path == "-") {
    file_ = stdout;
  } else {
    file_ = std::fopen(path.c_str(), "a");
    if (!file_) return "cannot open request log '" + path + "': " + std::strerror(errno);
    owned_ = true;
  }
  flush_ms_ = flush_ms;
  if (flush_ms_ > 0) thread_ = std::thread([this] { flusher(); });
  return {};
}

void RequestLog::write(const LoggedRequest& r) {
  if (!file_) return;
  std::string line = render_log_line(r);
  line += '\n';
  std::lock_guard lock(mu_);
  if (flush_ms_ > 0) {
    pending_ += line;
    if (pending_.size() < (1u << 16)) return;
    std::fwrite(pending_.data(), 1, pending_.size(), file_);
    pending_.clear();
  } else {
    std::fwrite(line.data(), 1, line.size(), file_);
  }
  std::fflush(file_);
}

void RequestLog::flush() {
  if (!file_) return;
  std::lock_guard lock(mu_);
  if (!pending_.empty()) std::fwrite(pending_.data(), 1, pending_.size(), file_);
  pending_.clear();
  std::fflush(file_);
}

void RequestLog::flusher() {
  std::unique_lock lock(mu_);
  while (!stop_) {
    cv_.wait_for(lock, std::chrono::milliseconds(flush_ms_));
    if (pending_.empty()) continue;
    std::fwrite(pending_.data(), 1, pending_.size(), file_);
    pending_.clear();
    std::fflush(file_);
  }
}

}  // namespace readygate::mock
