#include "contract/error_class.h"

#include <gtest/gtest.h>

#include <set>

#include "base/http_date.h"

namespace readygate::contract {
namespace {

using std::chrono::milliseconds;
using E = ErrorClass;

std::string err_body(std::string_view type, std::string_view code) {
  return R"({"error":{"message":"m","type":")" + std::string(type) + R"(","param":null,"code":)" +
         (code.empty() ? std::string("null") : "\"" + std::string(code) + "\"") + "}}";
}

struct StatusCase {
  const char* name;
  int status;
  std::string body;
  E want;
  bool retry;
};

class ClassifyStatus : public ::testing::TestWithParam<StatusCase> {};

TEST_P(ClassifyStatus, FollowsTheDesignTable) {
  const StatusCase& c = GetParam();
  FakeClock clock;
  const auto got = classify_response(c.status, c.body, {}, clock.wall());
  EXPECT_EQ(error_class_name(got.error_class), error_class_name(c.want)) << got.reason;
  EXPECT_EQ(got.retryable, c.retry) << got.reason;
  EXPECT_FALSE(got.should_retry_header);
  EXPECT_EQ(got.reason.find("\"m\""), std::string::npos);  // no body text
}

const std::string kChatOk =
    R"({"id":"c","object":"chat.completion","created":1,"model":"m","choices":[]})";
const std::string kHtml = "<html><body>Welcome</body></html>";

INSTANTIATE_TEST_SUITE_P(
    Table, ClassifyStatus,
    ::testing::Values(
        StatusCase{"Ok200", 200, kChatOk, E::kNone, false},
        StatusCase{"Html200", 200, kHtml, E::kUnknown, false},
        StatusCase{"ErrorBody200", 200, err_body("server_error", ""), E::kUnknown, false},
        StatusCase{"Redirect301", 301, kHtml, E::kUnknown, false},
        StatusCase{"BadRequest400", 400, err_body("invalid_request_error", ""), E::kBadRequest,
                   false},
        StatusCase{"Auth401", 401, err_body("invalid_request_error", "invalid_api_key"), E::kAuth,
                   false},
        StatusCase{"Permission403", 403,
                   err_body("permission_error", "unsupported_country_region_territory"),
                   E::kPermission, false},
        StatusCase{"NotFound404", 404, err_body("invalid_request_error", "model_not_found"),
                   E::kNotFound, false},
        StatusCase{"Timeout408", 408, err_body("timeout", ""), E::kTransient, true},
        StatusCase{"Conflict409", 409, err_body("conflict", ""), E::kTransient, true},
        StatusCase{"TooLarge413", 413, err_body("invalid_request_error", ""), E::kBadRequest,
                   false},
        StatusCase{"Unprocessable422", 422, err_body("invalid_request_error", ""), E::kBadRequest,
                   false},
        StatusCase{"RateLimit429", 429, err_body("requests", "rate_limit_exceeded"), E::kThrottled,
                   true},
        StatusCase{"Quota429", 429, err_body("insufficient_quota", "insufficient_quota"), E::kQuota,
                   false},
        StatusCase{"BillingHardLimit429", 429,
                   err_body("billing_error", "billing_hard_limit_reached"), E::kQuota, false},
        StatusCase{"QuotaExceeded429", 429, err_body("rate_limit_error", "quota_exceeded"),
                   E::kQuota, false},
        StatusCase{"BillingNotActive429", 429,
                   err_body("invalid_request_error", "billing_not_active"), E::kQuota, false},
        StatusCase{"RelayUserQuota429", 429, err_body("comet_api_error", "insufficient_user_quota"),
                   E::kQuota, false},
        StatusCase{"RelayBalance429", 429, err_body("comet_api_error", "insufficient_balance"),
                   E::kQuota, false},
        StatusCase{"LoadBalancerLimit429", 429, err_body("load_balancer_error", "too_many"),
                   E::kThrottled, true},
        StatusCase{"Server500", 500, err_body("server_error", ""), E::kTransient, true},
        StatusCase{"CometInvalidRequest500", 500, err_body("comet_api_error", "invalid_request"),
                   E::kServerInvalidRequest, false},
        StatusCase{"BadGateway502", 502, err_body("bad_gateway", ""), E::kTransient, true},
        StatusCase{"ProxyHtml502", 502, "<html>502 Bad Gateway</html>", E::kTransient, true},
        StatusCase{"Unavailable503", 503, err_body("server_error", ""), E::kTransient, true},
        StatusCase{"GatewayTimeout504", 504, "", E::kTransient, true},
        StatusCase{"Cloudflare524", 524, kHtml, E::kTransient, true},
        StatusCase{"Overloaded529", 529, err_body("overloaded_error", ""), E::kTransient, true},
        StatusCase{"Other5xx507", 507, err_body("server_error", ""), E::kTransient, true},
        StatusCase{"Policy400", 400, err_body("invalid_request_error", "content_policy_violation"),
                   E::kPolicy, false},
        StatusCase{"ContentFilter400", 400, err_body("invalid_request_error", "content_filter"),
                   E::kPolicy, false},
        StatusCase{"PolicyType400", 400, err_body("content_policy_error", ""), E::kPolicy, false},
        StatusCase{"InvalidPrompt400", 400, err_body("invalid_request_error", "invalid_prompt"),
                   E::kPolicy, false},
        StatusCase{"Policy403", 403, err_body("permission_error", "content_policy_violation"),
                   E::kPolicy, false},
        StatusCase{"MethodNotAllowed405", 405, kHtml, E::kUnknown, false}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(ClassifyResponse, ErrorCodeAndTypeAreCopiedWithoutTheMessage) {
  FakeClock clock;
  const auto c = classify_response(429, err_body("insufficient_quota", "insufficient_quota"), {},
                                   clock.wall());
  EXPECT_EQ(c.error_code, "insufficient_quota");
  EXPECT_EQ(c.error_type, "insufficient_quota");
  EXPECT_EQ(c.reason, "HTTP 429: quota or billing limit (insufficient_quota)");
}

TEST(ClassifyResponse, NumericAndOddCodesAreSanitized) {
  FakeClock clock;
  auto c = classify_response(429, R"({"error":{"code":1008,"type":"a b<c>"}})", {}, clock.wall());
  EXPECT_EQ(c.error_code, "1008");
  EXPECT_EQ(c.error_type, "a_b_c_");
}

TEST(ClassifyResponse, HtmlOnSuccessPointsAtTheBaseUrl) {
  FakeClock clock;
  for (int status : {200, 301}) {
    const auto c =
        classify_response(status, "<!doctype html><title>Home</title>", {}, clock.wall());
    EXPECT_EQ(c.error_class, E::kUnknown);
    EXPECT_TRUE(c.body_not_json);
    EXPECT_FALSE(c.retryable);
    EXPECT_NE(c.reason.find("base URL"), std::string::npos) << c.reason;
    EXPECT_EQ(c.reason.find("Home"), std::string::npos) << c.reason;
  }
}

TEST(ClassifyResponse, ProxyHtml502StaysTransientButIsMarkedNotJson) {
  FakeClock clock;
  const auto c = classify_response(502, "<html>Bad Gateway</html>", {}, clock.wall());
  EXPECT_EQ(c.error_class, E::kTransient);
  EXPECT_TRUE(c.retryable);
  EXPECT_TRUE(c.body_not_json);
}

TEST(ClassifyResponse, EventStreamSuccessIsNotAnError) {
  FakeClock clock;
  const auto c = classify_response(200, "", {{"Content-Type", "text/event-stream; charset=utf-8"}},
                                   clock.wall());
  EXPECT_EQ(c.error_class, E::kNone);
  EXPECT_FALSE(c.body_not_json);
}

TEST(ClassifyResponse, ShouldRetryTrueOverridesA400) {
  FakeClock clock;
  const auto c = classify_response(400, err_body("invalid_request_error", ""),
                                   {{"X-Should-Retry", "true"}}, clock.wall());
  EXPECT_EQ(c.error_class, E::kBadRequest);
  EXPECT_TRUE(c.retryable);
  EXPECT_TRUE(c.should_retry_header);
}

TEST(ClassifyResponse, ShouldRetryFalseOverridesA503) {
  FakeClock clock;
  const auto c = classify_response(503, err_body("server_error", ""), {{"x-should-retry", "false"}},
                                   clock.wall());
  EXPECT_EQ(c.error_class, E::kTransient);
  EXPECT_FALSE(c.retryable);
  EXPECT_TRUE(c.should_retry_header);
}

TEST(ClassifyResponse, GarbageShouldRetryIsIgnored) {
  FakeClock clock;
  const auto c = classify_response(503, "", {{"x-should-retry", "maybe"}}, clock.wall());
  EXPECT_TRUE(c.retryable);
  EXPECT_FALSE(c.should_retry_header);
}

TEST(ClassifyResponse, RetryAfterIsAttached) {
  FakeClock clock;
  const auto c = classify_response(429, err_body("requests", "rate_limit_exceeded"),
                                   {{"Retry-After", "2"}}, clock.wall());
  EXPECT_EQ(c.retry_after, milliseconds(2000));
}

struct RetryAfterCase {
  const char* name;
  HeaderList headers;
  std::optional<milliseconds> want;
};

class RetryAfter : public ::testing::TestWithParam<RetryAfterCase> {};

TEST_P(RetryAfter, IsReadLikeTheSdks) {
  FakeClock clock;  // 2026-01-01T00:00:00Z
  EXPECT_EQ(parse_retry_after(GetParam().headers, clock.wall()), GetParam().want);
}

INSTANTIATE_TEST_SUITE_P(
    Headers, RetryAfter,
    ::testing::Values(
        RetryAfterCase{"Milliseconds", {{"retry-after-ms", "250"}}, milliseconds(250)},
        RetryAfterCase{
            "FractionalMillisecondsRoundUp", {{"retry-after-ms", "12.2"}}, milliseconds(13)},
        RetryAfterCase{"MillisecondsWinOverSeconds",
                       {{"retry-after", "9"}, {"retry-after-ms", "100"}},
                       milliseconds(100)},
        RetryAfterCase{"Seconds", {{"Retry-After", "3"}}, milliseconds(3000)},
        RetryAfterCase{"DecimalSeconds", {{"Retry-After", " 1.5 "}}, milliseconds(1500)},
        RetryAfterCase{
            "HttpDate", {{"Retry-After", "Thu, 01 Jan 2026 00:00:07 GMT"}}, milliseconds(7000)},
        RetryAfterCase{"PastHttpDateIsZero",
                       {{"Retry-After", "Wed, 31 Dec 2025 23:59:00 GMT"}},
                       milliseconds(0)},
        RetryAfterCase{"NegativeIsIgnored", {{"retry-after", "-1"}}, std::nullopt},
        RetryAfterCase{"GarbageIsIgnored", {{"retry-after", "soon"}}, std::nullopt},
        RetryAfterCase{"InfinityIsIgnored", {{"retry-after", "inf"}}, std::nullopt},
        RetryAfterCase{"BadMsFallsBackToSeconds",
                       {{"retry-after-ms", "-5"}, {"retry-after", "4"}},
                       milliseconds(4000)},
        RetryAfterCase{"Absent", {}, std::nullopt}),
    [](const auto& info) { return std::string(info.param.name); });

struct TransportCase {
  TransportError e;
  E want;
  bool retry;
};

class ClassifyTransport : public ::testing::TestWithParam<TransportCase> {};

TEST_P(ClassifyTransport, KeepsTransportApartFromStatuses) {
  const auto c = classify_transport(GetParam().e);
  EXPECT_EQ(c.error_class, GetParam().want) << transport_error_name(GetParam().e);
  EXPECT_EQ(c.retryable, GetParam().retry) << transport_error_name(GetParam().e);
  EXPECT_NE(c.reason.find(transport_error_name(GetParam().e)), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(
    Errors, ClassifyTransport,
    ::testing::Values(TransportCase{TransportError::kConnectRefused, E::kTransient, true},
                      TransportCase{TransportError::kConnectTimeout, E::kTransient, true},
                      TransportCase{TransportError::kReset, E::kTransient, true},
                      TransportCase{TransportError::kFirstByteTimeout, E::kTransient, true},
                      TransportCase{TransportError::kIdleTimeout, E::kTransient, true},
                      TransportCase{TransportError::kTls, E::kUnknown, false},
                      TransportCase{TransportError::kResolve, E::kUnknown, false},
                      TransportCase{TransportError::kProtocol, E::kUnknown, false}));

TEST(ErrorClass, NamesAreDistinct) {
  std::set<std::string_view> names;
  for (int i = 0; i <= static_cast<int>(E::kUnknown); ++i)
    names.insert(error_class_name(static_cast<E>(i)));
  EXPECT_EQ(names.size(), static_cast<size_t>(E::kUnknown) + 1);
}

}  // namespace
}  // namespace readygate::contract
