"""Scorecards of a cohort are built when they are first read: however a caller first reads one
(a field, equality, JSON, a copy, pickling), it is the scorecard built whole, field for field,
and the scores file is the same bytes."""

from __future__ import annotations

import copy
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ovm
from ovm import Scorecard, ScoreSet
from ovm.scoring.results import NodeScore, fill_deferred

RUBRIC = """\
ovm_rubric: 1
id: lazy
version: "1"
title: {en: Lazy}
languages: [en]
bands:
  - {min: 0, max: 50, label: {en: Low}}
  - {min: 50, max: 100, label: {en: High}}
families:
  - id: f0
    labels: {en: F0}
    children:
      - {id: q0, kind: checklist, source: checklist, labels: {en: Q0}, question: {en: Q0},
         not_applicable: true, min_answers: 2}
      - {id: q1, kind: checklist, source: checklist, labels: {en: Q1}, question: {en: Q1},
         not_applicable: true, min_answers: 3, critical: true}
  - id: f1
    labels: {en: F1}
    aggregation: geometric
    children:
      - {id: q2, kind: checklist, source: checklist, labels: {en: Q2}, question: {en: Q2},
         not_applicable: true}
"""

ANSWERS = ["yes", "no", "na", None]

READS: dict[str, Callable[[Scorecard], Any]] = {
    "field": lambda c: c.nodes,
    "node": lambda c: c.node("q1"),
    "json": lambda c: c.model_dump_json(),
    "dump": lambda c: c.model_dump(),
    "equality": lambda c: c == c.model_copy(),
    "hash": hash,
    "copy": copy.copy,
    "deepcopy": copy.deepcopy,
    "pickle": lambda c: pickle.loads(pickle.dumps(c)),
    "repr": repr,
    "iteration": lambda c: dict(c),
}


@st.composite
def cohorts(draw: st.DrawFn) -> list[tuple[str, str, list[str | None]]]:
    """Visits (mission, site, answers to q0-q2) of a few missions, some with few visits."""
    missions = draw(st.integers(1, 5))
    visits = []
    for m in range(missions):
        for _ in range(draw(st.integers(0, 9))):
            site = f"s{draw(st.integers(0, 6))}"
            visits.append((f"m{m}", site, [draw(st.sampled_from(ANSWERS)) for _ in range(3)]))
    return visits


def workspace(folder: Path, visits: list[tuple[str, str, list[str | None]]]) -> Path:
    (folder / "rubric.yaml").write_text(RUBRIC, encoding="utf-8")
    ids = sorted({m for m, _, _ in visits} | {"m0"})
    (folder / "missions.yaml").write_text(
        "missions:\n"
        + "".join(
            f"  - {{id: {m}, country: ARG, name: {m}, election: {{type: general, "
            f"date: 2024-01-0{1 + k % 9}}}}}\n"
            for k, m in enumerate(ids)
        ),
        encoding="utf-8",
    )
    (folder / "ovm.yaml").write_text(
        "rubric: rubric.yaml\nmissions: missions.yaml\nchecklists:\n  - sites.csv\n"
        "settings: {seed: 3, bootstrap: 30}\n",
        encoding="utf-8",
    )
    pl.DataFrame(
        {
            "mission": [m for m, _, _ in visits],
            "site": [s for _, s, _ in visits],
            **{f"q{q}": [a[q] for _, _, a in visits] for q in range(3)},
        },
        schema={"mission": pl.String, "site": pl.String, **{f"q{q}": pl.String for q in range(3)}},
    ).write_csv(folder / "sites.csv")
    return folder


def scored(folder: Path, bootstrap: int) -> ScoreSet:
    ws = ovm.load_workspace(folder)
    return ovm.score(ws.rubric, ws.observations, seed=3, bootstrap=bootstrap)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    visits=cohorts(),
    first=st.lists(st.sampled_from(sorted(READS)), min_size=1, max_size=5),
    bootstrap=st.sampled_from([0, 30]),
)
def test_a_scorecard_first_read_any_way_is_the_one_built_whole(
    tmp_path: Path,
    visits: list[tuple[str, str, list[str | None]]],
    first: list[str],
    bootstrap: int,
) -> None:
    folder = workspace(Path(tmp_path), visits)
    untouched = scored(folder, bootstrap)
    read = scored(folder, bootstrap)
    for k, card in enumerate(read.scorecards):
        READS[first[k % len(first)]](card)
    # The file of a score set none of whose scorecards was read is that of one read first.
    assert untouched.to_json() == read.to_json()
    for card, other in zip(untouched.scorecards, read.scorecards, strict=True):
        # Built whole through validation from the JSON the card writes: the same object,
        # every field, and the same JSON again.
        text = card.model_dump_json()
        whole = Scorecard.model_validate_json(text)
        assert whole == card == other
        assert hash(whole) == hash(card) == hash(other)
        assert whole.model_dump_json() == text
        assert repr(whole) == repr(card)
        assert pickle.loads(pickle.dumps(card)) == whole
        assert {name: getattr(card, name) for name in Scorecard.model_fields} == dict(whole)
    assert ScoreSet.from_json(read.to_json()) == untouched


