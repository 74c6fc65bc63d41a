"""A model built in the test with onnx.helper: estimated as a ModelProto, checked by hand and against the binary."""
import pytest

import wsest
from conftest import binary_json

onnx = pytest.importorskip("onnx")
from onnx import TensorProto, helper  # noqa: E402


def gemm_relu_model():
    # Y = Relu(X W + B), X [batch, 64] float, W [64, 32] and B [32] as initializers (zeros: never read).
    w = helper.make_tensor("W", TensorProto.FLOAT, [64, 32], [0.0] * (64 * 32))
    b = helper.make_tensor("B", TensorProto.FLOAT, [32], [0.0] * 32)
    graph = helper.make_graph(
        [helper.make_node("Gemm", ["X", "W", "B"], ["H"], name="fc"),
         helper.make_node("Relu", ["H"], ["Y"], name="act")],
        "gemm_relu",
        [helper.make_tensor_value_info("X", TensorProto.FLOAT, ["batch", 64])],
        [helper.make_tensor_value_info("Y", TensorProto.FLOAT, ["batch", 32])],
        initializer=[w, b])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=8)


def test_helper_model(tmp_path):
    model = gemm_relu_model()
    result = wsest.estimate(model, dims={"batch": 16}, label="gemm_relu")
    assert result.model == "gemm_relu"
    assert [(n.name, n.op_type) for n in result.nodes] == [("fc", "Gemm"), ("act", "Relu")]
    # Neither kernel takes scratch of its own; both are exact.
    assert [(n.workspace_bytes, n.exactness) for n in result.nodes] == [(0, "exact"), (0, "exact")]
    # Weights: W 64*32*4 = 8192 B and B 32*4 = 128 B.
    assert result.memory.weights_bytes == 8192 + 128
    # The same model on disk, through the binary.
    path = tmp_path / "gemm_relu.onnx"
    onnx.save(model, str(path))
    report = binary_json(path, "--dim", "batch=16")
    report["model"] = "gemm_relu"
    assert result.json == report
