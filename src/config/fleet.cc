// The `fleet:` section: shared policy state for gateway replicas (Redis).
#include "config/sections.h"
#include "fleet/redis_client.h"

namespace readygate::config::detail {

void parse_fleet(const MapNode& root, Config& c, LoadContext& ctx) {
  Problems& p = ctx.problems;
  auto node = root.get("fleet");
  if (!node || node->IsNull()) return;
  FleetSettings& f = c.fleet;
  MapNode m(*node, "fleet", p, {"redis", "password", "key_prefix", "sync_interval", "timeout"},
            {{"url", "the Redis URL goes under `redis`"}});
  if (!m.is_map()) return;
  if (!m.has("redis")) {
    p.error("fleet.redis", "required: redis://HOST:PORT[/DB] or unix:///PATH");
  } else if (m.read_string("redis", f.redis_url, /*show_value=*/false)) {
    if (auto e = fleet::parse_redis_url(f.redis_url); !e) p.error("fleet.redis", e.error());
  }
  if (auto pw = m.get("password")) {
    MapNode pm(*pw, "fleet.password", p, {"env", "file"});
    if (pm.is_map()) {
      std::string ref;
      if (pm.has("env") == pm.has("file")) {
        p.error("fleet.password", "set exactly one of `env` or `file`");
      } else if (pm.has("env") && pm.read_string("env", ref)) {
        if (!is_env_name(ref)) p.error("fleet.password.env", "must be an environment variable name");
        f.password = Credential{Credential::Source::kEnv, ref};
      } else if (pm.read_string("file", ref)) {
        f.password = Credential{Credential::Source::kFile, resolve_path(ctx, ref)};
      }
    } else if (pw->IsScalar()) {
      p.error("fleet.password",
              "inline secrets are not accepted; use `password: {env: VAR}` or "
              "`password: {file: PATH}`");
    }
  }
  if (m.read_string("key_prefix", f.key_prefix) &&
      (f.key_prefix.empty() ||
       f.key_prefix.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                      "0123456789_.:-") != std::string::npos))
    p.error("fleet.key_prefix", "must match [A-Za-z0-9_.:-]+");
  m.read_duration("sync_interval", f.sync_interval);
  if (f.sync_interval.count() < 10 || f.sync_interval.count() > 60000)
    p.error("fleet.sync_interval", "must be 10ms to 60s");
  m.read_duration("timeout", f.timeout);
  if (f.timeout.count() < 1 || f.timeout > f.sync_interval * 4)
    p.error("fleet.timeout", "must be positive and at most 4x sync_interval");
}

}  // namespace readygate::config::detail
