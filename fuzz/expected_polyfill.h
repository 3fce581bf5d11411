// std::expected for the fuzz build only (force-included by fuzz/CMakeLists.txt).
//
// The fuzzers are built with Debian 12's clang 14 (libFuzzer comes with it),
// against the same libstdc++ 12 as the product. libstdc++'s <expected> needs
// __cpp_concepts >= 202002 (conditionally trivial special members, P0848),
// which clang implements from version 16 only, so under clang 14 <expected>
// declares nothing. This header then supplies the subset of std::expected
// readygate uses (construction from a value or std::unexpected, has_value,
// operator bool, *, ->, value, error, value_or, the void specialization),
// with the standard's semantics. The product build (g++ 12) never sees it.
#pragma once

#include <version>

#if defined(__clang__) && !defined(__cpp_lib_expected)

#include <exception>
#include <type_traits>
#include <utility>
#include <variant>

namespace std {

template <class E>
class unexpected {
 public:
  template <class Err = E>
    requires(!is_same_v<remove_cvref_t<Err>, unexpected> && is_constructible_v<E, Err>)
  constexpr explicit unexpected(Err&& e) : e_(std::forward<Err>(e)) {}
  constexpr const E& error() const& noexcept { return e_; }
  constexpr E& error() & noexcept { return e_; }
  constexpr E&& error() && noexcept { return std::move(e_); }

 private:
  E e_;
};
template <class E>
unexpected(E) -> unexpected<E>;

struct unexpect_t {
  explicit unexpect_t() = default;
};
inline constexpr unexpect_t unexpect{};

template <class E>
class bad_expected_access : public exception {
 public:
  explicit bad_expected_access(E e) : e_(std::move(e)) {}
  const char* what() const noexcept override { return "bad access to std::expected without value"; }
  const E& error() const& noexcept { return e_; }

 private:
  E e_;
};

template <class T, class E>
class expected {
 public:
  using value_type = T;
  using error_type = E;

  constexpr expected()
    requires is_default_constructible_v<T>
      : v_(in_place_index<0>) {}
  template <class U = T>
    requires(!is_same_v<remove_cvref_t<U>, expected> &&
             !is_same_v<remove_cvref_t<U>, in_place_t> && is_constructible_v<T, U>)
  constexpr expected(U&& v) : v_(in_place_index<0>, std::forward<U>(v)) {}
  template <class G>
    requires is_constructible_v<E, const G&>
  constexpr expected(const unexpected<G>& u) : v_(in_place_index<1>, u.error()) {}
  template <class G>
    requires is_constructible_v<E, G>
  constexpr expected(unexpected<G>&& u) : v_(in_place_index<1>, std::move(u).error()) {}
  template <class... A>
  constexpr explicit expected(unexpect_t, A&&... a) : v_(in_place_index<1>, std::forward<A>(a)...) {}

  constexpr bool has_value() const noexcept { return v_.index() == 0; }
  constexpr explicit operator bool() const noexcept { return has_value(); }

  constexpr T& operator*() & noexcept { return *get_if<0>(&v_); }
  constexpr const T& operator*() const& noexcept { return *get_if<0>(&v_); }
  constexpr T&& operator*() && noexcept { return std::move(*get_if<0>(&v_)); }
  constexpr T* operator->() noexcept { return get_if<0>(&v_); }
  constexpr const T* operator->() const noexcept { return get_if<0>(&v_); }

  constexpr T& value() & {
    check();
    return **this;
  }
  constexpr const T& value() const& {
    check();
    return **this;
  }
  constexpr T&& value() && {
    check();
    return std::move(**this);
  }
  constexpr E& error() & noexcept { return *get_if<1>(&v_); }
  constexpr const E& error() const& noexcept { return *get_if<1>(&v_); }
  constexpr E&& error() && noexcept { return std::move(*get_if<1>(&v_)); }
  template <class U>
  constexpr T value_or(U&& d) const& {
    return has_value() ? **this : static_cast<T>(std::forward<U>(d));
  }
  template <class U>
  constexpr T value_or(U&& d) && {
    return has_value() ? std::move(**this) : static_cast<T>(std::forward<U>(d));
  }
  template <class... A>
  constexpr T& emplace(A&&... a) {
    return v_.template emplace<0>(std::forward<A>(a)...);
  }

 private:
  constexpr void check() const {
    if (!has_value()) throw bad_expected_access<E>(error());
  }
  variant<T, E> v_;
};

template <class E>
class expected<void, E> {
 public:
  using value_type = void;
  using error_type = E;

  constexpr expected() noexcept = default;
  template <class G>
    requires is_constructible_v<E, const G&>
  constexpr expected(const unexpected<G>& u) : e_(in_place_index<1>, u.error()) {}
  template <class G>
    requires is_constructible_v<E, G>
  constexpr expected(unexpected<G>&& u) : e_(in_place_index<1>, std::move(u).error()) {}
  template <class... A>
  constexpr explicit expected(unexpect_t, A&&... a) : e_(in_place_index<1>, std::forward<A>(a)...) {}

  constexpr bool has_value() const noexcept { return e_.index() == 0; }
  constexpr explicit operator bool() const noexcept { return has_value(); }
  constexpr void operator*() const noexcept {}
  constexpr void value() const {
    if (!has_value()) throw bad_expected_access<E>(error());
  }
  constexpr E& error() & noexcept { return *get_if<1>(&e_); }
  constexpr const E& error() const& noexcept { return *get_if<1>(&e_); }
  constexpr E&& error() && noexcept { return std::move(*get_if<1>(&e_)); }

 private:
  variant<monostate, E> e_;
};

}  // namespace std

#endif
