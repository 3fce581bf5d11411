#include "contract/surface.h"

#include <gtest/gtest.h>

namespace readygate::contract {
namespace {

TEST(Surface, NamesRoundTrip) {
  for (Surface s : {Surface::kChatCompletions, Surface::kResponses})
    EXPECT_EQ(parse_surface(surface_name(s)), s);
  EXPECT_EQ(surface_name(Surface::kChatCompletions), "chat_completions");
  EXPECT_EQ(surface_name(Surface::kResponses), "responses");
}

TEST(Surface, UnknownNamesAreRejected) {
  for (const char* n : {"", "chat", "Responses", "completions", "chat-completions"})
    EXPECT_FALSE(parse_surface(n).has_value()) << n;
}

TEST(Surface, PathsAreTheV1Endpoints) {
  EXPECT_EQ(surface_path(Surface::kChatCompletions), "/v1/chat/completions");
  EXPECT_EQ(surface_path(Surface::kResponses), "/v1/responses");
}

struct PathCase {
  const char* path;
  std::optional<Surface> want;
};

class SurfaceFromPath : public ::testing::TestWithParam<PathCase> {};

TEST_P(SurfaceFromPath, MapsARequestPathToItsSurface) {
  EXPECT_EQ(surface_from_path(GetParam().path), GetParam().want) << GetParam().path;
}

INSTANTIATE_TEST_SUITE_P(
    Paths, SurfaceFromPath,
    ::testing::Values(PathCase{"/v1/chat/completions", Surface::kChatCompletions},
                      PathCase{"/v1/responses", Surface::kResponses},
                      PathCase{"/v1/chat/completions?api-version=1", Surface::kChatCompletions},
                      PathCase{"/v1/responses/", Surface::kResponses},
                      PathCase{"/v1/completions", std::nullopt},
                      PathCase{"/v1/responses/resp_1", std::nullopt},
                      PathCase{"/chat/completions", std::nullopt}, PathCase{"", std::nullopt},
                      PathCase{"/", std::nullopt}));

}  // namespace
}  // namespace readygate::contract
