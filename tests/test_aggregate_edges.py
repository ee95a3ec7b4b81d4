"""Aggregation at its edges: the power of a generalised mean, coverage exactly at the minimum,
and what a group is when none of its children has a score.

Children are levels indicators whose answer ``sN`` scores N; every expected number is worked
out in the comment next to it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

import ovm
from ovm import Scorecard
from ovm.settings import ComparisonSettings

HEAD = """\
ovm_rubric: 1
id: agg
version: "1"
title: {en: Aggregation}
languages: [en]
"""
SCALE = (
    "["
    + ", ".join(
        f"{{key: s{s}, score: {s}, descriptor: {{en: S{s}}}}}" for s in (0, 20, 50, 80, 100)
    )
    + "]"
)


def child(nid: str, weight: float = 1, extra: str = "") -> str:
    return (
        f"      - {{id: {nid}, kind: levels, labels: {{en: {nid}}}, source: analyst, "
        f"weight: {weight}, levels: {SCALE}{extra}}}\n"
    )


def group(settings: str, *children: str) -> str:
    return (
        HEAD
        + "families:\n  - id: g\n    labels: {en: G}\n"
        + settings
        + "    children:\n"
        + "".join(children)
    )


Run = Callable[..., Scorecard]


@pytest.fixture
def run(tmp_path: Path, make_workspace: Callable[..., Path]) -> Run:
    count = iter(range(1000))

    def go(rubric: str, answers: dict[str, str], statistics: str | None = None) -> Scorecard:
        given = "".join(f"      {k}: {v}\n" for k, v in answers.items())
        missions = (
            "missions:\n  - id: m\n    country: ARG\n    name: M\n"
            "    election: {type: general, date: 2020-01-01}\n"
            + ("    answers:\n" + given if given else "")
        )
        root = make_workspace(
            tmp_path / f"ws{next(count)}", rubric=rubric, missions=missions, statistics=statistics
        )
        ws = ovm.load_workspace(root)
        return ovm.score(ws.rubric, ws.observations, bootstrap=0).scorecard("m")

    return go


THREE = (child("g.a", 1), child("g.b", 2), child("g.c", 1))


@pytest.mark.parametrize(
    ("power", "answers", "expected"),
    [
        # p = 0.5 keeps a zero defined: ((0 + 2 * sqrt(50) + sqrt(80)) / 4) ** 2
        (0.5, ("s0", "s50", "s80"), ((2 * 50**0.5 + 80**0.5) / 4) ** 2),
        # p = 1 is the weighted arithmetic mean: (20 + 100 + 80) / 4
        (1, ("s20", "s50", "s80"), 50.0),
        # p = 3: ((20^3 + 2 * 50^3 + 80^3) / 4) ** (1/3)
        (3, ("s20", "s50", "s80"), ((20**3 + 2 * 50**3 + 80**3) / 4) ** (1 / 3)),
        # p = -0.5: ((20^-0.5 + 2 * 50^-0.5 + 80^-0.5) / 4) ** -2
        (-0.5, ("s20", "s50", "s80"), ((20**-0.5 + 2 * 50**-0.5 + 80**-0.5) / 4) ** -2),
    ],
)
def test_a_generalised_mean_at_each_kind_of_power(
    run: Run, power: float, answers: tuple[str, ...], expected: float
) -> None:
    card = run(
        group(f"    aggregation: generalised\n    power: {power}\n", *THREE),
        dict(zip(("g.a", "g.b", "g.c"), answers, strict=True)),
    )
    g = card.node("g")
    assert (g.status, g.score) == ("scored", pytest.approx(expected, rel=1e-12))
    assert [f.code for f in card.findings] == []


def test_a_score_between_0_and_1_under_a_negative_power_is_defined(run: Run) -> None:
    # Only a zero has no negative power: 0.5 ** -1 = 2. (2 * 1 + 2 / 50 + 1 / 80) / 4 = 0.513
    half = (
        ", levels: [{key: low, score: 0.5, descriptor: {en: Low}}, "
        "{key: high, score: 100, descriptor: {en: High}}]"
    )
    rubric = group(
        "    aggregation: generalised\n    power: -1\n",
        child("g.a", 1).replace(f", levels: {SCALE}", half),
        *THREE[1:],
    )
    card = run(rubric, {"g.a": "low", "g.b": "s50", "g.c": "s80"})
    assert (card.node("g").status, card.node("g").score) == (
        "scored",
        pytest.approx(4 / (2 + 2 / 50 + 1 / 80)),
    )


@pytest.mark.parametrize("power", [-1, -0.5])
def test_a_zero_under_a_negative_power_is_undefined(run: Run, power: float) -> None:
    card = run(
        group(f"    aggregation: generalised\n    power: {power}\n", *THREE),
        {"g.a": "s0", "g.b": "s50", "g.c": "s80"},
    )
    assert (card.node("g").status, card.node("g").score) == ("undefined", None)
    assert [(f.code, f.node) for f in card.findings] == [
        ("aggregation-undefined", "g"),
        ("undefined-child", "overall"),
    ]


@pytest.mark.parametrize(
    ("min_coverage", "answers", "status", "score", "shares"),
    [
        # weights 1, 2, 1: a and b scored are 3/4 of the weight, exactly the minimum
        (0.75, {"g.a": "s20", "g.b": "s80"}, "scored", (20 + 2 * 80) / 3, None),
        # ... below a higher one; the finding gives both shares in % for every language
        (0.9, {"g.a": "s20", "g.b": "s80"}, "insufficient", None, {"share": "75", "needed": "90"}),
        # a and c scored are 2/4
        (0.75, {"g.a": "s20", "g.c": "s80"}, "insufficient", None, {"share": "50", "needed": "75"}),
        # no minimum: one child is enough
        (0, {"g.a": "s20"}, "scored", 20.0, None),
    ],
)
def test_coverage_exactly_at_the_minimum_is_enough(
    run: Run,
    min_coverage: float,
    answers: dict[str, str],
    status: str,
    score: float | None,
    shares: dict[str, str] | None,
) -> None:
    card = run(group(f"    min_coverage: {min_coverage}\n", *THREE), answers)
    g = card.node("g")
    assert (g.status, g.score) == (status, score if score is None else pytest.approx(score))
    share = sum({"g.a": 1, "g.b": 2, "g.c": 1}[k] for k in answers) / 4
    assert g.coverage == share
    assert [dict(f.params) for f in card.findings if f.code == "insufficient-coverage"] == (
        [] if shares is None else [shares]
    )


@pytest.mark.parametrize(
    ("weights", "share", "es"),
    [
        # 199 / 400 = 49.75 %: whole percent would write 50, the minimum it falls short of
        ((199, 201), "49.8", "49,8"),
        # 4999 / 10000 = 49.99 %
        ((4999, 5001), "49.99", "49,99"),
        # 12 / 25 = 48 %: whole percent already says it
        ((12, 13), "48", "48"),
    ],
)
def test_a_share_short_of_the_minimum_coverage_is_never_written_as_the_minimum(
    run: Run, weights: tuple[int, int], share: str, es: str
) -> None:
    card = run(
        group("    min_coverage: 0.5\n", child("g.a", weights[0]), child("g.b", weights[1])),
        {"g.a": "s20"},
    )
    assert card.node("g").status == "insufficient"
    (found,) = [f for f in card.findings if f.code == "insufficient-coverage"]
    assert dict(found.params) == {"share": share, "needed": "50"}
    assert found.message == (
        f"the parts one level below it that have a score hold {share}% of its weight; "
        "at least 50% needed"
    )
    assert found.text("es").startswith(
        f"las partes del nivel inferior que tienen puntaje suman el {es} % de su peso"
    )


def test_a_minimum_that_is_no_whole_percent_is_written_with_its_decimals(run: Run) -> None:
    # 332 / 1000 = 33.2 % against a minimum of 33.34 %: "hold 33%; at least 33% needed" said
    # a share short of the minimum was the minimum.
    card = run(
        group("    min_coverage: 0.3334\n", child("g.a", 332), child("g.b", 668)),
        {"g.a": "s20"},
    )
    (found,) = [f for f in card.findings if f.code == "insufficient-coverage"]
    assert dict(found.params) == {"share": "33", "needed": "33.34"}
    assert found.text("es").endswith("se necesita al menos el 33,34 %")


def test_a_group_of_unanswered_children_is_missing_and_of_inapplicable_ones_not_applicable(
    run: Run,
) -> None:
    na = ", allow_na: true"
    rubric = group("", child("g.a", 1, na), child("g.b", 2, na))
    missing = run(rubric, {})
    inapplicable = run(rubric, {"g.a": "n/a", "g.b": "n/a"})
    one_na = run(rubric, {"g.a": "n/a", "g.b": "s80"})
    assert [
        (c.node("g").status, c.node("g").score, c.node("g").coverage)
        for c in (missing, inapplicable, one_na)
    ] == [("missing", None, 0.0), ("not_applicable", None, 0.0), ("scored", 80.0, 1.0)]


def test_a_group_with_an_insufficient_child_and_nothing_scored_is_insufficient(run: Run) -> None:
    # g.inner has one of its two equal children answered: 1/2 < 0.75, insufficient. Its parent
    # has nothing scored but something partly known: insufficient too, not missing.
    rubric = (
        HEAD + "families:\n  - id: g\n    labels: {en: G}\n    children:\n"
        "      - id: g.inner\n        labels: {en: Inner}\n        min_coverage: 0.75\n"
        "        children:\n"
        + child("g.inner.a").replace("      - ", "          - ")
        + child("g.inner.b").replace("      - ", "          - ")
        + child("g.c")
    )
    card = run(rubric, {"g.inner.a": "s50"})
    assert [(n.node, n.status) for n in (card.overall, *card.nodes)] == [
        ("overall", "insufficient"),
        ("g", "insufficient"),
        ("g.inner", "insufficient"),
        ("g.inner.a", "scored"),
        ("g.inner.b", "missing"),
        ("g.c", "missing"),
    ]
    assert card.node("g").coverage == pytest.approx((0.5 + 0) / 2)


def test_a_group_of_inapplicable_and_pending_children_is_pending(run: Run) -> None:
    # A cohort rule leaves its indicator pending until compare(); with the other child not
    # applicable, nothing is missing: the group waits for the cohort too.
    rubric = (
        HEAD
        + "variables:\n  - {name: x, labels: {en: X}, unit: u, source: statistics}\n"
        + "families:\n  - id: g\n    labels: {en: G}\n    children:\n"
        + child("g.a", 1, ", allow_na: true")
        + "      - {id: g.c, kind: quantitative, labels: {en: C}, source: statistics, "
        "formula: x, rule: {type: cohort}}\n"
    )
    card = run(rubric, {"g.a": "n/a"}, statistics="mission,x\nm,7\n")
    assert [(n.node, n.status) for n in card.nodes] == [
        ("g", "pending"),
        ("g.a", "not_applicable"),
        ("g.c", "pending"),
    ]


@pytest.mark.parametrize("spec", ["generalised:abc", "generalised:inf"])
def test_a_generalised_mean_needs_a_finite_exponent(spec: str) -> None:
    with pytest.raises(ValueError, match="is not a number"):
        ComparisonSettings(aggregation={"*": spec})


def test_a_generalised_mean_with_a_finite_exponent_is_accepted() -> None:
    assert dict(ComparisonSettings(aggregation={"*": "generalised:2.5"}).aggregation) == {
        "*": "generalised:2.5"
    }
    # Without an exponent, each group's own power applies: nothing to refuse yet.
    assert dict(ComparisonSettings(aggregation={"*": "generalised"}).aggregation) == {
        "*": "generalised"
    }
