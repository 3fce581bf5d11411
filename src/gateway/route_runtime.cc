#include "gateway/route_runtime.h"

#include "fleet/fleet_sync.h"
#include "gateway/log.h"
#include "net/http_server.h"
#include "sanitize/sanitize.h"

namespace readygate::gateway {

policy::RetryConfig to_retry_config(const config::RetrySettings& s) {
  policy::RetryConfig r;
  r.max_attempts = s.max_attempts;
  r.base = s.base;
  r.base_after_429 = s.base_after_429;
  r.cap = s.cap;
  r.retry_after_cap = s.retry_after_cap;
  r.retry_after_jitter = policy::RetryConfig{}.retry_after_jitter;
  return r;
}

policy::BreakerConfig to_breaker_config(const config::BreakerSettings& s) {
  policy::BreakerConfig b;
  b.consecutive_failures = s.consecutive_failures;
  b.failure_rate = s.failure_rate;
  b.min_calls = s.min_calls;
  b.window = std::chrono::duration_cast<std::chrono::seconds>(s.window);
  b.open_base = s.open_base;
  b.open_max = s.open_max;
  b.half_open_probes = s.half_open_probes;
  return b;
}

policy::BudgetConfig to_budget_config(const config::BudgetSettings& s) {
  policy::BudgetConfig b;
  b.ratio = s.ratio;
  b.window = std::chrono::duration_cast<std::chrono::seconds>(s.window);
  b.min_retries_per_second = s.min_retries_per_second;
  return b;
}

// Renders with Beast once, so extra route headers replace ours exactly as
// http::fields::set() does; the trailing blank line is left off.
std::string render_request_head(const config::RouteConfig& r, const std::string& credential,
                                bool stream) {
  namespace http = net::http;
  http::request<http::empty_body> req{http::verb::post, config::upstream_target(r), 11};
  const bool default_port = (r.tls && r.port == 443) || (!r.tls && r.port == 80);
  req.set(http::field::host, default_port ? r.host : r.host + ":" + std::to_string(r.port));
  req.set(http::field::content_type, "application/json");
  req.set(http::field::accept, stream ? "text/event-stream" : "application/json");
  req.set(http::field::user_agent, "readygate/0.1");
  if (!credential.empty()) req.set(http::field::authorization, "Bearer " + credential);
  for (const auto& [k, v] : r.headers) req.set(k, v);
  std::string head;
  net::append_request_head(head, req);
  head.resize(head.size() - 2);  // the blank line; Content-Length comes per request
  return head;
}

RouteRuntime::RouteRuntime(const config::RouteConfig& c, std::string secret, UpstreamBudget* b)
    : cfg(c),
      credential(std::move(secret)),
      request_head{render_request_head(c, credential, false), render_request_head(c, credential, true)},
      retry(to_retry_config(c.retry)),
      budget(b),
      breaker(to_breaker_config(c.breaker)) {
  breaker.set_transition_hook([name = c.name](policy::BreakerState from, policy::BreakerState to) {
    log_event(to == policy::BreakerState::kOpen ? LogLevel::kWarn : LogLevel::kInfo,
              "breaker_transition",
              {{"route", name},
               {"from", policy::breaker_state_name(from)},
               {"to", policy::breaker_state_name(to)}});
  });
}

bool RouteRuntime::allow(SteadyTime now) {
  std::lock_guard lock(mu);
  return breaker.allow(now);
}

void RouteRuntime::on_success(SteadyTime now) {
  std::lock_guard lock(mu);
  breaker.on_success(now);
}

void RouteRuntime::on_failure(SteadyTime now) {
  std::lock_guard lock(mu);
  breaker.on_failure(now);
}

void RouteRuntime::on_ignored(SteadyTime now) {
  std::lock_guard lock(mu);
  breaker.on_ignored(now);
}

policy::BreakerState RouteRuntime::state(SteadyTime now) {
  std::lock_guard lock(mu);
  return breaker.state(now);
}

std::expected<std::unique_ptr<RouteTable>, std::string> RouteTable::build(
    const config::Config& cfg) {
  auto t = std::make_unique<RouteTable>();
  for (const auto& r : cfg.routes) {
    std::string secret;
    if (r.credential.source != config::Credential::Source::kNone) {
      auto s = config::resolve_credential(r.credential);
      if (!s) return std::unexpected("route '" + r.name + "': " + s.error());
      secret = std::move(*s);
    }
    const std::string key = r.scheme + "://" + r.host + ":" + std::to_string(r.port);
    auto& b = t->budgets_[key];
    if (!b) b = std::make_unique<UpstreamBudget>(to_budget_config(cfg.budget));
    t->routes_[r.name] = std::make_unique<RouteRuntime>(r, std::move(secret), b.get());
  }
  return t;
}

std::expected<std::unique_ptr<fleet::FleetSync>, std::string> make_fleet_sync(
    const config::Config& cfg, RouteTable& table, const Clock& clock) {
  const config::FleetSettings& f = cfg.fleet;
  if (f.redis_url.empty()) return nullptr;
  fleet::FleetOptions o;
  auto endpoint = fleet::parse_redis_url(f.redis_url);
  if (!endpoint) return std::unexpected("fleet.redis: " + endpoint.error());
  o.endpoint = std::move(*endpoint);
  if (f.password.source != config::Credential::Source::kNone) {
    auto pw = config::resolve_credential(f.password);
    if (!pw) return std::unexpected("fleet.password: " + pw.error());
    sanitize::register_secret(*pw);  // kept out of every log line and record, like route keys
    o.password = std::move(*pw);
  }
  o.key_prefix = f.key_prefix;
  o.interval = f.sync_interval;
  o.timeout = f.timeout;
  auto sync = std::make_unique<fleet::FleetSync>(std::move(o), clock);
  for (const auto& [upstream, b] : table.budgets()) sync->add_budget(upstream, b->mu, b->budget);
  for (const auto& [name, rt] : table.routes()) sync->add_breaker(name, rt->mu, rt->breaker);
  return sync;
}

RouteRuntime* RouteTable::find(std::string_view name) {
  auto it = routes_.find(name);
  return it == routes_.end() ? nullptr : it->second.get();
}

}  // namespace readygate::gateway
