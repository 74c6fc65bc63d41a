"""wsest: the GPU memory ONNX Runtime 1.29.0's CUDA EP needs, per node (workspace) and per session, without a GPU.

    >>> import wsest
    >>> r = wsest.estimate("bert_base.onnx", dims={"batch": 4, "sequence": 2048}, budget="8GiB")
    >>> r.verdict, r.memory.peak_bytes, r.node("layer0/attention").variant

The package runs the wsest CLI itself in this process (the _wsest extension, built from the same C++
library), so ``estimate()`` answers exactly as ``wsest --json`` does and ``python3 -m wsest`` is the CLI.
"""
from ._cli import CliRun, main, run_cli
from ._estimate import estimate, estimate_args
from ._report import Result
from ._result import Budget, Buffer, Candidate, DimRange, MaxDim, Memory, Node, Partition, PartitionNode, Step, Summary
from ._partitioning import SETTINGS_KEY as PARTITIONING_SETTINGS_KEY
from .errors import WsestError

# "wsest 0.1.0 (onnxruntime-cuda 1.29.0)": the library's version, from the CLI it runs.
__version__ = run_cli(["--version"]).stdout.decode().split()[1]

__all__ = [
    "estimate", "estimate_args", "run_cli", "main", "CliRun", "Result", "WsestError", "Node", "Buffer", "Candidate",
    "Summary", "Memory", "Step", "Budget", "MaxDim", "DimRange", "Partition", "PartitionNode",
    "PARTITIONING_SETTINGS_KEY",
]
