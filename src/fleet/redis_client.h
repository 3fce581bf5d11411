// RedisClient: a small synchronous Redis client over hiredis, for the fleet
// state sync thread (never the data path). Every call has a timeout; a
// failed connection is reported as an error value and re-opened by the next
// call, so a Redis outage costs the caller one timeout per sync, not a hang.
//
// Endpoints: "redis://HOST:PORT[/DB]" (TCP) or "unix:///PATH[?db=N]" (a Unix
// socket). A password never sits in the URL; it comes from the config's
// credential reference and is passed to connect().
//
// Owns its hiredis context. Not thread-safe: one client per thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <expected>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

struct redisContext;

namespace readygate::fleet {

struct RedisEndpoint {
  std::string host;       // TCP host, empty for a Unix socket
  uint16_t port = 6379;
  std::string socket;     // Unix socket path, empty for TCP
  int db = 0;
};

// Parses a redis:// or unix:// URL. The error names what is wrong and never
// quotes userinfo (a password in the URL is rejected).
std::expected<RedisEndpoint, std::string> parse_redis_url(std::string_view url);

// One reply, flattened: integers, strings (bulk and status), nil and arrays
// of those (one level, enough for MGET/HMGET/EVAL results here).
struct RedisReply {
  enum class Kind { kNil, kInteger, kString, kArray } kind = Kind::kNil;
  int64_t integer = 0;
  std::string str;
  std::vector<RedisReply> elements;
};

class RedisClient {
 public:
  RedisClient(RedisEndpoint endpoint, std::string password, std::chrono::milliseconds timeout);
  ~RedisClient();
  RedisClient(const RedisClient&) = delete;
  RedisClient& operator=(const RedisClient&) = delete;

  // Sends every command, then reads every reply (one round trip). An error
  // reply of Redis fails the whole batch with its message.
  std::expected<std::vector<RedisReply>, std::string> pipeline(
      const std::vector<std::vector<std::string>>& commands);
  std::expected<RedisReply, std::string> command(const std::vector<std::string>& argv);

  bool connected() const { return ctx_ != nullptr; }

 private:
  std::expected<void, std::string> ensure_connected();
  void drop();

  RedisEndpoint endpoint_;
  std::string password_;
  std::chrono::milliseconds timeout_;
  redisContext* ctx_ = nullptr;
};

}  // namespace readygate::fleet
