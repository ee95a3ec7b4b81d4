"""Cohort comparison: normalisation, re-aggregation, rankings, family 7 and best practice.

``score()`` scores each mission on its own; ``compare()`` works on the whole cohort, in the order
COINr uses (impute, normalise, aggregate):

1. imputation of missing indicator values, off by default and always reported when used: raw
   values of ``cohort`` indicators, scores of the others; only where the group holding the
   indicator meets its minimum coverage with observed values, and never ranked;
2. cohort normalisation: ``cohort`` indicators always (by their rule's method unless another is
   requested), any other node only on request;
3. re-aggregation of every group whose children changed, with the rubric's methods or overrides;
4. the comparative family (7), computed from the cohort's scores of each indicator's target, then
   re-aggregation of the groups that hold it;
5. rankings, best practice per indicator (with a lead that must hold under uncertainty), the
   weakest missions and each country's trend across elections.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Literal

import numpy as np
from pydantic import Field

from ovm.comparison.ranking import IMPUTED, BestPractice, RankEntry, best_practice, rank_rows
from ovm.data.followup import FOLLOW_UP_VARIABLE
from ovm.data.observations import Election, Mission, Observations, previous_mission
from ovm.frozen import FrozenMap, FrozenModel, ReadOnlyMap
from ovm.indicators import Cohort, ComparativeIndicator
from ovm.indicators.registry import kind_of
from ovm.rubric.model import Group, Indicator, Rubric, along, range_place
from ovm.scoring.aggregate import Array, Child, aggregate, method_text
from ovm.scoring.aggregate import combine as combine_children
from ovm.scoring.critical import CODE as CRITICAL
from ovm.scoring.critical import apply_critical, critical_indicators
from ovm.scoring.engine import band_of, explain_group, flat_finding
from ovm.scoring.formulas import Read, formula_group, headline_explanation
from ovm.scoring.results import (
    Explanation,
    Finding,
    InputValue,
    NodeScore,
    NodeStatus,
    ScoreSet,
    fill_deferred,
)
from ovm.settings import NORMALISATIONS, ComparisonSettings

BOUNDED = ("minmax", "percentile", "distance_to_best", "distance_to_target")
"""Methods whose results fall in ``output_range`` (z-scores and ranks have no fixed range)."""
_UNDEFINED_CODES = frozenset({"aggregation-undefined", "undefined-child"})
_AGG_CODES = ("insufficient-coverage", "aggregation-undefined", "undefined-child", "needs-cohort")
_SCORE_SPAN = 100.0


# --- the result ----------------------------------------------------------------------------


class Peers(FrozenModel):
    """Missions in a like context (a region, a registration model …), compared among
    themselves: the methodology names best practices so that others can replicate them
    bearing each country's context in mind."""

    group: str
    missions: tuple[str, ...]
    rankings: ReadOnlyMap[str, tuple[RankEntry, ...]]
    best: ReadOnlyMap[str, BestPractice]
    on_scale_rankings: ReadOnlyMap[str, tuple[RankEntry, ...]] | None = Field(
        default=None, exclude=True
    )
    """The rankings on the rubric's own scale under z-scores or ranks (see
    ``Comparison.on_scale``), where a recommendation finds the practice to follow."""


class Comparison(FrozenModel):
    """A cohort compared: rescored scorecards, rankings, best practice, trends and findings.

    ``scores`` holds every mission's scorecard after the cohort step (family 7 and cohort
    rules scored, re-aggregated): the numbers every output shows. ``settings`` are the
    settings the comparison was made with, as given.
    """

    scores: ScoreSet
    rankings: ReadOnlyMap[str, tuple[RankEntry, ...]]
    best: ReadOnlyMap[str, BestPractice]
    """The best practices: leaders whose lead holds with a score in a good band."""
    leaders: ReadOnlyMap[str, BestPractice]
    """The missions ranked first on every indicator with a score, best practice or not."""
    weakest: ReadOnlyMap[str, tuple[str, ...]]
    trends: ReadOnlyMap[str, tuple[tuple[str, float | None], ...]]
    findings: tuple[Finding, ...]
    settings: ComparisonSettings
    missions: int
    peers: ReadOnlyMap[str, Peers] = Field(default_factory=FrozenMap)
    """Each group of missions in a like context, ranked and compared among themselves."""
    on_scale: ScoreSet | None = Field(default=None, exclude=True)
    """Under a normalisation without a fixed range (z-scores, ranks): every mission's scorecard
    after the cohort step as the rubric scores it, on its 0-100 scale with its bands, where
    family 7, the best practices and the recommendations are judged. None under any other
    normalisation, where ``scores`` are on that scale. Not written out: the outputs show
    ``scores``."""

    def judged(self) -> ScoreSet:
        """The scorecards on the rubric's own scale: ``on_scale`` when the comparison
        normalises to z-scores or ranks, else ``scores``."""
        return self.on_scale if self.on_scale is not None else self.scores

    on_scale_rankings: ReadOnlyMap[str, tuple[RankEntry, ...]] | None = Field(
        default=None, exclude=True
    )
    """The rankings of ``on_scale``'s scores (None when ``on_scale`` is), where a
    recommendation finds the best-scored mission to follow."""

    def peers_of(self, mission: str) -> Peers | None:
        """The group of missions in the same context as ``mission`` (None: no such group)."""
        return next((p for p in self.peers.values() if mission in p.missions), None)


# --- cohort normalisation ------------------------------------------------------------------


@dataclass(frozen=True)
class CohortScale:
    """A cohort normalisation fitted column by column (one column per node; higher is better).

    ``centre`` and ``spread`` hold, per column: the minimum and the range (min-max), the mean and
    the sample standard deviation (z-score, as R's ``sd``), the bottom and the span of the scale
    (distance to the best) or the minimum and the distance from it to the target (distance to
    target). ``ordered`` holds the sorted values (rank and percentile). ``defined`` is False
    where the method is undefined for the column: too few values, or no spread.

    A column whose values are all equal (one value, or several the same) has no spread to
    normalise by, yet it moves no mission relative to another; ``constant`` holds the value it
    gets instead (NaN elsewhere): a 0-100 score keeps its own score, clipped to the output
    range, so a cohort perfect on an indicator is not penalised and one failing on it is not
    rewarded; a raw value takes the middle of the output range; a z-score the scale's mean; a
    rank 1.
    """

    method: str
    output_range: tuple[float, float]
    zscore_scale: tuple[float, float]
    centre: Array
    spread: Array
    ordered: Array
    count: Array
    defined: Array
    constant: Array

    def describe(self, column: int = 0, direction: float = 1.0) -> str:
        """One line saying how a column was normalised (values in their original orientation)."""
        lo, hi = self.output_range
        n = int(self.count[column])
        if not bool(self.defined[column]) and math.isfinite(float(self.constant[column])):
            return (
                f"cohort {self.method} over {n} missions, every one at the same value: "
                f"normalised to {float(self.constant[column]):g}"
            )
        c, s = float(self.centre[column]), float(self.spread[column])
        if self.method == "minmax":
            worst, best = c * direction, (c + s) * direction
            return (
                f"cohort min-max over {n} missions: {worst:g} scores {lo:g}, {best:g} scores {hi:g}"
            )
        if self.method == "zscore":
            m, sd = self.zscore_scale
            return (
                f"cohort z-score over {n} missions: mean {c * direction:g}, standard "
                f"deviation {s:g}, rescaled to mean {m:g} and deviation {sd:g}"
            )
        if self.method == "rank":
            return f"cohort rank over {n} missions (1 = lowest; ties share the lower rank)"
        if self.method == "percentile":
            return f"cohort percentile rank over {n} missions onto {lo:g}-{hi:g}"
        if self.method == "distance_to_best":
            return (
                f"distance to the cohort's best ({(c + s) * direction:g}) over a span of "
                f"{s:g}, onto {lo:g}-{hi:g}"
            )
        return (
            f"distance to the target {(c + s) * direction:g} from the cohort's lowest "
            f"({c * direction:g}), onto {lo:g}-{hi:g}, capped at the target"
        )


