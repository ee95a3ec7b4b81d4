"""The scoring engine: mission observations in, traceable scorecards out.

Scoring runs in three passes over a plan of the rubric compiled once. Compiling asks each
indicator's kind (:mod:`ovm.indicators.registry`) for its scorer, which may compute what it can
for the whole cohort at once (a checklist question's scores and Wilson intervals); the passes
then dispatch on nothing:

1. each mission is scored point by point (statuses, scores, explanations, findings);
2. bootstrap replicates are carried up the tree node by node for the whole cohort at once
   (one matrix of missions x replicates per node), giving the intervals of sampled scores;
3. the scorecards are built.

A mission's scorecard depends only on its own data: the cohort is a batch, never an input.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache, partial
from itertools import repeat
from operator import attrgetter, itemgetter
from types import MethodType
from typing import Any, Literal, Protocol, cast, get_args

import numpy as np
import numpy.typing as npt
import polars as pl

from ovm.data.observations import Datum, Mission, Observations, parse_number
from ovm.data.places import plan_coverage
from ovm.i18n import fixed, gettext
from ovm.indicators.checklist import ChecklistIndicator
from ovm.indicators.registry import kind_of
from ovm.indicators.scoring import (
    FROM_SITES,
    NodeScorer,
    Outcome,
    Plan,
    Replication,
    question_written,
)
from ovm.rubric.model import Group, Indicator, Rubric, pick
from ovm.runtime import in_blocks, ordinary_pages, paused_gc, worker_threads
from ovm.scoring.aggregate import (
    Array,
    Child,
    GroupOutcome,
    aggregate,
    combine_columns,
    method_text,
)
from ovm.scoring.critical import apply_critical, critical_indicators
from ovm.scoring.formulas import Read, formula_group, headline_explanation
from ovm.scoring.results import (
    BatchFill,
    Contribution,
    Explanation,
    ExplanationColumn,
    Finding,
    InputValue,
    MissionInfo,
    NodeScore,
    NodeStatus,
    RejectedSummary,
    RubricRef,
    ScoreSet,
    SiteNote,
    column_maker,
    deferred_card,
    in_order,
)
from ovm.scoring.sitestats import (
    MissionSites,
    QuestionStat,
    SiteOrder,
    SiteSummary,
    background_replicates,
    site_order,
    stats_of,
    summarise_sites,
    with_hashes,
)

__all__ = [
    "IndicatorReplicates",
    "band_of",
    "data_digest",
    "explain_group",
    "indicator_replicates",
    "score",
    "score_with_replicates",
]

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
    """One node of the rubric in the plan: where it sits, its children, how it is scored."""

    node: Group | Indicator
    parent: str
    depth: int
    kind: str
    children: tuple[int, ...]
    scorer: NodeScorer | None
    """The indicator's scorer, from its kind's unit (None for a group)."""


@dataclass(frozen=True)
class _Plan:
    """The rubric laid out for scoring: its nodes as slots, and the orders they are visited in."""

    slots: tuple[_Slot, ...]
    """Every node in tree (pre-)order: the order of a scorecard's nodes."""
    post: tuple[int, ...]
    """The same slots children first: the order nodes are scored in."""
    families: tuple[int, ...]
    index: dict[str, int]
    """Each node's slot, by id."""


def _plan(rubric: Rubric, summary: SiteSummary, z: float, min_places: int = 5) -> _Plan:
    """The rubric as slots, each indicator compiled by its kind's unit: the one dispatch."""
    slots: list[_Slot] = []
    post: list[int] = []
    context = Plan(rubric, summary, z, min_places)
    families = tuple(_place(f, "overall", 1, slots, post, context) for f in rubric.families)
    index = {slot.node.id: i for i, slot in enumerate(slots)}
    # Children first, and a formula's inputs before it: the tree's post-order when no
    # formula reads another node.
    order = tuple(index[n] for n in rubric.evaluation_order)
    return _Plan(tuple(slots), order, families, index)


def _place(
    node: Group | Indicator,
    parent: str,
    depth: int,
    slots: list[_Slot],
    post: list[int],
    context: Plan,
) -> int:
    """Put ``node`` and everything below it in ``slots`` (tree order) and ``post`` (children
    first); its slot. A function of the module, not a recursive closure: a closure that
    calls itself is a cycle, which would keep the plan's context (the site summary and its
    replicates) alive until the garbage collector found it."""
    index = len(slots)
    slots.append(None)  # type: ignore[arg-type]  # placeholder keeps tree order
    if isinstance(node, Group):
        kids = tuple(_place(c, node.id, depth + 1, slots, post, context) for c in node.children)
        slots[index] = _Slot(node, parent, depth, "group" if depth > 1 else "family", kids, None)
    else:
        scorer = kind_of(node).compile(node, context)
        slots[index] = _Slot(node, parent, depth, node.kind, (), scorer)
    post.append(index)
    return index


# --- per-mission results -------------------------------------------------------------------


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


_SITES = attrgetter("sites")
_SIMULATED = attrgetter("simulated")
_NEGATIVE_NOTES = attrgetter("negative_notes")


def _question_inputs(
    q: ChecklistIndicator,
    stats: Sequence[QuestionStat | None],
    simulated: Sequence[bool],
    typed: bool = False,
) -> list[InputValue]:
    """A checklist question's explanation inputs, each its site summary at one mission: a
    column of missions at once, whose numbers' types are looked at once (``typed``: they
    are the site summary's own, of the fields' types already)."""
    if _NONE in _types(stats):
        # Missions without the question's site data: one input serves them all.
        where = [k for k, st in enumerate(stats) if st is not None]
        found = _question_inputs(q, [stats[k] for k in where], [simulated[k] for k in where], typed)
        out = [InputValue(name=q.id, kind="question", status="missing", n=0)] * len(stats)
        for k, got in zip(where, found, strict=True):
            out[k] = got
        return out
    if not stats:
        return []
    qid, numeric = q.id, q.numeric
    given = cast("Sequence[QuestionStat]", stats)
    # Each summary's fields read where they are written: no column of each is made first.
    fields = [
        {
            "name": qid,
            "kind": "question",
            "status": "value"
            if st.answered
            else "not_applicable"
            if st.not_applicable
            else "missing",
            "value": st.value,
            "n": st.answered,
            "accepted": None if numeric else st.accepted,
            "not_applicable": st.not_applicable,
            "not_observed": st.not_observed,
            "simulated": sim,
            "provenance": None,
        }
        for st, sim in zip(given, simulated, strict=True)
    ]
    if typed:
        return _make_inputs(fields)
    # The types of each mission's numbers, a tuple a mission: a column holds a few kinds.
    kinds = {
        (
            type(st.value),
            type(st.answered),
            type(st.accepted),
            type(st.not_applicable),
            type(st.not_observed),
            type(sim),
        )
        for st, sim in zip(given, simulated, strict=True)
    }
    if all(
        value in _FLOAT_OR_NONE
        and answered is int
        and (numeric or accepted is int)
        and not_applicable is int
        and not_observed is int
        and sim is bool
        for value, answered, accepted, not_applicable, not_observed, sim in kinds
    ):
        return _make_inputs(fields)
    return [InputValue(**f) for f in fields]


def _question_explanations(
    views: Sequence[_MissionScorer], calls: Sequence[tuple[Any, ...]], typed: bool = False
) -> list[Explanation]:
    """:meth:`_MissionScorer.question_explanation` of each view with its arguments: a column
    of missions at once. Its input and notes are the engine's own objects, so only the
    numbers' types need a look, once for the column (none when ``typed``: the arguments come
    from a scorer whose values are of the fields' types, see :attr:`NodeScorer.typed`)."""
    return _question_columns(views, list(zip(*calls, strict=True)), typed)


