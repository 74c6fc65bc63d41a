#!/usr/bin/python3
"""The device memory ORT 1.29.0 holds for a session, on the shadow device, against wsest's replay.

For each model: the real CUDA provider creates a session with its defaults (arena, memory pattern,
all graph optimizations off so the graph is the file's) and runs it three times on the shadow device
(wsest-session), which reports the bytes cudaMalloc'd after session creation, after run 1 and after
run 2 (steady). ORT allocates the initializers in an order it draws anew in every process; the shadow
log's host-to-device copies before the "session created" mark give that order, and
`wsest-calibrate arena --order` replays exactly that process. Library answers are the stub's (0 B) on
both sides. The replay must equal the measurement at all three points; the sampled-order figures
wsest reports without the order are printed beside, with the measurement's place in their range.

    shadow_arena_test.py BUILD_DIR SOURCE_DIR
Exits 77 (skipped) without the shadow device or ORT, 1 under CI=true in that case.
"""
import json
import os
import subprocess
import sys

import onnx

build, src = sys.argv[1], sys.argv[2]
work = os.path.abspath(os.path.join(build, "test_tmp", "shadow_arena"))
os.makedirs(work, exist_ok=True)
session_tool = os.path.join(build, "wsest-session")
calibrate_tool = os.path.join(build, "wsest-calibrate")
shadow_lib = os.path.join(build, "shadow", "lib")
if not (os.path.exists(session_tool) and os.path.exists(os.path.join(shadow_lib, "libcudart.so.13"))):
    why = "this build lacks wsest-session or the shadow device (CUDA headers, calibrate/fetch_ort_headers.sh)"
    if os.environ.get("CI") == "true":
        print("FAIL under CI=true:", why)
        sys.exit(1)
    print("SKIP:", why)
    sys.exit(77)


def fetched(script):
    return subprocess.run(["bash", os.path.join(src, "calibrate", script)], check=True, capture_output=True,
                          text=True).stdout.strip()


node_modules = fetched("fetch_ort.sh")
cuda_dir = fetched("fetch_ort_cuda.sh")
ort_dir = os.path.join(work, "ort")
os.makedirs(ort_dir, exist_ok=True)
for target in (os.path.join(node_modules, "onnxruntime-node/bin/napi-v6/linux/x64/libonnxruntime.so.1"),
               os.path.join(cuda_dir, "libonnxruntime_providers_cuda.so"),
               os.path.join(cuda_dir, "libonnxruntime_providers_shared.so")):
    link = os.path.join(ort_dir, os.path.basename(target))
    if not os.path.islink(link):
        os.symlink(target, link)
subprocess.run([os.path.join(build, "make_demo_models"), work], check=True, capture_output=True)

MODELS = {
    "bert_base": {"batch": 1, "sequence": 128},
    "gpt2_decode": {"batch": 1, "past_sequence": 127},
    "resnet_small": {"batch": 8},
}


def input_flags(path, dims):
    """--input name=d0,d1,... for every graph input, its symbolic dims bound by `dims`."""
    model = onnx.load(path, load_external_data=False)
    initializers = {t.name for t in model.graph.initializer}
    flags = []
    for value in model.graph.input:
        if value.name in initializers:
            continue
        shape = [d.dim_value if d.HasField("dim_value") else dims[d.dim_param]
                 for d in value.type.tensor_type.shape.dim]
        flags += ["--input", value.name + "=" + ",".join(map(str, shape))]
    return flags


failures = 0
rows = []
for name, dims in MODELS.items():
    path = os.path.join(work, name + ".onnx")
    log = os.path.join(work, name + ".log.jsonl")
    if os.path.exists(log):
        os.remove(log)
    env = dict(os.environ, LD_LIBRARY_PATH=shadow_lib, WSEST_SHADOW_LOG=log, WSEST_SHADOW_LIBRARY_WORKSPACE="0")
    run = subprocess.run([session_tool, "--ort-lib", os.path.join(ort_dir, "libonnxruntime.so.1"), "--model", path,
                          "--opt-level", "disable", "--runs", "3", *input_flags(path, dims)],
                         capture_output=True, text=True, env=env)
    measured = json.loads(run.stdout)
    if "error" in measured:
        print(f"FAIL {name}: {measured['error']}")
        failures += 1
        continue
    # The initializers' allocation order: ORT copies each one to the device right after allocating it.
    order = []
    with open(log) as f:
        for line in f:
            event = json.loads(line)
            if event.get("ev") == "mark" and event.get("label") == "session created":
                break
            if event.get("ev") == "memcpy" and event.get("kind") == 1:  # cudaMemcpyHostToDevice
                order.append(event["bytes"])
    order_file = os.path.join(work, name + ".order.txt")
    with open(order_file, "w") as f:
        f.write("\n".join(map(str, order)) + "\n")
    dim_flags = [flag for k, v in dims.items() for flag in ("--dim", f"{k}={v}")]
    base = [calibrate_tool, "arena", path, *dim_flags, "--library-workspace", "0"]
    replay = subprocess.run(base + ["--order", order_file], capture_output=True, text=True)
    sampled = subprocess.run(base, capture_output=True, text=True)
    if replay.returncode != 0 or sampled.returncode != 0:
        print(f"FAIL {name}: {replay.stderr}{sampled.stderr}")
        failures += 1
        continue
    replayed, spread = json.loads(replay.stdout), json.loads(sampled.stdout)
    points = {"session": measured["memory"]["after_session"],
              "first_run": measured["memory"]["runs"][0]["held_after"],
              "steady": measured["memory"]["runs"][1]["held_after"]}
    for point, bytes_held in points.items():
        predicted = replayed[point]["median"]
        rng = spread[point]
        rows.append((name, point, bytes_held, predicted, rng["median"], rng["min"], rng["max"]))
        if predicted != bytes_held:
            failures += 1
            print(f"FAIL {name} {point}: ORT held {bytes_held} B, wsest's replay of the same order {predicted} B")

print(f"{'model':<13} {'point':<9} {'ORT held':>12} {'replay':>12} {'error':>7}  {'sampled median [min..max]'}")
for name, point, held, predicted, median, low, high in rows:
    error = abs(predicted - held) / held * 100 if held else 0.0
    print(f"{name:<13} {point:<9} {held:>12} {predicted:>12} {error:>6.2f}%  {median} [{low}..{high}]")
sys.exit(1 if failures else 0)
