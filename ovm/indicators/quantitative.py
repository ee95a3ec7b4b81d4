"""Quantitative indicator: a formula over declared variables, then a scoring rule."""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Literal

from ovm.errors import Issue
from ovm.i18n import exact_number, number_param
from ovm.indicators._common import IndicatorBase, NonEmpty, VarName
from ovm.indicators.registry import KindUnit, RuleBase, register_kind
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
from ovm.indicators.validation import Document, RawNode, node_check
from ovm.indicators.variables import Source, read, replicate_values, resolve
from ovm.nearest import closest
from ovm.rubric import formula
from ovm.rubric.formula import Expr

if TYPE_CHECKING:
    from ovm.rubric.model import Rubric
    from ovm.scoring.results import Explanation, NodeStatus


@lru_cache(maxsize=4096)
def parsed(text: str) -> Expr:
    """The parsed tree of a formula (cached; raises FormulaSyntaxError)."""
    return formula.parse(text)


class QuantitativeIndicator(IndicatorBase):
    """A value computed from mission-level variables (votes / registered * 100), then scored.

    The formula may read other nodes too (``score(pr) - value(cl)``): their results for the
    same mission, as the rubric scores them.
    """

    kind: Literal["quantitative"]
    formula: NonEmpty
    rule: Rule
    applies_if: VarName | None = None
    """A variable of the formula: where it is 0 the indicator does not apply (the
    proportionality of seats abroad, where there are none, is not a score of 0)."""

    def expression(self) -> Expr:
        """The parsed formula."""
        return parsed(self.formula)

    def scaled_rule(self) -> RuleBase:
        """The rule on the node's scale (an identity keeps values within it)."""
        scale = self.scale_or_default
        return self.rule.on_scale(scale.min, scale.max)


@node_check("formula-syntax", "unknown-variable")
def formula_reads_declared_variables(doc: Document, node: RawNode) -> Iterator[Issue]:
    """The formula parses, and every name in it is a declared variable (the nodes it reads are
    checked with every formula's, :func:`ovm.rubric.checks.node_formulas`)."""
    text = node.data.get("formula")
    if not isinstance(text, str):
        return
    at = (*node.path, "formula")
    try:
        expr = formula.parse(text)
    except formula.FormulaSyntaxError as exc:
        yield doc.formula_issue(at, text, exc.offset, "formula-syntax", exc.message, **exc.params)
        return
    declared = sorted(doc.variables)
    for ref in formula.names(expr):
        if ref.name not in doc.variables:
            # A misspelt name is offered its variable, as a misspelt choice or column is.
            meant = closest(ref.name, declared, words=False)
            issue = doc.formula_issue(
                at,
                text,
                ref.offset,
                "unknown-variable",
                f"{ref.name!r} is not a declared variable",
                variant="formula_meant" if meant else "formula",
                name=ref.name,
                **({"meant": meant} if meant else {}),
            )
            if meant:
                # said after the formula the sentence ends with
                issue = dataclasses.replace(
                    issue, message=f"{issue.message}: did you mean {meant!r}?"
                )
            yield issue
    gate = node.data.get("applies_if")
    if isinstance(gate, str) and gate not in {ref.name for ref in formula.names(expr)}:
        yield doc.issue(
            (*node.path, "applies_if"),
            "unknown-variable",
            f"applies_if names {gate!r}, which the formula does not use",
            variant="applies_if",
            name=gate,
        )


class QuantitativeKind(KindUnit[QuantitativeIndicator]):
    """A formula over variables, scored by its rule; sampled variables give replicates."""

    key = "quantitative"
    model = QuantitativeIndicator
    evidence = "variables"
    checks = (formula_reads_declared_variables,)
    formula_is_code = True

    def variables_in(self, data: Mapping[str, Any]) -> Iterable[str]:
        """The names in the formula; when it does not parse, every word of it that could be
        one (a typo in the formula is its own error: the variables it reads are not unused)."""
        text = data.get("formula")
        if not isinstance(text, str):
            return ()
        try:
            return [ref.name for ref in formula.names(formula.parse(text))]
        except formula.FormulaSyntaxError:
            return re.findall(r"[A-Za-z_][A-Za-z0-9_.]*", text)

    def variables(self, node: QuantitativeIndicator) -> tuple[str, ...]:
        """The names in the formula, each once."""
        return tuple(dict.fromkeys(v.name for v in formula.names(node.expression())))

    def explain(self, node: QuantitativeIndicator) -> str:
        """The rule."""
        return node.scaled_rule().explain()

    def describe(
        self, node: QuantitativeIndicator, lang: str, rubric: Rubric, *, with_formula: bool = True
    ) -> str:
        """The rule (the formula is shown apart, as code)."""
        return node.scaled_rule().describe(lang)

    def formula_text(self, node: QuantitativeIndicator, lang: str) -> str | None:
        """The formula as written."""
        return node.formula

    def compile(self, node: QuantitativeIndicator, plan: Plan) -> NodeScorer:
        """Variables resolved once."""
        return QuantitativeScorer(
            node, self.explain(node), resolve(plan.rubric, self.variables(node))
        )


