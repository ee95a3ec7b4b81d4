"""The scoring engine: mission observations in, traceable scorecards out.

Scoring runs in three passes over a plan of the rubric compiled once:

1. each mission is scored point by point (statuses, scores, explanations, findings), with the
   checklist indicators' scores and Wilson intervals computed for the whole cohort at once;
2. bootstrap replicates are carried up the tree node by node for the whole cohort at once
   (one matrix of missions x replicates per node), giving the intervals of sampled scores;
3. the scorecards are built.

A mission's scorecard depends only on its own data: the cohort is a batch, never an input.
"""

from __future__ import annotations

import gc
import hashlib
import json
import math
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import numpy.typing as npt

from ovm.data.observations import Datum, Mission, Observations, parse_number
from ovm.indicators import (
    AnswerIndicator,
    Bands,
    ChecklistIndicator,
    Cohort,
    ComparativeIndicator,
    Goalposts,
    Identity,
    LevelsIndicator,
    QuantitativeIndicator,
    Target,
    apply_rule,
)
from ovm.rubric import formula
from ovm.rubric.model import Group, Indicator, Rubric, pick
from ovm.scoring.aggregate import Array, Child, GroupOutcome, aggregate, method_text
from ovm.scoring.aggregate import combine as combine_children
from ovm.scoring.results import (
    Contribution,
    Explanation,
    FileSummary,
    Finding,
    InputValue,
    MissionInfo,
    NodeScore,
    NodeStatus,
    RejectedSummary,
    RubricRef,
    Scorecard,
    ScoreSet,
)
from ovm.scoring.sitestats import (
    PERCENT,
    MissionSites,
    QuestionStat,
    SiteSummary,
    site_order,
    summarise_sites,
    wilson_arrays,
    with_hashes,
)

__all__ = ["band_of", "data_digest", "explain_group", "score"]

Progress = Callable[[int, int], None]
Mask = npt.NDArray[np.bool_]


def _z(confidence: float) -> float:
    # Inverse normal CDF by bisection on erf: no SciPy for one number.
    lo, hi = 0.0, 10.0
    target = (1 + confidence) / 2
    for _ in range(80):
        mid = (lo + hi) / 2
        if 0.5 * (1 + math.erf(mid / math.sqrt(2))) < target:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


# --- the rubric compiled to a plan ---------------------------------------------------------


@dataclass(frozen=True)
class _Slot:
    """One node of the rubric in the plan: where it sits and which slots are its children."""

    node: Group | Indicator
    parent: str
    depth: int
    kind: str
    children: tuple[int, ...]


@dataclass(frozen=True)
class _Plan:
    slots: tuple[_Slot, ...]
    """Every node in tree (pre-)order: the order of a scorecard's nodes."""
    post: tuple[int, ...]
    """The same slots children first: the order nodes are scored in."""
    families: tuple[int, ...]
    rules: dict[str, str]
    """How each indicator's rule reads in an explanation."""
    formulas: dict[str, str]
    """How a checklist indicator's value is computed, in an explanation."""


def _rule_text(node: Indicator) -> str:
    if isinstance(node, LevelsIndicator):
        return "levels: " + ", ".join(f"{lv.key}={lv.score:g}" for lv in node.levels)
    if isinstance(node, AnswerIndicator):
        return "answer: " + ", ".join(f"{a}={node.score_of(a):g}" for a in node.answers())
    if isinstance(node, ChecklistIndicator) and node.rule is None:
        return "share of accepted answers, in %"
    if isinstance(node, ChecklistIndicator | QuantitativeIndicator):
        assert node.rule is not None
        return node.rule.describe()
    return f"comparative: {node.measure} of {node.target}"


