"""Warnings about what the rubric declares and the workspace leaves empty, at the declaration.

A checklist question no visit answers, or a variable an indicator reads that nothing gives, is
missing for every mission: the load says so once, in the workspace's warnings, so that
``ovm check``, every command that scores, the library and a report's data quality say the same
warning and count it alike.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ovm.errors import Issue

if TYPE_CHECKING:
    from collections.abc import Mapping

    from ovm.data.observations import Observations
    from ovm.errors import PathPart
    from ovm.rubric.model import Rubric
    from ovm.yamldoc import YamlDoc


class RubricSource:
    """The rubric a workspace was read with, as its warnings name and place it: the file it
    was read from (None for a rubric given as an object), the name warnings give that file (a
    bundled rubric ``bundled:NAME``, as a workspace names it, never the place ovm is installed
    at, so that the same workspace's reports are the same wherever they are made), and its
    document, read again once, when a warning first needs a place in it."""

    def __init__(self, rubric: Rubric, spec: str | None, base: Path, given: bool) -> None:
        """``spec``: the rubric as ovm.yaml or the caller named it (None: an object)."""
        self.file: Path | None = None
        self.name = f"<rubric {rubric.id}>"
        self.bundled = spec is not None and spec.startswith("bundled:")
        if spec is None:
            return
        if self.bundled:
            # By path, as ovm finds its catalogues: importlib.resources' readers cost every
            # command their import for a file named only in a warning.
            self.file = Path(__file__).resolve().parent.parent / "rubrics" / f"{spec[8:]}.yaml"
            self.name = spec
        else:
            self.file = Path(spec) if given else base / spec
            self.name = str(self.file)

    @functools.cached_property
    def doc(self) -> YamlDoc | None:
        """The rubric's document (None where it cannot be read, or came as an object: the
        warnings are then at the file, unplaced)."""
        from ovm.yamldoc import parse_yaml, read_text

        if self.file is None:
            return None
        text, name, problems = read_text(self.file)
        return None if problems else parse_yaml(text, name)[0]


def declared(
    file: Path | str,
    doc: YamlDoc | None,
    path: tuple[PathPart, ...],
    code: str,
    message: str,
    params: dict[str, Any],
    *,
    key: bool = False,
    labels: Mapping[str, Mapping[str, str]] | None = None,
) -> Issue:
    """A data warning at a declaration of the rubric (``path`` in its document); ``labels``
    those of the nodes ``params`` name."""
    pos = doc.positions.find(path, key=key) if doc is not None else None
    return Issue(
        str(file),
        pos[0] if pos else None,
        pos[1] if pos else None,
        code,
        message,
        (),
        "warning",
        "data",
        params=params,
        labels=labels or {},
    )


def questions_not_answered(
    rubric: Rubric, observations: Observations, source: RubricSource
) -> list[Issue]:
    """A warning (``question-not-answered``) for each checklist question of the rubric that no
    used visit answers, where visits were read: no checklist file has its column (a header
    renamed on the survey server, a label edited), or every cell of it is blank. The question
    is then missing for every mission, which scoring reports only as notes; the warning is at
    the question's declaration in the rubric ``source``."""
    from ovm.indicators import ChecklistIndicator

    sites = observations.sites
    # A checklist table of no visit yet (as ovm init writes it, before the observers report)
    # has no question left unanswered: there is nothing to answer them in.
    if not sites.height:
        return []
    rep = observations.report
    # A question whose cells were refused is said at each cell: its column is there.
    refused = {
        str(i.params.get("name"))
        for i in (
            *(i for f in rep.files for i in f.rejected_cells),
            *(i for r in rep.rejected for i in r.reasons),
        )
    }
    asked = [
        placed
        for placed in rubric.walk()
        if isinstance(placed.node, ChecklistIndicator) and placed.node.id in sites.columns
    ]
    lacking = [
        placed
        for placed in asked
        if sites[placed.node.id].null_count() == sites.height and placed.node.id not in refused
    ]
    if not lacking:
        return []
    where, doc = source.name, source.doc
    if len(lacking) > 1 and len(lacking) == len(asked):
        # Visits without a single answer (a table of visits alone, a form of other questions)
        # are said once, at the rubric's families, not once a question.
        return [
            declared(
                where,
                doc,
                ("families",),
                "question-not-answered",
                f"no checklist question is answered in any visit ({sites.height} read): no "
                f"checklist file has a column of any of the {len(lacking)} questions, or every "
                "cell of them is blank, so they are missing for every mission",
                {"variant": "none", "questions": len(lacking), "n": sites.height},
                key=True,
            )
        ]
    return [
        declared(
            where,
            doc,
            (*placed.path, "id"),
            "question-not-answered",
            f"checklist question {placed.node.id} is answered in no visit "
            f"({sites.height} read): no checklist file has its column, or every cell of it is "
            "blank, so it is missing for every mission",
            {"name": placed.node.id, "n": sites.height},
        )
        for placed in lacking
    ]


