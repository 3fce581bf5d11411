// Worker: one thread's share of the gateway. Serves client connections and
// runs the data path (chain -> route -> attempt loop) for each request.
#pragma once

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "base/random.h"
#include "contract/error_class.h"
#include "contract/request_check.h"
#include "contract/shape_check.h"
#include "evidence/evidence_record.h"
#include "evidence/evidence_sink.h"
#include "gateway/gateway.h"
#include "gateway/route_runtime.h"
#include "net/http_server.h"
#include "net/upstream.h"
#include "translate/translate.h"

namespace readygate::gateway {

class Worker {
 public:
  Worker(Gateway& gw, uint64_t seed, net::asio::ssl::context* tls);
  ~Worker();

  std::expected<std::vector<uint16_t>, std::string> listen(const std::vector<uint16_t>& ports);
  void run();          // runs the io_context until stopped
  void stop_accepting();
  // After the shutdown grace: every request still in flight on this worker
  // gets its evidence record now (status as far as the client got,
  // shutdown named), since the worker stops before it could finish. Runs on
  // the worker's thread; waits at most `bound` for it.
  void record_cut_requests(std::chrono::milliseconds bound);
  void stop();

 private:
  struct RequestState;
  struct Attempt;
  enum class RouteResult { kServed, kFallback, kReturnError, kClientGone };
  static constexpr size_t kMaxErrorBytes = 1 << 20;

  // Run on each request head before its body is read (net::HeadCheck):
  // unknown paths 404, wrong methods 405, a missing or wrong client key 401
  // (recorded). nullopt: read the body and handle().
  std::optional<net::http::response<net::http::string_body>> check_head(
      const net::http::request_header<>& h);
  net::Task<void> handle(net::Exchange& ex);
  net::Task<void> handle_completion(net::Exchange& ex, contract::Surface surface);
  net::Task<RouteResult> try_route(net::Exchange& ex, RequestState& st, RouteRuntime& rt);
  net::Task<Attempt> attempt_once(net::Exchange& ex, RequestState& st, RouteRuntime& rt,
                                  SteadyTime deadline);
  // Relays an upstream event stream. Before its first event (due by
  // attempt_start + first_byte) nothing is committed; `deadline` (the
  // request's total) bounds the whole.
  net::Task<Attempt> relay_stream(net::Exchange& ex, RequestState& st, RouteRuntime& rt,
                                  net::UpstreamConnection& conn, const net::UpstreamHead& head,
                                  Attempt a, SteadyTime attempt_start, SteadyTime deadline);
  // Usage counters of the upstream's answer or stream (prompt/input,
  // completion/output, total) into the evidence record.
  void record_usage(RequestState& st, const contract::ShapeReport& counted);
  // Cross-surface routes: translates the request once for `route_surface`;
  // the ineligible field's name when it cannot be carried.
  std::optional<std::string> translate_for(RequestState& st, contract::Surface route_surface);
  net::Task<void> send_error(net::Exchange& ex, RequestState& st, int status,
                             std::string_view type, std::string_view message,
                             std::string_view code, std::string_view param = {});
  net::Task<void> sleep_for(std::chrono::milliseconds d);
  // Every kClientCheckInterval: each request running longer than that whose
  // client has closed its connection is marked client_gone and its upstream
  // connection closed (the attempt then ends, nothing more is tried).
  net::Task<void> watch_clients();
  static constexpr std::chrono::milliseconds kClientCheckInterval{500};
  net::UpstreamPool& pool_for(const RouteRuntime& rt);
  // The body sent upstream: the client's, the translated one, or (when the
  // route rewrites the model) a copy in `rewritten`. The head is
  // rt.request_head.
  std::string_view upstream_body(const RequestState& st, const RouteRuntime& rt,
                                 std::string* rewritten) const;
  void finish(RequestState& st);

  Gateway& gw_;
  // Requests in flight (this worker's thread only). Declared before io_:
  // destroying io_ destroys their coroutine frames, which leave this set.
  std::set<RequestState*> active_;
  net::asio::io_context io_{1};
  SeededRandom rng_;
  net::asio::ssl::context* tls_;
  std::vector<std::unique_ptr<net::HttpServer>> servers_;
  std::map<std::string, std::unique_ptr<net::UpstreamPool>, std::less<>> pools_;
};

// Per-request state of the data path (internal to the worker's .cc files).
struct Worker::RequestState {
  contract::Surface surface = contract::Surface::kChatCompletions;
  contract::RequestFacts facts;
  const config::ChainConfig* chain = nullptr;
  const std::string* body = nullptr;
  SteadyTime start;
  evidence::EvidenceRecord rec;
  int total_attempts = 0;
  std::string route_used;
  // The client closed its connection while the gateway waited upstream: the
  // attempt in flight is abandoned (its connection closed), nothing more is tried.
  bool client_gone = false;
  net::UpstreamConnection* upstream = nullptr;
  net::Exchange* ex = nullptr;  // the client's exchange (watch_clients())
  bool finished = false;  // its record was completed (finish() runs once)  // the attempt's connection while one is in flight
  // The request in the other surface, made the first time a route on that
  // surface is tried (there is only one other surface).
  std::optional<std::expected<translate::TranslatedRequest, translate::Ineligible>> translated;
  // What the client gets if every route fails.
  int last_status = 0;
  std::string last_type = "server_error";
  std::string last_code;
  std::string last_message = "No upstream route could serve the request.";
  HeaderList last_headers;
};

}  // namespace readygate::gateway
