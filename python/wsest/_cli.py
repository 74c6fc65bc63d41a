"""The wsest CLI run in-process (the _wsest extension), as ``python3 -m wsest`` and as the API's engine."""
import sys
from typing import NamedTuple, Optional, Sequence

from . import _wsest

PROGRAM = "python3 -m wsest"
ERROR_PREFIX = "wsest: error: "
WARNING_PREFIX = "wsest: warning: "


class CliRun(NamedTuple):
    """What one run of the CLI returned: its exit code and what it wrote (bytes, as the binary writes them)."""

    exit_code: int
    stdout: bytes
    stderr: bytes


def run_cli(args: Sequence[str]) -> CliRun:
    """Runs ``wsest *args`` in this process, capturing its output; the flags are the CLI's (``--help``)."""
    code, out, err = _wsest.run_cli([PROGRAM, *(str(a) for a in args)])
    return CliRun(code, out, err)


def error_message(stderr: str) -> str:
    """The CLI's error message from its stderr (the text after ``wsest: error:``), else all of stderr."""
    for line in stderr.splitlines():
        if line.startswith(ERROR_PREFIX):
            return line[len(ERROR_PREFIX):]
    return stderr.strip()


def warning_messages(stderr: str) -> list:
    """The CLI's warnings from its stderr, without their ``wsest: warning:`` prefix."""
    return [line[len(WARNING_PREFIX):] for line in stderr.splitlines() if line.startswith(WARNING_PREFIX)]


def main(argv: Optional[Sequence[str]] = None) -> int:
    """``python3 -m wsest``: the wsest CLI with the same flags, output and exit codes."""
    run = run_cli(sys.argv[1:] if argv is None else argv)
    sys.stdout.flush()
    sys.stdout.buffer.write(run.stdout)
    sys.stdout.buffer.flush()
    sys.stderr.flush()
    sys.stderr.buffer.write(run.stderr)
    sys.stderr.buffer.flush()
    return run.exit_code
