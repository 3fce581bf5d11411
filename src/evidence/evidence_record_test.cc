#include "evidence/evidence_record.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "base/sha256.h"
#include "contract/error_class.h"

namespace readygate::evidence {
namespace {

using nlohmann::json;

constexpr const char* kSeedFields[] = {"run_id",
                                       "environment",
                                       "api_surface",
                                       "status_family",
                                       "retry_count",
                                       "fallback_decision",
                                       "response_shape_observed",
                                       "evidence_link",
                                       "operator_initials",
                                       "follow_up_needed"};

EvidenceRecord full_record() {
  EvidenceRecord r;
  r.run_id = "run-7";
  r.environment = "staging";
  r.api_surface = "chat_completions";
  r.status = 200;
  r.status_family = status_family(r.status);
  r.retry_count = 1;
  r.fallback_decision = "fallback:backup";
  r.response_shape_observed = "documented_shape_seen";
  r.request_id = "rg-1";
  r.chain = "gpt-main";
  r.routes_tried = {"primary", "backup"};
  r.route_used = "backup";
  r.upstream_surface = "chat_completions";
  AttemptRecord a;
  a.route = "primary";
  a.status = 0;
  a.error_class = std::string(contract::error_class_name(contract::ErrorClass::kTransient));
  a.transport_error = std::string(contract::transport_error_name(contract::TransportError::kReset));
  a.decision = "fallback";
  a.reason = "connection reset before status";
  r.attempts.push_back(a);
  AttemptRecord b;
  b.route = "backup";
  b.status = 200;
  b.error_class = "none";
  b.delay_before_ms = 250;
  b.upstream_request_id = "req_abc";
  b.first_byte_ms = 40;
  b.total_ms = 90;
  b.decision = "success";
  r.attempts.push_back(b);
  r.first_byte_ms = 300;
  r.total_ms = 350;
  r.prompt_tokens = 12;
  r.config_fingerprint = "cfg-1";
  return r;
}

TEST(EvidenceJson, DefaultRecordStillHasTheTenSeedFields) {
  const json j = json::parse(to_json(EvidenceRecord{}));
  for (const char* field : kSeedFields) EXPECT_TRUE(j.contains(field)) << field;
  EXPECT_EQ(j["fallback_decision"], "none");
  EXPECT_EQ(j["response_shape_observed"], "not_checked");
  EXPECT_EQ(j["follow_up_needed"], false);
  EXPECT_EQ(j["retry_count"], 0);
}

TEST(EvidenceJson, SeedFieldsComeFirstInOrder) {
  const nlohmann::ordered_json o = nlohmann::ordered_json::parse(to_json(full_record()));
  auto it = o.begin();
  for (const char* field : kSeedFields) {
    ASSERT_NE(it, o.end());
    EXPECT_EQ(it.key(), field);
    ++it;
  }
  EXPECT_EQ(o["schema_version"], kSchemaVersion);
}

TEST(EvidenceJson, IsOneLine) {
  EvidenceRecord r = full_record();
  r.attempts[0].reason = "line one\nline two";
  EXPECT_EQ(to_json(r).find('\n'), std::string::npos);
}

TEST(EvidenceJson, AttemptsAreNestedWithTheirDecisions) {
  const json j = json::parse(to_json(full_record()));
  ASSERT_EQ(j["attempts"].size(), 2u);
  EXPECT_EQ(j["attempts"][0]["transport_error"], "reset");
  EXPECT_EQ(j["attempts"][0]["status"], 0);
  EXPECT_TRUE(j["attempts"][0]["first_byte_ms"].is_null());
  EXPECT_EQ(j["attempts"][1]["delay_before_ms"], 250);
  EXPECT_EQ(j["attempts"][1]["upstream_request_id"], "req_abc");
  EXPECT_EQ(j["attempts"][1]["decision"], "success");
  EXPECT_EQ(j["routes_tried"], json({"primary", "backup"}));
}

TEST(EvidenceJson, AbsentTokenCountsAndUnmeasuredLatenciesAreNull) {
  const json j = json::parse(to_json(full_record()));
  EXPECT_EQ(j["prompt_tokens"], 12);
  EXPECT_TRUE(j["completion_tokens"].is_null());
  EXPECT_TRUE(j["total_tokens"].is_null());
  EXPECT_TRUE(json::parse(to_json(EvidenceRecord{}))["first_byte_ms"].is_null());
}

TEST(EvidenceJson, CanaryPromptNeverAppearsOnlyItsSaltedHash) {
  EvidenceRecord r = full_record();
  r.request_hash = salted_sha256_hex("per-run-salt", "canary prompt");
  r.request_bytes = std::string("canary prompt").size();
  const std::string text = to_json(r);
  EXPECT_EQ(text.find("canary prompt"), std::string::npos);
  EXPECT_EQ(text.find("canary"), std::string::npos);
  const json j = json::parse(text);
  EXPECT_EQ(j["request_hash"], r.request_hash);
  EXPECT_EQ(j["request_bytes"], 13);
}

TEST(EvidenceJson, InvalidUtf8IsReplacedSoTheLineStillParses) {
  EvidenceRecord r;
  r.attempts.push_back(AttemptRecord{.upstream_request_id = "id\xff\xfe"});
  const json j = json::parse(to_json(r), nullptr, /*allow_exceptions=*/false);
  ASSERT_FALSE(j.is_discarded());
  EXPECT_EQ(j["attempts"][0]["upstream_request_id"], "id\xef\xbf\xbd\xef\xbf\xbd");
}

// to_json writes its bytes by hand; they must be exactly a compact JSON
// library dump of the same object (key order kept), escapes included.
TEST(EvidenceJson, BytesEqualACompactDumpOfTheParsedLine) {
  EvidenceRecord r = full_record();
  r.attempts[0].reason = "quote \" backslash \\ tab \t nl \n ctl \x01 del \x7f caf\xc3\xa9 \xe2\x82\xac";
  r.shape_mismatches = {"choices[0].message", "usage"};
  r.shape_drift = {};
  r.request_bytes = 4'000'000'000ULL;
  r.completion_tokens = -3;
  r.queue_ms = 7;
  r.follow_up_needed = true;
  r.stream = true;
  for (const EvidenceRecord& rec : {r, EvidenceRecord{}}) {
    const std::string text = to_json(rec);
    EXPECT_EQ(nlohmann::ordered_json::parse(text).dump(), text);
  }
}

TEST(EvidenceJson, TimestampIsRfc3339WithMilliseconds) {
  EvidenceRecord r;
  r.timestamp = WallTime(std::chrono::milliseconds(1'767'225'600'123));  // 2026-01-01
  EXPECT_EQ(json::parse(to_json(r))["timestamp"], "2026-01-01T00:00:00.123Z");
}

TEST(BoundFields, ALongModelNameIsCutWithItsLength) {
  EvidenceRecord r;
  r.chain = std::string(4 << 20, 'm');
  bound_fields(r);
  EXPECT_LE(r.chain.size(), kMaxFieldBytes);
  EXPECT_TRUE(r.chain.ends_with("...[4194304 bytes]")) << r.chain.substr(r.chain.size() - 40);
  EXPECT_TRUE(r.chain.starts_with("mmmm"));
}

TEST(BoundFields, CutsOnAWholeUtf8Character) {
  EvidenceRecord r;
  r.chain = std::string(kMaxFieldBytes - 20, 'a') + std::string(100, '\xc3') ;
  for (size_t i = kMaxFieldBytes - 20; i < r.chain.size(); i += 2) r.chain[i + 1] = '\xa9';  // "é"s
  bound_fields(r);
  const auto cut = r.chain.substr(0, r.chain.find("...["));
  EXPECT_EQ(static_cast<unsigned char>(cut.back()) & 0xC0, 0x80) << "ends after a whole character";
}

TEST(BoundFields, ListsKeepTheirFirstEntriesAndSayHowManyThereWere) {
  EvidenceRecord r;
  for (int i = 0; i < 100; ++i) r.shape_mismatches.push_back("$.f" + std::to_string(i) + std::string(1000, 'x'));
  AttemptRecord a;
  a.upstream_request_id = std::string(10000, 'r');
  r.attempts.push_back(a);
  bound_fields(r);
  ASSERT_EQ(r.shape_mismatches.size(), kMaxListEntries);
  EXPECT_EQ(r.shape_mismatches.back(), "...[100 entries]");
  for (const auto& m : r.shape_mismatches) EXPECT_LE(m.size(), kMaxFieldBytes);
  EXPECT_LE(r.attempts[0].upstream_request_id.size(), kMaxFieldBytes);
}

TEST(BoundFields, ShortValuesAreUntouched) {
  EvidenceRecord r;
  r.chain = "gpt-4o-mini";
  r.shape_mismatches = {"$.choices[0].index"};
  bound_fields(r);
  EXPECT_EQ(r.chain, "gpt-4o-mini");
  EXPECT_EQ(r.shape_mismatches, std::vector<std::string>{"$.choices[0].index"});
}

TEST(StatusFamily, MapsEachHundredAndZeroToTransport) {
  EXPECT_EQ(status_family(0), "transport");
  EXPECT_EQ(status_family(200), "2xx");
  EXPECT_EQ(status_family(301), "3xx");
  EXPECT_EQ(status_family(429), "4xx");
  EXPECT_EQ(status_family(599), "5xx");
  EXPECT_EQ(status_family(600), "unknown");
  EXPECT_EQ(status_family(-1), "unknown");
}

}  // namespace
}  // namespace readygate::evidence
