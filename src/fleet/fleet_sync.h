// FleetSync: shares retry budgets and breaker openings between gateway
// replicas through Redis (DESIGN.md: "budgets and breaker state in Redis").
//
// Decisions stay local and on the data path's own locks; this class only
// moves counts between replicas, on its own thread, every `interval`:
//  - budgets: pushes the replica's new requests/retries per upstream into
//    per-wall-second hashes (HINCRBY, expiring after the window), reads the
//    fleet's totals for the window back and hands each budget what the OTHER
//    replicas counted (RetryBudget::set_peer_counts). Own contributions are
//    remembered per second and subtracted, so nothing is counted twice.
//  - breakers: a breaker this replica opened is published as "open until
//    T" (wall ms, with a matching TTL; a longer hold is never shortened); a
//    peer's published hold opens this replica's breaker until T
//    (CircuitBreaker::hold_open). Probing after T stays per replica.
// Counts are at most one interval stale. If Redis is down, every replica
// decides alone (the data path never waits on Redis) and healthy() says so.
//
// Keys: PREFIX:budget:UPSTREAM:SECOND (hash: req, ret) and
// PREFIX:breaker:ROUTE (string: wall ms). Route and upstream names are
// config names and scheme://host:port keys, never secrets.
//
// Thread-safety: register everything before start(); sync_once() and the
// thread lock each budget/breaker with the mutex given at registration.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <expected>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "base/clock.h"
#include "fleet/redis_client.h"
#include "policy/circuit_breaker.h"
#include "policy/retry_budget.h"

namespace readygate::fleet {

struct FleetOptions {
  RedisEndpoint endpoint;
  std::string password;  // resolved secret; never logged
  std::string key_prefix = "readygate";
  std::chrono::milliseconds interval{250};
  std::chrono::milliseconds timeout{200};
};

class FleetSync {
 public:
  FleetSync(FleetOptions options, const Clock& clock);
  ~FleetSync();

  void add_budget(std::string upstream, std::mutex& mu, policy::RetryBudget& budget);
  void add_breaker(std::string route, std::mutex& mu, policy::CircuitBreaker& breaker);

  // One exchange with Redis. Returns the error of a failed exchange (the
  // budgets then keep their last peer counts until the next success).
  std::expected<void, std::string> sync_once();

  // Runs sync_once() every interval on a thread until stop().
  void start();
  void stop();

  bool healthy() const { return healthy_.load(); }
  uint64_t syncs() const { return syncs_.load(); }
  uint64_t failures() const { return failures_.load(); }

 private:
  struct BudgetEntry {
    std::string upstream;
    std::mutex* mu;
    policy::RetryBudget* budget;
    uint64_t pushed_requests = 0;
    uint64_t pushed_retries = 0;
    // Own contributions per wall second, for subtracting from the fleet's sums.
    std::map<int64_t, std::pair<uint64_t, uint64_t>> own;
  };
  struct BreakerEntry {
    std::string route;
    std::mutex* mu;
    policy::CircuitBreaker* breaker;
    int64_t published_until_ms = 0;
  };

  std::string budget_key(const std::string& upstream, int64_t second) const;
  std::string breaker_key(const std::string& route) const;

  FleetOptions opts_;
  const Clock& clock_;
  RedisClient redis_;
  std::vector<std::unique_ptr<BudgetEntry>> budgets_;
  std::vector<std::unique_ptr<BreakerEntry>> breakers_;
  std::atomic<bool> healthy_{false};
  std::atomic<uint64_t> syncs_{0};
  std::atomic<uint64_t> failures_{0};
  std::mutex run_mu_;
  std::condition_variable run_cv_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace readygate::fleet
