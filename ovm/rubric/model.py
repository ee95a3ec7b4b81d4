"""The rubric: the observation methodology as a tree of families, groups and indicators."""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import typing
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal, Self, Union

import yaml
from pydantic import BaseModel, Field, GetCoreSchemaHandler, GetJsonSchemaHandler, ValidationError
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, PydanticCustomError, core_schema

from ovm.errors import Issue, PathPart, RubricError, check_error, sort_issues
from ovm.i18n import faithful_digits
from ovm.indicators import (
    DEFAULT_SCALE,
    ID_PATTERN,
    NAME_PATTERN,
    Band,
    Frozen,
    IndicatorBase,
    Lang,
    NodeBase,
    NodeId,
    NonEmpty,
    Scale,
    Source,
    Text,
    VarName,
    build_validators,
    registry,
)
from ovm.indicators.answer import AnswerIndicator
from ovm.indicators.checklist import ChecklistIndicator, Stat
from ovm.indicators.comparative import ComparativeIndicator
from ovm.indicators.levels import LevelsIndicator
from ovm.indicators.quantitative import QuantitativeIndicator
from ovm.indicators.text import pick as pick
from ovm.indicators.validation import as_written, quoted
from ovm.nearest import FIELD_CUTOFF, closest, swapped
from ovm.rubric import formula as formula_mod
from ovm.yamldoc import YamlDoc, parse_yaml, plain_scalar, read_text

FORMAT_VERSION = 1
BUNDLED = ("deco-voting-abroad",)
_RUBRICS = Path(__file__).parent.parent / "rubrics"
"""Where the bundled rubrics are: the package ``ovm.rubrics``, beside this one (found by
path, where importlib.resources would find it after importing its readers)."""

PLACE_DIGITS = 9
"""The decimals that fix a place along a range of width 1 to 1000 (a score put on a comparison's
output range, the edge of a band put there): what the arithmetic leaves beyond them is float
residue, not a place (60 on 0-100 put on 1-10 gives 6.3999999999999995, which is the place
6.4). A narrower range keeps as many significant digits of its width, a wider one as many as a
range of 1000 does, 12 (:func:`place_digits`)."""


def place_digits(span: tuple[float, float]) -> int:
    """The decimals that fix a place along ``span``: :data:`PLACE_DIGITS` along a range 1 to
    1000 wide, more along a narrower one (a range of width 1e-9 has its bands 2e-10 apart, which
    nine decimals would merge), fewer along a wider one (where the float's own digits end)."""
    width = abs(span[1] - span[0])
    if not width or not math.isfinite(width):
        return PLACE_DIGITS
    order = math.floor(math.log10(width))
    return PLACE_DIGITS - order if order < 0 else PLACE_DIGITS - max(0, order - 2)


def range_place(score: float, span: tuple[float, float]) -> float:
    """A score as it lies along ``span``, the range it was put on: rounded to
    :func:`place_digits`, as a comparison stores it and as :meth:`Rubric.band_at` reads it, so
    that a score on a band's edge is on it in every output (the raw number, its band, its
    colour)."""
    return round(score, place_digits(span))


def along(value: float, source: tuple[float, float], target: tuple[float, float]) -> float:
    """The place ``value`` has along the range ``source`` (low, high), at the same place along
    ``target``: 60 on 0-100 is 6.4 on 1-10, and 6.4 on 1-10 is 60 on 0-100. Rounded as
    :func:`range_place` rounds it. The one place the comparison's output range is worked out: a
    score put there, the band edges a report and a workbook show there, and the way back."""
    lo, hi = source
    return range_place(target[0] + (value - lo) / (hi - lo) * (target[1] - target[0]), target)


_edge_along = lru_cache(maxsize=4096)(along)
"""A band's edge along a range, each worked out once: a cohort's cells ask for the same few."""


Aggregation = Literal["arithmetic", "geometric", "harmonic", "generalised", "minimum", "sum"]
VarType = Literal["count", "number", "share", "percent", "days", "boolean"]

Indicator = Union[
    LevelsIndicator,
    AnswerIndicator,
    ChecklistIndicator,
    QuantitativeIndicator,
    ComparativeIndicator,
]
"""The built-in kinds, for code that tells them apart by type. A leaf of a rubric is an
instance of any registered kind's model (an :class:`IndicatorBase`): ask its unit
(:func:`ovm.indicators.registry.kind_of`) rather than its type."""


class Reference(Frozen):
    """A public source the methodology builds on."""

    id: NodeId
    title: NonEmpty
    author: NonEmpty | None = None
    publisher: NonEmpty | None = None
    year: int | None = None
    url: NonEmpty | None = None


class FromSites(Frozen):
    """A mission-level variable aggregated from observer site rows."""

    question: NodeId
    stat: Stat = "share"


class Variable(Frozen):
    """A mission-level quantity declared once and used by formulas."""

    name: VarName
    labels: Text
    description: Text = Field(default_factory=dict)
    unit: Text | NonEmpty
    """The unit, in each of the rubric's languages (``{en: votes, es: votos}``) or one word."""
    unit_one: Text | NonEmpty | None = None
    """The unit after a value of exactly 1 (``{en: day, es: día}``), where it differs."""
    unit_is_name: bool = False
    """The unit names what the number is (a ratio, an index, a share) rather than what it
    counts or measures: written before the number ("ratio of 1.2"), a measure after it."""
    type: VarType = "number"
    source: Source
    minimum: float | None = None
    maximum: float | None = None
    at_most: VarName | Annotated[tuple[VarName, ...], Field(min_length=1)] | None = None
    """The variable, or the variables, this one cannot exceed (votes abroad <= registered)."""
    from_sites: FromSites | None = None
    allow_na: bool = False
    """A mission may give it as not applicable (postal ballots where no postal vote is offered);
    elsewhere ``na`` is refused: a count that is not published is missing, not inapplicable."""

    @property
    def limits(self) -> tuple[str, ...]:
        """The variables this one cannot exceed, one or several written in ``at_most``."""
        if self.at_most is None:
            return ()
        return (self.at_most,) if isinstance(self.at_most, str) else self.at_most

    def unit_text(self, lang: str = "en", value: object = None) -> str:
        """The unit in ``lang`` (falls back to English); after ``value`` 1, its singular."""
        from ovm.indicators.text import unit_words

        return unit_words(self.unit, self.unit_one, lang, value)


