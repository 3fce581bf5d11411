#include "probe/probe.h"

#include <filesystem>
#include <fstream>
#include <ostream>

#include "base/http_date.h"
#include "evidence/store_factory.h"
#include "probe/command_runner.h"
#include "probe/scenario_yaml.h"
#include "review/builtin_provider.h"
#include "review/redactor.h"
#include "review/workspace.h"

namespace readygate::probe {
namespace {

// The key the command is given and the provider accepts: a placeholder, not
// a credential, but redacted from every output all the same.
constexpr const char* kPlaceholderKey = "readygate-probe-placeholder-key";
constexpr const char* kModel = "gpt-4o-mini";
constexpr size_t kSinkCapacity = 256;

std::optional<std::string> check_options(const ProbeOptions& o) {
  if (o.command.empty()) return "no command: give it after `--`, e.g. -- node client.mjs";
  if (o.surface != "chat" && o.surface != "responses")
    return "--surface: use chat or responses (got '" + o.surface + "')";
  if (o.timeout_ms < 100 || o.timeout_ms > 3'600'000) return "--timeout-ms: must be 100..3600000";
  if (o.client_timeout_ms < 1 || o.client_timeout_ms > 3'600'000)
    return "--client-timeout-ms: must be 1..3600000";
  if (!review::is_simple_token(o.environment, 64))
    return "--environment: use letters, digits, '.', '-', '_'";
  if (!o.operator_initials.empty() && !review::is_simple_token(o.operator_initials, 16))
    return "--operator: use initials (letters, digits, '.', '-', '_'; at most 16)";
  return std::nullopt;
}

std::vector<std::pair<std::string, std::string>> command_env(const Scenario& s,
                                                             const std::string& surface,
                                                             uint16_t port) {
  const std::string base = "http://127.0.0.1:" + std::to_string(port) + "/v1";
  return {{"OPENAI_BASE_URL", base},
          {"OPENAI_API_KEY", kPlaceholderKey},
          {"COMETAPI_BASE_URL", base},
          {"COMETAPI_KEY", kPlaceholderKey},
          {"READYGATE_PROBE_SCENARIO", s.name},
          {"READYGATE_PROBE_SURFACE", surface},
          {"READYGATE_PROBE_STREAM", s.stream ? "1" : "0"},
          {"READYGATE_PROBE_MODEL", kModel},
          {"READYGATE_PROBE_CLIENT_TIMEOUT_MS", std::to_string(s.client_timeout_ms)},
          // Loopback must not go through a proxy the caller's environment names.
          {"NO_PROXY", "127.0.0.1,localhost"},
          {"no_proxy", "127.0.0.1,localhost"}};
}

// Runs one scenario: a fresh provider, the command once, the log read back.
std::expected<ScenarioResult, std::string> run_scenario(const Scenario& s, const ProbeOptions& o,
                                                        const std::string& workdir, size_t index) {
  ScenarioResult r;
  r.scenario = s;
  r.started = SystemClock::instance().wall();
  const std::string stem = workdir + "/" + std::to_string(index);
  auto provider = review::BuiltinProvider::start(
      {.faults = provider_faults(s), .api_key = kPlaceholderKey, .log_path = stem + ".log.jsonl"});
  if (!provider) return std::unexpected("scenario " + s.name + ": " + provider.error());
  CommandSpec spec;
  spec.argv = o.command;
  spec.env = command_env(s, o.surface, (*provider)->port());
  spec.timeout_ms = s.timeout_ms;
  spec.stdout_path = stem + ".stdout";
  spec.stderr_path = stem + ".stderr";
  auto ran = run_command(spec);
  if (!ran) return std::unexpected(ran.error());
  for (const auto& c : (*provider)->completion_calls()) r.attempts.push_back({c.t_ms, c.status, c.fault});
  provider->reset();  // stops a provider still sleeping on a slow answer
  std::error_code ec;
  std::filesystem::remove(spec.stdout_path, ec);
  std::filesystem::remove(spec.stderr_path, ec);
  r.outcome = ran->outcome;
  r.stdout_bytes = ran->stdout_bytes;
  r.stderr_bytes = ran->stderr_bytes;
  r.grade = grade(s, r.attempts, r.outcome);
  return r;
}

std::string attempts_suffix(const ScenarioResult& r) {
  std::string t;
  for (auto x : r.grade.offsets_ms) t += (t.empty() ? "" : ", ") + std::to_string(x);
  return t.empty() ? "" : " [attempts at " + t + " ms]";
}

bool write_file(const std::string& path, const std::string& text) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f << text;
  f.close();
  return static_cast<bool>(f);
}

}  // namespace

