"""Indicator kinds and scoring rules, one module each, registered by key (see ``registry``).

Importing this package registers the built-in kinds (levels, answer, checklist, quantitative,
comparative) and rules (identity, goalposts, bands, target, cohort).
"""

# isort: off
# Modules register their kind on import: this order is the one the schema, messages and writers
# list kinds in.
from ovm.indicators.levels import Level, LevelsIndicator
from ovm.indicators.answer import AnswerIndicator, AnswerScores
from ovm.indicators.checklist import ChecklistIndicator, Choice
from ovm.indicators.quantitative import QuantitativeIndicator
from ovm.indicators.comparative import ComparativeIndicator

# isort: on
from ovm.indicators.registry import (
    KindUnit,
    RuleBase,
    find_kind,
    find_rule,
    kind,
    kind_of,
    kinds,
    register_kind,
    register_rule,
    rule_unit,
    rules,
)
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
    "KindUnit",
    "Level",
    "LevelsIndicator",
    "QuantitativeIndicator",
    "RuleBase",
    "Target",
    "ValueBand",
    "apply_rule",
    "find_kind",
    "find_rule",
    "kind",
    "kind_of",
    "kinds",
    "register_kind",
    "register_rule",
    "rule_unit",
    "rules",
]