def _plan(rubric: Rubric) -> _Plan:
    slots: list[_Slot] = []
    post: list[int] = []

    def visit(node: Group | Indicator, parent: str, depth: int) -> int:
        index = len(slots)
        slots.append(None)  # type: ignore[arg-type]  # placeholder keeps tree order
        if isinstance(node, Group):
            kids = tuple(visit(c, node.id, depth + 1) for c in node.children)
            slots[index] = _Slot(node, parent, depth, "group" if depth > 1 else "family", kids)
        else:
            slots[index] = _Slot(node, parent, depth, node.kind, ())
        post.append(index)
        return index

    families = tuple(visit(f, "overall", 1) for f in rubric.families)
    leaves = rubric.indicators()
    return _Plan(
        tuple(slots),
        tuple(post),
        families,
        rules={n.id: _rule_text(n) for n in leaves},
        formulas={
            n.id: f"{n.stat} of answers"
            if n.numeric
            else f"share of answers in {{{', '.join(n.accept)}}}"
            for n in leaves
            if isinstance(n, ChecklistIndicator)
        },
    )


# --- per-mission results -------------------------------------------------------------------


@dataclass
class _Result:
    status: NodeStatus
    score: float | None
    value: float | str | None
    coverage: float
    explanation: Explanation
    interval: tuple[float, float] | None = None
    n: int | None = None
    replicable: bool = False
    """An indicator whose replicates pass 2 should compute (its mission has some)."""
    sampled: bool = False
    """Has bootstrap replicates (set in pass 2)."""
    env: dict[str, float] = field(default_factory=dict)
    """A quantitative indicator's mission-level inputs, for its replicates."""


def _datum_input(name: str, kind: Literal["variable", "answer"], d: Datum | None) -> InputValue:
    if d is None:
        return InputValue(name=name, kind=kind, status="missing")
    return InputValue(
        name=name,
        kind=kind,
        status=d.status,
        value=d.value,
        provenance=d.provenance,
    )


@dataclass(frozen=True)
class _Column:
    """A checklist indicator's point scores and Wilson interval ends for the whole cohort."""

    score: Array
    low: Array
    high: Array


def _checklist_columns(rubric: Rubric, summary: SiteSummary, z: float) -> dict[str, _Column]:
    out: dict[str, _Column] = {}
    ids = summary.ids
    if not ids:
        return out
    for q in rubric.indicators():
        if not isinstance(q, ChecklistIndicator) or isinstance(q.rule, Cohort):
            continue
        stats = [summary.missions[m].stats[q.id] for m in ids]
        value = np.array([np.nan if st.value is None else st.value for st in stats])
        rule = q.rule
        score = apply_rule(rule, value) if rule else np.minimum(100.0, value)
        low = high = np.full(len(ids), np.nan)
        if not q.numeric:
            answered = np.array([st.answered for st in stats], dtype=float)
            accepted = np.array([st.accepted for st in stats], dtype=float)
            with np.errstate(divide="ignore", invalid="ignore"):
                lo, hi = wilson_arrays(accepted, answered, z)
            low, high = _rule_range(rule, 100 * lo, 100 * hi)
        out[q.id] = _Column(score, low, high)
    return out


def _rule_range(
    rule: Identity | Goalposts | Bands | Target | None, lo: Array, hi: Array
) -> tuple[Array, Array]:
    """The lowest and highest score a rule gives to values in [lo, hi] (NaN: none scored).

    Goalposts and identity are monotone: the ends decide. A target peaks at the target, so
    the range is its value there (clipped to the interval) and at the ends. Bands may score
    in any order: every band the interval touches counts.
    """
    if rule is None:
        return np.minimum(lo, 100.0), np.minimum(hi, 100.0)
    if isinstance(rule, Bands):
        scores = [
            np.where(
                (lo < (np.inf if b.max is None else b.max))
                & (hi >= (-np.inf if b.min is None else b.min)),
                b.score,
                np.nan,
            )
            for b in rule.bands
        ]
        found = np.stack(scores)
    else:
        points = [lo, hi]
        if isinstance(rule, Target):
            points.append(np.clip(rule.target, lo, hi))
        found = apply_rule(rule, np.stack(points))
    # fmin/fmax skip what is not scored; NaN only where nothing in the interval is.
    return np.fmin.reduce(found, axis=0), np.fmax.reduce(found, axis=0)


