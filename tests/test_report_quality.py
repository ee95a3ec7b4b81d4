"""The data-quality section says what loading refused or warned of: every refused cell and every
warning, with its file, row, column and code, in the scores file, the command line's account
and each report (HTML, JSON, XLSX), the same items and counts in each; and in each report the
mission of the row each is about."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import html5lib
import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ovm
from ovm.cli.app import main
from ovm.errors import Issue
from ovm.reporting.report import PROBLEMS_SHOWN
from ovm.scoring.results import ScoreSet
from ovm.scoring.scoreschema import ScoresFile

MINI = Path(__file__).parent / "data" / "mini"
HTML = "{http://www.w3.org/1999/xhtml}"
SCRIPT = "<script>alert(1)</script>"
FORMULA = "=cmd|' /C calc'!A0"

Place = tuple[str, int | None, int | None, str]
"""Where a problem is and its code: file, row, column, code."""

CELLS: list[Place] = [
    ("statistics.csv", 2, 3, "invalid-number"),
    ("statistics.csv", 3, 2, "not-integer"),
]
WARNINGS: list[Place] = [
    ("checklists.csv", 4, None, "duplicate-row"),
    ("checklists.csv", 5, 6, "invalid-visit-time"),
    ("checklists.csv", 6, 3, "invalid-country"),
    ("checklists.csv", 11, 3, "invalid-country"),
]
MISSIONS = {"cells": ["aaa-2020", "bbb-2021"], "warnings": ["aaa-2020"] * 3 + ["bbb-2021"]}
"""The mission of the row of each of ``CELLS`` and ``WARNINGS``."""
UNKNOWN_ROW = 12
"""The row of a mission the workspace does not know (its id a formula)."""


def _workspace(root: Path, *, bad_countries: int = 0) -> Path:
    """The mini workspace with a refused number (``<script>`` text), a count written with a
    thousands dot, a repeated visit, a visit time and a country not understood, and a row of
    an unknown mission whose id is a spreadsheet formula; ``bad_countries`` more visits with
    a country not understood."""
    ws = root / "ws"
    shutil.copytree(MINI, ws)
    (ws / "statistics.csv").write_text(
        "mission,registered_abroad,votes_abroad,votes_abroad__source,votes_abroad__confidence\n"
        f"aaa-2020,1000,{SCRIPT},EMB results,high\n"
        "bbb-2021,2.000,,,\n",
        encoding="utf-8",
    )
    rows = (ws / "checklists.csv").read_text("utf-8").splitlines()
    rows[3:3] = [
        rows[2],  # row 4 repeats row 3 cell for cell
        "aaa-2020,s5,ESP,Sevilla,o5,01/05/2020 08:40,,yes,10,0",
        "aaa-2020,s6,Estados Unidos,Boston,o6,2020-05-01T08:50,,yes,10,0",
    ]
    rows += [
        f"bbb-2021,s{9 + k},Argentina,Córdoba,o{9 + k},2021-03-01T09:{k:02d},,yes,10,0"
        for k in range(bad_countries)
    ]
    rows.append(f'"{FORMULA}",s3,ARG,Salta,o3,2021-03-01T10:00,,yes,10,0')
    (ws / "checklists.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return ws


def _cli(*args: str | Path) -> None:
    assert main([str(a) for a in args]) == 0, args


def _stderr_places(text: str) -> list[Place]:
    """The problems the command line printed: ``file:row[:col] ... [code]``."""
    out: list[Place] = []
    for line in text.splitlines():
        m = re.match(r"^(\S+?):(\d+)(?::(\d+))?:? .*\[([a-z-]+)\]", line)
        if m and "(row rejected)" not in line and "(fila rechazada)" not in line:
            col = int(m[3]) if m[3] else None
            out.append((Path(m[1]).name, int(m[2]), col, m[4]))
    return out


def _place(issue: dict[str, Any]) -> Place:
    return (Path(issue["file"]).name, issue["line"], issue["column"], issue["code"])


def _listed(items: list[dict[str, Any]]) -> list[Place]:
    def number(text: str) -> int | None:
        return int(text) if text else None

    return [(x["file"], number(x["row"]), number(x["column"]), x["code"]) for x in items]


def _text(el: Any) -> str:
    return re.sub(r"\s+", " ", "".join(el.itertext())).strip()


def _html_section(html: str) -> Any:
    doc = html5lib.parse(html)
    (section,) = [s for s in doc.iter(f"{HTML}section") if s.get("id") == "quality"]
    return section


def _html_problems(section: Any, key: str) -> tuple[str, list[Place]]:
    """The heading and (file, row, column, code) of each row of a problems table."""
    heading, rows = _html_problem_rows(section, key)
    return heading, [(file, row, col, code) for file, row, col, _, code, _ in rows]


def _html_problem_rows(
    section: Any, key: str
) -> tuple[str, list[tuple[str, int | None, int | None, str, str, str]]]:
    """The heading and each row of a problems table whole: file, row, column, mission, code and
    message."""
    tables = [t for t in section.iter(f"{HTML}table") if t.get("class") == f"problems {key}"]
    if not tables:
        return "", []
    (table,) = tables
    heading = ""
    for el in section.iter():
        if el.tag == f"{HTML}h3":
            heading = _text(el)
        if el is table:
            break
    rows = []
    for tr in table.find(f"{HTML}tbody").iter(f"{HTML}tr"):
        where, mission, said = (_text(c) for c in tr if c.tag in (f"{HTML}th", f"{HTML}td"))
        file, row, col = [*where.split(":"), "", ""][:3]
        code = re.search(r"^(.*) \[([a-z-]+)\]$", said)
        assert code is not None, said
        place = (file, int(row) if row else None, int(col) if col else None)
        rows.append((*place, mission, code[2], code[1]))
    return heading, rows


def _sheet(path: Path) -> list[tuple[Any, ...]]:
    wb = openpyxl.load_workbook(path)
    return list(wb["data quality"].iter_rows(values_only=True))


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Every output of the workspace, and what the command line printed."""
    d = tmp_path_factory.mktemp("quality")
    ws = _workspace(d, bad_countries=1)
    capture = pytest.MonkeyPatch()
    import io
    import sys

    err = io.StringIO()
    capture.setattr(sys, "stderr", err)
    try:
        _cli("score", ws, "--allow-rejected", "-o", d / "scores.json")
    finally:
        capture.undo()
    for lang in ("en", "es"):
        for fmt in ("html", "json", "xlsx"):
            _cli(
                "report", ws, "-q", "--allow-rejected", "--lang", lang,
                "--sensitivity-runs", "0", "-o", d / f"report-{lang}.{fmt}",
            )  # fmt: skip
    for mission in ("aaa-2020", "bbb-2021"):
        for fmt in ("html", "json", "xlsx"):
            _cli(
                "report", ws, "-q", "--allow-rejected", "--mission", mission,
                "-o", d / f"mission-{mission}.{fmt}",
            )  # fmt: skip
    return {"dir": d, "ws": ws, "stderr": err.getvalue()}


