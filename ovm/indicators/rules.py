"""Scoring rules: how a raw value becomes a score on 0-100.

Each rule is a model that owns how it applies (:meth:`~RuleBase.apply`), the range of scores it
gives to an interval of values (:meth:`~RuleBase.interval`) and its description; its checks sit
next to it, and each registers itself here.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal

from pydantic import Field, PrivateAttr

from ovm.errors import Issue
from ovm.indicators._common import Frozen, Score
from ovm.indicators.registry import RegisteredRule, RuleBase, register_rule
from ovm.indicators.text import number, say
from ovm.indicators.validation import Document, Path, num, rule_check

if TYPE_CHECKING:
    from ovm.indicators.scoring import Array

Direction = Literal["higher", "lower"]


class Identity(RuleBase):
    """The value is already a score: kept within its node's scale (0-100 by default)."""

    type: Literal["identity"]
    _low: float = PrivateAttr(default=0.0)
    _high: float = PrivateAttr(default=100.0)

    def on_scale(self, low: float, high: float) -> Identity:
        """The identity kept within ``low``-``high`` (negative values stay where it allows)."""
        if (low, high) == (self._low, self._high):
            return self
        out = self.model_copy()
        out._low, out._high = low, high
        return out

    def apply(self, values: Array) -> Array:
        """The values clipped to the scale."""
        import numpy as np

        clipped: Array = np.clip(np.asarray(values, dtype=float), self._low, self._high)
        return clipped

    def explain(self) -> str:
        """One-line description for explanations."""
        return f"identity (value is the score, clipped to {self._low:g}-{self._high:g})"

    def text(self, lang: str) -> str:
        """The rule for a reader."""
        if (self._low, self._high) == (0.0, 100.0):
            return say("rule_identity", lang)
        return say(
            "rule_identity_scale", lang, low=number(self._low, lang), high=number(self._high, lang)
        )


class Goalposts(RuleBase):
    """Linear between two goalposts, clipped; ``direction`` says which end is best."""

    type: Literal["goalposts"]
    low: float
    high: float
    direction: Direction = "higher"

    def apply(self, values: Array) -> Array:
        """0 at the worst goalpost, 100 at the best, linear between and clipped."""
        import numpy as np

        x = np.asarray(values, dtype=float)
        frac = (x - self.low) / (self.high - self.low)
        if self.direction == "lower":
            frac = 1.0 - frac
        return np.clip(frac * 100.0, 0.0, 100.0)

    def _ends(self) -> tuple[float, float]:
        if self.direction == "higher":
            return self.low, self.high
        return self.high, self.low

    def explain(self) -> str:
        """One-line description for explanations."""
        worst, best = self._ends()
        return f"goalposts: {worst:g} scores 0, {best:g} scores 100, linear and clipped"

    def text(self, lang: str) -> str:
        """The rule for a reader."""
        worst, best = self._ends()
        return say("rule_goalposts", lang, worst=number(worst, lang), best=number(best, lang))


@rule_check("goalposts-equal", "goalposts-unordered")
def goalposts_apart(doc: Document, path: Path, rule: dict[str, Any]) -> Iterator[Issue]:
    """Goalposts differ, the low one first (direction says which end is best)."""
    lo, hi = num(rule.get("low")), num(rule.get("high"))
    if lo is None or hi is None:
        return
    if lo == hi:
        yield doc.issue(path, "goalposts-equal", f"low and high are both {lo:g}", value=lo)
    elif lo > hi and rule.get("direction") == "lower":
        # The writer already said small values are better and took low and high for the worst
        # and best values: the hint to add a direction would send them round in a circle.
        smaller, larger = _as_yaml(rule.get("high")), _as_yaml(rule.get("low"))
        yield doc.issue(
            path,
            "goalposts-unordered",
            "low must be below high whatever the direction: low is the smaller goalpost and "
            f"high the larger (write low: {smaller}, high: {larger})",
            variant="direction",
            low=lo,
            high=hi,
            smaller=smaller,
            larger=larger,
        )
    elif lo > hi:
        yield doc.issue(
            path,
            "goalposts-unordered",
            "low must be below high (use direction: lower to reward small values)",
            low=lo,
            high=hi,
        )


