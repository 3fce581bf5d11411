#include "contract/api_error.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace readygate::contract {
namespace {

TEST(ApiError, BodyIsCompactWithNullParamAndCode) {
  ApiError e{429, "rate_limit_error", "Slow down.", "", ""};
  EXPECT_EQ(
      error_body_json(e),
      R"({"error":{"message":"Slow down.","type":"rate_limit_error","param":null,"code":null}})");
}

TEST(ApiError, BodyCarriesParamAndCodeAsStrings) {
  const ApiError e = invalid_request("Missing required parameter: 'messages'.", "messages",
                                     "missing_required_parameter");
  EXPECT_EQ(e.status, 400);
  EXPECT_EQ(e.type, "invalid_request_error");
  EXPECT_EQ(error_body_json(e), R"({"error":{"message":"Missing required parameter: 'messages'.",)"
                                R"("type":"invalid_request_error","param":"messages",)"
                                R"("code":"missing_required_parameter"}})");
}

TEST(ApiError, BodyEscapesAndStaysValidJson) {
  ApiError e{500, "server_error", "quote \" backslash \\ newline \n bad \xff byte", "a\"b", "c"};
  const auto j = nlohmann::json::parse(error_body_json(e));
  EXPECT_EQ(j["error"]["param"], "a\"b");
  EXPECT_EQ(j["error"]["code"], "c");
  EXPECT_EQ(j["error"]["type"], "server_error");
  EXPECT_NE(j["error"]["message"].get<std::string>().find("newline \n bad"), std::string::npos);
}

TEST(ApiError, InvalidRequestWithoutCodeGivesNullCode) {
  const auto j = nlohmann::json::parse(error_body_json(invalid_request("x", "model")));
  EXPECT_TRUE(j["error"]["code"].is_null());
  EXPECT_EQ(j["error"]["param"], "model");
}

struct TypeCase {
  int status;
  const char* type;
};

class DefaultErrorType : public ::testing::TestWithParam<TypeCase> {};

TEST_P(DefaultErrorType, FollowsTheStatusConvention) {
  EXPECT_EQ(default_error_type(GetParam().status), GetParam().type) << GetParam().status;
}

INSTANTIATE_TEST_SUITE_P(
    Statuses, DefaultErrorType,
    ::testing::Values(TypeCase{400, "invalid_request_error"}, TypeCase{401, "authentication_error"},
                      TypeCase{403, "permission_error"}, TypeCase{404, "not_found_error"},
                      TypeCase{422, "invalid_request_error"}, TypeCase{429, "rate_limit_error"},
                      TypeCase{500, "server_error"}, TypeCase{503, "server_error"},
                      TypeCase{200, "api_error"}));

}  // namespace
}  // namespace readygate::contract
