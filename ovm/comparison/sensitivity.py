"""Uncertainty and sensitivity analysis of rankings: a Monte Carlo over the methodology's choices.

Each uncertain choice is one input of a variance-based (Sobol) sensitivity analysis:

- ``weights``: every node's weight times ``1 + u``, ``u`` uniform in +-``weight_range``
  (COINr's ``get_noisy_weights``), drawn independently for every node;
- ``aggregation``: one of ``aggregations`` at every group and the root (``rubric``: the
  rubric's own methods);
- ``normalisation``: one of ``normalisations`` for every non-comparative indicator (``none``:
  as compare() does by default: cohort indicators by their rule, the others as scored);
- ``drop_indicator``: no indicator left out, or one (each equally likely);
- ``sampling``: one of the engine's bootstrap replicates (the first ``sampling_draws`` of
  them): every indicator whose scorecard has an interval takes its score in that replicate, so
  the sampling uncertainty is the one the scorecards report, and a mission's indicators move
  together as they do when its polling places are resampled. The replicates are drawn again
  from ``observations`` with the score set's seed, replicates and confidence (the engine is
  deterministic); without observations, sampling is not varied.

Design and estimators (those of COINr's ``SA_sample`` / ``SA_estimate``): two independent
samples A and B of ``runs`` rows, and for each choice i the matrix AB_i (A with choice i taken
from B): ``runs * (d + 2)`` evaluations. With ``V`` the variance of the output over A and B,
the first-order index is ``S_i = mean(y_B * (y_ABi - y_A)) / V`` (Saltelli et al. 2010) and the
total-effect index ``ST_i = mean((y_A - y_ABi)^2) / (2 V)`` (Jansen 1999). The output is the
vector of the missions' ranks; its indices are combined across missions weighting each by the
variance of its rank (the generalised indices of Gamboa, Janon, Klein and Lagnoux 2014):
``S_i = sum_m num_im / sum_m V_m``. Rank statistics come from the ``2 * runs`` runs of A and B.
The indices' bootstrap intervals resample the rows of the base sample; ranks being whole
numbers, each resample's indices are ratios of whole-number sums taken exactly and rounded once,
so that they are the same whatever the BLAS, its threads and the machine.

Conventions: ranks are standard competition ranks of the overall score (ties to 9 decimals);
a mission without an overall score in a run takes the place after the last scored one. Under
geometric, harmonic and negative-power means a value below 1 enters as 1 (the floor of the 1-100
range that makes these means defined), where compare() would report the mean as undefined.
Comparative indicators (family 7) keep their nominal scores in every run. Whether a group has
the data to be scored (its ``min_coverage``, a sum's every child) is tested at the rubric's own
weights, less the indicator a run leaves out: the varied weights take part in the means alone,
so that a group scored at exactly its coverage is not lost whenever its scored children's weights
draw lower.
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import math
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
from pydantic import Field

from ovm.comparison.cohort import (
    Comparison,
    apply_scale,
    cohort_rule,
    compare,
    fit_scale,
)
from ovm.comparison.ranking import TIE_DECIMALS, competition_ranks
from ovm.data.observations import Observations
from ovm.frozen import FrozenMap, FrozenModel, ReadOnlyMap
from ovm.indicators import Scale
from ovm.indicators.registry import kind_of
from ovm.rubric import formula
from ovm.rubric.formula import EvaluationError, Expr, Ref, distinct_refs
from ovm.rubric.model import Group, Indicator, Rubric
from ovm.runtime import one_blas_thread
from ovm.scoring.aggregate import Array, parse_aggregation
from ovm.scoring.engine import IndicatorReplicates, indicator_replicates
from ovm.scoring.results import NodeScore, ScoreSet
from ovm.settings import (
    DEFAULT_SEED,
    SENSITIVITY_CHOICES,
    SensitivitySettings,
)

CHOICES = SENSITIVITY_CHOICES
ZSCORE_SCALE = (50.0, 10.0)
"""Mean and deviation of z-scores in the analysis (COINr's ``m_sd``): keeps them mostly > 1."""
FLOOR = 1.0
_CHUNK = 128
"""Runs evaluated at once: their few dozen missions x runs arrays stay in the CPU's cache."""
_DRAWS = 32
"""Sampling draws normalised at once (their varied indicators side by side), and evaluated in
one batch, at most."""
_HELD = 64 * 2**20
"""Bytes the draws held at once may take (fewer draws for a larger cohort)."""


class RankInterval(FrozenModel):
    """A mission's rank across the runs: nominal, median, 5-95% interval (its ends the ranks
    around those quantiles, rounded outward: whole ranks), mean absolute shift.

    Only missions with a nominal overall score are ranked in the runs; a mission without one
    has no median, interval or shift. ``unscored`` is the share of runs in which the mission
    had no overall score (it then ranks after every scored mission of that run).
    """

    mission: str
    nominal: int | None
    median: float | None
    low: float | None
    high: float | None
    mean_shift: float | None
    unscored: float = 0.0


class Index(FrozenModel):
    """A Sobol index with its bootstrap confidence interval (resampling the base sample)."""

    value: float
    low: float
    high: float

    @property
    def width(self) -> float:
        """The width of the confidence interval."""
        return self.high - self.low


def _residue(rows: int) -> float:
    """The share of the outputs' mean square below which a variance over ``rows`` rows is
    rounding residue, not spread: the mean of a constant column that is not a whole number is
    off in its last bits, which left a variance of 1e-32 that divided the estimators into
    values around 1e30. Each deviation from the mean is off by at most ``rows`` roundings, so
    the residue stays below ``(rows * eps)^2`` of the mean square, while an output of 1e9
    spread over 0.1 (a share of 1e-20) is spread."""
    return float((max(rows, 1) * np.finfo(np.float64).eps) ** 2)


def sobol_indices(y_a: Array, y_b: Array, y_ab: Array) -> tuple[float, float]:
    """First-order and total-effect indices of one input from a radial design.

    ``y_a`` and ``y_b`` are the outputs of the two base samples (runs x outputs), ``y_ab`` of
    A with the input taken from B. The first-order index is Saltelli et al.'s (2010)
    ``mean(yB (yABi - yA)) / V`` on outputs centred on their mean, so that an offset of the
    output changes nothing and an input without effect gets exactly 0; the total effect is
    Jansen's (1999) ``mean((yA - yABi)^2) / 2V``; ``V`` is the variance of the output over A
    and B. Several outputs (columns) are combined weighting each by its variance (Gamboa et
    al. 2014). Outputs without spread (a variance at the rounding level of their mean square)
    leave both indices undefined, reported as 0.
    """
    return _BaseSample(y_a, y_b).indices(y_ab)


INDEX_CONFIDENCE = 0.95
"""Confidence level of the bootstrap intervals of the Sobol indices: the default of
:func:`sobol_with_intervals`, the level of :func:`sensitivity`'s intervals and of its note."""


def sobol_with_intervals(
    y_a: Array,
    y_b: Array,
    y_ab: Array,
    *,
    boot: int = 500,
    confidence: float = INDEX_CONFIDENCE,
    seed: int = DEFAULT_SEED,
) -> tuple[Index, Index]:
    """:func:`sobol_indices` with percentile bootstrap intervals over the base sample's rows
    (COINr's ``Nboot``)."""
    base = _BaseSample(y_a, y_b)
    count = _resample_counts(seed, boot, y_a.shape[0])
    return _with_intervals(base.indices(y_ab), base.resampled([count], [y_ab])[0], confidence)


_Counts = npt.NDArray[np.floating[Any]]
"""How many times each resample takes each row of the base sample (resamples x rows)."""


def _resample_counts(seed: int, boot: int, n: int) -> _Counts:
    """How many times each resample (row) takes each row of the base sample."""
    rng = np.random.default_rng(seed)
    # As the floats the products take them in: single precision holds every count up to 2^24.
    counts = np.empty((boot, n), dtype=np.float32 if n <= 2**24 else np.float64)
    # A block of resamples at a time, drawn and counted in one call each: the generator gives
    # the rows of every resample drawn at once (it keeps the half of a 64-bit draw a call
    # leaves unused), without a resamples x rows array of 64-bit indices. Each resample's rows
    # are moved past the previous one's, so that one count covers the block.
    per = max(1, _DRAWN // max(n, 1))
    for b0 in range(0, boot, per):
        b1 = min(b0 + per, boot)
        rows = rng.integers(0, n, size=(b1 - b0, n))
        rows += n * np.arange(b1 - b0)[:, None]
        counts[b0:b1] = np.bincount(rows.ravel(), minlength=(b1 - b0) * n).reshape(b1 - b0, n)
    return counts


_DRAWN = 2**16
"""Rows of the base sample drawn at once by :func:`_resample_counts` (half a megabyte of
indices)."""


def _with_intervals(
    point: tuple[float, float], draws: Array, confidence: float
) -> tuple[Index, Index]:
    """The indices with the percentile interval of their resampled ``draws`` (resamples x 2)."""
    s, st = point
    alpha = (1.0 - confidence) / 2.0
    lo, hi = np.quantile(draws, [alpha, 1.0 - alpha], axis=0)
    return (
        Index(value=s, low=float(min(lo[0], s)), high=float(max(hi[0], s))),
        Index(value=st, low=float(min(lo[1], st)), high=float(max(hi[1], st))),
    )


_COLUMNS = 256
"""Outputs handled at once by :meth:`_BaseSample._resampled_float` (bounds its temporary
arrays)."""
_ROWS = 512
"""Rows of the base sample :meth:`_BaseSample._resampled_whole` sums at once."""


_Outputs = npt.NDArray[np.float64] | npt.NDArray[np.signedinteger[Any]]
"""Outputs of the design: floats, or the ranks as whole numbers."""


def _blocks(n: int) -> Iterator[tuple[int, int]]:
    """The blocks of ``_ROWS`` rows of ``n``, in order."""
    for r0 in range(0, n, _ROWS):
        yield r0, min(r0 + _ROWS, n)


def _in_row_order(*ys: _Outputs) -> bool:
    """Whether NumPy sums the columns of these outputs' elementwise results one row after
    another: C-ordered, of one shape, with at least one row and two columns (one column is a
    contiguous line, which NumPy sums pairwise)."""
    shape = ys[0].shape
    return (
        len(shape) == 2
        and shape[0] >= 1
        and shape[1] >= 2
        and all(y.shape == shape and y.flags.c_contiguous for y in ys)
    )


class _RowSums:
    """Column sums of rows given a block at a time, each row added to the running sums in
    order: the very sums ``np.add.reduce(rows, axis=0)`` takes of C-ordered rows of two or
    more columns, without holding every row at once.

    A block is written into :meth:`space` and added by :meth:`take`; the running sums go in
    as the first row of the next block, so that its rows are added to them one by one.
    """

    def __init__(self, m: int) -> None:
        self._buffer = np.empty((_ROWS + 1, m))
        self.total = np.zeros(m)
        self._started = False

    def space(self, rows: int) -> Array:
        """Where to write the next block of ``rows`` rows."""
        return self._buffer[1 : 1 + rows]

    def take(self, rows: int) -> None:
        """Add the block written into :meth:`space`."""
        if self._started:
            self._buffer[0] = self.total
            np.add.reduce(self._buffer[: 1 + rows], axis=0, out=self.total)
        else:
            np.add.reduce(self._buffer[1 : 1 + rows], axis=0, out=self.total)
            self._started = True


class _BaseSample:
    """What the estimators take from the base samples A and B alone, computed once for every
    input of the design."""

    def __init__(self, y_a: _Outputs, y_b: _Outputs) -> None:
        self.y_a, self.y_b = y_a, y_b
        n, m = y_a.shape
        self.blocked = _in_row_order(y_a, y_b)
        if self.blocked:
            # The mean and the variance as np.mean and np.var take them from the rows of A
            # then B, a block of rows at a time (see _RowSums).
            sums = _RowSums(m)
            for y in (y_a, y_b):
                for r0, r1 in _blocks(n):
                    np.copyto(sums.space(r1 - r0), y[r0:r1])
                    sums.take(r1 - r0)
            centre = sums.total / (2 * n)
            squares = _RowSums(m)
            for y in (y_a, y_b):
                for r0, r1 in _blocks(n):
                    x = np.subtract(y[r0:r1], centre, out=squares.space(r1 - r0))
                    np.square(x, out=x)
                    squares.take(r1 - r0)
            var = squares.total / (2 * n - 1)
        else:
            both = np.concatenate([y_a, y_b])
            var = np.var(both, axis=0, ddof=1)
            centre = both.mean(axis=0)
        self.v = float(var.sum())
        self.centre = centre
        self.offset = np.round(centre)
        # The mean square of the outputs, which a variance of rounding residue is small beside.
        self.square = float((centre * centre).sum()) + self.v
        self.residue = _residue(2 * n) * self.square

    def spread(self, var: Array) -> npt.NDArray[np.bool_]:
        """Where a variance is spread rather than rounding residue."""
        return np.asarray(var > self.residue)

    def indices(self, y_ab: _Outputs) -> tuple[float, float]:
        """:func:`sobol_indices` of the input whose AB outputs are ``y_ab``."""
        if not self.spread(np.asarray(self.v)):
            return 0.0, 0.0
        y_a, y_b = self.y_a, self.y_b
        if self.blocked and _in_row_order(y_a, y_ab):
            # Both means of rows, a block of rows at a time, without a sample-sized temporary.
            n, m = y_a.shape
            cross, squares = _RowSums(m), _RowSums(m)
            d = np.empty((min(n, _ROWS), m))
            for r0, r1 in _blocks(n):
                diff = np.subtract(y_ab[r0:r1], y_a[r0:r1], out=d[: r1 - r0], dtype=np.float64)
                x = np.subtract(y_b[r0:r1], self.centre, out=cross.space(r1 - r0))
                np.multiply(x, diff, out=x)
                np.multiply(diff, diff, out=squares.space(r1 - r0))
                cross.take(r1 - r0)
                squares.take(r1 - r0)
            first = float((cross.total / n).sum()) / self.v
            total = float((squares.total / n / 2.0).sum()) / self.v
            return first, total
        # Ranks come as int32, whose squares overflow beyond a difference of 46,340.
        d = np.subtract(y_ab, y_a, dtype=np.float64)
        first = float(np.mean((y_b - self.centre) * d, axis=0).sum()) / self.v
        total = float((np.mean(d * d, axis=0) / 2.0).sum()) / self.v
        return first, total

    def resampled(self, counts: Sequence[_Counts], y_abs: Sequence[_Outputs]) -> list[Array]:
        """The indices of every resample, for each input (``counts[i]``: one row per resample,
        how many times it takes each row of the base sample; ``y_abs[i]``: the input's AB
        outputs), as (resamples x 2) arrays.

        Every mean in the estimators is a weighted sum over rows, so all resamples come from
        one matrix product per input instead of one gathered copy of the sample each. Outputs
        that are whole numbers (ranks) are resampled exactly (:meth:`_resampled_whole`), the
        others in floating point (:meth:`_resampled_float`).
        """
        whole = self._whole_reach(y_abs)
        if whole is not None:
            return self._resampled_whole(counts, y_abs, whole)
        return self._resampled_float(counts, y_abs)

    def _whole_reach(self, y_abs: Sequence[_Outputs]) -> float | None:
        """For outputs that are all whole numbers, their largest distance from the nearest
        whole number to their mean, when every sum the exact resampling takes stays a whole
        number a float holds exactly; else None."""
        n, m = self.y_a.shape
        ys = (self.y_a, self.y_b, *y_abs)
        if m == 0:
            return 0.0
        if not all(
            y.dtype.kind in "iu" or bool(np.isfinite(y).all() and (y == np.round(y)).all())
            for y in ys
        ):
            return None
        reach = max(
            float(np.maximum(y.max(axis=0) - self.offset, self.offset - y.min(axis=0)).max())
            for y in ys
        )
        # The largest product summed is of two differences, each at most twice the reach.
        return reach if n * 4.0 * max(reach, 1.0) ** 2 < 2.0**53 else None

    def _resampled_whole(
        self,
        counts: Sequence[_Counts],
        y_abs: Sequence[_Outputs],
        reach: float,
    ) -> list[Array]:
        """:meth:`resampled` in exact arithmetic, for outputs that are whole numbers.

        With ``c`` a resample's counts, the estimators need per output the whole numbers
        ``S1 = c.(a + b)`` and ``DS = c.d`` (``d = yAB - yA``), and summed over the outputs
        ``S2 = c.(a^2 + b^2)``, ``BD = c.(b d)`` and ``DD = c.d^2``. Their products are
        whole numbers a float holds exactly, so any order of summation (any BLAS, any number
        of threads, any blocking) gives the same sums. The indices are then ratios of whole
        numbers, ``(R - 1) (R BD - sum S1 DS) / (N (R S2 - sum S1^2))`` and
        ``R (R - 1) DD / (2 N (R S2 - sum S1^2))`` (``N`` rows in each sample, ``R = 2N``),
        taken in Python's integers and rounded once. Outputs are first moved by a whole number
        near their mean, which changes no index and keeps the sums small.
        """
        y_a, y_b = self.y_a, self.y_b
        n, m = y_a.shape
        rows = 2 * n
        if m == 0:
            return [np.zeros((count.shape[0], 2)) for count in counts]
        per = min(m, max(1, int((2.0**53 - 1) // (n * 4.0 * max(reach, 1.0) ** 2))))
        starts = list(range(0, m, per))
        g = len(starts)
        # An input that changed no output has no numerator in any resample.
        moved = [i for i, y_ab in enumerate(y_abs) if bool((y_ab != y_a).any())]
        sums = {i: np.zeros((counts[i].shape[0], 2 * m + 3 * g)) for i in moved}
        # The per-output sums S1 and DS (nearly every product) stay below 2^24 when every row
        # counted ``n`` times in all holds at most ``2 * reach``: single precision holds each
        # of their partial sums exactly, in half the time.
        single = n * 2.0 * max(reach, 1.0) < 2.0**24

        def row_sums(x: Array, y: Array) -> Array:
            # Each row's sums of x y over each group of outputs (whole numbers: any order).
            if g == 1:
                one: Array = np.einsum("ij,ij->i", x, y)[:, None]
                return one
            return np.add.reduceat(x * y, starts, axis=1)

        wide = np.empty((min(n, _ROWS), 2 * m), dtype=np.float32 if single else np.float64)
        d = np.empty((min(n, _ROWS), m))
        # Each row's sums over the outputs: a^2 + b^2 (shared by every input), b d and d^2.
        narrow = np.empty((min(n, _ROWS), 3 * g))
        # Exact sums may be taken in any order: in blocks of rows that stay in the cache.
        with one_blas_thread():
            for r0, r1 in _blocks(n) if moved else ():
                a, b = y_a[r0:r1] - self.offset, y_b[r0:r1] - self.offset
                block, diff, rows_of = wide[: r1 - r0], d[: r1 - r0], narrow[: r1 - r0]
                np.add(a, b, out=block[:, :m])
                rows_of[:, :g] = row_sums(a, a) + row_sums(b, b)
                for i in moved:
                    np.subtract(y_abs[i][r0:r1], y_a[r0:r1], out=diff)
                    np.copyto(block[:, m:], diff)
                    rows_of[:, g : 2 * g] = row_sums(b, diff)
                    rows_of[:, 2 * g :] = row_sums(diff, diff)
                    count = counts[i][:, r0:r1]
                    sums[i][:, : 2 * m] += count.astype(block.dtype, copy=False) @ block
                    sums[i][:, 2 * m :] += count.astype(float) @ rows_of
        # Every sum below is a whole number; they fit 63 bits when the largest, a resample's
        # ``R S2`` or ``sum S1^2`` (each at most ``4 N^2 m reach^2``), does with room for the
        # difference; else Python's integers take them.
        big = 4.0 * n * n * m * max(reach, 1.0) ** 2
        exact: type = np.int64 if 2.0 * big < 2.0**62 else object
        out = []
        for i, count in enumerate(counts):
            if i not in sums:
                out.append(np.zeros((count.shape[0], 2)))
                continue
            whole: npt.NDArray[Any] = sums[i].astype(np.int64).astype(exact)
            s1, ds = whole[:, :m], whole[:, m : 2 * m]
            s2 = whole[:, 2 * m : 2 * m + g].sum(axis=1)
            bd = whole[:, 2 * m + g : 2 * m + 2 * g].sum(axis=1)
            dd = whole[:, 2 * m + 2 * g :].sum(axis=1)
            spread = (rows * s2 - (s1 * s1).sum(axis=1)).tolist()
            cross = (rows * bd - (s1 * ds).sum(axis=1)).tolist()
            dd = dd.tolist()
            out.append(
                np.array(
                    [
                        (
                            ((rows - 1) * f) / (n * v),
                            (rows * (rows - 1) * t) / (2 * n * v),
                        )
                        if v > 0
                        else (0.0, 0.0)
                        for v, f, t in zip(spread, cross, dd, strict=True)
                    ],
                    dtype=float,
                ).reshape(-1, 2)
            )
        return out

    def _resampled_float(self, counts: Sequence[_Counts], y_abs: Sequence[_Outputs]) -> list[Array]:
        """:meth:`resampled` in floating point: the outputs are first centred on their mean
        over A and B, which leaves the indices unchanged and keeps the variance's sum of
        squares free of cancellation; the products of A and B's columns are shared by every
        input."""
        y_a, y_b = self.y_a, self.y_b
        n, m = y_a.shape
        rows = 2 * n
        sums = [(np.zeros(c.shape[0]), np.zeros(c.shape[0]), np.zeros(c.shape[0])) for c in counts]
        # An input that changed no output has no numerator in any resample: exactly 0.
        moved = [bool((y_ab != y_a).any()) for y_ab in y_abs]
        for c0 in range(0, m, _COLUMNS):
            a, b = y_a[:, c0 : c0 + _COLUMNS], y_b[:, c0 : c0 + _COLUMNS]
            w = a.shape[1]
            shift = (a.sum(axis=0) + b.sum(axis=0)) / rows
            a, b = a - shift, b - shift
            stacked = np.empty((n, 5 * w))
            np.add(a, b, out=stacked[:, :w])
            np.add(a * a, b * b, out=stacked[:, w : 2 * w])
            for count, y_ab, (var, first, total), used in zip(
                counts, y_abs, sums, moved, strict=True
            ):
                if not used:
                    continue
                d = stacked[:, 3 * w : 4 * w]
                np.subtract(y_ab[:, c0 : c0 + _COLUMNS], y_a[:, c0 : c0 + _COLUMNS], out=d)
                np.multiply(b, d, out=stacked[:, 2 * w : 3 * w])
                np.multiply(d, d, out=stacked[:, 4 * w :])
                s1, s2, bd, ds, dd = np.split(count.astype(float) @ stacked, 5, axis=1)
                var += ((s2 - s1 * s1 / rows) / (rows - 1)).sum(axis=1)
                first += ((bd - s1 / rows * ds) / n).sum(axis=1)
                total += (dd / n / 2.0).sum(axis=1)
        out = []
        for var, first, total in sums:
            with np.errstate(divide="ignore", invalid="ignore"):
                out.append(
                    np.where(
                        self.spread(var)[:, None],
                        np.stack([first, total], axis=1) / var[:, None],
                        0.0,
                    )
                )
        return out


class SensitivityNote(FrozenModel):
    """A note on how the runs were made, as a catalogue sentence: the entry
    ``sens_note_<code>`` (``sens_note_<code>_<variant>`` when ``params`` names a ``variant``)
    filled from ``params``, so that each output words it in its own language."""

    code: str
    params: ReadOnlyMap[str, str] = Field(default_factory=FrozenMap)

    def text(self, lang: str = "en", name: Callable[[str], str] | None = None) -> str:
        """The note in ``lang`` (``en``: as :attr:`Sensitivity.notes` holds it), the nodes it
        names given by ``name`` (their ids without it)."""
        from ovm.i18n import coded

        said = coded("sens_note", self.code, self.params, lang, name=name)
        if said is None:
            raise KeyError(f"no catalogue entry words the note {self.code!r} {dict(self.params)}")
        return said


class Sensitivity(FrozenModel):
    """Results of :func:`sensitivity`: rank intervals per mission, Sobol indices per choice."""

    runs: int
    seed: int
    weight_range: float
    ranks: tuple[RankInterval, ...]
    first_order: ReadOnlyMap[str, float]
    total_effect: ReadOnlyMap[str, float]
    first_order_ci: ReadOnlyMap[str, Index] = Field(default_factory=FrozenMap)
    total_effect_ci: ReadOnlyMap[str, Index] = Field(default_factory=FrozenMap)
    """The indices with their bootstrap intervals (:data:`INDEX_CONFIDENCE`)."""
    choices: tuple[str, ...]
    settings: SensitivitySettings
    evaluations: int = 0
    alternatives: ReadOnlyMap[str, tuple[str, ...]]
    notes: tuple[str, ...] = ()
    """How the runs were made, in English; ``draws``, ``confidence``, ``floored``,
    ``sampling_note`` and ``scale_notes`` hold their parameters or sentences, so that a report
    can say them in another language (:func:`worded_notes`)."""
    draws: int = 1
    """Draws of the sampling error (1 when sampling is not varied)."""
    confidence: float = 0.95
    """Confidence level of the intervals the sampling draws come from."""
    floored: bool = False
    """Whether the nominal methodology has means the runs only define by flooring values."""
    sampling_note: SensitivityNote | None = None
    """Why sampling was not varied; None when it was (``draws`` and ``confidence`` say how)."""

    @property
    def shown_choices(self) -> tuple[str, ...]:
        """The choices whose indices mean something: ``choices`` less sampling where it could
        not be varied (:attr:`sampling_note` says why), whose indices are 0 by construction."""
        return tuple(
            c for c in self.choices if not (c == "sampling" and self.sampling_note is not None)
        )

    scale_notes: tuple[SensitivityNote, ...] = ()
    """What the runs keep of the rubric's own scales, headline and formulas (none for a rubric
    of 0-100 scores aggregated into an overall)."""


class TooLargeError(ValueError):
    """A sensitivity analysis that would need more memory than the machine has.

    The message is English; ``key`` names the catalogue entry that words it in another
    language, filled from ``params``."""

    def __init__(self, message: str, *, key: str | None = None, **params: object) -> None:
        super().__init__(message)
        self.key = key
        self.params = params


def memory_needed(runs: int, choices: int, missions: int, nodes: int) -> int:
    """Bytes the analysis holds at its peak, an upper bound: every evaluation's ranks (and, as
    the analysis once held them, its overall score), the rank samples and the weight draws."""
    total = runs * (choices + 2)
    return (
        total * missions * (8 + 4)
        + 2 * runs * missions * 8 * 3
        + 2 * runs * nodes * 8
        + total * 8 * 6
    )


def size(
    scores: ScoreSet, rubric: Rubric, settings: SensitivitySettings
) -> tuple[int, int, int, int]:
    """The analysis' size as :func:`memory_needed` takes it: its runs, the choices it varies,
    the missions and the nodes (indicators, groups and the overall) it ranks."""
    groups = sum(1 for nid in rubric.aggregation_order if isinstance(rubric.node(nid), Group))
    return (
        settings.runs,
        sum(1 for c in CHOICES if c in settings.choices),
        len(scores.scorecards),
        len(rubric.indicators()) + groups + 1,
    )


def check_size(scores: ScoreSet, rubric: Rubric, settings: SensitivitySettings) -> None:
    """Raise the :class:`TooLargeError` that :func:`sensitivity` would raise for these
    inputs, without making its model."""
    _refuse_too_large(*size(scores, rubric, settings))


def _refuse_too_large(runs: int, choices: int, missions: int, nodes: int) -> None:
    need, have = memory_needed(runs, choices, missions, nodes), memory_available()
    if need > have * 3 // 4:
        most = max(2, int(runs * (have * 3 // 4) / need))
        raise TooLargeError(
            f"{runs} runs over {missions} missions need about {need / 2**30:.1f} GiB of "
            f"memory and {have / 2**30:.1f} GiB are available; use at most {most} runs",
            key="sensitivity_too_large",
            runs=runs,
            missions=missions,
            need=round(need / 2**30, 1),
            have=round(have / 2**30, 1),
            most=most,
        )


def memory_available() -> int:
    """Bytes the machine can give now (MemAvailable where the system says it, else its RAM)."""
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return int(os.sysconf("SC_PHYS_PAGES")) * int(os.sysconf("SC_PAGE_SIZE"))


# --- the model: the rubric's tree as arrays -------------------------------------------------


@dataclass
class _GroupSpec:
    """A group of the rubric as the runs aggregate it: its method and its children's rows."""

    id: str
    method: str
    power: float | None
    min_coverage: float
    indicators: list[int]
    groups: list[int]
    index: int
    signed: bool = False
    """A sum with a child that subtracts."""
    formula: Expr | None = None
    reads: tuple[_Read, ...] = ()
    """A formula group's references: what it reads of which indicator or group."""
    scale: Scale | None = None
    """The scale of a group that declares one: a sum's value stays on it in every run, and
    the group keeps its aggregation whatever the alternative."""

    @functools.cached_property
    def cols(self) -> slice | list[int]:
        """The indicator columns: a slice when contiguous (views instead of copies)."""
        ind = self.indicators
        if ind and ind == list(range(ind[0], ind[-1] + 1)):
            return slice(ind[0], ind[-1] + 1)
        return ind


@dataclass(frozen=True)
class _Read:
    """One reference of a formula: ``ref`` of indicator column ``column`` or group ``group``."""

    ref: Ref
    node: Group | Indicator
    column: int | None = None
    group: int | None = None


@dataclass
class _Model:
    """The cohort as arrays: missions x indicators, and the groups children-first."""

    mids: list[str]
    ind_ids: list[str]
    base: Array  # scores, or raw values (oriented) of cohort indicators; NaN: none
    applicable: Array  # bool: counts in its group's weight
    cohort: list[str | None]  # the rule's method of cohort indicators
    fixed: Array  # bool per indicator: comparative (kept nominal)
    replicates: Array | None
    """Missions x indicators x draws: the engine's replicate scores, NaN where not varied."""
    groups: list[_GroupSpec]  # children before parents; the root last
    weights: Array  # nominal weight per node: indicators then groups
    signs: Array | None = None
    """-1 for a node its sum subtracts, 1 otherwise, per node (None: none subtracts)."""
    own_scale: Array | None = None
    """Per indicator: on a scale of its own, its scores are not normalised onto 0-100."""
    raw: Array | None = None
    """Missions x indicators: the numeric values ``value(id)`` reads (NaN: not numeric)."""
    headline: _Read | None = None
    """The node the overall is, when the rubric names one."""
    direction: float = 1.0
    """1 when a higher overall is better, -1 when a lower one is (ranks follow it)."""
    rubric: Rubric | None = None

    def __post_init__(self) -> None:
        # The applicable cells of each group's indicators, as the weights' multiplier: one row
        # for the whole cohort when every mission has the same (as when all of them apply).
        self.applicable_f = {
            g.index: _rows(self.applicable[:, g.cols].astype(float))
            for g in self.groups
            if g.indicators
        }

    @property
    def sampled(self) -> bool:
        return self.replicates is not None and bool(np.isfinite(self.replicates).any())


def _value(ns: NodeScore) -> float | None:
    v = ns.value
    if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
        return None
    return float(v)


def _build_model(
    scores: ScoreSet,
    rubric: Rubric,
    comparison: Comparison,
    observations: Observations | None = None,
    draws: int = 0,
    replicates: IndicatorReplicates | None = None,
) -> _Model:
    """Arrays of the cohort from the engine's scores and the nominal comparison, with the
    first ``draws`` bootstrap replicates of the sampled indicators when ``observations`` are
    given (``replicates`` when the run that scored them kept them, else drawn again)."""
    cards = sorted(scores.scorecards, key=lambda c: c.mission.id)
    compared = {c.mission.id: c for c in comparison.scores.scorecards}
    mids = [c.mission.id for c in cards]
    inds = rubric.indicators()
    m, k = len(cards), len(inds)
    base = np.full((m, k), np.nan)
    applicable = np.zeros((m, k), dtype=bool)
    draws = min(draws, scores.bootstrap) if observations is not None else 0
    found = (
        replicates
        if replicates is not None and observations is not None
        else indicator_replicates(
            rubric,
            observations,
            seed=scores.seed,
            bootstrap=scores.bootstrap,
            confidence=scores.confidence,
        )
        if observations is not None and draws > 0
        else None
    )
    reps = np.full((m, k, draws), np.nan) if found is not None else None
    rep_row = {mid: r for r, mid in enumerate(found.missions)} if found is not None else {}
    rep_col = {nid: c for c, nid in enumerate(found.indicators)} if found is not None else {}
    cohort: list[str | None] = []
    fixed = np.zeros(k, dtype=bool)
    engine_nodes = [{ns.node: ns for ns in card.nodes} for card in cards]
    # A rule flat over its value's interval gives the score no interval, but its value is
    # uncertain all the same: its replicates are varied like any interval's.
    flat = [{f.node for f in card.findings if f.code == "flat-rule-interval"} for card in cards]
    compared_nodes = [{ns.node: ns for ns in compared[card.mission.id].nodes} for card in cards]
    nan = math.nan
    # Filled a column at a time from lists, each column's replicates in one gather: an
    # element set at a time, the arrays took most of the model's making for a large cohort.
    # rep_of: each mission's row of the replicates (-1: it has none).
    rep_of = [rep_row.get(mid, -1) for mid in mids]
    for j, ind in enumerate(inds):
        rule = cohort_rule(ind)
        cohort.append(rule.method if rule is not None else None)
        fixed[j] = kind_of(ind).evidence == "nodes"
        d = -1.0 if rule is not None and rule.direction == "lower" else 1.0
        column: list[float] = [nan] * m
        applies: list[bool] = [False] * m
        by_node = compared_nodes if fixed[j] else engine_nodes
        sampled = found is not None and reps is not None and not fixed[j] and ind.id in rep_col
        picked: list[int] = []
        for i in range(m):
            ns = by_node[i][ind.id]
            status = ns.status
            applies[i] = status not in ("not_applicable", "pending") or (
                rule is not None and status == "pending"
            )
            if rule is not None and status == "pending":
                raw = _value(ns)
                column[i] = nan if raw is None else raw * d
            elif status == "scored" and ns.score is not None:
                column[i] = ns.score
                # Varied exactly where the scorecard reports sampling uncertainty.
                if sampled and (ns.interval is not None or ind.id in flat[i]) and rep_of[i] >= 0:
                    picked.append(i)
        base[:, j] = column
        applicable[:, j] = applies
        if picked and found is not None and reps is not None:
            reps[picked, j] = found.values[[rep_of[i] for i in picked], rep_col[ind.id], :draws]
    # Groups after their children and after the nodes their formulas read; without formulas,
    # in the order a seed's weight draws have always been given to them.
    placed = [g for nid in rubric.aggregation_order if isinstance(g := rubric.node(nid), Group)]
    gid = {g.id: n for n, g in enumerate(placed)}
    col = {ind.id: j for j, ind in enumerate(inds)}

    def reads(node_id: str) -> tuple[_Read, ...]:
        return tuple(
            _Read(r, rubric.node(r.node), col.get(r.node), gid.get(r.node))
            for r in distinct_refs(rubric.references_of.get(node_id, ()))
        )

    groups: list[_GroupSpec] = []
    for g in placed:
        groups.append(
            _GroupSpec(
                g.id,
                g.aggregation,
                g.power,
                g.min_coverage,
                [col[c.id] for c in g.children if c.id in col and c.contributes],
                [gid[c.id] for c in g.children if c.id in gid and c.contributes],
                len(groups),
                signed=any(c.subtracts for c in g.children),
                formula=rubric.group_formulas.get(g.id),
                reads=reads(g.id),
                scale=None if g.scale_or_default.is_default() else g.scale_or_default,
            )
        )
    groups.append(
        _GroupSpec(
            "overall",
            rubric.aggregation,
            rubric.power,
            rubric.min_coverage,
            [],
            [gid[f.id] for f in rubric.families if f.contributes],
            len(groups),
        )
    )
    # What value(id) reads, found only when a formula reads it: a value a node at a time is
    # most of the model's making for a large cohort, and most rubrics read none.
    measured: Array | None = None
    if any(r.ref.func == "value" and r.column is not None for g in groups for r in g.reads):
        measured = np.full((m, k), np.nan)
        for i in range(m):
            for j, ind in enumerate(inds):
                v = _value(engine_nodes[i][ind.id])
                measured[i, j] = np.nan if v is None else v
    nodes = [*inds, *placed]
    weights = np.array([n.weight for n in nodes] + [1.0])
    signs = np.array([-1.0 if n.subtracts else 1.0 for n in nodes] + [1.0])
    head = rubric.headline_node
    return _Model(
        mids,
        [i.id for i in inds],
        base,
        applicable,
        cohort,
        fixed,
        reps,
        groups,
        weights,
        signs=signs if (signs < 0).any() else None,
        own_scale=np.array([rubric.keeps_scale(ind.id) for ind in inds], dtype=bool),
        raw=measured,
        headline=(
            None
            if head is None
            else _Read(Ref("score", head.id, 0), head, col.get(head.id), gid.get(head.id))
        ),
        direction=rubric.scale_of("overall").sign,
        rubric=rubric,
    )


# --- one batch of evaluations --------------------------------------------------------------


def _normalised(
    model: _Model, x: Array, method: str, columns: Sequence[int] | None = None
) -> Array:
    """Indicator values of one run under a normalisation alternative (compare()'s conventions).

    ``x`` is missions x indicators, or missions x the indicators ``columns`` lists: each
    column is fitted on its own, so that a subset of the columns is normalised exactly as it
    is with all of them.
    """
    ind = list(range(x.shape[1])) if columns is None else list(columns)
    # Cohort indicators by their rule's method: every one under ``none``, and those another
    # method leaves as they are (Rubric.keeps_scale) under the others, as compare() does.
    own = model.own_scale if model.own_scale is not None else np.zeros(len(model.cohort), bool)
    by_method: dict[str, list[int]] = {}
    for c, j in enumerate(ind):
        meth = model.cohort[j]
        if meth is not None and (method == "none" or own[j]):
            by_method.setdefault(meth, []).append(c)
    cols = [c for c, j in enumerate(ind) if not model.fixed[j] and not own[j]]
    if method != "none":
        span = np.array([np.nan if model.cohort[ind[c]] is not None else 100.0 for c in cols])
        target = np.array([np.nan if model.cohort[ind[c]] is not None else 100.0 for c in cols])
        if not by_method and len(cols) == len(ind):
            # Every column is normalised by ``method``: its values are the whole result, with
            # no copy of ``x`` to write them into (thousands of columns at once).
            return apply_scale(
                fit_scale(x, method, zscore_scale=ZSCORE_SCALE, span=span, target=target), x
            )
    y = x.copy()
    for meth, part in by_method.items():
        taken = x[:, part]
        y[:, part] = apply_scale(fit_scale(taken, meth, zscore_scale=(0.0, 1.0)), taken)
    if method == "none":
        return y
    taken = x[:, cols]
    y[:, cols] = apply_scale(
        fit_scale(taken, method, zscore_scale=ZSCORE_SCALE, span=span, target=target), taken
    )
    return y


@functools.cache
def _mean(method: str, power: float | None) -> _Mean:
    """The mean of a method and power, made once (a batch asks for one per group)."""
    return _Mean(method, power)


class _Mean:
    """A quasi-arithmetic mean finv(sum w f(x) / sum w), written into given arrays.

    ``masked``: f(0) is not 0, so a child without a score must be masked out explicitly.
    Values below the floor enter geometric, harmonic and negative-power means as the floor.
    """

    def __init__(self, method: str, power: float | None) -> None:
        p = 1.0 if power is None else power
        if method == "generalised" and p == 0:
            method = "geometric"
        if method == "generalised" and p == 1:
            method = "arithmetic"
        self.method, self.p = method, p
        self.identity = method in ("arithmetic", "sum", "minimum")
        self.masked = method == "harmonic" or (method == "generalised" and p < 0)

    def f(self, v: Array, out: Array) -> Array:
        """f(v) into ``out``."""
        if self.identity:
            np.copyto(out, v)
        elif self.method == "geometric":
            np.log(np.maximum(v, FLOOR, out=out), out=out)
        elif self.method == "harmonic":
            np.divide(1.0, np.maximum(v, FLOOR, out=out), out=out)
        else:
            np.power(np.maximum(v, FLOOR if self.p < 0 else 0.0, out=out), self.p, out=out)
        return out

    def finv(self, v: Array) -> None:
        """f inverse of ``v``, in place."""
        if self.method == "geometric":
            np.exp(v, out=v)
        elif self.method == "harmonic":
            np.divide(1.0, v, out=v)
        elif not self.identity:
            np.power(v, 1.0 / self.p, out=v)


class _Arena:
    """Scratch arrays reused from batch to batch.

    Each batch needs about a hundred temporaries; freed, they hand their pages back to the
    operating system and the next batch faults them in again, which costs more than the
    arithmetic. Views of fixed buffers avoid that (and stay C-contiguous).
    """

    def __init__(self, rows: int, capacity: int) -> None:
        self.rows, self.capacity = rows, capacity
        self._buffers: dict[str, npt.NDArray[Any]] = {}
        # The views handed out, by what was asked: a batch asks for dozens, and the batches
        # of a run mostly have the same size.
        self._views: dict[tuple[str, int, type, int], npt.NDArray[Any]] = {}
        self._groups: dict[
            tuple[int, int], tuple[Array, npt.NDArray[np.bool_], npt.NDArray[np.bool_]]
        ] = {}
        self.plans: dict[tuple[int, int], _Plan] = {}
        self.patterns: dict[tuple[int, bytes], _Patterns] = {}
        self.exists: dict[tuple[int, bytes], Array] = {}

    def group(
        self, index: int, runs: int
    ) -> tuple[Array, npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
        """Group ``index``'s value, whether it is scored and whether it applies (missions x
        runs): what its parent and the overall read."""
        key = (index, runs)
        views = self._groups.get(key)
        if views is None:
            views = self._groups[key] = (
                self.get(f"vz{index}", runs),
                self.get(f"ok{index}", runs, bool),
                self.get(f"ap{index}", runs, bool),
            )
        return views

    def get(self, name: str, runs: int, dtype: type = float, rows: int = 1) -> npt.NDArray[Any]:
        """A (rows x missions) x runs view of the buffer ``name``."""
        key = (name, runs, dtype, rows)
        view = self._views.get(key)
        if view is not None:
            return view
        if runs > self.capacity:
            self.capacity, self._buffers = runs, {}
            self._views.clear()
            self._groups.clear()
            self.plans.clear()
        size = rows * self.rows * self.capacity
        buf = self._buffers.get(name)
        if buf is None or buf.dtype != np.dtype(dtype) or buf.size < size:
            buf = self._buffers[name] = np.empty(size, dtype=dtype)
            # Views of the buffer this one replaces must not be handed out again.
            self._views = {k: v for k, v in self._views.items() if k[0] != name}
            self._groups.clear()
            self.plans.clear()
        view = self._views[key] = buf[: rows * self.rows * runs].reshape(rows * self.rows, runs)
        return view

    def block(
        self, name: str, lead: tuple[int, ...], runs: int, dtype: type = float
    ) -> npt.NDArray[Any]:
        """A ``lead`` x runs view of the buffer ``name``: :meth:`get` of any leading shape."""
        size = math.prod(lead)
        if size % self.rows:
            # Whole rows of missions only: ask get for the next multiple and take the front.
            flat = self.get(name, runs, dtype, rows=-(-size // self.rows))
            return flat.reshape(-1)[: size * runs].reshape(*lead, runs)
        return self.get(name, runs, dtype, rows=size // self.rows).reshape(*lead, runs)

    def share(self, index: int, runs: int, value: Array, scored: npt.NDArray[np.bool_]) -> None:
        """Have group ``index`` keep its value and where it is scored in the given views (of
        a block it shares with groups evaluated together), for every reader of them."""
        self._views[(f"vz{index}", runs, float, 1)] = value
        self._views[(f"ok{index}", runs, bool, 1)] = scored
        self._groups[(index, runs)] = (value, scored, self.get(f"ap{index}", runs, bool))


def _rows(x: Array) -> Array:
    """``x``, or its first row alone when every row is the same."""
    return x[:1] if x.shape[0] > 1 and bool((x == x[:1]).all()) else x


@dataclass(frozen=True)
class _Left:
    """A group's left operand: its f(values), then the rows of its scored weight and of its
    applicable weight, each a row per mission or one row for all (when every mission has the
    same), padded to an even count: the product's rows are then computed as those of the
    three-rows-per-mission operand are (a product's odd last row may be summed otherwise)."""

    matrix: Array
    den: slice
    tot: slice


class _Values:
    """Indicator values of one normalisation and sampling draw, with what every batch needs."""

    def __init__(self, y: Array) -> None:
        self.y = y
        self.has = np.isfinite(y)
        self._zeroed = np.where(self.has, y, 0.0)
        self._f: dict[tuple[str, float], Array] = {}
        self._stacked: dict[tuple[int, str, float], _Left] = {}
        self._leaves: dict[object, Array] = {}

    def transformed(self, mean: _Mean) -> Array:
        """f(y), 0 where there is no value."""
        if mean.identity:
            return self._zeroed
        key = (mean.method, mean.p)
        if key not in self._f:
            with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
                fy = mean.f(self._zeroed, np.empty_like(self._zeroed))
            self._f[key] = np.where(self.has, fy, 0.0)
        return self._f[key]

    def leaves(self, model: _Model, fused: _Fused) -> Array:
        """The left operands of groups evaluated together (:class:`_Fused`), one after the
        other: each group's f(values), whether they exist, and the one row of whether they
        apply, padded to an even count of rows (groups x (2 missions + 2) x indicators)."""
        key = (fused.bucket, fused.means)
        left = self._leaves.get(key)
        if left is None:
            m = self.y.shape[0]
            n, k = fused.columns.shape
            left = np.empty((n, 2 * m + 2, k))
            left[:, m:] = fused.existing(self)
            left[:, :m] = self.values_part(fused)[:, :m]
            self._leaves[key] = left
        return left

    def values_part(self, fused: _Fused) -> Array:
        """The first rows of :meth:`leaves` alone, each group's f(values), padded to an even
        count of rows (groups x missions, rounded up to even, x indicators): the left operand
        of the numerators when the weights come from :class:`_Patterns`."""
        key = ("values", fused.bucket, fused.means)
        left = self._leaves.get(key)
        if left is None:
            m = self.y.shape[0]
            n, k = fused.columns.shape
            span = fused.span
            if span is not None and not m % 2 and fused.signs is None and len(fused.kinds) == 1:
                # The groups' columns of f(values) as they are: a view whose every group is a
                # matrix with a unit stride along its indicators, which the product reads in
                # place (the same product as of a copy), rather than a copy made for each draw.
                view = self.transformed(fused.kinds[0][0])[:, span[0]].reshape(m, n, k)
                left = self._leaves[key] = (view[:, ::-1] if span[1] else view).transpose(1, 0, 2)
                return left
            left = np.zeros((n, m + m % 2, k))
            for mean, members in fused.kinds:
                if members.size == n:
                    fused.gather(self.transformed(mean), left[:, :m])
                    continue
                fy = self.transformed(mean)
                for g in members.tolist():
                    left[g, :m] = fy[:, fused.columns[g]]
            if fused.signs is not None:
                left[:, :m] *= fused.signs[:, None, :]
            self._leaves[key] = left
        return left

    @functools.cached_property
    def hasf(self) -> Array:
        """Whether each value exists, as floats (the operand of the scored weights)."""
        return self.has.astype(float)

    @functools.cached_property
    def has_key(self) -> bytes:
        """Which values exist, as bytes: values alike in that share their :class:`_Patterns`."""
        return self.has.tobytes()

    def stacked(self, model: _Model, g: _GroupSpec, mean: _Mean) -> _Left:
        """A group's f(values) (signed where its sum subtracts them), whether they exist and
        whether they apply, stacked, so that one product with the runs' weights gives the
        numerator, the scored weight and the applicable weight (:class:`_Left`)."""
        key = (g.index, mean.method, mean.p)
        left = self._stacked.get(key)
        if left is None:
            cols = g.cols
            fy = self.transformed(mean)[:, cols]
            if g.signed and model.signs is not None:
                fy = fy * model.signs[cols][None, :]
            has, applies = _rows(self.hasf[:, cols]), model.applicable_f[g.index]
            m, d = fy.shape[0], has.shape[0]
            parts = [fy, has, applies]
            if (m + d + applies.shape[0]) % 2:
                parts.append(np.zeros((1, fy.shape[1])))
            left = _Left(
                np.concatenate(parts), slice(m, m + d), slice(m + d, m + d + applies.shape[0])
            )
            self._stacked[key] = left
        return left


@dataclass(frozen=True)
class _Patterns:
    """The distinct rows of which indicators have a value, per group of a bucket: most missions
    have all of a group's indicators, and the scored weight of a mission is the product of its
    row with the run's weights, the same for every mission of the same row. One product of the
    distinct rows and a gather of its rows give every mission's scored weight, instead of a
    product row per mission.

    ``rows`` is groups x rows x indicators: each group's applicable row first (whose product is
    the applicable weight), then its distinct rows, then its applicable row again, to an even
    count of rows alike for every group (a product's odd last row may be summed otherwise, see
    :class:`_Left`; the applicable weight reaches any coverage, so that every row of a group
    passes its coverage test when every mission's does);
    ``index`` gives each group's missions, one after the other, their row among the rows of a
    block of ``stride`` rows per group."""

    rows: Array
    index: npt.NDArray[np.intp]
    stride: int

    @staticmethod
    def of(has: npt.NDArray[np.bool_], fused: _Fused, stride: int) -> _Patterns:
        """The patterns of ``has`` (missions x indicators) in the groups of ``fused``."""
        n, k = fused.columns.shape
        m = has.shape[0]
        found = []
        for g in range(n):
            rows = has[:, fused.columns[g]]
            if k <= 62:
                # Each row as the whole number its bits make: a sort of m numbers, not of rows.
                code = (rows.astype(np.int64) << np.arange(k, dtype=np.int64)).sum(axis=1)
                _, first, inverse = np.unique(code, return_index=True, return_inverse=True)
                distinct = rows[first]
            else:
                distinct, inverse = np.unique(rows, axis=0, return_inverse=True)
            found.append((distinct, inverse.reshape(-1)))
        count = 1 + max(d.shape[0] for d, _ in found)
        count += count % 2
        table = np.repeat(fused.applicable[:, None, :], count, axis=1).astype(float)
        index = np.empty(n * m, dtype=np.intp)
        for g, (distinct, inverse) in enumerate(found):
            table[g, 1 : 1 + distinct.shape[0]] = distinct
            index[g * m : (g + 1) * m] = g * stride + 1 + inverse
        return _Patterns(table, index, stride)


@dataclass
class _Child:
    """A child group as its parent reads it in a batch: its index (by which the batch says
    where it is scored and where it applies), its value (missions x runs), its weight in each
    run and its sign; ``logged`` when it may hand its geometric parent the logarithm of its
    geometric mean (see :attr:`_Step.logged`); ``unsigned`` when none of its own children
    subtracts."""

    index: int
    value: Array
    weight: Array
    sign: float
    logged: bool = False
    unsigned: bool = False
    cover: Array | None = None
    """Its weight in each run's coverage test (:attr:`_Plan.cover`)."""


@dataclass
class _Step:
    """One group of a batch, with the arrays it reads and writes made once for every batch
    of its size and methods: the batches of a run repeat the same few dozen steps."""

    group: _GroupSpec
    method: str
    mean: _Mean
    indicators: Array | None
    """The runs' weights of the group's indicators (a view of the batch's weights when they
    are contiguous; None: the group has none, or they are gathered in each batch)."""
    children: list[_Child]
    sums: Array
    value: Array
    scored: npt.NDArray[np.bool_]
    applies: npt.NDArray[np.bool_]
    lowest: Array | None
    halvings: int | None = None
    """``j`` when the group's coverage is ``2^-j`` (one half: 1), for :func:`_covered`."""
    cover: Array | None = None
    """The weights of the group's indicators in each run's coverage test (a view of
    :attr:`_Plan.cover` when they are contiguous; None: gathered in each batch)."""
    shown: bool = False
    """A formula or the headline reads the group: its arrays are written out for every
    mission, and its value is the mean itself."""
    logged: bool = False
    """A geometric mean whose only reader is a geometric parent: its value may stay the mean
    of its children's logarithms, the logarithm the parent would take of it. The parent takes
    ``log(max(exp(s), 1))``, which is ``max(s, 0)``: no exponential and logarithm per mission
    and run, and no rounding of them (see :func:`_evaluate`)."""


@dataclass
class _Fused:
    """Groups of indicators alone, as many indicators each, evaluated together: one product
    per group in one call, and each elementwise step once for all of them. Each group's value
    and whether it is scored are views of the blocks here (:meth:`_Arena.share`)."""

    bucket: int
    steps: list[_Step]
    columns: npt.NDArray[np.intp]
    """Groups x indicators: each group's indicator columns (rows of the batch's weights)."""
    applicable: Array
    """Groups x indicators: whether each indicator applies (alike for every mission)."""
    signs: Array | None
    """Groups x indicators: -1 where a group's sum takes an indicator away (None: nowhere)."""
    kinds: list[tuple[_Mean, npt.NDArray[np.intp]]]
    """Each mean of the groups, with the groups that take it."""
    means: tuple[_Mean, ...]
    """Each group's mean (made once each: :func:`_mean`)."""
    scale: Array
    """Groups x 1 x 1: each group's coverage, ``2^-halvings``."""
    weights: Array
    sums: Array
    value: Array
    scored: npt.NDArray[np.bool_]
    applies: npt.NDArray[np.bool_]
    limit: Array
    weighed: Array
    """Groups x (missions + 2) x runs: the products of :class:`_Patterns`' rows."""
    reached: npt.NDArray[np.bool_]
    """Groups x (missions + 2) x runs: whether each of them reaches the group's coverage."""
    scoredw: Array
    """Groups x missions x runs: each mission's scored weight, gathered from them."""
    patterns: dict[tuple[int, bytes], _Patterns]
    """The patterns of each set of existing values met (shared by the arena's plans)."""
    exists: dict[tuple[int, bytes], Array]
    """The rows of :meth:`existing` of each set of existing values met (shared likewise)."""
    everywhere: npt.NDArray[np.bool_]
    """One read-only row of runs, all True: where a group is scored (applies) for every
    mission of every run (:attr:`_Plan.everywhere`)."""
    viewed: bool = False
    """Whether :attr:`weights` is a view of the batch's weights (the groups' columns follow
    one another), rather than gathered from them in each batch."""
    cover: Array | None = None
    """Groups x indicators x runs: the weights of each run's coverage test (:attr:`_Plan.cover`),
    a view of them when :attr:`viewed`, else gathered in each batch that has them."""

    def existing(self, vals: _Values) -> Array:
        """The last rows of :meth:`_Values.leaves`, the same under every mean and for every
        values with the same existing ones (each draw and normalisation of a cohort, mostly):
        whether each group's values exist, then the one row of whether they apply and a row
        of zeros (groups x (missions + 2) x indicators), made once per arena."""
        key = (self.bucket, vals.has_key)
        found = self.exists.get(key)
        if found is None:
            m = vals.y.shape[0]
            n, k = self.columns.shape
            found = self.exists[key] = np.zeros((n, m + 2, k))
            self.gather(vals.hasf, found[:, :m])
            found[:, m] = self.applicable
        return found

    def patterns_of(self, vals: _Values) -> _Patterns:
        """The :class:`_Patterns` of ``vals`` in these groups, made once per arena."""
        key = (self.bucket, vals.has_key)
        found = self.patterns.get(key)
        if found is None:
            found = self.patterns[key] = _Patterns.of(vals.has, self, self.weighed.shape[1])
        return found

    @functools.cached_property
    def inverted(self) -> list[tuple[int, _Mean]]:
        """The groups whose quotient takes its mean's inverse (not the identity, and not
        handed to a geometric parent as a logarithm), with their means."""
        return [
            (i, step.mean)
            for i, step in enumerate(self.steps)
            if not step.logged and not step.mean.identity
        ]

    @functools.cached_property
    def logged(self) -> bool:
        """Whether some group hands its parent the logarithm of its geometric mean."""
        return any(step.logged for step in self.steps)

    @functools.cached_property
    def shown(self) -> bool:
        """Whether a formula or the headline reads some group."""
        return any(step.shown for step in self.steps)

    @functools.cached_property
    def span(self) -> tuple[slice, bool] | None:
        """The columns of every group, when they follow one another (as a bucket's usually
        do): one slice of the values holds them all, the groups' in order or, as the rubric
        aggregates a family's children after the families listed below it, in reverse
        (True)."""
        n, k = self.columns.shape
        if not self.columns.size:
            return None
        for reverse in (False, True):
            first = self.columns[-1 if reverse else 0]
            start = int(first[0])
            if np.array_equal(
                self.columns[::-1] if reverse else self.columns,
                np.arange(start, start + n * k).reshape(n, k),
            ):
                return slice(start, start + n * k), reverse
        return None

    def gather(self, x: Array, out: Array) -> None:
        """Each group's columns of ``x`` (missions x indicators) into ``out`` (groups x
        missions x indicators): one strided copy of a view when the columns follow one
        another, rather than a gathered copy and then its transposed copy."""
        n, k = self.columns.shape
        span = self.span
        if span is None:
            out[...] = x[:, self.columns].transpose(1, 0, 2)
            return
        view = x[..., span[0]].reshape(*x.shape[:-1], n, k)
        if span[1]:
            view = view[..., ::-1, :]
        # Groups before missions, each group's indicators last.
        lead = tuple(range(x.ndim - 2))
        out[...] = view.transpose(*lead, x.ndim - 1, x.ndim - 2, x.ndim)


@dataclass
class _Plan:
    """The steps of a batch of ``runs`` runs under one aggregation alternative."""

    methods: Sequence[tuple[str, float | None]]
    weights: Array
    """Nodes x runs: the batch's weights, written in at the start of each batch."""
    cover: Array
    """Nodes x runs: the weights that decide where each group has the data to be scored (its
    coverage test), written in at the start of a batch that has them apart from
    :attr:`weights` (:func:`_evaluate`'s ``cover``)."""
    steps: list[_Step | _GroupSpec]
    """A step per group in the model's order; a formula group stands as itself."""
    fused: list[_Fused] = field(default_factory=list)
    """Groups evaluated together before the steps (when the batch's weights are bounded)."""
    rest: list[_Step | _GroupSpec] = field(default_factory=list)
    """The steps of the groups not among :attr:`fused`, in order (when those are)."""
    apart: bool = False
    """Whether a group of indicators, or a formula, is evaluated on its own even then."""
    everywhere: npt.NDArray[np.bool_] = field(default_factory=lambda: np.ones((1, 0), bool))
    """One read-only row of runs, all True: what a group's state holds where it is scored
    (applies) for every mission of every run, so that its readers need not test it again."""


def _buckets(model: _Model) -> list[list[_GroupSpec]]:
    """The groups that may be evaluated together, by their count of indicators: groups of
    indicators alone whose indicators apply alike to every mission, with a coverage of
    ``2^-j`` (a mean under any alternative but ``sum`` and ``minimum``, checked per plan)."""
    by_size: dict[int, list[_GroupSpec]] = {}
    for g in model.groups:
        if (
            g.indicators
            and not g.groups
            and g.formula is None
            and g.scale is None
            and g.min_coverage > 0
            and _halvings(g.min_coverage) is not None
            and model.applicable_f[g.index].shape[0] == 1
        ):
            by_size.setdefault(len(g.indicators), []).append(g)
    return [by_size[size] for size in sorted(by_size)]


def _shown(model: _Model) -> set[int]:
    """The groups a formula or the headline reads."""
    read = {r.group for g in model.groups for r in g.reads if r.group is not None}
    if model.headline is not None and model.headline.group is not None:
        read.add(model.headline.group)
    return read


def _plan(
    model: _Model, arena: _Arena, methods: Sequence[tuple[str, float | None]], e: int
) -> _Plan:
    """The plan of a batch of ``e`` runs under ``methods``, made once per arena."""
    key = (id(methods), e)
    plan = arena.plans.get(key)
    if plan is not None and plan.methods is methods:
        return plan
    k, m = len(model.ind_ids), arena.rows
    wt = np.empty((model.weights.size, e))
    wt0 = np.empty((model.weights.size, e))
    everywhere = np.ones((1, e), dtype=bool)
    everywhere.flags.writeable = False
    shown = _shown(model)
    steps: list[_Step | _GroupSpec] = []
    made: dict[int, _Step] = {}
    # Room for every group's product: three rows a mission and one to make their count even.
    sums = arena.get("sums", e, rows=4)[: 3 * m + 1]
    buckets = _buckets(model)
    for b, members in enumerate(buckets):
        # Each group's value is its numerator's rows, divided in place (see _leaves).
        value = arena.block(f"leafsums{b}", (len(members), 2 * m + 2), e)[:, :m]
        scored = arena.block(f"leafok{b}", (len(members), m), e, bool)
        for i, g in enumerate(members):
            arena.share(g.index, e, value[i], scored[i])
    for g in model.groups:
        if g.formula is not None:
            steps.append(g)
            continue
        if g.id == "overall" and model.headline is not None:
            continue
        meth, power = methods[g.index]
        mean = _mean(meth, power)
        cols = g.cols
        children = []
        for c in g.groups:
            sign = model.signs[k + c] if g.signed and model.signs is not None else 1.0
            child = made.get(c)
            logged = (
                mean.method == "geometric"
                and child is not None
                and child.mean.method == "geometric"
                and not child.shown
            )
            if child is not None and logged:
                child.logged = True
            children.append(
                _Child(
                    c,
                    arena.group(c, e)[0],
                    wt[k + c],
                    float(sign),
                    logged,
                    unsigned=not model.groups[c].signed,
                    cover=wt0[k + c],
                )
            )
        val, ok, ap = arena.group(g.index, e)
        step = made[g.index] = _Step(
            g,
            meth,
            mean,
            wt[cols] if g.indicators and isinstance(cols, slice) else None,
            children,
            # Needed only while the group is scored: one buffer serves every group.
            sums,
            val,
            ok,
            ap,
            arena.get("low", e) if meth == "minimum" else None,
            _halvings(g.min_coverage),
            shown=g.index in shown,
            cover=wt0[cols] if g.indicators and isinstance(cols, slice) else None,
        )
        steps.append(step)
    fused = []
    for b, members in enumerate(buckets):
        together = [made[g.index] for g in members]
        if any(step.method in ("sum", "minimum") for step in together):
            continue
        n, size = len(members), len(members[0].indicators)
        columns = np.array([g.indicators for g in members], dtype=np.intp)
        ones = np.ones(size)
        signs = (
            np.array(
                [
                    model.signs[g.indicators] if g.signed and model.signs is not None else ones
                    for g in members
                ]
            ).reshape(n, size)
            if any(g.signed for g in members) and model.signs is not None
            else None
        )
        kinds: dict[_Mean, list[int]] = {}
        for i, step in enumerate(together):
            kinds.setdefault(step.mean, []).append(i)
        fused.append(
            _Fused(
                b,
                together,
                columns,
                np.array([model.applicable_f[g.index][0] for g in members]),
                signs,
                [(mean, np.array(at, dtype=np.intp)) for mean, at in kinds.items()],
                tuple(step.mean for step in together),
                np.array([2.0 ** -(_halvings(g.min_coverage) or 0) for g in members])[
                    :, None, None
                ],
                arena.block(f"leafw{b}", (n, size), e),
                arena.block(f"leafsums{b}", (n, 2 * m + 2), e),
                arena.block(f"leafsums{b}", (n, 2 * m + 2), e)[:, :m],
                arena.block(f"leafok{b}", (n, m), e, bool),
                arena.block(f"leafap{b}", (n, 1), e, bool),
                arena.block(f"leaflimit{b}", (n, 1), e),
                arena.block(f"leafpat{b}", (n, m + 2), e),
                arena.block(f"leafreach{b}", (n, m + 2), e, bool),
                arena.block(f"leafden{b}", (n, m), e),
                arena.patterns,
                arena.exists,
                everywhere,
                cover=arena.block(f"leafcover{b}", (n, size), e),
            )
        )
        span = fused[-1].span
        if span is not None:
            # The groups' weights are rows of the batch's that follow one another: the
            # products read them in place, with the same strides as the gathered copy's.
            view = wt[span[0]].reshape(n, size, e)
            fused[-1].weights, fused[-1].viewed = (view[::-1] if span[1] else view), True
            view = wt0[span[0]].reshape(n, size, e)
            fused[-1].cover = view[::-1] if span[1] else view
    joined = {step.group.index for f in fused for step in f.steps}
    rest = [s for s in steps if isinstance(s, _GroupSpec) or s.group.index not in joined]
    apart = any(isinstance(s, _GroupSpec) or bool(s.group.indicators) for s in rest)
    plan = arena.plans[key] = _Plan(
        methods, wt, wt0, steps, fused, rest=rest, apart=apart, everywhere=everywhere
    )
    return plan


def _by_mission(rows: npt.NDArray[Any], pattern: _Patterns, out: npt.NDArray[Any]) -> None:
    """Each mission's row of ``rows`` (groups x a block of rows x runs, a row for each pattern
    of existing values of :attr:`_Patterns.rows`) written to ``out`` (groups x missions x
    runs), as :attr:`_Patterns.index` maps each group's missions to their rows."""
    e = rows.shape[-1]
    np.take(rows.reshape(-1, e), pattern.index, axis=0, out=out.reshape(-1, e), mode="clip")


def _leaves(
    model: _Model,
    vals: _Values,
    fused: _Fused,
    wt: Array,
    state: dict[int, tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_]]],
    logs: set[int],
    scratch: tuple[Array, npt.NDArray[np.bool_]],
    segments: Sequence[tuple[int, int, _Values]] | None = None,
    wt0: Array | None = None,
) -> None:
    """Groups evaluated together (:class:`_Fused`), as :func:`_evaluate` evaluates each: the
    same products (one per group, of the same operands), the same quotients and the same
    coverage test, each step applied to all the groups at once. With ``segments``, the runs
    ``c0:c1`` of each take their indicator values from its values. With ``wt0``, the
    coverage test weighs the indicators by it rather than by ``wt`` (:func:`_evaluate`'s
    ``cover``)."""
    m = vals.y.shape[0]
    e = fused.weights.shape[2]
    if not fused.viewed:
        np.take(wt, fused.columns, axis=0, out=fused.weights)
    cover = fused.cover if wt0 is not None else None
    if cover is not None and wt0 is not None and not fused.viewed:
        np.take(wt0, fused.columns, axis=0, out=cover)
    parts = [(0, e, vals)] if segments is None else segments
    pattern: _Patterns | None = fused.patterns_of(parts[0][2])
    # A product of one column is a matrix-vector product, whose rows BLAS sums in an order
    # that changes with the operand's count of rows (a matrix product's rows, of an even
    # count, are summed alike whatever the count): a batch of one run, or a draw with one run
    # in the batch, keeps the operand of a row per mission, and its sums as they have been.
    if pattern is not None and all(
        c1 - c0 > 1 and fused.patterns_of(own) is pattern for c0, c1, own in parts
    ):
        # The numerators a draw at a time; the scored weights of every draw's runs at once,
        # one product row per distinct row of existing values (gathered to each mission).
        for c0, c1, own in parts:
            left = own.values_part(fused)
            np.matmul(left, fused.weights[:, :, c0:c1], out=fused.sums[:, : left.shape[1], c0:c1])
        weighed = fused.weighed[:, : pattern.rows.shape[1]]
        np.matmul(pattern.rows, fused.weights, out=weighed)
        _by_mission(fused.weighed, pattern, fused.scoredw)
        if cover is not None:
            # The mean is taken; the coverage test reads the same rows weighed by ``wt0``.
            np.matmul(pattern.rows, cover, out=weighed)
        num, den, tot = fused.sums[:, :m], fused.scoredw, weighed[:, :1]
        covering = den
    else:
        pattern = None
        for c0, c1, own in parts:
            np.matmul(
                own.leaves(model, fused), fused.weights[:, :, c0:c1], out=fused.sums[:, :, c0:c1]
            )
        num, den = fused.sums[:, :m], fused.sums[:, m : 2 * m]
        tot = fused.sums[:, 2 * m : 2 * m + 1]
        covering = den
        if cover is not None:
            # Whether each value exists and applies, weighed by ``wt0``, for the coverage test.
            weighed = fused.weighed[:, : m + 2]
            for c0, c1, own in parts:
                np.matmul(fused.existing(own), cover[:, :, c0:c1], out=weighed[:, :, c0:c1])
            covering, tot = weighed[:, :m], weighed[:, m : m + 1]
    value, scored = fused.value, fused.scored
    np.divide(num, den, out=value)
    for i, mean in fused.inverted:
        mean.finv(value[i])
    limit = np.multiply(tot, fused.scale, out=fused.limit)
    normal = float(limit.min()) >= _SMALLEST_NORMAL
    every: npt.NDArray[np.bool_]
    if normal and pattern is not None:
        # _covered's test of one total a run, on each distinct row, for the missions it stands
        # for: each mission's own only where some mission is not scored (or a reader shows it).
        reached = fused.reached[:, : pattern.rows.shape[1]]
        np.greater_equal(fused.weighed[:, : pattern.rows.shape[1]], limit, out=reached)
        every = np.asarray(reached.all(axis=(1, 2)))
        if not every.all() or fused.shown:
            _by_mission(fused.reached, pattern, scored)
    elif normal:
        # Every group's threshold a normal float: _covered's test of one total a run.
        np.greater_equal(covering, limit, out=scored)
        every = np.asarray(scored.all(axis=(1, 2)))
    else:
        if pattern is not None and cover is not None:
            # The quotients are taken: each mission's scored weight gathered again, by ``wt0``.
            _by_mission(fused.weighed, pattern, fused.scoredw)
        for i, step in enumerate(fused.steps):
            assert step.halvings is not None
            _covered(covering[i], tot[i], step.halvings, scored[i], *scratch)
        every = np.asarray(scored.all(axis=(1, 2)))
    np.greater(tot, 0.0, out=fused.applies)
    applied = np.asarray(fused.applies.all(axis=(1, 2)))
    if not every.all():
        np.copyto(value, 0.0, where=~scored)
    top = value.max(axis=(1, 2)) if fused.logged else None
    everywhere = fused.everywhere
    for i, step in enumerate(fused.steps):
        index = step.group.index
        if step.logged and top is not None:
            if top[i] <= LOG_SAFE:
                logs.add(index)
            else:
                step.mean.finv(value[i])
                if not every[i]:
                    np.copyto(value[i], 0.0, where=~scored[i])
        applies = fused.applies[i]
        if step.shown:
            np.copyto(step.applies, applies)
            applies = step.applies
        elif applied[i]:
            applies = everywhere
        state[index] = (everywhere if every[i] and not step.shown else scored[i], applies)


def _together(
    model: _Model, configs: Sequence[Sequence[tuple[str, float | None]]], weight_range: float
) -> bool:
    """Whether a batch may hold the runs of several sampling draws (:func:`_evaluate`'s
    ``segments``): every group of indicators is evaluated with the others of its size under
    every aggregation alternative (:class:`_Fused`), which reads the indicator values only
    through its products, one per draw; no formula and no headline reads them; and every
    run's weights are bounded, as the fused groups need."""
    if model.headline is not None or any(g.formula is not None for g in model.groups):
        return False
    fused = {g.index for bucket in _buckets(model) for g in bucket}
    if any(g.indicators and g.index not in fused for g in model.groups):
        return False
    if any(conf[i][0] in ("sum", "minimum") for conf in configs for i in fused):
        return False
    w = model.weights
    return bool(w.size and w.min() >= 0.0 and w.max() * (1.0 + weight_range) < 2.0**899)


LOG_SAFE = 700.0
"""The largest logarithm a geometric mean hands its parent as it is: ``exp`` of it is finite,
as ``log(max(exp(s), 1))`` needs for its value to be ``max(s, 0)``."""


def _evaluate(
    model: _Model,
    values: _Values | Array,
    w: Array,
    methods: Sequence[tuple[str, float | None]],
    arena: _Arena | None = None,
    segments: Sequence[tuple[int, int, _Values]] | None = None,
    *,
    owned: bool = True,
    bounded: bool | None = None,
    cover: Array | None = None,
    states: dict[str, npt.NDArray[np.bool_]] | None = None,
) -> Array:
    """Overall scores (missions x runs) for indicator values and per-run weights ``w``.

    With ``segments``, the runs ``c0:c1`` of each take their indicator values from its values
    (``values`` gives the missions): only where :func:`_together` says the groups read nothing
    of the values but through their products. ``owned=False`` lets the scores be the arena's
    own array, overwritten by its next batch (no copy for a caller done with them by then).
    ``bounded=True``: the caller knows every weight is neither negative nor near the largest
    float (None: found out from ``w``).

    ``w`` is runs x nodes (indicators, then groups in the model's order); a weight of 0 leaves
    a node out. ``methods`` gives each group's (method, power), in the model's order. The
    engine's rules apply: a group is scored when its scored weight reaches ``min_coverage`` of
    its applicable weight; a group with no applicable child does not apply. ``cover`` (runs x
    nodes, 0 where ``w`` is 0) gives the weights of that test when they are not ``w``: the
    analysis decides whether a group has the data to be scored at the rubric's own weights,
    while its mean takes the run's. ``states``, when given, receives where each group is
    scored (missions x runs, by group id).

    What is the same for every mission of a run (a group's scored and applicable weights when
    every mission has the same indicators, whether it is scored, whether it applies) is kept
    as one row of runs and spread over the missions only where it meets a mission's own.
    A geometric mean whose parent is geometric hands it the mean of its logarithms ``s``
    rather than ``exp(s)``, of which the parent would take ``log(max(exp(s), 1)) = max(s, 0)``
    (:attr:`_Step.logged`); for ``s`` of at most :data:`LOG_SAFE`, where ``exp(s)`` is finite.
    """
    vals = values if isinstance(values, _Values) else _Values(values)
    m, e = vals.y.shape[0], w.shape[0]
    arena = arena or _Arena(m, e)
    k = len(model.ind_ids)
    plan = _plan(model, arena, methods, e)
    wt, whole = plan.weights, plan.everywhere
    np.copyto(wt, w.T)
    wt0: Array | None = None
    if cover is not None:
        wt0 = plan.cover
        np.copyto(wt0, cover.T)
    # Weights that are neither negative nor near the largest float: what _covered needs.
    if bounded is None:
        bounded = _bounded(w) and (cover is None or _bounded(cover))
    tmp = arena.get("tmp", e)
    flag = arena.get("flag", e, bool)
    # Where each group is scored and where it applies in this batch: missions x runs, or one
    # row of runs when that is the same for every mission of a run.
    state: dict[int, tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_]]] = {}
    # The groups whose value in this batch is the logarithm of their geometric mean.
    logs: set[int] = set()
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        if segments is not None and not bounded:
            raise ValueError("runs of several sampling draws need bounded weights")
        # Groups evaluated together, first (they read nothing but the indicators).
        for fused in plan.fused if bounded else ():
            _leaves(model, vals, fused, wt, state, logs, (tmp, flag), segments, wt0)
        if segments is not None and plan.apart:
            raise ValueError("runs of several sampling draws need every group fused")
        for step in plan.rest if bounded else plan.steps:
            if isinstance(step, _GroupSpec):
                _formula_group(model, vals, step, arena, e)
                _, ok_f, ap_f = arena.group(step.index, e)
                state[step.index] = (ok_f, ap_f)
                continue
            g, meth, mean, lowest = step.group, step.method, step.mean, step.lowest
            # Whether the numerator is still to be started, at 0 (a group of groups alone).
            fresh = False
            den_run: Array | None = None
            tot_run: Array | None = None
            # The scored and applicable weights by ``cover``, for the coverage test alone.
            den0: Array | None = None
            tot0: Array | None = None
            den0_run: Array | None = None
            tot0_run: Array | None = None
            if g.indicators:
                cols = g.cols
                wi = wt[cols] if step.indicators is None else step.indicators
                left = vals.stacked(model, g, mean)
                sums = step.sums[: left.matrix.shape[0]]
                # A sum takes away the children that subtract: their values enter signed.
                np.matmul(left.matrix, wi, out=sums)
                num, den, tot = sums[:m], sums[left.den], sums[left.tot]
                if wt0 is not None:
                    # The rows of existing and applicable values alone, from an even row (the
                    # operand's count of rows stays even, see _Left).
                    start = m - m % 2
                    part = left.matrix[start:]
                    sums0 = arena.get("sums0", e, rows=4)[: part.shape[0]]
                    np.matmul(part, wt0[cols] if step.cover is None else step.cover, out=sums0)
                    den0 = sums0[left.den.start - start : left.den.stop - start]
                    tot0 = sums0[left.tot.start - start : left.tot.stop - start]
                # A weight the same for every mission of a run, with child groups to add.
                if g.groups and den.shape[0] == 1:
                    den_run, den = den, arena.get("den", e)
                    if den0 is not None:
                        den0_run, den0 = den0, arena.get("den0", e)
                if g.groups and tot.shape[0] == 1:
                    tot_run, tot = tot, arena.get("tot", e)
                    if tot0 is not None:
                        tot0_run, tot0 = tot0, arena.get("tot0", e)
                if lowest is not None:
                    v = np.where(vals.has[:, cols], vals.y[:, cols], np.inf)
                    np.copyto(
                        lowest, np.where((wi > 0)[None, :, :], v[:, :, None], np.inf).min(axis=1)
                    )
            else:
                sums = step.sums
                # The numerator is summed in the group's own value, divided there in place.
                num, den, tot = step.value, sums[m : 2 * m], sums[2 * m : 3 * m]
                fresh = True
                # While every child so far is scored (applies) for every mission, a run's
                # scored (applicable) weight is the same for all its missions: one number a
                # run, summed in the same order, until a child that is not.
                den_run, tot_run = np.zeros((1, e)), np.zeros((1, e))
                if wt0 is not None:
                    den0, tot0 = arena.get("den0", e), arena.get("tot0", e)
                    den0_run, tot0_run = np.zeros((1, e)), np.zeros((1, e))
                if lowest is not None:
                    lowest.fill(np.inf)
            for child in step.children:
                vz, wc, sign = child.value, child.weight, child.sign
                ok_c, ap_c = state[child.index]
                if child.index in logs:
                    # The parent takes max(s, 0) of a mean of logarithms s. Of logarithms of
                    # values floored at 1 (none below 0) with weights above 0 (0 where left
                    # out), none subtracted, s is never below 0 (nor -0, which max makes 0):
                    # the values as they are.
                    fv = vz if child.unsigned and bounded else np.maximum(vz, 0.0, out=tmp)
                else:
                    # f is the identity for most means: the child's values enter as they are.
                    fv = vz if mean.identity else mean.f(vz, tmp)
                if mean.masked:
                    np.multiply(fv, ok_c, out=tmp)
                    fv = tmp
                if fresh:
                    # 0 + x, which is x but for a product of -0: one pass less than filling
                    # the numerator with 0 to add the first child to.
                    np.multiply(fv, wc if sign == 1.0 else wc * sign, out=num)
                    num += 0.0
                    fresh = False
                else:
                    num += np.multiply(fv, wc if sign == 1.0 else wc * sign, out=tmp)
                # The child's weight counts where it is scored, and where it applies.
                den_run = _add_weight(den_run, den, wc, ok_c, ok_c is whole)
                tot_run = _add_weight(tot_run, tot, wc, ap_c, ap_c is whole)
                if den0 is not None and tot0 is not None and child.cover is not None:
                    den0_run = _add_weight(den0_run, den0, child.cover, ok_c, ok_c is whole)
                    tot0_run = _add_weight(tot0_run, tot0, child.cover, ap_c, ap_c is whole)
                if lowest is not None:
                    np.logical_and(ok_c, (wc > 0)[None, :], out=flag)
                    np.copyto(tmp, np.inf)
                    np.copyto(tmp, vz, where=flag)
                    np.minimum(lowest, tmp, out=lowest)
            if fresh:
                num.fill(0.0)
            den_w = den if den_run is None else den_run
            tot_w = tot if tot_run is None else tot_run
            # What the coverage test weighs: ``cover`` where the batch has it, else the run's.
            den_c = den_w if den0 is None else den0 if den0_run is None else den0_run
            tot_c = tot_w if tot0 is None else tot0 if tot0_run is None else tot0_run
            val = step.value
            logged = False
            if lowest is not None:
                np.copyto(val, lowest)
            elif meth == "sum":
                if num is not val:
                    np.copyto(val, num)
                if g.scale is not None:
                    _on_scale(model, g, wt, k, val)
            else:
                np.divide(num, den_w, out=val)
                logged = step.logged
                if not logged:
                    mean.finv(val)
            # Whether the group is scored and applies: one row of runs when its weights are.
            rows = max(den_c.shape[0], tot_c.shape[0])
            scored = step.scored if rows > 1 else np.empty((1, e), dtype=bool)
            if meth != "sum" and g.min_coverage > 0 and bounded and step.halvings is not None:
                _covered(den_c, tot_c, step.halvings, scored, tmp[:rows], flag[:rows])
            elif meth != "sum" and g.min_coverage > 0:
                # A share of the applicable weight above 0 needs a scored weight above 0; where
                # tot is 0, den is 0 too and the share is NaN, which no comparison passes.
                share = np.divide(den_c, tot_c, out=tmp[:rows])
                np.greater_equal(share, g.min_coverage, out=scored)
            else:
                np.greater(den_c, 0.0, out=scored)
            if meth == "sum":
                # A sum is scored only when every applicable child is (the engine's rule).
                scored &= np.greater_equal(den_c, tot_c * (1.0 - 1e-12))
            applies = step.applies if tot_c.shape[0] > 1 else np.empty((1, e), dtype=bool)
            np.greater(tot_c, 0.0, out=applies)
            everywhere = bool(scored.all())
            if not everywhere:
                np.copyto(val, 0.0, where=np.logical_not(scored, out=flag[:rows]))
            if logged:
                # A mean of logarithms too large for exp: the mean itself, as for any reader.
                if float(val.max(initial=0.0)) <= LOG_SAFE:
                    logs.add(g.index)
                else:
                    mean.finv(val)
                    if not everywhere:
                        np.copyto(val, 0.0, where=np.logical_not(scored, out=flag[:rows]))
            if step.shown:
                if scored is not step.scored:
                    np.copyto(step.scored, scored)
                    scored = step.scored
                if applies is not step.applies:
                    np.copyto(step.applies, applies)
                    applies = step.applies
            if everywhere and not step.shown:
                scored = whole
            state[g.index] = (scored, applies)
    if states is not None:
        for index, (scored, _) in state.items():
            states[model.groups[index].id] = np.broadcast_to(scored, (m, e)).copy()
    if model.headline is not None:
        val, ok = _read_values(model, vals, model.headline, arena, e)
        return np.where(ok, val, np.nan)
    root = model.groups[-1].index
    scored_root, value = state[root][0], arena.group(root, e)[0]
    if scored_root is whole:
        return value.copy() if owned else value
    return np.where(scored_root, value, np.nan)


def _bounded(w: Array) -> bool:
    """Whether the weights ``w`` are neither negative nor near the largest float."""
    return w.size == 0 or bool(w.min() >= 0.0 and w.max() < 2.0**900)


def _halvings(coverage: float) -> int | None:
    """``j`` when ``coverage`` is ``2^-j`` for a ``j`` from 0 to 60, else None."""
    fraction, exponent = math.frexp(coverage)
    return 1 - exponent if fraction == 0.5 and 0 <= 1 - exponent <= 60 else None


_SMALLEST_NORMAL = float(np.finfo(np.float64).tiny)
_SMALLEST = float(np.nextafter(0.0, 1.0))


def _covered(
    den: Array,
    tot: Array,
    halvings: int,
    out: npt.NDArray[np.bool_],
    scratch: Array,
    flag: npt.NDArray[np.bool_],
) -> None:
    """``out = den / tot >= 2^-halvings``, to the bit, without the division: for ``den`` and
    ``tot`` neither negative nor NaN and below ``2^960`` (sums of weights that are).

    Why it is the same: ``d = den * 2^j`` is exact (a power of two, far from overflow). Where
    ``d >= tot`` the quotient is at least ``2^-j``, and so is its rounding (``2^-j`` is a
    float and rounding keeps order). Where ``0 < tot`` and ``d < tot``, ``d`` is at most the
    float below ``tot``, at most ``tot (1 - 2^-53)``, so the quotient is at most
    ``2^-j (1 - 2^-53)``: the float just below ``2^-j``, where it rounds, failing the
    comparison. Where ``tot`` is 0 the quotient is infinite (``den > 0``: passes) or NaN
    (``den = 0``: fails), and ``d >= 0`` holds: the test ``den > 0`` decides, and it fails
    wherever ``den`` is 0, as a quotient of 0 or NaN does.

    With one total a run (``tot`` a single row under ``den``'s rows), each run's threshold
    ``t = tot * 2^-j`` is worked out once and the test is ``den >= t``: where ``t`` is a
    normal float it is exact, and ``d >= tot`` is ``den >= t`` (both sides scaled by ``2^j``,
    exactly), which also says ``den > 0``; where ``tot`` is 0 the test is ``den > 0``, which
    is ``den >= t`` for ``t`` the smallest positive float. A total whose threshold falls
    among the subnormal floats (where the scaling may round) takes the test above.
    """
    if den.shape[0] > tot.shape[0] == 1:
        limit = np.multiply(tot, 2.0**-halvings)
        if float(limit.min()) >= _SMALLEST_NORMAL:
            # Every threshold normal, no total 0: as most batches are.
            np.greater_equal(den, limit, out=out)
            return
        if bool(np.all((limit >= _SMALLEST_NORMAL) | (tot == 0.0))):
            limit[tot == 0.0] = _SMALLEST
            np.greater_equal(den, limit, out=out)
            return
    np.multiply(den, 2.0**halvings, out=scratch)
    np.greater_equal(scratch, tot, out=out)
    np.greater(den, 0.0, out=flag)
    np.logical_and(out, flag, out=out)


def _on_scale(model: _Model, g: _GroupSpec, wt: Array, k: int, val: Array) -> None:
    """A sum on a scale of its own as the index would add it up with the run's weights.

    The weights are rescaled to their nominal total, so that varying them (or leaving an
    indicator out) shifts the emphasis between the children without moving the sum off the
    range its bands are written for; the sum is then kept within its scale, and rounded where
    the scale is of whole numbers (inclusive integer bands leave no room between them).
    """
    assert g.scale is not None
    rows = [*g.indicators, *(k + c for c in g.groups)]
    total = wt[rows].sum(axis=0)
    nominal = float(model.weights[rows].sum())
    np.multiply(val, np.divide(nominal, total, out=np.ones_like(total), where=total > 0), out=val)
    np.clip(val, g.scale.min, g.scale.max, out=val)
    if g.scale.integer:
        np.floor(val + 0.5, out=val)


def _read_values(
    model: _Model, vals: _Values, read: _Read, arena: _Arena, e: int
) -> tuple[Array, npt.NDArray[np.bool_]]:
    """What one reference reads in every run (missions x runs), and where it has a value."""
    m = vals.y.shape[0]
    if read.column is not None:
        j = read.column
        x = vals.y[:, j]
        if read.ref.func == "value" and model.raw is not None:
            # An indicator's value is its measured value where it has a numeric one.
            x = np.where(np.isfinite(model.raw[:, j]), model.raw[:, j], x)
        val = np.broadcast_to(x[:, None], (m, e)).copy()
        ok = np.broadcast_to(vals.has[:, j][:, None], (m, e)).copy()
    else:
        assert read.group is not None
        val = arena.get(f"vz{read.group}", e).copy()
        ok = arena.get(f"ok{read.group}", e, bool).copy()
    if read.ref.func in ("band", "rating"):
        assert model.rubric is not None
        val, found = _bands_of(model.rubric, read.node, val, read.ref.func)
        ok &= found
    return val, ok


def _bands_of(
    rubric: Rubric, node: Group | Indicator, score: Array, func: str
) -> tuple[Array, npt.NDArray[np.bool_]]:
    """The index (``band``) or rating (``rating``) of the band each score falls in, as
    :meth:`Rubric.band_at` finds it, and where there is one."""
    top = node.scale_or_default.max
    out = np.full(score.shape, np.nan)
    for i, band in enumerate(rubric.bands_for(node)):
        got = float(i) if func == "band" else (np.nan if band.rating is None else band.rating)
        out = np.where(band.contains(score, top) & np.isnan(out), got, out)
    return out, np.isfinite(out)


def _add_weight(
    run: Array | None,
    sums: Array,
    wc: Array,
    counts: npt.NDArray[np.bool_],
    whole: bool = False,
) -> Array | None:
    """Add a child's weights ``wc`` (one a run) to a group's per-mission ``sums`` where
    ``counts`` (missions x runs, or one row of runs when the same for every mission). While
    ``run`` holds one number a run (every child so far counted alike for every mission of a
    run), it is added there instead; the first child that does not count alike spreads it
    over ``sums``. Returns what stands for the sums a run from now on (None: ``sums``).
    ``whole``: ``counts`` is known to be True everywhere (not tested again)."""
    if run is not None and (whole or counts.shape[0] == 1 or counts.all()):
        if whole or counts.shape[0] > 1 or counts.all():
            run += wc
        else:
            np.add(run, wc, out=run, where=counts)
        return run
    if run is not None:
        sums[...] = run
    np.add(sums, wc, out=sums, where=counts)
    return None


def _formula_group(model: _Model, vals: _Values, g: _GroupSpec, arena: _Arena, e: int) -> None:
    """A formula group in every run, from what it reads; scored where every input has a value
    and the formula a finite result (as the engine scores it)."""
    assert g.formula is not None
    env: dict[str, formula.Value] = {}
    ok = np.ones((vals.y.shape[0], e), dtype=bool)
    for read in g.reads:
        val, has = _read_values(model, vals, read, arena, e)
        env[read.ref.key] = np.where(has, val, 1.0)
        ok &= has
    try:
        result = np.asarray(formula.evaluate(g.formula, env), dtype=float)
    except EvaluationError:
        # A zero divisor somewhere: each mission and run on its own, undefined where it is 0.
        result = np.full(ok.shape, np.nan)
        for idx in np.ndindex(*ok.shape):
            with contextlib.suppress(EvaluationError):
                result[idx] = float(
                    formula.evaluate(
                        g.formula, {n: float(np.asarray(v)[idx]) for n, v in env.items()}
                    )
                )
    val = arena.get(f"vz{g.index}", e)
    has, ap = arena.get(f"ok{g.index}", e, bool), arena.get(f"ap{g.index}", e, bool)
    np.copyto(val, np.broadcast_to(result, val.shape))
    np.logical_and(ok, np.isfinite(val), out=has)
    # A formula group always applies: without its inputs it is missing, not inapplicable.
    ap.fill(True)
    np.copyto(val, 0.0, where=~has)


def _run_ranks(scores: Array, sign: float) -> npt.NDArray[np.int32]:
    """:func:`~ovm.comparison.ranking.competition_ranks` of ``sign * scores.T`` (``scores``:
    missions x runs), as :func:`_rank_into` writes them."""
    out = np.empty(scores.shape[::-1], dtype=np.int32)
    _rank_into(scores, sign, out, np.arange(scores.shape[1]))
    return out


def _rank_into(
    scores: Array,
    sign: float,
    out: npt.NDArray[np.signedinteger[Any]],
    rows: npt.NDArray[np.intp],
) -> bool:
    """Write :func:`~ovm.comparison.ranking.competition_ranks` of ``sign * scores.T``
    (``scores``: missions x runs) into the rows ``rows`` of ``out`` (C-ordered, a column per
    mission): the same numbers from one sort of whole numbers instead of an argsort. Returns
    whether some score is NaN (a mission unscored in some run).

    A score's tie key is ``rint(score * 10^9)`` (what ``tie_keys`` rounds before dividing by
    ``10^9``; for scores below 2^21 in size, distinct keys stay distinct after that division),
    a whole number packed with its mission's column into one 64-bit integer: sorting the
    integers orders each run's missions best first and says where each went, so that each
    place is written straight to its mission. Missions without a score take distinct keys
    after every score and then share the place after the last scored one. Larger scores,
    infinite ones, no missions or more than 2,048 are ranked by ``competition_ranks``.
    """
    m, runs = scores.shape
    bits = max(1, (m - 1).bit_length())
    scale = -sign * 10.0**TIE_DECIMALS
    # The largest key in size is that of the highest or of the lowest score (the key grows or
    # falls with the score): two reductions instead of the keys' absolute values. The highest
    # is NaN when some score is: without one, no mission is looked for among the unscored.
    with np.errstate(invalid="ignore"):
        high = float(np.maximum.reduce(scores, axis=None, initial=-np.inf))
        unscored = math.isnan(high)
        if unscored:
            high = float(np.fmax.reduce(scores, axis=None, initial=-np.inf))
            low = float(np.fmin.reduce(scores, axis=None, initial=np.inf))
        else:
            low = float(np.minimum.reduce(scores, axis=None, initial=np.inf))
    largest = (
        0.0 if high < low else float(np.fmax(abs(np.rint(high * scale)), abs(np.rint(low * scale))))
    )
    # Keys below 2^51 in size, missions' columns in 11 bits: the packed key fits in 63 bits.
    last = 2.0**51
    if m == 0 or bits > 11 or not largest < 2.0**21 * 10.0**TIE_DECIMALS:
        out[rows] = competition_ranks(sign * scores.T)
        return unscored
    column = _columns(m)
    # Best first: ascending on the negated scores.
    y = np.multiply(scores, scale)
    np.rint(y, out=y)
    if unscored:
        nan = np.isnan(y)
        # Unscored: after every whole-number key, each its own (no tie to look for among them).
        np.copyto(y, last + column[:, None], where=nan)
    # Runs x missions, as they are sorted.
    key = np.empty((runs, m), dtype=np.int64)
    np.copyto(key, y.T, casting="unsafe")
    key <<= bits
    key |= column
    key.sort(axis=1)
    where = key & ((1 << bits) - 1)
    key >>= bits
    # Each sorted key's mission, as a position in ``out``.
    where += (rows * m)[:, None]
    flat = out.ravel()
    place = _places(runs, m, out.dtype)
    flat[where.ravel()] = place.ravel()
    # Each key against the one before it in its run, in one pass over the flat keys (the
    # first of a run, compared with the last of the run before, is not read).
    flat_keys = key.ravel()
    follows = np.empty(runs * m, dtype=bool)
    np.equal(flat_keys[1:], flat_keys[:-1], out=follows[1:])
    tied = follows.reshape(runs, m)[:, 1:]
    fix = tied.any(axis=1) if tied.any() else None
    if unscored:
        count = nan.sum(axis=0)
        fix = count > 0 if fix is None else fix | (count > 0)
    if fix is not None:
        again = np.flatnonzero(fix)
        # A key equal to the one before it takes the place where its run of equals began.
        start = np.where(tied[again], 0, place[0, 1:])
        fixed = np.empty((again.size, m), dtype=out.dtype)
        fixed[:, 0] = 1
        np.maximum.accumulate(np.maximum(start, 1), axis=1, out=fixed[:, 1:])
        if unscored:
            # The unscored, sorted last, share the place after the last scored one.
            n = count[again][:, None]
            np.copyto(fixed, (m + 1 - n).astype(out.dtype), where=np.arange(m) >= m - n)
        flat[where[again]] = fixed
    return unscored


@functools.lru_cache(maxsize=8)
def _columns(m: int) -> npt.NDArray[np.int64]:
    """The missions' columns 0..m-1, as the low bits of the packed keys."""
    column = np.arange(m, dtype=np.int64)
    column.flags.writeable = False
    return column


_PLACES: dict[tuple[int, str], npt.NDArray[np.signedinteger[Any]]] = {}
"""Places 1..m in rows, by missions and dtype, as many rows as the largest batch asked."""


def _places(runs: int, m: int, dtype: np.dtype[Any]) -> npt.NDArray[np.signedinteger[Any]]:
    """The places 1..m of each of ``runs`` runs (C-ordered), in the dtype of the ranks they
    are written into: one contiguous array, the fastest to scatter from; batches of every
    size share the rows of one."""
    key = (m, dtype.str)
    place = _PLACES.get(key)
    if place is None or place.shape[0] < runs:
        place = np.tile(np.arange(1, m + 1, dtype=dtype), (max(runs, _CHUNK), 1))
        place.flags.writeable = False
        if len(_PLACES) >= 8:
            _PLACES.clear()
        _PLACES[key] = place
    return place[:runs]


def _rank_summary(
    sample: npt.NDArray[np.signedinteger[Any]], nominal: npt.NDArray[np.int32]
) -> tuple[Array, Array, Array, Array]:
    """Each mission's median rank over the runs, its 5 and 95 % quantiles rounded outward to
    the ranks around them and its mean absolute shift from the nominal rank (``sample``: runs x
    missions).

    Ranks are small whole numbers: each mission's ranks are counted (one histogram of at most
    ``missions + 1`` places), and the quantiles read off the counts are those of
    :func:`numpy.quantile` bit for bit (the two sorted values around position ``q (n - 1)``:
    the median interpolated as NumPy does, the 5 % end the lower and the 95 % end the higher
    of them); the shift is a whole-number sum divided once, as a mean is.
    """
    n, m = sample.shape
    places = int(sample.max(initial=0)) + 1
    if n == 0 or m == 0 or int(sample.min(initial=0)) < 0 or places > 4 * m + 64:
        by_mission = np.ascontiguousarray(sample.T)
        low = np.quantile(by_mission, _QUANTILES[0], axis=1, method="lower")
        median = np.quantile(by_mission, _QUANTILES[1], axis=1)
        high = np.quantile(by_mission, _QUANTILES[2], axis=1, method="higher")
        shift = np.abs(sample - nominal[None, :]).sum(axis=0, dtype=np.int64) / n
        return median, low.astype(float), high.astype(float), shift
    counts = np.zeros(m * places, dtype=np.int64)
    offsets = np.arange(0, m * places, places, dtype=np.int64)
    # In blocks of runs, each at least as large as the histogram: each block's shifted ranks
    # stay in the cache.
    rows = max(_ROWS, places)
    for r0 in range(0, n, rows):
        counts += np.bincount((sample[r0 : r0 + rows] + offsets).ravel(), minlength=m * places)
    counts = counts.reshape(m, places)
    below = counts.cumsum(axis=1)
    # NumPy's linear method: position q (n - 1), the values at its floor and the next place.
    position = (n - 1) * np.asarray(_QUANTILES)
    floor = np.floor(position)
    gamma = (position - floor)[:, None]
    first = np.minimum(floor.astype(np.intp), n - 1)
    second = np.minimum(first + 1, n - 1)

    def order_statistic(k: int) -> npt.NDArray[np.int64]:
        # The k-th smallest rank (from 0): the first place whose running count passes k.
        place: npt.NDArray[np.int64] = np.argmax(below > k, axis=1).astype(np.int64)
        return place

    a = np.stack([order_statistic(int(k)) for k in first])
    b = np.stack([order_statistic(int(k)) for k in second])
    diff = b - a
    quantiles = a + diff * gamma
    np.subtract(b, diff * (1 - gamma), out=quantiles, where=gamma >= 0.5)
    median = quantiles[1]
    # The interval's ends are ranks a mission took, rounded outward: a rank between the two
    # sorted values around the 5 % (95 %) position was taken in more than 5 % of the runs,
    # and an end between two ranks, printed as a whole rank, would hide it.
    low = a[0].astype(float)
    high = np.where(gamma[2] > 0, b[2], a[2]).astype(float)
    distance = np.abs(np.arange(places, dtype=np.int64)[None, :] - nominal[:, None])
    shift = (counts * distance).sum(axis=1) / n
    return median, low, high, shift


_QUANTILES = (0.05, 0.5, 0.95)
"""The quantiles of each mission's ranks: the 5-95 % interval and the median."""


# --- the analysis --------------------------------------------------------------------------


def _aggregation_alternatives(
    model: _Model,
    names: Sequence[str],
) -> tuple[list[str], list[list[tuple[str, float | None]]]]:
    nominal = [(g.method, g.power) for g in model.groups]
    labels: list[str] = []
    configs: list[list[tuple[str, float | None]]] = []
    for name in names:
        if name == "rubric":
            conf = nominal
        else:
            # A group on a scale of its own and a formula keep their own method: a mean of
            # items scored 0-4 is not on the scale their sum's bands are written for.
            conf = [
                (g.method, g.power)
                if g.scale is not None or g.formula is not None
                else parse_aggregation(name, g.power)
                for g in model.groups
            ]
        if conf not in configs:
            labels.append(name)
            configs.append(conf)
    return labels, configs


def unsupported(rubric: Rubric) -> str | None:
    """Why the analysis cannot model this rubric, or None when it can.

    A rubric whose headline is ``none`` has no overall to rank. Every other rubric is modelled
    as the engine scores it: scales of its own, deductions, formula groups and a headline node.
    """
    if rubric.headline == "none":
        return (
            "`headline: none`: the sensitivity analysis ranks the missions by their overall, "
            "and this rubric has none; name the node that ranks them (`headline: NODE`) to analyse "
            "its ranking"
        )
    return None


def sensitivity(
    scores: ScoreSet,
    rubric: Rubric,
    settings: SensitivitySettings | None = None,
    *,
    seed: int = DEFAULT_SEED,
    comparison: Comparison | None = None,
    observations: Observations | None = None,
    progress: Callable[[int, int], None] | None = None,
    replicates: IndicatorReplicates | None = None,
) -> Sensitivity:
    """Monte Carlo uncertainty and Sobol sensitivity analysis of the overall ranking.

    ``runs`` is the base sample size N: the analysis evaluates N * (d + 2) methodologies for
    the d ``choices`` varied (see the module's docstring for the choices, the design and the
    estimators). A choice not varied stays nominal: weights as in the rubric, the first
    aggregation and normalisation alternative, no indicator dropped, scores without sampling
    error. The nominal ranking is compare()'s (``comparison``, computed with default settings
    when not given). Raises ValueError for a rubric the analysis cannot model
    (:func:`unsupported` says why). Seeded and vectorised: the same inputs and seed give the
    same result.
    ``progress(done, total)`` is called as evaluations complete. ``replicates`` are the
    indicator replicates of the run that gave ``scores``
    (:func:`~ovm.scoring.engine.score_with_replicates`); without them, sampling draws them
    again from ``observations`` with the scores' seed, replicates and confidence.
    """
    settings = settings or SensitivitySettings()
    if not scores.scorecards:
        raise ValueError("no missions to rank")
    reason = unsupported(rubric)
    if reason is not None:
        raise ValueError(reason)
    unmodelled = settings.unmodelled(comparison.settings) if comparison is not None else ()
    if unmodelled:
        raise ValueError(
            "the runs start from the first aggregation and normalisation alternative and never "
            f"impute: they do not reproduce the comparison's {', '.join(unmodelled)} "
            "(SensitivitySettings.around gives the alternatives that do, where any can)"
        )
    runs, weight_range = settings.runs, settings.weight_range
    aggregations, normalisations = settings.aggregations, settings.normalisations
    sampling_draws = settings.sampling_draws
    varied = tuple(c for c in CHOICES if c in settings.choices)
    comparison = comparison or compare(scores, rubric, observations=observations)
    model = _build_model(
        scores,
        rubric,
        comparison,
        observations if "sampling" in varied else None,
        sampling_draws,
        replicates,
    )
    agg_labels, agg_configs = _aggregation_alternatives(model, aggregations)
    norm_labels = list(dict.fromkeys(normalisations))
    m, k = model.base.shape
    n_nodes = model.weights.size
    d = len(varied)
    _refuse_too_large(runs, d, m, n_nodes)
    draws = model.replicates.shape[2] if model.replicates is not None and model.sampled else 1

    # Two children, as when sampling drew its own noise: a seed keeps its design.
    design, _ = np.random.SeedSequence(seed).spawn(2)
    rng = np.random.default_rng(design)
    # A then B for every choice, drawn in a fixed order so a seed means one design.
    u_w = rng.uniform(-1.0, 1.0, size=(2 * runs, n_nodes))
    u_agg = rng.integers(0, len(agg_configs), size=2 * runs)
    u_norm = rng.integers(0, len(norm_labels), size=2 * runs)
    u_drop = rng.integers(0, k + 1, size=2 * runs)
    u_samp = rng.integers(0, draws, size=2 * runs)
    sampling = model.sampled and "sampling" in varied
    if "weights" not in varied:
        u_w[:] = 0.0
    for name, u in (
        ("aggregation", u_agg),
        ("normalisation", u_norm),
        ("drop_indicator", u_drop),
        ("sampling", u_samp),
    ):
        if name not in varied:
            u[:] = 0

    total = runs * (d + 2)
    block = np.arange(total) // runs
    row = np.arange(total) % runs
    # Row of A (or of B) each evaluation takes a choice from: B in block 1 and in the block
    # of that choice (AB_i), A elsewhere.
    src = {
        name: row + runs * ((block == 1) | (block == 2 + varied.index(name)))
        if name in varied
        else row
        for name in CHOICES
    }
    agg_e, norm_e = u_agg[src["aggregation"]], u_norm[src["normalisation"]]
    drop_e, samp_e = u_drop[src["drop_indicator"]], u_samp[src["sampling"]]

    nominal_cards = {c.mission.id: c for c in comparison.scores.scorecards}
    nominal_scores = np.array(
        [
            [
                nominal_cards[mid].overall.score
                if nominal_cards[mid].overall.status == "scored"
                and nominal_cards[mid].overall.score is not None
                else np.nan
                for mid in model.mids
            ]
        ]
    )
    # Only missions the nominal methodology scores are ranked: one that has no overall score
    # has no place to be uncertain about, and must not push the others' ranks around.
    ranked = np.flatnonzero(np.isfinite(nominal_scores[0]))

    # An evaluation of AB_i whose input i drew the same alternative in B as in A is that row
    # of A: its ranks are copied rather than computed again.
    repeat = np.zeros(total, dtype=bool)
    drawn: dict[str, npt.NDArray[Any]] = {
        "weights": u_w,
        "aggregation": u_agg,
        "normalisation": u_norm,
        "drop_indicator": u_drop,
        "sampling": u_samp,
    }
    for i, name in enumerate(varied):
        u = drawn[name]
        same = u[:runs] == u[runs:]
        repeat[(2 + i) * runs : (3 + i) * runs] = same.all(axis=1) if same.ndim > 1 else same
    todo = np.flatnonzero(~repeat)
    # Each row's weights, made once for every evaluation that takes the row (the same
    # products, element by element, as a batch's): the draws are not read again.
    weights_of = u_w
    np.multiply(weights_of, weight_range, out=weights_of)
    weights_of += 1.0
    weights_of *= model.weights
    del u_w
    # A batch's weights are some of these, a few set to 0: bounded when all of these are.
    bounded = True if _bounded(weights_of) and _bounded(model.weights) else None
    # Which groups have the data to be scored is a question of the data, not of the weights:
    # each run decides it at the rubric's own weights (less an indicator it leaves out), so
    # that a group whose scored weight meets min_coverage exactly is not lost to the varied
    # weights half of the time.
    nominal_cover = "weights" in varied and weight_range > 0

    every_ranked = ranked.size == m
    # Every rank is at most one more than the missions ranked: in 16 bits for up to 32,766
    # missions, half the memory (runs x (d + 2) x missions ranks) to fill and read again.
    ranks = np.empty((total, ranked.size), dtype=np.int16 if ranked.size < 2**15 - 1 else np.int32)
    # Runs of A and B in which each mission has no overall score.
    missing = np.zeros(m, dtype=np.int64)
    done = 0
    # Runs sorted by normalisation, sampling draw and aggregation: a batch of runs sharing all
    # three shares the indicator values, so each group's indicator level is one matrix
    # product; batches stay small enough for their arrays to sit in the CPU cache, and each
    # batch is ranked while its scores are there.
    # When the groups read the values only through their products (_together), a batch
    # holds the runs of a block of _DRAWS draws that share the rest, in order of their draw:
    # one product per draw, every other step once for all of them.
    # As many as keep the draws' values, and what each batch builds of them (about 14 arrays
    # of missions x indicators a draw), within _HELD bytes.
    held = max(1, min(_DRAWS, _HELD // (14 * 8 * max(1, m * k))))
    span = held if sampling and _together(model, agg_configs, weight_range) else 1
    blocks = -(-draws // span)
    group = (norm_e * blocks + samp_e // span) * len(agg_configs) + agg_e
    by_key = np.argsort((group * draws + samp_e)[todo], kind="stable")
    order, sorted_keys = todo[by_key], group[todo][by_key]
    cuts = np.flatnonzero(np.r_[True, sorted_keys[1:] != sorted_keys[:-1], True])
    # A draw changes only the indicators it samples: the others are normalised once for all
    # the draws of a normalisation (columns are fitted on their own, see _normalised).
    varies = (
        np.flatnonzero(np.isfinite(model.replicates).any(axis=(0, 2)))
        if sampling and model.replicates is not None
        else np.arange(k)
    )
    varied_columns = varies.tolist()
    unvaried: tuple[int, Array] | None = None
    normed: tuple[int, int, Array] | None = None
    # Draws normalised at once: their columns and the normalisation's temporaries (about 8
    # arrays of missions x varied indicators a draw) within _HELD bytes.
    chunk = max(1, min(_DRAWS, _HELD // (8 * 8 * max(1, m * varies.size))))
    # Each draw's values of the indicators it varies: the replicate where there is one, else
    # the nominal score; taken once for every normalisation. Draws x indicators x missions,
    # so that a draw's missions x indicators are laid out as the replicates' were (a column
    # a line), which the normalisations' sums follow.
    # Filled in place rather than made by np.where: the analysis keeps this one copy of the
    # varied replicates beside the model's, not a second one and a transient of the same size.
    drawn_values: Array | None = None
    if sampling and model.replicates is not None:
        reps = model.replicates[:, varies, :].transpose(2, 1, 0)
        nominal = model.base[:, varies].T[None, :, :]
        drawn_values = np.empty(reps.shape, dtype=np.result_type(reps, nominal))
        np.copyto(drawn_values, nominal)
        np.copyto(drawn_values, reps, where=np.isfinite(reps))
        del reps
    arena = _Arena(m, min(_CHUNK, total))
    # The values of each draw of the block being evaluated.
    block_values: dict[int, _Values] = {}
    block_of: tuple[int, int] | None = None

    def values_of(ny: int, sy: int) -> _Values:
        nonlocal unvaried, normed, block_values, block_of
        if block_of != (ny, sy // span):
            block_values, block_of = {}, (ny, sy // span)
        found = block_values.get(sy)
        if found is None:
            if unvaried is None or unvaried[0] != ny:
                unvaried = (ny, _normalised(model, model.base, norm_labels[ny]))
            y = unvaried[1]
            if drawn_values is not None:
                if normed is None or normed[:2] != (ny, sy // chunk):
                    # The next few draws at once, each draw's columns beside the last's
                    # (each a line, as one draw's are): fitted column by column, each is
                    # normalised as it is on its own, in one call for all of them.
                    first = sy - sy % chunk
                    block = drawn_values[first : first + chunk]
                    wide = block.reshape(-1, m).T
                    normed = (
                        ny,
                        sy // chunk,
                        _normalised(model, wide, norm_labels[ny], varied_columns * block.shape[0]),
                    )
                y = y.copy()
                at = (sy % chunk) * varies.size
                y[:, varies] = normed[2][:, at : at + varies.size]
            found = block_values[sy] = _Values(y)
        return found

    # Many middle-sized products: on one BLAS thread they never wait for a busy core.
    with one_blas_thread():
        for b0, b1 in itertools.pairwise(cuts):
            e0 = order[b0]
            ny = int(norm_e[e0])
            methods = agg_configs[int(agg_e[e0])]
            for c0 in range(int(b0), int(b1), _CHUNK):
                idx = order[c0 : min(c0 + _CHUNK, int(b1))]
                w = weights_of[src["weights"][idx]]
                drop = drop_e[idx]
                hit = drop > 0
                w[np.flatnonzero(hit), drop[hit] - 1] = 0.0
                cover = None
                if nominal_cover:
                    cover = np.tile(model.weights, (idx.size, 1))
                    cover[np.flatnonzero(hit), drop[hit] - 1] = 0.0
                taken = samp_e[idx]
                if span > 1 and taken[0] != taken[-1]:
                    parts = [0, *(np.flatnonzero(taken[1:] != taken[:-1]) + 1).tolist(), idx.size]
                    segments = [
                        (s0, s1, values_of(ny, int(taken[s0])))
                        for s0, s1 in itertools.pairwise(parts)
                    ]
                    batch = _evaluate(
                        model,
                        segments[0][2],
                        w,
                        methods,
                        arena,
                        segments,
                        owned=False,
                        bounded=bounded,
                        cover=cover,
                    )
                else:
                    batch = _evaluate(
                        model,
                        values_of(ny, int(taken[0])),
                        w,
                        methods,
                        arena,
                        owned=False,
                        bounded=bounded,
                        cover=cover,
                    )
                # Best first in the overall's own direction: the lowest where lower is better.
                looked = _rank_into(
                    batch if every_ranked else batch[ranked], model.direction, ranks, idx
                )
                # Every mission is ranked, and none was unscored: no NaN to look for again.
                unscored = None if every_ranked and not looked else np.isnan(batch)
                if unscored is not None and unscored.any():
                    missing += unscored[:, idx < 2 * runs].sum(axis=1)
                done += idx.size
                if progress is not None:
                    progress(done, total)
    copies = np.flatnonzero(repeat)
    ranks[copies] = ranks[row[copies]]
    if progress is not None and copies.size:
        progress(total, total)
    nominal_rank = competition_ranks(model.direction * nominal_scores[:, ranked])[0]
    nominal_by = {e.mission: e.rank for e in comparison.rankings["overall"]}

    median, low, high, shift = _rank_summary(ranks[: 2 * runs], nominal_rank)
    unscored = missing / (2 * runs)
    column = {int(j): c for c, j in enumerate(ranked)}
    intervals = tuple(
        RankInterval(
            mission=mid,
            nominal=nominal_by.get(mid),
            median=float(median[column[i]]) if i in column else None,
            low=float(low[column[i]]) if i in column else None,
            high=float(high[column[i]]) if i in column else None,
            mean_shift=float(shift[column[i]]) if i in column else None,
            unscored=float(unscored[i]),
        )
        for i, mid in enumerate(model.mids)
    )
    intervals = tuple(
        sorted(
            intervals, key=lambda r: (r.nominal is None, r.nominal or 0, r.median or 0.0, r.mission)
        )
    )

    # The ranks as they are, whole numbers: the estimators take them exactly.
    base = _BaseSample(ranks[:runs], ranks[runs : 2 * runs])
    y_abs = [ranks[(2 + i) * runs : (3 + i) * runs] for i in range(d)]
    boot_seed = int(np.random.SeedSequence(seed).generate_state(1)[0])
    counts = [_resample_counts(boot_seed + i, settings.boot, runs) for i in range(d)]
    resampled = base.resampled(counts, y_abs)
    first: dict[str, float] = {}
    total_eff: dict[str, float] = {}
    first_ci: dict[str, Index] = {}
    total_ci: dict[str, Index] = {}
    for i, name in enumerate(varied):
        s_i, st_i = _with_intervals(base.indices(y_abs[i]), resampled[i], INDEX_CONFIDENCE)
        first[name], total_eff[name] = s_i.value, st_i.value
        first_ci[name], total_ci[name] = s_i, st_i

    nominal_eval = _evaluate(
        model,
        _normalised(model, model.base, "none"),
        model.weights[None, :],
        [(g.method, g.power) for g in model.groups],
    )
    same = np.allclose(nominal_eval[:, 0], nominal_scores[0], rtol=0.0, atol=1e-9, equal_nan=True)
    sampling_note = (
        None
        if sampling
        else SensitivityNote(
            code="sampling_not_varied",
            params=(
                {"variant": "no_observations"}
                if observations is None and "sampling" in varied
                else {}
            ),
        )
    )
    scale_notes = _scale_notes(model)
    notes = tuple(
        _run_notes(
            "en",
            resamples=settings.boot,
            weight_range=weight_range,
            draws=draws,
            sampling_note=sampling_note,
            scale_notes=scale_notes,
            floored=not same,
        )
    )
    return Sensitivity(
        runs=runs,
        seed=seed,
        weight_range=weight_range,
        ranks=intervals,
        first_order=first,
        total_effect=total_eff,
        first_order_ci=first_ci,
        total_effect_ci=total_ci,
        choices=varied,
        settings=settings,
        evaluations=total,
        alternatives={
            "aggregation": tuple(agg_labels),
            "normalisation": tuple(norm_labels),
            "drop_indicator": ("none", *model.ind_ids),
            "sampling": (f"{draws} draw(s)",),
        },
        notes=notes,
        draws=draws,
        confidence=scores.confidence,
        floored=not same,
        sampling_note=sampling_note,
        scale_notes=scale_notes,
    )


def _scale_notes(model: _Model) -> tuple[SensitivityNote, ...]:
    """How the runs treat what the engine scores on scales of its own (none for a rubric of
    0-100 scores aggregated into an overall)."""
    notes = []
    if model.headline is not None:
        order = "lowest" if model.direction < 0 else "highest"
        notes.append(
            SensitivityNote(
                code="headline", params={"variant": order, "node": model.headline.node.id}
            )
        )
    if any(g.scale is not None and g.method == "sum" for g in model.groups):
        notes.append(SensitivityNote(code="scale_sum"))
    if any(g.scale is not None or g.formula is not None for g in model.groups):
        notes.append(SensitivityNote(code="scale_groups"))
    if model.own_scale is not None and model.own_scale.any():
        notes.append(SensitivityNote(code="scale_indicators"))
    rubric = model.rubric
    readers = (
        []
        if rubric is None
        else [k for k in rubric.references_of if not isinstance(rubric.node(k), Group)]
    )
    if readers:
        # Recorded as ids; each output names them in its language (:func:`worded_notes`).
        notes.append(SensitivityNote(code="formula_readers", params={"nodes": ", ".join(readers)}))
    return tuple(notes)


# --- output --------------------------------------------------------------------------------


ENOUGH_WIDTH = 0.1
"""A Sobol index whose 95 % interval is wider than this needs more runs to be read."""


def enough_runs(result: Sensitivity) -> bool:
    """Whether every index's confidence interval is narrow enough to read (``ENOUGH_WIDTH``)."""
    return all(
        ci.width <= ENOUGH_WIDTH
        for ci in (*result.first_order_ci.values(), *result.total_effect_ci.values())
    )


def more_runs(result: Sensitivity) -> int | None:
    """The runs to ask for before reading the indices, ``None`` when these runs are enough
    (:func:`enough_runs`): every output's caveat says this one number."""
    return None if enough_runs(result) else result.runs * 4


def sensitivity_to_dict(result: Sensitivity) -> dict[str, Any]:
    """The analysis as plain JSON-able data."""
    return {
        "format": "ovm-sensitivity/2",
        "runs": result.runs,
        "evaluations": result.evaluations,
        "seed": result.seed,
        "weight_range": result.weight_range,
        "choices": list(result.choices),
        "alternatives": {k: list(v) for k, v in result.alternatives.items()},
        "first_order": {k: result.first_order_ci[k].model_dump() for k in result.choices},
        "total_effect": {k: result.total_effect_ci[k].model_dump() for k in result.choices},
        "enough_runs": enough_runs(result),
        "ranks": [r.model_dump() for r in result.ranks],
        "notes": list(result.notes),
    }


def sensitivity_text(
    result: Sensitivity, lang: str = "en", name: Callable[[str], str] | None = None
) -> str:
    """A plain-text summary: rank intervals, then sensitivity indices with their intervals,
    worded in ``lang`` (numbers as the language writes them, the nodes its notes name given
    by ``name``: an id to its label in ``lang``)."""
    return _worded_text(result, lang, name)


def worded_notes(
    result: Sensitivity, lang: str, name: Callable[[str], str] | None = None
) -> list[str]:
    """How the runs were made, in ``lang`` (the notes of a report in that language), the
    nodes they name given by ``name``."""
    from ovm.i18n import format_number, format_percent, gettext

    def t(key: str, **params: object) -> str:
        return gettext(key, lang, **params)

    notes = [
        t("sens_design"),
        t("sens_weights", range=t("plus_minus", n=format_percent(result.weight_range, lang))),
        (
            t("sens_sampling", confidence=format_percent(result.confidence, lang), n=result.draws)
            if result.sampling_note is None
            else result.sampling_note.text(lang)
        ),
        t("sens_floor", floor=format_number(FLOOR, lang, 0)),
        t(
            "sens_zscore",
            mean=format_number(ZSCORE_SCALE[0], lang, 0),
            sd=format_number(ZSCORE_SCALE[1], lang, 0),
        ),
        t("sens_comparative"),
        t("sens_coverage"),
        *(n.text(lang, name) for n in result.scale_notes),
    ]
    if result.floored:
        notes.append(t("sens_floored", floor=format_number(FLOOR, lang, 0)))
    return notes


def _run_notes(
    lang: str,
    *,
    resamples: int,
    weight_range: float,
    draws: int,
    sampling_note: SensitivityNote | None,
    scale_notes: Sequence[SensitivityNote],
    floored: bool,
    name: Callable[[str], str] | None = None,
) -> list[str]:
    """How the runs were made, in ``lang``, as :attr:`Sensitivity.notes` says it in English
    and the text summary in every language: the report's notes (:func:`worded_notes`) and the
    estimator's details besides (centred ranks, the indices' bootstrap intervals, which
    indicators are drawn, what moves together)."""
    from ovm.i18n import decimal_separator, format_percent, gettext

    def t(key: str, **params: object) -> str:
        return gettext(key, lang, **params)

    def number(x: float) -> str:
        # As the English has always written them (``{x:g}``), with the language's decimal sign.
        text = f"{x:g}"
        return text if lang == "en" else text.replace(".", decimal_separator(lang))

    notes = [
        t(
            "sens_text_design",
            confidence=format_percent(INDEX_CONFIDENCE, lang),
            resamples=str(resamples),
        ),
        t("sens_text_weights", range=number(weight_range)),
        t("sens_text_sampling", n=draws) if sampling_note is None else sampling_note.text(lang),
        t("sens_floor", floor=number(FLOOR)),
        t("sens_zscore", mean=number(ZSCORE_SCALE[0]), sd=number(ZSCORE_SCALE[1])),
        t("sens_comparative"),
        t("sens_coverage"),
        *(n.text(lang, name) for n in scale_notes),
    ]
    if floored:
        notes.append(t("sens_floored", floor=number(FLOOR)))
    return notes


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    """Columns as wide as their widest cell: the first left-aligned, the others right."""
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    return [
        " ".join(
            cell.ljust(w) if i == 0 else cell.rjust(w)
            for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        ).rstrip()
        for row in [header, *rows]
    ]


def _worded_text(result: Sensitivity, lang: str, name: Callable[[str], str] | None = None) -> str:
    """:func:`sensitivity_text` from the catalogue, in English as in every other language: the
    same words and signs in each (weights ±25%, a choice named as the report names it,
    "Leaving one indicator out", where its id is the JSON's)."""
    from ovm.i18n import format_number, format_percent, gettext, has, param_text

    def t(key: str, **params: object) -> str:
        return gettext(key, lang, **params)

    def num(x: float | None, digits: int) -> str:
        return "-" if x is None else format_number(x, lang, digits)

    def interval(ci: Index) -> str:
        low, high = num(ci.low, 3), num(ci.high, 3)
        return f"{num(ci.value, 3)} ({t('range', low=low, high=high)})"

    lines = [
        t(
            "sens_text_head",
            runs=param_text(result.runs, lang),
            evaluations=param_text(result.evaluations, lang),
            seed=str(result.seed),
            range=t("plus_minus", n=format_percent(result.weight_range, lang)),
        ),
        "",
    ]
    ranks = [
        [
            r.mission,
            "-" if r.nominal is None else param_text(r.nominal, lang),
            num(r.median, 1),
            num(r.low, 1),
            num(r.high, 1),
            num(r.mean_shift, 2),
            format_percent(r.unscored, lang, 1),
        ]
        for r in result.ranks
    ]
    head = ["mission", "nominal", "median"]
    lines += _table(
        [
            *(t(f"sens_text_{k}") for k in head),
            format_percent(0.05, lang),
            format_percent(0.95, lang),
            t("sens_text_shift"),
            t("sens_text_unscored"),
        ],
        ranks,
    )
    lines += ["", t("sens_text_legend"), ""]
    confidence = format_percent(INDEX_CONFIDENCE, lang)
    lines += _table(
        [
            t("sens_text_choice"),
            t("sens_text_first_order", confidence=confidence),
            t("sens_text_total", confidence=confidence),
        ],
        [
            [
                t(f"choice_{c}") if has(f"choice_{c}") else c,
                interval(result.first_order_ci[c]),
                interval(result.total_effect_ci[c]),
            ]
            for c in result.shown_choices
        ],
    )
    # Estimates beyond 0 and 1 are read as noise, as the report's text reads them.
    lines += ["", t("sens_text_index_legend")]
    notes = _run_notes(
        lang,
        resamples=result.settings.boot,
        weight_range=result.weight_range,
        draws=result.draws,
        sampling_note=result.sampling_note,
        scale_notes=result.scale_notes,
        floored=result.floored,
        name=name,
    )
    runs = more_runs(result)
    if runs is not None:
        notes.insert(
            0,
            t("sens_text_more_runs", width=format_number(ENOUGH_WIDTH, lang, 1), runs=str(runs)),
        )
    lines += ["", *(t("sens_text_note", note=n) for n in notes)]
    return "\n".join(lines) + "\n"
