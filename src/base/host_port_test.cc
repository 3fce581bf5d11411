#include "base/host_port.h"

#include <gtest/gtest.h>

namespace readygate {
namespace {

TEST(ParseHostPort, AcceptsCommonForms) {
  struct Case {
    const char* in;
    const char* host;
    uint16_t port;
  } cases[] = {{"127.0.0.1:8080", "127.0.0.1", 8080},
               {"localhost:0", "localhost", 0},
               {"[::1]:9000", "::1", 9000},
               {":18001", "127.0.0.1", 18001}};
  for (const auto& c : cases) {
    auto r = parse_host_port(c.in);
    ASSERT_TRUE(r.has_value()) << c.in << ": " << r.error();
    EXPECT_EQ(r->host, c.host);
    EXPECT_EQ(r->port, c.port);
  }
}

TEST(ParseHostPort, RejectsWithAReason) {
  for (const char* in : {"127.0.0.1", "127.0.0.1:", "127.0.0.1:70000", "host:abc", "::1:80",
                         "[::1]80"}) {
    auto r = parse_host_port(in);
    ASSERT_FALSE(r.has_value()) << in;
    EXPECT_FALSE(r.error().empty());
  }
}

TEST(IsLoopbackHost, KnowsLoopback) {
  EXPECT_TRUE(is_loopback_host("127.0.0.1"));
  EXPECT_TRUE(is_loopback_host("127.1.2.3"));
  EXPECT_TRUE(is_loopback_host("::1"));
  EXPECT_TRUE(is_loopback_host("localhost"));
  EXPECT_FALSE(is_loopback_host("10.0.0.1"));
  EXPECT_FALSE(is_loopback_host("api.openai.com"));
}

TEST(IsLoopbackHost, NamesThatOnlyStartLikeLoopbackAreNot) {
  for (const char* host : {"127.0.0.1.example.com", "127.evil", "127.0.0", "127.0.0.1.",
                           "127.0.0.256", "1127.0.0.1", "localhost.example.com", "::2"})
    EXPECT_FALSE(is_loopback_host(host)) << host;
  EXPECT_TRUE(is_loopback_host("LocalHost"));
}

}  // namespace
}  // namespace readygate