def _as_yaml(value: object) -> str:
    """A goalpost as the rubric's YAML writes it (``200``, ``0.5``): the text a hint asks to
    type, never a language's number format (``1.000`` is 1 in YAML)."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


class ValueBand(Frozen):
    """A range of raw values that earns a fixed score; open ends when min/max are absent."""

    min: float | None = None
    max: float | None = None
    score: Score


class Bands(RuleBase):
    """Fixed scores for ranges of the raw value (``min`` inclusive, ``max`` exclusive)."""

    type: Literal["bands"]
    bands: tuple[ValueBand, ...] = Field(min_length=1)

    def apply(self, values: Array) -> Array:
        """The score of the band each value falls in; NaN where it falls in none."""
        import numpy as np

        x = np.asarray(values, dtype=float)
        out = np.full(x.shape, np.nan)
        for band in self.bands:
            lo = -np.inf if band.min is None else band.min
            hi = np.inf if band.max is None else band.max
            mask = (x >= lo) & (x < hi) & np.isnan(out)
            out[mask] = band.score
        return out

    def interval(self, lo: Array, hi: Array) -> tuple[Array, Array]:
        """Bands may score in any order: every band the interval touches counts."""
        import numpy as np

        found = np.stack(
            [
                np.where(
                    (lo < (np.inf if b.max is None else b.max))
                    & (hi >= (-np.inf if b.min is None else b.min)),
                    b.score,
                    np.nan,
                )
                for b in self.bands
            ]
        )
        return np.fmin.reduce(found, axis=0), np.fmax.reduce(found, axis=0)

    def explain(self) -> str:
        """One-line description for explanations."""
        parts = []
        for b in self.bands:
            lo = "-inf" if b.min is None else f"{b.min:g}"
            hi = "inf" if b.max is None else f"{b.max:g}"
            parts.append(f"[{lo}, {hi}) -> {b.score:g}")
        return "bands: " + "; ".join(parts)

    def text(self, lang: str) -> str:
        """The rule for a reader."""
        parts = []
        for b in self.bands:
            lo = "−∞" if b.min is None else number(b.min, lang)
            hi = "∞" if b.max is None else number(b.max, lang)
            parts.append(f"[{lo}, {hi}) → {number(b.score, lang)}")
        return say("rule_bands", lang, bands="; ".join(parts))


@rule_check("bands-unordered", "bands-overlap", "bands-gap")
def value_bands(doc: Document, path: Path, rule: dict[str, Any]) -> list[Issue]:
    """Value bands ordered, touching, open only at the ends."""
    return doc.ranges((*path, "bands"), rule.get("bands"), scores=False)


class Target(RuleBase):
    """Distance to a target: 100 within ``tolerance``, falling to 0 over ``span`` beyond it."""

    type: Literal["target"]
    target: float
    tolerance: Annotated[float, Field(ge=0)] = 0.0
    span: Annotated[float, Field(gt=0)]

    def apply(self, values: Array) -> Array:
        """100 within the tolerance of the target, falling linearly to 0 over the span."""
        import numpy as np

        x = np.asarray(values, dtype=float)
        beyond = np.maximum(np.abs(x - self.target) - self.tolerance, 0.0)
        return np.clip(100.0 * (1.0 - beyond / self.span), 0.0, 100.0)

    def interval(self, lo: Array, hi: Array) -> tuple[Array, Array]:
        """A target peaks at the target: its score there (clipped to the interval) counts too."""
        import numpy as np

        found = self.apply(np.stack([lo, hi, np.clip(self.target, lo, hi)]))
        return np.fmin.reduce(found, axis=0), np.fmax.reduce(found, axis=0)

    def explain(self) -> str:
        """One-line description for explanations."""
        return (
            f"distance to target {self.target:g}: 100 within ±{self.tolerance:g}, "
            f"0 beyond ±{self.tolerance + self.span:g}"
        )

    def text(self, lang: str) -> str:
        """The rule for a reader."""
        return say(
            "rule_target",
            lang,
            target=number(self.target, lang),
            tolerance=number(self.tolerance, lang),
            far=number(self.tolerance + self.span, lang),
        )


class Cohort(RuleBase):
    """Normalised across the missions compared (min-max unless stated); scored by compare()."""

    type: Literal["cohort"]
    direction: Direction = "higher"
    method: Literal["minmax", "zscore", "rank", "percentile"] = "minmax"
    cohort: ClassVar[bool] = True

    def apply(self, values: Array) -> Array:
        """Never: a cohort rule needs every mission's value (see compare())."""
        raise TypeError("a cohort rule is applied by compare() across the missions")

    def explain(self) -> str:
        """One-line description for explanations."""
        return f"cohort {self.method} normalisation ({self.direction} is better)"

    def text(self, lang: str) -> str:
        """The rule for a reader."""
        return say(
            "rule_cohort",
            lang,
            method=say(f"method_{self.method}", lang),
            direction=say(f"direction_{self.direction}", lang),
        )


@rule_check("unbounded-scale")
def bounded_normalisation(doc: Document, path: Path, rule: dict[str, Any]) -> Iterator[Issue]:
    """Warn of a normalisation that leaves the 0-100 scale."""
    method = rule.get("method")
    if method in ("zscore", "rank"):
        yield doc.unbounded(
            (*path, "method"), f"a cohort {method} normalisation", variant="cohort", method=method
        )


register_rule(Identity)
register_rule(Goalposts, checks=(goalposts_apart,))
register_rule(Bands, checks=(value_bands,))
register_rule(Target)
register_rule(Cohort, checks=(bounded_normalisation,))

Rule = Annotated[RuleBase, RegisteredRule]
"""A rule field: any registered rule, chosen by its ``type`` when the rubric is validated."""


def apply_rule(rule: RuleBase, value: Array) -> Array:
    """Scores (0-100) for raw values; NaN where a band rule leaves a value uncovered."""
    return rule.apply(value)
