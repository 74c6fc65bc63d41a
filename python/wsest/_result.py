"""Typed views of the wsest CLI's ``--json`` report; the field names are the JSON's."""
import dataclasses
from typing import Any, Dict, List, Optional, Tuple


def _pick(cls, data: Dict[str, Any], **converted):
    """Builds a dataclass from the JSON object's keys it declares (a newer CLI may add keys: they stay in .json)."""
    names = {f.name for f in dataclasses.fields(cls)}
    values = {k: v for k, v in data.items() if k in names}
    values.update(converted)
    for f in dataclasses.fields(cls):
        values.setdefault(f.name, None)
    return cls(**values)


@dataclasses.dataclass(frozen=True)
class Buffer:
    """One scratch buffer a node's kernel allocates: its name, size, allocator and the ORT source that sizes it."""

    name: str
    bytes: int
    allocator: str
    source: str


@dataclasses.dataclass(frozen=True)
class Candidate:
    """A kernel variant the EP considers for a node, in its dispatch order; ``rejected_because`` is None for the one taken."""

    variant: str
    bytes: Optional[int]
    rejected_because: Optional[str]


@dataclasses.dataclass(frozen=True)
class Node:
    """One node's workspace estimate (JSON ``nodes[i]``); ``workspace_bytes`` is None when unknown (see ``reason``)."""

    index: int
    name: str
    op_type: str
    domain: str
    variant: str
    workspace_bytes: Optional[int]
    exactness: str
    reason: str
    buffers: Tuple[Buffer, ...]
    candidates: Tuple[Candidate, ...]

    @property
    def rejected(self) -> Tuple[Candidate, ...]:
        """The variants the EP's dispatch turned down, each with why."""
        return tuple(c for c in self.candidates if c.rejected_because is not None)

    @property
    def known(self) -> bool:
        """Whether the node has an estimate (an unknown one is never 0)."""
        return self.workspace_bytes is not None

    def to_dict(self) -> Dict[str, Any]:
        """The node as a plain dict (buffers and candidates as lists of dicts)."""
        return dataclasses.asdict(self)

    @classmethod
    def from_json(cls, data: Dict[str, Any]) -> "Node":
        return _pick(cls, data,
                     buffers=tuple(_pick(Buffer, b) for b in data.get("buffers", [])),
                     candidates=tuple(_pick(Candidate, c) for c in data.get("candidates", [])))


@dataclasses.dataclass(frozen=True)
class Summary:
    """The report's summary (JSON ``summary``): node counts by exactness, workspace max and sum, the peak, and
    the graph inputs whose values would settle an If's branch or a Loop's trip count (``values=``)."""

    nodes: int
    estimated: int
    exact: int
    upper_bound: int
    heuristic: int
    unknown: int
    exactness: str
    workspace_max_bytes: int
    workspace_sum_bytes: int
    peak_bytes: int
    value_inputs: List[str]


@dataclasses.dataclass(frozen=True)
class Step:
    """Memory while one node runs, in execution order (JSON ``memory.steps``, named by ``steps_columns``)."""

    index: int
    weights_bytes: int
    activations_bytes: int
    workspace_bytes: int
    cublas_handle_workspace_bytes: int

    @property
    def total_bytes(self) -> int:
        return self.weights_bytes + self.activations_bytes + self.workspace_bytes + self.cublas_handle_workspace_bytes


@dataclasses.dataclass(frozen=True)
class Memory:
    """The session's memory figures (JSON ``memory``): the peak, what it is made of, and every step."""

    peak_bytes: int
    weights_bytes: int
    cublas_handle_workspace_bytes: int
    unknown_workspace_nodes: int
    unsized_tensors: int
    exactness: str
    peak_node: Optional[Dict[str, Any]]
    peak_parts: Optional[Dict[str, int]]
    steps: Tuple[Step, ...]
    arena: Optional[Dict[str, Any]]  # device memory as ORT's arena holds it, where the CLI reports it

    @classmethod
    def from_json(cls, data: Dict[str, Any]) -> "Memory":
        columns = data.get("steps_columns", [f.name for f in dataclasses.fields(Step)])
        steps = tuple(_pick(Step, dict(zip(columns, row))) for row in data.get("steps", []))
        return _pick(cls, data, steps=steps)


