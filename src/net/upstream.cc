#include "net/upstream.h"

#include <sys/socket.h>

#include <cerrno>

#include <array>
#include <charconv>

#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/verify_mode.hpp>
#include <limits>

#include "net/http_server.h"
#include <stdexcept>

namespace readygate::net {
namespace {

using contract::TransportError;

template <typename S>
beast::tcp_stream& lowest(S& s) {
  return beast::get_lowest_layer(s);
}

// Maps an error while waiting for a response to a transport error.
TransportError read_error(const error_code& ec, TransportError on_timeout) {
  if (ec == beast::error::timeout) return on_timeout;
  if (ec.category() == asio::error::get_ssl_category() || ec == asio::ssl::error::stream_truncated)
    return TransportError::kReset;
  if (ec == http::error::end_of_stream || ec == asio::error::eof ||
      ec == asio::error::connection_reset || ec == http::error::partial_message ||
      ec == asio::error::broken_pipe || ec == asio::error::connection_aborted)
    return TransportError::kReset;
  if (ec.category() == make_error_code(http::error::end_of_stream).category())
    return TransportError::kProtocol;
  return TransportError::kReset;
}

}  // namespace

UpstreamConnection::UpstreamConnection(UpstreamStream stream) : stream_(std::move(stream)) {
  // Beast reads max(512, free capacity) at a time and a drained flat_buffer
  // never grows past its first prepare: without this, every answer over 512
  // bytes costs a recvmsg per 512 bytes (a 5 KB stream: 11 reads).
  buffer_.reserve(kReadBufferBytes);
}

UpstreamConnection::~UpstreamConnection() { close(); }

void UpstreamConnection::close() {
  error_code ec;
  std::visit([&](auto& s) { lowest(s).socket().close(ec); }, stream_);
  broken_ = true;
}

bool UpstreamConnection::peer_closed() {
  char byte;
  const int fd = std::visit([](auto& s) { return lowest(s).socket().native_handle(); }, stream_);
  const ssize_t n = ::recv(fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  return !(n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK));
}

bool UpstreamConnection::done() const { return parser_ && parser_->is_done(); }

bool UpstreamConnection::reusable() const {
  // Provably clean only: the answer ended where its framing said, nothing
  // beyond it was received (a byte there is an unsolicited answer or a body
  // longer than its Content-Length), and the server allows reuse.
  return !broken_ && parser_ && parser_->is_done() && parser_->get().keep_alive() &&
         buffer_.size() == 0;
}

Task<std::expected<void, TransportError>> UpstreamConnection::send(
    const http::request<http::string_body>& req, std::chrono::milliseconds deadline) {
  // Head and body in one gathered write, as the server side sends answers
  // (Beast's serializer walks nested buffer views on every write). The
  // caller has prepared the payload (Content-Length) already.
  // A chunked request still goes through Beast, which frames the chunks.
  head_.clear();
  append_request_head(head_, req);
  const std::array<asio::const_buffer, 2> bufs{asio::buffer(head_), asio::buffer(req.body())};
  error_code ec;
  if (auto* plain = std::get_if<beast::tcp_stream>(&stream_)) {
    plain->expires_after(deadline);
    if (req.chunked())
      co_await http::async_write(*plain, req, use_ec(ec));
    else
      co_await asio::async_write(*plain, bufs, use_ec(ec));
  } else {
    auto& tls = std::get<1>(stream_);
    lowest(tls).expires_after(deadline);
    if (req.chunked())
      co_await http::async_write(tls, req, use_ec(ec));
    else
      co_await asio::async_write(tls, bufs, use_ec(ec));
  }
  co_return after_write(ec);
}

Task<std::expected<void, TransportError>> UpstreamConnection::send_raw(
    std::string_view head_prefix, std::string_view body, std::chrono::milliseconds deadline) {
  head_.assign("Content-Length: ");
  char num[24];
  head_.append(num, std::to_chars(num, num + sizeof num, body.size()).ptr);
  head_ += "\r\n\r\n";
  const std::array<asio::const_buffer, 3> bufs{asio::buffer(head_prefix.data(), head_prefix.size()),
                                               asio::buffer(head_),
                                               asio::buffer(body.data(), body.size())};
  error_code ec;
  if (auto* plain = std::get_if<beast::tcp_stream>(&stream_)) {
    ec = co_await write_fully(*plain, bufs, deadline);
    if (!ec) co_await yield_now();  // the answer cannot be there yet
  } else {
    auto& tls = std::get<1>(stream_);
    lowest(tls).expires_after(deadline);
    co_await asio::async_write(tls, bufs, use_ec(ec));
  }
  co_return after_write(ec);
}

std::expected<void, TransportError> UpstreamConnection::after_write(error_code ec) {
  if (ec) {
    broken_ = true;
    return std::unexpected(ec == beast::error::timeout ? TransportError::kFirstByteTimeout
                                                       : TransportError::kReset);
  }
  new_parser();
  return {};
}

void UpstreamConnection::new_parser() {
  parser_.emplace();
  // Not boost::none: Beast 1.74 compares Content-Length > none as true.
  parser_->body_limit(std::numeric_limits<std::uint64_t>::max());
}

Task<std::expected<UpstreamHead, TransportError>> UpstreamConnection::read_head(
    std::chrono::milliseconds deadline) {
  // Interim 1xx answers (100 Continue, 103 Early Hints, ...) precede the
  // final one on the same connection (RFC 9110 15.2): each is read and
  // dropped, all within the one deadline. Left unread, the final answer
  // would stay in the connection for the next exchange: another client's.
  const auto until = std::chrono::steady_clock::now() + deadline;
  for (int interim = 0;; ++interim) {
    const auto left = std::max(std::chrono::milliseconds(1),
                               std::chrono::duration_cast<std::chrono::milliseconds>(
                                   until - std::chrono::steady_clock::now()));
    error_code ec;
    if (auto* plain = std::get_if<beast::tcp_stream>(&stream_)) {
      // As the server side reads requests: what is there already parses in
      // place; Beast's read, with the deadline, goes on only when more is due.
      if (buffer_.size() == 0) read_now(plain->socket(), buffer_);
      parse_buffered(*parser_, buffer_, ec, /*header_only=*/true);
      if (!ec && !parser_->is_header_done()) {
        plain->expires_after(left);
        co_await http::async_read_header(*plain, buffer_, *parser_, use_ec(ec));
      }
    } else {
      auto& tls = std::get<1>(stream_);
      lowest(tls).expires_after(left);
      co_await http::async_read_header(tls, buffer_, *parser_, use_ec(ec));
    }
    if (ec) {
      broken_ = true;
      co_return std::unexpected(read_error(ec, TransportError::kFirstByteTimeout));
    }
    const unsigned status = parser_->get().result_int();
    if (status < 100 || status >= 200) break;
    // 101 switches protocols: nothing HTTP/1.1 follows. Endless interim
    // answers are a peer stalling past the deadline one head at a time.
    if (status == 101 || interim >= kMaxInterimResponses) {
      broken_ = true;
      co_return std::unexpected(TransportError::kProtocol);
    }
    new_parser();
  }
  UpstreamHead head;
  const auto& msg = parser_->get();
  head.status = static_cast<int>(msg.result_int());
  for (const auto& f : msg) head.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
  head.chunked = parser_->chunked();
  if (auto len = parser_->content_length()) head.content_length = *len;
  co_return head;
}

Task<std::expected<void, TransportError>> UpstreamConnection::read_some(
    std::string& out, std::chrono::milliseconds idle, Deadline until) {
  out.clear();
  while (!parser_->is_done()) {
    auto& body = parser_->get().body();
    body.data = chunk_;
    body.size = sizeof chunk_;
    error_code ec;
    auto* plain = std::get_if<beast::tcp_stream>(&stream_);
    if (plain) parse_buffered(*parser_, buffer_, ec);  // bytes already buffered
    // The wait: `idle`, or what is left before `until` if that comes first.
    const auto now = std::chrono::steady_clock::now();
    const bool until_first = until != Deadline::max() && until - now < idle;
    const auto wait =
        until_first ? std::max(std::chrono::milliseconds(1),
                               std::chrono::ceil<std::chrono::milliseconds>(until - now))
                    : idle;
    if (ec || body.size < sizeof chunk_ || parser_->is_done()) {
      // parsed from the buffer (or failed): no read
    } else if (now >= until) {
      ec = beast::error::timeout;
    } else if (plain) {
      plain->expires_after(wait);
      co_await http::async_read_some(*plain, buffer_, *parser_, use_ec(ec));
    } else {
      auto& tls = std::get<1>(stream_);
      lowest(tls).expires_after(wait);
      co_await http::async_read_some(tls, buffer_, *parser_, use_ec(ec));
    }
    if (ec == http::error::need_buffer) ec = {};
    const size_t n = sizeof chunk_ - parser_->get().body().size;
    out.append(chunk_, n);
    if (ec) {
      broken_ = true;
      co_return std::unexpected(read_error(
          ec, until_first || now >= until ? TransportError::kDeadline : TransportError::kIdleTimeout));
    }
    if (n > 0) break;  // hand over what arrived; chunk framing alone yields nothing
  }
  co_return std::expected<void, TransportError>{};
}

Task<std::expected<std::string, TransportError>> UpstreamConnection::read_all(
    size_t limit, std::chrono::milliseconds idle, Deadline until) {
  std::string all, piece;
  while (!done()) {
    auto r = co_await read_some(piece, idle, until);
    if (!r) co_return std::unexpected(r.error());
    all += piece;
    if (all.size() > limit) {
      broken_ = true;
      co_return std::unexpected(TransportError::kTooLarge);
    }
  }
  co_return all;
}

UpstreamPool::UpstreamPool(asio::io_context& io, UpstreamTarget target,
                           asio::ssl::context* tls_ctx, size_t max_idle,
                           std::chrono::milliseconds check_idle_after)
    : io_(io),
      target_(std::move(target)),
      tls_ctx_(tls_ctx),
      max_idle_(max_idle),
      check_idle_after_(check_idle_after) {}

void UpstreamPool::release(std::unique_ptr<UpstreamConnection> c) {
  if (!c || !c->reusable() || idle_.size() >= max_idle_) return;
  c->idle_since = std::chrono::steady_clock::now();
  idle_.push_back(std::move(c));
}

Task<std::expected<std::unique_ptr<UpstreamConnection>, TransportError>> UpstreamPool::acquire(
    std::chrono::milliseconds connect_deadline, bool fresh) {
  // Most recently used first, each checked before reuse: a connection the
  // peer closed while idle would cost a failed attempt (enough of them open
  // the breaker), and one holding bytes nobody asked for would hand them to
  // this exchange as its answer.
  while (!fresh && !idle_.empty()) {
    auto c = std::move(idle_.back());
    idle_.pop_back();
    if (std::chrono::steady_clock::now() - c->idle_since >= check_idle_after_ && c->peer_closed()) {
      ++stats_.stale_discarded;
      continue;  // destroyed: closed
    }
    ++stats_.reuses;
    c->reused = true;
    co_return c;
  }
  error_code ec;
  std::vector<tcp::endpoint> endpoints;
  auto addr = asio::ip::make_address(target_.host == "localhost" ? "127.0.0.1" : target_.host, ec);
  if (!ec) {
    endpoints.emplace_back(addr, target_.port);
  } else {
    tcp::resolver resolver(io_);
    auto results = co_await resolver.async_resolve(target_.host, std::to_string(target_.port),
                                                   use_ec(ec));
    if (ec) {
      ++stats_.connect_failures;
      co_return std::unexpected(TransportError::kResolve);
    }
    for (const auto& r : results) endpoints.push_back(r.endpoint());
  }
  beast::tcp_stream tcp_stream(io_);
  tcp_stream.expires_after(connect_deadline);
  co_await tcp_stream.async_connect(endpoints, use_ec(ec));
  if (ec) {
    ++stats_.connect_failures;
    co_return std::unexpected(ec == beast::error::timeout ? TransportError::kConnectTimeout
                                                          : TransportError::kConnectRefused);
  }
  tcp_stream.socket().set_option(tcp::no_delay(true), ec);
  ++stats_.connects;
  if (!target_.tls) {
    tcp_stream.socket().non_blocking(true, ec);  // for write_now(); async operations are unaffected
    co_return std::make_unique<UpstreamConnection>(std::move(tcp_stream));
  }

  beast::ssl_stream<beast::tcp_stream> tls(std::move(tcp_stream), *tls_ctx_);
  SSL* ssl = tls.native_handle();
  error_code addr_ec;
  asio::ip::make_address(target_.host, addr_ec);
  if (addr_ec) {
    SSL_set_tlsext_host_name(ssl, target_.host.c_str());  // SNI for names only
    SSL_set_hostflags(ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    if (!SSL_set1_host(ssl, target_.host.c_str())) co_return std::unexpected(TransportError::kTls);
  } else if (!X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), target_.host.c_str())) {
    co_return std::unexpected(TransportError::kTls);
  }
  tls.set_verify_mode(asio::ssl::verify_peer);
  lowest(tls).expires_after(connect_deadline);
  co_await tls.async_handshake(asio::ssl::stream_base::client, use_ec(ec));
  if (ec) {
    ++stats_.connect_failures;
    co_return std::unexpected(ec == beast::error::timeout ? TransportError::kConnectTimeout
                                                          : TransportError::kTls);
  }
  co_return std::make_unique<UpstreamConnection>(std::move(tls));
}

std::unique_ptr<asio::ssl::context> make_client_tls_context(const std::string& extra_ca_file) {
  auto ctx = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_client);
  ctx->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                   asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                   asio::ssl::context::no_tlsv1_1);
  ctx->set_default_verify_paths();
  if (!extra_ca_file.empty()) {
    error_code ec;
    ctx->load_verify_file(extra_ca_file, ec);
    if (ec) throw std::runtime_error("cannot load CA file '" + extra_ca_file + "': " + ec.message());
  }
  ctx->set_verify_mode(asio::ssl::verify_peer);
  return ctx;
}

}  // namespace readygate::net
