#include "review/gateway_call.h"

#include <algorithm>
#include <stdexcept>

#include "evidence/memory_sink.h"
#include "gateway/gateway.h"

namespace readygate::review {

GatewayExchange call_gateway(config::Config cfg, const GatewayCallOptions& opts,
                             contract::Surface surface, const std::string& body) {
  GatewayExchange out;
  auto sink = std::make_shared<evidence::MemorySink>();
  std::unique_ptr<gateway::Gateway> gw;
  try {
    gw = std::make_unique<gateway::Gateway>(
        std::move(cfg),
        gateway::GatewayOptions{.threads = 1, .ca_file = opts.ca_file, .run_id = opts.run_id},
        SystemClock::instance(), sink);
  } catch (const std::exception& e) {
    out.error = e.what();
    return out;
  }
  auto ports = gw->listen();
  if (!ports || ports->empty()) {
    out.error = ports ? "gateway bound no port" : ports.error();
    return out;
  }
  gw->start();
  out.reply = post_loopback((*ports)[0], contract::surface_path(surface), body, opts.deadline);
  gw->stop();
  auto records = sink->records();
  if (!records.empty()) out.record = std::move(records.back());
  return out;
}

std::chrono::milliseconds client_deadline(const config::RouteConfig& route) {
  using std::chrono::milliseconds;
  return std::min(milliseconds(300000), route.timeouts.total + milliseconds(5000));
}

}  // namespace readygate::review
