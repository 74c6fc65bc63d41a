"""wsest.estimate() against the wsest binary's --json report, field by field, on the demo models."""
import os
import warnings

import pytest

import wsest
from conftest import binary_json, run_binary

BERT_DIMS = {"batch": 2, "sequence": 128}
BERT_FLAGS = ["--dim", "batch=2", "--dim", "sequence=128"]


def assert_nodes_match(result, report):
    assert len(result.nodes) == len(report["nodes"])
    for node, expected in zip(result.nodes, report["nodes"]):
        assert (node.index, node.name, node.op_type, node.domain) == (
            expected["index"], expected["name"], expected["op_type"], expected["domain"])
        assert (node.variant, node.workspace_bytes, node.exactness, node.reason) == (
            expected["variant"], expected["workspace_bytes"], expected["exactness"], expected["reason"])
        assert [(b.name, b.bytes, b.allocator, b.source) for b in node.buffers] == [
            (b["name"], b["bytes"], b["allocator"], b["source"]) for b in expected["buffers"]]
        assert [(c.variant, c.bytes, c.rejected_because) for c in node.candidates] == [
            (c["variant"], c["bytes"], c["rejected_because"]) for c in expected["candidates"]]


@pytest.mark.parametrize("model, dims, flags", [
    ("bert_base.onnx", BERT_DIMS, BERT_FLAGS),
    ("gpt2_decode.onnx", {"batch": 4, "past_sequence": 512}, ["--dim", "batch=4", "--dim", "past_sequence=512"]),
    ("resnet_small.onnx", {"batch": 8}, ["--dim", "batch=8"]),
])
def test_estimate_is_the_clis_report(demo, model, dims, flags):
    path = os.path.join(demo, model)
    report = binary_json(path, *flags)
    result = wsest.estimate(path, dims=dims)
    assert result.json == report
    assert_nodes_match(result, report)
    s = report["summary"]
    assert (result.summary.nodes, result.summary.exact, result.summary.unknown, result.summary.peak_bytes) == (
        s["nodes"], s["exact"], s["unknown"], s["peak_bytes"])
    assert (result.summary.workspace_max_bytes, result.summary.workspace_sum_bytes) == (
        s["workspace_max_bytes"], s["workspace_sum_bytes"])
    m = report["memory"]
    assert (result.memory.peak_bytes, result.memory.weights_bytes, result.memory.peak_node) == (
        m["peak_bytes"], m["weights_bytes"], m["peak_node"])
    assert len(result.memory.steps) == len(m["steps"])
    # The peak is the largest step's total (weights + activations + workspace + cuBLAS), by the report's definition.
    assert max(step.total_bytes for step in result.memory.steps) == m["peak_bytes"]
    assert (result.device, result.ep, result.cudnn) == (report["device"], report["ep"], report["cudnn"])
    assert result.budget is None and result.verdict is None and result.partition is None


def test_per_node_detail_on_bert(demo):
    result = wsest.estimate(os.path.join(demo, "bert_base.onnx"), dims=BERT_DIMS)
    attention = result.node("layer0/attention")
    assert attention is result.nodes[attention.index]
    # fp32 Attention with a mask index: every fused path is rejected, the unfused one is taken.
    assert attention.variant == "unfused"
    assert [c.variant for c in attention.rejected] == ["cudnn_sdpa", "flash", "trt_fused_causal", "trt_fused",
                                                       "memory_efficient"]
    assert all(c.rejected_because for c in attention.rejected)
    # Its buffers add up to its workspace, each sourced in ORT.
    assert sum(b.bytes for b in attention.buffers) == attention.workspace_bytes
    assert all("onnxruntime 1.29.0" in b.source for b in attention.buffers)
    with pytest.raises(KeyError):
        result.node("no/such/node")