def test_the_scores_file_holds_each_refused_cell_and_each_warning(out: dict[str, Any]) -> None:
    text = (out["dir"] / "scores.json").read_text("utf-8")
    data = json.loads(text)
    cells = [_place(i) for f in data["files"] for i in f["rejected_cells"]]
    assert cells == CELLS
    assert [_place(i) for i in data["warnings"]] == WARNINGS
    assert [i["severity"] for i in data["warnings"]] == ["warning"] * 4
    ScoresFile.model_validate(data)  # ovm schema scores describes it
    # Read back whole, as Issues.
    scores = ScoreSet.from_json(text)
    assert all(isinstance(i, Issue) for i in scores.warnings)
    assert scores.to_json() == text


def test_the_command_line_prints_the_same_problems_the_scores_file_holds(
    out: dict[str, Any],
) -> None:
    printed = _stderr_places(out["stderr"])
    assert printed == CELLS + WARNINGS
    assert "statistics.csv: 2 rows read, 2 used, 0 rejected, 2 cells rejected" in out["stderr"]


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_json_report_lists_them_with_file_row_column_and_code(
    out: dict[str, Any], lang: str
) -> None:
    q = json.loads((out["dir"] / f"report-{lang}.json").read_text("utf-8"))["quality"]
    assert _listed(q["cells"]["items"]) == CELLS
    assert _listed(q["warnings"]["items"]) == WARNINGS
    assert (q["cells"]["total"], q["warnings"]["total"]) == ("2", "4")
    assert (q["cells"]["more"], q["warnings"]["more"]) == ([], [])
    # The files' table counts the refused cells of each file.
    assert [(f["file"], f["cells"]) for f in q["files"]] == [
        ("statistics.csv", "2"),
        ("checklists.csv", "0"),
    ]