def _node_tag(value: Any) -> str:
    if isinstance(value, dict):
        kind = value.get("kind")
        if kind is None:
            return "group"
        return str(kind)
    kind = getattr(value, "kind", None)
    return "group" if kind is None else str(kind)


def _validate_node(value: Any) -> Any:
    if isinstance(value, Group | IndicatorBase):
        return value
    tag = _node_tag(value)
    if tag == "group":
        return Group.model_validate(value)
    unit = registry.find_kind(tag)
    if unit is None:
        raise PydanticCustomError("unknown-kind", "unknown kind")
    return unit.model.model_validate(value)


class RegisteredNode:
    """Annotation that validates a node as a group or as the registered kind it names.

    The kind is looked up when a rubric is validated, so a kind registered after import is
    accepted; the JSON Schema lists the kinds registered when it is generated.
    """

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        """A validator that looks the kind up when it runs."""
        return core_schema.no_info_plain_validator_function(_validate_node)

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        """One of a group and the registered kinds."""
        # The group by reference: its own schema holds this one, and is generated once.
        group = core_schema.definition_reference_schema(Group.__pydantic_core_schema__["ref"])
        members: dict[Any, CoreSchema] = {"group": group} | {
            unit.key: unit.model.__pydantic_core_schema__ for unit in registry.kinds()
        }
        # Told apart by a function (a group may leave its kind out): one of, without a mapping.
        out: JsonSchemaValue = handler(core_schema.tagged_union_schema(members, _node_tag))
        return out


Node = Annotated[Union["Group", Indicator], RegisteredNode]
"""A node of the tree; typed as the built-in kinds, validated as any registered one."""


class Group(NodeBase):
    """A family or sub-group: aggregates its children's scores."""

    kind: Literal["group"] = "group"
    aggregation: Aggregation = "arithmetic"
    power: float | None = None
    min_coverage: Annotated[float, Field(ge=0, le=1)] = 0.5
    formula: NonEmpty | None = None
    """The group's value as a formula over nodes (``value(x)``, ``score(x)``, ``band(x)``,
    ``rating(x)``) instead of an aggregation of its children."""
    children: tuple[Node, ...] = ()


@dataclass(frozen=True)
class Placed:
    """A node with where it sits in the tree."""

    node: Group | Indicator
    parent: str
    depth: int
    path: tuple[PathPart, ...]


