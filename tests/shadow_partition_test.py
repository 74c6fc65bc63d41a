#!/usr/bin/python3
"""ORT 1.29.0's capacity-aware partitioning on the shadow device against `wsest --partition`.

For each demo model and budget: wsest writes the node-stats file ORT reads (--ort-stats) and previews
the greedy assignment (--partition --json); the real CUDA provider then creates a session with
session.resource_cuda_partitioning_settings = "<budget in KiB>,<that file>" and reports, in its log,
the EP of every node. The nodes ORT keeps on the CUDA EP must be exactly those wsest's greedy
preview keeps (ORT adds Memcpy nodes of its own, which are left out of the comparison).

    shadow_partition_test.py BUILD_DIR SOURCE_DIR
Exits 77 (skipped) without the shadow device or ORT, 1 under CI=true in that case.
"""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from shadow_common import Shadow  # noqa: E402

build, src = sys.argv[1], sys.argv[2]
shadow = Shadow(build, src, "shadow_partition")
work, session_tool, shadow_lib = shadow.work, shadow.session_tool, shadow.lib

subprocess.run([os.path.join(build, "make_demo_models"), work], check=True, capture_output=True)
MODELS = {
    "bert_base": ["--dim", "batch=1", "--dim", "sequence=128"],
    "gpt2_decode": ["--dim", "batch=1", "--dim", "past_sequence=127"],
    "resnet_small": ["--dim", "batch=8"],
}
failures = 0
rows = []
for model, dims in MODELS.items():
    path = os.path.join(work, model + ".onnx")
    stats = os.path.join(work, model + ".csv")
    # The whole greedy sum first, to place the budgets inside it: a quarter, a half, nine tenths.
    # Exit 0, 1 or 3 (fits, does not fit, cannot tell: a Conv without a GPU record) all carry the preview.
    ran = subprocess.run([os.path.join(build, "wsest"), path, *dims, "--budget", "1024TiB", "--partition", "--json",
                          "--ort-stats", stats], capture_output=True, text=True)
    if ran.returncode not in (0, 1, 3):
        print(f"FAIL {model}: wsest exited {ran.returncode}: {ran.stderr}")
        sys.exit(1)
    full = json.loads(ran.stdout)
    total = full["partition"]["nodes"][-1]["greedy_sum_bytes"]
    for fraction in (0.25, 0.5, 0.9):
        budget_kib = int(total * fraction) // 1024
        preview = json.loads(subprocess.run(
            [os.path.join(build, "wsest"), path, *dims, "--budget", str(budget_kib * 1024), "--partition", "--json"],
            capture_output=True, text=True).stdout)
        planned = {n["name"] for n in preview["partition"]["nodes"] if n["greedy_gpu"]}
        env = dict(os.environ, LD_LIBRARY_PATH=shadow_lib)
        run = subprocess.run([session_tool, "--ort-lib", shadow.ort_lib, "--model", path,
                              "--opt-level", "disable", "--config",
                              f"session.resource_cuda_partitioning_settings={budget_kib},{stats}"],
                             capture_output=True, text=True, env=env)
        session = json.loads(run.stdout)
        if "error" in session:
            print(f"FAIL {model} {budget_kib} KiB: {session['error']}")
            failures += 1
            continue
        placed = session["placements"]["nodes"]
        if not placed and session["placements"]["all"]:
            placed = {name: session["placements"]["all"] for name in planned}
        on_cuda = {name for name, ep in placed.items()
                   if ep == "CUDAExecutionProvider" and not name.startswith("Memcpy")}
        same = on_cuda == planned
        rows.append((model, budget_kib, len(planned), len(on_cuda), "same" if same else "DIFFERENT"))
        if not same:
            failures += 1
            print(f"FAIL {model} under {budget_kib} KiB: wsest keeps {sorted(planned - on_cuda)} that ORT does not, "
                  f"ORT keeps {sorted(on_cuda - planned)} that wsest does not")

print(f"{'model':<14} {'budget KiB':>10} {'wsest GPU':>9} {'ORT GPU':>8}  nodes")
for model, kib, planned_n, ort_n, verdict in rows:
    print(f"{model:<14} {kib:>10} {planned_n:>9} {ort_n:>8}  {verdict}")
sys.exit(1 if failures else 0)
