"""Findings shown in a report are worded by the catalogue in English too, with its plural
forms, whatever the stage that found them recorded ("polling place(s)")."""

from __future__ import annotations

from pathlib import Path

import html5lib
import pytest

from ovm.cli.app import main

RUBRIC = """\
ovm_rubric: 1
id: words
version: "1"
title: {en: Words}
languages: [en]
bands:
  - {min: 0, max: 50, label: {en: Low}}
  - {min: 50, max: 100, label: {en: High}}
families:
  - id: f
    labels: {en: F}
    children:
      - id: f.secret
        kind: checklist
        labels: {en: Secret}
        source: checklist
        question: {en: "Secret?"}
        min_answers: 1
        rule: {type: goalposts, low: 0, high: 100}
"""
MISSIONS = """\
missions:
  - {id: one, country: ARG, name: One, election: {type: general, date: 2024-01-01}}
  - {id: two, country: BRA, name: Two, election: {type: general, date: 2024-01-02}}
"""
CHECKLISTS = "mission,site,f.secret\none,s0,yes\ntwo,s0,yes\ntwo,s1,no\n"


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (
            "en",
            [
                "f.secret was answered at 1 polling place; an interval needs at least 5",
                "f.secret was answered at 2 polling places; an interval needs at least 5",
            ],
        ),
        (
            "es",
            [
                "f.secret se respondió en 1 lugar de votación; un intervalo necesita al menos 5",
                "f.secret se respondió en 2 lugares de votación; un intervalo necesita al menos 5",
            ],
        ),
    ],
)
def test_a_report_words_a_finding_with_the_catalogue_s_plural(
    tmp_path: Path, lang: str, expected: list[str]
) -> None:
    from tests.conftest import write_workspace

    ws = write_workspace(
        tmp_path / "ws",
        rubric=RUBRIC,
        missions=MISSIONS,
        checklists=CHECKLISTS,
        settings_yaml="{bootstrap: 200}",
    )
    said = []
    for mission in ("one", "two"):
        page = tmp_path / f"{mission}.html"
        args = ["report", str(ws), "-q", "--lang", lang, "--mission", mission, "-o", str(page)]
        assert main(args) == 0
        tree = html5lib.parse(page.read_text("utf-8"), namespaceHTMLElements=False)
        said += [
            text
            for td in tree.iter("td")
            if (text := "".join(td.itertext())).startswith("f.secret")
        ]
    assert said == expected