def _question_columns(
    views: Sequence[_MissionScorer], columns: Sequence[Sequence[Any]], typed: bool = False
) -> list[Explanation]:
    """:func:`_question_explanations`, its arguments given column by column (the questions,
    stats, formulas, rules, raw values and scores)."""
    questions, stats, formulas, rules, raws, scores = columns
    q = questions[0]
    if questions.count(q) != len(questions):
        calls = zip(questions, stats, formulas, rules, raws, scores, strict=True)
        return [
            _question_explanations((v,), (c,), typed)[0] for v, c in zip(views, calls, strict=True)
        ]
    sites = list(map(_SITES, views))
    qid = q.id
    if any(st is FROM_SITES for st in stats):
        # The missions' own summaries, made for the column at once.
        own = stats_of(qid, [s.stats for s in sites])
        stats = [got if st is FROM_SITES else st for st, got in zip(stats, own, strict=True)]
    inputs = _question_inputs(q, stats, list(map(_SIMULATED, sites)), typed)
    notes: Iterable[tuple[SiteNote, ...]] = (
        [tuple(s.negative_notes.get(qid) or ()) if s.negative_notes else () for s in sites]
        if any(map(_NEGATIVE_NOTES, sites))
        else repeat((), len(sites))
    )
    fields = [
        {
            "inputs": (got,),
            "formula": formula,
            "raw_value": raw,
            "rule": rule,
            "score": score,
            "aggregation": None,
            "children": (),
            "notes": noted,
        }
        for got, formula, raw, rule, score, noted in zip(
            inputs, formulas, raws, rules, scores, notes, strict=True
        )
    ]
    # The types of the values, column by column: the columns are at hand, and a look at
    # each one's types costs a third of a tuple of types built for each mission.
    if typed or (
        _types(raws) <= _FLOAT_OR_NONE
        and _types(scores) <= _FLOAT_OR_NONE
        and _types(formulas) == _STR
        and _types(rules) == _STR
    ):
        return _make_explanations(fields)
    return [_explanation(f) for f in fields]


class _MissionScorer:
    """Pass 1: one mission's point scores, explanations and findings.

    It is the :class:`~ovm.indicators.scoring.MissionView` each indicator's scorer reads.
    """

    def __init__(
        self,
        rubric: Rubric,
        plan: _Plan,
        mission: Mission,
        summary: SiteSummary,
        min_places: int = 5,
    ) -> None:
        self.rubric = rubric
        self.plan = plan
        self.mission = mission
        self.sites = summary.missions.get(mission.id) or MissionSites()
        self.row = summary.rows.get(mission.id)
        self.replicated = summary.bootstrap > 0 and self.row is not None
        self.min_places = min_places
        self.findings: list[Finding] = []
        self.thin: set[str] = set()
        """Nodes whose replicates rest on too few polling places to give an interval."""
        self.board: _Board | None = None
        """The cohort's results of pass 1 so far (while it runs): what a formula reads."""
        self.k = 0
        """This mission's place in the cohort (its row of the board's columns)."""

    # the view indicators read
    def answer(self, node_id: str) -> Datum | None:
        return self.mission.answers.get(node_id)

    def value(self, name: str) -> Datum | None:
        return self.mission.values.get(name)

    def number(self, datum: Datum) -> float | None:
        return parse_number(datum.value)

    def site_stat(self, question: str) -> QuestionStat | None:
        return self.sites.stats.get(question)

    def site_notes(self, question: str) -> Sequence[SiteNote]:
        return self.sites.negative_notes.get(question, ())

    def sampled_from(self, node_id: str, question: str) -> bool:
        st = self.sites.stats.get(question)
        places = 0 if st is None else st.places
        if not self.replicated or places >= self.min_places:
            return True
        if node_id not in self.thin:
            self.thin.add(node_id)
            # Below a handful of places the spread between places cannot be estimated: an
            # interval would be a guess presented as a measurement.
            self.finding(
                "too-few-places-for-interval",
                f"{question} was answered at {places} polling "
                f"{'place' if places == 1 else 'places'}; an interval needs at least "
                f"{self.min_places}",
                node_id,
                "info",
                n=places,
                needed=self.min_places,
                question=question,
            )
        return False

    def datum_input(
        self, name: str, kind: Literal["variable", "answer"], datum: Datum | None
    ) -> InputValue:
        return _datum_input(name, kind, datum)

    def explanation(self, **fields: Any) -> Explanation:
        return _explanation(fields)

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

    def confidence(self, node_id: str, d: Datum) -> None:
        if d.provenance.confidence == "low":
            src = d.provenance.source or "unknown source"
            self.finding(
                "low-confidence-input",
                f"an input has low confidence ({src})",
                node_id,
                "info",
                source=src,
            )

    def question_input(self, q: ChecklistIndicator, st: QuestionStat | None) -> InputValue:
        return _question_inputs(q, (st,), (self.sites.simulated,))[0]

    def question_explanation(
        self,
        question: ChecklistIndicator,
        stat: QuestionStat | None,
        formula: str,
        rule: str,
        raw: float | None,
        score: float | None,
    ) -> Explanation:
        # The one explanation of every checklist question of every mission: a scorecard
        # built alone writes its own; a cohort's are written a column at a time.
        return _question_explanations((self,), ((question, stat, formula, rule, raw, score),))[0]

    def node(self, node_id: str) -> Outcome:
        assert self.board is not None
        return self.board.columns[self.plan.index[node_id]][self.k]

    def node_input(self, name: str, value: float | None) -> InputValue:
        if value is None:
            return InputValue(name=name, kind="node", status="missing")
        return InputValue(name=name, kind="node", status="value", value=value)

    def headline(self, head: str) -> Outcome:
        """The overall when the rubric names its headline node (or ``none``)."""
        if head == "none":
            return Outcome("not_applicable", None, None, 0.0, Explanation(rule="no headline"))
        got = self.node(head)
        return Outcome(
            got.status,
            got.score,
            got.score,
            got.coverage,
            headline_explanation(head, got.score),
        )

    def formula(self, node: Group) -> Outcome:
        """A group scored by its formula over other nodes."""

        def lookup(node_id: str) -> Read:
            r = self.node(node_id)
            return Read(r.status, r.score, r.value, r.coverage)

        out = formula_group(self.rubric, node, lookup)
        if out.finding is not None:
            self.findings.append(out.finding)
        return Outcome(out.status, out.score, out.score, out.coverage, out.explanation)


class _Board:
    """Pass 1's results so far, one column of every mission's outcomes a node (by slot): what
    a formula, or an indicator reading another node, reads of the nodes scored before it."""

    __slots__ = ("columns",)

    def __init__(self, slots: int) -> None:
        self.columns: list[list[Outcome]] = [[] for _ in range(slots)]


def _point_pass(
    rubric: Rubric, plan: _Plan, scorers: Sequence[_MissionScorer]
) -> tuple[list[list[Outcome]], list[Outcome]]:
    """Pass 1 for the cohort: node by node (children first), every mission's point result.
    Returns each node's column of the missions' outcomes (by slot) and the missions'
    overalls.

    A mission's results and findings come in the same order as if it were scored alone; a
    group's aggregation is done once for all the missions whose scored children agree.
    """
    slots = plan.slots
    board = _Board(len(slots))
    columns = board.columns
    for k, sc in enumerate(scorers):
        sc.board, sc.k = board, k
    for i in plan.post:
        slot = slots[i]
        if slot.scorer is not None:
            columns[i] = slot.scorer.point_all(scorers)
            continue
        node = slot.node
        assert isinstance(node, Group)
        if node.formula is not None:
            columns[i] = [sc.formula(node) for sc in scorers]
            continue
        columns[i] = _combine_cohort(
            scorers,
            node.id,
            node.aggregation,
            node.power,
            node.min_coverage,
            [(slots[c].node, columns[c]) for c in slot.children],
        )
    head = rubric.headline
    if head is not None:
        roots = [sc.headline(head) for sc in scorers]
    else:
        roots = _combine_cohort(
            scorers,
            "overall",
            rubric.aggregation,
            rubric.power,
            rubric.min_coverage,
            [(slots[f].node, columns[f]) for f in plan.families],
        )
    # The columns served the formulas of pass 1. Kept by the views, they would make a cycle
    # with the explanations that call them: garbage only the collector frees.
    board.columns = []
    return columns, roots


