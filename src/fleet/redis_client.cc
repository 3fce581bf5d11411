#include "fleet/redis_client.h"

#include <hiredis/hiredis.h>
#include <sys/time.h>

#include <charconv>
#include <optional>

namespace readygate::fleet {
namespace {

timeval to_timeval(std::chrono::milliseconds d) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(d.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((d.count() % 1000) * 1000);
  return tv;
}

std::optional<int64_t> to_int(std::string_view s) {
  int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

RedisReply flatten(const redisReply* r) {
  RedisReply out;
  switch (r->type) {
    case REDIS_REPLY_INTEGER:
      out.kind = RedisReply::Kind::kInteger;
      out.integer = r->integer;
      break;
    case REDIS_REPLY_STRING:
    case REDIS_REPLY_STATUS:
      out.kind = RedisReply::Kind::kString;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_ARRAY:
      out.kind = RedisReply::Kind::kArray;
      for (size_t i = 0; i < r->elements; ++i) out.elements.push_back(flatten(r->element[i]));
      break;
    default:
      break;  // nil
  }
  return out;
}

}  // namespace

std::expected<RedisEndpoint, std::string> parse_redis_url(std::string_view url) {
  RedisEndpoint e;
  if (url.starts_with("unix://")) {
    std::string_view rest = url.substr(7);
    if (auto q = rest.find("?db="); q != std::string_view::npos) {
      auto db = to_int(rest.substr(q + 4));
      if (!db || *db < 0 || *db > 15) return std::unexpected("db must be 0 to 15");
      e.db = static_cast<int>(*db);
      rest = rest.substr(0, q);
    }
    if (!rest.starts_with("/")) return std::unexpected("a unix:// URL needs an absolute socket path");
    e.socket = std::string(rest);
    return e;
  }
  if (!url.starts_with("redis://"))
    return std::unexpected("must start with redis:// or unix://");
  std::string_view rest = url.substr(8);
  if (rest.find('@') != std::string_view::npos)
    return std::unexpected("no credentials in the URL; use `password: {env: VAR}`");
  if (auto slash = rest.find('/'); slash != std::string_view::npos) {
    const std::string_view db_text = rest.substr(slash + 1);
    if (!db_text.empty()) {
      auto db = to_int(db_text);
      if (!db || *db < 0 || *db > 15) return std::unexpected("db must be 0 to 15");
      e.db = static_cast<int>(*db);
    }
    rest = rest.substr(0, slash);
  }
  std::string_view host = rest;
  if (auto colon = rest.rfind(':'); colon != std::string_view::npos && !rest.ends_with("]")) {
    auto port = to_int(rest.substr(colon + 1));
    if (!port || *port < 1 || *port > 65535) return std::unexpected("port must be 1 to 65535");
    e.port = static_cast<uint16_t>(*port);
    host = rest.substr(0, colon);
  }
  if (host.starts_with("[") && host.ends_with("]")) host = host.substr(1, host.size() - 2);
  if (host.empty()) return std::unexpected("missing host");
  e.host = std::string(host);
  return e;
}

RedisClient::RedisClient(RedisEndpoint endpoint, std::string password,
                         std::chrono::milliseconds timeout)
    : endpoint_(std::move(endpoint)), password_(std::move(password)), timeout_(timeout) {}

RedisClient::~RedisClient() { drop(); }

void RedisClient::drop() {
  if (ctx_) redisFree(ctx_);
  ctx_ = nullptr;
}

std::expected<void, std::string> RedisClient::ensure_connected() {
  if (ctx_) return {};
  const timeval tv = to_timeval(timeout_);
  ctx_ = endpoint_.socket.empty()
             ? redisConnectWithTimeout(endpoint_.host.c_str(), endpoint_.port, tv)
             : redisConnectUnixWithTimeout(endpoint_.socket.c_str(), tv);
  if (ctx_ == nullptr) return std::unexpected("redis: out of memory");
  if (ctx_->err) {
    std::string why = "redis: connect failed: " + std::string(ctx_->errstr);
    drop();
    return std::unexpected(why);
  }
  redisSetTimeout(ctx_, tv);
  std::vector<std::vector<std::string>> hello;
  if (!password_.empty()) hello.push_back({"AUTH", password_});
  if (endpoint_.db != 0) hello.push_back({"SELECT", std::to_string(endpoint_.db)});
  if (!hello.empty()) {
    // pipeline() would recurse into ensure_connected(); the context is set,
    // so it does not, and a failure drops it again.
    auto r = pipeline(hello);
    if (!r) {
      // Never echo the password: AUTH errors from Redis do not contain it,
      // but say only which step failed.
      drop();
      return std::unexpected(password_.empty() ? r.error() : "redis: AUTH or SELECT failed");
    }
  }
  return {};
}

std::expected<std::vector<RedisReply>, std::string> RedisClient::pipeline(
    const std::vector<std::vector<std::string>>& commands) {
  if (auto c = ensure_connected(); !c) return std::unexpected(c.error());
  for (const auto& argv : commands) {
    std::vector<const char*> ptrs;
    std::vector<size_t> lens;
    for (const auto& a : argv) {
      ptrs.push_back(a.data());
      lens.push_back(a.size());
    }
    if (redisAppendCommandArgv(ctx_, static_cast<int>(argv.size()), ptrs.data(), lens.data()) !=
        REDIS_OK) {
      drop();
      return std::unexpected("redis: could not queue a command");
    }
  }
  std::vector<RedisReply> out;
  std::string error;
  for (size_t i = 0; i < commands.size(); ++i) {
    void* raw = nullptr;
    if (redisGetReply(ctx_, &raw) != REDIS_OK || raw == nullptr) {
      std::string why = "redis: " + std::string(ctx_->errstr[0] ? ctx_->errstr : "no reply");
      drop();
      return std::unexpected(why);
    }
    auto* r = static_cast<redisReply*>(raw);
    if (r->type == REDIS_REPLY_ERROR && error.empty())
      error = "redis: " + std::string(r->str, r->len);
    out.push_back(flatten(r));
    freeReplyObject(r);
  }
  if (!error.empty()) return std::unexpected(error);
  return out;
}

std::expected<RedisReply, std::string> RedisClient::command(const std::vector<std::string>& argv) {
  auto r = pipeline({argv});
  if (!r) return std::unexpected(r.error());
  return std::move(r->front());
}

}  // namespace readygate::fleet
