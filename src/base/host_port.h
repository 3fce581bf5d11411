// HOST:PORT parsing for --listen flags and config, and the loopback test that
// decides where plain http and unauthenticated listeners are allowed. No Asio
// here, so config and mock code can use it without the network module.
#pragma once

#include <cstdint>
#include <expected>
#include <string>
#include <string_view>

namespace readygate {

struct HostPort {
  std::string host;  // without brackets for IPv6
  uint16_t port = 0;
};

// Accepts "127.0.0.1:8080", "localhost:0", "[::1]:9000", ":8080" (host
// 127.0.0.1). The error names what is wrong.
std::expected<HostPort, std::string> parse_host_port(std::string_view s);

// True when `host` is a loopback name or address: "localhost" (any case), an
// IPv4 dotted quad in 127.0.0.0/8, or "::1". Names that merely start with
// "127." (127.0.0.1.example.com) are not loopback.
bool is_loopback_host(std::string_view host);

}  // namespace readygate