class _MissionScorer:
    """Pass 1: one mission's point scores, explanations and findings."""

    def __init__(
        self,
        rubric: Rubric,
        plan: _Plan,
        mission: Mission,
        summary: SiteSummary,
        columns: dict[str, _Column],
    ) -> None:
        self.rubric = rubric
        self.plan = plan
        self.mission = mission
        self.sites = summary.missions.get(mission.id) or MissionSites()
        self.row = summary.rows.get(mission.id)
        self.replicated = summary.bootstrap > 0 and self.row is not None
        self.columns = columns
        self.findings: list[Finding] = []

    def finding(
        self,
        code: str,
        message: str,
        node: str | None,
        severity: Literal["info", "warning", "error"] = "warning",
        **params: object,
    ) -> None:
        self.findings.append(
            Finding(
                code=code,
                message=message,
                node=node,
                severity=severity,
                params={k: str(v) for k, v in params.items()},
            )
        )

    def run(self) -> tuple[_Result, list[_Result]]:
        slots = self.plan.slots
        results: list[_Result] = [None] * len(slots)  # type: ignore[list-item]
        for i in self.plan.post:
            slot = slots[i]
            node = slot.node
            if isinstance(node, Group):
                kids = [(slots[c].node, results[c]) for c in slot.children]
                results[i] = self.combine(
                    node.id, node.aggregation, node.power, node.min_coverage, kids
                )
            else:
                results[i] = self.indicator(node)
        root = self.combine(
            "overall",
            self.rubric.aggregation,
            self.rubric.power,
            self.rubric.min_coverage,
            [(slots[f].node, results[f]) for f in self.plan.families],
        )
        return root, results

    def combine(
        self,
        node_id: str,
        method: str,
        power: float | None,
        min_cov: float,
        kids: Sequence[tuple[Group | Indicator, _Result]],
    ) -> _Result:
        children = [
            Child(n.id, n.weight, r.status, r.score, r.coverage) for n, r in kids if n.contributes
        ]
        out = combine_children(children, method, power, min_cov)
        explanation, findings = explain_group(children, out, node_id, method, power)
        self.findings += findings
        return _Result(out.status, out.score, out.score, out.coverage, explanation)

    def indicator(self, node: Indicator) -> _Result:
        if isinstance(node, LevelsIndicator | AnswerIndicator):
            return self.qualitative(node)
        if isinstance(node, ChecklistIndicator):
            return self.checklist(node)
        if isinstance(node, QuantitativeIndicator):
            return self.quantitative(node)
        assert isinstance(node, ComparativeIndicator)
        return _Result(
            "pending",
            None,
            None,
            0.0,
            Explanation(rule=self.plan.rules[node.id]),
        )

    def qualitative(self, node: LevelsIndicator | AnswerIndicator) -> _Result:
        d = self.mission.answers.get(node.id)
        inp = _datum_input(node.id, "answer", d)
        rule = self.plan.rules[node.id]
        if d is None or d.status == "missing":
            self.finding("missing-data", "no answer recorded", node.id, "info", variant="answer")
            return _Result("missing", None, None, 0.0, Explanation(inputs=(inp,), rule=rule))
        if d.status == "not_applicable":
            return _Result("not_applicable", None, None, 0.0, Explanation(inputs=(inp,), rule=rule))
        self._confidence(node.id, d)
        value = d.value
        key = str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
        s = node.score_of(key)
        if s is None:
            self.finding(
                "invalid-answer",
                f"{value!r} is not an allowed answer",
                node.id,
                "error",
                value=repr(value),
            )
            return _Result("missing", None, key, 0.0, Explanation(inputs=(inp,), rule=rule))
        return _Result(
            "scored",
            float(s),
            key,
            1.0,
            Explanation(inputs=(inp,), raw_value=key, rule=rule, score=float(s)),
        )

    def _confidence(self, node_id: str, d: Datum) -> None:
        if d.provenance.confidence == "low":
            src = d.provenance.source or "unknown source"
            self.finding(
                "low-confidence-input",
                f"an input has low confidence ({src})",
                node_id,
                "info",
                source=src,
            )

    def _question_input(self, q: ChecklistIndicator, st: QuestionStat | None) -> InputValue:
        if st is None:
            return InputValue(name=q.id, kind="question", status="missing", n=0)
        status: Literal["value", "missing", "not_applicable"] = (
            "value" if st.answered else "not_applicable" if st.not_applicable else "missing"
        )
        return InputValue(
            name=q.id,
            kind="question",
            status=status,
            value=st.value,
            n=st.answered,
            accepted=None if q.numeric else st.accepted,
            not_applicable=st.not_applicable,
            not_observed=st.not_observed,
            simulated=self.sites.simulated,
        )

    def checklist(self, q: ChecklistIndicator) -> _Result:
        st = self.sites.stats.get(q.id)
        rule = q.rule

        def explain(raw: float | None = None, score: float | None = None) -> Explanation:
            return Explanation(
                inputs=(self._question_input(q, st),),
                rule=self.plan.rules[q.id],
                notes=tuple(self.sites.negative_notes.get(q.id, ())),
                formula=self.plan.formulas[q.id],
                raw_value=raw,
                score=score,
            )

        if st is None or st.answered == 0:
            if st is not None and st.not_applicable and not st.not_observed:
                return _Result("not_applicable", None, None, 0.0, explain())
            self.finding(
                "missing-data", "no observer answered this question", q.id, "info", variant="sites"
            )
            return _Result("missing", None, None, 0.0, explain())
        assert st.value is not None and self.row is not None
        if st.answered < q.min_answers:
            self.finding(
                "too-few-answers",
                f"{st.answered} answer(s); at least {q.min_answers} needed",
                q.id,
                n=st.answered,
                needed=q.min_answers,
            )
            return _Result("insufficient", None, st.value, 0.0, explain(st.value), n=st.answered)
        if isinstance(rule, Cohort):
            return _Result("pending", None, st.value, 0.0, explain(st.value))
        col = self.columns[q.id]
        s = float(col.score[self.row])
        if math.isnan(s):
            self.finding(
                "value-outside-bands",
                f"{st.value:g} falls in no band of the rule",
                q.id,
                value=f"{st.value:g}",
            )
            return _Result("missing", None, st.value, 0.0, explain())
        interval = None
        if not q.numeric:
            # fmin/fmax: an end the rule leaves uncovered gives way to the score itself.
            interval = (
                float(np.fmin(col.low[self.row], s)),
                float(np.fmax(col.high[self.row], s)),
            )
        return _Result(
            "scored",
            s,
            st.value,
            1.0,
            explain(st.value, s),
            interval=interval,
            n=st.answered,
            replicable=self.replicated,
        )

    def quantitative(self, node: QuantitativeIndicator) -> _Result:
        expr = node.expression()
        refs = list(dict.fromkeys(v.name for v in formula.names(expr)))
        env: dict[str, float] = {}
        inputs: list[InputValue] = []
        missing: list[str] = []
        not_app: list[str] = []
        sampled = False
        for name in refs:
            var = self.rubric.variable(name)
            if var.from_sites is not None:
                qnode = self.rubric.node(var.from_sites.question)
                assert isinstance(qnode, ChecklistIndicator)
                st = self.sites.stats.get(qnode.id)
                inp = self._question_input(qnode, st).model_copy(
                    update={"name": name, "kind": "variable"}
                )
                inputs.append(inp)
                val = None if st is None else _site_stat(st, var.from_sites.stat)
                if st is not None and 0 < st.answered < qnode.min_answers:
                    self.finding(
                        "too-few-answers",
                        f"{name} rests on {st.answered} answer(s); at least "
                        f"{qnode.min_answers} needed",
                        node.id,
                        variant="variable",
                        name=name,
                        n=st.answered,
                        needed=qnode.min_answers,
                    )
                    val = None
                if val is None:
                    (not_app if inp.status == "not_applicable" else missing).append(name)
                    continue
                env[name] = val
                sampled = True
                continue
            d = self.mission.values.get(name)
            inputs.append(_datum_input(name, "variable", d))
            if d is None or d.status == "missing":
                missing.append(name)
                continue
            if d.status == "not_applicable":
                not_app.append(name)
                continue
            self._confidence(node.id, d)
            x = parse_number(d.value)
            if x is None:
                missing.append(name)
                continue
            env[name] = x

        def explain(raw: float | None = None, score: float | None = None) -> Explanation:
            return Explanation(
                inputs=tuple(inputs),
                formula=node.formula,
                rule=self.plan.rules[node.id],
                raw_value=raw,
                score=score,
            )

        if not_app:
            return _Result("not_applicable", None, None, 0.0, explain())
        if missing:
            names = ", ".join(missing)
            self.finding("missing-input", f"no value for {names}", node.id, "info", names=names)
            return _Result("missing", None, None, 0.0, explain())
        try:
            raw = float(formula.evaluate(expr, dict(env)))
        except formula.EvaluationError as exc:
            self.finding(
                exc.code,
                f"{exc.message} in {node.formula}",
                node.id,
                variant="formula",
                formula=node.formula,
            )
            return _Result("missing", None, None, 0.0, explain())
        if not math.isfinite(raw):
            self.finding(
                "not-finite", f"{node.formula} is not finite", node.id, formula=node.formula
            )
            return _Result("missing", None, None, 0.0, explain())
        if isinstance(node.rule, Cohort):
            return _Result("pending", None, raw, 0.0, explain(raw))
        s = float(apply_rule(node.rule, np.array([raw]))[0])
        if math.isnan(s):
            self.finding(
                "value-outside-bands",
                f"{raw:g} falls in no band of the rule",
                node.id,
                value=f"{raw:g}",
            )
            return _Result("missing", None, raw, 0.0, explain(raw))
        return _Result(
            "scored",
            s,
            raw,
            1.0,
            explain(raw, s),
            replicable=sampled and self.replicated,
            env=env,
        )


