#include "config/yaml_reader.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <limits>

namespace readygate::config::detail {
namespace {

size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

// Characters the two share, counted with multiplicity. Edit distance alone
// suggests "host" for "foo"; requiring half the letters in common does not.
size_t shared_chars(std::string_view a, std::string_view b) {
  std::array<int, 256> counts{};
  for (unsigned char c : a) ++counts[c];
  size_t shared = 0;
  for (unsigned char c : b)
    if (counts[c]-- > 0) ++shared;
  return shared;
}

bool is_token_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_';
}

// Provider keys ("sk-...", "Bearer ...") and long random-looking tokens.
bool looks_like_secret(std::string_view t) {
  if (t.starts_with("sk-") || t.starts_with("sk_") || t.starts_with("Bearer ") ||
      t.starts_with("bearer "))
    return true;
  if (t.size() < 32 || !std::all_of(t.begin(), t.end(), is_token_char)) return false;
  const bool digits = std::any_of(t.begin(), t.end(), [](char c) { return c >= '0' && c <= '9'; });
  const bool letters = std::any_of(
      t.begin(), t.end(), [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); });
  return digits && letters;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

}  // namespace

void Problems::error(std::string_view path, std::string_view problem) {
  errors_.push_back(path.empty() ? std::string(problem)
                                 : std::string(path) + ": " + std::string(problem));
}

void Problems::warning(std::string_view path, std::string_view problem) {
  warnings_.push_back(path.empty() ? std::string(problem)
                                   : std::string(path) + ": " + std::string(problem));
}

std::string child_path(std::string_view parent, std::string_view key) {
  if (parent.empty()) return std::string(key);
  return std::string(parent) + "." + std::string(key);
}

std::string index_path(std::string_view parent, size_t index) {
  return std::string(parent) + "[" + std::to_string(index) + "]";
}

std::optional<std::string_view> suggest(std::string_view key,
                                        const std::vector<std::string_view>& known) {
  std::optional<std::string_view> best;
  size_t best_distance = std::numeric_limits<size_t>::max();
  const std::string k = lower(key);
  for (std::string_view candidate : known) {
    const size_t d = edit_distance(k, candidate);
    const size_t limit = std::max(k.size(), candidate.size()) / 2 + 1;
    if (d > limit || shared_chars(k, candidate) * 2 < k.size()) continue;
    if (d < best_distance) {
      best = candidate;
      best_distance = d;
    }
  }
  return best;
}

std::string quote_value(std::string_view text) {
  if (looks_like_secret(text)) return "a value (not shown)";
  constexpr size_t kMax = 60;
  std::string out = "'";
  for (char c : text.substr(0, kMax)) out += (c == '\n' || c == '\r') ? ' ' : c;
  if (text.size() > kMax) out += "...";
  return out + "'";
}

std::optional<std::string> scalar_at(const YAML::Node& node, std::string_view path,
                                     std::string_view what, Problems& problems) {
  if (node.IsScalar()) return node.Scalar();
  problems.error(path, "expected " + std::string(what));
  return std::nullopt;
}

