// Error and Result: how wsest reports failure without exceptions crossing its API.
// Codes follow absl::StatusCode's meanings (absl/status/status.h), the most specific one that fits.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace wsest {

enum class ErrorCode {
  kInvalidArgument,     // malformed model, node or option (names the node and the cause)
  kNotFound,            // a file, device profile or node that does not exist
  kOutOfRange,          // a byte count or dim that overflows 64 bits
  kFailedPrecondition,  // something the user must supply first (an unbound symbolic dim)
  kInternal,            // a bug in wsest
};

const char* ErrorCodeName(ErrorCode code);

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;
};

// A value or an Error, like absl::StatusOr; [[nodiscard]] so an ignored failure is a warning.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}  // NOLINT: implicit by design, like StatusOr
  Result(Error error) : state_(std::move(error)) {}  // NOLINT

  bool ok() const { return state_.index() == 0; }
  const T& value() const& { return std::get<0>(state_); }
  T& value() & { return std::get<0>(state_); }
  T&& value() && { return std::get<0>(std::move(state_)); }
  const Error& error() const { return std::get<1>(state_); }
  const T& operator*() const& { return value(); }
  T& operator*() & { return value(); }
  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }

 private:
  std::variant<T, Error> state_;
};

inline Error InvalidArgument(std::string message) { return {ErrorCode::kInvalidArgument, std::move(message)}; }
inline Error NotFound(std::string message) { return {ErrorCode::kNotFound, std::move(message)}; }
inline Error OutOfRange(std::string message) { return {ErrorCode::kOutOfRange, std::move(message)}; }
inline Error FailedPrecondition(std::string message) {
  return {ErrorCode::kFailedPrecondition, std::move(message)};
}

}  // namespace wsest

#define WSEST_CONCAT_INNER_(a, b) a##b
#define WSEST_CONCAT_(a, b) WSEST_CONCAT_INNER_(a, b)
// Evaluates a Result expression; on error returns its Error from the enclosing function.
#define WSEST_ASSIGN_OR_RETURN(lhs, expr) WSEST_ASSIGN_OR_RETURN_IMPL_(WSEST_CONCAT_(wsest_result_, __LINE__), lhs, expr)
#define WSEST_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                 \
  if (!tmp.ok()) return tmp.error();                 \
  lhs = std::move(tmp).value()
