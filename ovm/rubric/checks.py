"""The rubric's checks beyond its schema: a list of small checks, each owning its issue codes.

Rubric-wide checks live here, next to the rubric model; checks of one kind of indicator or one
rule type live in that kind's or rule's module and come from the registry. :func:`run_checks`
runs them all on a document as written; :func:`all_codes` lists every code the loader can emit
(schema codes included), which the test of broken fixtures reads.
"""

from __future__ import annotations

import math
import re
import sys
from collections.abc import Iterator
from typing import Any

from ovm.errors import Issue, PathPart
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
from ovm.nearest import FIELD_CUTOFF, closest, swapped
from ovm.rubric import formula
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
                    ("references", i, "id"),
                    "duplicate-id",
                    f"reference {rid!r} is declared twice",
                    variant="reference",
                    id=rid,
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
                (*node.path, "id"),
                "duplicate-id",
                f"id {nid!r} is already used{reserved}",
                params={"id": nid, **({"variant": "reserved"} if reserved else {})},
            )
        else:
            seen.add(nid)


def raw_scale(node: RawNode) -> tuple[float, float, bool]:
    """A node's scale as written: (minimum, maximum, integer), 0-100 where it says nothing."""
    return node.scale


@rubric_check("bands-unordered", "bands-overlap", "bands-gap", "bands-mixed", "missing-field")
def score_bands(doc: Document) -> Iterator[Issue]:
    """Score bands (the rubric's and a node's own) are ordered, touch, and cover their node's
    scale; on an integer scale they may be inclusive ranges ``from``-``to`` instead."""
    yield from _band_list(doc, ("bands",), doc.data.get("bands"), (0.0, 100.0, False))
    for node in doc.nodes:
        if "bands" in node.data:
            yield from _band_list(doc, (*node.path, "bands"), node.data["bands"], raw_scale(node))


def _band_list(
    doc: Document, path: tuple[str | int, ...], bands: object, scale: tuple[float, float, bool]
) -> Iterator[Issue]:
    items = [(i, b) for i, b in enumerate(seq(bands)) if isinstance(b, dict)]
    inclusive = [i for i, b in items if "from" in b or "to" in b]
    half_open = [i for i, b in items if "min" in b or "max" in b]
    for i, band in items:
        if i in inclusive:
            continue
        for end in ("min", "max"):
            if end not in band:
                # Located at the band, named by the field it lacks, as the schema would.
                at = doc.issue((*path, i), "missing-field", "required field is missing")
                yield Issue(
                    at.file,
                    at.line,
                    at.column,
                    at.code,
                    at.message,
                    (*path, i, end),
                    "error",
                    params={"variant": "field", "field": end},
                )
    if inclusive and half_open:
        yield doc.issue(
            (*path, max(inclusive[0], half_open[0])),
            "bands-mixed",
            "write every band of a list as min-max or every one as from-to",
            variant="list",
        )
        return
    bottom, top, integer = scale
    if not inclusive:
        yield from doc.ranges(path, bands, scores=True, bottom=bottom, top=top)
        return
    if not integer:
        yield doc.issue(
            (*path, inclusive[0]),
            "bands-mixed",
            "inclusive from-to bands need an integer scale (scale: {integer: true}); "
            "use min-max bands on a continuous scale",
            variant="integer",
        )
        return
    prev: float | None = None
    for k, (i, band) in enumerate(items):
        lo, hi = num(band.get("from")), num(band.get("to"))
        if lo is None or hi is None:
            yield doc.issue(
                (*path, i), "missing-field", "an inclusive band needs from and to", variant="band"
            )
            prev = None
            continue
        if lo != int(lo) or hi != int(hi) or lo > hi:
            yield doc.issue(
                (*path, i),
                "bands-unordered",
                f"from {lo:g} to {hi:g} is not a range of integers",
                variant="integers",
                low=lo,
                high=hi,
            )
        if k == 0 and lo != bottom:
            yield doc.issue(
                (*path, i),
                "bands-gap",
                f"the lowest band must start at {bottom:g}",
                variant="lowest",
                low=bottom,
            )
        if prev is not None:
            if lo < prev + 1 and lo < prev:
                yield doc.issue(
                    (*path, i),
                    "bands-unordered",
                    "bands must be listed from the lowest to the highest",
                    variant="order",
                )
            elif lo < prev + 1:
                yield doc.issue(
                    (*path, i),
                    "bands-overlap",
                    f"starts at {lo:g}, inside the previous band",
                    low=lo,
                )
            elif lo > prev + 1:
                yield doc.issue(
                    (*path, i),
                    "bands-gap",
                    f"{prev + 1:g} to {lo - 1:g} fall in no band",
                    variant="integers",
                    low=prev + 1,
                    high=lo - 1,
                )
        if k == len(items) - 1 and hi != top:
            yield doc.issue(
                (*path, i),
                "bands-gap",
                f"the highest band must end at {top:g}",
                variant="highest",
                high=top,
            )
        prev = hi


