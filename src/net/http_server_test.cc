#include "net/http_server.h"

#include <gtest/gtest.h>

#include <sstream>
#include <thread>

namespace readygate::net {
namespace {

// A server on 127.0.0.1:0 running on its own thread for the test's lifetime.
class ServerFixture : public ::testing::Test {
 protected:
  void start(Handler h, ServerLimits limits = {}, Threading threading = Threading::kAnyThreads) {
    server_ = std::make_unique<HttpServer>(io_, limits, std::move(h), threading);
    auto ep = server_->listen("127.0.0.1", 0);
    ASSERT_TRUE(ep.has_value()) << ep.error();
    port_ = ep->port();
    server_->start();
    thread_ = std::thread([this] { io_.run(); });
  }
  void TearDown() override {
    if (server_) server_->stop();
    io_.stop();
    if (thread_.joinable()) thread_.join();
  }

  // A blocking client connection to the server.
  beast::tcp_stream connect() {
    asio::io_context& cio = client_io_;
    beast::tcp_stream s(cio);
    s.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_));
    s.expires_after(std::chrono::seconds(10));
    return s;
  }

  asio::io_context io_;
  asio::io_context client_io_;
  std::unique_ptr<HttpServer> server_;
  std::thread thread_;
  uint16_t port_ = 0;
};

Handler echo_handler() {
  return [](Exchange& ex) -> Task<void> {
    http::response<http::string_body> res{http::status::ok, 11};
    res.set(http::field::content_type, "text/plain");
    res.body() = std::string(ex.request().target()) + ":" + ex.request().body();
    co_await ex.send(std::move(res));
  };
}

http::response<http::string_body> roundtrip(beast::tcp_stream& s, const Request& req) {
  http::write(s, req);
  beast::flat_buffer buf;
  http::response<http::string_body> res;
  http::read(s, buf, res);
  return res;
}

Request post(const std::string& target, const std::string& body) {
  Request req{http::verb::post, target, 11};
  req.set(http::field::host, "localhost");
  req.body() = body;
  req.prepare_payload();
  return req;
}

TEST_F(ServerFixture, ServesSeveralRequestsOnOneKeepAliveConnection) {
  start(echo_handler());
  auto s = connect();
  for (int i = 0; i < 3; ++i) {
    auto res = roundtrip(s, post("/x" + std::to_string(i), "b"));
    EXPECT_EQ(res.result_int(), 200);
    EXPECT_EQ(res.body(), "/x" + std::to_string(i) + ":b");
    EXPECT_TRUE(res.keep_alive());
  }
}

TEST_F(ServerFixture, OneThreadServerWithoutStrandsKeepsConnectionsAlive) {
  start(echo_handler(), {}, Threading::kOneThread);
  auto s = connect();
  for (int i = 0; i < 3; ++i) {
    auto res = roundtrip(s, post("/y" + std::to_string(i), "c"));
    EXPECT_EQ(res.result_int(), 200);
    EXPECT_EQ(res.body(), "/y" + std::to_string(i) + ":c");
    EXPECT_EQ(res[http::field::content_type], "text/plain");
  }
}

// send_raw: a parseable head with the given headers, Content-Length, keep-alive
// across requests, and Connection: close when the client asked to close.
TEST_F(ServerFixture, RawHeadResponsesParseAndKeepTheConnectionAlive) {
  start([](Exchange& ex) -> Task<void> {
    co_await ex.send_raw(201, "application/json", "x-one: 1\r\nx-two: two\r\n",
                         "{\"target\":\"" + std::string(ex.request().target()) + "\"}");
  });
  auto s = connect();
  for (int i = 0; i < 2; ++i) {
    auto res = roundtrip(s, post("/r" + std::to_string(i), "b"));
    EXPECT_EQ(res.result_int(), 201);
    EXPECT_EQ(res.reason(), "Created");
    EXPECT_EQ(res[http::field::content_type], "application/json");
    EXPECT_EQ(res["x-one"], "1");
    EXPECT_EQ(res["x-two"], "two");
    EXPECT_EQ(res.body(), "{\"target\":\"/r" + std::to_string(i) + "\"}");
    EXPECT_TRUE(res.keep_alive());
  }
  auto req = post("/last", "b");
  req.keep_alive(false);
  auto res = roundtrip(s, req);
  EXPECT_EQ(res.result_int(), 201);
  EXPECT_FALSE(res.keep_alive());
  EXPECT_EQ(res[http::field::connection], "close");
}

TEST(ResponseHead, MatchesBeastsSerializerByteForByte) {
  http::response<http::string_body> res{http::status::too_many_requests, 11};
  res.set(http::field::content_type, "application/json");
  res.set("x-request-id", "req_1");
  res.set(http::field::retry_after, "2");
  res.keep_alive(false);
  res.body() = "{}";
  res.prepare_payload();
  std::ostringstream beast_head;
  beast_head << res.base();
  std::string ours;
  append_response_head(ours, res);
  EXPECT_EQ(ours, beast_head.str());
  EXPECT_TRUE(ours.starts_with("HTTP/1.1 429 Too Many Requests\r\n"));
  EXPECT_NE(ours.find("Content-Length: 2\r\n"), std::string::npos);
  EXPECT_TRUE(ours.ends_with("\r\n\r\n"));

  http::response<http::empty_body> custom{http::status::ok, 11};
  custom.reason("Fine");
  ours.clear();
  append_response_head(ours, custom);
  EXPECT_EQ(ours, "HTTP/1.1 200 Fine\r\n\r\n");
}

