// The configs review builds for its in-process gateways, as pure transforms
// of the reviewed config: one chain of the routes a step needs, a loopback
// listener on port 0, no client keys, and routes re-pointed where a step
// says so (the built-in provider in a route's path, a deliberately invalid
// credential). Everything else of a route (timeouts, retry, breaker, model
// rewrite, extra headers) is kept, so each step runs the real data path.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "config/config.h"

namespace readygate::review {

// A gateway config serving `chain_model` through `routes`, in order.
config::Config step_config(const config::Config& base, const std::string& chain_model,
                           std::vector<config::RouteConfig> routes, const std::string& environment);

// `route` sending its requests to the built-in provider on 127.0.0.1:port
// with the key in `key_file` instead of its own upstream and credential.
// Extra headers are dropped (they are meant for the real provider).
config::RouteConfig at_builtin_provider(config::RouteConfig route, uint16_t port,
                                        const std::string& key_file);

// `route` with its credential read from `key_file` (the invalid key).
config::RouteConfig with_credential_file(config::RouteConfig route, const std::string& key_file);

// The longest the gateway may sleep between `attempts` attempts on `retry`
// (sum of the full-jitter bounds), in milliseconds.
int64_t worst_case_backoff_ms(const config::RetrySettings& retry, int attempts);

// The policy bound of the delay before retry `retry_index` (0: first retry).
int64_t backoff_bound_ms(const config::RetrySettings& retry, int retry_index);

// Above this worst case, steps 4-5 use kShortBackoff instead of the route's
// own base and cap (and the note says so).
inline constexpr int64_t kLongBackoffMs = 3000;

// Shortens `retry` to base 50 ms (cap 400 ms) when its worst case for
// `attempts` attempts exceeds kLongBackoffMs. Returns a note for the
// readiness note ("" when the route's own settings were kept).
std::string shorten_backoff_if_long(config::RetrySettings& retry, int attempts,
                                    const std::string& route_name);

}  // namespace readygate::review
