// Label value sanitizing: metric labels must never carry secrets. Every
// label value a Registry stores passes through redact_credentials(), after
// an optional caller hook (LabelSanitizer) that may rewrite it further. A
// thin wrapper over the one sanitizing layer (sanitize/sanitize.h).
// Pure functions, thread-safe.
#pragma once

#include <functional>
#include <string>
#include <string_view>

namespace readygate::metrics {

inline constexpr std::string_view kRedacted = "[redacted]";  // == sanitize::kRedacted

// True when `value` holds something shaped like a credential:
//   - "sk-" at a word start followed by 8+ token characters [A-Za-z0-9_-]
//     (OpenAI-style and Anthropic-style keys), or
//   - "bearer " in any case (an Authorization header value).
bool looks_like_credential(std::string_view value);

// `value`, or kRedacted when it looks like a credential. The whole value is
// replaced: a partial key is still a leak.
std::string redact_credentials(std::string_view value);

// Caller hook: (label name, value) -> value to store. Runs before
// redact_credentials, so it can add rules but not remove the built-in ones.
using LabelSanitizer = std::function<std::string(std::string_view name, std::string_view value)>;

}  // namespace readygate::metrics