def test_budget_verdict_and_partition(demo):
    path = os.path.join(demo, "bert_base.onnx")
    report = binary_json(path, *BERT_FLAGS, "--budget", "1GiB", "--partition")
    result = wsest.estimate(path, dims=BERT_DIMS, budget="1GiB")
    assert result.json == report
    assert result.exit_code == 0
    assert result.verdict == "fits" and result.budget.fits is True
    # margin = budget - what the verdict weighs: the memory needed where the report gives it, else the live peak.
    assert result.budget.budget_bytes == 2**30
    needed = result.budget.needed_bytes if result.budget.needed_bytes is not None else result.memory.peak_bytes
    assert result.budget.margin_bytes == 2**30 - needed
    p = report["partition"]
    assert (result.partition.greedy_gpu_nodes, result.partition.liveness_gpu_nodes) == (
        p["greedy_gpu_nodes"], p["liveness_gpu_nodes"])
    assert [(n.name, n.cost_bytes, n.greedy_gpu) for n in result.partition.nodes] == [
        (n["name"], n["cost_bytes"], n["greedy_gpu"]) for n in p["nodes"]]
    assert wsest.estimate(path, dims=BERT_DIMS, budget=2**30, partition=False).partition is None


def test_does_not_fit_is_a_verdict_not_an_error(demo):
    path = os.path.join(demo, "resnet_small.onnx")
    report = binary_json(path, "--dim", "batch=1", "--budget", "10MiB", "--partition")
    result = wsest.estimate(path, dims={"batch": 1}, budget=10 * 2**20)
    assert result.exit_code == 1
    assert result.verdict == "does_not_fit" and result.budget.fits is False
    assert result.budget.margin_bytes == report["budget"]["margin_bytes"]
    # Under 10 MiB even cuBLAS's 32 MiB workspace does not fit: the replay ran out, so no margin is claimed,
    # and the notebook view still renders.
    assert result.budget.margin_bytes is None
    assert "does_not_fit" in result._repr_html_()


def test_cannot_tell_is_a_verdict(demo):
    # resnet's Conv nodes have no workspace estimate without a GPU or a record for this shape: a budget the
    # known part fits in cannot be called either way.
    path = os.path.join(demo, "resnet_small.onnx")
    result = wsest.estimate(path, dims={"batch": 1}, budget="1GiB")
    if result.summary.unknown == 0:
        pytest.skip("every Conv answered (a GPU or records for this shape)")
    assert result.json == binary_json(path, "--dim", "batch=1", "--budget", "1GiB", "--partition")
    assert result.verdict == "cannot_tell" and result.budget.fits is None
    assert result.exit_code == run_binary(path, "--dim", "batch=1", "--budget", "1GiB")[0] == 3
    assert result.budget.reasons
    assert "<b>cannot_tell</b>" in result._repr_html_()


def test_verdict_takes_the_clis_word():
    # A report with a verdict word keeps it as it is (a third one included); one with only the boolean maps it.
    third = wsest.Budget.from_json({"budget_bytes": 1, "peak_bytes": 2, "margin_bytes": -1, "verdict": "cannot_tell"})
    assert third.verdict == "cannot_tell" and third.fits is None
    assert wsest.Budget.from_json({"budget_bytes": 1, "peak_bytes": 2, "margin_bytes": -1, "fits": False}).verdict \
        == "does_not_fit"
    assert third.reasons is None and third.needed_bytes is None


def test_max_dim(demo):
    path = os.path.join(demo, "gpt2_decode.onnx")
    report = binary_json(path, "--dim", "batch=1", "--budget", "2GiB", "--max-dim", "past_sequence")
    result = wsest.estimate(path, dims={"batch": 1}, budget="2GiB", max_dim="past_sequence", partition=False)
    assert result.max_dim.dim == "past_sequence"
    assert result.max_dim.largest == report["max_dim"]["largest"]
    assert list(result.max_dim.probes) == report["max_dim"]["probes"]
    # The answer fits and the value above it does not: the search's last two probes say so.
    assert result.max_dim.largest_by_live_peak == report["max_dim"]["largest_by_live_peak"]
    assert result.max_dim.largest <= result.max_dim.largest_by_live_peak
    fits = {p["value"]: p["fits"] for p in result.max_dim.probes}
    assert fits[result.max_dim.largest] is True and fits[result.max_dim.largest + 1] is False


