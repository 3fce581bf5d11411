// The review end to end on loopback: the offline run over its built-in
// providers, and config runs over built-in providers started by the test as
// stand-ins for real ones (with faults where a test needs them). Retry
// settings in the test configs are short (base 50 ms) to keep the suite fast.
#include "review/review.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include <unistd.h>

#include "evidence/store_factory.h"
#include "review/builtin_provider.h"
#include "review/escalate.h"
#include "review/review_status.h"
#include "review/note_text.h"

namespace readygate::review {
namespace {

namespace fs = std::filesystem;

std::string read_all(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<nlohmann::json> evidence_lines(const ReviewRun& run) {
  std::vector<nlohmann::json> out;
  std::ifstream in(run.files.evidence);
  for (std::string line; std::getline(in, line);) out.push_back(nlohmann::json::parse(line));
  return out;
}

std::string out_dir_for_test() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  fs::path dir = fs::path(::testing::TempDir()) / (std::string("review_") + info->name());
  fs::remove_all(dir);
  return dir.string();
}

struct Captured {
  ReviewRun run;
  std::string out, err;
};

Captured review(ReviewOptions opts) {
  std::ostringstream out, err;
  Captured c;
  c.run = run_review(opts, out, err);
  c.out = out.str();
  c.err = err.str();
  return c;
}

// A built-in provider standing in for a real upstream in a config run.
std::unique_ptr<BuiltinProvider> upstream(const std::string& key,
                                          std::vector<std::string> faults = {}) {
  auto p = BuiltinProvider::start({.faults = std::move(faults), .api_key = key, .log_path = {}});
  EXPECT_TRUE(p.has_value()) << (p ? "" : p.error());
  return p ? std::move(*p) : nullptr;
}

struct RouteSpec {
  std::string name;
  uint16_t port = 0;
  std::string key_env = "RG_REVIEW_TEST_KEY";
  std::string surface = "chat_completions";
};

// Writes a config with one chain over `routes` (short retry).
std::string write_config(const std::string& dir, const std::vector<RouteSpec>& routes) {
  std::string yaml = "routes:\n";
  std::string names;
  for (const auto& r : routes) {
    yaml += "  - name: " + r.name + "\n    surface: " + r.surface + "\n" +
            "    base_url: http://127.0.0.1:" + std::to_string(r.port) + "/v1\n" +
            "    credential: {env: " + r.key_env + "}\n" +
            "    retry: {max_attempts: 3, base: 50ms, base_after_429: 50ms, cap: 200ms}\n" +
            "    docs:\n      - {url: https://platform.openai.com/docs/api-reference/chat, "
            "accessed: 2026-11-25}\n";
    names += (names.empty() ? "" : ", ") + r.name;
  }
  yaml += "chains:\n  - model: gpt-4o-mini\n    routes: [" + names + "]\n";
  yaml += "evidence: {environment: staging}\n";
  fs::create_directories(dir);
  const std::string path = dir + "/review-test.yaml";
  std::ofstream(path) << yaml;
  return path;
}

// The offline review runs once for the tests that read its output.
class OfflineReview : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    ReviewOptions opts;
    opts.out_dir = (fs::path(::testing::TempDir()) / ("review_offline_" + pid())).string();
    fs::remove_all(opts.out_dir);
    opts.operator_initials = "RG";
    opts.builtin_backoff_base_ms = 50;
    opts.store = store_path();
    fs::remove(*opts.store);
    result_ = new Captured(review(opts));
  }
  static void TearDownTestSuite() {
    delete result_;
    result_ = nullptr;
    std::error_code ec;
    fs::remove(store_path(), ec);
    fs::remove_all(fs::path(::testing::TempDir()) / ("review_offline_" + pid()), ec);
  }
  // Per process: ctest runs each test of this suite in its own process, in
  // parallel, and each runs the review into these paths (a shared store
  // showed another process's run as the latest review).
  static std::string pid() { return std::to_string(::getpid()); }
  static std::string store_path() {
    return (fs::path(::testing::TempDir()) / ("review_offline_" + pid() + ".db")).string();
  }
  static Captured* result_;
};
Captured* OfflineReview::result_ = nullptr;

