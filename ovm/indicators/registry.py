"""The registry of indicator kinds and scoring rules: self-contained units looked up by key.

A **kind** (the ``kind:`` of a rubric leaf) is a :class:`KindUnit`: its pydantic model, its
validation checks, how it scores a mission and bootstrap replicates, and how it describes itself
to readers. A **rule** (the ``type:`` of a ``rule:``) is a subclass of :class:`RuleBase`: the
model owns ``apply``, ``interval`` and ``describe``; :class:`RuleUnit` adds its checks. The five
built-in kinds and rules register themselves in their own modules (``import ovm.indicators``
loads them); a new one registers the same way and needs no edit elsewhere::

    register_kind(RatioKind())        # a KindUnit subclass instance
    register_rule(Logistic, checks=(logistic_limits,))

The rubric model dispatches ``kind:`` and ``type:`` through this registry when a rubric is
validated, so a kind registered after import is accepted, and ``ovm schema rubric`` lists it.

Lookups: :func:`kind`, :func:`find_kind`, :func:`kind_of` (a node's unit), :func:`kinds`;
:func:`rule_unit`, :func:`find_rule`, :func:`rules`. What callers ask a kind's unit:

- ``unit.evidence``: where its data comes from: ``answers`` (one answer per mission),
  ``variables`` (mission-level values), ``sites`` (observer checklists), ``nodes`` (other
  nodes' scores over a cohort);
- ``unit.rule(node)`` the node's scoring rule or None; ``unit.cohort_scored(node)``: scored
  only over a cohort (``score()`` leaves it pending and ``compare()`` scores it);
- ``unit.variables(node)``: the variables it reads;
- ``unit.label(lang)``: the kind's name; ``unit.describe(node, lang, rubric)``: how the node's
  value becomes a score; ``unit.formula_text(node, lang)``: how its raw value is computed;
  ``unit.value_text(node, value, lang)``: its raw value as text; ``unit.explain(node)``: the
  rule as a scorecard records it (English, part of the scores format);
- ``unit.compile(node, plan)``: its scorer for one run (see :mod:`ovm.indicators.scoring`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Literal, TypeVar, get_args

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, PydanticKnownError, core_schema

from ovm import i18n
from ovm.indicators._common import Frozen, IndicatorBase
from ovm.indicators.scoring import NodeScorer, Plan
from ovm.indicators.text import Wording, number, pick, say
from ovm.indicators.validation import Check, NodeFn, RubricFn, RuleFn

if TYPE_CHECKING:
    from ovm.indicators.scoring import Array
    from ovm.rubric.model import Rubric

Evidence = Literal["answers", "variables", "sites", "nodes"]
"""Where a kind's data comes from (see the module docstring). The data readers and the
observer form rely on the model of an ``answers`` kind having ``answers()``, ``score_of()``
and ``allow_na`` (as levels and answer do), and on that of a ``sites`` kind being a
:class:`~ovm.indicators.checklist.ChecklistIndicator`."""

M = TypeVar("M", bound=IndicatorBase)
_KEY = re.compile(r"^[a-z][a-z0-9_]*$")


# --- rules ---------------------------------------------------------------------------------


class RuleBase(Frozen):
    """A scoring rule: how raw values become scores on 0-100. Subclasses set ``type``."""

    type: str
    cohort: ClassVar[bool] = False
    """Scored across the missions compared (``compare()``), not by ``apply``; such a rule has
    the ``method`` and ``direction`` of :class:`~ovm.indicators.rules.Cohort`."""

    def apply(self, values: Array) -> Array:
        """Scores (0-100) for raw values; NaN where the rule scores none."""
        raise NotImplementedError

    def interval(self, lo: Array, hi: Array) -> tuple[Array, Array]:
        """The lowest and highest score the rule gives to values in [lo, hi] (NaN: none).

        The ends decide for a monotone rule; rules that are not override this.
        """
        import numpy as np

        found = self.apply(np.stack([lo, hi]))
        # fmin/fmax skip what is not scored; NaN only where nothing in the interval is.
        return np.fmin.reduce(found, axis=0), np.fmax.reduce(found, axis=0)

    def on_scale(self, low: float, high: float) -> RuleBase:
        """The rule for a node whose scores run from ``low`` to ``high`` (its scale); rules
        that give scores on 0-100 whatever the node stay as they are."""
        return self

    def explain(self) -> str:
        """The rule as a scorecard's explanation records it (fixed English)."""
        raise NotImplementedError

    def text(self, lang: str) -> str:
        """The rule for a reader in ``lang``."""
        raise NotImplementedError

    def describe(self, lang: str | None = None) -> str:
        """The rule for a reader in ``lang`` (:meth:`text`); without a language, :meth:`explain`."""
        return self.explain() if lang is None else self.text(lang)


