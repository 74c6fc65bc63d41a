"""What the shadow tests share (tests/shadow_*_test.py): the tools they need, ORT with its CUDA
provider, sparse weights for the bench graphs, and the initializers' order read off a shadow log."""
import json
import os
import subprocess
import sys


class Shadow:
    """The build's shadow device and tools, and a work folder under BUILD_DIR/test_tmp/<name>. Exits 77
    (skipped) when the build lacks them, 1 under CI=true."""

    def __init__(self, build, src, name):
        self.build, self.src = build, src
        self.work = os.path.abspath(os.path.join(build, "test_tmp", name))
        os.makedirs(self.work, exist_ok=True)
        self.session_tool = os.path.join(build, "wsest-session")
        self.calibrate_tool = os.path.join(build, "wsest-calibrate")
        self.wsest = os.path.join(build, "wsest")
        self.lib = os.path.join(build, "shadow", "lib")
        lacking = []
        if not os.path.exists(self.session_tool):
            lacking.append(self.session_tool + " (ORT's C API header: calibrate/fetch_ort_headers.sh, then cmake "
                           "-DWSEST_ORT_INCLUDE_DIR=<the path it prints>)")
        if not os.path.exists(os.path.join(self.lib, "libcudart.so.13")):
            lacking.append(self.lib + "/libcudart.so.13 (the shadow device: CUDA and cuDNN headers in /usr/local/cuda)")
        if lacking:
            why = "this build lacks " + "; ".join(lacking)
            if os.environ.get("CI") == "true":
                print("FAIL under CI=true:", why)
                sys.exit(1)
            print("SKIP:", why)
            sys.exit(77)
        # libonnxruntime.so.1 with the CUDA provider beside it (fetched if needed).
        self.ort_lib = subprocess.run(["bash", os.path.join(src, "calibrate", "shadow", "ort_lib.sh")], check=True,
                                      capture_output=True, text=True).stdout.strip()


def sparse_weights(model_path):
    """Writes the external-data file a bench graph names, as a sparse file of zeros of the right size."""
    import onnx
    model = onnx.load(model_path, load_external_data=False)
    end, location = 0, None
    for t in model.graph.initializer:
        fields = {e.key: e.value for e in t.external_data}
        if "length" in fields:
            end = max(end, int(fields.get("offset", 0)) + int(fields["length"]))
            location = fields["location"]
    if location:
        with open(os.path.join(os.path.dirname(model_path), location), "wb") as f:
            f.truncate(end)


def initializer_order(log, order_file):
    """The initializers' allocation order of a shadow session, written to order_file (None when the
    session was not created): ORT copies each one to the device right after allocating it."""
    order, created = [], False
    with open(log) as f:
        for line in f:
            event = json.loads(line)
            if event.get("ev") == "mark" and event.get("label") == "session created":
                created = True
                break
            if event.get("ev") == "memcpy" and event.get("kind") == 1:  # cudaMemcpyHostToDevice
                order.append(event["bytes"])
    if not created:
        return None
    with open(order_file, "w") as f:
        f.write("\n".join(map(str, order)) + "\n")
    return order_file
