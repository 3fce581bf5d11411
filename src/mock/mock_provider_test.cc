#include "mock/mock_provider.h"

#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <thread>

#include "contract/shape_check.h"
#include "contract/sse_parser.h"
#include "contract/stream_check.h"
#include "net/test_client.h"

namespace readygate::mock {
namespace {

namespace asio = net::asio;
namespace http = net::http;
using contract::Surface;

class MockProviderTest : public ::testing::Test {
 protected:
  void start(MockOptions opts) {
    opts.listen = "127.0.0.1:0";
    if (opts.api_keys.empty()) opts.api_keys = {"sk-test-key"};
    log_path_ = ::testing::TempDir() + "/mock_log_" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".jsonl";
    std::remove(log_path_.c_str());
    opts.log_path = log_path_;
    provider_ = std::make_unique<MockProvider>(io_, opts);
    auto port = provider_->listen();
    ASSERT_TRUE(port.has_value()) << port.error();
    port_ = *port;
    provider_->start();
    thread_ = std::thread([this] { io_.run(); });
  }
  void TearDown() override {
    if (provider_) provider_->stop();
    io_.stop();
    if (thread_.joinable()) thread_.join();
  }

  net::testing::TestReply post(std::string_view path, const std::string& body,
                               const std::string& key = "sk-test-key", HeaderList extra = {}) {
    return net::testing::post_json(port_, path, body, key, std::move(extra));
  }

  std::vector<nlohmann::json> log_lines() {
    std::vector<nlohmann::json> out;
    std::ifstream in(log_path_);
    for (std::string line; std::getline(in, line);) out.push_back(nlohmann::json::parse(line));
    return out;
  }

  asio::io_context io_;
  std::unique_ptr<MockProvider> provider_;
  std::thread thread_;
  uint16_t port_ = 0;
  std::string log_path_;
};

const std::string kChat =
    R"({"model":"gpt-4o-mini","messages":[{"role":"user","content":"canary prompt text"}]})";
const std::string kChatStream =
    R"({"model":"gpt-4o-mini","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"hi"}]})";
const std::string kResp = R"({"model":"gpt-4o-mini","input":"hello"})";
const std::string kRespStream = R"({"model":"gpt-4o-mini","input":"hello","stream":true})";

contract::StreamVerdict verdict_of(Surface s, const std::string& body) {
  contract::SseParser p;
  contract::StreamChecker c(s);
  p.feed(body);
  contract::SseEvent ev;
  while (p.next(&ev)) c.on_event(ev);
  return c.finish();
}

TEST_F(MockProviderTest, AnswersBothSurfacesWithTheDocumentedShape) {
  start({});
  auto chat = post("/v1/chat/completions", kChat);
  ASSERT_EQ(chat.status, 200) << chat.body;
  EXPECT_EQ(contract::check_response_shape(Surface::kChatCompletions, chat.body).verdict,
            contract::ShapeVerdict::kDocumentedShapeSeen);
  EXPECT_TRUE(chat.header("x-request-id").starts_with("req_"));
  auto resp = post("/v1/responses", kResp);
  ASSERT_EQ(resp.status, 200) << resp.body;
  EXPECT_EQ(contract::check_response_shape(Surface::kResponses, resp.body).verdict,
            contract::ShapeVerdict::kDocumentedShapeSeen);
}

TEST_F(MockProviderTest, StreamsBothSurfacesToTheirTerminal) {
  start({});
  auto chat = post("/v1/chat/completions", kChatStream);
  ASSERT_EQ(chat.status, 200);
  EXPECT_EQ(chat.header("content-type"), "text/event-stream; charset=utf-8");
  EXPECT_EQ(verdict_of(Surface::kChatCompletions, chat.body), contract::StreamVerdict::kCompleted);
  EXPECT_NE(chat.body.find("\"choices\":[],\"usage\":{"), std::string::npos);
  auto resp = post("/v1/responses", kRespStream);
  EXPECT_EQ(verdict_of(Surface::kResponses, resp.body), contract::StreamVerdict::kCompleted);
}

TEST_F(MockProviderTest, MissingOrWrongKeyIs401WithAnErrorBody) {
  start({});
  for (const std::string key : {"", "sk-wrong"}) {
    auto r = post("/v1/chat/completions", kChat, key);
    EXPECT_EQ(r.status, 401);
    auto j = nlohmann::json::parse(r.body);
    EXPECT_EQ(j["error"]["code"], "invalid_api_key");
    EXPECT_EQ(r.body.find("sk-wrong"), std::string::npos);
  }
}

TEST_F(MockProviderTest, InvalidRequestIs400NamingTheField) {
  start({});
  auto r = post("/v1/chat/completions", R"({"model":"gpt-4o-mini"})");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(nlohmann::json::parse(r.body)["error"]["param"], "messages");
}

TEST_F(MockProviderTest, FirstTwoRequestsFailThenSucceedAndTheLogShowsIt) {
  MockOptions o;
  o.fault_specs = {"unavailable,first=2"};
  start(o);
  EXPECT_EQ(post("/v1/chat/completions", kChat).status, 503);
  EXPECT_EQ(post("/v1/chat/completions", kChat).status, 503);
  EXPECT_EQ(post("/v1/chat/completions", kChat).status, 200);
  auto lines = log_lines();
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0]["fault"], "unavailable");
  EXPECT_EQ(lines[1]["status"], 503);
  EXPECT_TRUE(lines[2]["fault"].is_null());
  EXPECT_EQ(lines[2]["body_bytes"], kChat.size());
  for (const auto& l : lines) {
    EXPECT_EQ(l["headers"]["authorization"], "[redacted]");
    EXPECT_EQ(l.dump().find("canary"), std::string::npos);
  }
}

