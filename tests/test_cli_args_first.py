"""What the arguments alone decide is refused before the workspace is read (exit 2, the usage
error alone: not after every data problem and file summary of a large workspace), and ``-q``
("no progress; at most one line on what was left out") leaves out the files' summary unless
the run stops on it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ovm.cli.app import main

MINI = Path(__file__).resolve().parent / "data" / "mini"


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    """The mini workspace with one checklist row of a mission it does not have: rejected, so
    that reading the workspace prints a problem and each file's summary."""
    root = tmp_path / "ws"
    shutil.copytree(MINI, root)
    with (root / "checklists.csv").open("a", encoding="utf-8") as fh:
        fh.write("zzz-2020,s9,USA,Miami,o9,2020-05-01T09:00,,yes,15,0\n")
    return root


@pytest.mark.parametrize(
    ("command", "said"),
    [
        (
            ["report", "--mission", "aaa-2020", "--missions", "bbb-2021", "-o", "r.html"],
            "--mission aaa-2020 is not in the cohort named by --missions",
        ),
        (
            ["whatif", "--mission", "aaa-2020", "--missions", "bbb-2021"],
            "--mission aaa-2020 is not in the cohort named by --missions",
        ),
        (
            ["recommend", "--mission", "aaa-2020", "--missions", "bbb-2021"],
            "--mission aaa-2020 is not in the cohort named by --missions",
        ),
        (["score", "--aggregation", "f=", "-o", "s.json"], "--aggregation 'f='"),
        (
            ["compare", "--normalisation", "minmax", "--output-range", "10", "1"],
            "the output range must be",
        ),
        (["report", "-o", "r.txt"], "this command does not write txt"),
        (
            ["report", "--mission", "aaa-2020", "--with-missions", "-o", "r.html"],
            "--with-missions writes each mission's HTML report",
        ),
    ],
    ids=[
        "report-cohort",
        "whatif-cohort",
        "recommend-cohort",
        "aggregation",
        "range",
        "txt",
        "with-missions",
    ],
)
def test_a_usage_error_of_the_arguments_comes_before_the_workspace_is_read(
    ws: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    command: list[str],
    said: str,
) -> None:
    args = [str(tmp_path / a) if a.endswith((".html", ".json", ".txt")) else a for a in command]
    assert main([args[0], str(ws), *args[1:], "--allow-rejected"]) == 2
    err = capsys.readouterr().err
    assert said in err
    # The usage error alone: nothing of the data was read, so nothing of it is said.
    assert len(err.strip().splitlines()) == 1, err
    assert "rows read" not in err and "unknown-mission" not in err


def test_quiet_leaves_out_the_files_summary_unless_the_run_stops(
    ws: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = str(tmp_path / "s.json")
    assert main(["score", str(ws), "--allow-rejected", "-o", out]) == 0
    err = capsys.readouterr().err
    assert "checklists.csv: 7 rows read, 6 used, 1 rejected" in err
    assert main(["score", str(ws), "--allow-rejected", "-q", "-o", out]) == 0
    err = capsys.readouterr().err
    assert "rows read" not in err and "scored" not in err
    # The user accepted the rejected row: -q counts it in one line, ovm check says where.
    assert err.splitlines() == [f"{ws}: 1 row rejected; ovm check {ws} says where"]
    # A run that stops on rejected rows says what it lost, -q or not.
    assert main(["score", str(ws), "-q", "-o", out]) == 1
    assert "checklists.csv: 7 rows read, 6 used, 1 rejected" in capsys.readouterr().err
