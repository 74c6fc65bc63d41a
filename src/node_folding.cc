// The folds of one node (node_folding.h): each op as ONNX specifies it on small integer tensors.
#include "src/node_folding.h"

#include <algorithm>
#include <climits>
#include <cmath>

namespace wsest {

bool IsInvented(const std::string& symbol) { return symbol.rfind("unk__", 0) == 0; }

int64_t IntAttr(const onnx::NodeProto& node, const std::string& name, int64_t fallback) {
  for (const auto& a : node.attribute())
    if (a.name() == name && a.type() == onnx::AttributeProto::INT) return a.i();
  return fallback;
}

namespace {

const FoldedElement kUnknownDim{};

std::optional<std::vector<int64_t>> IntsAttr(const onnx::NodeProto& node, const std::string& name) {
  for (const auto& a : node.attribute())
    if (a.name() == name && a.type() == onnx::AttributeProto::INTS)
      return std::vector<int64_t>(a.ints().begin(), a.ints().end());
  return std::nullopt;
}

// The known integers of an input value, or nullopt when any element is not known.
std::optional<std::vector<int64_t>> KnownInts(const FoldedValue* v) {
  if (v == nullptr || !v->fully_known()) return std::nullopt;
  std::vector<int64_t> out;
  for (const FoldedElement& d : v->elements) out.push_back(*d.value);
  return out;
}

const FoldedValue* Input(const std::vector<const FoldedValue*>& inputs, size_t i) {
  return i < inputs.size() ? inputs[i] : nullptr;
}

FoldedValue Vector(std::vector<FoldedElement> elements) { return FoldedValue{false, std::move(elements), {}}; }

// Two elements combined: known values by the op (nullopt when not exact in integers, as a
// division that leaves a remainder), a symbol kept where the other operand is the identity;
// Equal gives 1 or 0.
std::optional<FoldedElement> Combine(const std::string& op, const FoldedElement& a, const FoldedElement& b) {
  if (op == "Equal") {
    // torch's `if x.dim() == 3` and `if x.shape[1] == 1`: a comparison of dims that an If reads.
    if (a.known() && b.known()) return FoldedElement::Known(*a.value == *b.value ? 1 : 0);
    // One dim named twice is equal to itself.
    if (!a.symbol.empty() && a.symbol == b.symbol && !IsInvented(a.symbol)) return FoldedElement::Known(1);
    return std::nullopt;
  }
  if (a.known() && b.known()) {
    const int64_t x = *a.value, y = *b.value;
    int64_t r = 0;
    if (op == "Add" && !__builtin_add_overflow(x, y, &r)) return FoldedElement::Known(r);
    if (op == "Sub" && !__builtin_sub_overflow(x, y, &r)) return FoldedElement::Known(r);
    if (op == "Mul" && !__builtin_mul_overflow(x, y, &r)) return FoldedElement::Known(r);
    // Integer Div truncates toward zero, as C++ does (ORT's element-wise Div on int64).
    if (op == "Div" && y != 0 && !(x == INT64_MIN && y == -1)) return FoldedElement::Known(x / y);
    return std::nullopt;
  }
  const bool keeps_a = ((op == "Add" || op == "Sub") && b.known() && *b.value == 0) ||
                       ((op == "Mul" || op == "Div") && b.known() && *b.value == 1);
  const bool keeps_b = (op == "Add" && a.known() && *a.value == 0) || (op == "Mul" && a.known() && *a.value == 1);
  if (keeps_a && !a.symbol.empty()) return a;
  if (keeps_b && !b.symbol.empty()) return b;
  return std::nullopt;
}

// Values a negative-or-large Slice bound clamps to, as the ONNX Slice spec and ORT's
// SliceBase::PrepareForCompute (core/providers/cpu/tensor/slice.cc) do for a positive step.
std::optional<FoldedValue> SliceVector(const FoldedValue& data, int64_t start, int64_t end, int64_t step) {
  const auto n = static_cast<int64_t>(data.elements.size());
  if (step == 0) return std::nullopt;
  auto clamp = [&](int64_t v, int64_t lo, int64_t hi) {
    if (v < 0) v += n;
    return std::min(std::max(v, lo), hi);
  };
  std::vector<FoldedElement> out;
  if (step > 0) {
    start = clamp(start, 0, n);
    end = clamp(end, 0, n);
    for (int64_t i = start; i < end; i += step) out.push_back(data.elements[static_cast<size_t>(i)]);
  } else {
    start = clamp(start, 0, n - 1);
    end = clamp(end, -1, n - 1);
    for (int64_t i = start; i > end; i += step) out.push_back(data.elements[static_cast<size_t>(i)]);
  }
  return Vector(std::move(out));
}

}  // namespace

void FoldNode(const onnx::NodeProto& node, int opset, const std::vector<const FoldedValue*>& inputs,
              const std::vector<const TensorInfo*>& shapes, std::vector<std::optional<FoldedValue>>* out) {
  out->assign(static_cast<size_t>(node.output_size()), std::nullopt);
  if (node.output_size() == 0 || !IsOnnxDomain(node.domain())) return;
  const std::string& op = node.op_type();
  std::optional<FoldedValue>& result = (*out)[0];
  const FoldedValue* in0 = Input(inputs, 0);
  const bool moves_elements = op == "Reshape" || op == "Transpose" || op == "Slice" || op == "Identity" || op == "Cast";
  if (!moves_elements &&
      std::any_of(inputs.begin(), inputs.end(), [](const FoldedValue* v) { return v != nullptr && v->matrix(); }))
    return;

  if (op == "Shape") {
    const TensorInfo* x = shapes.empty() ? nullptr : shapes[0];
    if (x == nullptr || !x->has_shape) return;
    std::vector<FoldedElement> dims;
    for (const Dim& d : x->dims) {
      if (d.known())
        dims.push_back(FoldedElement::Known(d.value));
      else if (IsInvented(d.symbol))
        dims.push_back(kUnknownDim);
      else
        dims.push_back(FoldedElement::Symbolic(d.symbol));
    }
    // Shape-15's start/end clamp as Slice does (onnx defs.cc Shape, ORT shape_op.h).
    const auto rank = static_cast<int64_t>(dims.size());
    const int64_t start = IntAttr(node, "start", 0);
    const int64_t end = IntAttr(node, "end", rank);
    result = SliceVector(Vector(dims), start, end, 1);
    return;
  }
  if (op == "Size") {
    const TensorInfo* x = shapes.empty() ? nullptr : shapes[0];
    if (x == nullptr || !x->has_shape) return;
    int64_t n = 1;
    for (const Dim& d : x->dims)
      if (!d.known() || __builtin_mul_overflow(n, d.value, &n)) return;
    result = FoldedValue{true, {FoldedElement::Known(n)}, {}};
    return;
  }
  if (op == "Identity" || op == "Cast") {
    if (in0 == nullptr) return;
    if (op == "Cast") {
      // Wide integer and float targets keep the values; bool makes each known one 0 or 1 (torch's
      // `if x.shape[0]:`); another narrow type could change them.
      const int64_t to = IntAttr(node, "to", 0);
      if (to == onnx::TensorProto::BOOL) {
        FoldedValue truth = *in0;
        for (FoldedElement& e : truth.elements)
          e = e.known() ? FoldedElement::Known(*e.value != 0 ? 1 : 0) : kUnknownDim;
        result = std::move(truth);
        return;
      }
      const bool keeps = to == onnx::TensorProto::INT64 || to == onnx::TensorProto::INT32 ||
                         to == onnx::TensorProto::FLOAT || to == onnx::TensorProto::DOUBLE;
      if (!keeps) return;
    }
    result = *in0;
    return;
  }
  if (op == "Not") {
    if (in0 == nullptr) return;
    FoldedValue negated = *in0;
    for (FoldedElement& e : negated.elements) e = e.known() ? FoldedElement::Known(*e.value == 0 ? 1 : 0) : kUnknownDim;
    result = std::move(negated);
    return;
  }
  if (op == "Gather") {
    auto indices = KnownInts(Input(inputs, 1));
    if (in0 == nullptr || in0->scalar || !indices || IntAttr(node, "axis", 0) != 0) return;
    const FoldedValue* idx = Input(inputs, 1);
    const auto n = static_cast<int64_t>(in0->elements.size());
    std::vector<FoldedElement> picked;
    for (int64_t i : *indices) {
      if (i < -n || i >= n) return;  // ORT fails the node; nothing to fold
      picked.push_back(in0->elements[static_cast<size_t>(i < 0 ? i + n : i)]);
    }
    result = FoldedValue{idx->scalar, std::move(picked), {}};
    return;
  }
  if (op == "Slice") {
    if (in0 == nullptr || in0->scalar) return;
    std::vector<int64_t> starts, ends, axes, steps;
    if (opset < 10) {
      // Slice-1 takes its ranges as attributes (onnx defs/tensor/old.cc Slice_ver1).
      auto s = IntsAttr(node, "starts"), e = IntsAttr(node, "ends");
      if (!s || !e) return;
      starts = *s;
      ends = *e;
      axes = IntsAttr(node, "axes").value_or(std::vector<int64_t>{});
    } else {
      auto s = KnownInts(Input(inputs, 1)), e = KnownInts(Input(inputs, 2));
      if (!s || !e) return;
      starts = *s;
      ends = *e;
      if (Input(inputs, 3) != nullptr) axes = KnownInts(Input(inputs, 3)).value_or(std::vector<int64_t>{99});
      if (Input(inputs, 4) != nullptr) steps = KnownInts(Input(inputs, 4)).value_or(std::vector<int64_t>{0});
      if (node.input_size() > 3 && !node.input(3).empty() && Input(inputs, 3) == nullptr) return;
      if (node.input_size() > 4 && !node.input(4).empty() && Input(inputs, 4) == nullptr) return;
    }
    if (starts.size() != 1 || ends.size() != 1 || steps.size() > 1 || axes.size() > 1) return;
    const int64_t step = steps.empty() ? 1 : steps[0];
    if (!in0->matrix()) {
      if (!axes.empty() && axes[0] != 0 && axes[0] != -1) return;
      result = SliceVector(*in0, starts[0], ends[0], step);
      return;
    }
    // One axis of a tensor of higher rank: the positions kept along it, each a block of the axes after it.
    const auto rank = static_cast<int64_t>(in0->dims.size());
    int64_t axis = axes.empty() ? 0 : axes[0];
    if (axis < -rank || axis >= rank) return;
    if (axis < 0) axis += rank;
    const auto along = static_cast<size_t>(axis);
    std::vector<FoldedElement> positions;
    for (int64_t i = 0; i < in0->dims[along]; ++i) positions.push_back(FoldedElement::Known(i));
    const std::optional<FoldedValue> kept = SliceVector(Vector(std::move(positions)), starts[0], ends[0], step);
    if (!kept) return;
    int64_t outer = 1, inner = 1;  // at most the element count, which is at most kMaxFoldedElements
    for (size_t k = 0; k < along; ++k) outer *= in0->dims[k];
    for (size_t k = along + 1; k < in0->dims.size(); ++k) inner *= in0->dims[k];
    FoldedValue sliced{false, {}, in0->dims};
    sliced.dims[along] = static_cast<int64_t>(kept->elements.size());
    for (int64_t o = 0; o < outer; ++o)
      for (const FoldedElement& p : kept->elements)
        for (int64_t i = 0; i < inner; ++i)
          sliced.elements.push_back(in0->elements[static_cast<size_t>((o * in0->dims[along] + *p.value) * inner + i)]);
    result = std::move(sliced);
    return;
  }
  if (op == "Reshape") {
    // Moves no element (onnx defs.cc Reshape): a 0 copies the input's dim unless allowzero, one -1 is inferred.
    auto target = KnownInts(Input(inputs, 1));
    if (in0 == nullptr || !target) return;
    const auto count = static_cast<int64_t>(in0->elements.size());
    const std::vector<int64_t> from = in0->matrix() ? in0->dims
                                      : in0->scalar ? std::vector<int64_t>{}
                                                    : std::vector<int64_t>{count};
    const bool allowzero = IntAttr(node, "allowzero", 0) != 0;
    std::vector<int64_t> to;
    std::optional<size_t> inferred;
    int64_t known = 1;
    for (size_t i = 0; i < target->size(); ++i) {
      int64_t d = (*target)[i];
      if (d == 0 && !allowzero) {
        if (i >= from.size()) return;
        d = from[i];
      }
      if (d == -1 && !inferred) {
        inferred = i;
        to.push_back(1);
        continue;
      }
      if (d < 0 || __builtin_mul_overflow(known, d, &known)) return;
      to.push_back(d);
    }
    if (inferred) {
      if (known == 0 || count % known != 0) return;
      to[*inferred] = count / known;
    } else if (known != count) {
      return;
    }
    FoldedValue moved{to.empty(), in0->elements, {}};
    if (to.size() >= 2) moved.dims = std::move(to);
    result = std::move(moved);
    return;
  }
  if (op == "Transpose") {
    if (in0 == nullptr || in0->scalar) return;
    if (!in0->matrix()) {
      result = *in0;  // a 1-D transpose keeps its order
      return;
    }
    const size_t rank = in0->dims.size();
    std::vector<int64_t> perm(rank);
    for (size_t k = 0; k < rank; ++k) perm[k] = static_cast<int64_t>(rank - 1 - k);  // reversed by default
    if (auto given = IntsAttr(node, "perm")) perm = *given;
    std::vector<bool> seen(rank, false);
    if (perm.size() != rank) return;
    for (int64_t p : perm) {
      if (p < 0 || p >= static_cast<int64_t>(rank) || seen[static_cast<size_t>(p)]) return;
      seen[static_cast<size_t>(p)] = true;
    }
    std::vector<int64_t> stride(rank, 1);  // the input's row-major strides
    for (size_t k = rank - 1; k > 0; --k) stride[k - 1] = stride[k] * in0->dims[k];
    FoldedValue moved{false, {}, std::vector<int64_t>(rank)};
    for (size_t k = 0; k < rank; ++k) moved.dims[k] = in0->dims[static_cast<size_t>(perm[k])];
    std::vector<int64_t> at(rank, 0);  // the output index, counted in row-major order
    for (size_t n = 0; n < in0->elements.size(); ++n) {
      int64_t offset = 0;
      for (size_t k = 0; k < rank; ++k) offset += at[k] * stride[static_cast<size_t>(perm[k])];
      moved.elements.push_back(in0->elements[static_cast<size_t>(offset)]);
      for (size_t k = rank; k-- > 0;) {
        if (++at[k] < moved.dims[k]) break;
        at[k] = 0;
      }
    }
    result = std::move(moved);
    return;
  }
  if (op == "Concat") {
    const int64_t axis = IntAttr(node, "axis", 0);
    if (axis != 0 && axis != -1) return;
    std::vector<FoldedElement> joined;
    for (int i = 0; i < node.input_size(); ++i) {
      const FoldedValue* v = Input(inputs, static_cast<size_t>(i));
      if (v == nullptr || v->scalar) return;
      joined.insert(joined.end(), v->elements.begin(), v->elements.end());
    }
    result = Vector(std::move(joined));
    return;
  }
  if (op == "Unsqueeze") {
    // A scalar becomes a 1-element vector (axes [0] as an attribute before opset 13, an input from 13).
    if (in0 == nullptr || !in0->scalar) return;
    auto axes = opset < 13 ? IntsAttr(node, "axes") : KnownInts(Input(inputs, 1));
    if (!axes || axes->size() != 1 || ((*axes)[0] != 0 && (*axes)[0] != -1)) return;
    result = Vector(in0->elements);
    return;
  }
  if (op == "Squeeze") {
    if (in0 == nullptr || in0->scalar || in0->elements.size() != 1) return;
    result = FoldedValue{true, in0->elements, {}};
    return;
  }
  if (op == "Add" || op == "Sub" || op == "Mul" || op == "Div" || op == "Equal") {
    const FoldedValue* a = in0;
    const FoldedValue* b = Input(inputs, 1);
    if (a == nullptr || b == nullptr) return;
    const size_t na = a->elements.size(), nb = b->elements.size();
    if (na != nb && na != 1 && nb != 1) return;  // numpy broadcasting of 0-D and 1-D values
    const size_t n = std::max(na, nb);
    std::vector<FoldedElement> elements;
    for (size_t i = 0; i < n; ++i) {
      auto c = Combine(op, a->elements[na == 1 ? 0 : i], b->elements[nb == 1 ? 0 : i]);
      elements.push_back(c ? *c : kUnknownDim);
    }
    const bool scalar = a->scalar && b->scalar;
    result = FoldedValue{scalar, std::move(elements), {}};
    return;
  }
  if (op == "Range") {
    auto start = KnownInts(in0), limit = KnownInts(Input(inputs, 1)), delta = KnownInts(Input(inputs, 2));
    if (!start || !limit || !delta || start->size() != 1 || limit->size() != 1 || delta->size() != 1) return;
    if ((*delta)[0] == 0) return;
    // Range's element count: max(ceil((limit - start) / delta), 0) (onnx defs.cc Range).
    const double count = std::ceil(static_cast<double>((*limit)[0] - (*start)[0]) / static_cast<double>((*delta)[0]));
    if (count > static_cast<double>(kMaxFoldedElements)) return;
    std::vector<FoldedElement> elements;
    for (int64_t i = 0; i < static_cast<int64_t>(std::max(count, 0.0)); ++i)
      elements.push_back(FoldedElement::Known((*start)[0] + i * (*delta)[0]));
    result = Vector(std::move(elements));
    return;
  }
  if (op == "ConstantOfShape") {
    // Only a 1-D integer fill is a shape value (a vector of ones that Expand or Tile reads).
    auto shape = KnownInts(in0);
    if (!shape || shape->size() != 1 || (*shape)[0] < 0 || static_cast<size_t>((*shape)[0]) > kMaxFoldedElements)
      return;
    int64_t fill = 0;
    for (const auto& a : node.attribute()) {
      if (a.name() != "value" || !a.has_t()) continue;
      const auto& t = a.t();
      if (t.data_type() == onnx::TensorProto::INT64 && t.int64_data_size() == 1)
        fill = t.int64_data(0);
      else if (t.data_type() == onnx::TensorProto::INT64 && t.raw_data().size() == 8)
        std::memcpy(&fill, t.raw_data().data(), 8);
      else
        return;
    }
    result = Vector(std::vector<FoldedElement>(static_cast<size_t>((*shape)[0]), FoldedElement::Known(fill)));
    return;
  }
}

}  // namespace wsest
