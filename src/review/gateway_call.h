// One client request through a fresh in-process Gateway: build it from a
// step's config, listen on loopback port 0, send the request, stop it (which
// flushes its evidence) and hand back the reply with the gateway's own
// evidence record for that request. A fresh gateway per step keeps breaker
// and budget state from leaking between steps.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "config/config.h"
#include "contract/surface.h"
#include "evidence/evidence_record.h"
#include "review/http_call.h"

namespace readygate::review {

struct GatewayCallOptions {
  std::string run_id;
  std::string ca_file;  // extra CA bundle for HTTPS upstreams
  std::chrono::milliseconds deadline{300000};
};

struct GatewayExchange {
  std::string error;  // the gateway could not start; unsanitized (may name a variable)
  HttpReply reply;
  std::optional<evidence::EvidenceRecord> record;
};

GatewayExchange call_gateway(config::Config cfg, const GatewayCallOptions& opts,
                             contract::Surface surface, const std::string& body);

// A safe client deadline for a request on `route`: its overall deadline plus
// a little, at most five minutes.
std::chrono::milliseconds client_deadline(const config::RouteConfig& route);

}  // namespace readygate::review