TEST(RequestHead, MatchesBeastsSerializerByteForByte) {
  http::request<http::string_body> req{http::verb::post, "/v1/chat/completions?x=1", 11};
  req.set(http::field::host, "127.0.0.1:8080");
  req.set(http::field::authorization, "Bearer k");
  req.set("x-custom", "v");
  req.body() = "{}";
  req.prepare_payload();
  std::ostringstream beast_head;
  beast_head << req.base();
  std::string ours;
  append_request_head(ours, req);
  EXPECT_EQ(ours, beast_head.str());
  EXPECT_TRUE(ours.starts_with("POST /v1/chat/completions?x=1 HTTP/1.1\r\n"));
}

TEST_F(ServerFixture, OversizedBodyGets413WithAnOpenAiErrorBody) {
  ServerLimits limits;
  limits.max_body_bytes = 16;
  start(echo_handler(), limits);
  auto s = connect();
  auto res = roundtrip(s, post("/v1/chat/completions", std::string(100, 'x')));
  EXPECT_EQ(res.result_int(), 413);
  EXPECT_NE(res.body().find("\"error\""), std::string::npos);
  EXPECT_NE(res.body().find("invalid_request_error"), std::string::npos);
}

TEST_F(ServerFixture, OversizedHeadersGet431) {
  ServerLimits limits;
  limits.max_header_bytes = 256;
  start(echo_handler(), limits);
  auto s = connect();
  auto req = post("/", "");
  req.set("x-big", std::string(1000, 'a'));
  auto res = roundtrip(s, req);
  EXPECT_EQ(res.result_int(), 431);
}

TEST_F(ServerFixture, StreamsChunksInOrder) {
  start([](Exchange& ex) -> Task<void> {
    http::response<http::empty_body> head{http::status::ok, 11};
    head.set(http::field::content_type, "text/event-stream");
    co_await ex.begin_stream(std::move(head));
    co_await ex.write_chunk("data: 1\n\n");
    co_await ex.write_chunk("data: 2\n\n");
    co_await ex.end_stream();
  });
  auto s = connect();
  auto res = roundtrip(s, post("/", ""));
  EXPECT_EQ(res.body(), "data: 1\n\ndata: 2\n\n");
  // The connection stays usable after a chunked response.
  auto again = roundtrip(s, post("/", ""));
  EXPECT_EQ(again.body(), "data: 1\n\ndata: 2\n\n");
}

// The coalesced forms: head with the first chunk, a chunk with the end, and
// a whole stream (head, body, end) in one call. Each parses as chunked HTTP
// and leaves the connection usable; target "/a" or "/b" picks the form.
TEST_F(ServerFixture, StreamsHeadWithFirstChunkAndChunkWithEnd) {
  start([](Exchange& ex) -> Task<void> {
    http::response<http::empty_body> head{http::status::ok, 11};
    head.set(http::field::content_type, "text/event-stream");
    const std::string first = "data: 1\n\n", more = "data: 2\n\n";
    if (ex.request().target() == "/a") {
      co_await ex.begin_stream(std::move(head), first);
      co_await ex.write_chunk(more, /*last=*/true);
    } else {
      const std::string all = first + more;
      co_await ex.begin_stream(std::move(head), all, /*last=*/true);
    }
  });
  auto s = connect();
  for (const char* target : {"/a", "/b", "/a"}) {
    auto res = roundtrip(s, post(target, ""));
    EXPECT_EQ(res.result_int(), 200);
    EXPECT_TRUE(res.chunked());
    EXPECT_EQ(res.body(), "data: 1\n\ndata: 2\n\n") << target;
  }
}

TEST_F(ServerFixture, ResetClosesTheConnectionWithoutAResponse) {
  start([](Exchange& ex) -> Task<void> {
    ex.reset();
    co_return;
  });
  auto s = connect();
  http::write(s, post("/", ""));
  beast::flat_buffer buf;
  http::response<http::string_body> res;
  error_code ec;
  http::read(s, buf, res, ec);
  EXPECT_TRUE(ec) << "expected the read to fail";
}

TEST_F(ServerFixture, HandlerThatAnswersNothingYields500) {
  start([](Exchange&) -> Task<void> { co_return; });
  auto s = connect();
  auto res = roundtrip(s, post("/", ""));
  EXPECT_EQ(res.result_int(), 500);
  EXPECT_NE(res.body().find("server_error"), std::string::npos);
}

