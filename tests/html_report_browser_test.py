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


# The nasty model, serialized by hand (protobuf wire format: field number << 3 | wire type, varint lengths)
# so that the test needs no Python package: ModelProto {ir_version 8, opset_import ai.onnx 17 and
# com.example 1, graph {Relu x -> a, com.example.Mystery a -> y, input x float [2, 8], output y}}.
def varint(v):
    out = bytearray()
    while True:
        byte, v = v & 0x7F, v >> 7
        out.append(byte | (0x80 if v else 0))
        if not v:
            return bytes(out)


def field(number, value):
    if isinstance(value, int):
        return varint(number << 3) + varint(value)
    data = value.encode() if isinstance(value, str) else value
    return varint(number << 3 | 2) + varint(len(data)) + data


def node(op, inputs, outputs, name, domain=""):
    return field(1, b"".join([*(field(1, i) for i in inputs), *(field(2, o) for o in outputs), field(3, name),
                              field(4, op), field(7, domain)]))


def tensor_type(dims):
    shape = field(2, b"".join(field(1, field(1, d)) for d in dims)) if dims else b""
    return field(2, field(1, field(1, 1) + shape))  # TypeProto.tensor_type, elem_type FLOAT


NASTY_NAMES = ["</script><b>\"q\"&'amp;", "m<&>"]
graph = b"".join([node("Relu", ["x"], ["a"], NASTY_NAMES[0]),
                  node("Mystery", ["a"], ["y"], NASTY_NAMES[1], "com.example"), field(2, "g<&>"),
                  field(11, field(1, "x") + tensor_type([2, 8])), field(12, field(1, "y"))])
nasty = os.path.join(work, "nasty.onnx")
with open(nasty, "wb") as f:
    f.write(field(1, 8) + field(8, field(1, "") + field(2, 17)) + field(8, field(1, "com.example") + field(2, 1)) +
            field(7, graph))

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
         "--window-size=1400,1000", "--enable-logging=stderr", "--v=0", "--dump-dom",
         "file://" + page + "#selftest"],
        capture_output=True, text=True, timeout=120)
    result = re.search(r'<pre id="selftest-result">(.*?)</pre>', browser.stdout, re.S)
    console = [line for line in browser.stderr.splitlines() if ":CONSOLE" in line]
    if browser.returncode != 0:
        failures.append(f"{name}: chromium exited {browser.returncode}: {browser.stderr[-2000:]}")
    elif result is None:
        failures.append(f"{name}: no #selftest-result in the page")
    elif result.group(1) != f"PASS {nodes} rows":
        failures.append(f"{name}: the self-test says {result.group(1)!r}, expected 'PASS {nodes} rows'")
    # The names arrived as text: the browser's serialization escapes them again, as the writer did.
    if name == "nasty":
        for raw in NASTY_NAMES:
            as_text = raw.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            if f'<td class="name">{as_text}</td>' not in browser.stdout:
                failures.append(f"{name}: the table does not show the name {raw!r} as text")
    if console:
        failures.append(f"{name}: console messages:\n  " + "\n  ".join(console))
    print(f"{name}: self-test {result.group(1) if result else None!r}, {nodes} nodes, {len(console)} console messages")

if failures:
    print("\n".join(failures))
    sys.exit(1)
