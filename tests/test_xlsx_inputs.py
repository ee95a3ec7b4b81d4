"""Workbooks read as saved: a formula's saved value, never a guess at a sheet or a value."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest

import ovm
from ovm.cli.app import main

MINI = Path(__file__).parent / "data" / "mini"


def workspace(tmp_path: Path, entry: str, sheets: dict[str, list[list[object]]]) -> Path:
    """The mini workspace with its statistics in a workbook of ``sheets`` (in order)."""
    ws = tmp_path / "ws"
    shutil.copytree(MINI, ws)
    wb = openpyxl.Workbook()
    for j, (title, rows) in enumerate(sheets.items()):
        sh = wb.active if j == 0 else wb.create_sheet(title)
        assert sh is not None
        sh.title = title
        for row in rows:
            sh.append(row)
    wb.save(ws / "s.xlsx")
    cfg = ws / "ovm.yaml"
    cfg.write_text(
        cfg.read_text(encoding="utf-8").replace("[statistics.csv]", f"[{entry}]"),
        encoding="utf-8",
    )
    return ws


STATS = [
    ["mission", "registered_abroad", "votes_abroad"],
    ["aaa-2020", 1000, "=350"],
    ["bbb-2021", 2000, None],
]


def check(ws: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    status = main(["check", str(ws)])
    out = capsys.readouterr()
    text = out.out + out.err
    assert "Traceback" not in text
    return status, [
        f"{Path(m[1]).name}{m[2]} {m[3]}"
        for m in re.finditer(r"^(\S+?)((?::\d+)+) .*\[([a-z-]+)\]$", text, re.M)
    ]


def test_a_formula_without_a_saved_value_is_refused_at_its_cell(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = workspace(tmp_path, "{path: s.xlsx, sheet: stats}", {"stats": STATS})
    assert check(ws, capsys) == (1, ["s.xlsx[stats]:2:3 formula-without-value"])
    with pytest.raises(ovm.DataError) as err:
        ovm.load_workspace(ws)
    assert [i.message for i in err.value.issues] == [
        "the formula '=350' has no saved value: save the workbook in Excel or LibreOffice "
        "first (which stores each formula's value), or type the value"
    ]


def test_a_formula_with_a_saved_value_gives_that_value(tmp_path: Path) -> None:
    ws = workspace(tmp_path, "{path: s.xlsx, sheet: stats}", {"stats": STATS})
    book = ws / "s.xlsx"
    # As Excel saves it: the formula and its last value (openpyxl writes an empty value).
    with zipfile.ZipFile(book) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    assert b"<f>350</f><v />" in parts[sheet]
    parts[sheet] = parts[sheet].replace(b"<f>350</f><v />", b"<f>350</f><v>351</v>")
    with zipfile.ZipFile(book, "w") as zf:
        for n, data in parts.items():
            zf.writestr(n, data)
    w = ovm.load_workspace(ws)
    values = {
        m.id: m.values["votes_abroad"].value
        for m in w.observations.missions
        if "votes_abroad" in m.values
    }
    assert values["aaa-2020"] == 351.0


def test_a_sheet_the_workbook_lacks_is_refused_at_the_line_naming_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = workspace(tmp_path, "{path: s.xlsx, sheet: stats}", {"README": [["hello"]]})
    assert check(ws, capsys) == (1, ["ovm.yaml:4:36 missing-sheet"])
    with pytest.raises(ovm.DataError) as err:
        ovm.load_workspace(ws)
    assert [i.message for i in err.value.issues] == [
        "s.xlsx has no sheet 'stats' (its sheets: README): name one of them in `sheet:`"
    ]


def test_a_workbook_of_several_sheets_names_the_one_to_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stats = [STATS[0], ["aaa-2020", 1000, 350]]
    ws = workspace(tmp_path, "s.xlsx", {"README": [["hello"]], "stats": stats})
    assert check(ws, capsys) == (1, ["ovm.yaml:4:14 unnamed-sheet"])
    # Named, it is read; one visible sheet (another hidden) needs no name.
    ws2 = workspace(
        tmp_path / "2", "{path: s.xlsx, sheet: stats}", {"README": [["x"]], "stats": stats}
    )
    assert check(ws2, capsys) == (0, [])
    ws3 = workspace(tmp_path / "3", "s.xlsx", {"stats": stats, "lists": [["x"]]})
    wb = openpyxl.load_workbook(ws3 / "s.xlsx")
    wb["lists"].sheet_state = "hidden"
    wb.save(ws3 / "s.xlsx")
    assert check(ws3, capsys) == (0, [])


def _save_values(book: Path, values: dict[bytes, bytes]) -> None:
    """Give formulas their saved values, as Excel does (openpyxl writes an empty one)."""
    with zipfile.ZipFile(book) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    for formula, value in values.items():
        old = b"<f>" + formula + b"</f><v />"
        assert old in parts[sheet]
        parts[sheet] = parts[sheet].replace(old, b"<f>" + formula + b"</f><v>" + value + b"</v>")
    with zipfile.ZipFile(book, "w") as zf:
        for n, data in parts.items():
            zf.writestr(n, data)


def test_a_sheet_whose_formulas_all_have_values_is_parsed_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = [STATS[0], ["aaa-2020", "=1000", "=350"], ["bbb-2021", 2000, "=2*5"]]
    ws = workspace(tmp_path, "{path: s.xlsx, sheet: stats}", {"stats": rows})
    _save_values(ws / "s.xlsx", {b"1000": b"1000", b"350": b"351", b"2*5": b"10"})
    opened: list[bool] = []
    load = openpyxl.load_workbook

    def counted(*args: object, **kwargs: object) -> object:
        opened.append(bool(kwargs.get("data_only")))
        return load(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(openpyxl, "load_workbook", counted)
    w = ovm.load_workspace(ws)
    assert opened == [True]
    values = {m.id: m.values["votes_abroad"].value for m in w.observations.missions}
    assert (values["aaa-2020"], values["bbb-2021"]) == (351.0, 10.0)


def test_only_the_formula_without_a_value_is_refused_far_down_a_long_sheet(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Over a megabyte of sheet: the formulas' ends and values are met across chunks.
    filler = [[f"x{i}", i, "=1+1"] for i in range(30_000)]
    rows = [["mission", "registered_abroad", "votes_abroad"], *filler, ["aaa-2020", 1, "=7"]]
    ws = workspace(tmp_path, "{path: s.xlsx, sheet: stats}", {"stats": rows})
    with zipfile.ZipFile(ws / "s.xlsx") as zf:
        assert zf.getinfo("xl/worksheets/sheet1.xml").file_size > 1 << 20
    _save_values(ws / "s.xlsx", {b"1+1": b"2"})
    status, found = check(ws, capsys)
    assert status == 1
    assert [f for f in found if f.endswith("formula-without-value")] == [
        f"s.xlsx[stats]:{len(rows)}:3 formula-without-value"
    ]


def test_a_workbook_table_is_unzipped_by_its_reader_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    rows = [STATS[0], ["aaa-2020", 1000, "=350"]]
    ws = workspace(tmp_path, "{path: s.xlsx, sheet: stats}", {"stats": rows})
    _save_values(ws / "s.xlsx", {b"350": b"351"})
    opened: list[str] = []
    init = zipfile.ZipFile.__init__
    # The package's own folder, not any path holding "/ovm/": a checkout cloned as ovm/ holds
    # its virtual environment's libraries under that name too.
    package = Path(ovm.__file__).resolve().parent

    def counted(self: zipfile.ZipFile, *args: Any, **kwargs: Any) -> None:
        caller = Path(sys._getframe(1).f_code.co_filename).resolve()
        if caller.is_relative_to(package):
            opened.append(caller.name)
        init(self, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "__init__", counted)
    ovm.load_workspace(ws)
    # Checking the workbook's size before reading it and reading it share one look at its zip
    # directory; the search for formulas reads the sheet the reader has open.
    assert opened == ["tables.py"]
