// Pieces of the Prometheus text exposition format 0.0.4: number spelling,
// escaping, and the name rules. Pure functions, thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace readygate::metrics {

// "NaN", "+Inf", "-Inf"; integral values below 2^53 as integers ("3");
// otherwise the shortest round-trip form ("0.25", "1e-05").
std::string format_value(double v);

// Label value escaping: backslash, double quote and line feed.
void append_escaped_label_value(std::string& out, std::string_view v);

// HELP text escaping: backslash and line feed.
void append_escaped_help(std::string& out, std::string_view help);

// [a-zA-Z_:][a-zA-Z0-9_:]*
bool valid_metric_name(std::string_view name);

// [a-zA-Z_][a-zA-Z0-9_]*, not starting with "__" (reserved).
bool valid_label_name(std::string_view name);

// Replaces each byte that is not part of valid UTF-8 with U+FFFD, and cuts
// the result to at most `max_bytes` without splitting a character.
std::string clean_utf8(std::string_view s, size_t max_bytes);

}  // namespace readygate::metrics
