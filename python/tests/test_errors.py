"""Bad input raises wsest.WsestError carrying the CLI's own message: the file, the node and the cause."""
import os

import pytest

import wsest
from conftest import run_binary


def binary_error(*args):
    code, _, err = run_binary(*args)
    assert code == 2
    prefix = b"wsest: error: "
    assert err.startswith(prefix)
    return err[len(prefix):].decode().rstrip("\n")


def test_truncated_file(demo, tmp_path):
    with open(os.path.join(demo, "bert_base.onnx"), "rb") as f:
        head = f.read(20000)  # the graph is cut mid-message
    path = tmp_path / "truncated.onnx"
    path.write_bytes(head)
    with pytest.raises(wsest.WsestError) as caught:
        wsest.estimate(path, dims={"batch": 1, "sequence": 8})
    assert caught.value.message == binary_error(path, "--dim", "batch=1", "--dim", "sequence=8")
    assert caught.value.message == f"{path}: not a valid ONNX model (protobuf parse failed: truncated or not a ModelProto)"
    assert caught.value.exit_code == 2
    # As bytes, the message names the model by its label.
    with pytest.raises(wsest.WsestError, match=r"^truncated bert: not a valid ONNX model \(protobuf parse failed"):
        wsest.estimate(head, dims={"batch": 1, "sequence": 8}, label="truncated bert")


def test_unbound_dim_names_the_node(demo):
    path = os.path.join(demo, "bert_base.onnx")
    with pytest.raises(wsest.WsestError) as caught:
        wsest.estimate(path, dims={"sequence": 8})
    assert caught.value.message == binary_error(path, "--dim", "sequence=8")
    # The first node to read input_ids (ORT's order) is its Cast to int32.
    assert "Cast 'embeddings/cast_input_ids'" in caught.value.message
    assert "'batch', which has no value" in caught.value.message
    assert str(caught.value) == caught.value.message


def test_overflow_names_the_tensor(demo):
    path = os.path.join(demo, "bert_base.onnx")
    huge = 2**32
    with pytest.raises(wsest.WsestError) as caught:
        wsest.estimate(path, dims={"batch": huge, "sequence": huge})
    assert caught.value.message == binary_error(path, "--dim", f"batch={huge}", "--dim", f"sequence={huge}")
    # 2^32 * 2^32 int64 elements = 2^67 bytes: past 64 bits.
    assert "overflows 64 bits" in caught.value.message and "'attention_mask'" in caught.value.message


def test_missing_file_and_bad_flags(demo, tmp_path):
    with pytest.raises(wsest.WsestError, match="no such file"):
        wsest.estimate(tmp_path / "absent.onnx")
    with pytest.raises(wsest.WsestError, match="--budget"):
        wsest.estimate(os.path.join(demo, "bert_base.onnx"), dims={"batch": 1, "sequence": 8}, budget="lots")
    with pytest.raises(wsest.WsestError, match="no symbolic dim named 'total'"):
        wsest.estimate(os.path.join(demo, "gpt2_decode.onnx"), dims={"batch": 1, "past_sequence": 1, "total": 2})


def test_strict_refuses_unknown_nodes(demo):
    path = os.path.join(demo, "resnet_small.onnx")
    result = wsest.estimate(path, dims={"batch": 8})
    if result.summary.unknown == 0:
        pytest.skip("every node has an estimate here")
    first = next(n for n in result.nodes if not n.known)
    with pytest.raises(wsest.WsestError) as caught:
        wsest.estimate(path, dims={"batch": 8}, strict=True)
    assert caught.value.message.startswith(f"--strict: {result.summary.unknown} node(s) have no estimate; first: "
                                           f"{first.op_type} '{first.name}'")
