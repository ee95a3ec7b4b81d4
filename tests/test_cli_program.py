"""``ovm`` as a program ends its process as soon as the command is done: the output is all
written, the exit status is the command's, and the interpreter's teardown is skipped."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

from ovm.cli.app import main

EXAMPLES = Path(__file__).parent.parent / "examples"
RUBRICS = Path(__file__).parent / "data" / "rubrics"

# A probe that runs the program as ``python -m ovm`` does, with a handler the interpreter's
# teardown would run: it prints nothing when the process ends without one.
PROBE = (
    "import atexit, sys\n"
    "atexit.register(lambda: print('teardown', file=sys.stderr))\n"
    "sys.argv = ['ovm', *sys.argv[1:]]\n"
    "from ovm.cli.app import program\n"
    "program()\n"
)


def _buffered_env() -> dict[str, str]:
    # Standard output to a pipe is then held in a buffer until flushed, as users run it.
    return {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}


def _run(argv: Sequence[str]) -> subprocess.CompletedProcess[str]:
    """``argv`` run as users run it: standard output to a pipe, held in a buffer."""
    return subprocess.run(
        list(argv),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=_buffered_env(),
    )


def _program(*args: str) -> subprocess.CompletedProcess[str]:
    return _run([sys.executable, "-c", PROBE, *args])


def test_the_program_writes_all_its_output_and_skips_the_teardown(
    capsys: pytest.CaptureFixture[str],
) -> None:
    args = ["score", str(EXAMPLES), "--format", "json"]
    assert main(args) == 0
    out, err = capsys.readouterr()
    done = _program(*args)
    assert (done.returncode, done.stdout, done.stderr) == (0, out, err)


@pytest.mark.parametrize(
    ("args", "status"),
    [
        # a line of output: held in standard output's buffer until the process flushes it
        (["validate", str(RUBRICS / "valid.yaml")], 0),
        (["validate", str(RUBRICS / "five-mistakes.yaml")], 1),
        (["score", "no-workspace-here"], 2),
    ],
)
def test_the_program_keeps_the_commands_output_and_exit_status(
    args: list[str], status: int, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(args) == status
    out, err = capsys.readouterr()
    assert out or err
    done = _program(*args)
    assert (done.returncode, done.stdout, done.stderr) == (status, out, err)


def test_a_usage_error_ends_as_argparse_ends_it() -> None:
    # argparse ends the process itself (SystemExit): the interpreter's teardown runs then.
    done = _program("score", "--no-such-option")
    assert done.returncode == 2
    assert done.stderr.endswith("teardown\n")


@pytest.mark.parametrize("how", ["module", "script"])
def test_python_m_ovm_and_the_ovm_script_run_the_program(
    how: str, capsys: pytest.CaptureFixture[str]
) -> None:
    script = Path(sys.executable).with_name("ovm")
    if how == "script" and not script.is_file():
        pytest.skip("no ovm script beside this interpreter")
    run = (
        # as ``python -m ovm`` runs it: the module named as the program
        "runpy.run_module('ovm', run_name='__main__', alter_sys=True)"
        if how == "module"
        else f"runpy.run_path({str(script)!r}, run_name='__main__')"
    )
    probe = (
        "import atexit, runpy, sys\n"
        "atexit.register(lambda: print('teardown', file=sys.stderr))\n"
        "sys.argv = ['ovm', *sys.argv[1:]]\n"
        f"{run}\n"
    )
    args = ["score", str(EXAMPLES), "--format", "csv"]
    assert main(args) == 0
    out, err = capsys.readouterr()
    done = _run([sys.executable, "-c", probe, *args])
    assert (done.returncode, done.stdout, done.stderr) == (0, out, err)


def test_ovm_run_from_inside_another_program_returns_to_it() -> None:
    host = (
        "import atexit, runpy, sys\n"
        "atexit.register(lambda: print('host teardown'))\n"
        "sys.argv = ['ovm', *sys.argv[1:]]\n"
        "try:\n"
        "    runpy.run_module('ovm', run_name='__main__')\n"
        "except SystemExit as end:\n"
        "    print('host caught', end.code)\n"
        "print('host goes on')\n"
    )
    done = _run([sys.executable, "-c", host, "validate", str(RUBRICS / "five-mistakes.yaml")])
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-3:] == ["host caught 1", "host goes on", "host teardown"]


@pytest.mark.parametrize("closed", [">&-", "2>&-"])
def test_the_program_with_a_closed_standard_stream_ends_with_the_commands_status(
    closed: str, tmp_path: Path
) -> None:
    out = tmp_path / "scores.csv"
    command = f"{sys.executable} -m ovm score {EXAMPLES} -o {out} {closed}"
    done = _run(["/bin/sh", "-c", command])
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    # The counts of rows meant for standard error are not mixed into standard output.
    assert "rows read" not in done.stdout
    assert out.stat().st_size > 0


def test_a_result_for_a_closed_standard_output_is_not_silently_lost() -> None:
    done = _run(["/bin/sh", "-c", f"{sys.executable} -m ovm score {EXAMPLES} -q --format csv >&-"])
    assert done.returncode != 0


COLLECTIONS = (
    "import gc, sys\n"
    "sys.argv = ['ovm', *sys.argv[1:]]\n"
    "from ovm.cli.app import main\n"
    "seen = []\n"
    "def spy(phase, info):\n"
    "    # the collections made while the program holds the collector (automatic ones run\n"
    "    # while it is on, before the command: imports)\n"
    "    if phase == 'stop' and not gc.isenabled():\n"
    "        seen.append(info['collected'])\n"
    "gc.callbacks.append(spy)\n"
    "status = main()\n"
    "print(status, len(seen), all(n > 0 for n in seen))\n"
)


@pytest.mark.parametrize(
    ("args", "pages"),
    [
        (["score", str(EXAMPLES), "-q", "-o", "scores.csv"], 0),
        (["report", str(EXAMPLES), "-q", "--sensitivity-runs", "20", "-o", "r.html"], 0),
        (["report", str(EXAMPLES), "-q", "--with-missions", "-o", "r.html"], 19),
    ],
)
def test_the_program_collects_only_what_rendered_pages_leave(
    args: list[str], pages: int, tmp_path: Path
) -> None:
    # The stages of the analysis and of a report's context leave almost no cyclic garbage:
    # the collector never walks what they made. Each mission page rendered leaves the cycles
    # of its templates, collected after it.
    done = subprocess.run(
        [sys.executable, "-c", COLLECTIONS, *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
        cwd=tmp_path,
    )
    assert done.stdout.split() == ["0", str(pages), "True"]


PROFILED = (sys.executable, "-m", "cProfile", "-s", "cumtime", "-m", "ovm")


def test_a_profiled_program_ends_as_usual_so_the_profiler_prints_what_it_found(
    tmp_path: Path,
) -> None:
    done = _run([*PROFILED, "score", str(EXAMPLES), "-q", "-o", str(tmp_path / "scores.csv")])
    assert done.returncode == 0, done.stderr
    assert "function calls" in done.stdout
    assert "Ordered by: cumulative time" in done.stdout
    assert (tmp_path / "scores.csv").stat().st_size > 0
