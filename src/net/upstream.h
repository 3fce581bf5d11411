// Upstream HTTP/1.1 client for the gateway: keep-alive connection pools per
// upstream, HTTPS with certificate and host name verification against the
// system CA store (plus an optional extra CA file) and SNI, and a response
// reader that hands body bytes over as they arrive (streams are never
// buffered whole). Every operation has its own deadline; failures come back
// as contract::TransportError values, never as exceptions.
//
// Threading: a pool and its connections belong to one io_context run by one
// thread (the gateway runs one worker per thread, each with its own pools).
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <expected>
#include <memory>
#include <optional>
#include <string>
#include <variant>

#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include "base/headers.h"
#include "contract/error_class.h"
#include "net/asio.h"

namespace readygate::net {

struct UpstreamTarget {
  std::string host;
  uint16_t port = 0;
  bool tls = false;
};

using UpstreamStream = std::variant<beast::tcp_stream, beast::ssl_stream<beast::tcp_stream>>;

// The parsed head of an upstream response.
struct UpstreamHead {
  int status = 0;
  HeaderList headers;
  bool chunked = false;
  std::optional<uint64_t> content_length;
};

// One upstream connection with one exchange in flight at a time.
class UpstreamConnection {
 public:
  using Deadline = std::chrono::steady_clock::time_point;

  explicit UpstreamConnection(UpstreamStream stream);
  ~UpstreamConnection();

  // Writes the request. `deadline` bounds the write.
  Task<std::expected<void, contract::TransportError>> send(
      const http::request<http::string_body>& req, std::chrono::milliseconds deadline);
  // The same from a head rendered in advance without Content-Length and the
  // blank line (`head_prefix`, kept alive by the caller) and `body`: one
  // gathered write, no Beast message.
  Task<std::expected<void, contract::TransportError>> send_raw(std::string_view head_prefix,
                                                               std::string_view body,
                                                               std::chrono::milliseconds deadline);
  // Reads the status line and headers of the final answer; interim 1xx
  // answers before it are skipped (at most kMaxInterimResponses; 101 is a
  // kProtocol failure). `deadline` is the first-byte deadline for all of it.
  Task<std::expected<UpstreamHead, contract::TransportError>> read_head(
      std::chrono::milliseconds deadline);
  // Reads the next body bytes into `out` (replacing its contents); an empty
  // result with done() true is the end of the body. `idle` bounds the wait
  // for the next bytes; `until`, when given, bounds it absolutely (what is
  // left of the request's total deadline): a wait that ends there is
  // kDeadline, one that ends at `idle` kIdleTimeout.
  Task<std::expected<void, contract::TransportError>> read_some(std::string& out,
                                                                std::chrono::milliseconds idle,
                                                                Deadline until = Deadline::max());
  // Reads the rest of the body, at most `limit` bytes (kTooLarge beyond),
  // each read bounded as read_some's, the whole by `until`.
  Task<std::expected<std::string, contract::TransportError>> read_all(
      size_t limit, std::chrono::milliseconds idle, Deadline until = Deadline::max());
  bool done() const;
  // Set by the pool when this connection was idle before: a failure before
  // any response byte may then be a stale keep-alive, worth one reconnect.
  bool reused = false;
  // When the pool took it back (for the idle check in acquire()).
  std::chrono::steady_clock::time_point idle_since{};
  // True when the peer closed the connection (or sent bytes nobody asked
  // for) while it sat idle: a non-blocking MSG_PEEK, no wait.
  bool peer_closed();
  // True when the response ended cleanly where its framing said, no byte
  // beyond it has been received, and the server allows reuse.
  bool reusable() const;
  void close();

 private:
  // After a request write: the error as a transport error, or a fresh parser.
  std::expected<void, contract::TransportError> after_write(error_code ec);

  void new_parser();

  static constexpr size_t kReadBufferBytes = 16384;
  static constexpr int kMaxInterimResponses = 8;
  UpstreamStream stream_;
  beast::flat_buffer buffer_;
  std::string head_;  // request heads, reused across this connection's exchanges
  // Built in place for each exchange (no allocation of its own).
  std::optional<http::response_parser<http::buffer_body>> parser_;
  bool broken_ = false;
  char chunk_[16384];
};

struct PoolStats {
  uint64_t connects = 0;
  uint64_t reuses = 0;
  uint64_t connect_failures = 0;
  uint64_t stale_discarded = 0;  // idle connections found closed by the peer
};

// Keep-alive connections to one upstream.
class UpstreamPool {
 public:
  // `tls_ctx` must outlive the pool; null for plain HTTP targets.
  // Idle connections that sat in the pool `check_idle_after` or longer are
  // checked before reuse (one non-blocking MSG_PEEK): closed by the peer
  // (servers drop idle keep-alive connections after their own timeout,
  // nginx after 65 s by default), or holding bytes nobody asked for (an
  // unsolicited answer that would reach the next client) -> discarded.
  // Bytes that came with the answer itself never get this far (reusable()).
  // The default, 1 ms, spares the syscall under load, where a connection
  // goes straight back out; an answer arriving inside that window is the
  // race every HTTP/1.1 client has between its check and its write.
  UpstreamPool(asio::io_context& io, UpstreamTarget target, asio::ssl::context* tls_ctx,
               size_t max_idle = 64,
               std::chrono::milliseconds check_idle_after = std::chrono::milliseconds(1));

  // An idle connection the peer has not closed, or a new one (resolve +
  // connect + TLS handshake within `connect_deadline`). `fresh`: never an
  // idle one (the retry after a reused connection turned out stale).
  Task<std::expected<std::unique_ptr<UpstreamConnection>, contract::TransportError>> acquire(
      std::chrono::milliseconds connect_deadline, bool fresh = false);
  // Returns a connection after a complete response; closed if not reusable.
  void release(std::unique_ptr<UpstreamConnection> c);

  const UpstreamTarget& target() const { return target_; }
  const PoolStats& stats() const { return stats_; }
  size_t idle() const { return idle_.size(); }

 private:
  asio::io_context& io_;
  UpstreamTarget target_;
  asio::ssl::context* tls_ctx_;
  size_t max_idle_;
  std::chrono::milliseconds check_idle_after_;
  std::deque<std::unique_ptr<UpstreamConnection>> idle_;
  PoolStats stats_;
};

// A TLS client context that verifies peers against the system CA store and,
// when given, an extra PEM CA file. Throws at startup on a bad CA file.
std::unique_ptr<asio::ssl::context> make_client_tls_context(const std::string& extra_ca_file = {});

}  // namespace readygate::net
