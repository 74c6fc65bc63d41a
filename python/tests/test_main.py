"""`python3 -m wsest` is the wsest binary: the same stdout, stderr and exit code for the same flags."""
import os
import subprocess
import sys

import pytest

from conftest import CLI, run_binary


def run_module(*args):
    done = subprocess.run([sys.executable, "-m", "wsest", *map(str, args)], capture_output=True)
    return done.returncode, done.stdout, done.stderr


CASES = {
    "table": ["bert_base.onnx", "--dim", "batch=2", "--dim", "sequence=128"],
    "json with partition": ["bert_base.onnx", "--dim", "batch=2", "--dim", "sequence=128", "--json", "--budget",
                            "1GiB", "--partition"],
    "does not fit (exit 1)": ["resnet_small.onnx", "--dim", "batch=1", "--budget", "10MiB"],
    "cannot tell": ["resnet_small.onnx", "--dim", "batch=1", "--budget", "1GiB", "--json"],
    "max dim": ["gpt2_decode.onnx", "--dim", "batch=1", "--budget", "2GiB", "--max-dim", "past_sequence"],
    "range": ["gpt2_decode.onnx", "--dim", "batch=1", "--dim", "past_sequence=1..1024", "--json"],
    "fit layers": ["bert_base.onnx", "--dim", "batch=1", "--dim", "sequence=128", "--fit-layers", "300MiB"],
    "one node": ["bert_base.onnx", "--dim", "batch=1", "--dim", "sequence=64", "--node", "layer0/attention"],
    "unbound dim (exit 2)": ["bert_base.onnx"],
    "bad flag (exit 2)": ["bert_base.onnx", "--no-such-flag"],
    "list devices": ["--list-devices"],
    "version": ["--version"],
}


@pytest.mark.parametrize("name", CASES)
def test_module_is_the_binary(demo, name):
    args = [os.path.join(demo, a) if a.endswith(".onnx") else a for a in CASES[name]]
    expected = run_binary(*args)
    got = run_module(*args)
    assert got[0] == expected[0]
    assert got[1] == expected[1]
    assert got[2] == expected[2]


def test_exit_codes_are_the_clis(demo):
    # 0 fits, 1 does not fit, 2 error, 3 cannot tell, worked out from the budgets: BERT (every node known) at
    # batch 1, sequence 128 holds about 0.5 GiB; cuBLAS's handle workspace alone (32 MiB) is over 10 MiB; resnet's
    # Conv nodes have no estimate without a GPU, so 1 GiB, above its known part, cannot be called.
    bert = [os.path.join(demo, "bert_base.onnx"), "--dim", "batch=1", "--dim", "sequence=128"]
    resnet = [os.path.join(demo, "resnet_small.onnx"), "--dim", "batch=1"]
    assert run_module(*bert, "--budget", "1GiB")[0] == 0
    assert run_module(*resnet, "--budget", "10MiB")[0] == 1
    assert run_module(*resnet, "--budget", "ten")[0] == 2
    assert run_module(*resnet, "--budget", "1GiB")[0] == run_binary(*resnet, "--budget", "1GiB")[0] == 3


def test_help_names_the_module(demo):
    # The usage line carries the program name (argv[0]); the rest of the help is the binary's.
    code, out, _ = run_module("--help")
    binary_code, binary_out, _ = run_binary("--help")
    assert code == binary_code == 0
    assert b"Usage: python3 -m wsest " in out
    assert out.replace(b"python3 -m wsest", CLI.encode()) == binary_out
