// Redactor: the last pass over every byte review writes or prints (notes,
// evidence lines, the JSON summary, progress and error messages, escalation
// packets, review --status). A thin wrapper over sanitize::Sanitizer (the
// one sanitizing layer): the exact values of the secrets it was told about
// (the credentials of the reviewed routes, the built-in provider's per-run
// key, the deliberately invalid key), `sk-`-style tokens, `Bearer` tokens and
// credential header values. Prompt and completion text never reach it:
// review keeps no body text in its results.
//
// Thread-safety: add_secret() before use; clean() is const and thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "sanitize/sanitize.h"

namespace readygate::review {

class Redactor {
 public:
  // Registers a secret value, with its HTML- and JSON-escaped forms. Values
  // shorter than 4 bytes are ignored (they would redact ordinary words).
  void add_secret(std::string_view secret) { sanitizer_.add_secret(secret); }
  std::string clean(std::string_view text) const { return sanitizer_.clean(text); }

 private:
  sanitize::Sanitizer sanitizer_;
};

}  // namespace readygate::review
