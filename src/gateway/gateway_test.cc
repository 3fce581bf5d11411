// The data path end to end on loopback: in-process built-in providers as
// upstreams, the gateway in front, a blocking client. Backoff is configured
// in milliseconds so the suite stays fast; exact delays are asserted in the
// policy tests on a fake clock.
#include "gateway/gateway.h"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "base/headers.h"
#include "contract/shape_check.h"
#include "contract/sse_parser.h"
#include "contract/stream_check.h"
#include "evidence/memory_sink.h"
#include "mock/mock_provider.h"
#include "net/test_client.h"

namespace readygate::gateway {
namespace {

using contract::Surface;
using net::testing::post_json;
using net::testing::TestReply;

const std::string kChat =
    R"({"model":"gpt-4o-mini","messages":[{"role":"user","content":"canary prompt 7c1f"}]})";
const std::string kChatStream =
    R"({"model":"gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"hi"}]})";

// A built-in provider on its own thread, with its own request log.
struct Upstream {
  explicit Upstream(std::vector<std::string> faults, std::string name) {
    mock::MockOptions o;
    o.listen = "127.0.0.1:0";
    o.api_keys = {"sk-upstream-key"};
    o.fault_specs = std::move(faults);
    log = ::testing::TempDir() + "/gw_" + name + "_" +
          ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".jsonl";
    std::remove(log.c_str());
    o.log_path = log;
    provider = std::make_unique<mock::MockProvider>(io, o);
    port = *provider->listen();
    provider->start();
    thread = std::thread([this] { io.run(); });
  }
  ~Upstream() {
    provider->stop();
    io.stop();
    thread.join();
  }
  std::vector<nlohmann::json> requests() const {
    std::vector<nlohmann::json> out;
    std::ifstream in(log);
    for (std::string line; std::getline(in, line);)
      if (line.find("\"surface\":null") == std::string::npos) out.push_back(nlohmann::json::parse(line));
    return out;
  }
  net::asio::io_context io;
  std::unique_ptr<mock::MockProvider> provider;
  std::thread thread;
  uint16_t port = 0;
  std::string log;
};

class GatewayTest : public ::testing::Test {
 protected:
  void SetUp() override { setenv("RG_TEST_UPSTREAM_KEY", "sk-upstream-key", 1); }

  // Starts the gateway over `primary` and (optionally) `fallback`.
  void start(Upstream& primary, Upstream* fallback, const std::string& extra_route = "",
             const std::string& chain_extra = "") {
    std::string yaml = "listen: 127.0.0.1:0\nclient_keys:\n  - name: app\n    env: RG_TEST_CLIENT_KEY\n";
    setenv("RG_TEST_CLIENT_KEY", "sk-client-key", 1);
    auto route = [&](const std::string& name, uint16_t port) {
      return "  - name: " + name + "\n    surface: chat_completions\n    base_url: http://127.0.0.1:" +
             std::to_string(port) +
             "/v1\n    credential: {env: RG_TEST_UPSTREAM_KEY}\n"
             "    retry: {max_attempts: 3, base: 5ms, base_after_429: 5ms, cap: 20ms, "
             "retry_after_cap: 2s}\n"
             "    breaker: {consecutive_failures: 3, open_base: 400ms, open_max: 2s, "
             "half_open_probes: 1}\n" +
             extra_route;
    };
    yaml += "routes:\n" + route("primary", primary.port);
    if (fallback) yaml += route("fallback", fallback->port);
    // The fallback is served unreviewed (the policy's own tests: review_gate_test.cc).
    yaml += "chains:\n  - model: gpt-4o-mini\n    routes: [primary" +
            std::string(fallback ? ", fallback]\n    fallback: {unreviewed: allow}\n" : "]\n") +
            chain_extra;
    evidence_path_ = ::testing::TempDir() + "/gw_evidence.jsonl";
    yaml += "evidence: {path: " + evidence_path_ + "}\n";
    auto cfg = config::load_config_text(yaml);
    ASSERT_TRUE(cfg.has_value()) << (cfg ? "" : cfg.error()[0]) << "\n" << yaml;
    sink_ = std::make_shared<evidence::MemorySink>();
    gw_ = std::make_unique<Gateway>(std::move(*cfg), opts_,
                                    SystemClock::instance(), sink_);
    auto ports = gw_->listen();
    ASSERT_TRUE(ports.has_value()) << ports.error();
    port_ = (*ports)[0];
    gw_->start();
  }
  void TearDown() override {
    if (gw_) gw_->stop();
  }
  TestReply chat(const std::string& body = kChat, const std::string& key = "sk-client-key") {
    return post_json(port_, "/v1/chat/completions", body, key);
  }

