#include "config/test_configs.h"

namespace readygate::config {
namespace {

using testing::config_with;
using ::testing::Contains;
using testing::errors_of;
using ::testing::HasSubstr;
using testing::joined;
using testing::ScopedEnv;

struct RejectCase {
  const char* name;
  std::string yaml;
  const char* error;
};

class DocumentRule : public ::testing::TestWithParam<RejectCase> {};

TEST_P(DocumentRule, IsReportedWithItsPath) {
  const auto errors = errors_of(GetParam().yaml);
  ASSERT_FALSE(errors.empty()) << "the config loaded";
  EXPECT_THAT(errors, Contains(HasSubstr(GetParam().error))) << joined(errors);
}

const std::string kRoutesOnly =
    "routes:\n" + testing::route_yaml({}) + testing::route_yaml({}, "fallback");

const RejectCase kDocumentRules[] = {
    {"ChainRoutesMustExist", kRoutesOnly + "chains:\n  - model: m\n    routes: [primary, foo]\n",
     "chains[0].routes[1]: unknown route 'foo'"},
    {"UnknownChainRoutesGetASuggestion",
     kRoutesOnly + "chains:\n  - model: m\n    routes: [primray]\n",
     "chains[0].routes[0]: unknown route 'primray' (did you mean 'primary'?)"},
    {"ChainRoutesAreListedOnce",
     kRoutesOnly + "chains:\n  - model: m\n    routes: [primary, primary]\n",
     "chains[0].routes[1]: route 'primary' is listed twice"},
    {"ChainNeedsARoute", kRoutesOnly + "chains:\n  - model: m\n    routes: []\n",
     "chains[0].routes: at least one route is required"},
    {"ChainNeedsAModel", kRoutesOnly + "chains:\n  - routes: [primary]\n",
     "chains[0].model: required"},
    {"ChainModelsAreUnique",
     kRoutesOnly +
         "chains:\n  - {model: m, routes: [primary]}\n  - {model: m, routes: [fallback]}\n",
     "chains[1].model: duplicate model 'm' (also chains[0])"},
    {"ChainFallbackFlagsAreBooleans",
     kRoutesOnly + "chains:\n  - {model: m, routes: [primary], fallback: {on_shape_mismatch: 1}}\n",
     "chains[0].fallback.on_shape_mismatch: expected true or false"},
    {"ChainsAreRequired", kRoutesOnly, "chains: at least one chain is required"},
    {"UnreviewedPolicyIsOneOfThree",
     kRoutesOnly + "chains:\n  - {model: m, routes: [primary], fallback: {unreviewed: maybe}}\n",
     "chains[0].fallback.unreviewed: must be refuse, limited or allow, got 'maybe'"},
    {"LimitedShareIsAShare",
     kRoutesOnly +
         "chains:\n  - {model: m, routes: [primary], fallback: {unreviewed: limited, "
         "limited_share: 1.5}}\n",
     "chains[0].fallback.limited_share: must be greater than 0 and at most 1"},
    {"LimitedShareOnlyWithLimited",
     kRoutesOnly +
         "chains:\n  - {model: m, routes: [primary], fallback: {limited_share: 0.2}}\n",
     "chains[0].fallback.limited_share: only applies with `unreviewed: limited`"},
    {"RoutesAreRequired", "chains:\n  - {model: m, routes: [a]}\n",
     "routes: at least one route is required"},
    {"RoutesMustBeAList", "routes: {a: 1}\nchains: []\n", "routes: expected a list"},
    {"RouteNamesAreUnique",
     "routes:\n" + testing::route_yaml({}) + testing::route_yaml({}) +
         "chains: [{model: m, routes: [primary]}]\n",
     "routes[1].name: duplicate route name 'primary' (also routes[0])"},
    {"ListenIsHostPort", config_with("listen: 127.0.0.1:99999\n"),
     "listen: port must be a number from 0 to 65535"},
    {"ListenersAreHostPorts", config_with("listeners: [127.0.0.1:8080, localhost]\n"),
     "listeners[1]: expected HOST:PORT"},
    {"ListenAndListenersExcludeEachOther",
     config_with("listen: 127.0.0.1:8080\nlisteners: [127.0.0.1:8081]\n"),
     "listeners: use either `listen` or `listeners`, not both"},
    {"ListenersAreDistinct", config_with("listeners: [127.0.0.1:8080, 127.0.0.1:8080]\n"),
     "listeners[1]: duplicate of listeners[0]"},
    {"PublicListenersNeedClientKeys", config_with("listen: 0.0.0.0:8080\n"),
     "client_keys: required when a listener is not on loopback (listeners[0] is 0.0.0.0:8080)"},
    {"ClientKeysRejectRawKeys", config_with("client_keys: [{name: app, key: abc}]\n"),
     "client_keys[0].key: raw client keys are not accepted; use `sha256: HEX`"},
    {"ClientKeyHashesAreSha256Hex", config_with("client_keys: [{name: app, sha256: abc}]\n"),
     "client_keys[0].sha256: must be 64 hex digits"},
    {"ClientKeysNeedOneSource", config_with("client_keys: [{name: app, env: A, file: /k}]\n"),
     "client_keys[0]: set exactly one of `sha256`, `env` or `file`"},
    {"ClientKeysFromAnUnsetVariableAreAnError",
     config_with("client_keys: [{name: app, env: RG_TEST_SURELY_UNSET}]\n"),
     "client_keys[0].env: environment variable RG_TEST_SURELY_UNSET is not set"},
    {"ClientKeysFromAMissingFileAreAnError",
     config_with("client_keys: [{name: app, file: /nonexistent/rg-key}]\n"),
     "client_keys[0].file: cannot read credential file '/nonexistent/rg-key'"},
    {"ClientKeysNeedAName", config_with("client_keys: [{sha256: " + std::string(64, 'a') + "}]\n"),
     "client_keys[0].name: required"},
    {"BudgetRatioIsAFraction", config_with("budget: {ratio: 2}\n"), "budget.ratio: must be 0..1"},
    {"BudgetWindowIsPositive", config_with("budget: {window: 0s}\n"),
     "budget.window: must be positive"},
    {"LimitsArePositive", config_with("limits: {max_body_bytes: 0}\n"),
     "limits.max_body_bytes: must be positive"},
    {"LimitTimeoutsArePositive", config_with("limits: {idle_timeout: 0s}\n"),
     "limits.idle_timeout: must be positive"},
    {"LimitSizesParse", config_with("limits: {max_header_bytes: 64KB}\n"),
     "limits.max_header_bytes: unknown unit in '64KB' (use KiB, MiB or GiB)"},
    {"EvidenceEnvironmentIsASlug", config_with("evidence: {environment: 'pro d'}\n"),
     "evidence.environment: must match [A-Za-z0-9_.-]+"},
    {"EvidenceQueueIsPositive", config_with("evidence: {queue_capacity: 0}\n"),
     "evidence.queue_capacity: must be positive"},
    {"UnknownTopLevelKeysGetASuggestion", config_with("chanes: []\n"),
     "unknown key 'chanes' (did you mean 'chains'?)"},
    {"DuplicateKeysAreErrors",
     "routes:\n" + testing::route_yaml({{"name", "primary\n    name: other"}}) +
         "chains: [{model: m, routes: [primary]}]\n",
     "routes[0].name: duplicate key"},
    {"SectionsMustBeMaps", config_with("budget: 3\n"), "budget: expected a map"},
    {"SyntaxErrorsGiveLineAndColumn", "routes:\n  - name: a\n   bad: [\n", "<config>:"},
    {"TheRootMustBeAMap", "- a\n- b\n", "expected a map"},
    {"AnEmptyDocumentIsAnError", "# nothing\n", "the config is empty"},
    {"OneDocumentOnly", config_with("---\nroutes: []\n"), "expected one YAML document"},
    // yaml-cpp 0.7's LoadAll() never returned on these (found by fuzz/fuzz_config).
    {"StrayCommaIsAnErrorNotAHang", ", a: b\n", "the config is empty"},
    {"StrayCommaAfterAMarkerIsAnErrorNotAHang", "---\n, a: b\n", ""},
};

INSTANTIATE_TEST_SUITE_P(Document, DocumentRule, ::testing::ValuesIn(kDocumentRules),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(LoadConfig, ReportsEveryErrorNotOnlyTheFirst) {
  const auto errors =
      errors_of("routes:\n" +
                testing::route_yaml({{"base_url", "ftp://x/v1"}, {"retry", "{max_attempts: 9}"}}) +
                "chains:\n  - model: m\n    routes: [primary, foo]\n"
                "limits: {max_streams: 0}\n");
  EXPECT_THAT(errors, Contains(HasSubstr("routes[0].base_url: must start with http://")));
  EXPECT_THAT(errors, Contains(HasSubstr("routes[0].retry.max_attempts: must be 1..5")));
  EXPECT_THAT(errors, Contains(HasSubstr("chains[0].routes[1]: unknown route 'foo'")));
  EXPECT_THAT(errors, Contains(HasSubstr("limits.max_streams: must be positive")));
  EXPECT_EQ(errors.size(), 4u) << joined(errors);
}

TEST(LoadConfig, SyntaxErrorsNameTheSourceLineAndColumn) {
  auto c = load_config_text("routes:\n  - name: a\n   bad: [\n", "gateway.yaml");
  ASSERT_FALSE(c.has_value());
  ASSERT_EQ(c.error().size(), 1u);
  EXPECT_THAT(c.error()[0], ::testing::MatchesRegex("gateway\\.yaml:[0-9]+:[0-9]+: YAML syntax "
                                                    "error: .+"));
}

TEST(LoadConfig, DefaultsToOneLoopbackListenerWithoutClientAuth) {
  auto c = load_config_text(config_with(""));
  ASSERT_TRUE(c.has_value()) << joined(c.error());
  ASSERT_EQ(c->listeners.size(), 1u);
  EXPECT_EQ(c->listeners[0].host, "127.0.0.1");
  EXPECT_EQ(c->listeners[0].port, 8080);
  EXPECT_TRUE(c->client_keys.empty());
  EXPECT_EQ(c->budget.ratio, 0.1);
  EXPECT_EQ(c->limits.max_body_bytes, size_t{8} << 20);
  EXPECT_EQ(c->evidence.environment, "local");
}

TEST(LoadConfig, ReadsListenersAndGlobalSections) {
  auto c = load_config_text(
      config_with("listeners: ['127.0.0.1:8080', '[::1]:8081']\n"
                  "budget: {ratio: 0.2, window: 5s, min_retries_per_second: 3}\n"
                  "limits: {max_body_bytes: 2MiB, max_connections: 100, idle_timeout: 2m}\n"
                  "evidence: {path: /var/lib/readygate/evidence.jsonl, environment: staging}\n"));
  ASSERT_TRUE(c.has_value()) << joined(c.error());
  ASSERT_EQ(c->listeners.size(), 2u);
  EXPECT_EQ(c->listeners[1].host, "::1");
  EXPECT_EQ(c->listeners[1].port, 8081);
  EXPECT_EQ(c->budget.ratio, 0.2);
  EXPECT_EQ(c->budget.window.count(), 5000);
  EXPECT_EQ(c->limits.max_body_bytes, size_t{2} << 20);
  EXPECT_EQ(c->limits.max_connections, 100u);
  EXPECT_EQ(c->limits.idle_timeout.count(), 120000);
  EXPECT_EQ(c->evidence.environment, "staging");
}

TEST(LoadConfig, UnreviewedFallbackPolicyDefaultsToRefuseAndCountsInTheFingerprint) {
  const std::string base = "routes:\n" + testing::route_yaml({}) + testing::route_yaml({}, "fallback");
  auto def = load_config_text(base + "chains:\n  - {model: m, routes: [primary, fallback]}\n");
  ASSERT_TRUE(def.has_value()) << joined(def.error());
  EXPECT_EQ(def->chains[0].fallback.unreviewed, UnreviewedPolicy::kRefuse);
  auto limited = load_config_text(
      base + "chains:\n  - model: m\n    routes: [primary, fallback]\n    fallback:\n"
             "      unreviewed: limited\n      limited_share: 0.25\n");
  ASSERT_TRUE(limited.has_value()) << joined(limited.error());
  EXPECT_EQ(limited->chains[0].fallback.unreviewed, UnreviewedPolicy::kLimited);
  EXPECT_EQ(limited->chains[0].fallback.limited_share, 0.25);
  EXPECT_NE(limited->fingerprint, def->fingerprint);
  EXPECT_THAT(render_canonical(*limited), HasSubstr("\"unreviewed\":\"limited\""));
  // The route's own fingerprint (what a review is recorded against) does not change.
  EXPECT_EQ(limited->fingerprint_of_route("fallback"), def->fingerprint_of_route("fallback"));
}

TEST(LoadConfig, FindsRoutesAndChainsByName) {
  auto c = load_config_text(config_with(""));
  ASSERT_TRUE(c.has_value()) << joined(c.error());
  ASSERT_NE(c->find_chain("gpt-4o-mini"), nullptr);
  EXPECT_EQ(c->find_chain("gpt-4o-mini")->routes.front(), "primary");
  EXPECT_EQ(c->find_chain("other"), nullptr);
  ASSERT_NE(c->find_route("fallback"), nullptr);
  EXPECT_EQ(c->find_route("nope"), nullptr);
}

TEST(LoadConfig, WarnsAboutUnusedRoutesChainsWithoutFallbackAndUnsetCredentials) {
  ScopedEnv unset("RG_TEST_ROUTE_KEY", nullptr);
  auto c =
      load_config_text("routes:\n" + testing::route_yaml({}) + testing::route_yaml({}, "spare") +
                       "chains: [{model: m, routes: [primary]}]\n");
  ASSERT_TRUE(c.has_value()) << joined(c.error());
  EXPECT_THAT(c->warnings,
              Contains(HasSubstr("routes[1]: route 'spare' is not used by any chain")));
  EXPECT_THAT(c->warnings, Contains(HasSubstr("chains[0]: model 'm' has no fallback route")));
  EXPECT_THAT(c->warnings, Contains(HasSubstr("routes[0].credential: environment variable "
                                              "RG_TEST_ROUTE_KEY is not set")));
}

TEST(LoadConfig, PublicListenersWorkWithAClientKey) {
  ScopedEnv key("RG_TEST_CLIENT_KEY", "rg-client-key-0123456789abcdef");
  auto c = load_config_text(
      config_with("listen: 0.0.0.0:8080\nclient_keys: [{name: app, env: RG_TEST_CLIENT_KEY}]\n"));
  ASSERT_TRUE(c.has_value()) << joined(c.error());
  ASSERT_EQ(c->client_keys.size(), 1u);
  EXPECT_EQ(c->client_keys[0].origin, "env:RG_TEST_CLIENT_KEY");
}

TEST(LoadConfigFile, ReportsAnUnreadableFile) {
  auto c = load_config_file("/nonexistent/readygate.yaml");
  ASSERT_FALSE(c.has_value());
  EXPECT_THAT(c.error(),
              Contains(HasSubstr("cannot read config file '/nonexistent/readygate.yaml'")));
}

}  // namespace
}  // namespace readygate::config
