// Text that leaves the gateway (client error messages, evidence, logs)
// passes through here: credentials are redacted and length is bounded.
// The full sanitizing layer (issue 4) grows from this.
#pragma once

#include <string>
#include <string_view>

namespace readygate::gateway {

// Redacts `sk-...` style keys and `Bearer ...` tokens, replaces control
// characters, and cuts the text at `max_len` bytes.
std::string sanitize_text(std::string_view s, size_t max_len = 300);

// The provider's error.message from an error body, sanitized; empty when
// the body is not an OpenAI-shaped error.
std::string provider_message(std::string_view body);

}  // namespace readygate::gateway
