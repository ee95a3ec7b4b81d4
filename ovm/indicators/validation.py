"""The toolkit of rubric checks: a check is a small function that declares the codes it emits.

Checks read the rubric as written (plain YAML data with line numbers), not the validated model:
they run on documents the schema rejected too, so every mistake of a file is reported in one
run. There are three scopes:

- a **rubric check** (:func:`rubric_check`) sees the whole :class:`Document`;
- a **node check** (:func:`node_check`) sees one node of a kind (:class:`RawNode`), and is
  listed by that kind's unit;
- a **rule check** (:func:`rule_check`) sees one rule mapping, and is registered with that rule.

Each returns the issues it found (an iterable of :class:`~ovm.errors.Issue`); one emitting a
code it did not declare is a programming error and raises.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, Literal, TypeVar

import yaml

from ovm.errors import Issue, PathPart
from ovm.indicators._common import LANG_PATTERN
from ovm.yamldoc import YamlDoc

Path = tuple[PathPart, ...]
Severity = Literal["error", "warning"]


def seq(value: Any) -> list[Any]:
    """A list as written, or an empty one where the document has something else."""
    # Checks run on documents the schema rejected too: a scalar where a list belongs.
    return value if isinstance(value, list) else []


def as_written(value: Any) -> str | int | float:
    """A value of the document as a message quotes it: text and numbers as they are, a date as
    ISO writes it, anything else (a list, a mapping, true) as compact YAML, as the user wrote it."""
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        return value
    if isinstance(value, dt.date):
        return value.isoformat()
    try:
        text = yaml.safe_dump(value, default_flow_style=True, width=10**9, allow_unicode=True)
    except yaml.YAMLError:
        return repr(value)
    return text.strip().removesuffix("...").strip()


def quoted(value: Any) -> str:
    """A value of the document quoted in an English message: text in quotes, anything else as
    :func:`as_written` writes it."""
    return repr(value) if isinstance(value, str) else str(as_written(value))


def num(value: Any) -> float | None:
    """A number as written (booleans are not numbers), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    return None


@dataclass(frozen=True)
class RawNode:
    """One node of the tree as written: where it is, its mapping, its depth (families are 1)."""

    path: Path
    data: dict[str, Any]
    depth: int

    @property
    def kind(self) -> str:
        """The node's ``kind`` as written (``group`` when absent)."""
        return str(self.data.get("kind", "group"))

    @property
    def scale(self) -> tuple[float, float, bool]:
        """The node's scale as written: (minimum, maximum, integer), 0-100 where it says
        nothing."""
        scale = self.data.get("scale")
        if not isinstance(scale, dict):
            return 0.0, 100.0, False
        lo, hi = num(scale.get("min")), num(scale.get("max"))
        return (
            0.0 if lo is None else lo,
            100.0 if hi is None else hi,
            scale.get("integer") is True,
        )

    @property
    def is_group(self) -> bool:
        """Whether the node is checked as a group (a group kind, or children given)."""
        return self.kind == "group" or "children" in self.data


