// wsest: the report tool; tools/cli_run.cc is the program.
#include <iostream>

#include "tools/cli_run.h"

int main(int argc, char** argv) {
  return wsest::cli::RunCli(argc, argv, std::cout, std::cerr, wsest::cli::CliEnd::kExitProcess);
}
