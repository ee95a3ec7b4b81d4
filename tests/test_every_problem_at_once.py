"""A problem of a table's header (a column without a name, a header written in another case)
and one of its cells (a formula without its value, a value beyond the header, a bad number,
an unknown mission) never hide one another: one run of ``ovm check`` says each at its place."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from openpyxl import Workbook

from ovm.cli.app import main

MINI = Path(__file__).parent / "data" / "mini"


def _workspace(tmp_path: Path, statistics: str) -> Path:
    ws = tmp_path / "ws"
    shutil.copytree(MINI, ws)
    config = (ws / "ovm.yaml").read_text("utf-8")
    (ws / "ovm.yaml").write_text(
        config.replace("[statistics.csv]", f"[{statistics}]"), encoding="utf-8"
    )
    return ws


def _problems(ws: Path, capsys: pytest.CaptureFixture[str]) -> list[tuple[str, str, int, int]]:
    assert main(["check", str(ws), "--format", "json"]) == 1
    issues = json.loads(capsys.readouterr().out)["issues"]
    return sorted((Path(i["file"]).name, i["code"], i["line"], i["column"]) for i in issues)


def test_a_workbook_s_formulas_and_miscased_headers_are_all_said(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = _workspace(tmp_path, "s.xlsx")
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Mission", "Registered_Abroad", "votes_abroad"])
    sheet.append(["aaa-2020", 1000, "=B2*0.35"])  # openpyxl saves no value for a formula
    sheet.append(["bbb-2021", 2000, 10, "stray"])
    sheet.append(["zzz-2030", 5, None])
    book.save(ws / "s.xlsx")
    assert _problems(ws, capsys) == sorted(
        [
            ("s.xlsx[Sheet]", "formula-without-value", 2, 3),
            ("s.xlsx[Sheet]", "cell-without-header", 3, 4),
            ("s.xlsx[Sheet]", "unknown-column", 1, 1),
            ("s.xlsx[Sheet]", "unknown-column", 1, 2),
            ("s.xlsx[Sheet]", "unknown-mission", 4, 1),
        ]
    )


def test_an_unnamed_column_is_said_beside_the_table_s_other_problems(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = _workspace(tmp_path, "s.csv")
    (ws / "s.csv").write_text(
        "mission,Registered_Abroad,,votes_abroad\naaa-2020,1000,x,abc\nzzz-2030,1,,\n,2,,\n",
        encoding="utf-8",
    )
    (ws / "checklists.csv").write_text(
        "Mission,site,,practice.on_time\naaa-2020,s1,,maybe\n", encoding="utf-8"
    )
    assert _problems(ws, capsys) == sorted(
        [
            ("s.csv", "empty-header", 1, 3),
            ("s.csv", "unknown-column", 1, 2),
            ("s.csv", "invalid-number", 2, 4),
            ("checklists.csv", "empty-header", 1, 3),
            ("checklists.csv", "unknown-column", 1, 1),
            ("checklists.csv", "invalid-answer", 2, 4),
            ("s.csv", "unknown-mission", 3, 1),
            ("s.csv", "missing-mission", 4, 1),
        ]
    )


def test_a_workbook_s_unnamed_column_is_said_beside_its_other_problems(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = _workspace(tmp_path, "s.xlsx")
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["mission", None, "registered_abroad", "votes_abroad"])
    sheet.append(["aaa-2020", "x", 1000, "=C2*0.35"])
    sheet.append(["bbb-2021", None, "many", 10])
    book.save(ws / "s.xlsx")
    assert _problems(ws, capsys) == sorted(
        [
            ("s.xlsx[Sheet]", "empty-header", 1, 2),
            ("s.xlsx[Sheet]", "formula-without-value", 2, 4),
            ("s.xlsx[Sheet]", "invalid-number", 3, 3),
        ]
    )


def test_a_formula_without_value_in_the_mission_column_is_said_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The cell is read blank because its formula has no saved value: that one cell gives one
    # error (the formula's, which says why), not also "no mission id" at the same place, in
    # a statistics workbook and a checklists workbook alike.
    ws = _workspace(tmp_path, "s.xlsx")
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["mission", "registered_abroad", "votes_abroad"])
    sheet.append(["aaa-2020", 1000, 350])
    sheet.append(['=LOWER("BBB-2021")', 2000, 10])
    sheet.append(["bbb-2021", 2000, "=1+1"])
    book.save(ws / "s.xlsx")
    lines = (MINI / "checklists.csv").read_text("utf-8").splitlines()
    config = (ws / "ovm.yaml").read_text("utf-8")
    (ws / "ovm.yaml").write_text(config.replace("checklists.csv", "c.xlsx"), encoding="utf-8")
    visits = Workbook()
    vsheet = visits.active
    assert vsheet is not None
    vsheet.append(lines[0].split(","))
    vsheet.append(lines[1].split(","))
    vsheet.append(['=LOWER("AAA-2020")', *lines[2].split(",")[1:]])
    visits.save(ws / "c.xlsx")
    assert _problems(ws, capsys) == sorted(
        [
            ("s.xlsx[Sheet]", "formula-without-value", 3, 1),
            ("s.xlsx[Sheet]", "formula-without-value", 4, 3),
            ("c.xlsx[Sheet]", "formula-without-value", 3, 1),
        ]
    )