def _site_stat(st: QuestionStat, stat: str) -> float | None:
    if st.answered == 0:
        return None
    if stat == "share":
        return st.accepted / st.answered
    if stat == "count":
        return float(st.answered)
    return st.extra.get(stat)


def explain_group(
    children: Sequence[Child], out: GroupOutcome, node_id: str, method: str, power: float | None
) -> tuple[Explanation, list[Finding]]:
    """How a group's score was reached (its children, each scored one's share), and the
    finding that says why it has none: what the engine and the comparison both report."""
    explanation = Explanation(
        aggregation=method_text(method, power),
        score=out.score,
        children=tuple(
            Contribution(
                node=c.id,
                status=c.status,
                score=c.score,
                weight=c.weight,
                # A child's share of the group exists only once the group has a score.
                share=(
                    c.weight / out.scored_weight
                    if out.score is not None and c.status == "scored"
                    else None
                ),
            )
            for c in children
        ),
    )
    if out.finding is None:
        return explanation, []
    code, message, params = out.finding
    return explanation, [Finding(code=code, message=message, node=node_id, params=params)]


# --- pass 2: replicates for the whole cohort -----------------------------------------------


@dataclass
class _Reps:
    """A node's replicates for the cohort: rows of missions x replicates, NaN where none."""

    has: Mask
    values: Array


