// The models options_fuzzer varies options over: small graphs built here, one or two nodes of each
// estimator family, with symbolic dims to bind and an input without a shape.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "wsest/model.h"

namespace wsest::fuzz {

struct SeedModel {
  std::string name;
  std::string bytes;
  std::vector<std::string> dims;    // its symbolic dims
  std::vector<std::string> inputs;  // its graph inputs
  std::shared_ptr<const Model> model;  // parsed once, dims left symbolic; Rebind applies options
};

// Built and parsed once; a seed that does not load is left out (and said so on stderr).
const std::vector<SeedModel>& SeedModels();

}  // namespace wsest::fuzz
