// HTML text escaping for the readiness note (element content and quoted
// attribute values).
#pragma once

#include <string>
#include <string_view>

namespace readygate::review {

inline std::string html_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

// Prose written for both Markdown and HTML: escaped as above, and each
// `code span` (a pair of backticks) becomes <code>...</code>. An unpaired
// backtick stays as it is.
inline std::string html_prose(std::string_view s) {
  std::string out;
  size_t i = 0;
  while (i < s.size()) {
    const size_t open = s.find('`', i);
    const size_t close = open == std::string_view::npos ? open : s.find('`', open + 1);
    if (close == std::string_view::npos) {
      out += html_escape(s.substr(i));
      break;
    }
    out += html_escape(s.substr(i, open - i));
    out += "<code>" + html_escape(s.substr(open + 1, close - open - 1)) + "</code>";
    i = close + 1;
  }
  return out;
}

}  // namespace readygate::review
