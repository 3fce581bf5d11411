#include "net/address.h"

#include <charconv>

namespace readygate::net {

std::expected<HostPort, std::string> parse_host_port(std::string_view s) {
  HostPort hp;
  std::string_view port_text;
  if (s.starts_with('[')) {
    const auto close = s.find(']');
    if (close == std::string_view::npos || close + 1 >= s.size() || s[close + 1] != ':')
      return std::unexpected("expected [IPv6]:PORT, got '" + std::string(s) + "'");
    hp.host = std::string(s.substr(1, close - 1));
    port_text = s.substr(close + 2);
  } else {
    const auto colon = s.rfind(':');
    if (colon == std::string_view::npos)
      return std::unexpected("expected HOST:PORT, got '" + std::string(s) + "'");
    hp.host = std::string(s.substr(0, colon));
    port_text = s.substr(colon + 1);
    if (hp.host.find(':') != std::string::npos)
      return std::unexpected("IPv6 addresses need brackets: [::1]:PORT");
  }
  if (hp.host.empty()) hp.host = "127.0.0.1";
  unsigned v = 0;
  const auto [p, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), v);
  if (port_text.empty() || ec != std::errc() || p != port_text.data() + port_text.size() ||
      v > 65535)
    return std::unexpected("port must be a number from 0 to 65535, got '" +
                           std::string(port_text) + "'");
  hp.port = static_cast<uint16_t>(v);
  return hp;
}

bool is_loopback_host(std::string_view host) {
  return host == "localhost" || host == "::1" || host.starts_with("127.");
}

}  // namespace readygate::net
