#include "mock/mock_provider.h"

#include <simdjson.h>

#include <stdexcept>
#include <thread>

#include "base/host_port.h"
#include "base/http_date.h"
#include "base/json_text.h"
#include "base/random.h"
#include "base/sha256.h"
#include "contract/api_error.h"
#include "contract/request_check.h"
#include "contract/stream_error.h"
#include "mock/answer.h"
#include "mock/drift.h"

namespace readygate::mock {
namespace {

using contract::Surface;
namespace http = net::http;

constexpr std::string_view kFaultHeader = "x-readygate-fault";
constexpr std::string_view kFaultIdHeader = "x-readygate-fault-id";

struct PromptFacts {
  std::optional<std::string> tool_name;
};

// Whether the model should call a tool, and which: tools given, tool_choice
// not "none", and the conversation does not already end with a tool result.
// (The answer's seed is the contract's content fingerprint.)
PromptFacts read_prompt(Surface s, const std::string& body) {
  PromptFacts f;
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(body).get(doc)) return f;
  const char* key = s == Surface::kChatCompletions ? "messages" : "input";
  simdjson::dom::element content;
  if (doc[key].get(content)) return f;
  simdjson::dom::array tools;
  if (doc["tools"].get_array().get(tools) || tools.size() == 0) return f;
  std::string_view choice;
  if (!doc["tool_choice"].get_string().get(choice) && choice == "none") return f;
  simdjson::dom::array items;
  if (!content.get_array().get(items) && items.size() > 0) {
    simdjson::dom::element last = items.at(items.size() - 1);
    std::string_view role, type;
    if (!last["role"].get_string().get(role) && role == "tool") return f;
    if (!last["type"].get_string().get(type) && type == "function_call_output") return f;
  }
  for (auto t : tools) {
    std::string_view name;
    if (s == Surface::kChatCompletions) {
      if (!t["function"]["name"].get_string().get(name)) {
        f.tool_name = std::string(name);
        break;
      }
    } else if (!t["name"].get_string().get(name)) {
      f.tool_name = std::string(name);
      break;
    }
  }
  return f;
}

http::response<http::string_body> json_response(unsigned status, std::string body) {
  http::response<http::string_body> res{static_cast<http::status>(status), 11};
  res.set(http::field::content_type, "application/json");
  res.body() = std::move(body);
  return res;
}

// The rate-limit headers OpenAI sends on every answer (fixed values).
constexpr std::string_view kAnswerHeaderLines =
    "openai-processing-ms: 1\r\n"
    "x-ratelimit-limit-requests: 10000\r\n"
    "x-ratelimit-remaining-requests: 9999\r\n"
    "x-ratelimit-reset-requests: 6ms\r\n";

std::string request_id(uint64_t seq, uint64_t salt) { return "req_" + hex_pair(salt, seq); }

std::string html_page(int status) {
  return "<!DOCTYPE html><html><head><title>" + std::to_string(status) +
         "</title></head><body><h1>Welcome</h1><p>This is a web page, not an API "
         "endpoint.</p></body></html>";
}

}  // namespace

