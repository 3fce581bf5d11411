#include "config/test_configs.h"

namespace readygate::config {
namespace {

using testing::config_with;
using ::testing::Contains;
using testing::errors_of;
using ::testing::HasSubstr;
using testing::joined;

TEST(FleetConfig, AbsentMeansInProcessState) {
  auto c = load_config_text(config_with(""));
  ASSERT_TRUE(c) << joined(c.error());
  EXPECT_TRUE(c->fleet.redis_url.empty());
}

TEST(FleetConfig, ReadsEveryField) {
  auto c = load_config_text(config_with(
      "fleet:\n"
      "  redis: redis://127.0.0.1:6380/1\n"
      "  password: {env: RG_TEST_REDIS_PASSWORD}\n"
      "  key_prefix: rg-prod\n"
      "  sync_interval: 100ms\n"
      "  timeout: 50ms\n"));
  ASSERT_TRUE(c) << joined(c.error());
  EXPECT_EQ(c->fleet.redis_url, "redis://127.0.0.1:6380/1");
  EXPECT_EQ(c->fleet.password.source, Credential::Source::kEnv);
  EXPECT_EQ(c->fleet.password.ref, "RG_TEST_REDIS_PASSWORD");
  EXPECT_EQ(c->fleet.key_prefix, "rg-prod");
  EXPECT_EQ(c->fleet.sync_interval.count(), 100);
  EXPECT_EQ(c->fleet.timeout.count(), 50);
}

TEST(FleetConfig, TheFleetChangesTheFingerprintOnlyWhenSet) {
  auto plain = load_config_text(config_with(""));
  auto fleet = load_config_text(config_with("fleet:\n  redis: unix:///run/redis.sock\n"));
  ASSERT_TRUE(plain && fleet);
  EXPECT_NE(plain->fingerprint, fleet->fingerprint);
  EXPECT_EQ(render_canonical(*plain).find("fleet"), std::string::npos);
  EXPECT_NE(render_canonical(*fleet).find("unix:///run/redis.sock"), std::string::npos);
}

TEST(FleetConfig, TheSummaryNamesTheFleetOrSaysItIsOff) {
  auto plain = load_config_text(config_with(""));
  auto fleet = load_config_text(config_with(
      "fleet:\n  redis: redis://cache:6379\n  password: {env: RG_TEST_REDIS_PASSWORD}\n"));
  ASSERT_TRUE(plain && fleet);
  EXPECT_THAT(summarize(*plain), HasSubstr("fleet  off (budgets and breakers in this process)"));
  EXPECT_THAT(summarize(*fleet), HasSubstr("fleet  redis://cache:6379  prefix readygate  sync every "
                                           "250ms  password env RG_TEST_REDIS_PASSWORD"));
}

struct Bad {
  const char* yaml;
  const char* error;
};

TEST(FleetConfig, ErrorsNameTheirYamlPath) {
  for (const Bad& b : {
           Bad{"fleet:\n  key_prefix: x\n", "fleet.redis: required"},
           Bad{"fleet:\n  redis: http://cache:6379\n", "fleet.redis: must start with redis://"},
           Bad{"fleet:\n  redis: redis://u:canary-pass@cache\n", "fleet.redis: no credentials"},
           Bad{"fleet:\n  redis: redis://cache\n  password: canary-pass\n",
               "fleet.password: inline secrets are not accepted"},
           Bad{"fleet:\n  redis: redis://cache\n  password: {env: A, file: b}\n",
               "fleet.password: set exactly one"},
           Bad{"fleet:\n  redis: redis://cache\n  sync_interval: 1ms\n",
               "fleet.sync_interval: must be 10ms to 60s"},
           Bad{"fleet:\n  redis: redis://cache\n  sync_interval: 100ms\n  timeout: 1s\n",
               "fleet.timeout: must be positive and at most 4x sync_interval"},
           Bad{"fleet:\n  redis: redis://cache\n  key_prefix: 'a b'\n", "fleet.key_prefix"},
           Bad{"fleet:\n  redis: redis://cache\n  url: x\n", "fleet.url: the Redis URL goes under `redis`"},
       }) {
    const auto errors = errors_of(config_with(b.yaml));
    EXPECT_THAT(errors, Contains(HasSubstr(b.error))) << b.yaml << joined(errors);
    for (const auto& e : errors) EXPECT_EQ(e.find("canary-pass"), std::string::npos) << e;
  }
}

}  // namespace
}  // namespace readygate::config
