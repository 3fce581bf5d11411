#include "gateway/review_gate.h"

#include "evidence/store_factory.h"

namespace readygate::gateway {

std::string_view admission_name(FallbackAdmission a) {
  switch (a) {
    case FallbackAdmission::kReviewed:
      return "reviewed";
    case FallbackAdmission::kAllowedUnreviewed:
      return "allowed_unreviewed";
    case FallbackAdmission::kLimitedServed:
      return "limited_served";
    case FallbackAdmission::kLimitedRefused:
      return "limited_refused";
    case FallbackAdmission::kRefused:
      return "refused";
  }
  return "refused";
}

FallbackAdmission decide_unreviewed(config::UnreviewedPolicy policy, double limited_share,
                                    evidence::ReviewStatus status, LimitedCount& count) {
  if (status == evidence::ReviewStatus::kPassing) return FallbackAdmission::kReviewed;
  switch (policy) {
    case config::UnreviewedPolicy::kAllow:
      return FallbackAdmission::kAllowedUnreviewed;
    case config::UnreviewedPolicy::kRefuse:
      return FallbackAdmission::kRefused;
    case config::UnreviewedPolicy::kLimited: {
      ++count.reached;
      // The tolerance keeps 0.1 * 10 from landing a hair under 1.
      const double allowed = limited_share * static_cast<double>(count.reached) + 1e-9;
      if (static_cast<double>(count.served + 1) <= allowed) {
        ++count.served;
        return FallbackAdmission::kLimitedServed;
      }
      return FallbackAdmission::kLimitedRefused;
    }
  }
  return FallbackAdmission::kRefused;
}

ReviewGate::ReviewGate(const config::Config& cfg) : cfg_(cfg) { set_states({}); }

void ReviewGate::set_states(const std::vector<evidence::RouteReviewState>& states) {
  std::map<std::string, evidence::RouteReviewState, std::less<>> next;
  for (const auto& r : cfg_.routes) next[r.name].route = r.name;
  for (const auto& s : states)
    if (auto it = next.find(s.route); it != next.end()) it->second = s;
  std::lock_guard lock(mu_);
  states_ = std::move(next);
}

std::vector<evidence::RouteReviewState> ReviewGate::states() const {
  std::lock_guard lock(mu_);
  std::vector<evidence::RouteReviewState> out;
  for (const auto& r : cfg_.routes)
    if (auto it = states_.find(r.name); it != states_.end()) out.push_back(it->second);
  return out;
}

FallbackAdmission ReviewGate::admit(const config::ChainConfig& chain, size_t index) {
  if (index == 0 || index >= chain.routes.size()) return FallbackAdmission::kReviewed;
  const std::string& route = chain.routes[index];
  std::lock_guard lock(mu_);
  auto it = states_.find(route);
  const auto status = it == states_.end() ? evidence::ReviewStatus::kMissing : it->second.status;
  return decide_unreviewed(chain.fallback.unreviewed, chain.fallback.limited_share, status,
                           limited_[chain.model + '\n' + route]);
}

std::expected<std::vector<evidence::RouteReviewState>, std::string> load_review_states(
    const config::Config& cfg, const std::string& path) {
  auto store = evidence::open_store(path, evidence::OpenMode::kCreate);
  if (!store) return std::unexpected(store.error());
  auto rows = (*store)->review_steps("");
  if (!rows) return std::unexpected(rows.error());
  std::vector<evidence::RouteReviewState> out;
  for (const auto& r : cfg.routes)
    out.push_back(evidence::review_state_of(r.name, cfg.fingerprint_of_route(r.name), *rows));
  return out;
}

}  // namespace readygate::gateway
