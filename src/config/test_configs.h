// Test helpers: small valid configs to vary one field at a time, and matchers
// over the error list.
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "config/config.h"

namespace readygate::config::testing {

// YAML text for each route field; "" as a value removes the field.
using Fields = std::vector<std::pair<std::string, std::string>>;

inline std::string route_yaml(const Fields& overrides, std::string name = "primary") {
  Fields f = {{"name", name},
              {"surface", "chat_completions"},
              {"base_url", "https://api.example.com/v1"},
              {"credential", "{env: RG_TEST_ROUTE_KEY}"}};
  for (const auto& [k, v] : overrides) {
    auto it = std::find_if(f.begin(), f.end(), [&](const auto& e) { return e.first == k; });
    if (it != f.end())
      it->second = v;
    else
      f.emplace_back(k, v);
  }
  std::string out;
  bool first = true;
  for (const auto& [k, v] : f) {
    if (v.empty()) continue;
    out += (first ? "  - " : "    ") + k + ": " + v + "\n";
    first = false;
  }
  return out;
}

// A whole config with one route (changed by `overrides`) and one chain.
inline std::string config_with_route(const Fields& overrides) {
  return "routes:\n" + route_yaml(overrides) +
         "chains:\n"
         "  - model: gpt-4o-mini\n"
         "    routes: [primary]\n";
}

// A whole config with two routes and the given top-level text appended.
inline std::string config_with(const std::string& extra) {
  return "routes:\n" + route_yaml({}) + route_yaml({}, "fallback") +
         "chains:\n"
         "  - model: gpt-4o-mini\n"
         "    routes: [primary, fallback]\n" +
         extra;
}

inline std::vector<std::string> errors_of(const std::string& yaml) {
  auto c = load_config_text(yaml);
  if (c) return {};
  return c.error();
}

inline std::string joined(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += "  " + s + "\n";
  return out;
}

// Sets an environment variable for one test and restores it after.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value)
      ::setenv(name, value, 1);
    else
      ::unsetenv(name);
  }
  ~ScopedEnv() {
    if (old_)
      ::setenv(name_.c_str(), old_->c_str(), 1);
    else
      ::unsetenv(name_.c_str());
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  std::string name_;
  std::optional<std::string> old_;
};

}  // namespace readygate::config::testing
