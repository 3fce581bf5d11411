// The spec's own examples (x-oaiMeta.examples of POST /chat/completions and
// POST /responses in shared/contracts/openai-openapi.yaml) must pass the
// shape checks, and mutating a core field must fail them. The payloads are
// read from the spec at test time, never copied into the repository.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <nlohmann/json.hpp>

#include "contract/shape_check.h"
#include "contract/stream_check.h"

namespace readygate::contract {
namespace {

using nlohmann::json;

std::string joined(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += s + "; ";
  return out;
}

struct Example {
  std::string title;
  std::string response;
};

struct SpecExamples {
  std::vector<Example> chat, responses;
};

class SpecExamplesTest : public ::testing::Test {
 protected:
  // Loading the 87k-line spec takes a while: once per suite.
  static void SetUpTestSuite() {
    const YAML::Node spec = YAML::LoadFile(READYGATE_SHARED_DIR "/contracts/openai-openapi.yaml");
    examples_ = new SpecExamples;
    examples_->chat = load(spec, "/chat/completions");
    examples_->responses = load(spec, "/responses");
  }
  static void TearDownTestSuite() {
    delete examples_;
    examples_ = nullptr;
  }

  static std::vector<Example> load(const YAML::Node& spec, const char* path) {
    std::vector<Example> out;
    const YAML::Node list = spec["paths"][path]["post"]["x-oaiMeta"]["examples"];
    for (const auto& ex : list)
      if (ex["response"])
        out.push_back({ex["title"].as<std::string>(""), ex["response"].as<std::string>()});
    return out;
  }

  // JSON examples, and the SSE ones apart.
  static std::vector<std::pair<std::string, json>> json_examples(const std::vector<Example>& v) {
    std::vector<std::pair<std::string, json>> out;
    for (const auto& e : v) {
      json j = json::parse(e.response, nullptr, false);
      if (!j.is_discarded()) out.emplace_back(e.title, std::move(j));
    }
    return out;
  }
  static const Example* streaming(const std::vector<Example>& v) {
    for (const auto& e : v)
      if (json::parse(e.response, nullptr, false).is_discarded()) return &e;
    return nullptr;
  }

