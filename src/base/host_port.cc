#include "base/host_port.h"

#include <charconv>

#include "base/headers.h"

namespace readygate {

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

namespace {

// A dotted quad of four decimal octets, each 0..255.
bool is_ipv4_in_127(std::string_view s) {
  int octets = 0;
  while (true) {
    unsigned v = 0;
    const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    const size_t used = static_cast<size_t>(p - s.data());
    if (ec != std::errc() || used == 0 || used > 3 || v > 255) return false;
    if (octets == 0 && v != 127) return false;
    ++octets;
    s.remove_prefix(used);
    if (s.empty()) return octets == 4;
    if (s.front() != '.' || octets == 4) return false;
    s.remove_prefix(1);
  }
}

}  // namespace

bool is_loopback_host(std::string_view host) {
  return iequals(host, "localhost") || host == "::1" || is_ipv4_in_127(host);
}

}  // namespace readygate
