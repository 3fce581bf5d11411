// A route's upstream URL, credential reference and extra headers: the three
// places a secret could be pasted by mistake, so no error here quotes a value.
#include <algorithm>
#include <array>
#include <charconv>

#include "base/headers.h"
#include "config/sections.h"

namespace readygate::config::detail {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

bool is_host_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_';
}

bool is_ipv6_char(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || c == ':' || c == '.';
}

// RFC 9110 token characters, the only ones a header name may use.
bool is_token(std::string_view s) {
  static constexpr std::string_view kExtra = "!#$%&'*+-.^_`|~";
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           kExtra.find(c) != std::string_view::npos;
  });
}

// Credential-looking names beyond base's list: anything naming a key, token,
// secret or password. A false positive costs one line of config; a false
// negative puts a secret in a file that gets pasted into tickets.
bool looks_like_credential_header(std::string_view name) {
  if (is_credential_header(name)) return true;
  const std::string n = lower(name);
  for (std::string_view word :
       {"auth", "api-key", "api_key", "apikey", "token", "secret", "password", "cookie"})
    if (n.find(word) != std::string::npos) return true;
  return false;
}

// Set by the gateway per request or per connection.
bool is_managed_header(std::string_view name) {
  static constexpr std::array<std::string_view, 10> kManaged = {
      "host", "content-length", "transfer-encoding", "connection", "keep-alive", "upgrade",
      "te",   "trailer",        "proxy-connection",  "expect"};
  return std::any_of(kManaged.begin(), kManaged.end(),
                     [&](std::string_view m) { return iequals(m, name); });
}

}  // namespace

std::expected<UrlParts, std::string> parse_base_url(std::string_view url) {
  UrlParts u;
  const size_t sep = url.find("://");
  if (sep == std::string_view::npos) return std::unexpected("must start with http:// or https://");
  u.scheme = lower(url.substr(0, sep));
  if (u.scheme != "http" && u.scheme != "https")
    return std::unexpected("must start with http:// or https://");
  std::string_view rest = url.substr(sep + 3);
  const size_t auth_end = std::min(rest.find_first_of("/?#"), rest.size());
  std::string_view authority = rest.substr(0, auth_end);
  std::string_view path = rest.substr(auth_end);
  if (authority.find('@') != std::string_view::npos)
    return std::unexpected("must not contain user:password@; put the secret in `credential`");
  if (path.find_first_of("?#") != std::string_view::npos)
    return std::unexpected("must not have a query string or fragment");
  std::string_view port_text;
  if (authority.starts_with('[')) {
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) return std::unexpected("has an unclosed IPv6 bracket");
    u.host = lower(authority.substr(1, close - 1));
    std::string_view after = authority.substr(close + 1);
    if (!after.empty() && !after.starts_with(':'))
      return std::unexpected("has text after the IPv6 address");
    if (!after.empty()) port_text = after.substr(1);
    if (u.host.empty() || !std::all_of(u.host.begin(), u.host.end(), is_ipv6_char))
      return std::unexpected("has an invalid IPv6 host");
  } else {
    const size_t colon = authority.find(':');
    u.host = lower(authority.substr(0, colon));
    if (colon != std::string_view::npos) port_text = authority.substr(colon + 1);
    if (u.host.empty()) return std::unexpected("has no host");
    if (!std::all_of(u.host.begin(), u.host.end(), is_host_name_char))
      return std::unexpected("has an invalid host name");
  }
  const bool tls = u.scheme == "https";
  const uint16_t default_port = tls ? 443 : 80;
  u.port = default_port;
  if (!port_text.empty() || authority.ends_with(':')) {
    unsigned v = 0;
    const auto [p, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), v);
    if (port_text.empty() || ec != std::errc() || p != port_text.data() + port_text.size() ||
        v == 0 || v > 65535)
      return std::unexpected("port must be 1..65535");
    u.port = static_cast<uint16_t>(v);
  }
  for (char c : path)
    if (static_cast<unsigned char>(c) <= 0x20 || c == '\\' || c == '"')
      return std::unexpected("path has a space, control character, quote or backslash");
  while (path.ends_with('/')) path.remove_suffix(1);
  if (path.find("//") != std::string_view::npos)
    return std::unexpected("path has an empty segment");
  for (std::string_view api : {"/chat/completions", "/responses"})
    if (path.ends_with(api))
      return std::unexpected("must be the API base (like https://api.openai.com/v1), without " +
                             std::string(api));
  u.base_path = std::string(path);
  const std::string host = u.host.find(':') != std::string::npos ? "[" + u.host + "]" : u.host;
  u.normalized = u.scheme + "://" + host +
                 (u.port == default_port ? "" : ":" + std::to_string(u.port)) + u.base_path;
  return u;
}