  static SpecExamples* examples_;
};

SpecExamples* SpecExamplesTest::examples_ = nullptr;

TEST_F(SpecExamplesTest, BothSurfacesHaveJsonAndStreamingExamples) {
  EXPECT_GE(json_examples(examples_->chat).size(), 1u);
  EXPECT_GE(json_examples(examples_->responses).size(), 1u);
  EXPECT_NE(streaming(examples_->chat), nullptr);
  EXPECT_NE(streaming(examples_->responses), nullptr);
}

TEST_F(SpecExamplesTest, EveryJsonExampleIsTheDocumentedShape) {
  for (auto [surface, list] : {std::pair{Surface::kChatCompletions, &examples_->chat},
                               std::pair{Surface::kResponses, &examples_->responses}}) {
    const auto examples = json_examples(*list);
    ASSERT_GE(examples.size(), 1u);
    for (const auto& [title, j] : examples) {
      const auto r = check_response_shape(surface, j.dump());
      EXPECT_EQ(r.verdict, ShapeVerdict::kDocumentedShapeSeen)
          << surface_name(surface) << " / " << title << ": " << joined(r.mismatches);
      EXPECT_TRUE(r.drift.empty()) << title << ": " << joined(r.drift);
      EXPECT_TRUE(r.usage_present) << title;
    }
  }
}

struct Mutation {
  const char* pointer;
  const char* value;  // nullptr removes
  const char* expected_prefix;
};

void expect_mutations_fail(Surface surface, const std::vector<std::pair<std::string, json>>& exs,
                           std::initializer_list<Mutation> mutations) {
  ASSERT_GE(exs.size(), 1u);
  for (const auto& [title, good] : exs) {
    for (const Mutation& m : mutations) {
      json j = good;
      const json::json_pointer p(m.pointer);
      if (!j.contains(p)) continue;  // e.g. an example whose first item is not a message
      if (m.value)
        j[p] = json::parse(m.value);
      else
        j[p.parent_pointer()].erase(p.back());
      const auto r = check_response_shape(surface, j.dump());
      EXPECT_EQ(r.verdict, ShapeVerdict::kMismatch) << title << " " << m.pointer;
      bool named = false;
      for (const auto& e : r.mismatches) named = named || e.rfind(m.expected_prefix, 0) == 0;
      EXPECT_TRUE(named) << title << " " << m.pointer << ": " << joined(r.mismatches);
    }
  }
}

TEST_F(SpecExamplesTest, MutatedChatExamplesAreMismatches) {
  expect_mutations_fail(
      Surface::kChatCompletions, json_examples(examples_->chat),
      {{"/id", nullptr, "id: missing"},
       {"/created", "\"yesterday\"", "created: expected an integer"},
       {"/object", "\"text_completion\"", "object: expected \"chat.completion\""},
       {"/choices", nullptr, "choices: missing"},
       {"/choices/0/message/role", nullptr, "choices[0].message.role: missing"},
       {"/choices/0/finish_reason", "\"eos\"", "choices[0].finish_reason:"},
       {"/usage/total_tokens", "\"4\"", "usage.total_tokens: expected an integer"}});
}

TEST_F(SpecExamplesTest, MutatedResponsesExamplesAreMismatches) {
  expect_mutations_fail(Surface::kResponses, json_examples(examples_->responses),
                        {{"/id", nullptr, "id: missing"},
                         {"/object", "\"chat.completion\"", "object: expected \"response\""},
                         {"/created_at", "null", "created_at: expected a number"},
                         {"/status", "\"done\"", "status: expected one of"},
                         {"/output", "{}", "output: expected an array"},
                         {"/output/0/type", nullptr, "output[0].type: missing"},
                         {"/usage/input_tokens", nullptr, "usage.input_tokens: missing"}});
}

// The chat streaming example lists bare chunk objects separated by blank
// lines (no "data: " prefix, no [DONE]) with a "...." placeholder line.
TEST_F(SpecExamplesTest, ChatStreamingExampleChunksPassTheStreamChecker) {
  const Example* ex = streaming(examples_->chat);
  ASSERT_NE(ex, nullptr);
  std::string sse;
  size_t chunks = 0, start = 0;
  const std::string& text = ex->response;
  while (start < text.size()) {
    size_t end = text.find("\n\n", start);
    if (end == std::string::npos) end = text.size();
    const std::string piece = text.substr(start, end - start);
    start = end + 2;
    if (json::parse(piece, nullptr, false).is_discarded()) continue;  // the "...." placeholder
    const auto r = check_stream_event_shape(Surface::kChatCompletions, piece);
    EXPECT_EQ(r.verdict, ShapeVerdict::kDocumentedShapeSeen) << joined(r.mismatches);
    sse += "data: " + piece + "\n\n";
    ++chunks;
  }
  ASSERT_GE(chunks, 2u);
  SseParser parser;
  parser.feed(sse + "data: [DONE]\n\n");
  StreamChecker checker(Surface::kChatCompletions);
  SseEvent ev;
  while (parser.next(&ev)) checker.on_event(ev);
  EXPECT_EQ(checker.finish(), StreamVerdict::kCompleted) << joined(checker.problems());
}

// The Responses streaming example is real SSE but its events carry no
// sequence_number, which the spec's event schemas require and real streams
// send. As printed it is therefore malformed; with numbers added in order it
// is a complete stream, and every event passes the event shape check.
TEST_F(SpecExamplesTest, ResponsesStreamingExampleLacksSequenceNumbers) {
  const Example* ex = streaming(examples_->responses);
  ASSERT_NE(ex, nullptr);
  SseParser parser;
  parser.feed(ex->response);
  // The YAML block ends the text after the last data line, without the blank
  // line that dispatches it: a cut stream to a parser. Close the frame.
  std::vector<SseEvent> events;
  SseEvent ev;
  while (parser.next(&ev)) events.push_back(ev);
  EXPECT_TRUE(parser.has_partial());
  parser.feed("\n");
  while (parser.next(&ev)) events.push_back(ev);
  EXPECT_FALSE(parser.has_partial());
  ASSERT_GE(events.size(), 3u);

  StreamChecker as_printed(Surface::kResponses);
  for (const auto& e : events) as_printed.on_event(e);
  EXPECT_EQ(as_printed.finish(), StreamVerdict::kMalformed);
  ASSERT_FALSE(as_printed.problems().empty());
  EXPECT_EQ(as_printed.problems()[0], "event 1: sequence_number: missing");

  StreamChecker numbered(Surface::kResponses);
  int64_t seq = 0;
  for (auto e : events) {
    json j = json::parse(e.data);
    EXPECT_FALSE(j.contains("sequence_number"));
    j["sequence_number"] = seq++;
    e.data = j.dump();
    const auto r = check_stream_event_shape(Surface::kResponses, e.data);
    EXPECT_EQ(r.verdict, ShapeVerdict::kDocumentedShapeSeen)
        << e.event << ": " << joined(r.mismatches);
    numbered.on_event(e);
  }
  EXPECT_EQ(numbered.finish(), StreamVerdict::kCompleted) << joined(numbered.problems());
  EXPECT_TRUE(numbered.usage_seen());
}

}  // namespace
}  // namespace readygate::contract
