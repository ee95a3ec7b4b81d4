"""Aggregation of children's scores into a group score (on floats and NumPy arrays), and the
rules that decide a group's status."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from ovm.data.observations import parse_number
from ovm.errors import CheckError
from ovm.i18n import faithful_digits, fixed, rounded

Array = npt.NDArray[np.float64]
Mask = npt.NDArray[np.bool_]
METHODS = ("arithmetic", "geometric", "harmonic", "generalised", "minimum", "sum")


def aggregate(
    method: str,
    scores: Sequence[float | Array],
    weights: Sequence[float],
    power: float | None = None,
) -> tuple[Array, str | None]:
    """Aggregate ``scores`` (each a float or an array, e.g. missions x replicates) with ``weights``.

    Weights are renormalised over the children given (``sum`` uses them as given). Returns the
    result (NaN where undefined) and a reason when the method is undefined for the data.
    """
    out, bad, why = _columns(method, scores, weights, power)
    return out, why if bad is not None and bool(np.any(bad)) else None


def _columns(
    method: str, scores: Sequence[float | Array], weights: Sequence[float], power: float | None
) -> tuple[Array, Mask | None, str]:
    """The aggregate of every column, where the method is undefined (None: nowhere it can
    be) and why it is there."""
    s = _children(scores)
    out, bad, why = _aggregate(method, s, weights, power)
    if method == "sum":
        return out, bad, why
    # A mean lies between its smallest and largest input; rounding does not always know it
    # (the geometric mean of 100 alone is exp(log(100)) = 100.00000000000004).
    return np.clip(out, _fold(np.minimum, s), _fold(np.maximum, s)), bad, why


def _children(scores: Sequence[float | Array]) -> list[Array]:
    """Each child's scores as an array, floats broadcast against replicate arrays (views: a
    cohort's children are never copied into one block)."""
    arrays = [np.atleast_1d(np.asarray(x, dtype=float)) for x in scores]
    return list(np.broadcast_arrays(*arrays))


def _fold(op: np.ufunc, s: Sequence[Array]) -> Array:
    """``op`` applied child after child (``np.minimum``: the smallest child)."""
    out = s[0]
    for x in s[1:]:
        out = op(out, x)
    return np.asarray(out, dtype=float)


def _any(s: Sequence[Mask]) -> Mask:
    """Whether any child's mask is set."""
    out = s[0]
    for x in s[1:]:
        out = out | x
    return out


def _wsum(w: Array, s: Sequence[Array]) -> Array:
    """The weighted sum over the children, term after term.

    NumPy sums a lone column pairwise but the rows of a matrix one after another, so
    ``np.sum(axis=0)`` can round a mission's score differently when it is aggregated alone
    or within a cohort; one order for every shape keeps them equal to the last bit.
    """
    total = w[0] * s[0]
    for k in range(1, len(s)):
        total = total + w[k] * s[k]
    return np.asarray(total, dtype=float)


def _aggregate(
    method: str, s: Sequence[Array], weights: Sequence[float], power: float | None
) -> tuple[Array, Mask | None, str]:
    w = np.asarray(weights, dtype=float).reshape((-1,) + (1,) * s[0].ndim)
    if method == "sum":
        return _wsum(w, s), None, ""
    w = w / w.sum()
    if method == "arithmetic":
        return _wsum(w, s), None, ""
    if method == "minimum":
        return _fold(np.minimum, s), None, ""
    if method == "generalised":
        p = 1.0 if power is None else power
        if p == 0:
            method = "geometric"
        elif p == 1:
            return _wsum(w, s), None, ""
        elif p < 0 or p != int(p):
            bad = _any([x <= 0 for x in s]) if p < 0 else _any([x < 0 for x in s])
            with np.errstate(divide="ignore", invalid="ignore"):
                powered = [np.power(np.where(bad, 1.0, x), p) for x in s]
                out = np.power(_wsum(w, powered), 1.0 / p)
            out = np.where(bad, np.nan, out)
            return out, bad, "a zero score under a generalised mean with negative power"
        else:
            return np.power(_wsum(w, [np.power(x, p) for x in s]), 1.0 / p), None, ""
    if method in ("geometric", "harmonic"):
        bad = _any([x <= 0 for x in s])
        safe = [np.where(x <= 0, 1.0, x) for x in s]
        if method == "geometric":
            out = np.exp(_wsum(w, [np.log(x) for x in safe]))
        else:
            out = 1.0 / _wsum(w, [1.0 / x for x in safe])
        out = np.where(bad, np.nan, out)
        return out, bad, f"a score of 0 under a {method} mean"
    raise ValueError(f"unknown aggregation method {method!r}")


