"""What `ovm validate` and `ovm check` catch in a rubric and its data before anything is scored:
each mistake at its file, line and column with its code, in the user's language."""

from __future__ import annotations

from pathlib import Path

import pytest

from ovm.cli.app import main

GAP_RUBRIC = """\
ovm_rubric: 1
id: gaps
version: "1"
title: {en: Gaps, es: Huecos}
languages: [en, es]
variables:
  - {name: votes, labels: {en: Votes, es: Votos}, unit: votes, type: count, source: statistics}
  - {name: registered, labels: {en: Registered, es: Inscritos}, unit: voters, type: count,
     source: statistics}
families:
  - id: p
    labels: {en: P, es: P}
    children:
      - id: p.turnout
        kind: quantitative
        labels: {en: Turnout, es: Participación}
        source: statistics
        formula: votes / registered * 100
        rule:
          type: bands
          bands: [{max: 20, score: 0}, {min: 25, max: 40, score: 50}, {min: 40, score: 100}]
"""


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("en", ": values from 20 to 25 fall in no band"),
        ("es", ": los valores de 20 a 25 no caen en ninguna banda"),
        ("fr", "\u202f: les valeurs de 20 à 25 ne tombent dans aucune bande"),
        ("pt", ": os valores de 20 a 25 não caem em nenhuma faixa"),
    ],
)
def test_a_gap_between_a_rules_bands_is_an_error_at_the_band_that_starts_late(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], lang: str, said: str
) -> None:
    """A turnout of 22 % would fall between 20 and 25 and be scored as missing although it was
    observed: the rubric is refused where the second band starts."""
    path = tmp_path / "rubric.yaml"
    path.write_text(GAP_RUBRIC, encoding="utf-8")
    assert main(["validate", str(path), "--lang", lang]) == 1
    lines = capsys.readouterr().err.splitlines()
    assert lines[:-1] == [f"{path}:21:40 families[0].children[0].rule.bands[1]{said} [bands-gap]"]


def test_touching_rule_bands_validate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The same rule with its bands touching, closed at the bottom, is valid."""
    path = tmp_path / "rubric.yaml"
    path.write_text(
        GAP_RUBRIC.replace("[{max: 20, score: 0},", "[{min: 0, max: 25, score: 0},"),
        encoding="utf-8",
    )
    assert main(["validate", str(path)]) == 0, capsys.readouterr().err


def test_a_unit_written_per_language_is_checked_for_every_declared_language(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A recommendation text quotes an indicator's unit: written per language, it must carry
    each language the rubric declares, as labels do; one word for all languages needs none."""
    text = (
        GAP_RUBRIC.replace("{min: 25, max: 40,", "{min: 20, max: 40,")
        .replace("unit: votes,", "unit: {en: votes}, unit_one: {es: voto},")
        .replace(
            "        source: statistics\n        formula",
            "        unit: {es: '%'}\n        source: statistics\n        formula",
        )
    )
    path = tmp_path / "rubric.yaml"
    path.write_text(text, encoding="utf-8")
    assert main(["validate", str(path)]) == 1
    assert capsys.readouterr().err.splitlines() == [
        f"{path}:7:57 variables[0].unit: no text for declared language(s): es"
        " [missing-translation]",
        f"{path}:7:80 variables[0].unit_one: no text for declared language(s): en"
        " [missing-translation]",
        f"{path}:17:15 families[0].children[0].unit: no text for declared language(s): en"
        " [missing-translation]",
        f"{path}: 3 errors",
    ]
