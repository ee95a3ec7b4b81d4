"""With --missions, every row is still used or reported: the rows of the missions left out of
the cohort are counted outside it (neither used nor rejected), and their problems are not the
run's; a row naming a mission the workspace does not have stays rejected (it may be one of the
cohort's, misspelt)."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest

from ovm.cli.app import main

EXAMPLES = Path(__file__).parent.parent / "examples"
COHORT = "col-2018,per-2021"


def _rows_of(ws: Path, name: str) -> list[dict[str, str]]:
    with (ws / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """The examples with a refused answer in a row of a mission outside the cohort."""
    ws = tmp_path / "ws"
    shutil.copytree(EXAMPLES, ws)
    lines = (ws / "checklists.csv").read_text("utf-8").splitlines(keepends=True)
    row = next(k for k, line in enumerate(lines) if line.startswith("mex-2024,"))
    header = lines[0].rstrip("\n").split(",")
    cells = lines[row].rstrip("\n").split(",")
    cells[header.index("practice.secrecy")] = "maybe"
    lines[row] = ",".join(cells) + "\n"
    (ws / "checklists.csv").write_text("".join(lines), "utf-8")
    return ws


def test_rows_of_missions_left_out_are_counted_outside_the_cohort(
    workspace: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "scores.json"
    # The refused cell is mex-2024's, outside the cohort: it does not stop the run.
    assert main(["score", str(workspace), "--missions", COHORT, "-o", str(out)]) == 0
    err = capsys.readouterr().err
    visits = _rows_of(workspace, "checklists.csv")
    mine = sum(1 for r in visits if r["mission"] in COHORT.split(","))
    stats = len(_rows_of(workspace, "statistics.csv"))
    ws = str(workspace)
    assert [line for line in err.splitlines() if "rows read" in line] == [
        f"{ws}/statistics.csv: {stats} rows read, 2 used, 0 rejected, {stats - 2} outside the "
        "cohort (--missions)",
        f"{ws}/checklists.csv: {len(visits)} rows read, {mine} used, 0 rejected, "
        f"{len(visits) - mine} outside the cohort (--missions) [simulated]",
    ]
    assert "maybe" not in err
    files = json.loads(out.read_text("utf-8"))["files"]
    assert [
        (f["rows_read"], f["rows_used"], f["rows_rejected"], f["rows_outside"]) for f in files
    ] == [
        (stats, 2, 0, stats - 2),
        (len(visits), mine, 0, len(visits) - mine),
    ]
    assert [f["rejected_cells"] for f in files] == [[], []]


def test_the_whole_cohort_still_stops_at_the_refused_cell(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["score", str(workspace), "--missions", "mex-2024,per-2021", "-o", "-"]) == 1
    assert "'maybe' is not an allowed answer" in capsys.readouterr().err


def test_a_row_of_no_known_mission_stays_rejected(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with (workspace / "checklists.csv").open("a", encoding="utf-8") as f:
        f.write("per-2012" + "," * (len(_rows_of(workspace, "checklists.csv")[0]) - 1) + "\n")
    assert main(["score", str(workspace), "--missions", COHORT, "-o", "-"]) == 1
    err = capsys.readouterr().err
    assert "no mission 'per-2012' in the missions file [unknown-mission] (row rejected)" in err
    assert "1 rejected" in err


def test_a_rejected_row_of_a_mission_left_out_is_counted_outside_too(
    workspace: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # mex-2024's statistics row given twice: the second is rejected, and mex-2024 is not in
    # the cohort, so the run counts both of its rows outside, none rejected.
    lines = (workspace / "statistics.csv").read_text("utf-8").splitlines(keepends=True)
    row = next(k for k, line in enumerate(lines) if line.startswith("mex-2024,"))
    lines.insert(row + 1, lines[row])
    (workspace / "statistics.csv").write_text("".join(lines), "utf-8")
    out = tmp_path / "scores.json"
    assert main(["score", str(workspace), "--missions", COHORT, "-o", str(out)]) == 0
    capsys.readouterr()
    stats = len(_rows_of(workspace, "statistics.csv"))
    files = json.loads(out.read_text("utf-8"))["files"]
    assert (
        files[0]["rows_read"],
        files[0]["rows_used"],
        files[0]["rows_rejected"],
        files[0]["rows_outside"],
    ) == (stats, 2, 0, stats - 2)
