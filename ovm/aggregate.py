"""Aggregation of children's scores into a group score; works on floats and NumPy arrays."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

Array = npt.NDArray[np.float64]
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
    out, reason = _aggregate(method, scores, weights, power)
    if method == "sum":
        return out, reason
    # A mean lies between its smallest and largest input; rounding does not always know it
    # (the geometric mean of 100 alone is exp(log(100)) = 100.00000000000004).
    s = _stack(scores)
    return np.clip(out, s.min(axis=0), s.max(axis=0)), reason


def _stack(scores: Sequence[float | Array]) -> Array:
    """Children along a new first axis; floats broadcast against replicate arrays."""
    arrays = [np.atleast_1d(np.asarray(x, dtype=float)) for x in scores]
    return np.stack(np.broadcast_arrays(*arrays))


def _aggregate(
    method: str, scores: Sequence[float | Array], weights: Sequence[float], power: float | None
) -> tuple[Array, str | None]:
    s = _stack(scores)
    w = np.asarray(weights, dtype=float).reshape((-1,) + (1,) * (s.ndim - 1))
    if method == "sum":
        return np.sum(w * s, axis=0), None
    w = w / w.sum()
    if method == "arithmetic":
        return np.sum(w * s, axis=0), None
    if method == "minimum":
        return np.min(s, axis=0), None
    if method == "generalised":
        p = 1.0 if power is None else power
        if p == 0:
            method = "geometric"
        elif p == 1:
            return np.sum(w * s, axis=0), None
        elif p < 0 or p != int(p):
            bad = np.any(s <= 0, axis=0) if p < 0 else np.any(s < 0, axis=0)
            with np.errstate(divide="ignore", invalid="ignore"):
                out = np.power(np.sum(w * np.power(np.where(bad, 1.0, s), p), axis=0), 1.0 / p)
            out = np.where(bad, np.nan, out)
            return out, (
                "a zero score under a generalised mean with negative power"
                if bool(np.any(bad))
                else None
            )
        else:
            return np.power(np.sum(w * np.power(s, p), axis=0), 1.0 / p), None
    if method in ("geometric", "harmonic"):
        bad = np.any(s <= 0, axis=0)
        safe = np.where(s <= 0, 1.0, s)
        if method == "geometric":
            out = np.exp(np.sum(w * np.log(safe), axis=0))
        else:
            out = 1.0 / np.sum(w / safe, axis=0)
        out = np.where(bad, np.nan, out)
        reason = f"a score of 0 under a {method} mean" if bool(np.any(bad)) else None
        return out, reason
    raise ValueError(f"unknown aggregation method {method!r}")
