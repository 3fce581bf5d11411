#include "review/step_configs.h"

#include <gtest/gtest.h>

namespace readygate::review {
namespace {

config::RetrySettings retry(int base_ms, int cap_ms) {
  config::RetrySettings r;
  r.base = config::Duration(base_ms);
  r.cap = config::Duration(cap_ms);
  return r;
}

TEST(StepConfigs, BackoffBoundsDoubleUpToTheCap) {
  auto r = retry(500, 8000);
  EXPECT_EQ(backoff_bound_ms(r, 0), 500);
  EXPECT_EQ(backoff_bound_ms(r, 1), 1000);
  EXPECT_EQ(backoff_bound_ms(r, 4), 8000);
  EXPECT_EQ(backoff_bound_ms(r, 10), 8000);
}

TEST(StepConfigs, WorstCaseBackoffSumsTheBoundsBetweenAttempts) {
  EXPECT_EQ(worst_case_backoff_ms(retry(500, 8000), 3), 1500);
  EXPECT_EQ(worst_case_backoff_ms(retry(500, 8000), 1), 0);
  EXPECT_EQ(worst_case_backoff_ms(retry(500, 8000), 5), 7500);
}

TEST(StepConfigs, TheDefaultPolicyKeepsItsOwnBackoffForThreeAttempts) {
  auto r = retry(500, 8000);
  EXPECT_EQ(shorten_backoff_if_long(r, 3, "primary"), "");
  EXPECT_EQ(r.base.count(), 500);
}

TEST(StepConfigs, ALongBackoffIsShortenedToBaseFiftyMillisecondsAndSaysSo) {
  auto r = retry(2000, 30000);
  const std::string note = shorten_backoff_if_long(r, 3, "slow");
  EXPECT_EQ(r.base.count(), 50);
  EXPECT_EQ(r.cap.count(), 400);
  EXPECT_NE(note.find("route slow"), std::string::npos);
  EXPECT_NE(note.find("6000 ms"), std::string::npos) << note;
}

TEST(StepConfigs, TheBuiltInProviderReplacesUpstreamCredentialAndHeaders) {
  config::RouteConfig r;
  r.name = "openai";
  r.scheme = "https";
  r.host = "api.openai.com";
  r.port = 443;
  r.tls = true;
  r.base_path = "/openai/v1";
  r.credential = {config::Credential::Source::kEnv, "OPENAI_API_KEY"};
  r.headers = {{"OpenAI-Project", "proj_x"}};
  auto m = at_builtin_provider(r, 4242, "/tmp/k");
  EXPECT_EQ(m.name, "openai");
  EXPECT_EQ(m.host, "127.0.0.1");
  EXPECT_EQ(m.port, 4242);
  EXPECT_FALSE(m.tls);
  EXPECT_EQ(m.base_path, "/v1");
  EXPECT_EQ(m.credential.source, config::Credential::Source::kFile);
  EXPECT_EQ(m.credential.ref, "/tmp/k");
  EXPECT_TRUE(m.headers.empty());
}

}  // namespace
}  // namespace readygate::review
