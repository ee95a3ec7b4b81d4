"""A rubric copied with changes is a new methodology: it computes its own digest and index."""

from __future__ import annotations

from pathlib import Path

import pytest

import ovm
from ovm import Rubric

MINI = Path(__file__).parent / "data" / "mini"


def _reweighted(rubric: Rubric) -> Rubric:
    first = rubric.families[0]
    changed = first.model_copy(update={"weight": first.weight * 5})
    return rubric.model_copy(update={"families": (changed, *rubric.families[1:])})


def test_a_copy_with_changes_has_the_digest_of_the_same_rubric_read_afresh() -> None:
    rubric = ovm.load_workspace(MINI).rubric
    before = rubric.digest()
    for copy in (
        rubric.model_copy(update={"version": "9.9.9"}),
        rubric.model_copy(update={"version": "9.9.9"}, deep=True),
        _reweighted(rubric),
    ):
        afresh = Rubric.model_validate(copy.model_dump(by_alias=True))
        assert copy.digest() == afresh.digest()
        assert copy.digest() != before
        assert copy.nodes.keys() == afresh.nodes.keys()
        assert copy.evaluation_order == afresh.evaluation_order
    assert rubric.model_copy().digest() == before
    assert rubric.digest() == before


def test_a_copy_with_other_weights_refuses_the_original_scores() -> None:
    ws = ovm.load_workspace(MINI)
    scores = ovm.score(ws.rubric, ws.observations, bootstrap=0)
    with pytest.raises(ValueError, match="the scores were computed with rubric"):
        ovm.compare(scores, _reweighted(ws.rubric))
    assert ovm.compare(scores, ws.rubric).scores.rubric == scores.rubric


def test_a_copy_sees_its_own_families() -> None:
    rubric = ovm.load_workspace(MINI).rubric
    assert rubric.nodes
    first = rubric.families[0]
    copy = rubric.model_copy(update={"families": (first,)})
    assert set(copy.nodes) == {p.node.id for p in copy.walk()}
    assert len(copy.nodes) < len(rubric.nodes)