TEST_F(OfflineReview, TheStoreHoldsTheRecordsAndOneReviewRowPerStep) {
  auto store = evidence::open_store(store_path(), evidence::OpenMode::kExisting);
  ASSERT_TRUE(store.has_value()) << store.error();
  const auto& run_id = result_->run.report.run_id;
  auto records = (*store)->query({.run_id = run_id});
  ASSERT_TRUE(records.has_value());
  EXPECT_EQ(records->size(), 12u);
  auto rows = (*store)->review_steps(run_id);
  ASSERT_TRUE(rows.has_value());
  ASSERT_EQ(rows->size(), 12u);
  EXPECT_EQ((*rows)[4].check, "fallback_check");
  EXPECT_EQ((*rows)[4].route, "primary");
  EXPECT_EQ((*rows)[4].outcome, "pass");
  EXPECT_EQ((*rows)[4].route_fingerprint, result_->run.report.routes[0].fingerprint);
  EXPECT_EQ(evidence::review_state_of("fallback", result_->run.report.routes[1].fingerprint, *rows)
                .status,
            evidence::ReviewStatus::kPassing);
  EXPECT_NE(result_->out.find("evidence store:  " + store_path()), std::string::npos);
}

TEST_F(OfflineReview, StatusShowsEachRouteAgainstItsFingerprint) {
  std::ostringstream out, err;
  // Without a config: each route against its own latest review.
  EXPECT_EQ(run_review_status({.config_path = "", .store = store_path(), .json = false}, out, err),
            0)
      << err.str() << out.str();
  EXPECT_NE(out.str().find("primary         passing              not compared " +
                           result_->run.report.run_id),
            std::string::npos)
      << out.str();
  // A config whose routes point elsewhere: the reviews are of another fingerprint.
  const std::string dir = out_dir_for_test();
  const std::string cfg = write_config(dir, {{"primary", 1}, {"fallback", 2}, {"spare", 3}});
  std::ostringstream jout, jerr;
  EXPECT_EQ(run_review_status({.config_path = cfg, .store = store_path(), .json = true}, jout, jerr),
            2)
      << jerr.str();
  auto j = nlohmann::json::parse(jout.str());
  ASSERT_EQ(j["routes"].size(), 3u);
  EXPECT_EQ(j["routes"][0]["route"], "primary");
  EXPECT_EQ(j["routes"][0]["state"], "fingerprint_changed");
  EXPECT_EQ(j["routes"][0]["fingerprint_match"], false);
  EXPECT_EQ(j["routes"][2]["state"], "missing");
  EXPECT_EQ(j["routes"][2]["reviewed"], false);
  // A store that does not exist is an error naming it.
  std::ostringstream eout, eerr;
  EXPECT_EQ(run_review_status({.config_path = "", .store = dir + "/none.db", .json = false}, eout,
                              eerr),
            1);
  EXPECT_NE(eerr.str().find("none.db"), std::string::npos) << eerr.str();
}

TEST_F(OfflineReview, EscalateWritesAPacketDirectoryAndArchiveForTheRun) {
  EscalateOptions o;
  o.run_id = result_->run.report.run_id;
  o.store = store_path();
  o.out_dir = out_dir_for_test();
  std::ostringstream out, err;
  ASSERT_EQ(run_escalate(o, out, err), 0) << err.str();
  const fs::path dir = fs::path(o.out_dir) / ("escalation-" + o.run_id);
  for (const char* f :
       {"README.md", "reproduction.json", "records.jsonl", "environment.json", "review.json"})
    EXPECT_TRUE(fs::exists(dir / f)) << f;
  const std::string readme = read_all(dir / "README.md");
  EXPECT_NE(readme.find("(readiness review)"), std::string::npos) << readme;
  EXPECT_NE(readme.find("No open question"), std::string::npos) << readme;
  const std::string archive = read_all(fs::path(o.out_dir) / ("escalation-" + o.run_id + ".tar.gz"));
  ASSERT_GT(archive.size(), 100u);
  EXPECT_EQ(static_cast<unsigned char>(archive[0]), 0x1f);  // gzip magic
  EXPECT_EQ(static_cast<unsigned char>(archive[1]), 0x8b);
  EXPECT_NE(out.str().find("archive:"), std::string::npos);
  // An unknown run: exit 2 and a message naming it.
  o.run_id = "review-nope";
  std::ostringstream out2, err2;
  EXPECT_EQ(run_escalate(o, out2, err2), 2);
  EXPECT_NE(err2.str().find("no run 'review-nope'"), std::string::npos) << err2.str();
}