// Group commit keeps the log's promise: whoever holds a response finds its
// line (by x-request-id) already in the file, also when many requests share
// one write.
TEST_F(MockProviderTest, EveryResponseFindsItsLineAlreadyInTheLog) {
  start({});
  constexpr int kClients = 8, kEach = 10;
  std::atomic<int> missing{0}, ok{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c)
    clients.emplace_back([&] {
      for (int i = 0; i < kEach; ++i) {
        auto r = post("/v1/chat/completions", kChat);
        if (r.status != 200) continue;
        ++ok;
        std::ifstream in(log_path_);
        std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        if (all.find("\"" + r.header("x-request-id") + "\"") == std::string::npos) ++missing;
      }
    });
  for (auto& t : clients) t.join();
  EXPECT_EQ(ok.load(), kClients * kEach);
  EXPECT_EQ(missing.load(), 0);
  EXPECT_EQ(log_lines().size(), static_cast<size_t>(kClients * kEach));
}

TEST_F(MockProviderTest, RetryAfterHeadersAreSent) {
  start({});
  auto r = post("/v1/chat/completions", kChat, "sk-test-key",
                {{"x-readygate-fault", "rate_limit,retry_after=3"}});
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(r.header("retry-after"), "3");
  auto d = post("/v1/chat/completions", kChat, "sk-test-key",
                {{"x-readygate-fault", "rate_limit_date,retry_after_date=5"}});
  EXPECT_TRUE(d.header("retry-after").ends_with(" GMT"));
  auto ms = post("/v1/chat/completions", kChat, "sk-test-key",
                 {{"x-readygate-fault", "rate_limit_ms,retry_after_ms=250"}});
  EXPECT_EQ(ms.header("retry-after-ms"), "250");
}

TEST_F(MockProviderTest, CometInvalidRequest500CarriesItsCode) {
  start({});
  auto r = post("/v1/chat/completions", kChat, "sk-test-key",
                {{"x-readygate-fault", "invalid_request_500"}});
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(nlohmann::json::parse(r.body)["error"]["code"], "invalid_request");
}

TEST_F(MockProviderTest, ResetBeforeHeadersGivesNoResponse) {
  start({});
  auto r = post("/v1/chat/completions", kChat, "sk-test-key", {{"x-readygate-fault", "reset"}});
  EXPECT_EQ(r.status, 0);
}

TEST_F(MockProviderTest, TruncatedStreamHasNoTerminal) {
  start({});
  auto r = post("/v1/responses", kRespStream, "sk-test-key",
                {{"x-readygate-fault", "truncate,after_events=3"}});
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(verdict_of(Surface::kResponses, r.body), contract::StreamVerdict::kTruncated);
}

TEST_F(MockProviderTest, MidStreamErrorIsAnErrorEvent) {
  start({});
  auto r = post("/v1/chat/completions", kChatStream, "sk-test-key",
                {{"x-readygate-fault", "stream_error,after_events=2"}});
  EXPECT_EQ(verdict_of(Surface::kChatCompletions, r.body), contract::StreamVerdict::kErrorEvent);
}

TEST_F(MockProviderTest, HtmlAndRedirectPagesAreNotJson) {
  start({});
  auto page = post("/v1/chat/completions", kChat, "sk-test-key", {{"x-readygate-fault", "html"}});
  EXPECT_EQ(page.status, 200);
  EXPECT_TRUE(page.header("content-type").starts_with("text/html"));
  auto moved =
      post("/v1/chat/completions", kChat, "sk-test-key", {{"x-readygate-fault", "redirect_html"}});
  EXPECT_EQ(moved.status, 301);
  EXPECT_FALSE(moved.header("location").empty());
}

TEST_F(MockProviderTest, DriftIsCaughtByTheShapeCheck) {
  start({});
  auto r = post("/v1/chat/completions", kChat, "sk-test-key", {{"x-readygate-fault", "drift_renamed"}});
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(contract::check_response_shape(Surface::kChatCompletions, r.body).verdict,
            contract::ShapeVerdict::kMismatch);
  auto m = post("/v1/chat/completions", kChat, "sk-test-key", {{"x-readygate-fault", "malformed"}});
  EXPECT_EQ(m.status, 200);
  EXPECT_TRUE(nlohmann::json::parse(m.body, nullptr, false).is_discarded());
}

TEST_F(MockProviderTest, ModelsListsTheConfiguredModels) {
  MockOptions o;
  o.models = {"m-one", "m-two"};
  start(o);
  auto res = net::testing::http_request(port_, "GET", "/v1/models");
  auto j = nlohmann::json::parse(res.body);
  ASSERT_EQ(j["data"].size(), 2u);
  EXPECT_EQ(j["data"][1]["id"], "m-two");
}

TEST_F(MockProviderTest, UnknownPathIs404) {
  start({});
  EXPECT_EQ(post("/v1/embeddings", "{}").status, 404);
}

}  // namespace
}  // namespace readygate::mock