class RuleUnit:
    """A registered rule: its model (which owns apply, interval, describe) and its checks."""

    def __init__(self, model: type[RuleBase], checks: Iterable[Check[RuleFn]] = ()) -> None:
        self.key = _literal(model, "type")
        self.model = model
        self.checks = tuple(checks)

    @property
    def codes(self) -> tuple[str, ...]:
        """Every issue code the rule's checks may emit."""
        return tuple(dict.fromkeys(c for check in self.checks for c in check.codes))


# --- kinds ---------------------------------------------------------------------------------


class KindUnit(Generic[M]):
    """An indicator kind. Subclasses set the class attributes and implement ``explain``,
    ``describe`` and ``compile``; the other methods have defaults that fit most kinds."""

    key: ClassVar[str]
    """The ``kind:`` value; the model's ``kind`` field is ``Literal[key]``."""
    model: type[M]
    evidence: ClassVar[Evidence]
    checks: ClassVar[tuple[Check[NodeFn], ...]] = ()
    """Checks of one node of this kind, as written."""
    rubric_checks: ClassVar[tuple[Check[RubricFn], ...]] = ()
    """Rubric-wide checks this kind owns (references to its nodes from elsewhere)."""
    rule_fields: ClassVar[tuple[str, ...]] = ("rule",)
    """Fields holding a scoring rule (their rule checks run on them)."""
    names: ClassVar[Mapping[str, str]] = {}
    """The kind's name per language when the catalogue has no ``kind_<key>``."""
    formula_is_code: ClassVar[bool] = False
    """Its formula text is an expression to show as code."""

    @property
    def codes(self) -> tuple[str, ...]:
        """Every issue code this kind's checks may emit."""
        found = [c for check in self.checks for c in check.codes]
        found += [c for check in self.rubric_checks for c in check.codes]
        return tuple(dict.fromkeys(found))

    def label(self, lang: str) -> str:
        """The kind's name for a reader."""
        msgid = f"kind_{self.key}"
        if i18n.has(msgid):
            return say(msgid, lang)
        return pick(self.names, lang) if self.names else self.key

    def rule(self, node: M) -> RuleBase | None:
        """The node's scoring rule, if it has one."""
        for name in self.rule_fields:
            value = getattr(node, name, None)
            if isinstance(value, RuleBase):
                return value
        return None

    def cohort_scored(self, node: M) -> bool:
        """Whether the node is scored only over a cohort (pending in ``score()``)."""
        rule = self.rule(node)
        return rule is not None and rule.cohort

    def variables_in(self, data: Mapping[str, Any]) -> Iterable[str]:
        """The variables a node reads, found in its mapping as written (possibly invalid)."""
        return ()

    def variables(self, node: M) -> tuple[str, ...]:
        """The variables a node reads, each once, in order of first use."""
        if type(self).variables_in is KindUnit.variables_in:
            # A kind that reads no variables: dumping the node to say so would build its
            # model's serialiser, which the rubric, read from the cache, does not otherwise need.
            return ()
        return tuple(dict.fromkeys(self.variables_in(node.model_dump(mode="json"))))

    def explain(self, node: M) -> str:
        """How the node's rule reads in a scorecard's explanation (fixed English)."""
        raise NotImplementedError

    def describe(self, node: M, lang: str, rubric: Rubric, *, with_formula: bool = True) -> str:
        """How the node's value becomes a score, for a reader in ``lang``.

        ``with_formula`` false leaves out how the value itself is computed (see
        :meth:`formula_text`) where the description would start with it.
        """
        raise NotImplementedError

    def formula_text(self, node: M, lang: str) -> str | None:
        """How the node's raw value is computed, for a reader; None when there is nothing to say."""
        return None

    def value_text(self, node: M, value: float | str, lang: str) -> Wording:
        """A raw value of the node as text for a reader."""
        if isinstance(value, str):
            return Wording(value)
        return Wording(number(value, lang))

    def compile(self, node: M, plan: Plan) -> NodeScorer:
        """The node's scorer for one run (see :mod:`ovm.indicators.scoring`)."""
        raise NotImplementedError


# --- the registry --------------------------------------------------------------------------

_KINDS: dict[str, KindUnit[Any]] = {}
_RULES: dict[str, RuleUnit] = {}
RESERVED = ("group", "family", "overall")
"""Keys a kind may not take: they name the tree's inner nodes."""


