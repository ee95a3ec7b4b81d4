"""Visits whose place has no name (left blank) in the plausibility checks: ``observer-too-fast``
says "a place with no name" as ``observer-two-places`` does (never ``None``), a city or country
not given is no other city or country, and two visits of one observer in the same minute that
both leave their place blank are said (one visit sent twice, or two places at once). Through
``load_workspace`` and ``ovm check`` in every language, on copies of tests/data/mini."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_words_as_meant import _mini

from ovm import load_workspace
from ovm.cli.app import main

HEADER = (
    "mission,site,site_country,site_city,observer,visited_at,notes,practice.on_time,"
    "practice.queue,practice.turned_away"
)
ROWS = [
    # o1: a named place, then one left blank 20 minutes later in another city, then a named
    # place in another country an hour later, with no city given.
    "aaa-2020,s1,USA,Miami,o1,2020-05-01T08:00,,yes,15,0",
    "aaa-2020,,USA,Houston,o1,2020-05-01T08:20,,no,40,2",
    "aaa-2020,s3,ESP,,o1,2020-05-01T09:20,,yes,5,0",
    # o2: two visits in one minute, neither naming its place.
    "aaa-2020,,,,o2,2020-05-01T08:30,,na,,1",
    "aaa-2020,,,,o2,2020-05-01T08:30,,yes,,1",
    # o3: two visits naming no place ten minutes apart (one place, two tables, maybe): nothing.
    "aaa-2020,,USA,Miami,o3,2020-05-01T08:30,,yes,3,0",
    "aaa-2020,,USA,Miami,o3,2020-05-01T08:40,,yes,4,0",
    # o4: a city not given is no other city: nothing.
    "aaa-2020,s5,USA,,o4,2020-05-01T08:00,,yes,3,0",
    "aaa-2020,s6,USA,Miami,o4,2020-05-01T08:30,,yes,4,0",
    "bbb-2021,s1,ARG,Buenos Aires,o1,2021-03-01T08:00,,yes,30,3",
]


def _workspace(tmp_path: Path) -> Path:
    ws = _mini(tmp_path)
    (ws / "checklists.csv").write_text("\n".join([HEADER, *ROWS]) + "\n", "utf-8")
    return ws


def test_visits_at_places_with_no_name_are_said_so(tmp_path: Path) -> None:
    ws = _workspace(tmp_path)
    file = str(ws / "checklists.csv")
    found = [
        (i.file, i.line, i.column, i.code, i.severity, i.message, dict(i.params or {}))
        for i in load_workspace(ws).warnings
        if i.code.startswith("observer-")
    ]
    assert found == [
        (
            file,
            3,
            6,
            "observer-too-fast",
            "warning",
            "observer 'o1' goes from 's1' (Miami, USA) to a place with no name (Houston, USA) "
            "in 20 minutes",
            {
                "observer": "o1",
                "site": "s1",
                "city": "Miami",
                "country": "USA",
                "to_city": "Houston",
                "to_country": "USA",
                "where": "Miami, USA",
                "to_where": "Houston, USA",
                "n": 20,
                "variant": "to_unnamed",
            },
        ),
        (
            file,
            4,
            6,
            "observer-too-fast",
            "warning",
            "observer 'o1' goes from a place with no name (Houston, USA) to 's3' (ESP) in 60 "
            "minutes",
            {
                "observer": "o1",
                "city": "Houston",
                "country": "USA",
                "to_site": "s3",
                "to_country": "ESP",
                "where": "Houston, USA",
                "to_where": "ESP",
                "n": 60,
                "variant": "from_unnamed",
            },
        ),
        (
            file,
            6,
            6,
            "observer-two-places",
            "warning",
            f"observer 'o2' has another visit at the same time (row 5 of {file}), neither naming "
            "its place: one visit sent twice, or two places at once",
            {"observer": "o2", "row": 5, "file": file, "variant": "both_unnamed_same_time"},
        ),
    ]


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        (
            "es",
            [
                "el observador “o1” va de “s1” (Miami, USA) a un lugar sin nombre (Houston, USA) "
                "en 20 minutos [observer-too-fast]",
                "el observador “o1” va de un lugar sin nombre (Houston, USA) a “s3” (ESP) en 60 "
                "minutos [observer-too-fast]",
                "el observador “o2” tiene otra visita a la misma hora (fila 5 de {file}), sin "
                "que ninguna nombre su lugar: una visita enviada dos veces, o dos lugares a la "
                "vez [observer-two-places]",
            ],
        ),
        (
            "fr",
            [
                "l'observateur «\u202fo1\u202f» va de «\u202fs1\u202f» (Miami, USA) à un lieu "
                "sans nom (Houston, USA) en 20 minutes [observer-too-fast]",
                "l'observateur «\u202fo1\u202f» va d'un lieu sans nom (Houston, USA) à "
                "«\u202fs3\u202f» (ESP) en 60 minutes [observer-too-fast]",
                "l'observateur «\u202fo2\u202f» a une autre visite au même moment (ligne 5 de "
                "{file}), aucune ne nommant son lieu\u202f: une visite envoyée deux fois, ou deux "
                "lieux à la fois [observer-two-places]",
            ],
        ),
        (
            "pt",
            [
                "o observador “o1” vai de “s1” (Miami, USA) a um local sem nome (Houston, USA) "
                "em 20 minutos [observer-too-fast]",
                "o observador “o1” vai de um local sem nome (Houston, USA) a “s3” (ESP) em 60 "
                "minutos [observer-too-fast]",
                "o observador “o2” tem outra visita à mesma hora (linha 5 de {file}), sem que "
                "nenhuma nomeie o seu local: uma visita enviada duas vezes, ou dois locais ao "
                "mesmo tempo [observer-two-places]",
            ],
        ),
    ],
)
def test_visits_at_places_with_no_name_are_said_in_every_language(
    lang: str, said: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = _workspace(tmp_path)
    file = ws / "checklists.csv"
    assert main(["check", str(ws), "--lang", lang]) == 0
    err = capsys.readouterr().err.splitlines()
    observers = [line.split(" ", 2)[2] for line in err if "[observer-" in line]
    assert observers == [s.format(file=file) for s in said]
    assert "None" not in "\n".join(err)
