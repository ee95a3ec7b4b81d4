"""Rankings and best practice: the rules every ranking in ovm follows, written once.

A ranking is a standard competition ranking (1, 2, 2, 4), best score first: the highest, or the
lowest on a scale where lower is better (a rating of 1 = best). Scores equal to
:data:`TIE_DECIMALS` decimals tie: sums taken in a different order may differ in their last
bits, and such a difference must not decide a rank. Missions without a score come last, with
no rank. The comparison, the sensitivity analysis (one ranking per simulated methodology) and
every writer use these functions or the rankings they produced.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from typing import Literal

import numpy as np
import numpy.typing as npt

from ovm.frozen import FrozenModel
from ovm.scoring.aggregate import Array

# The rule of what is imputed and the status it shows is the scoring layer's (the scores file
# writes it too); named here as well, with the rankings it keeps out of.
from ovm.scoring.imputed import IMPUTED as IMPUTED
from ovm.scoring.imputed import IMPUTED_STATUS as IMPUTED_STATUS
from ovm.scoring.imputed import imputed_nodes as imputed_nodes
from ovm.scoring.imputed import shown_status as shown_status
from ovm.scoring.results import NodeScore, in_order

TIE_DECIMALS = 9
"""Scores equal to this many decimals tie."""


def not_scored(ns: NodeScore) -> tuple[str, ...]:
    """The parts of a scored node that have no score: its children that count toward it
    (a weight above 0, and applicable) but are missing, insufficient or undefined, in the
    rubric's order. A group's ``min_coverage`` may let a mission be scored, and ranked, with
    whole parts unscored (a family of the overall, say): every ranking output names them
    from here. Empty for a node without a score or without children."""
    if ns.score is None:
        return ()
    return tuple(
        c.node
        for c in ns.explanation.children
        if c.weight > 0 and c.status not in ("scored", "not_applicable")
    )


NotBest = Literal["band", "tied", "alone", "no_interval", "lead"]
"""Why leaders are no best practice: their score is not in a good band (``band``), every
scored mission has it (``tied``), no other mission is scored (``alone``), a leader's interval
was withheld, from too few polling places (``no_interval``), or the lead is within the
uncertainty (``lead``). The message ``no_best_practice_<code>`` words each."""


class RankEntry(FrozenModel):
    """One mission's place in a ranking (see the module docstring for the rules).

    Tied missions share the better rank and are listed by id; a mission without a score has
    rank None and comes last.
    """

    mission: str
    score: float | None
    rank: int | None
    tied: bool


def tie_keys(scores: Array) -> Array:
    """The values rankings compare: scores rounded to :data:`TIE_DECIMALS`, NaN for none."""
    return np.round(np.asarray(scores, dtype=float), TIE_DECIMALS)


def competition_ranks(scores: Array) -> npt.NDArray[np.int32]:
    """Competition ranks (1 = best) along the last axis; a NaN score ranks after every score.

    ``scores`` is missions, or runs x missions. The ranks of unscored missions are positions
    after the scored ones; :func:`rank` reports them as None.
    """
    r = tie_keys(scores)
    if r.ndim == 1:
        one: npt.NDArray[np.int32] = competition_ranks(r[None, :])[0]
        return one
    # Best first: sorted ascending after negation, a missing score (NaN) after every score.
    np.negative(r, out=r)
    np.copyto(r, np.inf, where=np.isnan(r))
    # Any sort will do: equal keys get the same rank whatever their order.
    order = np.argsort(r, axis=1)
    ordered = np.take_along_axis(r, order, axis=1)
    place = np.broadcast_to(np.arange(1, r.shape[1] + 1, dtype=np.int32), r.shape)
    tied = ordered[:, 1:] == ordered[:, :-1]
    if tied.any():
        # A key equal to the one before it takes the place where its run of equals began.
        place = np.where(np.concatenate([np.zeros_like(tied[:, :1]), tied], axis=1), 0, place)
        np.maximum.accumulate(place, axis=1, out=place)
    out = np.empty(r.shape, dtype=np.int32)
    np.put_along_axis(out, order, place, axis=1)
    return out


def rank(scores: Mapping[str, float | None], sign: float = 1.0) -> tuple[RankEntry, ...]:
    """Rank missions by score, best first (see :class:`RankEntry`); ``sign`` -1 ranks the
    lowest score first (a scale where lower is better)."""
    ids = sorted(scores)
    return rank_rows(ids, [[scores[m] for m in ids]], [sign])[0]


def rank_rows(
    ids: Sequence[str], rows: Sequence[Sequence[float | None]], signs: Sequence[float]
) -> list[tuple[RankEntry, ...]]:
    """Several rankings of the same missions at once: row ``r`` of ``rows`` holds a score (or
    None) for each of ``ids`` (distinct), ranked with ``signs[r]``; the same rankings as
    :func:`rank` of each row's ``{id: score}``, in one pass over an array of every row (a
    cohort is ranked on every node of the rubric)."""
    if not ids or not rows:
        return [() for _ in rows]
    order = sorted(range(len(ids)), key=ids.__getitem__)
    names = [ids[k] for k in order]
    values: Array = np.array(
        [[np.nan if (s := row[k]) is None else float(s) for k in order] for row in rows],
        dtype=np.float64,
    )
    values = np.where(np.isfinite(values), values, np.nan)
    ranks = competition_ranks(values * np.asarray(signs, dtype=np.float64)[:, None]).tolist()
    keys = tie_keys(values).tolist()
    out: list[tuple[RankEntry, ...]] = []
    for vals, rks, kys in zip(values.tolist(), ranks, keys, strict=True):
        # NaN is the one value unequal to itself: the unscored missions.
        scored = [k for k, v in enumerate(vals) if v == v]
        counts: dict[float, int] = {}
        for k in scored:
            counts[kys[k]] = counts.get(kys[k], 0) + 1
        scored.sort(key=lambda k: (rks[k], names[k]))
        entries = [
            in_order(
                RankEntry,
                {"mission": names[k], "score": vals[k], "rank": rks[k], "tied": counts[kys[k]] > 1},
            )
            for k in scored
        ]
        entries.extend(
            in_order(RankEntry, {"mission": names[k], "score": None, "rank": None, "tied": False})
            for k, v in enumerate(vals)
            if v != v
        )
        out.append(tuple(entries))
    return out


class BestPractice(FrozenModel):
    """The leaders on one indicator, with the evidence behind their scores, and whether they
    are a best practice others can learn from.

    ``missions`` are the missions ranked first (several when tied). ``lead_holds`` is true
    only when their lead survives the uncertainty: the lowest lower end of their intervals is
    strictly above the highest upper end among the other scored missions. A score without an
    interval counts as exact, except a leader's whose interval was withheld (a sampled score
    from too few polling places to estimate one): its uncertainty is unknown, so its lead
    never holds. Another mission's withheld interval counts as its score: one thin mission
    must not veto every lead on the indicator. A cohort where nobody else is scored has no
    lead to hold.
    ``good`` is true when their score lies in one of the good bands of the indicator (the
    comparison's ``best_practice_bands`` top bands). A best practice needs both.
    ``withheld`` is true when a leader's interval was withheld.
    """

    node: str
    missions: tuple[str, ...]
    score: float
    lead_holds: bool
    runner_up: str | None
    evidence: tuple[NodeScore, ...]
    good: bool = True
    withheld: bool = False
    weakest_score: float | None = None
    """The weakest missions' score on the scale the leaders were judged on (None: no
    weakest); under z-scores or ranks, the rubric's scale, not the tables' values."""

    @property
    def is_best_practice(self) -> bool:
        """Whether the lead holds and the score is good: a practice worth replicating."""
        return self.lead_holds and self.good

    @property
    def why_not(self) -> NotBest | None:
        """Why the leaders are no best practice (None when they are one): the first reason
        of :data:`NotBest` that holds, a score outside the good bands before any about the
        lead."""
        if self.is_best_practice:
            return None
        if not self.good:
            return "band"
        if self.runner_up is None:
            return "tied" if len(self.missions) > 1 else "alone"
        if self.withheld:
            return "no_interval"
        return "lead"


def _ends(ns: NodeScore, sign: float = 1.0, withheld: bool = False) -> tuple[float, float]:
    """The ends of a score's interval, worst first once multiplied by ``sign``; a withheld
    interval's ends are unknown, so unbounded."""
    assert ns.score is not None
    if withheld:
        return (-math.inf, math.inf)
    lo, hi = ns.interval if ns.interval is not None else (ns.score, ns.score)
    return (lo, hi) if sign > 0 else (-hi, -lo)


