// The public API throws nothing (an EP calls it from GetCapability): an exception from onnx,
// protobuf or the allocator (std::bad_alloc on a hostile size) becomes an Error.
#pragma once

#include <string>

#include "wsest/result.h"

namespace wsest {

// The exception being handled as an Error naming `label`. Call it from a catch block.
Error CurrentExceptionAsError(const std::string& label);

}  // namespace wsest