def test_range(demo):
    path = os.path.join(demo, "gpt2_decode.onnx")
    report = binary_json(path, "--dim", "batch=1", "--dim", "past_sequence=1..1024")
    result = wsest.estimate(path, dims={"batch": 1, "past_sequence": (1, 1024)})
    assert result.json == report
    assert result.range.peak_point == {"past_sequence": 1024}
    assert max(p["peak_bytes"] for p in result.range.points) == result.memory.peak_bytes


def test_target_keywords_are_the_clis_flags(demo):
    path = os.path.join(demo, "bert_base.onnx")
    keywords = dict(device="a100-80gb", provider_options={"sdpa_kernel": 1, "use_tf32": False},
                    env={"ORT_DISABLE_FLASH_ATTENTION": 1}, cudnn_version=(9, 2, 1))
    flags = ["--device", "a100-80gb", "--ep-option", "sdpa_kernel=1", "--ep-option", "use_tf32=0", "--ep-env",
             "ORT_DISABLE_FLASH_ATTENTION=1", "--cudnn-version", "9.2.1"]
    args = wsest.estimate_args(dims=BERT_DIMS, **keywords)
    assert sorted(args) == sorted(["--json", *BERT_FLAGS, *flags])
    result = wsest.estimate(path, dims=BERT_DIMS, **keywords)
    assert result.json == binary_json(path, *BERT_FLAGS, *flags)
    assert (result.device, result.cudnn) == ("a100-80gb", "9.2.1")


def test_ort_stats_and_timeline_are_the_binarys_files(demo, tmp_path):
    path = os.path.join(demo, "bert_base.onnx")
    stats, svg = tmp_path / "stats.csv", tmp_path / "timeline.svg"
    code, _, _ = run_binary(path, *BERT_FLAGS, "--budget", "1GiB", "--ort-stats", stats, "--timeline", svg)
    assert code == 0
    result = wsest.estimate(path, dims=BERT_DIMS, budget="1GiB")
    assert result.ort_stats_csv == stats.read_text()
    assert result.timeline_svg == svg.read_text()
    result.write_ort_stats(tmp_path / "again.csv")
    result.write_timeline(tmp_path / "again.svg")
    assert (tmp_path / "again.csv").read_text() == stats.read_text()
    assert (tmp_path / "again.svg").read_text() == svg.read_text()
    # One row per node but the header (BERT has no Constant nodes, which ORT would fold).
    assert len(result.ort_stats_csv.splitlines()) == 1 + len(result.nodes)


def test_partitioning_config(demo, tmp_path):
    result = wsest.estimate(os.path.join(demo, "bert_base.onnx"), dims=BERT_DIMS, budget="1GiB")
    config = result.partitioning_config(tmp_path / "stats.csv")
    # 1 GiB = 1048576 KiB, ORT's unit for the limit.
    assert config == {"session.resource_cuda_partitioning_settings": f"1048576,{tmp_path / 'stats.csv'}"}
    assert (tmp_path / "stats.csv").read_text() == result.ort_stats_csv
    assert result.partitioning_config(tmp_path / "s.csv", budget=3 * 1024 + 1000) == {
        wsest.PARTITIONING_SETTINGS_KEY: f"3,{tmp_path / 's.csv'}"}
    with pytest.raises(ValueError, match="budget"):
        wsest.estimate(os.path.join(demo, "bert_base.onnx"), dims=BERT_DIMS).partitioning_config(tmp_path / "x.csv")


