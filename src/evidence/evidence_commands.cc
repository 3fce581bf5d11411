#include "evidence/evidence_commands.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <ostream>
#include <vector>

#include "contract/surface.h"
#include "evidence/store_factory.h"

namespace readygate::evidence {
namespace {

using Json = nlohmann::ordered_json;

bool digits(std::string_view s, size_t pos, size_t len, int& v) {
  if (pos + len > s.size()) return false;
  for (size_t i = pos; i < pos + len; ++i)
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
  return std::from_chars(s.data() + pos, s.data() + pos + len, v).ec == std::errc();
}

int64_t epoch_ms(WallTime t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

bool valid_status_family(const std::string& s) {
  return s == "transport" || (s.size() == 3 && s[0] >= '1' && s[0] <= '5' && s.substr(1) == "xx");
}

std::expected<std::optional<int64_t>, std::string> time_flag(const char* name,
                                                             const std::string& value) {
  if (value.empty()) return std::nullopt;
  const auto t = parse_rfc3339(value);
  if (!t)
    return std::unexpected(std::string(name) +
                           ": not an RFC 3339 time like 2026-01-31T12:00:00Z: " + value);
  return epoch_ms(*t);
}

struct Opened {
  std::unique_ptr<EvidenceStore> store;
  EvidenceFilter filter;
};

// Validates flags, then opens the store (never creating one).
std::expected<Opened, std::string> open_for_query(const EvidenceQueryFlags& flags, WallTime now) {
  auto filter = filter_from_flags(flags, now);
  if (!filter) return std::unexpected(filter.error());
  auto store = open_store(flags.store, OpenMode::kExisting);
  if (!store) return std::unexpected("--store: " + store.error());
  return Opened{std::move(*store), std::move(*filter)};
}

// Drops are never silent: a listing or export of a range says how many
// records the gateway could not store in it.
void note_drops(EvidenceStore& store, const EvidenceFilter& filter, std::ostream& err) {
  auto n = store.dropped_total(filter);
  if (n && *n > 0)
    err << "note: " << *n
        << " evidence record(s) were dropped in this time range (queue full or write failure; "
           "see the evidence_drops table)\n";
}

// Table cells are one line of printable text, whatever a record holds.
std::string cell(const Json& j, const char* key) {
  const auto it = j.find(key);
  std::string s;
  if (it == j.end() || it->is_null()) return "-";
  s = it->is_string() ? it->get<std::string>() : it->dump();
  if (s.empty()) return "-";
  for (char& c : s)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  return s;
}

void print_table(const std::vector<std::string>& records, std::ostream& out) {
  static constexpr const char* kHeader[] = {"REQUEST_ID", "TS",      "SURFACE", "ROUTE",
                                            "STATUS",     "RETRIES", "SHAPE",   "FALLBACK"};
  constexpr size_t kColumns = std::size(kHeader);
  std::vector<std::vector<std::string>> rows;
  rows.emplace_back(std::begin(kHeader), std::end(kHeader));
  for (const auto& text : records) {
    const Json j = Json::parse(text, nullptr, /*allow_exceptions=*/false);
    const std::string status =
        j.value("status", 0) != 0 ? cell(j, "status") : cell(j, "status_family");
    rows.push_back({cell(j, "request_id"), cell(j, "timestamp"), cell(j, "api_surface"),
                    cell(j, "route_used"), status, cell(j, "retry_count"),
                    cell(j, "response_shape_observed"), cell(j, "fallback_decision")});
  }
  std::vector<size_t> width(kColumns, 0);
  for (const auto& row : rows)
    for (size_t c = 0; c < kColumns; ++c) width[c] = std::max(width[c], row[c].size());
  for (const auto& row : rows) {
    std::string line;
    for (size_t c = 0; c < kColumns; ++c) {
      line += row[c];
      if (c + 1 < kColumns) line.append(width[c] - row[c].size() + 2, ' ');
    }
    out << line << '\n';
  }
}

}  // namespace

std::optional<WallTime> parse_rfc3339(std::string_view s) {
  using namespace std::chrono;
  int y = 0, mo = 0, d = 0;
  if (s.size() < 10 || !digits(s, 0, 4, y) || s[4] != '-' || !digits(s, 5, 2, mo) || s[7] != '-' ||
      !digits(s, 8, 2, d))
    return std::nullopt;
  const year_month_day date{year{y}, month{static_cast<unsigned>(mo)},
                            day{static_cast<unsigned>(d)}};
  if (!date.ok()) return std::nullopt;
  const sys_days midnight(date);
  if (s.size() == 10) return WallTime(midnight);

  int hh = 0, mm = 0, ss = 0;
  if ((s[10] != 'T' && s[10] != 't' && s[10] != ' ') || !digits(s, 11, 2, hh) || s.size() < 19 ||
      s[13] != ':' || !digits(s, 14, 2, mm) || s[16] != ':' || !digits(s, 17, 2, ss) || hh > 23 ||
      mm > 59 || ss > 59)
    return std::nullopt;
  size_t i = 19;
  int64_t ms = 0;
  if (i < s.size() && s[i] == '.') {
    const size_t start = ++i;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) {
      if (i - start < 3) ms = ms * 10 + (s[i] - '0');
      ++i;
    }
    if (i == start) return std::nullopt;
    for (size_t k = std::min<size_t>(i - start, 3); k < 3; ++k) ms *= 10;
  }
  minutes offset{0};
  if (i < s.size() && (s[i] == 'Z' || s[i] == 'z')) {
    ++i;
  } else if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    int oh = 0, om = 0;
    if (!digits(s, i + 1, 2, oh) || i + 3 >= s.size() || s[i + 3] != ':' ||
        !digits(s, i + 4, 2, om) || oh > 23 || om > 59)
      return std::nullopt;
    offset = minutes((oh * 60 + om) * (s[i] == '-' ? -1 : 1));
    i += 6;
  } else {
    return std::nullopt;
  }
  if (i != s.size()) return std::nullopt;
  const auto local = midnight + hours(hh) + minutes(mm) + seconds(ss) + milliseconds(ms);
  return WallTime(duration_cast<WallTime::duration>((local - offset).time_since_epoch()));
}

