// HttpServer: an HTTP/1.1 keep-alive server on C++20 coroutines. One
// coroutine per connection owns its state; each request is handed to the
// Handler as an Exchange, which may answer with a whole body or a chunked
// stream, wait on the connection's executor, or reset the connection.
//
// Threading: run the io_context on one or more threads; a connection's
// coroutine never runs on two threads at once. Handler must be thread-safe
// when the io_context runs on several threads. A server whose io_context is
// run by exactly one thread says so (Threading::kOneThread): connections
// then skip the per-connection strand, whose extra queueing costs a
// scheduler round trip per completion.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <expected>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "net/asio.h"

namespace readygate::net {

// Every limit has a name, a default and a test.
struct ServerLimits {
  size_t max_body_bytes = 8 << 20;
  // Request bodies held at once, all connections together (and all servers
  // sharing `buffered_body_bytes`): a request whose declared body (or, when
  // chunked, max_body_bytes) would pass it gets 503 on its head, unread.
  size_t max_buffered_body_bytes = size_t{128} << 20;
  // The counter behind max_buffered_body_bytes; null: the server's own.
  std::shared_ptr<std::atomic<size_t>> buffered_body_bytes;
  size_t max_header_bytes = 64 << 10;
  std::chrono::milliseconds header_read_timeout{30'000};  // slow clients (slowloris)
  std::chrono::milliseconds body_read_timeout{60'000};
  std::chrono::milliseconds write_timeout{60'000};
  std::chrono::milliseconds idle_timeout{75'000};          // between keep-alive requests
  size_t max_connections = 4096;
};

using Request = http::request<http::string_body>;

class Exchange {
 public:
  // `scratch` is the connection's reusable buffer for response heads.
  Exchange(beast::tcp_stream& stream, Request& req, const ServerLimits& limits,
           std::string& scratch);

  const Request& request() const { return req_; }
  Request& request() { return req_; }

  // Sends a whole response. Sets Content-Length and keep-alive from the
  // request. False when the write failed (the connection is then closed).
  Task<bool> send(http::response<http::string_body> res);
  // The same for a hot path that knows its headers: the head is rendered
  // from `content_type` and `header_lines` ("Name: value\r\n" each, no
  // Content-Length or Connection) without building a Beast field map.
  Task<bool> send_raw(unsigned status, std::string_view content_type,
                      std::string_view header_lines, std::string body);

  // Starts a chunked response, then write_chunk() per piece and end_stream()
  // once. Each call is one write that reaches the socket before it returns
  // (no buffering). Bytes that are ready together go in one write: the head
  // with `first` as the first chunk, a chunk with the end of the body when
  // `last` (an empty `data` with `last` only ends the body).
  Task<bool> begin_stream(http::response<http::empty_body> head, std::string_view first = {},
                          bool last = false);
  Task<bool> write_chunk(std::string_view data, bool last = false);
  Task<bool> end_stream();

  // Sends the head and only the first `n` bytes of a declared body, then
  // closes: a response cut short on the wire.
  Task<void> send_truncated(http::response<http::string_body> res, size_t n);

  // Waits on this connection's executor.
  Task<void> sleep(std::chrono::milliseconds d);

  // Closes abortively (RST, SO_LINGER 0). No further writes.
  void reset();

  // True when the client has closed or reset the connection (one
  // non-blocking MSG_PEEK, as nginx checks for a broken connection): a
  // handler waiting on something else can give it up. Bytes of a next
  // request are not a close.
  bool client_closed() const;

  bool responded() const { return responded_; }
  // A HEAD request: answers carry their head only (send, send_raw).
  bool head_only() const { return head_only_; }
  bool keep_alive() const { return keep_alive_ && !closed_; }
  bool closed() const { return closed_; }
  tcp::endpoint remote() const;

 private:
  // The head in scratch_ and `body` (alive until this completes), one
  // gathered write; false (and the connection reset) when it failed.
  Task<bool> write_head_and_body(std::string_view body);
  // scratch_ (a head or empty), `data` framed as a chunk, and the last chunk
  // when `last`: one gathered write; false (and the connection reset) on failure.
  Task<bool> write_framed(std::string_view data, bool last);

  beast::tcp_stream& stream_;
  Request& req_;
  const ServerLimits& limits_;
  std::string& scratch_;
  bool keep_alive_;
  bool head_only_;
  bool responded_ = false;
  bool closed_ = false;
};

using Handler = std::function<Task<void>(Exchange&)>;

// Called once a request's head is parsed and its framing checked, before any
// body byte is read or any body memory reserved: an answer refuses the
// request unread (the connection then closes after a bounded drain, unless
// the whole body had already arrived). Runs on the connection's thread; must
// not block.
using HeadCheck =
    std::function<std::optional<http::response<http::string_body>>(const http::request_header<>&)>;

enum class Threading { kAnyThreads, kOneThread };

// Appends the status line and header fields of `res` as they go on the wire
// ("HTTP/1.1 200 OK\r\n", "Name: value\r\n" each, then "\r\n"): one
// contiguous buffer instead of Beast's serializer, which walks a chain of
// buffer views for every write.
void append_response_head(std::string& out, const http::response_header<>& res);
// The same for a request: "METHOD target HTTP/1.1\r\n", fields, "\r\n".
void append_request_head(std::string& out, const http::request_header<>& req);

class HttpServer {
 public:
  HttpServer(asio::io_context& io, ServerLimits limits, Handler handler,
             Threading threading = Threading::kAnyThreads);
  ~HttpServer();

  // Installs the check run on every request head (see HeadCheck). Call
  // before start().
  void set_head_check(HeadCheck check) { head_check_ = std::move(check); }

  // Binds and listens on host:port (port 0 picks a free port). Returns the
  // bound endpoint, or an error naming the address.
  // With `reuse_port`, several servers (one per worker thread) may bind the
  // same address and the kernel spreads connections among them.
  std::expected<tcp::endpoint, std::string> listen(const std::string& host, uint16_t port,
                                                   bool reuse_port = false);
  // Starts accepting (call after listen()).
  void start();
  // Stops accepting; idle keep-alive connections close, requests in
  // flight finish their response first.
  void stop();

  size_t active_connections() const { return counters_->active.load(); }
  uint64_t rejected_connections() const { return counters_->rejected.load(); }

 private:
  Task<void> accept_loop();
  Task<void> session(tcp::socket socket);

  asio::io_context& io_;
  ServerLimits limits_;
  Handler handler_;
  HeadCheck head_check_;
  std::shared_ptr<std::atomic<size_t>> body_budget_;  // bytes of request bodies held
  Threading threading_;
  tcp::acceptor acceptor_;
  std::atomic<bool> stopping_{false};
  // Shared with session coroutines: their frames may be destroyed by the
  // io_context after the server object is gone.
  struct Counters {
    std::atomic<size_t> active{0};
    std::atomic<uint64_t> rejected{0};
  };
  std::shared_ptr<Counters> counters_ = std::make_shared<Counters>();
  // See DeadlineAnchor in http_server.cc; shared with its own handler.
  struct DeadlineAnchor;
  std::shared_ptr<DeadlineAnchor> anchor_;
};

// RFC 9112 framing of a request head: a version other than HTTP/1.0 or 1.1
// (505), Transfer-Encoding with Content-Length (400: a request one parser
// reads one way and another parser another must not pass), a transfer
// coding other than `chunked` alone (501), stacked codings (400). The
// refusal, if any; the server closes the connection after it.
std::optional<http::response<http::string_body>> request_framing_problem(
    const http::request_header<>& h);

// An OpenAI-shaped JSON error response (used for transport-level rejects
// such as 413 and 431 as well as by handlers).
http::response<http::string_body> json_error_response(unsigned status, std::string_view type,
                                                      std::string_view message,
                                                      std::string_view param = {},
                                                      std::string_view code = {});

}  // namespace readygate::net
