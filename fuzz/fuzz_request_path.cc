// The client request path as the listener runs it: Beast's request parser
// with the gateway's limits, then the RFC 9112 framing check on the head,
// then the request checks of both surfaces on the body (with the content
// fingerprint the built-in provider uses).
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "contract/request_check.h"
#include "net/http_server.h"

using namespace readygate;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace http = net::http;
  http::request_parser<http::string_body> parser;
  parser.header_limit(64 << 10);
  parser.body_limit(1 << 20);
  net::error_code ec;
  net::beast::flat_buffer buffer;
  auto in = buffer.prepare(size);
  if (size > 0) std::memcpy(in.data(), data, size);
  buffer.commit(size);
  net::parse_buffered(parser, buffer, ec, /*header_only=*/true);
  if (ec || !parser.is_header_done()) return 0;
  if (net::request_framing_problem(parser.get())) return 0;
  net::parse_buffered(parser, buffer, ec);
  if (ec || !parser.is_done()) return 0;
  const std::string& body = parser.get().body();
  (void)contract::check_request(contract::Surface::kChatCompletions, body, true);
  (void)contract::check_request(contract::Surface::kResponses, body, true);
  return 0;
}