  GatewayOptions opts_{.seed = 7};
  std::unique_ptr<Gateway> gw_;
  std::shared_ptr<evidence::MemorySink> sink_;
  uint16_t port_ = 0;
  std::string evidence_path_;
};

contract::StreamVerdict verdict_of(Surface s, const std::string& body) {
  contract::SseParser p;
  contract::StreamChecker c(s);
  p.feed(body);
  contract::SseEvent ev;
  while (p.next(&ev)) c.on_event(ev);
  return c.finish();
}

TEST_F(GatewayTest, TwoTransientFailuresThenSuccessTakesThreeAttempts) {
  Upstream primary({"unavailable,first=2"}, "p");
  start(primary, nullptr);
  auto r = chat();
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("x-readygate-attempts"), "3");
  EXPECT_EQ(r.header("x-readygate-route"), "primary");
  EXPECT_EQ(contract::check_response_shape(Surface::kChatCompletions, r.body).verdict,
            contract::ShapeVerdict::kDocumentedShapeSeen);
  EXPECT_EQ(primary.requests().size(), 3u);
}

// The polling loop must still run timers (the backoff between attempts),
// serve keep-alive requests and let stop() end the worker.
TEST_F(GatewayTest, BusyPollingWorkerServesRetriesAndStops) {
  Upstream primary({"unavailable,first=2"}, "p");
  opts_.busy_poll = std::chrono::microseconds(500);
  start(primary, nullptr);
  for (int i = 0; i < 3; ++i) {
    auto r = chat();
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.header("x-readygate-attempts"), i == 0 ? "3" : "1");
  }
  EXPECT_EQ(primary.requests().size(), 5u);
  gw_->stop();
  gw_.reset();
}

TEST_F(GatewayTest, UpstreamAuthErrorIsReturnedAfterOneAttemptWithShouldRetryFalse) {
  Upstream primary({"unauthorized"}, "p");
  Upstream fallback({}, "f");
  start(primary, &fallback);
  auto r = chat();
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.header("x-should-retry"), "false");
  EXPECT_EQ(nlohmann::json::parse(r.body)["error"]["code"], "invalid_api_key");
  EXPECT_EQ(primary.requests().size(), 1u);
  EXPECT_EQ(fallback.requests().size(), 0u);
}

TEST_F(GatewayTest, RetriesExhaustedFallsBackToTheNextRoute) {
  Upstream primary({"unavailable"}, "p");
  Upstream fallback({}, "f");
  start(primary, &fallback);
  auto r = chat();
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("x-readygate-route"), "fallback");
  EXPECT_EQ(r.header("x-readygate-attempts"), "4");
  EXPECT_EQ(primary.requests().size(), 3u);
}

TEST_F(GatewayTest, RetryAfterAboveTheCapFallsBackWithoutWaiting) {
  Upstream primary({"rate_limit,retry_after=300"}, "p");
  Upstream fallback({}, "f");
  start(primary, &fallback);
  const auto t0 = std::chrono::steady_clock::now();
  auto r = chat();
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.header("x-readygate-route"), "fallback");
  EXPECT_EQ(primary.requests().size(), 1u);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(2));
}

