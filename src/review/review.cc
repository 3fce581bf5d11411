#include "review/review.h"

#include <cctype>
#include <filesystem>
#include <fstream>
#include <ostream>
#include <sstream>

#include <spdlog/spdlog.h>

#include "base/http_date.h"
#include "review/builtin_provider.h"
#include "review/note.h"
#include "review/note_text.h"
#include "review/redactor.h"
#include "review/review_json.h"
#include "review/steps.h"
#include "review/verdict.h"
#include "review/workspace.h"
#include "evidence/postgres_text.h"
#include "evidence/store_factory.h"

namespace readygate::review {
namespace {

constexpr const char* kBuiltinModel = "gpt-4o-mini";

// The in-memory config of the offline review: primary -> fallback, both the
// built-in provider (Chat Completions), policy defaults otherwise.
std::expected<config::Config, std::vector<std::string>> builtin_config(
    uint16_t primary_port, uint16_t fallback_port, const std::string& key_file,
    const std::string& environment, int backoff_base_ms) {
  const std::string retry =
      backoff_base_ms > 0 ? "    retry: {base: " + std::to_string(backoff_base_ms) +
                                "ms, base_after_429: " + std::to_string(backoff_base_ms) + "ms}\n"
                          : std::string();
  auto route = [&](const std::string& name, uint16_t port) {
    return "  - name: " + name +
           "\n    surface: chat_completions\n    base_url: http://127.0.0.1:" +
           std::to_string(port) + "/v1\n    credential: {file: \"" + key_file + "\"}\n" + retry;
  };
  std::string yaml = "listen: 127.0.0.1:0\nroutes:\n" + route("primary", primary_port) +
                     route("fallback", fallback_port) + "chains:\n  - model: " + kBuiltinModel +
                     "\n    routes: [primary, fallback]\nevidence:\n  environment: " + environment +
                     "\n";
  return config::load_config_text(yaml, "<built-in review config>");
}

std::string upstream_of(const config::RouteConfig& r, bool builtin) {
  if (builtin) return "built-in provider (loopback)";
  return r.scheme + "://" + r.host + ":" + std::to_string(r.port) + r.base_path;
}

std::string progress_result(const StepResult& s) {
  std::string detail = s.summary;
  if (s.outcome != Outcome::kPass && !s.findings.empty())
    detail = s.findings.front().find(s.summary) != std::string::npos
                 ? s.findings.front()
                 : detail + "; " + s.findings.front();
  switch (s.outcome) {
    case Outcome::kPass:
      return "ok (" + detail + ")";
    case Outcome::kReview:
      return "review (" + detail + ")";
    case Outcome::kFail:
      return "FAILED (" + detail + ")";
  }
  return "FAILED";
}

bool write_file(const std::string& path, const std::string& text, std::string* error) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f << text;
  f.close();
  if (!f) *error = "cannot write " + path;
  return static_cast<bool>(f);
}

void print_human(std::ostream& out, const ReviewReport& r, const ReviewFiles& files) {
  int pass = 0, review = 0, failed = 0;
  for (const auto& s : r.steps)
    (s.outcome == Outcome::kPass ? pass : s.outcome == Outcome::kReview ? review : failed)++;
  out << "readygate review: " << verdict_name(r.verdict) << " (run " << r.run_id << ")\n"
      << "  API surface: " << surface_line(r) << "\n"
      << "  steps: " << pass << " passed, " << review << " need review, " << failed << " failed\n";
  out << "  reasons:\n";
  for (const auto& reason : r.reasons) out << "    - " << reason << "\n";
  out << "  note (Markdown): " << files.markdown << "\n"
      << "  note (HTML):     " << files.html << "\n"
      << "  evidence:        " << files.evidence << "\n";
  if (!files.store.empty()) out << "  evidence store:  " << files.store << "\n";
}

// The step records and one review row per step, in the evidence store.
std::expected<void, std::string> store_results(const std::string& path, const ReviewReport& r,
                                               const Redactor& redactor) {
  auto store = evidence::open_store(path, evidence::OpenMode::kCreate);
  if (!store) return std::unexpected(store.error());
  std::vector<evidence::EvidenceRecord> records;
  std::vector<evidence::ReviewStepRow> rows;
  for (const auto& s : r.steps) {
    records.push_back(s.record);
    evidence::ReviewStepRow row;
    row.run_id = r.run_id;
    row.step = s.number;
    row.route = s.route;
    row.check = std::string(step_key(s.kind));
    row.outcome = std::string(outcome_name(s.outcome));
    row.route_fingerprint = s.route_fingerprint;
    row.config_fingerprint = r.config_fingerprint;
    row.chain = r.chain;
    row.environment = r.environment;
    row.request_id = s.record.request_id;
    row.summary = redactor.clean(s.summary);
    row.timestamp = s.record.timestamp;
    rows.push_back(std::move(row));
  }
  if (auto ok = (*store)->insert_batch(records, std::nullopt); !ok) return ok;
  return (*store)->insert_review_steps(rows);
}

}  // namespace