@rubric_check("invalid-scale", "subtract-outside-sum")
def scales(doc: Document) -> Iterator[Issue]:
    """A scale's minimum is below its maximum; only a child of a sum subtracts."""
    parents: dict[tuple[str | int, ...], RawNode] = {n.path: n for n in doc.nodes}
    for node in doc.nodes:
        if isinstance(node.data.get("scale"), dict):
            lo, hi, _ = raw_scale(node)
            if lo >= hi:
                yield doc.issue(
                    (*node.path, "scale"),
                    "invalid-scale",
                    f"the scale's min {lo:g} is not below its max {hi:g}",
                    low=lo,
                    high=hi,
                )
        if node.data.get("subtracts") is True:
            parent = parents.get(node.path[:-2]) if node.depth > 1 else None
            method = (
                doc.data.get("aggregation") if parent is None else parent.data.get("aggregation")
            )
            if method != "sum" or (parent is not None and "formula" in parent.data):
                yield doc.issue(
                    (*node.path, "subtracts"),
                    "subtract-outside-sum",
                    "only a child of a group with aggregation: sum can be subtracted",
                )


def _rated(node: RawNode | None, rubric_bands: object) -> bool:
    if node is None:
        return False
    bands = node.data.get("bands")
    if bands is None and not isinstance(node.data.get("scale"), dict):
        bands = rubric_bands
    return any(isinstance(b, dict) and num(b.get("rating")) is not None for b in seq(bands))


@rubric_check(
    "formula-syntax", "unknown-node", "node-cycle", "no-rating", "cohort-node", "zero-divisor"
)
def node_formulas(doc: Document) -> Iterator[Issue]:
    """Formulas read nodes that exist (rated ones for ``rating()``), without a cycle, and
    divide by nothing that is zero whatever the data; a group's formula reads nodes only, a
    quantitative indicator's none scored across the cohort; the headline names a node."""
    by_id = {n.data.get("id"): n for n in doc.nodes if isinstance(n.data.get("id"), str)}
    head = doc.data.get("headline")
    if isinstance(head, str) and head != "none" and head not in by_id:
        yield doc.issue(("headline",), "unknown-node", f"no node with id {head!r}", id=head)
    deps: dict[str, list[str]] = {}
    where: dict[tuple[str, str], tuple[tuple[str | int, ...], str, int]] = {}
    # Quantitative formulas' references, checked against the cohort once every edge is known.
    quantitative: list[tuple[tuple[str | int, ...], str, formula.Ref]] = []
    for node in doc.nodes:
        nid = node.data.get("id")
        if not isinstance(nid, str):
            continue
        kids = [c.get("id") for c in seq(node.data.get("children")) if isinstance(c, dict)]
        deps[nid] = [k for k in kids if isinstance(k, str)]
        text = node.data.get("formula")
        group = node.is_group
        if not isinstance(text, str) or not (group or node.kind == "quantitative"):
            continue
        at = (*node.path, "formula")
        try:
            expr = formula.parse(text)
        except formula.FormulaSyntaxError as exc:
            if group:  # an indicator's formula is reported by its kind's check
                yield doc.formula_issue(
                    at, text, exc.offset, "formula-syntax", exc.message, **exc.params
                )
            continue
        for division, offset in formula.zero_divisors(expr):
            # Scoring would refuse it for every mission: said once here, at the divisor.
            yield doc.formula_issue(
                at,
                text,
                offset,
                "zero-divisor",
                "a division by zero, whatever the data,",
                divisor=formula.to_text(division.right),
            )
        for var in formula.names(expr) if group else ():
            yield doc.formula_issue(
                at,
                text,
                var.offset,
                "formula-syntax",
                f"{var.name!r}: a group's formula reads nodes, as value(id), score(id), "
                "band(id) or rating(id)",
                variant="group",
                name=var.name,
            )
        for ref in formula.refs(expr):
            target = by_id.get(ref.node)
            if target is None:
                yield doc.formula_issue(
                    at,
                    text,
                    ref.offset,
                    "unknown-node",
                    f"no node with id {ref.node!r}",
                    variant="formula",
                    id=ref.node,
                )
                continue
            if ref.func == "rating" and not _rated(target, doc.data.get("bands")):
                yield doc.formula_issue(
                    at,
                    text,
                    ref.offset,
                    "no-rating",
                    f"the bands of {ref.node!r} have no rating",
                    id=ref.node,
                )
            deps[nid].append(ref.node)
            where.setdefault((nid, ref.node), (at, text, ref.offset))
            if not group:
                quantitative.append((at, text, ref))
    yield from _cycles(doc, deps, where)
    across = _cohort_scored(doc, deps)
    for at, text, ref in quantitative:
        if ref.node in across:
            yield doc.formula_issue(
                at,
                text,
                ref.offset,
                "cohort-node",
                f"{ref.node!r} is scored across the missions compared; an indicator's formula "
                "reads a node scored by the rubric alone",
                id=ref.node,
            )


