"""missions.yaml: an election's ``round`` below 1 and an opening hour (``voting_abroad.opens``,
a planned place's ``opens``) that is no time of day are said in ovm's words in every language,
not the schema library's; and the mission they make unreadable still has its voting period
checked in the same run, so ``ovm check`` says every mistake of the mission at once. Through
``ovm check`` and ``load_workspace`` on copies of the mini workspace of tests/data/mini."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_words_as_meant import _mini

from ovm.cli.app import main
from ovm.data.workspace import load_workspace
from ovm.errors import DataError

MISSIONS = """\
missions:
  - id: aaa-2020
    country: ARG
    name: {en: A 2020, es: A 2020}
    election: {type: general, date: 2020-05-01, round: 0}
    voting_abroad: {from: 2020-05-03, to: 2020-04-28, opens: "25:00"}
    places:
      - {id: p1, country: USA, opens: "8h"}
  - id: bbb-2021
    country: BRA
    name: B 2021
    election: {type: presidential, date: 2021-03-01, round: 2}
"""

ROUND = "'0' is not a round: rounds are numbered from 1 (the first round is 1, a second round 2)"
PERIOD = "voting abroad ends before it starts"


def _issue(line: int, column: int, message: str) -> dict[str, object]:
    return {
        "file": "missions.yaml",
        "line": line,
        "column": column,
        "code": "invalid-value",
        "severity": "error",
        "message": message,
    }


EXPECTED = [
    _issue(5, 56, ROUND),
    _issue(6, 20, PERIOD),
    _issue(6, 62, "'25:00' is not a time of day such as 08:00"),
    _issue(8, 39, "'8h' is not a time of day such as 08:00"),
]


def _workspace(tmp_path: Path, missions: str = MISSIONS) -> Path:
    ws = _mini(tmp_path)
    (ws / "missions.yaml").write_text(missions, "utf-8")
    return ws


def _issues(ws: Path, capsys: pytest.CaptureFixture[str]) -> list[dict[str, object]]:
    assert main(["check", str(ws), "--format", "json"]) == 1
    issues = json.loads(capsys.readouterr().out)["issues"]
    return [
        {k: Path(v).name if k == "file" else v for k, v in i.items() if k in EXPECTED[0]}
        for i in issues
        if Path(i["file"]).name == "missions.yaml"
    ]


def test_round_and_opening_hours_are_worded_and_the_period_checked_in_one_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = _workspace(tmp_path)
    assert _issues(ws, capsys) == EXPECTED
    with pytest.raises(DataError) as err:
        load_workspace(ws)
    assert sorted(
        (Path(i.file).name, i.line, i.column, i.code, i.severity, i.message)
        for i in err.value.issues
        if Path(i.file).name == "missions.yaml"
    ) == [tuple(e.values()) for e in EXPECTED]


def test_the_period_is_said_the_same_once_the_round_and_hours_are_put_right(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mended = MISSIONS.replace(", round: 0", "").replace('"25:00"', '"08:00"')
    ws = _workspace(tmp_path, mended.replace('opens: "8h"', 'opens: "09:00"'))
    assert _issues(ws, capsys) == [EXPECTED[1]]


def test_a_period_in_order_beside_a_bad_round_adds_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = _workspace(tmp_path, MISSIONS.replace("to: 2020-04-28", "to: 2020-05-08"))
    assert _issues(ws, capsys) == [e for e in EXPECTED if e["message"] != PERIOD]


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        (
            "es",
            [
                "missions.yaml:5:56 missions[0].election.round: “0” no es una vuelta: las "
                "vueltas se numeran desde 1 (la primera vuelta es 1, una segunda vuelta 2) "
                "[invalid-value]",
                "missions.yaml:6:62 missions[0].voting_abroad.opens: “25:00” no es una hora del "
                "día como 08:00 [invalid-value]",
            ],
        ),
        (
            "fr",
            [
                "missions.yaml:5:56 missions[0].election.round\u202f: «\u202f0\u202f» n'est pas "
                "un tour\u202f: les tours sont numérotés à partir de 1 (le premier tour est 1, un "
                "deuxième tour 2) [invalid-value]",
                "missions.yaml:6:62 missions[0].voting_abroad.opens\u202f: «\u202f25:00\u202f» "
                "n'est pas une heure de la journée comme 08:00 [invalid-value]",
            ],
        ),
        (
            "pt",
            [
                "missions.yaml:5:56 missions[0].election.round: “0” não é um turno: os turnos "
                "são numerados a partir de 1 (o primeiro turno é 1, um segundo turno 2) "
                "[invalid-value]",
                "missions.yaml:6:62 missions[0].voting_abroad.opens: “25:00” não é uma hora do "
                "dia como 08:00 [invalid-value]",
            ],
        ),
    ],
)
def test_round_and_opening_hour_are_worded_in_every_language(
    lang: str, said: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = _workspace(tmp_path)
    assert main(["check", str(ws), "--lang", lang]) == 1
    err = [line.replace(f"{ws}/", "") for line in capsys.readouterr().err.splitlines()]
    assert [line for line in err if ".round" in line or "abroad.opens" in line] == said