def _literal(model: type[Frozen], field: str) -> str:
    info = model.model_fields.get(field)
    args = get_args(info.annotation) if info is not None else ()
    if len(args) != 1 or not isinstance(args[0], str):
        raise TypeError(f"{model.__name__}.{field} must be a Literal of one string")
    key: str = args[0]
    if not _KEY.match(key):
        raise ValueError(f"{key!r} is not a valid key (lowercase letters, digits, _)")
    return key


def register_kind(unit: KindUnit[Any], *, replace: bool = False) -> KindUnit[Any]:
    """Make a kind available to rubrics, the engine and the writers; returns the unit."""
    key = _literal(unit.model, "kind")
    if key != unit.key:
        raise ValueError(f"unit key {unit.key!r} differs from its model's kind {key!r}")
    if key in RESERVED:
        raise ValueError(f"{key!r} is reserved for groups")
    if key in _KINDS and not replace:
        raise ValueError(f"kind {key!r} is already registered")
    _KINDS[key] = unit
    return unit


def unregister_kind(key: str) -> None:
    """Forget a kind (tests that register their own); KeyError if none."""
    del _KINDS[key]


def register_rule(
    model: type[RuleBase], *, checks: Iterable[Check[RuleFn]] = (), replace: bool = False
) -> RuleUnit:
    """Make a rule type available to rubrics; returns its unit."""
    unit = RuleUnit(model, checks)
    if unit.key in _RULES and not replace:
        raise ValueError(f"rule type {unit.key!r} is already registered")
    _RULES[unit.key] = unit
    return unit


def unregister_rule(key: str) -> None:
    """Forget a rule type (tests that register their own); KeyError if none."""
    del _RULES[key]


def kind(key: str) -> KindUnit[Any]:
    """The unit of a kind; KeyError if none is registered."""
    return _KINDS[key]


def find_kind(key: object) -> KindUnit[Any] | None:
    """The unit of a kind, or None (also for a key that is not a string)."""
    return _KINDS.get(key) if isinstance(key, str) else None


def kind_of(node: IndicatorBase) -> KindUnit[Any]:
    """The unit of an indicator's kind."""
    # Every registered model has a ``kind`` field; the base class cannot declare it without
    # moving it in dumps (and so in a rubric's digest).
    return _KINDS[node.kind]  # type: ignore[attr-defined]


def kinds() -> tuple[KindUnit[Any], ...]:
    """Every registered kind, in registration order (built-ins first)."""
    return tuple(_KINDS.values())


def rule_unit(key: str) -> RuleUnit:
    """The unit of a rule type; KeyError if none is registered."""
    return _RULES[key]


def find_rule(key: object) -> RuleUnit | None:
    """The unit of a rule type, or None."""
    return _RULES.get(key) if isinstance(key, str) else None


def rules() -> tuple[RuleUnit, ...]:
    """Every registered rule type, in registration order."""
    return tuple(_RULES.values())


# --- pydantic: a field whose type is chosen by the registry at validation time --------------


def _validate_rule(value: Any) -> Any:
    if isinstance(value, RuleBase):
        return value
    # The errors pydantic gives for a discriminated union, so messages stay as they were.
    if not isinstance(value, dict):
        raise PydanticKnownError("model_attributes_type")
    if "type" not in value:
        raise PydanticKnownError("union_tag_not_found", {"discriminator": "'type'"})
    unit = find_rule(value["type"])
    if unit is None:
        raise PydanticKnownError(
            "union_tag_invalid",
            {
                "discriminator": "'type'",
                "tag": str(value["type"]),
                "expected_tags": ", ".join(repr(k) for k in _RULES),
            },
        )
    return unit.model.model_validate(value)


class RegisteredRule:
    """Annotation that validates a rule as the registered model its ``type`` names."""

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        """A validator that looks the rule type up when it runs."""
        return core_schema.no_info_plain_validator_function(_validate_rule)

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        """One of the registered rule models, told apart by ``type``."""
        choices: dict[Any, CoreSchema] = {
            key: unit.model.__pydantic_core_schema__ for key, unit in _RULES.items()
        }
        union = core_schema.tagged_union_schema(choices, discriminator="type")
        out: JsonSchemaValue = handler(union)
        return out


__all__ = [
    "RESERVED",
    "Evidence",
    "KindUnit",
    "RegisteredRule",
    "RuleBase",
    "RuleUnit",
    "find_kind",
    "find_rule",
    "kind",
    "kind_of",
    "kinds",
    "register_kind",
    "register_rule",
    "rule_unit",
    "rules",
    "unregister_kind",
    "unregister_rule",
]
