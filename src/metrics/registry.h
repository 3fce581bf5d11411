// Registry: named metric families, each with one series per label set, and
// their rendering in the Prometheus text exposition format 0.0.4.
//
// Ownership: the Registry owns every series; counter(), gauge() and
// histogram() return references that stay valid for the Registry's lifetime
// (node-based storage, nothing is ever removed).
//
// Thread-safety: all members may be called concurrently. A look-up takes a
// shared lock, creating a series a unique lock; updating a series through
// its reference takes no lock at all, so hot paths cache the reference.
//
// Labels: values are cleaned (valid UTF-8, at most kMaxLabelValueBytes) and
// pass the caller's LabelSanitizer hook and then redact_credentials(). Label
// order does not matter: {a,b} and {b,a} are one series, rendered sorted.
//
// Mistakes never throw and never corrupt the output: an invalid metric or
// label name, a duplicate label, "le" on a histogram, or a name already
// registered with another type yields a working series that is not
// rendered, and counts in registration_errors() (rendered as
// readygate_metrics_registration_errors_total once non-zero). A family
// holds at most max_series_per_family label sets; further ones share a
// series whose label values are all "[overflow]". The first registration of
// a family fixes its help text and histogram bounds.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "metrics/label_sanitizer.h"
#include "metrics/metric.h"

namespace readygate::metrics {

using Labels = std::vector<std::pair<std::string, std::string>>;

inline constexpr size_t kMaxLabelValueBytes = 256;
inline constexpr std::string_view kOverflow = "[overflow]";

struct RegistryOptions {
  LabelSanitizer label_sanitizer;  // optional; runs before redact_credentials
  size_t max_series_per_family = 1000;
};

class Registry {
 public:
  Registry() = default;
  explicit Registry(RegistryOptions options) : options_(std::move(options)) {}
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  Counter& counter(std::string_view name, std::string_view help, const Labels& labels = {});
  Gauge& gauge(std::string_view name, std::string_view help, const Labels& labels = {});
  Histogram& histogram(std::string_view name, std::string_view help, std::vector<double> bounds,
                       const Labels& labels = {});

  // Families sorted by name, each with "# HELP" and "# TYPE" once, series
  // sorted by label set; histograms as cumulative _bucket{le=...} lines
  // ending in le="+Inf", then _sum and _count.
  std::string render() const;

  uint64_t registration_errors() const;

 private:
  enum class Type { kCounter, kGauge, kHistogram };
  struct Family {
    Type type = Type::kCounter;
    std::string help;
    std::vector<double> bounds;
    std::map<Labels, Counter> counters;
    std::map<Labels, Gauge> gauges;
    std::map<Labels, Histogram> histograms;
  };

  template <typename T>
  T& series(std::string_view name, std::string_view help, Type type, std::vector<double> bounds,
            const Labels& labels);
  // Sanitized, sorted label set; false when the names break a rule.
  bool make_key(const Labels& labels, Type type, Labels* key) const;
  static std::string_view type_name(Type type);
  static void render_family(std::string& out, const std::string& name, const Family& f);

  const RegistryOptions options_;
  mutable std::shared_mutex mu_;
  std::map<std::string, Family, std::less<>> families_;
  std::map<std::string, Family, std::less<>> rejected_;  // never rendered
  uint64_t registration_errors_ = 0;                     // guarded by mu_
};

}  // namespace readygate::metrics
