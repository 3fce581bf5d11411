#include <gtest/gtest.h>

#include <cstdlib>

#include "base/clock.h"
#include "config/config.h"
#include "fleet/fleet_sync.h"
#include "gateway/route_runtime.h"
#include "sanitize/sanitize.h"

namespace readygate::gateway {
namespace {

const char* kYaml =
    "routes:\n"
    "  - name: primary\n"
    "    surface: chat_completions\n"
    "    base_url: http://127.0.0.1:18001/v1\n"
    "    credential: none\n"
    "  - name: fallback\n"
    "    surface: responses\n"
    "    base_url: http://127.0.0.1:18002/v1\n"
    "    credential: none\n"
    "chains:\n"
    "  - model: m\n"
    "    routes: [primary, fallback]\n"
    "fleet:\n"
    "  redis: unix:///nonexistent/readygate.sock\n"
    "  password: {env: RG_TEST_FLEET_PASSWORD}\n";

TEST(FleetWiring, NoFleetSectionMeansNoSync) {
  auto cfg = config::load_config_text(
      "routes:\n  - name: a\n    surface: chat_completions\n    base_url: http://127.0.0.1:1/v1\n"
      "    credential: none\nchains:\n  - model: m\n    routes: [a]\n");
  ASSERT_TRUE(cfg);
  auto table = RouteTable::build(*cfg);
  ASSERT_TRUE(table);
  auto sync = make_fleet_sync(*cfg, **table, SystemClock::instance());
  ASSERT_TRUE(sync) << sync.error();
  EXPECT_EQ(*sync, nullptr);
}

TEST(FleetWiring, ThePasswordIsRegisteredAsASecretEverywhere) {
  setenv("RG_TEST_FLEET_PASSWORD", "canary-redis-pass-7731", 1);
  auto cfg = config::load_config_text(kYaml);
  ASSERT_TRUE(cfg);
  auto table = RouteTable::build(*cfg);
  ASSERT_TRUE(table);
  auto sync = make_fleet_sync(*cfg, **table, SystemClock::instance());
  ASSERT_TRUE(sync) << sync.error();
  ASSERT_NE(*sync, nullptr);
  const std::string text = sanitize::redact("auth failed for canary-redis-pass-7731 at redis");
  EXPECT_EQ(text.find("canary-redis-pass-7731"), std::string::npos) << text;
}

TEST(FleetWiring, AnUnresolvablePasswordNamesItsYamlPathNotAValue) {
  unsetenv("RG_TEST_FLEET_PASSWORD");
  auto cfg = config::load_config_text(kYaml);
  ASSERT_TRUE(cfg);
  auto table = RouteTable::build(*cfg);
  ASSERT_TRUE(table);
  auto sync = make_fleet_sync(*cfg, **table, SystemClock::instance());
  ASSERT_FALSE(sync);
  EXPECT_NE(sync.error().find("fleet.password"), std::string::npos) << sync.error();
  EXPECT_NE(sync.error().find("RG_TEST_FLEET_PASSWORD"), std::string::npos) << sync.error();
}

}  // namespace
}  // namespace readygate::gateway
