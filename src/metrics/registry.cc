#include "metrics/registry.h"

#include <algorithm>
#include <mutex>
#include <type_traits>

#include "metrics/text_format.h"

namespace readygate::metrics {
namespace {

constexpr std::string_view kErrorsName = "readygate_metrics_registration_errors_total";

template <typename T>
auto& series_map(auto& family) {
  if constexpr (std::is_same_v<T, Counter>)
    return family.counters;
  else if constexpr (std::is_same_v<T, Gauge>)
    return family.gauges;
  else
    return family.histograms;
}

void append_labels(std::string& out, const Labels& labels, std::string_view le = {}) {
  if (labels.empty() && le.empty()) return;
  out += '{';
  bool first = true;
  for (const auto& [name, value] : labels) {
    if (!first) out += ',';
    first = false;
    out += name;
    out += "=\"";
    append_escaped_label_value(out, value);
    out += '"';
  }
  if (!le.empty()) {
    if (!first) out += ',';
    out += "le=\"";
    out += le;
    out += '"';
  }
  out += '}';
}

void append_sample(std::string& out, std::string_view name, std::string_view suffix,
                   const Labels& labels, double value, std::string_view le = {}) {
  out += name;
  out += suffix;
  append_labels(out, labels, le);
  out += ' ';
  out += format_value(value);
  out += '\n';
}

}  // namespace

bool Registry::make_key(const Labels& labels, Type type, Labels* key) const {
  key->clear();
  key->reserve(labels.size());
  bool ok = true;
  for (const auto& [name, value] : labels) {
    if (!valid_label_name(name) || (type == Type::kHistogram && name == "le")) ok = false;
    std::string v =
        options_.label_sanitizer ? options_.label_sanitizer(name, value) : std::string(value);
    key->emplace_back(name, redact_credentials(clean_utf8(v, kMaxLabelValueBytes)));
  }
  std::sort(key->begin(), key->end());
  const auto same_name = [](const auto& a, const auto& b) { return a.first == b.first; };
  if (std::adjacent_find(key->begin(), key->end(), same_name) != key->end()) ok = false;
  return ok;
}

template <typename T>
T& Registry::series(std::string_view name, std::string_view help, Type type,
                    std::vector<double> bounds, const Labels& labels) {
  Labels key;
  const bool valid = make_key(labels, type, &key) && valid_metric_name(name);
  if (valid) {
    std::shared_lock lock(mu_);
    auto fam = families_.find(name);
    if (fam != families_.end() && fam->second.type == type) {
      auto& map = series_map<T>(fam->second);
      if (auto it = map.find(key); it != map.end()) return it->second;
    }
  }

  std::unique_lock lock(mu_);
  auto fam = families_.find(name);
  const bool accepted = valid && (fam == families_.end() || fam->second.type == type);
  if (!accepted) {
    ++registration_errors_;
    fam = rejected_.find(name);
    if (fam == rejected_.end()) fam = rejected_.emplace(std::string(name), Family{}).first;
  } else if (fam == families_.end()) {
    Family f{.type = type, .help = std::string(help)};
    if (type == Type::kHistogram) f.bounds = Histogram::normalize_bounds(std::move(bounds));
    fam = families_.emplace(std::string(name), std::move(f)).first;
  }
  Family& family = fam->second;
  auto& map = series_map<T>(family);
  if (map.size() >= options_.max_series_per_family && !map.contains(key)) {
    for (auto& label : key) label.second = kOverflow;
  }
  if constexpr (std::is_same_v<T, Histogram>) {
    const auto& b = family.bounds.empty() && !accepted ? bounds : family.bounds;
    return map.try_emplace(std::move(key), b).first->second;
  } else {
    return map.try_emplace(std::move(key)).first->second;
  }
}

Counter& Registry::counter(std::string_view name, std::string_view help, const Labels& labels) {
  return series<Counter>(name, help, Type::kCounter, {}, labels);
}

Gauge& Registry::gauge(std::string_view name, std::string_view help, const Labels& labels) {
  return series<Gauge>(name, help, Type::kGauge, {}, labels);
}

Histogram& Registry::histogram(std::string_view name, std::string_view help,
                               std::vector<double> bounds, const Labels& labels) {
  return series<Histogram>(name, help, Type::kHistogram, std::move(bounds), labels);
}

std::string_view Registry::type_name(Type type) {
  switch (type) {
    case Type::kCounter:
      return "counter";
    case Type::kGauge:
      return "gauge";
    case Type::kHistogram:
      return "histogram";
  }
  return "untyped";
}

uint64_t Registry::registration_errors() const {
  std::shared_lock lock(mu_);
  return registration_errors_;
}

void Registry::render_family(std::string& out, const std::string& name, const Family& f) {
  out += "# HELP ";
  out += name;
  out += ' ';
  append_escaped_help(out, f.help);
  out += "\n# TYPE ";
  out += name;
  out += ' ';
  out += type_name(f.type);
  out += '\n';
  for (const auto& [labels, c] : f.counters) append_sample(out, name, "", labels, c.value());
  for (const auto& [labels, g] : f.gauges) append_sample(out, name, "", labels, g.value());
  for (const auto& [labels, h] : f.histograms) {
    const Histogram::Snapshot s = h.snapshot();
    for (size_t i = 0; i < s.cumulative.size(); ++i) {
      const std::string le = i < h.bounds().size() ? format_value(h.bounds()[i]) : "+Inf";
      append_sample(out, name, "_bucket", labels, static_cast<double>(s.cumulative[i]), le);
    }
    append_sample(out, name, "_sum", labels, s.sum);
    append_sample(out, name, "_count", labels, static_cast<double>(s.count));
  }
}

std::string Registry::render() const {
  std::string out;
  std::shared_lock lock(mu_);
  for (const auto& [name, family] : families_) render_family(out, name, family);
  if (registration_errors_ > 0 && !families_.contains(kErrorsName)) {
    Family errors{.type = Type::kCounter,
                  .help = "Metric registrations rejected (bad name, label or type clash)."};
    errors.counters[{}].inc(static_cast<double>(registration_errors_));
    render_family(out, std::string(kErrorsName), errors);
  }
  return out;
}

}  // namespace readygate::metrics
