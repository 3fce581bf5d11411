// Internal to the config module: one parse function per YAML section, shared
// by load.cc (the document), access.cc (listeners, client keys), route.cc (a
// route) and route_parts.cc (a route's URL, credential and headers). Each reports into Problems and
// returns what it could read; the caller decides whether the load failed.
#pragma once

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "config/config.h"
#include "config/yaml_reader.h"

namespace readygate::config::detail {

struct LoadContext {
  Problems problems;
  // Relative `file:` paths are joined to this (the config file's directory);
  // empty: left relative to the working directory.
  std::filesystem::path base_dir;
};

// The message for an inline secret where a reference belongs; never quotes it.
inline constexpr std::string_view kInlineRouteSecret =
    "inline secrets are not accepted; use `credential: {env: VAR}` or "
    "`credential: {file: PATH}`";

// Calls `item(node, path)` for each element of a YAML sequence at `path`.
// Null/absent: no calls. Anything else: "expected a list".
void for_each_item(const YAML::Node& node, const std::string& path, Problems& problems,
                   const std::function<void(const YAML::Node&, const std::string&)>& item);

// [A-Za-z_][A-Za-z0-9_]*
bool is_env_name(std::string_view s);

// `ref` joined to ctx.base_dir when relative.
std::string resolve_path(const LoadContext& ctx, const std::string& ref);

// Listeners and client keys (access.cc). Listeners first: whether client
// keys are required depends on them.
void parse_listeners(const MapNode& root, Config& c, Problems& p);
void parse_client_keys(const MapNode& root, Config& c, LoadContext& ctx);

// The optional `fleet:` section (fleet.cc).
void parse_fleet(const MapNode& root, Config& c, LoadContext& ctx);

RouteConfig parse_route(const YAML::Node& node, const std::string& path, LoadContext& ctx);

// Parts of a route (route_parts.cc).
struct UrlParts {
  std::string normalized, scheme, host, base_path;
  uint16_t port = 0;
};
// Parses an upstream base URL; the error never quotes the URL (it may carry
// user:password@).
std::expected<UrlParts, std::string> parse_base_url(std::string_view url);
void parse_credential(const MapNode& route, LoadContext& ctx, Credential& out);
void parse_headers(const MapNode& route, LoadContext& ctx,
                   std::vector<std::pair<std::string, std::string>>& out);

}  // namespace readygate::config::detail
