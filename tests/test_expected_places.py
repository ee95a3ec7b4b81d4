"""Planned polling places: loaded from missions.yaml or a places table, checked, and the
mission's coverage of its plan computed from the visits used."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from ovm import DataError, load_workspace
from ovm.data.places import AreaCoverage, PlannedPlace, plan_coverage
from ovm.scoring.scorejson import expand

MINI = Path(__file__).parent / "data" / "mini"

PLACES = """\
mission,place,country,city,tables,opens
aaa-2020,s1,USA,Miami,3,08:00
aaa-2020,s2,USA,Houston,2,
aaa-2020,s3,ESP,Madrid,,
aaa-2020,s8,ESP,Madrid,1,
aaa-2020,s9,ESP,Sevilla,1,
"""


def _workspace(tmp_path: Path, places: str) -> Path:
    root = tmp_path / "ws"
    shutil.copytree(MINI, root)
    (root / "places.csv").write_text(places, encoding="utf-8")
    with (root / "ovm.yaml").open("a", encoding="utf-8") as fh:
        fh.write("places: [places.csv]\n")
    return root


def test_coverage_against_the_plan_by_country_and_city(tmp_path: Path) -> None:
    obs = load_workspace(_workspace(tmp_path, PLACES)).observations
    cov = plan_coverage(obs, "aaa-2020")
    assert cov is not None
    assert (cov.planned, cov.observed, cov.visits, cov.share) == (5, 3, 3, 0.6)
    assert cov.by_country == (AreaCoverage("ESP", None, 3, 1), AreaCoverage("USA", None, 2, 2))
    assert cov.by_city == (
        AreaCoverage("ESP", "Madrid", 2, 1),
        AreaCoverage("ESP", "Sevilla", 1, 0),
        AreaCoverage("USA", "Houston", 1, 1),
        AreaCoverage("USA", "Miami", 1, 1),
    )
    assert cov.unvisited == (
        PlannedPlace(id="s8", country="ESP", city="Madrid", tables=1),
        PlannedPlace(id="s9", country="ESP", city="Sevilla", tables=1),
    )
    assert cov.unplanned == ("s4",)
    assert obs.mission("aaa-2020").places[0].opens == dt.time(8, 0)
    assert plan_coverage(obs, "bbb-2021") is None


def test_places_in_missions_yaml_count_alike(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    shutil.copytree(MINI, root)
    text = (
        (root / "missions.yaml")
        .read_text(encoding="utf-8")
        .replace(
            "    election: {type: presidential, date: 2021-03-01, round: 2}\n",
            "    election: {type: presidential, date: 2021-03-01, round: 2}\n"
            "    places:\n"
            "      - {id: s1, country: ARG, city: Buenos Aires, tables: 10}\n"
            "      - {id: s7, country: ARG, city: Córdoba}\n",
        )
    )
    (root / "missions.yaml").write_text(text, encoding="utf-8")
    cov = plan_coverage(load_workspace(root).observations, "bbb-2021")
    assert cov is not None
    assert (cov.planned, cov.observed, [p.id for p in cov.unvisited], cov.unplanned) == (
        2,
        1,
        ["s7"],
        ("s2",),
    )


def test_a_bad_plan_is_rejected_row_by_row(tmp_path: Path) -> None:
    bad = PLACES + "aaa-2020,s1,USA,Miami,1,\nzzz,x1,ESP,Madrid,,\naaa-2020,x2,Spain,,-1,8am\n"
    ws = load_workspace(_workspace(tmp_path, bad))
    got = [
        (r.row, [(i.column, i.code) for i in r.reasons])
        for r in ws.observations.report.rejected
        if r.file.endswith("places.csv")
    ]
    assert got == [
        (7, [(2, "duplicate-place")]),
        (8, [(1, "unknown-mission")]),
        (9, [(3, "invalid-country"), (5, "negative-count"), (6, "invalid-time")]),
    ]


def test_a_bad_place_in_missions_yaml_is_located(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    shutil.copytree(MINI, root)
    text = (root / "missions.yaml").read_text(encoding="utf-8") + (
        "    places:\n      - {id: p1, country: ESP}\n      - {id: p1, country: XYZ}\n"
    )
    (root / "missions.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(DataError) as err:
        load_workspace(root)
    assert [(i.line, i.code) for i in err.value.issues] == [
        (18, "duplicate-place"),
        (18, "invalid-country"),
    ]


# --- the coverage in the outputs -----------------------------------------------------------------


def test_scores_and_reports_show_the_coverage_computed_once(tmp_path: Path, capsys: Any) -> None:
    from ovm.cli import app as cli

    root = _workspace(tmp_path, PLACES)
    assert cli.main(["score", str(root), "-o", str(tmp_path / "scores.json"), "-q"]) == 0
    cards = expand(json.loads((tmp_path / "scores.json").read_text(encoding="utf-8")))["scorecards"]
    assert [c["coverage"] for c in cards] == [
        {
            "mission": "aaa-2020",
            "planned": 5,
            "observed": 3,
            "visits": 3,
            "share": 0.6,
            "by_country": [
                {"country": "ESP", "city": None, "planned": 3, "observed": 1},
                {"country": "USA", "city": None, "planned": 2, "observed": 2},
            ],
            "by_city": [
                {"country": "ESP", "city": "Madrid", "planned": 2, "observed": 1},
                {"country": "ESP", "city": "Sevilla", "planned": 1, "observed": 0},
                {"country": "USA", "city": "Houston", "planned": 1, "observed": 1},
                {"country": "USA", "city": "Miami", "planned": 1, "observed": 1},
            ],
            "unvisited": [
                {"id": "s8", "country": "ESP", "city": "Madrid", "tables": 1, "opens": None},
                {"id": "s9", "country": "ESP", "city": "Sevilla", "tables": 1, "opens": None},
            ],
            "unplanned": ["s4"],
        },
        None,
    ]

    args = ["report", str(root), "--mission", "aaa-2020", "--lang", "es", "-q"]
    assert cli.main([*args, "--format", "json", "-o", str(tmp_path / "r.json")]) == 0
    context = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert context["plan"] == {
        "planned": "5",
        "observed": "3",
        "visits": "3",
        "share": "60\u00a0%",
        "countries": [
            {
                "code": "ESP",
                "name": "España",
                "observed": "1",
                "planned": "3",
                "cities": [
                    {"city": "Madrid", "observed": "1", "planned": "2"},
                    {"city": "Sevilla", "observed": "0", "planned": "1"},
                ],
            },
            {
                "code": "USA",
                "name": "Estados Unidos",
                "observed": "2",
                "planned": "2",
                "cities": [
                    {"city": "Houston", "observed": "1", "planned": "1"},
                    {"city": "Miami", "observed": "1", "planned": "1"},
                ],
            },
        ],
        "unvisited": [
            {"place": "s8", "country": "España", "city": "Madrid"},
            {"place": "s9", "country": "España", "city": "Sevilla"},
        ],
        "unplanned": ["s4"],
    }
    assert cli.main([*args, "-o", str(tmp_path / "r.html")]) == 0
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    text = re.sub(r"[ \t\n]+", " ", re.sub(r"<[^>]+>", " ", html))
    assert (
        "Los observadores visitaron 3 de los 5 locales de votación previstos (60\u00a0%)." in text
    )
    assert "Locales de votación previstos sin visita (2)" in text
    assert "s9 España Sevilla" in text
    # A mission without a plan has no such section.
    assert (
        cli.main(
            ["report", str(root), "--mission", "bbb-2021", "-q", "-o", str(tmp_path / "b.html")]
        )
        == 0
    )
    assert 'id="plan"' not in (tmp_path / "b.html").read_text(encoding="utf-8")