TEST_F(ServerFixture, SlowClientIsCutOffByTheHeaderDeadline) {
  ServerLimits limits;
  limits.header_read_timeout = std::chrono::milliseconds(200);
  start(echo_handler(), limits);
  auto s = connect();
  // Send half a request line and stop; the server must close, not wait forever.
  asio::write(s.socket(), asio::buffer(std::string_view("POST / HT")));
  char c;
  error_code ec;
  s.socket().read_some(asio::buffer(&c, 1), ec);
  EXPECT_TRUE(ec);  // eof or reset, within the 10 s client deadline
}

// Requests that arrive together (pipelined) are parsed from the buffer in
// place; each gets its own answer, in order.
TEST_F(ServerFixture, PipelinedRequestsInOneWriteAreAnsweredInOrder) {
  start(echo_handler(), {}, Threading::kOneThread);
  auto s = connect();
  std::string wire;
  for (int i = 0; i < 3; ++i) {
    std::ostringstream one;
    one << post("/p" + std::to_string(i), "body" + std::to_string(i));
    wire += one.str();
  }
  asio::write(s.socket(), asio::buffer(wire));
  beast::flat_buffer buf;
  for (int i = 0; i < 3; ++i) {
    http::response<http::string_body> res;
    http::read(s, buf, res);
    EXPECT_EQ(res.result_int(), 200);
    EXPECT_EQ(res.body(), "/p" + std::to_string(i) + ":body" + std::to_string(i));
  }
}

// A request whose head and body come in separate writes: whatever part the
// in-place parse finds, Beast's read carries on from it.
TEST_F(ServerFixture, RequestInSeveralWritesIsAssembled) {
  start(echo_handler(), {}, Threading::kOneThread);
  auto s = connect();
  s.socket().set_option(tcp::no_delay(true));
  const std::string body(3000, 'q');
  const std::string head = "POST /split HTTP/1.1\r\nHost: x\r\nContent-Length: " +
                           std::to_string(body.size()) + "\r\n\r\n";
  for (int round = 0; round < 3; ++round) {
    asio::write(s.socket(), asio::buffer(head.substr(0, 10)));
    asio::write(s.socket(), asio::buffer(head.substr(10)));
    asio::write(s.socket(), asio::buffer(body.substr(0, 1000)));
    asio::write(s.socket(), asio::buffer(body.substr(1000)));
    beast::flat_buffer buf;
    http::response<http::string_body> res;
    http::read(s, buf, res);
    EXPECT_EQ(res.result_int(), 200);
    EXPECT_EQ(res.body(), "/split:" + body);
  }
}

// An answer larger than the socket takes at once: the first part leaves
// without waiting, the rest through the async write, nothing lost or reordered.
TEST_F(ServerFixture, AnswerLargerThanTheSocketBufferArrivesWhole) {
  std::string big(16u << 20, '\0');
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>('a' + (i * 7 + i / 4096) % 26);
  start(
      [&big](Exchange& ex) -> Task<void> {
        co_await ex.send_raw(200, "application/octet-stream", "", big);
      },
      {}, Threading::kOneThread);
  asio::io_context& cio = client_io_;
  beast::tcp_stream s(cio);
  s.socket().open(tcp::v4());
  s.socket().set_option(asio::socket_base::receive_buffer_size(4096));  // a slow reader's window
  s.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_));
  s.expires_after(std::chrono::seconds(30));
  for (int i = 0; i < 2; ++i) {  // and the connection stays usable
    auto res = roundtrip(s, post("/big", ""));
    EXPECT_EQ(res.result_int(), 200);
    ASSERT_EQ(res.body().size(), big.size());
    EXPECT_TRUE(res.body() == big);
  }
}

}  // namespace
}  // namespace readygate::net

namespace readygate::net {
namespace {

// The status the listener answers a head with for its framing, 0 for none:
// 400 where Beast's parser already refuses it (the server's "malformed"),
// else what request_framing_problem() says.
unsigned framing_status(std::string_view head) {
  http::request_parser<http::empty_body> p;
  error_code ec;
  p.put(asio::buffer(head.data(), head.size()), ec);
  if (!p.is_header_done()) return 400;
  auto r = request_framing_problem(p.get());
  return r ? r->result_int() : 0;
}

TEST(RequestFraming, FollowsRfc9112) {
  EXPECT_EQ(framing_status("POST / HTTP/1.1\r\nContent-Length: 2\r\n\r\n"), 0u);
  EXPECT_EQ(framing_status("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"), 0u);
  EXPECT_EQ(framing_status("POST / HTTP/1.1\r\nTransfer-Encoding: CHUNKED\r\n\r\n"), 0u);
  EXPECT_EQ(framing_status("POST / HTTP/1.0\r\nContent-Length: 2\r\n\r\n"), 0u);
  EXPECT_EQ(framing_status("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 2\r\n\r\n"), 400u);
  EXPECT_EQ(framing_status("POST / HTTP/1.1\r\nTransfer-Encoding: xchunked\r\n\r\n"), 501u);
  EXPECT_EQ(framing_status("POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"), 400u);
  EXPECT_EQ(framing_status("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n"), 400u);
  EXPECT_EQ(framing_status("GET / HTTP/2.0\r\n\r\n"), 400u) << "Beast refuses it: malformed";
}

}  // namespace
}  // namespace readygate::net