def test_the_messages_are_in_the_reports_language(out: dict[str, Any]) -> None:
    scores = ScoreSet.from_json((out["dir"] / "scores.json").read_text("utf-8"))
    issues = [*(i for f in scores.files for i in f.rejected_cells), *scores.warnings]
    q = json.loads((out["dir"] / "report-es.json").read_text("utf-8"))["quality"]
    items = q["cells"]["items"] + q["warnings"]["items"]
    said = [(x["code"], x["message"]["text"], x["message"]["fallback"]) for x in items]
    assert said == [(i.code, i.text("es"), False) for i in issues]
    assert all(i.text("es") != i.message for i in issues)


def test_a_mission_report_lists_its_own_problems(out: dict[str, Any]) -> None:
    # aaa-2020's: the refused cell of its row, the warnings of its visits, and the row of a
    # mission the workspace does not know (it may be its own); not bbb-2021's refused cell.
    q = json.loads((out["dir"] / "mission-aaa-2020.json").read_text("utf-8"))["quality"]
    assert _listed(q["cells"]["items"]) == CELLS[:1]
    assert _listed(q["warnings"]["items"]) == WARNINGS[:3]
    rows = _sheet(out["dir"] / "mission-aaa-2020.xlsx")
    assert [(r[1], r[2], r[3], r[5]) for r in rows[1:]] == [
        ("checklists.csv", UNKNOWN_ROW, None, "unknown-mission"),
        *CELLS[:1],
        *WARNINGS[:3],
    ]


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_html_report_lists_them_under_headings_that_count_them(
    out: dict[str, Any], lang: str
) -> None:
    section = _html_section((out["dir"] / f"report-{lang}.html").read_text("utf-8"))
    cells_heading, cells = _html_problems(section, "cells")
    warnings_heading, warnings = _html_problems(section, "warnings")
    assert (cells, warnings) == (CELLS, WARNINGS)
    words = {"en": ("Rejected cells", "Warnings from reading the files"), "es": (
        "Celdas rechazadas", "Advertencias de la lectura de los archivos")}[lang]  # fmt: skip
    assert (cells_heading, warnings_heading) == (f"{words[0]} (2)", f"{words[1]} (4)")


def test_the_html_report_escapes_a_refused_cells_text(out: dict[str, Any]) -> None:
    html = (out["dir"] / "report-en.html").read_text("utf-8")
    assert SCRIPT not in html
    section = _html_section(html)
    assert not list(section.iter(f"{HTML}script"))
    texts = [_text(t) for t in section.iter(f"{HTML}table") if t.get("class") == "problems cells"]
    assert SCRIPT in texts[0]  # said as text, escaped in the markup


def test_the_workbook_lists_the_same_problems_without_running_a_formula(
    out: dict[str, Any],
) -> None:
    path = out["dir"] / "report-en.xlsx"
    rows = _sheet(path)
    assert rows[0] == ("Section", "File", "Row", "Column", "Mission", "Code", "Message")
    places = [(r[0], r[1], r[2], r[3], r[5]) for r in rows[1:]]
    assert places == [
        ("Rejected rows", "checklists.csv", UNKNOWN_ROW, None, "unknown-mission"),
        *(("Rejected cells", *p) for p in CELLS),
        *(("Warnings from reading the files", *p) for p in WARNINGS),
    ]
    # The rejected row's mission is the cell's text as typed, stored as text under the
    # quote-prefix style, never a formula.
    assert rows[1][4] == FORMULA
    wb = openpyxl.load_workbook(path)
    cells = [c for row in wb["data quality"].iter_rows() for c in row]
    assert [(c.data_type, c.quotePrefix) for c in cells if c.value == FORMULA] == [("s", True)]
    assert all(c.data_type != "f" for c in cells)


