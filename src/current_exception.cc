#include "src/current_exception.h"

#include <fmt/format.h>

#include <exception>
#include <new>

namespace wsest {

Error CurrentExceptionAsError(const std::string& label) {
  try {
    throw;
  } catch (const std::bad_alloc&) {
    return Error{ErrorCode::kInternal, fmt::format("{}: out of memory", label)};
  } catch (const std::exception& e) {
    return Error{ErrorCode::kInternal, fmt::format("{}: internal error: {}", label, e.what())};
  } catch (...) {
    return Error{ErrorCode::kInternal, fmt::format("{}: internal error: an unknown exception", label)};
  }
}

}  // namespace wsest
