// The one sanitizing layer: everything readygate writes (evidence records,
// logs, readiness notes, escalation packets, metric labels, error messages)
// passes through these functions, directly or through a thin wrapper
// (gateway::sanitize_text, review::Redactor, metrics::redact_credentials).
//
// Credentials are removed: `sk-`-style tokens, `Bearer` tokens, the values of
// Authorization / api-key / x-api-key headers written as text, and the exact
// values of configured credentials registered with Sanitizer::add_secret
// (also in their JSON- and HTML-escaped forms). Prompt and completion text is
// never kept: a body is represented by digest_body() (size and salted hash).
//
// Thread-safety: all functions may be called concurrently; register_secret()
// takes a lock (meant for startup), redact() a shared one when any secret is
// registered. Sanitizer: add_secret() before sharing, then clean() is const.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace readygate::sanitize {

inline constexpr std::string_view kRedacted = "[redacted]";

// Process-wide secrets: the exact values of configured credentials (serve
// registers every route credential it resolves), removed by redact() and so
// by every wrapper, in raw, HTML- and JSON-escaped forms. Values shorter than
// 4 bytes are ignored.
void register_secret(std::string_view secret);

// `text` with the registered secrets, `sk-` tokens (at a word start), `Bearer <token>` and the
// values of Authorization / api-key / x-api-key headers ("name: value" or
// "\"name\":\"value\"", any case) replaced by kRedacted. Everything else,
// line breaks included, is kept.
std::string redact(std::string_view text);

// For one-line fields (log values, error messages): control characters
// become spaces and the text is cut at `max_len` bytes, "..." marking a cut.
// Does not redact; compose with redact() (see gateway::sanitize_text).
std::string one_line(std::string_view text, size_t max_len);

// The rule for a short value that must be dropped whole when it holds a
// credential (metric label values): `sk-` at a word start followed by 8+
// token characters, or "bearer " in any case.
bool looks_like_credential(std::string_view value);

// What a prompt or completion may leave behind: its size and a salted hash.
struct BodyDigest {
  size_t bytes = 0;
  std::string salted_sha256;  // lower-case hex of SHA-256(salt || body)
};
BodyDigest digest_body(std::string_view salt, std::string_view body);

// redact() plus the exact values of known secrets.
class Sanitizer {
 public:
  // Registers a secret with its HTML- and JSON-escaped forms. Values shorter
  // than 4 bytes are ignored (they would redact ordinary words). Not
  // thread-safe: register before sharing.
  void add_secret(std::string_view secret);
  std::string clean(std::string_view text) const;

 private:
  std::vector<std::string> secrets_;  // longest first
};

}  // namespace readygate::sanitize