TEST_F(GatewayTest, OpenBreakerSkipsThePrimaryThenAProbeClosesIt) {
  Upstream primary({"unavailable,first=3"}, "p");
  Upstream fallback({}, "f");
  start(primary, &fallback);
  EXPECT_EQ(chat().header("x-readygate-route"), "fallback");  // 3 failures open the breaker
  EXPECT_EQ(primary.requests().size(), 3u);
  auto skipped = chat();
  EXPECT_EQ(skipped.header("x-readygate-route"), "fallback");
  EXPECT_EQ(skipped.header("x-readygate-attempts"), "1");
  EXPECT_EQ(primary.requests().size(), 3u) << "an open breaker must not send attempts";
  std::this_thread::sleep_for(std::chrono::milliseconds(450));  // open_base 400ms
  auto probe = chat();
  EXPECT_EQ(probe.header("x-readygate-route"), "primary");
  EXPECT_EQ(primary.requests().size(), 4u);
  EXPECT_EQ(chat().header("x-readygate-route"), "primary");
}

TEST_F(GatewayTest, StreamTruncatedBeforeItsFirstEventFallsBack) {
  Upstream primary({"truncate,after_events=0"}, "p");
  Upstream fallback({}, "f");
  start(primary, &fallback);
  auto r = chat(kChatStream);
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.header("x-readygate-route"), "fallback");
  EXPECT_EQ(verdict_of(Surface::kChatCompletions, r.body), contract::StreamVerdict::kCompleted);
}

TEST_F(GatewayTest, StreamTruncatedAfterCommitEndsWithAnErrorEvent) {
  Upstream primary({"truncate,after_events=3"}, "p");
  Upstream fallback({}, "f");
  start(primary, &fallback);
  auto r = chat(kChatStream);
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.header("x-readygate-route"), "primary");
  EXPECT_EQ(verdict_of(Surface::kChatCompletions, r.body), contract::StreamVerdict::kErrorEvent);
  EXPECT_EQ(r.body.find("[DONE]"), std::string::npos);
  EXPECT_EQ(fallback.requests().size(), 0u);
}

// A stream read to its end leaves its upstream connection in the pool, as a
// JSON answer does: one connection serves all three requests.
TEST_F(GatewayTest, StreamsAndAnswersReuseOneUpstreamConnection) {
  Upstream primary({}, "p");
  start(primary, nullptr);
  for (const auto* body : {&kChatStream, &kChatStream, &kChat}) {
    auto r = chat(*body);
    ASSERT_EQ(r.status, 200) << r.body;
  }
  const std::string m = gw_->render_metrics();
  EXPECT_NE(m.find("readygate_upstream_connections_opened_total{route=\"primary\"} 1\n"),
            std::string::npos)
      << m;
  EXPECT_NE(m.find("readygate_upstream_connection_reuses_total{route=\"primary\"} 2\n"),
            std::string::npos)
      << m;
}

// Usage reaches the evidence record from a JSON answer and from a stream's
// include_usage chunk (the counters only, no content).
TEST_F(GatewayTest, EvidenceRecordsUsageOfAnswersAndStreams) {
  Upstream primary({}, "p");
  start(primary, nullptr);
  ASSERT_EQ(chat().status, 200);
  const std::string with_usage =
      R"({"model":"gpt-4o-mini","stream":true,"stream_options":{"include_usage":true},)"
      R"("messages":[{"role":"user","content":"hi"}]})";
  ASSERT_EQ(chat(with_usage).status, 200);
  ASSERT_EQ(chat(kChatStream).status, 200);
  gw_->stop();
  const auto records = sink_->records();
  ASSERT_EQ(records.size(), 3u);
  for (int i = 0; i < 2; ++i) {
    SCOPED_TRACE(i);
    ASSERT_TRUE(records[i].prompt_tokens.has_value());
    ASSERT_TRUE(records[i].completion_tokens.has_value());
    EXPECT_GT(*records[i].completion_tokens, 0);
    EXPECT_EQ(records[i].total_tokens, *records[i].prompt_tokens + *records[i].completion_tokens);
  }
  EXPECT_FALSE(records[2].total_tokens.has_value());  // a stream without include_usage
}

