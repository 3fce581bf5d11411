// HTTP-date (RFC 9110 section 5.6.7) parsing and formatting. Retry-After may
// carry one; the built-in provider sends one.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "base/clock.h"

namespace readygate {

// Parses IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT"), and the obsolete
// RFC 850 and asctime forms that recipients must accept.
std::optional<WallTime> parse_http_date(std::string_view s);

// Formats `t` as IMF-fixdate (seconds precision, always GMT).
std::string format_http_date(WallTime t);

// Formats `t` as RFC 3339 UTC with milliseconds: 2026-11-25T01:02:03.456Z.
std::string format_rfc3339_ms(WallTime t);

}  // namespace readygate
