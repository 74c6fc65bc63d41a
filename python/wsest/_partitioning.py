"""Session config entries for ONNX Runtime's capacity-aware partitioning, from a wsest estimate."""
import os
from typing import Dict

# ORT 1.29.0 onnxruntime/core/framework/resource_accountant.cc, NodeStatsRecorder::CreateAccountants and
# LoadNodeAllocationStats: the value is "<limit in KiB>,<stats file>", the limit multiplied by 1024, the
# file joined onto the model's folder (std::filesystem's `/`: an absolute path stands as it is).
SETTINGS_KEY = "session.resource_cuda_partitioning_settings"


def partitioning_config(ort_stats_csv: str, stats_path, budget_bytes: int) -> Dict[str, str]:
    """Writes the node-stats CSV to ``stats_path`` and returns the config entry naming it, with the budget in KiB.

    The path is made absolute so that ORT finds it whatever folder the model is in.
    """
    if budget_bytes is None:
        raise ValueError("partitioning_config: give the budget the CUDA EP may use (budget=, or estimate(..., budget=))")
    if isinstance(budget_bytes, bool) or not isinstance(budget_bytes, int) or budget_bytes < 1024:
        raise ValueError(f"partitioning_config: budget {budget_bytes!r}: expected a whole number of bytes, >= 1 KiB")
    path = os.path.abspath(os.fspath(stats_path))
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(ort_stats_csv)
    return {SETTINGS_KEY: f"{budget_bytes // 1024},{path}"}