// Breaker open and no other route: 503 no_route_available without an
// attempt. (This path once freed a message twice under g++ 12; ASan.)
TEST_F(GatewayTest, OpenBreakerWithoutFallbackAnswers503NoRouteAvailable) {
  Upstream primary({"unavailable"}, "p");
  start(primary, nullptr);
  auto first = chat();
  EXPECT_EQ(first.status, 503);
  EXPECT_EQ(first.header("x-readygate-attempts"), "3");
  for (int i = 0; i < 3; ++i) {
    auto r = chat();
    ASSERT_EQ(r.status, 503) << r.body;
    const auto body = nlohmann::json::parse(r.body);
    EXPECT_EQ(body["error"]["code"], "no_route_available");
    EXPECT_EQ(r.header("x-should-retry"), "false");
  }
  EXPECT_EQ(primary.requests().size(), 3u);  // nothing reached it once open
  gw_->stop();
  const auto records = sink_->records();
  ASSERT_EQ(records.size(), 4u);
  EXPECT_EQ(records[3].fallback_decision, "skipped:primary:breaker_open;no_route_available");
  EXPECT_TRUE(records[3].attempts.empty());
}

// The provider's request id and rate-limit headers reach the client with
// readygate's own, once each; its other headers (Content-Length, Server...) do not.
TEST_F(GatewayTest, AnswerCarriesTheProvidersRequestIdAndRateLimitHeaders) {
  Upstream primary({}, "p");
  start(primary, nullptr);
  auto r = chat();
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.header("x-ratelimit-limit-requests"), "10000");
  EXPECT_EQ(r.header("openai-processing-ms"), "1");
  EXPECT_EQ(r.header("x-request-id").rfind("req_", 0), 0u) << r.header("x-request-id");
  EXPECT_EQ(r.header("content-type"), "application/json");
  EXPECT_EQ(r.header("x-readygate-route"), "primary");
  EXPECT_EQ(std::to_string(r.body.size()), r.header("content-length"));
  size_t ids = 0;
  for (const auto& [k, v] : r.headers) ids += iequals(k, "x-request-id") ? 1 : 0;
  EXPECT_EQ(ids, 1u);
}

// The upstream request head is rendered once per route: the credential as a
// bearer token, the route's extra headers (one replacing readygate's
// User-Agent), the model rewrite in the body, a correct Content-Length, on
// both the JSON and the stream head.
TEST_F(GatewayTest, UpstreamRequestCarriesRouteHeadersCredentialAndModelRewrite) {
  Upstream primary({}, "p");
  start(primary, nullptr,
        "    model: gpt-4o-2024-08-06\n    headers: {X-Team: search, User-Agent: team-agent/2}\n");
  ASSERT_EQ(chat().status, 200);
  ASSERT_EQ(chat(kChatStream).status, 200);
  const auto reqs = primary.requests();
  ASSERT_EQ(reqs.size(), 2u);
  for (const auto& r : reqs) {
    SCOPED_TRACE(r.dump());
    EXPECT_EQ(r["status"], 200);  // the provider accepted the bearer key
    EXPECT_EQ(r["model"], "gpt-4o-2024-08-06");
    EXPECT_EQ(r["headers"]["x-team"], "search");
    EXPECT_EQ(r["headers"]["user-agent"], "team-agent/2");
    EXPECT_EQ(r["headers"]["authorization"], "[redacted]");
    EXPECT_EQ(std::to_string(r["body_bytes"].get<size_t>()), r["headers"]["content-length"]);
  }
  EXPECT_EQ(reqs[0]["headers"]["accept"], "application/json");
  EXPECT_EQ(reqs[1]["headers"]["accept"], "text/event-stream");
}

TEST_F(GatewayTest, ShapeMismatchFallsBack) {
  Upstream primary({"drift_renamed"}, "p");
  Upstream fallback({}, "f");
  start(primary, &fallback);
  auto r = chat();
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.header("x-readygate-route"), "fallback");
}

TEST_F(GatewayTest, ClientErrorsAreOpenAiShaped) {
  Upstream primary({}, "p");
  start(primary, nullptr);
  EXPECT_EQ(chat(kChat, "").status, 401);
  EXPECT_EQ(chat(kChat, "sk-wrong").status, 401);
  auto bad = chat("{not json");
  EXPECT_EQ(bad.status, 400);
  EXPECT_TRUE(nlohmann::json::parse(bad.body)["error"].is_object());
  auto unknown = chat(R"({"model":"nope","messages":[{"role":"user","content":"x"}]})");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(nlohmann::json::parse(unknown.body)["error"]["code"], "model_not_found");
  EXPECT_EQ(primary.requests().size(), 0u);
}

