// The attempt loop of one route: the gateway's single retry point.
#include <nlohmann/json.hpp>

#include "contract/api_error.h"
#include "contract/shape_check.h"
#include "contract/sse_parser.h"
#include "contract/stream_check.h"
#include "contract/stream_error.h"
#include "gateway/sanitize.h"
#include "gateway/worker.h"
#include "translate/translate.h"

namespace readygate::gateway {

namespace http = net::http;
using contract::Classification;
using contract::ErrorClass;
using contract::Surface;
using contract::TransportError;
using std::chrono::milliseconds;

namespace {

milliseconds remaining(SteadyTime now, SteadyTime deadline, milliseconds cap) {
  const auto left = std::chrono::duration_cast<milliseconds>(deadline - now);
  return std::max(milliseconds(1), std::min(cap, left));
}

bool is_event_stream(const HeaderList& h) {
  auto ct = find_header(h, "content-type");
  return ct && ct->find("text/event-stream") != std::string_view::npos;
}

// The request's deadline (on the gateway's clock) on the steady clock the
// network timers run on.
net::UpstreamConnection::Deadline real_time(const Clock& clock, SteadyTime deadline) {
  return std::chrono::steady_clock::now() + (deadline - clock.now());
}

bool is_timeout(TransportError e) {
  return e == TransportError::kConnectTimeout || e == TransportError::kFirstByteTimeout ||
         e == TransportError::kIdleTimeout || e == TransportError::kDeadline;
}

// An upstream status that is not an answer the gateway can pass on or
// classify: outside 200-599, or a redirect (a base URL pointing elsewhere;
// following it would send the credential to another host).
bool unusable_status(int status) { return status < 200 || status > 599 || (status >= 300 && status < 400); }

bool passes_to_client(std::string_view name) {
  return iequals(name, "x-request-id") || iequals(name, "openai-processing-ms") ||
         (name.size() > 12 && iequals(name.substr(0, 12), "x-ratelimit-"));
}

constexpr size_t kMaxPassedHeaderBytes = 256;

void append_header_line(std::string& out, std::string_view name, std::string_view value) {
  out += name;
  out += ": ";
  out += value;
  out += "\r\n";
}

// The upstream headers a client sees, as head lines. A name the provider
// repeats keeps its last value (as Beast's set() did).
std::string client_header_lines(const HeaderList& headers) {
  std::string out;
  for (size_t i = 0; i < headers.size(); ++i) {
    const auto& [k, v] = headers[i];
    if (!passes_to_client(k)) continue;
    bool later = false;
    for (size_t j = i + 1; j < headers.size() && !later; ++j) later = iequals(headers[j].first, k);
    // Sanitized like a body: an upstream may reflect a credential here.
    if (!later) append_header_line(out, k, sanitize_text(v, kMaxPassedHeaderBytes));
  }
  return out;
}

// [DONE] for chat; response.completed / failed / incomplete / error for Responses.
bool is_terminal_event(Surface s, const contract::SseEvent& ev) {
  if (s == Surface::kChatCompletions) return ev.data == "[DONE]";
  const std::string_view t = ev.event;
  return t == "response.completed" || t == "response.failed" || t == "response.incomplete" ||
         t == "error";
}

}  // namespace

struct Worker::Attempt {
  bool served = false;
  bool committed = false;      // bytes reached the client
  // Not an answer (shape mismatch, broken framing, unusable status, over a
  // cap) or truncated before the first byte: no retry on this route.
  bool fallback_now = false;
  bool client_gone = false;    // the client closed first: says nothing of the route's health
  Classification cls;
  int status = 0;              // the upstream's status; 0 when no head arrived
  // The exchange failed below HTTP, before the head or after it (a 2xx
  // head whose body was cut is a failure, never an answer).
  std::optional<TransportError> transport;
  std::string reason;
  std::string upstream_request_id;
  int64_t first_byte_ms = -1;
  std::string error_message;   // sanitized provider message, for the client

