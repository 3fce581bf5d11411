#include "review/redactor.h"

#include <algorithm>

#include "base/json_text.h"
#include "review/html_escape.h"

namespace readygate::review {
namespace {

constexpr std::string_view kRedacted = "[redacted]";

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

void replace_all(std::string& text, std::string_view needle) {
  for (size_t at = text.find(needle); at != std::string::npos;
       at = text.find(needle, at + kRedacted.size()))
    text.replace(at, needle.size(), kRedacted);
}

}  // namespace

void Redactor::add_secret(std::string_view secret) {
  if (secret.size() < 4) return;
  std::string json = json_quote(secret);
  for (std::string form :
       {std::string(secret), html_escape(secret), json.substr(1, json.size() - 2)})
    if (std::find(secrets_.begin(), secrets_.end(), form) == secrets_.end())
      secrets_.push_back(std::move(form));
  std::sort(secrets_.begin(), secrets_.end(),
            [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
}

std::string Redactor::clean(std::string_view text) const {
  std::string s(text);
  for (const auto& secret : secrets_) replace_all(s, secret);
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
    out.push_back(s[i]);
    ++i;
  }
  return out;
}

}  // namespace readygate::review
