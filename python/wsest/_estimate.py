"""estimate(): keyword arguments to the wsest CLI's flags, one in-process run, the JSON report back as a Result."""
import json
import os
import tempfile
from typing import Any, Mapping, Optional, Sequence, Tuple, Union

from . import _cli
from ._report import Result
from .errors import WsestError

DimValue = Union[int, Tuple[int, int], str]


def _pairs(flag: str, values: Optional[Mapping[str, Any]], render) -> list:
    if values is None:
        return []
    if not isinstance(values, Mapping):
        raise TypeError(f"{flag}: expected a dict of name -> value, got {type(values).__name__}")
    args = []
    for name, value in values.items():
        args += [flag, f"{name}={render(name, value)}"]
    return args


def _dim(name: str, value: DimValue) -> str:
    # A (low, high) pair is the CLI's name=low..high: both ends included.
    if isinstance(value, (tuple, list)) and len(value) == 2:
        return f"{_whole(name, value[0])}..{_whole(name, value[1])}"
    if isinstance(value, str):
        return value
    return str(_whole(name, value))


def _whole(name: str, value) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"dim {name!r}: expected an int or a (low, high) pair of ints, got {value!r}")
    return value


def _shape(name: str, shape: Sequence[int]) -> str:
    if isinstance(shape, (str, bytes)) or not isinstance(shape, Sequence):
        raise TypeError(f"input {name!r}: expected a sequence of ints, got {shape!r}")
    return ",".join(str(_whole(name, d)) for d in shape)


def _values(name: str, values) -> str:
    # A single int is a scalar's value; a sequence is the tensor's, row-major.
    if isinstance(values, int) and not isinstance(values, bool):
        return str(values)
    if isinstance(values, (str, bytes)) or not isinstance(values, Sequence):
        raise TypeError(f"value {name!r}: expected an int or a sequence of ints, got {values!r}")
    return ",".join(str(_whole(name, v)) for v in values)


def _text(name: str, value) -> str:
    # Python's True/False for a provider option are ORT's "1"/"0".
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


class _Source:
    """The model as the CLI reads it: the caller's path, or the serialized bytes, written for each run."""

    def __init__(self, model, label: Optional[str]):
        self.path: Optional[str] = None
        self.data: Optional[bytes] = None
        if isinstance(model, (str, os.PathLike)):
            # Absolute, so that a later run (the timeline) reads the same file whatever the working folder;
            # messages keep the path as the caller gave it.
            self.name = os.fspath(model)
            self.path = os.path.abspath(self.name)
        elif hasattr(model, "SerializeToString"):  # an onnx.ModelProto: serialized as it is, weights untouched
            self.data = model.SerializeToString()
            self.name = label or "<ModelProto>"
        elif isinstance(model, (bytes, bytearray, memoryview)):
            self.data = bytes(model)
            self.name = label or "<bytes>"
        else:
            raise TypeError(f"estimate: model must be a path, bytes or an onnx.ModelProto, not {type(model).__name__}")

    def place(self, folder: str) -> str:
        if self.path is not None:
            return self.path
        path = os.path.join(folder, "model.onnx")
        with open(path, "wb") as f:
            f.write(self.data)
        return path


def _run(source: _Source, args: list, files: Sequence[str]):
    """Runs the CLI on the model with ``args`` and each flag in ``files`` writing a file: (run, stderr, {flag: text})."""
    with tempfile.TemporaryDirectory(prefix="wsest-") as folder:
        model_path = source.place(folder)
        paths = {flag: os.path.join(folder, flag.lstrip("-") + ".out") for flag in files}
        extra = [a for flag, path in paths.items() for a in (flag, path)]
        run = _cli.run_cli([model_path, *args, *extra])

        def named(text: str) -> str:
            # Messages name the model as the caller knows it, and the CSV as the Result's ort_stats_csv.
            if "--ort-stats" in paths:
                text = text.replace(f"--ort-stats {paths['--ort-stats']}", "ort_stats_csv")
            return text.replace(model_path, source.name) if model_path != source.name else text

        stderr = named(run.stderr.decode("utf-8", "replace"))
        # Exit code 2 is the CLI's error; any other code comes with a report (1: does not fit, and so on).
        if run.exit_code == 2 or not run.stdout.strip():
            raise WsestError(_cli.error_message(stderr), run.exit_code, stderr)
        texts = {}
        for flag, path in paths.items():
            with open(path, encoding="utf-8") as f:
                texts[flag] = f.read()
        if "--timeline" in texts and model_path != source.name:
            texts["--timeline"] = texts["--timeline"].replace(model_path, _xml_text(source.name))
        return run, stderr, texts


