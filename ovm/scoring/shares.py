"""The share of its parent's score each node of a rubric carries when every node is scored:
the weights as the engine renormalises them, for the methodology a report prints."""

from __future__ import annotations

from collections.abc import Sequence

from ovm.rubric.model import Group, Indicator, Rubric
from ovm.scoring.aggregate import Child, combine
from ovm.scoring.engine import explain_group


def nominal_shares(rubric: Rubric) -> dict[str, float | None]:
    """Each node's share of its parent's score (a family's: of the overall) where every node
    of the rubric has a score, by node id; None where the node carries none.

    The shares are those of the engine's explanations (:func:`explain_group` over
    :func:`combine`, as it scores a group): a weight over the weights of the children that
    count, or a sum's signed weight. A node that does not count (``contributes: false``), a
    child of a formula group and a family of a rubric whose overall is a headline node carry
    none. A mission's own shares differ where some of its nodes have no score: the weights
    are then renormalised over those that have one.
    """
    shares: dict[str, float | None] = {placed.node.id: None for placed in rubric.walk()}
    if rubric.headline is None:
        _fill(shares, "overall", rubric.families, rubric.aggregation, rubric.power)
    for placed in rubric.walk():
        group = placed.node
        if isinstance(group, Group) and group.formula is None:
            _fill(shares, group.id, group.children, group.aggregation, group.power)
    return shares


def _fill(
    shares: dict[str, float | None],
    parent: str,
    children: Sequence[Group | Indicator],
    method: str,
    power: float | None,
) -> None:
    """The shares of ``parent``'s children, each scored alike (a positive score every mean
    is defined for: the shares do not depend on it)."""
    counted = [
        Child(c.id, c.weight, "scored", 1.0, 1.0, -1.0 if c.subtracts else 1.0)
        for c in children
        if c.contributes
    ]
    out = combine(counted, method, power, 0.0)
    explanation, _ = explain_group(counted, out, parent, method, power)
    for contribution in explanation.children:
        shares[contribution.node] = contribution.share