def test_a_long_list_shows_a_few_of_each_code_and_counts_the_rest(tmp_path: Path) -> None:
    more = PROBLEMS_SHOWN + 3
    ws = _workspace(tmp_path, bad_countries=more)
    _cli("score", ws, "-q", "--allow-rejected", "-o", tmp_path / "scores.json")
    _cli(
        "report", ws, "-q", "--allow-rejected", "--sensitivity-runs", "0",
        "--format", "json", "-o", tmp_path / "report.json",
    )  # fmt: skip
    _cli(
        "report", ws, "-q", "--allow-rejected", "--sensitivity-runs", "0",
        "-o", tmp_path / "report.html",
    )  # fmt: skip
    held = json.loads((tmp_path / "scores.json").read_text("utf-8"))["warnings"]
    assert [i["code"] for i in held].count("invalid-country") == more + 1
    w = json.loads((tmp_path / "report.json").read_text("utf-8"))["quality"]["warnings"]
    assert w["total"] == str(len(held))
    codes = [x["code"] for x in w["items"]]
    assert codes.count("invalid-country") == PROBLEMS_SHOWN
    assert codes.count("duplicate-row") == codes.count("invalid-visit-time") == 1
    assert w["more"] == [{"code": "invalid-country", "count": str(more + 1 - PROBLEMS_SHOWN)}]
    section = _html_section((tmp_path / "report.html").read_text("utf-8"))
    _, shown = _html_problems(section, "warnings")
    assert len(shown) == len(w["items"])
    notes = [_text(p) for p in section.iter(f"{HTML}p") if p.get("class") == "note"]
    assert "4 more warnings [invalid-country]; ovm check lists them all" in notes


def test_clean_data_adds_nothing_to_the_section_or_the_files(tmp_path: Path) -> None:
    _cli("score", MINI, "-q", "-o", tmp_path / "scores.json")
    _cli(
        "report", MINI, "-q", "--sensitivity-runs", "0", "--format", "json",
        "-o", tmp_path / "report.json",
    )  # fmt: skip
    assert "warnings" not in json.loads((tmp_path / "scores.json").read_text("utf-8"))
    q = json.loads((tmp_path / "report.json").read_text("utf-8"))["quality"]
    assert not {"cells", "warnings"} & set(q)
    assert all("cells" not in f for f in q["files"])


