"""A formula that divides by zero whatever the data can never be scored: the rubric check
refuses it at the divisor, in every language, before any mission is read."""

from __future__ import annotations

from pathlib import Path

import pytest

from ovm.cli.app import main

MINI = Path(__file__).parent / "data" / "mini"
TURNOUT = "formula: votes_abroad / registered_abroad * 100"


def _rubric(tmp_path: Path, turnout: str) -> Path:
    path = tmp_path / "rubric.yaml"
    text = (MINI / "rubric.yaml").read_text(encoding="utf-8")
    assert text.count(TURNOUT) == 1
    path.write_text(text.replace(TURNOUT, f"formula: {turnout}"), encoding="utf-8")
    return path


def _said(capsys: pytest.CaptureFixture[str]) -> list[str]:
    out = capsys.readouterr()
    return [line for line in (out.out + out.err).splitlines() if "[zero-divisor]" in line]


def test_each_zero_divisor_is_refused_at_its_number(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = '"votes_abroad / 0 + votes_abroad / -0.0 - registered_abroad / (1 - 1)"'
    rubric = _rubric(tmp_path, text)
    assert main(["validate", str(rubric)]) == 1
    where = f"{rubric}:44"
    formula = text.strip('"')
    said = (
        "families[0].children[2].formula: a division by zero, whatever the data, in "
        f"'{formula}' [zero-divisor]"
    )
    # Column 19 is the formula's first character, after the opening quote.
    assert _said(capsys) == [
        f"{where}:{19 + formula.index('0')} {said}",
        f"{where}:{19 + formula.index('0.0')} {said}",
        f"{where}:{19 + formula.index('1 - 1')} {said}",
    ]
    assert main(["validate", str(rubric), "--lang", "es"]) == 1
    assert _said(capsys)[0] == (
        f"{where}:{19 + formula.index('0')} families[0].children[2].formula: una división por "
        f"cero, sean cuales sean los datos, en “{formula}” [zero-divisor]"
    )
    for lang, words in (
        ("fr", "une division par zéro, quelles que soient les données, dans «\u202f"),
        ("pt", "uma divisão por zero, quaisquer que sejam os dados, em “"),
    ):
        assert main(["validate", str(rubric), "--lang", lang]) == 1
        assert all(words in line for line in _said(capsys))


def test_a_divisor_the_data_gives_is_left_to_the_data(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rubric = _rubric(tmp_path, '"votes_abroad / (registered_abroad - 0) * 100 / (2 - 1)"')
    assert main(["validate", str(rubric)]) == 0
    assert _said(capsys) == []