TEST_F(GatewayTest, EvidenceHasOneRecordPerRequestWithoutContentOrCredentials) {
  Upstream primary({"unavailable,first=1"}, "p");
  start(primary, nullptr);
  ASSERT_EQ(chat().status, 200);
  gw_->stop();
  const auto records = sink_->records();
  ASSERT_EQ(records.size(), 1u);
  const auto& rec = records[0];
  EXPECT_EQ(rec.retry_count, 1);
  ASSERT_EQ(rec.attempts.size(), 2u);
  EXPECT_EQ(rec.attempts[0].status, 503);
  EXPECT_EQ(rec.attempts[0].decision, "retry");
  EXPECT_EQ(rec.response_shape_observed, "documented_shape_seen");
  const std::string json = evidence::to_json(rec);
  for (const char* canary : {"canary prompt 7c1f", "sk-upstream-key", "sk-client-key"})
    EXPECT_EQ(json.find(canary), std::string::npos) << canary;
}

TEST_F(GatewayTest, MetricsAndHealthEndpointsAnswer) {
  Upstream primary({}, "p");
  start(primary, nullptr);
  ASSERT_EQ(chat().status, 200);
  auto m = net::testing::http_request(port_, "GET", "/metrics");
  EXPECT_EQ(m.status, 200);
  EXPECT_NE(m.body.find("readygate_requests_total{"), std::string::npos) << m.body;
  EXPECT_NE(m.body.find("readygate_breaker_state{route=\"primary\"} 0"), std::string::npos);
  EXPECT_EQ(net::testing::http_request(port_, "GET", "/healthz").status, 200);
  EXPECT_EQ(net::testing::http_request(port_, "GET", "/readyz").status, 200);
  auto models = net::testing::http_request(port_, "GET", "/v1/models");
  EXPECT_EQ(nlohmann::json::parse(models.body)["data"][0]["id"], "gpt-4o-mini");
}

}  // namespace
}  // namespace readygate::gateway

namespace readygate::gateway {
namespace {

TEST_F(GatewayTest, StopLetsAnInFlightRequestFinish) {
  Upstream primary({"slow_headers,delay_ms=600"}, "p");
  start(primary, nullptr);
  TestReply reply;
  std::thread client([&] { reply = chat(); });
  while (gw_->in_flight().load() == 0) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  gw_->stop();  // waits for the request within limits.shutdown_grace
  client.join();
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(net::testing::http_request(port_, "GET", "/healthz").status, 0)
      << "a stopped gateway accepts no new connections";
}

TEST_F(GatewayTest, StopRecordsARequestTheGraceDidNotCover) {
  Upstream primary({"slow_headers,delay_ms=3000"}, "p");
  start(primary, nullptr, "", "limits: {shutdown_grace: 200ms}\n");
  TestReply reply;
  std::thread client([&] { reply = chat(); });
  while (gw_->in_flight().load() == 0) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  gw_->stop();
  client.join();
  EXPECT_EQ(reply.status, 0) << "the client got no answer: its connection closed";
  const auto recs = sink_->records();
  ASSERT_EQ(recs.size(), 1u) << "the request cut by the shutdown has its record";
  EXPECT_EQ(recs[0].status, 0);
  EXPECT_EQ(recs[0].fallback_decision, "cut_by_shutdown");
  EXPECT_TRUE(recs[0].follow_up_needed);
}

TEST_F(GatewayTest, StreamsBeyondTheLimitGetA503WithRetryAfter) {
  Upstream primary({"slow_stream,event_delay_ms=100"}, "p");
  start(primary, nullptr, "", "limits: {max_streams: 1}\n");
  TestReply first;
  std::thread client([&] { first = chat(kChatStream); });
  while (gw_->active_streams().load() == 0) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  auto second = chat(kChatStream);
  client.join();
  EXPECT_EQ(first.status, 200);
  EXPECT_EQ(second.status, 503);
  EXPECT_EQ(second.header("retry-after"), "1");
  EXPECT_EQ(nlohmann::json::parse(second.body)["error"]["code"], "too_many_streams");
}

}  // namespace
}  // namespace readygate::gateway
