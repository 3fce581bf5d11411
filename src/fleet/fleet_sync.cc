#include "fleet/fleet_sync.h"

#include <algorithm>
#include <charconv>

namespace readygate::fleet {
namespace {

using std::chrono::milliseconds;

// Sets KEYS[1] to ARGV[1] (wall ms) with a TTL of ARGV[2] ms unless it
// already holds a later time: two replicas opening at once keep the longer hold.
constexpr const char* kPublishHold =
    "local c = redis.call('GET', KEYS[1]) "
    "if (not c) or tonumber(c) < tonumber(ARGV[1]) then "
    "redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 1 end return 0";

int64_t wall_ms(WallTime t) {
  return std::chrono::duration_cast<milliseconds>(t.time_since_epoch()).count();
}

uint64_t as_count(const RedisReply& r) {
  if (r.kind == RedisReply::Kind::kInteger) return static_cast<uint64_t>(std::max<int64_t>(r.integer, 0));
  uint64_t v = 0;
  if (r.kind == RedisReply::Kind::kString)
    std::from_chars(r.str.data(), r.str.data() + r.str.size(), v);
  return v;
}

}  // namespace

FleetSync::FleetSync(FleetOptions options, const Clock& clock)
    : opts_(std::move(options)),
      clock_(clock),
      redis_(opts_.endpoint, opts_.password, opts_.timeout) {}

FleetSync::~FleetSync() { stop(); }

void FleetSync::add_budget(std::string upstream, std::mutex& mu, policy::RetryBudget& budget) {
  auto e = std::make_unique<BudgetEntry>();
  e->upstream = std::move(upstream);
  e->mu = &mu;
  e->budget = &budget;
  budgets_.push_back(std::move(e));
}

void FleetSync::add_breaker(std::string route, std::mutex& mu, policy::CircuitBreaker& breaker) {
  auto e = std::make_unique<BreakerEntry>();
  e->route = std::move(route);
  e->mu = &mu;
  e->breaker = &breaker;
  breakers_.push_back(std::move(e));
}

std::string FleetSync::budget_key(const std::string& upstream, int64_t second) const {
  return opts_.key_prefix + ":budget:" + upstream + ":" + std::to_string(second);
}

std::string FleetSync::breaker_key(const std::string& route) const {
  return opts_.key_prefix + ":breaker:" + route;
}

std::expected<void, std::string> FleetSync::sync_once() {
  const SteadyTime now = clock_.now();
  const int64_t now_ms = wall_ms(clock_.wall());
  const int64_t second = now_ms / 1000;
  std::vector<std::vector<std::string>> cmds;

  // What this round pushes, applied to the entries only if the round succeeds.
  struct BudgetRound {
    uint64_t requests = 0, retries = 0, d_requests = 0, d_retries = 0;
    int64_t window_s = 1;
    size_t first_read = 0;  // index of the first HMGET reply
  };
  std::vector<BudgetRound> rounds(budgets_.size());
  for (size_t i = 0; i < budgets_.size(); ++i) {
    BudgetEntry& e = *budgets_[i];
    BudgetRound& r = rounds[i];
    {
      std::lock_guard lock(*e.mu);
      r.requests = e.budget->requests_recorded();
      r.retries = e.budget->retries_granted();
      r.window_s = std::max<int64_t>(e.budget->config().window.count(), 1);
    }
    r.d_requests = r.requests - e.pushed_requests;
    r.d_retries = r.retries - e.pushed_retries;
    const std::string key = budget_key(e.upstream, second);
    if (r.d_requests) cmds.push_back({"HINCRBY", key, "req", std::to_string(r.d_requests)});
    if (r.d_retries) cmds.push_back({"HINCRBY", key, "ret", std::to_string(r.d_retries)});
    if (r.d_requests || r.d_retries)
      cmds.push_back({"PEXPIRE", key, std::to_string((r.window_s + 2) * 1000)});
    r.first_read = cmds.size();
    for (int64_t s = second - r.window_s + 1; s <= second; ++s)
      cmds.push_back({"HMGET", budget_key(e.upstream, s), "req", "ret"});
  }
  std::vector<int64_t> publishing(breakers_.size(), 0);
  std::vector<size_t> breaker_read(breakers_.size());
  for (size_t i = 0; i < breakers_.size(); ++i) {
    BreakerEntry& e = *breakers_[i];
    int64_t until_ms = 0;
    {
      std::lock_guard lock(*e.mu);
      const auto& b = *e.breaker;
      if (b.state(now) == policy::BreakerState::kOpen && !b.held_by_peer() && b.open_until() > now)
        until_ms = now_ms + std::chrono::duration_cast<milliseconds>(b.open_until() - now).count();
    }
    if (until_ms > e.published_until_ms) {
      publishing[i] = until_ms;
      cmds.push_back({"EVAL", kPublishHold, "1", breaker_key(e.route), std::to_string(until_ms),
                      std::to_string(until_ms - now_ms)});
    }
    breaker_read[i] = cmds.size();
    cmds.push_back({"GET", breaker_key(e.route)});
  }
  if (cmds.empty()) return {};

  auto replies = redis_.pipeline(cmds);
  ++syncs_;
  if (!replies) {
    ++failures_;
    healthy_ = false;
    return std::unexpected(replies.error());
  }
  healthy_ = true;

  for (size_t i = 0; i < budgets_.size(); ++i) {
    BudgetEntry& e = *budgets_[i];
    const BudgetRound& r = rounds[i];
    e.pushed_requests = r.requests;
    e.pushed_retries = r.retries;
    if (r.d_requests || r.d_retries) {
      auto& own = e.own[second];
      own.first += r.d_requests;
      own.second += r.d_retries;
    }
    std::erase_if(e.own, [&](const auto& kv) { return kv.first <= second - r.window_s; });
    uint64_t fleet_req = 0, fleet_ret = 0, own_req = 0, own_ret = 0;
    for (int64_t k = 0; k < r.window_s; ++k) {
      const RedisReply& h = (*replies)[r.first_read + static_cast<size_t>(k)];
      if (h.kind != RedisReply::Kind::kArray || h.elements.size() != 2) continue;
      fleet_req += as_count(h.elements[0]);
      fleet_ret += as_count(h.elements[1]);
    }
    for (const auto& [s, c] : e.own) {
      own_req += c.first;
      own_ret += c.second;
    }
    const double peer_req = fleet_req > own_req ? static_cast<double>(fleet_req - own_req) : 0;
    const double peer_ret = fleet_ret > own_ret ? static_cast<double>(fleet_ret - own_ret) : 0;
    std::lock_guard lock(*e.mu);
    e.budget->set_peer_counts(peer_req, peer_ret);
  }
  for (size_t i = 0; i < breakers_.size(); ++i) {
    BreakerEntry& e = *breakers_[i];
    if (publishing[i]) e.published_until_ms = publishing[i];
    const RedisReply& g = (*replies)[breaker_read[i]];
    if (g.kind != RedisReply::Kind::kString) continue;
    int64_t until_ms = 0;
    std::from_chars(g.str.data(), g.str.data() + g.str.size(), until_ms);
    if (until_ms <= now_ms) continue;
    std::lock_guard lock(*e.mu);
    e.breaker->hold_open(now, now + milliseconds(until_ms - now_ms));
    // A hold this replica adopted is not published back as its own.
    e.published_until_ms = std::max(e.published_until_ms, until_ms);
  }
  return {};
}

void FleetSync::start() {
  if (thread_.joinable()) return;
  thread_ = std::thread([this] {
    std::unique_lock lock(run_mu_);
    while (!stopping_) {
      lock.unlock();
      (void)sync_once();
      lock.lock();
      run_cv_.wait_for(lock, opts_.interval, [this] { return stopping_; });
    }
  });
}

void FleetSync::stop() {
  {
    std::lock_guard lock(run_mu_);
    stopping_ = true;
  }
  run_cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

}  // namespace readygate::fleet