def _combine_cohort(
    scorers: Sequence[_MissionScorer],
    node_id: str,
    method: str,
    power: float | None,
    min_cov: float,
    kids: Sequence[tuple[Group | Indicator, list[Outcome]]],
) -> list[Outcome]:
    """One group's outcome for every mission and its findings, from its children's columns;
    each explanation is written when its scorecard is built."""
    counted = [(n, col, -1.0 if n.subtracts else 1.0) for n, col in kids if n.contributes]
    columns = [col for _, col, _ in counted]
    outs = combine_columns(
        len(scorers),
        [(n.id, n.weight, sign) for n, _, sign in counted],
        [[r.status for r in col] for col in columns],
        [[r.score for r in col] for col in columns],
        [[r.coverage for r in col] for col in columns],
        method,
        power,
        min_cov,
    )
    found: list[Outcome] = []
    meta = tuple((n.id, n.weight, sign) for n, _, sign in counted)
    # Each mission's children as a tuple of their own: an explanation that held the
    # mission's whole list of results would hold its own outcome, a cycle only the garbage
    # collector frees.
    rows: Sequence[tuple[Outcome, ...]] = (
        list(zip(*columns, strict=True)) if columns else [()] * len(scorers)
    )
    for sc, out, row in zip(scorers, outs, rows, strict=True):
        if out.finding is not None:
            sc.findings.append(_group_finding(out, node_id))
        found.append(
            Outcome(
                out.status,
                out.score,
                out.score,
                out.coverage,
                partial(_explained, meta, row, out, method, power),
            )
        )
    return found


_TEXTS = (str, type(None))
_STATUSES = frozenset(get_args(NodeStatus))
_FLOAT_OR_NONE = frozenset((float, type(None)))
_VALUE_TYPES = frozenset((float, str, type(None)))
_NONE = type(None)
_INT = frozenset((int,))
_BOOL = frozenset((bool,))
_STR = frozenset((str,))
_make_inputs = column_maker(InputValue)
_make_explanations = column_maker(Explanation)
_make_contributions = column_maker(Contribution)
_make_nodes = column_maker(NodeScore)
_PLACE = ExplanationColumn.PLACE


def _types(items: Iterable[object]) -> set[type]:
    """The types of ``items``: a column's types, looked at once rather than item by item."""
    return set(map(type, items))


def _all_of(kind: type, items: object) -> bool:
    """``items`` is a tuple of exactly ``kind``."""
    return type(items) is tuple and (not items or set(map(type, items)) == {kind})


def _explanation(fields: dict[str, Any]) -> Explanation:
    """An explanation of the engine's own values, validated only when a value is not already
    of its field's type (a scorer may give an int where a float is due)."""
    if not fields.keys() <= _EXPLANATION_FIELDS:
        return Explanation(**fields)
    # The defaults' keys come first, so the fields keep the model's order.
    full = {**_NO_EXPLANATION, **fields}
    raw, score = full["raw_value"], full["score"]
    if (
        _all_of(InputValue, full["inputs"])
        and _all_of(Contribution, full["children"])
        and _all_of(SiteNote, full["notes"])
        and (raw is None or type(raw) is float or type(raw) is str)
        and (score is None or type(score) is float)
        and type(full["formula"]) in _TEXTS
        and type(full["rule"]) in _TEXTS
        and type(full["aggregation"]) in _TEXTS
    ):
        return in_order(Explanation, full)
    return Explanation(**full)


_NO_EXPLANATION: dict[str, Any] = {
    "inputs": (),
    "formula": None,
    "raw_value": None,
    "rule": None,
    "score": None,
    "aggregation": None,
    "children": (),
    "notes": (),
}
_EXPLANATION_FIELDS = frozenset(Explanation.model_fields)


def explain_group(
    children: Sequence[Child], out: GroupOutcome, node_id: str, method: str, power: float | None
) -> tuple[Explanation, list[Finding]]:
    """How a group's score was reached (its children, each scored one's share), and the
    finding that says why it has none: what the engine and the comparison both report."""
    explanation = _contributions(children, out, method, power)
    if out.finding is None:
        return explanation, []
    return explanation, [_group_finding(out, node_id)]


def _group_finding(out: GroupOutcome, node_id: str) -> Finding:
    assert out.finding is not None
    code, message, params = out.finding
    return Finding(code=code, message=message, node=node_id, params=params)


def _contributions(
    children: Sequence[Child], out: GroupOutcome, method: str, power: float | None
) -> Explanation:
    return _explained([(c.id, c.weight, c.sign) for c in children], children, out, method, power)


class _Scored(Protocol):
    """A child's result as its group's explanation reads it: an :class:`Outcome` of the
    engine's, a :class:`Child` of the comparison's."""

    @property
    def status(self) -> NodeStatus: ...

    @property
    def score(self) -> float | None: ...


def _explained(
    meta: Sequence[tuple[str, float, float]],
    kids: Sequence[_Scored],
    out: GroupOutcome,
    method: str,
    power: float | None,
) -> Explanation:
    """A group's explanation from its children's ids, weights and signs (``meta``) and their
    statuses and scores (``kids``, in the same order): the engine writes each mission's from
    its outcomes as they are, with no list of tuples made first."""
    return _explained_column(meta, (kids,), (out,), method, power)[0]


def _explained_column(
    meta: Sequence[tuple[str, float, float]],
    kids: Sequence[Sequence[_Scored]],
    outs: Sequence[GroupOutcome],
    method: str,
    power: float | None,
) -> list[Explanation]:
    """:func:`_explained` of one group at each of a column of missions (``kids`` and ``outs``
    one per mission): a child's contributions are made for the column at once."""
    n = len(outs)
    if not n:
        return []
    summed = method == "sum"
    totals = [out.score for out in outs]
    # Each child's column of results, the rows transposed once.
    by_child: list[Sequence[_Scored]] = list(zip(*kids, strict=True)) if meta else []
    # A child's share is its weight over the scored weight of its group at that mission:
    # one column per weight, shared by the children of that weight (keyed by its text:
    # 0.0 and -0.0 are one key of a dict, yet give other shares).
    quotients: dict[tuple[type, str], tuple[list[float | None], bool]] = {}
    columns: list[list[Contribution]] = []
    for (node, weight, sign), col in zip(meta, by_child, strict=True):
        # Each mission's status and score type, a pair a mission: a column holds a few.
        kinds = {(res.status, type(res.score)) for res in col}
        # A child's share exists only once the group has a score; a sum does not
        # normalise: each child enters with its weight, signed.
        if summed:
            signed = sign * weight
            shares: list[float | None] = [
                None if total is None or res.status != "scored" else signed
                for total, res in zip(totals, col, strict=True)
            ]
            floats = type(signed) is float
        else:
            key = (type(weight), repr(weight))
            found = quotients.get(key)
            if found is None:
                column = [None if out.score is None else weight / out.scored_weight for out in outs]
                found = quotients[key] = (column, _types(column) <= _FLOAT_OR_NONE)
            shares, floats = found
            if any(status != "scored" for status, _ in kinds):
                shares = [
                    None if res.status != "scored" else share
                    for res, share in zip(col, shares, strict=True)
                ]
        fields = [
            {
                "node": node,
                "status": res.status,
                "score": res.score,
                "weight": weight,
                "share": share,
            }
            for res, share in zip(col, shares, strict=True)
        ]
        columns.append(
            _make_contributions(fields)
            if type(weight) is float
            and floats
            and all(score in _FLOAT_OR_NONE for _, score in kinds)
            else [Contribution(**f) for f in fields]
        )
    children: list[tuple[Contribution, ...]] = (
        list(zip(*columns, strict=True)) if columns else [()] * n
    )
    aggregation = method_text(method, power)
    whole: list[dict[str, Any]] = [
        {
            "inputs": (),
            "formula": None,
            "raw_value": None,
            "rule": None,
            "score": total,
            "aggregation": aggregation,
            "children": made,
            "notes": (),
        }
        for total, made in zip(totals, children, strict=True)
    ]
    # Every child is a Contribution made above: only the numbers' types need a look.
    if type(aggregation) is str and _types(totals) <= _FLOAT_OR_NONE:
        return _make_explanations(whole)
    return [Explanation(**w) for w in whole]


