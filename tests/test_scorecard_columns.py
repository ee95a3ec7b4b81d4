"""Pass 3 builds a cohort's scorecards a node at a time, for a column of missions at once,
without validating what it computed: each result is the model validation builds from the same
values, field for field and in JSON, whatever the values' types (an int where a float is due
is validated, never kept as ``5`` where validation makes ``5.0``)."""

from __future__ import annotations

import copy
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel

import ovm
from ovm import Scorecard
from ovm.indicators.checklist import ChecklistIndicator
from ovm.indicators.scoring import Outcome
from ovm.scoring import results
from ovm.scoring.aggregate import GroupOutcome, method_text
from ovm.scoring.engine import _explained_column, _node_column, _question_explanations
from ovm.scoring.results import (
    Contribution,
    Explanation,
    InputValue,
    NodeScore,
    SiteNote,
    fill_deferred,
)
from ovm.scoring.sitestats import MissionSites, QuestionStat

EXAMPLES = Path(__file__).parent.parent / "examples"

FLOATS = st.one_of(st.none(), st.sampled_from([0.0, 12.5, 100.0]))
STATUSES = st.sampled_from(["scored", "scored", "missing", "not_applicable", "pending"])


def same(built: list[Any], validated: list[BaseModel]) -> None:
    """``built`` is ``validated``, model for model, and writes the same JSON; and each is what
    validating its own JSON gives back. Values are compared by their ``repr``, which tells
    ``5`` from ``5.0`` (equality and pydantic's JSON do not)."""
    assert [repr(m.model_dump()) for m in built] == [repr(m.model_dump()) for m in validated]
    assert [m.model_dump_json() for m in built] == [m.model_dump_json() for m in validated]
    assert built == validated
    for model in built:
        again = type(model).model_validate_json(model.model_dump_json())
        assert again == model
        assert repr(again.model_dump()) == repr(model.model_dump())


@st.composite
def outcomes(draw: st.DrawFn) -> Outcome:
    status = draw(STATUSES)
    return Outcome(
        status,
        draw(FLOATS) if status == "scored" else None,
        draw(st.one_of(FLOATS, st.just("yes"))),
        draw(st.sampled_from([0.0, 1.0, 0.5])),
        Explanation(rule=draw(st.sampled_from(["r", "s", "t"]))),
        interval=draw(st.one_of(st.none(), st.sampled_from([(1.0, 2.0), (0.0, 100.0)]))),
        sampled=draw(st.booleans()),
    )


# A float field given an int, a pair given an int end, a flag given a number: validation
# makes them a float, a pair of floats, a bool.
ODD_OUTCOMES: dict[str, dict[str, Any]] = {
    "score": {"status": "scored", "score": 5},
    "value": {"value": 5},
    "coverage": {"coverage": 1},
    "interval": {"interval": (1, 2.0)},
    "sampled": {"sampled": 1},
}


@pytest.mark.parametrize("deferred", [False, True])
@pytest.mark.parametrize("odd", [None, *ODD_OUTCOMES, "rating", "explanation"])
@given(
    col=st.lists(outcomes(), min_size=1, max_size=6),
    picks=st.lists(st.integers(0, 1)),
    first=st.integers(0, 5),
)
def test_a_node_column_is_what_validating_each_missions_score_builds(
    deferred: bool, odd: str | None, col: list[Outcome], picks: list[int], first: int
) -> None:
    bands = [(0, "Low", 1.0), (1, "High", 7 if odd == "rating" else None)]
    rated = odd != "rating"
    if odd in ODD_OUTCOMES:
        for name, value in ODD_OUTCOMES[odd].items():
            setattr(col[0], name, value)
    if odd == "explanation":
        # An explanation given as its fields: validation makes it an Explanation.
        col[-1].explanation = {"rule": "r", "score": 5}  # type: ignore[assignment]
    # A mission without a score has no band.
    banded = [
        bands[picks[k] if k < len(picks) else 1] if r.score is not None else (None, None, None)
        for k, r in enumerate(col)
    ]
    explained = [r.explanation for r in col]
    if deferred:
        # Explanations written when one of the column is first read (any one of them).
        column = results.ExplanationColumn(lambda: explained)
        built = _node_column("q0", "f0", 2, "checklist", col, banded, rated, column)
        assert built[first % len(built)].explanation is not None
    else:
        built = _node_column("q0", "f0", 2, "checklist", col, banded, rated, explained)
    validated = [
        NodeScore(
            node="q0",
            parent="f0",
            level=2,
            kind="checklist",
            value=r.value,
            score=r.score,
            coverage=r.coverage,
            status=r.status,
            band=b[0],
            band_label=b[1],
            rating=b[2],
            interval=r.interval,
            sampled=r.sampled or r.interval is not None,
            explanation=r.explanation,
        )
        for r, b in zip(col, banded, strict=True)
    ]
    same(built, validated)


