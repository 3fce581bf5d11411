#include "review/http_call.h"

#include "net/asio.h"

namespace readygate::review {

namespace asio = net::asio;
namespace beast = net::beast;
namespace http = net::http;

std::string HttpReply::header(std::string_view name) const {
  auto v = find_header(headers, name);
  return v ? std::string(*v) : std::string();
}

HttpReply post_loopback(uint16_t port, std::string_view path, const std::string& body,
                        std::chrono::milliseconds deadline) {
  HttpReply r;
  asio::io_context io;
  beast::tcp_stream stream(io);
  beast::flat_buffer buffer;
  http::request<http::string_body> req{http::verb::post, path, 11};
  req.set(http::field::host, "127.0.0.1:" + std::to_string(port));
  req.set(http::field::content_type, "application/json");
  req.set(http::field::user_agent, "readygate-review");
  req.body() = body;
  req.prepare_payload();
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 << 20);
  net::error_code result;
  // tcp_stream deadlines apply to asynchronous operations only: chain them
  // and run the context to completion; the one expiry bounds the whole call.
  stream.expires_after(deadline);
  stream.async_connect(net::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port),
                       [&](net::error_code ec) {
                         if (ec) {
                           result = ec;
                           return;
                         }
                         http::async_write(stream, req, [&](net::error_code ec2, size_t) {
                           if (ec2) {
                             result = ec2;
                             return;
                           }
                           http::async_read(stream, buffer, parser,
                                            [&](net::error_code ec3, size_t) { result = ec3; });
                         });
                       });
  io.run();
  if (result) {
    r.error = result == beast::error::timeout ? "timed out" : result.message();
    return r;
  }
  const auto& res = parser.get();
  r.status = static_cast<int>(res.result_int());
  r.body = res.body();
  for (const auto& f : res)
    r.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
  return r;
}

}  // namespace readygate::review
