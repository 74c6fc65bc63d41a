// The live library queries (include/wsest/live.h), built only with WSEST_WITH_CUDA into the module
// libwsest_live_cuda.so, which src/live_loader.cc opens on demand (src/live_module.h): CUDA runtime
// for the device, cuDNN 9 for Conv (backend API: the calls cudnn-frontend makes for
// ORT's CreateCudnnFeExecutionPlan), reductions and RNNs, and the nvcc-compiled CUB size queries of
// calibrate/live/cub_queries.cu. Any CUDA failure (no driver: cudaGetDeviceCount returns 35) means
// "no GPU": CreateLiveQueries returns null with the reason.
#include <cublasLt.h>
#include <cuda_runtime.h>
#include <cudnn.h>
#include <fmt/format.h>

#include <memory>
#include <string>
#include <vector>

#include "src/live_module.h"
#include "wsest/live.h"

namespace wsest {

// calibrate/live/cub_queries.cu
Result<uint64_t> CubTempStorageOnDevice(const CubQuery& q);
int CubVersionCompiled();

namespace {

std::string CudnnError(cudnnStatus_t s) { return cudnnGetErrorString(s); }

// Owns one backend descriptor.
class Backend {
 public:
  explicit Backend(cudnnBackendDescriptorType_t type) { status_ = cudnnBackendCreateDescriptor(type, &d_); }
  ~Backend() {
    if (d_ != nullptr) cudnnBackendDestroyDescriptor(d_);
  }
  Backend(const Backend&) = delete;
  Backend& operator=(const Backend&) = delete;
  cudnnBackendDescriptor_t get() const { return d_; }
  cudnnBackendDescriptor_t* ptr() { return &d_; }
  cudnnStatus_t status() const { return status_; }
  // Sets an attribute; the first failure is kept in status().
  template <typename T>
  void Set(cudnnBackendAttributeName_t name, cudnnBackendAttributeType_t type, int64_t count, const T* values) {
    if (status_ != CUDNN_STATUS_SUCCESS) return;
    status_ = cudnnBackendSetAttribute(d_, name, type, count, values);
  }
  cudnnStatus_t Finalize() {
    if (status_ == CUDNN_STATUS_SUCCESS) status_ = cudnnBackendFinalize(d_);
    return status_;
  }

 private:
  cudnnBackendDescriptor_t d_ = nullptr;
  cudnnStatus_t status_ = CUDNN_STATUS_SUCCESS;
};

cudnnDataType_t CudnnType(DataType t) {
  switch (t) {
    case DataType::kFloat16: return CUDNN_DATA_HALF;
    case DataType::kBfloat16: return CUDNN_DATA_BFLOAT16;
    case DataType::kDouble: return CUDNN_DATA_DOUBLE;
    case DataType::kInt8: return CUDNN_DATA_INT8;
    case DataType::kInt32: return CUDNN_DATA_INT32;
    default: return CUDNN_DATA_FLOAT;
  }
}

// Packed strides for dims in NCHW order; channels-last puts C innermost.
std::vector<int64_t> Strides(const std::vector<int64_t>& dims, bool channels_last) {
  std::vector<int64_t> s(dims.size(), 1);
  if (!channels_last || dims.size() < 3) {
    for (size_t i = dims.size() - 1; i > 0; --i) s[i - 1] = s[i] * dims[i];
    return s;
  }
  s[1] = 1;
  int64_t acc = dims[1];
  for (size_t i = dims.size() - 1; i >= 2; --i) {
    s[i] = acc;
    acc *= dims[i];
  }
  s[0] = acc;
  return s;
}

std::unique_ptr<Backend> Tensor(const std::vector<int64_t>& dims, bool channels_last, cudnnDataType_t type,
                                int64_t uid) {
  auto t = std::make_unique<Backend>(CUDNN_BACKEND_TENSOR_DESCRIPTOR);
  const std::vector<int64_t> strides = Strides(dims, channels_last);
  const int64_t alignment = 16;
  t->Set(CUDNN_ATTR_TENSOR_DATA_TYPE, CUDNN_TYPE_DATA_TYPE, 1, &type);
  t->Set(CUDNN_ATTR_TENSOR_DIMENSIONS, CUDNN_TYPE_INT64, static_cast<int64_t>(dims.size()), dims.data());
  t->Set(CUDNN_ATTR_TENSOR_STRIDES, CUDNN_TYPE_INT64, static_cast<int64_t>(strides.size()), strides.data());
  t->Set(CUDNN_ATTR_TENSOR_UNIQUE_ID, CUDNN_TYPE_INT64, 1, &uid);
  t->Set(CUDNN_ATTR_TENSOR_BYTE_ALIGNMENT, CUDNN_TYPE_INT64, 1, &alignment);
  t->Finalize();
  return t;
}

class LiveQueries final : public LibraryQueries {
 public:
  LiveQueries(int device, cudnnHandle_t handle, LibraryVersions versions)
      : device_(device), handle_(handle), versions_(std::move(versions)) {}
  ~LiveQueries() override { cudnnDestroy(handle_); }