def best_practice(
    node_id: str,
    cells: Mapping[str, NodeScore],
    ranking: Sequence[RankEntry],
    good_bands: frozenset[int] | None = None,
    sign: float = 1.0,
    withheld: Collection[str] = (),
) -> tuple[BestPractice | None, tuple[str, ...]]:
    """The leaders on a node (see :class:`BestPractice`) and its weakest missions.

    ``cells`` maps each mission of the ranking to its score on the node; ``good_bands`` are
    the band indices that count as good (None: any score); ``sign`` -1 where lower scores
    are better, as for the ranking; ``withheld`` names the missions whose interval on the
    node was withheld (too few polling places), none of which can lead with a lead that holds.
    When every scored mission ties there is no weakest, only shared leaders.
    """
    scored = [e for e in ranking if e.rank is not None]
    if not scored:
        return None, ()
    top = [e for e in scored if e.rank == 1]
    rest = [e for e in scored if e.rank != 1]
    low_rank = scored[-1].rank
    weakest = tuple(e.mission for e in scored if e.rank == low_rank) if low_rank != 1 else ()
    thin = any(e.mission in withheld for e in top)
    holds = bool(rest) and (
        min(_ends(cells[e.mission], sign, e.mission in withheld)[0] for e in top)
        > max(_ends(cells[e.mission], sign)[1] for e in rest)
    )
    assert top[0].score is not None
    band = cells[top[0].mission].band
    good = good_bands is None or (band is not None and band in good_bands)
    bp = BestPractice(
        node=node_id,
        missions=tuple(e.mission for e in top),
        score=top[0].score,
        lead_holds=holds,
        runner_up=rest[0].mission if rest else None,
        evidence=tuple(cells[e.mission] for e in top),
        good=good,
        withheld=thin,
        weakest_score=scored[-1].score if weakest else None,
    )
    return bp, weakest
