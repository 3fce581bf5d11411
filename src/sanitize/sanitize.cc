#include "sanitize/sanitize.h"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <mutex>
#include <shared_mutex>

#include "base/json_text.h"
#include "base/sha256.h"

namespace readygate::sanitize {
namespace {

bool token_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.' || c == '*';
}

// End of the token starting at `from`; a trailing full stop belongs to the sentence.
size_t token_end(std::string_view s, size_t from) {
  size_t j = from;
  while (j < s.size() && token_char(s[j])) ++j;
  while (j > from && s[j - 1] == '.') --j;
  return j;
}

bool iequals_at(std::string_view s, size_t at, std::string_view word) {
  if (at + word.size() > s.size()) return false;
  for (size_t k = 0; k < word.size(); ++k)
    if (std::tolower(static_cast<unsigned char>(s[at + k])) != word[k]) return false;
  return true;
}

// The header names whose values are credentials, lower case.
constexpr std::string_view kCredentialHeaders[] = {"authorization", "x-api-key", "api-key"};

// When a credential header name starts at `i` ("name:", "name\":", any case,
// at a word start), the position of its value (after the colon, spaces and
// an opening quote); else npos.
size_t header_value_at(std::string_view s, size_t i) {
  if (i > 0 && (token_char(s[i - 1]) && s[i - 1] != '.')) return std::string_view::npos;
  for (std::string_view name : kCredentialHeaders) {
    if (!iequals_at(s, i, name)) continue;
    size_t j = i + name.size();
    if (j < s.size() && s[j] == '"') ++j;
    if (j >= s.size() || s[j] != ':') continue;
    ++j;
    while (j < s.size() && (s[j] == ' ' || s[j] == '"')) ++j;
    return j;
  }
  return std::string_view::npos;
}

// End of a header value: up to a quote, comma, brace or line end.
size_t header_value_end(std::string_view s, size_t from) {
  size_t j = from;
  while (j < s.size() && s[j] != '"' && s[j] != ',' && s[j] != '}' && s[j] != '\n' &&
         s[j] != '\r' && s[j] != '&' && s[j] != '<')
    ++j;
  while (j > from && s[j - 1] == ' ') --j;
  return j;
}

void replace_all(std::string& text, std::string_view needle) {
  for (size_t at = text.find(needle); at != std::string::npos;
       at = text.find(needle, at + kRedacted.size()))
    text.replace(at, needle.size(), kRedacted);
}

std::string html_escaped(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

// A secret's raw, HTML- and JSON-escaped forms, added to `list` (longest first).
void add_forms(std::vector<std::string>& list, std::string_view secret) {
  if (secret.size() < 4) return;
  const std::string quoted = json_quote(secret);
  for (std::string form :
       {std::string(secret), html_escaped(secret), quoted.substr(1, quoted.size() - 2)})
    if (std::find(list.begin(), list.end(), form) == list.end()) list.push_back(std::move(form));
  std::sort(list.begin(), list.end(),
            [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
}

struct Registry {
  std::shared_mutex mu;
  std::vector<std::string> secrets;
  std::atomic<bool> any{false};
};

Registry& registry() {
  static Registry r;
  return r;
}

std::string redact_patterns(std::string_view s);

// False when redact_patterns() would return `s` unchanged: none of its
// triggers ("sk-", "Bearer ", a credential header name) occurs. Most text
// (header values, ids, reasons) holds none, and this scan costs a switch
// per byte where redact_patterns() costs a few comparisons.
bool may_hold_pattern(std::string_view s) {
  for (size_t i = 0; i < s.size(); ++i) {
    switch (s[i]) {
      case 's':
        if (s.compare(i, 3, "sk-") == 0) return true;
        break;
      case 'B':
        if (s.compare(i, 7, "Bearer ") == 0) return true;
        break;
      case 'a':
      case 'A':
      case 'x':
      case 'X':
        if (header_value_at(s, i) != std::string_view::npos) return true;
        break;
      default:
        break;
    }
  }
  return false;
}

}  // namespace

void register_secret(std::string_view secret) {
  Registry& r = registry();
  std::unique_lock lock(r.mu);
  add_forms(r.secrets, secret);
  r.any = !r.secrets.empty();
}

std::string redact(std::string_view text) {
  Registry& r = registry();
  if (!r.any.load(std::memory_order_acquire))
    return may_hold_pattern(text) ? redact_patterns(text) : std::string(text);
  std::string s(text);
  {
    std::shared_lock lock(r.mu);
    for (const auto& secret : r.secrets) replace_all(s, secret);
  }
  return may_hold_pattern(s) ? redact_patterns(s) : s;
}

namespace {

std::string redact_patterns(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    const bool at_word = i == 0 || !token_char(s[i - 1]);
    if (at_word && s.compare(i, 3, "sk-") == 0) {
      const size_t j = token_end(s, i + 3);
      if (j > i + 3) {
        out += kRedacted;
        i = j;
        continue;
      }
    }
    if (s.compare(i, 7, "Bearer ") == 0) {
      const size_t j = token_end(s, i + 7);
      if (j > i + 7) {
        out += "Bearer ";
        out += kRedacted;
        i = j;
        continue;
      }
    }
    if (const size_t v = header_value_at(s, i); v != std::string_view::npos) {
      // "Authorization: Bearer x" keeps its scheme word; the Bearer rule takes the token.
      if (s.compare(v, 7, "Bearer ") != 0) {
        const size_t end = header_value_end(s, v);
        if (end > v) {
          out.append(s.substr(i, v - i));
          out += kRedacted;
          i = end;
          continue;
        }
      }
    }
    out.push_back(s[i]);
    ++i;
  }
  return out;
}

}  // namespace

std::string one_line(std::string_view s, size_t max_len) {
  std::string out;
  out.reserve(std::min(s.size(), max_len) + 3);
  for (size_t i = 0; i < s.size() && i < max_len; ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    out.push_back(c < 0x20 ? ' ' : s[i]);
  }
  if (s.size() > max_len) out += "...";
  return out;
}

bool looks_like_credential(std::string_view v) {
  constexpr std::string_view kPrefix = "sk-";
  constexpr size_t kMinTokenChars = 8;
  auto key_char = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-'; };
  for (size_t at = v.find(kPrefix); at != std::string_view::npos; at = v.find(kPrefix, at + 1)) {
    // "task-12345678" is a name, not a key: the prefix must start a word.
    if (at > 0 && std::isalnum(static_cast<unsigned char>(v[at - 1]))) continue;
    size_t n = 0;
    for (size_t i = at + kPrefix.size(); i < v.size() && key_char(v[i]); ++i) ++n;
    if (n >= kMinTokenChars) return true;
  }
  for (size_t at = 0; at < v.size(); ++at)
    if (iequals_at(v, at, "bearer ")) return true;
  return false;
}

BodyDigest digest_body(std::string_view salt, std::string_view body) {
  return {body.size(), salted_sha256_hex(salt, body)};
}

void Sanitizer::add_secret(std::string_view secret) { add_forms(secrets_, secret); }

std::string Sanitizer::clean(std::string_view text) const {
  std::string s(text);
  for (const auto& secret : secrets_) replace_all(s, secret);
  return redact(s);
}

}  // namespace readygate::sanitize
