#include "metrics/label_sanitizer.h"

#include "sanitize/sanitize.h"

namespace readygate::metrics {

// The rule lives in the one sanitizing layer; labels drop a matching value whole.
bool looks_like_credential(std::string_view value) { return sanitize::looks_like_credential(value); }

std::string redact_credentials(std::string_view value) {
  return looks_like_credential(value) ? std::string(kRedacted) : std::string(value);
}

}  // namespace readygate::metrics
