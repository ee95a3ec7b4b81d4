"""Scoring, computed by hand: each indicator kind, rule and aggregation method, and the findings.

Every expected number below is worked out in the comment next to it, from the rubric and data
written in the test, not read from the engine's output.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

import ovm
from ovm import Scorecard, ScoreSet

HEAD = """\
ovm_rubric: 1
id: t
version: "1"
title: {en: Test, es: Prueba}
"""


def lab(text: str) -> str:
    return f"{{en: {text}, es: {text}}}"


SCALE = (
    "["
    + ", ".join(
        f"{{key: s{s}, score: {s}, descriptor: {lab(f'S{s}')}}}" for s in (0, 20, 50, 80, 100)
    )
    + "]"
)


def levels(nid: str, weight: float = 1, extra: str = "") -> str:
    return (
        f"      - {{id: {nid}, kind: levels, labels: {lab(nid)}, source: analyst, "
        f"weight: {weight}, levels: {SCALE}{extra}}}\n"
    )


def family(fid: str, children: str, extra: str = "") -> str:
    return f"  - id: {fid}\n    labels: {lab(fid)}\n{extra}    children:\n{children}"


def mission(mid: str, answers: dict[str, str] | None = None, country: str = "ARG") -> str:
    out = (
        f"  - id: {mid}\n    country: {country}\n    name: {mid}\n"
        f"    election: {{type: general, date: 2020-05-01}}\n"
    )
    if answers:
        out += "    answers:\n" + "".join(f"      {k}: {v}\n" for k, v in answers.items())
    return out


Run = Callable[..., ScoreSet]


@pytest.fixture
def run(tmp_path: Path, make_workspace: Callable[..., Path]) -> Run:
    def go(
        rubric: str,
        missions: str,
        *,
        statistics: str | None = None,
        checklists: str | None = None,
        bootstrap: int = 0,
        **config: str,
    ) -> ScoreSet:
        root = make_workspace(
            tmp_path / "ws",
            rubric=rubric,
            missions="missions:\n" + missions,
            statistics=statistics,
            checklists=checklists,
            **config,
        )
        ws = ovm.load_workspace(root)
        assert ws.observations.report.rejected == ()
        return ovm.score(ws.rubric, ws.observations, bootstrap=bootstrap)

    return go


def scores(card: Scorecard) -> dict[str, tuple[str, float | None]]:
    return {
        n.node: (n.status, None if n.score is None else round(n.score, 9))
        for n in (card.overall, *card.nodes)
    }


def findings(card: Scorecard) -> list[tuple[str, str | None, str]]:
    return [(f.code, f.node, f.severity) for f in card.findings]


# --- qualitative ---------------------------------------------------------------------------

QUALITATIVE = (
    HEAD
    + "families:\n"
    + family(
        "law",
        (
            "      - id: law.basis\n        kind: levels\n        labels: {en: Basis, es: Base}\n"
            "        source: legal\n        allow_na: true\n"
            "        levels:\n"
            "          - {key: none, score: 0, descriptor: {en: None, es: Ninguna}}\n"
            "          - {key: statute, score: 60, descriptor: {en: Statute, es: Ley}}\n"
            "          - {key: constitution, score: 100, descriptor: {en: Const, es: Const}}\n"
            "      - {id: law.postal, kind: answer, labels: {en: Postal, es: Postal}, "
            "source: legal, allow_na: true}\n"
            "      - {id: law.custom, kind: answer, labels: {en: Custom, es: Propio}, "
            "source: legal, scores: {yes: 90, partial: null, no: 10}}\n"
        ),
    )
)


def test_levels_and_answers_score_their_listed_values(run: Run) -> None:
    s = run(
        QUALITATIVE,
        mission("m1", {"law.basis": "statute", "law.postal": "partial", "law.custom": "yes"}),
    )
    card = s.scorecard("m1")
    # statute 60, partial 50 (default), yes 90 (custom): (60 + 50 + 90) / 3
    assert scores(card) == {
        "overall": ("scored", round(200 / 3, 9)),
        "law": ("scored", round(200 / 3, 9)),
        "law.basis": ("scored", 60.0),
        "law.postal": ("scored", 50.0),
        "law.custom": ("scored", 90.0),
    }
    assert card.node("law.basis").value == "statute"
    assert card.findings == ()


def test_not_applicable_leaves_the_denominator_and_missing_lowers_coverage(run: Run) -> None:
    s = run(
        QUALITATIVE,
        mission("na", {"law.basis": "n/a", "law.postal": "no", "law.custom": "no"})
        + mission("missing", {"law.postal": "no", "law.custom": "no"}),
    )
    na, missing = s.scorecard("na"), s.scorecard("missing")
    # Both average the two scored answers: (0 + 10) / 2 = 5.
    assert na.node("law").score == missing.node("law").score == 5.0
    assert (na.node("law.basis").status, missing.node("law.basis").status) == (
        "not_applicable",
        "missing",
    )
    # NA: the two applicable children are scored, coverage 1. Missing: 2 of 3 equal weights.
    assert na.node("law").coverage == 1.0
    assert missing.node("law").coverage == pytest.approx(2 / 3)
    assert findings(na) == []
    assert findings(missing) == [("missing-data", "law.basis", "info")]


def test_a_group_below_min_coverage_is_insufficient_not_a_number(run: Run) -> None:
    s = run(QUALITATIVE, mission("m", {"law.postal": "yes"}))
    card = s.scorecard("m")
    # One child of three (equal weights) scored: 1/3 < min_coverage 0.5.
    assert card.node("law").status == "insufficient"
    assert card.node("law").score is None
    assert card.node("law").coverage == pytest.approx(1 / 3)
    assert ("insufficient-coverage", "law", "warning") in findings(card)
    assert card.overall.score is None


# --- aggregation methods -------------------------------------------------------------------


def aggregation_rubric(method: str, extra: str = "") -> str:
    children = levels(f"{method}.a", 1) + levels(f"{method}.b", 2) + levels(f"{method}.c", 1)
    return HEAD + "families:\n" + family(method, children, f"    aggregation: {method}\n{extra}")


# Children score 20, 50, 80 with weights 1, 2, 1.
@pytest.mark.parametrize(
    ("method", "extra", "expected"),
    [
        ("arithmetic", "", (20 + 2 * 50 + 80) / 4),  # 50
        ("geometric", "", (20 * 50 * 50 * 80) ** (1 / 4)),  # 4e6 ** 0.25 = 44.72
        ("harmonic", "", 4 / (1 / 20 + 2 / 50 + 1 / 80)),  # 4 / 0.1025 = 39.02
        ("generalised", "    power: 2\n", math.sqrt((20**2 + 2 * 50**2 + 80**2) / 4)),  # 54.31
        ("generalised", "    power: -1\n", 4 / (1 / 20 + 2 / 50 + 1 / 80)),  # harmonic again
        ("generalised", "    power: 0\n", (20 * 50 * 50 * 80) ** (1 / 4)),  # geometric again
        ("minimum", "", 20.0),
        ("sum", "", 20 * 1 + 50 * 2 + 80 * 1),  # 200: weights as given, not renormalised
    ],
)
def test_each_aggregation_method(run: Run, method: str, extra: str, expected: float) -> None:
    rubric = aggregation_rubric(method, extra)
    s = run(
        rubric, mission("m", {f"{method}.a": "s20", f"{method}.b": "s50", f"{method}.c": "s80"})
    )
    fam = s.scorecard("m").node(method)
    assert fam.status == "scored"
    assert fam.score == pytest.approx(expected, rel=1e-12)
    # A mean's child counts for its share of the weight; a sum's for its weight as given.
    shares = (1, 2, 1) if method == "sum" else (0.25, 0.5, 0.25)
    assert [(c.node, c.weight, c.share) for c in fam.explanation.children] == [
        (f"{method}.a", 1, shares[0]),
        (f"{method}.b", 2, shares[1]),
        (f"{method}.c", 1, shares[2]),
    ]


@pytest.mark.parametrize(
    ("method", "extra", "status"),
    [
        ("geometric", "", "undefined"),
        ("harmonic", "", "undefined"),
        ("generalised", "    power: -1\n", "undefined"),
        ("arithmetic", "", "scored"),
        ("minimum", "", "scored"),
    ],
)
def test_a_zero_under_geometric_like_means_is_undefined_with_a_finding(
    run: Run, method: str, extra: str, status: str
) -> None:
    s = run(
        aggregation_rubric(method, extra),
        mission("m", {f"{method}.a": "s0", f"{method}.b": "s50", f"{method}.c": "s80"}),
    )
    card = s.scorecard("m")
    fam = card.node(method)
    assert fam.status == status
    if status == "undefined":
        assert fam.score is None
        assert ("aggregation-undefined", method, "warning") in findings(card)
    else:
        assert "aggregation-undefined" not in [f.code for f in card.findings]


@pytest.mark.parametrize("method", ["geometric", "harmonic", "generalised", "arithmetic"])
def test_a_mean_of_perfect_scores_is_exactly_100(run: Run, method: str) -> None:
    # exp(log(100)) is 100.00000000000004 in floating point: a mean stays within its inputs.
    extra = "    power: 3\n" if method == "generalised" else ""
    children = levels("g.a", 0.7) + levels("g.b", 0.1) + levels("g.c", 0.2)
    rubric = HEAD + "families:\n" + family("g", children, f"    aggregation: {method}\n{extra}")
    for answers in ({"g.a": "s100"}, {"g.a": "s100", "g.b": "s100", "g.c": "s100"}):
        card = run(rubric, mission("m", answers)).scorecard("m")
        assert card.node("g").score == 100.0
        assert card.overall.score == 100.0


def test_improving_the_zero_that_made_a_family_undefined_never_lowers_overall(run: Run) -> None:
    rubric = (
        HEAD
        + "families:\n"
        + family("a", levels("a.x"))
        + family("g", levels("g.x") + levels("g.y"), "    aggregation: geometric\n")
    )
    worse = run(rubric, mission("m", {"a.x": "s100", "g.x": "s0", "g.y": "s50"})).scorecard("m")
    better = run(rubric, mission("m", {"a.x": "s100", "g.x": "s20", "g.y": "s50"})).scorecard("m")
    assert worse.node("g").status == "undefined"
    # The undefined family makes the overall undefined rather than dropping out of it.
    assert (worse.overall.status, worse.overall.score) == ("undefined", None)
    assert ("undefined-child", "overall", "warning") in findings(worse)
    assert better.overall.score == pytest.approx((100 + (20 * 50) ** 0.5) / 2)


def test_weights_are_renormalised_over_the_scored_children(run: Run) -> None:
    children = levels("g.a", 1) + levels("g.b", 2) + levels("g.c", 1)
    rubric = HEAD + "families:\n" + family("g", children)
    s = run(rubric, mission("m", {"g.a": "s20", "g.c": "s80"}))
    fam = s.scorecard("m").node("g")
    # b (weight 2 of 4) is missing: 2/4 = 0.5 scored meets min_coverage 0.5; (20 + 80) / 2.
    assert (fam.status, fam.score, fam.coverage) == ("scored", 50.0, 0.5)
    assert [(c.node, c.status, c.share) for c in fam.explanation.children] == [
        ("g.a", "scored", 0.5),
        ("g.b", "missing", None),
        ("g.c", "scored", 0.5),
    ]
    strict = run(
        rubric.replace("    children:", "    min_coverage: 0.6\n    children:", 1),
        mission("m", {"g.a": "s20", "g.c": "s80"}),
    ).scorecard("m")
    assert (strict.node("g").status, strict.node("g").coverage) == ("insufficient", 0.5)
    assert ("insufficient-coverage", "g", "warning") in findings(strict)


# --- checklists ----------------------------------------------------------------------------

AWAY_RULE = "rule: {type: goalposts, low: 0, high: 20, direction: lower}"
CHECKLIST = (
    HEAD
    + f"""\
