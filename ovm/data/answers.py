"""The ``answers`` sheet of the data template: qualitative answers per mission, read and applied.

The template (:mod:`ovm.field.template`) has an ``answers`` sheet for the qualitative indicators
(levels and yes/partial/no answers), read by :func:`load_answers_table` and merged into the
missions by :func:`apply_answers`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ovm.data.observations import (
    MISSING_WORDS,
    NA_WORDS,
    PROVENANCE_FIELDS,
    Datum,
    FileReport,
    Mission,
    RejectedRow,
    cell_provenance,
    mission_cell_issues,
)
from ovm.data.tables import ROW, read_table
from ovm.errors import Issue
from ovm.indicators import AnswerIndicator, LevelsIndicator
from ovm.rubric.model import Rubric, Variable

VARIABLES_SHEET = "variables"
ANSWERS_SHEET = "answers"
LISTS_SHEET = "lists"
ABOUT_SHEET = "about"
CONFIDENCE = ("high", "medium", "low")

Qualitative = LevelsIndicator | AnswerIndicator


def template_variables(rubric: Rubric) -> list[Variable]:
    """Variables a mission's data gives directly (not computed from observer checklists)."""
    return [v for v in rubric.variables if v.from_sites is None]


def qualitative_indicators(rubric: Rubric) -> list[Qualitative]:
    """Levels and answer indicators, in tree order."""
    return [n for n in rubric.indicators() if isinstance(n, LevelsIndicator | AnswerIndicator)]


def allowed_answers(node: Qualitative) -> list[str]:
    """The keys a cell of this indicator may hold (``na`` where allowed)."""
    return [*node.answers(), *(["na"] if node.allow_na else [])]


def load_answers_table(path: str | Path, rubric: Rubric, missions: Sequence[Mission], *,
                       sheet: str | None = ANSWERS_SHEET,
                       defaults: dict[str, Any] | None = None,
                       ) -> tuple[dict[str, dict[str, Datum]], FileReport, list[RejectedRow],
                                  list[Issue]]:
    """Wide qualitative answers: ``mission`` plus one column per levels or answer indicator.

    Mirrors :func:`ovm.data.observations.load_statistics`: provenance columns ``<id>__source``,
    ``<id>__confidence`` (and the other provenance fields); an empty cell is missing and
    makes no answer; a row with any problem is rejected with every reason.
    """
    p = Path(path)
    name = str(p)
    df, issues = read_table(p, sheet=sheet)
    if df is None:
        return {}, FileReport(name, "answers", 0, 0, 0), [], issues
    if "mission" not in df.columns:
        return {}, FileReport(name, "answers", df.height, 0, 0), [], [
            *issues, Issue(name, 1, None, "missing-column", "no 'mission' column", (), "error",
                           "data")]
    nodes = {n.id: n for n in qualitative_indicators(rubric)}
    cols = [c for c in df.columns if c != ROW]
    colno = {c: j for j, c in enumerate(cols, start=1)}
    row_prov = [c for c in cols if c in PROVENANCE_FIELDS]
    value_cols: list[str] = []
    unmatched: list[str] = []
    for c in cols:
        base, sep, attr = c.partition("__")
        if c == "mission" or c in row_prov or (sep and base in nodes and attr in
                                               PROVENANCE_FIELDS):
            continue
        if c in nodes:
            value_cols.append(c)
        else:
            unmatched.append(c)
            issues.append(Issue(name, 1, colno[c], "unknown-column",
                                f"column {c!r} matches no levels or answer indicator; ignored",
                                (), "warning", "data"))
    known = {m.id for m in missions}
    out: dict[str, dict[str, Datum]] = {}
    rejected: list[RejectedRow] = []
    first_row: dict[str, int] = {}
    for rec in df.iter_rows(named=True):
        row = int(rec[ROW])
        mid = rec.get("mission")
        reasons: list[Issue] = []

        def bad(col: str, code: str, msg: str, row: int = row,
                reasons: list[Issue] = reasons) -> None:
            reasons.append(Issue(name, row, colno.get(col), code, msg, (), "error", "data"))

        reasons += mission_cell_issues(name, row, colno.get("mission"), mid, known, first_row)
        base_prov = {**(defaults or {}),
                     **{k: rec[k] for k in row_prov if rec.get(k) is not None}}
        answers: dict[str, Datum] = {}
        for c in value_cols:
            cell = rec.get(c)
            if cell is None or cell.lower() in MISSING_WORDS:
                continue
            node = nodes[c]
            provenance = cell_provenance(rec, c, base_prov, name, row, bad)
            key = cell.strip()
            if key.lower() in NA_WORDS:
                if not node.allow_na:
                    bad(c, "not-applicable-not-allowed", f"{c} does not allow 'not applicable'")
                    continue
                answers[c] = Datum(status="not_applicable", provenance=provenance)
                continue
            if node.score_of(key) is None and node.score_of(key.lower()) is not None:
                key = key.lower()
            if node.score_of(key) is None:
                bad(c, "invalid-answer", f"{cell!r} is not an allowed answer for {c} "
                                         f"({', '.join(node.answers())})")
                continue
            answers[c] = Datum(value=key, provenance=provenance)
        if reasons:
            rejected.append(RejectedRow(name, row, mid, tuple(reasons)))
            continue
        assert mid is not None
        first_row[mid] = row
        out[mid] = answers
    report = FileReport(name, "answers", df.height, df.height - len(rejected), len(rejected),
                        unmatched_columns=tuple(unmatched))
    return out, report, rejected, issues


def apply_answers(missions: Sequence[Mission], answers: dict[str, dict[str, Datum]],
                  file: str) -> tuple[list[Mission], list[Issue]]:
    """Missions with the loaded answers added; an answer given twice is a ``duplicate-value``."""
    issues: list[Issue] = []
    out = []
    for m in missions:
        extra = answers.get(m.id, {})
        for key, datum in extra.items():
            if key in m.answers:
                issues.append(Issue(file, datum.provenance.line, None, "duplicate-value",
                                    f"{key} for {m.id} is answered both in the missions file "
                                    f"and in {file}", (), "error", "data"))
        merged = {**m.answers, **{k: d for k, d in extra.items() if k not in m.answers}}
        out.append(m.model_copy(update={"answers": merged}) if extra else m)
    return out, issues
