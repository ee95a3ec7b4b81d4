"""What ``--allow-rejected`` covers is said: a run that still stops names the codes it does not
cover in its last line, and with ``-q`` a run that goes on says in one line how much it left
out. Through the command line, on copies of the mini workspace of tests/data/mini."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_words_as_meant import _mini, _said

TWICE = """\
  - id: aaa-2020
    country: ARG
    name: A again
    election: {type: general, date: 2020-05-01}
"""


def _rejecting(tmp_path: Path) -> Path:
    """The mini workspace with one statistics row of a mission missions.yaml lacks (a row
    --allow-rejected lets go) and a checklist answer no rule reads (a cell it lets go)."""
    ws = _mini(tmp_path)
    with (ws / "statistics.csv").open("a", encoding="utf-8") as fh:
        fh.write("zzz-2020,1,2,,\n")
    checklists = ws / "checklists.csv"
    lines = checklists.read_text("utf-8").splitlines()
    lines[1] = lines[1].replace(",yes,15,0", ",maybe,15,0")
    checklists.write_text("\n".join(lines) + "\n", "utf-8")
    return ws


def _out(tmp_path: Path) -> list[str]:
    return ["-o", str(tmp_path / "scores.json")]


@pytest.mark.parametrize(
    ("lang", "last"),
    [
        ("en", "1 error that --allow-rejected does not cover: duplicate-mission"),
        ("es", "1 error que --allow-rejected no cubre: duplicate-mission"),
        ("fr", "1 erreur que --allow-rejected ne couvre pas\u202f: duplicate-mission"),
        ("pt", "1 erro que --allow-rejected não cobre: duplicate-mission"),
    ],
)
def test_a_run_allowed_rejections_that_still_stops_names_what_stops_it(
    lang: str, last: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = _rejecting(tmp_path)
    with (ws / "missions.yaml").open("a", encoding="utf-8") as fh:
        fh.write(TWICE)
    argv = ["score", str(ws), "--allow-rejected", "--lang", lang, *_out(tmp_path)]
    status, err = _said(argv, capsys)
    assert status == 1
    assert err[-1] == last
    # Every problem is still listed above it, the rows and cells allowed too.
    assert [line.rsplit(" ", 1)[-1] for line in err[:-1]] == [
        "[invalid-answer]",
        "[duplicate-mission]",
        "[unknown-mission]",
    ]
    # Without the flag the run says what it always said.
    status, err = _said(["score", str(ws), *_out(tmp_path)], capsys)
    assert status == 1
    assert err[-1] == "3 problems in the workspace data"


@pytest.mark.parametrize(
    "command",
    [
        ["score"],
        ["compare"],
        ["report", "--format", "json"],
        ["recommend", "--mission", "aaa-2020"],
    ],
)
def test_quiet_says_what_an_allowed_run_left_out_in_one_line(
    command: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = _rejecting(tmp_path)
    out = ["-o", str(tmp_path / "out")]
    status, err = _said([command[0], str(ws), *command[1:], "--allow-rejected", "-q", *out], capsys)
    assert status == 0
    assert err == [f"{ws}: 1 row rejected and 1 cell rejected; ovm check {ws} says where"]


def test_without_quiet_an_allowed_run_lists_each_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = _rejecting(tmp_path)
    status, err = _said(["score", str(ws), "--allow-rejected", *_out(tmp_path)], capsys)
    assert status == 0
    assert [line.replace(f"{ws}/", "") for line in err[:2]] == [
        "checklists.csv:2:8 'maybe' is not an allowed answer for practice.on_time (yes, no) "
        "[invalid-answer]",
        "statistics.csv:4:1 no mission 'zzz-2020' in the missions file [unknown-mission] "
        "(row rejected)",
    ]


def test_quiet_says_nothing_of_a_workspace_with_nothing_left_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = _mini(tmp_path)
    status, err = _said(["score", str(ws), "-q", *_out(tmp_path)], capsys)
    assert status == 0
    assert err == []
