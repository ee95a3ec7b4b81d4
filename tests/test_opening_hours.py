"""An opening hour is the place's local time, read as written: YAML 1.1 reads ``10:00`` without
quotes as the number 600, which the schema took for ten minutes past midnight in UTC (and then
could not compare with a visit's local time); a time with an offset is no local time."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from ovm import load_workspace
from ovm.cli.app import main
from ovm.yamldoc import parse_yaml

MINI = Path(__file__).parent / "data" / "mini"
ELECTION = "    election: {type: general, date: 2020-05-01}\n"


def test_a_scalar_in_base_60_is_the_text_it_shows() -> None:
    doc, issues = parse_yaml(
        "a: 10:00\nb: 25:00\nc: 8:30\nd: 190:20:30.15\ne: 1_000\nf: 1.5\ng: -1:30\n", "f.yaml"
    )
    assert issues == []
    assert doc is not None
    assert doc.data == {
        "a": "10:00",
        "b": "25:00",
        "c": "8:30",
        "d": "190:20:30.15",
        "e": 1000,
        "f": 1.5,
        "g": "-1:30",
    }


def _workspace(tmp_path: Path, opens: str, place_opens: str = '"09:00"') -> Path:
    root = tmp_path / "ws"
    shutil.copytree(MINI, root)
    path = root / "missions.yaml"
    text = path.read_text(encoding="utf-8")
    assert ELECTION in text
    period = f"    voting_abroad: {{from: 2020-04-30, to: 2020-05-01, opens: {opens}}}\n"
    places = f"    places:\n      - {{id: s9, country: ESP, city: Madrid, opens: {place_opens}}}\n"
    path.write_text(text.replace(ELECTION, ELECTION + period + places, 1), encoding="utf-8")
    return root


@pytest.mark.parametrize(
    ("opens", "place_opens", "expected"),
    [
        ("10:00", "11:30", (dt.time(10, 0), dt.time(11, 30))),
        ("8:30", "9:05", (dt.time(8, 30), dt.time(9, 5))),
        ('"08:00"', '"13:00"', (dt.time(8, 0), dt.time(13, 0))),
    ],
)
def test_an_opening_hour_written_without_quotes_is_that_hour(
    tmp_path: Path, opens: str, place_opens: str, expected: tuple[dt.time, dt.time]
) -> None:
    mission = load_workspace(_workspace(tmp_path, opens, place_opens)).observations.mission(
        "aaa-2020"
    )
    assert mission.voting_abroad is not None
    assert (mission.voting_abroad.opens, mission.places[0].opens) == expected


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("opens", ["25:00", '"10:00+02:00"', "600"])
def test_an_opening_hour_that_is_no_local_time_is_refused_in_words(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], opens: str, lang: str
) -> None:
    root = _workspace(tmp_path, opens)
    assert main(["check", str(root), "--lang", lang]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    shown = opens.strip('"')
    said = {
        "en": f"'{shown}' is not a time of day such as 08:00",
        "es": f"“{shown}” no es una hora del día como 08:00",
    }[lang]
    missions = root / "missions.yaml"
    line = next(
        n for n, x in enumerate(missions.read_text("utf-8").splitlines(), 1) if "opens" in x
    )
    assert [x for x in err.splitlines() if x.endswith("[invalid-value]")] == [
        f"{missions}:{line}:62 missions[0].voting_abroad.opens: {said} [invalid-value]"
    ]


def test_a_places_table_refuses_an_opening_hour_with_an_offset(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    shutil.copytree(MINI, root)
    (root / "places.csv").write_text(
        "mission,place,country,city,tables,opens\n"
        "aaa-2020,s1,USA,Miami,3,08:00+02:00\n"
        "aaa-2020,s2,USA,Houston,2,8:15\n",
        encoding="utf-8",
    )
    with (root / "ovm.yaml").open("a", encoding="utf-8") as fh:
        fh.write("places: [places.csv]\n")
    ws = load_workspace(root)
    refused = [
        (r.file, r.row, [(i.line, i.column, i.code, i.message) for i in r.reasons])
        for r in ws.observations.report.rejected
    ]
    said = "'08:00+02:00' is not a time of day such as 08:00"
    assert refused == [(str(root / "places.csv"), 2, [(2, 6, "invalid-time", said)])]
    assert [p.opens for p in ws.observations.mission("aaa-2020").places] == [dt.time(8, 15)]
