"""Result: one wsest estimate, as the CLI's JSON report plus the ORT stats CSV and the SVG timeline it wrote."""
import warnings
from typing import Any, Callable, Dict, List, Optional, Tuple, Union

from . import _html, _partitioning
from ._result import Budget, DimRange, MaxDim, Memory, Node, Partition, Summary, optional


class Result:
    """A model's estimate: per-node workspace, the summary, the session's memory and, when asked, the verdict.

    Attributes (the CLI's ``--json`` names):
        nodes: the nodes in ORT's execution order (Node: name, op_type, variant, workspace_bytes,
            exactness, buffers with their sources, candidates with why each was rejected).
        summary, memory: Summary and Memory.
        budget: Budget with the verdict, or None without a budget; verdict: its word, or None.
        max_dim: MaxDim (the largest value of a dim that fits), or None.
        range: DimRange for dims given as (low, high), or None.
        partition: Partition (ORT's capacity-aware partitioning, previewed), or None.
        layer_plan: with fit_layers, the layers kept on the GPU and ORT's config for it (JSON ``layer_plan``).
        model, device, ep, cudnn, wsest_version: what was estimated, for which target, by which wsest.
        exit_code: the CLI's (0; 1 when the budget does not fit; any other verdict's code).
        warnings: the CLI's warnings for this run.
        json: the whole report as the CLI wrote it.
    """

    def __init__(self, report: Dict[str, Any], ort_stats_csv: str, timeline: Callable[[], str], exit_code: int,
                 warnings_: List[str]):
        self.json = report
        self.ort_stats_csv = ort_stats_csv
        """ORT's node-stats CSV (``session.collect_node_memory_stats_to_file`` format) for this estimate."""
        self._timeline = timeline
        self._timeline_svg: Optional[str] = None
        self.exit_code = exit_code
        self.warnings = list(warnings_)
        self.model: str = report.get("model", "")
        self.device: str = report.get("device", "")
        self.ep: str = report.get("ep", "")
        self.cudnn: str = report.get("cudnn", "")
        self.wsest_version: str = report.get("wsest", "")
        self.nodes: Tuple[Node, ...] = tuple(Node.from_json(n) for n in report.get("nodes", []))
        self.summary: Summary = optional(Summary, report.get("summary"))
        self.memory: Memory = optional(Memory, report.get("memory"))
        self.budget: Optional[Budget] = optional(Budget, report.get("budget"))
        self.max_dim: Optional[MaxDim] = optional(MaxDim, report.get("max_dim"))
        self.range: Optional[DimRange] = optional(DimRange, report.get("range"))
        self.partition: Optional[Partition] = optional(Partition, report.get("partition"))
        self.layer_plan: Optional[Dict[str, Any]] = report.get("layer_plan")

    @property
    def timeline_svg(self) -> str:
        """The memory timeline over execution order as an SVG document (``wsest --timeline``).

        Drawn on first use by a second run of the CLI with the same arguments (reading a path again).
        """
        if self._timeline_svg is None:
            self._timeline_svg = self._timeline()
        return self._timeline_svg

    @property
    def verdict(self) -> Optional[str]:
        """The verdict for the budget as the CLI words it (e.g. "fits", "does_not_fit"); None without a budget."""
        return self.budget.verdict if self.budget else None

    @property
    def peak_bytes(self) -> int:
        """The session's peak GPU memory (memory.peak_bytes)."""
        return self.memory.peak_bytes

    def node(self, key: Union[str, int]) -> Node:
        """The node with this name, or at this index in execution order; KeyError if there is none."""
        if isinstance(key, int):
            return self.nodes[key]
        for n in self.nodes:
            if n.name == key:
                return n
        raise KeyError(f"{self.model}: no node named {key!r}")

    def to_dicts(self) -> List[Dict[str, Any]]:
        """One plain dict per node (buffers and candidates as lists of dicts), in execution order."""
        return [n.to_dict() for n in self.nodes]

    def to_pandas(self):
        """The nodes as a pandas DataFrame, one row per node (needs pandas: Debian's python3-pandas)."""
        try:
            import pandas
        except ImportError as e:
            raise ImportError("Result.to_pandas() needs pandas (apt-get install python3-pandas); "
                              "Result.to_dicts() gives the same rows without it") from e
        return pandas.DataFrame(self.to_dicts())

    def write_ort_stats(self, path) -> None:
        """Writes ORT's node-stats CSV for this estimate to ``path`` (what ``wsest --ort-stats`` writes)."""
        self._warn_ort_stats()
        with open(path, "w", encoding="utf-8", newline="") as f:
            f.write(self.ort_stats_csv)

    def write_timeline(self, path) -> None:
        """Writes the memory timeline SVG to ``path`` (what ``wsest --timeline`` writes)."""
        with open(path, "w", encoding="utf-8", newline="") as f:
            f.write(self.timeline_svg)

    def partitioning_config(self, stats_path, budget: Optional[int] = None) -> Dict[str, str]:
        """Session config entries for ORT's capacity-aware partitioning under ``budget`` bytes.

        Writes the node-stats CSV to ``stats_path`` and returns
        ``{"session.resource_cuda_partitioning_settings": "<budget KiB>,<absolute stats_path>"}``; pass each
        entry to ``onnxruntime.SessionOptions.add_session_config_entry``. ``budget`` defaults to the
        estimate's. ORT partitions the graph it optimized: estimate the model saved with
        ``session.optimized_model_filepath`` for the names to match.
        """
        self._warn_ort_stats()
        given = budget if budget is not None else (self.budget.budget_bytes if self.budget else None)
        return _partitioning.partitioning_config(self.ort_stats_csv, stats_path, given)

    def _warn_ort_stats(self) -> None:
        for w in self.warnings:
            if w.startswith("ort_stats_csv"):
                warnings.warn(w, stacklevel=3)

    def _repr_html_(self) -> str:
        return _html.result_html(self)

    def __repr__(self) -> str:
        verdict = f", verdict={self.verdict!r}" if self.budget else ""
        return (f"<wsest.Result {self.model!r}: {self.summary.nodes} nodes, {self.summary.unknown} unknown, "
                f"peak {self.memory.peak_bytes} B{verdict}>")
