// Structured logs: one JSON object per line on stderr (spdlog, async-safe
// for multiple worker threads). Every value passes through sanitize_text, so
// no credential can reach a log line; prompts and completions are never
// passed in at all.
#pragma once

#include <initializer_list>
#include <string_view>
#include <utility>

namespace readygate::gateway {

enum class LogLevel { kInfo, kWarn, kError };

using LogField = std::pair<std::string_view, std::string_view>;

// {"ts":..., "level":"warn", "event":"fallback", "route":"primary", ...}
void log_event(LogLevel level, std::string_view event, std::initializer_list<LogField> fields);

}  // namespace readygate::gateway