  std::string Kind() const override { return "live"; }

  std::string Source() const {
    return fmt::format("live on {} (sm{}, CUDA {}, cuDNN {}, CUB {})", versions_.device, versions_.sm,
                       versions_.cuda_runtime, versions_.cudnn, versions_.cub);
  }

  Result<ConvAnswer> ConvWorkspace(const ConvQuery& q) const override {
    if (q.fuse_bias || q.fuse_act) {
      return NotFound("the live path builds conv-only graphs; fused bias/activation graphs need a record");
    }
    cudaSetDevice(device_);
    const cudnnDataType_t io = CudnnType(q.dtype);
    const cudnnDataType_t compute = q.dtype == DataType::kDouble ? CUDNN_DATA_DOUBLE : CUDNN_DATA_FLOAT;
    auto x = Tensor(q.x_dims, q.channels_last, io, 'x');
    auto w = Tensor(q.w_dims, q.channels_last, io, 'w');
    auto y = Tensor(q.y_dims, q.channels_last, io, 'y');
    for (const Backend* t : {x.get(), w.get(), y.get()}) {
      if (t->status() != CUDNN_STATUS_SUCCESS) return NotFound("tensor descriptor: " + CudnnError(t->status()));
    }
    const int64_t spatial = static_cast<int64_t>(q.strides.size());
    std::vector<int64_t> pre(q.pads.begin(), q.pads.begin() + spatial), post(q.pads.begin() + spatial, q.pads.end());
    Backend conv(CUDNN_BACKEND_CONVOLUTION_DESCRIPTOR);
    const cudnnConvolutionMode_t mode = CUDNN_CROSS_CORRELATION;
    conv.Set(CUDNN_ATTR_CONVOLUTION_SPATIAL_DIMS, CUDNN_TYPE_INT64, 1, &spatial);
    conv.Set(CUDNN_ATTR_CONVOLUTION_COMP_TYPE, CUDNN_TYPE_DATA_TYPE, 1, &compute);
    conv.Set(CUDNN_ATTR_CONVOLUTION_CONV_MODE, CUDNN_TYPE_CONVOLUTION_MODE, 1, &mode);
    conv.Set(CUDNN_ATTR_CONVOLUTION_DILATIONS, CUDNN_TYPE_INT64, spatial, q.dilations.data());
    conv.Set(CUDNN_ATTR_CONVOLUTION_FILTER_STRIDES, CUDNN_TYPE_INT64, spatial, q.strides.data());
    conv.Set(CUDNN_ATTR_CONVOLUTION_PRE_PADDINGS, CUDNN_TYPE_INT64, spatial, pre.data());
    conv.Set(CUDNN_ATTR_CONVOLUTION_POST_PADDINGS, CUDNN_TYPE_INT64, spatial, post.data());
    if (conv.Finalize() != CUDNN_STATUS_SUCCESS) return NotFound("convolution descriptor: " + CudnnError(conv.status()));

    const float alpha_f = 1.0f, beta_f = 0.0f;
    const double alpha_d = 1.0, beta_d = 0.0;
    const bool dbl = q.dtype == DataType::kDouble;
    Backend op(q.transpose ? CUDNN_BACKEND_OPERATION_CONVOLUTION_BACKWARD_DATA_DESCRIPTOR
                           : CUDNN_BACKEND_OPERATION_CONVOLUTION_FORWARD_DESCRIPTOR);
    cudnnBackendDescriptor_t xd = x->get(), wd = w->get(), yd = y->get(), cd = conv.get();
    if (q.transpose) {
      // ConvTranspose is cuDNN's data gradient: X plays dy, Y plays dx (conv_transpose.cc).
      op.Set(CUDNN_ATTR_OPERATION_CONVOLUTION_BWD_DATA_DY, CUDNN_TYPE_BACKEND_DESCRIPTOR, 1, &xd);
      op.Set(CUDNN_ATTR_OPERATION_CONVOLUTION_BWD_DATA_W, CUDNN_TYPE_BACKEND_DESCRIPTOR, 1, &wd);
      op.Set(CUDNN_ATTR_OPERATION_CONVOLUTION_BWD_DATA_DX, CUDNN_TYPE_BACKEND_DESCRIPTOR, 1, &yd);
      op.Set(CUDNN_ATTR_OPERATION_CONVOLUTION_BWD_DATA_CONV_DESC, CUDNN_TYPE_BACKEND_DESCRIPTOR, 1, &cd);
      if (dbl) {
        op.Set(CUDNN_ATTR_OPERATION_CONVOLUTION_BWD_DATA_ALPHA, CUDNN_TYPE_DOUBLE, 1, &alpha_d);
        op.Set(CUDNN_ATTR_OPERATION_CONVOLUTION_BWD_DATA_BETA, CUDNN_TYPE_DOUBLE, 1, &beta_d);
      } else {
        op.Set(CUDNN_ATTR_OPERATION_CONVOLUTION_BWD_DATA_ALPHA, CUDNN_TYPE_FLOAT, 1, &alpha_f);
        op.Set(CUDNN_ATTR_OPERATION_CONVOLUTION_BWD_DATA_BETA, CUDNN_TYPE_FLOAT, 1, &beta_f);
      }
    } else {
      op.Set(CUDNN_ATTR_OPERATION_CONVOLUTION_FORWARD_X, CUDNN_TYPE_BACKEND_DESCRIPTOR, 1, &xd);
      op.Set(CUDNN_ATTR_OPERATION_CONVOLUTION_FORWARD_W, CUDNN_TYPE_BACKEND_DESCRIPTOR, 1, &wd);
      op.Set(CUDNN_ATTR_OPERATION_CONVOLUTION_FORWARD_Y, CUDNN_TYPE_BACKEND_DESCRIPTOR, 1, &yd);
      op.Set(CUDNN_ATTR_OPERATION_CONVOLUTION_FORWARD_CONV_DESC, CUDNN_TYPE_BACKEND_DESCRIPTOR, 1, &cd);
      if (dbl) {
        op.Set(CUDNN_ATTR_OPERATION_CONVOLUTION_FORWARD_ALPHA, CUDNN_TYPE_DOUBLE, 1, &alpha_d);
        op.Set(CUDNN_ATTR_OPERATION_CONVOLUTION_FORWARD_BETA, CUDNN_TYPE_DOUBLE, 1, &beta_d);
      } else {
        op.Set(CUDNN_ATTR_OPERATION_CONVOLUTION_FORWARD_ALPHA, CUDNN_TYPE_FLOAT, 1, &alpha_f);
        op.Set(CUDNN_ATTR_OPERATION_CONVOLUTION_FORWARD_BETA, CUDNN_TYPE_FLOAT, 1, &beta_f);
      }
    }
    if (op.Finalize() != CUDNN_STATUS_SUCCESS) return NotFound("convolution operation: " + CudnnError(op.status()));

    Backend graph(CUDNN_BACKEND_OPERATIONGRAPH_DESCRIPTOR);
    cudnnBackendDescriptor_t opd = op.get();
    cudnnHandle_t handle = handle_;
    graph.Set(CUDNN_ATTR_OPERATIONGRAPH_OPS, CUDNN_TYPE_BACKEND_DESCRIPTOR, 1, &opd);
    graph.Set(CUDNN_ATTR_OPERATIONGRAPH_HANDLE, CUDNN_TYPE_HANDLE, 1, &handle);
    if (graph.Finalize() != CUDNN_STATUS_SUCCESS) return NotFound("operation graph: " + CudnnError(graph.status()));

    // cudnn-frontend create_execution_plans({heur_mode}): one heuristics query in ORT's mode.
    Backend heur(CUDNN_BACKEND_ENGINEHEUR_DESCRIPTOR);
    const cudnnBackendHeurMode_t heur_mode = q.heur_mode == HeurMode::kA   ? CUDNN_HEUR_MODE_A
                                             : q.heur_mode == HeurMode::kB ? CUDNN_HEUR_MODE_B
                                                                           : CUDNN_HEUR_MODE_FALLBACK;
    cudnnBackendDescriptor_t gd = graph.get();
    heur.Set(CUDNN_ATTR_ENGINEHEUR_OPERATION_GRAPH, CUDNN_TYPE_BACKEND_DESCRIPTOR, 1, &gd);
    heur.Set(CUDNN_ATTR_ENGINEHEUR_MODE, CUDNN_TYPE_HEUR_MODE, 1, &heur_mode);
    if (heur.Finalize() != CUDNN_STATUS_SUCCESS) return NotFound("engine heuristics: " + CudnnError(heur.status()));
    int64_t count = 0;
    cudnnBackendGetAttribute(heur.get(), CUDNN_ATTR_ENGINEHEUR_RESULTS, CUDNN_TYPE_BACKEND_DESCRIPTOR, 0, &count,
                             nullptr);
    std::vector<std::unique_ptr<Backend>> configs;
    std::vector<cudnnBackendDescriptor_t> raw;
    for (int64_t i = 0; i < count; ++i) {
      configs.push_back(std::make_unique<Backend>(CUDNN_BACKEND_ENGINECFG_DESCRIPTOR));
      raw.push_back(configs.back()->get());
    }
    int64_t got = 0;
    if (count > 0) {
      cudnnBackendGetAttribute(heur.get(), CUDNN_ATTR_ENGINEHEUR_RESULTS, CUDNN_TYPE_BACKEND_DESCRIPTOR, count, &got,
                               raw.data());
    }
    // build_plans (HEURISTICS_CHOICE): the first config, in heuristics order, that builds; with
    // use_tf32 off, deselect_numeric_notes({TENSOR_CORE}) drops tensor-core engines first.
    for (int64_t i = 0; i < got; ++i) {
      Backend engine(CUDNN_BACKEND_ENGINE_DESCRIPTOR);
      int64_t n = 0;
      cudnnBackendGetAttribute(raw[static_cast<size_t>(i)], CUDNN_ATTR_ENGINECFG_ENGINE, CUDNN_TYPE_BACKEND_DESCRIPTOR,
                               1, &n, engine.ptr());
      int64_t engine_id = -1;
      cudnnBackendGetAttribute(engine.get(), CUDNN_ATTR_ENGINE_GLOBAL_INDEX, CUDNN_TYPE_INT64, 1, &n, &engine_id);
      if (!q.use_tf32) {
        cudnnBackendNumericalNote_t notes[CUDNN_NUMERICAL_NOTE_TYPE_COUNT];
        int64_t note_count = 0;
        cudnnBackendGetAttribute(engine.get(), CUDNN_ATTR_ENGINE_NUMERICAL_NOTE, CUDNN_TYPE_NUMERICAL_NOTE,
                                 CUDNN_NUMERICAL_NOTE_TYPE_COUNT, &note_count, notes);
        bool tensor_core = false;
        for (int64_t k = 0; k < note_count; ++k) tensor_core |= notes[k] == CUDNN_NUMERICAL_NOTE_TENSOR_CORE;
        if (tensor_core) continue;
      }
      Backend plan(CUDNN_BACKEND_EXECUTION_PLAN_DESCRIPTOR);
      cudnnBackendDescriptor_t cfg = raw[static_cast<size_t>(i)];
      plan.Set(CUDNN_ATTR_EXECUTION_PLAN_HANDLE, CUDNN_TYPE_HANDLE, 1, &handle);
      plan.Set(CUDNN_ATTR_EXECUTION_PLAN_ENGINE_CONFIG, CUDNN_TYPE_BACKEND_DESCRIPTOR, 1, &cfg);
      if (plan.Finalize() != CUDNN_STATUS_SUCCESS) continue;
      int64_t workspace = 0;
      cudnnBackendGetAttribute(plan.get(), CUDNN_ATTR_EXECUTION_PLAN_WORKSPACE_SIZE, CUDNN_TYPE_INT64, 1, &n,
                               &workspace);
      return ConvAnswer{static_cast<uint64_t>(workspace), fmt::format("{} (config {} of {})", engine_id, i, got),
                        Source()};
    }
    return NotFound(fmt::format("none of {} heuristic engine configs built a plan", got));
  }