def _written(explanations: Sequence[Any], typed: bool = False) -> list[Any]:
    """A column of outcomes' explanations (one node, each mission), each written now if it was
    deferred: where every one was deferred alike, by the checklist question or the group
    it explains, they are written for the column at once (``typed``: by a scorer whose
    values are of the fields' types, see :attr:`NodeScorer.typed`)."""
    kinds = _types(explanations)
    if kinds == _METHODS and set(map(_FUNC_OF, explanations)) == _QUESTION_WRITTEN:
        # Checklist questions' (see question_written): views and arguments, column by column.
        views, *columns = zip(*map(_SELF_OF, explanations), strict=True)
        if _types(views) == _VIEWS:
            return _question_columns(views, columns, typed)
    elif kinds == _PARTIAL and not any(map(_KEYWORDS, explanations)):
        calls = list(map(_ARGS, explanations))
        if set(map(_FUNC, explanations)) == _GROUP_EXPLANATION:
            meta, _, _, method, power = calls[0]
            # One group's column: the same children and method at every mission.
            if list(map(_FIRST, calls)).count(meta) == len(calls) and {
                (c[3], c[4]) for c in calls
            } == {(method, power)}:
                return _explained_column(
                    meta, [c[1] for c in calls], [c[2] for c in calls], method, power
                )
    return [e if type(e) is Explanation or not callable(e) else e() for e in explanations]


_KEYWORDS = attrgetter("keywords")
_FUNC = attrgetter("func")
_ARGS = attrgetter("args")
_FUNC_OF = attrgetter("__func__")
_SELF_OF = attrgetter("__self__")
_FIRST = itemgetter(0)
_PARTIAL = {partial}
_METHODS = {MethodType}
_VIEWS = {_MissionScorer}
_QUESTION_WRITTEN = {question_written}
_GROUP_EXPLANATION = {_explained}


# --- pass 2: replicates for the whole cohort -----------------------------------------------


@dataclass
class _Reps:
    """A node's replicates for the cohort: rows of missions x replicates, NaN where none."""

    has: Mask
    values: Array
    thin: Mask
    """Missions whose replicates rest on too few polling places: no interval."""
    raw: Array | None = None
    """An indicator's replicate values before its rule (rows of ``has`` only), if known."""
    point: Array | None = None
    """Every mission's point score (NaN where none), when worked out already."""