@dataclasses.dataclass(frozen=True)
class Budget:
    """The verdict for a budget (JSON ``budget``). ``verdict`` is the CLI's word for it ("fits", "does_not_fit", ...).

    A field the CLI's report does not have is None: ``peak_bytes`` (the budget against the live peak) or
    ``needed_bytes``, ``reasons`` and the rest (the budget against the memory ORT's arena holds).
    """

    budget_bytes: int
    margin_bytes: Optional[int]  # None when the verdict rests on a replay that ran out of memory
    verdict: str
    peak_bytes: Optional[int]
    needed_bytes: Optional[int]
    live_peak_bytes: Optional[int]
    library_bytes: Optional[int]
    held_bytes: Optional[Dict[str, int]]
    reasons: Optional[Tuple[str, ...]]

    @property
    def fits(self) -> Optional[bool]:
        """True or False when the CLI's verdict says so; None for any other verdict (e.g. it cannot tell)."""
        return {"fits": True, "does_not_fit": False}.get(self.verdict)

    @classmethod
    def from_json(cls, data: Dict[str, Any]) -> "Budget":
        # The CLI's own verdict word when it writes one; a report with only the boolean says which it is.
        verdict = data.get("verdict")
        if verdict is None and isinstance(data.get("fits"), bool):
            verdict = "fits" if data["fits"] else "does_not_fit"
        reasons = tuple(data["reasons"]) if "reasons" in data else None
        return _pick(cls, data, verdict=verdict, reasons=reasons)


@dataclasses.dataclass(frozen=True)
class MaxDim:
    """The largest value of a symbolic dim that fits the budget (JSON ``max_dim``); ``largest`` is None if not even 1.

    ``largest_by_live_peak``: the largest whose live peak fits, an upper bound of any answer."""

    dim: str
    budget_bytes: int
    largest: Optional[int]
    largest_by_live_peak: Optional[int]
    reached_limit: bool
    assumption: str
    probes: Tuple[Dict[str, Any], ...]
    warnings: Tuple[str, ...]

    @classmethod
    def from_json(cls, data: Dict[str, Any]) -> "MaxDim":
        return _pick(cls, data, probes=tuple(data.get("probes", [])), warnings=tuple(data.get("warnings", [])))


@dataclasses.dataclass(frozen=True)
class DimRange:
    """A range's evaluation (JSON ``range``): the dims' values evaluated, each point's peak and the peak point."""

    ranges: Tuple[Dict[str, Any], ...]
    points: Tuple[Dict[str, Any], ...]
    peak_point: Dict[str, int]

    @classmethod
    def from_json(cls, data: Dict[str, Any]) -> "DimRange":
        return _pick(cls, data, ranges=tuple(data.get("ranges", [])), points=tuple(data.get("points", [])))


@dataclasses.dataclass(frozen=True)
class PartitionNode:
    """One node in the partition preview: its cost, the greedy running sum and the liveness-aware need."""

    index: int
    name: str
    cost_bytes: int
    greedy_sum_bytes: int
    greedy_gpu: bool
    liveness_need_bytes: int
    liveness_gpu: bool


@dataclasses.dataclass(frozen=True)
class Partition:
    """Preview of ORT's capacity-aware partitioning under the budget (JSON ``partition``), greedy and liveness-aware."""

    budget_bytes: int
    greedy_gpu_nodes: int
    liveness_gpu_nodes: int
    nodes: Tuple[PartitionNode, ...]

    @classmethod
    def from_json(cls, data: Dict[str, Any]) -> "Partition":
        return _pick(cls, data, nodes=tuple(_pick(PartitionNode, n) for n in data.get("nodes", [])))


def optional(cls, data: Optional[Dict[str, Any]]):
    """``cls.from_json(data)`` (or the plain field pick), None when the report has no such section."""
    if data is None:
        return None
    from_json = getattr(cls, "from_json", None)
    return from_json(data) if from_json else _pick(cls, data)
