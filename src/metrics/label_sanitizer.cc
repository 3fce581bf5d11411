#include "metrics/label_sanitizer.h"

#include <cctype>

namespace readygate::metrics {
namespace {

bool is_token_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
}

bool is_word_char(char c) { return std::isalnum(static_cast<unsigned char>(c)); }

bool has_secret_key(std::string_view v) {
  constexpr std::string_view kPrefix = "sk-";
  constexpr size_t kMinTokenChars = 8;
  for (size_t at = v.find(kPrefix); at != std::string_view::npos; at = v.find(kPrefix, at + 1)) {
    // "task-12345678" is a name, not a key: the prefix must start a word.
    if (at > 0 && is_word_char(v[at - 1])) continue;
    size_t n = 0;
    for (size_t i = at + kPrefix.size(); i < v.size() && is_token_char(v[i]); ++i) ++n;
    if (n >= kMinTokenChars) return true;
  }
  return false;
}

bool has_bearer(std::string_view v) {
  constexpr std::string_view kBearer = "bearer ";
  if (v.size() < kBearer.size()) return false;
  for (size_t at = 0; at + kBearer.size() <= v.size(); ++at) {
    size_t k = 0;
    while (k < kBearer.size() && std::tolower(static_cast<unsigned char>(v[at + k])) == kBearer[k])
      ++k;
    if (k == kBearer.size()) return true;
  }
  return false;
}

}  // namespace

bool looks_like_credential(std::string_view value) {
  return has_secret_key(value) || has_bearer(value);
}

std::string redact_credentials(std::string_view value) {
  return looks_like_credential(value) ? std::string(kRedacted) : std::string(value);
}

}  // namespace readygate::metrics
