// The upstream response reader, on a real socket: UpstreamConnection sends a
// request over one end of a socket pair, the input is what the "upstream"
// wrote on the other end before closing it. Interim 1xx answers, the status
// line, headers, Content-Length and chunked framing, the body cap and the
// reuse decision all run as in the gateway, with short deadlines.
#include <sys/socket.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "net/upstream.h"

using namespace readygate;

namespace {

net::Task<void> exchange(net::UpstreamConnection& c) {
  using std::chrono::milliseconds;
  static const std::string kHead = "POST /v1/chat/completions HTTP/1.1\r\nHost: fuzz\r\n";
  static const std::string kBody = "{}";
  auto sent = co_await c.send_raw(kHead, kBody, milliseconds(200));
  if (!sent) co_return;
  auto head = co_await c.read_head(milliseconds(200));
  if (!head) co_return;
  std::string piece;
  // One piece as a stream relay reads it, then the rest as a JSON body.
  auto r = co_await c.read_some(piece, milliseconds(50));
  if (!r) co_return;
  auto rest = co_await c.read_all(1 << 20, milliseconds(50));
  if (rest) (void)c.reusable();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > (1 << 16)) return 0;
  int fds[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM, 0, fds) != 0) return 0;
  const int buf = 1 << 18;
  ::setsockopt(fds[1], SOL_SOCKET, SO_SNDBUF, &buf, sizeof buf);
  ::setsockopt(fds[0], SOL_SOCKET, SO_RCVBUF, &buf, sizeof buf);
  for (size_t off = 0; off < size;) {
    const ssize_t n = ::write(fds[1], data + off, size - off);
    if (n <= 0) break;
    off += static_cast<size_t>(n);
  }
  ::shutdown(fds[1], SHUT_WR);
  {
    net::asio::io_context io;
    net::tcp::socket sock(io);
    net::error_code ec;
    sock.assign(net::tcp::v4(), fds[0], ec);
    if (ec) {
      ::close(fds[0]);
      ::close(fds[1]);
      return 0;
    }
    sock.non_blocking(true, ec);
    net::UpstreamConnection conn{net::UpstreamStream(net::beast::tcp_stream(std::move(sock)))};
    net::asio::co_spawn(io, exchange(conn), net::asio::detached);
    io.run();
  }
  ::close(fds[1]);
  return 0;
}