class _Replicator:
    """Pass 2: carries bootstrap replicates up the tree, one cohort-wide matrix per node."""

    def __init__(
        self,
        rubric: Rubric,
        plan: _Plan,
        missions: Sequence[Mission],
        results: list[list[_Result]],
        roots: list[_Result],
        summary: SiteSummary,
        alpha: float,
    ) -> None:
        self.rubric = rubric
        self.plan = plan
        self.results = results
        self.roots = roots
        self.summary = summary
        self.alpha = alpha
        self.b = summary.bootstrap
        self.rows = np.array([summary.rows.get(m.id, -1) for m in missions], dtype=np.int64)

    def run(self) -> None:
        kept: dict[int, _Reps] = {}
        slots = self.plan.slots
        for i in self.plan.post:
            slot = slots[i]
            col = [r[i] for r in self.results]
            node = slot.node
            reps: _Reps | None
            if isinstance(node, Group):
                reps = self.group(node.aggregation, node.power, slot.children, col, kept)
            elif isinstance(node, ChecklistIndicator):
                reps = self.checklist(node, col)
            elif isinstance(node, QuantitativeIndicator):
                reps = self.quantitative(node, col)
            else:
                reps = None
            if reps is not None:
                kept[i] = reps
                self.intervals(col, reps)
        root = self.group(
            self.rubric.aggregation, self.rubric.power, self.plan.families, self.roots, kept
        )
        if root is not None:
            self.intervals(self.roots, root)

    def _scores(self, col: list[_Result]) -> Array:
        return np.array([np.nan if r.score is None else r.score for r in col])

    def checklist(self, q: ChecklistIndicator, col: list[_Result]) -> _Reps | None:
        has = np.array([r.replicable for r in col], dtype=bool)
        if not has.any():
            return None
        rule = q.rule
        assert not isinstance(rule, Cohort)  # a cohort-scored indicator is pending: no replicates
        raw = self.summary.replicates[(q.id, PERCENT)][self.rows[has]]
        scored = apply_rule(rule, raw) if rule is not None else np.minimum(raw, 100.0)
        return self._fill(has, scored, self._scores(col))

    def quantitative(self, node: QuantitativeIndicator, col: list[_Result]) -> _Reps | None:
        has = np.array([r.replicable for r in col], dtype=bool)
        if not has.any():
            return None
        expr = node.expression()
        picked = [r for r, h in zip(col, has, strict=True) if h]
        rows = self.rows[has]
        env: dict[str, formula.Value] = {}
        for name in dict.fromkeys(v.name for v in formula.names(expr)):
            var = self.rubric.variable(name)
            if var.from_sites is not None:
                env[name] = self.summary.replicates[(var.from_sites.question, var.from_sites.stat)][
                    rows
                ]
            else:
                env[name] = np.array([r.env[name] for r in picked])[:, None]
        picked_at = np.flatnonzero(has)
        try:
            with np.errstate(divide="ignore", invalid="ignore"):
                raw = np.broadcast_to(formula.evaluate(expr, env), (rows.size, self.b))
        except formula.EvaluationError:
            # A zero divisor in one mission's replicates must not cost the others theirs.
            raw = np.full((rows.size, self.b), np.nan)
            for k, m in enumerate(picked_at):
                one = {n: v[k] if isinstance(v, np.ndarray) else v for n, v in env.items()}
                try:
                    with np.errstate(divide="ignore", invalid="ignore"):
                        raw[k] = formula.evaluate(expr, one)
                except formula.EvaluationError:
                    has[m] = False
            raw = raw[has[picked_at]]
            if not has.any():
                return None
        assert not isinstance(node.rule, Cohort)  # a cohort-scored indicator is pending
        return self._fill(has, apply_rule(node.rule, raw), self._scores(col))

    def _fill(self, has: Mask, scored: Array, point: Array) -> _Reps:
        out = np.full((has.size, self.b), np.nan)
        # A replicate the rule cannot score (no visit drawn, a value outside the bands)
        # keeps the point score rather than being lost.
        out[has] = np.where(np.isnan(scored), point[has][:, None], scored)
        return _Reps(has, out)

    def group(
        self,
        method: str,
        power: float | None,
        children: tuple[int, ...],
        col: list[_Result],
        kept: dict[int, _Reps],
    ) -> _Reps | None:
        children = tuple(c for c in children if self.plan.slots[c].node.contributes)
        kid_reps = [kept.pop(c, None) for c in children]
        if all(r is None for r in kid_reps):
            return None
        kid_cols = [[r[c] for r in self.results] for c in children]
        n = len(col)
        has = np.zeros(n, dtype=bool)
        patterns: dict[tuple[bool, ...], list[int]] = {}
        for m in range(n):
            if col[m].status != "scored":
                continue
            pattern = tuple(kc[m].status == "scored" for kc in kid_cols)
            if any(
                p and kr is not None and kr.has[m] for p, kr in zip(pattern, kid_reps, strict=True)
            ):
                has[m] = True
                patterns.setdefault(pattern, []).append(m)
        if not has.any():
            return None
        out = np.full((n, self.b), np.nan)
        for pattern, members in patterns.items():
            rows = np.array(members)
            values: list[Array] = []
            weights: list[float] = []
            for p, c, kc, kr in zip(pattern, children, kid_cols, kid_reps, strict=True):
                if not p:
                    continue
                point = np.array([kc[m].score for m in members], dtype=float)[:, None]
                values.append(
                    np.where(kr.has[rows][:, None], kr.values[rows], point)
                    if kr is not None
                    else np.broadcast_to(point, (rows.size, self.b))
                )
                weights.append(self.plan.slots[c].node.weight)
            out[rows], _ = aggregate(method, values, weights, power)
        return _Reps(has, out)

    def intervals(self, col: list[_Result], reps: _Reps) -> None:
        """Percentile intervals of the replicates, widened to hold the point score."""
        which = np.flatnonzero(reps.has)
        values = reps.values[which]
        finite = np.isfinite(values)
        count = finite.sum(axis=1)
        srt = np.sort(np.where(finite, values, np.nan), axis=1)
        last = np.maximum(count - 1, 0)
        ends = []
        for q in (self.alpha, 1 - self.alpha):
            pos = q * last
            lo = np.floor(pos).astype(np.int64)
            hi = np.minimum(lo + 1, last)
            a = np.take_along_axis(srt, lo[:, None], axis=1)[:, 0]
            b = np.take_along_axis(srt, hi[:, None], axis=1)[:, 0]
            ends.append(a + (b - a) * (pos - lo))
        for k, m in enumerate(which):
            res = col[m]
            res.sampled = True
            if res.interval is None and count[k] and res.score is not None:
                res.interval = (
                    float(min(ends[0][k], res.score)),
                    float(max(ends[1][k], res.score)),
                )