NODE_READS: dict[str, Callable[[NodeScore], Any]] = {
    "none": lambda n: None,
    "score": lambda n: n.score,
    "explanation": lambda n: n.explanation,
    "json": lambda n: n.model_dump_json(),
    "dump": lambda n: n.model_dump(),
    "equality": lambda n: n == n.model_copy(),
    "copy with another field": lambda n: n.model_copy(update={"score": 1.0}),
    "hash": hash,
    "copy": copy.copy,
    "deepcopy": copy.deepcopy,
    "pickle": lambda n: pickle.loads(pickle.dumps(n)),
    "repr": repr,
    "iteration": lambda n: dict(n),
}


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    visits=cohorts(),
    first=st.lists(st.sampled_from(sorted(NODE_READS)), min_size=1, max_size=8),
    bootstrap=st.sampled_from([0, 30]),
)
def test_a_node_score_first_read_any_way_is_the_one_built_whole(
    tmp_path: Path,
    visits: list[tuple[str, str, list[str | None]]],
    first: list[str],
    bootstrap: int,
) -> None:
    """A built scorecard's node scores write their explanations when first read: however a
    caller first reads one, and in whatever order across the cohort, it is the node score
    built whole."""
    folder = workspace(Path(tmp_path), visits)
    untouched = scored(folder, bootstrap)
    # Each card built alone writes each node's explanation alone: the cohort's are written
    # a node's column at a time.
    alone = [(card.overall, card.nodes) for card in untouched.scorecards]
    assert all(len(nodes) == 3 + 2 for _, nodes in alone)
    read = scored(folder, bootstrap)
    fill_deferred(read.scorecards)
    every = [n for card in read.scorecards for n in (card.overall, *card.nodes)]
    for k, node in enumerate(every):
        NODE_READS[first[k % len(first)]](node)
    for node in every:
        text = node.model_dump_json()
        whole = NodeScore.model_validate_json(text)
        assert whole == node
        assert hash(whole) == hash(node)
        assert repr(whole) == repr(node)
        assert whole.model_dump_json() == text
        assert pickle.loads(pickle.dumps(node)) == whole
        assert {name: getattr(node, name) for name in NodeScore.model_fields} == dict(whole)
    assert untouched.to_json() == read.to_json()
    assert ScoreSet.from_json(read.to_json()) == untouched


def test_a_node_scores_explanation_is_written_with_its_columns_when_first_read() -> None:
    ws = ovm.load_workspace(Path(__file__).parent.parent / "examples")
    scores = ovm.score(ws.rubric, ws.observations)
    alone = ovm.score(ws.rubric, ws.observations)
    # Each card built alone, each node's explanation written alone.
    assert all(card.overall.explanation is not None for card in alone.scorecards)
    whole = ScoreSet.from_json(alone.to_json())
    fill_deferred(scores.scorecards)
    first, second = scores.scorecards[:2]

    def written(node: NodeScore) -> bool:
        return "explanation" in node.__dict__

    assert not any(map(written, (first.overall, *first.nodes, second.overall, *second.nodes)))
    assert first.nodes[3].explanation == whole.scorecards[0].nodes[3].explanation
    # Its node's column is written; each node score takes its own when read.
    assert not written(second.nodes[3])
    assert second.nodes[3].explanation == whole.scorecards[1].nodes[3].explanation
    assert not any(map(written, (first.overall, second.overall, second.nodes[2])))
    # A pickle of a node score carries its fields only, not the column that writes it.
    assert set(second.nodes[2].__getstate__()["__dict__"]) == set(NodeScore.model_fields)
    assert list(second.nodes[2].__dict__) == list(NodeScore.model_fields)
    assert scores == whole


def test_a_scorecard_not_read_holds_only_its_mission_and_reading_one_fills_no_other() -> None:
    ws = ovm.load_workspace(Path(__file__).parent.parent / "examples")
    scores = ovm.score(ws.rubric, ws.observations)
    first, second = scores.scorecards[:2]
    assert set(first.__dict__) & set(Scorecard.model_fields) == {"mission"}
    assert first.overall.node == "overall"
    assert list(first.__dict__)[: len(Scorecard.model_fields)] == list(Scorecard.model_fields)
    assert set(second.__dict__) & set(Scorecard.model_fields) == {"mission"}
    # A copy with another field is made from the whole card.
    other = second.model_copy(update={"sites": 7})
    assert other.nodes == second.nodes
    assert other.sites == 7


