// run_probe end to end with tiny commands: sh and curl against the built-in
// provider on loopback. Short bounds; no network but 127.0.0.1.
#include "probe/probe.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "evidence/temp_dir_for_test.h"

namespace readygate::probe {
namespace {

constexpr const char* kCanary = "CANARY-PROMPT-7731";
constexpr const char* kArgSecret = "sk-canary-arg-5566778899";

// One chat request with curl, printing a canary prompt on stdout and stderr.
std::vector<std::string> curl_once() {
  return {"sh", "-c",
          std::string("curl -s -o /dev/null -H \"Authorization: Bearer $OPENAI_API_KEY\" "
                      "-H 'content-type: application/json' "
                      "-d '{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"") +
              kCanary + "\"}]}' \"$OPENAI_BASE_URL/chat/completions\"; echo " + kCanary +
              "; echo " + kCanary + " >&2",
          "probe-client-test", kArgSecret};
}

struct Ran {
  ProbeRun run;
  std::string out, err;
};

Ran probe(ProbeOptions o) {
  std::ostringstream out, err;
  Ran r{run_probe(o, out, err), "", ""};
  r.out = out.str();
  r.err = err.str();
  return r;
}

ProbeOptions options(const evidence::TempDir& dir, std::vector<std::string> command) {
  ProbeOptions o;
  o.out_dir = dir.file("out");
  o.command = std::move(command);
  o.timeout_ms = 5000;
  o.run_id = "probe-test";
  return o;
}

TEST(Probe, OneCurlRequestPassesTheBadRequestScenarioAndLeavesNoteAndEvidence) {
  evidence::TempDir dir;
  auto o = options(dir, curl_once());
  o.scenario_names = {"bad_request_400"};
  auto r = probe(o);
  EXPECT_EQ(r.run.exit_code, kExitPass) << r.err;
  ASSERT_EQ(r.run.report.results.size(), 1u);
  const auto& res = r.run.report.results[0];
  EXPECT_TRUE(res.grade.pass) << res.grade.reason;
  ASSERT_EQ(res.attempts.size(), 1u);
  EXPECT_EQ(res.attempts[0].status, 400);
  EXPECT_EQ(res.attempts[0].fault, "bad_request");
  EXPECT_EQ(res.stdout_bytes, std::string(kCanary).size() + 1);
  EXPECT_NE(r.err.find("[1/1] bad_request_400 ... pass: one attempt, no retry; exit 0 [attempts at 0 ms]"),
            std::string::npos)
      << r.err;
  std::ifstream ev(r.run.evidence);
  std::string line;
  ASSERT_TRUE(std::getline(ev, line));
  EXPECT_EQ(line.rfind("{\"run_id\":\"probe-test\"", 0), 0u) << line;
  EXPECT_FALSE(std::getline(ev, line)) << "one record per scenario";
  // Nothing the command printed or was given reaches any output.
  const std::string all = r.out + r.err;
  std::string files;
  for (const auto& f : {r.run.note_markdown, r.run.note_html, r.run.evidence}) {
    std::ifstream in(f);
    files += std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  for (const std::string& text : {all, files}) {
    EXPECT_EQ(text.find(kCanary), std::string::npos);
    EXPECT_EQ(text.find(kArgSecret), std::string::npos);
    EXPECT_EQ(text.find("readygate-probe-placeholder-key"), std::string::npos);
  }
  EXPECT_NE(files.find("### bad_request_400"), std::string::npos);
}

TEST(Probe, ACommandThatNeverCallsFailsWithExitOne) {
  evidence::TempDir dir;
  auto o = options(dir, {"sh", "-c", "exit 0"});
  o.scenario_names = {"auth_401", "truncated_stream"};
  auto r = probe(o);
  EXPECT_EQ(r.run.exit_code, kExitFail);
  ASSERT_EQ(r.run.report.results.size(), 2u);
  EXPECT_FALSE(r.run.report.results[0].grade.pass);
  EXPECT_NE(r.out.find("0 of 2 scenarios passed"), std::string::npos);
}

TEST(Probe, UsageErrorsNameTheFlagAndExitTwo) {
  evidence::TempDir dir;
  auto o = options(dir, {});
  auto r = probe(o);
  EXPECT_EQ(r.run.exit_code, kExitUsage);
  EXPECT_NE(r.err.find("no command"), std::string::npos);

  o = options(dir, {"true"});
  o.surface = "completions";
  r = probe(o);
  EXPECT_EQ(r.run.exit_code, kExitUsage);
  EXPECT_NE(r.err.find("--surface: use chat or responses"), std::string::npos);

  o = options(dir, {"true"});
  o.scenario_names = {"nope"};
  r = probe(o);
  EXPECT_EQ(r.run.exit_code, kExitUsage);
  EXPECT_NE(r.err.find("--scenario: unknown scenario 'nope' (known: bad_request_400"),
            std::string::npos);

  o = options(dir, {"readygate-no-such-command-xyz"});
  o.scenario_names = {"auth_401"};
  r = probe(o);
  EXPECT_EQ(r.run.exit_code, kExitUsage);
  EXPECT_NE(r.err.find("cannot run 'readygate-no-such-command-xyz'"), std::string::npos);
}

TEST(Probe, YamlErrorsNameTheFileAndPath) {
  evidence::TempDir dir;
  const std::string yaml = dir.file("s.yaml");
  std::ofstream(yaml) << "scenarios:\n  - use: auth_401\n    max_attempts: 0\n";
  auto o = options(dir, {"true"});
  o.scenarios_file = yaml;
  auto r = probe(o);
  EXPECT_EQ(r.run.exit_code, kExitUsage);
  EXPECT_NE(r.err.find("--scenarios: " + yaml + ": scenarios[0].max_attempts: must be 1..100"),
            std::string::npos)
      << r.err;
}

TEST(Probe, YamlScenariosRunInFileOrder) {
  evidence::TempDir dir;
  const std::string yaml = dir.file("s.yaml");
  std::ofstream(yaml) << "defaults:\n  timeout_ms: 3000\nscenarios:\n"
                         "  - name: plain_ok\n    expect: single_attempt\n    faults: []\n";
  auto o = options(dir, curl_once());
  o.scenarios_file = yaml;
  auto r = probe(o);
  EXPECT_EQ(r.run.exit_code, kExitPass) << r.err;
  ASSERT_EQ(r.run.report.results.size(), 1u);
  EXPECT_EQ(r.run.report.results[0].scenario.timeout_ms, 3000);
  EXPECT_EQ(r.run.report.results[0].attempts.at(0).status, 200);
}

}  // namespace
}  // namespace readygate::probe
