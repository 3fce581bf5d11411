#include <gtest/gtest.h>

#include "probe/probe_report.h"

namespace readygate::probe {
namespace {

ProbeReport sample() {
  ProbeReport r;
  r.run_id = "probe-test-1";
  r.started_at = "2026-11-29T21:00:00.000Z";
  r.surface = "chat";
  r.command = "node";
  r.environment = "ci";
  r.operator_initials = "ab";
  auto all = builtin_scenarios({.timeout_ms = 5000, .client_timeout_ms = 500});
  ScenarioResult ok;
  ok.scenario = all[6];  // transient_503_twice
  ok.attempts = {{10, 503, "unavailable"}, {431, 503, "unavailable"}, {1321, 200, ""}};
  ok.outcome = {CommandOutcome::End::kExited, 0, 0, 1400};
  ok.grade = grade(ok.scenario, ok.attempts, ok.outcome);
  ok.stdout_bytes = 12;
  ScenarioResult bad;
  bad.scenario = all[0];  // bad_request_400
  bad.scenario.what = "400 <b>&";
  bad.attempts = {{0, 400, "bad_request"}, {2, 400, "bad_request"}};
  bad.outcome = {CommandOutcome::End::kExited, 1, 0, 50};
  bad.grade = grade(bad.scenario, bad.attempts, bad.outcome);
  r.results = {ok, bad};
  return r;
}

TEST(ProbeNote, MarkdownCarriesVerdictsTimesAndWhatWasNotAsserted) {
  const std::string md = render_probe_markdown(sample());
  EXPECT_NE(md.find("**Result: 1 of 2 scenarios passed (1 failed)**"), std::string::npos);
  EXPECT_NE(md.find("| [transient_503_twice](#transient_503_twice) | retry_then_succeed | pass |"),
            std::string::npos);
  EXPECT_NE(md.find("0, 421, 1311 ms (planned status 503, 503, 200)"), std::string::npos);
  EXPECT_NE(md.find("### bad_request_400"), std::string::npos);
  EXPECT_NE(md.find("FAIL: retried a non-retryable error: 2 attempts"), std::string::npos);
  EXPECT_NE(md.find("12 bytes stdout, 0 bytes stderr (not kept)"), std::string::npos);
  EXPECT_NE(md.find("## What was not asserted"), std::string::npos);
  EXPECT_NE(md.find("Jitter: one run"), std::string::npos);
  EXPECT_NE(md.find("node (arguments not shown)"), std::string::npos);
}

TEST(ProbeNote, HtmlIsSelfContainedAndEscaped) {
  const std::string h = render_probe_html(sample());
  EXPECT_EQ(h.rfind("<!DOCTYPE html>", 0), 0u);
  for (const char* external : {"<script", "src=", "<link", "href=\"http", "url(", "@import"})
    EXPECT_EQ(h.find(external), std::string::npos) << external;
  EXPECT_NE(h.find("400 &lt;b&gt;&amp;"), std::string::npos);
  EXPECT_EQ(h.find("400 <b>&"), std::string::npos);
  EXPECT_NE(h.find("<h3 id=\"transient_503_twice\">"), std::string::npos);
  EXPECT_NE(h.find("class=\"r-FAIL\">FAIL</td>"), std::string::npos);
}

TEST(ProbeEvidence, OneRecordPerScenarioWithTheSeedFieldsAndAttemptGaps) {
  auto report = sample();
  auto e = scenario_record(report, report.results[0]);
  EXPECT_EQ(e.run_id, "probe-test-1");
  EXPECT_EQ(e.environment, "ci");
  EXPECT_EQ(e.api_surface, "chat_completions");
  EXPECT_EQ(e.status_family, "2xx");
  EXPECT_EQ(e.retry_count, 2);
  EXPECT_EQ(e.fallback_decision, "none");
  EXPECT_EQ(e.response_shape_observed, "not_checked");
  EXPECT_EQ(e.evidence_link, "conformance-note.md#transient_503_twice");
  EXPECT_EQ(e.operator_initials, "ab");
  EXPECT_FALSE(e.follow_up_needed);
  EXPECT_EQ(e.request_id, "probe-test-1/transient_503_twice");
  ASSERT_EQ(e.attempts.size(), 3u);
  EXPECT_EQ(e.attempts[1].delay_before_ms, 421);
  EXPECT_EQ(e.attempts[1].decision, "retry");
  EXPECT_EQ(e.attempts[2].decision, "success");
  EXPECT_EQ(e.attempts[0].reason, "fault unavailable");

  auto f = scenario_record(report, report.results[1]);
  EXPECT_TRUE(f.follow_up_needed);
  EXPECT_EQ(f.status_family, "4xx");
  EXPECT_EQ(f.attempts.back().decision, "return");
}

TEST(ProbeEvidence, TruncatedStreamRecordSaysTruncated) {
  auto report = sample();
  ScenarioResult t;
  t.scenario = builtin_scenarios({})[10];
  t.attempts = {{0, 200, "truncate"}};
  t.outcome = {CommandOutcome::End::kExited, 0, 0, 40};
  t.grade = grade(t.scenario, t.attempts, t.outcome);
  auto e = scenario_record(report, t);
  EXPECT_EQ(t.scenario.name, "truncated_stream");
  EXPECT_EQ(e.response_shape_observed, "truncated");
  EXPECT_TRUE(e.stream);
  EXPECT_TRUE(e.follow_up_needed);
}

}  // namespace
}  // namespace readygate::probe
