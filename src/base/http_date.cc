#include "base/http_date.h"

#include <array>
#include <cstdio>
#include <cstring>

namespace readygate {
namespace {

constexpr std::array<std::string_view, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
constexpr std::array<std::string_view, 7> kDays = {"Thu", "Fri", "Sat", "Sun",
                                                   "Mon", "Tue", "Wed"};  // 1970-01-01 was a Thursday

int month_index(std::string_view m) {
  for (size_t i = 0; i < kMonths.size(); ++i)
    if (kMonths[i] == m) return static_cast<int>(i);
  return -1;
}

// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's algorithm).
int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void civil_from_days(int64_t z, int& y, unsigned& m, unsigned& d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t yy = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y = static_cast<int>(yy + (m <= 2));
}

std::optional<WallTime> make_time(int year, int mon, int day, int hh, int mm, int ss) {
  if (mon < 0 || mon > 11 || day < 1 || day > 31 || hh < 0 || hh > 23 || mm < 0 || mm > 59 ||
      ss < 0 || ss > 60)
    return std::nullopt;
  const int64_t days = days_from_civil(year, static_cast<unsigned>(mon + 1),
                                       static_cast<unsigned>(day));
  return WallTime(std::chrono::seconds(days * 86400 + hh * 3600 + mm * 60 + ss));
}

}  // namespace

std::optional<WallTime> parse_http_date(std::string_view s) {
  const std::string str(s.substr(0, 64));
  char wday[16] = {}, mon[4] = {}, tz[4] = {};
  int day = 0, year = 0, hh = 0, mm = 0, ss = 0, used = 0;
  // IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT
  if (std::sscanf(str.c_str(), "%3s, %2d %3s %4d %2d:%2d:%2d %3s%n", wday, &day, mon, &year, &hh,
                  &mm, &ss, tz, &used) == 8 &&
      std::strcmp(tz, "GMT") == 0 && static_cast<size_t>(used) == str.size())
    return make_time(year, month_index(mon), day, hh, mm, ss);
  // RFC 850: Sunday, 06-Nov-94 08:49:37 GMT
  if (std::sscanf(str.c_str(), "%15[A-Za-z], %2d-%3s-%2d %2d:%2d:%2d %3s%n", wday, &day, mon,
                  &year, &hh, &mm, &ss, tz, &used) == 8 &&
      std::strcmp(tz, "GMT") == 0 && static_cast<size_t>(used) == str.size()) {
    year += year < 70 ? 2000 : 1900;
    return make_time(year, month_index(mon), day, hh, mm, ss);
  }
  // asctime: Sun Nov  6 08:49:37 1994
  if (std::sscanf(str.c_str(), "%3s %3s %d %2d:%2d:%2d %4d%n", wday, mon, &day, &hh, &mm, &ss,
                  &year, &used) == 7 &&
      static_cast<size_t>(used) == str.size())
    return make_time(year, month_index(mon), day, hh, mm, ss);
  return std::nullopt;
}

std::string format_http_date(WallTime t) {
  const int64_t secs =
      std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
  int64_t days = secs / 86400;
  int64_t rem = secs % 86400;
  if (rem < 0) {
    rem += 86400;
    --days;
  }
  int y;
  unsigned m, d;
  civil_from_days(days, y, m, d);
  const auto wd = static_cast<size_t>(((days % 7) + 7) % 7);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%s, %02u %s %04d %02d:%02d:%02d GMT", kDays[wd].data(), d,
                kMonths[m - 1].data(), y, static_cast<int>(rem / 3600),
                static_cast<int>(rem / 60 % 60), static_cast<int>(rem % 60));
  return buf;
}

std::string format_rfc3339_ms(WallTime t) {
  const int64_t ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  int64_t secs = ms / 1000;
  int64_t msr = ms % 1000;
  if (msr < 0) {
    msr += 1000;
    --secs;
  }
  int64_t days = secs / 86400;
  int64_t rem = secs % 86400;
  if (rem < 0) {
    rem += 86400;
    --days;
  }
  int y;
  unsigned m, d;
  civil_from_days(days, y, m, d);
  if (y < 0 || y > 9999) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", y, m, d,
                  static_cast<int>(rem / 3600), static_cast<int>(rem / 60 % 60),
                  static_cast<int>(rem % 60), static_cast<int>(msr));
    return buf;
  }
  // Digits by hand: evidence and the mock's log stamp every request.
  std::string out = "0000-00-00T00:00:00.000Z";
  auto put = [&](size_t at, int v, int width) {
    for (int i = width - 1; i >= 0; --i, v /= 10) out[at + static_cast<size_t>(i)] = static_cast<char>('0' + v % 10);
  };
  put(0, y, 4);
  put(5, static_cast<int>(m), 2);
  put(8, static_cast<int>(d), 2);
  put(11, static_cast<int>(rem / 3600), 2);
  put(14, static_cast<int>(rem / 60 % 60), 2);
  put(17, static_cast<int>(rem % 60), 2);
  put(20, static_cast<int>(msr), 3);
  return out;
}

}  // namespace readygate
