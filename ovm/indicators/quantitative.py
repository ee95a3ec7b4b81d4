"""Quantitative indicator: a formula over declared variables, then a scoring rule."""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from ovm.indicators._common import IndicatorBase, NonEmpty
from ovm.indicators.rules import Rule
from ovm.rubric import formula
from ovm.rubric.formula import Expr


@lru_cache(maxsize=4096)
def parsed(text: str) -> Expr:
    """The parsed tree of a formula (cached; raises FormulaSyntaxError)."""
    return formula.parse(text)


class QuantitativeIndicator(IndicatorBase):
    """A value computed from mission-level variables (votes / registered * 100), then scored."""

    kind: Literal["quantitative"]
    formula: NonEmpty
    rule: Rule

    def expression(self) -> Expr:
        """The parsed formula."""
        return parsed(self.formula)
