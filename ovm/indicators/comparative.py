"""Comparative indicator (family 7): a value that only exists across a cohort of missions."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Literal

from ovm.errors import Issue
from ovm.indicators._common import IndicatorBase, NodeId, Score
from ovm.indicators.registry import KindUnit, register_kind
from ovm.indicators.rules import Goalposts
from ovm.indicators.scoring import NodeScorer, Pending, Plan
from ovm.indicators.text import number, say, wording
from ovm.indicators.validation import Document, RawNode, node_check

if TYPE_CHECKING:
    from ovm.rubric.model import Rubric

Measure = Literal["distance_to_best", "change_since_previous", "practice_adoption"]


class ComparativeIndicator(IndicatorBase):
    """Scored by ``compare()`` over the cohort; ``score()`` alone leaves it pending.

    - ``distance_to_best``: 100 minus the gap in points to the cohort's best on ``target``.
    - ``change_since_previous``: change in points on ``target`` since the previous observed
      election of the same country, scored by ``rule`` (default -20 -> 0, +20 -> 100).
    - ``practice_adoption``: share of the indicators under ``target`` where the mission reaches
      ``threshold``, among those where a mission of another country of the cohort does;
      ``threshold`` is a
      point of 0-100 along each indicator's own scale, from its worst end to its best.
    """

    kind: Literal["comparative"]
    measure: Measure
    target: NodeId
    threshold: Score = 80.0
    rule: Goalposts | None = None

    def change_rule(self) -> Goalposts:
        """The goalposts that score a ``change_since_previous``: the rule's, else -20 -> 0 and
        +20 -> 100 (a change of 20 points either way is as far as the scale goes)."""
        return self.rule or Goalposts(type="goalposts", low=-20.0, high=20.0)


@node_check("unknown-node")
def target_exists(doc: Document, node: RawNode) -> Iterator[Issue]:
    """The target names a node of the rubric."""
    target = node.data.get("target")
    if isinstance(target, str) and target not in doc.ids:
        yield doc.issue(
            (*node.path, "target"), "unknown-node", f"no node with id {target!r}", id=target
        )


def _label(rubric: Rubric, node_id: str, lang: str) -> str:
    if node_id == "overall":
        return say("overall", lang)
    if node_id in rubric.nodes:
        return wording(rubric.node(node_id).labels, lang).text
    return node_id


class ComparativeKind(KindUnit[ComparativeIndicator]):
    """Measured from other nodes' scores across the cohort: pending until ``compare()``."""

    key = "comparative"
    model = ComparativeIndicator
    evidence = "nodes"
    checks = (target_exists,)

    def cohort_scored(self, node: ComparativeIndicator) -> bool:
        """Always: its value needs the other missions."""
        return True

    def explain(self, node: ComparativeIndicator) -> str:
        """The measure and its target."""
        return f"comparative: {node.measure} of {node.target}"

    def describe(
        self, node: ComparativeIndicator, lang: str, rubric: Rubric, *, with_formula: bool = True
    ) -> str:
        """The measure, on the target's label; a change, with the goalposts that score it."""
        return say(
            f"measure_{node.measure}",
            lang,
            target=_label(rubric, node.target, lang),
            threshold=number(node.threshold, lang),
            rule=node.change_rule().text(lang),
        )

    def compile(self, node: ComparativeIndicator, plan: Plan) -> NodeScorer:
        """Pending: scored by ``compare()``."""
        return Pending(self.explain(node))


register_kind(ComparativeKind())
