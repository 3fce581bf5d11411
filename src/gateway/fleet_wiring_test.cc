#include <gtest/gtest.h>

#include <cstdlib>
#include <memory>
#include <string>

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

// A loaded config, its route table and make_fleet_sync's result over them
// (the sync refers to the table's budgets and breakers, so all live together).
struct Wired {
  explicit Wired(const char* yaml) {
    auto c = config::load_config_text(yaml);
    EXPECT_TRUE(c);
    if (!c) return;
    cfg = std::move(*c);
    auto t = RouteTable::build(cfg);
    EXPECT_TRUE(t);
    if (!t) return;
    table = std::move(*t);
    sync = make_fleet_sync(cfg, *table, SystemClock::instance());
  }
  config::Config cfg;
  std::unique_ptr<RouteTable> table;
  std::expected<std::unique_ptr<fleet::FleetSync>, std::string> sync =
      std::unexpected("not built");
};

TEST(FleetWiring, NoFleetSectionMeansNoSync) {
  Wired w(
      "routes:\n  - name: a\n    surface: chat_completions\n    base_url: http://127.0.0.1:1/v1\n"
      "    credential: none\nchains:\n  - model: m\n    routes: [a]\n");
  ASSERT_TRUE(w.sync) << w.sync.error();
  EXPECT_EQ(*w.sync, nullptr);
}

TEST(FleetWiring, ThePasswordIsRegisteredAsASecretEverywhere) {
  setenv("RG_TEST_FLEET_PASSWORD", "canary-redis-pass-7731", 1);
  Wired w(kYaml);
  ASSERT_TRUE(w.sync) << w.sync.error();
  ASSERT_NE(*w.sync, nullptr);
  const std::string text = sanitize::redact("auth failed for canary-redis-pass-7731 at redis");
  EXPECT_EQ(text.find("canary-redis-pass-7731"), std::string::npos) << text;
}

TEST(FleetWiring, AnUnresolvablePasswordNamesItsYamlPathNotAValue) {
  unsetenv("RG_TEST_FLEET_PASSWORD");
  Wired w(kYaml);
  ASSERT_FALSE(w.sync);
  EXPECT_NE(w.sync.error().find("fleet.password"), std::string::npos) << w.sync.error();
  EXPECT_NE(w.sync.error().find("RG_TEST_FLEET_PASSWORD"), std::string::npos) << w.sync.error();
}

}  // namespace
}  // namespace readygate::gateway
