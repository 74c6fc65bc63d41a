// The extension module behind the wsest Python package: the wsest CLI itself (tools/cli_run.h), run
// in-process, so that Python and the binary are one program with one implementation.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <sstream>
#include <string>
#include <vector>

#include "tools/cli_run.h"

namespace {

namespace py = pybind11;

// argv[0] is the program name, as for main. The report and the errors come back as bytes: node
// names in a model need not be valid UTF-8, and `python3 -m wsest` writes them out unchanged.
py::tuple RunCli(std::vector<std::string> argv) {
  std::vector<char*> pointers;
  pointers.reserve(argv.size() + 1);
  for (auto& arg : argv) pointers.push_back(arg.data());
  pointers.push_back(nullptr);
  std::ostringstream out;
  std::ostringstream err;
  int code = 0;
  {
    // The estimate touches no Python object: other Python threads run meanwhile.
    py::gil_scoped_release release;
    code = wsest::cli::RunCli(static_cast<int>(argv.size()), pointers.data(), out, err);
  }
  return py::make_tuple(code, py::bytes(out.str()), py::bytes(err.str()));
}

}  // namespace

PYBIND11_MODULE(_wsest, m) {
  m.doc() = "The wsest CLI, run in-process (tools/cli_run.h); the wsest package's API is built on it.";
  m.def("run_cli", &RunCli, py::arg("argv"),
        "run_cli(argv) -> (exit_code, stdout_bytes, stderr_bytes)\n\n"
        "Runs `wsest argv[1:]` (argv[0] is the program name) exactly as the wsest binary would, with its\n"
        "output captured. Exit codes: 0 success, 1 the budget does not fit, 2 an error.");
}
