#include "probe/scenario.h"

#include "mock/fault.h"
#include "review/workspace.h"

namespace readygate::probe {
namespace {

constexpr int kMaxBoundMs = 3'600'000;

struct ExpectInfo {
  Expect e;
  std::string_view name;
  std::string_view rule;
};

constexpr ExpectInfo kExpects[] = {
    {Expect::kSingleAttempt, "single_attempt",
     "exactly one attempt (no blind retry), and the command exits on its own"},
    {Expect::kRetryThenSucceed, "retry_then_succeed",
     "retried until the answer came, at most max_attempts attempts, every retry at least "
     "min_gap_ms after its predecessor, the last gap longer than the first, and exit 0"},
    {Expect::kRetryAfterFloor, "retry_after_floor",
     "retried, every retry at least Retry-After after its predecessor, at most max_attempts "
     "attempts, and exit 0"},
    {Expect::kNoBurst, "no_burst",
     "at most burst_limit attempts before the command exits, none closer than min_gap_ms to its "
     "predecessor, and the command exits on its own before the bound (no waiting on a Retry-After "
     "beyond any sane cap)"},
    {Expect::kReportsFailure, "reports_failure",
     "the command exits non-zero on its own (it reports the failure), at most max_attempts "
     "attempts"},
    {Expect::kGivesUpInTime, "gives_up_in_time",
     "the command gives up on its own and exits non-zero before the probe's bound (killed by the "
     "probe = fail)"},
};

Scenario make(std::string name, std::string what, Expect e, std::vector<std::string> faults,
              const ScenarioSettings& st) {
  Scenario s;
  s.name = std::move(name);
  s.what = std::move(what);
  s.expect = e;
  s.faults = std::move(faults);
  s.timeout_ms = st.timeout_ms;
  s.client_timeout_ms = st.client_timeout_ms;
  return s;
}

const ExpectInfo* find(Expect e) {
  for (const auto& i : kExpects)
    if (i.e == e) return &i;
  return nullptr;
}

}  // namespace

std::string_view expect_name(Expect e) {
  const ExpectInfo* i = find(e);
  return i ? i->name : "unknown";
}

std::optional<Expect> parse_expect(std::string_view name) {
  for (const auto& i : kExpects)
    if (i.name == name) return i.e;
  return std::nullopt;
}

std::string expect_rule(Expect e) {
  const ExpectInfo* i = find(e);
  return i ? std::string(i->rule) : std::string();
}

std::vector<Scenario> builtin_scenarios(const ScenarioSettings& st) {
  std::vector<Scenario> v;
  const auto single = Expect::kSingleAttempt;
  v.push_back(make("bad_request_400", "400 invalid_request_error", single, {"bad_request"}, st));
  v.push_back(make("auth_401", "401 invalid API key", single, {"unauthorized"}, st));
  v.push_back(make("permission_403", "403 permission denied", single, {"forbidden"}, st));
  v.push_back(make("not_found_404", "404 model not found", single, {"not_found"}, st));
  v.push_back(make("unprocessable_422", "422 unprocessable entity", single, {"unprocessable"}, st));
  v.push_back(make("cometapi_invalid_request_500",
                   "CometAPI's 500 with error.code invalid_request (a malformed request)", single,
                   {"invalid_request_500"}, st));
  v.push_back(make("transient_503_twice", "503, 503, then 200", Expect::kRetryThenSucceed,
                   {"unavailable,first=2"}, st));
  auto ra = make("retry_after_2s", "429 with Retry-After: 2 once, then 200",
                 Expect::kRetryAfterFloor, {"rate_limit,retry_after=2,first=1"}, st);
  ra.retry_after_ms = 2000;
  v.push_back(std::move(ra));
  v.push_back(make("retry_after_huge", "429 with Retry-After: 3600 on every attempt",
                   Expect::kNoBurst, {"rate_limit,retry_after=3600"}, st));
  v.push_back(make("should_retry_false", "503 with x-should-retry: false", single,
                   {"unavailable,should_retry=false"}, st));
  auto tr = make("truncated_stream",
                 "a 200 stream that ends cleanly after 3 events, without its terminal event",
                 Expect::kReportsFailure, {"truncate,after_events=3"}, st);
  tr.stream = true;
  v.push_back(std::move(tr));
  auto slow = make("slow_first_byte",
                   "every answer's first byte comes only after the probe's bound",
                   Expect::kGivesUpInTime, {}, st);
  slow.first_byte_after_bound = true;
  v.push_back(std::move(slow));
  return v;
}

std::vector<std::string> provider_faults(const Scenario& s) {
  std::vector<std::string> out = s.faults;
  if (s.first_byte_after_bound)
    out.push_back("slow_headers,delay_ms=" + std::to_string(s.timeout_ms + 1000));
  return out;
}

std::optional<std::string> validate(const Scenario& s) {
  if (!review::is_simple_token(s.name, 64))
    return "name: use 1-64 letters, digits, '_', '-' or '.' (got '" + s.name.substr(0, 64) + "')";
  auto range = [](const char* field, int v, int lo, int hi) -> std::optional<std::string> {
    if (v < lo || v > hi)
      return std::string(field) + ": must be " + std::to_string(lo) + ".." + std::to_string(hi) +
             " (got " + std::to_string(v) + ")";
    return std::nullopt;
  };
  if (auto e = range("timeout_ms", s.timeout_ms, 100, kMaxBoundMs)) return e;
  if (auto e = range("client_timeout_ms", s.client_timeout_ms, 1, kMaxBoundMs)) return e;
  if (auto e = range("retry_after_ms", s.retry_after_ms, 0, kMaxBoundMs)) return e;
  if (auto e = range("max_attempts", s.max_attempts, 1, 100)) return e;
  if (auto e = range("min_gap_ms", s.min_gap_ms, 0, 60'000)) return e;
  if (auto e = range("burst_limit", s.burst_limit, 1, 100)) return e;
  if (s.expect == Expect::kRetryAfterFloor && s.retry_after_ms <= 0)
    return std::string("retry_after_ms: retry_after_floor needs the floor (> 0)");
  for (size_t i = 0; i < s.faults.size(); ++i) {
    auto parsed = mock::parse_fault_spec(s.faults[i]);
    if (!parsed) return "faults[" + std::to_string(i) + "]: " + parsed.error();
    if (parsed->times)
      return "faults[" + std::to_string(i) + "]: 'times' is for the request header only";
  }
  return std::nullopt;
}

}  // namespace readygate::probe