def _cohort_scored(doc: Document, deps: dict[str, list[str]]) -> set[str]:
    """Nodes whose score is known only across the cohort: a cohort rule or a comparative
    measure, and every node that aggregates or reads one."""
    found = {
        nid
        for n in doc.nodes
        if isinstance(nid := n.data.get("id"), str)
        and (
            n.kind == "comparative"
            or (isinstance(rule := n.data.get("rule"), dict) and rule.get("type") == "cohort")
        )
    }
    grew = True
    while grew:
        grew = False
        for nid, reads in deps.items():
            if nid not in found and any(d in found for d in reads):
                found.add(nid)
                grew = True
    return found


def _cycles(
    doc: Document,
    deps: dict[str, list[str]],
    where: dict[tuple[str, str], tuple[tuple[str | int, ...], str, int]],
) -> Iterator[Issue]:
    """One issue per formula reference that closes a cycle, at the reference."""
    state: dict[str, int] = {}
    stack: list[str] = []
    found: list[tuple[str, str, list[str]]] = []

    def visit(nid: str) -> None:
        state[nid] = 1
        stack.append(nid)
        for dep in deps.get(nid, ()):
            if state.get(dep) == 1:
                found.append((nid, dep, stack[stack.index(dep) :]))
            elif dep not in state:
                visit(dep)
        stack.pop()
        state[nid] = 2

    for nid in deps:
        if nid not in state:
            visit(nid)
    for src, dst, loop in found:
        cycle = " -> ".join([*loop, dst])
        place = where.get((src, dst))
        if place is None:
            # The edge that closes the loop is a child's: report it at the formula that leads
            # into the loop instead.
            for a, b in zip(loop, [*loop[1:], dst], strict=True):
                if (a, b) in where:
                    place = where[(a, b)]
                    break
        if place is not None:
            at, text, offset = place
            yield doc.formula_issue(
                at, text, offset, "node-cycle", f"nodes depend on themselves: {cycle}", cycle=cycle
            )


def _node_texts(node: RawNode) -> Iterator[tuple[tuple[str | int, ...], object]]:
    # A unit written per language is a text too: recommendation texts quote it as {unit}.
    for key in ("labels", "description", "rationale", "unit", "unit_one"):
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
            for key in ("labels", "description", "unit", "unit_one"):
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
            yield doc.issue(
                (*node.path, "weight"), "invalid-weight", "must be a number > 0", variant="boolean"
            )


