"""The spreadsheet template of the mission-level data a rubric needs.

The workbook has a ``variables`` sheet first (wide: ``mission`` plus one column per variable
not computed from observer checklists, each with ``__source`` and ``__confidence``), which
:func:`ovm.data.observations.load_statistics` reads as it is; an ``answers`` sheet for the
qualitative indicators (levels and yes/partial/no answers), read by
:func:`ovm.data.answers.load_answers_table`; a hidden ``lists`` sheet feeding the dropdowns;
and ``about``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ovm.data.answers import (
    ABOUT_SHEET,
    ANSWERS_SHEET,
    CONFIDENCE,
    LISTS_SHEET,
    VARIABLES_SHEET,
    Qualitative,
    allowed_answers,
    qualitative_indicators,
    template_variables,
)
from ovm.data.observations import Mission, load_missions
from ovm.data.workspace import CONFIG_NAME, read_config, resolve_rubric
from ovm.errors import DataError
from ovm.files import write_atomic
from ovm.i18n import LANGUAGES, Translator, translator
from ovm.indicators import LevelsIndicator
from ovm.reporting.tables import safe_cell, workbook_bytes
from ovm.rubric.model import Rubric, Variable, pick


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else repr(float(x))


def _bounds(var: Variable) -> tuple[float | None, float | None]:
    lo, hi = var.minimum, var.maximum
    fixed = {
        "count": (0.0, None),
        "share": (0.0, 1.0),
        "percent": (0.0, 100.0),
        "boolean": (0.0, 1.0),
    }.get(var.type)
    if fixed:
        lo = fixed[0] if lo is None else max(lo, fixed[0])
        if fixed[1] is not None:
            hi = fixed[1] if hi is None else min(hi, fixed[1])
    return lo, hi


def _say(langs: Sequence[str]) -> Translator:
    """The fixed texts of the template in its first language (English if ovm lacks it)."""
    return translator(langs[0] if langs and langs[0] in LANGUAGES else "en")


def _variable_note(var: Variable, langs: Sequence[str]) -> str:
    t = _say(langs)
    lines = [f"{pick(var.labels, lang)} ({lang})" for lang in langs]
    lines.append(t("tpl_unit_type", unit=var.unit_text(langs[0]), type=var.type))
    lo, hi = _bounds(var)
    if var.type == "count":
        lines.append(t("tpl_whole_at_least", lo=_num(lo)) if lo else t("tpl_whole"))
    if lo is not None and hi is not None:
        lines.append(t("tpl_allowed_between", lo=_num(lo), hi=_num(hi)))
    elif lo is not None and var.type != "count":
        lines.append(t("tpl_allowed_min", lo=_num(lo)))
    elif hi is not None:
        lines.append(t("tpl_allowed_max", hi=_num(hi)))
    for limit in var.limits:
        lines.append(t("tpl_at_most", name=limit))
    if var.description:
        lines.append(pick(var.description, langs[0]))
    lines.append(t("tpl_empty_na") if var.allow_na else t("tpl_empty"))
    return "\n".join(lines)


def _indicator_note(node: Qualitative, langs: Sequence[str]) -> str:
    t = _say(langs)
    lines = [f"{pick(node.labels, lang)} ({lang})" for lang in langs]
    if node.question:
        lines.append(pick(node.question, langs[0]))
    if isinstance(node, LevelsIndicator):
        lines += [
            t("tpl_level", key=lv.key, text=pick(lv.descriptor, langs[0]), score=f"{lv.score:g}")
            for lv in node.levels
        ]
    else:
        lines += [t("tpl_answer", answer=a, score=f"{node.score_of(a):g}") for a in node.answers()]
    if node.allow_na:
        lines.append(t("tpl_na"))
    lines.append(t("tpl_empty"))
    return "\n".join(lines)


def build_template(
    rubric: Rubric, missions: Sequence[Mission], *, languages: Sequence[str] | None = None
) -> Any:
    """An openpyxl Workbook to fill in with the missions' mission-level data.

    Cells already given in the missions file are marked with a comment (fill them in only
    once: a value in both places is a ``duplicate-value`` error when loading).
    """
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter, quote_sheetname
    from openpyxl.worksheet.datavalidation import DataValidation

    langs = list(languages or rubric.languages)
    t = _say(langs)
    wb = Workbook()
    ws_vars = wb.active
    ws_vars.title = VARIABLES_SHEET
    ws_ans = wb.create_sheet(ANSWERS_SHEET)
    ws_lists = wb.create_sheet(LISTS_SHEET)
    ws_about = wb.create_sheet(ABOUT_SHEET)
    bold = Font(bold=True)
    given_fill = PatternFill("solid", fgColor="DDDDDD")
    n = len(missions)
    last = max(n + 1, 2)

    def comment(text: str) -> Comment:
        c = Comment(text, "ovm")
        c.width, c.height = 320, 40 + 16 * text.count("\n")
        return c

    def header(ws: Any, col: int, name: str, note: str | None) -> None:
        cell = ws.cell(row=1, column=col, value=safe_cell(name))
        cell.font = bold
        if note:
            cell.comment = comment(note)
        ws.column_dimensions[get_column_letter(col)].width = max(12, min(40, len(name) + 2))

    lists_used = [0]

    def list_range(values: Sequence[str]) -> str:
        lists_used[0] += 1
        col = lists_used[0]
        for r, v in enumerate(values, start=1):
            ws_lists.cell(row=r, column=col, value=safe_cell(v))
        letter = get_column_letter(col)
        return f"{quote_sheetname(LISTS_SHEET)}!${letter}$1:${letter}${len(values)}"

    confidence_list = list_range(CONFIDENCE)

    # The answers sheet shows each indicator's question under its id (row 2, a note row the
    # reader skips): an id such as obstacles.method_change can read as the opposite of the
    # question ("kept unchanged?"), and a cell comment is easily missed.
    first = {VARIABLES_SHEET: 2, ANSWERS_SHEET: 3}

    def dropdown(ws: Any, col: int, formula: str, strict: bool, prompt: str) -> None:
        letter = get_column_letter(col)
        dv = DataValidation(
            type="list",
            formula1=formula,
            allow_blank=True,
            showErrorMessage=True,
            errorStyle="stop" if strict else "warning",
            error=prompt[:255],
            errorTitle="ovm",
        )
        ws.add_data_validation(dv)
        dv.add(f"{letter}{first[ws.title]}:{letter}{last + first[ws.title] - 2}")

    def missions_column(ws: Any) -> None:
        header(ws, 1, "mission", t("tpl_mission_id"))
        for r, m in enumerate(missions, start=first[ws.title]):
            cell = ws.cell(row=r, column=1, value=safe_cell(m.id))
            cell.comment = comment(
                f"{m.title(langs[0])}\n{m.key}, {m.election.type} "
                f"{m.election.date.isoformat()}, {t('round_n', n=m.election.round)}"
            )
        ws.freeze_panes = f"B{first[ws.title]}"

    def data_columns(
        ws: Any, col: int, name: str, note: str, given: set[str], already: str, what: str
    ) -> None:
        """A value column (cells given in the missions file greyed), its source and
        confidence columns."""
        header(ws, col, name, note)
        for r, m in enumerate(missions, start=first[ws.title]):
            if m.id in given:
                cell = ws.cell(row=r, column=col)
                cell.fill = given_fill
                cell.comment = comment(t(f"tpl_already_{already}", mission=m.id))
        header(ws, col + 1, f"{name}__source", t(f"tpl_source_{what}"))
        header(ws, col + 2, f"{name}__confidence", t("tpl_confidence"))
        dropdown(ws, col + 2, confidence_list, True, t("tpl_confidence"))

    missions_column(ws_vars)
    for i, var in enumerate(template_variables(rubric)):
        col = 2 + 3 * i
        data_columns(
            ws_vars,
            col,
            var.name,
            _variable_note(var, langs),
            {m.id for m in missions if var.name in m.values},
            "given",
            "value",
        )
        _numeric_validation(ws_vars, col, var, last, DataValidation, t)

    missions_column(ws_ans)
    asked = Font(italic=True)
    ws_ans.cell(row=2, column=1, value=safe_cell(t("tpl_question_row"))).font = asked
    for i, node in enumerate(qualitative_indicators(rubric)):
        col = 2 + 3 * i
        question = pick(node.question, langs[0]) if node.question else ""
        cell = ws_ans.cell(
            row=2, column=col, value=safe_cell(question or pick(node.labels, langs[0]))
        )
        cell.font = asked
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        allowed = allowed_answers(node)
        data_columns(
            ws_ans,
            col,
            node.id,
            _indicator_note(node, langs),
            {m.id for m in missions if node.id in m.answers},
            "answered",
            "answer",
        )
        dropdown(
            ws_ans, col, list_range(allowed), True, t("tpl_one_of", answers=", ".join(allowed))
        )
    ws_lists.sheet_state = "hidden"

    about = [
        ("rubric", rubric.id),
        ("version", rubric.version),
        ("sha256", rubric.digest()),
        ("title", pick(rubric.title, langs[0])),
        ("variables", t("tpl_about_variables")),
        ("answers", t("tpl_about_answers")),
        ("provenance", t("tpl_about_provenance")),
    ]
    for r, (k, v) in enumerate(about, start=1):
        ws_about.cell(row=r, column=1, value=safe_cell(k)).font = bold
        ws_about.cell(row=r, column=2, value=safe_cell(v))
    ws_about.column_dimensions["B"].width = 90
    return wb


def _numeric_validation(
    ws: Any, col: int, var: Variable, last: int, dv_class: Any, t: Translator
) -> None:
    from openpyxl.utils import get_column_letter

    lo, hi = _bounds(var)
    kind = "whole" if var.type == "count" else "decimal"
    if lo is not None and hi is not None:
        dv = dv_class(type=kind, operator="between", formula1=_num(lo), formula2=_num(hi))
    elif lo is not None:
        dv = dv_class(type=kind, operator="greaterThanOrEqual", formula1=_num(lo))
    elif hi is not None:
        dv = dv_class(type=kind, operator="lessThanOrEqual", formula1=_num(hi))
    else:
        return
    # A warning, not a stop: 'na' and 'missing' are valid entries too.
    dv.errorStyle = "warning"
    dv.showErrorMessage = True
    dv.allow_blank = True
    dv.errorTitle = "ovm"
    dv.error = t("tpl_validation", name=var.name, type=var.type, unit=var.unit_text(t.lang))[:255]
    ws.add_data_validation(dv)
    letter = get_column_letter(col)
    dv.add(f"{letter}2:{letter}{last}")


def write_template(
    workspace: str | Path,
    output: str | Path,
    *,
    rubric: Rubric | str | Path | None = None,
    languages: Sequence[str] | None = None,
) -> Path:
    """Write the data template of a workspace (its rubric and missions) to an XLSX file.

    Only ``ovm.yaml`` and the missions file are read, so data files may not exist yet.
    Raises DataError or RubricError for an unusable workspace.
    """
    root = Path(workspace)
    config = read_config(root)
    base = root if root.is_dir() else root.parent
    rb = (
        rubric
        if isinstance(rubric, Rubric)
        else resolve_rubric(rubric if rubric is not None else config.rubric, base)
    )
    missions, issues = load_missions(base / config.missions, rb)
    errors = [i for i in issues if i.severity == "error"]
    if errors:
        raise DataError(
            errors,
            key="error_summary_missions_invalid",
            where=str(base / config.missions),
            config=CONFIG_NAME,
        )
    wb = build_template(rb, missions, languages=languages)
    return write_atomic(output, workbook_bytes(wb))
