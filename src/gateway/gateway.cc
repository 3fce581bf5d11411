#include "gateway/gateway.h"

#include <algorithm>
#include <functional>
#include <cstdio>
#include <stdexcept>

#include "base/http_date.h"
#include "base/random.h"
#include "base/sha256.h"
#include "fleet/fleet_sync.h"
#include "gateway/log.h"
#include "gateway/route_runtime.h"
#include "gateway/worker.h"
#include "sanitize/sanitize.h"

namespace readygate::gateway {

struct net_tls_context_holder {
  std::unique_ptr<net::asio::ssl::context> ctx;
};

namespace {

std::string make_run_id(WallTime t, uint64_t r) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "serve-%lld-%06llx",
                static_cast<long long>(
                    std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count()),
                static_cast<unsigned long long>(r & 0xffffff));
  return buf;
}

// Status families as counted in metrics: 1xx..5xx, then "transport" (0)
// and "unknown", the values of evidence::status_family().
constexpr size_t kFamilies = 7;
size_t family_index(int status) {
  if (status == 0) return 5;
  if (status < 100 || status > 599) return 6;
  return static_cast<size_t>(status / 100 - 1);
}

// The cached series in `slot`, looked up with `make` the first time. Two
// threads racing here get the same reference from the Registry.
template <typename T, typename Make>
T& cached(std::atomic<T*>& slot, Make&& make) {
  T* p = slot.load(std::memory_order_acquire);
  if (p == nullptr) {
    p = &make();
    slot.store(p, std::memory_order_release);
  }
  return *p;
}

}  // namespace

struct Gateway::RouteSeries {
  std::array<std::array<std::atomic<metrics::Counter*>, kFamilies>, 2> requests{};  // by Surface
  std::array<std::atomic<metrics::Counter*>, kFamilies> attempts{};
  std::atomic<metrics::Histogram*> first_byte{nullptr};
  std::array<std::atomic<metrics::Counter*>, 2> connections{};  // [reused]
};

Gateway::RouteSeries* Gateway::route_series(std::string_view route) {
  auto it = route_series_.find(route);
  return it == route_series_.end() ? nullptr : it->second.get();
}

Gateway::Gateway(config::Config cfg, GatewayOptions opts, const Clock& clock,
                 std::shared_ptr<evidence::EvidenceSink> sink)
    : cfg_(std::move(cfg)), opts_(std::move(opts)), clock_(clock), sink_(std::move(sink)) {
  auto table = RouteTable::build(cfg_);
  if (!table) throw std::runtime_error(table.error());
  routes_ = std::move(*table);
  // Configured credentials leave no log line, error message or record.
  for (const auto& [name, rt] : routes_->routes()) sanitize::register_secret(rt->credential);
  auto fleet = make_fleet_sync(cfg_, *routes_, clock_);
  if (!fleet) throw std::runtime_error(fleet.error());
  fleet_ = std::move(*fleet);
  review_gate_ = std::make_unique<ReviewGate>(cfg_);
  const uint64_t seed = opts_.seed ? opts_.seed : os_entropy_seed();
  run_id_ = opts_.run_id.empty() ? make_run_id(clock_.wall(), seed) : opts_.run_id;
  hash_salt_ = std::to_string(os_entropy_seed());
  tls_ = std::make_unique<net_tls_context_holder>();
  // Loading the system CA store costs ~100 ms: only when a route needs TLS.
  const bool any_tls = std::any_of(cfg_.routes.begin(), cfg_.routes.end(),
                                   [](const config::RouteConfig& r) { return r.tls; });
  if (any_tls || !opts_.ca_file.empty()) tls_->ctx = net::make_client_tls_context(opts_.ca_file);
  const int n = std::max(1, opts_.threads);
  for (int i = 0; i < n; ++i)
    workers_.push_back(std::make_unique<Worker>(*this, seed + 0x9e3779b97f4a7c15ULL * (i + 1),
                                                tls_->ctx.get()));
  route_series_.emplace("none", std::make_unique<RouteSeries>());
  for (const auto& r : cfg_.routes) route_series_.emplace(r.name, std::make_unique<RouteSeries>());
  for (const auto& r : cfg_.routes)
    metrics_.gauge("readygate_breaker_state",
                   "Circuit breaker state per route (0 closed, 1 open, 2 half-open)",
                   {{"route", r.name}});
}

Gateway::~Gateway() { stop(); }

std::expected<std::vector<uint16_t>, std::string> Gateway::listen() {
  std::vector<uint16_t> ports;
  for (auto& w : workers_) {
    auto bound = w->listen(ports);
    if (!bound) return std::unexpected(bound.error());
    if (ports.empty()) ports = *bound;
  }
  return ports;
}

void Gateway::start() {
  started_ = true;
  if (fleet_) fleet_->start();
  for (auto& w : workers_) threads_.emplace_back([&w] { w->run(); });
}

