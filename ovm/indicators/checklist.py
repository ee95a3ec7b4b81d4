"""Observer checklist indicator: one question at each polling place abroad, scored over visits.

A categorical question scores the share of accepted answers; a numeric one a statistic of the
answers. Intervals come from the bootstrap replicates of the share (or statistic) carried
through the rule; without replicates, a categorical share has its Wilson interval. Scores, intervals
and replicates are computed for the whole cohort at once, from the site summary.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from types import MethodType
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import Field

from ovm.errors import Issue
from ovm.field.names import RESERVED_NAMES, field_name, reserved_message
from ovm.i18n import exact_number, gettext, number_param, punctuate
from ovm.indicators._common import Frozen, IndicatorBase, Key, Text
from ovm.indicators.registry import KindUnit, find_kind, register_kind
from ovm.indicators.rules import Rule
from ovm.indicators.scoring import (
    FROM_SITES,
    FromSites,
    MissionView,
    NodeScorer,
    Outcome,
    Plan,
    Replicates,
    Replication,
    question_written,
    replicable,
)
from ovm.indicators.text import Wording, percent, say, wording
from ovm.indicators.validation import (
    Document,
    Path,
    RawNode,
    as_written,
    node_check,
    quoted,
    rubric_check,
    seq,
)
from ovm.nearest import closest

if TYPE_CHECKING:
    from ovm.indicators.scoring import Array
    from ovm.rubric.model import Rubric
    from ovm.scoring.sitestats import QuestionStat

AnswerType = Literal["yes_no", "select_one", "select_multiple", "integer", "decimal"]
Stat = Literal["share", "mean", "median", "p90", "min", "max", "sum", "count"]
"""How answers are summarised: ``p90`` is the value at or below which 90 % of the answers
lie (a high quantile that, unlike the maximum, does not grow with the number of visits).
Quantiles are Hyndman & Fan's type 6 (docs/statistics.md)."""
STAT_MIN_ANSWERS: dict[str, int] = {"p90": 9}
"""Fewest answers a statistic needs. A type 6 90th percentile of ``n`` answers is the order
statistic of rank 0.9 (n + 1): beyond the largest answer below 9 of them, where it could only
be the maximum, which is the statistic that grows with observer effort."""


def shortfall(
    question: ChecklistIndicator, stat: str, places: int, answered: int
) -> tuple[str, int, int] | None:
    """Why ``stat`` of ``question`` is not computed from these answers: ``("places", places,
    min_answers)`` where they come from fewer polling places than ``min_answers``, ``("answers",
    answered, needed)`` where fewer answers than the statistic needs (a 90th percentile);
    None when it is computed.

    Places, not visits, are the unit: two visits to one place are not two independent
    observations (docs/statistics.md), so six visits to one place are one place, short of five.
    """
    if places < question.min_answers:
        return ("places", places, question.min_answers)
    needed = STAT_MIN_ANSWERS.get(stat, 1)
    if answered < needed:
        return ("answers", answered, needed)
    return None


NA_CHOICE = "na"
PERCENT = "percent"
"""The replicate statistic a checklist indicator is scored on: its share in %, or the
numeric statistic it names."""


class Choice(Frozen):
    """One allowed answer of a select question."""

    name: Key
    label: Text


# Made without validating (as DEFAULT_SCALE is): the values are already what validating gives.
YES_NO = (
    Choice.model_construct(name="yes", label={"en": "Yes", "es": "Sí", "fr": "Oui", "pt": "Sim"}),
    Choice.model_construct(name="no", label={"en": "No", "es": "No", "fr": "Non", "pt": "Não"}),
)