TEST_F(OfflineReview, TheFullOfflineReviewIsReadyWithTwelveRecordsAndTheTenFieldsSet) {
  EXPECT_EQ(result_->run.exit_code, 0) << result_->err << result_->out;
  EXPECT_EQ(result_->run.report.verdict, Verdict::kReady);
  EXPECT_NE(result_->out.find("readygate review: ready"), std::string::npos) << result_->out;
  const auto lines = evidence_lines(result_->run);
  ASSERT_EQ(lines.size(), 12u);
  for (const auto& j : lines) {
    for (const char* field :
         {"run_id", "environment", "api_surface", "status_family", "fallback_decision",
          "response_shape_observed", "evidence_link", "operator_initials"})
      EXPECT_FALSE(j[field].get<std::string>().empty()) << field << " in " << j.dump();
    EXPECT_TRUE(j["retry_count"].is_number_integer());
    EXPECT_TRUE(j["follow_up_needed"].is_boolean());
    EXPECT_EQ(j["run_id"], result_->run.report.run_id);
    EXPECT_EQ(j["operator_initials"], "RG");
    EXPECT_EQ(j["review"]["outcome"], "pass") << j.dump();
  }
  EXPECT_EQ(lines[2]["review"]["observed"]["http_status"], 401);
  EXPECT_EQ(lines[2]["review"]["observed"]["upstream_attempts"], 1);
  EXPECT_EQ(lines[3]["review"]["check"], "retry_check");
  EXPECT_EQ(lines[3]["retry_count"], 2);
  // The step gateways serve the fallback unreviewed (policy allow) and say so.
  EXPECT_EQ(lines[4]["fallback_decision"], "review_required:fallback;fallback:fallback");
  EXPECT_EQ(lines[10]["fallback_decision"], "review_required:primary;fallback:primary");
  // Progress: one line per step.
  EXPECT_NE(result_->err.find("[3/12] primary: controlled error check ... ok (401 auth, 1 attempt"),
            std::string::npos)
      << result_->err;
  EXPECT_NE(result_->err.find("[12/12] fallback: response shape check ... ok"), std::string::npos);
}

TEST_F(OfflineReview, TheNoteHasEverySectionAndTheVerdictAndNoExternalAssets) {
  const std::string md = read_all(result_->run.files.markdown);
  const std::string html = read_all(result_->run.files.html);
  for (const std::string& doc : {md, html}) {
    for (const char* heading :
         {"API surface:", kHeadingDocs, kHeadingSteps, kHeadingQuestions, kQuestionRequest,
          kQuestionResponse, kQuestionError, kHeadingVerdict, kHeadingNotAsserted, kHeadingSignOff,
          "Verdict: ready", "https://platform.openai.com/docs/api-reference/chat",
          "https://platform.openai.com/docs/api-reference/responses",
          "built-in provider run; links not fetched", "Uptime", "Rate limits", "Prices",
          "Model availability", "Production latency"})
      EXPECT_NE(doc.find(heading), std::string::npos) << heading;
  }
  EXPECT_LT(md.find("API surface:"), md.find(kHeadingDocs)) << "the surface comes first";
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(html.find("<style>"), std::string::npos);
  for (const char* external : {"<script", "<link", "src=", "@import", "url("})
    EXPECT_EQ(html.find(external), std::string::npos) << external;
}