def test_unknown_workspace_warns_with_the_stats(demo, tmp_path):
    # Without a GPU or records for batch 8, resnet's Conv nodes have no workspace: the CSV costs them 0.
    result = wsest.estimate(os.path.join(demo, "resnet_small.onnx"), dims={"batch": 8})
    if result.summary.unknown == 0:
        pytest.skip("every Conv answered (a GPU or records for this shape)")
    assert any(w.startswith("ort_stats_csv: ") for w in result.warnings)
    with pytest.warns(UserWarning, match="no workspace estimate"):
        result.write_ort_stats(tmp_path / "stats.csv")


def test_to_dicts_and_pandas(demo):
    result = wsest.estimate(os.path.join(demo, "bert_base.onnx"), dims=BERT_DIMS)
    rows = result.to_dicts()
    assert [r["name"] for r in rows] == [n["name"] for n in result.json["nodes"]]
    assert rows[4]["buffers"][0] == result.json["nodes"][4]["buffers"][0]
    pandas = pytest.importorskip("pandas")
    frame = result.to_pandas()
    assert isinstance(frame, pandas.DataFrame)
    assert len(frame) == result.summary.nodes
    assert int(frame["workspace_bytes"].max()) == result.summary.workspace_max_bytes


def test_repr_html(demo):
    result = wsest.estimate(os.path.join(demo, "bert_base.onnx"), dims=BERT_DIMS, budget="1GiB")
    page = result._repr_html_()
    assert "<svg" in page and "<?xml" not in page
    assert "<b>fits</b>" in page
    assert f"{result.summary.nodes} (exact {result.summary.exact}" in page


def test_bytes_and_modelproto_are_the_path(demo):
    onnx = pytest.importorskip("onnx")
    path = os.path.join(demo, "gpt2_decode.onnx")
    dims = {"batch": 2, "past_sequence": 100}
    by_path = wsest.estimate(path, dims=dims)
    with open(path, "rb") as f:
        by_bytes = wsest.estimate(f.read(), dims=dims)
    proto = onnx.load(path, load_external_data=False)  # the weights stay in the .data file, unread
    by_proto = wsest.estimate(proto, dims=dims, label="gpt2 step")
    assert by_bytes.model == "<bytes>" and by_proto.model == "gpt2 step"
    for other in (by_bytes, by_proto):
        assert other.to_dicts() == by_path.to_dicts()
        assert other.memory == by_path.memory
    assert "gpt2 step: GPU memory over execution order" in by_proto.timeline_svg


def test_arguments_of_the_wrong_type():
    with pytest.raises(TypeError, match="model must be"):
        wsest.estimate(42)
    with pytest.raises(TypeError, match="dim 'batch'"):
        wsest.estimate_args(dims={"batch": 1.5})
    with pytest.raises(TypeError, match="input 'x'"):
        wsest.estimate_args(inputs={"x": "1,2"})


def test_run_cli_is_the_binary(demo):
    args = [os.path.join(demo, "bert_base.onnx"), *BERT_FLAGS]
    run = wsest.run_cli(args)
    assert (run.exit_code, run.stdout, run.stderr) == run_binary(*args)


def test_no_warning_on_a_clean_estimate(demo, tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = wsest.estimate(os.path.join(demo, "bert_base.onnx"), dims=BERT_DIMS, budget="1GiB")
        result.partitioning_config(tmp_path / "bert.csv")
    assert result.warnings == []


def test_threads_estimate_at_once(demo):
    # The extension lets go of the GIL while the CLI runs: estimates from several threads must each get their own answer.
    from concurrent.futures import ThreadPoolExecutor
    path = os.path.join(demo, "gpt2_decode.onnx")
    pasts = [16, 256, 1024, 4096]
    expected = [binary_json(path, "--dim", "batch=2", "--dim", f"past_sequence={p}")["memory"]["peak_bytes"]
                for p in pasts]
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda p: wsest.estimate(path, dims={"batch": 2, "past_sequence": p}), pasts))
    assert [r.memory.peak_bytes for r in results] == expected
    assert len(set(expected)) == len(pasts)  # the past length changes the peak: a mix-up could not pass


