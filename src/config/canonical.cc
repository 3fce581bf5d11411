// The canonical rendering behind the fingerprint, lookups and the summary.
// Rendering from the typed structs (not the YAML) is what makes the
// fingerprint ignore key order, whitespace, comments, anchors and spelling
// variants such as "2s" vs 2000.
#include <nlohmann/json.hpp>

#include <algorithm>

#include "base/headers.h"
#include "base/sha256.h"
#include "config/config.h"

namespace readygate::config {
namespace {

using nlohmann::json;

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::string_view source_name(Credential::Source s) {
  switch (s) {
    case Credential::Source::kEnv:
      return "env";
    case Credential::Source::kFile:
      return "file";
    case Credential::Source::kNone:
      break;
  }
  return "none";
}

json route_json(const RouteConfig& r) {
  // Header names are case-insensitive and a YAML map has no order: sort.
  std::vector<std::pair<std::string, std::string>> headers;
  for (const auto& [k, v] : r.headers) headers.emplace_back(lower(k), v);
  std::sort(headers.begin(), headers.end());
  std::vector<std::pair<std::string, std::string>> docs;
  for (const auto& d : r.docs) docs.emplace_back(d.url, d.accessed);
  std::sort(docs.begin(), docs.end());
  json j = {
      {"name", r.name},
      {"surface", contract::surface_name(r.surface)},
      {"base_url", r.base_url},
      {"allow_insecure_http", r.allow_insecure_http},
      // The reference only: where the secret lives, never the secret.
      {"credential", {{"source", source_name(r.credential.source)}, {"ref", r.credential.ref}}},
      {"model", r.model},
      {"headers", headers},
      {"timeouts",
       {{"connect", r.timeouts.connect.count()},
        {"first_byte", r.timeouts.first_byte.count()},
        {"stream_idle", r.timeouts.stream_idle.count()},
        {"total", r.timeouts.total.count()}}},
      {"retry",
       {{"max_attempts", r.retry.max_attempts},
        {"base", r.retry.base.count()},
        {"base_after_429", r.retry.base_after_429.count()},
        {"cap", r.retry.cap.count()},
        {"retry_after_cap", r.retry.retry_after_cap.count()}}},
      {"breaker",
       {{"consecutive_failures", r.breaker.consecutive_failures},
        {"failure_rate", r.breaker.failure_rate},
        {"min_calls", r.breaker.min_calls},
        {"window", r.breaker.window.count()},
        {"open_base", r.breaker.open_base.count()},
        {"open_max", r.breaker.open_max.count()},
        {"half_open_probes", r.breaker.half_open_probes}}},
      {"docs", docs},
  };
  return j;
}

json config_json(const Config& c) {
  std::vector<std::pair<std::string, uint16_t>> listeners;
  for (const auto& l : c.listeners) listeners.emplace_back(l.host, l.port);
  std::sort(listeners.begin(), listeners.end());
  // Client keys: name and where the key comes from. Not the hash: it is a
  // function of the secret, and the fingerprint must not move with a secret.
  std::vector<std::pair<std::string, std::string>> keys;
  for (const auto& k : c.client_keys) keys.emplace_back(k.name, k.origin);
  std::sort(keys.begin(), keys.end());
  std::vector<const RouteConfig*> routes;
  for (const auto& r : c.routes) routes.push_back(&r);
  std::sort(routes.begin(), routes.end(), [](auto* a, auto* b) { return a->name < b->name; });
  json route_list = json::array();
  for (const auto* r : routes) route_list.push_back(route_json(*r));
  std::vector<const ChainConfig*> chains;
  for (const auto& ch : c.chains) chains.push_back(&ch);
  std::sort(chains.begin(), chains.end(), [](auto* a, auto* b) { return a->model < b->model; });
  json chain_list = json::array();
  for (const auto* ch : chains)
    chain_list.push_back(
        {{"model", ch->model},
         {"routes", ch->routes},  // order is the fallback order: kept
         {"fallback",
          {{"on_shape_mismatch", ch->fallback.on_shape_mismatch},
           {"on_truncated_before_first_byte", ch->fallback.on_truncated_before_first_byte},
           {"unreviewed", unreviewed_policy_name(ch->fallback.unreviewed)},
           {"limited_share", ch->fallback.limited_share}}}});
  const LimitSettings& l = c.limits;
  nlohmann::json doc = {
      {"listeners", listeners},
      {"client_keys", keys},
      {"routes", route_list},
      {"chains", chain_list},
      {"budget",
       {{"ratio", c.budget.ratio},
        {"window", c.budget.window.count()},
        {"min_retries_per_second", c.budget.min_retries_per_second}}},
      {"limits",
       {{"max_body_bytes", l.max_body_bytes},
        {"max_header_bytes", l.max_header_bytes},
        {"max_connections", l.max_connections},
        {"max_streams", l.max_streams},
        {"client_header_timeout", l.client_header_timeout.count()},
        {"client_body_timeout", l.client_body_timeout.count()},
        {"client_write_timeout", l.client_write_timeout.count()},
        {"idle_timeout", l.idle_timeout.count()},
        {"shutdown_grace", l.shutdown_grace.count()}}},
      {"evidence",
       {{"path", c.evidence.path},
        {"queue_capacity", c.evidence.queue_capacity},
        {"environment", c.evidence.environment}}},
  };
  // Limits added later count only when they differ from their defaults, so
  // the fingerprints (and reviews) of configs that leave them alone hold.
  const LimitSettings defaults;
  auto& lim = doc["limits"];
  if (l.max_buffered_body_bytes != defaults.max_buffered_body_bytes)
    lim["max_buffered_body_bytes"] = l.max_buffered_body_bytes;
  if (l.max_response_bytes != defaults.max_response_bytes)
    lim["max_response_bytes"] = l.max_response_bytes;
  if (l.max_pre_commit_bytes != defaults.max_pre_commit_bytes)
    lim["max_pre_commit_bytes"] = l.max_pre_commit_bytes;
  // Only when set, so configs without a fleet keep their fingerprints.
  if (!c.fleet.redis_url.empty())
    doc["fleet"] = {{"redis", c.fleet.redis_url},
                    {"password", c.fleet.password.source == Credential::Source::kNone ? "none"
                                 : c.fleet.password.source == Credential::Source::kEnv
                                     ? "env:" + c.fleet.password.ref
                                     : "file:" + c.fleet.password.ref},
                    {"key_prefix", c.fleet.key_prefix},
                    {"sync_interval", c.fleet.sync_interval.count()},
                    {"timeout", c.fleet.timeout.count()}};
  return doc;
}

std::string host_port(const std::string& host, uint16_t port) {
  const bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

}  // namespace

std::string_view unreviewed_policy_name(UnreviewedPolicy p) {
  switch (p) {
    case UnreviewedPolicy::kRefuse:
      return "refuse";
    case UnreviewedPolicy::kLimited:
      return "limited";
    case UnreviewedPolicy::kAllow:
      return "allow";
  }
  return "refuse";
}

std::string upstream_target(const RouteConfig& route) {
  return route.base_path +
         (route.surface == contract::Surface::kResponses ? "/responses" : "/chat/completions");
}

std::string render_canonical(const Config& config) {
  // nlohmann::json objects keep keys sorted; dump() has no insignificant
  // whitespace and prints doubles in their shortest round-trip form.
  return config_json(config).dump();
}

const RouteConfig* Config::find_route(std::string_view name) const {
  for (const auto& r : routes)
    if (r.name == name) return &r;
  return nullptr;
}

const ChainConfig* Config::find_chain(std::string_view model) const {
  for (const auto& c : chains)
    if (c.model == model) return &c;
  return nullptr;
}

std::string Config::fingerprint_of_route(std::string_view name) const {
  const RouteConfig* r = find_route(name);
  return r ? sha256_hex(route_json(*r).dump()) : std::string();
}

std::string summarize(const Config& c) {
  std::string out;
  for (const auto& l : c.listeners) out += "listen  " + host_port(l.host, l.port) + "\n";
  if (c.client_keys.empty()) {
    out += "client auth  off (every listener is on loopback)\n";
  } else {
    out += "client auth  " + std::to_string(c.client_keys.size()) + " key(s):";
    for (const auto& k : c.client_keys) out += " " + k.name + " (" + k.origin + ")";
    out += "\n";
  }
  for (const auto& r : c.routes) {
    out += "route  " + r.name + "  " + std::string(contract::surface_name(r.surface)) + "  " +
           r.base_url + "  credential " + std::string(source_name(r.credential.source));
    if (!r.credential.ref.empty()) out += " " + r.credential.ref;
    if (!r.model.empty()) out += "  model " + r.model;
    out += "\n";
  }
  for (const auto& ch : c.chains) {
    out += "chain  " + ch.model + ":";
    for (size_t i = 0; i < ch.routes.size(); ++i) out += (i ? " -> " : " ") + ch.routes[i];
    if (ch.routes.size() > 1) {
      out += "  (unreviewed fallback: " + std::string(unreviewed_policy_name(ch.fallback.unreviewed));
      if (ch.fallback.unreviewed == UnreviewedPolicy::kLimited)
        out += " " + std::to_string(static_cast<int>(ch.fallback.limited_share * 100 + 0.5)) + "%";
      out += ")";
    }
    out += "\n";
  }
  if (c.fleet.redis_url.empty()) {
    out += "fleet  off (budgets and breakers in this process)\n";
  } else {
    out += "fleet  " + c.fleet.redis_url + "  prefix " + c.fleet.key_prefix + "  sync every " +
           std::to_string(c.fleet.sync_interval.count()) + "ms" +
           (c.fleet.password.source == Credential::Source::kNone
                ? std::string()
                : "  password " + std::string(source_name(c.fleet.password.source)) + " " +
                      c.fleet.password.ref) +
           "\n";
  }
  out += "fingerprint  " + c.fingerprint + "\n";
  return out;
}

}  // namespace readygate::config
