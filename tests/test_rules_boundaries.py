"""Every scoring rule and every band at its edges, and the intervals rules give to shares.

The conventions under test (docs/rubric.md): a value band holds its ``min`` and not its ``max``;
a score band likewise, except that the top band also holds 100; goalposts are linear and
clipped; a target scores 100 within ``tolerance`` and falls to 0 over ``span`` beyond it. A
checklist share's interval is the range of scores its rule gives within the Wilson interval.
Expected numbers are worked out by hand in the tables, not read from the engine.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

import ovm
from ovm import Rubric, ScoreSet

HEAD = """\
ovm_rubric: 1
id: edges
version: "1"
title: {en: Edges}
languages: [en]
bands:
  - {min: 0, max: 50, label: {en: Weak}}
  - {min: 50, max: 80, label: {en: Fair}}
  - {min: 80, max: 100, label: {en: Strong}}
"""

VALUE_RULES = {
    "r.identity": "{type: identity}",
    "r.up": "{type: goalposts, low: 10, high: 60}",
    "r.upx": "{type: goalposts, low: 10, high: 60, direction: higher}",
    "r.down": "{type: goalposts, low: 10, high: 60, direction: lower}",
    # Open at both ends.
    "r.bands": "{type: bands, bands: [{max: 1, score: 100}, {min: 1, max: 5, score: 50}, "
    "{min: 5, max: 10, score: 20}, {min: 10, score: 0}]}",
    # Closed at both ends, scores rising (the usual order is falling).
    "r.closed": "{type: bands, bands: [{min: 0, max: 10, score: 30}, "
    "{min: 10, max: 20, score: 90}]}",
    "r.target": "{type: target, target: 25, tolerance: 2, span: 10}",
    "r.peak": "{type: target, target: 50, span: 25}",
}

VALUE_RUBRIC = (
    HEAD
    + (
        "variables:\n  - {name: x, labels: {en: X}, unit: u, source: statistics}\n"
        "families:\n  - id: r\n    labels: {en: Rules}\n    children:\n"
    )
    + "".join(
        f"      - {{id: {nid}, kind: quantitative, labels: {{en: {nid}}}, source: statistics, "
        f"formula: x, rule: {rule}}}\n"
        for nid, rule in VALUE_RULES.items()
    )
)

OUT = None
"""A value that falls in no band of a band rule."""

EDGES: dict[str, list[tuple[float, float | None]]] = {
    # clip(x, 0, 100)
    "r.identity": [(-0.5, 0), (0, 0), (42.5, 42.5), (100, 100), (100.5, 100)],
    # (x - 10) / 50 * 100, clipped
    "r.up": [(9, 0), (10, 0), (10.5, 1), (35, 50), (59.5, 99), (60, 100), (61, 100)],
    # the same, with the default direction written out
    "r.upx": [(9, 0), (10, 0), (10.5, 1), (35, 50), (59.5, 99), (60, 100), (61, 100)],
    # 100 minus the above
    "r.down": [(9, 100), (10, 100), (10.5, 99), (35, 50), (59.5, 1), (60, 0), (61, 0)],
    # [-inf, 1) 100; [1, 5) 50; [5, 10) 20; [10, inf) 0
    "r.bands": [
        (-1e6, 100),
        (0.999, 100),
        (1, 50),
        (4.999, 50),
        (5, 20),
        (9.999, 20),
        (10, 0),
        (19.999, 0),
        (20, 0),
        (1e6, 0),
    ],
    # [0, 10) 30; [10, 20) 90; nothing below 0 or from 20 on
    "r.closed": [
        (-0.001, OUT),
        (0, 30),
        (9.999, 30),
        (10, 90),
        (19.999, 90),
        (20, OUT),
        (1e6, OUT),
    ],
    # 100 within 25 +- 2; beyond, 10 points per unit of distance: 0 from 12 away on
    "r.target": [
        (23, 100),
        (25, 100),
        (27, 100),
        (22.5, 95),
        (27.5, 95),
        (18, 50),
        (32, 50),
        (13, 0),
        (37, 0),
        (12, 0),
        (38, 0),
    ],
    # 100 at 50 exactly, 4 points per unit away, 0 from 25 away on
    "r.peak": [
        (50, 100),
        (49, 96),
        (51, 96),
        (37.5, 50),
        (62.5, 50),
        (25, 0),
        (75, 0),
        (24, 0),
        (76, 0),
    ],
}

VALUES = sorted({x for cases in EDGES.values() for x, _ in cases})


def mission_id(x: float) -> str:
    return f"v{VALUES.index(x)}"


def wide(rubric: Rubric, values: list[float], column: str = "x") -> ovm.Observations:
    """Observations of one mission per value (ids v0, v1, ...)."""
    frame = pl.DataFrame(
        {
            "id": [f"v{i}" for i in range(len(values))],
            "country": ["ARG"] * len(values),
            column: [float(v) for v in values],
        }
    )
    obs = ovm.observations_from_wide(
        frame, rubric, id_column="id", name_column=None, country_column="country"
    )
    assert obs.report.rejected == ()
    return obs


@pytest.fixture(scope="module")
def value_scores() -> ScoreSet:
    rubric = ovm.load_rubric(VALUE_RUBRIC)
    return ovm.score(rubric, wide(rubric, VALUES), bootstrap=0)


@pytest.mark.parametrize(
    ("node", "x", "expected"),
    [
        pytest.param(node, x, expected, id=f"{node}@{x:g}")
        for node, cases in EDGES.items()
        for x, expected in cases
    ],
)
def test_each_rule_scores_its_edges_as_documented(
    value_scores: ScoreSet, node: str, x: float, expected: float | None
) -> None:
    card = value_scores.scorecard(mission_id(x))
    ns = card.node(node)
    assert ns.value == x
    findings = [(f.code, f.node) for f in card.findings if f.node == node]
    if expected is OUT:
        assert (ns.status, ns.score, findings) == ("missing", None, [("value-outside-bands", node)])
    else:
        assert (ns.status, findings) == ("scored", [])
        assert ns.score == pytest.approx(expected, abs=1e-9)


@pytest.mark.parametrize(
    ("x", "es", "fr"),
    [
        (1376071.0, "1.376.071", "1\u202f376\u202f071"),
        (1376071.5, "1.376.071,5", "1\u202f376\u202f071,5"),
        (20.25, "20,25", "20,25"),
    ],
)
def test_a_value_outside_the_bands_is_written_as_each_language_writes_it(
    x: float, es: str, fr: str
) -> None:
    """The English message writes a million exactly (1,376,071); the other languages write
    the same figure their way, not a float's text with its separator swapped (1376071,0).
    The finding keeps the number as its text: a whole one without a fraction."""
    rubric = ovm.load_rubric(VALUE_RUBRIC)
    card = ovm.score(rubric, wide(rubric, [x]), bootstrap=0).scorecard("v0")
    (found,) = [f for f in card.findings if f.node == "r.closed"]
    assert found.params["value"] == (str(int(x)) if x.is_integer() else str(x))
    english = f"{x:,.1f}".removesuffix(".0") if x != 20.25 else "20.25"
    assert [found.text(lang) for lang in ("en", "es", "fr")] == [
        f"{english} falls in no band of the rule",
        f"{es} no cae en ninguna banda de la regla",
        f"{fr} ne tombe dans aucune bande de la règle",
    ]


# --- score bands: the labels of score ranges ------------------------------------------------

LABEL_RUBRIC = (
    HEAD
    + """\
