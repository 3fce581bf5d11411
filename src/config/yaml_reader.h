// Internal to the config module: walking a yaml-cpp tree with a YAML path in
// hand, collecting every problem instead of stopping at the first. Nothing
// here throws; values that fail to parse leave the default in place and add
// one error naming the path.
#pragma once

#include <yaml-cpp/yaml.h>

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/config.h"

namespace readygate::config::detail {

// Errors and warnings, each "PATH: problem" (just "problem" at the root).
class Problems {
 public:
  void error(std::string_view path, std::string_view problem);
  void warning(std::string_view path, std::string_view problem);
  bool has_errors() const { return !errors_.empty(); }
  size_t error_count() const { return errors_.size(); }
  std::vector<std::string>& errors() { return errors_; }
  std::vector<std::string>& warnings() { return warnings_; }

 private:
  std::vector<std::string> errors_;
  std::vector<std::string> warnings_;
};

// "routes[0]" + "retry" -> "routes[0].retry"; "" + "routes" -> "routes".
std::string child_path(std::string_view parent, std::string_view key);
// "routes" + 1 -> "routes[1]".
std::string index_path(std::string_view parent, size_t index);

// The closest of `known` to `key`, when close enough to be a likely typo.
std::optional<std::string_view> suggest(std::string_view key,
                                        const std::vector<std::string_view>& known);

// A key that is known to be a mistake, with the message that explains it
// (e.g. `api_key` on a route: "use `credential`"). The key's value is never
// shown.
struct KeyHint {
  std::string_view key;
  std::string_view message;
};

// A YAML mapping at a path. The constructor reports: a node that is neither a
// map nor null ("expected a map"), non-scalar or duplicate keys, and unknown
// keys (with a suggestion, or the list of known keys). `<<` merge keys are
// applied (own keys win). A null or absent node reads as an empty map.
// "x-*" in `known` admits any key starting with "x-" (extension keys).
class MapNode {
 public:
  MapNode(const YAML::Node& node, std::string path, Problems& problems,
          std::vector<std::string_view> known, std::initializer_list<KeyHint> hints = {});

  bool is_map() const { return is_map_; }
  const std::string& path() const { return path_; }
  std::string path_of(std::string_view key) const { return child_path(path_, key); }
  Problems& problems() const { return *problems_; }

  // The value under `key` (a null value counts as present).
  std::optional<YAML::Node> get(std::string_view key) const;
  bool has(std::string_view key) const { return get(key).has_value(); }

  // Typed reads. Absent: `out` is unchanged, returns false. Present but
  // invalid: one error at path_of(key), `out` unchanged, returns false.
  // `show_value` false keeps the offending text out of the error (secrets).
  bool read_string(std::string_view key, std::string& out, bool show_value = true) const;
  bool read_int(std::string_view key, int& out) const;
  bool read_double(std::string_view key, double& out) const;
  bool read_bool(std::string_view key, bool& out) const;
  bool read_duration(std::string_view key, Duration& out) const;
  bool read_size(std::string_view key, size_t& out) const;

 private:
  std::string path_;
  Problems* problems_;
  bool is_map_ = false;
  std::vector<std::pair<std::string, YAML::Node>> entries_;
};

// The scalar text of `node`, or an error at `path` ("expected WHAT").
std::optional<std::string> scalar_at(const YAML::Node& node, std::string_view path,
                                     std::string_view what, Problems& problems);

// The value quoted for an error, shortened; "" when it looks like a secret.
std::string quote_value(std::string_view text);

}  // namespace readygate::config::detail
