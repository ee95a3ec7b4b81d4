"""XLSForm observer checklists for ODK Collect and KoboToolbox, built from a rubric.

The form asks every ``checklist`` indicator of the rubric, one group per family, with the
visit's metadata first. Question names are the indicator ids (see :func:`field_name`), so an
export of the form maps back to the rubric by name; :mod:`ovm.exports` reads such exports.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from ovm.errors import Issue, RubricError
from ovm.indicators import ChecklistIndicator
from ovm.indicators.checklist import NA_CHOICE
from ovm.indicators.registry import kind_of
from ovm.reporting.tables import workbook_bytes
from ovm.rubric.model import Group, Indicator, Rubric, pick

LANGUAGE_NAMES = {"en": "English", "es": "Español", "fr": "Français", "pt": "Português"}

GATE_SUFFIX = "_NA"
"""Suffix of the yes/na question that precedes a numeric question allowing 'not applicable'.

Indicator ids are lowercase, so ``<name>_NA`` never collides with another question's name.
"""

APPLIES_LIST = "ovm_applies"
MISSIONS_LIST = "ovm_missions"
YES_NO_LIST = "ovm_yes_no"
YES_NO_NA_LIST = "ovm_yes_no_na"
TRACE_FIELDS = ("ovm_rubric", "ovm_rubric_version", "ovm_rubric_sha256")
"""Hidden calculated fields: every submission carries the methodology it was collected with."""

VISIT_FIELDS = ("mission", "site", "site_country", "site_city", "observer", "visited_at")
MISSION_ID_REGEX = "^[a-z0-9][a-z0-9_.-]*$"
COUNTRY_REGEX = "^[A-Z]{3}$"

_T = dict[str, str]

VISIT_LABELS: dict[str, _T] = {
    "mission": {"en": "Mission", "es": "Misión", "fr": "Mission", "pt": "Missão"},
    "site": {
        "en": "Polling place (identifier)",
        "es": "Local de votación (identificador)",
        "fr": "Bureau de vote (identifiant)",
        "pt": "Local de votação (identificador)",
    },
    "site_country": {
        "en": "Country of the polling place",
        "es": "País del local de votación",
        "fr": "Pays du bureau de vote",
        "pt": "País do local de votação",
    },
    "site_city": {"en": "City", "es": "Ciudad", "fr": "Ville", "pt": "Cidade"},
    "observer": {
        "en": "Observer",
        "es": "Observador/a",
        "fr": "Observateur/trice",
        "pt": "Observador/a",
    },
    "visited_at": {
        "en": "Time of the visit",
        "es": "Hora de la visita",
        "fr": "Heure de la visite",
        "pt": "Hora da visita",
    },
    "notes": {"en": "Notes", "es": "Notas", "fr": "Notes", "pt": "Notas"},
}
VISIT_HINTS: dict[str, _T] = {
    "mission": {
        "en": "The mission id, e.g. mex-2024",
        "es": "El identificador de la misión, p. ej. mex-2024",
        "fr": "L'identifiant de la mission, p. ex. mex-2024",
        "pt": "O identificador da missão, p. ex. mex-2024",
    },
    "site_country": {
        "en": "ISO 3166 alpha-3 code, e.g. USA",
        "es": "Código ISO 3166 alfa-3, p. ej. USA",
        "fr": "Code ISO 3166 alpha-3, p. ex. USA",
        "pt": "Código ISO 3166 alfa-3, p. ex. USA",
    },
    "notes": {
        "en": "What you saw that the answers do not say",
        "es": "Lo que vio y las respuestas no dicen",
        "fr": "Ce que vous avez vu et que les réponses ne disent pas",
        "pt": "O que viu e as respostas não dizem",
    },
}
NA_LABEL: _T = {
    "en": "Not applicable",
    "es": "No aplica",
    "fr": "Sans objet",
    "pt": "Não se aplica",
}
APPLIES_LABEL: _T = {"en": "Applies", "es": "Aplica", "fr": "S'applique", "pt": "Aplica-se"}
GATE_LABEL: _T = {
    "en": "Does this apply here? {q}",
    "es": "¿Aplica aquí? {q}",
    "fr": "Cela s'applique-t-il ici ? {q}",
    "pt": "Aplica-se aqui? {q}",
}
_MSG: dict[str, _T] = {
    "between": {
        "en": "Enter a number from {lo} to {hi}",
        "es": "Introduzca un número entre {lo} y {hi}",
        "fr": "Saisissez un nombre entre {lo} et {hi}",
        "pt": "Introduza um número entre {lo} e {hi}",
    },
    "min": {
        "en": "Enter a number of at least {lo}",
        "es": "Introduzca un número mayor o igual que {lo}",
        "fr": "Saisissez un nombre d'au moins {lo}",
        "pt": "Introduza um número de pelo menos {lo}",
    },
    "max": {
        "en": "Enter a number of at most {hi}",
        "es": "Introduzca un número menor o igual que {hi}",
        "fr": "Saisissez un nombre d'au plus {hi}",
        "pt": "Introduza um número de no máximo {hi}",
    },
    "na_alone": {
        "en": "'Not applicable' cannot be combined with other answers",
        "es": "'No aplica' no puede combinarse con otras respuestas",
        "fr": "« Sans objet » ne peut pas être combiné avec d'autres réponses",
        "pt": "'Não se aplica' não pode ser combinado com outras respostas",
    },
    "country": {
        "en": "Three capital letters (ISO 3166 alpha-3), e.g. USA",
        "es": "Tres letras mayúsculas (ISO 3166 alfa-3), p. ej. USA",
        "fr": "Trois lettres majuscules (ISO 3166 alpha-3), p. ex. USA",
        "pt": "Três letras maiúsculas (ISO 3166 alfa-3), p. ex. USA",
    },
    "mission": {
        "en": "Lowercase letters, digits, '.', '_' or '-', e.g. mex-2024",
        "es": "Minúsculas, dígitos, '.', '_' o '-', p. ej. mex-2024",
        "fr": "Minuscules, chiffres, '.', '_' ou '-', p. ex. mex-2024",
        "pt": "Minúsculas, dígitos, '.', '_' ou '-', p. ex. mex-2024",
    },
}


def field_name(node_id: str) -> str:
    """The XLSForm ``name`` of a rubric id; an id starting with a digit gets a leading ``_``.

    XML names cannot start with a digit; rubric ids never start with ``_``, so the mapping is
    reversible (:func:`node_id`). Dots, dashes and underscores are valid in XML names.
    """
    return node_id if node_id[:1].isalpha() else "_" + node_id


def node_id(name: str) -> str:
    """The rubric id of an XLSForm ``name`` made by :func:`field_name`."""
    return name[1:] if name.startswith("_") and name[1:2].isdigit() else name


def gate_name(question: ChecklistIndicator) -> str:
    """Name of the yes/na question preceding a numeric question that allows not applicable."""
    return field_name(question.id) + GATE_SUFFIX


def has_gate(question: ChecklistIndicator) -> bool:
    """Whether the form asks a yes/na question before this (numeric) question."""
    return question.numeric and question.not_applicable


def language_column(lang: str) -> str:
    """The XLSForm language suffix of a BCP 47 code, e.g. ``English (en)``."""
    return f"{LANGUAGE_NAMES.get(lang, lang)} ({lang})"


def choice_list(question: ChecklistIndicator) -> str:
    """Name of the choice list of a select or yes/no question."""
    if question.answer_type == "yes_no":
        return YES_NO_NA_LIST if question.not_applicable else YES_NO_LIST
    return "ovm_" + field_name(question.id)


def gate_label(question: ChecklistIndicator, lang: str) -> str:
    """Label of the yes/na question of a numeric question, in ``lang``."""
    return pick(GATE_LABEL, lang).format(q=pick(question.question, lang))


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else repr(float(x))


@dataclass(frozen=True)
class XLSForm:
    """An XLSForm as three sheets of rows (header first), ready to write or to convert."""

    survey: tuple[tuple[str, ...], ...]
    choices: tuple[tuple[str, ...], ...]
    settings: tuple[tuple[str, ...], ...]

    def sheets(self) -> dict[str, tuple[tuple[str, ...], ...]]:
        """The sheets by name, in workbook order."""
        return {"survey": self.survey, "choices": self.choices, "settings": self.settings}


class _Sheet:
    """Rows as dicts whose keys become the header, in first-seen order."""

    def __init__(self) -> None:
        self.rows: list[dict[str, str]] = []
        self.columns: list[str] = []

    def add(self, **cells: str) -> None:
        row = {k.replace("__", "::"): v for k, v in cells.items() if v != ""}
        self.rows.append(row)
        for k in row:
            if k not in self.columns:
                self.columns.append(k)

    def table(self, order: Sequence[str]) -> tuple[tuple[str, ...], ...]:
        cols = sorted(self.columns, key=lambda c: _col_rank(c, order))
        return (tuple(cols), *(tuple(r.get(c, "") for c in cols) for r in self.rows))


def _col_rank(col: str, order: Sequence[str]) -> tuple[int, str]:
    base = col.split("::", 1)[0]
    return (order.index(base) if base in order else len(order), col)


_SURVEY_ORDER = (
    "type",
    "name",
    "label",
    "hint",
    "required",
    "required_message",
    "relevant",
    "constraint",
    "constraint_message",
    "appearance",
    "calculation",
)


def _texts(prefix: str, text: dict[str, str], langs: Sequence[str]) -> dict[str, str]:
    return {f"{prefix}__{language_column(lang)}": pick(text, lang) for lang in langs}


def _range(q: ChecklistIndicator, langs: Sequence[str]) -> dict[str, str]:
    lo, hi = q.minimum, q.maximum
    if lo is None and hi is None:
        return {}
    parts = ([f". >= {_num(lo)}"] if lo is not None else []) + (
        [f". <= {_num(hi)}"] if hi is not None else []
    )
    kind = "between" if lo is not None and hi is not None else ("min" if lo is not None else "max")
    msg = {
        lang: pick(_MSG[kind], lang).format(
            lo=_num(lo) if lo is not None else "", hi=_num(hi) if hi is not None else ""
        )
        for lang in langs
    }
    return {"constraint": " and ".join(parts), **_texts("constraint_message", msg, langs)}


def checklist_families(rubric: Rubric) -> list[tuple[Group, list[ChecklistIndicator]]]:
    """Each family holding checklist indicators, with them in tree order (sub-groups flattened)."""

    def rec(node: Group | Indicator) -> list[ChecklistIndicator]:
        if isinstance(node, Group):
            return [q for child in node.children for q in rec(child)]
        # A kind observed at sites is asked of observers; its model is a checklist question.
        return [cast(ChecklistIndicator, node)] if kind_of(node).evidence == "sites" else []

    return [(fam, qs) for fam in rubric.families if (qs := rec(fam))]


def _reserved_issues(rubric: Rubric) -> list[Issue]:
    reserved = {*VISIT_FIELDS, "notes", "simulated", *TRACE_FIELDS, "start", "end", "meta"}
    issues = []
    for fam, qs in checklist_families(rubric):
        for node in (fam, *qs):
            if field_name(node.id) in reserved:
                issues.append(
                    Issue(
                        f"<rubric {rubric.id}>",
                        None,
                        None,
                        "reserved-name",
                        f"{node.id!r} is a name the observer form uses for the visit",
                        (),
                        "error",
                        "rubric",
                    )
                )
    return issues


def build_form(
    rubric: Rubric,
    *,
    languages: Sequence[str] | None = None,
    missions: Sequence[tuple[str, dict[str, str] | str]] = (),
) -> XLSForm:
    """The observer checklist of a rubric as an XLSForm.

    ``languages`` defaults to the rubric's; ``missions`` (id, name) pairs make the mission
    question a list, else it is a text with the id pattern as constraint. Texts missing in a
    language fall back to English. Raises RubricError when an id clashes with a visit field.
    """
    langs = list(languages or rubric.languages)
    issues = _reserved_issues(rubric)
    if issues:
        raise RubricError(issues, summary=f"{rubric.id}: cannot build the observer form")
    survey, choices = _Sheet(), _Sheet()

    def label(text: dict[str, str]) -> dict[str, str]:
        return _texts("label", text, langs)

    survey.add(type="start", name="start")
    survey.add(type="end", name="end")
    for name in VISIT_FIELDS:
        cells = {"name": name, **label(VISIT_LABELS[name])}
        if name in VISIT_HINTS and not (name == "mission" and missions):
            cells.update(_texts("hint", VISIT_HINTS[name], langs))
        if name == "mission" and missions:
            survey.add(type=f"select_one {MISSIONS_LIST}", required="yes", **cells)
            for mid, title in missions:
                names = {"en": title} if isinstance(title, str) else title
                choices.add(list_name=MISSIONS_LIST, name=mid, **label(names))
        elif name == "mission":
            survey.add(
                type="text",
                required="yes",
                constraint=f"regex(., '{MISSION_ID_REGEX}')",
                **cells,
                **_texts("constraint_message", _MSG["mission"], langs),
            )
        elif name == "site_country":
            survey.add(
                type="text",
                required="yes",
                constraint=f"regex(., '{COUNTRY_REGEX}')",
                **cells,
                **_texts("constraint_message", _MSG["country"], langs),
            )
        elif name == "visited_at":
            survey.add(type="dateTime", required="yes", **cells)
        else:
            survey.add(type="text", required="" if name == "site_city" else "yes", **cells)
    lists_done: set[str] = set()
    for fam, questions in checklist_families(rubric):
        survey.add(type="begin_group", name=field_name(fam.id), **label(fam.labels))
        for q in questions:
            _add_question(q, survey, choices, langs, lists_done)
        survey.add(type="end_group", name=field_name(fam.id))
    survey.add(
        type="text",
        name="notes",
        appearance="multiline",
        **label(VISIT_LABELS["notes"]),
        **_texts("hint", VISIT_HINTS["notes"], langs),
    )
    trace = (rubric.id, rubric.version, rubric.digest())
    for name, value in zip(TRACE_FIELDS, trace, strict=True):
        survey.add(type="calculate", name=name, calculation=_xpath_string(value))
    title = pick(rubric.title, langs[0])
    settings = (
        ("form_title", "form_id", "version", "default_language", "instance_name"),
        (
            title,
            f"ovm-{rubric.id}",
            rubric.version,
            language_column(langs[0]),
            "concat(${mission}, ' ', ${site})",
        ),
    )
    return XLSForm(
        survey.table(_SURVEY_ORDER), choices.table(("list_name", "name", "label")), settings
    )


def _xpath_string(value: str) -> str:
    if "'" not in value:
        return f"'{value}'"
    if '"' not in value:
        return f'"{value}"'
    return "'" + value.replace("'", "") + "'"


def _add_question(
    q: ChecklistIndicator,
    survey: _Sheet,
    choices: _Sheet,
    langs: Sequence[str],
    lists_done: set[str],
) -> None:
    name = field_name(q.id)
    required = "yes" if q.required else ""
    text = {**_texts("label", q.question, langs)}
    if q.hint:
        text.update(_texts("hint", q.hint, langs))
    if q.numeric:
        relevant = ""
        if has_gate(q):
            gate = gate_name(q)
            survey.add(
                type=f"select_one {APPLIES_LIST}",
                name=gate,
                required=required,
                **{f"label__{language_column(lang)}": gate_label(q, lang) for lang in langs},
            )
            relevant = f"${{{gate}}} = 'yes'"
            if APPLIES_LIST not in lists_done:
                lists_done.add(APPLIES_LIST)
                choices.add(
                    list_name=APPLIES_LIST, name="yes", **_texts("label", APPLIES_LABEL, langs)
                )
                choices.add(
                    list_name=APPLIES_LIST, name=NA_CHOICE, **_texts("label", NA_LABEL, langs)
                )
        survey.add(
            type=q.answer_type,
            name=name,
            required=required,
            relevant=relevant,
            **text,
            **_range(q, langs),
        )
        return
    lst = choice_list(q)
    kind = "select_multiple" if q.answer_type == "select_multiple" else "select_one"
    extra: dict[str, str] = {}
    if kind == "select_multiple" and q.not_applicable:
        extra = {
            "constraint": f"not(selected(., '{NA_CHOICE}')) or count-selected(.) = 1",
            **_texts("constraint_message", _MSG["na_alone"], langs),
        }
    survey.add(type=f"{kind} {lst}", name=name, required=required, **text, **extra)
    if lst in lists_done:
        return
    lists_done.add(lst)
    for c in q.all_choices():
        choices.add(list_name=lst, name=c.name, **_texts("label", c.label, langs))
    if q.not_applicable:
        choices.add(list_name=lst, name=NA_CHOICE, **_texts("label", NA_LABEL, langs))


def write_form(form: XLSForm, path: str | Path) -> Path:
    """Write an XLSForm to an ``.xlsx`` file; every cell is stored as text, never a formula."""
    from openpyxl import Workbook

    wb = Workbook()
    default = wb.active
    for title, rows in form.sheets().items():
        ws = wb.create_sheet(title)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if value == "":
                    continue
                cell = ws.cell(row=r, column=c, value=value)
                cell.data_type = "s"  # a label starting with '=' stays a label
        ws.freeze_panes = "A2"
    wb.remove(default)
    out = Path(path)
    out.write_bytes(workbook_bytes(wb))
    return out
