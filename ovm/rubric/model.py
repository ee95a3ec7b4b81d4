"""The rubric: the observation methodology as a tree of families, groups and indicators."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal, Union

import yaml
from pydantic import Discriminator, Field, Tag, ValidationError

from ovm.errors import Issue, PathPart, RubricError, sort_issues
from ovm.indicators._common import (
    Band,
    Frozen,
    Lang,
    NodeBase,
    NodeId,
    NonEmpty,
    Source,
    Text,
    VarName,
)
from ovm.indicators.answer import AnswerIndicator
from ovm.indicators.checklist import ChecklistIndicator, Stat
from ovm.indicators.comparative import ComparativeIndicator
from ovm.indicators.levels import LevelsIndicator
from ovm.indicators.quantitative import QuantitativeIndicator
from ovm.rubric import formula
from ovm.yamldoc import YamlDoc, parse_yaml, read_text

FORMAT_VERSION = 1
BUNDLED = ("deco-voting-abroad",)

Aggregation = Literal["arithmetic", "geometric", "harmonic", "generalised", "minimum", "sum"]
VarType = Literal["count", "number", "share", "percent", "days", "boolean"]

Indicator = Union[
    LevelsIndicator,
    AnswerIndicator,
    ChecklistIndicator,
    QuantitativeIndicator,
    ComparativeIndicator,
]
INDICATOR_KINDS = ("levels", "answer", "checklist", "quantitative", "comparative")


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
    unit: NonEmpty
    type: VarType = "number"
    source: Source
    minimum: float | None = None
    maximum: float | None = None
    at_most: VarName | None = None
    from_sites: FromSites | None = None


def _node_tag(value: Any) -> str:
    if isinstance(value, dict):
        kind = value.get("kind")
        if kind is None:
            return "group"
        return str(kind)
    kind = getattr(value, "kind", None)
    return "group" if kind is None else str(kind)


class Group(NodeBase):
    """A family or sub-group: aggregates its children's scores."""

    kind: Literal["group"] = "group"
    aggregation: Aggregation = "arithmetic"
    power: float | None = None
    min_coverage: Annotated[float, Field(ge=0, le=1)] = 0.5
    children: tuple[Node, ...] = ()


Node = Annotated[
    Union[
        Annotated[Group, Tag("group")],
        Annotated[LevelsIndicator, Tag("levels")],
        Annotated[AnswerIndicator, Tag("answer")],
        Annotated[ChecklistIndicator, Tag("checklist")],
        Annotated[QuantitativeIndicator, Tag("quantitative")],
        Annotated[ComparativeIndicator, Tag("comparative")],
    ],
    Discriminator(_node_tag, custom_error_type="unknown-kind", custom_error_message="unknown kind"),
]
Group.model_rebuild()


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
        """The bands that label a node (its own, else the rubric's)."""
        if node is not None and node.bands:
            return node.bands
        return self.bands

    def label(self, node_id: str, lang: str = "en") -> str:
        """A node's label in ``lang``, falling back to English."""
        if node_id == "overall":
            return pick(self.title, lang)
        return pick(self.node(node_id).labels, lang)

    def digest(self) -> str:
        """SHA-256 of the rubric's canonical JSON: identifies exactly this methodology."""
        blob = json.dumps(self.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def pick(text: dict[str, str], lang: str, fallback: str = "en") -> str:
    """Text in ``lang``, else the fallback language, else any."""
    if lang in text:
        return text[lang]
    if fallback in text:
        return text[fallback]
    return next(iter(text.values()), "")


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
    """Drop union tags from a pydantic location by walking the real document."""
    out: list[PathPart] = []
    cur = data
    # Pydantic names the member of a discriminated union right after the union's place; the
    # name can also be a field ("levels" of a levels indicator), so only that position skips it.
    tag: Any = None
    for part in loc:
        if tag is not None and part == tag:
            tag = None
            continue
        tag = None
        if isinstance(cur, dict) and part in cur:
            cur = cur[part]
            if part == "rule" and isinstance(cur, dict):
                tag = cur.get("type")
        elif isinstance(cur, list) and isinstance(part, int) and 0 <= part < len(cur):
            cur = cur[part]
            if out and out[-1] == "children":
                tag = _node_tag(cur)
        elif isinstance(part, str) and (
            "[" in part or "function-" in part or part == "constrained-str"
        ):
            continue  # the member of a plain union (text or a dict of texts)
        else:
            cur = None
        out.append(part)
    return tuple(out)


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
) -> Issue:
    pos = doc.positions.find(path, key=key)
    line, col = pos if pos else (None, None)
    return Issue(doc.file, line, col, code, message, path, severity, "rubric")


