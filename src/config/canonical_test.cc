#include "config/test_configs.h"

namespace readygate::config {
namespace {

using ::testing::HasSubstr;
using testing::joined;
using ::testing::Not;
using testing::ScopedEnv;

Config must_load(const std::string& yaml) {
  auto c = load_config_text(yaml);
  EXPECT_TRUE(c.has_value()) << (c ? "" : joined(c.error()));
  return c ? *c : Config{};
}

const std::string kBase = R"(
listen: 127.0.0.1:8080
routes:
  - name: comet
    surface: chat_completions
    base_url: https://api.cometapi.com/v1
    credential: {env: RG_FP_KEY}
    headers: {X-Team: search, X-Env: prod}
    timeouts: {connect: 5s, total: 10m}
    retry: {max_attempts: 3, base: 500ms}
  - name: openai
    surface: responses
    base_url: https://api.openai.com/v1
    credential: {file: /run/secrets/openai}
chains:
  - model: gpt-4o-mini
    routes: [comet, openai]
budget: {ratio: 0.1, window: 10s}
)";

// Same meaning: keys reordered, flow vs block style, comments, other
// whitespace, "10m" written as milliseconds, routes listed the other way round.
const std::string kReordered = R"(
# the same config, written differently
budget:
  window: 10000
  ratio: 0.1
chains:
  - routes:   [comet, openai]
    model: gpt-4o-mini
routes:
  - credential:
      file: /run/secrets/openai
    base_url: https://api.openai.com/v1/
    surface: responses
    name: openai
  - retry: {base: 500ms, max_attempts: 3}
    timeouts:
      total: 600000
      connect: 5000ms
    headers:
      x-env: prod
      X-Team: search
    credential: {env: RG_FP_KEY}
    base_url: https://api.cometapi.com/v1
    surface: chat_completions
    name: comet
listen: "127.0.0.1:8080"
)";

std::string replaced(std::string s, const std::string& from, const std::string& to) {
  const size_t at = s.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) s.replace(at, from.size(), to);
  return s;
}

TEST(Fingerprint, IsSha256Hex) {
  const Config c = must_load(kBase);
  EXPECT_THAT(c.fingerprint, ::testing::MatchesRegex("[0-9a-f]{64}"));
}

TEST(Fingerprint, IsStableUnderKeyOrderWhitespaceAndSpelling) {
  EXPECT_EQ(must_load(kBase).fingerprint, must_load(kReordered).fingerprint)
      << render_canonical(must_load(kBase)) << "\n"
      << render_canonical(must_load(kReordered));
}

TEST(Fingerprint, ChangesWithATimeout) {
  const std::string changed = replaced(kBase, "connect: 5s", "connect: 6s");
  EXPECT_NE(must_load(kBase).fingerprint, must_load(changed).fingerprint);
}

TEST(Fingerprint, ChangesWithTheFallbackOrder) {
  const std::string changed = replaced(kBase, "routes: [comet, openai]", "routes: [openai, comet]");
  EXPECT_NE(must_load(kBase).fingerprint, must_load(changed).fingerprint);
}

TEST(Fingerprint, NeverContainsOrDependsOnSecretValues) {
  const std::string with_client_key = kBase + "client_keys: [{name: app, env: RG_FP_CLIENT}]\n";
  std::string first, second;
  {
    ScopedEnv route("RG_FP_KEY", "sk-route-secret-one");
    ScopedEnv client("RG_FP_CLIENT", "rg-client-secret-one-0123456789");
    const Config c = must_load(with_client_key);
    first = c.fingerprint;
    const std::string rendered = render_canonical(c);
    EXPECT_THAT(rendered, Not(HasSubstr("sk-route-secret-one")));
    EXPECT_THAT(rendered, Not(HasSubstr("rg-client-secret-one")));
    EXPECT_THAT(rendered, Not(HasSubstr(c.client_keys[0].sha256_hex)));
    EXPECT_THAT(rendered, HasSubstr("RG_FP_KEY")) << "the reference is part of the config";
  }
  {
    ScopedEnv route("RG_FP_KEY", "sk-route-secret-two");
    ScopedEnv client("RG_FP_CLIENT", "rg-client-secret-two-0123456789");
    second = must_load(with_client_key).fingerprint;
  }
  EXPECT_EQ(first, second);
}

TEST(Fingerprint, ChangesWhenACredentialMovesToAnotherVariable) {
  const std::string changed = replaced(kBase, "{env: RG_FP_KEY}", "{env: RG_FP_OTHER}");
  EXPECT_NE(must_load(kBase).fingerprint, must_load(changed).fingerprint);
}

TEST(RouteFingerprint, ChangesOnlyWithItsOwnRoute) {
  const Config base = must_load(kBase);
  const Config changed = must_load(replaced(kBase, "connect: 5s", "connect: 6s"));
  EXPECT_NE(base.fingerprint_of_route("comet"), changed.fingerprint_of_route("comet"));
  EXPECT_EQ(base.fingerprint_of_route("openai"), changed.fingerprint_of_route("openai"));
  EXPECT_EQ(base.fingerprint_of_route("comet"),
            must_load(kReordered).fingerprint_of_route("comet"));
  EXPECT_EQ(base.fingerprint_of_route("nope"), "");
}

TEST(Summary, ListsRoutesChainsAndTheFingerprint) {
  const Config c = must_load(kBase);
  const std::string s = summarize(c);
  EXPECT_THAT(s, HasSubstr("route  comet  chat_completions  https://api.cometapi.com/v1  "
                           "credential env RG_FP_KEY"));
  EXPECT_THAT(s, HasSubstr("chain  gpt-4o-mini: comet -> openai  (unreviewed fallback: refuse)"));
  EXPECT_THAT(s, HasSubstr(c.fingerprint));
}

}  // namespace
}  // namespace readygate::config
