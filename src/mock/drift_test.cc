#include "mock/drift.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace readygate::mock {
namespace {

using contract::Surface;
using nlohmann::json;

const char* kChat =
    R"({"id":"c1","object":"chat.completion","choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":"x"}}]})";

FaultAction drift(const char* spec) {
  auto p = parse_fault_spec(spec);
  EXPECT_TRUE(p.has_value());
  return p->rule.action;
}

TEST(Drift, DefaultMissingRemovesFinishReason) {
  auto out = json::parse(apply_drift(Surface::kChatCompletions, drift("drift_missing"), kChat));
  EXPECT_FALSE(out["choices"][0].contains("finish_reason"));
  EXPECT_EQ(out["id"], "c1");
}

TEST(Drift, DefaultRenamedMovesChoices) {
  auto out = json::parse(apply_drift(Surface::kChatCompletions, drift("drift_renamed"), kChat));
  EXPECT_FALSE(out.contains("choices"));
  EXPECT_TRUE(out.contains("results"));
}

TEST(Drift, ExplicitPathsAndExtraField) {
  auto out = json::parse(apply_drift(
      Surface::kChatCompletions, drift("drift_missing,remove=id,rename=object:kind,extra=true"),
      kChat));
  EXPECT_FALSE(out.contains("id"));
  EXPECT_EQ(out["kind"], "chat.completion");
  EXPECT_TRUE(out.contains("x_provider_extra"));
}

TEST(Drift, NestedResponseInStreamEventsIsChanged) {
  const std::string frame =
      "event: response.completed\ndata: {\"type\":\"response.completed\",\"sequence_number\":3,"
      "\"response\":{\"id\":\"r\",\"output\":[{\"status\":\"completed\"}]}}\n\n";
  const auto out = apply_drift_to_frame(Surface::kResponses, drift("drift_missing"), frame);
  EXPECT_EQ(out.find("\"status\""), std::string::npos) << out;
  EXPECT_TRUE(out.starts_with("event: response.completed\ndata: {"));
  EXPECT_TRUE(out.ends_with("}\n\n"));
}

TEST(Drift, NonJsonIsLeftAlone) {
  EXPECT_EQ(apply_drift(Surface::kChatCompletions, drift("drift_missing"), "[DONE]"), "[DONE]");
}

}  // namespace
}  // namespace readygate::mock
