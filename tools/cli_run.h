// The wsest CLI as a function, so the `wsest` binary (tools/wsest.cc) and the Python package's
// `python3 -m wsest` (python/) are one program: same flags, same output, same exit codes.
#pragma once

#include <ostream>

namespace wsest::cli {

// How RunCli ends once the report is written. kReturn destroys the parsed model and returns the exit
// code (a caller that lives on, as Python does); kExitProcess ends the process there without freeing
// it (the binary: freeing a 10k-node graph was 6% of the run, bench/).
enum class CliEnd { kReturn, kExitProcess };

// Runs `wsest` with these arguments (argv[0] is the program name): the report goes to `out`, errors
// and warnings to `err`. Returns 0, 1 (does not fit) or 2 (error), as the binary exits.
int RunCli(int argc, char** argv, std::ostream& out, std::ostream& err, CliEnd end = CliEnd::kReturn);

}  // namespace wsest::cli