class _Replicator:
    """Pass 2: carries bootstrap replicates up the tree, one cohort-wide matrix per node."""

    def __init__(
        self,
        rubric: Rubric,
        plan: _Plan,
        missions: Sequence[Mission],
        columns: list[list[Outcome]],
        roots: list[Outcome],
        summary: SiteSummary,
        alpha: float,
        thin: Sequence[set[str]],
    ) -> None:
        self.thin = thin
        self.rubric = rubric
        self.plan = plan
        self.columns = columns
        """Each node's outcomes of the cohort's missions, by slot."""
        self.roots = roots
        self.summary = summary
        self.alpha = alpha
        self.b = summary.bootstrap
        self.rows = np.array([summary.rows.get(m.id, -1) for m in missions], dtype=np.int64)
        self.kept_indicators: dict[int, _Reps] | None = None
        """When a dict, every indicator's replicates are kept in it by slot."""

    def run(self) -> None:
        kept: dict[int, _Reps] = {}
        slots = self.plan.slots
        view = Replication(self.rubric, self.summary, self.rows, self.b)
        thin = _thin_rows(self.thin)
        # Each node's percentile ends are sorted on worker threads while this thread carries
        # the replicates on up the tree; the intervals are set once every node has its ends.
        started: list[tuple[list[Outcome], _Reps, Callable[[], _EndsOf], bool]] = []
        with _Sorter(self.alpha) as sorter:
            for i in self.plan.post:
                slot = slots[i]
                col = self.columns[i]
                reps: _Reps | None
                if slot.scorer is None:
                    node = slot.node
                    assert isinstance(node, Group)
                    if node.formula is not None:
                        # A formula over other nodes carries no replicates: no interval.
                        for c in slot.children:
                            kept.pop(c, None)
                        continue
                    reps = self.group(node.aggregation, node.power, slot.children, col, kept)
                else:
                    found = slot.scorer.replicates(view, col)
                    reps = (
                        None
                        if found is None
                        else self._fill(found.has, found.scores, _scores(col), found.values)
                    )
                    if reps is not None:
                        reps.thin = np.zeros(len(col), dtype=bool)
                        reps.thin[thin.get(slot.node.id, [])] = True
                        if self.kept_indicators is not None:
                            self.kept_indicators[i] = reps
                if reps is not None:
                    kept[i] = reps
                    started.append((col, reps, sorter.ends(reps), slot.scorer is None))
            head = self.rubric.headline
            if head is None:
                root = self.group(
                    self.rubric.aggregation, self.rubric.power, self.plan.families, self.roots, kept
                )
                if root is not None:
                    started.append((self.roots, root, sorter.ends(root), True))
            for col, reps, ends, group in started:
                self.intervals(col, reps, ends(), group=group)
        if head is not None and head != "none":
            # The overall is the headline node: its interval too.
            for r, got in zip(self.roots, self.columns[self.plan.index[head]], strict=True):
                r.interval, r.sampled = got.interval, got.sampled

    def _fill(self, has: Mask, scored: Array, point: Array, raw: Array | None) -> _Reps:
        # A replicate the rule cannot score (no visit drawn, a value outside the bands)
        # keeps the point score rather than being lost.
        if bool(has.all()):
            missing = np.isnan(scored)
            # Read only from here on: the scorer's own matrix serves when nothing is missing.
            out = np.where(missing, point[:, None], scored) if missing.any() else scored
        else:
            out = np.full((has.size, self.b), np.nan)
            out[has] = np.where(np.isnan(scored), point[has][:, None], scored)
        return _Reps(has, out, np.zeros(has.size, dtype=bool), raw, point)

    def group(
        self,
        method: str,
        power: float | None,
        children: tuple[int, ...],
        col: list[Outcome],
        kept: dict[int, _Reps],
    ) -> _Reps | None:
        children = tuple(c for c in children if self.plan.slots[c].node.contributes)
        kid_reps = [kept.pop(c, None) for c in children]
        if all(r is None for r in kid_reps):
            return None
        kid_cols = [self.columns[c] for c in children]
        n = len(col)
        # Which children each mission scored, as one (missions x children) table.
        kid_scored = np.array(
            [[r.status == "scored" for r in kc] for kc in kid_cols], dtype=bool
        ).T.reshape(n, len(children))
        replicated = np.zeros(n, dtype=bool)
        thin = np.zeros(n, dtype=bool)
        for j, kr in enumerate(kid_reps):
            if kr is not None:
                replicated |= kid_scored[:, j] & kr.has
                thin |= kr.thin & kr.has & kid_scored[:, j]
        has = np.array([r.status == "scored" for r in col], dtype=bool) & replicated
        if not has.any():
            return None
        which = np.flatnonzero(has)
        # Missions grouped by the children they scored: one aggregation per group.
        scored = kid_scored[which]
        if bool((scored == scored[:1]).all()):
            # Every mission scored the same children (the usual case): what np.unique gives,
            # without its sort of the rows.
            patterns, inverse = scored[:1], np.zeros(which.size, dtype=np.intp)
        else:
            patterns, inverse = np.unique(scored, axis=0, return_inverse=True)
        out: Array | None = None
        for g, pattern in enumerate(patterns):
            rows = which[inverse.reshape(-1) == g]
            # Every mission alike (the usual case): views of the children's rows, no copies.
            sel: slice | npt.NDArray[np.intp] = slice(None) if rows.size == n else rows
            values: list[Array] = []
            weights: list[float] = []
            for p, c, kc, kr in zip(pattern, children, kid_cols, kid_reps, strict=True):
                if not p:
                    continue
                if kr is not None and bool(kr.has[sel].all()):
                    values.append(kr.values[sel])
                else:
                    # The point score stands in for replicates the child lacks.
                    point = np.array([kc[m].score for m in rows.tolist()], dtype=float)[:, None]
                    if kr is None:
                        values.append(np.broadcast_to(point, (rows.size, self.b)))
                    else:
                        values.append(np.where(kr.has[sel][:, None], kr.values[sel], point))
                kid = self.plan.slots[c].node
                weights.append(-kid.weight if kid.subtracts else kid.weight)
            got = _blocked_aggregate(method, values, weights, power, rows.size, self.b)
            if rows.size == n:
                out = got
                break
            if out is None:
                out = np.full((n, self.b), np.nan)
            out[rows] = got
        assert out is not None
        return _Reps(has, out, thin & has)

    def intervals(
        self, col: list[Outcome], reps: _Reps, ends: _EndsOf, *, group: bool = False
    ) -> None:
        """Percentile intervals of the replicates (their ``ends``, row by row of the missions
        of ``reps.has``), widened to hold the point score. ``group``: the replicates are a
        group's (or the overall's), aggregated from its children's."""
        which = np.flatnonzero(reps.has)
        every = which.size == reps.has.size
        lo_end, hi_end, counted = ends
        picked = col if every else [col[m] for m in which.tolist()]
        point = _scores(col) if reps.point is None else reps.point
        scores = point if every else point[which]
        # What min() and max() with the end first give: the end, unless the score lies beyond.
        lows = np.where(scores < lo_end, scores, lo_end)
        highs = np.where(scores > hi_end, scores, hi_end)
        # Replicates to take ends of, from enough polling places.
        eligible = (counted > 0) & ~(reps.thin if every else reps.thin[which])
        raw = reps.raw
        # Where the ends meet, the values before the rule may still spread: looked at below.
        meet = eligible & (highs == lows) if raw is not None else None
        for res in picked:
            res.sampled = True
        # Plain lists: read one element at a time, NumPy scalars cost more than the rest.
        ends_of = list(zip(lows.tolist(), highs.tolist(), strict=True))
        given = eligible if meet is None else eligible & ~meet
        if group:
            # A group whose every replicate gives one score rests on sampled parts that
            # score alike over their data's range (a flat rule): a point interval would read
            # as a certainty the data do not have, so it has none, and a finding says why.
            alike = given & (highs == lows)
            given = given & ~alike
            for k in np.flatnonzero(alike).tolist():
                res = picked[k]
                if res.interval is None and res.score is not None:
                    res.flat = (res.score, res.score)
        for k in np.flatnonzero(given).tolist():
            res = picked[k]
            if res.interval is None and res.score is not None:
                res.interval = ends_of[k]
        flat: list[tuple[int, Outcome, float, tuple[float, float]]] = []
        if meet is not None:
            for k in np.flatnonzero(meet).tolist():
                res = picked[k]
                if res.interval is None and res.score is not None:
                    value = res.value
                    if isinstance(value, int | float):
                        flat.append((k, res, value, ends_of[k]))
                    else:
                        res.interval = ends_of[k]
        if flat:
            assert raw is not None
            # The values' own ends, only where the rule leaves the score no spread.
            rows = [k for k, _, _, _ in flat]
            raw_lo, raw_hi, _ = (e.tolist() for e in percentile_ends(raw[rows], self.alpha))
            for j, (_, res, value, same) in enumerate(flat):
                if math.isfinite(raw_lo[j]) and math.isfinite(raw_hi[j]):
                    v_low = float(min(raw_lo[j], value))
                    v_high = float(max(raw_hi[j], value))
                    if v_high > v_low:
                        # The value is uncertain but the rule scores all of its interval
                        # alike: a point interval would read as certainty the data lack.
                        res.flat = (v_low, v_high)
                        continue
                res.interval = same
        # The values before the rule served only here.
        reps.raw = None


_EndsOf = tuple[Array, Array, npt.NDArray[np.intp]]
"""Each row's lower and upper percentile ends and its count of finite replicates."""


def _scores(col: list[Outcome]) -> Array:
    """A column of outcomes' point scores, NaN where none (NumPy reads None as NaN)."""
    return np.array(list(map(_SCORE, col)), dtype=float)


_SCORE = attrgetter("score")


def _thin_rows(thin: Sequence[set[str]]) -> dict[str, list[int]]:
    """For each node, the missions whose replicates of it rest on too few polling places."""
    rows: dict[str, list[int]] = {}
    for k, nodes in enumerate(thin):
        for node in nodes:
            rows.setdefault(node, []).append(k)
    return rows


class _Sorter:
    """Percentile ends of replicate rows on worker threads (sorting releases the interpreter
    lock), in blocks of rows whose ends are those of each row alone: the numbers do not
    depend on the threads. With one thread, each node's ends are worked out at once."""

    def __init__(self, alpha: float) -> None:
        self.alpha = alpha
        threads = worker_threads()
        self.pool = ThreadPoolExecutor(threads) if threads > 1 else None

    def __enter__(self) -> _Sorter:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)

    def ends(self, reps: _Reps) -> Callable[[], _EndsOf]:
        """The ends of the rows of ``reps.has``, once the returned function is called."""
        every = bool(reps.has.all())
        values = reps.values if every else reps.values[reps.has]
        alpha, pool = self.alpha, self.pool
        if pool is None:
            found = percentile_ends(values, alpha)
            return lambda: found
        rows = values.shape[0]
        parts = [
            pool.submit(percentile_ends, values[start : start + _BLOCK_ROWS], alpha)
            for start in range(0, max(rows, 1), _BLOCK_ROWS)
        ]

        def gathered() -> _EndsOf:
            got = [f.result() for f in parts]
            if len(got) == 1:
                return got[0]
            low, high, count = zip(*got, strict=True)
            return np.concatenate(low), np.concatenate(high), np.concatenate(count)

        return gathered


_BLOCK_ROWS = 1024
"""Missions a thread takes at a time in the replicate passes: the blocks depend on the cohort's
size alone, and the work in them is row by row, so the numbers do not depend on the threads."""


