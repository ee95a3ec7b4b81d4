"""A rubric's error gives the hint that fits what its writer already wrote: goalposts written
worst-first under ``direction: lower`` are told that low and high are the smaller and larger
values, and a misspelt variable in a formula is offered the variable it most likely meant."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ovm.cli.app import main

MINI = Path(__file__).parent / "data" / "mini"


def _rubric(tmp_path: Path, old: str, new: str) -> Path:
    ws = tmp_path / "ws"
    shutil.copytree(MINI, ws)
    path = ws / "rubric.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def _said(path: Path, lang: str, capsys: pytest.CaptureFixture[str]) -> list[str]:
    assert main(["validate", str(path), "--lang", lang]) == 1
    out = capsys.readouterr()
    return [
        line
        for line in (out.out + out.err).splitlines()
        if line.startswith(str(path)) and line.endswith("]")
    ]


@pytest.mark.parametrize(
    ("lang", "message"),
    [
        (
            "en",
            "low must be below high whatever the direction: low is the smaller goalpost and high "
            "the larger (write low: 120, high: 1000)",
        ),
        (
            "es",
            "`low` debe ser menor que `high` sea cual sea la dirección: `low` es el umbral menor "
            "y `high` el mayor (escriba `low: 120, high: 1000`)",
        ),
    ],
)
def test_goalposts_written_worst_first_under_direction_lower_are_told_to_swap(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], lang: str, message: str
) -> None:
    # The goalposts as the YAML writes them, never in the language's number format.
    path = _rubric(
        tmp_path,
        "rule: {type: goalposts, low: 10, high: 120, direction: lower}",
        "rule: {type: goalposts, low: 1000, high: 120, direction: lower}",
    )
    assert _said(path, lang, capsys) == [
        f"{path}:65:15 families[1].children[1].rule: {message} [goalposts-unordered]"
    ]


def test_goalposts_unordered_without_a_direction_still_suggest_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _rubric(tmp_path, "low: 10, high: 60}", "low: 60, high: 10}")
    assert _said(path, "en", capsys) == [
        f"{path}:45:15 families[0].children[2].rule: low must be below high (use direction: "
        "lower to reward small values) [goalposts-unordered]"
    ]


@pytest.mark.parametrize(
    ("lang", "then"),
    [
        ("en", ": did you mean 'registered_abroad'?"),
        ("es", ": ¿quiso decir “registered_abroad”?"),
        ("fr", "\u202f: vouliez-vous dire «\u202fregistered_abroad\u202f»\u202f?"),
    ],
)
def test_a_misspelt_variable_in_a_formula_is_offered_the_one_meant(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], lang: str, then: str
) -> None:
    path = _rubric(
        tmp_path,
        "formula: votes_abroad / registered_abroad * 100",
        "formula: votes_abroad / registred_abroad * 100",
    )
    said = _said(path, lang, capsys)
    assert len(said) == 1, said
    assert said[0].endswith(f"{then} [unknown-variable]"), said


def test_a_formula_name_close_to_no_variable_is_offered_none(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _rubric(
        tmp_path,
        "formula: votes_abroad / registered_abroad * 100",
        "formula: votes_abroad / population * 100",
    )
    assert _said(path, "en", capsys) == [
        f"{path}:44:33 families[0].children[2].formula: 'population' is not a declared variable "
        "in 'votes_abroad / population * 100' [unknown-variable]"
    ]