# --- pass 3: scorecards --------------------------------------------------------------------


def band_of(
    rubric: Rubric, node: Group | Indicator | None, score: float, lang: str = "en"
) -> tuple[int | None, str | None]:
    """The index and label of the band a score falls in."""
    for i, band in enumerate(rubric.bands_for(node)):
        if band.contains(score):
            return i, pick(band.label, lang)
    return None, None


def _node_score(
    rubric: Rubric,
    node_id: str,
    parent: str | None,
    depth: int,
    kind: str,
    res: _Result,
    node: Group | Indicator | None,
) -> NodeScore:
    band, label = (None, None)
    if res.score is not None:
        band, label = band_of(rubric, node, res.score)
    return NodeScore(
        node=node_id,
        parent=parent,
        level=depth,
        kind=kind,
        value=res.value,
        score=res.score,
        coverage=res.coverage,
        status=res.status,
        band=band,
        band_label=label,
        interval=res.interval,
        sampled=res.sampled or res.interval is not None,
        explanation=res.explanation,
    )


def _mission_info(m: Mission) -> MissionInfo:
    return MissionInfo(
        id=m.id,
        country=m.country,
        name=m.name,
        election_type=m.election.type,
        election_date=m.election.date,
        round=m.election.round,
        region=m.region,
    )


