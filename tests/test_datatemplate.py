"""The mission-level data workbook: ready to fill in, and loaded back as it is."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from openpyxl import load_workbook

from ovm import load_rubric, load_workspace
from ovm.cli import app as cli
from ovm.data.answers import apply_answers, load_answers_table
from ovm.data.observations import Mission, load_missions, load_statistics
from ovm.field.template import build_template, write_template

MINI = Path(__file__).parent / "data" / "mini"


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    shutil.copytree(MINI, root)
    return root


def missions_of(root: Path) -> list[Mission]:
    found, issues = load_missions(root / "missions.yaml", load_rubric(root / "rubric.yaml"))
    assert issues == []
    return found


def test_template_has_a_row_per_mission_and_a_column_per_datum(ws: Path) -> None:
    path = write_template(ws, ws / "data.xlsx")
    wb = load_workbook(path)
    assert wb.sheetnames == ["variables", "answers", "lists", "about"]
    assert wb["lists"].sheet_state == "hidden"
    values = [list(r) for r in wb["variables"].iter_rows(values_only=True)]
    assert values == [
        [
            "mission",
            "registered_abroad",
            "registered_abroad__source",
            "registered_abroad__confidence",
            "votes_abroad",
            "votes_abroad__source",
            "votes_abroad__confidence",
        ],
        ["aaa-2020", *[None] * 6],
        ["bbb-2021", *[None] * 6],
    ]
    answers = [list(r) for r in wb["answers"].iter_rows(values_only=True)]
    assert answers[0] == [
        "mission",
        "rights.basis",
        "rights.basis__source",
        "rights.basis__confidence",
        "rights.postal",
        "rights.postal__source",
        "rights.postal__confidence",
    ]


def test_header_notes_give_units_and_allowed_values(ws: Path) -> None:
    wb = load_workbook(write_template(ws, ws / "data.xlsx"))
    note = wb["variables"]["E1"].comment.text
    assert note.splitlines()[:4] == [
        "Votes abroad (en)",
        "Votos en el exterior (es)",
        "unit: votes; type: count",
        "whole number, 0 or more",
    ]
    assert "at most registered_abroad" in note
    basis = wb["answers"]["B1"].comment.text
    assert "constitution: Constitution (score 100)" in basis


def test_the_notes_read_in_the_first_language_asked(ws: Path) -> None:
    wb = load_workbook(write_template(ws, ws / "data.xlsx", languages=["es", "en"]))
    note = wb["variables"]["E1"].comment.text
    assert note.splitlines()[:4] == [
        "Votos en el exterior (es)",
        "Votes abroad (en)",
        "unidad: votes; tipo: count",
        "número entero, 0 o más",
    ]
    assert "como máximo registered_abroad" in note
    # votes cast abroad have no allow_na: the note offers no "na"
    assert note.splitlines()[-1] == "vacío = sin dato"
    about = {r[0]: r[1] for r in wb["about"].iter_rows(values_only=True)}
    assert about["answers"] == (
        "una fila por misión; elija una respuesta de la lista; vacío = sin dato"
    )


def test_dropdowns_hold_the_allowed_answers(ws: Path) -> None:
    wb = load_workbook(write_template(ws, ws / "data.xlsx"))
    lists = wb["lists"]

    def options(sheet: str, cell: str) -> tuple[str, list[Any]]:
        for dv in wb[sheet].data_validations.dataValidation:
            if cell in dv.sqref:
                if dv.type != "list":
                    return dv.type, [dv.operator, dv.formula1, dv.errorStyle]
                ref = dv.formula1.split("!")[1].replace("$", "")
                return dv.type, [c.value for row in lists[ref] for c in row]
        return "none", []

    # (the answers sheet's row 2 shows the questions: its missions start at row 3)
    assert options("answers", "B3") == ("list", ["none", "statute", "constitution"])
    assert options("answers", "E4") == ("list", ["yes", "partial", "no", "na"])
    assert options("answers", "D3") == ("list", ["high", "medium", "low"])
    assert options("answers", "B2") == ("none", [])
    assert options("variables", "G3") == ("list", ["high", "medium", "low"])
    assert options("variables", "B2") == ("whole", ["greaterThanOrEqual", "0", "warning"])


def test_answers_already_in_the_missions_file_are_marked(ws: Path) -> None:
    wb = load_workbook(write_template(ws, ws / "data.xlsx"))
    assert "already answered" in wb["answers"]["B3"].comment.text


def fill(path: Path, sheet: str, cells: dict[str, Any]) -> None:
    wb = load_workbook(path)
    for ref, value in cells.items():
        wb[sheet][ref] = value
    wb.save(path)


def test_filled_variables_load_as_statistics_and_score(ws: Path) -> None:
    path = write_template(ws, ws / "data.xlsx")
    fill(
        path,
        "variables",
        {"B2": 1000, "E2": 350, "F2": "EMB results", "G2": "high", "B3": 2000, "E3": "missing"},
    )
    rubric = load_rubric(ws / "rubric.yaml")
    values, report, rejected, issues = load_statistics(path, rubric, missions_of(ws))
    assert (issues, rejected) == ([], [])
    assert (report.rows_read, report.rows_used) == (2, 2)
    assert values["aaa-2020"]["votes_abroad"].value == 350
    assert values["aaa-2020"]["votes_abroad"].provenance.confidence == "high"
    assert values["bbb-2021"]["votes_abroad"].status == "missing"
    assert values["bbb-2021"]["registered_abroad"].value == 2000

    cfg = yaml.safe_load((ws / "ovm.yaml").read_text(encoding="utf-8"))
    cfg["statistics"] = ["data.xlsx"]
    (ws / "ovm.yaml").write_text(yaml.safe_dump(cfg), encoding="utf-8")
    workspace = load_workspace(ws)
    assert workspace.observations.mission("aaa-2020").values["registered_abroad"].value == 1000


def test_bad_values_are_rejected_at_their_cell(ws: Path) -> None:
    path = write_template(ws, ws / "data.xlsx")
    fill(path, "variables", {"B2": -3, "D3": "sure", "E3": "N/A"})
    rubric = load_rubric(ws / "rubric.yaml")
    _, report, rejected, _ = load_statistics(path, rubric, missions_of(ws))
    # A bad cell loses its datum, not its row; the workbook's sheet is named.
    assert rejected == []
    assert [(i.file, i.line, i.column, i.code) for i in report.rejected_cells] == [
        (f"{path}[variables]", 2, 2, "negative-count"),
        (f"{path}[variables]", 3, 4, "invalid-choice"),
        # votes cast abroad cannot be "not applicable": the rubric sets no allow_na on them
        (f"{path}[variables]", 3, 5, "not-applicable-not-allowed"),
    ]
    assert report.rows_read == report.rows_used + report.rows_rejected


def test_filled_answers_load_and_merge_into_missions(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    shutil.copytree(MINI, root)
    (root / "missions.yaml").write_text(
        (MINI / "missions.yaml")
        .read_text(encoding="utf-8")
        .replace("      rights.basis: statute\n", ""),
        encoding="utf-8",
    )
    path = write_template(root, root / "data.xlsx")
    fill(path, "answers", {"B4": "constitution", "C4": "Constitution art. 2", "D4": "medium"})
    rubric = load_rubric(root / "rubric.yaml")
    missions = missions_of(root)
    answers, report, rejected, issues = load_answers_table(path, rubric, missions)
    assert (issues, rejected, report.rows_used) == ([], [], 2)
    assert answers["aaa-2020"] == {}
    datum = answers["bbb-2021"]["rights.basis"]
    assert (
        datum.value,
        datum.provenance.source,
        datum.provenance.confidence,
        datum.provenance.line,
    ) == ("constitution", "Constitution art. 2", "medium", 4)
    merged, problems = apply_answers(missions, answers, str(path))
    assert problems == []
    assert merged[1].answers["rights.basis"].value == "constitution"
    assert merged[1].answers["rights.postal"].value == "no"


def test_bad_answers_are_rejected_and_double_answers_reported(ws: Path) -> None:
    path = write_template(ws, ws / "data.xlsx")
    fill(
        path,
        "answers",
        {"B3": "statute", "B4": "treaty", "E4": "na", "D4": "HIGH", "H1": "rights.other"},
    )
    rubric = load_rubric(ws / "rubric.yaml")
    missions = missions_of(ws)
    answers, report, rejected, issues = load_answers_table(path, rubric, missions)
    assert [(i.line, i.column, i.code, i.severity) for i in issues] == [
        (1, 8, "unknown-column", "warning")
    ]
    assert rejected == []
    assert [(i.line, i.column, i.code) for i in report.rejected_cells] == [(4, 2, "invalid-answer")]
    assert (report.rows_read, report.rows_used, report.rows_rejected) == (2, 2, 0)
    _, problems = apply_answers(missions, answers, str(path))
    # Row 4 is used without its bad cell: its 'na' answers what missions.yaml answers too.
    assert [(i.line, i.code) for i in problems] == [(3, "duplicate-value"), (4, "duplicate-value")]


def test_text_cells_are_guarded_against_formulas(tmp_path: Path) -> None:
    text = (
        (MINI / "rubric.yaml")
        .read_text(encoding="utf-8")
        .replace("title: {en: Mini rubric,", 'title: {en: "=HYPERLINK(\\"http://x\\")",')
    )
    rubric = load_rubric(text, file="r.yaml")
    missions = missions_of(MINI)
    path = tmp_path / "t.xlsx"
    build_template(rubric, missions).save(path)
    wb = load_workbook(path)
    cells = [c for ws in wb for row in ws.iter_rows() for c in row if c.value is not None]
    assert [c.data_type for c in cells if c.data_type == "f"] == []
    assert wb["about"]["B4"].value == '\'=HYPERLINK("http://x")'


# --- command line ----------------------------------------------------------------------------


@pytest.fixture
def run() -> Any:
    """The ovm command line."""
    return cli.main


def test_cli_template_writes_a_workbook(ws: Path, run: Any) -> None:
    out = ws / "data.xlsx"
    assert run(["template", str(ws), "-o", str(out), "-q"]) == 0
    assert load_workbook(out).sheetnames[0] == "variables"


@pytest.mark.parametrize(
    ("args", "status"),
    [
        (["template", "{tmp}/nowhere", "-o", "{tmp}/t.xlsx"], 2),
        (["template", "{ws}", "-o", "{tmp}/t.csv"], 2),
        (["template", "{ws}", "-o", "{tmp}/t.xlsx", "--rubric", "{tmp}/none.yaml"], 2),
        (["template", "{tmp}/broken", "-o", "{tmp}/t.xlsx"], 1),
    ],
)
def test_cli_template_exit_status(
    ws: Path, tmp_path: Path, run: Any, args: list[str], status: int
) -> None:
    broken = tmp_path / "broken"
    shutil.copytree(MINI, broken)
    (broken / "missions.yaml").write_text("missions: [{id: BAD}]\n", encoding="utf-8")
    argv = [a.replace("{tmp}", str(tmp_path)).replace("{ws}", str(ws)) for a in args]
    assert run(argv) == status


def test_the_command_line_asks_the_template_in_a_language(ws: Path) -> None:
    from ovm.cli.app import main

    out = ws / "data-es.xlsx"
    assert main(["template", str(ws), "-o", str(out), "--lang", "es", "-q"]) == 0
    note = load_workbook(out)["variables"]["E1"].comment.text
    assert note.splitlines()[:2] == ["Votos en el exterior (es)", "unidad: votes; tipo: count"]
    # A language the rubric does not carry is a usage error, and nothing is written.
    bad = ws / "data-xx.xlsx"
    assert main(["template", str(ws), "-o", str(bad), "--lang", "xx", "-q"]) == 2
    assert not bad.exists()


def test_a_relative_rubric_option_is_read_from_where_the_user_stands(
    ws: Path, tmp_path: Path, run: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The rubric beside the user, not in the workspace: --rubric names it as the shell sees it.
    here = tmp_path / "here"
    here.mkdir()
    rubric = yaml.safe_load((ws / "rubric.yaml").read_text(encoding="utf-8"))
    rubric["id"] = "beside-the-user"
    (here / "mine.yaml").write_text(yaml.safe_dump(rubric, allow_unicode=True), encoding="utf-8")
    monkeypatch.chdir(here)
    out = tmp_path / "t.xlsx"
    assert run(["template", str(ws), "-o", str(out), "--rubric", "mine.yaml", "-q"]) == 0
    about = [str(c.value) for row in load_workbook(out)["about"].iter_rows() for c in row]
    assert any("beside-the-user" in v for v in about)
