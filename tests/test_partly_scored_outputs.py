"""What the comparison and the reports say about a mission ranked with a family unscored, about
an imputed value, and about a mission's own data, the same in every output. Run through the CLI
on files.

The cohort of ``test_imputed_values``: aaa-2020 answers every indicator; bbb-2020 answers
legal.a and legal.b only (nothing of the family ``rights``, which its overall's minimum
coverage allows: it ties first); ccc-2020 all but legal.d.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path
from typing import Any

import html5lib
import polars as pl
import pytest
from openpyxl import load_workbook

from ovm.cli.app import main
from tests.conftest import DATA, write_workspace
from tests.test_imputed_values import MISSIONS, RUBRIC


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_workspace(tmp_path_factory.mktemp("partly"), rubric=RUBRIC, missions=MISSIONS)


def _out(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    assert main([*args, "-q"]) == 0
    return capsys.readouterr().out


def _file(tmp_path: Path, name: str, *args: str) -> Path:
    out = tmp_path / name
    assert main([*args, "-q", "-o", str(out)]) == 0
    return out


def _sheet(book: Path, name: str) -> list[dict[str, Any]]:
    rows = list(load_workbook(book)[name].iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def _texts(page: Path, tag: str, cls: str) -> list[str]:
    tree = html5lib.parse(page.read_text("utf-8"), namespaceHTMLElements=False)
    return ["".join(e.itertext()) for e in tree.iter(tag) if cls in (e.get("class") or "").split()]


def test_a_ranked_mission_names_the_families_it_has_no_score_on(
    workspace: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = str(workspace)
    expected = [("aaa-2020", "1", ""), ("bbb-2020", "1", "rights"), ("ccc-2020", "3", "")]
    rows = list(csv.DictReader(io.StringIO(_out(capsys, "compare", ws, "--format", "csv"))))
    assert [(r["mission"], r["rank"], r["not_scored"]) for r in rows if r["node"] == "overall"] == (
        expected
    )
    # a family's row names its indicators without a score, and only a scored row names any
    assert [(r["mission"], r["not_scored"]) for r in rows if r["node"] == "legal"] == [
        ("aaa-2020", ""),
        ("bbb-2020", "legal.c legal.d"),
        ("ccc-2020", "legal.d"),
    ]
    assert {r["not_scored"] for r in rows if r["rank"] == ""} == {""}
    frame = pl.read_parquet(_file(tmp_path, "c.parquet", "compare", ws))
    assert frame.filter(pl.col("node") == "overall").select(
        "mission", "rank", "not_scored"
    ).rows() == [(m, int(r), n) for m, r, n in expected]
    got = json.loads(_out(capsys, "compare", ws))
    assert [(e["mission"], e["rank"], e["not_scored"]) for e in got["rankings"]["overall"]] == [
        ("aaa-2020", 1, []),
        ("bbb-2020", 1, ["rights"]),
        ("ccc-2020", 3, []),
    ]

    context = json.loads(_file(tmp_path, "r.json", "report", ws).read_text("utf-8"))
    mark = {
        "text": "1 family not scored",
        "labels": [{"text": "Rights", "lang": None, "fallback": False}],
        "ids": ["rights"],
    }
    assert [(r["mission"]["id"], r["not_scored"]) for r in context["ranking"]["rows"]] == [
        ("aaa-2020", None),
        ("bbb-2020", mark),
        ("ccc-2020", None),
    ]
    page = _file(tmp_path, "r.html", "report", ws)
    assert _texts(page, "small", "not-scored") == ["1 family not scored: Rights"]
    book = _file(tmp_path, "r.xlsx", "report", ws)
    assert [(r["Mission"], r["Families not scored"]) for r in _sheet(book, "rankings")] == [
        ("aaa-2020", None),
        ("bbb-2020", "rights"),
        ("ccc-2020", None),
    ]

    # The mission's own report says it where it gives the rank, in every language (the
    # rubric's label has English only, marked EN).
    own = ["report", ws, "--mission", "bbb-2020"]
    assert json.loads(_file(tmp_path, "b.json", *own).read_text("utf-8"))["rank_not_scored"] == (
        mark
    )
    assert _texts(_file(tmp_path, "b.html", *own), "span", "not-scored") == [
        "1 family not scored: Rights"
    ]
    assert _texts(_file(tmp_path, "b-es.html", *own, "--lang", "es"), "span", "not-scored") == [
        "1 familia sin puntuar: RightsEN"
    ]
    assert _texts(_file(tmp_path, "b-fr.html", *own, "--lang", "fr"), "span", "not-scored") == [
        "1 famille non notée\u202f: RightsEN"
    ]
    [overview] = _sheet(_file(tmp_path, "b.xlsx", *own), "overview")
    assert (overview["Rank"], overview["Families not scored"]) == (1, "rights")
    assert (
        _texts(
            _file(tmp_path, "a.html", "report", ws, "--mission", "aaa-2020"), "span", "not-scored"
        )
        == []
    )


def test_an_imputed_value_has_one_status_in_every_output(
    workspace: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws, imp = str(workspace), ("--imputation", "mean")
    # (mission, rank, score, status) of legal.c and legal.d: bbb-2020's C is the cohort's
    # mean, shown and said to be imputed, never ranked; D, observed at one mission alone, has
    # no mean to take and stays missing.
    expected = [
        ("legal.c", "aaa-2020", 1, 0.0, "scored"),
        ("legal.c", "ccc-2020", 1, 0.0, "scored"),
        ("legal.c", "bbb-2020", None, 0.0, "imputed"),
        ("legal.d", "aaa-2020", 1, 100.0, "scored"),
        ("legal.d", "bbb-2020", None, None, "missing"),
        ("legal.d", "ccc-2020", None, None, "missing"),
    ]
    rows = csv.DictReader(io.StringIO(_out(capsys, "compare", ws, *imp, "--format", "csv")))
    assert [
        (
            r["node"],
            r["mission"],
            int(r["rank"]) if r["rank"] else None,
            float(r["score"]) if r["score"] else None,
            r["status"],
        )
        for r in rows
        if r["node"] in ("legal.c", "legal.d")
    ] == expected
    frame = pl.read_parquet(_file(tmp_path, "c.parquet", "compare", ws, *imp))
    assert (
        frame.filter(pl.col("node").is_in(["legal.c", "legal.d"]))
        .select("node", "mission", "rank", "score", "status")
        .rows()
        == expected
    )
    statuses = {(n, m): s for n, m, _, _, s in expected}
    scores = csv.DictReader(io.StringIO(_out(capsys, "score", ws, *imp, "--format", "csv")))
    assert {
        (r["node"], r["mission"]): r["status"]
        for r in scores
        if r["node"] in ("legal.c", "legal.d")
    } == statuses
    score_frame = pl.read_parquet(_file(tmp_path, "s.parquet", "score", ws, *imp))
    assert {
        (n, m): s
        for n, m, s in score_frame.filter(pl.col("node").is_in(["legal.c", "legal.d"]))
        .select("node", "mission", "status")
        .rows()
    } == statuses
    context = json.loads(_file(tmp_path, "r.json", "report", ws, *imp).read_text("utf-8"))
    missions = [m["id"] for m in context["missions"]]
    assert {
        (row["id"], m): (c["status"], c["status_text"])
        for table in context["family_sections"][0]["tables"]
        for row in table["rows"]
        if row["id"] in ("legal.c", "legal.d")
        for m, c in zip(missions, row["cells"], strict=True)
    } == {k: (v, v) for k, v in statuses.items()}
    book = _file(tmp_path, "r.xlsx", "report", ws, *imp)
    assert {
        (r["Id"], r["Mission"]): r["Status"]
        for r in _sheet(book, "indicators")
        if r["Id"] in ("legal.c", "legal.d")
    } == statuses


def test_what_pulled_the_score_down_leaves_imputed_values_out(
    workspace: Path, tmp_path: Path
) -> None:
    def drags(lang: str, *extra: str) -> tuple[list[str], list[str]]:
        page = _file(
            tmp_path,
            f"b-{lang}.html",
            "report",
            str(workspace),
            "--mission",
            "bbb-2020",
            "--lang",
            lang,
            *extra,
        )
        tree = html5lib.parse(page.read_text("utf-8"), namespaceHTMLElements=False)
        [section] = [s for s in tree.iter("section") if s.get("id") == "drags"]
        rows = ["".join(th.itertext()) for th in section.iter("th") if th.get("scope") == "row"]
        notes = ["".join(p.itertext()) for p in section.iter("p") if p.get("class") == "note"]
        return rows, notes

    # bbb-2020's C (0, the cohort's mean) would cost it the most points: it is not its own.
    assert drags("en", "--imputation", "mean") == (
        ["LEGAL.A", "LEGAL.B"],
        [
            "1 imputed value is left out of this list: it is the cohort's mean, put in for a "
            "value not observed, not what this mission was observed to do."
        ],
    )
    assert drags("es", "--imputation", "mean")[1] == [
        "1 valor imputado queda fuera de esta lista: es la media de la cohorte, puesta en "
        "lugar de un valor no observado, no una observación propia de esta misión."
    ]
    # Without imputation there is nothing to leave out, and nothing is said.
    assert drags("en") == (["LEGAL.A", "LEGAL.B"], [])


def _troubled(root: Path) -> Path:
    """The mini workspace (aaa-2020, bbb-2021) with a rejected row and a refused cell of each
    mission, and a row naming no mission of the workspace."""
    shutil.copytree(DATA / "mini", root)
    stats = (root / "statistics.csv").read_text("utf-8").splitlines()
    stats[2] = stats[2].replace("2000,", "2000,12x", 1)  # bbb-2021's votes: refused
    stats += [stats[1], "zzz-2020,1,1,,"]  # aaa-2020's row again; a mission unknown
    (root / "statistics.csv").write_text("\n".join(stats) + "\n", encoding="utf-8")
    checks = (root / "checklists.csv").read_text("utf-8").splitlines()
    checks[3] = checks[3].replace(",5,", ",5 min,", 1)  # aaa-2020's queue at s3: refused
    checks.append(checks[5])  # bbb-2021's visit to s1 again
    (root / "checklists.csv").write_text("\n".join(checks) + "\n", encoding="utf-8")
    return root


def test_a_mission_report_lists_its_own_rows_and_cells_with_the_totals_in_a_sentence(
    tmp_path: Path,
) -> None:
    ws = str(_troubled(tmp_path / "ws"))

    def quality(mission: str, fmt: str = "json", lang: str = "en") -> Any:
        out = _file(
            tmp_path,
            f"{mission}-{lang}.{fmt}",
            "report",
            ws,
            "--allow-rejected",
            "--mission",
            mission,
            "--lang",
            lang,
        )
        return json.loads(out.read_text("utf-8"))["quality"] if fmt == "json" else out

    def summary(q: dict[str, Any]) -> dict[str, Any]:
        return {
            "files": [
                (
                    f["file"],
                    f["read"],
                    f["used"],
                    f["rejected"],
                    f["excluded"],
                    f["others"],
                    f["cells"],
                )
                for f in q["files"]
            ],
            "rejected": [(r["file"], r["row"], r["mission"]) for r in q["rejected"]],
            "rejected_total": q["rejected_total"],
            "cells": [(c["file"], c["row"], c["column"]) for c in q["cells"]["items"]],
            "cells_total": q["cells"]["total"],
            "totals": q["totals"],
        }

    totals = (
        "In the data of all 2 missions compared, rejected rows: 2; rejected cells: 2; "
        "warnings: 1. This section lists this mission's own, with the rows that name no "
        "mission of the workspace (they may be this mission's, misspelt)."
    )
    aaa = quality("aaa-2020")
    assert summary(aaa) == {
        # read = used + rejected + excluded + the other missions' rows, file by file
        "files": [
            ("statistics.csv", "4", "1", "2", "0", "1", "0"),
            ("checklists.csv", "7", "4", "0", "0", "3", "1"),
        ],
        "rejected": [("statistics.csv", "4", "aaa-2020"), ("statistics.csv", "5", "zzz-2020")],
        "rejected_total": "2",
        "cells": [("checklists.csv", "4", "9")],
        "cells_total": "1",
        "totals": totals,
    }
    # the repeated visit is bbb-2021's
    assert "warnings" not in aaa
    bbb = quality("bbb-2021")
    assert summary(bbb) == {
        "files": [
            ("statistics.csv", "4", "1", "1", "0", "2", "1"),
            ("checklists.csv", "7", "3", "0", "0", "4", "0"),
        ],
        "rejected": [("statistics.csv", "5", "zzz-2020")],
        "rejected_total": "1",
        "cells": [("statistics.csv", "3", "3")],
        "cells_total": "1",
        "totals": totals,
    }
    assert [(w["file"], w["row"], w["code"]) for w in bbb["warnings"]["items"]] == [
        ("checklists.csv", "8", "duplicate-row")
    ]
    page = quality("aaa-2020", "html", "es")
    tree = html5lib.parse(page.read_text("utf-8"), namespaceHTMLElements=False)
    [section] = [s for s in tree.iter("section") if s.get("id") == "quality"]
    heads = ["".join(h.itertext()) for h in section.iter("h3")]
    assert heads[1:3] == ["Filas rechazadas (2)", "Celdas rechazadas (1)"]
    notes = ["".join(p.itertext()) for p in section.iter("p") if p.get("class") == "note"]
    assert notes[0].startswith(
        "En los datos de las 2 misiones comparadas, filas rechazadas: 2; celdas rechazadas: 2;"
    )
    assert "Filas de otras misiones" in ["".join(th.itertext()) for th in section.iter("th")]


@pytest.mark.parametrize("folder", ["troubled", "examples"])
def test_each_missions_account_is_that_of_a_cohort_of_the_one_mission(
    tmp_path: Path, folder: str
) -> None:
    from ovm import load_workspace
    from ovm.reporting.own import OwnData

    examples = Path(__file__).resolve().parents[1] / "examples"
    root = _troubled(tmp_path / "ws") if folder == "troubled" else examples
    obs = load_workspace(root).observations
    ids = [m.id for m in obs.missions]
    own = OwnData(obs)
    assert [own.report(m) for m in ids] == [obs.cohort([m]).report for m in ids]
    # and within a run of a cohort (--missions), each of its missions
    run = obs.cohort(ids[:2])
    own = OwnData(run)
    assert [own.report(m) for m in ids[:2]] == [run.cohort([m]).report for m in ids[:2]]
