"""Every problem of a data file is said once, where first found: a row-wide cell that each value
of its row reads (a `date` giving every value's provenance) is one refused cell, in
`ovm check`, in `LoadReport.errors` and in the file's account, however many values read it."""

from __future__ import annotations

import collections
import csv
import json
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ovm
from ovm.cli.app import main
from ovm.errors import OvmError

MINI = Path(__file__).resolve().parent / "data" / "mini"


def _mini(root: Path, statistics: str) -> Path:
    ws = root / "ws"
    shutil.copytree(MINI, ws)
    (ws / "statistics.csv").write_text(statistics, encoding="utf-8")
    return ws


def test_a_bad_row_wide_date_is_one_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = _mini(
        tmp_path,
        "mission,registered_abroad,votes_abroad,date\n"
        "aaa-2020,1000,350,sure\n"
        "bbb-2021,2000,500,2021-03-01\n",
    )
    table = ws / "statistics.csv"
    status = main(["check", str(ws)])
    _, err = capsys.readouterr()
    assert (status, err.splitlines()) == (
        1,
        [
            f"{table}:2:4 date: 'sure' is not a date: write it as YYYY-MM-DD [invalid-provenance]",
            f"{table}: 2 rows read, 2 used, 0 rejected, 1 cell rejected",
            f"{ws / 'checklists.csv'}: 6 rows read, 6 used, 0 rejected [simulated]",
            f"{ws}: 1 error, 0 warnings",
        ],
    )
    status = main(["check", str(ws), "--format", "json"])
    out, _ = capsys.readouterr()
    issues = json.loads(out)["issues"]
    assert [(i["file"], i["line"], i["column"], i["code"]) for i in issues] == [
        (str(table), 2, 4, "invalid-provenance")
    ]
    report = ovm.load_workspace(ws).observations.report
    (issue,) = report.errors
    assert (issue.file, issue.line, issue.column, issue.code) == (
        str(table),
        2,
        4,
        "invalid-provenance",
    )
    assert report.files[0].rejected_cells == (issue,)
    assert report.rejected_cells == (issue,)


def test_a_bad_row_wide_date_beside_answers_is_one_problem(tmp_path: Path) -> None:
    # The answers table reads its provenance as the statistics do.
    ws = tmp_path / "ws"
    shutil.copytree(MINI, ws)
    missions = ws / "missions.yaml"
    text = missions.read_text(encoding="utf-8")
    start = text.index("    answers:\n      rights.basis: statute")
    missions.write_text(text[:start], encoding="utf-8")
    config = ws / "ovm.yaml"
    text = config.read_text(encoding="utf-8")
    config.write_text(
        text.replace("statistics:", "answers: [answers.csv]\nstatistics:"), encoding="utf-8"
    )
    (ws / "answers.csv").write_text(
        "mission,rights.basis,rights.postal,date\nbbb-2021,statute,no,31/02/2021\n",
        encoding="utf-8",
    )
    report = ovm.load_workspace(ws).observations.report
    assert [(i.line, i.column, i.code, i.message) for i in report.errors] == [
        (
            2,
            4,
            "invalid-provenance",
            "date: '31/02/2021' is not a date: write it as YYYY-MM-DD",
        )
    ]


_HEADERS = [
    "votes_abroad__source",
    "votes_abroad__confidence",
    "votes_abroad__date",
    "registered_abroad__date",
    "confidence",
    "source",
    "date",
    "note",
    "registerd_abroad",
    "recorded_by",
]
_CELLS = ["", "1000", "350", "5000", "-1", "x", "sure", "high", "alta", "na", "2020-01-01"]
_CELLS += ["2020-13-01", "31/01/2020", "1e999", "\x07"]


@settings(max_examples=40, deadline=None)
@given(
    extra=st.lists(st.sampled_from(_HEADERS), min_size=1, max_size=4, unique=True),
    rows=st.lists(
        st.tuples(
            st.sampled_from(["aaa-2020", "bbb-2021", "zzz"]),
            st.lists(st.sampled_from(_CELLS), min_size=6, max_size=6),
        ),
        min_size=1,
        max_size=3,
    ),
)
def test_no_problem_of_a_table_is_said_twice(
    tmp_path_factory: pytest.TempPathFactory,
    extra: list[str],
    rows: list[tuple[str, list[str]]],
) -> None:
    # Both variables and some provenance beside them, the cells drawn from good and bad ones.
    headers = ["registered_abroad", "votes_abroad", *extra]
    ws = tmp_path_factory.mktemp("ws") / "ws"
    shutil.copytree(MINI, ws)
    with (ws / "statistics.csv").open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(
            [["mission", *headers], *([m, *cells[: len(headers)]] for m, cells in rows)]
        )
    try:
        found = ovm.load_workspace(ws).observations.report.errors
    except OvmError as exc:
        found = exc.issues
    said = collections.Counter((i.file, i.line, i.column, i.code, i.message) for i in found)
    assert [k for k, n in said.items() if n > 1] == []