families:
  - id: p
    labels: {{en: Practice, es: Práctica}}
    children:
      - id: p.open
        kind: checklist
        labels: {{en: Open, es: Abierto}}
        source: checklist
        question: {{en: Open, es: Abierto}}
        not_applicable: true
        min_answers: 3
      - id: p.open_rule
        kind: checklist
        labels: {{en: Open, es: Abierto}}
        source: checklist
        question: {{en: Open, es: Abierto}}
        not_applicable: true
        min_answers: 3
        rule: {{type: goalposts, low: 50, high: 100}}
      - id: p.queue
        kind: checklist
        labels: {{en: Queue, es: Fila}}
        source: checklist
        question: {{en: Minutes, es: Minutos}}
        answer_type: integer
        minimum: 0
        stat: median
        min_answers: 3
        rule: {{type: goalposts, low: 10, high: 120, direction: lower}}
      - id: p.away
        kind: checklist
        labels: {{en: Away, es: Rechazados}}
        source: checklist
        question: {{en: Away, es: Rechazados}}
        answer_type: integer
        minimum: 0
        stat: mean
        min_answers: 3
        {AWAY_RULE}
"""
)

SITES = """\
mission,site,p.open,p.open_rule,p.queue,p.away,notes
m1,s1,yes,yes,15,0,
m1,s2,yes,yes,40,2,long queue
m1,s3,no,no,5,0,
m1,s4,na,na,,1,
m1,s5,,,,,
"""


def wilson_by_quadratic(accepted: int, n: int, z: float = 1.959963984540054) -> tuple:
    # The Wilson bounds solve (p_hat - p)^2 = z^2 p (1 - p) / n, a quadratic in p.
    p_hat = accepted / n
    a, b, c = 1 + z * z / n, -(2 * p_hat + z * z / n), p_hat * p_hat
    disc = math.sqrt(b * b - 4 * a * c)
    return ((-b - disc) / (2 * a), (-b + disc) / (2 * a))


def test_wilson_interval_matches_hand_computation() -> None:
    for accepted, n in [(2, 3), (0, 10), (5, 10), (9, 9)]:
        assert ovm.wilson(accepted, n) == pytest.approx(wilson_by_quadratic(accepted, n), abs=1e-12)
    # Published values for 0/10 and 5/10 at 95 %.
    assert ovm.wilson(0, 10) == pytest.approx((0.0, 0.2775), abs=5e-5)
    assert ovm.wilson(5, 10) == pytest.approx((0.2366, 0.7634), abs=5e-5)


def test_checklist_share_excludes_not_applicable_and_unanswered(run: Run) -> None:
    s = run(CHECKLIST, mission("m1"), checklists=SITES)
    card = s.scorecard("m1")
    node = card.node("p.open")
    # yes, yes, no answered (3), na leaves the denominator, blank is not observed: 2/3.
    assert (node.status, node.value, node.score) == ("scored", 200 / 3, 200 / 3)
    lo, hi = wilson_by_quadratic(2, 3)
    assert node.interval == pytest.approx((100 * lo, 100 * hi), abs=1e-9)
    (inp,) = node.explanation.inputs
    assert (inp.n, inp.accepted, inp.not_applicable, inp.not_observed) == (3, 2, 1, 1)
    # The same share through goalposts 50 -> 0, 100 -> 100: (66.67 - 50) / 50 * 100.
    ruled = card.node("p.open_rule")
    assert ruled.score == pytest.approx((200 / 3 - 50) * 2)
    assert ruled.interval == pytest.approx((0.0, (100 * hi - 50) * 2), abs=1e-9)
    assert card.sites == 5


def test_numeric_checklists_use_their_statistic_and_rule(run: Run) -> None:
    card = run(CHECKLIST, mission("m1"), checklists=SITES).scorecard("m1")
    # median of 15, 40, 5 = 15; lower is better from 10 to 120: 100 * (1 - 5 / 110)
    assert card.node("p.queue").value == 15
    assert card.node("p.queue").score == pytest.approx(100 * (1 - 5 / 110))
    # mean of 0, 2, 0, 1 = 0.75; lower is better from 0 to 20: 100 * (1 - 0.75 / 20)
    assert card.node("p.away").value == 0.75
    assert card.node("p.away").score == pytest.approx(96.25)
    assert card.node("p.queue").interval is None


@pytest.mark.parametrize(
    ("stat", "expected"),
    [
        ("mean", 0.75),
        ("median", 0.5),
        ("min", 0.0),
        ("max", 2.0),
        ("sum", 3.0),
        ("count", 4.0),
    ],
)
def test_every_numeric_statistic(run: Run, stat: str, expected: float) -> None:
    rubric = CHECKLIST.replace(
        f"stat: mean\n        min_answers: 3\n        {AWAY_RULE}",
        f"stat: {stat}\n        min_answers: 3\n        rule: {{type: identity}}",
    )
    assert rubric != CHECKLIST
    # p.away answers 0, 2, 0, 1: median (0 + 1) / 2 = 0.5, four answers.
    card = run(rubric, mission("m1"), checklists=SITES).scorecard("m1")
    assert (card.node("p.away").value, card.node("p.away").score) == (expected, expected)


def test_too_few_visits_is_insufficient_with_a_finding(run: Run) -> None:
    sites = "mission,site,p.open\nm1,s1,yes\nm1,s2,no\n"
    card = run(CHECKLIST, mission("m1"), checklists=sites).scorecard("m1")
    node = card.node("p.open")
    assert (node.status, node.score, node.value) == ("insufficient", None, 50.0)
    assert ("too-few-answers", "p.open", "warning") in findings(card)


def test_a_question_answered_only_not_applicable_is_not_applicable(run: Run) -> None:
    sites = "mission,site,p.open\nm1,s1,na\nm1,s2,n/a\n"
    card = run(CHECKLIST, mission("m1"), checklists=sites).scorecard("m1")
    assert card.node("p.open").status == "not_applicable"
    assert card.node("p.queue").status == "missing"


def test_a_leaf_without_a_score_covers_nothing(run: Run) -> None:
    sites = "mission,site,p.open,p.queue,p.away\nm1,s1,na,1,0\nm1,s2,n/a,2,1\nm1,s3,,3,\n"
    card = run(CHECKLIST, mission("m1"), checklists=sites).scorecard("m1")
    assert {n.node: (n.status, n.coverage) for n in card.nodes} == {
        "p": ("insufficient", 0.25),
        "p.open": ("missing", 0.0),
        "p.open_rule": ("missing", 0.0),
        "p.queue": ("scored", 1.0),
        "p.away": ("insufficient", 0.0),
    }


def test_a_share_in_no_band_is_missing_with_a_finding(run: Run) -> None:
    rubric = CHECKLIST.replace(
        "rule: {type: goalposts, low: 50, high: 100}",
        "rule: {type: bands, bands: [{min: 70, score: 100}]}",
    )
    card = run(rubric, mission("m1"), checklists=SITES).scorecard("m1")
    node = card.node("p.open_rule")
    assert (node.status, node.score, node.interval) == ("missing", None, None)
    assert node.value == pytest.approx(200 / 3)
    assert ("value-outside-bands", "p.open_rule", "warning") in findings(card)


def test_a_cohort_rule_leaves_the_indicator_pending(run: Run) -> None:
    rubric = CHECKLIST.replace(
        "rule: {type: goalposts, low: 50, high: 100}", "rule: {type: cohort}"
    )
    card = run(rubric, mission("m1"), checklists=SITES).scorecard("m1")
    node = card.node("p.open_rule")
    assert (node.status, node.score, node.value) == ("pending", None, 200 / 3)
    # Pending children leave the family's denominator, like not applicable ones.
    assert card.node("p").coverage == 1.0


def test_simulated_checklists_are_flagged_with_a_finding(run: Run) -> None:
    sites = SITES.replace("notes\n", "notes,simulated\n").replace(",\n", ",,yes\n")
    sites = sites.replace("long queue\n", "long queue,yes\n")
    s = run(CHECKLIST, mission("m1") + mission("m2"), checklists=sites)
    card = s.scorecard("m1")
    assert card.simulated is True
    assert ("simulated-data", None, "warning") in findings(card)
    assert s.scorecard("m2").simulated is False
    rows = list(csv.DictReader(io.StringIO(ovm.scores_csv(s))))
    assert {(r["mission"], r["simulated"]) for r in rows} == {("m1", "yes"), ("m2", "no")}


def test_observer_notes_travel_with_the_scores_they_explain(run: Run) -> None:
    card = run(CHECKLIST, mission("m1"), checklists=SITES).scorecard("m1")
    assert [(n.site, n.text) for n in card.notes] == [("s2", "long queue")]
    assert card.notes_total == 1


# --- quantitative --------------------------------------------------------------------------

RULES = {
    "q.up": "{type: goalposts, low: 10, high: 60}",
    "q.down": "{type: goalposts, low: 10, high: 60, direction: lower}",
    "q.bands": "{type: bands, bands: [{max: 1, score: 100}, {min: 1, max: 5, score: 50}, "
    "{min: 5, score: 0}]}",
    "q.target": "{type: target, target: 25, tolerance: 2, span: 10}",
    "q.identity": "{type: identity}",
    "q.cohort": "{type: cohort}",
}
QUANT = (
    HEAD
    + (
        "variables:\n"
        "  - {name: x, labels: {en: X, es: X}, unit: u, source: statistics}\n"
        "  - {name: a, labels: {en: A, es: A}, unit: u, source: statistics}\n"
        # b may be "not applicable" (allow_na): the tests read what that does to a formula
        "  - {name: b, labels: {en: B, es: B}, unit: u, source: statistics, allow_na: true}\n"
        "families:\n"
    )
    + family(
        "q",
        "".join(
            f"      - {{id: {nid}, kind: quantitative, labels: {lab(nid)}, source: statistics, "
            f"formula: x, rule: {rule}}}\n"
            for nid, rule in RULES.items()
        )
        + "      - {id: q.ratio, kind: quantitative, labels: {en: R, es: R}, source: statistics, "
        "formula: a / b * 100, rule: {type: identity}}\n",
    )
)


@pytest.mark.parametrize(
    ("x", "expected"),
    [
        # up: (x - 10) / 50 clipped; down: 1 - that; bands by range; target 25 +- 2, 0 at 12 beyond
        (20, {"q.up": 20, "q.down": 80, "q.bands": 0, "q.target": 70, "q.identity": 20}),
        (0, {"q.up": 0, "q.down": 100, "q.bands": 100, "q.target": 0, "q.identity": 0}),
        (3, {"q.up": 0, "q.down": 100, "q.bands": 50, "q.target": 0, "q.identity": 3}),
        (26.5, {"q.up": 33, "q.down": 67, "q.bands": 0, "q.target": 100, "q.identity": 26.5}),
        (31, {"q.up": 42, "q.down": 58, "q.bands": 0, "q.target": 60, "q.identity": 31}),
        (100, {"q.up": 100, "q.down": 0, "q.bands": 0, "q.target": 0, "q.identity": 100}),
        (-7, {"q.up": 0, "q.down": 100, "q.bands": 100, "q.target": 0, "q.identity": 0}),
    ],
)
def test_every_scoring_rule(run: Run, x: float, expected: dict[str, float]) -> None:
    card = run(QUANT, mission("m"), statistics=f"mission,x,a,b\nm,{x},1,2\n").scorecard("m")
    got = {nid: card.node(nid).score for nid in expected}
    assert got == pytest.approx(expected, abs=1e-9)
    assert all(card.node(nid).value == x for nid in expected)
    cohort = card.node("q.cohort")
    assert (cohort.status, cohort.score, cohort.value) == ("pending", None, x)
    assert card.node("q.ratio").score == 50.0  # 1 / 2 * 100


def test_a_value_in_no_band_is_missing_with_a_finding(run: Run) -> None:
    # The rule's only band ends at 1: 3 is above it.
    rubric = QUANT.replace(", {min: 1, max: 5, score: 50}, {min: 5, score: 0}]", "]")
    card = run(rubric, mission("m"), statistics="mission,x,a,b\nm,3,1,2\n").scorecard("m")
    assert (card.node("q.bands").status, card.node("q.bands").value) == ("missing", 3)
    assert ("value-outside-bands", "q.bands", "warning") in findings(card)


def test_division_by_zero_is_missing_with_a_finding_never_a_silent_zero(run: Run) -> None:
    card = run(QUANT, mission("m"), statistics="mission,x,a,b\nm,1,5,0\n").scorecard("m")
    node = card.node("q.ratio")
    assert (node.status, node.score, node.value) == ("missing", None, None)
    assert [(f.code, f.severity) for f in card.findings if f.node == "q.ratio"] == [
        ("division-by-zero", "warning")
    ]


def test_missing_and_not_applicable_inputs(run: Run) -> None:
    s = run(
        QUANT, mission("gone") + mission("na"), statistics="mission,x,a,b\ngone,1,5,\nna,1,5,n/a\n"
    )
    gone, na = s.scorecard("gone"), s.scorecard("na")
    assert gone.node("q.ratio").status == "missing"
    assert [(f.code, f.message) for f in gone.findings if f.node == "q.ratio"] == [
        ("missing-input", "no value for b")
    ]
    assert na.node("q.ratio").status == "not_applicable"
    assert [f for f in na.findings if f.node == "q.ratio"] == []
    # q.cohort is pending and leaves the denominator: 5 of 6 scored when b is missing.
    assert gone.node("q").coverage == pytest.approx(5 / 6)
    assert na.node("q").coverage == 1.0


def test_explanations_carry_inputs_with_their_provenance(run: Run, tmp_path: Path) -> None:
    s = run(QUANT, mission("m"), statistics="mission,x,a,a__source,b\nm,1,5,EMB,2\n")
    expl = s.scorecard("m").node("q.ratio").explanation
    assert expl.formula == "a / b * 100"
    assert expl.raw_value == 250.0
    assert expl.rule == "identity (value is the score, clipped to 0-100)"
    assert expl.score == 100.0
    assert [
        (
            i.name,
            i.kind,
            i.status,
            i.value,
            i.provenance.source,
            Path(i.provenance.file).name,
            i.provenance.line,
        )
        for i in expl.inputs
    ] == [
        ("a", "variable", "value", 5.0, "EMB", "statistics.csv", 2),
        ("b", "variable", "value", 2.0, None, "statistics.csv", 2),
    ]
    q = run(QUALITATIVE, mission("m", {"law.basis": "{value: statute, source: Law 12}"}))
    (inp,) = q.scorecard("m").node("law.basis").explanation.inputs
    # missions.yaml: line 1 "missions:", the mission starts on line 2; answers on line 7.
    assert (inp.value, inp.provenance.source, inp.provenance.line) == ("statute", "Law 12", 7)


SITE_VAR = (
    HEAD
    + (
        "variables:\n"
        "  - {name: away_mean, labels: {en: Away, es: Rechazados}, unit: voters, "
        "source: checklist, from_sites: {question: p.away, stat: mean}}\n"
        "families:\n"
    )
    + family(
        "p",
        (
            "      - {id: p.away, kind: checklist, labels: {en: Away, es: Rechazados}, "
            "source: checklist, question: {en: Away, es: Rechazados}, answer_type: integer, "
            "minimum: 0, stat: mean, min_answers: 3, rule: {type: identity}}\n"
            "      - {id: p.away_score, kind: quantitative, labels: {en: S, es: S}, "
            "source: checklist, formula: away_mean * 10, rule: {type: identity}}\n"
        ),
    )
)


def test_variables_from_sites_feed_formulas(run: Run) -> None:
    sites = "mission,site,p.away\nm1,s1,0\nm1,s2,2\nm1,s3,0\nm1,s4,1\nm2,s1,1\nm2,s2,1\n"
    s = run(SITE_VAR, mission("m1") + mission("m2"), checklists=sites)
    # m1: mean 0.75 * 10 = 7.5. m2 has two answers, under min_answers 3.
    assert s.scorecard("m1").node("p.away_score").score == 7.5
    m2 = s.scorecard("m2")
    assert m2.node("p.away_score").status == "missing"
    assert ("too-few-answers", "p.away_score", "warning") in findings(m2)


# The visits of SITES twice over, at five more polling places: enough places for intervals.
SITES_TEN = SITES + "".join(
    line.replace(f"m1,s{i}", f"m1,s{i + 5}") + "\n"
    for i, line in enumerate(SITES.splitlines()[1:], start=1)
)


def test_bootstrap_gives_intervals_that_contain_the_score(run: Run) -> None:
    s = run(CHECKLIST, mission("m1"), checklists=SITES_TEN, bootstrap=100)
    card = s.scorecard("m1")
    for node in ("p.open", "p.open_rule", "p.queue", "p.away", "p", "overall"):
        ns = card.node(node)
        assert ns.sampled
        lo, hi = ns.interval
        assert lo <= ns.score <= hi
    assert not [f for f in card.findings if f.code == "too-few-places-for-interval"]
    again = run(CHECKLIST, mission("m1"), checklists=SITES_TEN, bootstrap=100)
    assert again.to_json() == s.to_json()


def test_too_few_places_give_no_interval_and_say_why(run: Run) -> None:
    card = run(CHECKLIST, mission("m1"), checklists=SITES, bootstrap=100).scorecard("m1")
    # p.open was answered at 3 places, p.away at 4: below 5, no node above them has an
    # interval either, though each is still sampled.
    for node in ("p.open", "p.away", "p", "overall"):
        ns = card.node(node)
        assert (ns.status, ns.sampled, ns.interval) == ("scored", True, None), node
    thin = {
        (f.node, f.params["n"], f.params["needed"])
        for f in card.findings
        if f.code == "too-few-places-for-interval"
    }
    assert ("p.open", "3", "5") in thin and ("p.away", "4", "5") in thin


def test_bands_label_every_scored_node(run: Run) -> None:
    rubric = QUALITATIVE.replace(
        "families:",
        (
            "bands:\n  - {min: 0, max: 50, label: {en: Weak, es: Débil}}\n"
            "  - {min: 50, max: 100, label: {en: Strong, es: Fuerte}}\nfamilies:"
        ),
    )
    card = run(
        rubric, mission("m", {"law.basis": "none", "law.postal": "yes", "law.custom": "yes"})
    ).scorecard("m")
    # 0 -> Weak, 100 -> Strong (100 belongs to the last band), 90 -> Strong, mean 63.3 -> Strong
    assert [(n.node, n.band, n.band_label) for n in (card.overall, *card.nodes)] == [
        ("overall", 1, "Strong"),
        ("law", 1, "Strong"),
        ("law.basis", 0, "Weak"),
        ("law.postal", 1, "Strong"),
        ("law.custom", 1, "Strong"),
    ]


def test_score_records_what_it_was_computed_from(run: Run) -> None:
    s = run(QUALITATIVE, mission("m", {"law.postal": "yes"}))
    rubric = ovm.load_rubric(QUALITATIVE)
    assert (s.rubric.id, s.rubric.version, s.rubric.sha256) == ("t", "1", rubric.digest())
    assert len(s.data_sha256) == 64
    assert s.format == "ovm-scores/2"


def test_mini_workspace_by_hand(mini: Path) -> None:
    ws = ovm.load_workspace(mini)
    card = ovm.score(ws.rubric, ws.observations, bootstrap=0).scorecard("aaa-2020")
    # turnout 350 / 1000 = 35 % -> (35 - 10) / 50 = 50; basis constitution 100; postal n/a
    assert card.node("rights").score == 75.0
    # on_time yes, no, yes (na left out): 2/3; queue median(15, 40, 5) = 15 -> 95.45;
    # turned away mean(0, 2, 0, 1) = 0.75 -> 96.25 and, through bands (< 1), 100.
    practice = (200 / 3 + 100 * (1 - 5 / 110) + 96.25 + 100) / 4
    assert card.node("practice").score == pytest.approx(practice)
    # rights weight 1, practice weight 2, the comparative family pending.
    assert card.overall.score == pytest.approx((75 + 2 * practice) / 3)
    assert card.node("comparative").status == "pending"
    assert np.isclose(card.overall.coverage, 1.0)


def test_a_node_or_mission_the_scores_do_not_hold_is_a_key_error_that_names_the_closest() -> None:
    """Asking a scorecard for a misspelt node (or the scores for a misspelt mission) is still
    a KeyError, and says which id was meant."""
    from ovm.scoring.results import NotHeldError

    ws = ovm.load_workspace(Path(__file__).parent.parent / "examples")
    scores = ovm.score(ws.rubric, ws.observations, bootstrap=0)
    with pytest.raises(KeyError) as node:
        scores.scorecard("mex-2024").node("practice.secrety")
    with pytest.raises(KeyError) as mission:
        scores.scorecard("mex-2042")
    with pytest.raises(KeyError) as far:
        scores.scorecard("mex-2024").node("nothing.like.it")
    assert [(type(e.value), str(e.value)) for e in (node, mission, far)] == [
        (
            NotHeldError,
            "no node 'practice.secrety' in the scores: did you mean 'practice.secrecy'?",
        ),
        (NotHeldError, "no mission 'mex-2042' in the scores: did you mean 'mex-2024'?"),
        (NotHeldError, "no node 'nothing.like.it' in the scores"),
    ]
    import pickle

    again = pickle.loads(pickle.dumps(node.value))
    assert (type(again), str(again)) == (NotHeldError, str(node.value))


def test_a_ranking_the_comparison_does_not_hold_is_a_key_error_that_names_the_closest() -> None:
    """``run.rank`` for a misspelt node says which ranked node was meant (it raised a bare
    KeyError naming only the node)."""
    from ovm.scoring.results import NotHeldError

    run = ovm.analyse(Path(__file__).parent.parent / "examples", ovm.Settings(bootstrap=0))
    with pytest.raises(KeyError) as node:
        run.rank("mex-2024", "practice.secrety")
    assert (type(node.value), str(node.value)) == (
        NotHeldError,
        "no ranked node 'practice.secrety' in the scores: did you mean 'practice.secrecy'?",
    )
    assert run.rank("mex-2024", "practice.secrecy").mission == "mex-2024"
