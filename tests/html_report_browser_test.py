#!/usr/bin/python3
"""`wsest --html` pages in headless Chromium (Debian's `chromium`).

Two pages: the demo BERT at batch 4, sequence 2048 under an 8 GiB budget with --partition, and a small
model whose node names carry markup (quotes, '&', '</script>') and whose one custom op has no
estimator. Each page is opened with #selftest: its own script then checks that the table has one row
per node, that a click on the timeline selects the node under it (detail and highlighted row), and
that sorting and filtering work, and writes PASS or FAIL into #selftest-result; --dump-dom reads that
back. Any console message (an uncaught error, a blocked fetch) fails the test: the page logs nothing.

    html_report_browser_test.py BUILD_DIR
Exits 77 (skipped) without chromium, 1 under CI=true in that case.
"""
import json
import os
import re
import shutil
import subprocess
import sys

import onnx
from onnx import TensorProto, helper

build = os.path.abspath(sys.argv[1])
work = os.path.join(build, "test_tmp", "html_report_browser")
os.makedirs(work, exist_ok=True)

chromium = shutil.which("chromium")
if chromium is None:
    why = "chromium is not installed (tools/setup.sh installs it: apt-get install chromium)"
    if os.environ.get("CI") == "true":
        print("FAIL under CI=true:", why)
        sys.exit(1)
    print("SKIP:", why)
    sys.exit(77)

wsest = os.path.join(build, "wsest")
subprocess.run([os.path.join(build, "make_demo_models"), work], check=True, capture_output=True)

nasty = os.path.join(work, "nasty.onnx")
graph = helper.make_graph(
    [helper.make_node("Relu", ["x"], ["a"], name="</script><b>\"q\"&'amp;"),
     helper.make_node("Mystery", ["a"], ["y"], name="m<&>", domain="com.example")],
    "g<&>", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 8])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)])
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid("com.example", 1)])
model.ir_version = 8
onnx.save(model, nasty)

PAGES = {
    "bert": [os.path.join(work, "bert_base.onnx"), "--dim", "batch=4", "--dim", "sequence=2048", "--budget", "8GiB",
             "--partition"],
    "nasty": [nasty],
}

failures = []
for name, args in PAGES.items():
    page = os.path.join(work, name + ".html")
    estimate = subprocess.run([wsest] + args + ["--json"], capture_output=True, text=True)
    if estimate.returncode not in (0, 1):
        sys.exit(f"{name}: wsest --json failed: {estimate.stderr}")
    nodes = len(json.loads(estimate.stdout)["nodes"])
    written = subprocess.run([wsest] + args + ["--html", page], capture_output=True, text=True)
    if written.returncode not in (0, 1):
        sys.exit(f"{name}: wsest --html failed: {written.stderr}")
    browser = subprocess.run(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync",
         "--disable-background-networking", "--disable-component-update", "--user-data-dir=" + work + "/profile",
         "--window-size=1400,1000", "--enable-logging=stderr", "--v=0", "--dump-dom", "file://" + page + "#selftest"],
        capture_output=True, text=True, timeout=120)
    result = re.search(r'<pre id="selftest-result">(.*?)</pre>', browser.stdout, re.S)
    console = [line for line in browser.stderr.splitlines() if ":CONSOLE" in line]
    if browser.returncode != 0:
        failures.append(f"{name}: chromium exited {browser.returncode}: {browser.stderr[-2000:]}")
    elif result is None:
        failures.append(f"{name}: no #selftest-result in the page")
    elif result.group(1) != f"PASS {nodes} rows":
        failures.append(f"{name}: the self-test says {result.group(1)!r}, expected 'PASS {nodes} rows'")
    if console:
        failures.append(f"{name}: console messages:\n  " + "\n  ".join(console))
    if not failures:
        print(f"{name}: PASS, {nodes} rows, no console messages")

if failures:
    print("\n".join(failures))
    sys.exit(1)