def _declared_references(doc: Document) -> set[str]:
    """The ids of the rubric's references, with that of a reference whose ``id`` key is
    misspelt (``di: idea-2007``): that key is said once, as the field meant, and the id it
    gives is the one the nodes cite, not a missing reference for each."""
    ids = {str(r) for r in doc.reference_ids}
    for ref in seq(doc.data.get("references")):
        if isinstance(ref, dict) and "id" not in ref:
            ids |= {
                v
                for k, v in ref.items()
                if isinstance(k, str)
                and isinstance(v, str)
                and (swapped(k, ["id"]) or closest(k, ["id"], cutoff=FIELD_CUTOFF, words=False))
            }
    return ids


@rubric_check("unknown-reference")
def node_references(doc: Document) -> Iterator[Issue]:
    """A node cites references the rubric declares."""
    declared = _declared_references(doc)
    # A rubric that lists no references declares none, so every id a node cites is unknown; a
    # list whose ids could not be read is said where it is, not again at each citation.
    listed = doc.data.get("references")
    none_listed = listed is None or listed == []
    for node in doc.nodes:
        for j, ref in enumerate(seq(node.data.get("references"))):
            if not isinstance(ref, str) or ref in declared:
                continue
            if none_listed:
                yield doc.issue(
                    (*node.path, "references", j),
                    "unknown-reference",
                    f"no reference with id {ref!r}: the rubric lists no references "
                    "(declare it under `references:`)",
                    variant="none_listed",
                    id=ref,
                )
            elif declared:
                yield doc.issue(
                    (*node.path, "references", j),
                    "unknown-reference",
                    f"no reference with id {ref!r} in the rubric's references",
                    id=ref,
                )


@rubric_check("empty-group", "missing-power", "unbounded-scale")
def groups(doc: Document) -> Iterator[Issue]:
    """Groups have children, a generalised mean its power; a sum leaves the 0-100 scale."""
    if doc.data.get("aggregation") == "sum":
        families = [n for n in doc.nodes if n.depth == 1]
        reach = _sum_reach(families)
        if reach is not None and headless(doc):
            yield _unbounded_sum(doc, ("aggregation",), reach)
    for node in doc.nodes:
        if not node.is_group:
            continue
        data, path = node.data, node.path
        if data.get("aggregation") == "sum" and "scale" not in data and "formula" not in data:
            kids = [
                RawNode((*path, "children", i), c, node.depth + 1)
                for i, c in enumerate(seq(data.get("children")))
                if isinstance(c, dict)
            ]
            reach = _sum_reach(kids)
            if reach is not None:
                yield _unbounded_sum(doc, (*path, "aggregation"), reach)
        if not data.get("children") and "formula" not in data:
            yield doc.issue(path, "empty-group", "a group needs at least one child or a formula")
        if data.get("aggregation") == "generalised" and num(data.get("power")) is None:
            yield doc.issue(
                (*path, "aggregation"), "missing-power", "a generalised mean needs a numeric power"
            )


def headless(doc: Document) -> bool:
    """Whether the overall is the families aggregated (no headline node stands for it)."""
    return doc.data.get("headline") is None


def _sum_reach(kids: list[RawNode]) -> tuple[float, float] | None:
    """The range a sum of these children can reach, when it leaves 0-100 (else None)."""
    lo = hi = 0.0
    for kid in kids:
        if kid.data.get("contributes") is False:
            continue
        w = num(kid.data.get("weight"))
        w = 1.0 if w is None else w
        a, b, _ = raw_scale(kid)
        if kid.data.get("subtracts") is True:
            a, b = -b, -a
        lo, hi = lo + w * a, hi + w * b
    return None if lo >= 0.0 and hi <= 100.0 else (lo, hi)


