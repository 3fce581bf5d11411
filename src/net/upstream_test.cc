// UpstreamPool against real loopback servers: plain keep-alive reuse, and
// HTTPS with certificate and host name verification (a throwaway CA made
// with the openssl CLI for each run).
#include "net/upstream.h"

#include <gtest/gtest.h>

#include <boost/asio/ssl.hpp>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <thread>
#include <vector>

#include <sys/socket.h>

#include <unistd.h>

#include "net/http_server.h"

namespace readygate::net {
namespace {

using contract::TransportError;
using namespace std::chrono_literals;

// Creates ca.pem, server.pem and server.key (CN/SAN localhost) in a temp dir.
std::string make_test_pki() {
  // One directory per process: ctest runs each test of this suite in its own
  // process, in parallel, and a shared directory was being removed under a
  // sibling's feet (the tests then skipped instead of running).
  const std::string dir = ::testing::TempDir() + "/rg_pki_" + std::to_string(::getpid());
  const std::string script =
      "set -e; rm -rf '" + dir + "'; mkdir -p '" + dir + "'; cd '" + dir + "';"
      "openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 "
      "-subj '/CN=readygate test CA' >/dev/null 2>&1;"
      "openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr "
      "-subj '/CN=localhost' >/dev/null 2>&1;"
      "printf 'subjectAltName=DNS:localhost\\n' > ext.cnf;"
      "openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial "
      "-out server.pem -days 2 -extfile ext.cnf >/dev/null 2>&1";
  if (std::system(script.c_str()) != 0) return {};
  return dir;
}

// A one-thread HTTPS server answering every request with "ok".
class TlsServer {
 public:
  explicit TlsServer(const std::string& pki) : ctx_(asio::ssl::context::tls_server) {
    ctx_.use_certificate_chain_file(pki + "/server.pem");
    ctx_.use_private_key_file(pki + "/server.key", asio::ssl::context::pem);
    acceptor_.open(tcp::v4());
    acceptor_.bind(tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    acceptor_.listen();
    port_ = acceptor_.local_endpoint().port();
    asio::co_spawn(io_, accept_loop(), asio::detached);
    thread_ = std::thread([this] { io_.run(); });
  }
  ~TlsServer() {
    io_.stop();
    thread_.join();
  }
  uint16_t port() const { return port_; }

 private:
  Task<void> accept_loop() {
    for (;;) {
      error_code ec;
      auto sock = co_await acceptor_.async_accept(use_ec(ec));
      if (ec) co_return;
      asio::co_spawn(io_, serve(std::move(sock)), asio::detached);
    }
  }
  Task<void> serve(tcp::socket sock) {
    beast::ssl_stream<beast::tcp_stream> s(std::move(sock), ctx_);
    error_code ec;
    co_await s.async_handshake(asio::ssl::stream_base::server, use_ec(ec));
    if (ec) co_return;
    beast::flat_buffer buf;
    for (;;) {
      http::request<http::string_body> req;
      co_await http::async_read(s, buf, req, use_ec(ec));
      if (ec) co_return;
      http::response<http::string_body> res{http::status::ok, 11};
      res.body() = "ok";
      res.keep_alive(true);
      res.prepare_payload();
      co_await http::async_write(s, res, use_ec(ec));
      if (ec) co_return;
    }
  }

  asio::io_context io_;
  asio::ssl::context ctx_;
  tcp::acceptor acceptor_{io_};
  uint16_t port_ = 0;
  std::thread thread_;
};

// Runs one GET through `pool` on its own io_context; returns the status or the error.
std::expected<int, TransportError> get_once(asio::io_context& io, UpstreamPool& pool) {
  std::expected<int, TransportError> out = std::unexpected(TransportError::kProtocol);
  asio::co_spawn(
      io,
      [&]() -> Task<void> {
        auto c = co_await pool.acquire(2s);
        if (!c) {
          out = std::unexpected(c.error());
          co_return;
        }
        http::request<http::string_body> req{http::verb::get, "/", 11};
        req.set(http::field::host, pool.target().host);
        req.prepare_payload();
        if (auto s = co_await (*c)->send(req, 2s); !s) {
          out = std::unexpected(s.error());
          co_return;
        }
        auto h = co_await (*c)->read_head(2s);
        if (!h) {
          out = std::unexpected(h.error());
          co_return;
        }
        auto body = co_await (*c)->read_all(1024, 2s);
        out = body && *body == "ok" ? std::expected<int, TransportError>(h->status)
                                    : std::unexpected(TransportError::kProtocol);
        pool.release(std::move(*c));
      },
      asio::detached);
  io.restart();
  io.run();
  return out;
}

class UpstreamTlsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { pki_ = new std::string(make_test_pki()); }
  static void TearDownTestSuite() { delete pki_; }
  void SetUp() override {
    if (pki_->empty()) {
      if (std::system("command -v openssl >/dev/null 2>&1") != 0)
        GTEST_SKIP() << "openssl CLI unavailable";
      FAIL() << "openssl is installed but the test PKI could not be made";
    }
  }
  static std::string* pki_;
};
std::string* UpstreamTlsTest::pki_ = nullptr;

TEST_F(UpstreamTlsTest, VerifiedHandshakeWithTheRightCaAndNameSucceedsAndIsReused) {
  TlsServer server(*pki_);
  auto ctx = make_client_tls_context(*pki_ + "/ca.pem");
  asio::io_context io;
  UpstreamPool pool(io, {"localhost", server.port(), true}, ctx.get());
  EXPECT_EQ(get_once(io, pool), 200);
  EXPECT_EQ(get_once(io, pool), 200);
  EXPECT_EQ(pool.stats().connects, 1u);
  EXPECT_EQ(pool.stats().reuses, 1u);
}

TEST_F(UpstreamTlsTest, UnknownCaIsRejected) {
  TlsServer server(*pki_);
  auto ctx = make_client_tls_context();  // system store only
  asio::io_context io;
  UpstreamPool pool(io, {"localhost", server.port(), true}, ctx.get());
  EXPECT_EQ(get_once(io, pool), std::unexpected(TransportError::kTls));
}

TEST_F(UpstreamTlsTest, HostNameMismatchIsRejected) {
  TlsServer server(*pki_);
  auto ctx = make_client_tls_context(*pki_ + "/ca.pem");
  asio::io_context io;
  // The certificate names localhost only; 127.0.0.1 is not in it.
  UpstreamPool pool(io, {"127.0.0.1", server.port(), true}, ctx.get());
  EXPECT_EQ(get_once(io, pool), std::unexpected(TransportError::kTls));
}

// Reads up to the end of a request head (these tests send no bodies).
bool read_request_head(tcp::socket& sock, error_code& ec) {
  std::string got;
  char buf[1024];
  while (got.find("\r\n\r\n") == std::string::npos) {
    const size_t n = sock.read_some(asio::buffer(buf), ec);
    if (ec) return false;
    got.append(buf, n);
  }
  return true;
}

// A plain server that answers each connection's first request with a
// keep-alive response and then closes it, as servers drop idle keep-alive
// connections after their own timeout. `closed` counts the closes done.
class ClosingServer {
 public:
  ClosingServer() {
    port_ = acceptor_.local_endpoint().port();
    thread_ = std::thread([this] {
      for (;;) {
        error_code ec;
        tcp::socket sock(io_);
        acceptor_.accept(sock, ec);
        if (ec) return;
        read_request_head(sock, ec);
        asio::write(sock,
                    asio::buffer(std::string_view(
                        "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\nok")),
                    ec);
        sock.close(ec);  // loopback: the FIN is queued at the client when this returns
        ++closed;
      }
    });
  }
  ~ClosingServer() {
    ::shutdown(acceptor_.native_handle(), SHUT_RDWR);  // wakes the blocked accept()
    thread_.join();
  }
  uint16_t port() const { return port_; }
  std::atomic<int> closed{0};

