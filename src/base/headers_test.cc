#include "base/headers.h"

#include <gtest/gtest.h>

namespace readygate {
namespace {

TEST(Headers, FindIsCaseInsensitive) {
  HeaderList h = {{"Retry-After", "3"}, {"x-request-id", "req_1"}};
  EXPECT_EQ(find_header(h, "retry-after"), "3");
  EXPECT_EQ(find_header(h, "X-Request-ID"), "req_1");
  EXPECT_FALSE(find_header(h, "retry-after-ms").has_value());
}

TEST(Headers, CredentialHeadersAreRecognised) {
  for (const char* n : {"Authorization", "api-key", "X-Api-Key", "Cookie", "Proxy-Authorization"})
    EXPECT_TRUE(is_credential_header(n)) << n;
  for (const char* n : {"Content-Type", "x-request-id", "authorization-hint"})
    EXPECT_FALSE(is_credential_header(n)) << n;
}

TEST(Headers, TrimRemovesSpacesAndTabs) { EXPECT_EQ(trim(" \tabc \t"), "abc"); }

}  // namespace
}  // namespace readygate
