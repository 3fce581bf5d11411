#include "net/test_client.h"

#include "net/asio.h"

namespace readygate::net::testing {

TestReply http_request(uint16_t port, std::string_view method, std::string_view path,
                       const std::string& body, const HeaderList& headers,
                       std::chrono::milliseconds deadline) {
  asio::io_context io;
  beast::tcp_stream s(io);
  TestReply r;
  error_code ec;
  s.expires_after(deadline);
  s.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), ec);
  if (ec) return r;
  http::request<http::string_body> req{http::string_to_verb(method), path, 11};
  req.set(http::field::host, "127.0.0.1");
  for (const auto& [k, v] : headers) req.set(k, v);
  req.body() = body;
  req.prepare_payload();
  s.expires_after(deadline);
  http::write(s, req, ec);
  if (ec) return r;
  beast::flat_buffer buf;
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 << 20);
  // Synchronous reads ignore tcp_stream deadlines; use async ops run to completion.
  http::async_read(s, buf, parser, [&](error_code e, size_t) { ec = e; });
  io.run();
  if (ec) return r;
  const auto& res = parser.get();
  r.status = static_cast<int>(res.result_int());
  r.body = res.body();
  for (const auto& f : res) r.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
  return r;
}

TestReply post_json(uint16_t port, std::string_view path, const std::string& body,
                    const std::string& key, HeaderList extra) {
  extra.emplace_back("Content-Type", "application/json");
  if (!key.empty()) extra.emplace_back("Authorization", "Bearer " + key);
  return http_request(port, "POST", path, body, extra);
}

}  // namespace readygate::net::testing
