#include "probe/scenario_yaml.h"

#include <gtest/gtest.h>

namespace readygate::probe {
namespace {

const std::vector<Scenario>& builtins() {
  static const auto b = builtin_scenarios({.timeout_ms = 30'000, .client_timeout_ms = 5'000});
  return b;
}

std::expected<std::vector<Scenario>, std::string> parse(const std::string& yaml) {
  return parse_scenarios_yaml(yaml, "t.yaml", builtins());
}

std::string error_of(const std::string& yaml) {
  auto r = parse(yaml);
  return r ? std::string("(no error)") : r.error();
}

TEST(ScenarioYaml, UsesBuiltinsWithOverridesAndDefaults) {
  auto r = parse(R"(
defaults:
  timeout_ms: 6000
  client_timeout_ms: 500
scenarios:
  - use: bad_request_400
  - use: slow_first_byte
    timeout_ms: 4000
)");
  ASSERT_TRUE(r) << r.error();
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].name, "bad_request_400");
  EXPECT_EQ((*r)[0].faults, (std::vector<std::string>{"bad_request"}));
  EXPECT_EQ((*r)[0].timeout_ms, 6000);
  EXPECT_EQ((*r)[0].client_timeout_ms, 500);
  EXPECT_EQ((*r)[1].timeout_ms, 4000);
  EXPECT_EQ(provider_faults((*r)[1]), (std::vector<std::string>{"slow_headers,delay_ms=5000"}));
}

TEST(ScenarioYaml, DefinesANewScenario) {
  auto r = parse(R"(
scenarios:
  - name: retry_after_1s
    expect: retry_after_floor
    what: 429 with Retry-After 1 once
    faults: ["rate_limit,retry_after=1,first=1"]
    retry_after_ms: 1000
    max_attempts: 3
    stream: true
)");
  ASSERT_TRUE(r) << r.error();
  const Scenario& s = r->front();
  EXPECT_EQ(s.name, "retry_after_1s");
  EXPECT_EQ(s.expect, Expect::kRetryAfterFloor);
  EXPECT_EQ(s.what, "429 with Retry-After 1 once");
  EXPECT_EQ(s.retry_after_ms, 1000);
  EXPECT_EQ(s.max_attempts, 3);
  EXPECT_TRUE(s.stream);
  EXPECT_EQ(s.timeout_ms, 30'000);
}

TEST(ScenarioYaml, ErrorsNameTheYamlPath) {
  EXPECT_EQ(error_of("scenarios:\n  - use: bad_request_400\n  - use: auth_401\n    timout_ms: 5\n"),
            "t.yaml: scenarios[1].timout_ms: unknown key (expected use, name, what, expect, faults, "
            "stream, first_byte_after_bound, timeout_ms, client_timeout_ms, retry_after_ms, "
            "max_attempts, min_gap_ms, burst_limit)");
  EXPECT_EQ(error_of("scenarios:\n  - use: auth_401\n    timeout_ms: soon\n"),
            "t.yaml: scenarios[0].timeout_ms: expected an integer");
  EXPECT_EQ(error_of("scenarios:\n  - use: auth_401\n    timeout_ms: 5\n"),
            "t.yaml: scenarios[0].timeout_ms: must be 100..3600000 (got 5)");
  EXPECT_EQ(error_of("scenarios:\n  - name: x\n    expect: single_attempt\n    faults: [nope]\n")
                .substr(0, 52),
            "t.yaml: scenarios[0].faults[0]: unknown fault 'nope'");
  EXPECT_EQ(error_of("scenarios:\n  - name: x\n    expect: maybe\n").substr(0, 41),
            "t.yaml: scenarios[0].expect: expected one");
  EXPECT_EQ(error_of("scenarios:\n  - name: x\n"),
            "t.yaml: scenarios[0]: a new scenario needs name and expect (or use: BUILTIN)");
  EXPECT_EQ(error_of("scenarios:\n  - use: nope\n").substr(0, 56),
            "t.yaml: scenarios[0].use: no built-in scenario 'nope' (b");
  EXPECT_EQ(error_of("scenarios:\n  - use: auth_401\n  - use: auth_401\n"),
            "t.yaml: scenarios[1].name: duplicate scenario 'auth_401'");
  EXPECT_EQ(error_of("defaults:\n  faults: [x]\nscenarios:\n  - use: auth_401\n").substr(0, 32),
            "t.yaml: defaults.faults: unknown");
  EXPECT_EQ(error_of("scenarios: []\n"), "t.yaml: scenarios: expected a non-empty list");
  EXPECT_EQ(error_of("scenario:\n  - use: auth_401\n"),
            "t.yaml: scenario: unknown key (expected defaults, scenarios)");
  EXPECT_EQ(error_of("scenarios:\n  - use: auth_401\n    stream: yes please\n"),
            "t.yaml: scenarios[0].stream: expected true or false");
}

TEST(ScenarioYaml, MissingFileIsAnErrorNamingIt) {
  auto r = load_scenarios_yaml("/nonexistent/probe.yaml", builtins());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), "/nonexistent/probe.yaml: cannot read the file");
}

}  // namespace
}  // namespace readygate::probe