QUESTIONS = [
    ChecklistIndicator.model_validate(
        {"id": "q0", "kind": "checklist", "source": "checklist", "labels": {"en": "Q0"}}
        | {"question": {"en": "Q0"}}
    ),
    ChecklistIndicator.model_validate(
        {"id": "q1", "kind": "checklist", "source": "checklist", "labels": {"en": "Q1"}}
        | {"question": {"en": "Q1"}, "answer_type": "integer", "stat": "mean"}
    ),
]
NOTE = SiteNote(
    site="s1", city=None, country=None, observer=None, visited_at=None, text="queue outside"
)
COUNTS = st.sampled_from([0, 1, 7])


@st.composite
def question_calls(draw: st.DrawFn, q: ChecklistIndicator) -> tuple[Any, tuple[Any, ...]]:
    """One mission's view and the arguments of its question's deferred explanation."""
    stat = draw(
        st.one_of(
            st.none(),
            st.builds(
                QuestionStat,
                answered=COUNTS,
                accepted=COUNTS,
                not_applicable=COUNTS,
                not_observed=COUNTS,
                value=FLOATS,
            ),
        )
    )
    sites = MissionSites(
        simulated=draw(st.booleans()),
        negative_notes=draw(st.sampled_from([{}, {q.id: [NOTE]}, {"other": [NOTE]}])),
    )
    return SimpleNamespace(sites=sites), (
        q,
        stat,
        "share of answers in {yes}",
        draw(st.sampled_from(["linear", "steps"])),
        draw(FLOATS),
        draw(FLOATS),
    )


ODD_QUESTIONS = ["answered", "accepted", "not_applicable", "not_observed", "value"]


@pytest.mark.parametrize("odd", [None, *ODD_QUESTIONS, "simulated", "raw", "score"])
@given(data=st.data(), q=st.sampled_from(QUESTIONS), n=st.integers(1, 6))
def test_a_question_column_explains_each_mission_as_validation_would(
    odd: str | None, data: st.DataObject, q: ChecklistIndicator, n: int
) -> None:
    drawn = [data.draw(question_calls(q)) for _ in range(n)]
    view, (_, stat, formula, rule, raw, score) = drawn[0]
    if odd in ODD_QUESTIONS:
        stat = QuestionStat(answered=3, accepted=2)
        # A count given as a float, a value as an int.
        setattr(stat, odd, 5 if odd == "value" else 3.0)
    elif odd == "simulated":
        view.sites.simulated = 1
    elif odd == "raw":
        raw = 5
    elif odd == "score":
        score = 5
    drawn[0] = (view, (q, stat, formula, rule, raw, score))
    views = [v for v, _ in drawn]
    calls = [c for _, c in drawn]
    built = _question_explanations(views, calls)  # type: ignore[arg-type]
    validated = []
    for view, (_, stat, formula, rule, raw, score) in drawn:
        sites = view.sites
        if stat is None:
            got = InputValue(name=q.id, kind="question", status="missing", n=0)
        else:
            got = InputValue(
                name=q.id,
                kind="question",
                status="value"
                if stat.answered
                else "not_applicable"
                if stat.not_applicable
                else "missing",
                value=stat.value,
                n=stat.answered,
                accepted=None if q.numeric else stat.accepted,
                not_applicable=stat.not_applicable,
                not_observed=stat.not_observed,
                simulated=sites.simulated,
            )
        validated.append(
            Explanation(
                inputs=(got,),
                formula=formula,
                raw_value=raw,
                rule=rule,
                score=score,
                notes=tuple(sites.negative_notes.get(q.id, ())),
            )
        )
    same(built, validated)
    # A column of several questions is each mission's alone.
    mixed = [(v, (QUESTIONS[k % 2], *c[1:])) for k, (v, c) in enumerate(drawn)]
    assert _question_explanations(
        [v for v, _ in mixed],  # type: ignore[misc]
        [c for _, c in mixed],
    ) == [_question_explanations([v], [c])[0] for v, c in mixed]  # type: ignore[list-item]


@st.composite
def group_rows(draw: st.DrawFn, width: int) -> tuple[list[SimpleNamespace], GroupOutcome]:
    kids = [SimpleNamespace(status=draw(STATUSES), score=draw(FLOATS)) for _ in range(width)]
    score = draw(FLOATS)
    out = GroupOutcome(
        "scored" if score is not None else "missing",
        score,
        1.0,
        draw(st.sampled_from([1.0, 2.5])),
    )
    return kids, out