  // Fails the attempt with `e`; `where` names the stage ("body", ...).
  void fail(TransportError e, std::string_view where = {}) {
    transport = e;
    cls = contract::classify_transport(e);
    reason = where.empty() ? cls.reason : std::string(where) + " (" + cls.reason + ")";
    // An answer that is not one is not retried on its route.
    if (e == TransportError::kProtocol || e == TransportError::kTooLarge) fallback_now = true;
  }
  // Breaker: 5xx, transport failures that are the route's (timeouts,
  // resets, framing), answers that are not one. 4xx are the client's or the
  // account's problem, not the route's health.
  bool counts_against_breaker() const {
    if (fallback_now) return true;
    if (transport) return cls.error_class == ErrorClass::kTransient;
    return status >= 500;
  }
};

net::Task<Worker::RouteResult> Worker::try_route(net::Exchange& ex, RequestState& st,
                                                 RouteRuntime& rt) {
  const auto& timeouts = rt.cfg.timeouts;
  const SteadyTime deadline = st.start + timeouts.total;
  milliseconds delay{0};
  for (int attempt = 1;; ++attempt) {
    const SteadyTime now = gw_.clock().now();
    if (attempt == 1) {
      std::lock_guard lock(rt.budget->mu);
      rt.budget->budget.record_request(now);
    } else {
      if (!rt.allow(now)) {
        st.rec.attempts.back().reason += "; breaker_open";
        co_return RouteResult::kFallback;
      }
      bool ok;
      {
        std::lock_guard lock(rt.budget->mu);
        ok = rt.budget->budget.try_acquire_retry(now);
      }
      if (!ok) {
        rt.on_ignored(now);
        gw_.count_budget_rejection(rt.cfg.name);
        st.rec.attempts.back().decision = "fallback";
        st.rec.attempts.back().reason = "retry_budget_exhausted";
        co_return RouteResult::kFallback;
      }
      gw_.count_retry(rt.cfg.name);
      ++st.rec.retry_count;
      co_await sleep_for(delay);
      if (st.client_gone) co_return RouteResult::kClientGone;
    }
    ++st.total_attempts;
    evidence::AttemptRecord rec;
    rec.route = rt.cfg.name;
    rec.attempt = attempt;
    rec.delay_before_ms = delay.count();
    const SteadyTime t0 = gw_.clock().now();
    Attempt a = co_await attempt_once(ex, st, rt, deadline);
    if (st.client_gone && !a.served) {
      // Abandoned, not failed: says nothing of the route's health.
      rt.on_ignored(gw_.clock().now());
      rec.status = a.status;
      rec.error_class = std::string(contract::error_class_name(a.cls.error_class));
      rec.decision = "return";
      rec.reason = "client went away";
      rec.total_ms = std::chrono::duration_cast<milliseconds>(gw_.clock().now() - t0).count();
      st.rec.attempts.push_back(std::move(rec));
      co_return RouteResult::kClientGone;
    }
    rec.status = a.status;
    rec.error_class = std::string(contract::error_class_name(a.cls.error_class));
    if (a.transport) rec.transport_error = std::string(contract::transport_error_name(*a.transport));
    rec.upstream_request_id = a.upstream_request_id;
    rec.first_byte_ms = a.first_byte_ms;
    rec.total_ms = std::chrono::duration_cast<milliseconds>(gw_.clock().now() - t0).count();
    gw_.observe_attempt(rt.cfg.name, a.status, a.first_byte_ms);
    if (a.served) {
      rec.decision = "success";
      rec.reason = a.reason;
      st.rec.attempts.push_back(std::move(rec));
      st.route_used = rt.cfg.name;
      st.rec.route_used = rt.cfg.name;
      if (a.committed && !a.reason.empty() && !a.client_gone)
        rt.on_failure(gw_.clock().now());  // served, but the stream broke after commit
      else
        rt.on_success(gw_.clock().now());
      co_return RouteResult::kServed;
    }
    if (a.counts_against_breaker())
      rt.on_failure(gw_.clock().now());
    else
      rt.on_ignored(gw_.clock().now());
    // Remember what the client gets if nothing else serves: never the 2xx of
    // an answer whose body failed.
    if (a.transport) {
      const bool invalid =
          *a.transport == TransportError::kProtocol || *a.transport == TransportError::kTooLarge;
      st.last_status = is_timeout(*a.transport) ? 504 : 502;
      st.last_type = "server_error";
      st.last_code = invalid ? "upstream_invalid_response" : "upstream_unavailable";
      st.last_message = (invalid ? "Upstream answered with an invalid response: "
                                 : "Upstream failed: ") +
                        a.reason + ".";
    } else if (a.cls.body_not_json || a.fallback_now) {
      st.last_status = 502;
      st.last_type = "server_error";
      st.last_code = "upstream_invalid_response";
      st.last_message = "Upstream answered with an invalid response: " + a.reason + ".";
    } else {
      st.last_status = a.status;
      st.last_type = a.cls.error_type.empty()
                         ? std::string(contract::default_error_type(a.status))
                         : a.cls.error_type;
      st.last_code = a.cls.error_code;
      st.last_message = a.error_message.empty() ? "Upstream error." : a.error_message;
    }
    if (a.fallback_now) {
      rec.decision = "fallback";
      rec.reason = a.reason;
      st.rec.attempts.push_back(std::move(rec));
      co_return RouteResult::kFallback;
    }
    policy::AttemptOutcome outcome{a.cls, attempt, a.committed};
    const auto decision = policy::decide(rt.retry, outcome, gw_.clock().now(), deadline, rng_);
    rec.decision = std::string(policy::next_step_name(decision.step));
    rec.reason = decision.reason;
    st.rec.attempts.push_back(std::move(rec));
    switch (decision.step) {
      case policy::NextStep::kRetry:
        delay = decision.delay;
        continue;
      case policy::NextStep::kFallback:
        co_return RouteResult::kFallback;
      case policy::NextStep::kReturn:
        st.route_used = rt.cfg.name;
        st.rec.route_used = rt.cfg.name;
        co_await send_error(ex, st, st.last_status, st.last_type, st.last_message, st.last_code);
        co_return RouteResult::kReturnError;
    }
  }
}

net::Task<Worker::Attempt> Worker::attempt_once(net::Exchange& ex, RequestState& st,
                                                RouteRuntime& rt, SteadyTime deadline) {
  Attempt a;
  const auto& to = rt.cfg.timeouts;
  const auto& limits = gw_.config().limits;
  auto& pool = pool_for(rt);
  std::string rewritten;  // only when the route rewrites the model
  const std::string_view request_body = upstream_body(st, rt, &rewritten);
  const std::string& head_prefix = rt.request_head[st.facts.stream ? 1 : 0];
  std::unique_ptr<net::UpstreamConnection> conn;
  std::optional<net::UpstreamHead> head;
  const SteadyTime t0 = gw_.clock().now();
  struct InFlight {  // st.upstream names `conn` only while this attempt holds it
    RequestState& st;
    ~InFlight() { st.upstream = nullptr; }
  } in_flight{st};
  // A reused keep-alive connection may have been closed by the upstream
  // while idle; a failure before any response byte then earns one fresh
  // connection (not an attempt: nothing reached the provider's handler).
  for (int tries = 0; tries < 2 && !head; ++tries) {
    // The second try takes a new connection: another idle one may be just as stale.
    auto c = co_await pool.acquire(remaining(gw_.clock().now(), deadline, to.connect), tries > 0);
    if (!c) {
      a.fail(c.error());
      co_return a;
    }
    conn = std::move(*c);
    if (st.client_gone) {  // left while the connection was being made
      a.fail(TransportError::kReset);
      co_return a;
    }
    st.upstream = conn.get();
    gw_.count_upstream_connection(rt.cfg.name, conn->reused);
    auto sent = co_await conn->send_raw(head_prefix, request_body,
                                        remaining(gw_.clock().now(), deadline, to.first_byte));
    if (sent) {
      auto h = co_await conn->read_head(remaining(gw_.clock().now(), deadline, to.first_byte));
      if (h) {
        head = std::move(*h);
        break;
      }
      if (!(conn->reused && h.error() == TransportError::kReset)) {
        a.fail(h.error());
        co_return a;
      }
    } else if (!conn->reused) {
      a.fail(sent.error());
      co_return a;
    }
  }
  if (!head) {
    a.fail(TransportError::kReset);
    co_return a;
  }
  a.status = head->status;
  a.first_byte_ms = std::chrono::duration_cast<milliseconds>(gw_.clock().now() - t0).count();
  if (auto id = find_header(head->headers, "x-request-id")) a.upstream_request_id = sanitize_text(*id);
  if (unusable_status(head->status)) {
    conn->close();
    a.fail(TransportError::kProtocol, "upstream status " + std::to_string(head->status));
    co_return a;
  }

  const bool ok = head->status >= 200 && head->status < 300;
  if (ok && st.facts.stream && is_event_stream(head->headers)) {
    Attempt done = co_await relay_stream(ex, st, rt, *conn, *head, a, t0, deadline);
    // Kept alive when the stream was read to its end (closed otherwise).
    st.upstream = nullptr;
    pool.release(std::move(conn));
    co_return done;
  }
  auto body = co_await conn->read_all(ok ? limits.max_response_bytes : kMaxErrorBytes,
                                      remaining(gw_.clock().now(), deadline, to.stream_idle),
                                      real_time(gw_.clock(), deadline));
  if (!body) {
    // The head said 2xx (or an error status), the body never arrived whole:
    // a failed attempt, whatever the head said.
    a.fail(body.error(), "body");
    co_return a;
  }
  st.upstream = nullptr;
  pool.release(std::move(conn));
  // One parse: classification, shape and usage together.
  auto checked = contract::check_answer(rt.cfg.surface, head->status, *body, head->headers,
                                        gw_.clock().wall());
  a.cls = std::move(checked.cls);
  if (!ok) {
    a.reason = a.cls.reason;
    a.error_message = provider_message(*body);
    co_return a;
  }
  const auto& shape = checked.shape;
  st.rec.shape_drift = shape.drift;
  st.rec.shape_mismatches = shape.mismatches;
  st.rec.response_shape_observed = std::string(contract::shape_verdict_name(shape.verdict));
  if (a.cls.error_class != ErrorClass::kNone || shape.verdict != contract::ShapeVerdict::kDocumentedShapeSeen) {
    a.reason = a.cls.body_not_json ? "non-JSON body" : "response shape mismatch";
    if (st.chain->fallback.on_shape_mismatch || a.cls.body_not_json) {
      a.fallback_now = true;
      co_return a;
    }
  }
  record_usage(st, shape);
  if (rt.cfg.surface != st.surface) {
    // Cross-surface: the client gets its own surface, checked like any answer.
    auto translated =
        translate::translate_response(rt.cfg.surface, st.surface, *body, st.translated->value().echo);
    const auto client_shape = translated ? contract::check_response_shape(st.surface, *translated)
                                         : contract::ShapeReport{};
    if (!translated || client_shape.verdict != contract::ShapeVerdict::kDocumentedShapeSeen) {
      st.rec.response_shape_observed = "mismatch";
      if (translated)
        for (const auto& m : client_shape.mismatches) st.rec.shape_mismatches.push_back("translated " + m);
      a.reason = translated ? "translated response shape mismatch" : "untranslatable response: " + translated.error();
      a.fallback_now = true;
      co_return a;
    }
    *body = std::move(*translated);
  }
  // The head is rendered directly (no Beast field map): the provider's
  // passed-through headers, then readygate's own.
  std::string lines = client_header_lines(head->headers);
  append_header_line(lines, "x-readygate-route", rt.cfg.name);
  append_header_line(lines, "x-readygate-attempts", std::to_string(st.total_attempts));
  append_header_line(lines, "x-readygate-request-id", st.rec.request_id);
  st.rec.status = 200;
  st.rec.first_byte_ms =
      std::chrono::duration_cast<milliseconds>(gw_.clock().now() - st.start).count();
  a.served = true;
  a.committed = true;
  if (!co_await ex.send_raw(200, "application/json", lines, std::move(*body))) {
    st.rec.status = 499;  // the client closed the connection before the answer reached it
    a.reason = "client went away";
    a.client_gone = true;
  }
  co_return a;
}

net::Task<Worker::Attempt> Worker::relay_stream(net::Exchange& ex, RequestState& st,
                                                RouteRuntime& rt, net::UpstreamConnection& conn,
                                                const net::UpstreamHead& head, Attempt a,
                                                SteadyTime attempt_start, SteadyTime deadline) {
  const auto idle = rt.cfg.timeouts.stream_idle;
  const size_t max_pre_commit = gw_.config().limits.max_pre_commit_bytes;
  contract::SseParser parser;
  contract::StreamChecker checker(rt.cfg.surface);
  contract::SseEvent ev;
  std::string pending, piece, out;
  // Cross-surface: each upstream event becomes the client's frames at once.
  std::unique_ptr<translate::StreamTranslator> tr;
  if (rt.cfg.surface != st.surface)
    tr = translate::make_stream_translator(
        rt.cfg.surface, st.surface,
        {.include_usage = st.facts.include_usage, .echo = st.translated->value().echo});
  // `ended`: the upstream sent its terminal (even one that failed the shape
  // check); nothing may be appended after it.
  bool ended = false;
  bool event_seen = false;
  // Before the first event the stream is not committed: failures may retry
  // or fall back. Wait for one complete event before answering the client,
  // by the first-byte deadline: comments and keep-alive bytes are no
  // progress toward it.
  const SteadyTime first_event_by = std::min(deadline, attempt_start + rt.cfg.timeouts.first_byte);
  while (!event_seen) {
    if (conn.done()) break;
    auto r = co_await conn.read_some(piece, idle, real_time(gw_.clock(), first_event_by));
    if (!r) {
      const TransportError e = r.error() == TransportError::kDeadline && first_event_by < deadline
                                   ? TransportError::kFirstByteTimeout
                                   : r.error();
      a.fail(e, "stream before its first event");
      a.fallback_now |= st.chain->fallback.on_truncated_before_first_byte;
      co_return a;
    }
    if (!tr) pending += piece;
    parser.feed(piece);
    while (parser.next(&ev)) {
      checker.on_event(ev);
      ended |= is_terminal_event(rt.cfg.surface, ev);
      event_seen = true;
      if (tr) tr->on_event(ev, &pending);
    }
    if (!event_seen && (parser.overflowed() || std::max(pending.size(), parser.buffered()) > max_pre_commit)) {
      conn.close();
      a.fail(TransportError::kTooLarge,
             "stream held over " + std::to_string(max_pre_commit) + " bytes before its first event");
      co_return a;
    }
  }
  if (event_seen && checker.verdict() == contract::StreamVerdict::kMalformed) {
    // Not yet committed: a first event that is not the surface's shape is a
    // shape failure like a bad JSON body, and may fall back.
    a.cls = contract::classify_transport(TransportError::kProtocol);
    a.reason = "stream malformed before any content";
    st.rec.response_shape_observed = "mismatch";
    for (const auto& p : checker.problems()) st.rec.shape_mismatches.push_back(p);
    a.fallback_now = st.chain->fallback.on_shape_mismatch;
    if (a.fallback_now) co_return a;
  }
  if (!event_seen || checker.verdict() == contract::StreamVerdict::kErrorEvent) {
    a.fail(TransportError::kReset, event_seen ? "stream error event before any content"
                                              : "stream ended before its first event");
    a.fallback_now = st.chain->fallback.on_truncated_before_first_byte;
    st.rec.response_shape_observed = "truncated";
    co_return a;
  }
  http::response<http::empty_body> res{http::status::ok, 11};
  res.set(http::field::content_type, "text/event-stream; charset=utf-8");
  res.set(http::field::cache_control, "no-cache");
  for (const auto& [k, v] : head.headers)
    if (passes_to_client(k)) res.set(k, sanitize_text(v, kMaxPassedHeaderBytes));
  res.set("x-readygate-route", rt.cfg.name);
  res.set("x-readygate-attempts", std::to_string(st.total_attempts));
  res.set("x-readygate-request-id", st.rec.request_id);
  a.served = true;
  a.committed = true;
  st.rec.status = 200;
  st.rec.first_byte_ms =
      std::chrono::duration_cast<milliseconds>(gw_.clock().now() - st.start).count();
  // Bytes that are ready together leave in one write: the head with the first
  // events, and the last read of the body with the end of the stream (both
  // without waiting for anything). `held` is what the end takes along.
  std::string held;
  bool head_sent = false;
  auto client_gone = [&] {
    a.reason = "client went away";
    a.client_gone = true;
    st.rec.stream_verdict = "client_gone";
  };
  if (conn.done()) {
    held = std::move(pending);  // the whole stream came before the commit
  } else {
    head_sent = true;
    if (!co_await ex.begin_stream(std::move(res), pending)) {
      client_gone();
      conn.close();
      co_return a;
    }
  }
  // Committed: forward each read as it arrives; check events on the side.
  std::string failure;
  bool past_deadline = false;
  const auto until = real_time(gw_.clock(), deadline);
  while (!conn.done()) {
    auto r = co_await conn.read_some(piece, idle, until);
    if (!r) {
      past_deadline = r.error() == TransportError::kDeadline;
      failure = past_deadline ? std::string("the request's total deadline passed")
                              : std::string(contract::transport_error_name(r.error()));
      break;
    }
    parser.feed(piece);
    if (parser.overflowed()) {
      // An event too large to check is not relayed whole: the stream ends here.
      failure = "an event over " + std::to_string(contract::SseParser::kMaxBuffered) + " bytes";
      conn.close();
      break;
    }
    out.clear();
    while (parser.next(&ev)) {
      checker.on_event(ev);
      ended |= is_terminal_event(rt.cfg.surface, ev);
      if (tr) tr->on_event(ev, &out);
    }
    if (tr && out.empty()) continue;
    if (conn.done()) {
      held = tr ? std::move(out) : std::move(piece);  // goes with the end, at once
      break;
    }
    if (!co_await ex.write_chunk(tr ? out : piece)) {
      client_gone();
      conn.close();
      co_return a;
    }
  }
  const auto verdict = checker.finish();
  if (checker.usage_seen()) record_usage(st, checker.usage());
  st.rec.stream_verdict = past_deadline ? std::string("deadline_exceeded")
                                        : std::string(contract::stream_verdict_name(verdict));
  const bool clean = verdict == contract::StreamVerdict::kCompleted ||
                     verdict == contract::StreamVerdict::kIncomplete;
  st.rec.response_shape_observed = clean ? "documented_shape_seen"
                                   : verdict == contract::StreamVerdict::kTruncated ? "truncated"
                                                                                    : "mismatch";
  // A stream that already carried its terminal (or an upstream error event)
  // gets nothing appended: a second ending would contradict the first.
  if (tr && !tr->ended()) {
    // The translated stream is the gateway's own: whatever the upstream did,
    // the client's stream ends in its own surface, with an error when cut short.
    // Named locals: g++ 12 may end temporaries inside a co_await expression early.
    const std::string message =
        "The upstream stream ended before completing (" +
        (failure.empty() ? std::string(contract::stream_verdict_name(verdict)) : failure) +
        "); the answer is incomplete.";
    held += tr->error_frame("upstream_stream_interrupted", message);
    a.reason = "stream " + st.rec.stream_verdict + " after commit";
    st.rec.follow_up_needed = true;
  } else if (!tr && !clean && !ended && !checker.terminal_seen() &&
             verdict != contract::StreamVerdict::kErrorEvent &&
             verdict != contract::StreamVerdict::kFailed) {
    // End the client's stream with an error in its own surface, never a fake completion.
    std::string frame = parser.has_partial() ? "\n\n" : "";
    frame += contract::stream_error_frame(
        st.surface, "upstream_stream_interrupted",
        "The upstream stream ended before completing (" +
            (failure.empty() ? std::string(contract::stream_verdict_name(verdict)) : failure) +
            "); the answer is incomplete.",
        static_cast<int64_t>(checker.events()));
    held += frame;
    a.reason = "stream " + st.rec.stream_verdict + " after commit";
    st.rec.follow_up_needed = true;
  }
  if (!clean) st.rec.follow_up_needed = true;
  // The rest of the body and its end, in one write.
  bool delivered = false;
  if (head_sent)
    delivered = co_await ex.write_chunk(held, /*last=*/true);
  else
    delivered = co_await ex.begin_stream(std::move(res), held, /*last=*/true);
  if (!delivered && !held.empty()) client_gone();
  co_return a;
}

}  // namespace readygate::gateway
