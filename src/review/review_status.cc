#include "review/review_status.h"

#include <map>
#include <nlohmann/json.hpp>
#include <ostream>

#include "base/http_date.h"
#include "config/config.h"
#include "evidence/postgres_text.h"
#include "evidence/review_rows.h"
#include "evidence/store_factory.h"
#include "review/redactor.h"

namespace readygate::review {
namespace {

struct Row {
  evidence::RouteReviewState state;
  std::string current_fingerprint;  // empty: not compared
};

std::string pad(std::string s, size_t n) {
  if (s.size() < n) s.append(n - s.size(), ' ');
  return s;
}

}  // namespace

int run_review_status(const StatusOptions& opts, std::ostream& out, std::ostream& err) {
  Redactor redactor;
  auto fail = [&](const std::string& message) {
    err << redactor.clean("readygate review --status: " + message) << "\n";
    return 1;
  };
  std::optional<config::Config> cfg;
  if (!opts.config_path.empty()) {
    auto loaded = config::load_config_file(opts.config_path);
    if (!loaded) return fail(opts.config_path + ": " + loaded.error().front());
    cfg = std::move(*loaded);
  }
  const std::string path =
      !opts.store.empty() ? opts.store : cfg ? cfg->evidence.path : "readygate-evidence.db";
  const std::string shown = evidence::store_kind(path) == evidence::StoreKind::kPostgres
                                ? evidence::mask_url_password(path)
                                : path;
  auto store = evidence::open_store(path, evidence::OpenMode::kExisting);
  if (!store) return fail(store.error());
  auto rows = (*store)->review_steps("");
  if (!rows) return fail(rows.error());

  std::vector<Row> table;
  if (cfg) {
    for (const auto& r : cfg->routes) {
      const std::string fp = cfg->fingerprint_of_route(r.name);
      table.push_back({evidence::review_state_of(r.name, fp, *rows), fp});
    }
  } else {
    std::map<std::string, const evidence::ReviewStepRow*> latest;  // rows are oldest first
    for (const auto& row : *rows) latest[row.route] = &row;
    for (const auto& [route, row] : latest)
      table.push_back({evidence::review_state_of(route, row->route_fingerprint, *rows), ""});
  }

  bool failed = false, needs = false;
  for (const auto& t : table) {
    failed |= t.state.status == evidence::ReviewStatus::kFailed;
    needs |= t.state.status != evidence::ReviewStatus::kPassing;
  }
  const int code = failed ? 1 : needs || table.empty() ? 2 : 0;

  if (opts.json) {
    nlohmann::ordered_json j;
    j["store"] = shown;
    j["config"] = opts.config_path.empty() ? nlohmann::ordered_json(nullptr)
                                           : nlohmann::ordered_json(opts.config_path);
    j["exit_code"] = code;
    j["routes"] = nlohmann::ordered_json::array();
    for (const auto& t : table) {
      const auto& s = t.state;
      const bool reviewed = s.status != evidence::ReviewStatus::kMissing;
      j["routes"].push_back(
          {{"route", s.route},
           {"state", std::string(evidence::review_status_name(s.status))},
           {"reviewed", reviewed},
           {"passing", s.status == evidence::ReviewStatus::kPassing},
           {"fingerprint_match",
            t.current_fingerprint.empty() || !reviewed
                ? nlohmann::ordered_json(nullptr)
                : nlohmann::ordered_json(s.reviewed_fingerprint == t.current_fingerprint)},
           {"run_id", reviewed ? nlohmann::ordered_json(s.run_id) : nlohmann::ordered_json(nullptr)},
           {"reviewed_at", reviewed ? nlohmann::ordered_json(format_rfc3339_ms(s.reviewed_at))
                                    : nlohmann::ordered_json(nullptr)},
           {"steps", s.steps},
           {"failed_steps", s.failed},
           {"steps_needing_review", s.needs_review}});
    }
    out << redactor.clean(j.dump(2)) << "\n";
    return code;
  }
  std::string text = "readygate review --status: store " + shown +
                     (cfg ? ", config " + opts.config_path
                          : std::string(", no --config: each route against its latest review")) +
                     "\n";
  text += "  " + pad("route", 16) + pad("state", 21) + pad("fingerprint", 13) + pad("run", 36) +
          "reviewed at\n";
  for (const auto& t : table) {
    const auto& s = t.state;
    const bool reviewed = s.status != evidence::ReviewStatus::kMissing;
    const std::string match = !reviewed                     ? "-"
                              : t.current_fingerprint.empty() ? "not compared"
                              : s.reviewed_fingerprint == t.current_fingerprint ? "current"
                                                                                : "changed";
    text += "  " + pad(s.route, 16) + pad(std::string(evidence::review_status_name(s.status)), 21) +
            pad(match, 13) + pad(reviewed ? s.run_id : "-", 36) +
            (reviewed ? format_rfc3339_ms(s.reviewed_at) + " (" + std::to_string(s.steps) +
                            " steps, " + std::to_string(s.failed) + " failed, " +
                            std::to_string(s.needs_review) + " need review)"
                      : std::string("never reviewed")) +
            "\n";
  }
  if (table.empty()) text += "  (no route has a review in this store)\n";
  text += code == 0   ? "every route has a passing review of its current configuration\n"
          : code == 2 ? "some route needs a review: run `readygate review --config FILE`\n"
                      : "a route's latest review failed: see its readiness note\n";
  out << redactor.clean(text);
  return code;
}

}  // namespace readygate::review