def test_relative_path_keeps_its_name_and_file(demo, tmp_path, monkeypatch):
    monkeypatch.chdir(demo)
    result = wsest.estimate("resnet_small.onnx", dims={"batch": 1})
    assert result.model == "resnet_small.onnx"
    monkeypatch.chdir(tmp_path)  # the timeline, drawn later, still reads the model estimated
    assert "resnet_small.onnx: GPU memory over execution order" in result.timeline_svg
    with pytest.raises(wsest.WsestError, match=r"^absent\.onnx: no such file$"):
        wsest.estimate("absent.onnx")


def test_fit_layers(demo):
    path = os.path.join(demo, "bert_base.onnx")
    report = binary_json(path, *BERT_FLAGS, "--fit-layers", "300MiB")
    result = wsest.estimate(path, dims=BERT_DIMS, fit_layers="300MiB")
    assert result.json == report
    assert result.layer_plan == report["layer_plan"] and result.layer_plan
    assert wsest.estimate_args(fit_layers=2**30, layer_pattern="^(layer[0-9]+)/") == [
        "--json", "--fit-layers", str(2**30), "--layer-pattern", "^(layer[0-9]+)/"]


def sample_rate_if():
    """y = If(sr == 16000) { Softmax(x, axis 1) } else { Relu(Reshape(x, [6, 4])) }, x float [2, 3, 4]."""
    from onnx import TensorProto, helper, numpy_helper
    import numpy
    then_branch = helper.make_graph([helper.make_node("Softmax", ["x"], ["t"], axis=1)], "then", [],
                                    [helper.make_tensor_value_info("t", TensorProto.FLOAT, None)])
    else_branch = helper.make_graph(
        [helper.make_node("Reshape", ["x", "six_by_four"], ["f"]), helper.make_node("Relu", ["f"], ["e"])], "else", [],
        [helper.make_tensor_value_info("e", TensorProto.FLOAT, None)],
        initializer=[numpy_helper.from_array(numpy.array([6, 4], numpy.int64), "six_by_four")])
    graph = helper.make_graph(
        [helper.make_node("Equal", ["sr", "rate"], ["is_16k"]),
         helper.make_node("If", ["is_16k"], ["y"], name="if", then_branch=then_branch, else_branch=else_branch)],
        "sample_rate_if",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 3, 4]),
         helper.make_tensor_value_info("sr", TensorProto.INT64, [])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)],
        initializer=[numpy_helper.from_array(numpy.array(16000, numpy.int64), "rate")])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 7
    return model


def test_values_settle_an_if(tmp_path):
    # The If counts both branches (Softmax's 192 B, an upper bound) until sr is given; 8000 runs the else
    # branch, whose Reshape and Relu take none: exact 0 B, and y is [6, 4].
    model = sample_rate_if()
    blind = wsest.estimate(model, label="sr.onnx")
    assert blind.summary.value_inputs == ["sr"]
    assert (blind.nodes[1].exactness, blind.nodes[1].workspace_bytes) == ("upper_bound", 192)
    assert wsest.estimate_args(values={"sr": 8000, "t": [4, -1, 2]}) == [
        "--json", "--value", "sr=8000", "--value", "t=4,-1,2"]
    known = wsest.estimate(model, values={"sr": 8000}, label="sr.onnx")
    assert known.summary.value_inputs == []
    assert (known.nodes[1].exactness, known.nodes[1].workspace_bytes) == ("exact", 0)
    path = tmp_path / "sr.onnx"
    path.write_bytes(model.SerializeToString())
    report = binary_json(path, "--value", "sr=8000")
    assert report["nodes"] == known.json["nodes"]
    with pytest.raises(TypeError, match="value 'sr'"):
        wsest.estimate_args(values={"sr": "16k"})
