#include "net/http_server.h"

#include <boost/asio/strand.hpp>

#include <array>
#include <charconv>
#include <optional>

#include "contract/api_error.h"

namespace readygate::net {

http::response<http::string_body> json_error_response(unsigned status, std::string_view type,
                                                      std::string_view message,
                                                      std::string_view param,
                                                      std::string_view code) {
  contract::ApiError e;
  e.status = static_cast<int>(status);
  e.type = std::string(type);
  e.message = std::string(message);
  e.param = std::string(param);
  e.code = std::string(code);
  http::response<http::string_body> res{static_cast<http::status>(status), 11};
  res.set(http::field::content_type, "application/json");
  res.body() = contract::error_body_json(e);
  return res;
}

namespace {

void append_fields(std::string& out, const http::fields& fields) {
  for (const auto& f : fields) {
    out += f.name_string();
    out += ": ";
    out += f.value();
    out += "\r\n";
  }
  out += "\r\n";
}

}  // namespace

void append_response_head(std::string& out, const http::response_header<>& res) {
  out += "HTTP/1.1 ";
  char num[16];
  const auto [end, err] = std::to_chars(num, num + sizeof num, res.result_int());
  out.append(num, end);
  out += ' ';
  const std::string_view reason = res.reason();
  out += reason.empty() ? std::string_view(http::obsolete_reason(res.result())) : reason;
  out += "\r\n";
  append_fields(out, res);
}

void append_request_head(std::string& out, const http::request_header<>& req) {
  out += req.method_string();
  out += ' ';
  out += req.target();
  out += " HTTP/1.1\r\n";
  append_fields(out, req);
}

Exchange::Exchange(beast::tcp_stream& stream, Request& req, const ServerLimits& limits,
                   std::string& scratch)
    : stream_(stream), req_(req), limits_(limits), scratch_(scratch), keep_alive_(req.keep_alive()) {}

Task<bool> Exchange::send(http::response<http::string_body> res) {
  if (closed_) co_return false;
  responded_ = true;
  res.version(11);
  res.keep_alive(keep_alive_);
  res.prepare_payload();
  // Head and body leave in one gathered write (one sendmsg for small answers).
  scratch_.clear();
  append_response_head(scratch_, res);
  co_return co_await write_head_and_body(res.body());
}

Task<bool> Exchange::send_raw(unsigned status, std::string_view content_type,
                              std::string_view header_lines, std::string body) {
  if (closed_) co_return false;
  responded_ = true;
  scratch_.clear();
  scratch_ += "HTTP/1.1 ";
  char num[24];
  scratch_.append(num, std::to_chars(num, num + sizeof num, status).ptr);
  scratch_ += ' ';
  scratch_ += http::obsolete_reason(static_cast<http::status>(status));
  scratch_ += "\r\nContent-Type: ";
  scratch_ += content_type;
  scratch_ += "\r\n";
  scratch_ += header_lines;
  scratch_ += "Content-Length: ";
  scratch_.append(num, std::to_chars(num, num + sizeof num, body.size()).ptr);
  scratch_ += keep_alive_ ? "\r\n\r\n" : "\r\nConnection: close\r\n\r\n";
  co_return co_await write_head_and_body(body);
}

Task<bool> Exchange::write_head_and_body(std::string_view body) {
  const std::array<asio::const_buffer, 2> bufs{asio::buffer(scratch_),
                                               asio::buffer(body.data(), body.size())};
  if (!co_await write_fully(stream_, bufs, limits_.write_timeout)) co_return true;
  reset();
  co_return false;
}

Task<bool> Exchange::begin_stream(http::response<http::empty_body> head, std::string_view first,
                                  bool last) {
  if (closed_) co_return false;
  responded_ = true;
  head.version(11);
  head.keep_alive(keep_alive_);
  head.chunked(true);
  scratch_.clear();
  append_response_head(scratch_, head);
  co_return co_await write_framed(first, last);
}

Task<bool> Exchange::write_chunk(std::string_view data, bool last) {
  if (closed_) co_return false;
  if (data.empty() && !last) co_return true;  // an empty chunk would end the body
  scratch_.clear();
  co_return co_await write_framed(data, last);
}

Task<bool> Exchange::end_stream() { co_return co_await write_chunk({}, true); }

Task<bool> Exchange::write_framed(std::string_view data, bool last) {
  // scratch_ holds what goes first (a head, or nothing); then `data` as one
  // chunk ("size-in-hex CRLF data CRLF"), then the last chunk when `last`.
  std::string_view tail;
  if (!data.empty()) {
    char hex[16];
    scratch_.append(hex, std::to_chars(hex, hex + sizeof hex, data.size(), 16).ptr);
    scratch_ += "\r\n";
    tail = last ? std::string_view("\r\n0\r\n\r\n") : std::string_view("\r\n");
  } else if (last) {
    tail = "0\r\n\r\n";
  }
  const std::array<asio::const_buffer, 3> bufs{asio::buffer(scratch_),
                                               asio::buffer(data.data(), data.size()),
                                               asio::buffer(tail.data(), tail.size())};
  if (!co_await write_fully(stream_, bufs, limits_.write_timeout)) co_return true;
  reset();
  co_return false;
}

Task<void> Exchange::send_truncated(http::response<http::string_body> res, size_t n) {
  if (closed_) co_return;
  responded_ = true;
  res.version(11);
  res.keep_alive(false);
  res.prepare_payload();
  http::response_serializer<http::string_body> sr(res);
  stream_.expires_after(limits_.write_timeout);
  error_code ec;
  co_await http::async_write_header(stream_, sr, use_ec(ec));
  if (!ec) {
    n = std::min(n, res.body().size());
    co_await asio::async_write(stream_, asio::buffer(res.body().data(), n), use_ec(ec));
  }
  stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
  stream_.close();
  closed_ = true;
}

Task<void> Exchange::sleep(std::chrono::milliseconds d) {
  if (d.count() <= 0) co_return;
  asio::steady_timer timer(co_await asio::this_coro::executor);
  timer.expires_after(d);
  error_code ec;
  co_await timer.async_wait(use_ec(ec));
}

void Exchange::reset() {
  if (closed_) return;
  error_code ec;
  stream_.socket().set_option(asio::socket_base::linger(true, 0), ec);
  stream_.socket().close(ec);
  closed_ = true;
}

tcp::endpoint Exchange::remote() const {
  error_code ec;
  return stream_.socket().remote_endpoint(ec);
}

HttpServer::HttpServer(asio::io_context& io, ServerLimits limits, Handler handler,
                       Threading threading)
    : io_(io),
      limits_(limits),
      handler_(std::move(handler)),
      threading_(threading),
      acceptor_(io) {}

// Keeps one timer due within kPeriod on the server's io_context. The reactor
// re-arms its timerfd (a timerfd_settime syscall) whenever a new deadline
// becomes the earliest; with few connections every per-operation deadline
// (Beast's stream timeouts, seconds away) did, four syscalls per proxied
// request. Behind an anchor at most kPeriod away they never are. Its own
// strand: the server may run on several threads.
struct HttpServer::DeadlineAnchor {
  static constexpr std::chrono::milliseconds kPeriod{500};
  explicit DeadlineAnchor(asio::io_context& io) : timer(asio::make_strand(io)) {}
  asio::steady_timer timer;
  bool stopped = false;  // touched on the timer's strand only