void parse_credential(const MapNode& route, LoadContext& ctx, Credential& out) {
  const std::string path = route.path_of("credential");
  Problems& p = ctx.problems;
  auto node = route.get("credential");
  if (!node) {
    p.error(path,
            "required: `credential: {env: VAR}` or `credential: {file: PATH}` "
            "(or `credential: none` for an upstream without auth)");
    return;
  }
  if (node->IsScalar()) {
    if (node->Scalar() == "none") {
      out = Credential{};
      return;
    }
    p.error(path, std::string(kInlineRouteSecret) + " (or `none`)");
    return;
  }
  const size_t before = p.error_count();
  MapNode m(*node, path, p, {"env", "file"},
            {{"key", kInlineRouteSecret},
             {"api_key", kInlineRouteSecret},
             {"apikey", kInlineRouteSecret},
             {"value", kInlineRouteSecret},
             {"secret", kInlineRouteSecret},
             {"token", kInlineRouteSecret},
             {"password", kInlineRouteSecret}});
  if (!m.is_map()) return;
  const bool env = m.has("env"), file = m.has("file");
  if (env && file) {
    p.error(path, "set exactly one of `env` or `file`, not both");
    return;
  }
  if (!env && !file) {
    if (p.error_count() == before) p.error(path, "set `env: VAR` or `file: PATH`");
    return;
  }
  std::string ref;
  if (!m.read_string(env ? "env" : "file", ref, /*show_value=*/false)) return;
  if (env) {
    if (!is_env_name(ref)) {
      p.error(m.path_of("env"), "must be an environment variable name like COMETAPI_KEY");
      return;
    }
    out = Credential{Credential::Source::kEnv, ref};
  } else {
    if (ref.empty()) {
      p.error(m.path_of("file"), "must be a file path");
      return;
    }
    out = Credential{Credential::Source::kFile, resolve_path(ctx, ref)};
  }
}

void parse_headers(const MapNode& route, LoadContext& ctx,
                   std::vector<std::pair<std::string, std::string>>& out) {
  auto node = route.get("headers");
  if (!node || node->IsNull()) return;
  const std::string path = route.path_of("headers");
  Problems& p = ctx.problems;
  if (!node->IsMap()) {
    p.error(path, "expected a map of header names to values");
    return;
  }
  for (const auto& kv : *node) {
    if (!kv.first.IsScalar()) {
      p.error(path, "header names must be plain strings");
      continue;
    }
    const std::string& name = kv.first.Scalar();
    const std::string hpath = child_path(path, name);
    if (!is_token(name)) {
      p.error(path, "invalid header name " + quote_value(name));
      continue;
    }
    if (looks_like_credential_header(name)) {
      p.error(hpath,
              "looks like a credential header; put the secret in the route's `credential` "
              "(env: or file:) instead of `headers`");
      continue;
    }
    if (is_managed_header(name)) {
      p.error(hpath, "is set by the gateway and cannot be configured");
      continue;
    }
    if (std::any_of(out.begin(), out.end(),
                    [&](const auto& h) { return iequals(h.first, name); })) {
      p.error(hpath, "duplicate header");
      continue;
    }
    if (!kv.second.IsScalar()) {
      p.error(hpath, "expected a string value");
      continue;
    }
    const std::string& value = kv.second.Scalar();
    if (std::any_of(value.begin(), value.end(), [](char c) {
          return (static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7f;
        })) {
      p.error(hpath, "value must not contain line breaks or control characters");
      continue;
    }
    out.emplace_back(name, value);
  }
}

}  // namespace readygate::config::detail