class ChecklistIndicator(IndicatorBase):
    """A question put to observers at each visited polling place, scored over the visits.

    Categorical answers score as the share of accepted answers among those answered (not
    applicable answers leave the denominator); numeric answers are summarised by ``stat``.
    The rule then maps the share (as a percentage) or the statistic to 0-100.
    """

    kind: Literal["checklist"]
    question: Text
    hint: Text = Field(default_factory=dict)
    answer_type: AnswerType = "yes_no"
    choices: tuple[Choice, ...] = ()
    not_applicable: bool = False
    accept: tuple[Key, ...] = ("yes",)
    stat: Stat = "share"
    min_answers: Annotated[int, Field(ge=1)] = 5
    minimum: float | None = None
    maximum: float | None = None
    required: bool = True
    rule: Rule | None = None

    @property
    def numeric(self) -> bool:
        """Whether answers are numbers rather than choices."""
        return self.answer_type in ("integer", "decimal")

    def all_choices(self) -> tuple[Choice, ...]:
        """The choices offered, built-in yes/no included (not applicable excluded)."""
        if self.answer_type == "yes_no":
            return YES_NO
        return self.choices


# --- statistics of the answers ---------------------------------------------------------------


def wilson(accepted: int, n: int, z: float = 1.959963984540054) -> tuple[float, float]:
    """Wilson score interval for a proportion (as shares in [0, 1])."""
    import numpy as np

    if n == 0:
        return (0.0, 1.0)
    low, high = wilson_arrays(np.array([float(accepted)]), np.array([float(n)]), z)
    return (float(low[0]), float(high[0]))


def wilson_arrays(accepted: Array, n: Array, z: float) -> tuple[Array, Array]:
    """:func:`wilson` for arrays of counts (n > 0), as shares in [0, 1]: the one formula."""
    import numpy as np

    p = accepted / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    # The interval holds the observed share; rounding alone could leave it out (p = 1).
    return (
        np.maximum(0.0, np.minimum(p, centre - half)),
        np.minimum(1.0, np.maximum(p, centre + half)),
    )


def site_stat(st: QuestionStat, stat: str) -> float | None:
    """A statistic of a question's answers at one mission (a share as a fraction of 1)."""
    if st.answered == 0:
        return None
    if stat == "share":
        return st.accepted / st.answered
    if stat == "count":
        return float(st.answered)
    return st.extra.get(stat)


# --- checks ----------------------------------------------------------------------------------


def _numeric(data: dict[str, Any]) -> bool:
    return data.get("answer_type") in ("integer", "decimal")


@node_check("missing-choices", "unknown-choice", "invalid-stat", "missing-rule", "reserved-choice")
def answers_fit_the_question(doc: Document, node: RawNode) -> Iterator[Issue]:
    """Choices where a select question needs them, accepted answers among them, a share for
    choices and a statistic and a rule for numbers; ``na`` is reserved."""
    data, path = node.data, node.path
    atype = data.get("answer_type", "yes_no")
    choices = seq(data.get("choices"))
    if atype in ("select_one", "select_multiple") and not choices:
        yield doc.issue(
            path, "missing-choices", f"a {atype} question needs choices", answer_type=atype
        )
    names = (
        {"yes", "no"}
        if atype == "yes_no"
        else {str(c.get("name")) for c in choices if isinstance(c, dict)}
    )
    if atype not in ("integer", "decimal"):
        for j, acc in enumerate(seq(data.get("accept") or ["yes"])):
            # A value that is not text is the schema's to refuse: one mistake, one problem.
            if isinstance(acc, str) and acc not in names:
                near = closest(acc, sorted(names))
                said = f"{acc!r} is not one of the choices"
                meant: dict[str, object] = {"variant": "meant", "meant": near} if near else {}
                yield doc.issue(
                    (*path, "accept", j),
                    "unknown-choice",
                    said + (f": did you mean {near}?" if near else ""),
                    params={"value": as_written(acc), **meant},
                )
        if data.get("stat", "share") != "share":
            yield doc.issue(
                (*path, "stat"),
                "invalid-stat",
                "a choice question is scored as a share",
                variant="choice",
            )
    else:
        if data.get("stat", "share") == "share":
            yield doc.issue(
                (*path, "stat"),
                "invalid-stat",
                "a numeric question needs stat: mean, median, p90, min, max, sum or count",
                variant="numeric",
            )
        if data.get("rule") is None:
            yield doc.issue(path, "missing-rule", "a numeric question needs a scoring rule")
    if NA_CHOICE in names:
        j = next(
            j
            for j, c in enumerate(choices)
            if isinstance(c, dict) and str(c.get("name")) == NA_CHOICE
        )
        yield doc.issue(
            (*path, "choices", j, "name"),
            "reserved-choice",
            "'na' is reserved for not applicable: set not_applicable",
        )