class QuantitativeScorer(NodeScorer):
    """A formula evaluated on a mission's variables, or on their replicates for the cohort."""

    def __init__(self, node: QuantitativeIndicator, rule: str, sources: Sequence[Source]) -> None:
        self.node = node
        self.rule = rule
        self.scored = node.scaled_rule()
        self.sources = tuple(sources)
        self.expr = node.expression()
        # One input per node read, though the formula may name it twice.
        self.refs = formula.distinct_refs(formula.refs(self.expr))

    def point(self, m: MissionView) -> Outcome:
        """The rule applied to the formula's value, or why there is none."""
        import numpy as np

        node = self.node
        got = read(m, node.id, self.sources)

        env: dict[str, formula.Value] = dict(got.values)
        absent: list[NodeStatus] = []
        for ref in self.refs:
            r = m.node(ref.node)
            x = formula.read_node(m.rubric, ref, r.status, r.score, r.value)
            got.inputs.append(m.node_input(ref.key, x))
            if x is None:
                absent.append(r.status)
            else:
                env[ref.key] = x

        def explain(raw: float | None = None, score: float | None = None) -> Explanation:
            return m.explanation(
                inputs=tuple(got.inputs),
                formula=node.formula,
                rule=self.rule,
                raw_value=raw,
                score=score,
            )

        if got.not_applicable:
            return Outcome("not_applicable", None, None, 0.0, explain())
        # Known to be 0, the gate makes the other inputs moot (missing or not).
        if node.applies_if is not None and got.values.get(node.applies_if) == 0:
            return Outcome(
                "not_applicable",
                None,
                None,
                0.0,
                m.explanation(
                    inputs=tuple(got.inputs),
                    formula=node.formula,
                    rule=f"not applicable: {node.applies_if} is 0",
                ),
            )
        if got.missing:
            names = ", ".join(got.missing)
            m.finding("missing-input", f"no value for {names}", node.id, "info", names=names)
            return Outcome("missing", None, None, 0.0, explain())
        if absent:
            names = ", ".join(i.name for i in got.inputs if i.kind == "node" and i.value is None)
            m.finding(
                "formula-input-missing",
                f"the formula has no value for {names}",
                node.id,
                names=names,
            )
            return Outcome(formula.absent_status(absent), None, None, 0.0, explain())
        try:
            raw = float(formula.evaluate(self.expr, env))
        except formula.EvaluationError as exc:
            m.finding(
                exc.code,
                f"{exc.message} in {node.formula}",
                node.id,
                variant="formula",
                formula=node.formula,
            )
            return Outcome("missing", None, None, 0.0, explain())
        if not math.isfinite(raw):
            m.finding("not-finite", f"{node.formula} is not finite", node.id, formula=node.formula)
            return Outcome("missing", None, None, 0.0, explain())
        if node.rule.cohort:
            return Outcome("pending", None, raw, 0.0, explain(raw))
        s = float(self.scored.apply(np.array([raw]))[0])
        if math.isnan(s):
            m.finding(
                "value-outside-bands",
                f"{exact_number(raw)} falls in no band of the rule",
                node.id,
                value=number_param(float(raw)),
            )
            return Outcome("missing", None, raw, 0.0, explain(raw))
        return Outcome(
            "scored",
            s,
            raw,
            1.0,
            explain(raw, s),
            # Values read from other nodes have no replicates here: no interval then.
            replicable=got.sampled and m.replicated and not self.refs,
            state=got.values,
        )

    def replicates(self, r: Replication, outcomes: Sequence[Outcome]) -> Replicates | None:
        """The formula over replicate statistics of sampled variables, then the rule."""
        import numpy as np

        has = replicable(outcomes)
        if not has.any():
            return None
        env: dict[str, formula.Value] = dict(replicate_values(r, self.sources, outcomes, has))
        rows = r.rows[has]
        picked_at = np.flatnonzero(has)
        try:
            with np.errstate(divide="ignore", invalid="ignore"):
                raw = np.broadcast_to(formula.evaluate(self.expr, env), (rows.size, r.count))
        except formula.EvaluationError:
            # A zero divisor in one mission's replicates must not cost the others theirs.
            raw = np.full((rows.size, r.count), np.nan)
            for k, m in enumerate(picked_at):
                one = {n: v[k] if isinstance(v, np.ndarray) else v for n, v in env.items()}
                try:
                    with np.errstate(divide="ignore", invalid="ignore"):
                        raw[k] = formula.evaluate(self.expr, one)
                except formula.EvaluationError:
                    has[m] = False
            raw = raw[has[picked_at]]
            if not has.any():
                return None
        return Replicates(has, self.scored.apply(raw), raw)


register_kind(QuantitativeKind())
