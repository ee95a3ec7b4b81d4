"""``ovm check`` says every problem of missions.yaml on the first run: a rubric ovm.yaml names
wrong does not hide the missions' own problems (ids, countries, dates, links), a mission with
an unreadable field still has its ``previous`` checked, and each is worded in ovm's words in
every language. Through the command line, on copies of the mini workspace of tests/data/mini."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_words_as_meant import _mini, _said

MISSIONS = """\
missions:
  - id: PER-2021
    country: Peru
    name: {en: "Peru, 2021"}
    election: {type: general, date: 2021-13-11}
  - id: bol-2020
    country: BOL
    name: Bolivia
    previous: bol-2014
    election: {type: general, date: "11/10/2020"}
"""

EN = [
    "missions.yaml:2:9 missions[0].id: 'PER-2021' is not a mission id: ids are lowercase "
    "letters, digits, '.', '_' or '-', starting with a letter or a digit: did you mean "
    "per-2021? [invalid-format]",
    "missions.yaml:3:14 missions[0].country: 'Peru' is not an ISO 3166 alpha-3 country code: "
    "did you mean PER (Peru)? [invalid-country]",
    "missions.yaml:5:37 missions[0].election.date: '2021-13-11' is not a date that exists: "
    "write it as YYYY-MM-DD [invalid-value]",
    "missions.yaml:9:15 missions[1].previous: no mission 'bol-2014' [unknown-mission]",
    "missions.yaml:10:37 missions[1].election.date: '11/10/2020' is not a date: write it as "
    "YYYY-MM-DD, 2020-10-11 if it is day/month/year [invalid-value]",
]


def _workspace(tmp_path: Path, rubric: str) -> Path:
    ws = _mini(tmp_path)
    (ws / "missions.yaml").write_text(MISSIONS, "utf-8")
    config = ws / "ovm.yaml"
    config.write_text(
        config.read_text("utf-8").replace("rubric: rubric.yaml", f"rubric: {rubric}"), "utf-8"
    )
    return ws


def _relative(lines: list[str], ws: Path) -> list[str]:
    return [line.replace(f"{ws}/", "") for line in lines]


def test_a_wrong_rubric_path_does_not_hide_the_missions_problems(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = _workspace(tmp_path, "rubrc.yaml")
    status, err = _said(["check", str(ws)], capsys)
    assert status == 1
    assert _relative(err, ws) == [
        *EN,
        f"ovm.yaml:2:9 rubric: 'rubrc.yaml' does not exist (relative to {ws}): correct the "
        "path or add the file [file-not-found]",
        f"{ws}: 6 errors, 0 warnings",
    ]


def test_the_missions_problems_are_the_same_once_the_rubric_is_found(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The round after the rubric path is put right says nothing of missions.yaml it had not
    # said: the previous mission of the entry with an unreadable date is checked either way.
    ws = _workspace(tmp_path, "rubric.yaml")
    status, err = _said(["check", str(ws)], capsys)
    assert status == 1
    assert [line for line in _relative(err, ws) if line.startswith("missions.yaml")] == EN


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        (
            "es",
            [
                "missions.yaml:2:9 missions[0].id: “PER-2021” no es un identificador de misión: "
                "los identificadores son letras minúsculas, cifras, «.», «_» o «-», y empiezan "
                "por una letra o una cifra: ¿quiso decir per-2021? [invalid-format]",
                "missions.yaml:3:14 missions[0].country: “Peru” no es un código de país ISO "
                "3166 alfa-3: ¿quiso decir PER (Perú)? [invalid-country]",
            ],
        ),
        (
            "fr",
            [
                "missions.yaml:2:9 missions[0].id\u202f: «\u202fPER-2021\u202f» n'est pas un "
                "identifiant de mission\u202f: les identifiants sont faits de minuscules, de "
                "chiffres, de «\u202f.\u202f», «\u202f_\u202f» ou «\u202f-\u202f», et "
                "commencent par une lettre ou un chiffre\u202f: vouliez-vous dire "
                "per-2021\u202f? [invalid-format]",
                "missions.yaml:3:14 missions[0].country\u202f: «\u202fPeru\u202f» n'est pas un "
                "code de pays ISO 3166 alpha-3\u202f: vouliez-vous dire PER (Pérou)\u202f? "
                "[invalid-country]",
            ],
        ),
        (
            "pt",
            [
                "missions.yaml:2:9 missions[0].id: “PER-2021” não é um identificador de missão: "
                "os identificadores são letras minúsculas, algarismos, “.”, “_” ou “-”, e "
                "começam por uma letra ou um algarismo: quis dizer per-2021? [invalid-format]",
                "missions.yaml:3:14 missions[0].country: “Peru” não é um código de país ISO "
                "3166 alfa-3: quis dizer PER (Peru)? [invalid-country]",
            ],
        ),
    ],
)
def test_a_mission_id_and_a_country_meant_are_said_in_every_language(
    lang: str, said: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = _workspace(tmp_path, "rubrc.yaml")
    status, err = _said(["check", str(ws), "--lang", lang], capsys)
    assert status == 1
    assert _relative(err, ws)[:2] == said


def test_an_id_no_lowercasing_mends_offers_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = _workspace(tmp_path, "rubrc.yaml")
    (ws / "missions.yaml").write_text(MISSIONS.replace("PER-2021", "per 2021"), "utf-8")
    status, err = _said(["check", str(ws)], capsys)
    assert status == 1
    assert _relative(err, ws)[0] == (
        "missions.yaml:2:9 missions[0].id: 'per 2021' is not a mission id: ids are lowercase "
        "letters, digits, '.', '_' or '-', starting with a letter or a digit [invalid-format]"
    )


RULE = "ids are lowercase letters, digits, '.', '_' or '-', starting with a letter or a digit"
LONG = "P" * 55 + "-2021"
"""An id of 60 characters, as many as a message quotes of a refused cell."""


@pytest.mark.parametrize(
    ("written", "said"),
    [
        # Quoted whole, and its lowercasing offered.
        (LONG, f"'{LONG}' is not a mission id: {RULE}: did you mean {LONG.lower()}?"),
        # One character more: quoted as a refused cell is, cut with an ellipsis, and nothing
        # offered (the id offered would be cut too).
        ("P" + LONG, f"'{('P' + LONG)[:60]}\u2026' is not a mission id: {RULE}"),
    ],
)
def test_a_long_id_is_quoted_as_a_refused_cell_is(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], written: str, said: str
) -> None:
    ws = _workspace(tmp_path, "rubrc.yaml")
    (ws / "missions.yaml").write_text(MISSIONS.replace("PER-2021", written), "utf-8")
    status, err = _said(["check", str(ws)], capsys)
    assert status == 1
    assert _relative(err, ws)[0] == f"missions.yaml:2:9 missions[0].id: {said} [invalid-format]"
