#include "net/http_server.h"

#include <sys/socket.h>

#include <cerrno>

#include <boost/asio/strand.hpp>

#include <array>
#include <cctype>
#include <charconv>
#include <optional>
#include <vector>

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
    : stream_(stream),
      req_(req),
      limits_(limits),
      scratch_(scratch),
      keep_alive_(req.keep_alive()),
      head_only_(req.method() == http::verb::head) {}

Task<bool> Exchange::send(http::response<http::string_body> res) {
  if (closed_) co_return false;
  responded_ = true;
  res.version(11);
  res.keep_alive(keep_alive_);
  res.prepare_payload();
  // Head and body leave in one gathered write (one sendmsg for small answers).
  scratch_.clear();
  append_response_head(scratch_, res);
  co_return co_await write_head_and_body(head_only_ ? std::string_view() : res.body());
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
  co_return co_await write_head_and_body(head_only_ ? std::string_view() : body);
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

bool Exchange::client_closed() const {
  if (closed_) return true;
  char byte;
  const ssize_t n = ::recv(stream_.socket().native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  if (n > 0) return false;  // bytes of a next request: still there
  return n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR);
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
      body_budget_(limits_.buffered_body_bytes ? limits_.buffered_body_bytes
                                               : std::make_shared<std::atomic<size_t>>(0)),
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
// How long a refused request's remaining body is read and dropped before
// the connection closes (nginx's lingering_time is 30 s, lingering_timeout 5 s).
constexpr std::chrono::seconds kLingerTime{2};

template <typename Counters>
struct ActiveGuard {
  std::shared_ptr<Counters> c;
  explicit ActiveGuard(std::shared_ptr<Counters> counters) : c(std::move(counters)) { ++c->active; }
  ~ActiveGuard() { --c->active; }
};

// A share of the process-wide budget for buffered request bodies, held
// while the request (and its body) lives.
class BodyReservation {
 public:
  BodyReservation() = default;
  BodyReservation(const BodyReservation&) = delete;
  BodyReservation& operator=(const BodyReservation&) = delete;
  ~BodyReservation() { release(); }
  bool take(std::atomic<size_t>& in_use, size_t n, size_t cap) {
    release();
    size_t cur = in_use.load(std::memory_order_relaxed);
    do {
      if (n > cap || cur > cap - n) return false;
    } while (!in_use.compare_exchange_weak(cur, cur + n, std::memory_order_relaxed));
    in_use_ = &in_use;
    n_ = n;
    return true;
  }
  void release() {
    if (in_use_) in_use_->fetch_sub(n_, std::memory_order_relaxed);
    in_use_ = nullptr;
    n_ = 0;
  }

 private:
  std::atomic<size_t>* in_use_ = nullptr;
  size_t n_ = 0;
};

// Beast's parse errors that mean "not valid HTTP/1.1" (answered 400), as
// opposed to the peer going away, a limit, or needing more bytes.
bool malformed(const error_code& ec) {
  if (ec.category() != make_error_code(http::error::end_of_stream).category()) return false;
  switch (static_cast<http::error>(ec.value())) {
    case http::error::end_of_stream:
    case http::error::partial_message:
    case http::error::need_more:
    case http::error::need_buffer:
    case http::error::header_limit:
    case http::error::body_limit:
    case http::error::buffer_overflow:
      return false;
    default:
      return true;
  }
}

std::string lower_trimmed(std::string_view v) {
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
  std::string out(v);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool expects_continue(const http::request_header<>& h) {
  auto it = h.find(http::field::expect);
  return it != h.end() && h.version() >= 11 && lower_trimmed(it->value()) == "100-continue";
}

}  // namespace

std::optional<http::response<http::string_body>> request_framing_problem(
    const http::request_header<>& h) {
  if (h.version() != 11 && h.version() != 10)
    return json_error_response(505, "invalid_request_error", "HTTP version not supported; use HTTP/1.1.");
  std::vector<std::string> codings;
  for (const auto& f : h) {
    if (f.name() != http::field::transfer_encoding) continue;
    std::string_view v = f.value();
    for (size_t pos = 0; pos <= v.size();) {
      const size_t comma = std::min(v.find(',', pos), v.size());
      if (auto c = lower_trimmed(v.substr(pos, comma - pos)); !c.empty()) codings.push_back(std::move(c));
      pos = comma + 1;
    }
  }
  const bool has_te = h.find(http::field::transfer_encoding) != h.end();
  if (!has_te) return std::nullopt;
  if (h.find(http::field::content_length) != h.end())
    return json_error_response(400, "invalid_request_error",
                               "Transfer-Encoding and Content-Length together are ambiguous; send one.");
  if (codings.size() == 1 && codings[0] == "chunked") return std::nullopt;
  if (codings.size() == 1)
    return json_error_response(501, "invalid_request_error",
                               "Transfer-Encoding: only 'chunked' is supported.");
  return json_error_response(400, "invalid_request_error",
                             "Transfer-Encoding: stacked or empty transfer codings are not accepted; "
                             "send 'chunked' alone.");
}

Task<void> HttpServer::session(tcp::socket socket) {
  ActiveGuard guard(counters_);
  // The frame may outlive the server (destroyed with the io_context): what
  // its destructors touch is held here.
  const std::shared_ptr<std::atomic<size_t>> body_budget = body_budget_;
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
    // reads go on from where the parser stopped, with the deadlines. The
    // head is read first and checked before any body byte is parsed.
    if (buffer.size() == 0) read_now(stream.socket(), buffer);
    ec = {};
    parse_buffered(parser, buffer, ec, /*header_only=*/true);
    if (!ec && !parser.is_header_done()) {
      stream.expires_after(first ? limits_.header_read_timeout : limits_.idle_timeout);
      co_await http::async_read_header(stream, buffer, parser, use_ec(ec));
    }
    first = false;
    std::optional<http::response<http::string_body>> reject;
    bool body_complete = false;  // a refused request's body arrived whole: the connection may stay
    auto too_large = [&] {
      return json_error_response(413, "invalid_request_error",
                                 "Request body exceeds the limit of " +
                                     std::to_string(limits_.max_body_bytes) + " bytes.");
    };
    BodyReservation reservation;
    if (ec == http::error::body_limit) {  // a declared Content-Length over the limit
      reject = too_large();
    } else if (ec == http::error::header_limit) {
      reject = json_error_response(431, "invalid_request_error", "Request headers too large.");
    } else if (malformed(ec)) {  // a version Beast cannot read included: 400, not 505
      reject = json_error_response(400, "invalid_request_error", "Malformed HTTP/1.1 request.");
    } else if (ec) {
      break;  // closed, timed out or reset: nothing sensible to answer
    } else if (auto bad = request_framing_problem(parser.get())) {
      reject = std::move(bad);
    } else if (auto refused = head_check_ ? head_check_(parser.get()) : std::nullopt) {
      reject = std::move(refused);
      // A small body already here is read and dropped: the connection can stay.
      if (!parser.is_done()) parse_buffered(parser, buffer, ec);
      body_complete = !ec && parser.is_done();
    } else {
      const auto declared = parser.content_length();
      const size_t want = declared ? static_cast<size_t>(*declared)
                                   : parser.chunked() ? limits_.max_body_bytes : 0;
      if (want > 0 && !reservation.take(*body_budget, want, limits_.max_buffered_body_bytes)) {
        reject = json_error_response(503, "server_error",
                                     "The gateway is holding too many request bodies; retry shortly.",
                                     "", "server_busy");
        reject->set(http::field::retry_after, "1");
      }
    }
    if (!reject && !parser.is_done()) {
      // Asked to confirm before the body is sent, and the body has not started.
      if (buffer.size() == 0 && expects_continue(parser.get())) {
        static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
        const auto cont = asio::buffer(kContinue.data(), kContinue.size());
        if (co_await write_fully(stream, cont, limits_.write_timeout)) break;
      }
      parse_buffered(parser, buffer, ec);  // a body that came with the head
      if (!ec && !parser.is_done()) {
        stream.expires_after(limits_.body_read_timeout);
        co_await http::async_read(stream, buffer, parser, use_ec(ec));
      }
      if (ec == http::error::body_limit) {  // chunked bodies find out while reading
        reject = too_large();
      } else if (malformed(ec)) {
        reject = json_error_response(400, "invalid_request_error", "Malformed HTTP/1.1 request body.");
      } else if (ec) {
        break;
      }
    }
    if (reject) {
      const bool keep = body_complete && parser.get().keep_alive() && !stopping_;
      reject->version(11);
      reject->keep_alive(keep);
      reject->prepare_payload();
      scratch.clear();
      append_response_head(scratch, *reject);
      const bool head_only = parser.is_header_done() && parser.get().method() == http::verb::head;
      const std::array<asio::const_buffer, 2> bufs{
          asio::buffer(scratch),
          head_only ? asio::const_buffer() : asio::buffer(reject->body())};
      ec = co_await write_fully(stream, bufs, limits_.write_timeout);
      if (keep && !ec) continue;
      // Closing with unread request bytes would send RST, and the client's
      // kernel would drop the answer unread: half-close, then read and drop
      // what the client still sends (a body up to the size limit, within
      // kLingerTime), into a small buffer: time and bytes bounded, no memory.
      stream.socket().shutdown(tcp::socket::shutdown_send, ec);
      stream.expires_after(kLingerTime);
      char sink[4096];
      const size_t linger_bytes = limits_.max_body_bytes + limits_.max_header_bytes;
      for (size_t drained = 0; !ec && drained < linger_bytes;)
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
