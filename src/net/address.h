// HOST:PORT parsing for --listen flags and config. No Asio here.
#pragma once

#include <cstdint>
#include <expected>
#include <string>
#include <string_view>

namespace readygate::net {

struct HostPort {
  std::string host;  // without brackets for IPv6
  uint16_t port = 0;
};

// Accepts "127.0.0.1:8080", "localhost:0", "[::1]:9000", ":8080" (host
// 127.0.0.1). The error names what is wrong.
std::expected<HostPort, std::string> parse_host_port(std::string_view s);

// True when `host` is a loopback name or address (127.0.0.0/8, ::1, localhost).
bool is_loopback_host(std::string_view host);

}  // namespace readygate::net