MapNode::MapNode(const YAML::Node& node, std::string path, Problems& problems,
                 std::vector<std::string_view> known, std::initializer_list<KeyHint> hints)
    : path_(std::move(path)), problems_(&problems) {
  if (!node.IsDefined() || node.IsNull()) {
    is_map_ = true;
    return;
  }
  if (!node.IsMap()) {
    problems.error(path_, "expected a map of keys to values");
    return;
  }
  is_map_ = true;
  std::vector<YAML::Node> merges;
  for (const auto& kv : node) {
    if (!kv.first.IsScalar()) {
      problems.error(path_, "keys must be plain strings");
      continue;
    }
    const std::string& key = kv.first.Scalar();
    if (key == "<<") {
      merges.push_back(kv.second);
      continue;
    }
    if (get(key)) {
      problems.error(path_of(key), "duplicate key");
      continue;
    }
    entries_.emplace_back(key, kv.second);
  }
  // YAML merge keys: `<<: *defaults` or `<<: [*a, *b]`; earlier maps win.
  for (const YAML::Node& m : merges) {
    std::vector<YAML::Node> sources;
    if (m.IsMap()) sources.push_back(m);
    if (m.IsSequence())
      for (const auto& s : m) sources.push_back(s);
    if (sources.empty() || !std::all_of(sources.begin(), sources.end(),
                                        [](const YAML::Node& s) { return s.IsMap(); })) {
      problems.error(path_of("<<"), "merge key needs a map or a list of maps");
      continue;
    }
    for (const auto& s : sources)
      for (const auto& kv : s)
        if (kv.first.IsScalar() && kv.first.Scalar() != "<<" && !get(kv.first.Scalar()))
          entries_.emplace_back(kv.first.Scalar(), kv.second);
  }
  // "x-*" in `known` admits extension keys (as in Compose files): a place
  // for anchors that routes merge with `<<`.
  const auto ext = std::find(known.begin(), known.end(), "x-*");
  const bool extensions = ext != known.end();
  if (extensions) known.erase(ext);
  for (const auto& [key, value] : entries_) {
    if (std::find(known.begin(), known.end(), key) != known.end()) continue;
    if (extensions && key.starts_with("x-")) continue;
    const std::string lowered = lower(key);  // named: clang 14 cannot capture a structured binding
    const auto hint = std::find_if(hints.begin(), hints.end(),
                                   [&](const KeyHint& h) { return lowered == h.key; });
    if (hint != hints.end()) {
      problems.error(path_of(key), hint->message);
      continue;
    }
    std::string shown = looks_like_secret(key) ? "(not shown)" : quote_value(key);
    std::string msg = "unknown key " + shown;
    if (auto s = suggest(key, known)) {
      msg += " (did you mean '" + std::string(*s) + "'?)";
    } else {
      msg += " (expected one of:";
      for (size_t i = 0; i < known.size(); ++i) msg += (i ? ", " : " ") + std::string(known[i]);
      msg += ")";
    }
    problems.error(path_, msg);
  }
}

std::optional<YAML::Node> MapNode::get(std::string_view key) const {
  for (const auto& [k, v] : entries_)
    if (k == key) return v;
  return std::nullopt;
}

bool MapNode::read_string(std::string_view key, std::string& out, bool show_value) const {
  auto node = get(key);
  if (!node) return false;
  if (!node->IsScalar()) {
    problems_->error(path_of(key), "expected a string");
    return false;
  }
  const std::string& text = node->Scalar();
  for (char c : text) {
    if (static_cast<unsigned char>(c) < 0x20 && c != '\t') {
      problems_->error(path_of(key),
                       show_value ? "must not contain control characters, got " + quote_value(text)
                                  : "must not contain control characters");
      return false;
    }
  }
  out = text;
  return true;
}

bool MapNode::read_int(std::string_view key, int& out) const {
  auto node = get(key);
  if (!node) return false;
  auto text = scalar_at(*node, path_of(key), "an integer", *problems_);
  if (!text) return false;
  int v = 0;
  const auto [p, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
  if (text->empty() || ec != std::errc() || p != text->data() + text->size()) {
    problems_->error(path_of(key), "expected an integer, got " + quote_value(*text));
    return false;
  }
  out = v;
  return true;
}

bool MapNode::read_double(std::string_view key, double& out) const {
  auto node = get(key);
  if (!node) return false;
  auto text = scalar_at(*node, path_of(key), "a number", *problems_);
  if (!text) return false;
  double v = 0;
  const auto [p, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
  if (text->empty() || ec != std::errc() || p != text->data() + text->size() || !std::isfinite(v)) {
    problems_->error(path_of(key), "expected a number, got " + quote_value(*text));
    return false;
  }
  out = v;
  return true;
}

bool MapNode::read_bool(std::string_view key, bool& out) const {
  auto node = get(key);
  if (!node) return false;
  auto text = scalar_at(*node, path_of(key), "true or false", *problems_);
  if (!text) return false;
  const std::string t = lower(*text);
  if (t != "true" && t != "false") {
    problems_->error(path_of(key), "expected true or false, got " + quote_value(*text));
    return false;
  }
  out = t == "true";
  return true;
}

bool MapNode::read_duration(std::string_view key, Duration& out) const {
  auto node = get(key);
  if (!node) return false;
  auto text = scalar_at(*node, path_of(key), "a duration like 500ms, 2s or 1m", *problems_);
  if (!text) return false;
  auto d = parse_duration(*text);
  if (!d) {
    problems_->error(path_of(key), d.error());
    return false;
  }
  out = *d;
  return true;
}

bool MapNode::read_size(std::string_view key, size_t& out) const {
  auto node = get(key);
  if (!node) return false;
  auto text = scalar_at(*node, path_of(key), "a size like 65536 or 8MiB", *problems_);
  if (!text) return false;
  auto n = parse_byte_size(*text);
  if (!n) {
    problems_->error(path_of(key), n.error());
    return false;
  }
  out = *n;
  return true;
}

}  // namespace readygate::config::detail