MockProvider::MockProvider(net::asio::io_context& io, const MockOptions& opts)
    : opts_(opts), started_(SystemClock::instance().now()), io_(io) {
  std::vector<FaultRule> rules;
  for (const auto& spec : opts.fault_specs) {
    auto parsed = parse_fault_spec(spec);
    if (!parsed) throw std::runtime_error("--fault: " + parsed.error());
    rules.push_back(std::move(parsed->rule));
  }
  if (!opts.script_path.empty()) {
    auto plan = FaultPlan::from_yaml_file(opts.script_path, std::move(rules), opts.seed);
    if (!plan) throw std::runtime_error("--script: " + plan.error());
    plan_ = std::move(*plan);
  } else {
    plan_ = std::make_unique<FaultPlan>(std::move(rules),
                                        std::map<std::string, FaultAction, std::less<>>{},
                                        opts.seed);
  }
  if (!opts.log_path.empty()) {
    if (auto err = log_.open(opts.log_path, opts.log_flush_ms); !err.empty()) throw std::runtime_error(err);
  }
  salt_ = opts.log_salt.empty() ? std::to_string(os_entropy_seed()) : opts.log_salt;
  id_salt_ = fnv1a64(salt_);
  net::ServerLimits limits;
  server_ = std::make_unique<net::HttpServer>(
      io, limits, [this](net::Exchange& ex) { return handle(ex); },
      opts.threads <= 1 ? net::Threading::kOneThread : net::Threading::kAnyThreads);
  group_commit_ = log_.is_open() && opts.log_flush_ms == 0 && opts.threads <= 1;
  if (group_commit_) {
    commit_waiters_ = std::make_unique<net::asio::steady_timer>(io);
    commit_waiters_->expires_at(net::asio::steady_timer::time_point::max());
  }
}

net::Task<void> MockProvider::log_request(const LoggedRequest& rec) {
  if (!group_commit_) {
    log_.write(rec);
    co_return;
  }
  log_.append(rec);
  if (!commit_scheduled_) {
    // Runs after the handlers already queued in this pass: their lines
    // join this write.
    commit_scheduled_ = true;
    net::asio::post(io_, [this] {
      commit_scheduled_ = false;
      log_.flush();
      commit_waiters_->cancel();
    });
  }
  net::error_code ec;  // operation_aborted: the commit woke us
  co_await commit_waiters_->async_wait(net::use_ec(ec));
}

MockProvider::~MockProvider() = default;

std::expected<uint16_t, std::string> MockProvider::listen() {
  auto hp = parse_host_port(opts_.listen);
  if (!hp) return std::unexpected("--listen: " + hp.error());
  auto ep = server_->listen(hp->host, hp->port);
  if (!ep) return std::unexpected(ep.error());
  return ep->port();
}

void MockProvider::start() { server_->start(); }
void MockProvider::stop() { server_->stop(); }

net::Task<void> MockProvider::handle(net::Exchange& ex) {
  const auto& req = ex.request();
  LoggedRequest rec;
  rec.wall = SystemClock::instance().wall();
  rec.t_ms = std::chrono::duration<double, std::milli>(SystemClock::instance().now() - started_)
                 .count();
  rec.seq = ++seq_;
  rec.method = std::string(req.method_string());
  std::string_view target = req.target();
  rec.path = std::string(target.substr(0, target.find('?')));
  rec.body_bytes = req.body().size();
  if (log_.is_open()) {  // the log is the only reader of these
    for (const auto& f : req)
      rec.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
    rec.body_sha256 = salted_sha256_hex(salt_, req.body());
  }
  rec.request_id = request_id(rec.seq, id_salt_);

  auto finish = [&](http::response<http::string_body> res) {
    res.set("x-request-id", rec.request_id);
    return ex.send(std::move(res));
  };

  const auto surface = contract::surface_from_path(rec.path);
  if (req.method() == http::verb::get && (rec.path == "/healthz" || rec.path == "/readyz")) {
    rec.status = 200;
    co_await log_request(rec);
    co_await finish(json_response(200, "{\"status\":\"ok\"}"));
    co_return;
  }
  if (req.method() == http::verb::get && rec.path == "/v1/models") {
    std::string body = "{\"object\":\"list\",\"data\":[";
    for (size_t i = 0; i < opts_.models.size(); ++i) {
      if (i) body += ',';
      body += "{\"id\":" + json_quote(opts_.models[i]) +
              ",\"object\":\"model\",\"created\":1700000000,\"owned_by\":\"readygate-mock\"}";
    }
    body += "]}";
    rec.status = 200;
    co_await log_request(rec);
    co_await finish(json_response(200, std::move(body)));
    co_return;
  }
  if (!surface) {
    rec.status = 404;
    co_await log_request(rec);
    co_await finish(net::json_error_response(
        404, "invalid_request_error", "Unknown request URL: " + rec.path + ".", "",
        "unknown_url"));
    co_return;
  }
  if (req.method() != http::verb::post) {
    rec.status = 405;
    co_await log_request(rec);
    co_await finish(net::json_error_response(405, "invalid_request_error",
                                             "Only POST is supported on " + rec.path + "."));
    co_return;
  }
  rec.surface = std::string(contract::surface_name(*surface));
  co_await handle_completion(ex, *surface, rec);
}