def _digest(missions: Sequence[Mission], site_hashes: npt.NDArray[np.uint64] | None) -> str:
    h = hashlib.sha256()
    for m in sorted(missions, key=lambda m: m.id):
        data = m.model_dump(mode="json")
        # Where a value was read from is not part of the data: the same workspace copied
        # elsewhere must hash the same.
        for group in ("answers", "values"):
            for datum in data[group].values():
                datum["provenance"].pop("file", None)
                datum["provenance"].pop("line", None)
        h.update(json.dumps(data, sort_keys=True, ensure_ascii=False).encode("utf-8"))
    if site_hashes is not None:
        h.update(site_hashes.tobytes())
    return h.hexdigest()


def data_digest(observations: Observations) -> str:
    """SHA-256 of the observations' content, independent of the order of rows and missions."""
    sites = observations.sites
    return _digest(observations.missions, site_order(sites).hashes if sites.height else None)


@contextmanager
def _paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector, restoring its state after.

    Scoring builds tens of thousands of small objects that all stay alive; the collector would
    rescan them again and again as they accumulate (it doubled the time of the scoring passes
    on 200 missions). Reference counting still frees everything that is not a cycle.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def score(
    rubric: Rubric,
    observations: Observations,
    *,
    seed: int = 20261128,
    bootstrap: int = 200,
    confidence: float = 0.95,
    progress: Progress | None = None,
) -> ScoreSet:
    """Score every mission against the rubric; pure and deterministic.

    Data problems become findings on the scorecards; a Poisson bootstrap over the visits
    (``bootstrap`` replicates from ``seed``, see
    :func:`ovm.scoring.sitestats.poisson_weights`) gives intervals to scores that depend on
    sampled site data. ``progress(done, total)`` is called as missions are scored.
    """
    with _paused_gc():
        return _score(rubric, observations, seed, bootstrap, confidence, progress)


