#include "contract/error_class.h"

#include <charconv>
#include <cmath>

#include "base/http_date.h"
#include "contract/json_scan.h"

namespace readygate::contract {
namespace {

using namespace detail;
using std::chrono::milliseconds;

// Upper bound for a Retry-After value; anything longer is clamped (the policy
// layer refuses to wait beyond its own limit long before this).
constexpr double kMaxRetryAfterMs = 7.0 * 24 * 3600 * 1000;

bool contains_ci(std::string_view hay, std::string_view needle) {
  if (needle.size() > hay.size()) return false;
  for (size_t i = 0; i + needle.size() <= hay.size(); ++i)
    if (iequals(hay.substr(i, needle.size()), needle)) return true;
  return false;
}

bool any_marker(const Classification& c, std::initializer_list<std::string_view> markers) {
  for (auto m : markers)
    if (contains_ci(c.error_code, m) || contains_ci(c.error_type, m)) return true;
  return false;
}

// insufficient_quota, billing_hard_limit_reached, quota_exceeded,
// billing_not_active, insufficient_user_quota (new-api based relays),
// insufficient_balance, credit_balance_too_low: waiting does not help. A bare
// "balance" would also match load balancers' own rate-limit codes.
bool is_quota(const Classification& c) {
  return any_marker(c,
                    {"quota", "billing", "insufficient_balance", "balance_insufficient", "credit"});
}

// content_policy_violation, image_content_policy_violation, content_filter,
// invalid_prompt (OpenAI's "flagged as potentially violating our usage policy").
bool is_policy(const Classification& c) {
  return any_marker(
             c, {"content_policy", "content_filter", "policy_violation", "safety", "moderation"}) ||
         iequals(c.error_code, "invalid_prompt");
}

// A strict non-negative decimal: digits with an optional fraction. No sign,
// exponent, inf or nan.
std::optional<double> parse_decimal(std::string_view s) {
  s = trim(s);
  if (s.empty()) return std::nullopt;
  bool digit = false, dot = false;
  for (char c : s) {
    if (c >= '0' && c <= '9') {
      digit = true;
    } else if (c == '.' && !dot) {
      dot = true;
    } else {
      return std::nullopt;
    }
  }
  if (!digit) return std::nullopt;
  double v = 0;
  if (std::from_chars(s.data(), s.data() + s.size(), v).ec != std::errc()) return std::nullopt;
  return v;
}

milliseconds to_ms(double ms) {
  if (!(ms >= 0)) return milliseconds(0);
  if (ms > kMaxRetryAfterMs) ms = kMaxRetryAfterMs;
  return milliseconds(static_cast<int64_t>(std::ceil(ms)));
}

std::optional<bool> parse_should_retry(const HeaderList& headers) {
  auto v = find_header(headers, "x-should-retry");
  if (!v) return std::nullopt;
  const std::string_view t = trim(*v);
  if (iequals(t, "true")) return true;
  if (iequals(t, "false")) return false;
  return std::nullopt;
}

bool is_event_stream(const HeaderList& headers) {
  auto ct = find_header(headers, "content-type");
  return ct && contains_ci(*ct, "text/event-stream");
}

struct Rule {
  ErrorClass cls;
  bool retry;
  std::string_view what;
};

Rule status_rule(int status, const Classification& c) {
  using E = ErrorClass;
  switch (status) {
    case 400:
    case 413:
    case 422:
      if (is_policy(c)) return {E::kPolicy, false, "content policy"};
      return {E::kBadRequest, false, "bad request"};
    case 401:
      return {E::kAuth, false, "authentication failed"};
    case 403:
      if (is_policy(c)) return {E::kPolicy, false, "content policy"};
      return {E::kPermission, false, "permission denied"};
    case 404:
      return {E::kNotFound, false, "not found"};
    case 408:
      return {E::kTransient, true, "request timeout"};
    case 409:
      return {E::kTransient, true, "conflict"};
    case 429:
      if (is_quota(c)) return {E::kQuota, false, "quota or billing limit"};
      return {E::kThrottled, true, "rate limited"};
    case 500:
      // CometAPI: a 500 with code invalid_request is a malformed request.
      if (iequals(c.error_code, "invalid_request"))
        return {E::kServerInvalidRequest, false, "server reports an invalid request"};
      break;
    default:
      break;
  }
  if (status >= 500 && status < 600) return {E::kTransient, true, "server error"};
  return {E::kUnknown, false, "unexpected status"};
}

}  // namespace

std::string_view error_class_name(ErrorClass c) {
  switch (c) {
    case ErrorClass::kNone:
      return "none";
    case ErrorClass::kTransient:
      return "transient";
    case ErrorClass::kThrottled:
      return "throttled";
    case ErrorClass::kAuth:
      return "auth";
    case ErrorClass::kPermission:
      return "permission";
    case ErrorClass::kBadRequest:
      return "bad_request";
    case ErrorClass::kNotFound:
      return "not_found";
    case ErrorClass::kQuota:
      return "quota";
    case ErrorClass::kPolicy:
      return "policy";
    case ErrorClass::kServerInvalidRequest:
      return "server_invalid_request";
    case ErrorClass::kUnknown:
      return "unknown";
  }
  return "unknown";
}

std::string_view transport_error_name(TransportError e) {
  switch (e) {
    case TransportError::kConnectRefused:
      return "connect_refused";
    case TransportError::kConnectTimeout:
      return "connect_timeout";
    case TransportError::kReset:
      return "reset";
    case TransportError::kFirstByteTimeout:
      return "first_byte_timeout";
    case TransportError::kIdleTimeout:
      return "idle_timeout";
    case TransportError::kDeadline:
      return "deadline";
    case TransportError::kTls:
      return "tls";
    case TransportError::kResolve:
      return "resolve";
    case TransportError::kProtocol:
      return "protocol";
    case TransportError::kTooLarge:
      return "too_large";
  }
  return "unknown";
}

std::optional<milliseconds> parse_retry_after(const HeaderList& headers, WallTime now) {
  if (auto ms = find_header(headers, "retry-after-ms"))
    if (auto v = parse_decimal(*ms)) return to_ms(*v);
  auto ra = find_header(headers, "retry-after");
  if (!ra) return std::nullopt;
  if (auto secs = parse_decimal(*ra)) return to_ms(*secs * 1000.0);
  if (auto date = parse_http_date(trim(*ra))) {
    if (*date <= now) return milliseconds(0);
    const auto delta =
        std::chrono::duration_cast<std::chrono::duration<double, std::milli>>(*date - now);
    return to_ms(delta.count());
  }
  return std::nullopt;
}

Classification classify_response(int status, std::string_view body, const HeaderList& headers,
                                 WallTime now) {
  auto root = parse_json(body);
  return classify_parsed(status, root ? &*root : nullptr, headers, now);
}

Classification detail::classify_parsed(int status, const element* root,
                                       const HeaderList& headers, WallTime now) {
  Classification c;
  c.retry_after = parse_retry_after(headers, now);

  bool json = false, error_object = false;
  if (root != nullptr) {
    json = true;
    object o;
    element err;
    if (root->get_object().get(o) == simdjson::SUCCESS &&
        o.at_key("error").get(err) == simdjson::SUCCESS && !is_null(err)) {
      error_object = true;
      object eo;
      if (err.get_object().get(eo) == simdjson::SUCCESS) {
        if (auto v = member(eo, "code")) c.error_code = sanitize_code(*v);
        if (auto v = member(eo, "type")) c.error_type = sanitize_code(*v);
      }
    }
  }
  const bool stream = status >= 200 && status < 300 && is_event_stream(headers);
  c.body_not_json = !json && !stream;

  std::string reason = "HTTP " + std::to_string(status) + ": ";
  if (status >= 200 && status < 300) {
    if (stream || (json && !error_object)) {
      c.error_class = ErrorClass::kNone;
      reason = "HTTP " + std::to_string(status);
    } else {
      c.error_class = ErrorClass::kUnknown;
      reason += json ? "success status with an error body"
                     : "success status with a body that is not JSON; check the base URL";
    }
  } else if (status >= 300 && status < 400) {
    // The SDKs do not follow redirects to a different API: a redirect means
    // the base URL points at a website or the wrong scheme.
    c.error_class = ErrorClass::kUnknown;
    reason += "redirect instead of an API response; check the base URL";
  } else {
    const Rule rule = status_rule(status, c);
    c.error_class = rule.cls;
    c.retryable = rule.retry;
    reason += rule.what;
    if (!c.error_code.empty()) reason += " (" + c.error_code + ")";
    if (c.body_not_json) {
      reason += "; body is not JSON";
      if (status == 404 || status == 405) reason += ", check the base URL";
    }
  }

  if (c.error_class != ErrorClass::kNone) {
    if (auto sr = parse_should_retry(headers)) {
      c.should_retry_header = true;
      c.retryable = *sr;
      reason += *sr ? "; x-should-retry: true" : "; x-should-retry: false";
    }
  }
  c.reason = std::move(reason);
  return c;
}

Classification classify_transport(TransportError e) {
  Classification c;
  switch (e) {
    case TransportError::kConnectRefused:
    case TransportError::kConnectTimeout:
    case TransportError::kReset:
    case TransportError::kFirstByteTimeout:
    case TransportError::kIdleTimeout:
    case TransportError::kDeadline:
      c.error_class = ErrorClass::kTransient;
      c.retryable = true;
      break;
    case TransportError::kTls:
    case TransportError::kResolve:
    case TransportError::kProtocol:
    case TransportError::kTooLarge:
      // Configuration problems (certificate, host name, a base URL that does
      // not speak HTTP/1.1 on that port or scheme): retrying repeats them.
      c.error_class = ErrorClass::kUnknown;
      c.retryable = false;
      break;
  }
  c.reason = "transport: ";
  c.reason += transport_error_name(e);
  return c;
}

}  // namespace readygate::contract