Status = Literal["scored", "missing", "not_applicable", "insufficient", "pending", "undefined"]


def method_text(method: str, power: float | None) -> str:
    """An aggregation method as explanations name it: ``generalised (p=2)``."""
    return method if power is None else f"{method} (p={power:g})"


@dataclass(frozen=True)
class Child:
    """What a group needs to know of one child to score itself."""

    id: str
    weight: float
    status: Status
    score: float | None
    coverage: float
    sign: float = 1.0
    """-1 for a child a sum subtracts (a deduction)."""


@dataclass(frozen=True)
class GroupOutcome:
    """A group's status, score and coverage, and the finding that explains a missing score."""

    status: Status
    score: float | None
    coverage: float
    scored_weight: float
    finding: tuple[str, str, dict[str, str]] | None = None
    """(code, message, parameters) of the problem, if any."""


def combine(
    children: Sequence[Child], method: str, power: float | None, min_coverage: float
) -> GroupOutcome:
    """Score a group from its children: the rules the engine and the comparison share.

    Not-applicable and pending children leave the denominator; weights are renormalised over
    the scored ones; an undefined child makes the group undefined (dropping it would let a
    better input, the zero improving, lower the group); below ``min_coverage`` of scored
    weight the group is insufficient, or missing when nothing below it has data.
    """
    return combine_each([children], method, power, min_coverage)[0]


def combine_each(
    cohort: Sequence[Sequence[Child]], method: str, power: float | None, min_coverage: float
) -> list[GroupOutcome]:
    """:func:`combine` of one group for many missions (``cohort[m]``: mission ``m``'s
    children): the rules decided mission by mission, the aggregation done once for all the
    missions whose scored children are the same nodes with the same weights."""
    found: list[GroupOutcome | None] = []
    pending: dict[tuple[tuple[str, float], ...], list[tuple[int, list[Child], float, float]]] = {}
    for m, children in enumerate(cohort):
        early, scored, coverage, scored_w = _rules(children, method, min_coverage)
        found.append(early)
        if early is None:
            key = tuple((c.id, _signed(c, method)) for c in scored)
            pending.setdefault(key, []).append((m, scored, coverage, scored_w))
    for members in pending.values():
        first = members[0][1]
        columns = [
            np.array([scored[j].score for _, scored, _, _ in members], dtype=float)
            for j in range(len(first))
        ]
        values, bad, why = _columns(method, columns, [_signed(c, method) for c in first], power)
        for k, (m, _, coverage, scored_w) in enumerate(members):
            found[m] = _aggregated(method, values, bad, why, k, coverage, scored_w)
    return [f for f in found if f is not None]


def combine_columns(
    n: int,
    kids: Sequence[tuple[str, float, float]],
    statuses: Sequence[Sequence[Status]],
    scores: Sequence[Sequence[float | None]],
    coverages: Sequence[Sequence[float]],
    method: str,
    power: float | None,
    min_coverage: float,
) -> list[GroupOutcome]:
    """:func:`combine_each` for ``n`` missions from columns: ``kids`` gives each child's
    id, weight and sign, and ``statuses[j][m]``, ``scores[j][m]`` and ``coverages[j][m]``
    child ``j``'s outcome for mission ``m``. The rules are decided once for all the missions
    whose children have the same statuses and coverages (in a large cohort, nearly all of
    them), the aggregation done once for each such set, element by element: each mission's
    outcome is its own."""
    if not kids:
        return [combine([], method, power, min_coverage) for _ in range(n)]
    unscored = [[s is None for s in col] for col in scores]
    keys = list(zip(*statuses, *coverages, *unscored, strict=True))
    members: dict[tuple[object, ...], list[int]] = {}
    for m, key in enumerate(keys):
        members.setdefault(key, []).append(m)
    found: list[GroupOutcome | None] = [None] * n
    for rows in members.values():
        first = rows[0]
        children = [
            Child(cid, weight, statuses[j][first], scores[j][first], coverages[j][first], sign)
            for j, (cid, weight, sign) in enumerate(kids)
        ]
        early, _, coverage, scored_w = _rules(children, method, min_coverage)
        if early is not None:
            for m in rows:
                found[m] = early
            continue
        # The children _rules counts as scored, by position.
        picked = [j for j, c in enumerate(children) if c.status == "scored" and c.score is not None]
        columns = [np.array([scores[j][m] for m in rows], dtype=float) for j in picked]
        values, bad, why = _columns(
            method, columns, [_signed(children[j], method) for j in picked], power
        )
        for k, m in enumerate(rows):
            found[m] = _aggregated(method, values, bad, why, k, coverage, scored_w)
    return [f for f in found if f is not None]


