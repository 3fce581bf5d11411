// OpenAI-shaped errors: {"error": {"message", "type", "param", "code"}}.
#pragma once

#include <string>
#include <string_view>

namespace readygate::contract {

struct ApiError {
  int status = 500;
  std::string type;     // e.g. "invalid_request_error"
  std::string message;  // never carries prompt text or credentials
  std::string param;    // empty -> null
  std::string code;     // empty -> null
};

// The JSON body for `e`, compact, with param/code null when empty.
std::string error_body_json(const ApiError& e);

// 400 invalid_request_error naming `param`.
ApiError invalid_request(std::string message, std::string param, std::string code = "");

// The conventional `type` for a status: 400 invalid_request_error,
// 401 authentication_error, 403 permission_error, 404 not_found_error,
// 429 rate_limit_error, 5xx server_error / api_error.
std::string_view default_error_type(int status);

}  // namespace readygate::contract
