#include "mock/request_log.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace readygate::mock {
namespace {

TEST(RequestLog, LineIsJsonAndRedactsCredentials) {
  LoggedRequest r;
  r.wall = WallTime(std::chrono::milliseconds(1795568523456));
  r.t_ms = 12.5;
  r.seq = 3;
  r.request_number = 2;
  r.method = "POST";
  r.path = "/v1/chat/completions";
  r.headers = {{"Authorization", "Bearer sk-canary-SECRET"},
               {"X-Api-Key", "canary-key"},
               {"X-Stainless-Retry-Count", "1"}};
  r.body_bytes = 42;
  r.body_sha256 = "abc";
  r.surface = "chat_completions";
  r.model = "gpt-4o-mini";
  r.status = 503;
  r.fault = "unavailable";
  r.fault_kind = "status";
  r.request_id = "req_1";
  const std::string line = render_log_line(r);
  EXPECT_EQ(line.find("canary"), std::string::npos) << line;
  auto j = nlohmann::json::parse(line);
  EXPECT_EQ(j["ts"], "2026-11-25T01:02:03.456Z");
  EXPECT_DOUBLE_EQ(j["t_ms"].get<double>(), 12.5);
  EXPECT_EQ(j["headers"]["authorization"], "[redacted]");
  EXPECT_EQ(j["headers"]["x-stainless-retry-count"], "1");
  EXPECT_EQ(j["status"], 503);
  EXPECT_EQ(j["fault"], "unavailable");
  EXPECT_EQ(j["request_number"], 2);
}

TEST(RequestLog, LineBytesAreExact) {
  LoggedRequest r;
  r.wall = WallTime(std::chrono::milliseconds(1795568523456));
  r.t_ms = 0.0015;
  r.seq = 18446744073709551615ULL;
  r.method = "GET";
  r.path = "/healthz";
  r.headers = {{"Host", "a\"b"}};
  r.status = 200;
  r.request_id = "req_2";
  EXPECT_EQ(render_log_line(r),
            R"({"ts":"2026-11-25T01:02:03.456Z","t_ms":0.002,"seq":18446744073709551615,)"
            R"("request_number":0,"method":"GET","path":"/healthz","headers":{"host":"a\"b"},)"
            R"("body_bytes":0,"body_sha256":"","surface":null,"model":null,"stream":false,)"
            R"("status":200,"fault":null,"fault_kind":null,"request_id":"req_2"})");
}

TEST(RequestLog, EmptyOptionalFieldsAreNull) {
  LoggedRequest r;
  r.method = "GET";
  r.path = "/v1/models";
  auto j = nlohmann::json::parse(render_log_line(r));
  EXPECT_TRUE(j["fault"].is_null());
  EXPECT_TRUE(j["surface"].is_null());
  EXPECT_TRUE(j["model"].is_null());
}

}  // namespace
}  // namespace readygate::mock