def _unbounded_sum(doc: Document, path: tuple[str | int, ...], reach: tuple[float, float]) -> Issue:
    lo, hi = reach
    return doc.issue(
        path,
        "unbounded-scale",
        f"this sum reaches {lo:g} to {hi:g}, beyond the 0-100 scale: declare it "
        f"(scale: {{min: {lo:g}, max: {hi:g}}}) so its bands, rankings and charts use that range",
        "warning",
        variant="sum",
        low=lo,
        high=hi,
    )


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
                    name=name,
                )
            seen.add(name)
        lo, hi = num(var.get("minimum")), num(var.get("maximum"))
        if lo is not None and hi is not None and lo > hi:
            yield doc.issue(
                ("variables", i, "minimum"),
                "invalid-range",
                f"minimum {lo:g} is above maximum {hi:g}",
                low=lo,
                high=hi,
            )
    for name, vpath in doc.variables.items():
        lim = doc.variable_data[name].get("at_most")
        written: list[tuple[int | None, Any]]
        written = [(None, lim)] if isinstance(lim, str) else list(enumerate(seq(lim)))
        for j, one in written:
            if isinstance(one, str) and one not in doc.variables:
                yield doc.issue(
                    (*vpath, "at_most") if j is None else (*vpath, "at_most", j),
                    "unknown-variable",
                    f"{one!r} is not a declared variable",
                    variant="at_most",
                    name=one,
                )


@rubric_check("unused-variable")
def unused_variables(doc: Document) -> Iterator[Issue]:
    """Warn of a variable no node reads and no other variable is bounded by."""
    used: set[str] = set()
    for node in doc.nodes:
        unit = None if node.is_group else registry.find_kind(node.kind)
        if unit is not None:
            used.update(unit.variables_in(node.data))
    bounds = {
        one
        for v in doc.variable_data.values()
        for one in (
            [v.get("at_most")] if isinstance(v.get("at_most"), str) else seq(v.get("at_most"))
        )
        if isinstance(one, str)
    }
    for name, vpath in doc.variables.items():
        if name in used or doc.variable_data[name].get("at_most") is not None or name in bounds:
            continue
        yield doc.issue(
            vpath,
            "unused-variable",
            f"variable {name!r} is used by no formula",
            "warning",
            name=name,
        )


_LARGEST = "the largest number a computer holds (about 1.8e308)"


def _finite(x: float) -> bool:
    return math.isfinite(x)


def _number(value: object) -> float | None:
    """A number as the schema reads it: YAML 1.1 reads ``1e308`` as text, the schema as a
    number."""
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return num(value)


def _sibling_weights(doc: Document) -> Iterator[tuple[tuple[PathPart, ...], list[object]]]:
    """Each list of siblings (the families, each group's children) with its path."""
    yield ("families",), seq(doc.data.get("families"))
    for node in doc.nodes:
        if node.is_group:
            yield (*node.path, "children"), seq(node.data.get("children"))


def _magnitude(node: object) -> float:
    """The largest score, in size, a node can have: the larger end of its scale (100 where it
    declares none), and at least 1 (a weight times a small score is no larger than the weight)."""
    scale = node.get("scale") if isinstance(node, dict) else None
    lo = hi = None
    if isinstance(scale, dict):
        lo, hi = _number(scale.get("min")), _number(scale.get("max"))
    ends = [0.0 if lo is None else lo, 100.0 if hi is None else hi]
    if not all(_finite(x) for x in ends):
        return 1.0  # an infinite end is the scale check's to refuse
    return max(1.0, *(abs(x) for x in ends))


