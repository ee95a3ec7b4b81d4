"""What a kind's scoring sees and gives back: the contract between the engine and kind units.

The engine compiles a plan of the rubric once per run. For each indicator it asks the unit of
its kind for a :class:`NodeScorer` (``unit.compile(node, plan)``, with the cohort's site summary
at hand for whatever is computed for all missions at once), so dispatch happens per node, never
per cell. Then:

1. ``scorer.point(mission)`` scores one mission (pass 1) and returns an :class:`Outcome`;
   :class:`MissionView` is what it may read (answers, values, site statistics) and how it records
   findings and builds inputs and explanations;
2. ``scorer.replicates(replication, outcomes)`` scores the bootstrap replicates of the whole
   cohort at once (pass 2): a matrix of missions x replicates, or None when the kind has none.

Units never build result objects themselves: the view does, so this layer stays below the data
and scoring layers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, NamedTuple, Protocol

if TYPE_CHECKING:
    from typing import TypeAlias

    import numpy as np
    import numpy.typing as npt

    from ovm.data.observations import Datum
    from ovm.indicators.checklist import ChecklistIndicator
    from ovm.rubric.model import Rubric
    from ovm.scoring.results import Explanation, InputValue, NodeStatus, SiteNote
    from ovm.scoring.sitestats import QuestionStat, SiteSummary

    Array: TypeAlias = npt.NDArray[np.float64]
    Mask: TypeAlias = npt.NDArray[np.bool_]
    # A view and the arguments of its question_explanation.
    QuestionCall: TypeAlias = tuple[
        "MissionView",
        ChecklistIndicator,
        "QuestionStat | FromSites | None",
        str,
        str,
        float | None,
        float | None,
    ]


class FromSites:
    """The type of :data:`FROM_SITES`."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "FROM_SITES"


FROM_SITES = FromSites()
"""In a deferred question explanation's arguments (see :func:`question_written`), in place of
a site summary: the mission's own summary of the question, read when the explanation is
written (a column of them made at once, not one object a mission and question beforehand)."""


@dataclass(slots=True)
class Outcome:
    """One node's result for one mission, as pass 1 leaves it and pass 2 completes it."""

    status: NodeStatus
    score: float | None
    value: float | str | None
    coverage: float
    explanation: Explanation | Callable[[], Explanation]
    """The explanation, or how to write it: a function the engine calls when it builds the
    mission's scorecard (a caller that never reads that scorecard never writes it)."""
    interval: tuple[float, float] | None = None
    replicable: bool = False
    """Pass 2 should compute this mission's replicates (it has resampled data)."""
    sampled: bool = False
    """Has bootstrap replicates (set in pass 2)."""
    state: Any = None
    """What the scorer keeps from pass 1 for its replicates (a formula's inputs)."""
    flat: tuple[float, float] | None = None
    """The interval of the value (before the rule) when the rule scores all of it the same:
    the score then has no interval (set in pass 2)."""


class MissionView(Protocol):
    """One mission as a scorer's ``point`` sees it (pass 1)."""

    rubric: Rubric
    replicated: bool
    """The mission has bootstrap replicates of its site data."""
    row: int | None
    """The mission's row in cohort-wide site arrays (None: no site data)."""

    def answer(self, node_id: str) -> Datum | None:
        """The mission's answer to a question indicator."""
        ...

    def value(self, name: str) -> Datum | None:
        """The mission's value of a variable given directly (not from sites)."""
        ...

    def number(self, datum: Datum) -> float | None:
        """A datum's value as a number, None when it is not one."""
        ...

    def site_stat(self, question: str) -> QuestionStat | None:
        """The summary of one checklist question over the mission's visits."""
        ...

    def site_notes(self, question: str) -> Sequence[SiteNote]:
        """Observer notes of visits that answered ``question`` negatively."""
        ...

    def sampled_from(self, node_id: str, question: str) -> bool:
        """Record that ``node_id``'s replicates rest on ``question``'s visits; False, with a
        finding, when those come from too few polling places for an interval (the node and
        the groups above it then get none)."""
        ...

    def finding(
        self,
        code: str,
        message: str,
        node: str | None,
        severity: Literal["info", "warning", "error"] = "warning",
        **params: object,
    ) -> None:
        """Record a finding on the mission's scorecard."""
        ...

    def confidence(self, node_id: str, datum: Datum) -> None:
        """Record that an input of ``node_id`` has low confidence, if it has."""
        ...

    def datum_input(
        self, name: str, kind: Literal["variable", "answer"], datum: Datum | None
    ) -> InputValue:
        """An explanation input from a mission-level datum."""
        ...

    def question_input(self, question: ChecklistIndicator, stat: QuestionStat | None) -> InputValue:
        """An explanation input from a checklist question's site summary."""
        ...

    def node(self, node_id: str) -> Outcome:
        """Another node's result for this mission (a node the formula reads: scored before)."""
        ...

    def node_input(self, name: str, value: float | None) -> InputValue:
        """An explanation input read from another node (``rating(pr)``); None: nothing to read."""
        ...

    def explanation(self, **fields: Any) -> Explanation:
        """An explanation (inputs, formula, raw_value, rule, score, notes)."""
        ...

    def question_explanation(
        self,
        question: ChecklistIndicator,
        stat: QuestionStat | None,
        formula: str,
        rule: str,
        raw: float | None,
        score: float | None,
    ) -> Explanation:
        """A checklist question's explanation: its site summary (:meth:`question_input`) the
        one input, the observers' notes against it (:meth:`site_notes`) its notes."""
        ...


