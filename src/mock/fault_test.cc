#include "mock/fault.h"

#include <gtest/gtest.h>

#include <fstream>

namespace readygate::mock {
namespace {

using contract::Surface;

std::unique_ptr<FaultPlan> plan_of(std::initializer_list<const char*> specs, uint64_t seed = 1) {
  std::vector<FaultRule> rules;
  for (const char* s : specs) {
    auto p = parse_fault_spec(s);
    EXPECT_TRUE(p.has_value()) << s << ": " << (p ? "" : p.error());
    if (p) rules.push_back(p->rule);
  }
  return std::make_unique<FaultPlan>(rules, std::map<std::string, FaultAction, std::less<>>{},
                                     seed);
}

std::string fault_name(FaultPlan& plan, Surface s = Surface::kChatCompletions,
                       std::string_view header = {}, std::string_view id = {}) {
  auto c = plan.choose(s, header, id);
  EXPECT_TRUE(c.has_value());
  return c && c->action ? c->action->name : "";
}

TEST(FaultSpec, EveryPresetParsesAndItsExampleToo) {
  for (const auto& d : preset_docs()) {
    EXPECT_TRUE(parse_fault_spec(d.name).has_value()) << d.name;
    std::string ex(d.example);
    const auto start = ex.find("--fault ") + 8;
    std::string spec = ex.substr(start);
    if (!spec.empty() && spec.front() == '\'') spec = spec.substr(1, spec.size() - 2);
    auto p = parse_fault_spec(spec);
    EXPECT_TRUE(p.has_value()) << spec << ": " << (p ? "" : p.error());
  }
}

TEST(FaultSpec, KeysOverridePresetFields) {
  auto p = parse_fault_spec("rate_limit,retry_after=7,should_retry=false,first=3");
  ASSERT_TRUE(p.has_value());
  const auto& a = p->rule.action;
  EXPECT_EQ(a.status, 429);
  ASSERT_EQ(a.headers.size(), 2u);
  EXPECT_EQ(a.headers[0], (std::pair<std::string, std::string>{"retry-after", "7"}));
  EXPECT_EQ(a.headers[1], (std::pair<std::string, std::string>{"x-should-retry", "false"}));
  EXPECT_EQ(p->rule.trigger.mode, FaultTrigger::Mode::kFirst);
  EXPECT_EQ(p->rule.trigger.n, 3u);
}

TEST(FaultSpec, RetryAfterMsReplacesSeconds) {
  auto p = parse_fault_spec("rate_limit,retry_after_ms=250");
  ASSERT_TRUE(p.has_value());
  ASSERT_EQ(p->rule.action.headers.size(), 1u);
  EXPECT_EQ(p->rule.action.headers[0].first, "retry-after-ms");
}

TEST(FaultSpec, BareStatusSpecIsAllowed) {
  auto p = parse_fault_spec("status=418,code=teapot");
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->rule.action.kind, FaultKind::kStatus);
  EXPECT_EQ(p->rule.action.status, 418);
  EXPECT_EQ(p->rule.action.error_code, "teapot");
}

TEST(FaultSpec, ErrorsNameTheProblem) {
  struct Case {
    const char* spec;
    const char* needle;
  } cases[] = {{"nonsense", "unknown fault 'nonsense'"},
               {"unavailable,first=x", "'first' needs a non-negative integer"},
               {"unavailable,probability=2", "'probability' must be a number from 0 to 1"},
               {"unavailable,color=red", "unknown key 'color'"},
               {"status=999", "'status' must be 100..599"},
               {"unavailable,rename=x", "'rename' needs FROM:TO"},
               {"unavailable,every=0", "'every' must be >= 1"}};
  for (const auto& c : cases) {
    auto p = parse_fault_spec(c.spec);
    ASSERT_FALSE(p.has_value()) << c.spec;
    EXPECT_NE(p.error().find(c.needle), std::string::npos) << p.error();
  }
}

TEST(FaultPlan, FirstNRequestsThenNone) {
  auto plan = plan_of({"unavailable,first=2"});
  EXPECT_EQ(fault_name(*plan), "unavailable");
  EXPECT_EQ(fault_name(*plan), "unavailable");
  EXPECT_EQ(fault_name(*plan), "");
  EXPECT_EQ(fault_name(*plan), "");
}

TEST(FaultPlan, RequestsEveryAndFrom) {
  auto plan = plan_of({"bad_gateway,requests=2|4", "gateway_timeout,every=3", "server_error,from=6"});
  std::vector<std::string> got;
  for (int i = 0; i < 7; ++i) got.push_back(fault_name(*plan));
  EXPECT_EQ(got, (std::vector<std::string>{"", "bad_gateway", "gateway_timeout", "bad_gateway", "",
                                           "gateway_timeout", "server_error"}));
}

TEST(FaultPlan, SurfaceFilterSkipsTheOtherSurface) {
  auto plan = plan_of({"unavailable,surface=responses"});
  EXPECT_EQ(fault_name(*plan, Surface::kChatCompletions), "");
  EXPECT_EQ(fault_name(*plan, Surface::kResponses), "unavailable");
}

TEST(FaultPlan, ProbabilityIsSeededAndRepeatable) {
  auto a = plan_of({"overloaded,probability=0.3"}, 42);
  auto b = plan_of({"overloaded,probability=0.3"}, 42);
  int hits = 0;
  for (int i = 0; i < 1000; ++i) {
    const auto x = fault_name(*a);
    EXPECT_EQ(x, fault_name(*b));
    hits += !x.empty();
  }
  EXPECT_GT(hits, 230);
  EXPECT_LT(hits, 370);
}

TEST(FaultPlan, HeaderFaultFailsTwiceThenSucceedsPerLogicalRequest) {
  auto plan = plan_of({});
  EXPECT_EQ(fault_name(*plan, Surface::kChatCompletions, "unavailable,times=2", "req-a"), "unavailable");
  EXPECT_EQ(fault_name(*plan, Surface::kChatCompletions, "unavailable,times=2", "req-b"), "unavailable");
  EXPECT_EQ(fault_name(*plan, Surface::kChatCompletions, "unavailable,times=2", "req-a"), "unavailable");
  EXPECT_EQ(fault_name(*plan, Surface::kChatCompletions, "unavailable,times=2", "req-a"), "");
  EXPECT_EQ(fault_name(*plan, Surface::kChatCompletions, "unavailable,times=2", "req-b"), "unavailable");
  EXPECT_EQ(fault_name(*plan, Surface::kChatCompletions, "unavailable,times=2", "req-b"), "");
}

TEST(FaultPlan, HeaderFaultTakesPrecedenceOverRules) {
  auto plan = plan_of({"unavailable"});
  EXPECT_EQ(fault_name(*plan, Surface::kChatCompletions, "quota"), "quota");
  EXPECT_EQ(fault_name(*plan), "unavailable");
}

TEST(FaultPlan, BadHeaderSpecIsAnError) {
  auto plan = plan_of({});
  auto c = plan->choose(Surface::kChatCompletions, "nope", "");
  ASSERT_FALSE(c.has_value());
  EXPECT_NE(c.error().find("unknown fault"), std::string::npos);
}

TEST(FaultPlan, RequestNumbersCountCompletionRequests) {
  auto plan = plan_of({});
  EXPECT_EQ(plan->choose(Surface::kChatCompletions, "", "")->request_number, 1u);
  EXPECT_EQ(plan->choose(Surface::kResponses, "", "")->request_number, 2u);
}

class ScriptTest : public ::testing::Test {
 protected:
  std::string write(const std::string& text) {
    path_ = ::testing::TempDir() + "/fault_script_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".yaml";
    std::ofstream(path_) << text;
    return path_;
  }
  std::string path_;
};

TEST_F(ScriptTest, LoadsRulesNamedFaultsAndSeed) {
  auto plan = FaultPlan::from_yaml_file(write(R"(seed: 9
faults:
  - preset: unavailable
    first: 1
  - name: slow_429
    status: 429
    headers: {retry-after: "2"}
  - preset: rate_limit
    requests: [3]
    surface: chat
)"),
                                        {}, 1);
  ASSERT_TRUE(plan.has_value()) << plan.error();
  auto& p = **plan;
  EXPECT_EQ(fault_name(p), "unavailable");
  EXPECT_EQ(fault_name(p, Surface::kChatCompletions, "slow_429"), "slow_429");
  EXPECT_EQ(fault_name(p), "rate_limit");
  EXPECT_EQ(fault_name(p), "");
}

TEST_F(ScriptTest, ErrorsNameTheYamlPath) {
  auto plan = FaultPlan::from_yaml_file(write("faults:\n  - preset: unavailable\n  - status: abc\n"),
                                        {}, 1);
  ASSERT_FALSE(plan.has_value());
  EXPECT_NE(plan.error().find("faults[1]"), std::string::npos) << plan.error();
  auto bad_key = FaultPlan::from_yaml_file(write("fautls: []\n"), {}, 1);
  ASSERT_FALSE(bad_key.has_value());
  EXPECT_NE(bad_key.error().find("fautls: unknown key"), std::string::npos) << bad_key.error();
}

}  // namespace
}  // namespace readygate::mock
