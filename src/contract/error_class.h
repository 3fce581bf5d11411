// Error classification: (status, error body, headers) -> a class and a retry
// decision, per the table in DESIGN.md. Pure: no I/O, time passed in.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "base/clock.h"
#include "base/headers.h"

namespace readygate::contract {

enum class ErrorClass {
  kNone,                  // 2xx with a JSON body: not an error
  kTransient,             // 408, 409, 500, 502, 503, 504, 524, 529, other 5xx, resets, timeouts
  kThrottled,             // 429 rate limit (not quota)
  kAuth,                  // 401
  kPermission,            // 403
  kBadRequest,            // 400, 422, 413
  kNotFound,              // 404
  kQuota,                 // 429 insufficient_quota / billing
  kPolicy,                // content policy / safety refusals as errors
  kServerInvalidRequest,  // CometAPI: 500 with code invalid_request
  kUnknown,               // anything else, including HTML where JSON was expected
};

std::string_view error_class_name(ErrorClass c);

// Failures below HTTP: kept apart from statuses (a reset is not a 503).
enum class TransportError {
  kConnectRefused,
  kConnectTimeout,
  kReset,             // connection reset / closed before a full response
  kFirstByteTimeout,
  kIdleTimeout,       // stream idle deadline
  kTls,               // handshake or certificate verification failure
  kResolve,           // DNS failure
  kProtocol,          // unparseable HTTP, or an answer that is not one (1xx forever, 3xx, 999)
  kDeadline,          // the request's total deadline passed while waiting on the upstream
  kTooLarge,          // an answer (or a stream before its first event) over its byte cap
};

std::string_view transport_error_name(TransportError e);

struct Classification {
  ErrorClass error_class = ErrorClass::kNone;
  bool retryable = false;
  // From retry-after-ms, then retry-after seconds, then retry-after HTTP-date.
  std::optional<std::chrono::milliseconds> retry_after;
  // x-should-retry, when present, decided `retryable`.
  bool should_retry_header = false;
  // The body was not JSON (e.g. HTML from a wrong base URL or a proxy page).
  bool body_not_json = false;
  std::string error_code;   // error.code, if any (no message text)
  std::string error_type;   // error.type, if any
  std::string reason;       // short human text for evidence, no content
};

// Classifies an upstream HTTP response. Content-Type is read from `headers`:
// a 2xx text/event-stream is not an error whatever `body` holds so far (its
// events are judged by StreamChecker); a 2xx JSON body with an `error` object
// is kUnknown, not kNone.
Classification classify_response(int status, std::string_view body, const HeaderList& headers,
                                 WallTime now);

// Refused, reset and every timeout: kTransient, retryable (a kDeadline is
// retryable in kind; the policy's deadline rule stops the retry). kTls,
// kResolve, kProtocol and kTooLarge: kUnknown, not retryable (certificate,
// host name, a base URL whose scheme/port does not speak HTTP/1.1, an answer
// over the cap: retrying repeats them).
Classification classify_transport(TransportError e);

// Reads Retry-After: retry-after-ms (milliseconds, may be fractional), then
// retry-after as delta-seconds or an HTTP-date relative to `now` (past
// dates give zero). Negative or unparseable values are ignored.
std::optional<std::chrono::milliseconds> parse_retry_after(const HeaderList& headers, WallTime now);

}  // namespace readygate::contract
