#include "mock/request_log.h"

#include <cerrno>
#include <charconv>
#include <cstring>

#include "base/http_date.h"
#include "base/json_text.h"

namespace readygate::mock {

namespace {

template <typename T>
void append_num(std::string& o, T v) {
  char buf[32];
  o.append(buf, std::to_chars(buf, buf + sizeof buf, v).ptr);
}

void append_str_or_null(std::string& o, const std::string& v) {
  v.empty() ? void(o += "null") : append_json_string(o, v);
}

}  // namespace

// Built with appends and to_chars, no temporaries: the mock renders one line
// per request on its only core.
std::string render_log_line(const LoggedRequest& r) {
  std::string o;
  o.reserve(512);
  o += "{\"ts\":";
  append_json_string(o, format_rfc3339_ms(r.wall));
  o += ",\"t_ms\":";
  char num[64];
  o.append(num, std::to_chars(num, num + sizeof num, r.t_ms, std::chars_format::fixed, 3).ptr);
  o += ",\"seq\":";
  append_num(o, r.seq);
  o += ",\"request_number\":";
  append_num(o, r.request_number);
  o += ",\"method\":";
  append_json_string(o, r.method);
  o += ",\"path\":";
  append_json_string(o, r.path);
  o += ",\"headers\":{";
  bool first = true;
  std::string name;
  for (const auto& [k, v] : r.headers) {
    if (!first) o += ',';
    first = false;
    name.assign(k);
    for (auto& c : name) c = c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
    append_json_string(o, name);
    o += ':';
    append_json_string(o, is_credential_header(k) ? std::string_view("[redacted]")
                                                  : std::string_view(v));
  }
  o += "},\"body_bytes\":";
  append_num(o, r.body_bytes);
  o += ",\"body_sha256\":";
  append_json_string(o, r.body_sha256);
  o += ",\"surface\":";
  append_str_or_null(o, r.surface);
  o += ",\"model\":";
  append_str_or_null(o, r.model);
  o += r.stream ? ",\"stream\":true" : ",\"stream\":false";
  o += ",\"status\":";
  append_num(o, r.status);
  o += ",\"fault\":";
  append_str_or_null(o, r.fault);
  o += ",\"fault_kind\":";
  append_str_or_null(o, r.fault_kind);
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
  std::lock_guard lock(mu_);
  pending_ += render_log_line(r);
  pending_ += '\n';
  // With flush_ms the flusher thread (or a full 64 KiB) writes; else now.
  if (flush_ms_ > 0 && pending_.size() < (1u << 16)) return;
  write_pending();
}

void RequestLog::append(const LoggedRequest& r) {
  if (!file_) return;
  std::lock_guard lock(mu_);
  pending_ += render_log_line(r);
  pending_ += '\n';
}

void RequestLog::flush() {
  if (!file_) return;
  std::lock_guard lock(mu_);
  write_pending();
}

void RequestLog::write_pending() {
  if (!pending_.empty()) std::fwrite(pending_.data(), 1, pending_.size(), file_);
  pending_.clear();
  std::fflush(file_);
}

void RequestLog::flusher() {
  std::unique_lock lock(mu_);
  while (!stop_) {
    cv_.wait_for(lock, std::chrono::milliseconds(flush_ms_));
    if (!pending_.empty()) write_pending();
  }
}

}  // namespace readygate::mock
