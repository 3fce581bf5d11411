#include "config/test_configs.h"

namespace readygate::config {
namespace {

using testing::joined;
using testing::ScopedEnv;

std::string example(const char* name) {
  return std::string(READYGATE_SOURCE_DIR) + "/examples/" + name;
}

TEST(Examples, LocalYamlValidatesWithTwoLoopbackMocks) {
  auto c = load_config_file(example("local.yaml"));
  ASSERT_TRUE(c.has_value()) << joined(c.error());
  ASSERT_EQ(c->listeners.size(), 1u);
  EXPECT_EQ(c->listeners[0].host, "127.0.0.1");
  EXPECT_EQ(c->listeners[0].port, 8080);
  EXPECT_TRUE(c->client_keys.empty());
  const ChainConfig* chain = c->find_chain("gpt-4o-mini");
  ASSERT_NE(chain, nullptr);
  EXPECT_EQ(chain->routes, (std::vector<std::string>{"local-primary", "local-fallback"}));
  // The offline demo has no review of its fallback: it allows it explicitly.
  EXPECT_EQ(chain->fallback.unreviewed, UnreviewedPolicy::kAllow);
  const RouteConfig* primary = c->find_route("local-primary");
  const RouteConfig* fallback = c->find_route("local-fallback");
  ASSERT_TRUE(primary && fallback);
  EXPECT_EQ(primary->port, 18001);
  EXPECT_EQ(fallback->port, 18002);
  for (const RouteConfig* r : {primary, fallback}) {
    EXPECT_EQ(r->host, "127.0.0.1");
    EXPECT_EQ(r->base_path, "/v1");
    EXPECT_FALSE(r->tls);
    EXPECT_EQ(r->surface, contract::Surface::kChatCompletions);
    EXPECT_EQ(r->credential.source, Credential::Source::kEnv);
    EXPECT_EQ(r->credential.ref, "READYGATE_LOCAL_KEY");
  }
}

TEST(Examples, CometApiOpenAiYamlValidatesWithBothSurfaces) {
  ScopedEnv client("READYGATE_CLIENT_KEY", "rg-example-client-key-0123456789");
  auto c = load_config_file(example("cometapi-openai.yaml"));
  ASSERT_TRUE(c.has_value()) << joined(c.error());
  ASSERT_EQ(c->client_keys.size(), 1u);
  const ChainConfig* chat = c->find_chain("gpt-4o-mini");
  ASSERT_NE(chat, nullptr);
  EXPECT_EQ(chat->routes, (std::vector<std::string>{"comet-chat", "openai-chat"}));
  const RouteConfig* comet = c->find_route(chat->routes[0]);
  ASSERT_NE(comet, nullptr);
  EXPECT_EQ(comet->base_url, "https://api.cometapi.com/v1");
  EXPECT_TRUE(comet->tls);
  EXPECT_EQ(comet->port, 443);
  EXPECT_EQ(comet->credential.ref, "COMETAPI_KEY");
  EXPECT_EQ(comet->retry.max_attempts, 3) << "merged from x-upstream";
  ASSERT_EQ(comet->docs.size(), 1u);
  EXPECT_EQ(comet->docs[0].url, "https://apidoc.cometapi.com/");
  EXPECT_EQ(comet->docs[0].accessed, "2026-11-25");
  const RouteConfig* openai = c->find_route(chat->routes[1]);
  ASSERT_NE(openai, nullptr);
  EXPECT_EQ(openai->base_url, "https://api.openai.com/v1");
  EXPECT_EQ(openai->credential.ref, "OPENAI_API_KEY");
  EXPECT_EQ(openai->docs.at(0).url, "https://platform.openai.com/docs/api-reference");
  EXPECT_EQ(c->fleet.redis_url, "redis://redis.internal:6379/0");
  EXPECT_EQ(c->fleet.password.ref, "REDIS_PASSWORD");

  bool has_responses_chain = false;
  for (const auto& ch : c->chains) {
    bool all_responses = true;
    for (const auto& name : ch.routes)
      all_responses =
          all_responses && c->find_route(name)->surface == contract::Surface::kResponses;
    has_responses_chain = has_responses_chain || all_responses;
  }
  EXPECT_TRUE(has_responses_chain);
}

TEST(Examples, CometApiOpenAiYamlNeedsTheClientKeyVariable) {
  ScopedEnv client("READYGATE_CLIENT_KEY", nullptr);
  auto c = load_config_file(example("cometapi-openai.yaml"));
  ASSERT_FALSE(c.has_value());
  EXPECT_THAT(c.error(), ::testing::Contains(::testing::HasSubstr(
                             "client_keys[0].env: environment variable READYGATE_CLIENT_KEY")));
}

TEST(Examples, MixedSurfacesYamlChainsCrossTheTwoContracts) {
  auto c = load_config_file(example("mixed-surfaces.yaml"));
  ASSERT_TRUE(c.has_value()) << joined(c.error());
  using contract::Surface;
  const struct {
    const char* model;
    std::vector<std::string> routes;
    Surface primary, fallback;
  } want[] = {{"gpt-4o-mini", {"chat-primary", "responses-fallback"}, Surface::kChatCompletions,
               Surface::kResponses},
              {"gpt-4.1-mini", {"responses-primary", "chat-fallback"}, Surface::kResponses,
               Surface::kChatCompletions}};
  for (const auto& w : want) {
    const ChainConfig* chain = c->find_chain(w.model);
    ASSERT_NE(chain, nullptr) << w.model;
    EXPECT_EQ(chain->routes, w.routes);
    EXPECT_EQ(chain->fallback.unreviewed, UnreviewedPolicy::kAllow);
    const RouteConfig* primary = c->find_route(w.routes[0]);
    const RouteConfig* fallback = c->find_route(w.routes[1]);
    ASSERT_TRUE(primary && fallback);
    EXPECT_EQ(primary->surface, w.primary);
    EXPECT_EQ(fallback->surface, w.fallback);
    EXPECT_EQ(primary->port, 18001);
    EXPECT_EQ(fallback->port, 18002);
  }
}

}  // namespace
}  // namespace readygate::config