def variables_not_given(
    rubric: Rubric,
    observations: Observations,
    source: RubricSource,
    *,
    unread: bool = False,
) -> list[Issue]:
    """A warning (``variable-not-given``) for each variable that an indicator reads and that
    nothing in the workspace gives: no table has its column, no mission its value (nor, for
    the follow-up share, a follow-up to compute it from). Its indicators are then missing for
    every mission, which scoring reports only as notes; the warning is at the variable's
    declaration in the rubric ``source``. None where ``unread`` (a
    statistics table ovm.yaml names was refused, not read: whether it has a variable's column
    is not known, so its refusal is said alone)."""
    from ovm.data.followup import FOLLOW_UP_VARIABLE
    from ovm.indicators.registry import kind_of

    if unread:
        return []
    rep = observations.report
    given = {name for f in rep.files for name in f.given}
    given |= {name for m in observations.missions for name in m.values}
    # A column refused as a misspelling of a variable's name is said there, not again as a
    # variable no table has.
    misspelt = {
        str(i.params.get("near"))
        for i in (*rep.issues, *rep.rejected_cells)
        if i.code == "unknown-column" and i.params.get("variant") == "statistics_near"
    }
    readers: dict[str, list[str]] = {}
    for node in rubric.indicators():
        for name in kind_of(node).variables(node):
            readers.setdefault(name, []).append(node.id)
    lacking = [
        (i, v)
        for i, v in enumerate(rubric.variables)
        if v.from_sites is None
        and v.name in readers
        and v.name not in given
        and v.name not in misspelt
    ]
    if not lacking:
        return []
    # Read again for the declarations' places only when there is something to say.
    where, doc = source.name, source.doc
    if len(lacking) > 1 and not given & {v.name for v in rubric.variables}:
        # A workspace that gives no variable at all (observer checklists only) hears it once,
        # at the rubric's list of variables, not once a variable.
        reading = len({n for _, v in lacking for n in readers[v.name]})
        return [
            declared(
                where,
                doc,
                ("variables",),
                "variable-not-given",
                f"no variable is given for any mission: no table has a column of any of the "
                f"{len(lacking)} variables formulas read and no mission gives one under "
                f"values:, so the indicators that read them are missing for every mission "
                f"(indicators: {reading})",
                {"variant": "none", "variables": len(lacking), "nodes": reading, "field": "values"},
                key=True,
            )
        ]
    out = []
    for i, var in lacking:
        follow = var.name == FOLLOW_UP_VARIABLE
        nodes = readers[var.name]
        out.append(
            # (no document path before the message: file:line:col is the declaration's name)
            declared(
                where,
                doc,
                ("variables", i, "name"),
                "variable-not-given",
                f"variable {var.name} (source: {var.source}) is given for no mission: "
                + (
                    "no mission follows up the previous mission's recommendations (follow_up:) "
                    if follow
                    else f"no table has a column named {var.name} "
                )
                + "and no mission gives it under values:, so what reads it is missing for "
                f"every mission: {', '.join(nodes)}",
                {
                    "variant": "follow_up" if follow else "table",
                    "name": var.name,
                    "source": var.source,
                    "nodes": nodes,
                    "field": "values",
                },
                labels={n: rubric.node(n).labels for n in nodes},
            )
        )
    return out
