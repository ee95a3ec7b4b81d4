"""A mission id written with another mark where the id has ``-`` (an en dash of Word's or
Excel's autocorrect, a non-breaking hyphen copied from a document, a minus sign, an ``_``) is
refused as an unknown mission, as before, and now says the id meant and the mark that differs:
on screen the cell looks exactly like the id. In every table a mission id is read from:
checklists, statistics, answers, places. Through ``ovm check`` and ``load_workspace`` on copies
of the mini workspace of tests/data/mini."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_words_as_meant import _mini

from ovm.cli.app import main
from ovm.data.observations import ID_SEPARATORS, unknown_mission_message
from ovm.data.workspace import load_workspace

EN_DASH, NB_HYPHEN, MINUS = "\u2013", "\u2011", "\u2212"


def _message(cell: str, near: str, written: str, meant: str = "-") -> str:
    return (
        f"no mission {cell!r} in the missions file (did you mean {near!r}? the cell has "
        f"{written} where the id has {meant!r})"
    )


def _workspace(tmp_path: Path) -> Path:
    ws = _mini(tmp_path)
    (ws / "checklists.csv").write_text(
        "mission,site,site_country,site_city,observer,visited_at,notes,practice.on_time,"
        "practice.queue,practice.turned_away\n"
        "aaa-2020,s1,USA,Miami,o1,2020-05-01T08:00,,yes,15,0\n"
        f"aaa{EN_DASH}2020,s2,USA,Miami,o1,2020-05-01T09:00,,yes,15,0\n"
        f"aaa{NB_HYPHEN}2020,s3,USA,Miami,o1,2020-05-01T10:00,,yes,15,0\n",
        "utf-8",
    )
    (ws / "statistics.csv").write_text(
        f"mission,registered_abroad\naaa-2020,1000\nbbb{MINUS}2021,2000\n", "utf-8"
    )
    (ws / "answers.csv").write_text("mission,rights.basis\nbbb_2021,statute\n", "utf-8")
    (ws / "places.csv").write_text(
        f"mission,place,country\nAAA{EN_DASH}2020,p1,USA\nzzz-2020,p2,USA\n", "utf-8"
    )
    config = ws / "ovm.yaml"
    config.write_text(
        config.read_text("utf-8") + "answers: [answers.csv]\nplaces: [places.csv]\n", "utf-8"
    )
    return ws


EXPECTED = [
    {
        "file": "answers.csv",
        "line": 2,
        "column": 1,
        "code": "unknown-mission",
        "severity": "error",
        "message": _message("bbb_2021", "bbb-2021", "an underscore '_'"),
    },
    {
        "file": "checklists.csv",
        "line": 3,
        "column": 1,
        "code": "unknown-mission",
        "severity": "error",
        "message": _message(f"aaa{EN_DASH}2020", "aaa-2020", "a dash U+2013"),
    },
    {
        "file": "checklists.csv",
        "line": 4,
        "column": 1,
        "code": "unknown-mission",
        "severity": "error",
        "message": _message(f"aaa{NB_HYPHEN}2020", "aaa-2020", "a non-breaking hyphen U+2011"),
    },
    {
        "file": "places.csv",
        "line": 2,
        "column": 1,
        "code": "unknown-mission",
        "severity": "error",
        # Case and mark at once: the id meant is named all the same.
        "message": _message(f"AAA{EN_DASH}2020", "aaa-2020", "a dash U+2013"),
    },
    {
        "file": "places.csv",
        "line": 3,
        "column": 1,
        "code": "unknown-mission",
        "severity": "error",
        "message": "no mission 'zzz-2020' in the missions file",
    },
    {
        "file": "statistics.csv",
        "line": 3,
        "column": 1,
        "code": "unknown-mission",
        "severity": "error",
        "message": _message(f"bbb{MINUS}2021", "bbb-2021", "a minus sign U+2212"),
    },
]


def _issues(ws: Path, capsys: pytest.CaptureFixture[str], *lang: str) -> list[dict[str, object]]:
    assert main(["check", str(ws), "--format", "json", *lang]) == 1
    issues = json.loads(capsys.readouterr().out)["issues"]
    return [
        {k: Path(v).name if k == "file" else v for k, v in i.items() if k in EXPECTED[0]}
        for i in issues
        if i["code"] == "unknown-mission"
    ]


def test_a_lookalike_mark_in_a_mission_id_names_the_id_and_the_mark_in_every_table(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = _workspace(tmp_path)
    assert _issues(ws, capsys) == EXPECTED
    rejected = load_workspace(ws).observations.report.rejected
    got = [
        (Path(i.file).name, i.line, i.column, i.code, i.severity, i.message)
        for row in rejected
        for i in row.reasons
        if i.code == "unknown-mission"
    ]
    assert sorted(got) == [tuple(e.values()) for e in EXPECTED]


def test_the_mark_is_named_in_every_language(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = _workspace(tmp_path)
    assert main(["check", str(ws), "--lang", "fr"]) == 1
    err = capsys.readouterr().err.splitlines()
    n = "\u202f"
    assert [line.replace(f"{ws}/", "") for line in err if "[unknown-mission]" in line] == [
        f"answers.csv:2:1 aucune mission «{n}bbb_2021{n}» dans le fichier des missions "
        f"(vouliez-vous dire «{n}bbb-2021{n}»{n}? la cellule contient un tiret bas «{n}_{n}» "
        f"là où l'identifiant a «{n}-{n}») [unknown-mission]",
        f"checklists.csv:3:1 aucune mission «{n}aaa{EN_DASH}2020{n}» dans le fichier des "
        f"missions (vouliez-vous dire «{n}aaa-2020{n}»{n}? la cellule contient un tiret "
        f"demi-cadratin U+2013 là où l'identifiant a «{n}-{n}») [unknown-mission]",
        f"checklists.csv:4:1 aucune mission «{n}aaa{NB_HYPHEN}2020{n}» dans le fichier des "
        f"missions (vouliez-vous dire «{n}aaa-2020{n}»{n}? la cellule contient un trait "
        f"d'union insécable U+2011 là où l'identifiant a «{n}-{n}») [unknown-mission]",
        f"places.csv:2:1 aucune mission «{n}AAA{EN_DASH}2020{n}» dans le fichier des missions "
        f"(vouliez-vous dire «{n}aaa-2020{n}»{n}? la cellule contient un tiret demi-cadratin "
        f"U+2013 là où l'identifiant a «{n}-{n}») [unknown-mission]",
        f"places.csv:3:1 aucune mission «{n}zzz-2020{n}» dans le fichier des missions "
        "[unknown-mission]",
        f"statistics.csv:3:1 aucune mission «{n}bbb{MINUS}2021{n}» dans le fichier des "
        f"missions (vouliez-vous dire «{n}bbb-2021{n}»{n}? la cellule contient un signe moins "
        f"U+2212 là où l'identifiant a «{n}-{n}») [unknown-mission]",
    ]
    assert main(["check", str(ws), "--lang", "es"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert [line.replace(f"{ws}/", "") for line in err if "answers.csv:2" in line] == [
        "answers.csv:2:1 ninguna misión “bbb_2021” en el archivo de misiones (¿quiso decir "
        "“bbb-2021”? la celda tiene un guion bajo “_” donde el identificador tiene “-”) "
        "[unknown-mission]"
    ]


def test_an_id_written_with_a_hyphen_where_it_has_an_underscore_names_it_too() -> None:
    by_case = {"per_2021": "per_2021", "ecu-2023": "ecu-2023"}
    assert unknown_mission_message("per-2021", by_case) == _message(
        "per-2021", "per_2021", "a hyphen '-'", "_"
    )
    # Any other difference than the marks and case: no id meant.
    assert unknown_mission_message("ecu\u20132024", by_case) == (
        "no mission 'ecu\u20132024' in the missions file"
    )


@settings(max_examples=60)
@given(
    st.lists(st.sampled_from(sorted(ID_SEPARATORS)), min_size=2, max_size=2).filter(
        lambda marks: marks[0] != "-" or marks[1] != "-"
    )
)
def test_any_lookalike_mark_names_the_id_meant(marks: list[str]) -> None:
    known = {"aaa-bbb-2020": "aaa-bbb-2020"}
    cell = f"aaa{marks[0]}bbb{marks[1]}2020"
    message = unknown_mission_message(cell, known)
    assert "did you mean 'aaa-bbb-2020'?" in message
    first = next(m for m in marks if m != "-")
    assert f"U+{ord(first):04X}" in message or repr(first) in message