class Rubric(Frozen):
    """A versioned observation methodology: families of indicators, variables and references."""

    ovm_rubric: Literal[1] = 1
    id: NodeId
    version: NonEmpty
    title: Text
    description: Text = Field(default_factory=dict)
    languages: tuple[Lang, ...] = ("en", "es")
    references: tuple[Reference, ...] = ()
    bands: tuple[Band, ...] = ()
    aggregation: Aggregation = "arithmetic"
    power: float | None = None
    min_coverage: Annotated[float, Field(ge=0, le=1)] = 0.5
    variables: tuple[Variable, ...] = ()
    headline: NodeId | None = None
    """What the overall is: a node's id (the overall is that node's result, on its scale),
    ``none`` (no overall), or absent (the families aggregated)."""
    families: tuple[Group, ...] = Field(min_length=1)

    def walk(self) -> Iterator[Placed]:
        """Every node, depth first, parents before children."""

        def rec(
            node: Group | Indicator, parent: str, depth: int, path: tuple[PathPart, ...]
        ) -> Iterator[Placed]:
            yield Placed(node, parent, depth, path)
            if isinstance(node, Group):
                for i, child in enumerate(node.children):
                    yield from rec(child, node.id, depth + 1, (*path, "children", i))

        for i, fam in enumerate(self.families):
            yield from rec(fam, "overall", 1, ("families", i))

    @cached_property
    def nodes(self) -> dict[str, Placed]:
        """Nodes by id (the first one when ids repeat in an unvalidated rubric)."""
        out: dict[str, Placed] = {}
        for placed in self.walk():
            out.setdefault(placed.node.id, placed)
        return out

    def indicators(self) -> list[Indicator]:
        """Every leaf, in tree order."""
        return [p.node for p in self.walk() if not isinstance(p.node, Group)]

    def node(self, node_id: str) -> Group | Indicator:
        """The node with this id; KeyError if none."""
        return self.nodes[node_id].node

    def variable(self, name: str) -> Variable:
        """The declared variable with this name; KeyError if none."""
        for v in self.variables:
            if v.name == name:
                return v
        raise KeyError(name)

    def family_of(self, node_id: str) -> str:
        """The id of the family a node belongs to."""
        placed = self.nodes[node_id]
        while placed.depth > 1:
            placed = self.nodes[placed.parent]
        return placed.node.id

    def bands_for(self, node: Group | Indicator | None) -> tuple[Band, ...]:
        """The bands that label a node: its own, else the rubric's when the node is on the
        0-100 scale they are written for (the overall: its headline node's)."""
        if node is None and self.headline_node is not None:
            node = self.headline_node
        if node is not None and node.bands:
            return node.bands
        if node is not None and not node.scale_or_default.is_default():
            return ()
        return self.bands

    def band_at(
        self,
        node: Group | Indicator | None,
        score: float,
        span: tuple[float, float] | None = None,
    ) -> Band | None:
        """The band a node's score falls in (``node`` None: the overall's), if any.

        ``span``: the range the score was put on (a comparison's output range, 1-10 say), where
        it is not the node's own scale: the band is the one whose edges, put at their place
        along that range (:func:`along`), hold the score's place there (:func:`range_place`), so
        that a mission's band does not depend on the range asked for."""
        scale = self.scale_for(node)
        own = (scale.min, scale.max)
        if span is not None and span != own:
            lo, hi = span
            if not lo <= score <= hi:
                return None
            # The score's place against the bands' edges put on the range, as the legend and
            # the workbook's colours give them: 6.4 is on the edge 60 puts at 6.4.
            score, top = range_place(score, span), _edge_along(scale.max, own, span)
            for band in self.bands_for(node):
                if band.contains(score, top, lambda e: _edge_along(e, own, span)):
                    return band
            return None
        for band in self.bands_for(node):
            if band.contains(score, scale.max):
                return band
        return None

    def shown_digits(
        self,
        node: Group | Indicator | None,
        score: float,
        digits: int = 1,
        span: tuple[float, float] | None = None,
    ) -> int:
        """The decimals that show a node's score inside its own band: ``digits``, or more
        where rounding would carry the figure into the next band (see
        :func:`ovm.i18n.faithful_digits`). ``span``: the range the score was put on, as
        :meth:`band_at` takes it (its bands' edges are then along that range)."""
        band = self.band_at(node, score, span)
        if band is None:
            return digits
        if span is None:
            top = self.scale_for(node).max
            return faithful_digits(score, digits, lambda r: bool(band.contains(r, top)))
        return faithful_digits(score, digits, lambda r: self.band_at(node, r, span) == band)

    @property
    def headline_node(self) -> Group | Indicator | None:
        """The node the overall stands for, if the rubric names one."""
        if self.headline is None or self.headline == "none":
            return None
        placed = self.nodes.get(self.headline)
        return None if placed is None else placed.node

    def scale_for(self, node: Group | Indicator | None) -> Scale:
        """The scale of a node's scores (``node`` None: the overall's), as :meth:`scale_of`."""
        return self.scale_of("overall") if node is None else node.scale_or_default

    def scale_of(self, node_id: str) -> Scale:
        """The scale of a node's scores (``overall``: its headline's, else 0-100)."""
        if node_id == "overall":
            head = self.headline_node
            return DEFAULT_SCALE if head is None else head.scale_or_default
        return self.node(node_id).scale_or_default

    def keeps_scale(self, node_id: str) -> bool:
        """Whether a cohort normalisation asked of a comparison leaves this node's scores as
        they are: a node on a scale of its own (items scored 0-4, the sums and ratings written
        on them). Put onto the output range, its scores would no longer add up to the sums its
        group's bands are written for. ``compare()`` and the sensitivity analysis both ask here.
        """
        return not self.scale_of(node_id).is_default()

    @cached_property
    def group_formulas(self) -> dict[str, formula_mod.Expr]:
        """The parsed formula of each formula group, by the group's id: parsed once, read
        for every mission the rubric scores."""
        return {
            placed.node.id: formula_mod.parse(placed.node.formula)
            for placed in self.walk()
            if isinstance(placed.node, Group) and placed.node.formula is not None
        }

    @cached_property
    def references_of(self) -> dict[str, tuple[formula_mod.Ref, ...]]:
        """The node references in each formula that reads other nodes (a formula group's, a
        quantitative indicator's), by the formula's node id."""
        out: dict[str, tuple[formula_mod.Ref, ...]] = {}
        groups = self.group_formulas
        for placed in self.walk():
            node = placed.node
            if isinstance(node, Group) and node.formula is not None:
                out[node.id] = tuple(formula_mod.refs(groups[node.id]))
            elif isinstance(node, QuantitativeIndicator):
                found = tuple(formula_mod.refs(node.expression()))
                if found:
                    out[node.id] = found
        return out

    @cached_property
    def evaluation_order(self) -> tuple[str, ...]:
        """Every node id, each after its children and after the nodes its formula reads.

        Without formulas this is the tree's post-order (children first, in order).
        """
        order: list[str] = []
        done: set[str] = set()
        active: set[str] = set()

        def visit(node: Group | Indicator) -> None:
            if node.id in done or node.id in active:
                return  # a cycle: refused when the rubric is validated
            active.add(node.id)
            if isinstance(node, Group):
                for child in node.children:
                    visit(child)
            for ref in self.references_of.get(node.id, ()):
                if ref.node in self.nodes:
                    visit(self.nodes[ref.node].node)
            active.discard(node.id)
            done.add(node.id)
            order.append(node.id)

        for fam in self.families:
            visit(fam)
        return tuple(order)

    @cached_property
    def aggregation_order(self) -> tuple[str, ...]:
        """The order groups are aggregated in across a cohort: :attr:`evaluation_order` when
        a formula reads nodes, else the reversed pre-order, the order a seed's weight draws
        have always been given to groups in."""
        if self.references_of:
            return self.evaluation_order
        return tuple(p.node.id for p in reversed(list(self.walk())))

    def label(self, node_id: str, lang: str = "en") -> str:
        """A node's label in ``lang``, falling back to English."""
        if node_id == "overall":
            return pick(self.title, lang)
        return pick(self.node(node_id).labels, lang)

    def namer(self, lang: str) -> Callable[[str], str]:
        """How a sentence in ``lang`` names a node: by its label in ``lang`` (punctuated as
        the language writes it, else in English), the overall by the catalogue's word, an id
        the rubric does not hold as it is given; as the reports name them."""
        from ovm.i18n import gettext
        from ovm.indicators.text import wording

        def name(node_id: str) -> str:
            if node_id == "overall":
                return gettext("overall", lang)
            placed = self.nodes.get(node_id)
            return node_id if placed is None else wording(placed.node.labels, lang).text

        return name

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Self:
        """A copy of the rubric. With ``update``, what was computed from the old fields (the
        digest, the node index, the orders) is left behind, so the copy computes its own: a
        copy with other weights must not carry the original's digest."""
        copied = super().model_copy(update=update, deep=deep)
        if update:
            for name in _CACHED:
                copied.__dict__.pop(name, None)
        return copied

    def digest(self) -> str:
        """SHA-256 of the rubric's canonical JSON: identifies exactly this methodology."""
        return self.canonical_digest

    @cached_property
    def canonical_digest(self) -> str:
        """:meth:`digest`, computed once: the rubric never changes, and scoring, comparing and
        every writer that names the rubric ask for it."""
        data = _without_unset_extensions(self.model_dump(mode="json", by_alias=True))
        for variable in data.get("variables", ()):
            for k, unset in _VARIABLE_EXTENSIONS.items():
                if k in variable and variable[k] is unset:
                    del variable[k]
        blob = json.dumps(data, sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()


_CACHED = tuple(name for name, value in vars(Rubric).items() if isinstance(value, cached_property))

_EXTENSIONS: dict[str, object] = {
    "scale": None,
    "subtracts": False,
    "from": None,
    "to": None,
    "formula": None,
    "headline": None,
    "above": None,
    "unit_one": None,
    "unit_is_name": False,
}
"""Fields added to the format after its first digests, with the value that means "not used":
left out of the digest at that value, so a rubric that does not use them keeps its digest."""

_VARIABLE_EXTENSIONS: dict[str, object] = {"allow_na": False}
"""Fields of a variable added after its first digests, as :data:`_EXTENSIONS` (``allow_na``
keeps its digested value on the indicators that had it first)."""


def _without_unset_extensions(data: Any) -> Any:
    if isinstance(data, dict):
        return {
            k: _without_unset_extensions(v)
            for k, v in data.items()
            if not (k in _EXTENSIONS and v is _EXTENSIONS[k])
        }
    if isinstance(data, list):
        return [_without_unset_extensions(v) for v in data]
    return data


# --- loading -------------------------------------------------------------------------------

_FIELD_CODES = {
    "weight": "invalid-weight",
    "id": "invalid-id",
    "name": "invalid-name",
    "min_coverage": "invalid-coverage",
    "languages": "invalid-language",
}

_TYPE_CODES = {
    "missing": "missing-field",
    "extra_forbidden": "unknown-field",
    "literal_error": "invalid-choice",
    "enum": "invalid-choice",
    "unknown-kind": "unknown-kind",
    "union_tag_invalid": "unknown-kind",
    "union_tag_not_found": "unknown-kind",
    "string_pattern_mismatch": "invalid-format",
    "too_short": "too-short",
    "greater_than": "out-of-range",
    "greater_than_equal": "out-of-range",
    "less_than": "out-of-range",
    "less_than_equal": "out-of-range",
}


def _clean_loc(loc: tuple[Any, ...], data: Any) -> tuple[PathPart, ...]:
    """Drop the members of plain unions (a text or a dict of texts) from a pydantic location.

    Nodes and rules are validated as the registered model their kind or type names, so no
    union tag names a member there.
    """
    out: list[PathPart] = []
    cur = data
    for part in loc:
        if (isinstance(cur, dict) and part in cur) or (
            isinstance(cur, list) and isinstance(part, int) and 0 <= part < len(cur)
        ):
            cur = cur[part]
        elif isinstance(part, str) and (
            "[" in part or "function-" in part or part == "constrained-str"
        ):
            continue
        else:
            cur = None
        out.append(part)
    return tuple(out)


SCHEMA_ERROR_VARIANTS = {
    "greater_than": "gt",
    "greater_than_equal": "ge",
    "less_than": "lt",
    "less_than_equal": "le",
    "string_pattern_mismatch": "pattern",
    "too_short": "too_short",
    "string_too_short": "empty",
    "literal_error": "choice",
    "enum": "choice",
    "union_tag_invalid": "tag",
    "union_tag_not_found": "no_tag",
    "invalid_key": "key",
    "int_type": "integer",
    "int_parsing": "integer",
    "int_from_float": "integer",
    "float_type": "number",
    "float_parsing": "number",
    "finite_number": "finite",
    "bool_type": "boolean",
    "bool_parsing": "boolean",
    "string_type": "text",
    "list_type": "list",
    "tuple_type": "list",
    "dict_type": "mapping",
    "model_type": "mapping",
    "model_attributes_type": "mapping",
}
"""The sentence ovm says for each kind of schema error, by name: the ``variant`` of the
issue's catalogue entry (``issue_<code>_<variant>``), whatever the schema library's text."""

SCHEMA_WORDINGS: dict[str, frozenset[str]] = {
    "invalid-value": frozenset(
        {
            "integer",
            "number",
            "decimal_comma",
            "finite",
            "boolean",
            "text",
            "empty",
            "list",
            "mapping",
            "key",
        }
    ),
    "invalid-weight": frozenset({"gt", "number", "decimal_comma", "finite"}),
    "invalid-coverage": frozenset({"ge", "le", "number", "decimal_comma", "finite"}),
    "invalid-id": frozenset({"pattern", "pattern_meant", "text"}),
    "invalid-name": frozenset({"pattern", "pattern_meant", "text", "empty"}),
    "invalid-language": frozenset({"list"}),
    "out-of-range": frozenset({"gt", "ge", "le"}),
    "invalid-format": frozenset({"pattern"}),
    "too-short": frozenset({"too_short"}),
    "invalid-choice": frozenset({"choice", "choice_meant", "choice_level"}),
    "unknown-kind": frozenset({"tag", "tag_meant", "no_tag"}),
}
"""The schema errors each code has a sentence for; any other is said as ``other`` (a value
this field does not take)."""


def _level_choice(err: Any, allowed: list[str]) -> bool:
    """Whether a choice refused is a confidence level (missions.yaml, ovm.yaml), which reads
    the level in the team's language too (:data:`ovm.nearest.CHOICE_WORDS`)."""
    loc: tuple[Any, ...] = tuple(err.get("loc") or ())
    return bool(loc) and loc[-1] == "confidence" and allowed == ["high", "medium", "low"]


def _listed(text: object) -> list[str]:
    """The values a schema error lists ("'a', 'b' or 'c'"), as written in the rubric."""
    return [v.strip("'") for v in re.split(r", | or ", str(text or "")) if v]


def schema_params(err: Any, code: str) -> dict[str, object]:
    """The parts of a schema error's sentence by name, with the ``variant`` that says it.

    A check of ovm's own (:class:`~ovm.errors.CheckError`) names its sentence itself."""
    check = check_error(err)
    if check is not None and code == "invalid-value":
        return check.issue_params()
    variant = SCHEMA_ERROR_VARIANTS.get(err["type"], "other")
    if variant not in SCHEMA_WORDINGS.get(code, ()):
        variant = "other"
    meant = decimal_comma(err) if variant == "number" else None
    if meant is not None:
        return {"variant": "decimal_comma", "text": str(err["input"]).strip(), "meant": meant}
    ctx = err.get("ctx") or {}
    params: dict[str, object] = {"variant": variant}
    if variant in ("gt", "ge", "lt", "le"):
        params["bound"] = ctx.get(variant)
    elif variant == "pattern":
        params["pattern"] = ctx.get("pattern")
        if code in _SPELT:
            params |= _spelling(code, str(err.get("input", "")))
    elif variant == "too_short":
        params |= {"n": ctx.get("min_length"), "got": ctx.get("actual_length")}
    elif variant == "empty":
        params["n"] = ctx.get("min_length")
    elif variant == "choice":
        allowed = _listed(ctx.get("expected"))
        params |= meant_choice(err) or {"allowed": allowed, "n": len(allowed)}
        if params["variant"] == "choice" and _level_choice(err, allowed):
            # a mission team may write the level in its language (alta, élevée): said so
            params["variant"] = "choice_level"
    elif variant in ("tag", "no_tag"):
        params["field"] = str(ctx.get("discriminator", "")).strip("'")
        if variant == "tag":
            allowed = _listed(ctx.get("expected_tags"))
            params |= {"tag": ctx.get("tag"), "allowed": allowed, "n": len(allowed)}
            meant = closest(str(ctx.get("tag")), allowed) if len(allowed) > 1 else None
            if meant is not None:
                params |= {"variant": "tag_meant", "meant": meant}
    return params


_SPELT = {"invalid-id": ID_PATTERN, "invalid-name": NAME_PATTERN}
"""The patterns of the rubric's ids and names, which ovm says in words (what they are made of),
with the id or name meant when one is near, rather than as the pattern."""


def _spelling(code: str, text: str) -> dict[str, object]:
    """The parts of an id's or a name's sentence: the text as written (cut at 60 characters)
    and, when writing it as ids or names are written gives one (``Trial-Rubric``:
    ``trial-rubric``; ``VotesAbroad`` or ``votes abroad``: ``votes_abroad``), that one."""
    shown = text if len(text) <= 60 else text[:59] + "…"
    if code == "invalid-name":
        # A name in camel case or with blanks or hyphens, as in a spreadsheet's header.
        meant = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", text.strip())
        meant = re.sub(r"[\s-]+", "_", meant).lower()
    else:
        # An id's blank could stand for '.', '_' or '-': only a capital is taken as a slip.
        meant = text.lower()
    if shown == text and meant != text and re.fullmatch(_SPELT[code], meant):
        return {"variant": "pattern_meant", "text": shown, "meant": meant}
    return {"text": shown}


SPELLING_VARIANTS = frozenset({"gt", "ge", "lt", "le", "pattern", "pattern_meant"})
"""The schema errors of a value out of its bounds or not written as the field's ids or names
are, which ovm says in its own words in English too: the schema's text gives the bound in its
own words and the pattern as a regular expression."""


def spelling_words(code: str, params: Mapping[str, object]) -> str | None:
    """The English sentence of a schema error of a value's bounds or spelling (``params`` from
    :func:`schema_params`): the catalogue's, as every other language says it; None for an
    error of another kind, or a pattern ovm has no words for."""
    variant = params.get("variant")
    if variant not in SPELLING_VARIANTS or (variant == "pattern" and "text" not in params):
        return None
    from ovm.i18n import coded

    return coded("issue", code, params, "en")


TYPE_VARIANTS = frozenset(
    {"integer", "number", "finite", "boolean", "text", "list", "mapping", "empty"}
)
"""The schema errors of a value of the wrong type (or a text left empty), which ovm says in its
own words in English too: the schema's text names the schema's types (a tuple, a dictionary, an
instance of a model, a string), not what a user writes."""


def type_words(code: str, params: Mapping[str, object]) -> str | None:
    """The English sentence of a schema error of a value's type (``params`` from
    :func:`schema_params`): the catalogue's, as every other language says it; None for an
    error of another kind."""
    if params.get("variant") not in TYPE_VARIANTS:
        return None
    from ovm.i18n import coded

    return coded("issue", code, params, "en")


CHOICE_VARIANTS = frozenset({"choice", "choice_level", "tag", "tag_meant", "no_tag"})
"""The schema errors of a value that is none of a field's choices (a rule's ``type`` among
them), which ovm says in its own words in English too, naming the choices: the schema's text
quotes each choice and says nothing of the one meant."""


def choice_words(code: str, params: Mapping[str, object]) -> str | None:
    """The English sentence of a schema error of a value none of a field's choices (``params``
    from :func:`schema_params`): the catalogue's, as every other language says it; None for an
    error of another kind."""
    if params.get("variant") not in CHOICE_VARIANTS:
        return None
    from ovm.i18n import coded

    return coded("issue", code, params, "en")


_DECIMAL_COMMA = re.compile(r"\s*([+-]?[0-9]+),([0-9]{1,2}|[0-9]{4,})\s*")
"""A number with a decimal comma (0,5): how the rubric's Spanish, French and Portuguese
authors write one. Three digits after the comma may group thousands (1,000): no guess then."""


def decimal_comma_message(params: dict[str, object]) -> str:
    """The English words of a number written with a decimal comma."""
    return f"'{params['text']}' is not a number: write it with a decimal point, {params['meant']}"


def meant_choice(err: Any) -> dict[str, object] | None:
    """The parts of a ``choice_meant`` sentence for a schema error refusing a value that is
    not one of a field's choices, when one is close enough to name (``arithmetc``:
    arithmetic; ``muy alta``: high); None otherwise."""
    if err["type"] not in ("literal_error", "enum") or not isinstance(err.get("input"), str):
        return None
    allowed = _listed((err.get("ctx") or {}).get("expected"))
    meant = closest(err["input"], allowed) if len(allowed) > 1 else None
    if meant is None:
        return None
    text = err["input"].strip()[:60]
    return {"variant": "choice_meant", "text": text, "allowed": allowed, "meant": meant}


def meant_choice_message(params: dict[str, object]) -> str:
    """The English words of a :func:`meant_choice` sentence."""
    allowed = params["allowed"]
    listed = ", ".join(allowed) if isinstance(allowed, list) else str(allowed)
    return f"'{params['text']}' is not one of {listed}: did you mean {params['meant']}?"


def decimal_comma(err: Any) -> str | None:
    """The number a text refused as no number means when it is written with a decimal comma
    (``0,5`` is ``0.5``), else None."""
    text = err.get("input")
    found = _DECIMAL_COMMA.fullmatch(text) if isinstance(text, str) else None
    return f"{found[1]}.{found[2]}" if found else None


UNQUOTED_CODES = frozenset({"invalid-value", "invalid-id", "invalid-name"})
"""The codes with a sentence for a text YAML read as something else (``unquoted``)."""


def unquoted_text(
    err: Any, doc: YamlDoc, path: tuple[PathPart, ...], code: str
) -> tuple[str, dict[str, object]] | None:
    """The message and parts of a schema error where a text was wanted and the document holds
    a word YAML reads as a yes/no, a number, a date or null (``id: no`` for Norway is False):
    the word as written and the quotes that make it text. None for any other error."""
    if err["type"] != "string_type" or code not in UNQUOTED_CODES:
        return None
    if isinstance(err.get("input"), str | dict | list):
        return None
    written = plain_scalar(doc, path)
    if written is None:
        return None
    return (
        f'YAML does not read {written} as text: write it in quotes, "{written}"',
        {"variant": "unquoted", "written": written},
    )


def text_of_a_mapping(
    err: Any, loc: tuple[PathPart, ...], locs: list[tuple[PathPart, ...]]
) -> bool:
    """Whether ``err`` says that a mapping is not a text while other errors say what is wrong
    inside the mapping: a field that takes a text or a text per language (a name) tried both,
    and only the mapping's errors are the user's."""
    return (
        err["type"] == "string_type"
        and isinstance(err.get("input"), dict)
        and any(len(other) > len(loc) and other[: len(loc)] == loc for other in locs)
    )


def mapping_of_a_scalar(
    err: Any, loc: tuple[PathPart, ...], errors: list[Any], locs: list[tuple[PathPart, ...]]
) -> bool:
    """Whether ``err`` says that a number, yes/no, date, list or text is not a mapping where
    another error at the same place says what is wrong with it as a text (not one; empty): a
    field that takes a text or a text per language (a unit) tried both, and the text's
    sentence (write it in quotes; must not be empty) is the one that helps; said twice, one
    value would be two problems, and a text would be told to be a mapping."""
    return (
        err["type"] == "dict_type"
        and not isinstance(err.get("input"), dict)
        and any(
            other is not err and other["type"] != "dict_type" and where == loc
            for other, where in zip(errors, locs, strict=True)
        )
    )


def listed_text(
    err: Any, loc: tuple[PathPart, ...], errors: list[Any], locs: list[tuple[PathPart, ...]]
) -> tuple[str, dict[str, object]] | None:
    """The message and parts of a list written where a field takes a text or a text per
    language (a title): neither, said once as such (:func:`mapping_of_a_scalar` drops the
    mapping's half). None for any other error."""
    if err["type"] != "string_type" or not isinstance(err.get("input"), list | tuple):
        return None
    if not any(
        other["type"] == "dict_type" and where == loc
        for other, where in zip(errors, locs, strict=True)
    ):
        return None
    return (
        "a list is neither a text nor a text per language: write one text, or one text under "
        "each language's code",
        {"variant": "listed_text"},
    )


def _message(err: Any) -> str:
    etype = err["type"]
    if etype == "missing":
        return "required field is missing"
    if etype == "extra_forbidden":
        return "unknown field"
    if etype == "greater_than":
        gt = err.get("ctx", {}).get("gt")
        return f"must be > {gt:g}" if isinstance(gt, int | float) else f"must be > {gt}"
    if etype == "string_pattern_mismatch":
        return f"does not match {err.get('ctx', {}).get('pattern')}"
    msg = str(err["msg"])
    return msg[:300]


def _issue(
    doc: YamlDoc,
    path: tuple[PathPart, ...],
    code: str,
    message: str,
    severity: Literal["error", "warning"] = "error",
    *,
    key: bool = False,
    params: dict[str, object] | None = None,
) -> Issue:
    pos = doc.positions.find(path, key=key)
    line, col = pos if pos else (None, None)
    return Issue(doc.file, line, col, code, message, path, severity, "rubric", params=params or {})


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    """The models a field's annotation holds, through optionals, unions, tuples and mappings."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    found: list[type[BaseModel]] = []
    for arg in typing.get_args(annotation):
        for model in _models_in(arg):
            if model not in found:
                found.append(model)
    return found


def _models_of(models: list[type[BaseModel]], node: Any) -> list[type[BaseModel]]:
    """The models among ``models`` that a mapping of the document is validated as: a tree
    node by its kind; of others, those whose fields hold every key of the mapping but one
    (the misspelt one), else all."""
    if isinstance(node, dict) and any(issubclass(m, IndicatorBase) or m is Group for m in models):
        tag = _node_tag(node)
        unit = None if tag == "group" else registry.find_kind(tag)
        return [Group] if tag == "group" else [unit.model] if unit is not None else []
    if len(models) > 1 and isinstance(node, dict):
        fitting = [m for m in models if len(set(node) - set(_field_names(m))) <= 1]
        return fitting or models
    return models


def _field_names(model: type[BaseModel]) -> list[str]:
    """The keys a model takes as the rubric writes them (``from``, not ``from_``)."""
    return [f.alias or name for name, f in model.model_fields.items()]


def _known_fields(path: tuple[PathPart, ...], data: Any) -> list[str]:
    """The field names of the mapping at ``path`` of the rubric ``data`` (the model it is
    validated as), other than those it already gives: what an unknown key there may mean."""
    models: list[type[BaseModel]] = [Rubric]
    node = data
    for part in path:
        node = _get(node, (part,))
        if not isinstance(part, int):
            fields = [
                f for m in models for name, f in m.model_fields.items() if part in (name, f.alias)
            ]
            models = [m for f in fields for m in _models_in(f.annotation)]
        models = _models_of(models, node)
        if not models:
            return []
    given = set(node) if isinstance(node, dict) else set()
    names = [n for m in models for n in _field_names(m)]
    return [n for n in dict.fromkeys(names) if n not in given]


def _schema_issues(doc: YamlDoc, exc: ValidationError) -> list[Issue]:
    issues = []
    errors = exc.errors()
    paths = [_clean_loc(tuple(e["loc"]), doc.data) for e in errors]
    # A misspelled field is one mistake, not two: ``familes`` is unknown *and* ``families``
    # missing. Pair them and report the typo, at its line, with what was meant.
    missing = {p for e, p in zip(errors, paths, strict=True) if e["type"] == "missing"}
    meant: dict[tuple[PathPart, ...], str] = {}
    for e, p in zip(errors, paths, strict=True):
        if e["type"] == "extra_forbidden" and p:
            taken = set(meant.values())
            options = [str(m[-1]) for m in missing if m[:-1] == p[:-1] and m[-1] not in taken]
            import difflib

            close = difflib.get_close_matches(str(p[-1]), options, n=1, cutoff=FIELD_CUTOFF)
            if close:
                meant[p] = close[0]
            elif (near := swapped(str(p[-1]), options)) is not None:
                meant[p] = near
    for e, p in zip(errors, paths, strict=True):
        # A misspelt optional field (``wieght``): named after the fields the mapping takes,
        # closer than to a missing one, which is likelier meant (``question`` at a family's
        # place names no ``description``).
        if e["type"] == "extra_forbidden" and p and p not in meant:
            known = _known_fields(p[:-1], doc.data)
            near = closest(str(p[-1]), known, words=False) or swapped(str(p[-1]), known)
            if near is not None:
                meant[p] = near
    paired = {(*p[:-1], m) for p, m in meant.items()}
    for err, path in zip(errors, paths, strict=True):
        etype = err["type"]
        if etype == "missing" and path in paired:
            continue
        if mapping_of_a_scalar(err, path, errors, paths):
            continue  # a unit (a text or a text per language): its text's sentence says it
        if text_of_a_mapping(err, path, paths):
            continue  # a unit given per language: what is wrong inside it is the problem
        if path in meant and etype == "extra_forbidden":
            issues.append(
                _issue(
                    doc,
                    path,
                    "unknown-field",
                    f"unknown field `{path[-1]}`, did you mean `{meant[path]}`?",
                    key=True,
                    params={"variant": "meant", "field": path[-1], "meant": meant[path]},
                )
            )
            continue
        if etype == "too_short" and any(
            len(p) > len(path) and p[: len(path)] == path for p in paths
        ):
            continue  # the items themselves failed; their issues say why
        if etype == "unknown-kind":
            node = _get(doc.data, path)
            if isinstance(node, dict) and "kind" in node:
                kinds = [u.key for u in registry.kinds()]
                message = (
                    f"unknown kind {quoted(node['kind'])}; expected one of "
                    f"{', '.join(kinds)} (or children for a group)"
                )
                kind_params: dict[str, object] = {"kind": as_written(node["kind"]), "kinds": kinds}
                near = closest(str(node["kind"]), kinds)
                if near is not None:
                    message += f": did you mean {near}?"
                    kind_params |= {"variant": "meant", "meant": near}
                issues.append(
                    _issue(doc, (*path, "kind"), "unknown-kind", message, params=kind_params)
                )
                continue
        code = _TYPE_CODES.get(etype, "invalid-value")
        last = path[-1] if path else ""
        if (
            isinstance(last, str)
            and last in _FIELD_CODES
            and etype not in ("missing", "extra_forbidden")
        ):
            code = _FIELD_CODES[last]
        if etype == "missing":
            where = _issue(doc, path[:-1], code, f"{last}: required field is missing")
            issues.append(
                Issue(
                    where.file,
                    where.line,
                    where.column,
                    code,
                    "required field is missing",
                    path,
                    "error",
                    "rubric",
                    params={"variant": "field", "field": last},
                )
            )
            continue
        message = _message(err)
        if etype == "extra_forbidden":
            params: dict[str, object] = {"variant": "field", "field": last}
        elif said := unquoted_text(err, doc, path, code) or listed_text(err, path, errors, paths):
            message, params = said
        elif etype == "dict_type" and code == "invalid-value":
            # The rubric's only mappings of no fields of their own are its texts per language
            # (a title, labels): what such a text is, not that a "dictionary" was wanted.
            message = "must be a text per language: write each text under the code of its language"
            params = {"variant": "per_language"}
        else:
            params = schema_params(err, code)
            if params["variant"] == "decimal_comma":
                message = decimal_comma_message(params)
            elif params["variant"] == "choice_meant":
                message = meant_choice_message(params)
            elif (
                words := type_words(code, params)
                or choice_words(code, params)
                or spelling_words(code, params)
            ) is not None:
                message = words
        issues.append(
            _issue(doc, path, code, message, key=etype == "extra_forbidden", params=params)
        )
    return issues


def _as_path(source: str | Path) -> Path | None:
    if isinstance(source, Path):
        return source
    if "\n" not in source and len(source) < 4096 and source.endswith((".yaml", ".yml")):
        return Path(source)
    return None


def load_rubric(source: str | Path, *, file: str | None = None) -> Rubric:
    """Load and validate a rubric from a path or YAML text.

    Raises :class:`RubricError` listing every problem found (errors only; warnings are
    available from :func:`check_rubric`).
    """
    rubric, issues = check_rubric(source, file=file)
    if rubric is None or any(i.severity == "error" for i in issues):
        where = issues[0].file if issues else file or str(source)
        raise RubricError(issues, key="error_summary_rubric", where=where)
    return rubric


def check_rubric(
    source: str | Path, *, file: str | None = None
) -> tuple[Rubric | None, list[Issue]]:
    """Validate a rubric and return it (None when unusable) with every issue, warnings included."""
    path = _as_path(source)
    text, name, issues = read_text(path if path is not None else source, file)
    if issues:
        return None, issues
    doc, issues = parse_yaml(text, name)
    if doc is None:
        return None, issues
    if not isinstance(doc.data, dict):
        return None, [
            *issues,
            Issue(
                name,
                1,
                1,
                "not-a-mapping",
                "a rubric is a mapping with id, version, families",
                (),
                params={"variant": "rubric"},
            ),
        ]
    if "missions" in doc.data and "families" not in doc.data:
        # A workspace's missions file handed to ovm validate: said once, with the command
        # that checks it, rather than as a rubric missing every field.
        pos = doc.positions.find(("missions",), key=True)
        return None, [
            *issues,
            Issue(
                name,
                pos[0] if pos else 1,
                pos[1] if pos else 1,
                "not-a-rubric",
                "this is a missions file (it lists `missions:`), not a rubric: "
                "`ovm check FOLDER` checks the workspace it belongs to",
                ("missions",),
                params={"variant": "missions"},
            ),
        ]
    rubric: Rubric | None = None
    build_validators()
    try:
        rubric = Rubric.model_validate(doc.data)
    except ValidationError as exc:
        issues.extend(_schema_issues(doc, exc))
    # The checks are read only with a rubric's text: a rubric kept in the cache needs none.
    from ovm.rubric.checks import run_checks

    checked = run_checks(doc)
    # A blank formula is one mistake, said by the formula's check: not a second time as text
    # too short at the same place.
    blank = {
        i.path for i in checked if i.code == "formula-syntax" and i.params.get("variant") == "empty"
    }
    issues = [i for i in issues if not (i.code == "invalid-value" and i.path in blank)]
    issues.extend(checked)
    return rubric, sort_issues(issues)


def default_rubric() -> Rubric:
    """The bundled DECO methodology for observing voting abroad."""
    return bundled_rubric("deco-voting-abroad")


def bundled_rubric(name: str) -> Rubric:
    """A rubric shipped with ovm, by name.

    Read and validated once, then kept in the user's cache folder (:mod:`ovm.cache`) for the
    next process: an entry is used only when it was made from the same file by the same code
    (ovm's modules, Python, pydantic), so a change of either reads the YAML again.
    """
    if name not in BUNDLED:
        raise KeyError(f"no bundled rubric {name!r}; bundled: {', '.join(BUNDLED)}")
    text = (_RUBRICS / f"{name}.yaml").read_text(encoding="utf-8")
    stamp = _stamp(name, text)
    kept = _kept_rubric(name, stamp) if stamp is not None else None
    if kept is not None:
        return kept
    rubric = load_rubric(text, file=f"<bundled>/{name}.yaml")
    if stamp is not None:
        _keep_rubric(name, stamp, rubric)
    return rubric


def _stamp(name: str, text: str) -> bytes | None:
    """What a kept rubric must have been made from: the file's text and ovm's code (each of
    its modules' file, size and time of change; the versions of Python and pydantic), or None
    when ovm's files cannot be listed (nothing is kept then).

    Every module counts, not only the rubric's own: reading and validating a rubric also uses
    names, messages and checks kept elsewhere in ovm, and a list of modules would go stale.
    """
    import sys

    import pydantic
    import pydantic_core

    import ovm

    parts = [name, text, sys.version, pydantic.VERSION, pydantic_core.__version__, ovm.__version__]
    try:
        for file, info in _modules(str(Path(ovm.__file__).parent)):
            parts.append(f"{file}|{info.st_size}|{info.st_mtime_ns}")
    except OSError:
        return None
    digest = hashlib.sha256("\0".join(parts).encode("utf-8", "surrogatepass")).hexdigest()
    return digest.encode("ascii")


def _modules(package: str) -> list[tuple[str, os.stat_result]]:
    """Every ``.py`` file under the folder ``package`` (its paths sorted), with its status.

    Listed with ``os.scandir`` (each entry's type comes with the listing), not
    ``Path.rglob``, which took three times as long: every run of a command that reads the
    bundled rubric asks for it. Folders reached through a link are not entered, as ``rglob``
    does not enter them.
    """
    found: list[tuple[str, os.stat_result]] = []
    folders = [package]
    while folders:
        with os.scandir(folders.pop()) as entries:
            for entry in entries:
                if entry.name.endswith(".py") and entry.is_file():
                    found.append((entry.path, entry.stat()))
                elif entry.is_dir(follow_symlinks=False) and entry.name != "__pycache__":
                    folders.append(entry.path)
    found.sort(key=lambda item: item[0])
    return found


_KEPT_MAGIC = b"ovm-rubric/1\n"


def _rubric_folder() -> Path | None:
    from ovm.cache import user_cache_dir

    root = user_cache_dir()
    return None if root is None else root / "rubrics"


def _kept_rubric(name: str, stamp: bytes) -> Rubric | None:
    """The rubric kept for ``stamp``, or None when there is none, or it is damaged or not the
    user's own (the YAML is read again then)."""
    import pickle

    from ovm.cache import read_entry

    folder = _rubric_folder()
    data = None if folder is None else read_entry(folder, f"{name}.pickle")
    head = _KEPT_MAGIC + stamp + b"\n"
    if data is None or not data.startswith(head):
        return None
    try:
        rubric = pickle.loads(memoryview(data)[len(head) :])
    except (
        pickle.UnpicklingError,
        EOFError,
        AttributeError,
        ImportError,
        IndexError,
        KeyError,
        TypeError,
        ValueError,  # pydantic's errors too
    ):
        # What unpickling a damaged or foreign entry raises: only a slower start, the YAML is
        # read again and the entry remade.
        return None
    return rubric if isinstance(rubric, Rubric) else None


def _keep_rubric(name: str, stamp: bytes, rubric: Rubric) -> None:
    """Keep ``rubric`` for the next process, with what every run asks of it computed."""
    import pickle

    from ovm.cache import write_entry

    folder = _rubric_folder()
    if folder is None:
        return
    for computed in _CACHED:
        getattr(rubric, computed)
    data = _KEPT_MAGIC + stamp + b"\n" + pickle.dumps(rubric, protocol=pickle.HIGHEST_PROTOCOL)
    write_entry(folder, f"{name}.pickle", data)


def dump_rubric(rubric: Rubric) -> str:
    """The rubric as YAML text that :func:`load_rubric` reads back to an equal rubric."""
    data = rubric.model_dump(mode="json", exclude_defaults=True, by_alias=True)
    data = {"ovm_rubric": FORMAT_VERSION, **data}
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)


def rubric_schema() -> dict[str, Any]:
    """JSON Schema of the rubric format."""
    schema = Rubric.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "ovm rubric"
    return schema


# --- helpers ---------------------------------------------------------------------------------


def _get(data: Any, path: tuple[PathPart, ...]) -> Any:
    cur = data
    for part in path:
        if isinstance(cur, dict):
            if part not in cur:
                return None
            cur = cur[part]
        elif isinstance(cur, list) and isinstance(part, int) and 0 <= part < len(cur):
            cur = cur[part]
        else:
            return None
    return cur