def test_filling_a_cohort_at_once_builds_every_scorecard_and_restores_the_collector() -> None:
    import gc

    from ovm.scoring.results import fill_deferred

    ws = ovm.load_workspace(Path(__file__).parent.parent / "examples")
    scores = ovm.score(ws.rubric, ws.observations)
    alone = ovm.score(ws.rubric, ws.observations)
    assert gc.isenabled()
    fill_deferred(scores.scorecards)
    assert gc.isenabled()
    for card, other in zip(scores.scorecards, alone.scorecards, strict=True):
        assert set(card.__dict__) >= set(Scorecard.model_fields)
        assert card == other


def test_a_pickled_scorecard_carries_its_fields_only_not_what_would_build_it() -> None:
    ws = ovm.load_workspace(Path(__file__).parent.parent / "examples")
    scores = ovm.score(ws.rubric, ws.observations)
    alone = ovm.score(ws.rubric, ws.observations)
    card, other = scores.scorecards[0], alone.scorecards[0]
    state = card.__getstate__()
    # What builds a card holds the whole cohort's observations and scorer: a pickle of one
    # scorecard must not carry them.
    assert set(state["__dict__"]) == set(Scorecard.model_fields)
    assert len(pickle.dumps(card)) == len(pickle.dumps(other.model_copy()))


def test_scoring_a_cohort_leaves_no_cycles_behind_only_what_it_returns() -> None:
    """score() ages what it builds past the collector's young generations (so no collection
    walks it), which is sound only if nothing it drops is a cycle: every intermediate object
    is freed by reference counting as soon as the scorecards are built or dropped."""
    import gc

    from ovm.indicators.scoring import Outcome
    from ovm.scoring.results import fill_deferred
    from ovm.scoring.sitestats import QuestionStat, SiteSummary

    ws = ovm.load_workspace(Path(__file__).parent.parent / "examples")

    def alive(*kinds: type) -> int:
        return sum(1 for o in gc.get_objects() if isinstance(o, kinds))

    engine = (Outcome, QuestionStat, SiteSummary)
    gc.collect()
    before = alive(*engine)
    was = gc.isenabled()
    gc.disable()
    try:
        scores = ovm.score(ws.rubric, ws.observations)
        assert alive(*engine) > before
        fill_deferred(scores.scorecards)
        # Built, a scorecard holds its results, and what writes its explanations until they
        # are read; read, what built them is gone.
        assert alive(*engine) > before
        scores.to_json()
        assert alive(*engine) == before
        unread = ovm.score(ws.rubric, ws.observations)
        del unread
        assert alive(*engine) == before
        built = ovm.score(ws.rubric, ws.observations)
        fill_deferred(built.scorecards)
        assert built.scorecards[0].nodes[0].explanation is not None
        del built
        assert alive(*engine) == before
    finally:
        (gc.enable if was else gc.disable)()


def test_scoring_as_a_library_leaves_the_callers_garbage_to_its_young_collections() -> None:
    """A caller's cyclic garbage dropped just before score() is not kept alive by it until a
    full collection: what score() ages is what it made."""
    import gc
    import weakref

    class Held:
        me: object

    ws = ovm.load_workspace(Path(__file__).parent.parent / "examples")
    was = gc.isenabled()
    try:
        gc.enable()
        gc.collect()
        held = Held()
        held.me = held
        ref = weakref.ref(held)
        del held
        scores = ovm.score(ws.rubric, ws.observations)
        assert ref() is None
        assert scores.scorecards[0].overall.status in {"scored", "missing", "insufficient"}
    finally:
        (gc.enable if was else gc.disable)()


def test_a_score_set_not_read_yet_holds_none_of_the_bootstraps_replicates() -> None:
    """Only a scorecard's own results wait for it to be read: the cohort's replicate matrices
    (hundreds of megabytes in a large cohort) are dropped when score() returns."""
    import gc
    import types

    import numpy as np

    ws = ovm.load_workspace(Path(__file__).parent.parent / "examples")
    bootstrap = 57
    scores = ovm.score(ws.rubric, ws.observations, bootstrap=bootstrap)
    assert set(scores.scorecards[0].__dict__) & set(Scorecard.model_fields) == {"mission"}
    seen: set[int] = set()
    todo: list[object] = [scores]
    shapes = []
    while todo:
        obj = todo.pop()
        if id(obj) in seen or isinstance(obj, type | types.ModuleType | types.FunctionType):
            continue
        seen.add(id(obj))
        if isinstance(obj, np.ndarray):
            shapes.append(obj.shape)
        todo.extend(gc.get_referents(obj))
    assert len(seen) > 1000
    assert [shape for shape in shapes if bootstrap in shape] == []
