"""Spreadsheet formula injection: text a spreadsheet would run is quoted, nothing else is."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import ovm

# What Excel, LibreOffice and Google Sheets start a formula with (OWASP's list).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@pytest.mark.parametrize("start", FORMULA_STARTS, ids=repr)
def test_text_starting_like_a_formula_is_quoted(start: str) -> None:
    text = start + 'HYPERLINK("http://x")'
    assert ovm.safe_cell(text) == "'" + text
    assert ovm.safe_cell(start) == "'" + start


@pytest.mark.parametrize(
    "value",
    [
        "",
        "plain",
        "a=b",
        "x+1",
        "50%",
        " =not at the start",
        "'=already quoted",
        0,
        -5,
        -0.5,
        2.5,
        None,
        True,
    ],
    ids=repr,
)
def test_anything_else_is_left_alone(value: object) -> None:
    assert ovm.safe_cell(value) == value
    assert type(ovm.safe_cell(value)) is type(value)


# Control characters are escaped first (test below); tab, CR and LF are text.
PRINTABLE = st.text(
    st.characters(blacklist_categories=("Cc",)) | st.sampled_from("\t\r\n"), max_size=20
)


@given(PRINTABLE)
def test_a_quote_is_added_exactly_when_the_text_starts_like_a_formula(text: str) -> None:
    expected = "'" + text if text[:1] in FORMULA_STARTS else text
    assert ovm.safe_cell(text) == expected


def test_control_characters_are_shown_escaped_so_no_writer_refuses_them() -> None:
    assert ovm.safe_cell("B\x07 2021\x1b[31m\x0b") == "B\\x07 2021\\x1b[31m\\x0b"
    from openpyxl import Workbook

    Workbook().active.append([ovm.safe_cell("\x07\x1b\x0b")])  # raised IllegalCharacterError


RUBRIC = """\
ovm_rubric: 1
id: inject
version: "1"
title: {en: Inject}
languages: [en]
families:
  - id: f
    labels: {en: F}
    children:
      - id: f.key
        kind: levels
        labels: {en: Key}
        source: legal
        levels:
          - {key: "+1+1", score: 0, descriptor: {en: plus}}
          - {key: "-1+1", score: 50, descriptor: {en: minus}}
          - {key: "1+1", score: 100, descriptor: {en: number first}}
"""


def test_the_scores_csv_quotes_answers_that_start_like_a_formula(
    tmp_path: Path, make_workspace: Callable[..., Path]
) -> None:
    missions = "missions:\n" + "".join(
        f"  - {{id: {m}, country: ARG, name: {m}, election: {{type: general, date: 2020-01-01}},"
        f' answers: {{f.key: "{key}"}}}}\n'
        for m, key in (("m1", "+1+1"), ("m2", "-1+1"), ("m3", "1+1"))
    )
    ws = ovm.load_workspace(make_workspace(tmp_path, rubric=RUBRIC, missions=missions))
    scores = ovm.score(ws.rubric, ws.observations, bootstrap=0)
    rows = csv.DictReader(io.StringIO(ovm.scores_csv(scores)))
    assert {r["mission"]: r["value"] for r in rows if r["node"] == "f.key"} == {
        "m1": "'+1+1",
        "m2": "'-1+1",
        "m3": "1+1",
    }


MINI = Path(__file__).resolve().parent / "data" / "mini"
NOTES = ["-2+3 minutes late", "+1 h delay", "=1+1", "@SUM(A1:A2)"]


def test_a_workbook_keeps_notes_that_start_like_a_formula_as_typed_and_never_runs_them(
    tmp_path: Path,
) -> None:
    """An observer's "- 2 min late" is text: the mission workbook shows it as typed (the
    quote-prefix style keeps a spreadsheet from running it), with no quote added to it."""
    import shutil

    import openpyxl

    from ovm.cli.app import main

    root = tmp_path / "ws"
    shutil.copytree(MINI, root)
    rows = (root / "checklists.csv").read_text("utf-8").splitlines()
    extra = [
        f'aaa-2020,n{i},USA,Miami,o{i},2020-05-01T09:0{i},"{note}",yes,10,0'
        for i, note in enumerate(NOTES)
    ]
    (root / "checklists.csv").write_text("\n".join([*rows, *extra]) + "\n", encoding="utf-8")
    out = tmp_path / "m.xlsx"
    argv = ["report", str(root), "--mission", "aaa-2020", "-q", "-o", str(out)]
    assert main(argv) == 0
    sheet = openpyxl.load_workbook(out)["notes"]
    cells = [c for row in sheet.iter_rows(min_row=2) for c in row if c.value in NOTES]
    assert sorted(str(c.value) for c in cells) == sorted(NOTES)
    assert {(c.data_type, c.quotePrefix) for c in cells} == {("s", True)}
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
