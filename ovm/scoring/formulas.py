"""Groups scored by a formula over other nodes (``(rating(pr) + rating(cl)) / 2``).

The engine and the comparison both score such a group here, from the results the nodes it
reads have for one mission, so the rule is written once.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from ovm.rubric import formula
from ovm.rubric.model import Group, Rubric
from ovm.scoring.results import Explanation, Finding, InputValue, NodeStatus


@dataclass(frozen=True)
class Read:
    """What a formula may read of one node for one mission."""

    status: NodeStatus
    score: float | None
    value: float | str | None
    coverage: float


@dataclass(frozen=True)
class FormulaOutcome:
    """A formula group's status, value, coverage and explanation, and its finding if any."""

    status: NodeStatus
    score: float | None
    coverage: float
    explanation: Explanation
    finding: Finding | None = None


def formula_group(rubric: Rubric, group: Group, lookup: Callable[[str], Read]) -> FormulaOutcome:
    """Score a formula group from what ``lookup(node_id)`` gives of the nodes it reads.

    An input without a score (or without a band, or a rating, where the formula asks for
    one) leaves the group without a score: pending or undefined when that input is, else
    insufficient when some input is and missing otherwise.
    """
    assert group.formula is not None
    expr = rubric.group_formulas[group.id]
    refs = rubric.references_of[group.id]
    env: dict[str, formula.Value] = {}
    inputs: list[InputValue] = []
    statuses: list[NodeStatus] = []
    coverage: list[float] = []
    # One input per node read: a formula may name the same node twice, at two offsets.
    for ref in formula.distinct_refs(refs):
        got = lookup(ref.node)
        value = formula.read_node(rubric, ref, got.status, got.score, got.value)
        coverage.append(got.coverage)
        if value is None:
            statuses.append(got.status)
            inputs.append(InputValue(name=ref.key, kind="node", status="missing"))
        else:
            env[ref.key] = value
            inputs.append(InputValue(name=ref.key, kind="node", status="value", value=value))
    cov = sum(coverage) / len(coverage) if coverage else 1.0
    if len(env) < len(inputs):
        missing = ", ".join(i.name for i in inputs if i.status == "missing")
        status = formula.absent_status(statuses)
        return FormulaOutcome(
            status,
            None,
            cov,
            Explanation(inputs=tuple(inputs), formula=group.formula),
            Finding(
                code="formula-input-missing",
                message=f"the formula has no value for {missing}",
                node=group.id,
                params={"names": missing},
            ),
        )
    try:
        result = float(formula.evaluate(expr, env))
    except formula.EvaluationError as exc:
        return FormulaOutcome(
            "undefined",
            None,
            cov,
            Explanation(inputs=tuple(inputs), formula=group.formula),
            Finding(code=exc.code, message=exc.message, node=group.id),
        )
    if not math.isfinite(result):
        return FormulaOutcome(
            "undefined", None, cov, Explanation(inputs=tuple(inputs), formula=group.formula)
        )
    return FormulaOutcome(
        "scored",
        result,
        cov,
        Explanation(inputs=tuple(inputs), formula=group.formula, raw_value=result, score=result),
    )


def headline_explanation(head: str, score: float | None) -> Explanation:
    """How the overall was reached when it is the headline node's result."""
    return Explanation(
        inputs=(
            InputValue(
                name=head,
                kind="node",
                status="value" if score is not None else "missing",
                value=score,
            ),
        ),
        rule=f"headline: {head}",
        score=score,
    )