def _score(
    rubric: Rubric,
    observations: Observations,
    seed: int,
    bootstrap: int,
    confidence: float,
    progress: Progress | None,
) -> ScoreSet:
    sites = with_hashes(observations.sites)
    order = site_order(sites) if sites.height else None
    summary = summarise_sites(rubric, sites, seed=seed, bootstrap=bootstrap, order=order)
    plan = _plan(rubric)
    columns = _checklist_columns(rubric, summary, _z(confidence))
    missions = sorted(observations.missions, key=lambda m: m.id)
    scorers = [_MissionScorer(rubric, plan, m, summary, columns) for m in missions]
    passes = [s.run() for s in scorers]
    roots = [root for root, _ in passes]
    results = [nodes for _, nodes in passes]
    if bootstrap > 0 and summary.ids:
        _Replicator(rubric, plan, missions, results, roots, summary, (1 - confidence) / 2).run()
    cards = []
    for i, (m, scorer) in enumerate(zip(missions, scorers, strict=True)):
        nodes = [
            _node_score(rubric, s.node.id, s.parent, s.depth, s.kind, res, s.node)
            for s, res in zip(plan.slots, results[i], strict=True)
        ]
        overall = _node_score(rubric, "overall", None, 0, "overall", roots[i], None)
        ms = summary.missions.get(m.id)
        pending = sum(
            1 for n in nodes if n.status == "pending" and n.kind not in ("group", "family")
        )
        if pending:
            scorer.finding(
                "needs-cohort",
                f"{pending} indicator(s) are scored only against the cohort (compare, report): "
                "this overall leaves them out",
                "overall",
                "info",
                n=pending,
            )
        if ms is not None and ms.simulated:
            scorer.finding(
                "simulated-data",
                "observer checklists of this mission are simulated, not observed",
                None,
                "warning",
            )
        cards.append(
            Scorecard(
                mission=_mission_info(m),
                overall=overall,
                nodes=tuple(nodes),
                findings=tuple(scorer.findings),
                sites=ms.n if ms else 0,
                simulated=bool(ms and ms.simulated),
                notes=tuple(ms.notes) if ms else (),
                notes_total=ms.notes_total if ms else 0,
            )
        )
        if progress is not None:
            progress(i + 1, len(missions))
    rep = observations.report
    return ScoreSet(
        rubric=RubricRef(id=rubric.id, version=rubric.version, sha256=rubric.digest()),
        data_sha256=_digest(observations.missions, order.hashes if order else None),
        seed=seed,
        bootstrap=bootstrap,
        confidence=confidence,
        scorecards=tuple(cards),
        files=tuple(
            FileSummary(
                file=f.file,
                kind=f.kind,
                rows_read=f.rows_read,
                rows_used=f.rows_used,
                rows_rejected=f.rows_rejected,
                rows_excluded=f.rows_excluded,
                simulated=f.simulated,
                unmatched_columns=f.unmatched_columns,
            )
            for f in rep.files
        ),
        rejected=tuple(
            RejectedSummary(
                file=r.file,
                row=r.row,
                mission=r.mission,
                reasons=tuple(i.as_dict() for i in r.reasons),
            )
            for r in rep.rejected
        ),
        simulated_sources=observations.simulated_sources,
    )
