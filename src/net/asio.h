// The one include for Asio and Beast. Boost 1.74's awaitable.hpp uses
// std::exchange without including <utility>; g++ 12 needs it first.
// Asio and Beast are compiled once, in asio_impl.cc (separate compilation).
#pragma once

#include <algorithm>
#include <chrono>
#include <utility>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace readygate::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;
using boost::system::error_code;

template <typename T>
using Task = asio::awaitable<T>;

// co_await with an error code instead of an exception.
inline auto use_ec(error_code& ec) { return asio::redirect_error(asio::use_awaitable, ec); }

// Writes what the socket takes now, without waiting: one sendmsg on a socket
// in non-blocking mode. Returns the bytes written; `ec` is set only on a hard
// error (a full send buffer is 0 bytes, not an error). The caller sends the
// rest with an async write. Small answers leave this way without an async
// operation: no handler allocation, no stream timer, no trip through the
// scheduler and no suspension of the calling coroutine.
template <typename ConstBufferSequence>
size_t write_now(tcp::socket& socket, const ConstBufferSequence& buffers, error_code& ec) {
  const size_t n = socket.write_some(buffers, ec);
  if (ec == asio::error::would_block || ec == asio::error::try_again) {
    ec = {};
    return 0;
  }
  return ec ? 0 : n;
}

// Sends all of `bufs` on `stream`: what the socket takes now (write_now),
// then the rest (the peer's receive window was full) through an async write
// within `timeout`. The error, if any. Pass named buffers, never a temporary:
// g++ 12 mishandles temporaries bound to a coroutine's reference parameters.
template <class Buffers>
Task<error_code> write_fully(beast::tcp_stream& stream, const Buffers& bufs,
                             std::chrono::milliseconds timeout) {
  error_code ec;
  const size_t sent = write_now(stream.socket(), bufs, ec);
  if (ec || sent == asio::buffer_size(bufs)) co_return ec;
  beast::buffers_suffix<Buffers> rest(bufs);
  rest.consume(sent);
  stream.expires_after(timeout);
  co_await asio::async_write(stream, rest, use_ec(ec));
  co_return ec;
}

// Reads what the socket holds now into `buffer` without waiting (a socket in
// non-blocking mode): one recvmsg. Returns the bytes read; 0 when nothing is
// there or on any error, which the async read that follows reports.
inline size_t read_now(tcp::socket& socket, beast::flat_buffer& buffer) {
  error_code ec;
  const size_t room = std::max<size_t>(512, buffer.capacity() - buffer.size());
  const size_t n = socket.read_some(buffer.prepare(room), ec);
  if (ec) return 0;
  buffer.commit(n);
  return n;
}

// Feeds `parser` from `buffer` without I/O until it needs more bytes (or, for
// a buffer_body, more room), is done, or with `header_only` has its header.
// Running out of bytes or room is not an error; a parse error or a limit is,
// with the code Beast's async reads give for the same bytes.
template <class Parser>
void parse_buffered(Parser& parser, beast::flat_buffer& buffer, error_code& ec,
                    bool header_only = false) {
  while (buffer.size() > 0 && !parser.is_done() && !(header_only && parser.is_header_done())) {
    const size_t used = parser.put(buffer.data(), ec);
    buffer.consume(used);
    if (ec == http::error::need_more || ec == http::error::need_buffer) {
      ec = {};
      return;
    }
    if (ec || used == 0) return;
  }
}

// Lets every other ready handler run first. After a write_now() the peer
// cannot have answered yet; a read started at once would only find an empty
// socket (one wasted recvmsg, then a wait on epoll). Queued behind the
// others, it usually finds the answer there.
inline auto yield_now() {
  return asio::post(asio::use_awaitable);
}

}  // namespace readygate::net
