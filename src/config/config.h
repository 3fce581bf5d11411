// readygate's configuration: YAML validated once, at load, into typed structs
// (STYLE habit 6). Nothing downstream re-parses strings: durations are
// milliseconds, base URLs are split into scheme/host/port/path, credentials
// are references (an environment variable or a file), never values.
//
// Secrets: a route's credential is resolved at request time by
// resolve_credential(); client keys are hashed at load and only their SHA-256
// is kept. No error message, fingerprint or rendering ever contains a secret.
//
// Thread-safety: a loaded Config is immutable; share it by const reference or
// shared_ptr<const Config> across threads. Loading touches the environment
// and the file system and is meant for startup and `serve --check`.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "contract/surface.h"

namespace readygate::config {

// YAML accepts "500ms", "2s", "1m", "1h" or a bare integer of milliseconds.
using Duration = std::chrono::milliseconds;

struct ListenerConfig {
  std::string host = "127.0.0.1";  // without brackets for IPv6
  uint16_t port = 8080;
};

// A client key as configured: `sha256: HEX`, or `env: VAR` / `file: PATH`
// whose value is read and hashed at load. The raw key is never stored.
struct ClientKey {
  std::string name;
  std::string sha256_hex;  // lower-case hex SHA-256 of the key
  std::string origin;      // "sha256", "env:VAR" or "file:PATH" (for summaries; no secret)
};

// Where a route's upstream secret comes from. `ref` is the variable name or
// the file path (relative paths are resolved against the config file's
// directory at load). kNone is only set by an explicit `credential: none`.
struct Credential {
  enum class Source { kNone, kEnv, kFile } source = Source::kNone;
  std::string ref;
};

// Resolves a credential's secret now (env or file, trimmed of surrounding
// whitespace). The error names the variable or path, never the value. A
// kNone credential resolves to an error: callers skip auth for it instead.
std::expected<std::string, std::string> resolve_credential(const Credential& c);

struct Timeouts {
  Duration connect{5000};
  Duration first_byte{60000};
  Duration stream_idle{30000};
  Duration total{600000};
};

struct RetrySettings {
  int max_attempts = 3;  // attempts in total on one route, 1..5
  Duration base{500};
  Duration base_after_429{1000};
  Duration cap{8000};
  Duration retry_after_cap{30000};  // a longer Retry-After is not waited for
};

struct BreakerSettings {
  int consecutive_failures = 5;
  double failure_rate = 0.5;  // (0, 1]
  int min_calls = 20;
  Duration window{30000};
  Duration open_base{30000};
  Duration open_max{300000};
  int half_open_probes = 3;
};

// A documentation page checked for the readiness note.
struct DocLink {
  std::string url;
  std::string accessed;  // "YYYY-MM-DD"
};

struct RouteConfig {
  std::string name;  // [a-z0-9_-]+, unique
  contract::Surface surface = contract::Surface::kChatCompletions;
  std::string base_url;              // normalized: lower-case scheme and host, no trailing slash
  std::string scheme;                // "http" | "https"
  std::string host;                  // lower-case, without brackets for IPv6
  std::string base_path;             // "/v1"; "" when the URL has no path; never a trailing slash
  uint16_t port = 0;                 // explicit, or 443 / 80 by scheme
  bool tls = false;                  // scheme == "https"
  bool allow_insecure_http = false;  // plain http to a non-loopback host was allowed
  Credential credential;
  std::string model;  // upstream model name (rewrite); empty = keep the client's
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers, in order
  Timeouts timeouts;
  RetrySettings retry;
  BreakerSettings breaker;
  std::vector<DocLink> docs;
};

// The request target on the upstream: base_path + "/chat/completions" or
// base_path + "/responses" (e.g. "/v1/chat/completions").
std::string upstream_target(const RouteConfig& route);

// What `serve` does with a fallback route (any route of a chain but the
// primary) whose latest passing review is missing, failed, or for another
// fingerprint of the route (review state: evidence/review_rows.h).
//   kRefuse   the chain skips it ("skipped:<route>:unreviewed");
//   kLimited  it serves at most `limited_share` of the fallback traffic that
//             reaches it (deterministic count), else skipped as
//             "skipped:<route>:unreviewed_limit";
//   kAllow    it serves, and the record says review required.
enum class UnreviewedPolicy { kRefuse, kLimited, kAllow };
std::string_view unreviewed_policy_name(UnreviewedPolicy p);  // "refuse", "limited", "allow"

struct FallbackSettings {
  bool on_shape_mismatch = true;
  bool on_truncated_before_first_byte = true;
  // YAML: chains[i].fallback.unreviewed: refuse | limited | allow
  UnreviewedPolicy unreviewed = UnreviewedPolicy::kRefuse;
  // YAML: chains[i].fallback.limited_share, in (0, 1]; only with `limited`.
  double limited_share = 0.1;
};

// The routes that serve one client-visible model name, in fallback order.
struct ChainConfig {
  std::string model;                // client-visible model name, unique
  std::vector<std::string> routes;  // route names; routes[0] is the primary
  FallbackSettings fallback;
};

struct BudgetSettings {
  double ratio = 0.1;  // retries / requests over `window`, [0, 1]
  Duration window{10000};
  double min_retries_per_second = 10;
};

struct LimitSettings {
  size_t max_body_bytes = 8 << 20;  // YAML: an integer or "8MiB", "64KiB"
  size_t max_header_bytes = 64 << 10;
  size_t max_connections = 4096;
  size_t max_streams = 1024;
  // Request bodies held in memory at once, all connections together: a new
  // body that would pass it gets 503 on its head (connections x
  // max_body_bytes would otherwise bound nothing).
  size_t max_buffered_body_bytes = size_t{128} << 20;
  // An upstream JSON answer larger than this is a failed attempt.
  size_t max_response_bytes = size_t{64} << 20;
  // Bytes of an upstream stream held before its first complete event (the
  // stream is not committed to the client yet); more is a failed attempt.
  size_t max_pre_commit_bytes = size_t{1} << 20;
  Duration client_header_timeout{30000};
  Duration client_body_timeout{60000};
  Duration client_write_timeout{60000};
  Duration idle_timeout{75000};
  Duration shutdown_grace{10000};
};

struct EvidenceSettings {
  std::string path = "readygate-evidence.db";
  size_t queue_capacity = 65536;
  std::string environment = "local";  // [A-Za-z0-9_.-]+
};

// Shared policy state for a fleet of gateway replicas (fleet/FleetSync):
// retry budgets and breaker openings exchanged through Redis. Empty
// redis_url: each replica keeps its state in-process (the default).
struct FleetSettings {
  std::string redis_url;  // "redis://HOST:PORT[/DB]" or "unix:///PATH[?db=N]"; no userinfo
  Credential password;    // optional, env or file
  std::string key_prefix = "readygate";
  Duration sync_interval{250};
  Duration timeout{200};
};

struct Config {
  // `listen: HOST:PORT` or `listeners: [HOST:PORT, ...]`; default one 127.0.0.1:8080.
  std::vector<ListenerConfig> listeners;
  // Empty: no client auth, allowed only when every listener is loopback.
  std::vector<ClientKey> client_keys;
  std::vector<RouteConfig> routes;
  std::vector<ChainConfig> chains;
  BudgetSettings budget;
  LimitSettings limits;
  EvidenceSettings evidence;
  FleetSettings fleet;
  // SHA-256 hex of render_canonical(*this): everything that shapes behaviour,
  // nothing secret (client keys contribute their name and origin, not their
  // hash). Stable under YAML key order, whitespace, comments and the order of
  // routes, chains, listeners and client keys; chain route order counts.
  std::string fingerprint;
  // Not errors, but worth a look in `serve --check`: a route no chain uses, a
  // chain without a fallback, a route credential that does not resolve now.
  // Never contains a secret; not part of the fingerprint.
  std::vector<std::string> warnings;

