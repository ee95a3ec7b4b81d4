"""A kind of indicator defined outside ``ovm/``: the ratio of two variables, in %, then a rule.

It is the proof that a kind is a self-contained unit: its model, its own check and codes, how
it scores a mission and bootstrap replicates, and how it describes itself, all here. Variables
from observer checklists give it replicates, so its scores have intervals. Register it with
:func:`registered` (a context manager), which also forgets it afterwards.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, ClassVar, Literal

import numpy as np

from ovm.errors import Issue
from ovm.indicators import IndicatorBase, VarName
from ovm.indicators.registry import KindUnit, register_kind, unregister_kind
from ovm.indicators.rules import Rule
from ovm.indicators.scoring import (
    MissionView,
    NodeScorer,
    Outcome,
    Plan,
    Replicates,
    Replication,
    replicable,
)
from ovm.indicators.text import pick
from ovm.indicators.validation import Document, RawNode, node_check
from ovm.indicators.variables import Source, read, replicate_values, resolve
from ovm.rubric.model import Rubric

RATIO_TEXT = {
    "en": "{numerator} per 100 {denominator}",
    "es": "{numerator} por cada 100 {denominator}",
}


class RatioIndicator(IndicatorBase):
    """``numerator / denominator * 100``, scored by ``rule``."""

    kind: Literal["ratio"]
    numerator: VarName
    denominator: VarName
    rule: Rule


@node_check("ratio-of-itself", "unknown-variable")
def ratio_of_two_variables(doc: Document, node: RawNode) -> Iterator[Issue]:
    """Both sides are declared variables, and they differ."""
    for side in ("numerator", "denominator"):
        name = node.data.get(side)
        if isinstance(name, str) and name not in doc.variables:
            yield doc.issue(
                (*node.path, side), "unknown-variable", f"{name!r} is not a declared variable"
            )
    if isinstance(node.data.get("numerator"), str) and (
        node.data.get("numerator") == node.data.get("denominator")
    ):
        yield doc.issue(
            (*node.path, "denominator"),
            "ratio-of-itself",
            "a variable divided by itself is always 100",
        )


class RatioKind(KindUnit[RatioIndicator]):
    """The ratio of two variables."""

    key = "ratio"
    model = RatioIndicator
    evidence = "variables"
    checks = (ratio_of_two_variables,)
    names: ClassVar[Mapping[str, str]] = {"en": "ratio", "es": "razón"}

    def variables_in(self, data: Mapping[str, Any]) -> Iterable[str]:
        """Both sides."""
        return [data[s] for s in ("numerator", "denominator") if isinstance(data.get(s), str)]

    def explain(self, node: RatioIndicator) -> str:
        """The ratio, then its rule."""
        return f"ratio {node.numerator} / {node.denominator} in %; {node.rule.explain()}"

    def describe(
        self, node: RatioIndicator, lang: str, rubric: Rubric, *, with_formula: bool = True
    ) -> str:
        """The ratio in words (unless left out), then the rule."""
        rule = node.rule.describe(lang)
        if not with_formula:
            return rule
        return f"{self.formula_text(node, lang)}; {rule}"

    def formula_text(self, node: RatioIndicator, lang: str) -> str | None:
        """The ratio in words, with the variables' labels."""
        return pick(RATIO_TEXT, lang).format(numerator=node.numerator, denominator=node.denominator)

    def compile(self, node: RatioIndicator, plan: Plan) -> NodeScorer:
        """Both variables resolved once."""
        sources = resolve(plan.rubric, (node.numerator, node.denominator))
        return RatioScorer(node, self.explain(node), sources)


class RatioScorer(NodeScorer):
    """One mission's ratio, or the cohort's replicate ratios."""

    def __init__(self, node: RatioIndicator, rule: str, sources: Sequence[Source]) -> None:
        self.node = node
        self.rule = rule
        self.sources = sources

    def _ratio(self, values: Mapping[str, Any]) -> Any:
        return values[self.node.numerator] / values[self.node.denominator] * 100.0

    def point(self, m: MissionView) -> Outcome:
        """The rule applied to the ratio, or why there is none."""
        node = self.node
        got = read(m, node.id, self.sources)

        def explain(raw: float | None = None, score: float | None = None) -> Any:
            return m.explanation(
                inputs=tuple(got.inputs),
                formula=f"{node.numerator} / {node.denominator} * 100",
                rule=self.rule,
                raw_value=raw,
                score=score,
            )

        if got.not_applicable:
            return Outcome("not_applicable", None, None, 0.0, explain())
        if got.missing:
            names = ", ".join(got.missing)
            m.finding("missing-input", f"no value for {names}", node.id, "info", names=names)
            return Outcome("missing", None, None, 0.0, explain())
        if got.values[node.denominator] == 0:
            m.finding("division-by-zero", f"{node.denominator} is 0", node.id)
            return Outcome("missing", None, None, 0.0, explain())
        raw = float(self._ratio(got.values))
        score = float(node.rule.apply(np.array([raw]))[0])
        if math.isnan(score):
            return Outcome("missing", None, raw, 0.0, explain(raw))
        return Outcome(
            "scored",
            score,
            raw,
            1.0,
            explain(raw, score),
            replicable=got.sampled and m.replicated,
            state=got.values,
        )

    def replicates(self, r: Replication, outcomes: Sequence[Outcome]) -> Replicates | None:
        """The ratio of the replicate values (a zero denominator leaves the point score)."""
        has = replicable(outcomes)
        if not has.any():
            return None
        values = replicate_values(r, self.sources, outcomes, has)
        with np.errstate(divide="ignore", invalid="ignore"):
            raw = np.broadcast_to(self._ratio(values), (int(has.sum()), r.count))
        raw = np.where(np.isfinite(raw), raw, np.nan)
        return Replicates(has, self.node.rule.apply(raw))


@contextmanager
def registered() -> Iterator[RatioKind]:
    """The ratio kind registered for the duration of a block."""
    unit = RatioKind()
    register_kind(unit)
    try:
        yield unit
    finally:
        unregister_kind(unit.key)
