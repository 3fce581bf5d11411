#include "contract/shape_walker.h"

#include "base/json_text.h"
#include "contract/shape_core.h"

namespace readygate::contract::detail {

std::string_view kind_phrase(Kind k) {
  switch (k) {
    case Kind::kString:
      return "a string";
    case Kind::kInteger:
      return "an integer";
    case Kind::kNumber:
      return "a number";
    case Kind::kBoolean:
      return "a boolean";
    case Kind::kObject:
      return "an object";
    case Kind::kArray:
      return "an array";
    case Kind::kStringOrNull:
      return "a string or null";
  }
  return "a value";
}

bool kind_matches(Kind k, const element& e) {
  switch (k) {
    case Kind::kString:
      return e.type() == element_type::STRING;
    case Kind::kInteger:
      return is_integer(e);
    case Kind::kNumber:
      return is_number(e);
    case Kind::kBoolean:
      return e.type() == element_type::BOOL;
    case Kind::kObject:
      return e.type() == element_type::OBJECT;
    case Kind::kArray:
      return e.type() == element_type::ARRAY;
    case Kind::kStringOrNull:
      return e.type() == element_type::STRING || is_null(e);
  }
  return false;
}

std::string path_at(std::string_view base, std::string_view key) {
  std::string out(base);
  if (!out.empty()) out += '.';
  out += key;
  return out;
}

std::string path_index(std::string_view base, size_t i) {
  return std::string(base) + "[" + std::to_string(i) + "]";
}

void ShapeWalker::mismatch(std::string_view path, std::string_view problem) {
  if (r_->mismatches.size() >= kMaxShapeEntries) return;
  std::string entry(path);
  entry += ": ";
  entry += problem;
  r_->mismatches.push_back(std::move(entry));
}

void ShapeWalker::drift(std::string_view path) {
  if (r_->drift.size() < kMaxShapeEntries) r_->drift.emplace_back(path);
}

std::optional<element> ShapeWalker::need(const object& o, std::string_view base,
                                         std::string_view key, Kind k) {
  auto v = member(o, key);
  if (!v) {
    mismatch(path_at(base, key), "missing");
    return std::nullopt;
  }
  return of_kind(std::move(v), base, key, k);
}

std::optional<element> ShapeWalker::of_kind(std::optional<element> v, std::string_view base,
                                            std::string_view key, Kind k) {
  if (!kind_matches(k, *v)) {
    std::string problem = "expected ";
    problem += kind_phrase(k);
    problem += ", got ";
    problem += type_phrase(*v);
    mismatch(path_at(base, key), problem);
    return std::nullopt;
  }
  return v;
}

std::optional<element> ShapeWalker::maybe(const object& o, std::string_view base,
                                          std::string_view key, Kind k) {
  auto v = member(o, key);
  if (!v || is_null(*v)) return std::nullopt;
  return of_kind(std::move(v), base, key, k);  // one lookup, not two
}

std::optional<object> ShapeWalker::as_object(const element& e, std::string_view path) {
  object o;
  if (e.get_object().get(o) == simdjson::SUCCESS) return o;
  std::string problem = "expected an object, got ";
  problem += type_phrase(e);
  mismatch(path, problem);
  return std::nullopt;
}

void ShapeWalker::need_const(const object& o, std::string_view base, std::string_view key,
                             std::string_view expected) {
  auto v = need(o, base, key, Kind::kString);
  if (!v) return;
  const std::string_view s = v->get_string().value_unsafe();
  if (s != expected)
    mismatch(path_at(base, key), "expected " + quoted(expected) + ", got " + quoted(s));
}

std::string ShapeWalker::quoted(std::string_view s) {
  constexpr size_t kMax = 48;
  std::string out = json_quote(s.substr(0, kMax));
  if (s.size() > kMax) out.insert(out.size() - 1, "...");
  return out;
}

}  // namespace readygate::contract::detail