  const RouteConfig* find_route(std::string_view name) const;
  const ChainConfig* find_chain(std::string_view model) const;
  // SHA-256 hex of the route's canonical rendering; "" for an unknown route.
  std::string fingerprint_of_route(std::string_view name) const;
};

// Loads and validates. On failure, every error found (not only the first),
// each "PATH: problem" with PATH in YAML terms, e.g.
//   routes[1].base_url: must start with http:// or https://
//   chains[0].routes[1]: unknown route 'foo'
//   routes[0]: unknown key 'rtries' (did you mean 'retry'?)
// Root-level problems have no PATH prefix. YAML syntax errors read
// "SOURCE:LINE:COLUMN: YAML syntax error: ..." (1-based). Relative `file:`
// paths are resolved against the config file's directory (load_config_file)
// or the working directory (load_config_text).
std::expected<Config, std::vector<std::string>> load_config_file(const std::string& path);
std::expected<Config, std::vector<std::string>> load_config_text(
    std::string_view yaml, std::string_view source_name = "<config>");

// Constant-time check of a presented client key against the configured
// hashes (CRYPTO_memcmp over SHA-256, every key compared). Returns the
// matching key's name.
std::optional<std::string> match_client_key(const Config& config, std::string_view presented);

// Parses "500ms", "2s", "1m", "1h" or an integer of milliseconds. Negative
// values, fractions and overflow are errors.
std::expected<Duration, std::string> parse_duration(std::string_view text);

// Parses an integer of bytes or one with a binary suffix: "512KiB", "8MiB", "1GiB".
std::expected<size_t, std::string> parse_byte_size(std::string_view text);

// The canonical JSON rendering the fingerprint hashes: sorted keys, durations
// in milliseconds, no secrets. Useful for `serve --check --print`.
std::string render_canonical(const Config& config);

// A few human lines for `serve --check`: listeners, routes with their
// surface and upstream, chains in fallback order, the fingerprint.
std::string summarize(const Config& config);

}  // namespace readygate::config