  static void arm(const std::shared_ptr<DeadlineAnchor>& a) {
    a->timer.expires_after(kPeriod);
    a->timer.async_wait([a](error_code ec) {
      if (!ec && !a->stopped) arm(a);
    });
  }
};

HttpServer::~HttpServer() = default;

std::expected<tcp::endpoint, std::string> HttpServer::listen(const std::string& host,
                                                             uint16_t port, bool reuse_port) {
  error_code ec;
  auto addr = asio::ip::make_address(host == "localhost" ? "127.0.0.1" : host, ec);
  if (ec) return std::unexpected("cannot listen on '" + host + "': not an IP address");
  tcp::endpoint ep(addr, port);
  acceptor_.open(ep.protocol(), ec);
  if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec && reuse_port) {
    using ReusePort = asio::detail::socket_option::boolean<SOL_SOCKET, SO_REUSEPORT>;
    acceptor_.set_option(ReusePort(true), ec);
  }
  if (!ec) acceptor_.bind(ep, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    error_code ignored;
    acceptor_.close(ignored);
    return std::unexpected("cannot listen on " + host + ":" + std::to_string(port) + ": " +
                           ec.message());
  }
  return acceptor_.local_endpoint();
}

void HttpServer::start() {
  anchor_ = std::make_shared<DeadlineAnchor>(io_);
  asio::post(anchor_->timer.get_executor(), [a = anchor_] { DeadlineAnchor::arm(a); });
  asio::co_spawn(io_, accept_loop(), asio::detached);
}

void HttpServer::stop() {
  stopping_ = true;
  if (anchor_)
    asio::post(anchor_->timer.get_executor(), [a = anchor_] {
      a->stopped = true;
      a->timer.cancel();
    });
  asio::post(io_, [this] {
    error_code ec;
    acceptor_.close(ec);
  });
}

