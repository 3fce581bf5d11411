#include "gateway/worker.h"

#include <charconv>
#include <future>

#include <nlohmann/json.hpp>
#include <simdjson.h>

#include "base/http_date.h"
#include "base/json_text.h"
#include "base/sha256.h"
#include "contract/api_error.h"
#include "contract/shape_check.h"
#include "contract/sse_parser.h"
#include "contract/stream_check.h"
#include "contract/stream_error.h"
#include "gateway/sanitize.h"

namespace readygate::gateway {

namespace http = net::http;
using contract::Classification;
using contract::ErrorClass;
using contract::Surface;
using contract::TransportError;
using std::chrono::milliseconds;


Worker::Worker(Gateway& gw, uint64_t seed, net::asio::ssl::context* tls)
    : gw_(gw), rng_(seed), tls_(tls) {}

Worker::~Worker() = default;

std::expected<std::vector<uint16_t>, std::string> Worker::listen(
    const std::vector<uint16_t>& ports) {
  const auto& cfg = gw_.config();
  net::ServerLimits limits;
  limits.max_body_bytes = cfg.limits.max_body_bytes;
  limits.max_header_bytes = cfg.limits.max_header_bytes;
  limits.header_read_timeout = cfg.limits.client_header_timeout;
  limits.body_read_timeout = cfg.limits.client_body_timeout;
  limits.write_timeout = cfg.limits.client_write_timeout;
  limits.idle_timeout = cfg.limits.idle_timeout;
  limits.max_connections = cfg.limits.max_connections;
  limits.max_buffered_body_bytes = cfg.limits.max_buffered_body_bytes;
  limits.buffered_body_bytes = gw_.buffered_body_bytes();  // one budget for every worker
  std::vector<uint16_t> bound;
  for (size_t i = 0; i < cfg.listeners.size(); ++i) {
    auto server = std::make_unique<net::HttpServer>(
        io_, limits, [this](net::Exchange& ex) { return handle(ex); },
        net::Threading::kOneThread);  // io_ is run by this worker's thread only
    server->set_head_check([this](const http::request_header<>& h) { return check_head(h); });
    const uint16_t port = i < ports.size() ? ports[i] : cfg.listeners[i].port;
    auto ep = server->listen(cfg.listeners[i].host, port, /*reuse_port=*/true);
    if (!ep) return std::unexpected(ep.error());
    bound.push_back(ep->port());
    servers_.push_back(std::move(server));
  }
  return bound;
}

net::Task<void> Worker::watch_clients() {
  net::asio::steady_timer timer(io_);
  for (;;) {
    timer.expires_after(kClientCheckInterval);
    net::error_code ec;
    co_await timer.async_wait(net::use_ec(ec));
    if (ec) co_return;
    const SteadyTime now = gw_.clock().now();
    for (RequestState* st : active_) {
      if (st->finished || st->client_gone || !st->ex || now - st->start < kClientCheckInterval)
        continue;
      if (st->ex->client_closed()) {
        st->client_gone = true;
        if (st->upstream) st->upstream->close();  // its pending read ends at once
      }
    }
  }
}

void Worker::run() {
  for (auto& s : servers_) s->start();
  // Requests that run long are checked for a departed client every
  // kClientCheckInterval: nothing is paid per request (no wait armed, no
  // syscall) for the many that end sooner.
  net::asio::co_spawn(io_, watch_clients(), net::asio::detached);
  const auto window = gw_.options().busy_poll;
  if (window.count() <= 0) {
    io_.run();
    return;
  }
  // Poll, and only when nothing arrived for `window`, block for one event.
  // run_one() returns 0 once the loop is out of work or stopped.
  for (;;) {
    if (io_.poll() > 0) continue;
    if (io_.stopped()) return;
    const auto until = std::chrono::steady_clock::now() + window;
    bool ran = false;
    while (!ran && std::chrono::steady_clock::now() < until) ran = io_.poll() > 0;
    if (!ran && io_.run_one() == 0) return;
  }
}

void Worker::stop_accepting() {
  for (auto& s : servers_) s->stop();
}

void Worker::stop() { io_.stop(); }

void Worker::record_cut_requests(std::chrono::milliseconds bound) {
  auto done = std::make_shared<std::promise<void>>();
  auto f = done->get_future();
  net::asio::post(io_, [this, done] {
    for (RequestState* st : active_) {
      // What the client got: a committed stream's 200, cut short; nothing
      // at all otherwise (status 0, its connection closed).
      if (st->rec.status == 200 && st->rec.stream) {
        st->rec.stream_verdict = "cut_by_shutdown";
      } else {
        st->rec.status = 0;
      }
      st->rec.fallback_decision =
          (st->rec.fallback_decision == "none" ? std::string() : st->rec.fallback_decision + ";") +
          "cut_by_shutdown";
      st->rec.follow_up_needed = true;
      finish(*st);
    }
    done->set_value();
  });
  f.wait_for(bound);
}

net::UpstreamPool& Worker::pool_for(const RouteRuntime& rt) {
  auto& p = pools_[rt.cfg.name];
  if (!p)
    p = std::make_unique<net::UpstreamPool>(
        io_, net::UpstreamTarget{rt.cfg.host, rt.cfg.port, rt.cfg.tls},
        rt.cfg.tls ? tls_ : nullptr);
  return *p;
}

net::Task<void> Worker::sleep_for(milliseconds d) {
  if (d.count() <= 0) co_return;
  net::asio::steady_timer t(io_, d);
  net::error_code ec;
  co_await t.async_wait(net::use_ec(ec));
}

std::string_view Worker::upstream_body(const RequestState& st, const RouteRuntime& rt,
                                      std::string* rewritten) const {
  const auto& r = rt.cfg;
  // A route on the other surface gets the translated body (translate_for ran first).
  const std::string& body = r.surface == st.surface ? *st.body : st.translated->value().body;
  if (r.model.empty() || r.model == st.facts.model) return body;
  auto doc = nlohmann::json::parse(body, nullptr, false);
  doc["model"] = r.model;
  *rewritten = doc.dump();
  return *rewritten;
}

namespace {

// The GET endpoints the data port answers (HEAD as well, without a body).
bool is_info_path(std::string_view path) {
  return path == "/healthz" || path == "/readyz" || path == "/metrics" || path == "/v1/models";
}

std::string_view path_of(std::string_view target) { return target.substr(0, target.find('?')); }

// The key of `Authorization: Bearer KEY` (the scheme in any case, RFC 9110
// 11.1); empty when absent or another scheme.
std::string_view bearer_key(std::string_view auth) {
  if (auth.size() < 7 || !iequals(auth.substr(0, 7), "bearer ")) return {};
  auth.remove_prefix(7);
  while (!auth.empty() && auth.front() == ' ') auth.remove_prefix(1);
  while (!auth.empty() && auth.back() == ' ') auth.remove_suffix(1);
  return auth;
}

}  // namespace

std::optional<http::response<http::string_body>> Worker::check_head(
    const http::request_header<>& h) {
  const std::string_view path = path_of(h.target());
  const bool get = h.method() == http::verb::get || h.method() == http::verb::head;
  if (get && is_info_path(path)) return std::nullopt;
  const auto surface = contract::surface_from_path(path);
  if (!surface)
    return net::json_error_response(404, "invalid_request_error",
                                    "Unknown request URL: " + sanitize_text(path, 200) + ".", "",
                                    "unknown_url");
  if (h.method() != http::verb::post) {
    auto res = net::json_error_response(405, "invalid_request_error",
                                        "Use POST for " + std::string(path) + ".");
    res.set(http::field::allow, "POST");
    return res;
  }
  if (gw_.config().client_keys.empty()) return std::nullopt;
  std::string_view auth;
  if (auto it = h.find(http::field::authorization); it != h.end()) auth = it->value();
  const std::string_view key = bearer_key(auth);
  if (!key.empty() && config::match_client_key(gw_.config(), key)) return std::nullopt;
  // Refused before the body is read: the record stands for the request
  // by its declared size only.
  auto rec = gw_.new_record(*surface, {});
  rec.request_hash.clear();
  if (auto it = h.find(http::field::content_length); it != h.end()) {
    uint64_t n = 0;
    const auto v = it->value();
    if (std::from_chars(v.data(), v.data() + v.size(), n).ec == std::errc{}) rec.request_bytes = n;
  }
  rec.status = 401;
  auto res = net::json_error_response(
      401, "invalid_request_error",
      key.empty() ? "Missing client key: send 'Authorization: Bearer KEY'."
                  : "Incorrect client key provided.",
      "", "invalid_api_key");
  res.set("x-should-retry", "false");
  res.set("x-readygate-attempts", "0");
  res.set("x-readygate-request-id", rec.request_id);
  gw_.complete(std::move(rec), *surface, {});
  return res;
}

net::Task<void> Worker::handle(net::Exchange& ex) {
  // check_head() has refused unknown paths, wrong methods and missing or
  // wrong client keys before the body was read.
  const auto& req = ex.request();
  const std::string_view path = path_of(req.target());
  auto plain = [](unsigned status, std::string content_type, std::string body) {
    http::response<http::string_body> res{static_cast<http::status>(status), 11};
    res.set(http::field::content_type, content_type);
    res.body() = std::move(body);
    return res;
  };
  if (req.method() == http::verb::get || req.method() == http::verb::head) {
    if (path == "/healthz") {
      co_await ex.send(plain(200, "application/json", "{\"status\":\"ok\"}"));
      co_return;
    }
    if (path == "/readyz") {
      const bool ready = !gw_.draining();
      co_await ex.send(plain(ready ? 200 : 503, "application/json",
                             ready ? "{\"status\":\"ready\"}" : "{\"status\":\"draining\"}"));
      co_return;
    }
    if (path == "/metrics") {
      co_await ex.send(plain(200, "text/plain; version=0.0.4", gw_.render_metrics()));
      co_return;
    }
    if (path == "/v1/models") {
      std::string body = "{\"object\":\"list\",\"data\":[";
      bool first = true;
      for (const auto& c : gw_.config().chains) {
        if (!first) body += ',';
        first = false;
        body += "{\"id\":" + json_quote(c.model) +
                ",\"object\":\"model\",\"created\":0,\"owned_by\":\"readygate\"}";
      }
      body += "]}";
      co_await ex.send(plain(200, "application/json", std::move(body)));
      co_return;
    }
  }
  const auto surface = contract::surface_from_path(path);
  if (!surface || req.method() != http::verb::post) {  // check_head() refused these; defensive
    co_await ex.send(net::json_error_response(404, "invalid_request_error", "Unknown request URL.",
                                              "", "unknown_url"));
    co_return;
  }
  ++gw_.in_flight();
  co_await handle_completion(ex, *surface);
  --gw_.in_flight();
}

net::Task<void> Worker::send_error(net::Exchange& ex, RequestState& st, int status,
                                   std::string_view type, std::string_view message,
                                   std::string_view code, std::string_view param) {
  auto res = net::json_error_response(static_cast<unsigned>(status), type, message, param, code);
  res.set("x-should-retry", "false");
  res.set("x-readygate-attempts", std::to_string(st.total_attempts));
  if (!st.route_used.empty()) res.set("x-readygate-route", st.route_used);
  res.set("x-readygate-request-id", st.rec.request_id);
  st.rec.status = status;
  co_await ex.send(std::move(res));
}

net::Task<void> Worker::handle_completion(net::Exchange& ex, Surface surface) {
  RequestState st;
  active_.insert(&st);
  struct Active {
    std::set<RequestState*>& set;
    RequestState* st;
    ~Active() { set.erase(st); }
  } active{active_, &st};
  st.surface = surface;
  st.start = gw_.clock().now();
  st.body = &ex.request().body();
  st.rec = gw_.new_record(surface, *st.body);

  auto facts = contract::check_request(surface, *st.body);
  if (!facts) {
    co_await send_error(ex, st, facts.error().status, facts.error().type, facts.error().message,
                        facts.error().code, facts.error().param);
    finish(st);
    co_return;
  }
  st.facts = std::move(*facts);
  st.rec.stream = st.facts.stream;
  st.rec.chain = st.facts.model;
  st.chain = gw_.config().find_chain(st.facts.model);
  if (!st.chain) {
    // Named, not a temporary in the co_await expression (g++ 12 mishandles those).
    const std::string message =
        "The model '" + sanitize_text(st.facts.model) + "' is not configured on this gateway.";
    co_await send_error(ex, st, 404, "invalid_request_error", message, "model_not_found", "model");
    finish(st);
    co_return;
  }

  // Bounded concurrent streams: past the limit, a transient 503 the client may retry later.
  struct StreamSlot {
    std::atomic<int64_t>* n = nullptr;
    ~StreamSlot() {
      if (n) --*n;
    }
  } slot;
  if (st.facts.stream) {
    if (gw_.active_streams().fetch_add(1) >= static_cast<int64_t>(gw_.config().limits.max_streams)) {
      --gw_.active_streams();
      auto res = net::json_error_response(503, "server_error",
                                          "Too many concurrent streams on this gateway.", "",
                                          "too_many_streams");
      res.set(http::field::retry_after, "1");
      st.rec.status = 503;
      co_await ex.send(std::move(res));
      finish(st);
      co_return;
    }
    slot.n = &gw_.active_streams();
  }

  // A client that leaves while the gateway waits upstream frees the upstream
  // connection (and the rest of the chain is not tried): watch_clients().
  st.ex = &ex;
  std::vector<std::string> skipped;
  for (const auto& name : st.chain->routes) {
    RouteRuntime* rt = gw_.routes().find(name);
    if (!rt) continue;  // validated at load; defensive
    // A route on the other surface serves translated, unless a field of this request cannot be carried.
    if (rt->cfg.surface != surface) {
      if (auto field = translate_for(st, rt->cfg.surface)) {
        skipped.push_back("skipped:" + name + ":untranslatable:" + *field);
        gw_.count_skip(name, "untranslatable");
        continue;
      }
    }
    // No unreviewed fallback (review_gate.h); before the breaker, so a refusal takes no probe.
    if (const auto admission = gw_.review_gate().admit(
            *st.chain, static_cast<size_t>(&name - st.chain->routes.data()));
        admission != FallbackAdmission::kReviewed) {
      gw_.count_unreviewed(name, admission);
      if (admission == FallbackAdmission::kRefused ||
          admission == FallbackAdmission::kLimitedRefused) {
        const char* why =
            admission == FallbackAdmission::kRefused ? "unreviewed" : "unreviewed_limit";
        skipped.push_back("skipped:" + name + ":" + why);
        gw_.count_skip(name, why);
        continue;
      }
      skipped.push_back("review_required:" + name);
      st.rec.follow_up_needed = true;
    }
    if (!rt->allow(gw_.clock().now())) {
      skipped.push_back("skipped:" + name + ":breaker_open");
      gw_.count_skip(name, "breaker_open");
      continue;
    }
    st.rec.routes_tried.push_back(name);
    const RouteResult r = co_await try_route(ex, st, *rt);
    if (r == RouteResult::kClientGone) {
      std::string d;
      for (const auto& s : skipped) d += s + ";";
      st.rec.fallback_decision = d + "client_gone";
      st.rec.status = 499;  // nginx's "client closed request": nobody got an answer
      finish(st);
      co_return;
    }
    if (r == RouteResult::kServed || r == RouteResult::kReturnError) {
      const bool translated = rt->cfg.surface != surface;
      st.rec.upstream_surface = std::string(contract::surface_name(rt->cfg.surface));
      if (st.rec.routes_tried.size() > 1 || !skipped.empty() || translated) {
        std::string d;
        for (const auto& s : skipped) d += s + ";";
        d += "fallback:" + name;
        if (translated) d += ";translated";
        st.rec.fallback_decision = d;
      }
      finish(st);
      co_return;
    }
    gw_.count_fallback(name, st.rec.attempts.empty() ? "" : st.rec.attempts.back().reason);
  }
  // Nothing served: the last upstream error, sanitized, or 503 when no route ran.
  std::string d;
  for (const auto& s : skipped) d += s + ";";
  d += st.rec.routes_tried.empty() ? "no_route_available" : "exhausted";
  st.rec.fallback_decision = d;
  if (st.last_status == 0) {
    // Named locals: a std::string temporary from `?:` inside the co_await
    // expression was destroyed twice by g++ 12 (ASan: double free whenever an
    // open breaker left no route).
    const bool none_ran = st.rec.routes_tried.empty();
    const std::string message =
        none_ran ? std::string("No route is available for this model right now (circuit open).")
                 : st.last_message;
    const std::string code = none_ran ? std::string("no_route_available") : st.last_code;
    co_await send_error(ex, st, 503, "server_error", message, code);
  } else {
    co_await send_error(ex, st, st.last_status, st.last_type, st.last_message, st.last_code);
  }
  finish(st);
}

}  // namespace readygate::gateway

namespace readygate::gateway {

std::optional<std::string> Worker::translate_for(RequestState& st, Surface route_surface) {
  if (!st.translated) st.translated = translate::translate_request(st.surface, route_surface, *st.body);
  if (*st.translated) return std::nullopt;
  return st.translated->error().field;
}

// Token counts are read in the serving route's surface (prompt/completion or input/output).
void Worker::record_usage(RequestState& st, const contract::ShapeReport& counted) {
  st.rec.prompt_tokens = counted.input_tokens;
  st.rec.completion_tokens = counted.output_tokens;
  st.rec.total_tokens = counted.total_tokens;
}

void Worker::finish(RequestState& st) {
  if (st.finished) return;
  st.finished = true;
  st.rec.total_ms = std::chrono::duration_cast<milliseconds>(gw_.clock().now() - st.start).count();
  gw_.complete(std::move(st.rec), st.surface, st.route_used);
}

}  // namespace readygate::gateway