variables:
  - {name: x, labels: {en: X}, unit: u, source: statistics}
families:
  - id: f
    labels: {en: F}
    children:
      - {id: f.rubric, kind: quantitative, labels: {en: R}, source: statistics, formula: x,
         rule: {type: identity}}
      - id: f.own
        kind: quantitative
        labels: {en: O}
        source: statistics
        formula: x
        rule: {type: identity}
        bands:
          - {min: 0, max: 99.5, label: {en: Short}}
          - {min: 99.5, max: 100, label: {en: Full}}
"""
)

# (score, rubric band, own band): min inclusive, max exclusive, 100 in the top band.
LABELS = [
    (0, (0, "Weak"), (0, "Short")),
    (49.999, (0, "Weak"), (0, "Short")),
    (50, (1, "Fair"), (0, "Short")),
    (79.999, (1, "Fair"), (0, "Short")),
    (80, (2, "Strong"), (0, "Short")),
    (99.499, (2, "Strong"), (0, "Short")),
    (99.5, (2, "Strong"), (1, "Full")),
    (99.999, (2, "Strong"), (1, "Full")),
    (100, (2, "Strong"), (1, "Full")),
]


def test_score_bands_hold_their_min_not_their_max_and_the_top_band_holds_100() -> None:
    rubric = ovm.load_rubric(LABEL_RUBRIC)
    s = ovm.score(rubric, wide(rubric, [x for x, _, _ in LABELS]), bootstrap=0)
    got = []
    for i, (x, _, _) in enumerate(LABELS):
        card = s.scorecard(f"v{i}")
        rub, own = card.node("f.rubric"), card.node("f.own")
        assert rub.score == own.score == x
        got.append((x, (rub.band, rub.band_label), (own.band, own.band_label)))
    assert got == LABELS


@pytest.mark.parametrize(
    ("score", "inside"),
    [
        (-0.001, []),
        (0, [0]),
        (50, [1]),
        (80, [2]),
        (100, [2]),
        (100.001, []),
    ],
)
def test_each_score_falls_in_at_most_one_band(score: float, inside: list[int]) -> None:
    bands = ovm.load_rubric(LABEL_RUBRIC).bands
    assert [i for i, band in enumerate(bands) if band.contains(score)] == inside


def test_compare_labels_the_ends_of_a_min_max_cohort_like_the_engine() -> None:
    # Min-max over the cohort puts the lowest value at exactly 0 and the highest at exactly 100:
    # both ends are scores and take the bottom and the top band.
    rubric = ovm.load_rubric(
        HEAD
        + """\
