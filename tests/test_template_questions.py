"""The template's answers sheet shows each indicator's question under its id: an id such as
``obstacles.method_change`` reads as the opposite of its question ("kept unchanged?"), and a
trial user answered ``no`` where nothing changed. The row of questions is a note the reader
skips: the workbook reads back exactly as the same answers in a CSV table do."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

import ovm
from ovm.cli.app import main
from ovm.rubric.model import pick

FILLED = {
    "obstacles.method_change": {"arg-2023": "yes", "chl-2023": "no"},
    "procedures.registration_model": {"arg-2023": "automatic"},
}


def _workspace(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    root = tmp_path / "ws"
    assert main(["init", str(root), "--missions", "arg-2023", "chl-2023", "--lang", "es"]) == 0
    assert main(["template", str(root), "-o", str(root / "data.xlsx"), "--lang", "es"]) == 0
    capsys.readouterr()
    return root


def _answers(ws: ovm.Workspace) -> dict[str, dict[str, Any]]:
    return {
        m.id: {k: (d.status, d.value) for k, d in sorted(m.answers.items())}
        for m in ws.observations.missions
    }


def _use_answers(root: Path, entry: object) -> None:
    path = root / "ovm.yaml"
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    config["answers"] = [entry]
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")


def test_the_answers_sheet_shows_each_question_under_its_id(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _workspace(tmp_path, capsys)
    sheet = load_workbook(root / "data.xlsx")["answers"]
    ids = [c.value for c in sheet[1]]
    questions = [c.value for c in sheet[2]]
    node = ovm.default_rubric().node("obstacles.method_change")
    j = ids.index("obstacles.method_change")
    assert questions[j] == pick(node.question, "es")
    assert questions[j].startswith("¿")
    assert questions[0] == "# pregunta (una nota: esta fila no se lee)"
    # Only the answer columns hold a question; the missions follow it.
    assert [q is not None for q in questions] == [
        i == 0 or not ids[i].endswith(("__source", "__confidence")) for i in range(len(ids))
    ]
    assert [sheet.cell(row=r, column=1).value for r in (3, 4)] == ["arg-2023", "chl-2023"]


def test_the_workbook_reads_back_as_the_same_answers_in_a_csv(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _workspace(tmp_path, capsys)
    book = load_workbook(root / "data.xlsx")
    sheet = book["answers"]
    ids = [c.value for c in sheet[1]]
    rows = {sheet.cell(row=r, column=1).value: r for r in range(3, sheet.max_row + 1)}
    for node_id, by_mission in FILLED.items():
        for mission, answer in by_mission.items():
            sheet[f"{get_column_letter(ids.index(node_id) + 1)}{rows[mission]}"] = answer
    book.save(root / "data.xlsx")
    _use_answers(root, {"path": "data.xlsx", "sheet": "answers"})
    from_workbook = ovm.load_workspace(root)

    with (root / "answers.csv").open("w", encoding="utf-8", newline="") as f:
        out = csv.writer(f)
        out.writerow(["mission", *FILLED])
        for mission in ("arg-2023", "chl-2023"):
            out.writerow([mission, *(FILLED[n].get(mission, "") for n in FILLED)])
    _use_answers(root, "answers.csv")
    from_csv = ovm.load_workspace(root)

    assert _answers(from_workbook) == _answers(from_csv)
    assert _answers(from_workbook)["chl-2023"]["obstacles.method_change"] == ("value", "no")
    (book_report,) = [f for f in from_workbook.observations.report.files if f.kind == "answers"]
    (csv_report,) = [f for f in from_csv.observations.report.files if f.kind == "answers"]
    counts = (book_report.rows_read, book_report.rows_used, book_report.rows_rejected)
    assert counts == (csv_report.rows_read, csv_report.rows_used, csv_report.rows_rejected)
    assert counts == (2, 2, 0)
    assert list(book_report.rejected_cells) == []


def test_a_note_row_of_a_statistics_table_is_skipped_and_rows_keep_their_numbers(
    tmp_path: Path,
) -> None:
    mini = Path(__file__).parent / "data" / "mini"
    root = tmp_path / "ws"
    shutil.copytree(mini, root)
    (root / "statistics.csv").write_text(
        "mission,registered_abroad,votes_abroad\n"
        "# figures of the EMB,electors,votes\n"
        "aaa-2020,1000,350\n"
        "bbb-2021,abc,\n",
        encoding="utf-8",
    )
    ws = ovm.load_workspace(root)
    (report,) = [f for f in ws.observations.report.files if f.kind == "statistics"]
    assert (report.rows_read, report.rows_used, report.rows_rejected) == (2, 2, 0)
    assert [(i.line, i.column, i.code) for i in report.rejected_cells] == [(4, 2, "invalid-number")]
    assert ws.observations.mission("aaa-2020").values["votes_abroad"].provenance.line == 3
