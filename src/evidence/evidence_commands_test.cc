#include "evidence/evidence_commands.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "evidence/sqlite_store.h"
#include "evidence/temp_dir_for_test.h"

namespace readygate::evidence {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

constexpr int64_t kBaseMs = 1'767'225'600'000LL;  // 2026-01-01T00:00:00Z

WallTime at(int64_t ms) { return WallTime(std::chrono::milliseconds(kBaseMs + ms)); }

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

class EvidenceCommandsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = SqliteStore::open(flags_.store);
    ASSERT_TRUE(store.has_value()) << store.error();
    EvidenceRecord ok{.run_id = "run-1",
                      .api_surface = "chat_completions",
                      .status_family = "2xx",
                      .response_shape_observed = "documented_shape_seen",
                      .request_id = "rg-ok",
                      .timestamp = at(0),
                      .route_used = "primary",
                      .status = 200};
    EvidenceRecord failed = ok;
    failed.request_id = "rg-fail";
    failed.status = 503;
    failed.status_family = "5xx";
    failed.retry_count = 1;
    failed.fallback_decision = "fallback:backup";
    failed.route_used = "backup";
    failed.timestamp = at(60'000);
    EvidenceRecord other = ok;
    other.request_id = "rg-other";
    other.run_id = "run-2";
    other.api_surface = "responses";
    other.timestamp = at(120'000);
    ASSERT_TRUE((*store)->insert_batch(std::vector{ok, failed, other}, std::nullopt));
  }

  int list() { return evidence_list(flags_, now_, out_, err_); }
  int show(const std::string& id) { return evidence_show(flags_.store, id, out_, err_); }
  int export_jsonl() { return evidence_export(flags_, now_, out_, err_); }

  TempDir dir_;
  EvidenceQueryFlags flags_{.store = dir_.file("evidence.db")};
  WallTime now_ = at(180'000);
  std::ostringstream out_, err_;
};

TEST_F(EvidenceCommandsTest, ListPrintsATableOldestFirst) {
  ASSERT_EQ(list(), kExitFound) << err_.str();
  const auto got = lines(out_.str());
  ASSERT_EQ(got.size(), 4u);
  EXPECT_EQ(got[0].rfind("REQUEST_ID", 0), 0u);
  for (const char* column : {"TS", "SURFACE", "ROUTE", "STATUS", "RETRIES", "SHAPE", "FALLBACK"})
    EXPECT_NE(got[0].find(column), std::string::npos) << column;
  EXPECT_EQ(got[1].rfind("rg-ok", 0), 0u);
  EXPECT_NE(got[2].find("fallback:backup"), std::string::npos);
  EXPECT_NE(got[2].find("503"), std::string::npos);
  EXPECT_NE(got[1].find("2026-01-01T00:00:00.000Z"), std::string::npos);
}

TEST_F(EvidenceCommandsTest, ListJsonIsOneArrayOfRecords) {
  flags_.json = true;
  ASSERT_EQ(list(), kExitFound) << err_.str();
  const json j = json::parse(out_.str());
  ASSERT_TRUE(j.is_array());
  ASSERT_EQ(j.size(), 3u);
  EXPECT_EQ(j[2]["request_id"], "rg-other");
}

TEST_F(EvidenceCommandsTest, ListJsonOfNothingIsAnEmptyArray) {
  flags_.json = true;
  flags_.run = "no-such-run";
  ASSERT_EQ(list(), kExitFound);
  EXPECT_EQ(json::parse(out_.str()), json::array());
  EXPECT_NE(err_.str().find("no evidence records match"), std::string::npos);
}

TEST_F(EvidenceCommandsTest, ListJsonlIsOneRecordALine) {
  flags_.jsonl = true;
  ASSERT_EQ(list(), kExitFound) << err_.str();
  const auto got = lines(out_.str());
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(json::parse(got[1])["request_id"], "rg-fail");
}

TEST_F(EvidenceCommandsTest, ListAppliesEveryFilterFlag) {
  flags_.jsonl = true;
  flags_.run = "run-1";
  flags_.route = "backup";
  flags_.surface = "chat_completions";
  flags_.status = "5xx";
  flags_.since = "2026-01-01T00:00:30Z";
  flags_.until = "2026-01-01T00:01:30Z";
  ASSERT_EQ(list(), kExitFound) << err_.str();
  const auto got = lines(out_.str());
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(json::parse(got[0])["request_id"], "rg-fail");
}

TEST_F(EvidenceCommandsTest, ListSinceMinutesCountsBackFromNow) {
  flags_.jsonl = true;
  flags_.since_minutes = 2;  // now is +3 min: records at +1 and +2 min
  ASSERT_EQ(list(), kExitFound) << err_.str();
  EXPECT_EQ(lines(out_.str()).size(), 2u);
}

TEST_F(EvidenceCommandsTest, ListLimitKeepsTheLatest) {
  flags_.jsonl = true;
  flags_.limit = 1;
  ASSERT_EQ(list(), kExitFound) << err_.str();
  const auto got = lines(out_.str());
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(json::parse(got[0])["request_id"], "rg-other");
}

TEST_F(EvidenceCommandsTest, ListReportsDropsInTheRange) {
  auto store = SqliteStore::open(flags_.store);
  ASSERT_TRUE((*store)->insert_batch({}, DropReport{at(10), 42, 42}));
  ASSERT_EQ(list(), kExitFound);
  EXPECT_NE(err_.str().find("42 evidence record(s) were dropped"), std::string::npos) << err_.str();
}

TEST_F(EvidenceCommandsTest, AMissingStoreIsAUsageErrorNamingTheFlagAndIsNotCreated) {
  flags_.store = dir_.file("typo.db");
  EXPECT_EQ(list(), kExitUsage);
  EXPECT_NE(err_.str().find("--store"), std::string::npos) << err_.str();
  EXPECT_FALSE(std::filesystem::exists(flags_.store));
}

TEST_F(EvidenceCommandsTest, JsonAndJsonlTogetherIsAUsageError) {
  flags_.json = flags_.jsonl = true;
  EXPECT_EQ(list(), kExitUsage);
  EXPECT_NE(err_.str().find("--json"), std::string::npos);
}

TEST_F(EvidenceCommandsTest, ShowPrintsThePrettyRecord) {
  ASSERT_EQ(show("rg-fail"), kExitFound) << err_.str();
  EXPECT_GT(lines(out_.str()).size(), 10u);  // pretty, not one line
  const json j = json::parse(out_.str());
  EXPECT_EQ(j["request_id"], "rg-fail");
  EXPECT_EQ(j["retry_count"], 1);
}

TEST_F(EvidenceCommandsTest, ShowOfAnUnknownIdExitsOne) {
  EXPECT_EQ(show("rg-nope"), kExitNotFound);
  EXPECT_TRUE(out_.str().empty());
  EXPECT_NE(err_.str().find("rg-nope"), std::string::npos);
}

TEST_F(EvidenceCommandsTest, ExportWritesJsonlToTheStream) {
  flags_.run = "run-1";
  ASSERT_EQ(export_jsonl(), kExitFound) << err_.str();
  const auto got = lines(out_.str());
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(json::parse(got[0])["request_id"], "rg-ok");
}

TEST_F(EvidenceCommandsTest, ExportOutWritesTheFileAndLeavesNoTemporary) {
  flags_.out = dir_.file("export.jsonl");
  ASSERT_EQ(export_jsonl(), kExitFound) << err_.str();
  EXPECT_TRUE(out_.str().empty());
  std::ifstream in(flags_.out);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(lines(text).size(), 3u);
  EXPECT_FALSE(std::filesystem::exists(flags_.out + ".tmp"));
  EXPECT_NE(err_.str().find("exported 3 record(s)"), std::string::npos);
}

TEST_F(EvidenceCommandsTest, ExportToAnUnwritablePathIsAUsageErrorNamingTheFlag) {
  flags_.out = dir_.file("no-such-dir/export.jsonl");
  EXPECT_EQ(export_jsonl(), kExitUsage);
  EXPECT_NE(err_.str().find("--out"), std::string::npos) << err_.str();
}

struct BadFlags {
  const char* name;
  EvidenceQueryFlags flags;
  const char* error_prefix;
};

void PrintTo(const BadFlags& b, std::ostream* os) { *os << b.name; }

class FilterFromFlagsRejects : public ::testing::TestWithParam<BadFlags> {};

TEST_P(FilterFromFlagsRejects, NamingTheFlag) {
  const auto got = filter_from_flags(GetParam().flags, at(0));
  ASSERT_FALSE(got.has_value());
  EXPECT_EQ(got.error().rfind(GetParam().error_prefix, 0), 0u) << got.error();
}

INSTANTIATE_TEST_SUITE_P(
    EvidenceCommands, FilterFromFlagsRejects,
    ::testing::Values(
        BadFlags{"UnknownSurface", {.surface = "completions"}, "--surface:"},
        BadFlags{"UnknownStatus", {.status = "200"}, "--status:"},
        BadFlags{"SinceNotATime", {.since = "yesterday"}, "--since:"},
        BadFlags{"UntilNotATime", {.until = "2026-13-01"}, "--until:"},
        BadFlags{"SinceAndSinceMinutes", {.since = "2026-01-01", .since_minutes = 5}, "--since"},
        BadFlags{"SinceMinutesZero", {.since_minutes = 0}, "--since-minutes:"},
        BadFlags{"EmptyRange", {.since = "2026-01-02", .until = "2026-01-01"}, "--until:"},
        BadFlags{"LimitZero", {.limit = 0}, "--limit:"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(ParseRfc3339, ReadsUtcWithMilliseconds) {
  EXPECT_EQ(parse_rfc3339("2026-01-01T00:00:01.234Z"), at(1234));
}

TEST(ParseRfc3339, AppliesTheOffset) {
  EXPECT_EQ(parse_rfc3339("2026-01-01T02:00:00+02:00"), at(0));
  EXPECT_EQ(parse_rfc3339("2025-12-31T23:30:00-00:30"), at(0));
}

TEST(ParseRfc3339, ReadsABareDateAsMidnightUtc) { EXPECT_EQ(parse_rfc3339("2026-01-01"), at(0)); }

TEST(ParseRfc3339, KeepsMillisecondsOfLongerFractions) {
  EXPECT_EQ(parse_rfc3339("2026-01-01t00:00:00.5z"), at(500));
  EXPECT_EQ(parse_rfc3339("2026-01-01 00:00:00.123456789Z"), at(123));
}

TEST(ParseRfc3339, RejectsMalformedTimes) {
  for (const char* bad : {"", "2026", "2026-02-30", "2026-01-01T24:00:00Z", "2026-01-01T00:00:00",
                          "2026-01-01T00:00:00.Z", "2026-01-01T00:00:00Zjunk",
                          "2026-01-01T00:00:00+0200", "+026-01-01"})
    EXPECT_FALSE(parse_rfc3339(bad).has_value()) << bad;
}

}  // namespace
}  // namespace readygate::evidence
