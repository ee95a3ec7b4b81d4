"""The minimum of answers (``min_answers``) counts polling places, not visits.

Two visits to one place are not two independent observations (docs/statistics.md): one place
visited six times is one place, short of the five needed, where six places visited once each
are scored. Repeated visits still enter the value, which does not change.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ovm
from ovm.cli.app import main
from ovm.scoring.results import Finding, ScoreSet
from tests.test_flat_rule_interval import rubric

Make = Callable[..., Path]

MISSIONS = "missions:\n" + "".join(
    f"  - {{id: {m}, country: {c}, name: {m}, election: {{type: general, date: 2024-0{k}-01}}}}\n"
    for k, (m, c) in enumerate((("one", "ARG"), ("six", "BOL"), ("five", "CHL")), start=1)
)

# The same six answers of q0 and q1 for each mission: at one place (one), at six places (six),
# at five places with one of them visited twice (five).
ANSWERS = [
    ("yes", "yes"),
    ("yes", "no"),
    ("no", "yes"),
    ("yes", "yes"),
    ("yes", "no"),
    ("no", "no"),
]
SITES = {"one": [0] * 6, "six": [0, 1, 2, 3, 4, 5], "five": [0, 1, 2, 3, 4, 4]}
VISITS = "mission,site,q0,q1\n" + "".join(
    f"{m},{m}-{site},{a},{b}\n"
    for m, sites in SITES.items()
    for site, (a, b) in zip(sites, ANSWERS, strict=True)
)


def test_answers_from_fewer_places_than_the_minimum_are_not_scored(
    tmp_path: Path, make_workspace: Make, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_workspace(
        tmp_path, rubric=rubric("{type: identity}"), missions=MISSIONS, checklists=VISITS
    )
    assert main(["compare", str(root), "-q", "--format", "csv"]) == 0
    table = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    head = table[0]
    cols = [head.index(c) for c in ("node", "mission", "rank", "score", "status")]
    got = sorted(tuple(r[k] for k in cols) for r in table[1:] if r[cols[0]] in ("q0", "f0"))
    # Four "yes" of six: 66.7 wherever the visits were made.
    share = "66.6666666667"
    assert got == [
        ("f0", "five", "1", "58.3333333333", "scored"),
        ("f0", "one", "", "", "insufficient"),
        ("f0", "six", "1", "58.3333333333", "scored"),
        ("q0", "five", "1", share, "scored"),
        ("q0", "one", "", "", "insufficient"),
        ("q0", "six", "1", share, "scored"),
    ]
    assert main(["score", str(root), "-q", "--format", "json"]) == 0
    card = ScoreSet.from_json(capsys.readouterr().out).scorecard("one")
    said = [f for f in card.findings if f.code == "too-few-answers"]
    assert said == [
        Finding(
            code="too-few-answers",
            message="1 polling place answered; at least 5 needed",
            node=q,
            severity="warning",
            params={"n": "1", "needed": "5", "variant": "places"},
        )
        for q in ("q0", "q1")
    ]
    assert [said[0].text(lang) for lang in ("es", "fr", "pt")] == [
        "1 lugar de votación respondió; se necesitan al menos 5",
        "1 bureau de vote a répondu\u202f; il en faut au moins 5",
        "1 local de votação respondeu; são necessários pelo menos 5",
    ]
    assert card.node("q0").value == pytest.approx(200 / 3)


@settings(max_examples=15, deadline=None)
@given(sites=st.lists(st.integers(0, 7), min_size=1, max_size=12))
def test_a_question_is_scored_exactly_when_enough_places_answered_it(
    tmp_path_factory: pytest.TempPathFactory, make_workspace: Make, sites: list[int]
) -> None:
    answers = ["yes" if k % 3 else "no" for k in range(len(sites))]
    visits = "mission,site,q0,q1\n" + "".join(
        f"one,p{site},{a},{a}\n" for site, a in zip(sites, answers, strict=True)
    )
    root = make_workspace(
        tmp_path_factory.mktemp("places"),
        rubric=rubric("{type: identity}"),
        missions=MISSIONS,
        checklists=visits,
    )
    ws = ovm.load_workspace(root)
    q0 = ovm.score(ws.rubric, ws.observations, bootstrap=0).scorecard("one").node("q0")
    places = len(set(sites))
    # Every visit enters the value, however many share a place.
    assert q0.value == pytest.approx(100 * answers.count("yes") / len(answers))
    assert q0.status == ("scored" if places >= 5 else "insufficient")
