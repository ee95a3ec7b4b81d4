"""A percentage typed in a workbook ("54.6 %") is stored as 0.546 under a percent number format
and shown as 54.6%: it is read as the percentage it shows, where the variable is one, as the
share it is where the variable is a share, and refused at its cell anywhere else. A CSV cell
written ``54.6%`` (as a spreadsheet saves that cell) reads the same."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest

from ovm.cli.app import main
from ovm.data.workspace import load_workspace

EXAMPLES = Path(__file__).parent.parent / "examples"
RUBRIC = Path(__file__).parent.parent / "ovm" / "rubrics" / "deco-voting-abroad.yaml"
HEADER = ["mission", "registered_abroad", "votes_abroad", "domestic_turnout_pct"]


def _workspace(tmp_path: Path, stats: str, rubric: str = "bundled:deco-voting-abroad") -> Path:
    ws = tmp_path / "ws"
    ws.mkdir()
    shutil.copy(EXAMPLES / "missions.yaml", ws / "missions.yaml")
    (ws / "ovm.yaml").write_text(
        f"rubric: {rubric}\nmissions: missions.yaml\nstatistics: [{stats}]\n", encoding="utf-8"
    )
    return ws


def _book(path: Path, row: list[object], formats: dict[str, str]) -> None:
    wb = openpyxl.Workbook()
    sheet = wb.active
    assert sheet is not None
    sheet.append(HEADER)
    sheet.append(row)
    for cell, fmt in formats.items():
        sheet[cell].number_format = fmt
    wb.save(path)


def _value(ws: Path, mission: str, name: str) -> object:
    m = next(m for m in load_workspace(ws).observations.missions if m.id == mission)
    return m.values[name].value


@pytest.mark.parametrize("fmt", ["0.0%", "0%", "0.00 %", '#,##0.0"" %'])
def test_a_percent_cell_of_a_percentage_is_read_as_the_percentage_it_shows(
    tmp_path: Path, fmt: str
) -> None:
    ws = _workspace(tmp_path, "stats.xlsx")
    _book(ws / "stats.xlsx", ["col-2022", 1376071, 373000, 0.546], {"D2": fmt})
    assert _value(ws, "col-2022", "domestic_turnout_pct") == 54.6
    # A number without the format is the percentage as typed.
    _book(ws / "stats.xlsx", ["col-2022", 1376071, 373000, 54.6], {})
    assert _value(ws, "col-2022", "domestic_turnout_pct") == 54.6


def test_a_percentage_written_in_a_csv_cell_reads_as_in_a_workbook(tmp_path: Path) -> None:
    ws = _workspace(tmp_path, "stats.csv")
    (ws / "stats.csv").write_text(
        ",".join(HEADER) + "\ncol-2022,1376071,373000, 54.6 %\n", encoding="utf-8"
    )
    assert _value(ws, "col-2022", "domestic_turnout_pct") == 54.6


def test_a_percent_cell_of_a_share_is_the_share_it_stores(tmp_path: Path) -> None:
    rubric = RUBRIC.read_text(encoding="utf-8")
    old = (
        '    unit: "%"\n    type: percent\n    source: statistics\n    minimum: 0\n'
        "    maximum: 100\n"
    )
    assert rubric.count(old) == 1
    ws = _workspace(tmp_path, "stats.xlsx", rubric="rubric.yaml")
    (ws / "rubric.yaml").write_text(
        rubric.replace(old, "    unit: share\n    type: share\n    source: statistics\n"),
        encoding="utf-8",
    )
    _book(ws / "stats.xlsx", ["col-2022", 1376071, 373000, 0.546], {"D2": "0.0%"})
    assert _value(ws, "col-2022", "domestic_turnout_pct") == 0.546


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        (
            "en",
            "'50%' is a percentage, and registered_abroad is not one: write the number itself "
            "(in a workbook, without the cell's percent format)",
        ),
        (
            "es",
            "“50%” es un porcentaje, y registered_abroad no lo es: escriba el número mismo (en un "
            "libro de cálculo, sin el formato de porcentaje de la celda)",
        ),
    ],
)
def test_a_percent_cell_of_a_count_is_refused_at_its_cell(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], lang: str, said: str
) -> None:
    ws = _workspace(tmp_path, "stats.xlsx")
    _book(ws / "stats.xlsx", ["col-2022", 0.5, 0.25, 0.546], {"B2": "0%", "C2": "0%", "D2": "0.0%"})
    assert main(["check", str(ws), "--lang", lang]) == 1
    err = capsys.readouterr().err.splitlines()
    assert f"{ws}/stats.xlsx[Sheet]:2:2 {said} [percent-format]" in err
    assert [line.split(" ")[0] for line in err if "[percent-format]" in line] == [
        f"{ws}/stats.xlsx[Sheet]:2:2",
        f"{ws}/stats.xlsx[Sheet]:2:3",
    ]
    # The run stops on the refused cells, as on any other.
    assert main(["score", str(ws), "-o", str(tmp_path / "s.json")]) == 1
