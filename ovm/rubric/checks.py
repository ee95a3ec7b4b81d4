"""The rubric's checks beyond its schema: a list of small checks, each owning its issue codes.

Rubric-wide checks live here, next to the rubric model; checks of one kind of indicator or one
rule type live in that kind's or rule's module and come from the registry. :func:`run_checks`
runs them all on a document as written; :func:`all_codes` lists every code the loader can emit
(schema codes included), which the test of broken fixtures reads.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ovm.errors import Issue
from ovm.indicators import registry
from ovm.indicators.validation import (
    Check,
    Document,
    RawNode,
    RubricFn,
    num,
    rubric_check,
    seq,
)
from ovm.yamldoc import YamlDoc

SCHEMA_CODES = (
    "not-a-mapping",
    "missing-field",
    "unknown-field",
    "invalid-choice",
    "unknown-kind",
    "invalid-format",
    "too-short",
    "out-of-range",
    "invalid-value",
    "invalid-weight",
    "invalid-id",
    "invalid-name",
    "invalid-coverage",
    "invalid-language",
)
"""Codes of problems the schema finds (see ``ovm.rubric.model``), before any check runs."""


@rubric_check("duplicate-id")
def reference_ids(doc: Document) -> Iterator[Issue]:
    """Each reference id is declared once."""
    seen: set[str] = set()
    for i, ref in enumerate(seq(doc.data.get("references"))):
        if isinstance(ref, dict) and isinstance(ref.get("id"), str):
            rid = ref["id"]
            if rid in seen:
                yield doc.issue(
                    ("references", i, "id"), "duplicate-id", f"reference {rid!r} is declared twice"
                )
            seen.add(rid)


@rubric_check("duplicate-id")
def node_ids(doc: Document) -> Iterator[Issue]:
    """Each node id is used once, and none is 'overall' (the root's name)."""
    seen: set[str] = set()
    for node in doc.nodes:
        nid = node.data.get("id")
        if not isinstance(nid, str):
            continue
        if nid in seen or nid == "overall":
            reserved = " (reserved)" if nid == "overall" else ""
            yield doc.issue(
                (*node.path, "id"), "duplicate-id", f"id {nid!r} is already used{reserved}"
            )
        else:
            seen.add(nid)


@rubric_check("bands-unordered", "bands-overlap", "bands-gap")
def score_bands(doc: Document) -> Iterator[Issue]:
    """Score bands (the rubric's and a node's own) are ordered, touch, and cover 0 to 100."""
    yield from doc.ranges(("bands",), doc.data.get("bands"), scores=True)
    for node in doc.nodes:
        if "bands" in node.data:
            yield from doc.ranges((*node.path, "bands"), node.data["bands"], scores=True)


def _node_texts(node: RawNode) -> Iterator[tuple[tuple[str | int, ...], object]]:
    for key in ("labels", "description", "rationale"):
        if key in node.data:
            yield (key,), node.data[key]
    for i, band in enumerate(seq(node.data.get("bands"))):
        if isinstance(band, dict) and "label" in band:
            yield ("bands", i, "label"), band["label"]
    for i, rec in enumerate(seq(node.data.get("recommendations"))):
        if isinstance(rec, dict) and "text" in rec:
            yield ("recommendations", i, "text"), rec["text"]


@rubric_check("missing-translation")
def translations(doc: Document) -> Iterator[Issue]:
    """Every text of the rubric, its variables and its nodes is in each declared language
    (texts of one kind of indicator are checked by that kind)."""
    data = doc.data
    for key in ("title", "description"):
        if key in data:
            yield from doc.translations((key,), data[key])
    for i, band in enumerate(seq(data.get("bands"))):
        if isinstance(band, dict):
            yield from doc.translations(("bands", i, "label"), band.get("label"))
    for i, var in enumerate(seq(data.get("variables"))):
        if isinstance(var, dict):
            for key in ("labels", "description"):
                if key in var:
                    yield from doc.translations(("variables", i, key), var[key])
    for node in doc.nodes:
        for sub, text in _node_texts(node):
            yield from doc.translations((*node.path, *sub), text)


@rubric_check("invalid-weight")
def boolean_weights(doc: Document) -> Iterator[Issue]:
    """A weight of true or false is not a number (the schema would read true as 1)."""
    for node in doc.nodes:
        if isinstance(node.data.get("weight"), bool):
            yield doc.issue((*node.path, "weight"), "invalid-weight", "must be a number > 0")


@rubric_check("unknown-reference")
def node_references(doc: Document) -> Iterator[Issue]:
    """A node cites references the rubric declares."""
    for node in doc.nodes:
        for j, ref in enumerate(seq(node.data.get("references"))):
            if isinstance(ref, str) and doc.reference_ids and ref not in doc.reference_ids:
                yield doc.issue(
                    (*node.path, "references", j),
                    "unknown-reference",
                    f"no reference with id {ref!r} in the rubric's references",
                )


@rubric_check("empty-group", "missing-power", "unbounded-scale")
def groups(doc: Document) -> Iterator[Issue]:
    """Groups have children, a generalised mean its power; a sum leaves the 0-100 scale."""
    if doc.data.get("aggregation") == "sum":
        yield doc.unbounded(("aggregation",), "a sum of scores")
    for node in doc.nodes:
        if not node.is_group:
            continue
        data, path = node.data, node.path
        if not data.get("children"):
            yield doc.issue(path, "empty-group", "a group needs at least one child")
        if data.get("aggregation") == "generalised" and num(data.get("power")) is None:
            yield doc.issue(path, "missing-power", "a generalised mean needs a numeric power")
        if data.get("aggregation") == "sum":
            yield doc.unbounded((*path, "aggregation"), "a sum of scores")


@rubric_check("indicator-at-top")
def families_are_groups(doc: Document) -> Iterator[Issue]:
    """Families are groups: indicators sit inside them."""
    for node in doc.nodes:
        if node.depth == 1 and not node.is_group:
            yield doc.issue(
                node.path,
                "indicator-at-top",
                "families must be groups; put indicators inside a family",
            )


@rubric_check("duplicate-variable", "invalid-range", "unknown-variable")
def variables(doc: Document) -> Iterator[Issue]:
    """Variables are declared once, with ordered limits, bounded only by declared variables."""
    seen: set[str] = set()
    for i, var in enumerate(seq(doc.data.get("variables"))):
        if not isinstance(var, dict):
            continue
        name = var.get("name")
        if isinstance(name, str):
            if name in seen:
                yield doc.issue(
                    ("variables", i, "name"),
                    "duplicate-variable",
                    f"variable {name!r} is declared twice",
                )
            seen.add(name)
        lo, hi = num(var.get("minimum")), num(var.get("maximum"))
        if lo is not None and hi is not None and lo > hi:
            yield doc.issue(
                ("variables", i, "minimum"),
                "invalid-range",
                f"minimum {lo:g} is above maximum {hi:g}",
            )
    for name, vpath in doc.variables.items():
        lim = doc.variable_data[name].get("at_most")
        if isinstance(lim, str) and lim not in doc.variables:
            yield doc.issue(
                (*vpath, "at_most"), "unknown-variable", f"{lim!r} is not a declared variable"
            )


@rubric_check("unused-variable")
def unused_variables(doc: Document) -> Iterator[Issue]:
    """Warn of a variable no node reads and no other variable is bounded by."""
    used: set[str] = set()
    for node in doc.nodes:
        unit = None if node.is_group else registry.find_kind(node.kind)
        if unit is not None:
            used.update(unit.variables_in(node.data))
    bounds = {v["at_most"] for v in doc.variable_data.values() if isinstance(v.get("at_most"), str)}
    for name, vpath in doc.variables.items():
        if name in used or doc.variable_data[name].get("at_most") is not None or name in bounds:
            continue
        yield doc.issue(
            vpath, "unused-variable", f"variable {name!r} is used by no formula", "warning"
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


@rubric_check("invalid-placeholder", "unknown-placeholder")
def recommendation_placeholders(doc: Document) -> Iterator[Issue]:
    """Recommendation texts use well-formed placeholders that name something to fill in."""
    allowed = set(PLACEHOLDERS) | {
        v["name"]
        for v in seq(doc.data.get("variables"))
        if isinstance(v, dict) and isinstance(v.get("name"), str)
    }
    for node in doc.nodes:
        for j, rec in enumerate(seq(node.data.get("recommendations"))):
            text = rec.get("text") if isinstance(rec, dict) else None
            if not isinstance(text, dict):
                continue
            for lang, body in text.items():
                if not isinstance(body, str):
                    continue
                at = (*node.path, "recommendations", j, "text", lang)
                for problem, name in scan_placeholders(body):
                    if problem:
                        yield doc.issue(
                            at, "invalid-placeholder", f"unbalanced braces near {name!r}"
                        )
                    elif name not in allowed:
                        yield doc.issue(
                            at,
                            "unknown-placeholder",
                            f"{{{name}}} is neither a declared variable nor one of "
                            f"{', '.join(sorted(PLACEHOLDERS))}",
                        )


RUBRIC_CHECKS: tuple[Check[RubricFn], ...] = (
    reference_ids,
    node_ids,
    score_bands,
    translations,
    boolean_weights,
    node_references,
    groups,
    families_are_groups,
    variables,
    unused_variables,
    recommendation_placeholders,
)
"""The rubric-wide checks, in the order they run."""


def rubric_checks() -> tuple[Check[RubricFn], ...]:
    """Every rubric-wide check: the rubric's own, then those registered kinds contribute."""
    own = tuple(c for unit in registry.kinds() for c in unit.rubric_checks)
    return (*RUBRIC_CHECKS, *own)


def _unit_issues(doc: Document) -> Iterator[Issue]:
    """The checks of each indicator's kind, and of the rules it holds."""
    for node in doc.nodes:
        if node.is_group:
            continue
        unit = registry.find_kind(node.kind)
        fields = ("rule",) if unit is None else unit.rule_fields
        if unit is not None:
            for check in unit.checks:
                yield from check(doc, node)
        for name in fields:
            rule = node.data.get(name)
            found = registry.find_rule(rule.get("type")) if isinstance(rule, dict) else None
            if found is not None and isinstance(rule, dict):
                for rcheck in found.checks:
                    yield from rcheck(doc, (*node.path, name), rule)


def run_checks(yaml: YamlDoc) -> list[Issue]:
    """Every issue the checks find in a rubric as written (unsorted)."""
    doc = Document(yaml)
    issues: list[Issue] = []
    for check in rubric_checks():
        issues.extend(check(doc))
    issues.extend(_unit_issues(doc))
    return issues


def all_codes() -> dict[str, tuple[str, ...]]:
    """Every code the rubric loader can emit, with who emits it ('schema', a check's name,
    'kind <key>', 'rule <type>')."""
    out: dict[str, tuple[str, ...]] = {"schema": SCHEMA_CODES}
    for check in RUBRIC_CHECKS:
        out[check.name] = check.codes
    for unit in registry.kinds():
        out[f"kind {unit.key}"] = unit.codes
    for rule in registry.rules():
        out[f"rule {rule.key}"] = rule.codes
    return out