def fit_scale(
    x: Array,
    method: str,
    *,
    output_range: tuple[float, float] = (0.0, 100.0),
    zscore_scale: tuple[float, float] = (0.0, 1.0),
    span: Array | None = None,
    target: Array | None = None,
) -> CohortScale:
    """Fit a cohort normalisation on each column of ``x`` (missions x nodes, NaN = no value).

    Values must be oriented so that higher is better. ``span`` (per column, NaN for raw values)
    is the width of a score scale for the distance to the best: on 0-100 scores the gap to the
    best is counted in points; on raw values (NaN) it is relative to the cohort's range.
    ``target`` (per column, NaN for none) is the distance-to-target goal; without one the best
    value is the target.
    """
    if method not in NORMALISATIONS or method == "none":
        raise ValueError(
            f"unknown normalisation {method!r}; expected one of {', '.join(NORMALISATIONS[1:])}"
        )
    x = np.asarray(x, dtype=float)
    if x.ndim == 1:
        x = x[:, None]
    valid = np.isfinite(x)
    n = valid.sum(axis=0)
    k = x.shape[1]
    with np.errstate(invalid="ignore", divide="ignore"):
        mn = np.where(valid, x, np.inf).min(axis=0, initial=np.inf)
        mx = np.where(valid, x, -np.inf).max(axis=0, initial=-np.inf)
        centre = np.zeros(k)
        spread = np.ones(k)
        ordered = np.empty((0, k))
        if method == "minmax":
            centre, spread = mn, mx - mn
            defined = (n >= 2) & (spread > 0)
        elif method == "zscore":
            mean = np.where(valid, x, 0.0).sum(axis=0) / n
            dev = np.where(valid, x - mean, 0.0)
            sd = np.sqrt((dev * dev).sum(axis=0) / (n - 1))
            centre, spread = mean, sd
            defined = (n >= 2) & (sd > 0)
        elif method in ("rank", "percentile"):
            ordered = np.sort(np.where(valid, x, np.nan), axis=0)
            # A percentile of tied values is the lowest: with no spread at all that would put a
            # cohort perfect on an indicator at 0, so a constant column takes its fallback.
            defined = n >= 1 if method == "rank" else (n >= 2) & (mx > mn)
        elif method == "distance_to_best":
            sp = np.full(k, np.nan) if span is None else np.asarray(span, dtype=float)
            raw = np.isnan(sp)
            spread = np.where(raw, mx - mn, sp)
            centre = np.where(raw, mn, mx - sp)
            defined = (n >= 1) & (spread > 0)
        else:
            tg = np.full(k, np.nan) if target is None else np.asarray(target, dtype=float)
            goal = np.where(np.isnan(tg), mx, tg)
            centre, spread = mn, goal - mn
            defined = n >= 1
    lo, hi = float(output_range[0]), float(output_range[1])
    sp = np.full(k, np.nan) if span is None else np.asarray(span, dtype=float)
    same = (n >= 1) & (mn == mx) & ~np.asarray(defined, dtype=bool)
    if method == "zscore":
        value = np.full(k, float(zscore_scale[0]))
    elif method == "rank":
        value = np.ones(k)
    else:
        value = np.where(np.isnan(sp), (lo + hi) / 2, own_place(mn, sp, (lo, hi)))
    return CohortScale(
        method,
        (lo, hi),
        (float(zscore_scale[0]), float(zscore_scale[1])),
        centre,
        spread,
        ordered,
        n,
        np.asarray(defined, dtype=bool),
        np.where(same, value, np.nan),
    )


def own_place(x: Array, span: Array, output_range: tuple[float, float]) -> Array:
    """Where a score on a scale ``span`` wide (0-100 scores: 100) keeps its own place along
    the output range, clipped to it: what a bounded method gives a column whose values are
    all equal (``CohortScale.constant``), and the ends of such a score's interval."""
    lo, hi = output_range
    # The score's own value is its position on its scale, put at the same place along the
    # output range.
    own = x if (lo, hi) == (0.0, _SCORE_SPAN) else lo + x / span * (hi - lo)
    return np.asarray(np.clip(own, min(lo, hi), max(lo, hi)), dtype=float)


def apply_scale(scale: CohortScale, x: Array) -> Array:
    """Normalise values (rows x the fitted columns) with a fitted scale; NaN where undefined."""
    x = np.asarray(x, dtype=float)
    if x.ndim == 1:
        x = x[:, None]
    lo, hi = scale.output_range
    c, s = scale.centre, scale.spread
    with np.errstate(invalid="ignore", divide="ignore"):
        if scale.method in ("minmax", "distance_to_best"):
            # COINr's order of operations: (x - min) / (max - min) * (u - l) + l
            y = (x - c) / s * (hi - lo) + lo
        elif scale.method == "distance_to_target":
            t = np.where(s > 0, (x - c) / np.where(s > 0, s, 1.0), 1.0)
            y = np.minimum(t, 1.0) * (hi - lo) + lo
        elif scale.method == "zscore":
            m, sd = scale.zscore_scale
            y = (x - c) / s * sd + m
        else:
            below = _below(scale, x)
            if scale.method == "rank":
                y = below + 1.0
            else:
                y = below / (scale.count - 1) * (hi - lo) + lo
    if scale.method in BOUNDED:
        # Rounding may overshoot an end of the range by one ulp.
        y = np.clip(y, min(lo, hi), max(lo, hi))
    fallback = np.broadcast_to(scale.constant, y.shape)
    return np.where(np.isfinite(x), np.where(scale.defined, y, fallback), np.nan)


def _below(scale: CohortScale, x: Array) -> Array:
    """How many of its column's fitted values each value of ``x`` is above: what
    ``np.searchsorted(column, x[:, j], side="left")`` gives on each column's sorted values, for
    every column at once.

    A binary search of every cell in step, one gather and one comparison per halving, rather
    than a call per column: a sensitivity analysis normalises thousands of columns at once.
    """
    rows, k = scale.ordered.shape
    # Each column's sorted values (its missing ones last, as NaN: below no value), then more
    # NaN to a power of two beyond them: a probe never leaves its column.
    width = 1 << rows.bit_length()
    table = np.full((k, width), np.nan)
    table[:, :rows] = scale.ordered.T
    flat = table.reshape(-1)
    values = np.ascontiguousarray(x.T)
    found = np.zeros(values.shape, dtype=np.intp)
    probe = np.empty(values.shape, dtype=np.intp)
    above = np.empty(values.shape, dtype=bool)
    start = (np.arange(k, dtype=np.intp) * width)[:, None]
    step = width >> 1
    while step:
        # The value ``step`` past those found below so far: below too, or no further one is.
        np.add(found, start + (step - 1), out=probe)
        np.less(flat.take(probe), values, out=above)
        found += above * step
        step >>= 1
    return found.T.astype(float)


def normalise(
    values: Sequence[float | None] | Array,
    method: str,
    *,
    output_range: tuple[float, float] = (0.0, 100.0),
    zscore_scale: tuple[float, float] = (0.0, 1.0),
    direction: str = "higher",
    target: float | None = None,
    span: float | None = None,
) -> Array:
    """Normalise one node's values over a cohort (None or NaN = no value); see :func:`fit_scale`.

    ``direction="lower"`` rewards small values (COINr's direction -1). ``target`` is in the
    values' own units. Returns NaN for missing values and wherever the method is undefined.
    """
    d = -1.0 if direction == "lower" else 1.0
    x = np.array([np.nan if v is None else float(v) for v in values], dtype=float) * d
    scale = fit_scale(
        x,
        method,
        output_range=output_range,
        zscore_scale=zscore_scale,
        span=np.array([np.nan if span is None else span]),
        target=np.array([np.nan if target is None else target * d]),
    )
    return apply_scale(scale, x)[:, 0]


# --- the cohort state ----------------------------------------------------------------------


def _stand_in(method: str, few: bool, node_id: str) -> Finding:
    """The finding of a score the normalisation ``method`` replaced by its stand-in, the cohort
    giving nothing to fit (``few``: fewer than 2 missions have a value; else all have one
    value): it has no interval. Said alike of an indicator and of a group."""
    return _finding(
        "cohort-normalisation-undefined",
        f"{method} undefined over the cohort: "
        + ("fewer than 2 missions have a value" if few else "every mission has the same value")
        + ", so the score is a stand-in with no interval",
        node_id,
        "info",
        variant="interval_few" if few else "interval_same",
        method=method,
    )


def _finding(
    code: str,
    message: str,
    node: str | None,
    severity: Literal["info", "warning", "error"] = "warning",
    **params: object,
) -> Finding:
    return Finding(
        code=code,
        message=message,
        node=node,
        severity=severity,
        params={k: str(v) for k, v in params.items()},
    )


