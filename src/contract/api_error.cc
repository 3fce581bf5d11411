#include "contract/api_error.h"

#include <utility>

#include "base/json_text.h"

namespace readygate::contract {

std::string error_body_json(const ApiError& e) {
  std::string out;
  out.reserve(64 + e.message.size() + e.type.size() + e.param.size() + e.code.size());
  out += R"({"error":{"message":)";
  append_json_string(out, e.message);
  out += R"(,"type":)";
  append_json_string(out, e.type);
  out += R"(,"param":)";
  if (e.param.empty())
    out += "null";
  else
    append_json_string(out, e.param);
  out += R"(,"code":)";
  if (e.code.empty())
    out += "null";
  else
    append_json_string(out, e.code);
  out += "}}";
  return out;
}

ApiError invalid_request(std::string message, std::string param, std::string code) {
  ApiError e;
  e.status = 400;
  e.type = "invalid_request_error";
  e.message = std::move(message);
  e.param = std::move(param);
  e.code = std::move(code);
  return e;
}

std::string_view default_error_type(int status) {
  switch (status) {
    case 401:
      return "authentication_error";
    case 403:
      return "permission_error";
    case 404:
      return "not_found_error";
    case 429:
      return "rate_limit_error";
    default:
      break;
  }
  if (status >= 400 && status < 500) return "invalid_request_error";
  // OpenAI answers its own 5xx with "server_error"; "api_error" is the SDKs'
  // catch-all and fits anything that is neither a 4xx nor a 5xx.
  if (status >= 500 && status < 600) return "server_error";
  return "api_error";
}

}  // namespace readygate::contract
