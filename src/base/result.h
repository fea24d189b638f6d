// Result<T>: either a T or an Error (std::expected is C++23; GCC 12 lacks it).
// Status is Result<void>. Accessing the wrong alternative is a programming error and asserts.
//
//   Result<Role> r = store.GetRole(...);
//   if (!r) return r.error();
//   Use(*r);
//
// IRSA_TRY(var, expr) unwraps or returns the error from the enclosing function.
#pragma once

#include <cassert>
#include <type_traits>
#include <utility>
#include <variant>

#include "base/error.h"

namespace irsa {

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
  // Anything T is constructible from (e.g. std::nullopt for Result<std::optional<U>>).
  template <typename U>
  requires(std::is_constructible_v<T, U&&> && !std::is_same_v<std::remove_cvref_t<U>, T> &&
           !std::is_same_v<std::remove_cvref_t<U>, Error> &&
           !std::is_same_v<std::remove_cvref_t<U>, Result>)
      Result(U&& value)  // NOLINT: implicit by design
      : v_(std::in_place_index<0>, std::forward<U>(value)) {}
  Result(Error error) : v_(std::in_place_index<1>, std::move(error)) {}  // NOLINT

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & {
    assert(ok());
    return std::get<0>(v_);
  }
  const T& value() const& {
    assert(ok());
    return std::get<0>(v_);
  }
  T&& value() && {
    assert(ok());
    return std::get<0>(std::move(v_));
  }
  const Error& error() const {
    assert(!ok());
    return std::get<1>(v_);
  }

  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  template <typename U>
  T value_or(U&& fallback) const& {
    return ok() ? value() : static_cast<T>(std::forward<U>(fallback));
  }

 private:
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT

  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const {
    assert(!ok_);
    return error_;
  }

 private:
  Error error_{"", 0, ""};
  bool ok_ = true;
};

using Status = Result<void>;

inline Status OkStatus() { return Status(); }

}  // namespace irsa

#define IRSA_CONCAT_INNER(a, b) a##b
#define IRSA_CONCAT(a, b) IRSA_CONCAT_INNER(a, b)

// Evaluates `expr` (a Result<T>); on error returns it from the current function, otherwise
// moves the value into a new variable declared as `decl` (e.g. `auto role`).
#define IRSA_TRY(decl, expr) IRSA_TRY_IMPL(IRSA_CONCAT(irsa_try_, __LINE__), decl, expr)
#define IRSA_TRY_IMPL(tmp, decl, expr) \
  auto tmp = (expr);                   \
  if (!tmp.ok()) return tmp.error();   \
  decl = std::move(tmp).value()

// Evaluates `expr` (a Status or Result); on error returns it from the current function.
#define IRSA_RETURN_IF_ERROR(expr)                       \
  do {                                                   \
    auto irsa_status_ = (expr);                          \
    if (!irsa_status_.ok()) return irsa_status_.error(); \
  } while (false)