def _schema_issues(doc: YamlDoc, exc: ValidationError) -> list[Issue]:
    issues = []
    errors = exc.errors()
    paths = [_clean_loc(tuple(e["loc"]), doc.data) for e in errors]
    for err, path in zip(errors, paths, strict=True):
        etype = err["type"]
        if etype == "too_short" and any(
            len(p) > len(path) and p[: len(path)] == path for p in paths
        ):
            continue  # the items themselves failed; their issues say why
        if etype == "unknown-kind":
            node = _get(doc.data, path)
            if isinstance(node, dict) and "kind" in node:
                issues.append(
                    _issue(
                        doc,
                        (*path, "kind"),
                        "unknown-kind",
                        f"unknown kind {node['kind']!r}; expected one of "
                        f"{', '.join(INDICATOR_KINDS)} (or children for a group)",
                    )
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
                )
            )
            continue
        issues.append(_issue(doc, path, code, _message(err), key=etype == "extra_forbidden"))
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
        raise RubricError(issues, summary=_summary(issues, file or str(source)))
    return rubric


def _summary(issues: list[Issue], name: str) -> str:
    n = sum(1 for i in issues if i.severity == "error")
    where = issues[0].file if issues else name
    return f"{where}: {n} error(s) in the rubric"


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
                name, 1, 1, "not-a-mapping", "a rubric is a mapping with id, version, families", ()
            ),
        ]
    rubric: Rubric | None = None
    try:
        rubric = Rubric.model_validate(doc.data)
    except ValidationError as exc:
        issues.extend(_schema_issues(doc, exc))
    issues.extend(_semantic_issues(doc))
    return rubric, sort_issues(issues)


def default_rubric() -> Rubric:
    """The bundled DECO methodology for observing voting abroad."""
    return bundled_rubric("deco-voting-abroad")


def bundled_rubric(name: str) -> Rubric:
    """A rubric shipped with ovm, by name."""
    if name not in BUNDLED:
        raise KeyError(f"no bundled rubric {name!r}; bundled: {', '.join(BUNDLED)}")
    res = resources.files("ovm.rubrics").joinpath(f"{name}.yaml")
    return load_rubric(res.read_text(encoding="utf-8"), file=f"<bundled>/{name}.yaml")


def dump_rubric(rubric: Rubric) -> str:
    """The rubric as YAML text that :func:`load_rubric` reads back to an equal rubric."""
    data = rubric.model_dump(mode="json", exclude_defaults=True)
    data = {"ovm_rubric": FORMAT_VERSION, **data}
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)


def rubric_schema() -> dict[str, Any]:
    """JSON Schema of the rubric format."""
    schema = Rubric.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "ovm rubric"
    return schema


# --- semantic checks -----------------------------------------------------------------------


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


def _raw_nodes(data: dict[str, Any]) -> Iterator[tuple[tuple[PathPart, ...], dict[str, Any], int]]:
    def rec(
        node: Any, path: tuple[PathPart, ...], depth: int
    ) -> Iterator[tuple[tuple[PathPart, ...], dict[str, Any], int]]:
        if not isinstance(node, dict):
            return
        yield path, node, depth
        children = node.get("children")
        if isinstance(children, list):
            for i, child in enumerate(children):
                yield from rec(child, (*path, "children", i), depth + 1)

    fams = data.get("families")
    if isinstance(fams, list):
        for i, fam in enumerate(fams):
            yield from rec(fam, ("families", i), 1)


def _seq(v: Any) -> list[Any]:
    # Semantic checks run on documents the schema rejected too: a scalar where a list belongs.
    return v if isinstance(v, list) else []


def _num(v: Any) -> float | None:
    if isinstance(v, bool):
        return None
    if isinstance(v, int | float):
        return float(v)
    return None


def _check_bands(doc: YamlDoc, path: tuple[PathPart, ...], bands: Any, issues: list[Issue]) -> None:
    """Score bands: ordered, touching, from 0 to 100."""
    _check_ranges(doc, path, bands, issues, scores=True)


def _check_value_bands(
    doc: YamlDoc, path: tuple[PathPart, ...], bands: Any, issues: list[Issue]
) -> None:
    """Value bands of a rule: ordered, not overlapping, open only at the ends."""
    _check_ranges(doc, path, bands, issues, scores=False)


