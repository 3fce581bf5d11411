// Who may connect and how they prove it: listeners and client keys. A
// listener off loopback without client keys is an error, not a default.
#include <algorithm>

#include "base/host_port.h"
#include "base/sha256.h"
#include "config/sections.h"

namespace readygate::config::detail {
namespace {

constexpr std::string_view kInlineClientKey =
    "raw client keys are not accepted; use `sha256: HEX` (printf %s \"$KEY\" | sha256sum), "
    "`env: VAR` or `file: PATH`";

std::string host_port_text(const ListenerConfig& l) {
  const bool v6 = l.host.find(':') != std::string::npos;
  return (v6 ? "[" + l.host + "]" : l.host) + ":" + std::to_string(l.port);
}

}  // namespace

void parse_listeners(const MapNode& root, Config& c, Problems& p) {
  const auto one = root.get("listen");
  const auto many = root.get("listeners");
  if (one && many) {
    p.error("listeners", "use either `listen` or `listeners`, not both");
    return;
  }
  auto add = [&](const YAML::Node& node, const std::string& path) {
    auto text = detail::scalar_at(node, path, "HOST:PORT", p);
    if (!text) return;
    auto hp = parse_host_port(*text);
    if (!hp) return p.error(path, hp.error());
    ListenerConfig l{hp->host, hp->port};
    for (size_t i = 0; i < c.listeners.size(); ++i)
      if (c.listeners[i].host == l.host && c.listeners[i].port == l.port && l.port != 0)
        return p.error(path, "duplicate of listeners[" + std::to_string(i) + "]");
    c.listeners.push_back(std::move(l));
  };
  if (one) add(*one, "listen");
  if (many) {
    for_each_item(*many, "listeners", p, add);
    if (many->IsSequence() && many->size() == 0) p.error("listeners", "at least one is required");
  }
  if (!one && !many) c.listeners.push_back(ListenerConfig{});
}

void parse_client_keys(const MapNode& root, Config& c, LoadContext& ctx) {
  Problems& p = ctx.problems;
  auto node = root.get("client_keys");
  if (node) {
    for_each_item(*node, "client_keys", p, [&](const YAML::Node& item, const std::string& path) {
      const size_t before = p.error_count();
      MapNode m(item, path, p, {"name", "sha256", "env", "file"},
                {{"key", kInlineClientKey},
                 {"api_key", kInlineClientKey},
                 {"value", kInlineClientKey},
                 {"secret", kInlineClientKey},
                 {"token", kInlineClientKey}});
      if (!m.is_map()) return;
      ClientKey k;
      if (!m.has("name")) p.error(m.path_of("name"), "required");
      if (m.read_string("name", k.name)) {
        if (k.name.empty()) p.error(m.path_of("name"), "must not be empty");
        for (const auto& other : c.client_keys)
          if (!k.name.empty() && other.name == k.name)
            p.error(m.path_of("name"), "duplicate client key name " + detail::quote_value(k.name));
      }
      const int sources = int(m.has("sha256")) + int(m.has("env")) + int(m.has("file"));
      if (sources != 1) {
        if (sources > 1 || p.error_count() == before)
          p.error(path, "set exactly one of `sha256`, `env` or `file`");
        return;
      }
      std::string ref;
      if (m.read_string("sha256", ref, /*show_value=*/false)) {
        std::string hex = ref;
        for (char& ch : hex)
          if (ch >= 'A' && ch <= 'F') ch = static_cast<char>(ch - 'A' + 'a');
        if (hex.size() != 64 || hex.find_first_not_of("0123456789abcdef") != std::string::npos)
          return p.error(m.path_of("sha256"), "must be 64 hex digits (the SHA-256 of the key)");
        k.sha256_hex = hex;
        k.origin = "sha256";
      } else if (m.has("sha256")) {
        return;
      } else {
        const bool env = m.has("env");
        const std::string key_path = m.path_of(env ? "env" : "file");
        if (!m.read_string(env ? "env" : "file", ref, /*show_value=*/false)) return;
        if (env && !detail::is_env_name(ref))
          return p.error(key_path,
                         "must be an environment variable name like READYGATE_CLIENT_KEY");
        Credential cred{env ? Credential::Source::kEnv : Credential::Source::kFile,
                        env ? ref : detail::resolve_path(ctx, ref)};
        auto secret = resolve_credential(cred);
        if (!secret) return p.error(key_path, secret.error());
        if (secret->size() < 16)
          p.warning(key_path, "the key is shorter than 16 characters; use a long random key");
        k.sha256_hex = sha256_hex(*secret);
        k.origin = (env ? "env:" : "file:") + cred.ref;
      }
      for (size_t i = 0; i < c.client_keys.size(); ++i)
        if (c.client_keys[i].sha256_hex == k.sha256_hex)
          return p.error(path, "same key as client_keys[" + std::to_string(i) + "]");
      c.client_keys.push_back(std::move(k));
    });
  }
  // Configured keys with errors are reported as such; "required" would mislead.
  if (node && node->IsSequence() && node->size() > 0) return;
  for (size_t i = 0; i < c.listeners.size(); ++i) {
    if (!is_loopback_host(c.listeners[i].host)) {
      p.error("client_keys", "required when a listener is not on loopback (listeners[" +
                                 std::to_string(i) + "] is " + host_port_text(c.listeners[i]) +
                                 ")");
      return;
    }
  }
}

}  // namespace readygate::config::detail
