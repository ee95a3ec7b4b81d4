"""A scorecard's nodes and a score set's scorecards are looked up by id through an index kept
with the result: the same answers as a search of the tuples, and invisible to everything else."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

import ovm
from ovm import Scorecard, ScoreSet

EXAMPLES = Path(__file__).parent.parent / "examples"


@pytest.fixture(scope="module")
def scores() -> ScoreSet:
    ws = ovm.load_workspace(EXAMPLES)
    return ovm.score(ws.rubric, ws.observations, bootstrap=20)


def _search(card: Scorecard, node_id: str) -> object:
    return (
        card.overall if node_id == "overall" else next(n for n in card.nodes if n.node == node_id)
    )


def test_every_node_and_scorecard_is_found_as_a_search_finds_it(scores: ScoreSet) -> None:
    for card in scores.scorecards:
        assert scores.scorecard(card.mission.id) is card
        for n in card.nodes:
            assert card.node(n.node) is _search(card, n.node)
        assert card.node("overall") is card.overall
    with pytest.raises(KeyError):
        scores.scorecard("no-such-mission")
    with pytest.raises(KeyError):
        scores.scorecards[0].node("no-such-node")


def test_the_index_leaves_equality_hashing_and_serialisation_alone(scores: ScoreSet) -> None:
    fresh = ScoreSet.from_json(scores.to_json())
    before = fresh.model_dump()
    for card in fresh.scorecards:
        fresh.scorecard(card.mission.id).node(card.nodes[-1].node)
    assert fresh == scores and scores == fresh
    assert hash(fresh.scorecards[0]) == hash(scores.scorecards[0])
    assert fresh.model_dump() == before
    assert fresh.to_json() == scores.to_json()
    again = pickle.loads(pickle.dumps(fresh))
    assert again == scores
    assert again.scorecard(card.mission.id).node(card.nodes[-1].node) == card.nodes[-1]


def test_a_copy_with_other_nodes_finds_its_own(scores: ScoreSet) -> None:
    card = scores.scorecards[0]
    first = card.nodes[0]
    assert card.node(first.node) is first
    changed = first.model_copy(update={"score": None, "status": "missing"})
    copy = card.model_copy(update={"nodes": (changed, *card.nodes[1:])})
    assert copy.node(first.node) is changed
    assert card.node(first.node) is first
    shorter = scores.model_copy(update={"scorecards": scores.scorecards[1:]})
    with pytest.raises(KeyError):
        shorter.scorecard(card.mission.id)


def test_a_repeated_id_finds_the_first(scores: ScoreSet) -> None:
    card = scores.scorecards[0]
    first = card.nodes[0]
    other = first.model_copy(update={"score": None})
    copy = card.model_copy(update={"nodes": (first, other)})
    assert copy.node(first.node) is first
