"""Pass 1 scores a checklist question for the whole cohort from its columns and sends only the
missions a rule stops (too few answers, none, only not applicable, a value outside the bands,
too few polling places) through the rules one by one: in one cohort, every mission gets the
status, interval and findings its own data call for."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest

import ovm
from ovm.scoring.sitestats import wilson

Make = Callable[..., Path]

RUBRIC = """\
ovm_rubric: 1
id: cols
version: "1"
title: {en: Columns}
languages: [en]
bands:
  - {min: 0, max: 50, label: {en: Low}, rating: 2}
  - {min: 50, max: 100, label: {en: High}, rating: 1}
families:
  - id: f
    labels: {en: F}
    min_coverage: 0
    children:
      - {id: q, kind: checklist, source: checklist, labels: {en: Q}, question: {en: Q},
         not_applicable: true, min_answers: 3}
      - {id: b, kind: checklist, source: checklist, labels: {en: B}, question: {en: B},
         min_answers: 1,
         rule: {type: bands, bands: [{max: 50, score: 0}, {min: 50, max: 100, score: 100}]}}
      - {id: n, kind: checklist, source: checklist, labels: {en: N}, question: {en: N},
         answer_type: integer, stat: mean, min_answers: 2,
         rule: {type: goalposts, low: 0, high: 100, direction: lower}}
  - id: s
    labels: {en: S}
    formula: score(q) / 2 + rating(f)
    scale: {min: 0, max: 60}
    bands:
      - {min: 0, max: 60, label: {en: Any}}
"""

MISSIONS = "missions:\n" + "".join(
    f"  - {{id: {m}, country: ARG, name: {m}, election: {{type: general, date: 2024-01-0{d}}}}}\n"
    for d, m in enumerate(["ok", "thin", "blank", "na", "few", "gap", "six", "none"], start=1)
)


def _rows() -> str:
    rows = ["mission,site,q,b,n"]
    # Six places, every question answered: a score and, with replicates, an interval.
    yes = ["no", *["yes"] * 8]  # b: 8 of 9, or 5 of 6, or 1 of 2: each in b's top band
    rows += [f"ok,p{i},{'yes' if i % 3 else 'no'},{yes[i]},{10 * i}" for i in range(9)]
    # Six visits to three places: scored (q needs three), but too few places for an interval.
    rows += [f"thin,p{i % 3},{'yes' if i % 2 else 'no'},{yes[i]},{5 * i}" for i in range(6)]
    # Nobody answered.
    rows += [f"blank,p{i},,," for i in range(4)]
    # Only "not applicable" to q.
    rows += [f"na,p{i},na,no,7" for i in range(5)]
    # Two answers: fewer than q's three.
    rows += [f"few,p{i},yes,{yes[i]},1" for i in range(2)]
    # Every answer yes: 100 %, which b's last band, closed at 100, leaves out.
    rows += [f"gap,p{i},yes,yes,3" for i in range(11)]
    # Exactly six places.
    rows += [f"six,p{i},{'no' if i == 2 else 'yes'},no,{i}" for i in range(6)]
    return "\n".join(rows) + "\n"


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory, make_workspace: Make) -> ovm.Workspace:
    root = make_workspace(
        tmp_path_factory.mktemp("cols"), rubric=RUBRIC, missions=MISSIONS, checklists=_rows()
    )
    return ovm.load_workspace(root)


def _node(card: ovm.Scorecard, node: str) -> tuple[str, bool, list[str]]:
    ns = card.node(node)
    codes = [f.code for f in card.findings if f.node == node]
    return ns.status, ns.interval is not None, codes


def test_each_mission_gets_what_its_own_visits_call_for(workspace: ovm.Workspace) -> None:
    scores = ovm.score(workspace.rubric, workspace.observations, bootstrap=40)
    got = {m: _node(scores.scorecard(m), "q") for m in ["ok", "thin", "blank", "na", "few"]}
    assert got == {
        "ok": ("scored", True, []),
        "thin": ("scored", False, ["too-few-places-for-interval"]),
        "blank": ("missing", False, ["missing-data"]),
        "na": ("not_applicable", False, []),
        "few": ("insufficient", False, ["too-few-answers"]),
    }
    gap = scores.scorecard("gap")
    assert _node(gap, "b") == ("missing", False, ["value-outside-bands"])
    assert gap.node("b").value == 100
    assert _node(scores.scorecard("none"), "q") == ("missing", False, ["missing-data"])
    # A numeric question goes through the same rules.
    assert _node(scores.scorecard("ok"), "n") == ("scored", True, [])
    assert _node(scores.scorecard("blank"), "n") == ("missing", False, ["missing-data"])
    assert _node(scores.scorecard("few"), "n") == (
        "scored",
        False,
        ["too-few-places-for-interval"],
    )
    # A formula reads the other nodes' results of the same mission.
    for m in ["ok", "thin", "six"]:
        card = scores.scorecard(m)
        q, f = card.node("q"), card.node("f")
        assert card.node("s").score == pytest.approx(q.score / 2 + (1 if f.score >= 50 else 2))


@pytest.mark.parametrize(
    ("fewest", "without"),
    [(4, {"thin"}), (6, {"thin"}), (7, {"thin", "six"}), (10, {"thin", "six", "ok"})],
)
def test_an_interval_needs_the_polling_places_asked_for(
    workspace: ovm.Workspace, fewest: int, without: set[str]
) -> None:
    # "ok" has nine places, "six" six, "thin" three.
    scores = ovm.score(workspace.rubric, workspace.observations, bootstrap=40, min_places=fewest)
    for m in ["ok", "six", "thin"]:
        status, interval, codes = _node(scores.scorecard(m), "q")
        assert status == "scored"
        assert interval == (m not in without)
        assert codes == (["too-few-places-for-interval"] if m in without else [])


def test_without_replicates_a_share_has_its_wilson_interval(workspace: ovm.Workspace) -> None:
    scores = ovm.score(workspace.rubric, workspace.observations, bootstrap=0)
    for m, accepted, answered in [("ok", 6, 9), ("thin", 3, 6), ("six", 5, 6)]:
        ns = scores.scorecard(m).node("q")
        low, high = wilson(accepted, answered, 1.959963984540054)
        assert ns.score == pytest.approx(100 * accepted / answered)
        assert ns.interval == pytest.approx((100 * low, 100 * high))
        assert not scores.scorecard(m).findings or all(
            f.code != "too-few-places-for-interval" for f in scores.scorecard(m).findings
        )
    # A numeric statistic has no interval without replicates.
    assert scores.scorecard("ok").node("n").interval is None


@pytest.mark.parametrize("bootstrap", [0, 40])
def test_a_mission_scores_alike_alone_and_among_missions_a_rule_stops(
    workspace: ovm.Workspace, bootstrap: int
) -> None:
    obs = workspace.observations
    together = ovm.score(workspace.rubric, obs, bootstrap=bootstrap)
    for mission in obs.missions:
        alone = ovm.Observations((mission,), obs.sites.filter(pl.col("mission") == mission.id))
        assert ovm.score(workspace.rubric, alone, bootstrap=bootstrap).scorecards == (
            together.scorecard(mission.id),
        )
