// wsest_floor: the benchmark's floor (issue 10). It does what any tool that reads an ONNX graph and
// infers its shapes must do, and nothing else: read the file, parse the ModelProto, bind the
// symbolic dims of the graph inputs (so inference does the same work as wsest's), and run plain
// onnx 1.12 shape inference with onnx's own schema registry and the options wsest uses. No wsest.
//
// usage: wsest_floor MODEL.onnx [--dim name=value ...] [--phases]
//   --phases prints "read_s=... parse_s=... infer_s=... nodes=..." on stdout.

#include <onnx/defs/schema.h>
#include <onnx/onnx_pb.h>
#include <onnx/shape_inference/implementation.h>

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include <chrono>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <unordered_map>

namespace {

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: wsest_floor MODEL.onnx [--dim name=value ...] [--phases]\n");
    return 2;
  }
  std::map<std::string, int64_t> dims;
  bool phases = false;
  for (int i = 2; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--phases") {
      phases = true;
    } else if (arg == "--dim" && i + 1 < argc) {
      const std::string d = argv[++i];
      const auto eq = d.find('=');
      if (eq == std::string::npos) return 2;
      dims[d.substr(0, eq)] = std::strtoll(d.c_str() + eq + 1, nullptr, 10);
    } else {
      std::fprintf(stderr, "wsest_floor: unknown argument '%s'\n", arg.c_str());
      return 2;
    }
  }

  auto start = std::chrono::steady_clock::now();
  std::ifstream file(argv[1], std::ios::binary);
  if (!file) {
    std::fprintf(stderr, "wsest_floor: cannot open %s\n", argv[1]);
    return 1;
  }
  std::string bytes((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  const double read_s = Seconds(start);

  start = std::chrono::steady_clock::now();
  onnx::ModelProto model;
  google::protobuf::io::ArrayInputStream raw(bytes.data(), static_cast<int>(bytes.size()));
  google::protobuf::io::CodedInputStream coded(&raw);
  coded.SetTotalBytesLimit(INT_MAX);
  if (!model.ParseFromCodedStream(&coded)) {
    std::fprintf(stderr, "wsest_floor: %s: protobuf parse failed\n", argv[1]);
    return 1;
  }
  const double parse_s = Seconds(start);

  start = std::chrono::steady_clock::now();
  for (auto& input : *model.mutable_graph()->mutable_input()) {
    if (!input.type().has_tensor_type() || !input.type().tensor_type().has_shape()) continue;
    for (auto& d : *input.mutable_type()->mutable_tensor_type()->mutable_shape()->mutable_dim()) {
      auto bound = dims.find(d.dim_param());
      if (!d.has_dim_value() && bound != dims.end()) d.set_dim_value(bound->second);
    }
  }
  std::unordered_map<std::string, onnx::TensorShapeProto> propagated;
  try {
    onnx::ShapeInferenceOptions options(/*check_type=*/false, /*error_mode=*/1, /*data_prop=*/true);
    onnx::shape_inference::InferShapes(model, onnx::OpSchemaRegistry::Instance(), options, &propagated);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "wsest_floor: %s: shape inference failed: %s\n", argv[1], e.what());
    return 1;
  }
  const double infer_s = Seconds(start);
  if (phases) {
    std::printf("read_s=%.6f parse_s=%.6f infer_s=%.6f nodes=%d value_info=%d\n", read_s, parse_s, infer_s,
                model.graph().node_size(), model.graph().value_info_size());
  }
  return 0;
}