  Result<ReductionAnswer> ReductionWorkspace(const ReductionQuery& q) const override {
    cudaSetDevice(device_);
    cudnnReduceTensorOp_t op = CUDNN_REDUCE_TENSOR_ADD;
    const std::string& n = q.reduce_op;
    if (n == "avg") op = CUDNN_REDUCE_TENSOR_AVG;
    else if (n == "max") op = CUDNN_REDUCE_TENSOR_MAX;
    else if (n == "min") op = CUDNN_REDUCE_TENSOR_MIN;
    else if (n == "mul") op = CUDNN_REDUCE_TENSOR_MUL;
    else if (n == "norm1") op = CUDNN_REDUCE_TENSOR_NORM1;
    else if (n == "norm2") op = CUDNN_REDUCE_TENSOR_NORM2;
    cudnnReduceTensorDescriptor_t desc = nullptr;
    cudnnTensorDescriptor_t in = nullptr, out = nullptr;
    cudnnCreateReduceTensorDescriptor(&desc);
    cudnnCreateTensorDescriptor(&in);
    cudnnCreateTensorDescriptor(&out);
    // CudnnReduceDescriptor::Set: CUDNN_NOT_PROPAGATE_NAN, CUDNN_32BIT_INDICES.
    cudnnStatus_t s = cudnnSetReduceTensorDescriptor(
        desc, op, CudnnType(q.compute_dtype), CUDNN_NOT_PROPAGATE_NAN,
        q.flattened_indices ? CUDNN_REDUCE_TENSOR_FLATTENED_INDICES : CUDNN_REDUCE_TENSOR_NO_INDICES,
        CUDNN_32BIT_INDICES);
    auto set = [&](cudnnTensorDescriptor_t t, const std::vector<int64_t>& dims) {
      std::vector<int> d(dims.begin(), dims.end());
      std::vector<int64_t> st64 = Strides(dims, false);
      std::vector<int> st(st64.begin(), st64.end());
      return cudnnSetTensorNdDescriptor(t, CudnnType(q.tensor_dtype), static_cast<int>(d.size()), d.data(), st.data());
    };
    if (s == CUDNN_STATUS_SUCCESS) s = set(in, q.input_dims);
    if (s == CUDNN_STATUS_SUCCESS) s = set(out, q.output_dims);
    size_t workspace = 0, indices = 0;
    if (s == CUDNN_STATUS_SUCCESS) s = cudnnGetReductionWorkspaceSize(handle_, desc, in, out, &workspace);
    if (s == CUDNN_STATUS_SUCCESS) s = cudnnGetReductionIndicesSize(handle_, desc, in, out, &indices);
    cudnnDestroyTensorDescriptor(in);
    cudnnDestroyTensorDescriptor(out);
    cudnnDestroyReduceTensorDescriptor(desc);
    if (s != CUDNN_STATUS_SUCCESS) return NotFound("cudnn reduction query: " + CudnnError(s));
    return ReductionAnswer{workspace, indices, Source()};
  }

