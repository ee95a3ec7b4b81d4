"""Words of ``ovm check`` that said something other than what happened: two visits of the
same minute, the column of a byte that is not UTF-8, a count given a decimal comma. Through
the command line, on copies of the mini workspace of tests/data/mini."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_words_as_meant import _mini, _said


def _rewrite(file: Path, row: int, old: str, new: str) -> None:
    lines = file.read_text("utf-8").splitlines()
    assert old in lines[row - 1], lines[row - 1]
    lines[row - 1] = lines[row - 1].replace(old, new)
    file.write_text("\n".join(lines) + "\n", "utf-8")


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("en", "warning: observer 'o1' is at 's2' and at 's1' (row 2 of {file}) at the same time"),
        (
            "es",
            "advertencia: el observador “o1” está en “s2” y en “s1” (fila 2 de {file}) a la "
            "misma hora",
        ),
        (
            "fr",
            "avertissement\u202f: l'observateur «\u202fo1\u202f» est à «\u202fs2\u202f» et à "
            "«\u202fs1\u202f» (ligne 2 de {file}) au même moment",
        ),
        ("pt", "aviso: o observador “o1” está em “s2” e em “s1” (linha 2 de {file}) à mesma hora"),
    ],
)
def test_two_places_in_one_minute_are_at_the_same_time(
    lang: str, said: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = _mini(tmp_path)
    checklists = ws / "checklists.csv"
    _rewrite(checklists, 3, ",o2,2020-05-01T08:10,", ",o1,2020-05-01T08:00,")
    status, err = _said(["check", str(ws), "--lang", lang], capsys)
    assert status == 0
    assert [line for line in err if line.endswith("[observer-two-places]")] == [
        f"{checklists}:3:6 {said.format(file=checklists)} [observer-two-places]"
    ]


def test_two_places_a_minute_apart_are_within_one_minute(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = _mini(tmp_path)
    checklists = ws / "checklists.csv"
    _rewrite(checklists, 3, ",o2,2020-05-01T08:10,", ",o1,2020-05-01T08:01,")
    status, err = _said(["check", str(ws)], capsys)
    assert status == 0
    assert [line for line in err if line.endswith("[observer-two-places]")] == [
        f"{checklists}:3:6 warning: observer 'o1' is at 's2' and at 's1' (row 2 of {checklists}) "
        "within 1 minute [observer-two-places]"
    ]


def test_a_byte_that_is_not_utf8_is_placed_at_the_character_an_editor_shows(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = _mini(tmp_path)
    checklists = ws / "checklists.csv"
    before = "aaa-2020,s2,USA,Houston,o2,2020-05-01T08:10,late – Per"
    raw = checklists.read_bytes()
    # The en dash is 3 bytes and 1 character; the ú after it is Latin-1, not UTF-8.
    old = b"aaa-2020,s2,USA,Houston,o2,2020-05-01T08:10,late start"
    assert raw.count(old) == 1
    checklists.write_bytes(raw.replace(old, before.encode() + b"\xfa"))
    status, err = _said(["check", str(ws)], capsys)
    assert status == 1
    assert err[0] == (
        f"{checklists}:3:{len(before) + 1} not UTF-8 (byte 0xfa): save the file as 'CSV UTF-8' "
        "(Excel: Save As, CSV UTF-8; LibreOffice: character set Unicode (UTF-8)) "
        "[invalid-encoding]"
    )


def test_a_yaml_byte_that_is_not_utf8_is_placed_at_its_character(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = _mini(tmp_path)
    missions = ws / "missions.yaml"
    raw = missions.read_bytes()
    before = "    name: B – 2021 "
    line = raw[: raw.index(b"    name: B 2021")].count(b"\n") + 1
    missions.write_bytes(raw.replace(b"    name: B 2021", before.encode() + b"\xe9"))
    status, err = _said(["check", str(ws)], capsys)
    assert status == 1
    offset = raw.index(b"    name: B 2021") + len(before.encode())
    assert [x for x in err if x.endswith("[invalid-encoding]")] == [
        f"{missions}:{line}:{len(before) + 1} not UTF-8: byte 0xe9 at offset {offset} (invalid "
        "continuation byte): save the file as UTF-8 [invalid-encoding]"
    ]


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("en", "'12,5' is not a number (votes_abroad)"),
        ("es", "“12,5” no es un número (votes_abroad)"),
    ],
)
def test_a_count_given_a_decimal_comma_is_offered_no_number_it_would_refuse(
    lang: str, said: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = _mini(tmp_path)
    statistics = ws / "statistics.csv"
    _rewrite(statistics, 2, "1000,350,", '1000,"12,5",')
    status, err = _said(["check", str(ws), "--lang", lang], capsys)
    assert status == 1
    assert [line for line in err if line.endswith("[invalid-number]")] == [
        f"{statistics}:2:3 {said} [invalid-number]"
    ]