static_assert(kStepsPerRoute == evidence::kReviewStepsPerRoute);

ReviewRun run_review(const ReviewOptions& opts, std::ostream& out, std::ostream& err) {
  ReviewRun run;
  Redactor redactor;
  auto stop = [&](const std::string& message) {
    err << redactor.clean("readygate review: " + message) << "\n";
    if (opts.json) out << redactor.clean(error_json(message)) << std::flush;
    run.exit_code = 1;
    return run;
  };
  const std::string initials = opts.operator_initials.empty() ? "unsigned" : opts.operator_initials;
  if (!is_simple_token(initials, 16))
    return stop("--operator: use initials (letters, digits, '.', '-', '_'; at most 16)");
  if (!opts.environment.empty() && !is_simple_token(opts.environment, 64))
    return stop("--environment: use letters, digits, '.', '-', '_'");

  // The gateway logs through spdlog's registry, whose global level also
  // applies to loggers created later. TODO: a gateway log-level API.
  if (!opts.gateway_logs) spdlog::set_level(spdlog::level::off);

  const WallTime now = SystemClock::instance().wall();
  ReviewReport& report = run.report;
  report.run_id = opts.run_id.empty() ? make_run_id("review", now) : opts.run_id;
  report.started_at = format_rfc3339_ms(now);
  report.date = report.started_at.substr(0, 10);
  report.operator_initials = initials;

  auto ws = Workspace::create();
  if (!ws) return stop(ws.error());
  const std::string builtin_key = "sk-rg-review-" + random_hex128();
  const std::string invalid_key = "sk-rg-invalid-" + random_hex128();
  redactor.add_secret(builtin_key);
  redactor.add_secret(invalid_key);
  auto builtin_key_file = (*ws)->write_secret("builtin.key", builtin_key);
  auto invalid_key_file = (*ws)->write_secret("invalid.key", invalid_key);
  if (!builtin_key_file) return stop(builtin_key_file.error());
  if (!invalid_key_file) return stop(invalid_key_file.error());

  // The reviewed config: a file, or the built-in providers' chain.
  std::vector<std::unique_ptr<BuiltinProvider>> providers;
  config::Config cfg;
  report.builtin = opts.config_path.empty();
  if (report.builtin) {
    for (int i = 0; i < 2; ++i) {
      auto p = BuiltinProvider::start({.faults = {}, .api_key = builtin_key, .log_path = {}});
      if (!p) return stop(p.error());
      providers.push_back(std::move(*p));
    }
    auto loaded = builtin_config(providers[0]->port(), providers[1]->port(), *builtin_key_file,
                                 opts.environment.empty() ? "local" : opts.environment,
                                 opts.builtin_backoff_base_ms);
    if (!loaded) return stop("built-in config: " + loaded.error().front());
    cfg = std::move(*loaded);
    report.mode = "built-in provider (offline)";
  } else {
    auto loaded = config::load_config_file(opts.config_path);
    if (!loaded) {
      std::string all;
      for (const auto& e : loaded.error()) all += "\n  " + e;
      return stop(opts.config_path + ": " + std::to_string(loaded.error().size()) + " error(s)" +
                  all);
    }
    cfg = std::move(*loaded);
    report.mode = "config " + opts.config_path;
  }
  for (const auto& r : cfg.routes)
    if (auto secret = config::resolve_credential(r.credential)) redactor.add_secret(*secret);

  const config::ChainConfig* chain = opts.chain.empty()
                                         ? (cfg.chains.empty() ? nullptr : &cfg.chains.front())
                                         : cfg.find_chain(opts.chain);
  if (!chain) {
    std::string names;
    for (const auto& c : cfg.chains) names += (names.empty() ? "" : ", ") + c.model;
    return stop("no chain '" + opts.chain +
                "' in the config (chains: " + (names.empty() ? std::string("none") : names) + ")");
  }
  report.chain = chain->model;
  report.environment = opts.environment.empty() ? cfg.evidence.environment : opts.environment;
  report.config_fingerprint = cfg.fingerprint;
  for (const auto& name : chain->routes) {
    const auto* r = cfg.find_route(name);
    report.routes.push_back(
        {r->name, r->surface, upstream_of(*r, report.builtin), cfg.fingerprint_of_route(r->name)});
    if (report.builtin) continue;
    for (const auto& d : r->docs)
      report.docs.push_back(
          {r->name, d.url, d.accessed, "from the config; not fetched by this run"});
    if (r->docs.empty()) {
      report.docs.push_back({r->name, "", "", "no documentation link configured"});
      report.chain_findings.push_back(
          {Outcome::kReview,
           "route " + r->name + " has no documentation link with an access date (routes[].docs)"});
    }
  }
  if (report.builtin)
    for (const char* url : {"https://platform.openai.com/docs/api-reference/chat",
                            "https://platform.openai.com/docs/api-reference/responses"})
      report.docs.push_back(
          {"built-in provider", url, report.date, "built-in provider run; links not fetched"});

  ChecklistContext ctx;
  ctx.cfg = &cfg;
  ctx.chain = chain;
  ctx.run_id = report.run_id;
  ctx.environment = report.environment;
  ctx.operator_initials = initials;
  ctx.builtin_mode = report.builtin;
  ctx.workdir = (*ws)->dir();
  ctx.builtin_key = builtin_key;
  ctx.builtin_key_file = *builtin_key_file;
  ctx.invalid_key_file = *invalid_key_file;
  ctx.ca_file = opts.ca_file;

  const size_t total = chain->routes.size() * kStepsPerRoute;
  err << redactor.clean("readygate review: run " + report.run_id + ", chain " + chain->model +
                        " (" + std::to_string(chain->routes.size()) + " routes, " +
                        std::to_string(total) + " steps), " + report.mode)
      << std::endl;
  int number = 0;
  for (size_t ri = 0; ri < chain->routes.size(); ++ri) {
    for (int k = 0; k < kStepsPerRoute; ++k) {
      ++number;
      const StepKind kind = step_kind_at(k);
      err << redactor.clean("[" + std::to_string(number) + "/" + std::to_string(total) + "] " +
                            chain->routes[ri] + ": " + std::string(step_title(kind)) + " ... ")
          << std::flush;
      report.steps.push_back(run_step(ctx, kind, ri, number));
      err << redactor.clean(progress_result(report.steps.back())) << std::endl;
    }
  }
  auto verdict = decide_verdict(report, total);
  report.verdict = verdict.verdict;
  report.reasons = std::move(verdict.reasons);

  // Files.
  ReviewFiles files;
  files.dir = opts.out_dir.empty() ? "readygate-review/" + report.run_id : opts.out_dir;
  std::error_code ec;
  std::filesystem::create_directories(files.dir, ec);
  if (ec) return stop("cannot create " + files.dir + ": " + ec.message());
  files.markdown = (std::filesystem::path(files.dir) / "readiness-note.md").string();
  files.html = (std::filesystem::path(files.dir) / "readiness-note.html").string();
  files.evidence = (std::filesystem::path(files.dir) / "evidence.jsonl").string();
  std::string evidence;
  for (const auto& s : report.steps) evidence += evidence_line(s) + "\n";
  std::string error;
  if (!write_file(files.evidence, redactor.clean(evidence), &error) ||
      !write_file(files.markdown, redactor.clean(render_markdown(report)), &error) ||
      !write_file(files.html, redactor.clean(render_html(report)), &error))
    return stop(error);
  if (opts.store) {
    const std::string path = opts.store->empty() ? cfg.evidence.path : *opts.store;
    if (auto ok = store_results(path, report, redactor); !ok) return stop(ok.error());
    files.store = evidence::store_kind(path) == evidence::StoreKind::kPostgres
                      ? evidence::mask_url_password(path)
                      : path;
  }
  run.files = files;
  run.exit_code = exit_code_of(report.verdict);

  if (opts.json) {
    out << redactor.clean(summary_json(report, files)) << std::flush;
  } else {
    std::ostringstream human;
    print_human(human, report, files);
    out << redactor.clean(human.str()) << std::flush;
  }
  return run;
}

}  // namespace readygate::review