def _check_ranges(
    doc: YamlDoc, path: tuple[PathPart, ...], bands: Any, issues: list[Issue], *, scores: bool
) -> None:
    if not isinstance(bands, list) or not bands:
        return
    prev_max: float | None = None
    prev_min: float | None = None
    for i, band in enumerate(bands):
        if not isinstance(band, dict):
            continue
        lo, hi = _num(band.get("min")), _num(band.get("max"))
        bpath = (*path, i)

        def add(code: str, message: str, bpath: tuple[PathPart, ...] = bpath) -> None:
            issues.append(_issue(doc, bpath, code, message))

        if lo is not None and hi is not None and lo >= hi:
            add("bands-unordered", f"min {lo:g} is not below max {hi:g}")
        if not scores and i > 0 and lo is None:
            add("bands-unordered", "only the first band may be open below")
        if prev_min is not None and lo is not None and lo < prev_min:
            what = "" if scores else " value"
            add("bands-unordered", f"bands must be listed from the lowest to the highest{what}")
        elif prev_max is not None and lo is not None and lo < prev_max:
            add("bands-overlap", f"starts at {lo:g}, inside the previous band (up to {prev_max:g})")
        elif scores and prev_max is not None and lo is not None and lo > prev_max:
            add("bands-gap", f"scores from {prev_max:g} to {lo:g} fall in no band")
        if not scores and i < len(bands) - 1 and hi is None:
            add("bands-overlap", "only the last band may be open above")
        prev_min, prev_max = lo, hi
    if not scores:
        return
    first = bands[0] if isinstance(bands[0], dict) else {}
    last = bands[-1] if isinstance(bands[-1], dict) else {}
    if _num(first.get("min")) not in (None, 0.0):
        issues.append(_issue(doc, (*path, 0), "bands-gap", "the lowest band must start at 0"))
    if _num(last.get("max")) not in (None, 100.0):
        issues.append(
            _issue(doc, (*path, len(bands) - 1), "bands-gap", "the highest band must end at 100")
        )


def _texts(node: dict[str, Any]) -> Iterator[tuple[tuple[PathPart, ...], Any]]:
    for key in ("labels", "description", "rationale", "question", "hint"):
        if key in node:
            yield (key,), node[key]
    for i, lv in enumerate(_seq(node.get("levels"))):
        if isinstance(lv, dict) and "descriptor" in lv:
            yield ("levels", i, "descriptor"), lv["descriptor"]
    for i, ch in enumerate(_seq(node.get("choices"))):
        if isinstance(ch, dict) and "label" in ch:
            yield ("choices", i, "label"), ch["label"]
    for i, band in enumerate(_seq(node.get("bands"))):
        if isinstance(band, dict) and "label" in band:
            yield ("bands", i, "label"), band["label"]
    for i, rec in enumerate(_seq(node.get("recommendations"))):
        if isinstance(rec, dict) and "text" in rec:
            yield ("recommendations", i, "text"), rec["text"]


def _check_languages(
    doc: YamlDoc,
    path: tuple[PathPart, ...],
    node: dict[str, Any],
    langs: list[str],
    issues: list[Issue],
) -> None:
    for sub, text in _texts(node):
        if not isinstance(text, dict) or not text:
            continue
        missing = [lang for lang in langs if lang not in text]
        if missing:
            issues.append(
                _issue(
                    doc,
                    (*path, *sub),
                    "missing-translation",
                    f"no text for declared language(s): {', '.join(missing)}",
                )
            )


