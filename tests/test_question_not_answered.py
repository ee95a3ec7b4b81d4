"""A checklist question no visit answers (its column renamed on the survey server, a label
edited, a column left blank) is missing for every mission: ``ovm check`` says so at the
question's declaration, rather than "valid" while a critical question is dropped. The warning
is the workspace's own: every command that scores, the library and the report say it too."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import ovm
from ovm.cli.app import main

MINI = Path(__file__).parent / "data" / "mini"


def _ws(tmp_path: Path, edit: str, into: str) -> Path:
    root = tmp_path / "ws"
    shutil.copytree(MINI, root)
    path = root / "checklists.csv"
    text = path.read_text(encoding="utf-8")
    assert edit in text
    path.write_text(text.replace(edit, into), encoding="utf-8")
    return root


def _said(err: str) -> list[str]:
    return [line for line in err.splitlines() if line.endswith("[question-not-answered]")]


def _declared(root: Path) -> tuple[int, int]:
    lines = (root / "rubric.yaml").read_text(encoding="utf-8").splitlines()
    row = next(i for i, line in enumerate(lines, 1) if line == "      - id: practice.on_time")
    return row, lines[row - 1].index("practice.on_time") + 1


def test_a_question_whose_column_no_file_has_is_warned_at_its_declaration(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _ws(tmp_path, "practice.on_time,", "practice.on_time_,")
    assert main(["check", str(root)]) == 0
    err = capsys.readouterr().err
    line, col = _declared(root)
    assert _said(err) == [
        f"{root / 'rubric.yaml'}:{line}:{col} warning: checklist question practice.on_time is "
        "answered in no visit (6 read): no checklist file has its column, or every cell of it "
        "is blank, so it is missing for every mission [question-not-answered]"
    ]
    # The column that was not matched is named too.
    assert "column 'practice.on_time_' matches no checklist question" in err
    assert main(["check", str(root), "--lang", "es"]) == 0
    assert _said(capsys.readouterr().err) == [
        f"{root / 'rubric.yaml'}:{line}:{col} advertencia: la pregunta de la lista de "
        "verificación practice.on_time no tiene respuesta en ninguna visita (6 leídas): ningún "
        "archivo de listas tiene su columna, o todas sus celdas están vacías, así que falta "
        "para todas las misiones [question-not-answered]"
    ]


def test_a_column_left_blank_in_every_visit_is_warned_and_one_answer_is_enough(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = MINI / "checklists.csv"
    header, *rows = path.read_text(encoding="utf-8").splitlines()
    j = header.split(",").index("practice.on_time")

    def blank(keep: int) -> str:
        out = [header]
        for i, row in enumerate(rows):
            cells = row.split(",")
            if i != keep:
                cells[j] = ""
            out.append(",".join(cells))
        return "\n".join(out) + "\n"

    root = tmp_path / "ws"
    shutil.copytree(MINI, root)
    (root / "checklists.csv").write_text(blank(keep=-1), encoding="utf-8")
    assert main(["check", str(root)]) == 0
    assert len(_said(capsys.readouterr().err)) == 1
    (root / "checklists.csv").write_text(blank(keep=len(rows) - 1), encoding="utf-8")
    assert main(["check", str(root)]) == 0
    assert _said(capsys.readouterr().err) == []


def test_visits_without_any_question_are_said_once_and_refused_cells_are_said_at_each_cell(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = MINI / "checklists.csv"
    header, *rows = path.read_text(encoding="utf-8").splitlines()
    names = header.split(",")
    questions = [i for i, n in enumerate(names) if n.startswith("practice.")]
    root = tmp_path / "ws"
    shutil.copytree(MINI, root)
    # Visits alone: one warning for all the questions, at the rubric's families.
    keep = [i for i in range(len(names)) if i not in questions]
    table = [",".join(line.split(",")[i] for i in keep) for line in [header, *rows]]
    (root / "checklists.csv").write_text("\n".join(table) + "\n", encoding="utf-8")
    assert main(["check", str(root)]) == 0
    said = _said(capsys.readouterr().err)
    lines = (root / "rubric.yaml").read_text(encoding="utf-8").splitlines()
    families = next(i for i, line in enumerate(lines, 1) if line.startswith("families:"))
    assert said == [
        f"{root / 'rubric.yaml'}:{families}:1 warning: no checklist question is answered in any "
        f"visit (6 read): no checklist file has a column of any of the {len(questions)} "
        "questions, or every cell of them is blank, so they are missing for every mission "
        "[question-not-answered]"
    ]
    # Every answer of a question refused: each cell says why, the question is not "unanswered".
    j = names.index("practice.on_time")
    bad = [header] + [
        ",".join("maybe" if i == j else c for i, c in enumerate(r.split(","))) for r in rows
    ]
    (root / "checklists.csv").write_text("\n".join(bad) + "\n", encoding="utf-8")
    assert main(["check", str(root)]) == 1
    err = capsys.readouterr().err
    assert err.count("[invalid-answer]") == len(rows)
    assert _said(err) == []


def test_every_command_the_library_and_the_report_say_the_same_warnings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A KoboToolbox label edited after deployment: the question's column is not there.
    root = _ws(tmp_path, "practice.on_time,", "On time?,")
    line, col = _declared(root)
    warning = (str(root / "rubric.yaml"), line, col, "question-not-answered", "warning")

    ws = ovm.load_workspace(root)
    said = [(i.file, i.line, i.column, i.code, i.severity) for i in ws.warnings]
    assert said == [
        (str(root / "checklists.csv"), 1, 8, "unknown-column", "warning"),
        warning,
    ]
    assert list(ws.observations.report.issues) == list(ws.warnings)

    assert main(["check", str(root), "--format", "json"]) == 0
    checked = json.loads(capsys.readouterr().out)["issues"]
    assert [(i["file"], i["line"], i["column"], i["code"], i["severity"]) for i in checked] == said

    # The summary of a command that scores counts the same warnings and names the code.
    assert main(["score", str(root), "-q", "-o", str(tmp_path / "scores.json")]) == 0
    assert capsys.readouterr().err.splitlines()[-1] == (
        f"{root}: 2 warnings [unknown-column, question-not-answered]; ovm check {root} says where"
    )
    scores = json.loads((tmp_path / "scores.json").read_text(encoding="utf-8"))
    assert "question-not-answered" in json.dumps(scores)

    # The report's data quality names the question.
    out = tmp_path / "report.json"
    assert main(["report", str(root), "-q", "--sensitivity-runs", "0", "-o", str(out)]) == 0
    capsys.readouterr()
    report = out.read_text(encoding="utf-8")
    assert report.count("checklist question practice.on_time is answered in no visit") == 1


def test_a_checklist_table_of_no_visit_yet_leaves_no_question_unanswered(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # As ovm init writes it, before the observers report: nothing to answer the questions in.
    root = tmp_path / "ws"
    shutil.copytree(MINI, root)
    path = root / "checklists.csv"
    path.write_text(path.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    assert [i.code for i in ovm.load_workspace(root).warnings] == []
    assert main(["check", str(root)]) == 0
    assert _said(capsys.readouterr().err) == []
