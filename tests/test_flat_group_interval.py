"""A group whose sampled parts all score alike over their data's range has no point interval.

Its replicates are all one score: printed "62.5-62.5" the interval would read as a certainty the
polling places do not give, so it has none and a finding says why (docs/statistics.md, point 4).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import ovm
from ovm.scoring.results import Finding
from tests.test_flat_rule_interval import MISSIONS, VISITS, rubric

Make = Callable[..., Path]

FLAT = "{type: goalposts, low: 50, high: 100}"


def scores(tmp_path: Path, make: Make, rule: str) -> ovm.ScoreSet:
    # q0 kept out of its family: q1, flat over its share's interval, is its only sampled part.
    text = rubric(rule).replace(
        "        question: {en: Q0, es: P0}\n",
        "        question: {en: Q0, es: P0}\n        contributes: false\n",
    )
    root = make(tmp_path, rubric=text, missions=MISSIONS, checklists=VISITS)
    ws = ovm.load_workspace(root)
    return ovm.score(ws.rubric, ws.observations, seed=5, bootstrap=400)


def group_finding(node: str) -> Finding:
    return Finding(
        code="flat-rule-interval",
        message="every resample of the polling places gives it 0.0: the sampled parts below "
        "it score alike over their data's range, so the score has no interval",
        node=node,
        severity="info",
        params={"variant": "group", "score": "0.0"},
    )


def test_a_group_resting_on_a_flat_rule_alone_has_no_interval_and_says_why(
    tmp_path: Path, make_workspace: Make
) -> None:
    card = scores(tmp_path, make_workspace, FLAT).scorecard("m")
    got = [(n.node, n.score, n.interval, n.sampled) for n in (card.node("f0"), card.overall)]
    assert got == [("f0", 0.0, None, True), ("overall", 0.0, None, True)]
    assert [f for f in card.findings if f.params.get("variant") == "group"] == [
        group_finding("f0"),
        group_finding("overall"),
    ]
    assert group_finding("f0").text("es") == (
        "cada remuestreo de los lugares de votación le da 0,0: las partes muestreadas por "
        "debajo puntúan igual en todo el rango de sus datos, por lo que el puntaje no tiene "
        "intervalo"
    )


def test_the_comparison_and_its_csv_show_no_point_interval(
    tmp_path: Path, make_workspace: Make
) -> None:
    scored = scores(tmp_path, make_workspace, FLAT)
    ws = ovm.load_workspace(tmp_path)
    compared = ovm.compare(scored, ws.rubric)
    card = compared.scores.scorecard("m")
    assert [(n.interval, n.sampled) for n in (card.node("f0"), card.overall)] == [
        (None, True),
        (None, True),
    ]


def test_a_group_whose_parts_move_keeps_its_interval(tmp_path: Path, make_workspace: Make) -> None:
    card = scores(tmp_path, make_workspace, "{type: goalposts, low: 0, high: 50}").scorecard("m")
    for node in (card.node("f0"), card.overall):
        assert node.interval is not None and node.interval[1] > node.interval[0], node.node
    assert not [f for f in card.findings if f.params.get("variant") == "group"]