net::Task<void> MockProvider::handle_completion(net::Exchange& ex, Surface surface,
                                                LoggedRequest& rec) {
  const auto& req = ex.request();
  auto finish = [&](http::response<http::string_body> res) {
    res.set("x-request-id", rec.request_id);
    return ex.send(std::move(res));
  };

  // Authentication first, as a real provider does.
  std::string_view auth;
  if (auto it = req.find(http::field::authorization); it != req.end()) auth = it->value();
  std::string_view key = auth.starts_with("Bearer ") ? auth.substr(7) : std::string_view{};
  const bool key_ok =
      !key.empty() && (opts_.api_keys.empty() ||
                       std::find(opts_.api_keys.begin(), opts_.api_keys.end(), key) !=
                           opts_.api_keys.end());
  if (!key_ok) {
    rec.status = 401;
    co_await log_request(rec);
    co_await finish(net::json_error_response(
        401, "invalid_request_error",
        key.empty() ? "You didn't provide an API key. Send it as 'Authorization: Bearer KEY'."
                    : "Incorrect API key provided.",
        "", "invalid_api_key"));
    co_return;
  }

  auto facts = contract::check_request(surface, req.body(), /*fingerprint_content=*/true);
  if (!facts) {
    rec.status = facts.error().status;
    co_await log_request(rec);
    co_await finish(json_response(static_cast<unsigned>(facts.error().status),
                                  contract::error_body_json(facts.error())));
    co_return;
  }
  rec.model = facts->model;
  rec.stream = facts->stream;

  std::string_view fault_spec, fault_id;
  if (auto it = req.find(kFaultHeader); it != req.end()) fault_spec = it->value();
  if (auto it = req.find(kFaultIdHeader); it != req.end()) fault_id = it->value();
  auto choice = plan_->choose(surface, fault_spec, fault_id);
  if (!choice) {
    rec.status = 400;
    co_await log_request(rec);
    co_await finish(net::json_error_response(400, "invalid_request_error",
                                             std::string(kFaultHeader) + ": " + choice.error(),
                                             std::string(kFaultHeader)));
    co_return;
  }
  rec.request_number = choice->request_number;
  const std::optional<FaultAction>& fault = choice->action;
  if (fault) {
    rec.fault = fault->name;
    rec.fault_kind = std::string(fault_kind_name(fault->kind));
  }
  const FaultKind kind = fault ? fault->kind : FaultKind::kNone;
  rec.status = kind == FaultKind::kStatus ? fault->status
               : kind == FaultKind::kHtml ? fault->status
               : (kind == FaultKind::kReset && fault->reset_before_headers) ? 0
                                                                             : 200;
  co_await log_request(rec);

  if (fault && fault->delay_ms > 0) co_await ex.sleep(std::chrono::milliseconds(fault->delay_ms));

  if (kind == FaultKind::kReset && fault->reset_before_headers) {
    ex.reset();
    co_return;
  }
  if (kind == FaultKind::kStatus) {
    auto res = json_response(static_cast<unsigned>(fault->status), "");
    if (fault->body) {
      res.body() = *fault->body;
    } else {
      contract::ApiError e{fault->status, fault->error_type, fault->message, "", fault->error_code};
      if (e.type.empty()) e.type = std::string(contract::default_error_type(fault->status));
      if (e.message.empty()) e.message = "Scripted fault.";
      res.body() = contract::error_body_json(e);
    }
    for (const auto& [k, v] : fault->headers) res.set(k, v);
    if (fault->retry_after_date_s >= 0)
      res.set(http::field::retry_after,
              format_http_date(SystemClock::instance().wall() +
                               std::chrono::seconds(fault->retry_after_date_s)));
    co_await finish(std::move(res));
    co_return;
  }
  if (kind == FaultKind::kHtml) {
    http::response<http::string_body> res{static_cast<http::status>(fault->status), 11};
    res.set(http::field::content_type, "text/html; charset=utf-8");
    if (fault->status / 100 == 3) res.set(http::field::location, "https://www.example.com/");
    res.body() = html_page(fault->status);
    co_await finish(std::move(res));
    co_return;
  }

  AnswerInput in;
  in.surface = surface;
  in.model = facts->model;
  in.prompt_bytes = req.body().size();
  in.max_tokens = facts->max_output_tokens;
  in.answer_tokens = opts_.answer_tokens;
  in.include_usage = facts->include_usage;
  in.content_hash = facts->content_fingerprint;
  if (facts->has_tools) in.tool_name = read_prompt(surface, req.body()).tool_name;
  const int64_t created = std::chrono::duration_cast<std::chrono::seconds>(
                              SystemClock::instance().wall().time_since_epoch())
                              .count();
  const Answer answer = make_answer(in, rec.seq, created);
  const int event_delay =
      fault && fault->event_delay_ms >= 0 ? fault->event_delay_ms : opts_.token_latency_ms;

  if (!facts->stream) {
    if (opts_.token_latency_ms > 0)
      co_await ex.sleep(std::chrono::milliseconds(opts_.token_latency_ms *
                                                  answer.completion_tokens()));
    std::string body = surface == Surface::kChatCompletions ? chat_completion_json(answer)
                                                            : response_json(answer);
    if (kind == FaultKind::kDrift) body = apply_drift(surface, *fault, body);
    if (kind == FaultKind::kMalformedJson) body = body.substr(0, body.size() / 2) + "<!-- }";
    if (kind != FaultKind::kTruncate && kind != FaultKind::kReset) {
      // The common answer: head rendered without a Beast field map.
      std::string lines(kAnswerHeaderLines);
      lines += "x-request-id: ";
      lines += rec.request_id;
      lines += "\r\n";
      co_await ex.send_raw(200, "application/json", lines, std::move(body));
      co_return;
    }
    auto res = json_response(200, std::move(body));
    res.set("openai-processing-ms", "1");
    res.set("x-ratelimit-limit-requests", "10000");
    res.set("x-ratelimit-remaining-requests", "9999");
    res.set("x-ratelimit-reset-requests", "6ms");
    res.set("x-request-id", rec.request_id);
    if (kind == FaultKind::kReset) {
      ex.reset();
    } else {  // truncate: the head and half the declared body
      const size_t n = res.body().size() / 2;
      co_await ex.send_truncated(std::move(res), n);
    }
    co_return;
  }

  std::vector<std::string> frames = surface == Surface::kChatCompletions
                                        ? chat_stream_frames(answer)
                                        : responses_stream_frames(answer);
  http::response<http::empty_body> head{http::status::ok, 11};
  head.set(http::field::content_type, "text/event-stream; charset=utf-8");
  head.set(http::field::cache_control, "no-cache");
  head.set("x-request-id", rec.request_id);
  head.set("openai-processing-ms", "1");
  if (!co_await ex.begin_stream(std::move(head))) co_return;
  const size_t cut = fault ? static_cast<size_t>(fault->after_events) : frames.size();
  for (size_t i = 0; i < frames.size(); ++i) {
    if (i > 0 && event_delay > 0) co_await ex.sleep(std::chrono::milliseconds(event_delay));
    if (i >= cut) {
      if (kind == FaultKind::kTruncate) break;
      if (kind == FaultKind::kReset) {
        ex.reset();
        co_return;
      }
      if (kind == FaultKind::kStreamError) {
        // Named, not a temporary in the co_await expression (g++ 12).
        const std::string error_frame = contract::stream_error_frame(
            surface, "server_error", "The server had an error while processing your request.",
            static_cast<int64_t>(i));
        co_await ex.write_chunk(error_frame);
        break;
      }
    }
    std::string frame = std::move(frames[i]);
    if (kind == FaultKind::kDrift) frame = apply_drift_to_frame(surface, *fault, frame);
    if (kind == FaultKind::kMalformedJson && i == 0) {
      const auto pos = frame.find("data: ");
      frame = frame.substr(0, pos) + "data: {\"id\": oops not json\n\n";
    }
    if (!co_await ex.write_chunk(frame)) co_return;
  }
  co_await ex.end_stream();
}

