"""XLSForm observer checklists for ODK Collect and KoboToolbox, built from a rubric.

The form asks every ``checklist`` indicator of the rubric, one group per family, with the
visit's metadata first. Question names are the indicator ids (see :func:`field_name`), so an
export of the form maps back to the rubric by name; :mod:`ovm.exports` reads such exports.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, cast

from ovm.errors import Issue, RubricError
from ovm.field.names import DEVICE_FIELDS as DEVICE_FIELDS
from ovm.field.names import FORM_EXTRA_FIELDS as FORM_EXTRA_FIELDS
from ovm.field.names import LOCATION_FIELD as LOCATION_FIELD
from ovm.field.names import PHOTO_FIELD as PHOTO_FIELD
from ovm.field.names import RESERVED_NAMES as RESERVED_NAMES
from ovm.field.names import TRACE_FIELDS as TRACE_FIELDS
from ovm.field.names import VISIT_FIELDS as VISIT_FIELDS
from ovm.field.names import field_name as field_name
from ovm.field.names import node_id as node_id
from ovm.field.names import reserved_message
from ovm.indicators import ChecklistIndicator
from ovm.indicators.checklist import NA_CHOICE
from ovm.indicators.registry import kind_of
from ovm.reporting.tables import workbook_bytes
from ovm.rubric.model import Group, Indicator, Rubric, pick

if TYPE_CHECKING:
    from ovm.data.plan import PlannedPlace

LANGUAGE_NAMES = {"en": "English", "es": "Español", "fr": "Français", "pt": "Português"}

GATE_SUFFIX = "_NA"
"""Suffix of the yes/na question that precedes a numeric question allowing 'not applicable'.

Indicator ids are lowercase, so ``<name>_NA`` never collides with another question's name.
"""

APPLIES_LIST = "ovm_applies"
MISSIONS_LIST = "ovm_missions"
YES_NO_LIST = "ovm_yes_no"
YES_NO_NA_LIST = "ovm_yes_no_na"
COUNTRIES_LIST = "ovm_countries"
CITIES_LIST = "ovm_cities"
PLACES_LIST = "ovm_places"
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
    LOCATION_FIELD: {
        "en": "Location of the polling place",
        "es": "Ubicación del local de votación",
        "fr": "Emplacement du bureau de vote",
        "pt": "Localização do local de votação",
    },
    PHOTO_FIELD: {
        "en": "Photo of the results sheet posted at the polling place",
        "es": "Foto del acta de resultados publicada en el local de votación",
        "fr": "Photo de la feuille de résultats affichée au bureau de vote",
        "pt": "Foto da ata de resultados afixada no local de votação",
    },
}
NO_CITY_LABEL: _T = {
    "en": "(no city given)",
    "es": "(sin ciudad indicada)",
    "fr": "(ville non indiquée)",
    "pt": "(cidade não indicada)",
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
    LOCATION_FIELD: {
        "en": "Record it at the entrance of the polling place",
        "es": "Regístrela en la entrada del local de votación",
        "fr": "Enregistrez-le à l'entrée du bureau de vote",
        "pt": "Registre-a na entrada do local de votação",
    },
    PHOTO_FIELD: {
        "en": "Only if the results were posted while you were there",
        "es": "Solo si los resultados se publicaron mientras estaba allí",
        "fr": "Seulement si les résultats ont été affichés pendant votre présence",
        "pt": "Apenas se os resultados foram afixados enquanto estava lá",
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
        "pt": "Digite um número entre {lo} e {hi}",
    },
    "min": {
        "en": "Enter a number of at least {lo}",
        "es": "Introduzca un número mayor o igual que {lo}",
        "fr": "Saisissez un nombre d'au moins {lo}",
        "pt": "Digite um número de pelo menos {lo}",
    },
    "max": {
        "en": "Enter a number of at most {hi}",
        "es": "Introduzca un número menor o igual que {hi}",
        "fr": "Saisissez un nombre d'au plus {hi}",
        "pt": "Digite um número de no máximo {hi}",
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


def gate_name(question: ChecklistIndicator) -> str:
    """Name of the yes/na question preceding a numeric question that allows not applicable."""
    return field_name(question.id) + GATE_SUFFIX


def has_gate(question: ChecklistIndicator) -> bool:
    """Whether the form asks "does this apply here?" before this question, skipping it when
    not: numbers and choice lists that allow not applicable (yes/no questions offer it as a
    third answer instead)."""
    return question.not_applicable and question.answer_type != "yes_no"


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


# --- the polling places of the plan, as three cascading lists -------------------------------


@dataclass(frozen=True)
class PlaceChoice:
    """One choice of the country, city or place list, and the missions whose plan holds it.

    ``name`` is what the form stores; ``value`` what it stands for in ovm's tables (the ISO
    code, the city as the plan writes it, None for a place without city, the place id).
    """

    name: str
    value: str | None
    labels: dict[str, str]
    missions: tuple[str, ...]
    country: str = ""
    city: str = ""


@dataclass(frozen=True)
class PlaceChoices:
    """The plan's countries, cities and places as the cascading lists of the form."""

    countries: tuple[PlaceChoice, ...]
    cities: tuple[PlaceChoice, ...]
    places: tuple[PlaceChoice, ...]

    def values(self, field: str) -> dict[str, str | None]:
        """What each stored name of a visit field's list stands for (``site_country``,
        ``site_city`` or ``site``)."""
        lists = {"site_country": self.countries, "site_city": self.cities, "site": self.places}
        return {c.name: c.value for c in lists[field]}

    def labels(self, field: str) -> dict[str, list[str | None]]:
        """The values each label of a visit field's list (any language) stands for."""
        lists = {"site_country": self.countries, "site_city": self.cities, "site": self.places}
        out: dict[str, list[str | None]] = {}
        for c in lists[field]:
            for text in c.labels.values():
                got = out.setdefault(text, [])
                if c.value not in got:
                    got.append(c.value)
        return out


