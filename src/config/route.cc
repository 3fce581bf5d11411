// One route: its identity, upstream, and per-route policy numbers.
#include <algorithm>
#include <charconv>

#include "base/host_port.h"
#include "config/sections.h"

namespace readygate::config::detail {
namespace {

bool is_route_name(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

// Keys people use for an inline secret where `credential` belongs.
constexpr std::string_view kSecretKeys[] = {"api_key", "apikey", "key",
                                            "token",   "secret", "password"};

std::string ms(Duration d) { return std::to_string(d.count()) + "ms"; }

void require_positive(const MapNode& m, std::string_view key, Duration d) {
  if (d.count() <= 0) m.problems().error(m.path_of(key), "must be positive");
}

void require_range(const MapNode& m, std::string_view key, int v, int lo, int hi) {
  if (v < lo || v > hi)
    m.problems().error(m.path_of(key), "must be " + std::to_string(lo) + ".." + std::to_string(hi));
}

void parse_timeouts(const MapNode& route, Timeouts& t) {
  MapNode m(route.get("timeouts").value_or(YAML::Node()), route.path_of("timeouts"),
            route.problems(), {"connect", "first_byte", "stream_idle", "total"});
  if (!m.is_map()) return;
  m.read_duration("connect", t.connect);
  m.read_duration("first_byte", t.first_byte);
  m.read_duration("stream_idle", t.stream_idle);
  m.read_duration("total", t.total);
  require_positive(m, "connect", t.connect);
  require_positive(m, "first_byte", t.first_byte);
  require_positive(m, "stream_idle", t.stream_idle);
  require_positive(m, "total", t.total);
  if (t.total < std::max(t.connect, t.first_byte))
    m.problems().error(m.path_of("total"), "must be at least connect (" + ms(t.connect) +
                                               ") and first_byte (" + ms(t.first_byte) + ")");
}

void parse_retry(const MapNode& route, RetrySettings& r) {
  MapNode m(route.get("retry").value_or(YAML::Node()), route.path_of("retry"), route.problems(),
            {"max_attempts", "base", "base_after_429", "cap", "retry_after_cap"});
  if (!m.is_map()) return;
  m.read_int("max_attempts", r.max_attempts);
  m.read_duration("base", r.base);
  m.read_duration("base_after_429", r.base_after_429);
  m.read_duration("cap", r.cap);
  m.read_duration("retry_after_cap", r.retry_after_cap);
  // gRPC A6 caps attempts at 5; more only multiplies load on a sick upstream.
  require_range(m, "max_attempts", r.max_attempts, 1, 5);
  require_positive(m, "base", r.base);
  require_positive(m, "base_after_429", r.base_after_429);
  if (r.cap < std::max(r.base, r.base_after_429))
    m.problems().error(m.path_of("cap"), "must be at least base (" + ms(r.base) +
                                             ") and base_after_429 (" + ms(r.base_after_429) + ")");
}

void parse_breaker(const MapNode& route, BreakerSettings& b) {
  MapNode m(route.get("breaker").value_or(YAML::Node()), route.path_of("breaker"), route.problems(),
            {"consecutive_failures", "failure_rate", "min_calls", "window", "open_base", "open_max",
             "half_open_probes"});
  if (!m.is_map()) return;
  m.read_int("consecutive_failures", b.consecutive_failures);
  m.read_double("failure_rate", b.failure_rate);
  m.read_int("min_calls", b.min_calls);
  m.read_duration("window", b.window);
  m.read_duration("open_base", b.open_base);
  m.read_duration("open_max", b.open_max);
  m.read_int("half_open_probes", b.half_open_probes);
  require_range(m, "consecutive_failures", b.consecutive_failures, 1, 1000);
  if (!(b.failure_rate > 0 && b.failure_rate <= 1))
    m.problems().error(m.path_of("failure_rate"), "must be greater than 0 and at most 1");
  require_range(m, "min_calls", b.min_calls, 1, 100000);
  require_positive(m, "window", b.window);
  require_positive(m, "open_base", b.open_base);
  if (b.open_max < b.open_base)
    m.problems().error(m.path_of("open_max"),
                       "must be at least open_base (" + ms(b.open_base) + ")");
  require_range(m, "half_open_probes", b.half_open_probes, 1, 100);
}

bool is_date(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  int y = 0, mo = 0, d = 0;
  auto num = [&](size_t pos, size_t len, int& out) {
    const auto [p, ec] = std::from_chars(s.data() + pos, s.data() + pos + len, out);
    return ec == std::errc() && p == s.data() + pos + len;
  };
  if (!num(0, 4, y) || !num(5, 2, mo) || !num(8, 2, d) || mo < 1 || mo > 12 || d < 1) return false;
  static constexpr int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return d <= kDays[mo - 1] && !(mo == 2 && d == 29 && !leap);
}

void parse_docs(const MapNode& route, std::vector<DocLink>& docs) {
  auto node = route.get("docs");
  if (!node) return;
  Problems& p = route.problems();
  for_each_item(*node, route.path_of("docs"), p,
                [&](const YAML::Node& item, const std::string& path) {
                  MapNode m(item, path, p, {"url", "accessed"});
                  if (!m.is_map()) return;
                  DocLink link;
                  if (!m.has("url")) p.error(m.path_of("url"), "required");
                  if (!m.has("accessed")) p.error(m.path_of("accessed"), "required (YYYY-MM-DD)");
                  if (m.read_string("url", link.url) && !link.url.starts_with("https://") &&
                      !link.url.starts_with("http://"))
                    p.error(m.path_of("url"), "must start with http:// or https://");
                  if (m.read_string("accessed", link.accessed) && !is_date(link.accessed))
                    p.error(m.path_of("accessed"),
                            "must be a date YYYY-MM-DD, got " + quote_value(link.accessed));
                  docs.push_back(std::move(link));
                });
}

}  // namespace

RouteConfig parse_route(const YAML::Node& node, const std::string& path, LoadContext& ctx) {
  Problems& p = ctx.problems;
  MapNode m(node, path, p,
            {"name", "surface", "base_url", "allow_insecure_http", "credential", "model", "headers",
             "timeouts", "retry", "breaker", "docs"},
            {{kSecretKeys[0], kInlineRouteSecret},
             {kSecretKeys[1], kInlineRouteSecret},
             {kSecretKeys[2], kInlineRouteSecret},
             {kSecretKeys[3], kInlineRouteSecret},
             {kSecretKeys[4], kInlineRouteSecret},
             {kSecretKeys[5], kInlineRouteSecret}});
  RouteConfig r;
  if (!m.is_map()) return r;

  if (!m.has("name")) p.error(m.path_of("name"), "required");
  if (m.read_string("name", r.name) && !is_route_name(r.name))
    p.error(m.path_of("name"), "must match [a-z0-9_-]+, got " + quote_value(r.name));

  std::string surface;
  if (!m.has("surface")) p.error(m.path_of("surface"), "required: chat_completions or responses");
  if (m.read_string("surface", surface)) {
    if (auto s = contract::parse_surface(surface))
      r.surface = *s;
    else
      p.error(m.path_of("surface"),
              "must be chat_completions or responses, got " + quote_value(surface));
  }

  m.read_bool("allow_insecure_http", r.allow_insecure_http);
  std::string url;
  if (!m.has("base_url"))
    p.error(m.path_of("base_url"), "required (like https://api.openai.com/v1)");
  if (m.read_string("base_url", url, /*show_value=*/false)) {
    if (auto u = parse_base_url(url)) {
      r.base_url = u->normalized;
      r.scheme = u->scheme;
      r.host = u->host;
      r.port = u->port;
      r.base_path = u->base_path;
      r.tls = r.scheme == "https";
      if (!r.tls && !is_loopback_host(r.host)) {
        if (!r.allow_insecure_http)
          p.error(m.path_of("base_url"),
                  "plain http is only allowed to loopback hosts (127.x, ::1, localhost); use "
                  "https, or set `allow_insecure_http: true` on this route");
        else
          p.warning(m.path_of("base_url"),
                    "plain http to a non-loopback host (credentials and "
                    "prompts cross the network unencrypted)");
      }
    } else {
      p.error(m.path_of("base_url"), u.error());
    }
  }

  // `api_key: ...` in place of `credential` already has its error; "credential:
  // required" on top would say the same thing twice.
  const bool inline_secret = std::any_of(std::begin(kSecretKeys), std::end(kSecretKeys),
                                         [&](std::string_view k) { return m.has(k); });
  if (!inline_secret || m.has("credential")) parse_credential(m, ctx, r.credential);
  if (m.read_string("model", r.model) &&
      std::any_of(r.model.begin(), r.model.end(), [](char c) { return c == ' ' || c == '\t'; }))
    p.error(m.path_of("model"), "must not contain spaces, got " + quote_value(r.model));
  parse_headers(m, ctx, r.headers);
  parse_timeouts(m, r.timeouts);
  parse_retry(m, r.retry);
  parse_breaker(m, r.breaker);
  parse_docs(m, r.docs);
  return r;
}

}  // namespace readygate::config::detail