@dataclass(frozen=True)
class Plan:
    """What a unit may use when it compiles a node: the rubric and the cohort's site data."""

    rubric: Rubric
    sites: SiteSummary
    z: float
    """The normal quantile of the confidence level (1.96 at 95%)."""
    min_places: int = 5
    """The fewest polling places a question's replicates give an interval from (the
    threshold of :meth:`MissionView.sampled_from`)."""
    _stats: dict[str, tuple[QuestionStat | None, ...]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def site_stats(self, question: str) -> Sequence[QuestionStat | None]:
        """Each mission's summary of ``question``, by row of ``sites.ids`` (None where a
        mission has none): what :meth:`MissionView.site_stat` gives, for the whole cohort."""
        found = self._stats.get(question)
        if found is None:
            tallies = self.sites.tallies
            if tallies is not None and question in tallies.questions:
                # Every mission with site data has a summary of each categorical question.
                found = self._stats[question] = tuple(tallies.stats(question))
                return found
            if not self._stats:
                self._transpose()
            found = self._stats.get(question)
        if found is None:
            missions, ids = self.sites.missions, self.sites.ids
            found = self._stats[question] = tuple(missions[m].stats.get(question) for m in ids)
        return found

    def _transpose(self) -> None:
        """Every question's column of summaries at once: a tuple of a mission's summaries
        is one call, where a question's column is a look-up per mission."""
        from operator import itemgetter

        missions, ids = self.sites.missions, self.sites.ids
        if not ids:
            return
        # The summaries made as questions were summarised (numeric questions'); the tallied
        # ones are made a column at a time when asked for.
        tables = [missions[m].stats.made for m in ids]
        keys = tuple(tables[0])
        if not keys:
            return
        pick = itemgetter(*keys)
        rows: list[tuple[QuestionStat | None, ...]] = []
        add = rows.append
        for table in tables:
            try:
                got = pick(table)
            except KeyError:
                got = tuple(table.get(k) for k in keys)
            add(got if len(keys) > 1 else (got,))
        self._stats.update(zip(keys, zip(*rows, strict=True), strict=True))


@dataclass(frozen=True)
class Replication:
    """What a scorer's ``replicates`` sees (pass 2): the cohort's site replicates."""

    rubric: Rubric
    sites: SiteSummary
    rows: npt.NDArray[np.int64]
    """Each mission's row in the site replicate matrices (-1: no site data)."""
    count: int
    """Replicates per mission."""

    def rows_of(self, matrix: Array, has: Mask) -> Array:
        """The rows of a site replicate matrix for the missions of ``has``, in their order: the
        matrix itself (no copy) when those are all its rows, in order (every mission of the
        cohort has site data, the usual case); a copy of the rows otherwise."""
        import numpy as np

        rows = self.rows[has]
        if rows.size == matrix.shape[0] and bool(
            (rows == np.arange(rows.size, dtype=rows.dtype)).all()
        ):
            return matrix
        return matrix[rows]


class Replicates(NamedTuple):
    """Replicate scores: ``scores`` has one row per mission where ``has`` is true.

    NaN marks a replicate the rule cannot score; it keeps the point score. ``values`` lets the
    engine tell a score that is certain because the rule is flat over the value's interval
    from one whose value is certain.
    """

    has: Mask
    scores: Array
    values: Array | None = None
    """The replicate values the rule scored (same shape as ``scores``), when the kind has them."""


def replicable(outcomes: Sequence[Outcome]) -> Mask:
    """Which missions pass 2 should compute replicates for."""
    import numpy as np

    return np.array([o.replicable for o in outcomes], dtype=bool)


def question_written(call: QuestionCall) -> Explanation:
    """The explanation of a checklist outcome whose writing is deferred:
    ``MethodType(question_written, (view, question, stat, formula, rule, raw, score))`` is
    the outcome's ``explanation`` (``stat`` may be :data:`FROM_SITES`), which writes it by
    the view's :meth:`~MissionView.question_explanation`. Two small objects a mission, where
    a partial of the view's method made four; the engine recognises a column of them and
    writes it for the missions at once."""
    view, question, stat, formula, rule, raw, score = call
    if stat is FROM_SITES:
        stat = view.site_stat(question.id)
    assert not isinstance(stat, FromSites)
    return view.question_explanation(question, stat, formula, rule, raw, score)


class NodeScorer:
    """How one indicator is scored in one run, compiled once from its node."""

    rule: str = ""
    """How the rule reads in a scorecard's explanation."""

    typed: bool = False
    """Every outcome it gives, and every explanation it has the view write, holds its values
    in exactly the types of a scorecard's fields (a float or None for a score, a whole count
    an int...), by how it computes them: the engine then builds their results without looking
    at each mission's types. A kind that may give ``5`` where ``5.0`` is due leaves it False,
    and validation mends such values."""

    def point(self, m: MissionView) -> Outcome:
        """The mission's outcome on this indicator (pass 1)."""
        raise NotImplementedError

    def point_all(self, missions: Sequence[MissionView]) -> list[Outcome]:
        """Every mission's outcome, in order: :meth:`point` of each, unless the kind scores
        the cohort at once (the same outcomes and findings, in the same order)."""
        point = self.point
        return [point(m) for m in missions]

    def replicates(self, r: Replication, outcomes: Sequence[Outcome]) -> Replicates | None:
        """Replicate scores for the cohort (pass 2); None when there are none."""
        return None


class Pending(NodeScorer):
    """An indicator scored only over a cohort: ``score()`` leaves it pending for compare()."""

    def __init__(self, rule: str) -> None:
        self.rule = rule

    def point(self, m: MissionView) -> Outcome:
        """Pending, with the rule that will score it."""
        return Outcome("pending", None, None, 0.0, m.explanation(rule=self.rule))


class Answerable(Protocol):
    """A node scored from one answer per mission: what :class:`AnswerScorer` needs of it."""

    @property
    def id(self) -> str:
        """The node's id (the key of its answers)."""
        ...

    def score_of(self, answer: str) -> float | None:
        """The score of an answer, None when it is not allowed."""
        ...


class AnswerScorer(NodeScorer):
    """Scores a mission's one answer to a question (levels, yes / partial / no)."""

    def __init__(self, node: Answerable, rule: str) -> None:
        self.node = node
        self.rule = rule

    def point(self, m: MissionView) -> Outcome:
        """The score of the mission's answer; missing, not applicable or invalid otherwise."""
        node_id, rule = self.node.id, self.rule
        d = m.answer(node_id)
        inp = m.datum_input(node_id, "answer", d)
        if d is None or d.status == "missing":
            m.finding("missing-data", "no answer recorded", node_id, "info", variant="answer")
            return Outcome("missing", None, None, 0.0, m.explanation(inputs=(inp,), rule=rule))
        if d.status == "not_applicable":
            return Outcome(
                "not_applicable", None, None, 0.0, m.explanation(inputs=(inp,), rule=rule)
            )
        m.confidence(node_id, d)
        value = d.value
        # A number read from a table (2.0) names the level key "2".
        key = str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
        s = self.node.score_of(key)
        if s is None:
            m.finding(
                "invalid-answer",
                f"{value!r} is not an allowed answer",
                node_id,
                "error",
                value=repr(value),
            )
            return Outcome("missing", None, key, 0.0, m.explanation(inputs=(inp,), rule=rule))
        return Outcome(
            "scored",
            float(s),
            key,
            1.0,
            m.explanation(inputs=(inp,), raw_value=key, rule=rule, score=float(s)),
        )
