#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "calibrate/record_library.h"
#include "src/records.h"
#include "wsest/registry.h"

namespace wsest::calibrate {
namespace {

TensorInfo T(const std::string& name, DataType dtype, std::vector<int64_t> dims, bool initializer = false) {
  TensorInfo t;
  t.name = name;
  t.dtype = dtype;
  t.has_shape = true;
  for (int64_t d : dims) t.dims.push_back(Dim::Known(d));
  t.is_initializer = initializer;
  return t;
}

int64_t ConvOut(int64_t in, int64_t k, int64_t s, int64_t p) { return (in + 2 * p - k) / s + 1; }

// One 2-D or 3-D Conv with symmetric padding `p`.
NodeView Conv(const std::string& name, DataType dt, int64_t n, int64_t c, std::vector<int64_t> spatial, int64_t m,
              int64_t k, int64_t s, int64_t p, int64_t group = 1) {
  NodeView node;
  node.name = name;
  node.op_type = "Conv";
  node.opset = 17;
  std::vector<int64_t> x{n, c}, w{m, c / group}, y{n, m};
  for (int64_t d : spatial) {
    x.push_back(d);
    w.push_back(k);
    y.push_back(ConvOut(d, k, s, p));
  }
  node.inputs = {T("x", dt, x), T("w", dt, w, true)};
  node.outputs = {T("y", dt, y)};
  const size_t r = spatial.size();
  node.attributes["strides"] = std::vector<int64_t>(r, s);
  node.attributes["pads"] = std::vector<int64_t>(2 * r, p);
  node.attributes["group"] = group;
  return node;
}

void ResNet50(std::vector<NodeView>& v, DataType dt, int64_t n) {
  v.push_back(Conv("resnet50/conv1", dt, n, 3, {224, 224}, 64, 7, 2, 3));
  struct Stage { int64_t in, mid, out, hw, blocks, stride; };
  const Stage stages[] = {{64, 64, 256, 56, 3, 1}, {256, 128, 512, 56, 4, 2}, {512, 256, 1024, 28, 6, 2},
                          {1024, 512, 2048, 14, 3, 2}};
  for (const Stage& st : stages) {
    const std::string p = "resnet50/c" + std::to_string(st.out);
    const int64_t hw_out = st.hw / st.stride;
    v.push_back(Conv(p + "/b0_1x1a", dt, n, st.in, {st.hw, st.hw}, st.mid, 1, 1, 0));
    v.push_back(Conv(p + "/b0_3x3", dt, n, st.mid, {st.hw, st.hw}, st.mid, 3, st.stride, 1));
    v.push_back(Conv(p + "/1x1b", dt, n, st.mid, {hw_out, hw_out}, st.out, 1, 1, 0));
    v.push_back(Conv(p + "/b0_down", dt, n, st.in, {st.hw, st.hw}, st.out, 1, st.stride, 0));
    v.push_back(Conv(p + "/1x1a", dt, n, st.out, {hw_out, hw_out}, st.mid, 1, 1, 0));
    v.push_back(Conv(p + "/3x3", dt, n, st.mid, {hw_out, hw_out}, st.mid, 3, 1, 1));
  }
}

void MobileNetV2(std::vector<NodeView>& v, DataType dt, int64_t n) {
  v.push_back(Conv("mobilenetv2/stem", dt, n, 3, {224, 224}, 32, 3, 2, 1));
  struct Block { int64_t t, c, s, hw_in, c_in; };
  const Block blocks[] = {{1, 16, 1, 112, 32},  {6, 24, 2, 112, 16}, {6, 32, 2, 56, 24}, {6, 64, 2, 28, 32},
                          {6, 96, 1, 14, 64},  {6, 160, 2, 14, 96}, {6, 320, 1, 7, 160}};
  for (const Block& b : blocks) {
    const std::string p = "mobilenetv2/c" + std::to_string(b.c);
    const int64_t hidden = b.c_in * b.t;
    if (b.t != 1) v.push_back(Conv(p + "/expand", dt, n, b.c_in, {b.hw_in, b.hw_in}, hidden, 1, 1, 0));
    v.push_back(Conv(p + "/dw", dt, n, hidden, {b.hw_in, b.hw_in}, hidden, 3, b.s, 1, hidden));
    v.push_back(Conv(p + "/project", dt, n, hidden, {b.hw_in / b.s, b.hw_in / b.s}, b.c, 1, 1, 0));
  }
  v.push_back(Conv("mobilenetv2/head", dt, n, 320, {7, 7}, 1280, 1, 1, 0));
}

void YoloStyle(std::vector<NodeView>& v, DataType dt, int64_t n) {
  int64_t c = 3, hw = 640;
  for (int64_t out : {32, 64, 128, 256, 512}) {
    v.push_back(Conv("yolo/down" + std::to_string(out), dt, n, c, {hw, hw}, out, 3, 2, 1));
    hw /= 2;
    v.push_back(Conv("yolo/csp" + std::to_string(out) + "_1x1", dt, n, out, {hw, hw}, out / 2, 1, 1, 0));
    v.push_back(Conv("yolo/csp" + std::to_string(out) + "_3x3", dt, n, out / 2, {hw, hw}, out / 2, 3, 1, 1));
    c = out;
  }
  for (int64_t hw_head : {80, 40, 20}) {
    v.push_back(Conv("yolo/head" + std::to_string(hw_head), dt, n, 256, {hw_head, hw_head}, 255, 1, 1, 0));
  }
}

void StableDiffusionStyle(std::vector<NodeView>& v, DataType dt) {
  // VAE decoder (latent 64x64 -> 512x512) and UNet convs at 64/32/16/8 latents.
  v.push_back(Conv("sd_vae/conv_in", dt, 1, 4, {64, 64}, 512, 3, 1, 1));
  for (int64_t hw : {64, 128, 256, 512}) {
    const int64_t ch = hw <= 128 ? 512 : hw == 256 ? 256 : 128;
    v.push_back(Conv("sd_vae/res" + std::to_string(hw), dt, 1, ch, {hw, hw}, ch, 3, 1, 1));
  }
  v.push_back(Conv("sd_vae/conv_out", dt, 1, 128, {512, 512}, 3, 3, 1, 1));
  v.push_back(Conv("sd_unet/conv_in", dt, 2, 4, {64, 64}, 320, 3, 1, 1));
  const std::pair<int64_t, int64_t> levels[] = {{64, 320}, {32, 640}, {16, 1280}, {8, 1280}};
  for (const auto& [hw, ch] : levels) {
    v.push_back(Conv("sd_unet/res" + std::to_string(hw), dt, 2, ch, {hw, hw}, ch, 3, 1, 1));
    v.push_back(Conv("sd_unet/down" + std::to_string(hw), dt, 2, ch, {hw, hw}, ch, 3, 2, 1));
  }
}

void Conv3d(std::vector<NodeView>& v, DataType dt) {
  v.push_back(Conv("r3d/stem", dt, 1, 3, {16, 112, 112}, 64, 3, 1, 1));
  v.push_back(Conv("r3d/l2", dt, 1, 64, {16, 56, 56}, 128, 3, 2, 1));
  v.push_back(Conv("r3d/l3", dt, 1, 128, {8, 28, 28}, 256, 3, 2, 1));
  v.push_back(Conv("r3d/l4", dt, 1, 256, {4, 14, 14}, 512, 3, 2, 1));
}

NodeView Reduce(const std::string& op, DataType dt, std::vector<int64_t> dims, std::vector<int64_t> axes) {
  NodeView node;
  node.name = "reduce/" + op;
  node.op_type = op;
  node.opset = 13;  // axes as attribute (ReduceSum takes them as an input from 13: use 11 for it)
  if (op == "ReduceSum") node.opset = 11;
  node.inputs = {T("x", dt, dims)};
  node.outputs = {T("y", dt, {})};
  if (op == "ArgMax" || op == "ArgMin") {
    node.attributes["axis"] = axes.front();
  } else {
    node.attributes["axes"] = axes;
  }
  return node;
}

NodeView Rnn(const std::string& op, DataType dt, int64_t seq, int64_t batch, int64_t input, int64_t hidden,
             const std::string& direction) {
  NodeView node;
  node.name = "rnn/" + op;
  node.op_type = op;
  node.opset = 14;
  const int64_t gates = op == "LSTM" ? 4 : op == "GRU" ? 3 : 1;
  const int64_t dirs = direction == "bidirectional" ? 2 : 1;
  node.inputs = {T("x", dt, {seq, batch, input}), T("w", dt, {dirs, gates * hidden, input}, true),
                 T("r", dt, {dirs, gates * hidden, hidden}, true), T("b", dt, {dirs, 2 * gates * hidden}, true)};
  node.outputs = {T("y", dt, {seq, dirs, batch, hidden})};
  node.attributes["hidden_size"] = hidden;
  node.attributes["direction"] = direction;
  return node;
}

// Captures the queries an estimator asks and answers none of them.
class Capture final : public LibraryQueries {
 public:
  std::string Kind() const override { return "capture"; }
  Result<ConvAnswer> ConvWorkspace(const ConvQuery& q) const override {
    conv.push_back(q);
    return NotFound("capturing");
  }
  Result<ReductionAnswer> ReductionWorkspace(const ReductionQuery& q) const override {
    reduction.push_back(q);
    return NotFound("capturing");
  }
  Result<RnnAnswer> RnnTempSpace(const RnnQuery& q) const override {
    rnn.push_back(q);
    return NotFound("capturing");
  }
  Result<CubAnswer> CubTempStorage(const CubQuery& q) const override {
    cub.push_back(q);
    return NotFound("capturing");
  }
  Result<SdpaAnswer> SdpaWorkspace(const SdpaQuery& q) const override {
    sdpa.push_back(q);
    return NotFound("capturing");
  }
  mutable std::vector<ConvQuery> conv;
  mutable std::vector<ReductionQuery> reduction;
  mutable std::vector<RnnQuery> rnn;
  mutable std::vector<CubQuery> cub;
  mutable std::vector<SdpaQuery> sdpa;
};

}  // namespace

std::vector<NodeView> LibraryCorpus() {
  std::vector<NodeView> v;
  for (DataType dt : {DataType::kFloat, DataType::kFloat16, DataType::kBfloat16}) {
    for (int64_t n : {1, 8}) {
      ResNet50(v, dt, n);
      MobileNetV2(v, dt, n);
    }
    YoloStyle(v, dt, 1);
    StableDiffusionStyle(v, dt);
    Conv3d(v, dt);
  }
  for (DataType dt : {DataType::kFloat, DataType::kFloat16}) {
    v.push_back(Reduce("ReduceMax", dt, {1, 128, 768}, {-1}));
    v.push_back(Reduce("ReduceMean", dt, {1, 768, 128}, {1}));  // middle axis: cuDNN path
    v.push_back(Reduce("ReduceSum", dt, {8, 3, 224, 224}, {1}));
    v.push_back(Reduce("ReduceL2", dt, {1, 512, 7, 7}, {2, 3}));
    v.push_back(Reduce("ReduceLogSumExp", dt, {4, 32000}, {-1}));
    v.push_back(Reduce("ArgMax", dt, {1, 1000}, {1}));
    v.push_back(Reduce("ArgMax", dt, {8, 128, 50257}, {-1}));
  }
  v.push_back(Reduce("ReduceSum", DataType::kInt64, {8, 128, 16}, {1}));
  for (DataType dt : {DataType::kFloat, DataType::kFloat16}) {
    v.push_back(Rnn("LSTM", dt, 128, 1, 256, 512, "forward"));
    v.push_back(Rnn("LSTM", dt, 32, 8, 128, 256, "bidirectional"));
    v.push_back(Rnn("GRU", dt, 64, 4, 80, 256, "forward"));
    v.push_back(Rnn("RNN", dt, 50, 16, 64, 128, "reverse"));
  }
  return v;
}

RecordStats RecordCorpus(const std::vector<NodeView>& corpus, const Target& target, const LibraryQueries& source,
                         const LibraryVersions& versions, std::ostream& out, std::ostream& log) {
  Capture capture;
  Target t = target;
  t.live = &capture;
  for (const NodeView& node : corpus) {
    Result<Estimate> r = EstimateNode(node, t);
    if (!r.ok()) log << node.Label() << ": " << r.error().message << "\n";
  }
  RecordStats stats;
  std::set<std::string> seen;
  auto write = [&](const std::string& kind, const std::string& key, std::map<std::string, uint64_t> numbers,
                   std::string engine) {
    Record rec;
    rec.kind = kind;
    rec.key = key;
    rec.versions = versions;
    rec.ep = std::string(kEpName) + " " + kEpRelease;
    rec.numbers = std::move(numbers);
    rec.engine = std::move(engine);
    out << FormatRecord(rec) << "\n";
    ++stats.recorded;
  };
  auto fresh = [&](const std::string& key) {
    if (!seen.insert(key).second) return false;
    ++stats.queries;
    return true;
  };
  for (const ConvQuery& q : capture.conv) {
    const std::string key = CanonicalKey(q);
    if (!fresh(key)) continue;
    Result<ConvAnswer> a = source.ConvWorkspace(q);
    if (!a.ok()) {
      ++stats.failed;
      log << key << ": " << a.error().message << "\n";
      continue;
    }
    write("conv", key, {{"workspace_bytes", a->workspace_bytes}}, a->engine);
  }
  for (const ReductionQuery& q : capture.reduction) {
    const std::string key = CanonicalKey(q);
    if (!fresh(key)) continue;
    Result<ReductionAnswer> a = source.ReductionWorkspace(q);
    if (!a.ok()) {
      ++stats.failed;
      log << key << ": " << a.error().message << "\n";
      continue;
    }
    write("reduction", key, {{"workspace_bytes", a->workspace_bytes}, {"indices_bytes", a->indices_bytes}}, "");
  }
  for (const RnnQuery& q : capture.rnn) {
    const std::string key = CanonicalKey(q);
    if (!fresh(key)) continue;
    Result<RnnAnswer> a = source.RnnTempSpace(q);
    if (!a.ok()) {
      ++stats.failed;
      log << key << ": " << a.error().message << "\n";
      continue;
    }
    std::map<std::string, uint64_t> numbers{{"workspace_bytes", a->workspace_bytes},
                                            {"reserve_bytes", a->reserve_bytes}};
    if (a->dropout_states_bytes) numbers["dropout_states_bytes"] = *a->dropout_states_bytes;
    write("rnn", key, numbers, "");
  }
  for (const CubQuery& q : capture.cub) {
    const std::string key = CanonicalKey(q);
    if (!fresh(key)) continue;
    Result<CubAnswer> a = source.CubTempStorage(q);
    if (!a.ok()) {
      ++stats.failed;
      log << key << ": " << a.error().message << "\n";
      continue;
    }
    write("cub", key, {{"temp_storage_bytes", a->temp_storage_bytes}}, "");
  }
  for (const SdpaQuery& q : capture.sdpa) {
    const std::string key = CanonicalKey(q);
    if (!fresh(key)) continue;
    Result<SdpaAnswer> a = source.SdpaWorkspace(q);
    if (!a.ok()) {
      ++stats.failed;
      log << key << ": " << a.error().message << "\n";
      continue;
    }
    write("sdpa", key, {{"workspace_bytes", a->workspace_bytes}}, "");
  }
  return stats;
}

}  // namespace wsest::calibrate