class ConfigReview : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = out_dir_for_test();
    setenv("RG_REVIEW_TEST_KEY", kKey, 1);
  }
  static constexpr const char* kKey = "test-upstream-key-5c2e";
  static constexpr const char* kKeyEnv = "RG_REVIEW_TEST_KEY";
  std::string dir_;
};

TEST_F(ConfigReview, AFallbackRouteWhoseUpstreamAlwaysFailsKeepsItInStaging) {
  auto primary = upstream(kKey);
  auto fallback = upstream(kKey, {"unavailable"});
  ReviewOptions opts;
  opts.config_path =
      write_config(dir_, {{"primary", primary->port()}, {"fallback", fallback->port()}});
  opts.out_dir = dir_ + "/out";
  auto c = review(opts);
  EXPECT_EQ(c.run.exit_code, 1) << c.err;
  EXPECT_EQ(c.run.report.verdict, Verdict::kKeepInStaging);
  EXPECT_NE(c.out.find("step 7 (fallback, happy path) failed"), std::string::npos) << c.out;
  EXPECT_NE(c.out.find("step 5 (primary, fallback check) failed"), std::string::npos) << c.out;
  EXPECT_NE(read_all(c.run.files.markdown).find("Verdict: keep in staging"), std::string::npos);
  EXPECT_EQ(evidence_lines(c.run).size(), 12u);
}

TEST_F(ConfigReview, DriftOnTheAnswerMakesItALimitedRollout) {
  auto primary = upstream(kKey, {"drift_extra"});
  auto fallback = upstream(kKey);
  ReviewOptions opts;
  opts.config_path =
      write_config(dir_, {{"primary", primary->port()}, {"fallback", fallback->port()}});
  opts.out_dir = dir_ + "/out";
  auto c = review(opts);
  EXPECT_EQ(c.run.exit_code, 2) << c.err << c.out;
  EXPECT_NE(c.out.find("drift"), std::string::npos) << c.out;
}

TEST_F(ConfigReview, AChainWithoutASecondRouteIsALimitedRolloutAtBest) {
  auto primary = upstream(kKey);
  ReviewOptions opts;
  opts.config_path = write_config(dir_, {{"primary", primary->port()}});
  opts.out_dir = dir_ + "/out";
  auto c = review(opts);
  EXPECT_EQ(c.run.exit_code, 2) << c.err << c.out;
  EXPECT_NE(c.out.find("only reachable through the built-in provider"), std::string::npos) << c.out;
}

TEST_F(ConfigReview, AResponsesChainIsReviewedOnItsOwnContract) {
  auto primary = upstream(kKey);
  auto fallback = upstream(kKey);
  ReviewOptions opts;
  opts.config_path = write_config(dir_, {{"primary", primary->port(), kKeyEnv, "responses"},
                                         {"fallback", fallback->port(), kKeyEnv, "responses"}});
  opts.out_dir = dir_ + "/out";
  auto c = review(opts);
  EXPECT_EQ(c.run.exit_code, 0) << c.err << c.out;
  const std::string md = read_all(c.run.files.markdown);
  EXPECT_NE(md.find("Responses (responses) on primary and fallback"), std::string::npos) << md;
  EXPECT_NE(md.find("`response` with status `completed`"), std::string::npos) << md;
  EXPECT_NE(md.find("the streamed request sent model, input (string), stream"), std::string::npos)
      << md;
}

TEST_F(ConfigReview, AChainMixingSurfacesFallsBackThroughTranslationAndAsksForReview) {
  auto primary = upstream(kKey);
  auto fallback = upstream(kKey);
  ReviewOptions opts;
  opts.config_path = write_config(
      dir_, {{"primary", primary->port()}, {"fallback", fallback->port(), kKeyEnv, "responses"}});
  opts.out_dir = dir_ + "/out";
  auto c = review(opts);
  EXPECT_EQ(c.run.exit_code, 2) << c.err << c.out;
  EXPECT_NE(c.err.find("[5/12] primary: fallback check ... review (200 from fallback"),
            std::string::npos)
      << c.err;
  EXPECT_NE(c.out.find("answered on responses, translated to the client's chat_completions"),
            std::string::npos)
      << c.out;
}

