#include "config/test_configs.h"

namespace readygate::config {
namespace {

using testing::config_with_route;
using testing::errors_of;
using testing::Fields;
using ::testing::HasSubstr;
using testing::joined;

struct RejectCase {
  const char* name;  // the test name: what the rule says
  Fields fields;
  const char* error;  // must appear in one error, path included
};

class RouteRule : public ::testing::TestWithParam<RejectCase> {};

TEST_P(RouteRule, IsReportedWithItsPath) {
  const auto errors = errors_of(config_with_route(GetParam().fields));
  ASSERT_FALSE(errors.empty()) << "the config loaded";
  EXPECT_THAT(errors, ::testing::Contains(HasSubstr(GetParam().error))) << joined(errors);
}

const RejectCase kRouteRules[] = {
    {"NameIsRequired", {{"name", ""}}, "routes[0].name: required"},
    {"NameIsLowerCaseSlug", {{"name", "Primary"}}, "routes[0].name: must match [a-z0-9_-]+"},
    {"SurfaceIsRequired", {{"surface", ""}}, "routes[0].surface: required"},
    {"SurfaceIsOneOfTwo",
     {{"surface", "completions"}},
     "routes[0].surface: must be chat_completions or responses, got 'completions'"},
    {"BaseUrlIsRequired", {{"base_url", ""}}, "routes[0].base_url: required"},
    {"BaseUrlNeedsHttpScheme",
     {{"base_url", "ftp://api.example.com/v1"}},
     "routes[0].base_url: must start with http:// or https://"},
    {"BaseUrlWithoutSchemeIsRejected",
     {{"base_url", "api.example.com/v1"}},
     "routes[0].base_url: must start with http:// or https://"},
    {"PlainHttpToARemoteHostIsRejected",
     {{"base_url", "http://api.example.com/v1"}},
     "routes[0].base_url: plain http is only allowed to loopback hosts"},
    {"PlainHttpToANameThatStartsWith127IsRejected",
     {{"base_url", "http://127.0.0.1.example.com/v1"}},
     "routes[0].base_url: plain http is only allowed to loopback hosts"},
    {"BaseUrlRejectsUserInfo",
     {{"base_url", "https://user:pass@api.example.com/v1"}},
     "routes[0].base_url: must not contain user:password@"},
    {"BaseUrlRejectsTheApiPath",
     {{"base_url", "https://api.example.com/v1/chat/completions"}},
     "routes[0].base_url: must be the API base"},
    {"BaseUrlRejectsAQuery",
     {{"base_url", "https://api.example.com/v1?x=1"}},
     "routes[0].base_url: must not have a query string"},
    {"BaseUrlRejectsPortZero",
     {{"base_url", "https://api.example.com:0/v1"}},
     "routes[0].base_url: port must be 1..65535"},
    {"BaseUrlRejectsABadHost",
     {{"base_url", "https://api example.com/v1"}},
     "routes[0].base_url: has an invalid host name"},
    {"CredentialIsRequired", {{"credential", ""}}, "routes[0].credential: required"},
    {"CredentialIsExactlyOneSource",
     {{"credential", "{env: A_KEY, file: /run/key}"}},
     "routes[0].credential: set exactly one of `env` or `file`"},
    {"CredentialNeedsASource", {{"credential", "{}"}}, "routes[0].credential: set `env: VAR`"},
    {"CredentialRejectsAnInlineKey",
     {{"credential", "{api_key: sk-x}"}},
     "routes[0].credential.api_key: inline secrets are not accepted; use"},
    {"CredentialRejectsAnInlineScalar",
     {{"credential", "sk-x"}},
     "routes[0].credential: inline secrets are not accepted"},
    {"CredentialEnvMustBeAVariableName",
     {{"credential", "{env: 'my key'}"}},
     "routes[0].credential.env: must be an environment variable name"},
    {"RouteRejectsAnInlineApiKey",
     {{"api_key", "sk-x"}},
     "routes[0].api_key: inline secrets are not accepted"},
    {"HeadersRejectAuthorization",
     {{"headers", "{Authorization: Bearer x}"}},
     "routes[0].headers.Authorization: looks like a credential header; put the secret in the "
     "route's `credential`"},
    {"HeadersRejectApiKeyNames",
     {{"headers", "{x-api-key: x}"}},
     "routes[0].headers.x-api-key: looks like a credential header"},
    {"HeadersRejectTokenNames",
     {{"headers", "{X-Upstream-Token: x}"}},
     "routes[0].headers.X-Upstream-Token: looks like a credential header"},
    {"HeadersRejectGatewayManagedNames",
     {{"headers", "{Host: example.com}"}},
     "routes[0].headers.Host: is set by the gateway"},
    {"HeadersRejectInvalidNames",
     {{"headers", "{'bad name': x}"}},
     "routes[0].headers: invalid header name"},
    {"HeadersRejectDuplicatesIgnoringCase",
     {{"headers", "{X-Team: a, x-team: b}"}},
     "routes[0].headers.x-team: duplicate header"},
    {"HeadersMustBeAMap", {{"headers", "[a, b]"}}, "routes[0].headers: expected a map"},
    {"TimeoutsArePositive",
     {{"timeouts", "{connect: 0}"}},
     "routes[0].timeouts.connect: must be positive"},
    {"TimeoutsParseAsDurations",
     {{"timeouts", "{connect: 5x}"}},
     "routes[0].timeouts.connect: unknown unit"},
    {"TotalTimeoutCoversFirstByte",
     {{"timeouts", "{total: 1s}"}},
     "routes[0].timeouts.total: must be at least connect (5000ms) and first_byte (60000ms)"},
    {"RetryAttemptsAtMostFive",
     {{"retry", "{max_attempts: 6}"}},
     "routes[0].retry.max_attempts: must be 1..5"},
    {"RetryAttemptsAtLeastOne",
     {{"retry", "{max_attempts: 0}"}},
     "routes[0].retry.max_attempts: must be 1..5"},
    {"RetryAttemptsAreAnInteger",
     {{"retry", "{max_attempts: three}"}},
     "routes[0].retry.max_attempts: expected an integer, got 'three'"},
    {"RetryCapCoversTheBase",
     {{"retry", "{cap: 100ms}"}},
     "routes[0].retry.cap: must be at least base (500ms)"},
    {"BreakerFailureRateIsAFraction",
     {{"breaker", "{failure_rate: 1.5}"}},
     "routes[0].breaker.failure_rate: must be greater than 0 and at most 1"},
    {"BreakerNeedsOneFailureAtLeast",
     {{"breaker", "{consecutive_failures: 0}"}},
     "routes[0].breaker.consecutive_failures: must be 1..1000"},
    {"BreakerNeedsMinCalls",
     {{"breaker", "{min_calls: 0}"}},
     "routes[0].breaker.min_calls: must be 1..100000"},
    {"BreakerOpenMaxCoversOpenBase",
     {{"breaker", "{open_max: 1s}"}},
     "routes[0].breaker.open_max: must be at least open_base (30000ms)"},
    {"BreakerNeedsAProbe",
     {{"breaker", "{half_open_probes: 0}"}},
     "routes[0].breaker.half_open_probes: must be 1..100"},
    {"BreakerWindowIsPositive",
     {{"breaker", "{window: 0s}"}},
     "routes[0].breaker.window: must be positive"},
    {"DocUrlIsAUrl",
     {{"docs", "[{url: apidoc.cometapi.com, accessed: 2026-11-25}]"}},
     "routes[0].docs[0].url: must start with http:// or https://"},
    {"DocAccessDateIsARealDate",
     {{"docs", "[{url: 'https://apidoc.cometapi.com/', accessed: 2026-02-30}]"}},
     "routes[0].docs[0].accessed: must be a date YYYY-MM-DD"},
    {"DocAccessDateIsRequired",
     {{"docs", "[{url: 'https://apidoc.cometapi.com/'}]"}},
     "routes[0].docs[0].accessed: required"},
    {"ModelHasNoSpaces", {{"model", "'gpt 4o'"}}, "routes[0].model: must not contain spaces"},
    {"UnknownKeysGetASuggestion",
     {{"rtries", "{max_attempts: 2}"}},
     "routes[0]: unknown key 'rtries' (did you mean 'retry'?)"},
    {"UnknownNestedKeysGetASuggestion",
     {{"retry", "{max_atempts: 2}"}},
     "routes[0].retry: unknown key 'max_atempts' (did you mean 'max_attempts'?)"},
    {"UnknownKeysWithoutACloseMatchListTheKnownOnes",
     {{"zzz", "1"}},
     "routes[0]: unknown key 'zzz' (expected one of: name, surface, base_url"},
    {"AllowInsecureHttpIsABoolean",
     {{"allow_insecure_http", "maybe"}},
     "routes[0].allow_insecure_http: expected true or false, got 'maybe'"},
};

INSTANTIATE_TEST_SUITE_P(Routes, RouteRule, ::testing::ValuesIn(kRouteRules),
                         [](const auto& info) { return std::string(info.param.name); });

Config load_route(const Fields& fields) {
  auto c = load_config_text(config_with_route(fields));
  EXPECT_TRUE(c.has_value()) << (c ? "" : joined(c.error()));
  return c ? *c : Config{};
}

TEST(RouteUrl, HttpsDefaultsToPort443WithTls) {
  Config c = load_route({{"base_url", "https://api.cometapi.com/v1"}});
  ASSERT_EQ(c.routes.size(), 1u);
  const RouteConfig& r = c.routes[0];
  EXPECT_EQ(r.scheme, "https");
  EXPECT_TRUE(r.tls);
  EXPECT_EQ(r.host, "api.cometapi.com");
  EXPECT_EQ(r.port, 443);
  EXPECT_EQ(r.base_path, "/v1");
  EXPECT_EQ(r.base_url, "https://api.cometapi.com/v1");
  EXPECT_EQ(upstream_target(r), "/v1/chat/completions");
}

TEST(RouteUrl, IsNormalizedWithoutTrailingSlash) {
  Config c = load_route({{"base_url", "HTTPS://API.Example.com:8443/openai/v1/"}});
  ASSERT_EQ(c.routes.size(), 1u);
  EXPECT_EQ(c.routes[0].base_url, "https://api.example.com:8443/openai/v1");
  EXPECT_EQ(c.routes[0].base_path, "/openai/v1");
  EXPECT_EQ(c.routes[0].port, 8443);
}

TEST(RouteUrl, PlainHttpIsAllowedToLoopback) {
  for (const char* url : {"http://127.0.0.1:18001/v1", "http://localhost:18001/v1",
                          "http://[::1]:18001/v1", "http://127.1.2.3:18001/v1"}) {
    Config c = load_route({{"base_url", url}});
    ASSERT_EQ(c.routes.size(), 1u) << url;
    EXPECT_FALSE(c.routes[0].tls);
    EXPECT_EQ(c.routes[0].port, 18001);
  }
}

TEST(RouteUrl, PlainHttpToARemoteHostNeedsTheOptInAndWarns) {
  Config c =
      load_route({{"base_url", "http://vllm.internal:8000/v1"}, {"allow_insecure_http", "true"}});
  ASSERT_EQ(c.routes.size(), 1u);
  EXPECT_EQ(c.routes[0].port, 8000);
  EXPECT_THAT(c.warnings, ::testing::Contains(HasSubstr("routes[0].base_url: plain http")));
}

TEST(RouteUrl, AnEmptyPathGivesAnEmptyBasePath) {
  Config c = load_route({{"base_url", "https://api.example.com/"}, {"surface", "responses"}});
  ASSERT_EQ(c.routes.size(), 1u);
  EXPECT_EQ(c.routes[0].base_path, "");
  EXPECT_EQ(upstream_target(c.routes[0]), "/responses");
}

TEST(RouteCredential, ReadsEnvFileOrNone) {
  Config env = load_route({{"credential", "{env: COMETAPI_KEY}"}});
  Config file = load_route({{"credential", "{file: /run/secrets/openai}"}});
  Config none = load_route({{"credential", "none"}});
  ASSERT_EQ(env.routes.size() + file.routes.size() + none.routes.size(), 3u);
  EXPECT_EQ(env.routes[0].credential.source, Credential::Source::kEnv);
  EXPECT_EQ(env.routes[0].credential.ref, "COMETAPI_KEY");
  EXPECT_EQ(file.routes[0].credential.source, Credential::Source::kFile);
  EXPECT_EQ(file.routes[0].credential.ref, "/run/secrets/openai");
  EXPECT_EQ(none.routes[0].credential.source, Credential::Source::kNone);
}

TEST(RouteCredential, AnInlineApiKeyInPlaceOfTheCredentialIsOneError) {
  const auto errors = errors_of(config_with_route({{"credential", ""}, {"api_key", "sk-x"}}));
  ASSERT_EQ(errors.size(), 1u) << joined(errors);
  EXPECT_THAT(errors[0], HasSubstr("routes[0].api_key: inline secrets are not accepted"));
}

TEST(RouteSettings, ReadEveryFieldWithUnits) {
  Config c = load_route({{"model", "gpt-4o-mini-2024-07-18"},
                         {"headers", "{OpenAI-Organization: org-1, X-Team: search}"},
                         {"timeouts", "{connect: 2s, first_byte: 30s, stream_idle: 1m, total: 5m}"},
                         {"retry",
                          "{max_attempts: 5, base: 250ms, base_after_429: 2s, cap: 4s, "
                          "retry_after_cap: 20s}"},
                         {"breaker",
                          "{consecutive_failures: 3, failure_rate: 0.25, min_calls: 10, "
                          "window: 1m, open_base: 10s, open_max: 2m, "
                          "half_open_probes: 1}"}});
  ASSERT_EQ(c.routes.size(), 1u);
  const RouteConfig& r = c.routes[0];
  using std::chrono::milliseconds;
  EXPECT_EQ(r.model, "gpt-4o-mini-2024-07-18");
  ASSERT_EQ(r.headers.size(), 2u);
  EXPECT_EQ(r.headers[0], (std::pair<std::string, std::string>{"OpenAI-Organization", "org-1"}));
  EXPECT_EQ(r.timeouts.connect, milliseconds(2000));
  EXPECT_EQ(r.timeouts.stream_idle, milliseconds(60000));
  EXPECT_EQ(r.timeouts.total, milliseconds(300000));
  EXPECT_EQ(r.retry.max_attempts, 5);
  EXPECT_EQ(r.retry.base, milliseconds(250));
  EXPECT_EQ(r.retry.retry_after_cap, milliseconds(20000));
  EXPECT_EQ(r.breaker.consecutive_failures, 3);
  EXPECT_DOUBLE_EQ(r.breaker.failure_rate, 0.25);
  EXPECT_EQ(r.breaker.open_max, milliseconds(120000));
  EXPECT_EQ(r.breaker.half_open_probes, 1);
}

TEST(RouteSettings, DefaultsFollowTheDesignTable) {
  Config c = load_route({});
  ASSERT_EQ(c.routes.size(), 1u);
  const RouteConfig& r = c.routes[0];
  EXPECT_EQ(r.retry.max_attempts, 3);
  EXPECT_EQ(r.retry.cap.count(), 8000);
  EXPECT_EQ(r.timeouts.first_byte.count(), 60000);
  EXPECT_EQ(r.breaker.min_calls, 20);
  EXPECT_TRUE(r.model.empty());
}

TEST(RouteSettings, MergeKeysShareDefaultsFromAnExtensionKey) {
  auto c = load_config_text(
      "x-defaults: &defaults\n"
      "  surface: chat_completions\n"
      "  credential: {env: A_KEY}\n"
      "  retry: {max_attempts: 2}\n"
      "routes:\n"
      "  - <<: *defaults\n"
      "    name: a\n"
      "    base_url: https://a.example/v1\n"
      "  - {<<: *defaults, name: b, base_url: 'https://b.example/v1', retry: {max_attempts: 4}}\n"
      "chains: [{model: m, routes: [a, b]}]\n");
  ASSERT_TRUE(c.has_value()) << joined(c.error());
  ASSERT_EQ(c->routes.size(), 2u);
  EXPECT_EQ(c->routes[0].retry.max_attempts, 2);
  EXPECT_EQ(c->routes[0].credential.ref, "A_KEY");
  EXPECT_EQ(c->routes[1].host, "b.example");
  EXPECT_EQ(c->routes[1].retry.max_attempts, 4) << "own keys win over merged ones";
}

}  // namespace
}  // namespace readygate::config
