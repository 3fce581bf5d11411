#include "review/steps.h"

#include <algorithm>
#include <cstdio>

#include "review/builtin_provider.h"
#include "review/checks.h"
#include "review/gateway_call.h"
#include "review/step_configs.h"

namespace readygate::review {
namespace {

using contract::Surface;

struct StepRun {
  const ChecklistContext& ctx;
  const config::RouteConfig& route;
  size_t route_index;
  StepResult s;

  GatewayExchange call(std::vector<config::RouteConfig> routes, bool stream,
                       std::chrono::milliseconds deadline) {
    auto cfg = step_config(*ctx.cfg, ctx.chain->model, std::move(routes), ctx.environment);
    GatewayCallOptions o{.run_id = ctx.run_id, .ca_file = ctx.ca_file, .deadline = deadline};
    return call_gateway(std::move(cfg), o, route.surface,
                        request_body(route.surface, ctx.chain->model, stream));
  }

  std::unique_ptr<BuiltinProvider> provider(const std::vector<std::string>& faults,
                                            const std::string& log_name) {
    BuiltinProvider::Options o;
    o.faults = faults;
    o.api_key = ctx.builtin_key;
    if (!log_name.empty()) {
      o.log_path = ctx.workdir + "/" + log_name;
      std::remove(o.log_path.c_str());
    }
    auto p = BuiltinProvider::start(o);
    if (!p) {
      judge_not_run(s, p.error());
      return nullptr;
    }
    return std::move(*p);
  }

  void direct(bool stream, bool invalid_credential) {
    s.request_family = request_family(route.surface, stream);
    if (ctx.builtin_mode) {
      s.via_builtin = true;
      s.method = "built-in provider on loopback (offline run)";
    }
    auto r = invalid_credential ? with_credential_file(route, ctx.invalid_key_file) : route;
    if (invalid_credential)
      s.method = (s.method.empty() ? "" : s.method + "; ") +
                 std::string("a deliberately invalid credential replaced the route's own");
    auto ex = call({std::move(r)}, stream, client_deadline(route));
    if (!ex.error.empty()) return judge_not_run(s, ex.error);
    switch (s.kind) {
      case StepKind::kHappyPath:
        judge_happy_path(s, ex.reply);
        break;
      case StepKind::kStreaming:
        judge_streaming(s, ex.reply);
        break;
      case StepKind::kErrorCheck:
        judge_error_check(s, ex.reply, ex.record);
        break;
      case StepKind::kShapeCheck:
        judge_shape_check(s, ex.reply, ex.record);
        break;
      default:
        break;
    }
    finish_record(ex.record);
  }

  void retry_check() {
    s.request_family = request_family(route.surface, false);
    s.via_builtin = true;
    auto p = provider({"unavailable,first=2"}, "retry-" + route.name + ".jsonl");
    if (!p) return finish_record(std::nullopt);
    auto r = at_builtin_provider(route, p->port(), ctx.builtin_key_file);
    RetryExpectation expect;
    expect.expected_attempts = std::clamp(r.retry.max_attempts, 1, 3);
    const std::string shortened =
        shorten_backoff_if_long(r.retry, expect.expected_attempts, route.name);
    expect.retry = r.retry;
    s.backoff_note = shortened;
    s.method =
        "built-in provider placed in the route's path with fault 'unavailable,first=2' "
        "(two 503s, then success)" +
        (shortened.empty() ? std::string("; the route's own retry settings") : "; " + shortened);
    auto ex = call({std::move(r)}, false, client_deadline(route));
    if (!ex.error.empty()) return judge_not_run(s, ex.error);
    judge_retry_check(s, ex.reply, ex.record, p->completion_calls(), expect);
    finish_record(ex.record);
  }

