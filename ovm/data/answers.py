"""The ``answers`` sheet of the data template: qualitative answers per mission, read and applied.

The template (:mod:`ovm.field.template`) has an ``answers`` sheet for the qualitative indicators
(levels and yes/partial/no answers), read by :func:`load_answers_table` and merged into the
missions by :func:`apply_answers`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ovm.data.observations import (
    Datum,
    FileReport,
    Mission,
    MissionTable,
    RejectedRow,
    answer_column,
    cell_place,
    read_mission_table,
)
from ovm.data.reader import CONFIDENCE as CONFIDENCE
from ovm.errors import Issue
from ovm.indicators import AnswerIndicator, LevelsIndicator
from ovm.rubric.model import Rubric, Variable

VARIABLES_SHEET = "variables"
ANSWERS_SHEET = "answers"
LISTS_SHEET = "lists"
ABOUT_SHEET = "about"

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


def load_answers_table(
    path: str | Path,
    rubric: Rubric,
    missions: Sequence[Mission],
    *,
    sheet: str | None = ANSWERS_SHEET,
    defaults: dict[str, Any] | None = None,
) -> tuple[dict[str, dict[str, Datum]], FileReport, Sequence[RejectedRow], list[Issue]]:
    """Wide qualitative answers: ``mission`` plus one column per levels or answer indicator.

    Mirrors :func:`ovm.data.observations.load_statistics`: provenance columns ``<id>__source``,
    ``<id>__confidence`` (and the other provenance fields); a missing cell makes no answer;
    answers match in any case, and an answer indicator reads yes and no words (``sí``); a
    row with any problem is rejected with every reason.
    """
    table = MissionTable(
        "answers",
        {n.id: answer_column(n) for n in qualitative_indicators(rubric)},
        "levels or answer indicator",
        keep_missing=False,
    )
    return read_mission_table(Path(path), table, missions, sheet=sheet, defaults=defaults)


def apply_answers(
    missions: Sequence[Mission],
    answers: dict[str, dict[str, Datum]],
    file: str,
    columns: Mapping[str, int] | None = None,
) -> tuple[list[Mission], list[Issue]]:
    """Missions with the loaded answers added; an answer given twice is a ``duplicate-value``
    (at the table's cell: ``columns``, each answer's column number)."""
    issues: list[Issue] = []
    out = []
    for m in missions:
        extra = answers.get(m.id, {})
        for key, datum in extra.items():
            if key in m.answers:
                first = cell_place(m.answers[key].provenance)
                issues.append(
                    Issue(
                        file,
                        datum.provenance.line,
                        (columns or {}).get(key),
                        "duplicate-value",
                        f"{key} for {m.id} is answered both in {first} and in {file}",
                        (),
                        "error",
                        "data",
                        params={
                            "variant": "answer",
                            "name": key,
                            "mission": m.id,
                            "file": file,
                            "first": first,
                        },
                    )
                )
        merged = {**m.answers, **{k: d for k, d in extra.items() if k not in m.answers}}
        out.append(m.model_copy(update={"answers": merged}) if extra else m)
    return out, issues
