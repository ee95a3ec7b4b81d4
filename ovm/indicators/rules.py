"""Scoring rules: how a quantitative value becomes a score on 0-100."""

from __future__ import annotations

from typing import Annotated, Literal

import numpy as np
from pydantic import Field

from ovm.indicators._common import Frozen, Score

Direction = Literal["higher", "lower"]


class Identity(Frozen):
    """The value is already a score on 0-100 (clipped)."""

    type: Literal["identity"]

    def describe(self) -> str:
        """One-line description for explanations."""
        return "identity (value is the score, clipped to 0-100)"


class Goalposts(Frozen):
    """Linear between two goalposts, clipped; ``direction`` says which end is best."""

    type: Literal["goalposts"]
    low: float
    high: float
    direction: Direction = "higher"

    def describe(self) -> str:
        """One-line description for explanations."""
        best = self.high if self.direction == "higher" else self.low
        worst = self.low if self.direction == "higher" else self.high
        return f"goalposts: {worst:g} scores 0, {best:g} scores 100, linear and clipped"


class ValueBand(Frozen):
    """A range of raw values that earns a fixed score; open ends when min/max are absent."""

    min: float | None = None
    max: float | None = None
    score: Score


class Bands(Frozen):
    """Fixed scores for ranges of the raw value (``min`` inclusive, ``max`` exclusive)."""

    type: Literal["bands"]
    bands: tuple[ValueBand, ...] = Field(min_length=1)

    def describe(self) -> str:
        """One-line description for explanations."""
        parts = []
        for b in self.bands:
            lo = "-inf" if b.min is None else f"{b.min:g}"
            hi = "inf" if b.max is None else f"{b.max:g}"
            parts.append(f"[{lo}, {hi}) -> {b.score:g}")
        return "bands: " + "; ".join(parts)


class Target(Frozen):
    """Distance to a target: 100 within ``tolerance``, falling to 0 over ``span`` beyond it."""

    type: Literal["target"]
    target: float
    tolerance: Annotated[float, Field(ge=0)] = 0.0
    span: Annotated[float, Field(gt=0)]

    def describe(self) -> str:
        """One-line description for explanations."""
        return (
            f"distance to target {self.target:g}: 100 within ±{self.tolerance:g}, "
            f"0 beyond ±{self.tolerance + self.span:g}"
        )


class Cohort(Frozen):
    """Normalised across the missions compared (min-max unless stated); scored by compare()."""

    type: Literal["cohort"]
    direction: Direction = "higher"
    method: Literal["minmax", "zscore", "rank", "percentile"] = "minmax"

    def describe(self) -> str:
        """One-line description for explanations."""
        return f"cohort {self.method} normalisation ({self.direction} is better)"


Rule = Annotated[Identity | Goalposts | Bands | Target | Cohort, Field(discriminator="type")]


def apply_rule(rule: Identity | Goalposts | Bands | Target, value: np.ndarray) -> np.ndarray:
    """Scores (0-100) for raw values; NaN where a band rule leaves a value uncovered."""
    x = np.asarray(value, dtype=float)
    if isinstance(rule, Identity):
        clipped: np.ndarray = np.clip(x, 0.0, 100.0)
        return clipped
    if isinstance(rule, Goalposts):
        frac = (x - rule.low) / (rule.high - rule.low)
        if rule.direction == "lower":
            frac = 1.0 - frac
        return np.clip(frac * 100.0, 0.0, 100.0)
    if isinstance(rule, Target):
        dist = np.abs(x - rule.target)
        beyond = np.maximum(dist - rule.tolerance, 0.0)
        return np.clip(100.0 * (1.0 - beyond / rule.span), 0.0, 100.0)
    out = np.full(x.shape, np.nan)
    for band in rule.bands:
        lo = -np.inf if band.min is None else band.min
        hi = np.inf if band.max is None else band.max
        mask = (x >= lo) & (x < hi) & np.isnan(out)
        out[mask] = band.score
    return out