variables:
  - {name: x, labels: {en: X}, unit: u, source: statistics}
families:
  - id: f
    labels: {en: F}
    children:
      - {id: f.cohort, kind: quantitative, labels: {en: C}, source: statistics, formula: x,
         rule: {type: cohort}}
"""
    )
    scores = ovm.score(rubric, wide(rubric, [3.0, 7.0, 8.0]), bootstrap=0)
    c = ovm.compare(scores, rubric)
    got = {
        card.mission.id: (card.node("f.cohort").score, card.node("f.cohort").band_label)
        for card in c.scores.scorecards
    }
    # (x - 3) / (8 - 3) * 100
    assert got == {"v0": (0.0, "Weak"), "v1": (80.0, "Strong"), "v2": (100.0, "Strong")}


# --- properties of the value rules ----------------------------------------------------------

PROPERTY_RUBRIC = ovm.load_rubric(VALUE_RUBRIC)
finite = st.floats(min_value=-1e4, max_value=1e4, allow_nan=False)


@given(st.lists(finite, min_size=2, max_size=12))
def test_monotone_rules_order_scores_as_values_and_stay_within_0_and_100(
    values: list[float],
) -> None:
    s = ovm.score(PROPERTY_RUBRIC, wide(PROPERTY_RUBRIC, values), bootstrap=0)
    cards = [s.scorecard(f"v{i}") for i in range(len(values))]
    by_value = sorted(range(len(values)), key=lambda i: values[i])
    for node, sign in (("r.identity", 1), ("r.up", 1), ("r.down", -1)):
        got = [cards[i].node(node).score for i in by_value]
        assert all(g is not None and 0 <= g <= 100 for g in got)
        assert all(sign * (b - a) >= 0 for a, b in itertools.pairwise(got))
    for card in cards:
        for node in VALUE_RULES:
            ns = card.node(node)
            assert ns.score is None or 0 <= ns.score <= 100


@given(
    st.floats(min_value=0, max_value=40, allow_nan=False),
    st.floats(min_value=0, max_value=40, allow_nan=False),
)
def test_a_target_scores_by_distance_alone_and_less_the_further_away(d1: float, d2: float) -> None:
    # Both sides of the target at each distance: the same score on both sides, and a larger
    # distance never scores more.
    values = [25 - d1, 25 + d1, 25 - d2, 25 + d2]
    s = ovm.score(PROPERTY_RUBRIC, wide(PROPERTY_RUBRIC, values), bootstrap=0)
    below1, above1, below2, above2 = (s.scorecard(f"v{i}").node("r.target").score for i in range(4))
    assert below1 == pytest.approx(above1, abs=1e-9)
    assert below2 == pytest.approx(above2, abs=1e-9)
    if d1 <= d2:
        assert below1 >= below2 - 1e-9
    else:
        assert below2 >= below1 - 1e-9


# --- the intervals rules give to checklist shares -------------------------------------------

SHARE_RULES: dict[str, str | None] = {
    "c.none": None,
    "c.up": "{type: goalposts, low: 20, high: 80}",
    "c.down": "{type: goalposts, low: 20, high: 80, direction: lower}",
    "c.bands": "{type: bands, bands: [{max: 30, score: 0}, {min: 30, max: 60, score: 50}, "
    "{min: 60, score: 100}]}",
    # Scores in no order: the middle band is the worst.
    "c.valley": "{type: bands, bands: [{max: 40, score: 100}, {min: 40, max: 70, score: 0}, "
    "{min: 70, score: 50}]}",
    # One band: shares below 25 % and from 75 % on fall in none.
    "c.middle": "{type: bands, bands: [{min: 25, max: 75, score: 50}]}",
    "c.target": "{type: target, target: 50, span: 50}",
    "c.tolerant": "{type: target, target: 40, tolerance: 10, span: 20}",
}

SHARE_RUBRIC = (
    HEAD
    + "families:\n  - id: c\n    labels: {en: C}\n    children:\n"
    + "".join(
        f"      - {{id: {nid}, kind: checklist, labels: {{en: {nid}}}, source: checklist, "
        f"question: {{en: '{nid}'}}, min_answers: 1{'' if rule is None else f', rule: {rule}'}}}\n"
        for nid, rule in SHARE_RULES.items()
    )
)

SIZES = (1, 3, 8, 25)
SHARES = [(k, n) for n in SIZES for k in range(n + 1)]


def _rule_score(nid: str, x: float) -> float:
    """The rule of ``nid`` at a share ``x`` in %, written out again here (NaN: no band)."""
    if nid == "c.none":
        return x
    if nid in ("c.up", "c.down"):
        up = min(100.0, max(0.0, (x - 20) / 60 * 100))
        return up if nid == "c.up" else 100 - up
    if nid == "c.bands":
        return 0.0 if x < 30 else 50.0 if x < 60 else 100.0
    if nid == "c.valley":
        return 100.0 if x < 40 else 0.0 if x < 70 else 50.0
    if nid == "c.middle":
        return 50.0 if 25 <= x < 75 else math.nan
    target, tolerance, span = (50, 0, 50) if nid == "c.target" else (40, 10, 20)
    return min(100.0, max(0.0, 100 * (1 - max(abs(x - target) - tolerance, 0) / span)))


# Where each rule changes slope or jumps: a piecewise-linear rule takes its extremes over an
# interval at the interval's ends or at these points (a band just below its upper edge too).
BREAKS = {
    "c.none": [],
    "c.up": [20, 80],
    "c.down": [20, 80],
    "c.bands": [30, 60],
    "c.valley": [40, 70],
    "c.middle": [25, 75],
    "c.target": [0, 50, 100],
    "c.tolerant": [10, 30, 50, 70],
}


def expected_range(nid: str, lo: float, hi: float, point: float) -> tuple[float, float]:
    xs = [lo, hi, *(b for b in BREAKS[nid] if lo <= b <= hi)]
    xs += [float(np.nextafter(b, -np.inf)) for b in BREAKS[nid] if lo < b <= hi]
    found = [s for s in (_rule_score(nid, x) for x in xs) if not math.isnan(s)] + [point]
    return min(found), max(found)


@pytest.fixture(scope="module")
def share_scores(
    tmp_path_factory: pytest.TempPathFactory, make_workspace: Callable[..., Path]
) -> ScoreSet:
    missions = ["missions:"]
    rows = ["mission,site," + ",".join(SHARE_RULES)]
    for k, n in SHARES:
        mid = f"k{k}n{n}"
        missions.append(
            f"  - {{id: {mid}, country: ARG, name: {mid}, "
            "election: {type: general, date: 2020-01-01}}"
        )
        rows += [
            f"{mid},s{j}," + ",".join(["yes" if j < k else "no"] * len(SHARE_RULES))
            for j in range(n)
        ]
    root = make_workspace(
        tmp_path_factory.mktemp("shares") / "ws",
        rubric=SHARE_RUBRIC,
        missions="\n".join(missions) + "\n",
        checklists="\n".join(rows) + "\n",
    )
    ws = ovm.load_workspace(root)
    assert ws.observations.report.rejected == ()
    return ovm.score(ws.rubric, ws.observations, bootstrap=0)


@pytest.mark.parametrize("nid", list(SHARE_RULES))
def test_a_share_interval_spans_every_score_the_rule_gives_inside_the_wilson_interval(
    share_scores: ScoreSet, nid: str
) -> None:
    got, want = {}, {}
    for k, n in SHARES:
        ns = share_scores.scorecard(f"k{k}n{n}").node(nid)
        point = _rule_score(nid, 100 * k / n)
        if math.isnan(point):
            assert (ns.status, ns.score, ns.interval) == ("missing", None, None)
            continue
        lo, hi = ovm.wilson(k, n)
        assert ns.score == pytest.approx(point, abs=1e-9)
        got[k, n] = ns.interval
        want[k, n] = pytest.approx(expected_range(nid, 100 * lo, 100 * hi, point), abs=1e-9)
    assert got == want


def test_a_target_interval_reaches_100_when_the_wilson_interval_holds_the_target(
    share_scores: ScoreSet,
) -> None:
    # 3 yes of 8: 37.5 % (score 75), Wilson interval 13.7 %-69.4 %, which holds the target 50.
    ns = share_scores.scorecard("k3n8").node("c.target")
    lo, _hi = ovm.wilson(3, 8)
    assert ns.score == 75.0
    assert ns.interval == pytest.approx((100 * (1 - (50 - 100 * lo) / 50), 100.0))
    assert ns.interval[0] == pytest.approx(27.37, abs=0.01)


def _band_interval(
    root: Path,
    make_workspace: Callable[..., Path],
    k: int,
    n: int,
    low_edge: float,
    high_edge: float,
) -> tuple[float, float] | None:
    """The interval of k yes of n through c.bands with its edges (30 and 60) moved."""
    rule = (
        f"{{type: bands, bands: [{{max: {low_edge!r}, score: 0}}, "
        f"{{min: {low_edge!r}, max: {high_edge!r}, score: 50}}, "
        f"{{min: {high_edge!r}, score: 100}}]}}"
    )
    rubric = SHARE_RUBRIC.replace(str(SHARE_RULES["c.bands"]), rule)
    assert rule in rubric
    rows = (
        "mission,site,"
        + ",".join(SHARE_RULES)
        + "\n"
        + "".join(
            f"m,s{j}," + ",".join(["yes" if j < k else "no"] * len(SHARE_RULES)) + "\n"
            for j in range(n)
        )
    )
    ws = ovm.load_workspace(
        make_workspace(
            root,
            rubric=rubric,
            checklists=rows,
            missions=(
                "missions:\n  - {id: m, country: ARG, name: M, "
                "election: {type: general, date: 2020-01-01}}\n"
            ),
        )
    )
    return (
        ovm.score(ws.rubric, ws.observations, bootstrap=0).scorecard("m").node("c.bands").interval
    )


def test_a_band_interval_counts_a_band_its_wilson_interval_only_reaches_at_the_band_min(
    tmp_path: Path, make_workspace: Callable[..., Path]
) -> None:
    # 0 yes of 3 (score 0): Wilson upper end 56.15 %. With the top band starting there, the
    # interval touches it at its inclusive min; starting a hair above, it does not.
    upper = 100 * ovm.wilson(0, 3)[1]
    got = {
        name: _band_interval(tmp_path / name, make_workspace, 0, 3, 30, edge)
        for name, edge in (("at", upper), ("above", upper + 1e-6))
    }
    assert got == {"at": (0.0, 100.0), "above": (0.0, 50.0)}


def test_a_band_interval_leaves_out_a_band_that_ends_at_the_wilson_lower_end(
    tmp_path: Path, make_workspace: Callable[..., Path]
) -> None:
    # 3 yes of 8 (37.5 %, score 50): Wilson interval 13.68 %-69.43 %, reaching the top band.
    # The bottom band ending exactly at 13.68 % excludes its max, so the interval misses it;
    # ending a hair above, the interval starts inside it.
    lower = 100 * ovm.wilson(3, 8)[0]
    got = {
        name: _band_interval(tmp_path / name, make_workspace, 3, 8, edge, 60)
        for name, edge in (("at", lower), ("above", lower + 1e-6))
    }
    assert got == {"at": (50.0, 100.0), "above": (0.0, 100.0)}


def test_a_band_rule_without_bands_is_refused() -> None:
    text = VALUE_RUBRIC.replace(str(VALUE_RULES["r.closed"]), "{type: bands, bands: []}")
    rubric, issues = ovm.check_rubric(text)
    line = text.splitlines().index(next(x for x in text.splitlines() if "bands: []" in x)) + 1
    assert rubric is None
    assert [(i.line, i.code) for i in issues] == [(line, "too-short")]


def test_each_rule_explains_itself_with_its_own_parameters(value_scores: ScoreSet) -> None:
    card = value_scores.scorecard(mission_id(25))
    assert {node: card.node(node).explanation.rule for node in VALUE_RULES} == {
        "r.identity": "identity (value is the score, clipped to 0-100)",
        "r.up": "goalposts: 10 scores 0, 60 scores 100, linear and clipped",
        "r.upx": "goalposts: 10 scores 0, 60 scores 100, linear and clipped",
        "r.down": "goalposts: 60 scores 0, 10 scores 100, linear and clipped",
        "r.bands": "bands: [-inf, 1) -> 100; [1, 5) -> 50; [5, 10) -> 20; [10, inf) -> 0",
        "r.closed": "bands: [0, 10) -> 30; [10, 20) -> 90",
        "r.target": "distance to target 25: 100 within ±2, 0 beyond ±12",
        "r.peak": "distance to target 50: 100 within ±0, 0 beyond ±25",
    }


@pytest.mark.parametrize("lang", ["en", "es"])
def test_each_rule_reads_to_a_reader_with_its_own_parameters(lang: str) -> None:
    rubric = ovm.load_rubric(VALUE_RUBRIC)
    text = {node: rubric.node(node).rule.describe(lang) for node in VALUE_RULES}
    # Goalposts name the worst end first; the direction decides which one that is.
    for node, worst, best in (("r.up", "10", "60"), ("r.down", "60", "10")):
        assert worst in text[node] and best in text[node]
        assert text[node].index(worst) < text[node].index(best), text[node]
    assert text["r.upx"] == text["r.up"]
    # Every band, open ends included, in the rubric's order.
    for node, bands in (
        ("r.bands", ["[−∞, 1) → 100", "[1, 5) → 50", "[5, 10) → 20", "[10, ∞) → 0"]),
        ("r.closed", ["[0, 10) → 30", "[10, 20) → 90"]),
    ):
        at = [text[node].find(b) for b in bands]
        assert -1 not in at and at == sorted(at), text[node]
    # A target: its value, the tolerance and where the score reaches 0 (tolerance + span).
    for node, numbers in (("r.target", ["25", "±2", "±12"]), ("r.peak", ["50", "±0", "±25"])):
        assert all(n in text[node] for n in numbers), text[node]


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        ("{type: goalposts, low: 10, high: 10}", ["goalposts-equal"]),
        ("{type: goalposts, low: 60, high: 10}", ["goalposts-unordered"]),
        ("{type: goalposts, low: 10}", ["missing-field"]),
        ("{type: goalposts, high: 10}", ["missing-field"]),
    ],
)
def test_goalposts_must_differ_low_first(rule: str, expected: list[str]) -> None:
    text = VALUE_RUBRIC.replace(str(VALUE_RULES["r.up"]), rule)
    line = 1 + next(i for i, x in enumerate(text.splitlines()) if rule in x)
    _rubric, issues = ovm.check_rubric(text)
    assert [(i.line, i.code) for i in issues] == [(line, code) for code in expected]


def test_a_perfect_share_under_bands_ending_at_100_is_scored_or_the_rubric_is_flagged(
    tmp_path: Path, make_workspace: Callable[..., Path]
) -> None:
    # Score bands hold 100 in their top band; value bands on a share (0-100 %) written the
    # same way leave 100 % out. Either fix would do: the share scores, or check_rubric warns.
    rule = "{type: bands, bands: [{min: 0, max: 50, score: 0}, {min: 50, max: 100, score: 100}]}"
    rubric = SHARE_RUBRIC.replace(str(SHARE_RULES["c.bands"]), rule)
    # c.middle leaves both ends out on purpose; its warning is not the one looked for.
    middle = ("families", 0, "children", list(SHARE_RULES).index("c.middle"))
    _checked, issues = ovm.check_rubric(rubric)
    issues = [i for i in issues if i.path[:4] != middle]
    rows = (
        "mission,site,"
        + ",".join(SHARE_RULES)
        + "\n"
        + "".join(f"m,s{j}," + ",".join(["yes"] * len(SHARE_RULES)) + "\n" for j in range(5))
    )
    ws = ovm.load_workspace(
        make_workspace(
            tmp_path / "ws",
            rubric=rubric,
            checklists=rows,
            missions=(
                "missions:\n  - {id: m, country: ARG, "
                "name: M, election: {type: general, "
                "date: 2020-01-01}}\n"
            ),
        )
    )
    ns = ovm.score(ws.rubric, ws.observations, bootstrap=0).scorecard("m").node("c.bands")
    assert ns.value == 100
    # any other issue is about the changed rule
    assert {(i.path[:4], i.code) for i in ovm.check_rubric(SHARE_RUBRIC)[1]} == {
        (middle, "share-outside-bands")
    }
    assert ns.status == "scored" or [(i.code, i.severity) for i in issues] == [
        ("share-outside-bands", "warning")
    ]