Task<void> HttpServer::accept_loop() {
  while (!stopping_) {
    error_code ec;
    // A strand only when several threads run the io_context: it serialises a
    // connection's coroutine with its stream's timer.
    const asio::any_io_executor conn_exec = threading_ == Threading::kOneThread
                                                ? asio::any_io_executor(io_.get_executor())
                                                : asio::any_io_executor(asio::make_strand(io_));
    tcp::socket socket = co_await acceptor_.async_accept(conn_exec, use_ec(ec));
    if (ec) {
      if (stopping_ || ec == asio::error::operation_aborted || !acceptor_.is_open()) co_return;
      // Out of descriptors and similar: back off briefly instead of spinning.
      asio::steady_timer t(io_, std::chrono::milliseconds(10));
      co_await t.async_wait(use_ec(ec));
      continue;
    }
    if (counters_->active.load() >= limits_.max_connections) {
      ++counters_->rejected;
      socket.close(ec);
      continue;
    }
    auto exec = socket.get_executor();
    asio::co_spawn(exec, session(std::move(socket)), asio::detached);
  }
}

namespace {

constexpr size_t kSessionReadBufferBytes = 8192;

template <typename Counters>
struct ActiveGuard {
  std::shared_ptr<Counters> c;
  explicit ActiveGuard(std::shared_ptr<Counters> counters) : c(std::move(counters)) { ++c->active; }
  ~ActiveGuard() { --c->active; }
};

}  // namespace

Task<void> HttpServer::session(tcp::socket socket) {
  ActiveGuard guard(counters_);
  error_code ec;
  socket.set_option(tcp::no_delay(true), ec);
  socket.non_blocking(true, ec);  // for write_now(); async operations are unaffected
  beast::tcp_stream stream(std::move(socket));
  beast::flat_buffer buffer;
  // Reads take max(512, free capacity): reserve so a typical request head and
  // body arrive in one recvmsg; the buffer keeps what it grows to.
  buffer.reserve(kSessionReadBufferBytes);
  std::string scratch;  // response heads, reused across the connection's requests
  bool first = true;
  while (!stopping_) {
    http::request_parser<http::string_body> parser;
    parser.header_limit(static_cast<uint32_t>(limits_.max_header_bytes));
    parser.body_limit(limits_.max_body_bytes);
    if (!first && buffer.size() == 0) co_await yield_now();  // see yield_now()
    // The common case needs no async operation: the whole request is in the
    // socket (or already buffered) and parses in place. Otherwise Beast's
    // reads go on from where the parser stopped, with the deadlines.
    if (buffer.size() == 0) read_now(stream.socket(), buffer);
    ec = {};
    parse_buffered(parser, buffer, ec);
    if (!ec && !parser.is_header_done()) {
      stream.expires_after(first ? limits_.header_read_timeout : limits_.idle_timeout);
      co_await http::async_read_header(stream, buffer, parser, use_ec(ec));
      if (!ec) parse_buffered(parser, buffer, ec);  // a body that came with the head
    }
    first = false;
    std::optional<http::response<http::string_body>> reject;
    auto too_large = [&] {
      return json_error_response(413, "invalid_request_error",
                                 "Request body exceeds the limit of " +
                                     std::to_string(limits_.max_body_bytes) + " bytes.");
    };
    if (ec == http::error::body_limit) {  // a declared Content-Length over the limit
      reject = too_large();
    } else if (ec == http::error::header_limit) {
      reject = json_error_response(431, "invalid_request_error", "Request headers too large.");
    } else if (ec) {
      break;  // closed, timed out or unparseable: nothing sensible to answer
    } else if (!parser.is_done()) {
      stream.expires_after(limits_.body_read_timeout);
      co_await http::async_read(stream, buffer, parser, use_ec(ec));
      if (ec == http::error::body_limit) {  // chunked bodies find out while reading
        reject = too_large();
      } else if (ec) {
        break;
      }
    }
    if (reject) {
      reject->keep_alive(false);
      reject->prepare_payload();
      stream.expires_after(limits_.write_timeout);
      co_await http::async_write(stream, *reject, use_ec(ec));
      // Closing with unread request bytes would send RST and could destroy
      // the answer in flight; half-close and drain briefly, bounded.
      stream.socket().shutdown(tcp::socket::shutdown_send, ec);
      stream.expires_after(std::chrono::seconds(1));
      char sink[4096];
      for (size_t drained = 0; !ec && drained < (1u << 20);)
        drained += co_await stream.async_read_some(asio::buffer(sink), use_ec(ec));
      co_return;
    }
    Request req = parser.release();
    Exchange ex(stream, req, limits_, scratch);
    bool failed = false;
    try {
      co_await handler_(ex);
    } catch (const std::exception&) {
      failed = true;
    }
    if ((failed || !ex.responded()) && !ex.closed()) {
      if (ex.responded()) {
        ex.reset();  // mid-response failure: the only honest signal left is a cut connection
      } else {
        co_await ex.send(json_error_response(500, "server_error", "Internal error."));
      }
    }
    if (!ex.keep_alive()) co_return;
  }
  stream.socket().shutdown(tcp::socket::shutdown_send, ec);
}

}  // namespace readygate::net
