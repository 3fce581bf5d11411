// Text that leaves the gateway (client error messages, evidence, logs)
// passes through here: credentials are redacted and length is bounded. A
// thin wrapper over the one sanitizing layer (sanitize/sanitize.h).
#pragma once

#include <string>
#include <string_view>

namespace readygate::gateway {

// sanitize::redact (keys, Bearer tokens, credential header values), then
// sanitize::one_line (control characters, cut at `max_len` bytes).
std::string sanitize_text(std::string_view s, size_t max_len = 300);

// The provider's error.message from an error body, sanitized; empty when
// the body is not an OpenAI-shaped error.
std::string provider_message(std::string_view body);

}  // namespace readygate::gateway
