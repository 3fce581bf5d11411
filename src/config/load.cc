// The document: its sections in order, the chains' references to routes, the
// global sections, warnings and the fingerprint.
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <initializer_list>
#include <sstream>

#include <yaml-cpp/eventhandler.h>

#include "base/sha256.h"
#include "config/sections.h"

namespace readygate::config {
namespace detail {

void for_each_item(const YAML::Node& node, const std::string& path, Problems& problems,
                   const std::function<void(const YAML::Node&, const std::string&)>& item) {
  if (!node.IsDefined() || node.IsNull()) return;
  if (!node.IsSequence()) {
    problems.error(path, "expected a list");
    return;
  }
  for (size_t i = 0; i < node.size(); ++i) item(node[i], index_path(path, i));
}

bool is_env_name(std::string_view s) {
  if (s.empty() || (s[0] >= '0' && s[0] <= '9')) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

std::string resolve_path(const LoadContext& ctx, const std::string& ref) {
  const std::filesystem::path p(ref);
  if (p.is_absolute() || ctx.base_dir.empty()) return ref;
  return (ctx.base_dir / p).lexically_normal().string();
}

}  // namespace detail

namespace {

using detail::for_each_item;
using detail::LoadContext;
using detail::MapNode;
using detail::Problems;

void parse_routes(const MapNode& root, Config& c, LoadContext& ctx) {
  Problems& p = ctx.problems;
  auto node = root.get("routes");
  if (!node || node->IsNull() || (node->IsSequence() && node->size() == 0)) {
    p.error("routes", "at least one route is required");
    return;
  }
  for_each_item(*node, "routes", p, [&](const YAML::Node& item, const std::string& path) {
    RouteConfig r = detail::parse_route(item, path, ctx);
    for (size_t i = 0; i < c.routes.size(); ++i)
      if (!r.name.empty() && c.routes[i].name == r.name)
        p.error(path + ".name", "duplicate route name " + detail::quote_value(r.name) +
                                    " (also routes[" + std::to_string(i) + "])");
    c.routes.push_back(std::move(r));
  });
}

// chains[i].fallback.unreviewed and .limited_share (the no-unreviewed-fallback policy).
void parse_unreviewed_policy(const MapNode& f, FallbackSettings& out, Problems& p) {
  std::string policy;
  if (f.read_string("unreviewed", policy)) {
    if (policy == "refuse")
      out.unreviewed = UnreviewedPolicy::kRefuse;
    else if (policy == "limited")
      out.unreviewed = UnreviewedPolicy::kLimited;
    else if (policy == "allow")
      out.unreviewed = UnreviewedPolicy::kAllow;
    else
      p.error(f.path_of("unreviewed"),
              "must be refuse, limited or allow, got " + detail::quote_value(policy));
  }
  if (f.has("limited_share")) {
    if (f.read_double("limited_share", out.limited_share) &&
        !(out.limited_share > 0 && out.limited_share <= 1))
      p.error(f.path_of("limited_share"), "must be greater than 0 and at most 1");
    if (out.unreviewed != UnreviewedPolicy::kLimited)
      p.error(f.path_of("limited_share"), "only applies with `unreviewed: limited`");
  }
}

void parse_chains(const MapNode& root, Config& c, Problems& p) {
  auto node = root.get("chains");
  if (!node || node->IsNull() || (node->IsSequence() && node->size() == 0)) {
    p.error("chains", "at least one chain is required");
    return;
  }
  std::vector<std::string_view> route_names;
  for (const auto& r : c.routes) route_names.push_back(r.name);
  for_each_item(*node, "chains", p, [&](const YAML::Node& item, const std::string& path) {
    MapNode m(item, path, p, {"model", "routes", "fallback"});
    if (!m.is_map()) return;
    ChainConfig ch;
    if (!m.has("model")) p.error(m.path_of("model"), "required (the model name clients send)");
    if (m.read_string("model", ch.model)) {
      if (ch.model.empty()) p.error(m.path_of("model"), "must not be empty");
      for (size_t i = 0; i < c.chains.size(); ++i)
        if (!ch.model.empty() && c.chains[i].model == ch.model)
          p.error(m.path_of("model"), "duplicate model " + detail::quote_value(ch.model) +
                                          " (also chains[" + std::to_string(i) + "])");
    }
    auto routes = m.get("routes");
    if (!routes || routes->IsNull() || (routes->IsSequence() && routes->size() == 0))
      p.error(m.path_of("routes"), "at least one route is required (the first is the primary)");
    if (routes)
      for_each_item(
          *routes, m.path_of("routes"), p, [&](const YAML::Node& r, const std::string& rpath) {
            auto name = detail::scalar_at(r, rpath, "a route name", p);
            if (!name) return;
            if (std::find(ch.routes.begin(), ch.routes.end(), *name) != ch.routes.end())
              return p.error(rpath, "route " + detail::quote_value(*name) + " is listed twice");
            if (!c.find_route(*name)) {
              std::string msg = "unknown route " + detail::quote_value(*name);
              if (auto s = detail::suggest(*name, route_names))
                msg += " (did you mean '" + std::string(*s) + "'?)";
              p.error(rpath, msg);
            }
            ch.routes.push_back(*name);
          });
    MapNode f(m.get("fallback").value_or(YAML::Node()), m.path_of("fallback"), p,
              {"on_shape_mismatch", "on_truncated_before_first_byte", "unreviewed",
               "limited_share"});
    f.read_bool("on_shape_mismatch", ch.fallback.on_shape_mismatch);
    f.read_bool("on_truncated_before_first_byte", ch.fallback.on_truncated_before_first_byte);
    parse_unreviewed_policy(f, ch.fallback, p);
    c.chains.push_back(std::move(ch));
  });
}

void parse_globals(const MapNode& root, Config& c, Problems& p) {
  MapNode b(root.get("budget").value_or(YAML::Node()), "budget", p,
            {"ratio", "window", "min_retries_per_second"});
  b.read_double("ratio", c.budget.ratio);
  b.read_duration("window", c.budget.window);
  b.read_double("min_retries_per_second", c.budget.min_retries_per_second);
  if (c.budget.ratio < 0 || c.budget.ratio > 1) p.error("budget.ratio", "must be 0..1");
  if (c.budget.window.count() <= 0) p.error("budget.window", "must be positive");
  if (c.budget.min_retries_per_second < 0)
    p.error("budget.min_retries_per_second", "must not be negative");

  LimitSettings& l = c.limits;
  MapNode m(root.get("limits").value_or(YAML::Node()), "limits", p,
            {"max_body_bytes", "max_header_bytes", "max_connections", "max_streams",
             "max_buffered_body_bytes", "max_response_bytes", "max_pre_commit_bytes",
             "client_header_timeout", "client_body_timeout", "client_write_timeout", "idle_timeout",
             "shutdown_grace"});
  using SizeField = std::pair<std::string_view, size_t*>;
  for (auto [key, field] :
       std::initializer_list<SizeField>{{"max_body_bytes", &l.max_body_bytes},
                                        {"max_header_bytes", &l.max_header_bytes},
                                        {"max_connections", &l.max_connections},
                                        {"max_streams", &l.max_streams},
                                        {"max_buffered_body_bytes", &l.max_buffered_body_bytes},
                                        {"max_response_bytes", &l.max_response_bytes},
                                        {"max_pre_commit_bytes", &l.max_pre_commit_bytes}}) {
    m.read_size(key, *field);
    if (*field == 0) p.error(m.path_of(key), "must be positive");
  }
  using DurationField = std::pair<std::string_view, Duration*>;
  for (auto [key, field] :
       std::initializer_list<DurationField>{{"client_header_timeout", &l.client_header_timeout},
                                            {"client_body_timeout", &l.client_body_timeout},
                                            {"client_write_timeout", &l.client_write_timeout},
                                            {"idle_timeout", &l.idle_timeout},
                                            {"shutdown_grace", &l.shutdown_grace}}) {
    m.read_duration(key, *field);
    if (field->count() <= 0) p.error(m.path_of(key), "must be positive");
  }

  EvidenceSettings& e = c.evidence;
  MapNode ev(root.get("evidence").value_or(YAML::Node()), "evidence", p,
             {"path", "queue_capacity", "environment"});
  if (ev.read_string("path", e.path) && e.path.empty())
    p.error("evidence.path", "must not be empty");
  ev.read_size("queue_capacity", e.queue_capacity);
  if (e.queue_capacity == 0) p.error("evidence.queue_capacity", "must be positive");
  if (ev.read_string("environment", e.environment) &&
      (e.environment.empty() ||
       e.environment.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                       "0123456789_.-") != std::string::npos))
    p.error("evidence.environment",
            "must match [A-Za-z0-9_.-]+, got " + detail::quote_value(e.environment));
}

// Worth a look in `serve --check`, not reasons to refuse the config.
void add_warnings(const Config& c, Problems& p) {
  for (size_t i = 0; i < c.routes.size(); ++i) {
    const RouteConfig& r = c.routes[i];
    const std::string path = detail::index_path("routes", i);
    const bool used = std::any_of(c.chains.begin(), c.chains.end(), [&](const ChainConfig& ch) {
      return std::find(ch.routes.begin(), ch.routes.end(), r.name) != ch.routes.end();
    });
    if (!used) p.warning(path, "route '" + r.name + "' is not used by any chain");
    if (r.credential.source != Credential::Source::kNone) {
      if (auto s = resolve_credential(r.credential); !s)
        p.warning(path + ".credential", s.error() + " (needed when the route is used)");
    }
  }
  for (size_t i = 0; i < c.chains.size(); ++i)
    if (c.chains[i].routes.size() == 1)
      p.warning(detail::index_path("chains", i),
                "model '" + c.chains[i].model + "' has no fallback route");
}

// A line that starts or ends a YAML document ("---" or "...", alone or
// followed by a space).
bool has_document_marker(std::string_view y) {
  for (size_t at = 0; at < y.size();) {
    const size_t eol = std::min(y.find('\n', at), y.size());
    const std::string_view line = y.substr(at, eol - at);
    for (std::string_view m : {"---", "..."})
      if (line.starts_with(m) && (line.size() == 3 || line[3] == ' ' || line[3] == '\r' || line[3] == '\t'))
        return true;
    at = eol + 1;
  }
  return false;
}

// Counts documents without building them, stopping at `limit`.
class DocumentCounter final : public YAML::EventHandler {
 public:
  void OnDocumentStart(const YAML::Mark&) override { ++documents; }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
  size_t documents = 0;
};

// The config's one document. yaml-cpp 0.7 (Debian 12) never returns from
// LoadAll() on some invalid input (a stray ',' at the start of a document:
// jbeder/yaml-cpp#1040, fixed upstream in #1319, found here by
// fuzz/fuzz_config), pushing empty documents until memory runs out. A second
// document needs a `---` or `...` line, so only then are documents counted,
// and at most two of them. Throws YAML::Exception on a syntax error.
YAML::Node load_one_document(const std::string& text, size_t* documents) {
  *documents = 1;
  if (has_document_marker(text)) {
    std::istringstream in(text);
    YAML::Parser parser(in);
    DocumentCounter counter;
    while (counter.documents < 2 && parser.HandleNextDocument(counter)) {
    }
    *documents = counter.documents;
    if (*documents > 1) return {};
  }
  return YAML::Load(text);
}

std::expected<Config, std::vector<std::string>> load(std::string_view yaml, std::string_view source,
                                                     std::filesystem::path base_dir) {
  LoadContext ctx;
  ctx.base_dir = std::move(base_dir);
  Problems& p = ctx.problems;
  YAML::Node doc;
  try {
    size_t documents = 0;
    doc = load_one_document(std::string(yaml), &documents);
    if (documents > 1)
      return std::unexpected(std::vector<std::string>{std::string(source) +
                                                      ": expected one YAML document, found more"});
  } catch (const YAML::Exception& e) {
    std::string where(source);
    if (!e.mark.is_null())
      where += ":" + std::to_string(e.mark.line + 1) + ":" + std::to_string(e.mark.column + 1);
    return std::unexpected(std::vector<std::string>{where + ": YAML syntax error: " + e.msg});
  }
  if (!doc.IsDefined() || doc.IsNull())
    return std::unexpected(std::vector<std::string>{
        std::string(source) + ": the config is empty; it needs `routes` and `chains`"});

  Config c;
  try {
    MapNode root(doc, "", p,
                 {"listen", "listeners", "client_keys", "routes", "chains", "budget", "limits",
                  "evidence", "fleet", "x-*"},
                 {{"api_key", detail::kInlineRouteSecret}, {"key", detail::kInlineRouteSecret}});
    if (!root.is_map()) return std::unexpected(std::move(p.errors()));
    detail::parse_listeners(root, c, p);
    detail::parse_client_keys(root, c, ctx);
    parse_routes(root, c, ctx);
    parse_chains(root, c, p);
    parse_globals(root, c, p);
    detail::parse_fleet(root, c, ctx);
  } catch (const YAML::Exception& e) {
    // The reader never converts with as<>, so this is a yaml-cpp surprise;
    // report it rather than crash `serve --check`.
    p.error("", std::string("YAML error: ") + e.msg);
  }
  if (p.has_errors()) return std::unexpected(std::move(p.errors()));
  add_warnings(c, p);
  c.warnings = std::move(p.warnings());
  c.fingerprint = sha256_hex(render_canonical(c));
  return c;
}

}  // namespace

std::expected<Config, std::vector<std::string>> load_config_text(std::string_view yaml,
                                                                 std::string_view source_name) {
  return load(yaml, source_name, {});
}

std::expected<Config, std::vector<std::string>> load_config_file(const std::string& path) {
  constexpr std::streamsize kMaxBytes = 16 << 20;
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return std::unexpected(std::vector<std::string>{"cannot read config file '" + path +
                                                    "': " + std::strerror(errno)});
  std::string text(kMaxBytes + 1, '\0');
  in.read(text.data(), kMaxBytes + 1);
  if (in.bad())
    return std::unexpected(std::vector<std::string>{"cannot read config file '" + path + "'"});
  text.resize(static_cast<size_t>(in.gcount()));
  if (text.size() > static_cast<size_t>(kMaxBytes))
    return std::unexpected(
        std::vector<std::string>{"config file '" + path + "' is larger than 16 MiB"});
  std::filesystem::path dir = std::filesystem::path(path).parent_path();
  if (dir.empty()) dir = ".";
  return load(text, path, dir);
}

}  // namespace readygate::config