  Result<RnnAnswer> RnnTempSpace(const RnnQuery& q) const override {
    cudaSetDevice(device_);
    cudnnRNNMode_t mode = q.mode == "lstm" ? CUDNN_LSTM : q.mode == "gru" ? CUDNN_GRU
                          : q.mode == "rnn_relu" ? CUDNN_RNN_RELU : CUDNN_RNN_TANH;
    const cudnnDataType_t type = CudnnType(q.dtype);
    cudnnMathType_t math = CUDNN_DEFAULT_MATH;
    if (type == CUDNN_DATA_HALF) math = CUDNN_TENSOR_OP_MATH;
    else if (type == CUDNN_DATA_FLOAT && !q.use_tf32) math = CUDNN_FMA_MATH;
    cudnnDropoutDescriptor_t dropout = nullptr;
    cudnnRNNDescriptor_t rnn = nullptr;
    cudnnRNNDataDescriptor_t x = nullptr;
    cudnnCreateDropoutDescriptor(&dropout);
    cudnnCreateRNNDescriptor(&rnn);
    cudnnCreateRNNDataDescriptor(&x);
    cudnnStatus_t s = cudnnSetDropoutDescriptor(dropout, handle_, 0.0f, nullptr, 0, 1);
    if (s == CUDNN_STATUS_SUCCESS) {
      s = cudnnSetRNNDescriptor_v8(rnn, CUDNN_RNN_ALGO_STANDARD, mode, q.has_bias ? CUDNN_RNN_DOUBLE_BIAS : CUDNN_RNN_NO_BIAS,
                                   q.bidirectional ? CUDNN_BIDIRECTIONAL : CUDNN_UNIDIRECTIONAL, CUDNN_LINEAR_INPUT,
                                   type, type, math, static_cast<int32_t>(q.input_size),
                                   static_cast<int32_t>(q.hidden_size), static_cast<int32_t>(q.hidden_size), 1,
                                   dropout, CUDNN_RNN_PADDED_IO_ENABLED);
    }
    // CudnnDataTensor::Set: CUDNN_RNN_DATA_LAYOUT_SEQ_MAJOR_UNPACKED, every sequence at seq_length.
    std::vector<int32_t> lens(static_cast<size_t>(q.batch), static_cast<int32_t>(q.seq_length));
    float padding = 0.0f;
    if (s == CUDNN_STATUS_SUCCESS) {
      s = cudnnSetRNNDataDescriptor(x, type, CUDNN_RNN_DATA_LAYOUT_SEQ_MAJOR_UNPACKED, static_cast<int>(q.seq_length),
                                    static_cast<int>(q.batch), static_cast<int>(q.input_size), lens.data(), &padding);
    }
    size_t workspace = 0, reserve = 0, states = 0;
    if (s == CUDNN_STATUS_SUCCESS) {
      s = cudnnGetRNNTempSpaceSizes(handle_, rnn, CUDNN_FWD_MODE_INFERENCE, x, &workspace, &reserve);
    }
    if (s == CUDNN_STATUS_SUCCESS) s = cudnnDropoutGetStatesSize(handle_, &states);
    cudnnDestroyRNNDataDescriptor(x);
    cudnnDestroyRNNDescriptor(rnn);
    cudnnDestroyDropoutDescriptor(dropout);
    if (s != CUDNN_STATUS_SUCCESS) return NotFound("cudnnGetRNNTempSpaceSizes: " + CudnnError(s));
    return RnnAnswer{workspace, reserve, Source(), states};
  }