class Document:
    """A rubric as written, indexed once for the checks: nodes, ids, variables, languages."""

    def __init__(self, doc: YamlDoc) -> None:
        self.yaml = doc
        self.data: dict[str, Any] = doc.data
        data = self.data
        # A language the schema refuses has no texts to miss: its own issue is enough.
        self.langs = [
            x
            for x in (seq(data.get("languages")) or ["en", "es"])
            if isinstance(x, str) and re.fullmatch(LANG_PATTERN, x)
        ]
        self.reference_ids = {
            r.get("id")
            for r in seq(data.get("references"))
            if isinstance(r, dict) and isinstance(r.get("id"), str)
        }
        self.variables: dict[str, Path] = {}
        """Where each variable is declared (the first declaration of a name)."""
        self.variable_data: dict[str, dict[str, Any]] = {}
        for i, var in enumerate(seq(data.get("variables"))):
            if isinstance(var, dict) and isinstance(var.get("name"), str):
                name = var["name"]
                if name not in self.variables:
                    self.variables[name] = ("variables", i)
                    self.variable_data[name] = var
        self.nodes: list[RawNode] = list(_raw_nodes(data))
        """Every node mapping, depth first, parents before children."""
        self.ids: dict[str, Path] = {}
        """Where each node id is first used ('overall' is reserved and never an id)."""
        for node in self.nodes:
            nid = node.data.get("id")
            if isinstance(nid, str) and nid != "overall":
                self.ids.setdefault(nid, node.path)

    def issue(
        self,
        path: Path,
        code: str,
        message: str,
        severity: Severity = "error",
        *,
        key: bool = False,
        params: Mapping[str, object] | None = None,
        **parts: object,
    ) -> Issue:
        """An issue located at ``path`` (at its key rather than its value with ``key``);
        ``params`` and ``parts`` are the parts of its sentence by name (see
        :class:`~ovm.errors.Issue`)."""
        pos = self.yaml.positions.find(path, key=key)
        line, col = pos if pos else (None, None)
        return Issue(
            self.yaml.file,
            line,
            col,
            code,
            message,
            path,
            severity,
            "rubric",
            params={**(params or {}), **parts},
        )

    def formula_issue(
        self, path: Path, text: str, offset: int, code: str, message: str, **params: object
    ) -> Issue:
        """An issue at the character ``offset`` of a formula written at ``path``; its sentence
        ends with the formula, which ``params`` carry as ``formula``."""
        pos = self.yaml.positions.find(path)
        line, col = pos if pos else (None, None)
        # Plain scalars start at the formula's first character, so the offset lands on the token.
        if col is not None and line is not None and "\n" not in text:
            lines = self.yaml.text.splitlines()
            raw = lines[line - 1] if 0 < line <= len(lines) else None
            start = raw.find(text, col - 1) if raw is not None else -1
            col = (start if start >= 0 else col - 1) + offset + 1
        return Issue(
            self.yaml.file,
            line,
            col,
            code,
            f"{message} in {text!r}",
            path,
            "error",
            "rubric",
            params={**params, "formula": text},
        )

    def translations(self, path: Path, text: Any) -> list[Issue]:
        """``missing-translation`` when a text lacks one of the rubric's languages."""
        if not isinstance(text, dict) or not text:
            return []
        missing = [lang for lang in self.langs if lang not in text]
        if not missing:
            return []
        return [
            self.issue(
                path,
                "missing-translation",
                f"no text for declared language(s): {', '.join(missing)}",
                languages=missing,
                n=len(missing),
            )
        ]

    def unbounded(self, path: Path, what: str, **params: object) -> Issue:
        """The warning that ``what`` leaves the 0-100 scale (``params`` say it by parts)."""
        return self.issue(
            path,
            "unbounded-scale",
            f"{what} is not on the 0-100 scale: it will not mix with other scores "
            "or fall in a band",
            "warning",
            params=params,
        )

    def ranges(
        self,
        path: Path,
        bands: Any,
        *,
        scores: bool,
        bottom: float = 0.0,
        top: float = 100.0,
    ) -> list[Issue]:
        """Bands ordered and not overlapping; score bands also touch and cover their node's
        scale, ``bottom`` to ``top`` (0 to 100 unless the node declares another).

        Value bands (of a rule) touch too (a value between two of them would be scored as
        missing although it was observed), but may be open or closed at the ends.
        """
        issues: list[Issue] = []
        if not isinstance(bands, list) or not bands:
            return issues
        prev_max: float | None = None
        prev_min: float | None = None
        for i, band in enumerate(bands):
            if not isinstance(band, dict):
                continue
            lo, hi = num(band.get("min")), num(band.get("max"))
            bpath = (*path, i)

            def add(code: str, message: str, bpath: Path = bpath, **params: object) -> None:
                issues.append(self.issue(bpath, code, message, params=params))

            if lo is not None and hi is not None and lo >= hi:
                add(
                    "bands-unordered",
                    f"min {lo:g} is not below max {hi:g}",
                    variant="min_max",
                    low=lo,
                    high=hi,
                )
            if not scores and i > 0 and lo is None:
                add("bands-unordered", "only the first band may be open below", variant="open")
            if prev_min is not None and lo is not None and lo < prev_min:
                what = "" if scores else " value"
                add(
                    "bands-unordered",
                    f"bands must be listed from the lowest to the highest{what}",
                    variant="order" if scores else "order_value",
                )
            elif prev_max is not None and lo is not None and lo < prev_max:
                add(
                    "bands-overlap",
                    f"starts at {lo:g}, inside the previous band (up to {prev_max:g})",
                    variant="up_to",
                    low=lo,
                    high=prev_max,
                )
            elif prev_max is not None and lo is not None and lo > prev_max:
                what = "scores" if scores else "values"
                add(
                    "bands-gap",
                    f"{what} from {prev_max:g} to {lo:g} fall in no band",
                    variant=what,
                    low=prev_max,
                    high=lo,
                )
            if not scores and i < len(bands) - 1 and hi is None:
                add("bands-overlap", "only the last band may be open above", variant="open")
            prev_min, prev_max = lo, hi
        if not scores:
            return issues
        first = bands[0] if isinstance(bands[0], dict) else {}
        last = bands[-1] if isinstance(bands[-1], dict) else {}
        if num(first.get("min")) not in (None, bottom):
            issues.append(
                self.issue(
                    (*path, 0),
                    "bands-gap",
                    f"the lowest band must start at {bottom:g}",
                    variant="lowest",
                    low=bottom,
                )
            )
        if num(last.get("max")) not in (None, top):
            issues.append(
                self.issue(
                    (*path, len(bands) - 1),
                    "bands-gap",
                    f"the highest band must end at {top:g}",
                    variant="highest",
                    high=top,
                )
            )
        return issues