def _semantic_issues(doc: YamlDoc) -> list[Issue]:
    data: dict[str, Any] = doc.data
    issues: list[Issue] = []
    langs = [x for x in (_seq(data.get("languages")) or ["en", "es"]) if isinstance(x, str)]
    ref_ids = {
        r.get("id")
        for r in _seq(data.get("references"))
        if isinstance(r, dict) and isinstance(r.get("id"), str)
    }
    seen_refs: dict[Any, int] = {}
    for i, ref in enumerate(_seq(data.get("references"))):
        if isinstance(ref, dict) and isinstance(ref.get("id"), str):
            rid = ref.get("id")
            if rid in seen_refs:
                issues.append(
                    _issue(
                        doc,
                        ("references", i, "id"),
                        "duplicate-id",
                        f"reference {rid!r} is declared twice",
                    )
                )
            seen_refs[rid] = i
    _check_bands(doc, ("bands",), data.get("bands"), issues)
    if data.get("aggregation") == "sum":
        issues.append(_unbounded(doc, ("aggregation",), "a sum of scores"))
    _check_languages(
        doc,
        (),
        {"title": data.get("title")} | {k: v for k, v in data.items() if k in ("description",)},
        langs,
        issues,
    )
    for i, band in enumerate(_seq(data.get("bands"))):
        if isinstance(band, dict) and isinstance(band.get("label"), dict):
            missing = [lang for lang in langs if lang not in band["label"]]
            if missing:
                issues.append(
                    _issue(
                        doc,
                        ("bands", i, "label"),
                        "missing-translation",
                        f"no text for declared language(s): {', '.join(missing)}",
                    )
                )
    if isinstance(data.get("title"), dict):
        missing = [lang for lang in langs if lang not in data["title"]]
        if missing:
            issues.append(
                _issue(
                    doc,
                    ("title",),
                    "missing-translation",
                    f"no text for declared language(s): {', '.join(missing)}",
                )
            )

    # variables
    variables: dict[str, tuple[PathPart, ...]] = {}
    var_data: dict[str, dict[str, Any]] = {}
    for i, var in enumerate(_seq(data.get("variables"))):
        if not isinstance(var, dict):
            continue
        name = var.get("name")
        if isinstance(name, str):
            if name in variables:
                issues.append(
                    _issue(
                        doc,
                        ("variables", i, "name"),
                        "duplicate-variable",
                        f"variable {name!r} is declared twice",
                    )
                )
            else:
                variables[name] = ("variables", i)
                var_data[name] = var
        _check_languages(doc, ("variables", i), var, langs, issues)
        lo, hi = _num(var.get("minimum")), _num(var.get("maximum"))
        if lo is not None and hi is not None and lo > hi:
            issues.append(
                _issue(
                    doc,
                    ("variables", i, "minimum"),
                    "invalid-range",
                    f"minimum {lo:g} is above maximum {hi:g}",
                )
            )

    ids: dict[str, tuple[PathPart, ...]] = {}
    used_vars: set[str] = set()
    checklist_ids: dict[str, dict[str, Any]] = {}
    for path, node, depth in _raw_nodes(data):
        nid = node.get("id")
        if isinstance(nid, str):
            if nid in ids or nid == "overall":
                issues.append(
                    _issue(
                        doc,
                        (*path, "id"),
                        "duplicate-id",
                        f"id {nid!r} is already used" + (" (reserved)" if nid == "overall" else ""),
                    )
                )
            else:
                ids[nid] = path
        if isinstance(node.get("weight"), bool):  # the schema reads true as 1 and says nothing
            issues.append(_issue(doc, (*path, "weight"), "invalid-weight", "must be a number > 0"))
        if "bands" in node:
            _check_bands(doc, (*path, "bands"), node["bands"], issues)
        _check_languages(doc, path, node, langs, issues)
        for j, ref in enumerate(_seq(node.get("references"))):
            if isinstance(ref, str) and ref_ids and ref not in ref_ids:
                issues.append(
                    _issue(
                        doc,
                        (*path, "references", j),
                        "unknown-reference",
                        f"no reference with id {ref!r} in the rubric's references",
                    )
                )
        kind = node.get("kind", "group")
        if kind == "group" or "children" in node:
            children = node.get("children")
            if not children:
                issues.append(_issue(doc, path, "empty-group", "a group needs at least one child"))
            if node.get("aggregation") == "generalised" and _num(node.get("power")) is None:
                issues.append(
                    _issue(doc, path, "missing-power", "a generalised mean needs a numeric power")
                )
            if node.get("aggregation") == "sum":
                issues.append(_unbounded(doc, (*path, "aggregation"), "a sum of scores"))
            continue
        if depth == 1:
            issues.append(
                _issue(
                    doc,
                    path,
                    "indicator-at-top",
                    "families must be groups; put indicators inside a family",
                )
            )
        if kind == "levels":
            keys: set[Any] = set()
            prev_score: float | None = None
            for j, lv in enumerate(_seq(node.get("levels"))):
                if not isinstance(lv, dict):
                    continue
                s = _num(lv.get("score"))
                if s is not None and not 0 <= s <= 100:
                    issues.append(
                        _issue(
                            doc,
                            (*path, "levels", j, "score"),
                            "level-score-range",
                            f"level score {s:g} is outside 0-100",
                        )
                    )
                if s is not None and prev_score is not None and s < prev_score:
                    issues.append(
                        _issue(
                            doc,
                            (*path, "levels", j, "score"),
                            "levels-unordered",
                            "levels must be listed from the lowest to the highest score",
                            "warning",
                        )
                    )
                prev_score = s if s is not None else prev_score
                k = str(lv.get("key"))
                if k in keys:
                    issues.append(
                        _issue(
                            doc,
                            (*path, "levels", j, "key"),
                            "duplicate-key",
                            f"level key {k!r} is used twice",
                        )
                    )
                keys.add(k)
        if kind == "checklist":
            checklist_ids[str(nid)] = node
            atype = node.get("answer_type", "yes_no")
            choices = _seq(node.get("choices"))
            if atype in ("select_one", "select_multiple") and not choices:
                issues.append(
                    _issue(doc, path, "missing-choices", f"a {atype} question needs choices")
                )
            names = (
                {"yes", "no"}
                if atype == "yes_no"
                else {str(c.get("name")) for c in choices if isinstance(c, dict)}
            )
            if atype not in ("integer", "decimal"):
                for j, acc in enumerate(_seq(node.get("accept") or ["yes"])):
                    if str(acc) not in names:
                        issues.append(
                            _issue(
                                doc,
                                (*path, "accept", j),
                                "unknown-choice",
                                f"{acc!r} is not one of the choices",
                            )
                        )
                if node.get("stat", "share") != "share":
                    issues.append(
                        _issue(
                            doc,
                            (*path, "stat"),
                            "invalid-stat",
                            "a choice question is scored as a share",
                        )
                    )
            else:
                if node.get("stat", "share") == "share":
                    issues.append(
                        _issue(
                            doc,
                            (*path, "stat"),
                            "invalid-stat",
                            "a numeric question needs stat: mean, median, min, max, sum or count",
                        )
                    )
                if node.get("rule") is None:
                    issues.append(
                        _issue(doc, path, "missing-rule", "a numeric question needs a scoring rule")
                    )
            if "na" in names:
                j = next(
                    j
                    for j, c in enumerate(choices)
                    if isinstance(c, dict) and str(c.get("name")) == "na"
                )
                issues.append(
                    _issue(
                        doc,
                        (*path, "choices", j, "name"),
                        "reserved-choice",
                        "'na' is reserved for not applicable: set not_applicable",
                    )
                )
        rule = node.get("rule")
        if isinstance(rule, dict):
            rpath = (*path, "rule")
            if rule.get("type") == "cohort" and rule.get("method") in ("zscore", "rank"):
                issues.append(_unbounded(doc, (*rpath, "method"),
                                         f"a cohort {rule.get('method')} normalisation"))
            if rule.get("type") == "goalposts":
                lo, hi = _num(rule.get("low")), _num(rule.get("high"))
                if lo is not None and hi is not None:
                    if lo == hi:
                        issues.append(
                            _issue(doc, rpath, "goalposts-equal", f"low and high are both {lo:g}")
                        )
                    elif lo > hi:
                        issues.append(
                            _issue(
                                doc,
                                rpath,
                                "goalposts-unordered",
                                "low must be below high (use direction: lower to "
                                "reward small values)",
                            )
                        )
            if rule.get("type") == "bands":
                _check_value_bands(doc, (*rpath, "bands"), rule.get("bands"), issues)
        if kind == "quantitative":
            text = node.get("formula")
            if isinstance(text, str):
                try:
                    expr = formula.parse(text)
                except formula.FormulaSyntaxError as exc:
                    issues.append(
                        _formula_issue(
                            doc, (*path, "formula"), text, exc.offset, "formula-syntax", exc.message
                        )
                    )
                else:
                    for ref in formula.names(expr):
                        used_vars.add(ref.name)
                        if ref.name not in variables:
                            issues.append(
                                _formula_issue(
                                    doc,
                                    (*path, "formula"),
                                    text,
                                    ref.offset,
                                    "unknown-variable",
                                    f"{ref.name!r} is not a declared variable",
                                )
                            )
    # cross references needing all ids
    for path, node, _depth in _raw_nodes(data):
        if node.get("kind") == "comparative":
            target = node.get("target")
            if isinstance(target, str) and target not in ids:
                issues.append(
                    _issue(doc, (*path, "target"), "unknown-node", f"no node with id {target!r}")
                )
        for j, rec in enumerate(_seq(node.get("recommendations"))):
            if isinstance(rec, dict):
                _check_recommendation(doc, (*path, "recommendations", j), rec, data, issues)
    for name, vpath in variables.items():
        var = var_data[name]
        fs = var.get("from_sites")
        if isinstance(fs, dict):
            q = fs.get("question")
            if isinstance(q, str) and q not in checklist_ids:
                issues.append(
                    _issue(
                        doc,
                        (*vpath, "from_sites", "question"),
                        "unknown-question",
                        f"no checklist indicator with id {q!r}",
                    )
                )
            elif isinstance(q, str):
                qnode = checklist_ids[q]
                numeric = qnode.get("answer_type") in ("integer", "decimal")
                stat = fs.get("stat", "share")
                if numeric == (stat == "share"):
                    issues.append(
                        _issue(
                            doc,
                            (*vpath, "from_sites", "stat"),
                            "invalid-stat",
                            f"stat {stat!r} does not fit a "
                            f"{qnode.get('answer_type', 'yes_no')} question",
                        )
                    )
        lim = var.get("at_most")
        if isinstance(lim, str):
            used_vars.add(lim)
            if lim not in variables:
                issues.append(
                    _issue(
                        doc,
                        (*vpath, "at_most"),
                        "unknown-variable",
                        f"{lim!r} is not a declared variable",
                    )
                )
        if name not in used_vars and lim is None:
            referenced = any(
                isinstance(v.get("at_most"), str) and v.get("at_most") == name
                for v in var_data.values()
            )
            if not referenced:
                issues.append(
                    _issue(
                        doc,
                        vpath,
                        "unused-variable",
                        f"variable {name!r} is used by no formula",
                        "warning",
                    )
                )
    return issues