std::expected<EvidenceFilter, std::string> filter_from_flags(const EvidenceQueryFlags& flags,
                                                             WallTime now) {
  EvidenceFilter f;
  f.run_id = flags.run;
  f.route = flags.route;
  if (!flags.surface.empty() && !contract::parse_surface(flags.surface))
    return std::unexpected("--surface: must be chat_completions or responses, not " +
                           flags.surface);
  f.surface = flags.surface;
  if (!flags.status.empty() && !valid_status_family(flags.status))
    return std::unexpected("--status: must be 2xx, 4xx, 5xx or transport (or 1xx, 3xx), not " +
                           flags.status);
  f.status_family = flags.status;

  if (!flags.since.empty() && flags.since_minutes)
    return std::unexpected("--since, --since-minutes: give one, not both");
  if (flags.since_minutes) {
    if (*flags.since_minutes < 1 || *flags.since_minutes > 10'000'000)
      return std::unexpected("--since-minutes: must be between 1 and 10000000");
    f.since_ms = epoch_ms(now) - *flags.since_minutes * 60'000;
  }
  auto since = time_flag("--since", flags.since);
  if (!since) return std::unexpected(since.error());
  if (*since) f.since_ms = *since;
  auto until = time_flag("--until", flags.until);
  if (!until) return std::unexpected(until.error());
  f.until_ms = *until;
  if (f.since_ms && f.until_ms && *f.since_ms >= *f.until_ms)
    return std::unexpected("--until: must be later than the start of the range");

  if (flags.limit) {
    if (*flags.limit < 1) return std::unexpected("--limit: must be at least 1");
    f.limit = static_cast<size_t>(*flags.limit);
  }
  return f;
}