 private:
  asio::io_context io_;
  tcp::acceptor acceptor_{io_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)};
  uint16_t port_ = 0;
  std::thread thread_;
};

TEST(UpstreamPool, IdleConnectionClosedByThePeerIsDiscardedNotReused) {
  ClosingServer server;
  asio::io_context io;
  UpstreamPool pool(io, {"127.0.0.1", server.port(), false}, nullptr, 64, 0ms);
  ASSERT_EQ(get_once(io, pool), 200);
  EXPECT_EQ(pool.idle(), 1u);  // the response said keep-alive
  while (server.closed.load() < 1) std::this_thread::yield();
  // Without the check this request would be sent on the closed connection.
  ASSERT_EQ(get_once(io, pool), 200);
  EXPECT_EQ(pool.stats().stale_discarded, 1u);
  EXPECT_EQ(pool.stats().reuses, 0u);
  EXPECT_EQ(pool.stats().connects, 2u);
}

TEST(UpstreamPool, LiveIdleConnectionIsReusedAndFreshSkipsTheIdleOnes) {
  asio::io_context server_io;
  ServerLimits limits;
  HttpServer server(server_io, limits, [](Exchange& ex) -> Task<void> {
    http::response<http::string_body> res{http::status::ok, 11};
    res.body() = "ok";
    res.prepare_payload();
    co_await ex.send(std::move(res));
  });
  auto ep = server.listen("127.0.0.1", 0);
  ASSERT_TRUE(ep.has_value());
  server.start();
  std::thread t([&] { server_io.run(); });
  asio::io_context io;
  UpstreamPool pool(io, {"127.0.0.1", ep->port(), false}, nullptr, 64, 0ms);
  EXPECT_EQ(get_once(io, pool), 200);
  EXPECT_EQ(get_once(io, pool), 200);  // checked (0 ms), alive: reused
  EXPECT_EQ(pool.stats().reuses, 1u);
  EXPECT_EQ(pool.stats().stale_discarded, 0u);
  std::unique_ptr<UpstreamConnection> fresh;
  asio::co_spawn(
      io,
      [&]() -> Task<void> {
        auto c = co_await pool.acquire(2s, /*fresh=*/true);
        if (c) fresh = std::move(*c);
      },
      asio::detached);
  io.restart();
  io.run();
  ASSERT_NE(fresh, nullptr);
  EXPECT_FALSE(fresh->reused);
  EXPECT_EQ(pool.idle(), 1u);  // the idle one stayed in the pool
  EXPECT_EQ(pool.stats().connects, 2u);
  fresh.reset();
  server.stop();
  server_io.stop();
  t.join();
}

TEST(UpstreamPool, RefusedConnectionIsATransportError) {
  asio::io_context io;
  tcp::acceptor a(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  const uint16_t port = a.local_endpoint().port();
  a.close();  // nothing listens there now
  UpstreamPool pool(io, {"127.0.0.1", port, false}, nullptr);
  EXPECT_EQ(get_once(io, pool), std::unexpected(TransportError::kConnectRefused));
}

// A plain server that answers each request with the bytes it is given, in
// the writes it is given (one write per element), then keeps the connection.
class ScriptedServer {
 public:
  explicit ScriptedServer(std::vector<std::string> writes) : writes_(std::move(writes)) {
    port_ = acceptor_.local_endpoint().port();
    thread_ = std::thread([this] {
      error_code ec;
      tcp::socket sock(io_);
      acceptor_.accept(sock, ec);
      if (ec) return;
      sock.set_option(tcp::no_delay(true), ec);
      for (;;) {
        if (!read_request_head(sock, ec)) return;
        for (const auto& w : writes_) asio::write(sock, asio::buffer(w), ec);
      }
    });
  }
  ~ScriptedServer() {
    ::shutdown(acceptor_.native_handle(), SHUT_RDWR);
    io_.stop();
    thread_.join();
  }
  uint16_t port() const { return port_; }

 private:
  std::vector<std::string> writes_;
  asio::io_context io_;
  tcp::acceptor acceptor_{io_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)};
  uint16_t port_ = 0;
  std::thread thread_;
};

// One GET on one connection, twice (the second reuses it); the bodies read.
std::vector<std::string> two_bodies(uint16_t port) {
  asio::io_context io;
  UpstreamPool pool(io, {"127.0.0.1", port, false}, nullptr);
  std::vector<std::string> bodies;
  asio::co_spawn(
      io,
      [&]() -> Task<void> {
        for (int i = 0; i < 2; ++i) {
          auto c = co_await pool.acquire(2s);
          if (!c) co_return;
          if (!co_await (*c)->send_raw("GET / HTTP/1.1\r\nHost: x\r\n", "", 2s)) co_return;
          auto h = co_await (*c)->read_head(2s);
          if (!h || h->status != 200) co_return;
          auto body = co_await (*c)->read_all(1u << 22, 2s);
          if (!body) co_return;
          bodies.push_back(*body);
          pool.release(std::move(*c));
        }
      },
      asio::detached);
  io.run();
  return bodies;
}

TEST(UpstreamRead, ChunkedBodyThatCameWithTheHeadIsReadFromTheBuffer) {
  ScriptedServer server({"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                         "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"});
  const auto bodies = two_bodies(server.port());
  ASSERT_EQ(bodies.size(), 2u);
  EXPECT_EQ(bodies[0], "hello world");
  EXPECT_EQ(bodies[1], "hello world");
}

TEST(UpstreamRead, HeadAndBodyInSeparateWritesAndABodyLargerThanOneReadAreWhole) {
  std::string body(100000, '\0');
  for (size_t i = 0; i < body.size(); ++i) body[i] = static_cast<char>('a' + i % 23);
  ScriptedServer server({"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n", "\r\n",
                         body.substr(0, 10), body.substr(10, 40000), body.substr(40010)});
  const auto bodies = two_bodies(server.port());
  ASSERT_EQ(bodies.size(), 2u);
  EXPECT_TRUE(bodies[0] == body);
  EXPECT_TRUE(bodies[1] == body);
}

// One exchange on a fresh connection: the head's status (or the transport
// error), the body, and whether the connection would go back to the pool.
struct OneExchange {
  int status = 0;
  std::optional<contract::TransportError> error;
  std::string body;
  bool reusable = false;
};
OneExchange one_exchange(uint16_t port, std::chrono::milliseconds idle = 2s,
                         UpstreamConnection::Deadline until = UpstreamConnection::Deadline::max()) {
  asio::io_context io;
  UpstreamPool pool(io, {"127.0.0.1", port, false}, nullptr);
  OneExchange out;
  asio::co_spawn(
      io,
      [&]() -> Task<void> {
        auto c = co_await pool.acquire(2s);
        if (!c) co_return;
        if (!co_await (*c)->send_raw("GET / HTTP/1.1\r\nHost: x\r\n", "", 2s)) co_return;
        auto h = co_await (*c)->read_head(2s);
        if (!h) {
          out.error = h.error();
          co_return;
        }
        out.status = h->status;
        auto body = co_await (*c)->read_all(1u << 20, idle, until);
        if (!body) {
          out.error = body.error();
          co_return;
        }
        out.body = *body;
        out.reusable = (*c)->reusable();
      },
      asio::detached);
  io.run();
  return out;
}

TEST(UpstreamRead, InterimAnswersBeforeTheFinalOneAreSkipped) {
  ScriptedServer server({"HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n",
                         "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"});
  const auto bodies = two_bodies(server.port());
  ASSERT_EQ(bodies.size(), 2u) << "the second exchange reuses the connection and gets its own answer";
  EXPECT_EQ(bodies[0], "hello");
  EXPECT_EQ(bodies[1], "hello");
}

TEST(UpstreamRead, SwitchingProtocolsIsAProtocolFailure) {
  ScriptedServer server({"HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\n\r\n"});
  const auto r = one_exchange(server.port());
  EXPECT_EQ(r.error, contract::TransportError::kProtocol);
}

TEST(UpstreamRead, EndlessInterimAnswersAreAProtocolFailure) {
  std::string many;
  for (int i = 0; i < 20; ++i) many += "HTTP/1.1 102 Processing\r\n\r\n";
  ScriptedServer server({many});
  EXPECT_EQ(one_exchange(server.port()).error, contract::TransportError::kProtocol);
}

TEST(UpstreamRead, BytesBeyondTheAnswerMakeTheConnectionUnreusable) {
  ScriptedServer server({"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhelloHTTP/1.1 200 OK\r\n"});
  const auto r = one_exchange(server.port());
  EXPECT_EQ(r.body, "hello");
  EXPECT_FALSE(r.reusable);
}

TEST(UpstreamRead, ACleanAnswerLeavesTheConnectionReusable) {
  ScriptedServer server({"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"});
  const auto r = one_exchange(server.port());
  EXPECT_EQ(r.body, "hello");
  EXPECT_TRUE(r.reusable);
}

TEST(UpstreamRead, ABodyStillArrivingAtTheDeadlineIsADeadlineNotAnIdleTimeout) {
  ScriptedServer server({"HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\nhel"});
  const auto r = one_exchange(server.port(), 5s, std::chrono::steady_clock::now() + 150ms);
  EXPECT_EQ(r.error, contract::TransportError::kDeadline);
}

TEST(UpstreamRead, ABodyThatStopsIsAnIdleTimeoutBeforeTheDeadline) {
  ScriptedServer server({"HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\nhel"});
  const auto r = one_exchange(server.port(), 100ms, std::chrono::steady_clock::now() + 5s);
  EXPECT_EQ(r.error, contract::TransportError::kIdleTimeout);
}

TEST(UpstreamRead, AnAnswerOverTheCapIsTooLarge) {
  ScriptedServer server({"HTTP/1.1 200 OK\r\nContent-Length: 2000000\r\n\r\n" + std::string(2000000, 'x')});
  EXPECT_EQ(one_exchange(server.port()).error, contract::TransportError::kTooLarge);
}

}  // namespace
}  // namespace readygate::net