def _unbounded(doc: YamlDoc, path: tuple[PathPart, ...], what: str) -> Issue:
    return _issue(doc, path, "unbounded-scale",
                  f"{what} is not on the 0-100 scale: it will not mix with other scores or "
                  "fall in a band", "warning")


def _formula_issue(
    doc: YamlDoc, path: tuple[PathPart, ...], text: str, offset: int, code: str, message: str
) -> Issue:
    pos = doc.positions.find(path)
    line, col = pos if pos else (None, None)
    # Plain scalars start at the formula's first character, so the offset lands on the token.
    if col is not None and line is not None and "\n" not in text:
        raw = _raw_line(doc, line)
        start = raw.find(text, col - 1) if raw is not None else -1
        col = (start if start >= 0 else col - 1) + offset + 1
    return Issue(doc.file, line, col, code, f"{message} in {text!r}", path, "error", "rubric")


def _raw_line(doc: YamlDoc, line: int) -> str | None:
    lines = doc.text.splitlines()
    return lines[line - 1] if 0 < line <= len(lines) else None


def _check_recommendation(
    doc: YamlDoc,
    path: tuple[PathPart, ...],
    rec: dict[str, Any],
    data: dict[str, Any],
    issues: list[Issue],
) -> None:
    allowed = set(PLACEHOLDERS)
    allowed |= {
        v["name"]
        for v in _seq(data.get("variables"))
        if isinstance(v, dict) and isinstance(v.get("name"), str)
    }
    text = rec.get("text")
    if not isinstance(text, dict):
        return
    for lang, body in text.items():
        if not isinstance(body, str):
            continue
        for problem, name in scan_placeholders(body):
            if problem:
                issues.append(
                    _issue(
                        doc,
                        (*path, "text", lang),
                        "invalid-placeholder",
                        f"unbalanced braces near {name!r}",
                    )
                )
            elif name not in allowed:
                issues.append(
                    _issue(
                        doc,
                        (*path, "text", lang),
                        "unknown-placeholder",
                        f"{{{name}}} is neither a declared variable nor one of "
                        f"{', '.join(sorted(PLACEHOLDERS))}",
                    )
                )


PLACEHOLDERS = (
    "mission",
    "country",
    "election",
    "label",
    "score",
    "value",
    "unit",
    "band",
    "best_score",
    "best_mission",
    "gap",
)
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def scan_placeholders(text: str) -> list[tuple[bool, str]]:
    """Placeholders of a template as (is_malformed, name); ``{{`` and ``}}`` are literal braces."""
    out: list[tuple[bool, str]] = []
    stripped = text.replace("{{", "").replace("}}", "")
    for m in _PLACEHOLDER.finditer(stripped):
        name = m.group(1)
        out.append((re.fullmatch(r"[a-z_][a-z0-9_]*", name) is None, name))
    rest = _PLACEHOLDER.sub("", stripped)
    if "{" in rest or "}" in rest:
        i = max(rest.find("{"), rest.find("}"))
        out.append((True, rest[max(0, i - 10) : i + 10]))
    return out
