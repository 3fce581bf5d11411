#include "review/step_configs.h"

#include <algorithm>

namespace readygate::review {

config::Config step_config(const config::Config& base, const std::string& chain_model,
                           std::vector<config::RouteConfig> routes,
                           const std::string& environment) {
  config::Config c;
  c.listeners = {config::ListenerConfig{"127.0.0.1", 0}};
  c.client_keys.clear();  // loopback only: the review is the only client
  config::ChainConfig chain;
  chain.model = chain_model;
  if (const auto* reviewed = base.find_chain(chain_model)) chain.fallback = reviewed->fallback;
  // The review is what reviews the fallback: its step gateways serve it
  // unreviewed, and its records say review required.
  chain.fallback.unreviewed = config::UnreviewedPolicy::kAllow;
  for (const auto& r : routes) chain.routes.push_back(r.name);
  c.routes = std::move(routes);
  c.chains = {std::move(chain)};
  c.budget = base.budget;
  c.limits = base.limits;
  c.evidence = base.evidence;
  c.evidence.path = "evidence.jsonl";  // links are relative to the note
  c.evidence.environment = environment;
  c.fingerprint = base.fingerprint;  // records name the reviewed config
  return c;
}

config::RouteConfig at_builtin_provider(config::RouteConfig route, uint16_t port,
                                        const std::string& key_file) {
  route.scheme = "http";
  route.host = "127.0.0.1";
  route.port = port;
  route.base_path = "/v1";
  route.base_url = "http://127.0.0.1:" + std::to_string(port) + "/v1";
  route.tls = false;
  route.allow_insecure_http = false;
  route.headers.clear();
  return with_credential_file(std::move(route), key_file);
}

config::RouteConfig with_credential_file(config::RouteConfig route, const std::string& key_file) {
  route.credential = config::Credential{config::Credential::Source::kFile, key_file};
  return route;
}

int64_t backoff_bound_ms(const config::RetrySettings& retry, int retry_index) {
  const int64_t base = retry.base.count();
  const int64_t cap = retry.cap.count();
  int64_t bound = base;
  for (int i = 0; i < retry_index && bound < cap; ++i) bound *= 2;
  return std::min(bound, cap);
}

int64_t worst_case_backoff_ms(const config::RetrySettings& retry, int attempts) {
  int64_t total = 0;
  for (int i = 0; i + 1 < attempts; ++i) total += backoff_bound_ms(retry, i);
  return total;
}

std::string shorten_backoff_if_long(config::RetrySettings& retry, int attempts,
                                    const std::string& route_name) {
  const int64_t worst = worst_case_backoff_ms(retry, attempts);
  if (worst <= kLongBackoffMs) return {};
  retry.base = config::Duration(50);
  retry.base_after_429 = config::Duration(50);
  retry.cap = config::Duration(400);
  return "route " + route_name + ": backoff shortened to base 50 ms, cap 400 ms (its own " +
         "settings could wait up to " + std::to_string(worst) + " ms over " +
         std::to_string(attempts) + " attempts)";
}

}  // namespace readygate::review
