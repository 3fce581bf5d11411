#include "fleet/redis_client.h"

#include <gtest/gtest.h>

#include "fleet/redis_server_for_test.h"

namespace readygate::fleet {
namespace {

using std::chrono::milliseconds;

RedisServerForTest& server() {
  std::string why;
  RedisServerForTest* s = RedisServerForTest::instance(why);
  if (s == nullptr) {
    ADD_FAILURE() << "no Redis server for the fleet tests: " << why;
    std::abort();
  }
  return *s;
}

TEST(RedisUrl, ParsesTcpWithPortAndDb) {
  auto e = parse_redis_url("redis://10.0.0.7:6380/2");
  ASSERT_TRUE(e) << e.error();
  EXPECT_EQ(e->host, "10.0.0.7");
  EXPECT_EQ(e->port, 6380);
  EXPECT_EQ(e->db, 2);
  EXPECT_TRUE(e->socket.empty());
}

TEST(RedisUrl, DefaultsToPort6379AndDbZero) {
  auto e = parse_redis_url("redis://cache.internal");
  ASSERT_TRUE(e) << e.error();
  EXPECT_EQ(e->host, "cache.internal");
  EXPECT_EQ(e->port, 6379);
  EXPECT_EQ(e->db, 0);
}

TEST(RedisUrl, ParsesBracketedIpv6) {
  auto e = parse_redis_url("redis://[::1]:7000");
  ASSERT_TRUE(e) << e.error();
  EXPECT_EQ(e->host, "::1");
  EXPECT_EQ(e->port, 7000);
}

TEST(RedisUrl, ParsesUnixSocketWithDb) {
  auto e = parse_redis_url("unix:///run/redis/redis.sock?db=3");
  ASSERT_TRUE(e) << e.error();
  EXPECT_EQ(e->socket, "/run/redis/redis.sock");
  EXPECT_EQ(e->db, 3);
}

TEST(RedisUrl, RejectsBadInputWithoutQuotingCredentials) {
  struct Case {
    const char* url;
    const char* error;
  };
  for (const Case& c : {Case{"http://x", "must start with redis:// or unix://"},
                        Case{"redis://user:canary-secret@host", "no credentials in the URL"},
                        Case{"redis://host:0", "port must be 1 to 65535"},
                        Case{"redis://host:99999", "port must be 1 to 65535"},
                        Case{"redis://host/16", "db must be 0 to 15"},
                        Case{"redis://:6379", "missing host"},
                        Case{"unix://relative.sock", "absolute socket path"}}) {
    auto e = parse_redis_url(c.url);
    ASSERT_FALSE(e) << c.url;
    EXPECT_NE(e.error().find(c.error), std::string::npos) << c.url << ": " << e.error();
    EXPECT_EQ(e.error().find("canary-secret"), std::string::npos);
  }
}

TEST(RedisClient, RunsCommandsAndPipelinesAgainstARealServer) {
  RedisClient c(server().endpoint(), "", milliseconds(500));
  auto set = c.command({"SET", "rg:test:k", "v1"});
  ASSERT_TRUE(set) << set.error();
  EXPECT_EQ(set->str, "OK");
  auto r = c.pipeline({{"INCRBY", "rg:test:n", "5"}, {"GET", "rg:test:k"}, {"GET", "rg:test:none"},
                       {"HMGET", "rg:test:h", "a", "b"}});
  ASSERT_TRUE(r) << r.error();
  ASSERT_EQ(r->size(), 4u);
  EXPECT_EQ((*r)[0].integer, 5);
  EXPECT_EQ((*r)[1].str, "v1");
  EXPECT_EQ((*r)[2].kind, RedisReply::Kind::kNil);
  ASSERT_EQ((*r)[3].elements.size(), 2u);
  EXPECT_EQ((*r)[3].elements[0].kind, RedisReply::Kind::kNil);
}

TEST(RedisClient, AnErrorReplyFailsTheBatchWithRedisMessage) {
  RedisClient c(server().endpoint(), "", milliseconds(500));
  auto r = c.pipeline({{"SET", "rg:test:s", "x"}, {"INCR", "rg:test:s"}});
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().find("not an integer"), std::string::npos) << r.error();
  // The connection stays usable after an error reply.
  auto g = c.command({"GET", "rg:test:s"});
  ASSERT_TRUE(g) << g.error();
  EXPECT_EQ(g->str, "x");
}

TEST(RedisClient, AnUnreachableServerIsAnErrorValueNotAHang) {
  RedisClient c(RedisEndpoint{.socket = "/nonexistent/readygate.sock"}, "", milliseconds(100));
  auto r = c.command({"PING"});
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().find("connect failed"), std::string::npos) << r.error();
  EXPECT_FALSE(c.connected());
}

}  // namespace
}  // namespace readygate::fleet
