// Gateway: `readygate serve`. Owns the config, the route table (breakers,
// budgets), metrics and the evidence sink, and runs one worker per thread.
// Each worker has its own io_context, listeners (SO_REUSEPORT) and upstream
// connection pools; shared policy state is locked per route/upstream.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "base/clock.h"
#include "contract/surface.h"
#include "config/config.h"
#include "evidence/evidence_record.h"
#include "evidence/evidence_sink.h"
#include "gateway/review_gate.h"
#include "metrics/registry.h"

namespace readygate::fleet {
class FleetSync;
}

namespace readygate::gateway {

struct GatewayOptions {
  int threads = 1;
  // After the event loop runs dry, keep polling it (non-blocking) this long
  // before sleeping in epoll_wait. Trades CPU for latency: a sleeping vCPU
  // takes tens of microseconds to wake, which dominates at low concurrency.
  // 0 (default): sleep at once, like nginx and Envoy.
  std::chrono::microseconds busy_poll{0};
  std::string ca_file;     // extra CA bundle for HTTPS upstreams (tests, private CAs)
  uint64_t seed = 0;       // 0: from the OS
  std::string run_id;      // empty: generated
};

class Worker;
class RouteTable;
struct net_tls_context_holder;

class Gateway {
 public:
  // Throws std::runtime_error with a clear message on startup problems
  // (credentials, CA file).
  Gateway(config::Config cfg, GatewayOptions opts, const Clock& clock,
          std::shared_ptr<evidence::EvidenceSink> sink);
  ~Gateway();

  // Binds every listener on every worker. Returns the bound ports (useful
  // with port 0: then all workers share the first worker's port).
  std::expected<std::vector<uint16_t>, std::string> listen();
  // Starts the worker threads; returns at once.
  void start();
  // Graceful stop: stop accepting, report not-ready, let in-flight requests
  // finish within limits.shutdown_grace, then stop the workers and join.
  void stop();
  // Blocks until SIGINT/SIGTERM, then stop(). Meanwhile re-reads the review
  // states on SIGHUP and every kReviewRefresh.
  void run_until_signal();
  static constexpr std::chrono::seconds kReviewRefresh{60};

  // The no-unreviewed-fallback gate, and its refresh from the evidence store
  // (evidence.path). A store that cannot be read leaves the states as they
  // were (every route unreviewed at startup) and logs a warning.
  ReviewGate& review_gate() { return *review_gate_; }
  void refresh_review_states();

  const config::Config& config() const { return cfg_; }
  const GatewayOptions& options() const { return opts_; }
  metrics::Registry& metrics() { return metrics_; }
  const Clock& clock() const { return clock_; }
  RouteTable& routes() { return *routes_; }
  evidence::EvidenceSink& sink() { return *sink_; }
  const std::string& run_id() const { return run_id_; }
  std::atomic<int64_t>& in_flight() { return in_flight_; }
  std::atomic<int64_t>& active_streams() { return active_streams_; }
  // Bytes of request bodies held by every worker's listeners together
  // (limits.max_buffered_body_bytes).
  const std::shared_ptr<std::atomic<size_t>>& buffered_body_bytes() const {
    return buffered_body_bytes_;
  }
  bool draining() const { return draining_.load(); }

  // Data-path hooks (thread-safe).
  evidence::EvidenceRecord new_record(contract::Surface surface, std::string_view body);
  void complete(evidence::EvidenceRecord rec, contract::Surface surface,
                const std::string& route_used);
  void count_skip(const std::string& route, std::string_view reason);
  void count_fallback(const std::string& from_route, std::string_view reason);
  void count_retry(const std::string& route);
  // One upstream connection taken for an attempt: newly opened or reused
  // from the keep-alive pool.
  void count_upstream_connection(const std::string& route, bool reused);
  void count_budget_rejection(const std::string& route);
  void count_unreviewed(const std::string& route, FallbackAdmission admission);
  void observe_attempt(const std::string& route, int status, int64_t first_byte_ms);
  std::string render_metrics();

 private:
  config::Config cfg_;
  GatewayOptions opts_;
  const Clock& clock_;
  std::shared_ptr<evidence::EvidenceSink> sink_;
  metrics::Registry metrics_;
  std::unique_ptr<RouteTable> routes_;
  std::unique_ptr<ReviewGate> review_gate_;
  std::unique_ptr<fleet::FleetSync> fleet_;  // null: in-process state only
  std::string review_error_;  // the last refresh's error, logged once per change
  std::string run_id_;
  std::string hash_salt_;
  std::atomic<uint64_t> next_request_{0};
  std::unique_ptr<net_tls_context_holder> tls_;
  // Per-request metric series, looked up in the Registry on first use and
  // then updated through the cached reference (no label building, no lock).
  // The map is filled at construction (every route, plus "none") and never
  // changes; the slots are filled lazily, so series appear when first used.
  struct RouteSeries;
  std::map<std::string, std::unique_ptr<RouteSeries>, std::less<>> route_series_;
  std::array<std::atomic<metrics::Histogram*>, 2> duration_series_{};  // by Surface
  RouteSeries* route_series(std::string_view route);
  std::vector<std::unique_ptr<Worker>> workers_;
  std::vector<std::thread> threads_;
  std::atomic<int64_t> in_flight_{0};
  std::atomic<int64_t> active_streams_{0};
  std::shared_ptr<std::atomic<size_t>> buffered_body_bytes_ =
      std::make_shared<std::atomic<size_t>>(0);
  std::atomic<bool> draining_{false};
  bool started_ = false;
};

// `readygate serve --config FILE [--check]`: the process entry point.
struct ServeOptions {
  std::string config_path;
  bool check_only = false;
  GatewayOptions gateway;
};
int run_serve(const ServeOptions& opts);

}  // namespace readygate::gateway