int evidence_list(const EvidenceQueryFlags& flags, WallTime now, std::ostream& out,
                  std::ostream& err) {
  if (flags.json && flags.jsonl) {
    err << "readygate evidence list: --json, --jsonl: give one, not both\n";
    return kExitUsage;
  }
  auto opened = open_for_query(flags, now);
  if (!opened) {
    err << "readygate evidence list: " << opened.error() << '\n';
    return kExitUsage;
  }
  auto records = opened->store->query(opened->filter);
  if (!records) {
    err << "readygate evidence list: " << records.error() << '\n';
    return kExitUsage;
  }
  if (flags.json) {
    out << '[';
    for (size_t i = 0; i < records->size(); ++i) out << (i ? ",\n " : "\n ") << (*records)[i];
    out << (records->empty() ? "]\n" : "\n]\n");
  } else if (flags.jsonl) {
    for (const auto& r : *records) out << r << '\n';
  } else {
    print_table(*records, out);
  }
  if (records->empty()) err << "no evidence records match\n";
  note_drops(*opened->store, opened->filter, err);
  return out.good() ? kExitFound : kExitUsage;
}

int evidence_show(const std::string& store, const std::string& request_id, std::ostream& out,
                  std::ostream& err) {
  if (request_id.empty()) {
    err << "readygate evidence show: REQUEST_ID: must not be empty\n";
    return kExitUsage;
  }
  auto opened = open_store(store, OpenMode::kExisting);
  if (!opened) {
    err << "readygate evidence show: --store: " << opened.error() << '\n';
    return kExitUsage;
  }
  auto record = (*opened)->get(request_id);
  if (!record) {
    err << "readygate evidence show: " << record.error() << '\n';
    return kExitUsage;
  }
  if (!*record) {
    err << "readygate evidence show: no record with request_id " << request_id << '\n';
    return kExitNotFound;
  }
  const Json j = Json::parse(**record, nullptr, /*allow_exceptions=*/false);
  out << (j.is_discarded() ? **record : j.dump(2, ' ', false, Json::error_handler_t::replace))
      << '\n';
  return out.good() ? kExitFound : kExitUsage;
}

int evidence_export(const EvidenceQueryFlags& flags, WallTime now, std::ostream& out,
                    std::ostream& err) {
  auto opened = open_for_query(flags, now);
  if (!opened) {
    err << "readygate evidence export: " << opened.error() << '\n';
    return kExitUsage;
  }
  auto records = opened->store->query(opened->filter);
  if (!records) {
    err << "readygate evidence export: " << records.error() << '\n';
    return kExitUsage;
  }
  if (flags.out.empty()) {
    for (const auto& r : *records) out << r << '\n';
    out.flush();
  } else {
    // Whole or nothing: a reader of FILE never sees half an export.
    const std::string tmp = flags.out + ".tmp";
    {
      std::ofstream file(tmp, std::ios::binary | std::ios::trunc);
      for (const auto& r : *records) file << r << '\n';
      file.flush();
      if (!file) {
        err << "readygate evidence export: --out: cannot write " << tmp << ": "
            << std::strerror(errno) << '\n';
        std::remove(tmp.c_str());
        return kExitUsage;
      }
    }
    if (std::rename(tmp.c_str(), flags.out.c_str()) != 0) {
      err << "readygate evidence export: --out: cannot rename " << tmp << " to " << flags.out
          << ": " << std::strerror(errno) << '\n';
      std::remove(tmp.c_str());
      return kExitUsage;
    }
    err << "exported " << records->size() << " record(s) to " << flags.out << '\n';
  }
  note_drops(*opened->store, opened->filter, err);
  return out.good() ? kExitFound : kExitUsage;
}

}  // namespace readygate::evidence