def _whole(items: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    """Each problem a report lists, whole: file, row, column, mission, code and message."""
    return [
        (x["file"], x["row"], x["column"], x["mission"], x["code"], x["message"]["text"])
        for x in items
    ]


@pytest.mark.parametrize("lang", ["en", "es"])
def test_each_refused_cell_and_warning_names_its_rows_mission(
    out: dict[str, Any], lang: str
) -> None:
    q = json.loads((out["dir"] / f"report-{lang}.json").read_text("utf-8"))["quality"]
    for key, places in (("cells", CELLS), ("warnings", WARNINGS)):
        said = [(*p[:3], x["mission"], p[3]) for p, x in zip(places, q[key]["items"], strict=True)]
        assert said == [(*p[:3], m, p[3]) for p, m in zip(places, MISSIONS[key], strict=True)]
        assert _listed(q[key]["items"]) == places
    # The HTML tables and the workbook's sheet show each problem whole, the mission included.
    section = _html_section((out["dir"] / f"report-{lang}.html").read_text("utf-8"))
    for key in ("cells", "warnings"):
        rows = [
            (f, str(r or ""), str(c or ""), m, code, text)
            for f, r, c, m, code, text in _html_problem_rows(section, key)[1]
        ]
        assert rows == _whole(q[key]["items"])
    sheet = _sheet(out["dir"] / f"report-{lang}.xlsx")
    listed = [
        (f, str(r or ""), str(c or ""), m or "", code, text)
        for _, f, r, c, m, code, text in sheet[2:]
    ]
    assert listed == _whole(q["cells"]["items"]) + _whole(q["warnings"]["items"])


@pytest.mark.parametrize("mission", ["aaa-2020", "bbb-2021"])
def test_a_mission_report_lists_exactly_its_own_missions_problems(
    out: dict[str, Any], mission: str
) -> None:
    # Those of the comparison naming this mission, or no mission the workspace knows.
    run = json.loads((out["dir"] / "report-en.json").read_text("utf-8"))["quality"]
    own = json.loads((out["dir"] / f"mission-{mission}.json").read_text("utf-8"))["quality"]
    known = {"aaa-2020", "bbb-2021"}
    for key in ("cells", "warnings"):
        theirs = [x for x in _whole(run[key]["items"]) if x[3] == mission or x[3] not in known]
        assert _whole(own.get(key, {"items": []})["items"]) == theirs
    expected = [
        (p[0], str(p[1]), str(p[2] or ""), m, p[3])
        for key, places in (("cells", CELLS), ("warnings", WARNINGS))
        for p, m in zip(places, MISSIONS[key], strict=True)
        if m == mission
    ]
    sheet = _sheet(out["dir"] / f"mission-{mission}.xlsx")
    assert [(f, str(r), str(c or ""), m, code) for _, f, r, c, m, code, _ in sheet[1:]] == [
        ("checklists.csv", str(UNKNOWN_ROW), "", FORMULA, "unknown-mission"),
        *expected,
    ]
    section = _html_section((out["dir"] / f"mission-{mission}.html").read_text("utf-8"))
    html = [
        (f, str(r), str(c or ""), m, code)
        for key in ("cells", "warnings")
        for f, r, c, m, code, _ in _html_problem_rows(section, key)[1]
    ]
    assert html == expected


ROW_KINDS = {
    "clean": "{m},s{k},USA,Miami,o{k},{t},,yes,10,0",
    "refused answer": "{m},s{k},USA,Miami,o{k},{t},,maybe,10,0",
    "refused number": "{m},s{k},USA,Miami,o{k},{t},,yes,abc,0",
    "country not understood": "{m},s{k},Argentina,Córdoba,o{k},{t},,yes,10,0",
}
ELECTION_DAY = {"aaa-2020": "2020-05-01", "bbb-2021": "2021-03-01"}


@pytest.mark.filterwarnings("ignore::ovm.RejectedDataWarning")
@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.tuples(st.sampled_from(["aaa-2020", "bbb-2021"]), st.sampled_from(sorted(ROW_KINDS))),
        min_size=1,
        max_size=6,
    )
)
def test_every_problem_names_the_mission_its_row_names(
    tmp_path_factory: pytest.TempPathFactory, rows: list[tuple[str, str]]
) -> None:
    ws = tmp_path_factory.mktemp("owners") / "ws"
    shutil.copytree(MINI, ws)
    head = (ws / "checklists.csv").read_text("utf-8").splitlines()[:1]
    lines = [
        ROW_KINDS[kind].format(m=m, k=k, t=f"{ELECTION_DAY[m]}T10:{k:02d}")
        for k, (m, kind) in enumerate(rows)
    ]
    (ws / "checklists.csv").write_text("\n".join(head + lines) + "\n", encoding="utf-8")
    run = ovm.analyse(ws, ovm.Settings(bootstrap=0))
    q = ovm.report_context(run)["quality"]
    items = [*q.get("cells", {"items": []})["items"], *q.get("warnings", {"items": []})["items"]]
    # Each at the row (numbered from 2, under the header) whose mission the table names, and
    # one for each row written with a problem.
    assert [x["mission"] for x in items] == [rows[int(x["row"]) - 2][0] for x in items]
    bad = sum(kind != "clean" for _, kind in rows)
    assert len(items) == bad
