"""An observer's answer that cannot be read is that question's non-response: the cell is
refused at its place and the visit keeps every other answer. Only what says whose visit a row
records (its mission) or whether it is real (its simulated flag) rejects the row, with every
problem of the row said at once, its plausibility warnings included."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import polars as pl
import pytest

import ovm
from ovm.cli.app import main
from ovm.errors import DataError

MISSIONS = """\
missions:
  - id: arg-2023
    country: ARG
    name: Argentina, 2023
    election: {type: general, date: 2023-10-22, round: 1}
  - id: chl-2021
    country: CHL
    name: Chile, 2021
    election: {type: presidential, date: 2021-11-21, round: 1}
"""

HEAD = (
    "mission,site,site_country,site_city,observer,visited_at,notes,practice.opened_on_time,"
    "practice.materials_complete,practice.secrecy,practice.id_checked,practice.queue_minutes,"
    "practice.closing\n"
)
# Columns: 8 opened_on_time, 9 materials_complete, 10 secrecy, 11 id_checked, 12 queue, 13 closing
GOOD = [
    "arg-2023,mad,ESP,Madrid,o1,2023-10-22T08:10,,sí,sí,sí,yes,20,on_time",
    "arg-2023,bcn,ESP,Barcelona,o2,2023-10-22T10:15,,Si,No,{secrecy},yes,15,early",
    "arg-2023,mia,USA,Miami,o3,2023-10-22T09:00,late,no,sí,sí,sí,{queue},on_time",
    "arg-2023,nyc,USA,New York,o4,2023-10-22T11:00,,SÍ,si,si,Sí,{minutes},late_queue",
    "arg-2023,rom,ITA,Roma,o6,2023-10-22T13:00,,yes,{materials},yes,yes,5,on_time",
    "arg-2023,par,FRA,Paris,o7,2023-10-22T10:00,,no,sí,sí,sí,65,early",
    "chl-2021,bue,ARG,Buenos Aires,c1,2021-11-21T09:00,,yes,yes,yes,yes,30,on_time",
    "chl-2021,mdz,ARG,Mendoza,c2,2021-11-21T10:00,,no,yes,yes,no,45,early",
    "chl-2021,tor,CAN,Toronto,c4,2021-11-21T08:00,,yes,yes,yes,yes,25,on_time",
]
BAD = {"secrecy": "yse", "queue": '"12,5"', "minutes": "40 min", "materials": "N/A"}
# Where each is refused: row, column and code.
REFUSED = [
    (3, 10, "invalid-answer"),
    (4, 12, "invalid-number"),
    (5, 12, "invalid-number"),
    (6, 9, "not-applicable-not-allowed"),
]


def checklist(**cells: str) -> str:
    return HEAD + "".join(line.format(**cells) + "\n" for line in GOOD)


def write_workspace(root: Path, table: str, fmt: str = "csv") -> Path:
    root.mkdir(parents=True)
    (root / "missions.yaml").write_text(MISSIONS, encoding="utf-8")
    name = f"checklists.{fmt}"
    frame = pl.read_csv(io.StringIO(table), infer_schema=False)
    if fmt == "csv":
        (root / name).write_text(table, encoding="utf-8")
    elif fmt == "parquet":
        frame.write_parquet(root / name)
    else:
        from openpyxl import Workbook

        wb = Workbook()
        sheet = wb.active
        assert sheet is not None
        sheet.append(frame.columns)
        for row in frame.iter_rows():
            sheet.append(list(row))
        wb.save(root / name)
    (root / "ovm.yaml").write_text(
        f"rubric: bundled:deco-voting-abroad\nmissions: missions.yaml\nchecklists: [{name}]\n",
        encoding="utf-8",
    )
    return root


def run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "parquet"])
def test_an_unreadable_answer_loses_that_answer_and_the_visit_keeps_the_rest(
    tmp_path: Path, fmt: str
) -> None:
    bad = ovm.load_workspace(write_workspace(tmp_path / "bad", checklist(**BAD), fmt))
    blank = dict.fromkeys(BAD, "")
    alike = ovm.load_workspace(write_workspace(tmp_path / "blank", checklist(**blank), fmt))

    rep = bad.observations.report
    assert [(i.line, i.column, i.code) for i in rep.rejected_cells] == REFUSED
    assert all(i.severity == "error" and i.category == "data" for i in rep.rejected_cells)
    assert [(f.rows_read, f.rows_used, f.rows_rejected, f.cells_rejected) for f in rep.files] == [
        (9, 9, 0, 4)
    ]
    assert list(rep.rejected) == []
    # Every visit is kept, each refused answer unanswered as the blank cell is ...
    assert bad.observations.sites.drop("_file").equals(alike.observations.sites.drop("_file"))
    # ... so that each question's counts, shares, coverage and bootstrap intervals of the
    # mission are those of the same visits with that cell blank.
    scored = ovm.score(bad.rubric, bad.observations, bootstrap=50)
    same = ovm.score(alike.rubric, alike.observations, bootstrap=50)
    for mission in ("arg-2023", "chl-2021"):
        assert scored.scorecard(mission).model_dump() == same.scorecard(mission).model_dump()
    practice = scored.scorecard("arg-2023").node("practice")
    assert practice.coverage > 0
    secrecy = scored.scorecard("arg-2023").node("practice.secrecy")
    assert (secrecy.status, secrecy.value) == ("scored", 100.0)


def test_ovm_check_says_each_refused_answer_at_its_cell_and_counts_it(tmp_path: Path) -> None:
    root = write_workspace(tmp_path / "ws", checklist(**BAD))
    name = root / "checklists.csv"
    code, _, err = run("check", str(root))
    assert code == 1
    lines = err.splitlines()
    assert [x for x in lines if x.startswith(f"{name}:")] == [
        f"{name}:3:10 'yse' is not an allowed answer for practice.secrecy (yes, no): did you "
        "mean yes? [invalid-answer]",
        # A whole number of minutes is offered no 12.5: it would refuse that too.
        f"{name}:4:12 '12,5' is not a number (practice.queue_minutes) [invalid-number]",
        f"{name}:5:12 '40 min' is not a number (practice.queue_minutes) [invalid-number]",
        f"{name}:6:9 practice.materials_complete does not allow 'not applicable' "
        "[not-applicable-not-allowed]",
        f"{name}: 9 rows read, 9 used, 0 rejected, 4 cells rejected",
    ]
    code, out, _ = run("check", str(root), "--format", "json")
    assert code == 1
    said = json.loads(out)
    assert [
        (i["line"], i["column"], i["code"], i["severity"], i["params"].get("text"))
        for i in said["issues"]
        # (a workspace of checklists alone gives no variable: tests/test_variables_given.py;
        # this table asks a few of the rubric's questions: tests/test_question_not_answered.py)
        if i["code"] not in ("variable-not-given", "question-not-answered")
    ] == [
        (3, 10, "invalid-answer", "error", "yse"),
        (4, 12, "invalid-number", "error", "12,5"),
        (5, 12, "invalid-number", "error", "40 min"),
        (6, 9, "not-applicable-not-allowed", "error", None),
    ]
    # The files as counts, named as in the scores file (the text says them in a language).
    assert said["files"] == [
        {
            "file": str(name),
            "kind": "checklist",
            "rows_read": 9,
            "rows_used": 9,
            "rows_rejected": 0,
            "rows_excluded": 0,
            "cells_rejected": 4,
            "simulated": False,
            "unmatched_columns": [],
        }
    ]
    code, _, _ = run("score", str(root), "-o", str(tmp_path / "s.json"), "--allow-rejected")
    scored = json.loads((tmp_path / "s.json").read_text(encoding="utf-8"))["files"]
    assert code == 0
    assert [{k: f[k] for k in said["files"][0] if k in f} for f in scored] == [
        {k: v for k, v in said["files"][0].items() if k != "cells_rejected"}
    ]
    # In another language the count says the cells too.
    _, _, err = run("check", str(root), "--lang", "es")
    assert [x for x in err.splitlines() if x.startswith(f"{name}: ")] == [
        f"{name}: 9 filas leídas, 9 usadas, 0 rechazadas, 4 celdas rechazadas"
    ]


def test_the_scores_account_for_refused_answers_as_for_refused_statistics(
    tmp_path: Path,
) -> None:
    root = write_workspace(tmp_path / "ws", checklist(**BAD))
    out = tmp_path / "scores.json"
    # A refused answer stops the run as a rejected row does, unless the loss is accepted.
    code, _, err = run("score", str(root), "-o", str(out))
    assert (code, out.exists()) == (1, False)
    assert "4 cells rejected" in err
    code, _, _ = run("score", str(root), "-o", str(out), "--allow-rejected")
    assert code == 0
    files = json.loads(out.read_text(encoding="utf-8"))["files"]
    assert [
        (
            f["rows_read"],
            f["rows_used"],
            f["rows_rejected"],
            [(c["line"], c["column"], c["code"]) for c in f["rejected_cells"]],
        )
        for f in files
    ] == [(9, 9, 0, REFUSED)]


def test_a_row_of_no_known_mission_says_every_problem_of_the_row_at_once(
    tmp_path: Path,
) -> None:
    table = checklist(**dict.fromkeys(BAD, "")).replace(
        "arg-2023,nyc,USA,New York,o4,2023-10-22T11:00,,SÍ",
        "ARG-2023,nyc,Estados Unidos,New York,o4,22/10/2023 11:00,,maybe",
    )
    root = write_workspace(tmp_path / "ws", table)
    name = root / "checklists.csv"
    ws = ovm.load_workspace(root)
    rep = ws.observations.report
    assert [(r.row, r.mission, [(i.column, i.code) for i in r.reasons]) for r in rep.rejected] == [
        (5, "ARG-2023", [(1, "unknown-mission"), (8, "invalid-answer")])
    ]
    # The visit's own plausibility comes with the reasons, not once they are fixed.
    assert [(i.line, i.column, i.code, i.severity) for i in ws.warnings if i.line == 5] == [
        (5, 3, "invalid-country", "warning"),
        (5, 6, "invalid-visit-time", "warning"),
    ]
    code, _, err = run("check", str(root))
    assert code == 1
    assert [x for x in err.splitlines() if x.startswith(f"{name}:5:")] == [
        f"{name}:5:1 no mission 'ARG-2023' in the missions file (ids are case-sensitive: did "
        "you mean 'arg-2023'?) [unknown-mission]",
        f"{name}:5:3 warning: 'Estados Unidos' is not an ISO 3166 alpha-3 country code: did you "
        "mean USA (United States)? [invalid-country]",
        f"{name}:5:6 warning: '22/10/2023 11:00' is not a date and time such as "
        "2024-06-02T09:30: 2023-10-22T11:00 if it is day/month/year [invalid-visit-time]",
        f"{name}:5:8 'maybe' is not an allowed answer for practice.opened_on_time (yes, no) "
        "[invalid-answer]",
    ]
    assert f"{name}: 9 rows read, 8 used, 1 rejected" in err.splitlines()


def test_a_visit_whose_simulated_flag_cannot_be_read_is_rejected_whole(tmp_path: Path) -> None:
    table = checklist(**dict.fromkeys(BAD, ""))
    lines = table.splitlines()
    lines[0] += ",simulated"
    lines[1:] = [line + ("," + ("perhaps" if k == 1 else "no")) for k, line in enumerate(lines[1:])]
    ws = ovm.load_workspace(write_workspace(tmp_path / "ws", "\n".join(lines) + "\n"))
    rep = ws.observations.report
    # Whether the visit is real says what each of its answers is: none can be kept.
    assert [(r.row, [(i.column, i.code) for i in r.reasons]) for r in rep.rejected] == [
        (3, [(14, "invalid-flag")])
    ]
    assert rep.rejected_cells == ()
    assert "bcn" not in ws.observations.sites["site"].to_list()


def test_the_plausibility_of_visits_is_said_beside_an_error_that_stops_the_run(
    tmp_path: Path,
) -> None:
    table = checklist(**dict.fromkeys(BAD, "")).replace("CAN,Toronto", "Canada,Toronto")
    root = write_workspace(tmp_path / "ws", table)
    (root / "statistics.csv").write_text("mision,registered_abroad\narg-2023,10\n", "utf-8")
    config = (root / "ovm.yaml").read_text(encoding="utf-8")
    (root / "ovm.yaml").write_text(config + "statistics: [statistics.csv]\n", "utf-8")
    with pytest.raises(DataError) as err:
        ovm.load_workspace(root)
    assert [(Path(i.file).name, i.line, i.column, i.code) for i in err.value.issues] == [
        ("checklists.csv", 10, 3, "invalid-country"),
        ("statistics.csv", 1, None, "missing-column"),
    ]
