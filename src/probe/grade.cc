#include "probe/grade.h"

#include <cmath>

namespace readygate::probe {
namespace {

int64_t ms(double v) { return std::llround(v); }

std::string n_attempts(size_t n) {
  return std::to_string(n) + (n == 1 ? " attempt" : " attempts");
}

std::string list_ms(const std::vector<int64_t>& v) {
  std::string s;
  for (auto x : v) s += (s.empty() ? "" : ", ") + std::to_string(x);
  return s + " ms";
}

bool exited_zero(const CommandOutcome& o) {
  return o.end == CommandOutcome::End::kExited && o.exit_code == 0;
}

bool killed(const CommandOutcome& o) { return o.end == CommandOutcome::End::kKilledByProbe; }

// The first gap shorter than `floor`, as its index; -1 when none.
int first_gap_below(const std::vector<double>& gaps, double floor) {
  for (size_t i = 0; i < gaps.size(); ++i)
    if (gaps[i] < floor) return static_cast<int>(i);
  return -1;
}

Grade verdict(Grade g, bool pass, std::string reason) {
  g.pass = pass;
  g.reason = std::move(reason);
  return g;
}

}  // namespace

std::string describe(const CommandOutcome& o) {
  switch (o.end) {
    case CommandOutcome::End::kExited:
      return "exit " + std::to_string(o.exit_code);
    case CommandOutcome::End::kSignaled:
      return "terminated by signal " + std::to_string(o.signal);
    case CommandOutcome::End::kKilledByProbe:
      return "killed by the probe at " + std::to_string(ms(o.elapsed_ms)) + " ms";
  }
  return "unknown";
}

Grade grade(const Scenario& s, const std::vector<Attempt>& attempts, const CommandOutcome& o) {
  Grade g;
  std::vector<double> gaps;
  for (size_t i = 0; i < attempts.size(); ++i) {
    g.offsets_ms.push_back(ms(attempts[i].t_ms - attempts[0].t_ms));
    if (i > 0) {
      gaps.push_back(attempts[i].t_ms - attempts[i - 1].t_ms);
      g.gaps_ms.push_back(ms(gaps.back()));
    }
  }
  const size_t n = attempts.size();
  const std::string end = describe(o);
  const std::string count = n_attempts(n);
  if (n == 0)
    return verdict(std::move(g), false,
                   "no request reached the provider (" + end +
                       "); does the command read OPENAI_BASE_URL or COMETAPI_BASE_URL?");
  const bool over_max = n > static_cast<size_t>(s.max_attempts);
  const std::string unbounded = "unbounded retries: " + count + " (at most " +
                                std::to_string(s.max_attempts) + " allowed); " + end;
  const std::string hung = "still running at the bound after " + count + ": " + end;
  auto too_soon = [&](int i, double floor, const std::string& what) {
    // Rounded down: a gap of 1999.6 ms under a 2000 ms floor must not print as 2000.
    return "retry " + std::to_string(i + 1) + " came " +
           std::to_string(static_cast<int64_t>(std::floor(gaps[i]))) +
           " ms after its predecessor, under " + what + " of " + std::to_string(ms(floor)) +
           " ms; " + end;
  };

  switch (s.expect) {
    case Expect::kSingleAttempt:
      if (n > 1)
        return verdict(std::move(g), false,
                       "retried a non-retryable error: " + count + " (expected exactly 1); " + end);
      if (killed(o)) return verdict(std::move(g), false, hung);
      return verdict(std::move(g), true, "one attempt, no retry; " + end);

    case Expect::kRetryThenSucceed: {
      if (over_max) return verdict(std::move(g), false, unbounded);
      if (killed(o)) return verdict(std::move(g), false, hung);
      if (n == 1) return verdict(std::move(g), false, "not retried: 1 attempt; " + end);
      if (int i = first_gap_below(gaps, s.min_gap_ms); i >= 0)
        return verdict(std::move(g), false, too_soon(i, s.min_gap_ms, "the immediate-retry floor"));
      if (gaps.size() >= 2 && !(gaps.back() > gaps.front()))
        return verdict(std::move(g), false,
                       "delays did not grow (a fixed or shrinking interval): gaps " +
                           list_ms(g.gaps_ms) + "; " + end);
      if (!exited_zero(o))
        return verdict(std::move(g), false, "retried but did not succeed: " + count + "; " + end);
      return verdict(std::move(g), true,
                     "retried " + std::to_string(n - 1) + "x with " +
                         (gaps.size() >= 2 ? "growing " : "") + "gaps " + list_ms(g.gaps_ms) +
                         "; " + end);
    }

    case Expect::kRetryAfterFloor: {
      if (over_max) return verdict(std::move(g), false, unbounded);
      if (killed(o)) return verdict(std::move(g), false, hung);
      if (n == 1)
        return verdict(std::move(g), false,
                       "not retried: 1 attempt (a 429 with Retry-After is transient); " + end);
      if (int i = first_gap_below(gaps, s.retry_after_ms); i >= 0)
        return verdict(std::move(g), false, too_soon(i, s.retry_after_ms, "Retry-After"));
      if (!exited_zero(o))
        return verdict(std::move(g), false,
                       "waited for Retry-After but did not succeed: " + count + "; " + end);
      return verdict(std::move(g), true,
                     "waited " + list_ms(g.gaps_ms) + " (Retry-After " +
                         std::to_string(s.retry_after_ms) + " ms); " + end);
    }

    case Expect::kNoBurst: {
      if (n > static_cast<size_t>(s.burst_limit))
        return verdict(std::move(g), false,
                       "burst: " + count + " (at most " + std::to_string(s.burst_limit) +
                           " allowed), gaps " + list_ms(g.gaps_ms) + "; " + end);
      if (int i = first_gap_below(gaps, s.min_gap_ms); i >= 0)
        return verdict(std::move(g), false, too_soon(i, s.min_gap_ms, "the immediate-retry floor"));
      if (killed(o))
        return verdict(std::move(g), false,
                       hung + " (a Retry-After beyond any sane cap should be returned as an "
                              "error, not waited on)");
      return verdict(std::move(g), true,
                     "no burst: " + count + (gaps.empty() ? "" : ", gaps " + list_ms(g.gaps_ms)) +
                         ", gave up on its own; " + end);
    }

    case Expect::kReportsFailure:
      if (over_max) return verdict(std::move(g), false, unbounded);
      if (killed(o)) return verdict(std::move(g), false, hung);
      if (exited_zero(o))
        return verdict(std::move(g), false,
                       "reported success (exit 0) for an answer that never finished; " + count);
      return verdict(std::move(g), true, "reported the failure; " + count + "; " + end);

    case Expect::kGivesUpInTime:
      if (killed(o))
        return verdict(std::move(g), false,
                       "did not give up: " + end + " after " + count + " (bound " +
                           std::to_string(s.timeout_ms) + " ms)");
      if (over_max) return verdict(std::move(g), false, unbounded);
      if (exited_zero(o))
        return verdict(std::move(g), false,
                       "exit 0 although no answer could arrive before the bound; " + count);
      return verdict(std::move(g), true,
                     "gave up on its own after " + std::to_string(ms(o.elapsed_ms)) +
                         " ms (bound " + std::to_string(s.timeout_ms) + " ms), " + count + "; " +
                         end);
  }
  return verdict(std::move(g), false, "unknown expectation");
}

}  // namespace readygate::probe