def _covered(bands: list[Any], value: float) -> bool:
    for b in bands:
        if not isinstance(b, dict):
            return True  # the model's own checks report a malformed band
        lo, hi = b.get("min"), b.get("max")
        try:
            if (lo is None or float(lo) <= value) and (hi is None or value < float(hi)):
                return True
        except (TypeError, ValueError):
            return True
    return False


@node_check("share-outside-bands")
def bands_hold_every_share(doc: Document, node: RawNode) -> Iterator[Issue]:
    """Value bands on a share hold 0 % and 100 %: a value band excludes its ``max``, so bands
    written like score bands (the last ending at 100) would leave a perfect share unscored."""
    rule = node.data.get("rule")
    if _numeric(node.data) or not isinstance(rule, dict) or rule.get("type") != "bands":
        return
    bands = seq(rule.get("bands"))
    if not bands:
        return
    for edge in (0.0, 100.0):
        if not _covered(bands, edge):
            yield doc.issue(
                (*node.path, "rule", "bands"),
                "share-outside-bands",
                f"a share of {edge:g} % falls in no band (a band's max is "
                "excluded): leave the last band without max, or end it above 100",
                "warning",
                value=edge,
            )


@node_check("missing-translation")
def checklist_translated(doc: Document, node: RawNode) -> Iterator[Issue]:
    """The question, its hint and every choice's label in each of the rubric's languages."""
    for key in ("question", "hint"):
        if key in node.data:
            yield from doc.translations((*node.path, key), node.data[key])
    for j, ch in enumerate(seq(node.data.get("choices"))):
        if isinstance(ch, dict) and "label" in ch:
            yield from doc.translations((*node.path, "choices", j, "label"), ch["label"])


@rubric_check("unknown-question", "invalid-stat")
def site_variables(doc: Document) -> Iterator[Issue]:
    """A variable aggregated from sites names a checklist question, with a statistic that fits
    its answers (a share of choices, a mean or other statistic of numbers)."""
    questions = {
        str(n.data.get("id")): n.data
        for n in doc.nodes
        if not n.is_group and n.kind == ChecklistKind.key
    }
    for name, vpath in doc.variables.items():
        fs = doc.variable_data[name].get("from_sites")
        if not isinstance(fs, dict):
            continue
        q = fs.get("question")
        if not isinstance(q, str):
            continue
        if q not in questions:
            yield doc.issue(
                (*vpath, "from_sites", "question"),
                "unknown-question",
                f"no checklist indicator with id {q!r}",
                id=q,
            )
            continue
        question = questions[q]
        stat = fs.get("stat", "share")
        if _numeric(question) == (stat == "share"):
            yield doc.issue(
                (*vpath, "from_sites", "stat"),
                "invalid-stat",
                f"stat {quoted(stat)} does not fit a "
                f"{question.get('answer_type', 'yes_no')} question",
                variant="variable",
                stat=as_written(stat),
                answer_type=as_written(question.get("answer_type", "yes_no")),
            )


@rubric_check("reserved-name")
def form_names(doc: Document) -> Iterator[Issue]:
    """No question asked at polling places, nor the family the observer form groups it in,
    takes a name the form and the checklist keep for their own columns (``site``, ``notes``,
    ``start``...)."""
    asked: dict[Path, list[RawNode]] = {}
    for node in doc.nodes:
        unit = find_kind(node.kind)
        if not node.is_group and unit is not None and unit.evidence == "sites":
            asked.setdefault(node.path[:2], []).append(node)
    families = {n.path: n for n in doc.nodes if n.depth == 1}
    for fam_path, questions in asked.items():
        for node in (families[fam_path], *questions):
            nid = node.data.get("id")
            if isinstance(nid, str) and field_name(nid) in RESERVED_NAMES:
                yield doc.issue(
                    (*node.path, "id"),
                    "reserved-name",
                    reserved_message(nid),
                    id=nid,
                )