@rubric_check("number-overflow")
def overflows(doc: Document) -> Iterator[Issue]:
    """Numbers each finite, whose sums and powers stay finite too: two weights of 1e308 sum to
    infinity, and every score would come out wrong without a word. Scores are taken at the
    larger end of each node's own scale."""
    for path, siblings in _sibling_weights(doc):
        total = 0.0
        for j, child in enumerate(siblings):
            w = _number(child.get("weight")) if isinstance(child, dict) else None
            if w is None or w <= 0 or not _finite(w):
                continue
            # The weights' sum, and the sum of the largest scores times them, stay finite.
            total += w * _magnitude(child)
            if not _finite(total):
                yield doc.issue(
                    (*path, j, "weight"),
                    "number-overflow",
                    f"the weights up to this one sum to more than {_LARGEST} once multiplied "
                    "by a score: scale every weight down (only their ratios matter)",
                    variant="weights",
                )
                break
    for node in doc.nodes:
        power = _number(node.data.get("power"))
        if node.is_group and power is not None and _finite(power):
            # The largest score of a child raised to the power: 100 on the default scale.
            base = max((_magnitude(c) for c in seq(node.data.get("children"))), default=100.0)
            try:
                too_far = not _finite(base ** abs(power))
            except OverflowError:
                too_far = True
            if too_far:
                # The largest whole power that stays finite, rounded down to tens when it is
                # that large (150 for scores up to 100); 3 for scores up to 1e100.
                limit = math.floor(math.log(sys.float_info.max, base))
                if limit >= 10:
                    limit = limit // 10 * 10
                yield doc.issue(
                    (*node.path, "power"),
                    "number-overflow",
                    f"a score of {base:g} to the power {power:g} is more than {_LARGEST}: use a "
                    f"power between -{limit} and {limit} (the mean is then already next to the "
                    "highest or lowest score)",
                    variant="power",
                    score=base,
                    power=power,
                    limit=limit,
                )
        unit = None if node.is_group else registry.find_kind(node.kind)
        for name in ("rule",) if unit is None else unit.rule_fields:
            rule = node.data.get(name)
            if isinstance(rule, dict):
                yield from _rule_overflows(doc, (*node.path, name), rule)


def _rule_overflows(
    doc: Document, path: tuple[PathPart, ...], rule: dict[str, Any]
) -> Iterator[Issue]:
    lo, hi = _number(rule.get("low")), _number(rule.get("high"))
    if lo is not None and hi is not None and _finite(lo) and _finite(hi) and not _finite(hi - lo):
        yield doc.issue(
            (*path, "high"),
            "number-overflow",
            f"the goalposts are further apart than {_LARGEST}: bring them closer",
            variant="goalposts",
        )
    tol, span = _number(rule.get("tolerance")), _number(rule.get("span"))
    target = _number(rule.get("target"))
    reach = (tol or 0.0) + (span or 0.0)
    if (tol is not None or span is not None) and (
        not _finite(reach) or (target is not None and not _finite(abs(target) + reach))
    ):
        yield doc.issue(
            (*path, "span"),
            "number-overflow",
            f"the target with its tolerance and span reaches beyond {_LARGEST}: use smaller "
            "numbers",
            variant="target",
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
                            at,
                            "invalid-placeholder",
                            f"unbalanced braces near {name!r}",
                            near=name,
                        )
                    elif name not in allowed:
                        yield doc.issue(
                            at,
                            "unknown-placeholder",
                            f"{{{name}}} is neither a declared variable nor one of "
                            f"{', '.join(sorted(PLACEHOLDERS))}",
                            name=name,
                            allowed=sorted(PLACEHOLDERS),
                        )


@rubric_check("out-of-range")
def recommendation_thresholds(doc: Document) -> Iterator[Issue]:
    """A recommendation's ``below`` or ``above`` is a score of its node's scale."""
    for node in doc.nodes:
        lo, hi, _integer = raw_scale(node)
        for j, rec in enumerate(seq(node.data.get("recommendations"))):
            when = rec.get("when") if isinstance(rec, dict) else None
            if not isinstance(when, dict):
                continue
            for key in ("below", "above"):
                x = _number(when.get(key))
                if x is not None and not lo <= x <= hi:
                    yield doc.issue(
                        (*node.path, "recommendations", j, "when", key),
                        "out-of-range",
                        f"{key} {x:g} is not a score of this node's scale ({lo:g}-{hi:g})",
                        variant=f"recommendation_{key}",
                        value=x,
                        low=lo,
                        high=hi,
                    )


RUBRIC_CHECKS: tuple[Check[RubricFn], ...] = (
    reference_ids,
    node_ids,
    score_bands,
    scales,
    node_formulas,
    translations,
    boolean_weights,
    node_references,
    groups,
    families_are_groups,
    variables,
    unused_variables,
    recommendation_placeholders,
    recommendation_thresholds,
    overflows,
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
    # Without a list of families (a misspelt key) the kinds' checks would only echo the schema's
    # message: a question "not found" among nodes that were never read.
    checks = rubric_checks() if isinstance(doc.data.get("families"), list) else RUBRIC_CHECKS
    for check in checks:
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