std::expected<std::vector<Scenario>, std::string> select_scenarios(const ProbeOptions& o) {
  const auto builtins = builtin_scenarios(
      {.timeout_ms = o.timeout_ms, .client_timeout_ms = o.client_timeout_ms});
  std::vector<Scenario> from_file;
  if (!o.scenarios_file.empty()) {
    auto loaded = load_scenarios_yaml(o.scenarios_file, builtins);
    if (!loaded) return std::unexpected("--scenarios: " + loaded.error());
    from_file = std::move(*loaded);
  }
  if (o.scenario_names.empty()) return o.scenarios_file.empty() ? builtins : from_file;
  std::vector<Scenario> out;
  for (const auto& name : o.scenario_names) {
    const Scenario* found = nullptr;
    for (const auto& s : from_file)
      if (s.name == name) found = &s;
    for (const auto& s : builtins)
      if (!found && s.name == name) found = &s;
    if (!found) {
      std::string names;
      for (const auto& s : from_file) names += (names.empty() ? "" : ", ") + s.name;
      for (const auto& s : builtins) names += (names.empty() ? "" : ", ") + s.name;
      return std::unexpected("--scenario: unknown scenario '" + name + "' (known: " + names + ")");
    }
    out.push_back(*found);
  }
  return out;
}

ProbeRun run_probe(const ProbeOptions& opts, std::ostream& out, std::ostream& err) {
  ProbeRun run;
  review::Redactor redactor;
  redactor.add_secret(kPlaceholderKey);
  auto stop = [&](const std::string& message) {
    err << redactor.clean("readygate probe-client: " + message) << std::endl;
    run.exit_code = kExitUsage;
    return run;
  };
  if (auto bad = check_options(opts)) return stop(*bad);
  auto scenarios = select_scenarios(opts);
  if (!scenarios) return stop(scenarios.error());

  ProbeReport& report = run.report;
  const WallTime now = SystemClock::instance().wall();
  report.run_id = opts.run_id.empty() ? review::make_run_id("probe", now) : opts.run_id;
  report.started_at = format_rfc3339_ms(now);
  report.surface = opts.surface;
  report.command = std::filesystem::path(opts.command.front()).filename().string();
  report.environment = opts.environment;
  report.operator_initials = opts.operator_initials.empty() ? "unsigned" : opts.operator_initials;
  report.scenarios_file = opts.scenarios_file;

  const std::string dir = opts.out_dir.empty() ? "readygate-probe/" + report.run_id : opts.out_dir;
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return stop("--out: cannot create " + dir + ": " + ec.message());
  const std::string store =
      opts.store.empty() ? (std::filesystem::path(dir) / kEvidenceFile).string() : opts.store;
  auto sink = evidence::open_sink(store, kSinkCapacity);
  if (!sink) return stop("--store: " + sink.error());
  auto ws = review::Workspace::create();
  if (!ws) return stop(ws.error());

  err << redactor.clean("readygate probe-client: run " + report.run_id + ", " +
                        std::to_string(scenarios->size()) +
                        (scenarios->size() == 1 ? " scenario" : " scenarios") + ", surface " +
                        opts.surface + ", command " + report.command)
      << std::endl;
  for (size_t i = 0; i < scenarios->size(); ++i) {
    const Scenario& s = (*scenarios)[i];
    err << redactor.clean("[" + std::to_string(i + 1) + "/" + std::to_string(scenarios->size()) +
                          "] " + s.name + " ... ")
        << std::flush;
    auto r = run_scenario(s, opts, (*ws)->dir(), i + 1);
    if (!r) {
      err << "\n";
      return stop(r.error());
    }
    err << redactor.clean(std::string(r->grade.pass ? "pass: " : "FAIL: ") + r->grade.reason +
                          attempts_suffix(*r))
        << std::endl;
    report.results.push_back(std::move(*r));
    (*sink)->submit(scenario_record(report, report.results.back()));
  }
  (*sink)->flush();
  if ((*sink)->dropped() > 0)
    return stop("--store: " + std::to_string((*sink)->dropped()) + " evidence record(s) not stored in " + store);

  const std::string md = (std::filesystem::path(dir) / kNoteMarkdown).string();
  const std::string html = (std::filesystem::path(dir) / kNoteHtml).string();
  if (!write_file(md, redactor.clean(render_probe_markdown(report))) ||
      !write_file(html, redactor.clean(render_probe_html(report))))
    return stop("--out: cannot write the note in " + dir);
  run.note_markdown = md;
  run.note_html = html;
  run.evidence = store;
  run.exit_code = report.failed() == 0 ? kExitPass : kExitFail;
  out << redactor.clean("readygate probe-client: " + std::to_string(report.passed()) + " of " +
                        std::to_string(report.results.size()) +
                        (report.results.size() == 1 ? " scenario" : " scenarios") + " passed (run " +
                        report.run_id + ")\n  note (Markdown): " + md + "\n  note (HTML):     " +
                        html + "\n  evidence:        " + store + "\n")
      << std::flush;
  return run;
}

}  // namespace readygate::probe
