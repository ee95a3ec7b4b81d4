"""Indicator kinds, one module each: the model and how it scores."""

from ovm.indicators.answer import AnswerIndicator, AnswerScores
from ovm.indicators.checklist import ChecklistIndicator, Choice
from ovm.indicators.comparative import ComparativeIndicator
from ovm.indicators.levels import Level, LevelsIndicator
from ovm.indicators.quantitative import QuantitativeIndicator
from ovm.indicators.rules import Bands, Cohort, Goalposts, Identity, Target, ValueBand, apply_rule

__all__ = [
    "AnswerIndicator",
    "AnswerScores",
    "Bands",
    "ChecklistIndicator",
    "Choice",
    "Cohort",
    "ComparativeIndicator",
    "Goalposts",
    "Identity",
    "Level",
    "LevelsIndicator",
    "QuantitativeIndicator",
    "Target",
    "ValueBand",
    "apply_rule",
]
