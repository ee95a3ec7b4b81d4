"""Indicator kinds and scoring rules, one module each, registered by key (see ``registry``).

Importing this package registers the built-in kinds (levels, answer, checklist, quantitative,
comparative) and rules (identity, goalposts, bands, target, cohort). It also exports the field
types and base models every node shares, for the rubric and for kinds defined elsewhere.
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
from ovm.indicators._common import (
    DEFAULT_SCALE,
    ID_PATTERN,
    NAME_PATTERN,
    Addressee,
    Band,
    Condition,
    Frozen,
    IndicatorBase,
    Key,
    Lang,
    NodeBase,
    NodeId,
    NonEmpty,
    Priority,
    RecommendationTemplate,
    Scale,
    Score,
    Source,
    Text,
    VarName,
    build_validators,
)
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
    "DEFAULT_SCALE",
    "ID_PATTERN",
    "NAME_PATTERN",
    "Addressee",
    "AnswerIndicator",
    "AnswerScores",
    "Band",
    "Bands",
    "ChecklistIndicator",
    "Choice",
    "Cohort",
    "ComparativeIndicator",
    "Condition",
    "Frozen",
    "Goalposts",
    "Identity",
    "IndicatorBase",
    "Key",
    "KindUnit",
    "Lang",
    "Level",
    "LevelsIndicator",
    "NodeBase",
    "NodeId",
    "NonEmpty",
    "Priority",
    "QuantitativeIndicator",
    "RecommendationTemplate",
    "RuleBase",
    "Scale",
    "Score",
    "Source",
    "Target",
    "Text",
    "ValueBand",
    "VarName",
    "apply_rule",
    "build_validators",
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