# --- the unit --------------------------------------------------------------------------------


def _share_text(node: ChecklistIndicator, lang: str) -> str:
    if node.numeric:
        return say("rule_stat", lang, stat=say(f"stat_{node.stat}", lang))
    labels = {c.name: wording(c.label, lang).text for c in node.all_choices()}
    return say("rule_share", lang, accept=" / ".join(labels.get(a, a) for a in node.accept))


class ChecklistKind(KindUnit[ChecklistIndicator]):
    """Observer questions: scored over each mission's visits, with intervals and replicates."""

    key = "checklist"
    model = ChecklistIndicator
    evidence = "sites"
    checks = (answers_fit_the_question, bands_hold_every_share, checklist_translated)
    rubric_checks = (site_variables, form_names)

    def explain(self, node: ChecklistIndicator) -> str:
        """The rule, or the share itself when there is none."""
        if node.rule is None:
            return "share of accepted answers, in %"
        return node.rule.explain()

    def describe(
        self, node: ChecklistIndicator, lang: str, rubric: Rubric, *, with_formula: bool = True
    ) -> str:
        """How answers make the value (unless ``with_formula`` is false), then the rule."""
        base = _share_text(node, lang) if with_formula else ""
        if node.rule is None:
            return base or say("rule_identity", lang)
        text = node.rule.describe(lang)
        return punctuate(f"{base}; {text}", lang) if base else text

    def formula_text(self, node: ChecklistIndicator, lang: str) -> str | None:
        """A share of the accepted answers, or a statistic of numeric ones."""
        return _share_text(node, lang)

    def value_text(self, node: ChecklistIndicator, value: float | str, lang: str) -> Wording:
        """A share as a percentage; a statistic as a number."""
        if not node.numeric and not isinstance(value, str):
            return Wording(percent(value, lang))
        return super().value_text(node, value, lang)

    def compile(self, node: ChecklistIndicator, plan: Plan) -> NodeScorer:
        """Scores and interval ends of the whole cohort, computed once."""
        return ChecklistScorer(node, self.explain(node), plan)


@dataclass
class _Column:
    """The question's point scores and Wilson interval ends, one per mission with sites (by
    row of the site summary), and what pass 1 reads of them for each row."""

    score: Array
    low: Array
    high: Array
    stats: Sequence[QuestionStat | FromSites | None]
    """Each row's summary of the question: the input its explanation shows (made when the
    explanation is written, where it is :data:`FROM_SITES`)."""
    scores: list[float]
    values: list[float | None]
    sampled: list[bool]
    """Scored, and answered at enough polling places for its replicates to give an interval:
    a row whose outcome comes with no finding."""
    plain: list[bool]
    """Scored (a row without replicates: the Wilson interval is its interval)."""
    intervals: list[tuple[float, float] | None] | None = None
    """Each row's Wilson interval held to its score, worked out when a row without
    replicates first asks."""

    def interval_list(self, numeric: bool) -> list[tuple[float, float] | None]:
        """:attr:`intervals`, worked out on the first call."""
        if self.intervals is None:
            if numeric:
                self.intervals = [None] * len(self.scores)
            else:
                import numpy as np

                # fmin/fmax: an end the rule leaves uncovered gives way to the score itself.
                self.intervals = list(
                    zip(
                        np.fmin(self.low, self.score).tolist(),
                        np.fmax(self.high, self.score).tolist(),
                        strict=True,
                    )
                )
        return self.intervals