def estimate_args(*, dims=None, inputs=None, values=None, device=None, provider_options=None, env=None,
                  cudnn_version=None, budget=None, max_dim=None, partition=None, variant=None,
                  allow_symbolic=False, strict=False, records=None, arena=False, fit_layers=None,
                  layer_pattern=None) -> list:
    """The wsest CLI flags estimate() passes, after the model, for these keyword arguments (output files aside)."""
    args = ["--json"]
    args += _pairs("--dim", dims, _dim)
    args += _pairs("--input", inputs, _shape)
    args += _pairs("--value", values, _values)
    args += _pairs("--ep-option", provider_options, _text)
    args += _pairs("--ep-env", env, _text)
    if device is not None:
        args += ["--device", str(device)]
    if cudnn_version is not None:
        if isinstance(cudnn_version, (tuple, list)):
            cudnn_version = ".".join(str(p) for p in cudnn_version)
        args += ["--cudnn-version", str(cudnn_version)]
    if budget is not None:
        args += ["--budget", str(budget)]
    if max_dim is not None:
        args += ["--max-dim", str(max_dim)]
    # With a budget the partition preview comes along unless partition=False.
    if partition or (partition is None and budget is not None):
        args.append("--partition")
    if variant is not None:
        args += ["--variant", str(variant)]
    if allow_symbolic:
        args.append("--allow-symbolic")
    if strict:
        args.append("--strict")
    if arena:
        args.append("--arena")
    if fit_layers is not None:
        args += ["--fit-layers", str(fit_layers)]
    if layer_pattern is not None:
        args += ["--layer-pattern", str(layer_pattern)]
    if records is not None:
        args += ["--records", os.fspath(records)]
    return args


def estimate(model, *, dims: Optional[Mapping[str, DimValue]] = None,
             inputs: Optional[Mapping[str, Sequence[int]]] = None,
             values: Optional[Mapping[str, Union[int, Sequence[int]]]] = None, device: Optional[str] = None,
             provider_options: Optional[Mapping[str, Any]] = None, env: Optional[Mapping[str, Any]] = None,
             cudnn_version: Union[str, Sequence[int], None] = None, budget: Union[int, str, None] = None,
             max_dim: Optional[str] = None, partition: Optional[bool] = None, variant: Optional[str] = None,
             allow_symbolic: bool = False, strict: bool = False, records=None, arena: bool = False,
             fit_layers: Union[int, str, None] = None, layer_pattern: Optional[str] = None,
             label: Optional[str] = None) -> Result:
    """Estimates the GPU memory ONNX Runtime 1.29.0's CUDA EP needs for a model, per node and per session.

    The same program as the ``wsest`` CLI (each keyword is one of its flags), run in this process.

    Args:
        model: a path to a .onnx file, its bytes, or an ``onnx.ModelProto`` (serialized as it is; weights are
            never read, so ``onnx.load(path, load_external_data=False)`` is the cheap way to get one).
        dims: symbolic dims, name -> int, or name -> (low, high) for a range, both ends included (--dim).
        inputs: shapes of graph inputs declared without one, name -> [d0, d1, ...] (--input).
        values: contents of integer or bool graph inputs that decide shapes or branches, name -> int for a
            scalar or [v0, v1, ...] row-major, e.g. {"sr": 16000} for Silero VAD (--value).
        device: device profile, e.g. "h100-sxm" (--device; ``python3 -m wsest --list-devices``).
        provider_options: CUDA EP provider options, e.g. {"sdpa_kernel": 1} (--ep-option).
        env: ORT_* environment variables the EP reads, e.g. {"ORT_DISABLE_FLASH_ATTENTION": 1} (--ep-env).
        cudnn_version: the cuDNN version ORT will load, "9.2.1" or (9, 2, 1) (--cudnn-version).
        budget: GPU memory budget, bytes or "8GiB" (--budget): gives Result.budget (the verdict) and,
            unless partition=False, Result.partition.
        max_dim: with a budget, the dim whose largest fitting value to find (--max-dim): Result.max_dim.
        partition: preview ORT's capacity-aware partitioning (--partition); default: when a budget is given.
        variant: estimate this kernel variant where the EP's choice depends on run-time values (--variant).
        allow_symbolic: leave unbound dims symbolic (their estimates unknown) instead of failing.
        strict: make a node with no estimate an error.
        records: folder of recorded library tables (--records).
        arena: replay ORT's BFC arena without a budget (--arena): Result.memory.arena.
        fit_layers: a budget, bytes or "8GiB", to plan which layers stay on the GPU within (--fit-layers):
            Result.layer_plan, with the session config ORT takes the plan in.
        layer_pattern: with fit_layers, the regex whose first group names a node's layer (--layer-pattern).
        label: the name messages and Result.model give a model passed as bytes or a ModelProto.

    Returns:
        Result. A budget that does not fit is a verdict, not an error (Result.exit_code is the CLI's).

    Raises:
        WsestError: where the CLI exits with an error (exit code 2), with its message: the file, the
            node and the cause.
        TypeError: for arguments of the wrong type.
    """
    source = _Source(model, label)
    args = estimate_args(dims=dims, inputs=inputs, values=values, device=device, provider_options=provider_options,
                         env=env, cudnn_version=cudnn_version, budget=budget, max_dim=max_dim, partition=partition,
                         variant=variant, allow_symbolic=allow_symbolic, strict=strict, records=records, arena=arena,
                         fit_layers=fit_layers, layer_pattern=layer_pattern)
    run, stderr, texts = _run(source, args, ["--ort-stats"])
    report = json.loads(run.stdout.decode("utf-8", "replace"))
    report["model"] = source.name

    def timeline() -> str:
        # A second run, when asked: --timeline also replays ORT's arena, which would change the report.
        return _run(source, args, ["--timeline"])[2]["--timeline"]

    return Result(report, texts["--ort-stats"], timeline, run.exit_code, _cli.warning_messages(stderr))


def _xml_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