def _raw_nodes(data: Mapping[str, Any]) -> Iterator[RawNode]:
    def rec(node: Any, path: Path, depth: int) -> Iterator[RawNode]:
        if not isinstance(node, dict):
            return
        yield RawNode(path, node, depth)
        for i, child in enumerate(seq(node.get("children"))):
            yield from rec(child, (*path, "children", i), depth + 1)

    for i, fam in enumerate(seq(data.get("families"))):
        yield from rec(fam, ("families", i), 1)


# --- checks --------------------------------------------------------------------------------

F = TypeVar("F", bound=Callable[..., Iterable[Issue]])
Scope = Literal["rubric", "node", "rule"]


@dataclass(frozen=True)
class Check(Generic[F]):
    """A named check, what it looks at, and every issue code it may emit."""

    name: str
    scope: Scope
    codes: tuple[str, ...]
    fn: F = field(repr=False)

    def __call__(self, *args: Any) -> list[Issue]:
        """The issues the check finds; raises when one has a code the check did not declare."""
        issues = list(self.fn(*args))
        for issue in issues:
            if issue.code not in self.codes:
                raise RuntimeError(
                    f"check {self.name} emitted {issue.code!r}, which it does not "
                    f"declare ({', '.join(self.codes)})"
                )
        return issues


RubricFn = Callable[[Document], Iterable[Issue]]
NodeFn = Callable[[Document, RawNode], Iterable[Issue]]
RuleFn = Callable[[Document, Path, dict[str, Any]], Iterable[Issue]]


def _named(scope: Scope, codes: tuple[str, ...]) -> Callable[[F], Check[F]]:
    if not codes:
        raise ValueError("a check declares at least one code")

    def wrap(fn: F) -> Check[F]:
        return Check(f"{fn.__module__}.{fn.__qualname__}", scope, codes, fn)

    return wrap


def rubric_check(*codes: str) -> Callable[[RubricFn], Check[RubricFn]]:
    """Make ``fn(document)`` a rubric-wide check emitting ``codes``."""
    return _named("rubric", codes)


def node_check(*codes: str) -> Callable[[NodeFn], Check[NodeFn]]:
    """Make ``fn(document, node)`` a check of one node of a kind, emitting ``codes``."""
    return _named("node", codes)


def rule_check(*codes: str) -> Callable[[RuleFn], Check[RuleFn]]:
    """Make ``fn(document, path, rule)`` a check of one rule mapping, emitting ``codes``."""
    return _named("rule", codes)
