// Internal to the contract module: a small helper that walks a parsed JSON
// object and records "path: problem" mismatches and drift into a ShapeReport.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "contract/json_scan.h"
#include "contract/shape_check.h"

namespace readygate::contract::detail {

enum class Kind { kString, kInteger, kNumber, kBoolean, kObject, kArray, kStringOrNull };

std::string_view kind_phrase(Kind k);
bool kind_matches(Kind k, const element& e);

std::string path_at(std::string_view base, std::string_view key);
std::string path_index(std::string_view base, size_t i);

class ShapeWalker {
 public:
  explicit ShapeWalker(ShapeReport* r) : r_(r) {}

  void mismatch(std::string_view path, std::string_view problem);
  void drift(std::string_view path);

  // The member if present and of kind `k`; otherwise records a mismatch.
  std::optional<element> need(const object& o, std::string_view base, std::string_view key, Kind k);
  // The kind check of need() for a member already looked up (present).
  std::optional<element> of_kind(std::optional<element> v, std::string_view base,
                                 std::string_view key, Kind k);
  // The member if present, non-null and of kind `k`; absent or null is fine.
  std::optional<element> maybe(const object& o, std::string_view base, std::string_view key,
                               Kind k);
  // `e` as an object, or a mismatch at `path`.
  std::optional<object> as_object(const element& e, std::string_view path);
  // A required string member equal to `expected`.
  void need_const(const object& o, std::string_view base, std::string_view key,
                  std::string_view expected);

  // A string member from `set`; absent or null passes when `nullable`.
  template <size_t N>
  void need_enum(const object& o, std::string_view base, std::string_view key,
                 const std::array<std::string_view, N>& set, bool nullable) {
    auto v = nullable ? maybe(o, base, key, Kind::kString) : need(o, base, key, Kind::kString);
    if (!v) return;
    const std::string_view s = v->get_string().value_unsafe();
    for (auto x : set)
      if (x == s) return;
    std::string problem = "expected one of ";
    for (size_t i = 0; i < N; ++i) {
      if (i) problem += '|';
      problem += set[i];
    }
    problem += ", got " + quoted(s);
    mismatch(path_at(base, key), problem);
  }

  // Records as drift every member of `o` whose name is not in `documented`.
  template <size_t N>
  void drift_keys(const object& o, std::string_view base,
                  const std::array<std::string_view, N>& documented) {
    for (auto kv : o) {
      bool known = false;
      for (auto d : documented) known = known || d == kv.key;
      if (!known) drift(path_at(base, kv.key.substr(0, 64)));
    }
  }

  // `s` as a short JSON string for a problem text (values from a response, never a request).
  static std::string quoted(std::string_view s);

 private:
  ShapeReport* r_;
};

}  // namespace readygate::contract::detail