_TOKEN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


def _slug(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "_", plain.lower()).strip("_")
    return slug or "x"


def _unique(wanted: str, taken: set[str]) -> str:
    name, n = wanted, 1
    while name in taken:
        n += 1
        name = f"{wanted}_{n}"
    taken.add(name)
    return name


def place_choices(
    plan: Mapping[str, Sequence[PlannedPlace]], languages: Sequence[str] = ("en",)
) -> PlaceChoices:
    """The planned places of each mission as country, city and place choices.

    Names are stable for a given plan: countries are their ISO codes, cities a plain-letter
    form of their name (``sao_paulo``), places their id when it is a single word; a name
    two different entries would share gets ``_2``, ``_3``. Labels are the country's name in
    each language, the city and the place id as written.
    """
    from ovm.data.plan import country_label

    countries: dict[str, set[str]] = {}
    cities: dict[tuple[str, str | None], set[str]] = {}
    places: dict[tuple[str, str, str | None], set[str]] = {}
    for mid, listed in plan.items():
        for p in listed:
            countries.setdefault(p.country, set()).add(mid)
            cities.setdefault((p.country, p.city), set()).add(mid)
            places.setdefault((p.id, p.country, p.city), set()).add(mid)
    country_out = tuple(
        PlaceChoice(
            code, code, {lang: country_label(code, lang) for lang in languages}, tuple(sorted(ms))
        )
        for code, ms in sorted(countries.items())
    )
    taken: set[str] = set()
    city_name: dict[tuple[str, str | None], str] = {}
    city_out = []
    for (code, city), ms in sorted(cities.items(), key=lambda kv: (kv[0][0], kv[0][1] or "")):
        wanted = _slug(city) if city else f"{code.lower()}_no_city"
        name = city_name[(code, city)] = _unique(wanted, taken)
        labels = {lang: city or pick(NO_CITY_LABEL, lang) for lang in languages}
        city_out.append(PlaceChoice(name, city, labels, tuple(sorted(ms)), country=code))
    taken = set()
    place_out = []
    for (pid, code, city), ms in sorted(
        places.items(), key=lambda kv: (kv[0][1], kv[0][2] or "", kv[0][0])
    ):
        name = _unique(pid if _TOKEN.match(pid) else _slug(pid), taken)
        place_out.append(
            PlaceChoice(
                name,
                pid,
                dict.fromkeys(languages, pid),
                tuple(sorted(ms)),
                country=code,
                city=city_name[(code, city)],
            )
        )
    return PlaceChoices(country_out, tuple(city_out), tuple(place_out))


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
    "choice_filter",
    "parameters",
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
    # A rubric read from a file is refused at validation (the checklist kind's ``form_names``
    # check, located at the id); this guards a rubric built in code, located by its path.
    issues = []
    for fam, qs in checklist_families(rubric):
        for node in (fam, *qs):
            if field_name(node.id) in RESERVED_NAMES:
                issues.append(
                    Issue(
                        f"<rubric {rubric.id}>",
                        None,
                        None,
                        "reserved-name",
                        reserved_message(node.id),
                        (*rubric.nodes[node.id].path, "id"),
                        "error",
                        "rubric",
                        params={"id": node.id},
                    )
                )
    return issues


