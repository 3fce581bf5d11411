#include "review/escalate.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

namespace readygate::review {
namespace {

std::string record(const std::string& id, int status, std::string upstream_id,
                   std::vector<std::string> mismatches = {}) {
  nlohmann::json a = {{"route", "fallback"},     {"attempt", 1},
                      {"status", status},         {"error_class", status == 200 ? "none" : "server"},
                      {"upstream_request_id", upstream_id}, {"decision", "return"}};
  nlohmann::json r = {{"run_id", "serve-1"},
                      {"environment", "prod"},
                      {"api_surface", "chat_completions"},
                      {"upstream_surface", "chat_completions"},
                      {"status_family", std::to_string(status / 100) + "xx"},
                      {"request_id", id},
                      {"timestamp", "2026-11-29T10:00:00.000Z"},
                      {"route_used", "fallback"},
                      {"status", status},
                      {"stream", false},
                      {"request_bytes", 120},
                      {"request_hash", "abc"},
                      {"attempts", {a}},
                      {"shape_mismatches", mismatches},
                      {"shape_drift", nlohmann::json::array()},
                      {"config_fingerprint", "fp"}};
  return r.dump();
}

TEST(EscalateQuestions, AllGoodSaysSoInsteadOfInventingQuestions) {
  PacketInput in;
  in.records = {record("serve-1-1", 200, "req_a")};
  auto q = open_questions(in);
  ASSERT_EQ(q.size(), 1u);
  EXPECT_NE(q[0].find("No open question"), std::string::npos);
}

TEST(EscalateQuestions, ServerErrorsMismatchesAndMissingIdsBecomeQuestions) {
  PacketInput in;
  in.records = {record("serve-1-1", 503, "req_b"), record("serve-1-2", 200, "req_c", {"choices"}),
                record("serve-1-3", 500, "")};
  auto q = open_questions(in);
  ASSERT_EQ(q.size(), 4u);
  EXPECT_NE(q[0].find("HTTP 503"), std::string::npos) << q[0];
  EXPECT_NE(q[0].find("req_b"), std::string::npos) << q[0];
  EXPECT_NE(q[1].find("lacked documented fields (choices)"), std::string::npos) << q[1];
  EXPECT_NE(q[2].find("HTTP 500"), std::string::npos) << q[2];
  EXPECT_NE(q[3].find("no request id"), std::string::npos) << q[3];
}

TEST(EscalateQuestions, ReviewStepsThatDidNotPassComeFirst) {
  PacketInput in;
  evidence::ReviewStepRow row;
  row.step = 5;
  row.route = "primary";
  row.check = "fallback_check";
  row.outcome = "fail";
  row.summary = "503 after 3 attempts";
  in.review = {row};
  auto q = open_questions(in);
  ASSERT_FALSE(q.empty());
  EXPECT_EQ(q[0],
            "Checklist step 5 (fallback_check) on route primary failed: 503 after 3 attempts. Is "
            "this the documented behaviour for this request?");
}

TEST(EscalatePacket, CarriesTheReproductionWithoutContentAndTheVersions) {
  PacketInput in;
  in.run_id = "serve-1";
  in.generated_at = "2026-11-29T12:00:00.000Z";
  in.records = {record("serve-1-1", 503, "req_b")};
  in.versions = {{"readygate", "0.1.0"}, {"Boost", "1_74"}};
  in.platform = {{"os", "Linux 6"}};
  in.doc_links = {{"Chat", "https://platform.openai.com/docs/api-reference/chat"}};
  auto files = build_packet(in);
  std::vector<std::string> names;
  for (const auto& f : files) names.push_back(f.name);
  EXPECT_EQ(names, (std::vector<std::string>{"README.md", "reproduction.json", "records.jsonl",
                                             "environment.json"}));
  auto repro = nlohmann::json::parse(files[1].text);
  const auto& r = repro["requests"][0];
  EXPECT_EQ(r["request_shape"]["endpoint"], "POST /v1/chat/completions");
  EXPECT_EQ(r["request_shape"]["body_bytes"], 120);
  EXPECT_EQ(r["request_headers_sent"]["authorization"], "Bearer [omitted]");
  EXPECT_EQ(r["attempts"][0]["response_headers_kept"]["x-request-id"], "req_b");
  EXPECT_EQ(r["status"], 503);
  auto env = nlohmann::json::parse(files[3].text);
  EXPECT_EQ(env["versions"]["Boost"], "1_74");
  EXPECT_EQ(env["environments"][0], "prod");
  const std::string& md = files[0].text;
  for (const char* s : {"## Open questions", "HTTP 503", "req_b", "https://platform.openai.com",
                        "readygate 0.1.0", "5xx (503): 1", "2026-11-29T10:00:00.000Z"})
    EXPECT_NE(md.find(s), std::string::npos) << s << "\n" << md;
}

TEST(EscalateVersions, NamesEveryLinkedLibraryWithAVersion) {
  auto v = dependency_versions();
  std::vector<std::string> names;
  for (const auto& [k, ver] : v) {
    names.push_back(k);
    EXPECT_FALSE(ver.empty()) << k;
  }
  for (const char* want : {"Boost", "SQLite", "simdjson", "nlohmann-json", "spdlog", "libpq"})
    EXPECT_NE(std::find(names.begin(), names.end(), want), names.end()) << want;
}

TEST(EscalateRun, AnUnsafeRunIdIsAUsageError) {
  EscalateOptions o;
  o.run_id = "../x";
  std::ostringstream out, err;
  EXPECT_EQ(run_escalate(o, out, err), 2);
  EXPECT_NE(err.str().find("RUN_ID"), std::string::npos);
}

}  // namespace
}  // namespace readygate::review
