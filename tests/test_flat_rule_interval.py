"""A score whose rule is flat over its value's interval gets no point interval, but a reason."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import ovm
from ovm.scoring.results import Finding

Make = Callable[..., Path]

MISSIONS = """\
missions:
  - {id: m, country: ARG, name: M, election: {type: general, date: 2024-01-01}}
"""


def rubric(rule: str) -> str:
    """Two yes/no questions in one family; q1 scored through ``rule``."""
    return f"""\
ovm_rubric: 1
id: flat
version: "1"
title: {{en: Flat, es: Plano}}
families:
  - id: f0
    labels: {{en: F0, es: F0}}
    children:
      - id: q0
        kind: checklist
        source: checklist
        labels: {{en: Q0, es: P0}}
        question: {{en: Q0, es: P0}}
      - id: q1
        kind: checklist
        source: checklist
        labels: {{en: Q1, es: P1}}
        question: {{en: Q1, es: P1}}
        rule: {rule}
"""


# Eight places visited once; one "yes" of eight on q1: its share (12.5 %) is uncertain, but
# every plausible share is below the 50 % goalpost, where the rule scores 0.
VISITS = "mission,site,q0,q1\n" + "".join(
    f"m,s{p},{'yes' if p % 3 else 'no'},{'yes' if p == 0 else 'no'}\n" for p in range(8)
)


def card(tmp_path: Path, make: Make, rule: str) -> ovm.Scorecard:
    root = make(tmp_path, rubric=rubric(rule), missions=MISSIONS, checklists=VISITS)
    ws = ovm.load_workspace(root)
    return ovm.score(ws.rubric, ws.observations, seed=5, bootstrap=400).scorecard("m")


def test_a_rule_flat_over_the_share_interval_gives_no_point_interval(
    tmp_path: Path, make_workspace: Make
) -> None:
    flat = card(tmp_path / "flat", make_workspace, "{type: goalposts, low: 50, high: 100}")
    # The same replicates scored as the share itself: its interval is the share's interval.
    share = card(tmp_path / "share", make_workspace, "{type: identity}").node("q1")
    assert share.interval is not None
    low, high = share.interval
    assert 0.0 <= low < 12.5 < high < 50.0
    q1 = flat.node("q1")
    assert (q1.score, q1.interval, q1.sampled) == (0.0, None, True)
    assert [f for f in flat.findings if f.code == "flat-rule-interval"] == [
        Finding(
            code="flat-rule-interval",
            message=f"every value in the interval {low:.1f}-{high:.1f} scores 0.0 under the "
            "rule: the score has no interval",
            node="q1",
            severity="info",
            params={"low": f"{low:.1f}", "high": f"{high:.1f}", "score": "0.0"},
        )
    ]
    # Its replicates still go up the tree: the family and the overall keep their intervals.
    for node in (flat.node("f0"), flat.overall):
        assert node.interval is not None and node.interval[1] > node.interval[0], node.node


def test_a_rule_that_moves_over_the_interval_keeps_the_interval(
    tmp_path: Path, make_workspace: Make
) -> None:
    # Goalposts at 0 and 50: the same share interval maps onto a range of scores.
    got = card(tmp_path, make_workspace, "{type: goalposts, low: 0, high: 50}")
    q1 = got.node("q1")
    assert q1.interval is not None and q1.interval[1] > q1.interval[0]
    assert not [f for f in got.findings if f.code == "flat-rule-interval"]


def test_the_sensitivity_analysis_varies_an_indicator_flat_over_its_interval(
    tmp_path: Path, make_workspace: Make
) -> None:
    # Two missions whose only sampled indicator (q1) is flat over its share's interval: no
    # scorecard interval, but sampling is varied with its replicates, as docs/statistics.md says.
    missions = MISSIONS + (
        "  - {id: n, country: ARG, name: N, election: {type: general, date: 2024-02-01}}\n"
    )
    # q0 answered at 3 places only: no interval, so q1 is the only indicator to vary.
    visits = "mission,site,q0,q1\n" + "".join(
        f"{m},{m}{p},{'yes' if p < 3 else ''},{'yes' if m == 'm' and p == 0 else 'no'}\n"
        for m in ("m", "n")
        for p in range(8)
    )
    root = make_workspace(
        tmp_path,
        rubric=rubric("{type: goalposts, low: 50, high: 100}").replace(
            "        question: {en: Q0, es: P0}\n",
            "        question: {en: Q0, es: P0}\n        contributes: false\n",
        ),
        missions=missions,
        checklists=visits,
    )
    ws = ovm.load_workspace(root)
    scores = ovm.score(ws.rubric, ws.observations, seed=5, bootstrap=400)
    for card in scores.scorecards:
        q0, q1 = card.node("q0"), card.node("q1")
        assert (q0.interval, q1.interval, q1.sampled) == (None, None, True), card.mission.id
    result = ovm.sensitivity(
        scores,
        ws.rubric,
        ovm.SensitivitySettings(runs=20, choices=("weights", "sampling"), sampling_draws=10),
        seed=1,
        observations=ws.observations,
    )
    assert result.draws == 10
    assert [n for n in result.notes if n.startswith("sampling")] == [
        "sampling: the engine's bootstrap replicates of the indicators with an interval or a "
        "rule flat over their value's interval, 10 draws (replicates of one mission's "
        "polling places move its indicators together)"
    ]
