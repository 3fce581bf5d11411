#include "evidence/evidence_record.h"

#include <cstring>

#include <charconv>

#include "base/http_date.h"
#include "base/json_text.h"

namespace readygate::evidence {
namespace {

// Written by hand rather than through a JSON DOM: one record per request is
// rendered on the gateway's own core, and building then dumping a DOM was
// over a third of all the gateway's instructions per request. The bytes are
// those of a compact nlohmann dump (a test compares them).
class Writer {
 public:
  explicit Writer(std::string& out) : out_(out) { out_ += '{'; }
  void end() { out_ += '}'; }

  // Keys are fixed ASCII identifiers (no escaping): `,"key":` in one append.
  Writer& key(std::string_view k) {
    char buf[64];
    if (k.size() > sizeof buf - 4) k = k.substr(0, sizeof buf - 4);  // none is near this
    size_t n = 0;
    if (!first_) buf[n++] = ',';
    first_ = false;
    buf[n++] = '"';
    std::memcpy(buf + n, k.data(), k.size());
    n += k.size();
    buf[n++] = '"';
    buf[n++] = ':';
    out_.append(buf, n);
    return *this;
  }
  void str(std::string_view v) { append_json_string(out_, v); }  // invalid UTF-8 replaced
  void boolean(bool v) { out_ += v ? "true" : "false"; }
  void null() { out_ += "null"; }
  template <typename T>
  void num(T v) {
    char buf[24];
    const auto res = std::to_chars(buf, buf + sizeof buf, v);
    out_.append(buf, res.ptr);
  }
  // -1 is the in-memory "not measured"; null says so without a magic number.
  void ms_or_null(int64_t ms) { ms < 0 ? null() : num(ms); }
  void optional_or_null(const std::optional<int64_t>& v) { v ? num(*v) : null(); }
  void strings(const std::vector<std::string>& v) {
    out_ += '[';
    for (size_t i = 0; i < v.size(); ++i) {
      if (i) out_ += ',';
      str(v[i]);
    }
    out_ += ']';
  }

 private:
  std::string& out_;
  bool first_ = true;
};

void attempt_json(std::string& out, const AttemptRecord& a) {
  Writer w(out);
  w.key("route").str(a.route);
  w.key("attempt").num(a.attempt);
  w.key("status").num(a.status);
  w.key("error_class").str(a.error_class);
  w.key("transport_error").str(a.transport_error);
  w.key("delay_before_ms").num(a.delay_before_ms);
  w.key("upstream_request_id").str(a.upstream_request_id);
  w.key("first_byte_ms").ms_or_null(a.first_byte_ms);
  w.key("total_ms").ms_or_null(a.total_ms);
  w.key("decision").str(a.decision);
  w.key("reason").str(a.reason);
  w.end();
}

}  // namespace

std::string to_json(const EvidenceRecord& r) {
  std::string out;
  out.reserve(1536);
  append_json(out, r);
  return out;
}

void append_json(std::string& out, const EvidenceRecord& r) {
  Writer w(out);
  w.key("run_id").str(r.run_id);
  w.key("environment").str(r.environment);
  w.key("api_surface").str(r.api_surface);
  w.key("status_family").str(r.status_family);
  w.key("retry_count").num(r.retry_count);
  w.key("fallback_decision").str(r.fallback_decision);
  w.key("response_shape_observed").str(r.response_shape_observed);
  w.key("evidence_link").str(r.evidence_link);
  w.key("operator_initials").str(r.operator_initials);
  w.key("follow_up_needed").boolean(r.follow_up_needed);

  w.key("request_id").str(r.request_id);
  w.key("timestamp").str(format_rfc3339_ms(r.timestamp));
  w.key("chain").str(r.chain);
  w.key("routes_tried").strings(r.routes_tried);
  w.key("route_used").str(r.route_used);
  w.key("upstream_surface").str(r.upstream_surface);
  w.key("attempts");
  out += '[';
  for (size_t i = 0; i < r.attempts.size(); ++i) {
    if (i) out += ',';
    attempt_json(out, r.attempts[i]);
  }
  out += ']';
  w.key("status").num(r.status);
  w.key("stream").boolean(r.stream);
  w.key("stream_verdict").str(r.stream_verdict);
  w.key("queue_ms").num(r.queue_ms);
  w.key("first_byte_ms").ms_or_null(r.first_byte_ms);
  w.key("total_ms").num(r.total_ms);
  w.key("prompt_tokens").optional_or_null(r.prompt_tokens);
  w.key("completion_tokens").optional_or_null(r.completion_tokens);
  w.key("total_tokens").optional_or_null(r.total_tokens);
  w.key("request_bytes").num(r.request_bytes);
  w.key("request_hash").str(r.request_hash);
  w.key("shape_mismatches").strings(r.shape_mismatches);
  w.key("shape_drift").strings(r.shape_drift);
  w.key("config_fingerprint").str(r.config_fingerprint);
  w.key("schema_version").num(kSchemaVersion);
  w.end();
}

std::string status_family(int status) {
  if (status == 0) return "transport";
  if (status < 100 || status > 599) return "unknown";
  return std::string(1, static_cast<char>('0' + status / 100)) + "xx";
}

namespace {

void bound(std::string& s) {
  if (s.size() <= kMaxFieldBytes) return;
  const std::string suffix = "...[" + std::to_string(s.size()) + " bytes]";
  size_t keep = kMaxFieldBytes - suffix.size();
  while (keep > 0 && (static_cast<unsigned char>(s[keep]) & 0xC0) == 0x80) --keep;  // whole UTF-8 characters
  s.resize(keep);
  s += suffix;
}

void bound(std::vector<std::string>& list) {
  if (list.size() > kMaxListEntries) {
    const size_t n = list.size();
    list.resize(kMaxListEntries - 1);
    list.push_back("...[" + std::to_string(n) + " entries]");
  }
  for (auto& s : list) bound(s);
}

}  // namespace

void bound_fields(EvidenceRecord& r) {
  for (std::string* s : {&r.chain, &r.route_used, &r.upstream_surface, &r.stream_verdict,
                         &r.response_shape_observed, &r.environment})
    bound(*s);
  // fallback_decision lists every route of the chain: bounded by the config, not by input.
  bound(r.routes_tried);
  bound(r.shape_mismatches);
  bound(r.shape_drift);
  for (auto& a : r.attempts)
    for (std::string* s : {&a.route, &a.error_class, &a.transport_error, &a.upstream_request_id,
                           &a.decision, &a.reason})
      bound(*s);
}

}  // namespace readygate::evidence
