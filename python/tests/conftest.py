"""Shared fixtures: the wsest binary (the oracle the package is checked against) and the demo models.

ctest (python.pytest) sets WSEST_CLI, WSEST_MAKE_DEMO_MODELS and WSEST_TEST_TMP to the build tree's;
run by hand: PYTHONPATH=build/python /usr/bin/python3 -m pytest python/tests (the defaults are build/).
"""
import json
import os
import subprocess

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
BUILD = os.path.join(HERE, "..", "..", "build")
CLI = os.environ.get("WSEST_CLI", os.path.join(BUILD, "wsest"))
MAKE_DEMO_MODELS = os.environ.get("WSEST_MAKE_DEMO_MODELS", os.path.join(BUILD, "make_demo_models"))


@pytest.fixture(scope="session")
def demo():
    """The full-size demo models (build/make_demo_models; their weight files are sparse)."""
    folder = os.path.join(os.environ.get("WSEST_TEST_TMP", os.path.join(BUILD, "test_tmp", "python")), "demo")
    os.makedirs(folder, exist_ok=True)
    subprocess.run([MAKE_DEMO_MODELS, folder], check=True, capture_output=True)
    return folder


def run_binary(*args):
    """Runs the wsest binary: (exit code, stdout bytes, stderr bytes)."""
    done = subprocess.run([CLI, *map(str, args)], capture_output=True)
    return done.returncode, done.stdout, done.stderr


def binary_json(*args):
    """The wsest binary's --json report for these arguments."""
    code, out, err = run_binary(*args, "--json")
    assert code != 2, err.decode()  # 2 is the error; 1 and 3 are verdicts with a report
    return json.loads(out)


@pytest.fixture(scope="session")
def cli():
    return CLI