def _blocked_aggregate(
    method: str, values: list[Array], weights: list[float], power: float | None, rows: int, b: int
) -> Array:
    """:func:`aggregate` of the children's replicate rows, blocks of rows at a time on the
    worker threads: element by element, so each row is what it would be alone."""
    if rows <= _BLOCK_ROWS:
        return aggregate(method, values, weights, power)[0]
    out = np.empty((rows, b))

    def work(block: slice) -> None:
        out[block] = aggregate(method, [v[block] for v in values], weights, power)[0]

    in_blocks(rows, _BLOCK_ROWS, work)
    return out


def percentile_ends(values: Array, alpha: float) -> tuple[Array, Array, npt.NDArray[np.intp]]:
    """Per row of replicates, the ``alpha`` and ``1 - alpha`` percentile ends and how many
    finite replicates each row has (NaN are left out).

    The lower end is the replicate of rank ``alpha * (B + 1)`` among ``B`` (Davison & Hinkley
    1997), interpolated between neighbours: that rank's expected share of the
    distribution below it is ``alpha``. Linear interpolation over ``B - 1`` gaps (NumPy's
    default) puts 200 replicates' 2.5 % end at the 3.0 % point of the distribution on
    average, one point of coverage short of nominal at every level.
    """
    rows, width = values.shape
    # A full sort, not a partial one around the two ends' ranks: NumPy sorts rows of floats
    # with vector instructions, several times faster than it partitions them.
    srt = np.sort(values, axis=1)
    # Sorted, a row is finite when its ends are (NaN sorts last): the usual case, told
    # without a pass over every replicate.
    if rows and width and bool(np.isfinite(srt[:, 0]).all() and np.isfinite(srt[:, -1]).all()):
        count = np.full(rows, width, dtype=np.intp)
    else:
        finite = np.isfinite(values)
        count = finite.sum(axis=1)
        srt = np.sort(np.where(finite, values, np.nan), axis=1)
    last = np.maximum(count - 1, 0)
    ends = []
    for q in (alpha, 1 - alpha):
        pos = np.clip(q * (count + 1) - 1, 0, last)
        lo = np.floor(pos).astype(np.int64)
        hi = np.minimum(lo + 1, last)
        a = np.take_along_axis(srt, lo[:, None], axis=1)[:, 0]
        b = np.take_along_axis(srt, hi[:, None], axis=1)[:, 0]
        ends.append(a + (b - a) * (pos - lo))
    return ends[0], ends[1], count


# --- pass 3: scorecards --------------------------------------------------------------------


def band_of(
    rubric: Rubric,
    node: Group | Indicator | None,
    score: float,
    lang: str = "en",
    span: tuple[float, float] | None = None,
) -> tuple[int | None, str | None, float | None]:
    """The index, label and rating of the band a score falls in (``span``: the range it was
    put on, as :meth:`Rubric.band_at` takes it)."""
    found = rubric.band_at(node, score, span)
    if found is None:
        return None, None, None
    return rubric.bands_for(node).index(found), pick(found.label, lang), found.rating


Band = tuple[int | None, str | None, float | None]


class _Bands:
    """A node's bands, looked up once: the band each mission's score of that node falls in."""

    def __init__(self, rubric: Rubric, node: Group | Indicator | None) -> None:
        self.top = rubric.scale_for(node).max
        self.bands = tuple(
            (k, band, pick(band.label, "en"), band.rating)
            for k, band in enumerate(rubric.bands_for(node))
        )
        self.rated = _types(rating for _, _, _, rating in self.bands) <= _FLOAT_OR_NONE
        """Every band's rating is a float or None: what a scorecard holds without a look."""

    def of(self, scores: list[float | None]) -> list[tuple[int | None, str | None, float | None]]:
        """What :func:`band_of` gives for each score (None: no band), every score at once; a
        missing score (None) has no band."""
        values = np.array([np.nan if v is None else v for v in scores], dtype=float)
        found = np.full(values.size, -1, dtype=np.int64)
        # The first band that holds a score is its band: later ones are written first.
        for k, band, _, _ in reversed(self.bands):
            found[band.contains(values, self.top)] = k
        none: tuple[int | None, str | None, float | None] = (None, None, None)
        looks = [(k, label, rating) for k, _, label, rating in self.bands]
        return [none if k < 0 else looks[k] for k in found.tolist()]


_STATUS = attrgetter("status")
_FLAT = attrgetter("flat")
_EXPLAINED = attrgetter("explanation")


def _banded(
    rubric: Rubric, node: Group | Indicator | None, scores: list[float | None]
) -> tuple[bool, list[Band]]:
    """Whether ``node``'s bands' ratings are floats or None, and the band of each score."""
    bands = _Bands(rubric, node)
    return bands.rated, bands.of(scores)


def _node_column(
    node_id: str,
    parent: str | None,
    depth: int,
    kind: str,
    col: Sequence[Outcome],
    bands: Sequence[Band],
    rated: bool,
    explained: Sequence[Any] | ExplanationColumn,
    typed: bool = False,
) -> list[NodeScore]:
    """One node's scores at a column of missions (``col``, with each one's band and written
    explanation, or the column that writes them when first read): the types of the column's
    values are looked at once, or not at all when ``typed`` (outcomes of a scorer whose
    values are of the fields' types, see :attr:`NodeScorer.typed`). ``rated``: every band's
    rating is a float or None (see :class:`_Bands`)."""
    if not col:
        return []
    fast = (typed and rated) or (rated and _of_field_types(col))
    # The last field: where the explanation is deferred (a column the fast path builds), each
    # node score holds its place in the column until its explanation is read; otherwise the
    # explanation, written now.
    last: str
    lasts: Iterable[Any]
    written: Sequence[Any] = ()
    if isinstance(explained, ExplanationColumn) and fast:
        last, lasts = _PLACE, zip(repeat(explained), range(len(col)))
    else:
        written = (
            [explained[k] for k in range(len(col))]
            if isinstance(explained, ExplanationColumn)
            else explained
        )
        last, lasts = "explanation", written
    # Each outcome's fields read where they are written: no column of each is made first.
    fields = [
        {
            "node": node_id,
            "parent": parent,
            "level": depth,
            "kind": kind,
            "value": res.value,
            "score": res.score,
            "coverage": res.coverage,
            "status": res.status,
            "band": index,
            "band_label": label,
            "rating": rating,
            "interval": res.interval,
            "sampled": res.sampled or res.interval is not None,
            last: value,
        }
        for res, (index, label, rating), value in zip(col, bands, lasts, strict=True)
    ]
    if last == _PLACE or (fast and _types(written) == _EXPLANATION):
        return _make_nodes(fields)
    return [NodeScore(**{**f, "sampled": bool(f["sampled"])}) for f in fields]


def _of_field_types(col: Sequence[Outcome]) -> bool:
    """Every outcome's values are of the node score's fields' types."""
    # The types of each mission's values, a tuple a mission (an interval's by the types of
    # its ends, in the same pass): a column holds a few kinds.
    kinds = {
        (
            type(res.value),
            type(res.score),
            type(res.coverage),
            type(res.sampled),
            (type(pair[0]), type(pair[1]))
            if type(pair := res.interval) is tuple and len(pair) == 2
            else type(pair),
            res.status,
        )
        for res in col
    }
    return all(
        value in _VALUE_TYPES
        and score in _FLOAT_OR_NONE
        and coverage is float
        and sampled is bool
        and (interval is _NONE or interval == _FLOAT_PAIR)
        and status in _STATUSES
        for value, score, coverage, sampled, interval, status in kinds
    )


_EXPLANATION = {Explanation}
_FLOAT_PAIR = (float, float)