def _aggregated(
    method: str,
    values: Array,
    bad: Mask | None,
    why: str,
    k: int,
    coverage: float,
    scored_w: float,
) -> GroupOutcome:
    """Mission ``k``'s outcome of an aggregation done for a set of missions at once:
    undefined where the mean is (``bad``), else its value."""
    if bad is not None and bad[k]:
        return GroupOutcome(
            "undefined",
            None,
            coverage,
            scored_w,
            ("aggregation-undefined", f"{method} mean undefined: {why}", {"method": method}),
        )
    return GroupOutcome("scored", float(values[k]), coverage, scored_w)


def _signed(child: Child, method: str) -> float:
    """A child's weight in the aggregation: signed in a sum, which does not renormalise."""
    return child.sign * child.weight if method == "sum" else child.weight


def _rules(
    children: Sequence[Child], method: str, min_coverage: float
) -> tuple[GroupOutcome | None, list[Child], float, float]:
    """A group's outcome when its children's statuses decide it (else None), its scored
    children, coverage and scored weight."""
    applicable = [c for c in children if c.status not in ("not_applicable", "pending")]
    scored = [c for c in applicable if c.status == "scored" and c.score is not None]
    scored_w = sum(c.weight for c in scored)
    if not applicable:
        pending = any(c.status == "pending" for c in children)
        return (
            GroupOutcome("pending" if pending else "not_applicable", None, 0.0, scored_w),
            scored,
            0.0,
            scored_w,
        )
    total_w = sum(c.weight for c in applicable)
    coverage = sum(c.weight * c.coverage for c in applicable) / total_w
    undefined = [c.id for c in applicable if c.status == "undefined"]
    if undefined:
        names = ", ".join(undefined)
        return (
            GroupOutcome(
                "undefined",
                None,
                coverage,
                scored_w,
                ("undefined-child", f"depends on undefined {names}", {"names": names}),
            ),
            scored,
            coverage,
            scored_w,
        )
    direct = scored_w / total_w
    unscored = [c.id for c in applicable if c.status != "scored" or c.score is None]
    if method == "sum" and scored and unscored:
        # A sum does not renormalise: a missing child would silently lower it.
        names = ", ".join(unscored)
        return (
            GroupOutcome(
                "insufficient",
                None,
                coverage,
                scored_w,
                (
                    "sum-incomplete",
                    f"a sum needs every child scored; {names} has no score",
                    {"names": names},
                ),
            ),
            scored,
            coverage,
            scored_w,
        )
    if not scored or direct < min_coverage:
        problem = None
        if scored:
            needed = 100 * min_coverage
            # The minimum with the decimals it has (a third is 33.33, not 33), up to two; the
            # share with as many as keep it below the minimum as written: 49.6 % is not
            # written 50 % beside a minimum of 50 %, nor 33.2 % 33 % beside 33.33 %.
            shown = rounded(needed, 2)
            minimum = fixed(needed, next(d for d in (0, 1, 2) if rounded(needed, d) == shown))
            share = fixed(100 * direct, faithful_digits(100 * direct, 0, lambda r: r < shown))
            problem = (
                "insufficient-coverage",
                f"the parts one level below it that have a score hold {share}% "
                f"of its weight; at least {minimum}% needed",
                {"share": share, "needed": minimum},
            )
        partial = scored or any(c.status == "insufficient" for c in applicable)
        return (
            GroupOutcome(
                "insufficient" if partial else "missing", None, coverage, scored_w, problem
            ),
            scored,
            coverage,
            scored_w,
        )
    return None, scored, coverage, scored_w


def parse_aggregation(spec: str, default_power: float | None = None) -> tuple[str, float | None]:
    """``"geometric"`` -> (geometric, None); ``"generalised:0.5"`` -> (generalised, 0.5)."""
    name, sep, p = spec.strip().partition(":")
    name = name.strip().lower()
    if name not in METHODS:
        raise CheckError("aggregation_unknown", spec=spec, methods=list(METHODS))
    if name != "generalised":
        if sep:
            raise CheckError("aggregation_exponent_taken", method=name, spec=spec)
        return name, None
    if not sep:
        if default_power is None:
            raise CheckError("aggregation_exponent_needed")
        return name, default_power
    power = parse_number(p)
    if power is None or not math.isfinite(power):
        raise CheckError("aggregation_exponent_nan", spec=spec)
    return name, power