def build_form(
    rubric: Rubric,
    *,
    languages: Sequence[str] | None = None,
    missions: Sequence[tuple[str, dict[str, str] | str]] = (),
    places: Mapping[str, Sequence[PlannedPlace]] | None = None,
) -> XLSForm:
    """The observer checklist of a rubric as an XLSForm.

    ``languages`` defaults to the rubric's; ``missions`` (id, name) pairs make the mission
    question a list, else it is a text with the id pattern as constraint. ``places`` (the
    planned places by mission id) make the country, city and place questions cascading
    lists, each offering what the chosen mission (and country, and city) plans. Texts missing
    in a language fall back to English. Raises RubricError when an id clashes with a visit
    field.
    """
    langs = list(languages or rubric.languages)
    issues = _reserved_issues(rubric)
    if issues:
        raise RubricError(issues, key="error_summary_form_unbuildable", where=rubric.id)
    survey, choices = _Sheet(), _Sheet()
    plan = place_choices(places, langs) if places else None

    def label(text: dict[str, str]) -> dict[str, str]:
        return _texts("label", text, langs)

    for meta in DEVICE_FIELDS:
        survey.add(type=meta, name=meta)
    # With several missions, each list offers what the chosen mission plans.
    by_mission = (
        "selected(missions, ${mission})"
        if plan and len({m for c in plan.countries for m in c.missions}) > 1
        else ""
    )

    def filtered(*conditions: str) -> str:
        return " and ".join(c for c in (by_mission, *conditions) if c)

    for name in VISIT_FIELDS:
        cells = {"name": name, **label(VISIT_LABELS[name])}
        # A list needs no hint on how to write its answer.
        listed = (name == "mission" and missions) or (plan and name == "site_country")
        if name in VISIT_HINTS and not listed:
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
        elif plan and name in ("site_country", "site_city", "site"):
            lst, rows, condition = {
                "site_country": (COUNTRIES_LIST, plan.countries, ""),
                "site_city": (CITIES_LIST, plan.cities, "country = ${site_country}"),
                "site": (PLACES_LIST, plan.places, "city = ${site_city}"),
            }[name]
            survey.add(
                type=f"select_one {lst}",
                required="yes",
                choice_filter=filtered(condition),
                **cells,
            )
            for c in rows:
                choices.add(
                    list_name=lst,
                    name=c.name,
                    **_texts("label", c.labels, langs),
                    missions=" ".join(c.missions) if by_mission else "",
                    country=c.country,
                    city=c.city,
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
    survey.add(
        type="geopoint",
        name=LOCATION_FIELD,
        **label(VISIT_LABELS[LOCATION_FIELD]),
        **_texts("hint", VISIT_HINTS[LOCATION_FIELD], langs),
    )
    lists_done: set[str] = set()
    for fam, questions in checklist_families(rubric):
        survey.add(type="begin_group", name=field_name(fam.id), **label(fam.labels))
        for q in questions:
            _add_question(q, survey, choices, langs, lists_done)
        survey.add(type="end_group", name=field_name(fam.id))
    survey.add(
        type="image",
        name=PHOTO_FIELD,
        parameters="max-pixels=1600",
        **label(VISIT_LABELS[PHOTO_FIELD]),
        **_texts("hint", VISIT_HINTS[PHOTO_FIELD], langs),
    )
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
        survey.table(_SURVEY_ORDER),
        choices.table(("list_name", "name", "label", "missions", "country", "city")),
        settings,
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
    relevant = ""
    if has_gate(q):
        gate = gate_name(q)
        survey.add(
            type=f"select_one {APPLIES_LIST}",
            name=gate,
            required=required,
            **{f"label__{language_column(lang)}": gate_label(q, lang) for lang in langs},
        )
        # Skip logic: a question that does not apply at this place is not asked.
        relevant = f"${{{gate}}} = 'yes'"
        if APPLIES_LIST not in lists_done:
            lists_done.add(APPLIES_LIST)
            choices.add(list_name=APPLIES_LIST, name="yes", **_texts("label", APPLIES_LABEL, langs))
            choices.add(list_name=APPLIES_LIST, name=NA_CHOICE, **_texts("label", NA_LABEL, langs))
    if q.numeric:
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
    survey.add(type=f"{kind} {lst}", name=name, required=required, relevant=relevant, **text)
    if lst in lists_done:
        return
    lists_done.add(lst)
    for c in q.all_choices():
        choices.add(list_name=lst, name=c.name, **_texts("label", c.label, langs))
    if q.not_applicable and not has_gate(q):
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
    from ovm.files import write_atomic

    # Never half a workbook: an interrupted or failed write leaves the previous file.
    return write_atomic(path, workbook_bytes(wb))
