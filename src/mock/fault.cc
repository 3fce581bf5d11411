#include "mock/fault.h"

#include <yaml-cpp/yaml.h>

#include <charconv>
#include <functional>

namespace readygate::mock {
namespace {

FaultAction status_action(std::string name, int status, std::string type, std::string code,
                          std::string message) {
  FaultAction a;
  a.name = std::move(name);
  a.kind = FaultKind::kStatus;
  a.status = status;
  a.error_type = std::move(type);
  a.error_code = std::move(code);
  a.message = std::move(message);
  return a;
}

FaultAction kind_action(std::string name, FaultKind kind) {
  FaultAction a;
  a.name = std::move(name);
  a.kind = kind;
  return a;
}

struct Preset {
  PresetDoc doc;
  std::function<FaultAction()> make;
};

const std::vector<Preset>& presets() {
  static const std::vector<Preset> kPresets = [] {
    std::vector<Preset> p;
    auto add = [&p](std::string_view name, std::string_view what, std::string_view example,
                    std::function<FaultAction()> make) {
      p.push_back({{name, what, example}, std::move(make)});
    };
    add("rate_limit", "429 rate limit with Retry-After in seconds (retry_after=N, default 1)",
        "--fault 'rate_limit,retry_after=1,first=1'", [] {
          auto a = status_action("rate_limit", 429, "requests", "rate_limit_exceeded",
                                 "Rate limit reached for requests. Please try again later.");
          a.headers.push_back({"retry-after", "1"});
          return a;
        });
    add("rate_limit_ms", "429 with retry-after-ms (retry_after_ms=N, default 1000)",
        "--fault 'rate_limit_ms,retry_after_ms=250,first=1'", [] {
          auto a = status_action("rate_limit_ms", 429, "requests", "rate_limit_exceeded",
                                 "Rate limit reached for requests. Please try again later.");
          a.headers.push_back({"retry-after-ms", "1000"});
          return a;
        });
    add("rate_limit_date", "429 with Retry-After as an HTTP-date N s ahead (retry_after_date=N)",
        "--fault 'rate_limit_date,retry_after_date=2,first=1'", [] {
          auto a = status_action("rate_limit_date", 429, "requests", "rate_limit_exceeded",
                                 "Rate limit reached for requests. Please try again later.");
          a.retry_after_date_s = 1;
          return a;
        });
    add("quota", "429 insufficient_quota (billing): must not be retried",
        "--fault quota", [] {
          return status_action("quota", 429, "insufficient_quota", "insufficient_quota",
                               "You exceeded your current quota, please check your plan and "
                               "billing details.");
        });
    add("server_error", "500 server error", "--fault 'server_error,first=1'", [] {
      return status_action("server_error", 500, "server_error", "",
                           "The server had an error while processing your request.");
    });
    add("invalid_request_500",
        "CometAPI-style 500 with code invalid_request: a malformed request, never retried",
        "--fault invalid_request_500", [] {
          return status_action("invalid_request_500", 500, "comet_api_error", "invalid_request",
                               "invalid request (request id: 20261125000000000000001)");
        });
    add("bad_gateway", "502 bad gateway", "--fault 'bad_gateway,first=2'", [] {
      return status_action("bad_gateway", 502, "server_error", "", "Bad gateway.");
    });
    add("unavailable", "503 service unavailable", "--fault 'unavailable,first=2'", [] {
      return status_action("unavailable", 503, "server_error", "",
                           "The engine is currently overloaded, please try again later.");
    });
    add("gateway_timeout", "504 gateway timeout", "--fault 'gateway_timeout,every=3'", [] {
      return status_action("gateway_timeout", 504, "server_error", "", "Gateway timeout.");
    });
    add("timeout_524", "524 origin timeout (Cloudflare)", "--fault 'timeout_524,first=1'", [] {
      return status_action("timeout_524", 524, "server_error", "", "A timeout occurred.");
    });
    add("overloaded", "529 overloaded", "--fault 'overloaded,probability=0.1'", [] {
      return status_action("overloaded", 529, "overloaded_error", "", "Overloaded.");
    });
    add("bad_request", "400 invalid_request_error", "--fault bad_request", [] {
      return status_action("bad_request", 400, "invalid_request_error", "invalid_value",
                           "Invalid request.");
    });
    add("unauthorized", "401 invalid API key", "--fault unauthorized", [] {
      return status_action("unauthorized", 401, "invalid_request_error", "invalid_api_key",
                           "Incorrect API key provided.");
    });
    add("forbidden", "403 permission denied", "--fault forbidden", [] {
      return status_action("forbidden", 403, "permission_error", "unsupported_country_region_territory",
                           "Country, region, or territory not supported.");
    });
    add("not_found", "404 model not found", "--fault not_found", [] {
      return status_action("not_found", 404, "invalid_request_error", "model_not_found",
                           "The model does not exist or you do not have access to it.");
    });
    add("unprocessable", "422 unprocessable entity", "--fault unprocessable", [] {
      return status_action("unprocessable", 422, "invalid_request_error", "",
                           "Unprocessable entity.");
    });
    add("content_policy", "400 content_policy_violation", "--fault content_policy", [] {
      return status_action("content_policy", 400, "invalid_request_error",
                           "content_policy_violation",
                           "Your request was rejected as a result of our safety system.");
    });
    add("slow_headers", "wait delay_ms (default 2000) before the response head, then answer",
        "--fault 'slow_headers,delay_ms=1500'", [] {
          auto a = kind_action("slow_headers", FaultKind::kNone);
          a.delay_ms = 2000;
          return a;
        });
    add("slow_stream", "wait event_delay_ms (default 500) between stream events",
        "--fault 'slow_stream,event_delay_ms=200'", [] {
          auto a = kind_action("slow_stream", FaultKind::kNone);
          a.event_delay_ms = 500;
          return a;
        });
    add("reset", "connection reset before any response byte", "--fault 'reset,first=1'",
        [] { return kind_action("reset", FaultKind::kReset); });
    add("reset_mid_stream", "connection reset after after_events stream events (default 3)",
        "--fault 'reset_mid_stream,after_events=2'", [] {
          auto a = kind_action("reset_mid_stream", FaultKind::kReset);
          a.reset_before_headers = false;
          return a;
        });
    add("truncate",
        "stream ends cleanly but without its terminal event after after_events events; a JSON "
        "answer is cut mid-body",
        "--fault 'truncate,after_events=0'", [] { return kind_action("truncate", FaultKind::kTruncate); });
    add("stream_error", "a mid-stream error event after after_events events",
        "--fault 'stream_error,after_events=4'",
        [] { return kind_action("stream_error", FaultKind::kStreamError); });
    add("malformed", "200 whose body (or first stream event) is not valid JSON",
        "--fault malformed", [] { return kind_action("malformed", FaultKind::kMalformedJson); });
    add("html", "200 text/html page where JSON was expected (wrong base URL)", "--fault html",
        [] {
          auto a = kind_action("html", FaultKind::kHtml);
          a.status = 200;
          return a;
        });
    add("redirect_html", "301 to another host with an HTML body", "--fault redirect_html", [] {
      auto a = kind_action("redirect_html", FaultKind::kHtml);
      a.status = 301;
      return a;
    });
    add("drift_missing",
        "200 with a required field removed (remove=PATH; default choices.0.finish_reason / "
        "output.0.status)",
        "--fault 'drift_missing,remove=id'",
        [] { return kind_action("drift_missing", FaultKind::kDrift); });
    add("drift_renamed",
        "200 with a required field renamed (rename=FROM:TO; default choices:results / "
        "output:outputs)",
        "--fault 'drift_renamed,rename=usage:token_usage'", [] {
          return kind_action("drift_renamed", FaultKind::kDrift);
        });
    add("drift_extra", "200 with an undocumented extra field (drift, not failure)",
        "--fault drift_extra", [] {
          auto a = kind_action("drift_extra", FaultKind::kDrift);
          a.drift_extra = true;
          return a;
        });
    return p;
  }();
  return kPresets;
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (start <= s.size()) {
    const size_t end = s.find(sep, start);
    out.push_back(s.substr(start, end == std::string_view::npos ? std::string_view::npos
                                                                : end - start));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return out;
}

std::expected<uint64_t, std::string> to_u64(std::string_view key, std::string_view v) {
  uint64_t n = 0;
  const auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (v.empty() || ec != std::errc() || p != v.data() + v.size())
    return std::unexpected("'" + std::string(key) + "' needs a non-negative integer, got '" +
                           std::string(v) + "'");
  return n;
}

void set_header(FaultAction& a, std::string name, std::string value) {
  for (auto& [k, v] : a.headers)
    if (k == name) {
      v = std::move(value);
      return;
    }
  a.headers.emplace_back(std::move(name), std::move(value));
}

void remove_header(FaultAction& a, std::string_view name) {
  std::erase_if(a.headers, [&](const auto& h) { return h.first == name; });
}

// Applies one key=value to a spec. Returns an error naming the key.
std::expected<void, std::string> apply_key(ParsedSpec& out, std::string_view key,
                                           std::string_view val) {
  FaultAction& a = out.rule.action;
  FaultTrigger& t = out.rule.trigger;
  auto num = [&]() { return to_u64(key, val); };
  if (key == "status") {
    auto n = num();
    if (!n || *n < 100 || *n > 599) return std::unexpected("'status' must be 100..599");
    a.status = static_cast<int>(*n);
    if (a.kind == FaultKind::kNone) a.kind = FaultKind::kStatus;
  } else if (key == "retry_after") {
    remove_header(a, "retry-after-ms");
    set_header(a, "retry-after", std::string(val));
    a.retry_after_date_s = -1;
  } else if (key == "retry_after_ms") {
    remove_header(a, "retry-after");
    set_header(a, "retry-after-ms", std::string(val));
  } else if (key == "retry_after_date") {
    auto n = num();
    if (!n) return std::unexpected(n.error());
    remove_header(a, "retry-after");
    remove_header(a, "retry-after-ms");
    a.retry_after_date_s = static_cast<int>(*n);
  } else if (key == "should_retry") {
    if (val != "true" && val != "false")
      return std::unexpected("'should_retry' must be true or false");
    set_header(a, "x-should-retry", std::string(val));
  } else if (key == "header") {
    const auto colon = val.find(':');
    if (colon == std::string_view::npos || colon == 0)
      return std::unexpected("'header' needs NAME:VALUE");
    set_header(a, std::string(val.substr(0, colon)), std::string(val.substr(colon + 1)));
  } else if (key == "type") {
    a.error_type = std::string(val);
  } else if (key == "code") {
    a.error_code = std::string(val);
  } else if (key == "message") {
    a.message = std::string(val);
  } else if (key == "delay_ms" || key == "event_delay_ms" || key == "after_events") {
    auto n = num();
    if (!n) return std::unexpected(n.error());
    if (*n > 600'000) return std::unexpected("'" + std::string(key) + "' is at most 600000");
    if (key == "delay_ms") a.delay_ms = static_cast<int>(*n);
    if (key == "event_delay_ms") a.event_delay_ms = static_cast<int>(*n);
    if (key == "after_events") {
      a.after_events = static_cast<int>(*n);
      a.reset_before_headers = false;
    }
  } else if (key == "remove") {
    a.kind = FaultKind::kDrift;
    a.drift_remove.push_back(std::string(val));
  } else if (key == "rename") {
    const auto colon = val.find(':');
    if (colon == std::string_view::npos || colon == 0 || colon + 1 == val.size())
      return std::unexpected("'rename' needs FROM:TO");
    a.kind = FaultKind::kDrift;
    a.drift_rename.emplace_back(std::string(val.substr(0, colon)),
                                std::string(val.substr(colon + 1)));
  } else if (key == "extra") {
    a.kind = FaultKind::kDrift;
    a.drift_extra = val != "false";
  } else if (key == "first" || key == "every" || key == "from") {
    auto n = num();
    if (!n) return std::unexpected(n.error());
    if (*n == 0 && key != "first") return std::unexpected("'" + std::string(key) + "' must be >= 1");
    t.mode = key == "first"   ? FaultTrigger::Mode::kFirst
             : key == "every" ? FaultTrigger::Mode::kEvery
                              : FaultTrigger::Mode::kFrom;
    t.n = *n;
  } else if (key == "requests") {
    t.mode = FaultTrigger::Mode::kRequests;
    for (auto part : split(val, '|')) {
      auto n = to_u64(key, part);
      if (!n || *n == 0) return std::unexpected("'requests' needs 1-based numbers like 1|3|5");
      t.requests.push_back(*n);
    }
  } else if (key == "probability") {
    double p = -1;
    const auto [ptr, ec] = std::from_chars(val.data(), val.data() + val.size(), p);
    if (ec != std::errc() || ptr != val.data() + val.size() || p < 0 || p > 1)
      return std::unexpected("'probability' must be a number from 0 to 1");
    t.mode = FaultTrigger::Mode::kProbability;
    t.probability = p;
  } else if (key == "surface") {
    if (val == "chat" || val == "chat_completions")
      t.surface = contract::Surface::kChatCompletions;
    else if (val == "responses")
      t.surface = contract::Surface::kResponses;
    else
      return std::unexpected("'surface' must be chat or responses");
  } else if (key == "times") {
    auto n = num();
    if (!n) return std::unexpected(n.error());
    out.times = *n;
  } else {
    return std::unexpected("unknown key '" + std::string(key) + "'");
  }
  return {};
}

}  // namespace

std::string_view fault_kind_name(FaultKind k) {
  switch (k) {
    case FaultKind::kNone: return "delay";
    case FaultKind::kStatus: return "status";
    case FaultKind::kReset: return "reset";
    case FaultKind::kTruncate: return "truncate";
    case FaultKind::kStreamError: return "stream_error";
    case FaultKind::kMalformedJson: return "malformed_json";
    case FaultKind::kHtml: return "html";
    case FaultKind::kDrift: return "drift";
  }
  return "unknown";
}

const std::vector<PresetDoc>& preset_docs() {
  static const std::vector<PresetDoc> kDocs = [] {
    std::vector<PresetDoc> d;
    for (const auto& p : presets()) d.push_back(p.doc);
    return d;
  }();
  return kDocs;
}

std::expected<ParsedSpec, std::string> parse_fault_spec(
    std::string_view spec, const std::map<std::string, FaultAction, std::less<>>* named) {
  const auto parts = split(spec, ',');
  const std::string_view head = parts.empty() ? std::string_view{} : parts[0];
  ParsedSpec out;
  bool found = false;
  if (named) {
    if (auto it = named->find(head); it != named->end()) {
      out.rule.action = it->second;
      found = true;
    }
  }
  if (!found) {
    for (const auto& p : presets())
      if (p.doc.name == head) {
        out.rule.action = p.make();
        found = true;
        break;
      }
  }
  if (!found) {
    // A bare "status=503,..." spec without a preset name is allowed too.
    if (head.find('=') == std::string_view::npos)
      return std::unexpected("unknown fault '" + std::string(head) +
                             "' (see `readygate mock --help` for the list)");
    out.rule.action.name = "custom";
  }
  for (size_t i = found ? 1 : 0; i < parts.size(); ++i) {
    const auto eq = parts[i].find('=');
    if (eq == std::string_view::npos)
      return std::unexpected("expected key=value, got '" + std::string(parts[i]) + "'");
    auto r = apply_key(out, parts[i].substr(0, eq), parts[i].substr(eq + 1));
    if (!r) return std::unexpected("fault '" + std::string(spec) + "': " + r.error());
  }
  const auto& a = out.rule.action;
  if (a.kind == FaultKind::kStatus && a.status == 0)
    return std::unexpected("fault '" + std::string(spec) + "': needs status=NNN");
  return out;
}

FaultPlan::FaultPlan(std::vector<FaultRule> rules,
                     std::map<std::string, FaultAction, std::less<>> named, uint64_t seed)
    : rules_(std::move(rules)), named_(std::move(named)), rng_(seed) {}

namespace {

bool triggers(const FaultTrigger& t, uint64_t n, Random& rng) {
  switch (t.mode) {
    case FaultTrigger::Mode::kAlways: return true;
    case FaultTrigger::Mode::kFirst: return n <= t.n;
    case FaultTrigger::Mode::kFrom: return n >= t.n;
    case FaultTrigger::Mode::kEvery: return n % t.n == 0;
    case FaultTrigger::Mode::kRequests:
      for (auto r : t.requests)
        if (r == n) return true;
      return false;
    case FaultTrigger::Mode::kProbability: return rng.uniform01() < t.probability;
  }
  return false;
}

}  // namespace

std::expected<FaultPlan::Choice, std::string> FaultPlan::choose(contract::Surface surface,
                                                                std::string_view header_spec,
                                                                std::string_view header_id) {
  std::lock_guard lock(mu_);
  Choice c;
  c.request_number = ++count_;
  if (!header_spec.empty()) {
    auto parsed = parse_fault_spec(header_spec, &named_);
    if (!parsed) return std::unexpected(parsed.error());
    const auto& t = parsed->rule.trigger;
    if (t.surface && *t.surface != surface) return c;
    if (parsed->times) {
      // Counts per logical request. Bounded: a long-running provider forgets
      // old ids rather than growing without limit.
      if (header_counts_.size() > 100'000) header_counts_.clear();
      const std::string key = header_id.empty() ? std::string(header_spec) : std::string(header_id);
      uint64_t& seen = header_counts_[key];
      ++seen;
      if (seen > *parsed->times) return c;
    } else if (!triggers(t, c.request_number, rng_)) {
      return c;
    }
    c.action = std::move(parsed->rule.action);
    return c;
  }
  for (const auto& r : rules_) {
    if (r.trigger.surface && *r.trigger.surface != surface) continue;
    if (triggers(r.trigger, c.request_number, rng_)) {
      c.action = r.action;
      return c;
    }
  }
  return c;
}

namespace {

std::string scalar_text(const YAML::Node& n) {
  return n.IsScalar() ? n.Scalar() : std::string();
}

}  // namespace

std::expected<std::unique_ptr<FaultPlan>, std::string> FaultPlan::from_yaml_file(const std::string& path,
                                                                std::vector<FaultRule> extra,
                                                                uint64_t seed) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::Exception& e) {
    return std::unexpected(path + ": " + e.what());
  }
  if (!root.IsMap()) return std::unexpected(path + ": expected a mapping with `faults:`");
  for (auto it = root.begin(); it != root.end(); ++it) {
    const auto key = it->first.as<std::string>();
    if (key != "seed" && key != "faults")
      return std::unexpected(path + ": " + key + ": unknown key (expected seed, faults)");
  }
  if (root["seed"]) {
    auto n = to_u64("seed", scalar_text(root["seed"]));
    if (!n) return std::unexpected(path + ": seed: " + n.error());
    seed = *n;
  }
  std::vector<FaultRule> rules;
  std::map<std::string, FaultAction, std::less<>> named;
  const YAML::Node faults = root["faults"];
  if (faults && !faults.IsSequence()) return std::unexpected(path + ": faults: expected a list");
  for (size_t i = 0; faults && i < faults.size(); ++i) {
    const std::string where = path + ": faults[" + std::to_string(i) + "]";
    const YAML::Node f = faults[i];
    if (!f.IsMap()) return std::unexpected(where + ": expected a mapping");
    std::string spec = f["preset"] ? scalar_text(f["preset"]) : std::string();
    bool has_trigger = false;
    std::string name;
    for (auto kv = f.begin(); kv != f.end(); ++kv) {
      const auto key = kv->first.as<std::string>();
      if (key == "preset") continue;
      if (key == "name") {
        name = scalar_text(kv->second);
        continue;
      }
      if (key == "headers") {
        if (!kv->second.IsMap()) return std::unexpected(where + ".headers: expected a mapping");
        for (auto h = kv->second.begin(); h != kv->second.end(); ++h)
          spec += (spec.empty() ? "" : ",") + std::string("header=") + h->first.as<std::string>() +
                  ":" + scalar_text(h->second);
        continue;
      }
      if (key == "body") continue;
      if (!kv->second.IsScalar() && key != "requests")
        return std::unexpected(where + "." + key + ": expected a scalar");
      std::string val;
      if (key == "requests") {
        if (!kv->second.IsSequence()) return std::unexpected(where + ".requests: expected a list");
        for (size_t k = 0; k < kv->second.size(); ++k)
          val += (k ? "|" : "") + scalar_text(kv->second[k]);
      } else {
        val = scalar_text(kv->second);
      }
      if (val.find(',') != std::string::npos)
        return std::unexpected(where + "." + key + ": commas are not allowed in values");
      if (key == "first" || key == "requests" || key == "every" || key == "from" ||
          key == "probability")
        has_trigger = true;
      spec += (spec.empty() ? "" : ",") + key + "=" + val;
    }
    auto parsed = parse_fault_spec(spec, &named);
    if (!parsed) return std::unexpected(where + ": " + parsed.error());
    if (f["body"]) parsed->rule.action.body = scalar_text(f["body"]);
    if (!name.empty()) parsed->rule.action.name = name;
    if (!name.empty()) named[name] = parsed->rule.action;
    if (has_trigger || name.empty()) rules.push_back(std::move(parsed->rule));
  }
  for (auto& r : extra) rules.push_back(std::move(r));
  return std::make_unique<FaultPlan>(std::move(rules), std::move(named), seed);
}

}  // namespace readygate::mock
