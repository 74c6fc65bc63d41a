// The live module is loaded lazily (src/live_loader.cc): nothing that links wsest maps a CUDA library
// until an estimate asks a library question, and then only when a CUDA driver reports a device.
// These tests hold on any machine: without a driver they check the refusal and that nothing was
// mapped; with a GPU they check that the first question maps the CUDA runtime.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "tests/cli_runner.h"
#include "tests/test_graph.h"
#include "wsest/live.h"

namespace wsest {
namespace {

// The CUDA libraries the live module links, and the driver it asks first.
const std::vector<std::string> kCudaLibraries = {"libcudart.so", "libcudnn", "libcublasLt.so", "libcuda.so"};
// The files the shadow device's links point to (calibrate/shadow/shadow.cmake), as /proc/self/maps names
// them when the shadow stands in for a GPU (calibrate/run_on_gpu.sh's dry run).
const std::vector<std::string> kShadowFiles = {"shadow_cudart.so", "shadow_cudnn.so", "shadow_cublaslt.so",
                                               "shadow_driver.so"};

std::string MappedCudaLibraries() {
  std::ifstream maps("/proc/self/maps");
  std::string line, found;
  while (std::getline(maps, line)) {
    for (size_t k = 0; k < kCudaLibraries.size(); ++k) {
      const std::string& lib = kCudaLibraries[k];
      const bool mapped =
          line.find("/" + lib) != std::string::npos || line.find("/" + kShadowFiles[k]) != std::string::npos;
      if (mapped && found.find(lib) == std::string::npos) found += lib + " ";
    }
  }
  return found;
}

// LD_DEBUG=libs names every library the dynamic loader looks for ("find library=...") and loads
// ("calling init: ..."), the CLI's dlopen calls included; its lines naming a CUDA library.
std::string CudaLinesOfLoaderLog(const std::vector<std::string>& args, int* exit_code,
                                 const std::string& library_path = "") {
  std::vector<std::string> env_args = {"LD_DEBUG=libs"};
  if (!library_path.empty()) env_args.push_back("LD_LIBRARY_PATH=" + library_path);
  env_args.push_back(WSEST_CLI_PATH);
  env_args.insert(env_args.end(), args.begin(), args.end());
  const testing::CliResult run = testing::RunProgram("/usr/bin/env", env_args);
  *exit_code = run.exit_code;
  std::istringstream log(run.err);
  std::string line, cuda;
  while (std::getline(log, line)) {
    if (line.find("libwsest_live_cuda.so") != std::string::npos) cuda += line + "\n";
    for (const std::string& lib : kCudaLibraries) {
      if (line.find(lib) != std::string::npos) {
        cuda += line + "\n";
        break;
      }
    }
  }
  return cuda;
}

TEST(LiveLoader, LazySourceMapsNothingUntilAsked) {
  if (!MappedCudaLibraries().empty()) GTEST_SKIP() << "an earlier test in this process loaded CUDA";
  std::unique_ptr<LibraryQueries> live = CreateLazyLiveQueries(0);
  EXPECT_EQ(live->Kind(), "live");
  EXPECT_EQ(MappedCudaLibraries(), "");
  CubQuery q;
  q.num_items = 1000;
  Result<CubAnswer> a = live->CubTempStorage(q);
  if (a.ok()) {
    // A GPU answered: the first question loaded the module and, with it, the CUDA runtime.
    EXPECT_NE(MappedCudaLibraries().find("libcudart.so"), std::string::npos) << MappedCudaLibraries();
    EXPECT_NE(a->source.find("live on"), std::string::npos) << a->source;
    return;
  }
  // Refused: the driver (or, with a driver, the module) said why, and the runtime stayed out.
  const std::string& why = a.error().message;
  EXPECT_TRUE(why.find("no GPU") != std::string::npos || why.find("live module") != std::string::npos) << why;
  EXPECT_EQ(MappedCudaLibraries().find("libcudart.so"), std::string::npos) << MappedCudaLibraries();
  // Asked again, the same refusal: the probe ran once.
  Result<CubAnswer> again = live->CubTempStorage(q);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().message, why);
}

TEST(LiveLoader, VersionAndListingMapNoCudaLibrary) {
  for (const char* flag : {"--version", "--list"}) {
    int code = -1;
    EXPECT_EQ(CudaLinesOfLoaderLog({flag}, &code), "") << flag;
    EXPECT_EQ(code, 0) << flag;
  }
}

// resnet_small's Conv nodes ask cuDNN for their workspace: a library question.
TEST(LiveLoader, NoLiveNeverAsksTheDriver) {
  const std::string dir = testing::TempDir("live_loader_no_live");
  ASSERT_EQ(testing::RunProgram(WSEST_DEMO_TOOL_PATH, {dir, "--tiny"}).exit_code, 0);
  const std::string model = dir + "/resnet_small.onnx";
  int code = -1;
  const std::string with_no_live = CudaLinesOfLoaderLog({model, "--dim", "batch=1", "--no-live"}, &code);
  if (code == 2) GTEST_SKIP() << "this build has no --no-live (built without WSEST_WITH_CUDA)";
  EXPECT_EQ(code, 0);
  EXPECT_EQ(with_no_live, "");
}

// Without --no-live the same model makes the CLI ask the driver; where there is none it says so in
// the Conv rows' reasons and loads nothing else.
TEST(LiveLoader, ConvModelAsksTheDriverAndNoMore) {
  const std::string dir = testing::TempDir("live_loader_conv");
  ASSERT_EQ(testing::RunProgram(WSEST_DEMO_TOOL_PATH, {dir, "--tiny"}).exit_code, 0);
  const std::string model = dir + "/resnet_small.onnx";
  const testing::CliResult report = testing::RunWsest({model, "--dim", "batch=1", "--json"});
  ASSERT_EQ(report.exit_code, 0) << report.err;
  if (report.out.find("no GPU: no CUDA driver") == std::string::npos) {
    GTEST_SKIP() << "a CUDA driver is present (or this build has no live path)";
  }
  int code = -1;
  const std::string lines = CudaLinesOfLoaderLog({model, "--dim", "batch=1"}, &code);
  EXPECT_EQ(code, 0);
  EXPECT_NE(lines.find("find library=libcuda.so.1"), std::string::npos) << lines;
  for (const char* runtime : {"libcudart.so", "libcudnn", "libcublasLt.so"}) {
    EXPECT_EQ(lines.find(runtime), std::string::npos) << runtime << " in\n" << lines;
  }
}

// The shadow device's stub driver and runtime (calibrate/shadow) stand in for a GPU: the CLI asks the
// stub driver, finds the module beside itself and opens it, with the stub runtime, at the first
// library question, and not before.
TEST(LiveLoader, ShadowDriverOpensTheModuleBesideTheCli) {
  const std::string shadow = std::string(WSEST_BINARY_DIR) + "/shadow/lib";
  const std::string module = std::string(WSEST_BINARY_DIR) + "/libwsest_live_cuda.so";
  if (!std::filesystem::exists(module)) GTEST_SKIP() << "built without WSEST_WITH_CUDA: no live module";
  if (!std::filesystem::exists(shadow + "/libcuda.so.1")) GTEST_SKIP() << "the shadow device is not built";
  int code = -1;
  EXPECT_EQ(CudaLinesOfLoaderLog({"--version"}, &code, shadow), "");
  const std::string dir = testing::TempDir("live_loader_shadow");
  ASSERT_EQ(testing::RunProgram(WSEST_DEMO_TOOL_PATH, {dir, "--tiny"}).exit_code, 0);
  const std::string lines = CudaLinesOfLoaderLog({dir + "/resnet_small.onnx", "--dim", "batch=1"}, &code, shadow);
  EXPECT_EQ(code, 0);
  EXPECT_NE(lines.find("calling init: " + shadow + "/libcuda.so.1"), std::string::npos) << lines;
  EXPECT_NE(lines.find("calling init: " + module), std::string::npos) << lines;
  EXPECT_NE(lines.find("calling init: " + shadow + "/libcudart.so.13"), std::string::npos) << lines;
}

}  // namespace
}  // namespace wsest
