// Shared runtime state of routes and upstreams, used by every worker.
// Decisions stay in policy/ (pure); this only pairs them with a lock.
#pragma once

#include <array>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "config/config.h"
#include "policy/circuit_breaker.h"
#include "policy/retry_budget.h"
#include "policy/retry_policy.h"

namespace readygate {
class Clock;
namespace fleet {
class FleetSync;
}
}  // namespace readygate

namespace readygate::gateway {

// One per upstream (scheme://host:port): retries are budgeted per upstream.
struct UpstreamBudget {
  explicit UpstreamBudget(const policy::BudgetConfig& c) : budget(c) {}
  std::mutex mu;
  policy::RetryBudget budget;
};

// One per configured route. Thread-safe through `mu`.
struct RouteRuntime {
  RouteRuntime(const config::RouteConfig& c, std::string secret, UpstreamBudget* b);

  const config::RouteConfig& cfg;
  const std::string credential;  // resolved secret; never logged
  // The upstream request head without Content-Length and the blank line,
  // rendered once (it holds the credential: never logged): [0] answers,
  // [1] streams (Accept differs).
  const std::array<std::string, 2> request_head;
  policy::RetryConfig retry;
  UpstreamBudget* budget;        // owned by RouteTable
  std::mutex mu;
  policy::CircuitBreaker breaker;

  bool allow(SteadyTime now);
  void on_success(SteadyTime now);
  void on_failure(SteadyTime now);
  void on_ignored(SteadyTime now);  // an allowed call with no verdict (4xx, budget refusal)
  policy::BreakerState state(SteadyTime now);
};

// All routes and budgets of a config. Built once at startup.
class RouteTable {
 public:
  // Resolves credentials; an error names the route and variable/path.
  static std::expected<std::unique_ptr<RouteTable>, std::string> build(const config::Config& cfg);
  RouteRuntime* find(std::string_view name);
  // Keyed by scheme://host:port.
  const std::map<std::string, std::unique_ptr<UpstreamBudget>, std::less<>>& budgets() const {
    return budgets_;
  }
  const std::map<std::string, std::unique_ptr<RouteRuntime>, std::less<>>& routes() const {
    return routes_;
  }

 private:
  std::map<std::string, std::unique_ptr<UpstreamBudget>, std::less<>> budgets_;
  std::map<std::string, std::unique_ptr<RouteRuntime>, std::less<>> routes_;
};

// The fleet sync for `cfg.fleet` with every budget and breaker of `table`
// registered (not started); null when the config has no fleet. The error
// names `fleet.password` when its secret does not resolve (never the value).
std::expected<std::unique_ptr<fleet::FleetSync>, std::string> make_fleet_sync(
    const config::Config& cfg, RouteTable& table, const Clock& clock);

policy::RetryConfig to_retry_config(const config::RetrySettings& s);
policy::BreakerConfig to_breaker_config(const config::BreakerSettings& s);
policy::BudgetConfig to_budget_config(const config::BudgetSettings& s);

}  // namespace readygate::gateway
