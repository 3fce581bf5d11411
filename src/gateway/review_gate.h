// The no-unreviewed-fallback policy of `serve` (issue 4 §6, DESIGN "Request
// flow": "if breaker open or route not reviewed -> skip, record why").
//
// A fallback route (any route of a chain after its primary) serves only if
// its latest review for its current config fingerprint passed
// (evidence::ReviewStatus::kPassing). Otherwise the chain's
// `fallback.unreviewed` policy decides: refuse (skip), limited (at most
// `limited_share` of the fallback traffic reaching that route, counted
// deterministically: the n-th arrival is served iff served + 1 <= share * n),
// or allow (served, the record marks review required). The primary is never
// gated: refusing it would refuse all traffic; reviewing it is the review's
// job and its verdict.
//
// decide_unreviewed() is the pure rule. ReviewGate holds the review states
// (replaced whole by set_states(), e.g. when serve re-reads its evidence
// store) and the limited counters per (chain, route).
//
// Thread-safety: ReviewGate's members may be called concurrently (one mutex;
// only fallback routes reach it).
#pragma once

#include <cstdint>
#include <expected>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "evidence/review_rows.h"

namespace readygate::gateway {

enum class FallbackAdmission {
  kReviewed,          // passing review for the current fingerprint: serve
  kAllowedUnreviewed, // policy allow: serve, record review required
  kLimitedServed,     // policy limited, within the share: serve, record review required
  kLimitedRefused,    // policy limited, over the share: skip ("unreviewed_limit")
  kRefused,           // policy refuse: skip ("unreviewed")
};
// "reviewed", "allowed_unreviewed", "limited_served", "limited_refused", "refused".
std::string_view admission_name(FallbackAdmission a);

struct LimitedCount {
  uint64_t reached = 0;  // unreviewed fallback arrivals under `limited`
  uint64_t served = 0;
};

// The rule, pure but for `count`, which it advances under kLimited.
FallbackAdmission decide_unreviewed(config::UnreviewedPolicy policy, double limited_share,
                                    evidence::ReviewStatus status, LimitedCount& count);

class ReviewGate {
 public:
  // Every route starts as evidence::ReviewStatus::kMissing.
  explicit ReviewGate(const config::Config& cfg);

  // Replaces the states (routes not listed become kMissing).
  void set_states(const std::vector<evidence::RouteReviewState>& states);
  // One per configured route, in config order.
  std::vector<evidence::RouteReviewState> states() const;

  // The admission of `chain.routes[index]`; index 0 (the primary) is always kReviewed.
  FallbackAdmission admit(const config::ChainConfig& chain, size_t index);

 private:
  const config::Config& cfg_;
  mutable std::mutex mu_;
  std::map<std::string, evidence::RouteReviewState, std::less<>> states_;
  std::map<std::string, LimitedCount, std::less<>> limited_;  // chain model + '\n' + route
};

// The review state of every configured route from the evidence store at
// `path` (config's evidence.path): rows read once, states per route's
// current fingerprint. A .jsonl store keeps no reviews: an error.
std::expected<std::vector<evidence::RouteReviewState>, std::string> load_review_states(
    const config::Config& cfg, const std::string& path);

}  // namespace readygate::gateway
