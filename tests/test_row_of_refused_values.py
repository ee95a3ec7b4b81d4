"""A statistics row whose every value is refused is still its mission's row: the report's
data-quality table of refused cells names that mission, the mission's own report lists the
cells, and another mission's report does not (they are not its data), as for a row that kept a
value. Through ``ovm report --format json`` and ``Observations.cohort`` on copies of
tests/data/mini."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_words_as_meant import _mini

from ovm import load_workspace
from ovm.cli.app import main

STATISTICS = """\
mission,registered_abroad,votes_abroad,votes_abroad__source,votes_abroad__confidence
aaa-2020,lots,many,EMB results,high
bbb-2021,2000,,,
"""


def _workspace(tmp_path: Path) -> Path:
    ws = _mini(tmp_path)
    (ws / "statistics.csv").write_text(STATISTICS, "utf-8")
    return ws


def _cells(ws: Path, tmp_path: Path, *options: str) -> list[dict[str, object]]:
    """The refused cells a report lists, with the mission of each."""
    out = tmp_path / "report.json"
    argv = ["report", str(ws), "-q", "--allow-rejected", "-o", str(out), *options]
    assert main(argv) == 0
    return [
        {k: c[k] for k in ("file", "row", "column", "mission", "code")}
        # a report with no refused cell has no table of them
        for c in json.loads(out.read_text("utf-8"))["quality"].get("cells", {}).get("items", [])
    ]


REFUSED = [
    {
        "file": "statistics.csv",
        "row": "2",
        "column": "2",
        "mission": "aaa-2020",
        "code": "invalid-number",
    },
    {
        "file": "statistics.csv",
        "row": "2",
        "column": "3",
        "mission": "aaa-2020",
        "code": "invalid-number",
    },
]


def test_a_row_with_every_value_refused_names_its_mission(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = _workspace(tmp_path)
    assert _cells(ws, tmp_path) == REFUSED
    assert _cells(ws, tmp_path, "--mission", "aaa-2020") == REFUSED
    assert _cells(ws, tmp_path, "--mission", "bbb-2021") == []


def test_a_cohort_without_the_mission_counts_its_row_outside(tmp_path: Path) -> None:
    observations = load_workspace(_workspace(tmp_path)).observations
    (stats,) = [
        (f.rows_read, f.rows_used, f.rows_outside, len(f.rejected_cells))
        for f in observations.cohort(["bbb-2021"]).report.files
        if f.kind == "statistics"
    ]
    assert stats == (2, 1, 1, 0)
    assert [i for i in observations.cohort(["bbb-2021"]).report.issues if i.line == 2] == []