@pytest.mark.parametrize("odd", [None, "weight", "score", "total"])
@given(
    data=st.data(),
    meta=st.lists(
        st.tuples(
            st.sampled_from(["a", "b"]), st.sampled_from([1.0, 0.5]), st.sampled_from([1.0, -1.0])
        ),
        min_size=1,
        max_size=3,
    ),
    method=st.sampled_from([("arithmetic", None), ("sum", None), ("generalised", 2.0)]),
    n=st.integers(1, 5),
)
def test_a_group_column_explains_each_mission_as_validation_would(
    odd: str | None,
    data: st.DataObject,
    meta: list[tuple[str, float, float]],
    method: tuple[str, float | None],
    n: int,
) -> None:
    rows = [data.draw(group_rows(len(meta))) for _ in range(n)]
    kids = rows[0][0]
    if odd == "weight":
        meta[0] = (meta[0][0], 2, meta[0][2])  # type: ignore[assignment]
    elif odd == "score":
        kids[0].score = 5
    elif odd == "total":
        rows[0] = (kids, GroupOutcome("scored", 5, 1.0, 2.0))  # type: ignore[arg-type]
    name, power = method
    built = _explained_column(meta, [k for k, _ in rows], [o for _, o in rows], name, power)
    validated = [
        Explanation(
            score=out.score,
            aggregation=method_text(name, power),
            children=tuple(
                Contribution(
                    node=node,
                    status=kid.status,
                    score=kid.score,
                    weight=weight,
                    # A child's share exists once the group has a score; a sum's is its
                    # signed weight.
                    share=None
                    if out.score is None or kid.status != "scored"
                    else sign * weight
                    if name == "sum"
                    else weight / out.scored_weight,
                )
                for (node, weight, sign), kid in zip(meta, kids, strict=True)
            ),
        )
        for kids, out in rows
    ]
    same(built, validated)


def test_cards_filled_together_in_parts_across_cohorts_are_each_the_card_built_alone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Parts of three cards: a part mixes missions read already, missions read in another
    # order, and two cohorts scored with different settings.
    monkeypatch.setattr(results, "_BATCH_CARDS", 3)
    ws = ovm.load_workspace(EXAMPLES)
    first = ovm.score(ws.rubric, ws.observations)
    second = ovm.score(ws.rubric, ws.observations, bootstrap=0)
    alone = [
        ovm.score(ws.rubric, ws.observations),
        ovm.score(ws.rubric, ws.observations, bootstrap=0),
    ]
    for card in first.scorecards[::4]:
        assert card.overall.node == "overall"
    mixed = [
        card
        for pair in zip(reversed(first.scorecards), second.scorecards, strict=True)
        for card in pair
    ]
    fill_deferred(mixed + mixed[:5])
    for scores, single in zip((first, second), alone, strict=True):
        for card, other in zip(scores.scorecards, single.scorecards, strict=True):
            assert set(card.__dict__) >= set(Scorecard.model_fields)
            copy.copy(other)  # built alone
            assert card == other
            assert card.model_dump_json() == other.model_dump_json()
    assert first.to_json() == alone[0].to_json()


@pytest.mark.parametrize("bootstrap", [200, 0])
def test_a_cohort_built_together_is_what_validating_every_value_would_build(
    bootstrap: int,
) -> None:
    ws = ovm.load_workspace(EXAMPLES)
    scores = ovm.score(ws.rubric, ws.observations, bootstrap=bootstrap)
    fill_deferred(scores.scorecards)
    for card in scores.scorecards:
        text = card.model_dump_json()
        again = Scorecard.model_validate_json(text)
        assert again == card
        assert again.model_dump_json() == text
        assert repr(again.model_dump()) == repr(card.model_dump())


RULED = """\
ovm_rubric: 1
id: ruled
version: "1"
title: {en: Ruled, es: Regla}
families:
  - id: f0
    labels: {en: F0, es: F0}
    children:
      - id: q0
        kind: checklist
        source: checklist
        labels: {en: Q0, es: P0}
        question: {en: Q0, es: P0}
        rule: {type: goalposts, low: 25, high: 75}
"""
TWO_MISSIONS = """\
missions:
  - {id: a, country: ARG, name: A, election: {type: general, date: 2024-01-01}}
  - {id: b, country: BRA, name: B, election: {type: general, date: 2024-01-01}}
"""
# Eight places each: a answers yes at 3 of 8 (37.5 %), b at 6 of 8 (75 %); b has one
# unanswered visit more.
RULED_VISITS = (
    "mission,site,q0\n"
    + "".join(f"a,s{p},{'yes' if p < 3 else 'no'}\n" for p in range(8))
    + "".join(f"b,t{p},{'yes' if p < 6 else 'no'}\n" for p in range(8))
    + "b,t8,\n"
)


@pytest.mark.parametrize("bootstrap", [200, 0])
def test_a_cohorts_question_explains_its_share_and_its_rules_score(
    tmp_path: Path, make_workspace: Any, bootstrap: int
) -> None:
    # Through the goalposts 25-75, a share of 37.5 % scores 25 and one of 75 % scores 100:
    # the explanation's raw value is the share, its score the rule's, its input the counts.
    root = make_workspace(tmp_path, rubric=RULED, missions=TWO_MISSIONS, checklists=RULED_VISITS)
    ws = ovm.load_workspace(root)
    scores = ovm.score(ws.rubric, ws.observations, bootstrap=bootstrap)
    fill_deferred(scores.scorecards)
    got = []
    for card in scores.scorecards:
        node = card.node("q0")
        e = node.explanation
        (given,) = e.inputs
        got.append(
            (
                card.mission.id,
                node.value,
                node.score,
                e.raw_value,
                e.score,
                given.value,
                given.n,
                given.accepted,
                given.not_observed,
            )
        )
    assert got == [
        ("a", 37.5, 25.0, 37.5, 25.0, 37.5, 8, 3, 0),
        ("b", 75.0, 100.0, 75.0, 100.0, 75.0, 8, 6, 1),
    ]