def _numeric(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


def _from_cohort(node: Indicator) -> bool:
    """Whether an indicator is scored from other nodes over the cohort (family 7)."""
    return kind_of(node).evidence == "nodes"


def _good_bands(rubric: Rubric, node: Group | Indicator, bands: int) -> frozenset[int] | None:
    """The ``bands`` best bands of a node: the highest, or the lowest where lower is better."""
    top = len(rubric.bands_for(node))
    if not bands or not top:
        return None
    if node.scale_or_default.better == "lower":
        return frozenset(range(min(bands, top)))
    return frozenset(range(max(0, top - bands), top))


def _rank_nodes(
    st: _State, nodes: Sequence[str], missions: Sequence[int]
) -> list[tuple[RankEntry, ...]]:
    """The ranking of ``missions`` (indices of the cohort) on each of ``nodes``: a scored
    cell's score, no score otherwise."""
    # An imputed value is not the mission's own: it fills a gap in its group, but is not
    # ranked (so never a best practice, runner-up or weakest either).
    rows = [
        [
            c.score
            if (c := st.cur[node_id][i]).status == "scored" and (i, node_id) not in st.imputed
            else None
            for i in missions
        ]
        for node_id in nodes
    ]
    signs = [st.rubric.scale_of(node_id).sign for node_id in nodes]
    return rank_rows([st.mids[i] for i in missions], rows, signs)


def _peer_groups(st: _State, settings: ComparisonSettings, rubric: Rubric) -> dict[str, Peers]:
    """Rankings and best practices within each context group of two or more missions.

    Groups are the settings' ``peer_groups`` (mission id -> group), else each mission's region
    when the cohort spans more than one.
    """
    given = settings.peer_groups
    if given is None:
        regions = {c.mission.id: c.mission.region for c in st.cards if c.mission.region is not None}
        given = regions if len(set(regions.values())) > 1 else {}
    members: dict[str, list[int]] = {}
    for i, mid in enumerate(st.mids):
        if mid in given:
            members.setdefault(given[mid], []).append(i)
    out: dict[str, Peers] = {}
    for group in sorted(members):
        idx = members[group]
        if len(idx) < 2:
            continue
        ids = [st.mids[i] for i in idx]
        every = ["overall", *rubric.nodes]
        rankings = dict(zip(every, _rank_nodes(st, every, idx), strict=True))
        # Best practices on the rubric's own scale, as in the whole cohort (_compared).
        src = st.on_scale or st
        judged = (
            rankings if src is st else dict(zip(every, _rank_nodes(src, every, idx), strict=True))
        )
        best: dict[str, BestPractice] = {}
        for node_id in every:
            cells = {st.mids[i]: src.cur[node_id][i] for i in idx}
            if node_id == "overall":
                continue
            node = rubric.node(node_id)
            if isinstance(node, Group):
                continue
            bp, _ = best_practice(
                node_id,
                cells,
                judged[node_id],
                _good_bands(rubric, node, settings.best_practice_bands),
                node.scale_or_default.sign,
                st.withheld.get(node_id, ()),
            )
            if bp is not None and bp.is_best_practice:
                best[node_id] = bp
        out[group] = Peers(
            group=group,
            missions=tuple(ids),
            rankings=rankings,
            best=best,
            on_scale_rankings=None if judged is rankings else judged,
        )
    return out


def cohort_rule(node: Group | Indicator) -> Cohort | None:
    """The rule of an indicator scored by cohort normalisation, else None."""
    if isinstance(node, Group):
        return None
    rule = kind_of(node).rule(node)
    return rule if rule is not None and rule.cohort else None  # type: ignore[return-value]


def _band(
    rubric: Rubric,
    node: Group | Indicator | None,
    score: float | None,
    bounded: bool = True,
    span: tuple[float, float] | None = None,
) -> tuple[int | None, str | None, float | None]:
    lo, hi = (scale := rubric.scale_for(node)).min, scale.max
    if span is not None:
        lo, hi = span
    if score is None or not bounded or not lo <= score <= hi:
        return None, None, None
    return band_of(rubric, node, score, span=span)


def output_spans(rubric: Rubric, settings: ComparisonSettings) -> dict[str, tuple[float, float]]:
    """The nodes (``overall`` included) whose compared scores lie on ``settings``' output
    range where it is not 0-100, each with that range: their bands are read at their place
    along it (:meth:`Rubric.band_at`), so that asking for scores on 1-10 changes no band.

    An indicator lies there when the bounded normalisation asked for normalises it (a cohort
    rule scoring on its own scores on 0-100, as the rest of its group); a group, when it is
    normalised itself or every child that counts in it lies there (a group of comparative
    indicators, or one on a scale of its own, stays on its scale)."""
    span = (float(settings.output_range[0]), float(settings.output_range[1]))
    if span == (0.0, 100.0):
        return {}
    if settings.normalisation not in BOUNDED:
        return {}
    wanted = set(settings.normalise_nodes) if settings.normalise_nodes is not None else None
    out: dict[str, tuple[float, float]] = {}
    for ind in rubric.indicators():
        if (
            not _from_cohort(ind)
            and (wanted is None or ind.id in wanted)
            and not rubric.keeps_scale(ind.id)
        ):
            out[ind.id] = span
    for gid in rubric.aggregation_order:
        g = rubric.node(gid)
        if not isinstance(g, Group) or rubric.keeps_scale(gid):
            continue
        kids = [c.id for c in g.children if c.contributes]
        if (wanted is not None and gid in wanted) or (
            g.formula is None and kids and all(k in out for k in kids)
        ):
            out[gid] = span
    head = rubric.headline
    families = [f.id for f in rubric.families if f.contributes]
    # A headline of "none" leaves the overall as each mission was scored.
    if (head is not None and head != "none" and head in out) or (
        head is None and families and all(f in out for f in families)
    ):
        out["overall"] = span
    return out


class _State:
    """Every node's score for every mission of the cohort, as compare() rewrites them."""

    def __init__(self, rubric: Rubric, scores: ScoreSet) -> None:
        self.rubric = rubric
        self.cards = sorted(scores.scorecards, key=lambda c: c.mission.id)
        fill_deferred(self.cards)
        self.mids = [c.mission.id for c in self.cards]
        self.replicated = scores.bootstrap > 0
        """Whether the scores have bootstrap replicates: without, an indicator's interval is
        the Wilson interval of its visits, and no group has one (docs/statistics.md)."""
        self.orig: dict[str, list[NodeScore]] = {}
        by_node = [
            {"overall": card.overall, **{ns.node: ns for ns in card.nodes}} for card in self.cards
        ]
        for node_id in ["overall", *rubric.nodes]:
            cells = []
            for card, nodes in zip(self.cards, by_node, strict=True):
                if node_id not in nodes:
                    raise ValueError(
                        f"the scorecard of {card.mission.id} has no node "
                        f"{node_id!r}: the scores and the rubric do not match"
                    )
                cells.append(nodes[node_id])
            self.orig[node_id] = cells
        self.cur = {k: list(v) for k, v in self.orig.items()}
        self.withheld: dict[str, set[str]] = {}
        """The missions whose interval on a node was withheld (too few polling places), by
        node: their scores' uncertainty is unknown, which a best practice must not ignore."""
        for card in self.cards:
            for f in card.findings:
                if f.code == "too-few-places-for-interval" and f.node is not None:
                    self.withheld.setdefault(f.node, set()).add(card.mission.id)
        self.node_findings: dict[tuple[int, str], list[Finding]] = {}
        self.extra: list[list[Finding]] = [[] for _ in self.cards]
        self.recomputed: set[tuple[int, str]] = set()
        # Bands label 0-100 scores: none for groups built from z-scores or ranks.
        self.bounded = True
        self.superseded: set[tuple[int, str]] = set()
        """The cells (mission, indicator) whose scoring findings the cohort step replaces."""
        self.imputed: set[tuple[int, str]] = set()
        """The cells (mission, indicator) whose value was imputed."""
        self.no_interval: set[tuple[int, str]] = set()
        """The cells (mission, node) whose sampled score has no interval that a group may rest
        on: withheld by the scoring (too few polling places), or lost in the cohort step (a
        normalisation that gives it a stand-in). Every group above them has none either."""
        for i, mid in enumerate(self.mids):
            for node_id, missions in self.withheld.items():
                if mid in missions:
                    self._withhold_up(i, node_id)
        self.methods: Mapping[str, tuple[str, float | None]] = {}
        """Each group's aggregation method and power in this comparison."""
        self.observed: dict[tuple[int, str], NodeStatus] = {}
        """Each (mission, node)'s status from the values observed alone, as imputation finds
        it (see :func:`_observed_status`)."""
        self.seen: dict[tuple[int, str], NodeStatus] = {}
        """Each recomputed group's status from observed values alone, imputed ones left out:
        a group is scored only where that meets its minimum coverage (see :func:`_combine`)."""
        self.spans: Mapping[str, tuple[float, float]] = {}
        """The nodes whose scores lie on the output range, with it (:func:`output_spans`)."""
        self.unimputed: _State | None = None
        """Under imputation, the cohort with no value imputed: family 7 compares observed
        values alone (see :func:`_comparative`)."""
        self.on_scale: _State | None = None
        self.on_scale_scores: ScoreSet | None = None
        """Under z-scores or ranks, the cohort as the rubric scores it (no normalisation asked
        for): family 7 and the best practices are its own (see :func:`_cohort_step`)."""

    def _withhold_up(self, i: int, node_id: str) -> None:
        """Mark ``node_id`` and each scored group above it as resting on an interval withheld
        for mission ``i``, as the scoring withheld theirs (docs/statistics.md, point 6): a
        group the comparison aggregates again must not build one from the rest alone."""
        while node_id in self.orig:
            cell = self.orig[node_id][i]
            if cell.status != "scored" or cell.interval is not None:
                return
            if node_id == "overall":
                self.no_interval.add((i, node_id))
                return
            placed = self.rubric.nodes[node_id]
            node = placed.node
            if isinstance(node, Group) and node.formula is not None:
                # A formula's result has no interval of its own to withhold.
                return
            self.no_interval.add((i, node_id))
            if not node.contributes:
                # Left out of its group's sums: it passes nothing up.
                return
            node_id = placed.parent

    @property
    def size(self) -> int:
        return len(self.cards)

    def changed(self, node_id: str, i: int) -> bool:
        return self.cur[node_id][i] is not self.orig[node_id][i]


# --- indicators: imputation and normalisation ----------------------------------------------


@dataclass(frozen=True)
class _Imputed:
    """A value imputed for a mission, with how it was found."""

    value: float
    how: str


def _observed_status(st: _State, i: int, node_id: str) -> NodeStatus:
    """A node's status for mission ``i`` from the values observed alone, before anything is
    imputed: an indicator's as scored (one waiting for the cohort has its value, so counts as
    observed), a group's by the aggregation's own rules over its children's."""
    key = (i, node_id)
    found = st.observed.get(key)
    if found is not None:
        return found
    node = st.rubric.node(node_id)
    own = st.orig[node_id][i].status
    status: NodeStatus
    if isinstance(node, Group):
        status = _observed_outcome(st, i, node)
    else:
        status = "scored" if own == "pending" else own
    st.observed[key] = status
    return status


def _observed_outcome(st: _State, i: int, group: Group | None) -> NodeStatus:
    """The status a group (None: the overall) has for mission ``i`` on its children's observed
    values alone. Only the statuses decide it (a stand-in score keeps every mean defined)."""
    kids: Sequence[Group | Indicator]
    if group is None:
        kids, min_cov, node_id = st.rubric.families, st.rubric.min_coverage, "overall"
    else:
        kids, min_cov, node_id = group.children, group.min_coverage, group.id
    children = []
    for k in kids:
        if not k.contributes:
            continue
        status = _observed_status(st, i, k.id)
        children.append(
            Child(
                k.id,
                k.weight,
                status,
                1.0 if status == "scored" else None,
                st.orig[k.id][i].coverage,
                -1.0 if k.subtracts else 1.0,
            )
        )
    method, power = st.methods.get(node_id, ("arithmetic", None))
    return combine_children(children, method, power, min_cov).status


def _short_of_data(st: _State, i: int, node_id: str) -> str | None:
    """The group holding ``node_id`` (its id) where it lacks, for mission ``i``, the observed
    values to be scored without ``node_id`` (its minimum coverage met by observed values
    alone): an imputed value there would score the mission on the cohort's means rather than
    fill a gap, so none is imputed. None where the group has them."""
    parent = st.rubric.nodes[node_id].parent
    group = None if parent == "overall" else st.rubric.node(parent)
    if group is not None and not isinstance(group, Group):
        return None
    status = _observed_outcome(st, i, group)
    return parent if status in ("insufficient", "missing") else None


def _impute(
    st: _State, node_id: str, base: Array, imputation: str, groups: Mapping[str, str] | None
) -> dict[int, _Imputed]:
    """Values for the missing cells of one indicator (only observed values feed the means),
    where the group holding the cell has the observed values to be scored without them."""
    cells = st.cur[node_id]
    observed = np.isfinite(base)
    out: dict[int, _Imputed] = {}
    for i, ns in enumerate(cells):
        if ns.status != "missing":
            continue
        short = _short_of_data(st, i, node_id)
        if short is not None:
            st.extra[i].append(
                _finding(
                    "imputation-failed",
                    f"no value observed, and too few of the parts of {short} observed to "
                    "impute it: imputation fills gaps only in a group scored without them",
                    node_id,
                    "info",
                    variant="coverage",
                    group=short,
                )
            )
            continue
        # (params: the group, or none for the cohort; the catalogue words the scope)
        where: dict[str, object] = {"variant": "cohort"}
        if imputation == "mean":
            pool, scope = observed, "the cohort"
        else:
            group = (groups or {}).get(st.mids[i])
            if group is None:
                st.extra[i].append(
                    _finding(
                        "imputation-failed",
                        "no value observed and the mission belongs to no group to impute from",
                        node_id,
                        variant="no_group",
                    )
                )
                continue
            pool = observed & np.array([(groups or {}).get(m) == group for m in st.mids])
            scope = f"group {group!r}"
            where = {"variant": "group", "group": group}
        how = f"the mean of {scope}"
        n = int(pool.sum())
        if n == 1:
            # A mean of one mission is that mission's value: copying it is no estimate.
            st.extra[i].append(
                _finding(
                    "imputation-failed",
                    f"no value observed, and only one mission in {scope} to impute from: a "
                    "mean needs at least 2",
                    node_id,
                    "warning",
                    **{**where, "variant": f"{where['variant']}_one"},
                )
            )
            continue
        if n == 0:
            st.extra[i].append(
                _finding(
                    "imputation-failed",
                    f"no value observed, and none in {scope} to impute from",
                    node_id,
                    "warning",
                    **where,
                )
            )
            continue
        value = float(np.mean(base[pool]))
        missions = "mission" if n == 1 else "missions"
        out[i] = _Imputed(value, f"{how} over {n} {missions}")
        st.extra[i].append(
            _finding(
                IMPUTED,
                f"no value observed; imputed as {how} over {n} {missions}: {value:.6g}",
                node_id,
                "warning",
                n=n,
                value=f"{value:.6g}",
                **where,
            )
        )
    return out


def _prepare_indicator(
    st: _State,
    ind: Indicator,
    *,
    method: str | None,
    imputation: str,
    groups: Mapping[str, str] | None,
    output_range: tuple[float, float],
    zscore_scale: tuple[float, float],
    target: float | None,
    cohort_findings: list[Finding],
) -> int:
    """Impute and normalise one indicator over the cohort; returns how many values were imputed."""
    rule = cohort_rule(ind)
    cells = st.cur[ind.id]
    base = np.full(st.size, np.nan)
    for i, ns in enumerate(cells):
        v = _numeric(ns.value) if rule is not None else ns.score
        if (rule is not None and ns.status == "pending") or (
            rule is None and ns.status == "scored"
        ):
            base[i] = np.nan if v is None else v
    imputed = _impute(st, ind.id, base, imputation, groups) if imputation != "none" else {}
    st.imputed.update((i, ind.id) for i in imputed)
    filled = base.copy()
    for i, imp in imputed.items():
        filled[i] = imp.value
    if method is None:
        for i, imp in imputed.items():
            ns = cells[i]
            score = float(np.clip(imp.value, 0.0, 100.0))
            band, label, rating = _band(st.rubric, ind, score)
            cells[i] = ns.model_copy(
                update={
                    "status": "scored",
                    "score": score,
                    "value": None,
                    "coverage": 0.0,
                    "band": band,
                    "band_label": label,
                    "rating": rating,
                    "interval": None,
                    "sampled": False,
                    "explanation": ns.explanation.model_copy(
                        update={
                            "score": score,
                            "rule": f"{ns.explanation.rule}; imputed as {imp.how}",
                        }
                    ),
                }
            )
        return len(imputed)
    # A cohort rule says its direction; any other indicator normalised here is on 0-100,
    # higher is better (one on a scale of its own keeps its scores: Rubric.keeps_scale).
    d = 1.0 if rule is None else (-1.0 if rule.direction == "lower" else 1.0)
    span = np.array([np.nan if rule is not None else _SCORE_SPAN])
    goal = target if target is not None else (None if rule is not None else _SCORE_SPAN)
    x = filled * d
    scale = fit_scale(
        x,
        method,
        output_range=output_range,
        zscore_scale=zscore_scale,
        span=span,
        target=np.array([np.nan if goal is None else goal * d]),
    )
    y = apply_scale(scale, x)[:, 0]
    has = np.isfinite(x)
    if not bool(scale.defined[0]) and not math.isfinite(float(scale.constant[0])):
        if has.any():
            few = int(has.sum()) < 2
            why = (
                "fewer than 2 missions have a value" if few else "every mission has the same value"
            )
            cohort_findings.append(
                _finding(
                    "cohort-normalisation-undefined",
                    f"{method} undefined over the cohort: {why}",
                    ind.id,
                    variant="few" if few else "same",
                    method=method,
                )
            )
            for i in map(int, np.flatnonzero(has)):
                ns = cells[i]
                cells[i] = ns.model_copy(
                    update={
                        "status": "insufficient",
                        "score": None,
                        "band": None,
                        "band_label": None,
                        "rating": None,
                        "interval": None,
                        "coverage": 0.0,
                    }
                )
                st.extra[i].append(
                    _finding(
                        "cohort-normalisation-undefined",
                        f"{method} undefined over the cohort: {why}",
                        ind.id,
                        variant="few" if few else "same",
                        method=method,
                    )
                )
        return len(imputed)
    text = scale.describe(0, d)
    bounded = method in BOUNDED
    st.bounded = st.bounded and bounded
    # Every mission at one value (one mission, or several alike): the method gives each the
    # same stand-in. A 0-100 score keeping its own place there has its interval's ends put
    # there too; any other stand-in (a z-score's mean, a rank, a raw value's middle) is not a
    # function of the value, so no interval is: a point would claim a certainty the polling
    # places do not give.
    alike = not bool(scale.defined[0])
    placed_ends = alike and bool(np.isfinite(span[0])) and method not in ("zscore", "rank")
    for i in map(int, np.flatnonzero(has)):
        ns = cells[i]
        score = _placed(st, ind.id, float(y[i]))
        band, label, rating = _band(st.rubric, ind, score, bounded, st.spans.get(ind.id))
        interval = None
        if ns.interval is not None and i not in imputed:
            ends = np.array([[ns.interval[0] * d], [ns.interval[1] * d]])
            if not alike:
                ends = apply_scale(scale, ends)
            elif placed_ends:
                ends = own_place(ends, span, output_range)
            if not alike or placed_ends:
                lo_e, hi_e = sorted(float(e) for e in ends[:, 0])
                interval = (min(lo_e, score), max(hi_e, score))
            else:
                few = int(has.sum()) < 2
                st.no_interval.add((i, ind.id))
                st.extra[i].append(_stand_in(method, few, ind.id))
        rule_text = f"{ns.explanation.rule}; then {text}"
        raw = ns.explanation.raw_value
        value = ns.value
        if i in imputed:
            rule_text += f"; value imputed as {imputed[i].how}"
            if rule is not None:
                raw = value = imputed[i].value
            else:
                value = None
        cells[i] = ns.model_copy(
            update={
                "status": "scored",
                "score": score,
                "value": value,
                "coverage": 0.0 if i in imputed else 1.0,
                "band": band,
                "band_label": label,
                "rating": rating,
                "interval": interval,
                # Its interval normalised, lost to a stand-in, or none for a flat rule (point 4):
                # the score rests on the polling places as before; an imputed one on none.
                "sampled": ns.sampled and i not in imputed,
                "explanation": ns.explanation.model_copy(
                    update={"score": score, "rule": rule_text, "raw_value": raw}
                ),
            }
        )
    return len(imputed)


# --- aggregation over the tree -------------------------------------------------------------


def _combine(
    st: _State, i: int, node: Group | None, method: str, power: float | None, template: NodeScore
) -> NodeScore:
    """One group's score from its children's current scores (the engine's rules, see engine)."""
    rubric = st.rubric
    if node is None:
        kids: Sequence[Group | Indicator] = rubric.families
        node_id, min_cov = "overall", rubric.min_coverage
    else:
        kids, node_id, min_cov = node.children, node.id, node.min_coverage
    cells = [(k, st.cur[k.id][i]) for k in kids if k.contributes]
    children = [
        Child(k.id, k.weight, c.status, c.score, c.coverage, -1.0 if k.subtracts else 1.0)
        for k, c in cells
    ]
    out = combine_children(children, method, power, min_cov)
    if st.imputed:
        # An imputed value fills a gap in a group that has enough observed data; it does not
        # make up for the data that is not there: the group's minimum coverage is met by the
        # observed values alone (a mission observed on 4 % of the rubric is not ranked on
        # the cohort's means).
        seen = [
            replace(c, status="missing")
            if (i, c.id) in st.imputed
            else replace(c, status=st.seen.get((i, c.id), c.status))
            for c in children
        ]
        alone = combine_children(seen, method, power, min_cov)
        st.seen[(i, node_id)] = alone.status
        if out.status in ("scored", "insufficient") and alone.status in ("insufficient", "missing"):
            if alone.finding is not None and alone.finding[0] == "insufficient-coverage":
                said = alone.finding[2]
                alone = replace(
                    alone,
                    finding=(
                        "insufficient-coverage",
                        f"the parts one level below it with observed values hold "
                        f"{said['share']}% of its weight; at least {said['needed']}% needed "
                        "(imputed values do not count)",
                        {**said, "variant": "imputed"},
                    ),
                )
            out, children = alone, seen
    if out.score is not None and node_id in st.spans:
        out = replace(out, score=range_place(out.score, st.spans[node_id]))
    expl, findings = explain_group(children, out, node_id, method, power)
    score = out.score
    interval: tuple[float, float] | None = None
    scored = [(k, c) for k, c in cells if c.status == "scored" and c.score is not None]
    flat = False
    # Decided again from the parts this comparison counts: the scoring's mark on the group
    # holds only while a part resting on a withheld interval still counts in it.
    st.no_interval.discard((i, node_id))
    if score is not None and any((i, k.id) in st.no_interval for k, _ in scored):
        # A part's uncertainty that the cohort's scale cannot express is not certainty: the
        # group has no interval, as one resting on too few polling places has none.
        st.no_interval.add((i, node_id))
    elif (
        score is not None
        and st.replicated
        and any(c.interval is not None or c.sampled for _, c in scored)
    ):
        # Ends aggregated as if the children's errors moved together: conservative.
        # A subtracted child lowers the sum most at its upper end.
        weights = [-k.weight if k.subtracts and method == "sum" else k.weight for k, _ in scored]
        ends = [
            aggregate(
                method,
                [
                    (c.interval or (c.score, c.score))[1 - e if k.subtracts else e]  # type: ignore[misc]
                    for k, c in scored
                ],
                weights,
                power,
            )[0][0]
            for e in (0, 1)
        ]
        if not all(math.isfinite(float(e)) for e in ends):
            # The mean is undefined at an end (a part's interval reaches 0 under a geometric
            # or harmonic mean): the group's spread is unknown, not absent. Taken for a point,
            # it would let every group above it build an interval from its other parts alone.
            st.no_interval.add((i, node_id))
            mean = method_text(method, power)
            findings = [
                *findings,
                _finding(
                    "interval-undefined",
                    f"the {mean} mean of its parts' interval ends is undefined (an end at 0 or "
                    "below), so the score has no interval",
                    node_id,
                    "info",
                    method=mean,
                ),
            ]
        elif float(ends[1]) > float(ends[0]):
            interval = (min(float(ends[0]), score), max(float(ends[1]), score))
        else:
            # Ends that meet are no sampled spread (every sampled part flat under its rule, or
            # with a point interval): no interval, yet the score rests on sampled parts, as the
            # scoring says of such a group (docs/statistics.md, point 4).
            flat = True
            findings = [*findings, flat_finding(node_id, (score, score), score, group=True)]
    st.node_findings[(i, node_id)] = findings
    st.recomputed.add((i, node_id))
    band, label, rating = _band(rubric, node, score, st.bounded, st.spans.get(node_id))
    return template.model_copy(
        update={
            "value": score,
            "score": score,
            "coverage": out.coverage,
            "status": out.status,
            "band": band,
            "band_label": label,
            "rating": rating,
            "interval": interval,
            "sampled": (interval is not None or flat or (i, node_id) in st.no_interval)
            and any(c.sampled for _, c in scored),
            "explanation": expl,
        }
    )


def _formula(st: _State, i: int, node: Group, template: NodeScore) -> NodeScore:
    """A formula group's result from the current results of the nodes it reads."""
    rubric = st.rubric

    def lookup(node_id: str) -> Read:
        c = st.cur[node_id][i]
        return Read(c.status, c.score, c.value, c.coverage)

    out = formula_group(rubric, node, lookup)
    st.node_findings[(i, node.id)] = [] if out.finding is None else [out.finding]
    st.recomputed.add((i, node.id))
    band, label, rating = _band(rubric, node, out.score, st.bounded, st.spans.get(node.id))
    return template.model_copy(
        update={
            "value": out.score,
            "score": out.score,
            "coverage": out.coverage,
            "status": out.status,
            "band": band,
            "band_label": label,
            "rating": rating,
            "interval": None,
            "sampled": False,
            "explanation": out.explanation,
        }
    )


def _headline(st: _State) -> None:
    """The overall as the headline node's current result (none: left as scored)."""
    head = st.rubric.headline
    if head is None or head == "none":
        return
    for i in range(st.size):
        if not st.changed(head, i):
            st.cur["overall"][i] = st.orig["overall"][i]
            continue
        c = st.cur[head][i]
        st.cur["overall"][i] = st.orig["overall"][i].model_copy(
            update={
                "value": c.score,
                "score": c.score,
                "coverage": c.coverage,
                "status": c.status,
                "band": c.band,
                "band_label": c.band_label,
                "rating": c.rating,
                "interval": c.interval,
                "sampled": c.sampled,
                "explanation": headline_explanation(head, c.score),
            }
        )


def _normalise_group(
    st: _State,
    node: Group | None,
    node_id: str,
    method: str,
    output_range: tuple[float, float],
    zscore_scale: tuple[float, float],
    target: float | None,
    cohort_findings: list[Finding],
) -> None:
    cells = st.cur[node_id]
    x = np.array(
        [c.score if c.status == "scored" and c.score is not None else np.nan for c in cells]
    )
    scale = fit_scale(
        x,
        method,
        output_range=output_range,
        zscore_scale=zscore_scale,
        span=np.array([_SCORE_SPAN]),
        target=np.array([_SCORE_SPAN if target is None else target]),
    )
    if not bool(scale.defined[0]) and not math.isfinite(float(scale.constant[0])):
        if np.isfinite(x).any():
            cohort_findings.append(
                _finding(
                    "cohort-normalisation-undefined",
                    f"{method} undefined over the cohort for {node_id}",
                    node_id,
                    variant="node",
                    method=method,
                    indicator=node_id,
                )
            )
        return
    y = apply_scale(scale, x)[:, 0]
    text = scale.describe(0)
    st.bounded = st.bounded and method in BOUNDED
    has = np.isfinite(x)
    # The group's interval is normalised as its score is, as an indicator's is
    # (_prepare_indicator): a group taken for a point would give every group above it an
    # interval built from its other parts alone.
    alike = not bool(scale.defined[0])
    placed_ends = alike and method not in ("zscore", "rank")
    for i in map(int, np.flatnonzero(has)):
        c = cells[i]
        score = _placed(st, node_id, float(y[i]))
        band, label, rating = _band(
            st.rubric, node, score, method in BOUNDED, st.spans.get(node_id)
        )
        interval = None
        said = st.node_findings.get((i, node_id), [])
        if any(f.code == "flat-rule-interval" for f in said):
            # The one score its parts give, as normalised.
            st.node_findings[(i, node_id)] = [
                flat_finding(node_id, (score, score), score, group=True)
                if f.code == "flat-rule-interval"
                else f
                for f in said
            ]
        if c.interval is not None:
            ends = np.array([[c.interval[0]], [c.interval[1]]])
            if not alike:
                ends = apply_scale(scale, ends)
            elif placed_ends:
                ends = own_place(ends, np.array([_SCORE_SPAN]), output_range)
            if not alike or placed_ends:
                lo_e, hi_e = sorted(float(e) for e in ends[:, 0])
                interval = (min(lo_e, score), max(hi_e, score))
            else:
                few = int(has.sum()) < 2
                st.no_interval.add((i, node_id))
                st.node_findings[(i, node_id)] = [
                    *st.node_findings.get((i, node_id), []),
                    _stand_in(method, few, node_id),
                ]
        cells[i] = c.model_copy(
            update={
                "score": score,
                "value": score,
                "band": band,
                "band_label": label,
                "rating": rating,
                "interval": interval,
                # Its interval is normalised or lost to a stand-in: it rests on what it did.
                "sampled": c.sampled,
                "explanation": c.explanation.model_copy(update={"score": score, "rule": text}),
            }
        )


def _aggregate_tree(
    st: _State,
    methods: Mapping[str, tuple[str, float | None]],
    overridden: set[str],
    norm_nodes: Collection[str],
    method: str,
    output_range: tuple[float, float],
    zscore_scale: tuple[float, float],
    targets: Mapping[str, float],
    cohort_findings: list[Finding],
) -> None:
    rubric = st.rubric
    groups: list[tuple[Group | None, str, list[str]]] = []
    # Children before their group; a formula's inputs before it too, when there are formulas.
    for gid in rubric.aggregation_order:
        g = rubric.node(gid)
        if isinstance(g, Group):
            reads = [r.node for r in rubric.references_of.get(gid, ())]
            groups.append((g, gid, [c.id for c in g.children if c.contributes] + reads))
    groups.append((None, "overall", [f.id for f in rubric.families if f.contributes]))
    for node, node_id, kids in groups:
        if node_id == "overall" and rubric.headline is not None:
            _headline(st)
            continue
        if node is not None and node.formula is not None:
            for i in range(st.size):
                if any(st.changed(k, i) for k in kids):
                    st.cur[node_id][i] = _formula(st, i, node, st.orig[node_id][i])
                else:
                    st.cur[node_id][i] = st.orig[node_id][i]
            continue
        meth, power = methods[node_id]
        force = node_id in overridden or node_id in norm_nodes
        for i in range(st.size):
            if force or any(st.changed(k, i) for k in kids):
                st.cur[node_id][i] = _combine(st, i, node, meth, power, st.orig[node_id][i])
            else:
                st.cur[node_id][i] = st.orig[node_id][i]
                st.recomputed.discard((i, node_id))
                st.node_findings.pop((i, node_id), None)
        if node_id in norm_nodes:
            _normalise_group(
                st,
                node,
                node_id,
                method,
                output_range,
                zscore_scale,
                targets.get(node_id),
                cohort_findings,
            )


# --- family 7: comparative indicators ------------------------------------------------------


def _on_scale(st: _State, node_id: str, score: float) -> float:
    """A node's score on its own scale: a score put on the output range, at its place along it
    (:func:`output_spans`); any other as it is."""
    span = st.spans.get(node_id)
    if span is None:
        return score
    scale = st.rubric.scale_of(node_id)
    return along(score, span, (scale.min, scale.max))


def _placed(st: _State, node_id: str, score: float) -> float:
    """A node's score as the comparison stores it: one put on the output range
    (:func:`output_spans`) at its place there, as its band is read (:func:`range_place`: 6.4, not
    the 6.3999999999999995 that 60 on 0-100 gives on 1-10, which a workbook would colour as
    the band below); any other as it is."""
    span = st.spans.get(node_id)
    return score if span is None else range_place(score, span)


def _reaches(st: _State, leaf: Indicator, ns: NodeScore, threshold: float) -> bool:
    """Whether a scored indicator reaches a practice threshold: ``threshold`` per cent of the
    way along its scale from its worst end to its best (on 0-100, a score of ``threshold``)."""
    if ns.status != "scored" or ns.score is None:
        return False
    scale = leaf.scale_or_default
    score = _on_scale(st, leaf.id, ns.score)
    if scale.is_default():
        return score >= threshold
    worst = scale.min if scale.better == "higher" else scale.max
    reach = (score - worst) * scale.sign / (scale.max - scale.min)
    # Tie-tolerant as ranks are: 3 of 0-4 reaches 75 though 3/4 may round below it.
    return round(100.0 * reach, 9) >= threshold


def _no_follow_up(st: _State, missions: Sequence[Mission]) -> None:
    """The indicators fed by the follow-up of a previous mission's recommendations are not
    applicable to a mission that has no previous mission (none declared, no earlier one of its
    country among ``missions``): there is nothing to follow up, which is no missing value."""
    reading = [
        ind.id
        for ind in st.rubric.indicators()
        if FOLLOW_UP_VARIABLE in kind_of(ind).variables(ind)
    ]
    if not reading:
        return
    by_id = {m.id: m for m in missions}
    for i, mid in enumerate(st.mids):
        mission = by_id.get(mid)
        if mission is None or mission.previous or previous_mission(mission, missions):
            continue
        for node_id in reading:
            ns = st.cur[node_id][i]
            if ns.status != "missing":
                continue
            st.cur[node_id][i] = ns.model_copy(update={"status": "not_applicable"})
            # Its missing input is no gap: this finding says why instead.
            st.superseded.add((i, node_id))
            st.extra[i].append(
                _finding(
                    "no-previous-mission",
                    "no earlier observed election of this country: no recommendations to follow up",
                    node_id,
                    "info",
                    variant="follow_up",
                )
            )


def _leaves(rubric: Rubric, node_id: str) -> list[Indicator]:
    node = rubric.node(node_id)
    if not isinstance(node, Group):
        return [node]
    out: list[Indicator] = []
    for child in node.children:
        out.extend(_leaves(rubric, child.id))
    return out


def _cohort_missions(st: _State, observations: Observations | None) -> list[Mission]:
    """The cohort's missions, from the observations where given (their declared previous
    election), else rebuilt from the scorecards."""
    known = {m.id: m for m in observations.missions} if observations is not None else {}
    out = []
    for card in st.cards:
        info = card.mission
        out.append(
            known.get(info.id)
            or Mission(
                id=info.id,
                country=info.country,
                entity=info.entity,
                name=info.name,
                region=info.region,
                election=Election(
                    type=info.election_type, date=info.election_date, round=info.round
                ),
            )
        )
    return out


def _previous_index(st: _State, i: int, pool: Sequence[Mission]) -> int | None:
    mission = next((m for m in pool if m.id == st.mids[i]), None)
    prev = previous_mission(mission, pool) if mission is not None else None
    return st.mids.index(prev.id) if prev is not None and prev.id in st.mids else None


def _previous_outside(st: _State, i: int, everyone: Sequence[Mission]) -> str | None:
    """The id of mission ``i``'s previous observed election where it lies outside the cohort
    (named by ``previous:``, or an earlier mission of its country among ``everyone``, the
    missions loaded); None where it has none."""
    mission = next((m for m in everyone if m.id == st.mids[i]), None)
    if mission is None:
        return None
    found = previous_mission(mission, everyone)
    before = found.id if found is not None else mission.previous
    return before if before is not None and before not in st.mids else None


def _node_input(name: str, ns: NodeScore) -> InputValue:
    status: Literal["value", "missing", "not_applicable"] = (
        "value"
        if ns.status == "scored"
        else "not_applicable"
        if ns.status == "not_applicable"
        else "missing"
    )
    return InputValue(name=name, kind="node", status=status, value=ns.score)


def _absent(ns: NodeScore) -> NodeStatus:
    return "not_applicable" if ns.status == "not_applicable" else "missing"


def _comparative(
    st: _State,
    node: ComparativeIndicator,
    pool: Sequence[Mission],
    cohort_findings: list[Finding],
    everyone: Sequence[Mission],
) -> None:
    """Score one comparative indicator for every mission from the cohort's target scores,
    as observed: under imputation, from the cohort with no value imputed (an imputed value is
    the cohort's mean, not a mission's performance to be compared with)."""
    cells = st.cur[node.id]
    src = st if st.unimputed is None else st.unimputed
    target = src.cur[node.target]
    # On the target's own scale: gaps in points mean the same whatever the output range.
    scored = [
        (j, _on_scale(st, node.target, t.score))
        for j, t in enumerate(target)
        if t.status == "scored" and t.score is not None
    ]
    # Gaps and changes in the target's direction, in points of a 0-100 scale.
    scale = st.rubric.scale_of(node.target)

    def points(delta: float) -> float:
        if scale.is_default():
            return delta
        # + 0.0: no gap is 0, not -0 where lower is better.
        return scale.sign * delta * 100.0 / (scale.max - scale.min) + 0.0

    practices: list[tuple[Indicator, list[bool]]] | None = None
    for i, template in enumerate(cells):
        status: NodeStatus
        score: float | None = None
        value: float | None = None
        coverage = 0.0
        inputs: tuple[InputValue, ...] = (_node_input(node.target, target[i]),)
        own = (
            _on_scale(st, node.target, score_i)
            if target[i].status == "scored" and (score_i := target[i].score) is not None
            else None
        )
        if node.measure == "distance_to_best":
            rule = f"comparative: 100 minus the gap in points to the cohort's best on {node.target}"
            if not scored or own is None:
                status = _absent(target[i])
            elif len(scored) < 2:
                # Alone on its target, a mission is its own best: a distance of 0 would score
                # it 100 on a comparison with nobody.
                status = "insufficient"
                st.extra[i].append(
                    _finding(
                        "comparative-no-target",
                        f"no other mission is scored on {node.target} to be compared with",
                        node.id,
                        "info",
                        variant="alone",
                        target=node.target,
                    )
                )
            else:
                j_best, best = max(scored, key=lambda t: (scale.sign * t[1], -t[0]))
                inputs += (_node_input(f"{node.target}@{st.mids[j_best]}", target[j_best]),)
                value = points(best - own)
                score, status, coverage = float(np.clip(100.0 - value, 0.0, 100.0)), "scored", 1.0
        elif node.measure == "change_since_previous":
            gp = node.change_rule()
            rule = (
                f"comparative: change in points on {node.target} since the previous observed "
                f"election of the same country, scored by {gp.explain()}"
            )
            j = _previous_index(st, i, pool)
            before = _previous_outside(st, i, everyone) if j is None else None
            if before is not None:
                # The previous election was observed, outside this comparison: the change
                # exists but is not measured here, which is a gap, not an inapplicable node.
                status = "missing"
                st.extra[i].append(
                    _finding(
                        "no-previous-mission",
                        f"the previous observed election ({before}) is not in this comparison",
                        node.id,
                        "info",
                        variant="outside",
                        previous=before,
                    )
                )
            elif j is None:
                status = "not_applicable"
                st.extra[i].append(
                    _finding(
                        "no-previous-mission",
                        "no earlier observed election of this country in the cohort",
                        node.id,
                        "info",
                    )
                )
            else:
                inputs += (_node_input(f"{node.target}@{st.mids[j]}", target[j]),)
                then = (
                    _on_scale(st, node.target, then_j)
                    if target[j].status == "scored" and (then_j := target[j].score) is not None
                    else None
                )
                if own is None or then is None:
                    status = "missing"
                else:
                    value = points(own - then)
                    score = float(gp.apply(np.array([value]))[0])
                    status, coverage = "scored", 1.0
        else:
            rule = (
                f"comparative: share of the practices under {node.target} (indicators where "
                f"a mission of another country scores at least {node.threshold:g}) that this "
                "mission reaches"
            )
            if practices is None:
                # The cohort's practices, with which missions reach each: none of them is
                # scored from the cohort, as this indicator is, so none changes as it is scored.
                practices = []
                for leaf in _leaves(st.rubric, node.target):
                    if _from_cohort(leaf):
                        continue
                    reach = [_reaches(src, leaf, c, node.threshold) for c in src.cur[leaf.id]]
                    if any(reach):
                        practices.append((leaf, reach))
            # A practice counts where a mission of another country (the entity an index
            # assesses, else the country: MissionInfo.key) reaches it: one reached by this
            # mission alone, or by its own country's other elections, is no practice seen
            # elsewhere to adopt (and would score it 100 for adopting its own).
            home = st.cards[i].mission.key
            mine = [
                (p, src.cur[p.id][i])
                for p, reach in practices
                if any(r and st.cards[j].mission.key != home for j, r in enumerate(reach))
            ]
            inputs = tuple(_node_input(p.id, c) for p, c in mine)
            seen = [(p, c) for p, c in mine if c.status == "scored" and c.score is not None]
            unseen = [c for p, c in mine if c.status not in ("scored", "not_applicable")]
            if not mine:
                status = "insufficient"
                st.extra[i].append(
                    _finding(
                        "comparative-no-target",
                        f"no mission of another country reaches {node.threshold:g} on an "
                        f"indicator under {node.target}",
                        node.id,
                        "info",
                        variant="adoption",
                        target=node.target,
                        threshold=f"{node.threshold:g}",
                    )
                )
            elif not seen:
                status = "missing" if unseen else "not_applicable"
            else:
                adopted = sum(1 for p, c in seen if _reaches(src, p, c, node.threshold))
                value = adopted / len(seen)
                coverage = len(seen) / (len(seen) + len(unseen))
                # A share over a minority of the practices says little: the same threshold
                # as a group's default minimum coverage.
                if coverage < 0.5:
                    status = "insufficient"
                else:
                    score, status = 100.0 * value, "scored"
        band, label, rating = _band(st.rubric, node, score)
        cells[i] = template.model_copy(
            update={
                "value": value,
                "score": score,
                "coverage": coverage,
                "status": status,
                "band": band,
                "band_label": label,
                "rating": rating,
                "interval": None,
                "sampled": False,
                "explanation": Explanation(inputs=inputs, rule=rule, raw_value=value, score=score),
            }
        )
    if not scored:
        cohort_findings.append(
            _finding(
                "comparative-no-target",
                f"no mission is scored on {node.target}",
                node.id,
                target=node.target,
            )
        )


def kept_on_scale(rubric: Rubric, settings: ComparisonSettings) -> set[str]:
    """The nodes a comparison keeps on the rubric's own scale, bands and all, under a
    normalisation without a fixed range (z-scores, ranks): the subtrees that hold a comparative
    indicator and stay out of the overall (family 7 with ``contributes: false``), from the
    highest node kept out on the way up, down. Empty under any other normalisation."""
    if settings.normalisation in ("none", *BOUNDED):
        return set()
    tops: set[str] = set()
    for placed in rubric.walk():
        if placed.node.kind != "comparative":
            continue
        node_id, top = placed.node.id, None
        while node_id != "overall":
            at = rubric.nodes[node_id]
            if not at.node.contributes:
                top = node_id
            node_id = at.parent
        if top is not None:
            tops.add(top)
    out: set[str] = set()
    for placed in rubric.walk():
        node_id = placed.node.id
        while node_id != "overall" and node_id not in tops:
            node_id = rubric.nodes[node_id].parent
        if node_id in tops:
            out.add(placed.node.id)
    return out


def _take_on_scale(st: _State, plain: _State, nodes: Collection[str]) -> None:
    """Give ``nodes`` the cells, findings and recomputations of the cohort as the rubric scores
    it (``plain``)."""
    for node_id in nodes:
        st.cur[node_id] = list(plain.cur[node_id])
        for i in range(st.size):
            key = (i, node_id)
            if key in plain.node_findings:
                st.node_findings[key] = plain.node_findings[key]
            else:
                st.node_findings.pop(key, None)
            if key in plain.recomputed:
                st.recomputed.add(key)
            else:
                st.recomputed.discard(key)


# --- best practice, trends -----------------------------------------------------------------


# --- compare -------------------------------------------------------------------------------


def compare(
    scores: ScoreSet,
    rubric: Rubric,
    settings: ComparisonSettings | None = None,
    *,
    observations: Observations | None = None,
) -> Comparison:
    """Compare a cohort of scorecards; pure and deterministic (the order of scorecards is moot).

    The cohort step, in COINr's order: impute, normalise (``cohort`` indicators always, by
    their rule's method unless ``settings`` name another), re-aggregate, score the comparative
    indicators (family 7) from the cohort, re-aggregate the groups that hold them; then rank
    every node, name its best practice and weakest missions, and follow each country's overall
    across elections. See :class:`ovm.settings.ComparisonSettings` for the choices.
    ``observations`` gives each mission's declared previous election (family 7 and trends);
    otherwise the latest earlier mission of the same country in the cohort.

    Raises ValueError for settings that cannot apply to this rubric (an unknown node) or
    scores computed with another rubric.
    """
    settings = settings or ComparisonSettings()
    st, new_scores, cohort_findings = _cohort_step(scores, rubric, settings, observations)
    return _compared(st, new_scores, cohort_findings, rubric, settings)


def cohort_scores(
    scores: ScoreSet,
    rubric: Rubric,
    settings: ComparisonSettings | None = None,
    *,
    observations: Observations | None = None,
) -> ScoreSet:
    """The scorecards after the cohort step: :attr:`Comparison.scores` of :func:`compare` with
    the same arguments, made by the same code, without the rankings, best practices, peer
    groups and trends that only a comparison shows. Raises as :func:`compare` does.
    """
    settings = settings or ComparisonSettings()
    return _cohort_step(scores, rubric, settings, observations)[1]


def _cohort_step(
    scores: ScoreSet,
    rubric: Rubric,
    settings: ComparisonSettings,
    observations: Observations | None,
) -> tuple[_State, ScoreSet, list[Finding]]:
    if scores.rubric.sha256 != rubric.digest():
        raise ValueError(
            f"the scores were computed with rubric {scores.rubric.id} "
            f"{scores.rubric.version} ({scores.rubric.sha256[:12]}), not with "
            f"{rubric.id} {rubric.version} ({rubric.digest()[:12]})"
        )
    problems = settings.problems(rubric)
    if problems:
        raise ValueError("; ".join(problems))
    methods, overridden = settings.rubric_methods(rubric)
    normalisation, imputation = settings.normalisation, settings.imputation
    lo, hi = settings.output_range
    zscore_scale = settings.zscore_scale
    targets = dict(settings.targets)
    normalise_nodes = settings.normalise_nodes
    groups: Mapping[str, str] | None = settings.groups
    st = _State(rubric, scores)
    st.methods = methods
    st.spans = output_spans(rubric, settings)
    beside = kept_on_scale(rubric, settings)
    if normalisation not in ("none", *BOUNDED):
        # Family 7 measures gaps and shares in points of the 0-100 scale, and a best practice
        # needs a score in a good band of its indicator: neither means anything on z-scores
        # or ranks, which have no fixed range and no bands. Both are taken from the cohort as
        # the rubric scores it; the nodes that reach the overall follow the normalisation.
        plain = settings.model_copy(update={"normalisation": "none", "normalise_nodes": None})
        st.on_scale, st.on_scale_scores, _ = _cohort_step(scores, rubric, plain, observations)
    if imputation != "none":
        seen = settings.model_copy(update={"imputation": "none"})
        st.unimputed = _cohort_step(scores, rubric, seen, observations)[0]
    pool = _cohort_missions(st, observations)
    _no_follow_up(st, pool if observations is None else observations.missions)
    if imputation == "group_mean" and groups is None:
        groups = {c.mission.id: c.mission.region for c in st.cards if c.mission.region is not None}
    norm_set = set(normalise_nodes) if normalise_nodes is not None else None
    norm_groups: set[str] = set()
    if normalisation != "none" and norm_set is not None:
        norm_groups = {k for k in norm_set if isinstance(rubric.node(k), Group)}
    cohort_findings: list[Finding] = []
    imputed_total = 0
    for ind in rubric.indicators():
        if _from_cohort(ind):
            continue
        rule = cohort_rule(ind)
        requested = (
            normalisation != "none"
            and (norm_set is None or ind.id in norm_set)
            and not rubric.keeps_scale(ind.id)
            and ind.id not in beside
        )
        method = normalisation if requested else (rule.method if rule is not None else None)
        imputed_total += _prepare_indicator(
            st,
            ind,
            method=method,
            imputation=imputation,
            groups=groups,
            # The range is the normalisation's asked for: a cohort rule scoring on its own
            # lands on 0-100 as the scores beside it in its group do.
            output_range=(lo, hi) if requested else (0.0, _SCORE_SPAN),
            zscore_scale=zscore_scale,
            target=targets.get(ind.id),
            cohort_findings=cohort_findings,
        )
    if imputation == "group_mean" and settings.groups is None and not groups:
        # Without a region on any mission there is no group to take a mean over: the user
        # who asked for imputation would get the unimputed comparison with only a count of 0.
        cohort_findings.insert(
            0,
            _finding(
                "imputation-used",
                "no mission has a region, so no missing value is imputed by group mean: "
                "set `region:` in missions.yaml, or use --imputation mean",
                None,
                "warning",
                variant="no_region",
            ),
        )
    elif imputation != "none":
        cohort_findings.insert(
            0,
            _finding(
                "imputation-used",
                f"{imputed_total} missing value{'' if imputed_total == 1 else 's'} imputed by "
                + (
                    "the cohort mean"
                    if imputation == "mean"
                    else "group mean (groups: "
                    + ("given" if settings.groups is not None else "region")
                    + ")"
                ),
                None,
                "warning" if imputed_total else "info",
                n=imputed_total,
                variant=(
                    "mean"
                    if imputation == "mean"
                    else ("given" if settings.groups is not None else "region")
                ),
            ),
        )

    def aggregate_tree() -> None:
        _aggregate_tree(
            st,
            methods,
            overridden,
            norm_groups,
            normalisation,
            (lo, hi),
            zscore_scale,
            targets,
            cohort_findings,
        )

    # Family 7's measures are the comparative kind's own: its nodes are scored here.
    pending = [n for n in rubric.indicators() if isinstance(n, ComparativeIndicator)]
    inside = {p.id: {leaf.id for leaf in _leaves(rubric, p.target)} for p in pending}
    while True:
        aggregate_tree()
        waiting = {p.id for p in pending}
        ready = [p for p in pending if not (inside[p.id] & waiting)]
        if not ready:
            break
        for p in ready:
            _comparative(
                st,
                p,
                pool,
                cohort_findings,
                pool if observations is None else observations.missions,
            )
        pending = [p for p in pending if p not in ready]
    if pending:
        for p in pending:
            cohort_findings.append(
                _finding(
                    "comparative-cycle",
                    f"{p.id} measures {p.target}, which depends on it",
                    p.id,
                    "error",
                    indicator=p.id,
                    target=p.target,
                )
            )
            st.cur[p.id] = [c.model_copy(update={"status": "undefined"}) for c in st.cur[p.id]]
        aggregate_tree()

    if st.on_scale is not None:
        _take_on_scale(st, st.on_scale, beside)
    undefined = Counter(
        node_id
        for node_id, cells in st.cur.items()
        for i, c in enumerate(cells)
        if c.status == "undefined"
        and c.kind in ("group", "family", "overall")
        and any(f.code == "aggregation-undefined" for f in st.node_findings.get((i, node_id), ()))
    )
    for node_id, n in sorted(undefined.items()):
        meth, power = methods[node_id]
        mean = method_text(meth, power)
        cohort_findings.append(
            _finding(
                "aggregation-undefined",
                f"the {mean} mean of {node_id} is "
                f"undefined for {n} mission{'' if n == 1 else 's'}: a score of 0 or below",
                node_id,
                variant="cohort",
                method=mean,
                group=node_id,
                n=n,
            )
        )
    # A zero leaves its own mean undefined, and every group above it with it: those are counted
    # apart, so that an overall undefined for every mission is said as such.
    above = Counter(
        node_id
        for node_id, cells in st.cur.items()
        for i, c in enumerate(cells)
        if c.status == "undefined"
        and c.kind in ("group", "family", "overall")
        and {f.code for f in st.node_findings.get((i, node_id), ())} & _UNDEFINED_CODES
        == {"undefined-child"}
    )
    for node_id, n in sorted(above.items()):
        cohort_findings.append(
            _finding(
                "undefined-child",
                f"{node_id} is undefined for {n} mission{'' if n == 1 else 's'}: "
                "a part of it is undefined",
                node_id,
                variant="cohort",
                group=node_id,
                n=n,
            )
        )

    recomputed_by: dict[int, set[str]] = {}
    for j, node_id in st.recomputed:
        recomputed_by.setdefault(j, set()).add(node_id)
    cards = []
    critical_ids = critical_indicators(rubric)
    for i, card in enumerate(st.cards):
        recomputed = recomputed_by.get(i, set())
        kept = [
            f
            for f in card.findings
            if f.code not in ("needs-cohort", CRITICAL)
            and not (f.node in recomputed and f.code in _AGG_CODES)
            and not (
                f.node in recomputed
                and f.code == "flat-rule-interval"
                and f.params.get("variant") == "group"
            )
            and (i, f.node) not in st.superseded
        ]
        added = [
            f
            for node_id in ["overall", *rubric.nodes]
            for f in st.node_findings.get((i, node_id), [])
        ]
        # Bands are capped again over the cohort's scores (a normalised indicator may now be
        # in its lowest band, or no longer be).
        overall, nodes, critical = apply_critical(
            rubric,
            st.cur["overall"][i],
            [st.cur[n.node][i] for n in card.nodes],
            critical_ids,
            st.spans,
        )
        cards.append(
            card.model_copy(
                update={
                    "overall": overall,
                    "nodes": nodes,
                    "findings": (*kept, *st.extra[i], *added, *critical),
                }
            )
        )
    new_scores = scores.model_copy(update={"scorecards": tuple(cards)})
    return st, new_scores, cohort_findings


def _target_lead_holds(
    st: _State, src: _State, target: str, ranking: Sequence[RankEntry], rubric: Rubric
) -> bool:
    """Whether the leaders' lead on a distance-to-best indicator's target survives the
    uncertainty of the target's scores (:func:`best_practice`), a group's included; a
    leader whose score rests on a withheld interval has no lead that holds."""
    thin = {st.mids[i] for i, n in src.no_interval if n == target}
    bp, _ = best_practice(
        target,
        dict(zip(st.mids, src.cur[target], strict=True)),
        ranking,
        None,
        rubric.scale_of(target).sign,
        thin | set(st.withheld.get(target, ())),
    )
    return bp is not None and bp.lead_holds


def _compared(
    st: _State,
    new_scores: ScoreSet,
    cohort_findings: list[Finding],
    rubric: Rubric,
    settings: ComparisonSettings,
) -> Comparison:
    best: dict[str, BestPractice] = {}
    leaders: dict[str, BestPractice] = {}
    weakest: dict[str, tuple[str, ...]] = {}
    every = ["overall", *rubric.nodes]
    rankings = dict(zip(every, _rank_nodes(st, every, range(len(st.mids))), strict=True))
    src = st.on_scale or st
    judged = (
        rankings
        if src is st
        else dict(zip(every, _rank_nodes(src, every, range(len(st.mids))), strict=True))
    )
    for node_id in every:
        cells = src.cur[node_id]
        if node_id != "overall" and not isinstance(rubric.node(node_id), Group):
            node = rubric.node(node_id)
            bp, low = best_practice(
                node_id,
                dict(zip(st.mids, cells, strict=True)),
                judged[node_id],
                _good_bands(rubric, node, settings.best_practice_bands),
                node.scale_or_default.sign,
                st.withheld.get(node_id, ()),
            )
            if (
                bp is not None
                and bp.lead_holds
                and isinstance(node, ComparativeIndicator)
                and node.measure == "distance_to_best"
                and not _target_lead_holds(st, src, node.target, judged[node.target], rubric)
            ):
                # A distance to the best keeps no interval, so its lead held however close
                # the scores it measures: it holds only where the target's own lead does.
                bp = bp.model_copy(update={"lead_holds": False})
            if bp is not None:
                leaders[node_id], weakest[node_id] = bp, low
                if bp.is_best_practice:
                    best[node_id] = bp

    peers = _peer_groups(st, settings, rubric)

    by_country: dict[str, list[int]] = {}
    for i, card in enumerate(st.cards):
        by_country.setdefault(card.mission.key, []).append(i)
    trends = {}
    for country in sorted(by_country):
        idx = by_country[country]
        if len(idx) < 2:
            continue
        idx.sort(
            key=lambda j: (st.cards[j].mission.election_date, st.cards[j].mission.round, st.mids[j])
        )
        trends[country] = tuple(
            (
                st.mids[j],
                st.cur["overall"][j].score if st.cur["overall"][j].status == "scored" else None,
            )
            for j in idx
        )
    return Comparison(
        scores=new_scores,
        rankings=rankings,
        best=best,
        leaders=leaders,
        weakest=weakest,
        trends=trends,
        findings=tuple(cohort_findings),
        settings=settings,
        missions=st.size,
        peers=peers,
        on_scale=st.on_scale_scores,
        on_scale_rankings=None if judged is rankings else judged,
    )