def _mission_info(m: Mission) -> MissionInfo:
    return MissionInfo(
        id=m.id,
        country=m.country,
        name=m.name,
        entity=m.entity,
        period=m.period,
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
                # An empty field a provenance gained later leaves the data as it was: the same
                # data keeps its digest across versions.
                for later in ("code", "params"):
                    if datum["provenance"].get(later) is None:
                        datum["provenance"].pop(later, None)
        h.update(json.dumps(data, sort_keys=True, ensure_ascii=False).encode("utf-8"))
    if site_hashes is not None:
        # Little-endian words, so that the digest is the same on any machine.
        h.update(site_hashes.astype("<u8").tobytes())
    return h.hexdigest()


def data_digest(observations: Observations) -> str:
    """SHA-256 of the observations' content, independent of the order of rows and missions."""
    sites = observations.sites
    return _digest(observations.missions, site_order(sites).hashes if sites.height else None)


def score(
    rubric: Rubric,
    observations: Observations,
    *,
    seed: int = 20261128,
    bootstrap: int = 200,
    confidence: float = 0.95,
    progress: Progress | None = None,
    min_places: int = 5,
) -> ScoreSet:
    """Score every mission against the rubric; pure and deterministic.

    Data problems become findings on the scorecards; a Poisson bootstrap over the polling
    places, with a prior pseudo-place for shares (``bootstrap`` replicates from ``seed``; see
    docs/statistics.md), gives intervals to scores that depend on sampled site data, except
    where a question was answered at fewer than ``min_places`` places.
    ``progress(done, total)`` is called as missions are scored.
    """
    with paused_gc(aged=True), ordinary_pages(), background_replicates():
        return _score(rubric, observations, seed, bootstrap, confidence, progress, min_places)[0]


def score_with_replicates(
    rubric: Rubric,
    observations: Observations,
    *,
    seed: int = 20261128,
    bootstrap: int = 200,
    confidence: float = 0.95,
    progress: Progress | None = None,
    min_places: int = 5,
) -> tuple[ScoreSet, IndicatorReplicates]:
    """:func:`score`, with the bootstrap replicates behind its intervals kept per indicator:
    one run gives the scorecards and the replicates the sensitivity analysis varies sampling
    with."""
    kept: dict[int, _Reps] = {}
    with paused_gc(aged=True), ordinary_pages(), background_replicates():
        scores, plan, missions = _score(
            rubric, observations, seed, bootstrap, confidence, progress, min_places, kept
        )
    return scores, _kept_replicates(plan, missions, kept, bootstrap)


_Passed = tuple[
    list[Mission],
    _Plan,
    SiteSummary,
    list[_MissionScorer],
    list[list[Outcome]],
    list[Outcome],
    list[list[Outcome]],
]
"""Pass 1's missions (by id), plan, site summary, views, results by mission and overalls, and
its results by slot (the columns pass 2 reads)."""


def _points(
    rubric: Rubric,
    observations: Observations,
    sites: pl.DataFrame,
    order: SiteOrder | None,
    seed: int,
    bootstrap: int,
    confidence: float,
    min_places: int,
) -> _Passed:
    """Pass 1, the categorical replicates left computing on other threads (completed by
    :func:`_intervals`)."""
    # The categorical replicates are computed on other threads while the point pass runs.
    summary = summarise_sites(
        rubric, sites, seed=seed, bootstrap=bootstrap, order=order, background=True
    )
    plan = _plan(rubric, summary, _z(confidence), min_places)
    missions = sorted(observations.missions, key=lambda m: m.id)
    scorers = [_MissionScorer(rubric, plan, m, summary, min_places) for m in missions]
    columns, roots = _point_pass(rubric, plan, scorers)
    # Each mission's results in slot order: its scorecard's nodes.
    results = [list(row) for row in zip(*columns, strict=True)] or [[] for _ in scorers]
    return missions, plan, summary, scorers, results, roots, columns


def _intervals(
    rubric: Rubric,
    passed: _Passed,
    confidence: float,
    kept_indicators: dict[int, _Reps] | None = None,
) -> None:
    """Pass 2 after :func:`_points`: the replicates completed and carried up the tree, which
    sets the intervals of pass 1's results."""
    missions, plan, summary, scorers, _, roots, columns = passed
    summary.wait()
    if summary.bootstrap > 0 and summary.ids:
        replicator = _Replicator(
            rubric,
            plan,
            missions,
            columns,
            roots,
            summary,
            (1 - confidence) / 2,
            [s.thin for s in scorers],
        )
        replicator.kept_indicators = kept_indicators
        replicator.run()


@dataclass(frozen=True)
class IndicatorReplicates:
    """The bootstrap replicates behind the scorecards' intervals, indicator by indicator."""

    missions: tuple[str, ...]
    indicators: tuple[str, ...]
    values: Array
    """Missions x indicators x replicates: each replicate's score, NaN where an indicator has
    no replicates (no site data behind it). Replicate ``b`` of every indicator of a mission
    comes from the same resampled polling places, so indicators keep their correlation."""


def indicator_replicates(
    rubric: Rubric,
    observations: Observations,
    *,
    seed: int = 20261128,
    bootstrap: int = 200,
    confidence: float = 0.95,
) -> IndicatorReplicates:
    """The replicates :func:`score` draws with the same arguments, kept per indicator (the
    sensitivity analysis varies sampling with them). Where a scorecard gives a node no
    interval (too few polling places), its replicates are kept all the same; a caller that
    follows the scorecards leaves them out. This scores the observations again: a caller
    that scores them too takes both from :func:`score_with_replicates`."""
    with paused_gc(aged=True), ordinary_pages(), background_replicates():
        sites = with_hashes(observations.sites)
        order = site_order(sites) if sites.height else None
        kept: dict[int, _Reps] = {}
        passed = _points(rubric, observations, sites, order, seed, bootstrap, confidence, 5)
        _intervals(rubric, passed, confidence, kept)
        missions, plan, *_ = passed
    return _kept_replicates(plan, missions, kept, bootstrap)


def _kept_replicates(
    plan: _Plan, missions: Sequence[Mission], kept: dict[int, _Reps], bootstrap: int
) -> IndicatorReplicates:
    slots = [i for i, s in enumerate(plan.slots) if not isinstance(s.node, Group)]
    values = np.full((len(missions), len(slots), bootstrap), np.nan)
    for j, i in enumerate(slots):
        reps = kept.get(i)
        if reps is not None:
            values[reps.has, j] = reps.values[reps.has]
    return IndicatorReplicates(
        tuple(m.id for m in missions),
        tuple(plan.slots[i].node.id for i in slots),
        values,
    )


def flat_finding(
    node_id: str, flat: tuple[float, float], score: float, *, group: bool = False
) -> Finding:
    """The finding of a node with no interval because its rule scores the whole range
    ``flat`` of its value alike (``score``); with ``group``, of a group whose sampled parts
    all do. Said here once, for the scoring and for a comparison that aggregates again."""
    low, high = (fixed(v) for v in flat)
    if group:
        return Finding(
            code="flat-rule-interval",
            message=f"every resample of the polling places gives it {fixed(score)}: the sampled "
            "parts below it score alike over their data's range, so the score has no interval",
            node=node_id,
            severity="info",
            params={"variant": "group", "score": fixed(score)},
        )
    return Finding(
        code="flat-rule-interval",
        message=f"every value in the interval {low}-{high} scores {fixed(score)} under the rule: "
        "the score has no interval",
        node=node_id,
        severity="info",
        params={"low": low, "high": high, "score": fixed(score)},
    )


@cache
def _simulated_finding() -> Finding:
    """The finding of a mission whose checklists are simulated: one object for every such
    mission (results are immutable), not one validated model per scorecard."""
    return Finding(
        code="simulated-data",
        message="observer checklists of this mission are simulated, not observed",
        node=None,
        severity="warning",
        params={},
    )


class _CardFill(BatchFill):
    """What one mission's scorecard is built from, besides its cohort's: dropped (and the
    mission's results with it) as soon as the scorecard is built."""

    __slots__ = ("mission", "results", "root", "row", "scorer")

    def __init__(
        self,
        cohort: _Cohort,
        row: int,
        mission: Mission,
        scorer: _MissionScorer,
        results: list[Outcome],
        root: Outcome,
    ) -> None:
        super().__init__(cohort)
        self.row = row
        self.mission = mission
        self.scorer = scorer
        self.results = results
        self.root = root


class _Cohort:
    """What every scorecard of a run is built from, besides its mission's own results; pass 3
    builds any number of its scorecards at once, node by node."""

    def __init__(
        self,
        rubric: Rubric,
        observations: Observations,
        sites: dict[str, MissionSites],
        critical: tuple[str, ...],
        fixed: list[tuple[str, str, int, str]],
        typed: list[bool],
        banded: list[tuple[bool, list[Band]]],
        overall_bands: tuple[bool, list[Band]],
    ) -> None:
        self.rubric = rubric
        self.observations = observations
        self.sites = sites
        """Each mission's site summary; the cohort's replicates are not kept: a score set
        whose scorecards are not all read yet would hold them (hundreds of megabytes in a
        large cohort) for nothing."""
        self.critical = critical
        self.fixed = fixed
        """Each slot's node id, parent, depth and kind."""
        self.typed = typed
        """Whether each slot's scorer gives values of the fields' types
        (:attr:`NodeScorer.typed`)."""
        self.banded = banded
        """Each slot's band at each mission (a column of the cohort per slot), after whether
        its bands' ratings are all floats or None."""
        self.overall_bands = overall_bands

    # Reading every scorecard of a large cohort builds hundreds of thousands of objects that
    # stay alive: the collector would walk them again and again.
    @paused_gc()
    def fill_many(self, fills: Sequence[_CardFill]) -> list[dict[str, Any]]:
        """Pass 3 for some missions: each one's scorecard's fields after ``mission``, the same
        whether its card is built alone or with others."""
        if not fills:
            return []
        rows = [f.row for f in fills]
        findings = [list(f.scorer.findings) for f in fills]
        pending = [0] * len(fills)
        columns: list[list[NodeScore]] = []
        # Each slot's column of the missions' results: their rows transposed at once.
        slots = list(zip(*(f.results for f in fills), strict=True)) if self.fixed else []
        for (node_id, parent, depth, kind), typed, col, (rated, banded) in zip(
            self.fixed, self.typed, slots, self.banded, strict=True
        ):
            columns.append(
                _node_column(
                    node_id,
                    parent,
                    depth,
                    kind,
                    col,
                    list(map(banded.__getitem__, rows)),
                    rated,
                    # Written when first read: ranking the cohort reads no explanation.
                    ExplanationColumn(partial(_written, list(map(_EXPLAINED, col)), typed)),
                    typed,
                )
            )
            # A flat interval is a pair: only a column without any is all None.
            if any(map(_FLAT, col)):
                for k, res in enumerate(col):
                    if res.flat is not None and res.score is not None:
                        findings[k].append(
                            flat_finding(
                                node_id, res.flat, res.score, group=kind in ("group", "family")
                            )
                        )
            if kind not in ("group", "family") and "pending" in map(_STATUS, col):
                for k, res in enumerate(col):
                    if res.status == "pending":
                        pending[k] += 1
        roots = [f.root for f in fills]
        for k, res in enumerate(roots):
            if res.flat is not None and res.score is not None:
                findings[k].append(flat_finding("overall", res.flat, res.score, group=True))
        overalls = _node_column(
            "overall",
            None,
            0,
            "overall",
            roots,
            list(map(self.overall_bands[1].__getitem__, rows)),
            self.overall_bands[0],
            ExplanationColumn(partial(_written, list(map(_EXPLAINED, roots)))),
        )
        nodes: list[tuple[NodeScore, ...]] = (
            list(zip(*columns, strict=True)) if columns else [()] * len(fills)
        )
        return [
            self._card(f.mission, overall, row, found, waiting)
            for f, overall, row, found, waiting in zip(
                fills, overalls, nodes, findings, pending, strict=True
            )
        ]

    def _card(
        self,
        m: Mission,
        overall: NodeScore,
        nodes: tuple[NodeScore, ...],
        findings: list[Finding],
        pending: int,
    ) -> dict[str, Any]:
        overall, capped, critical = apply_critical(self.rubric, overall, nodes, self.critical)
        ms = self.sites.get(m.id)
        if pending:
            findings.append(
                Finding(
                    code="needs-cohort",
                    message=gettext("finding_needs-cohort", "en", n=pending),
                    node="overall",
                    severity="info",
                    params={"n": str(pending)},
                )
            )
        if ms is not None and ms.simulated:
            findings.append(_simulated_finding())
        return {
            "overall": overall,
            "nodes": capped,
            "findings": (*findings, *critical),
            "sites": ms.n if ms else 0,
            "simulated": bool(ms and ms.simulated),
            "notes": tuple(ms.notes) if ms else (),
            "notes_total": ms.notes_total if ms else 0,
            # Only a mission with planned places has a coverage to compute.
            "coverage": plan_coverage(self.observations, m.id) if m.places else None,
        }


def _score(
    rubric: Rubric,
    observations: Observations,
    seed: int,
    bootstrap: int,
    confidence: float,
    progress: Progress | None,
    min_places: int = 5,
    kept: dict[int, _Reps] | None = None,
) -> tuple[ScoreSet, _Plan, list[Mission]]:
    sites = with_hashes(observations.sites)
    order = site_order(sites) if sites.height else None
    passed = _points(rubric, observations, sites, order, seed, bootstrap, confidence, min_places)
    missions, plan, summary, scorers, results, roots, _ = passed
    # What reads no interval is made while other threads still compute the replicates: this
    # Python would otherwise run after them, with one core idle.
    slots = plan.slots
    # Each node's bands looked up for the whole cohort at once: a column of missions a node.
    cohort = _Cohort(
        rubric,
        observations,
        summary.missions,
        critical_indicators(rubric),
        [(s.node.id, s.parent, s.depth, s.kind) for s in slots],
        [s.scorer is not None and s.scorer.typed for s in slots],
        [_banded(rubric, slot.node, [r[j].score for r in results]) for j, slot in enumerate(slots)],
        _banded(rubric, None, [r.score for r in roots]),
    )
    infos = [_mission_info(m) for m in missions]
    digest = _digest(observations.missions, order.hashes if order else None)
    rep = observations.report
    rejected = tuple(
        RejectedSummary(
            file=r.file,
            row=r.row,
            mission=r.mission,
            reasons=tuple(i.as_dict() for i in r.reasons),
        )
        for r in rep.rejected
    )
    _intervals(rubric, passed, confidence, kept)
    cards = []
    for i, (m, info, scorer) in enumerate(zip(missions, infos, scorers, strict=True)):
        # The rest of the scorecard is built when it is first read (with the others, when
        # they are all read at once).
        cards.append(deferred_card(info, _CardFill(cohort, i, m, scorer, results[i], roots[i])))
        if progress is not None:
            progress(i + 1, len(missions))
    scores = ScoreSet(
        rubric=RubricRef(id=rubric.id, version=rubric.version, sha256=rubric.digest()),
        data_sha256=digest,
        seed=seed,
        bootstrap=bootstrap,
        confidence=confidence,
        scorecards=tuple(cards),
        files=rep.files,
        rejected=rejected,
        simulated_sources=observations.simulated_sources,
        warnings=rep.warnings,
    )
    return scores, plan, missions