int run_mock(const MockOptions& opts) {
  net::asio::io_context io(opts.threads);
  std::unique_ptr<MockProvider> provider;
  try {
    provider = std::make_unique<MockProvider>(io, opts);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "readygate mock: %s\n", e.what());
    return 2;
  }
  auto port = provider->listen();
  if (!port) {
    std::fprintf(stderr, "readygate mock: %s\n", port.error().c_str());
    return 2;
  }
  provider->start();
  auto hp = parse_host_port(opts.listen);
  std::fprintf(stderr, "readygate mock: listening on http://%s:%u (faults: %zu, log: %s)\n",
               hp->host.c_str(), *port, opts.fault_specs.size(),
               opts.log_path.empty() ? "off" : opts.log_path.c_str());
  net::asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const net::error_code&, int) {
    provider->stop();
    io.stop();
  });
  std::vector<std::thread> threads;
  for (int i = 1; i < opts.threads; ++i) threads.emplace_back([&io] { io.run(); });
  io.run();
  for (auto& t : threads) t.join();
  return 0;
}

std::string mock_help_footer() {
  std::string o =
      "\nFAULTS\n"
      "  --fault SPEC (repeatable) or a YAML --script choose faults for completion requests.\n"
      "  SPEC is PRESET[,key=value...]. Keys: status, retry_after, retry_after_ms,\n"
      "  retry_after_date, should_retry, header=NAME:VALUE, type, code, message, delay_ms,\n"
      "  event_delay_ms, after_events, remove=PATH, rename=FROM:TO, extra.\n"
      "  Triggers (default: every request): first=N, requests=1|3|5, every=N, from=N,\n"
      "  probability=P (seeded by --seed), surface=chat|responses.\n\n"
      "  Presets:\n";
  for (const auto& d : preset_docs()) {
    o += "    " + std::string(d.name);
    o.append(d.name.size() < 20 ? 20 - d.name.size() : 1, ' ');
    o += std::string(d.what) + "\n";
    o.append(24, ' ');
    o += "e.g. " + std::string(d.example) + "\n";
  }
  o +=
      "\n  Per logical request, from the client: send the header\n"
      "    x-readygate-fault: unavailable,times=2     (fail twice, then succeed)\n"
      "    x-readygate-fault-id: my-request-1          (optional: what counts as one request)\n"
      "  A header fault without times= applies to every request carrying it.\n\n"
      "  YAML script (--script FILE):\n"
      "    seed: 7\n"
      "    faults:\n"
      "      - preset: unavailable\n"
      "        first: 2\n"
      "      - name: slow_then_429            # named: pick it with x-readygate-fault\n"
      "        status: 429\n"
      "        headers: {retry-after: \"2\"}\n"
      "      - preset: rate_limit\n"
      "        probability: 0.1\n"
      "        surface: responses\n\n"
      "REQUEST LOG\n"
      "  --log FILE writes one JSON line per request as it arrives: ts, t_ms, seq,\n"
      "  request_number, method, path, headers (credentials redacted), body_bytes,\n"
      "  body_sha256 (salted), surface, model, stream, status, fault, request_id.\n";
  return o;
}

}  // namespace readygate::mock