void Gateway::stop() {
  if (!started_) return;
  started_ = false;
  draining_ = true;
  for (auto& w : workers_) w->stop_accepting();
  const SteadyTime until = SystemClock::instance().now() + cfg_.limits.shutdown_grace;
  while (in_flight_.load() > 0 && SystemClock::instance().now() < until)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  // Requests the grace did not cover still leave a record.
  if (in_flight_.load() > 0)
    for (auto& w : workers_) w->record_cut_requests(std::chrono::seconds(1));
  for (auto& w : workers_) w->stop();
  for (auto& t : threads_) t.join();
  threads_.clear();
  if (fleet_) fleet_->stop();
  sink_->flush();
}

void Gateway::run_until_signal() {
  net::asio::io_context sig_io;
  net::asio::signal_set signals(sig_io, SIGINT, SIGTERM, SIGHUP);
  net::asio::steady_timer refresh(sig_io);
  std::function<void()> arm_refresh = [&] {
    refresh.expires_after(kReviewRefresh);
    refresh.async_wait([&](const net::error_code& ec) {
      if (ec) return;
      refresh_review_states();
      arm_refresh();
    });
  };
  std::function<void(const net::error_code&, int)> on_signal = [&](const net::error_code& ec,
                                                                    int sig) {
    if (!ec && sig == SIGHUP) {
      log_event(LogLevel::kInfo, "review_state_reload", {{"reason", "SIGHUP"}});
      refresh_review_states();
      signals.async_wait(on_signal);
      return;
    }
    refresh.cancel();
  };
  signals.async_wait(on_signal);
  arm_refresh();
  sig_io.run();
  const std::string grace = std::to_string(cfg_.limits.shutdown_grace.count());
  log_event(LogLevel::kInfo, "draining", {{"grace_ms", grace}});
  stop();
  log_event(LogLevel::kInfo, "stopped", {{"run_id", run_id_}});
}

evidence::EvidenceRecord Gateway::new_record(contract::Surface surface, std::string_view body) {
  evidence::EvidenceRecord r;
  r.run_id = run_id_;
  r.environment = cfg_.evidence.environment;
  r.api_surface = std::string(contract::surface_name(surface));
  r.upstream_surface = r.api_surface;
  r.timestamp = clock_.wall();
  r.request_id = run_id_ + "-" + std::to_string(++next_request_);
  r.evidence_link = cfg_.evidence.path + "#" + r.request_id;
  const auto digest = sanitize::digest_body(hash_salt_, body);  // never the body itself
  r.request_bytes = digest.bytes;
  r.request_hash = digest.salted_sha256;
  r.config_fingerprint = cfg_.fingerprint;
  r.response_shape_observed = "not_checked";
  r.fallback_decision = "none";
  return r;
}

void Gateway::complete(evidence::EvidenceRecord rec, contract::Surface surface,
                       const std::string& route_used) {
  evidence::bound_fields(rec);
  rec.status_family = evidence::status_family(rec.status);
  if (rec.status >= 500 || rec.status == 0 || rec.follow_up_needed || rec.fallback_decision != "none") {
    const std::string status = std::to_string(rec.status);
    const std::string attempts = std::to_string(rec.attempts.size());
    log_event(rec.status >= 500 || rec.status == 0 ? LogLevel::kError : LogLevel::kWarn,
              "request_degraded",
              {{"request_id", rec.request_id},
               {"chain", rec.chain},
               {"route", route_used},
               {"status", status},
               {"attempts", attempts},
               {"fallback", rec.fallback_decision},
               {"shape", rec.response_shape_observed},
               {"stream", rec.stream_verdict}});
  }
  const std::string_view route = route_used.empty() ? std::string_view("none") : route_used;
  auto requests = [&]() -> metrics::Counter& {
    return metrics_.counter("readygate_requests_total",
                            "Client requests by route, surface and status family",
                            {{"route", std::string(route)},
                             {"surface", std::string(contract::surface_name(surface))},
                             {"status_family", rec.status_family}});
  };
  const auto si = static_cast<size_t>(surface);
  RouteSeries* rs = route_series(route);
  (rs != nullptr && si < 2 ? cached(rs->requests[si][family_index(rec.status)], requests)
                           : requests())
      .inc();
  auto duration = [&]() -> metrics::Histogram& {
    return metrics_.histogram("readygate_request_duration_seconds", "Client request duration",
                              metrics::latency_buckets_seconds(),
                              {{"surface", std::string(contract::surface_name(surface))}});
  };
  (si < 2 ? cached(duration_series_[si], duration) : duration())
      .observe(static_cast<double>(rec.total_ms) / 1000.0);
  sink_->submit(std::move(rec));
}

void Gateway::count_skip(const std::string& route, std::string_view reason) {
  metrics_
      .counter("readygate_route_skips_total", "Routes skipped without an attempt",
               {{"route", route}, {"reason", std::string(reason)}})
      .inc();
}

