#include <cstdio>

#include "evidence/store_factory.h"
#include "gateway/gateway.h"
#include "gateway/log.h"

namespace readygate::gateway {

int run_serve(const ServeOptions& opts) {
  auto cfg = config::load_config_file(opts.config_path);
  if (!cfg) {
    std::fprintf(stderr, "readygate serve: %s: %zu error(s)\n", opts.config_path.c_str(),
                 cfg.error().size());
    for (const auto& e : cfg.error()) std::fprintf(stderr, "  %s\n", e.c_str());
    return 2;
  }
  if (opts.check_only) {
    std::printf("%s: ok (%zu listener(s), %zu route(s), %zu chain(s), fingerprint %.12s)\n",
                opts.config_path.c_str(), cfg->listeners.size(), cfg->routes.size(),
                cfg->chains.size(), cfg->fingerprint.c_str());
    std::fputs(config::summarize(*cfg).c_str(), stdout);
    return 0;
  }
  auto sink = evidence::open_sink(cfg->evidence.path, cfg->evidence.queue_capacity);
  if (!sink) {
    std::fprintf(stderr, "readygate serve: evidence: %s\n", sink.error().c_str());
    return 2;
  }
  std::shared_ptr<evidence::EvidenceSink> shared(std::move(*sink));
  try {
    Gateway gw(std::move(*cfg), opts.gateway, SystemClock::instance(), shared);
    gw.refresh_review_states();
    for (const auto& st : gw.review_gate().states())
      log_event(LogLevel::kInfo, "route_review_state",
                {{"route", st.route},
                 {"state", std::string(evidence::review_status_name(st.status))},
                 {"review_run_id", st.run_id}});
    auto ports = gw.listen();
    if (!ports) {
      std::fprintf(stderr, "readygate serve: %s\n", ports.error().c_str());
      return 2;
    }
    for (size_t i = 0; i < ports->size(); ++i)
      std::fprintf(stderr, "readygate serve: listening on http://%s:%u (%d worker thread(s))\n",
                   gw.config().listeners[i].host.c_str(), (*ports)[i], std::max(1, opts.gateway.threads));
    for (const auto& w : gw.config().warnings)
      log_event(LogLevel::kWarn, "config_warning", {{"message", w}});
    log_event(LogLevel::kInfo, "started",
              {{"run_id", gw.run_id()}, {"config_fingerprint", gw.config().fingerprint}});
    gw.start();
    gw.run_until_signal();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "readygate serve: %s\n", e.what());
    return 2;
  }
  return 0;
}

}  // namespace readygate::gateway
