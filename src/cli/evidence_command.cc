#include <CLI/CLI.hpp>

#include <cstdint>
#include <iostream>
#include <memory>
#include <string>

#include "base/clock.h"
#include "cli/mock_command.h"
#include "evidence/evidence_commands.h"

namespace readygate::cli {
namespace {

using evidence::EvidenceQueryFlags;

void add_store_option(CLI::App& app, EvidenceQueryFlags& flags) {
  app.add_option("--store", flags.store, "Evidence store: a SQLite file or a postgresql:// URL")
      ->capture_default_str();
}

void add_filter_options(CLI::App& app, const std::shared_ptr<EvidenceQueryFlags>& flags) {
  app.add_option("--run", flags->run, "Only records of this run_id");
  app.add_option("--route", flags->route, "Only records served by this route");
  app.add_option("--surface", flags->surface,
                 "Only this client surface: chat_completions|responses");
  app.add_option("--status", flags->status, "Only this status family: 2xx|4xx|5xx|transport");
  app.add_option("--since", flags->since, "From this time on (RFC 3339, or YYYY-MM-DD in UTC)");
  app.add_option_function<int64_t>(
      "--since-minutes", [flags](const int64_t& n) { flags->since_minutes = n; },
      "Only the last N minutes");
  app.add_option("--until", flags->until, "Before this time (RFC 3339, exclusive)");
  app.add_option_function<int64_t>(
      "--limit", [flags](const int64_t& n) { flags->limit = n; }, "Only the latest N matches");
}

}  // namespace

Runner setup_evidence(CLI::App& sub) {
  auto flags = std::make_shared<EvidenceQueryFlags>();
  auto request_id = std::make_shared<std::string>();
  sub.require_subcommand(1);

  CLI::App* list = sub.add_subcommand("list", "List matching records, oldest first");
  add_store_option(*list, *flags);
  add_filter_options(*list, flags);
  list->add_flag("--json", flags->json, "One JSON array instead of a table");
  list->add_flag("--jsonl", flags->jsonl, "One JSON record a line instead of a table");

  CLI::App* show = sub.add_subcommand("show", "Print one record as JSON (exit 1: no such record)");
  add_store_option(*show, *flags);
  show->add_option("REQUEST_ID", *request_id, "The record's request_id")->required();

  CLI::App* exp = sub.add_subcommand("export", "Write matching records as JSONL");
  add_store_option(*exp, *flags);
  add_filter_options(*exp, flags);
  exp->add_option("--out", flags->out, "Write to FILE instead of stdout");

  return [=] {
    const WallTime now = SystemClock::instance().wall();
    if (list->parsed()) return evidence::evidence_list(*flags, now, std::cout, std::cerr);
    if (show->parsed())
      return evidence::evidence_show(flags->store, *request_id, std::cout, std::cerr);
    return evidence::evidence_export(*flags, now, std::cout, std::cerr);
  };
}

}  // namespace readygate::cli