TEST_F(ConfigReview, JsonPrintsASummaryInsteadOfTheHumanOne) {
  auto primary = upstream(kKey);
  auto fallback = upstream(kKey);
  ReviewOptions opts;
  opts.config_path =
      write_config(dir_, {{"primary", primary->port()}, {"fallback", fallback->port()}});
  opts.out_dir = dir_ + "/out";
  opts.json = true;
  auto c = review(opts);
  auto j = nlohmann::json::parse(c.out);
  EXPECT_EQ(j["verdict"], "ready") << c.err << c.out;
  EXPECT_EQ(j["exit_code"], 0);
  EXPECT_EQ(j["steps"].size(), 12u);
  EXPECT_EQ(j["files"]["evidence"], c.run.files.evidence);
}

TEST_F(ConfigReview, AnUnknownChainIsAnErrorNamingTheChains) {
  auto primary = upstream(kKey);
  ReviewOptions opts;
  opts.config_path = write_config(dir_, {{"primary", primary->port()}});
  opts.chain = "nope";
  opts.json = true;
  auto c = review(opts);
  EXPECT_EQ(c.run.exit_code, 1);
  EXPECT_NE(c.err.find("chains: gpt-4o-mini"), std::string::npos) << c.err;
  EXPECT_EQ(nlohmann::json::parse(c.out)["verdict"], "keep in staging") << c.out;
}

TEST_F(ConfigReview, ACanaryCredentialAppearsInNoFileAndNoOutput) {
  const std::string canary = "canary-credential-7f3a9c2e41d8";
  const std::string sk_canary = "sk-canary-b19e44d07a2c";
  setenv("RG_REVIEW_CANARY_KEY", canary.c_str(), 1);
  setenv("RG_REVIEW_CANARY_SK", sk_canary.c_str(), 1);
  auto primary = upstream(canary);
  auto fallback = upstream(sk_canary, {"unauthorized"});  // error bodies reach the evidence too
  ReviewOptions opts;
  opts.config_path = write_config(dir_, {{"primary", primary->port(), "RG_REVIEW_CANARY_KEY"},
                                         {"fallback", fallback->port(), "RG_REVIEW_CANARY_SK"}});
  opts.out_dir = dir_ + "/out";
  opts.operator_initials = "QA";
  ::testing::internal::CaptureStdout();
  ::testing::internal::CaptureStderr();
  auto c = review(opts);
  opts.json = true;
  auto c2 = review(opts);
  const std::string process_out =
      ::testing::internal::GetCapturedStdout() + ::testing::internal::GetCapturedStderr();
  ASSERT_FALSE(c.run.files.markdown.empty()) << c.err;
  std::vector<std::pair<std::string, std::string>> outputs = {
      {"stdout", c.out + c2.out}, {"stderr", c.err + c2.err}, {"process", process_out}};
  size_t files = 0;
  for (const auto& e : fs::recursive_directory_iterator(opts.out_dir))
    if (e.is_regular_file()) {
      outputs.emplace_back(e.path().string(), read_all(e.path()));
      ++files;
    }
  EXPECT_EQ(files, 3u);
  for (const auto& [name, text] : outputs) {
    EXPECT_EQ(text.find(canary), std::string::npos) << name;
    EXPECT_EQ(text.find(sk_canary), std::string::npos) << name;
    EXPECT_EQ(text.find("sk-rg-"), std::string::npos) << name << ": a per-run key leaked";
    EXPECT_EQ(text.find("Readiness check: answer"), std::string::npos) << name << ": prompt text";
    EXPECT_EQ(text.find("\"content\""), std::string::npos) << name << ": a body leaked";
  }
}

}  // namespace
}  // namespace readygate::review