  Result<CubAnswer> CubTempStorage(const CubQuery& q) const override {
    cudaSetDevice(device_);
    WSEST_ASSIGN_OR_RETURN(uint64_t bytes, CubTempStorageOnDevice(q));
    return CubAnswer{bytes, Source()};
  }

  // Building the SDPA graph needs cudnn_frontend's sdpa node (the backend API spells it as a dozen
  // pointwise and matmul operations); until that is written, a recorded table answers it.
  Result<SdpaAnswer> SdpaWorkspace(const SdpaQuery& q) const override {
    return NotFound("cuDNN SDPA graph workspace (" + CanonicalKey(q) + "): not implemented for a live GPU yet");
  }

 private:
  int device_;
  cudnnHandle_t handle_;
  LibraryVersions versions_;
};

LibraryVersions ModuleLibraryVersions() {
  LibraryVersions v;
  int runtime = 0;
  if (cudaRuntimeGetVersion(&runtime) == cudaSuccess) v.cuda_runtime = runtime;
  v.cudnn = static_cast<int>(cudnnGetVersion());
  v.cublaslt = static_cast<int>(cublasLtGetVersion());
  v.cub = CubVersionCompiled();
  return v;
}

std::unique_ptr<LibraryQueries> CreateOnDevice(int device_ordinal, std::string* why_not) {
  auto fail = [&](std::string why) -> std::unique_ptr<LibraryQueries> {
    if (why_not != nullptr) *why_not = std::move(why);
    return nullptr;
  };
  int count = 0;
  const cudaError_t e = cudaGetDeviceCount(&count);
  if (e != cudaSuccess) {
    return fail(fmt::format("no GPU: cudaGetDeviceCount returned {} ({})", static_cast<int>(e), cudaGetErrorString(e)));
  }
  if (device_ordinal < 0 || device_ordinal >= count) {
    return fail(fmt::format("no GPU: device {} requested, {} present", device_ordinal, count));
  }
  cudaDeviceProp prop{};
  if (cudaGetDeviceProperties(&prop, device_ordinal) != cudaSuccess || cudaSetDevice(device_ordinal) != cudaSuccess) {
    return fail("no GPU: cannot open device " + std::to_string(device_ordinal));
  }
  cudnnHandle_t handle = nullptr;
  if (const cudnnStatus_t s = cudnnCreate(&handle); s != CUDNN_STATUS_SUCCESS) {
    return fail("cudnnCreate failed: " + CudnnError(s));
  }
  LibraryVersions v = ModuleLibraryVersions();
  v.device = prop.name;
  v.sm = prop.major * 10 + prop.minor;
  return std::make_unique<LiveQueries>(device_ordinal, handle, std::move(v));
}

constexpr LiveModuleApi kApi{WSEST_VERSION, &CreateOnDevice, &ModuleLibraryVersions};

}  // namespace
}  // namespace wsest

extern "C" __attribute__((visibility("default"))) const wsest::LiveModuleApi* wsest_live_module_v1() {
  return &wsest::kApi;
}
