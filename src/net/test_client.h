// A blocking HTTP/1.1 client for tests: one request per call on a fresh
// loopback connection, bounded by a deadline. Test-only (linked by *_test).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "base/headers.h"

namespace readygate::net::testing {

struct TestReply {
  int status = 0;  // 0: no response (connection failed, reset or timed out)
  std::string body;
  HeaderList headers;
  std::string header(std::string_view name) const {
    auto v = find_header(headers, name);
    return v ? std::string(*v) : std::string();
  }
};

TestReply http_request(uint16_t port, std::string_view method, std::string_view path,
                       const std::string& body = {}, const HeaderList& headers = {},
                       std::chrono::milliseconds deadline = std::chrono::seconds(20));

// POST JSON with `Authorization: Bearer key` (omitted when key is empty).
TestReply post_json(uint16_t port, std::string_view path, const std::string& body,
                    const std::string& key, HeaderList extra = {});

}  // namespace readygate::net::testing