class ChecklistScorer(NodeScorer):
    """One checklist question's scores: cohort-wide columns, then a mission's row of them."""

    # Its scores and values come from the columns' arrays (``tolist``: floats, or None), its
    # counts are the site summary's ints, its coverage 1.0 or 0.0, its texts its own.
    typed = True

    def __init__(self, node: ChecklistIndicator, rule: str, plan: Plan) -> None:
        self.node = node
        self.rule = rule
        self.formula = (
            f"{node.stat} of answers"
            if node.numeric
            else f"share of answers in {{{', '.join(node.accept)}}}"
        )
        self.pending = node.rule is not None and node.rule.cohort
        self.needed = STAT_MIN_ANSWERS.get(node.stat, 1)
        """Answers the statistic needs (places are counted against ``min_answers``)."""
        self.column = None if self.pending else self._column(plan)

    def _column(self, plan: Plan) -> _Column | None:
        import numpy as np

        ids = plan.sites.ids
        if not ids:
            return None
        q = self.node
        qid = q.id
        tallies = None if q.numeric else plan.sites.tallies
        stats: Sequence[QuestionStat | FromSites | None]
        if tallies is not None and qid in tallies.questions:
            answered = tallies.column(qid, "answered").astype(float)
            accepted = tallies.column(qid, "accepted").astype(float)
            places = tallies.column(qid, "places")
            # Each row's summary is made when its explanation is written, if ever.
            stats = (FROM_SITES,) * len(ids)
            # The missions' values (100 * accepted / answered), as one column.
            with np.errstate(divide="ignore", invalid="ignore"):
                value = np.where(answered > 0, 100.0 * accepted / answered, np.nan)
        else:
            stats = summaries = plan.site_stats(qid)
            places = np.array([0 if st is None else st.places for st in summaries])
            value = np.array(
                [np.nan if st is None or st.value is None else st.value for st in summaries]
            )
            answered = np.array([0 if st is None else st.answered for st in summaries], dtype=float)
            accepted = np.array([0 if st is None else st.accepted for st in summaries], dtype=float)
        score = q.rule.apply(value) if q.rule is not None else np.minimum(100.0, value)
        low = high = np.full(len(ids), np.nan)
        if not q.numeric:
            with np.errstate(divide="ignore", invalid="ignore"):
                lo, hi = wilson_arrays(accepted, answered, plan.z)
            if q.rule is None:
                low, high = np.minimum(100 * lo, 100.0), np.minimum(100 * hi, 100.0)
            else:
                low, high = q.rule.interval(100 * lo, 100 * hi)
        # The rows whose outcome is a plain score: enough answers and a score the rule gives
        # (the rows of missing summaries have neither); the rest are scored one by one.
        # What shortfall() decides, for every row at once.
        plain = (places >= q.min_answers) & (answered >= self.needed) & ~np.isnan(score)
        return _Column(
            score,
            low,
            high,
            stats,
            score.tolist(),
            # A row's value where it is scored: the summary's (100 * accepted / answered,
            # the same operations on the same numbers for a share).
            value.tolist(),
            (plain & (places >= plan.min_places)).tolist(),
            plain.tolist(),
        )

    def point(self, m: MissionView) -> Outcome:
        """The mission's row of the cohort-wide columns, or why it has none."""
        return self.point_all([m])[0]

    def point_all(self, missions: Sequence[MissionView]) -> list[Outcome]:
        """Each mission's row of the cohort-wide columns, or why it has none; explanations
        are written when the scorecards are built.

        Missions scored with no finding (nearly all of a large cohort) take their row of the
        columns as it is; the others go through every rule one by one."""
        col = self.column
        one = self._one
        if col is None:
            return [one(m) for m in missions]
        q, formula, rule = self.node, self.formula, self.rule
        scores, values, stats, sampled = col.scores, col.values, col.stats, col.sampled
        later, written = MethodType, question_written
        out: list[Outcome] = []
        add = out.append
        plain: list[bool] | None = None
        intervals: list[tuple[float, float] | None] = []
        for m in missions:
            r = m.row
            if r is None:
                add(one(m))
            elif m.replicated:
                # The replicates give the interval (pass 2): they resample polling places,
                # where a Wilson interval would treat two visits to one place as independent.
                if sampled[r]:
                    s, v = scores[r], values[r]
                    add(
                        Outcome(
                            "scored",
                            s,
                            v,
                            1.0,
                            later(written, (m, q, stats[r], formula, rule, v, s)),
                            None,
                            True,
                        )
                    )
                else:
                    add(one(m))
            else:
                if plain is None:
                    plain, intervals = col.plain, col.interval_list(q.numeric)
                if plain[r]:
                    s, v = scores[r], values[r]
                    add(
                        Outcome(
                            "scored",
                            s,
                            v,
                            1.0,
                            later(written, (m, q, stats[r], formula, rule, v, s)),
                            intervals[r],
                        )
                    )
                else:
                    add(one(m))
        return out

    def _one(self, m: MissionView) -> Outcome:
        """One mission's outcome, every rule in turn: its findings recorded as it goes."""
        q = self.node
        qid, numeric = q.id, q.numeric
        formula, rule = self.formula, self.rule
        st = m.site_stat(qid)
        if st is None or st.answered == 0:
            if st is not None and st.not_applicable and not st.not_observed:
                explain = MethodType(question_written, (m, q, st, formula, rule, None, None))
                return Outcome("not_applicable", None, None, 0.0, explain)
            m.finding(
                "missing-data",
                "no observer answered this question",
                qid,
                "info",
                variant="sites",
            )
            explain = MethodType(question_written, (m, q, st, formula, rule, None, None))
            return Outcome("missing", None, None, 0.0, explain)
        value = st.value
        short = shortfall(q, q.stat, st.places, st.answered)
        if short is not None:
            variant, n, needed = short
            if variant == "places":
                m.finding(
                    "too-few-answers",
                    gettext("finding_too-few-answers_places", "en", n=n, needed=needed),
                    qid,
                    n=n,
                    needed=needed,
                    variant="places",
                )
            else:
                m.finding(
                    "too-few-answers",
                    gettext("finding_too-few-answers", "en", n=n, needed=needed),
                    qid,
                    n=n,
                    needed=needed,
                )
            explain = MethodType(question_written, (m, q, st, formula, rule, value, None))
            return Outcome("insufficient", None, value, 0.0, explain)
        row = m.row
        assert value is not None and row is not None
        if self.pending:
            explain = MethodType(question_written, (m, q, st, formula, rule, value, None))
            return Outcome("pending", None, value, 0.0, explain)
        col = self.column
        assert col is not None
        s = col.scores[row]
        if math.isnan(s):
            m.finding(
                "value-outside-bands",
                f"{exact_number(value)} falls in no band of the rule",
                qid,
                value=number_param(float(value)),
            )
            explain = MethodType(question_written, (m, q, st, formula, rule, None, None))
            return Outcome("missing", None, value, 0.0, explain)
        interval = None
        replicated = m.replicated
        if replicated:
            # Too few places for an interval: the view records it, with a finding.
            m.sampled_from(qid, qid)
        elif not numeric:
            interval = col.interval_list(numeric)[row]
        return Outcome(
            "scored",
            s,
            value,
            1.0,
            MethodType(question_written, (m, q, st, formula, rule, value, s)),
            interval=interval,
            replicable=replicated,
        )

    def replicates(self, r: Replication, outcomes: Sequence[Outcome]) -> Replicates | None:
        """The rule applied to the replicate shares (or statistics) of the cohort."""
        import numpy as np

        has = replicable(outcomes)
        if not has.any():
            return None
        raw = r.rows_of(r.sites.replicates[(self.node.id, PERCENT)], has)
        # The same mapping as the point score, so a replicate equal to it scores the same.
        rule = self.node.rule
        if rule is not None:
            scored = rule.apply(raw)
        elif bool((raw > 100.0).any()):
            scored = np.minimum(raw, 100.0)
        else:
            # A share is never above 100 %: the values are their own scores, and a cohort's
            # matrix of them is not copied (the scores are only read).
            scored = raw
        return Replicates(has, scored, raw)


register_kind(ChecklistKind())