  void fallback_check() {
    s.request_family = request_family(route.surface, false);
    s.via_builtin = true;
    auto failing = provider({"unavailable"}, "fallback-" + route.name + ".jsonl");
    if (!failing) return finish_record(std::nullopt);
    auto r = at_builtin_provider(route, failing->port(), ctx.builtin_key_file);
    const std::string shortened =
        shorten_backoff_if_long(r.retry, r.retry.max_attempts, route.name);
    s.backoff_note = shortened;
    FallbackExpectation expect;
    expect.max_attempts = std::clamp(r.retry.max_attempts, 1, 5);
    const auto& names = ctx.chain->routes;
    std::unique_ptr<BuiltinProvider> stand_in;
    config::RouteConfig target;
    if (names.size() > 1) {
      const auto& name = route_index + 1 < names.size() ? names[route_index + 1] : names[0];
      target = *ctx.cfg->find_route(name);
    } else {
      stand_in = provider({}, "");
      if (!stand_in) return finish_record(std::nullopt);
      target = at_builtin_provider(route, stand_in->port(), ctx.builtin_key_file);
      target.name = "builtin-stand-in";
      expect.target_is_stand_in = true;
    }
    expect.target = target.name;
    s.method =
        "built-in provider with fault 'unavailable' (every request 503) placed in the "
        "route's path; the fallback " +
        target.name +
        (expect.target_is_stand_in ? " is the built-in provider standing in for a missing "
                                     "second route"
         : ctx.builtin_mode        ? " is the built-in fallback provider"
                                   : " is reached through its own upstream") +
        (shortened.empty() ? std::string() : "; " + shortened);
    const auto deadline = std::min(std::chrono::milliseconds(300000),
                                   client_deadline(route) + client_deadline(target));
    auto ex = call({std::move(r), std::move(target)}, false, deadline);
    if (!ex.error.empty()) return judge_not_run(s, ex.error);
    judge_fallback_check(s, ex.reply, ex.record, failing->completion_calls(), expect);
    finish_record(ex.record);
  }

  // The step's record: the gateway's own, with the review's identity on it.
  void finish_record(const std::optional<evidence::EvidenceRecord>& rec) {
    evidence::EvidenceRecord r;
    if (rec) {
      r = *rec;
    } else {
      r.api_surface = std::string(contract::surface_name(route.surface));
      r.upstream_surface = r.api_surface;
      r.status_family = "not_sent";
      r.response_shape_observed = "not_checked";
      r.fallback_decision = "none";
    }
    char id[24];
    std::snprintf(id, sizeof id, "-s%02d", s.number);
    r.run_id = ctx.run_id;
    r.environment = ctx.environment;
    r.operator_initials = ctx.operator_initials;
    r.request_id = ctx.run_id + id;
    r.evidence_link = "evidence.jsonl#" + r.request_id;
    r.follow_up_needed = s.outcome != Outcome::kPass;
    r.chain = ctx.chain->model;
    r.config_fingerprint = ctx.cfg->fingerprint;
    s.route_fingerprint = ctx.cfg->fingerprint_of_route(route.name);
    if (r.status_family.empty()) r.status_family = evidence::status_family(r.status);
    if (r.timestamp == WallTime{}) r.timestamp = SystemClock::instance().wall();
    s.record = std::move(r);
  }
};

}  // namespace

StepResult run_step(const ChecklistContext& ctx, StepKind kind, size_t route_index, int number) {
  const config::RouteConfig* route = ctx.cfg->find_route(ctx.chain->routes.at(route_index));
  StepRun run{ctx, *route, route_index, {}};
  run.s.number = number;
  run.s.kind = kind;
  run.s.route = route->name;
  run.s.surface = route->surface;
  switch (kind) {
    case StepKind::kHappyPath:
      run.direct(false, false);
      break;
    case StepKind::kStreaming:
      run.direct(true, false);
      break;
    case StepKind::kErrorCheck:
      run.direct(false, true);
      break;
    case StepKind::kRetryCheck:
      run.retry_check();
      break;
    case StepKind::kFallbackCheck:
      run.fallback_check();
      break;
    case StepKind::kShapeCheck:
      run.direct(false, false);
      break;
  }
  if (run.s.record.run_id.empty()) run.finish_record(std::nullopt);
  return std::move(run.s);
}

}  // namespace readygate::review
