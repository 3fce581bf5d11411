// Scalar value syntaxes shared by every section: durations and byte sizes.
#include <charconv>
#include <cstdint>
#include <limits>

#include "base/headers.h"
#include "config/config.h"
#include "config/yaml_reader.h"

namespace readygate::config {
namespace {

struct Unit {
  std::string_view suffix;
  uint64_t factor;
};

// Splits "250ms" into 250 and "ms". Fails on a sign, a fraction, no digits.
bool split_number(std::string_view text, uint64_t& number, std::string_view& suffix) {
  const auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (ec != std::errc() || p == text.data()) return false;
  suffix = text.substr(static_cast<size_t>(p - text.data()));
  return true;
}

}  // namespace

std::expected<Duration, std::string> parse_duration(std::string_view raw) {
  const std::string_view text = trim(raw);
  const std::string shown = detail::quote_value(raw);
  if (text.starts_with('-')) return std::unexpected("must not be negative, got " + shown);
  static constexpr Unit kUnits[] = {
      {"", 1}, {"ms", 1}, {"s", 1000}, {"m", 60'000}, {"h", 3'600'000}};
  uint64_t n = 0;
  std::string_view suffix;
  if (!split_number(text, n, suffix)) {
    return std::unexpected(
        "expected a duration like 500ms, 2s, 1m or an integer of milliseconds, got " + shown);
  }
  if (suffix.starts_with('.'))
    return std::unexpected("use a whole number of a smaller unit (1500ms, not 1.5s), got " + shown);
  for (const Unit& u : kUnits) {
    if (suffix != u.suffix) continue;
    // A year is far beyond any timeout or window this gateway has; the bound
    // also keeps the arithmetic below clear of overflow.
    constexpr uint64_t kMaxMs = 366ull * 24 * 3'600'000;
    if (n > kMaxMs / u.factor)
      return std::unexpected("is too large (at most 366 days), got " + shown);
    return Duration(static_cast<Duration::rep>(n * u.factor));
  }
  return std::unexpected("unknown unit in " + shown + " (use ms, s, m or h)");
}

std::expected<size_t, std::string> parse_byte_size(std::string_view raw) {
  const std::string_view text = trim(raw);
  const std::string shown = detail::quote_value(raw);
  static constexpr Unit kUnits[] = {
      {"", 1}, {"B", 1}, {"KiB", 1ull << 10}, {"MiB", 1ull << 20}, {"GiB", 1ull << 30}};
  uint64_t n = 0;
  std::string_view suffix;
  if (text.starts_with('-') || !split_number(text, n, suffix))
    return std::unexpected("expected a size in bytes like 65536, 64KiB or 8MiB, got " + shown);
  for (const Unit& u : kUnits) {
    if (suffix != u.suffix) continue;
    if (n > std::numeric_limits<size_t>::max() / u.factor)
      return std::unexpected("is too large, got " + shown);
    return static_cast<size_t>(n * u.factor);
  }
  return std::unexpected("unknown unit in " + shown + " (use KiB, MiB or GiB)");
}

}  // namespace readygate::config
