#include "probe/scenario_yaml.h"

#include <yaml-cpp/yaml.h>

#include <fstream>
#include <set>
#include <sstream>

namespace readygate::probe {
namespace {

using Error = std::unexpected<std::string>;

constexpr const char* kIntKeys[] = {"timeout_ms",     "client_timeout_ms", "retry_after_ms",
                                    "max_attempts",   "min_gap_ms",        "burst_limit"};

int* int_field(Scenario& s, const std::string& key) {
  if (key == "timeout_ms") return &s.timeout_ms;
  if (key == "client_timeout_ms") return &s.client_timeout_ms;
  if (key == "retry_after_ms") return &s.retry_after_ms;
  if (key == "max_attempts") return &s.max_attempts;
  if (key == "min_gap_ms") return &s.min_gap_ms;
  if (key == "burst_limit") return &s.burst_limit;
  return nullptr;
}

std::string key_list(bool entry) {
  std::string s = entry ? "use, name, what, expect, faults, stream, first_byte_after_bound" : "";
  for (const char* k : kIntKeys) s += (s.empty() ? "" : ", ") + std::string(k);
  return s;
}

std::expected<bool, std::string> as_bool(const YAML::Node& n, const std::string& where) {
  if (n.IsScalar()) {
    const std::string v = n.Scalar();
    if (v == "true") return true;
    if (v == "false") return false;
  }
  return Error(where + ": expected true or false");
}

std::expected<int, std::string> as_int(const YAML::Node& n, const std::string& where) {
  if (n.IsScalar()) {
    const std::string v = n.Scalar();
    size_t used = 0;
    try {
      const long long x = std::stoll(v, &used);
      if (used == v.size() && x >= -1'000'000'000LL && x <= 1'000'000'000LL)
        return static_cast<int>(x);
    } catch (const std::exception&) {
    }
  }
  return Error(where + ": expected an integer");
}

// Applies one key of an entry (or of `defaults` when `entry` is false).
std::expected<void, std::string> apply(Scenario& s, const std::string& key, const YAML::Node& v,
                                       const std::string& where, bool entry) {
  if (int* field = int_field(s, key)) {
    auto n = as_int(v, where);
    if (!n) return Error(n.error());
    *field = *n;
    return {};
  }
  if (key == "stream" || key == "first_byte_after_bound") {
    auto b = as_bool(v, where);
    if (!b) return Error(b.error());
    (key == "stream" ? s.stream : s.first_byte_after_bound) = *b;
    return {};
  }
  if (entry && (key == "name" || key == "what")) {
    if (!v.IsScalar()) return Error(where + ": expected a string");
    (key == "name" ? s.name : s.what) = v.Scalar();
    return {};
  }
  if (entry && key == "expect") {
    auto e = v.IsScalar() ? parse_expect(v.Scalar()) : std::nullopt;
    if (!e)
      return Error(where +
                   ": expected one of single_attempt, retry_then_succeed, retry_after_floor, "
                   "no_burst, reports_failure, gives_up_in_time");
    s.expect = *e;
    return {};
  }
  if (entry && key == "faults") {
    if (!v.IsSequence()) return Error(where + ": expected a list of fault specs");
    s.faults.clear();
    for (size_t i = 0; i < v.size(); ++i) {
      if (!v[i].IsScalar())
        return Error(where + "[" + std::to_string(i) + "]: expected a fault spec string");
      s.faults.push_back(v[i].Scalar());
    }
    return {};
  }
  return Error(where + ": unknown key (expected " + key_list(entry) + ")");
}

}  // namespace

std::expected<std::vector<Scenario>, std::string> parse_scenarios_yaml(
    const std::string& text, const std::string& origin, const std::vector<Scenario>& builtins) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    return Error(origin + ": " + e.what());
  }
  if (!root.IsMap()) return Error(origin + ": expected a mapping with `scenarios:`");
  for (auto it = root.begin(); it != root.end(); ++it) {
    const auto key = it->first.as<std::string>();
    if (key != "defaults" && key != "scenarios")
      return Error(origin + ": " + key + ": unknown key (expected defaults, scenarios)");
  }
  // Defaults are collected on a blank scenario and copied per key onto each entry.
  std::vector<std::pair<std::string, YAML::Node>> defaults;
  if (const YAML::Node d = root["defaults"]) {
    if (!d.IsMap()) return Error(origin + ": defaults: expected a mapping");
    Scenario probe_target;
    for (auto it = d.begin(); it != d.end(); ++it) {
      const auto key = it->first.as<std::string>();
      if (auto ok = apply(probe_target, key, it->second, origin + ": defaults." + key, false); !ok)
        return Error(ok.error());
      defaults.emplace_back(key, it->second);
    }
  }
  const YAML::Node list = root["scenarios"];
  if (!list || !list.IsSequence() || list.size() == 0)
    return Error(origin + ": scenarios: expected a non-empty list");
  std::vector<Scenario> out;
  std::set<std::string> seen;
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string where = origin + ": scenarios[" + std::to_string(i) + "]";
    const YAML::Node e = list[i];
    if (!e.IsMap()) return Error(where + ": expected a mapping");
    Scenario s;
    if (const YAML::Node use = e["use"]) {
      const std::string name = use.IsScalar() ? use.Scalar() : std::string();
      const Scenario* found = nullptr;
      for (const auto& b : builtins)
        if (b.name == name) found = &b;
      if (!found) {
        std::string names;
        for (const auto& b : builtins) names += (names.empty() ? "" : ", ") + b.name;
        return Error(where + ".use: no built-in scenario '" + name + "' (built-ins: " + names + ")");
      }
      s = *found;
    } else if (!e["name"] || !e["expect"]) {
      return Error(where + ": a new scenario needs name and expect (or use: BUILTIN)");
    }
    for (const auto& [key, v] : defaults)
      if (auto ok = apply(s, key, v, origin + ": defaults." + key, false); !ok) return Error(ok.error());
    for (auto it = e.begin(); it != e.end(); ++it) {
      const auto key = it->first.as<std::string>();
      if (key == "use") continue;
      if (auto ok = apply(s, key, it->second, where + "." + key, true); !ok) return Error(ok.error());
    }
    if (s.what.empty()) s.what = "scripted faults";
    if (auto bad = validate(s)) return Error(where + "." + *bad);
    if (!seen.insert(s.name).second)
      return Error(where + ".name: duplicate scenario '" + s.name + "'");
    out.push_back(std::move(s));
  }
  return out;
}

std::expected<std::vector<Scenario>, std::string> load_scenarios_yaml(
    const std::string& path, const std::vector<Scenario>& builtins) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error(path + ": cannot read the file");
  std::ostringstream text;
  text << in.rdbuf();
  return parse_scenarios_yaml(text.str(), path, builtins);
}

}  // namespace readygate::probe
