// Redactor: the last pass over every byte review writes or prints (notes,
// evidence lines, the JSON summary, progress and error messages). It removes
// the exact values of the secrets it was told about (the credentials of the
// reviewed routes, the built-in provider's per-run key, the deliberately
// invalid key), `sk-`-style tokens and `Bearer` tokens. Prompt and completion
// text never reach it: review keeps no body text in its results.
//
// Issue 4's shared sanitizing layer will subsume this; until then review
// keeps its own, with the same rules as gateway::sanitize_text but without
// the length cut and keeping line breaks (it cleans whole documents).
//
// Thread-safety: add_secret() before use; clean() is const and thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace readygate::review {

class Redactor {
 public:
  // Registers a secret value, with its HTML- and JSON-escaped forms. Values
  // shorter than 4 bytes are ignored (they would redact ordinary words).
  void add_secret(std::string_view secret);
  std::string clean(std::string_view text) const;

 private:
  std::vector<std::string> secrets_;  // longest first
};

}  // namespace readygate::review