void Gateway::count_fallback(const std::string& from_route, std::string_view reason) {
  std::string r(reason.substr(0, reason.find(' ')));
  metrics_
      .counter("readygate_fallbacks_total", "Fallbacks away from a route",
               {{"route", from_route}, {"reason", r.empty() ? "unknown" : r}})
      .inc();
}

void Gateway::count_retry(const std::string& route) {
  metrics_.counter("readygate_retries_total", "Upstream retries", {{"route", route}}).inc();
}

void Gateway::refresh_review_states() {
  auto states = load_review_states(cfg_, cfg_.evidence.path);
  if (!states) {
    if (states.error() != review_error_)
      log_event(LogLevel::kWarn, "review_state_unavailable",
                {{"message", states.error()},
                 {"effect",
                  "fallback routes count as unreviewed (chains[].fallback.unreviewed)"}});
    review_error_ = states.error();
    return;
  }
  review_error_.clear();
  review_gate_->set_states(*states);
}

void Gateway::count_unreviewed(const std::string& route, FallbackAdmission admission) {
  metrics_
      .counter("readygate_unreviewed_fallback_total",
               "Fallback routes reached without a passing review, by decision",
               {{"route", route}, {"decision", std::string(admission_name(admission))}})
      .inc();
}

void Gateway::count_budget_rejection(const std::string& route) {
  metrics_
      .counter("readygate_budget_rejections_total", "Retries refused by the retry budget",
               {{"route", route}})
      .inc();
}

void Gateway::count_upstream_connection(const std::string& route, bool reused) {
  auto counter = [&]() -> metrics::Counter& {
    return reused ? metrics_.counter("readygate_upstream_connection_reuses_total",
                                     "Attempts sent on a kept-alive upstream connection",
                                     {{"route", route}})
                  : metrics_.counter("readygate_upstream_connections_opened_total",
                                     "Upstream connections opened (TCP, and TLS for https routes)",
                                     {{"route", route}});
  };
  RouteSeries* rs = route_series(route);
  (rs != nullptr ? cached(rs->connections[reused ? 1 : 0], counter) : counter()).inc();
}

void Gateway::observe_attempt(const std::string& route, int status, int64_t first_byte_ms) {
  auto attempts = [&]() -> metrics::Counter& {
    return metrics_.counter("readygate_upstream_attempts_total",
                            "Upstream attempts by route and status family",
                            {{"route", route}, {"status_family", evidence::status_family(status)}});
  };
  RouteSeries* rs = route_series(route);
  (rs != nullptr ? cached(rs->attempts[family_index(status)], attempts) : attempts()).inc();
  if (first_byte_ms < 0) return;
  auto first_byte = [&]() -> metrics::Histogram& {
    return metrics_.histogram("readygate_upstream_first_byte_seconds",
                              "Upstream time to response head", metrics::latency_buckets_seconds(),
                              {{"route", route}});
  };
  (rs != nullptr ? cached(rs->first_byte, first_byte) : first_byte())
      .observe(static_cast<double>(first_byte_ms) / 1000.0);
}

std::string Gateway::render_metrics() {
  const SteadyTime now = clock_.now();
  for (const auto& [name, rt] : routes_->routes()) {
    const auto s = rt->state(now);
    metrics_
        .gauge("readygate_breaker_state",
               "Circuit breaker state per route (0 closed, 1 open, 2 half-open)",
               {{"route", name}})
        .set(s == policy::BreakerState::kClosed ? 0 : s == policy::BreakerState::kOpen ? 1 : 2);
  }
  for (const auto& st : review_gate_->states())
    for (auto status : {evidence::ReviewStatus::kPassing, evidence::ReviewStatus::kFailed,
                        evidence::ReviewStatus::kFingerprintChanged,
                        evidence::ReviewStatus::kMissing})
      metrics_
          .gauge("readygate_route_review_state",
                 "Review state per route for its current config fingerprint (1: the current "
                 "state)",
                 {{"route", st.route}, {"state", std::string(evidence::review_status_name(status))}})
          .set(st.status == status ? 1 : 0);
  if (fleet_) {
    metrics_.gauge("readygate_fleet_sync_up", "1 while the last fleet state sync with Redis succeeded")
        .set(fleet_->healthy() ? 1 : 0);
    metrics_.gauge("readygate_fleet_sync_failures", "Fleet state syncs with Redis that failed")
        .set(static_cast<double>(fleet_->failures()));
  }
  metrics_.gauge("readygate_in_flight_requests", "Client requests in flight")
      .set(static_cast<double>(in_flight_.load()));
  metrics_.gauge("readygate_evidence_dropped", "Evidence records dropped (queue full)")
      .set(static_cast<double>(sink_->dropped()));
  return metrics_.render();
}

}  // namespace readygate::gateway
