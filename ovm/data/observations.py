"""Mission observations: missions, mission-level values with provenance, and observer site rows."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import math
import re
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

import polars as pl
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    model_validator,
)

from ovm.data.plan import (
    OpeningTime,
    PlaceFields,
    PlannedPlace,
    country_problem,
    country_problem_params,
    is_country,
    near_countries,
    place_issues,
    place_parts,
)
from ovm.data.reader import (
    CONFIDENCE_LEVELS,
    DOT_THOUSANDS,
    MISSING_WORDS,
    NA_WORDS,
    PROVENANCE_FIELDS,
    Account,
    Choices,
    Column,
    FileReport,
    NumberRule,
    Reading,
    RejectedRow,
    RejectedRows,
    Row,
    Text,
    clean,
    parse_number,
    provenance_column,
    provenance_columns,
    read_provenance,
    refused,
    shortened,
    word,
)
from ovm.data.tables import ROW, read_named_table, unnamed
from ovm.errors import CheckError, Issue, PathPart, check_error
from ovm.frozen import ReadOnlyMap
from ovm.i18n import exact_number
from ovm.indicators import AnswerIndicator, LevelsIndicator
from ovm.nearest import FIELD_CUTOFF, closest, swapped
from ovm.rubric.model import (
    Rubric,
    Variable,
    choice_words,
    listed_text,
    mapping_of_a_scalar,
    meant_choice_message,
    schema_params,
    text_of_a_mapping,
    type_words,
    unquoted_text,
)
from ovm.yamldoc import YamlDoc, parse_yaml, plain_scalar, read_text

__all__ = [
    "MISSING_WORDS",
    "NA_WORDS",
    "PROVENANCE_FIELDS",
    "SITE_COLUMNS",
    "Datum",
    "Election",
    "FileReport",
    "LoadReport",
    "Mission",
    "Observations",
    "PastRecommendation",
    "Provenance",
    "RejectedRow",
    "check_number",
    "limit_issues",
    "load_missions",
    "load_statistics",
    "not_followed_up",
    "parse_number",
    "previous_mission",
]

Status = Literal["value", "missing", "not_applicable"]
Confidence = Literal["high", "medium", "low"]
FollowUpStatus = Literal[
    "implemented", "partially_implemented", "not_implemented", "not_assessable"
]

SITE_COLUMNS = (
    "mission",
    "site",
    "site_country",
    "site_city",
    "observer",
    "visited_at",
    "notes",
    "simulated",
)


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Provenance(_Model):
    """Where a value comes from: source, date, confidence, who recorded it, and the file place."""

    source: str | None = None
    date: dt.date | None = None
    confidence: Confidence | None = None
    recorded_by: str | None = None
    note: str | None = None
    file: str | None = None
    line: int | None = None
    code: Literal["follow-up"] | None = None
    """Set on a value ovm derives itself (the share of a previous mission's recommendations
    implemented): its ``source`` and ``note`` are then the catalogue's sentences, said in
    each report's language from ``params``."""
    params: ReadOnlyMap[str, str] | None = None

    def worded(self, lang: str) -> tuple[str | None, str | None]:
        """Source and note as ``lang`` says them: a derived value's from the catalogue, a
        recorded value's as recorded."""
        if self.code is None or self.params is None:
            return self.source, self.note
        from ovm.i18n import coded

        code, params = self.code, self.params

        def said(part: str, recorded: str | None) -> str | None:
            variant = params.get(part)
            if variant is None:
                return recorded
            return coded("provenance", code, {**params, "variant": variant}, lang) or recorded

        return said("source", self.source), said("note", self.note)


class Datum(_Model):
    """One mission-level value (a number or an answer key) or its absence, with provenance."""

    status: Status = "value"
    value: float | str | None = None
    provenance: Provenance = Provenance()


class Election(_Model):
    """The observed election."""

    type: Annotated[str, StringConstraints(min_length=1)]
    date: dt.date
    round: Annotated[int, Field(ge=1)] = 1


class PastRecommendation(_Model):
    """A recommendation made by the previous observed election's mission, with its follow-up."""

    id: Annotated[str, StringConstraints(min_length=1)]
    text: str | dict[str, str]
    to: Literal[
        "electoral_body", "legislature", "foreign_ministry", "government", "political_parties"
    ]
    status: FollowUpStatus
    evidence: str | None = None


class VotingPeriod(_Model):
    """The days citizens abroad vote (``from``-``to``, inclusive), and when places open."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    start: dt.date = Field(alias="from")
    end: dt.date = Field(alias="to")
    opens: OpeningTime | None = None


def _iso_country(code: str) -> str:
    problem = country_problem(code)
    if problem:
        raise ValueError(problem)
    return code


def _period_end(period: str) -> dt.date:
    """The last day of a period written ``YYYY`` or ``YYYY-MM``."""
    year, _, month = period.partition("-")
    if not month:
        return dt.date(int(year), 12, 31)
    first_of_next = dt.date(int(year) + int(month) // 12, int(month) % 12 + 1, 1)
    return first_of_next - dt.timedelta(days=1)


_PERIOD = re.compile(r"^\d{4}(-(0[1-9]|1[0-2]))?$")
_ENTITY = r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"
_ID = r"^[a-z0-9][a-z0-9_.-]*$"


class Mission(_Model):
    """One observed election in one country, with its mission-level data; or one assessment
    of an entity over a period (an annual index of countries and territories).

    An assessment names a ``period`` (``2025``, or ``2025-06``) instead of an ``election``
    (it then stands for an election of type ``period`` on the period's last day, which orders
    it) and may name an ``entity`` of its own instead of, or beside, an ISO ``country`` code:
    a territory without a code, or two entities sharing one. The previous assessment is the
    latest earlier one of the same entity (else country).

    ``voting_abroad`` and ``places`` (the polling places the mission plans to observe) check
    and describe the observation; they are not scored data, so they stay out of the data
    digest (``exclude``).
    """

    id: Annotated[str, StringConstraints(pattern=_ID)]
    country: Annotated[str, AfterValidator(_iso_country)] | None = None
    entity: Annotated[str, StringConstraints(pattern=_ENTITY)] | None = Field(
        default=None, exclude_if=lambda v: v is None
    )
    period: str | None = Field(default=None, exclude_if=lambda v: v is None)
    name: dict[str, str] | str
    election: Election
    region: str | None = None
    previous: str | None = None
    answers: dict[str, Datum] = Field(default_factory=dict)
    values: dict[str, Datum] = Field(default_factory=dict)
    recommendations: tuple[dict[str, Any], ...] = ()
    follow_up: tuple[PastRecommendation, ...] = ()
    voting_abroad: VotingPeriod | None = Field(default=None, exclude=True)
    places: tuple[PlannedPlace, ...] = Field(default=(), exclude=True)

    @model_validator(mode="before")
    @classmethod
    def _assessment(cls, data: Any) -> Any:
        """A period stands for its election; an entity may stand for the country."""
        if not isinstance(data, dict):
            return data
        if data.get("country") is None and data.get("entity") is None:
            raise CheckError("mission_place")
        period = data.get("period")
        if period is None:
            return data
        if "election" in data:
            raise CheckError("election_or_period")
        text = str(period)
        if not _PERIOD.match(text):
            raise CheckError("period_format", period=text)
        return {**data, "period": text, "election": {"type": "period", "date": _period_end(text)}}

    @property
    def key(self) -> str:
        """What links a mission to its previous one and to its trend: the entity, else the
        country."""
        return self.entity or self.country or self.id

    def voting_days(self) -> tuple[dt.date, dt.date]:
        """The first and last day of voting abroad: ``voting_abroad``, else the week up to
        election day (several countries vote abroad for days before it)."""
        if self.voting_abroad is not None:
            return self.voting_abroad.start, self.voting_abroad.end
        return self.election.date - dt.timedelta(days=7), self.election.date

    def title(self, lang: str = "en") -> str:
        """The mission's name in ``lang`` (falls back to English, then the id)."""
        if isinstance(self.name, str):
            return self.name
        return self.name.get(lang) or self.name.get("en") or self.id


@dataclass(frozen=True)
class LoadReport:
    """Account of every input row: used, rejected (with reasons) or excluded by the export."""

    files: tuple[FileReport, ...] = ()
    rejected: Sequence[RejectedRow] = ()
    """Every rejected row, file by file: a sequence whose rows may be made when looked at."""
    issues: tuple[Issue, ...] = ()

    @property
    def rejected_cells(self) -> tuple[Issue, ...]:
        """Why each refused cell of a used row was refused (it lost that datum only)."""
        return tuple(i for f in self.files for i in f.rejected_cells)

    @property
    def warnings(self) -> tuple[Issue, ...]:
        """The problems that lost no datum (a repeated visit, a visit time or a country not
        understood): the file-level issues that are neither errors nor refused cells."""
        cells = set(self.rejected_cells)
        return tuple(i for i in self.issues if i.severity != "error" and i not in cells)

    @property
    def cells_rejected(self) -> int:
        """Cells refused in rows that were used, in all files."""
        return sum(f.cells_rejected for f in self.files)

    @property
    def rows_read(self) -> int:
        """Rows read in all files."""
        return sum(f.rows_read for f in self.files)

    @property
    def rows_used(self) -> int:
        """Rows used in all files."""
        return sum(f.rows_used for f in self.files)

    @property
    def rows_rejected(self) -> int:
        """Rows rejected in all files."""
        return sum(f.rows_rejected for f in self.files)

    @property
    def errors(self) -> tuple[Issue, ...]:
        """Every error: file-level issues (refused cells among them) and the reasons of
        rejected rows."""
        out = [i for i in self.issues if i.severity == "error"]
        for r in self.rejected:
            out.extend(r.reasons)
        return tuple(out)


@dataclass(frozen=True)
class Observations:
    """Everything observed about a cohort of missions, ready to score."""

    missions: tuple[Mission, ...]
    sites: pl.DataFrame = field(default_factory=lambda: pl.DataFrame())
    report: LoadReport = LoadReport()
    simulated_sources: tuple[str, ...] = ()

    def cohort(self, wanted: Collection[str]) -> Observations:
        """The observations of the missions ``wanted`` (ids of this cohort's missions) alone.

        Every row of a data file is still used or reported: the rows of the other missions are
        counted outside the cohort (:attr:`FileReport.rows_outside`), neither used nor
        rejected, and their refused cells and warnings go with them (they stop no run of
        these missions). A row naming no mission of the workspace stays rejected: it may be
        one of these missions, misspelt.
        """
        keep = set(wanted)
        others = {m.id for m in self.missions} - keep
        sites = self.sites
        if sites.height:
            sites = sites.filter(pl.col("mission").is_in(sorted(keep)))
        if not others:
            return dataclasses.replace(self, missions=self.missions, sites=sites)
        outside: dict[str, set[int]] = {}
        if self.sites.height and {"_file", "_row"} <= set(self.sites.columns):
            theirs = self.sites.filter(pl.col("mission").is_in(sorted(others)))
            for file, row in theirs.select("_file", "_row").iter_rows():
                outside.setdefault(file, set()).add(int(row))
        for m in self.missions:
            if m.id in others:
                for d in (*m.values.values(), *m.answers.values()):
                    if d.provenance.file is not None and d.provenance.line is not None:
                        outside.setdefault(d.provenance.file, set()).add(d.provenance.line)
        for f in self.report.files:
            for row, mission in f.row_missions:
                if mission in others:
                    outside.setdefault(f.file, set()).add(row)
        rejected_away: dict[str, set[int]] = {}
        kept_rows = []
        for r in self.report.rejected:
            if r.mission in others:
                rejected_away.setdefault(r.file, set()).add(r.row)
            else:
                kept_rows.append(r)

        def away(issue: Issue) -> bool:
            file = issue.file or ""
            return issue.line is not None and (
                issue.line in outside.get(file, ()) or issue.line in rejected_away.get(file, ())
            )

        files = [
            f.without(
                len(outside.get(f.file, ())),
                len(rejected_away.get(f.file, ())),
                lambda cells: tuple(i for i in cells if not away(i)),
            )
            for f in self.report.files
        ]
        report = LoadReport(
            files=tuple(files),
            rejected=tuple(kept_rows),
            issues=tuple(i for i in self.report.issues if not away(i)),
        )
        return dataclasses.replace(
            self,
            missions=tuple(m for m in self.missions if m.id in keep),
            sites=sites,
            report=report,
        )

    def mission(self, mission_id: str) -> Mission:
        """The mission with this id; KeyError if none."""
        for m in self.missions:
            if m.id == mission_id:
                return m
        raise KeyError(mission_id)


# --- mission YAML --------------------------------------------------------------------------


def _data_issue(
    doc: YamlDoc,
    path: tuple[PathPart, ...],
    code: str,
    message: str,
    severity: Literal["error", "warning"] = "error",
    *,
    key: bool = False,
    **params: Any,
) -> Issue:
    pos = doc.positions.find(path, key=key)
    line, col = pos if pos else (None, None)
    return Issue(doc.file, line, col, code, message, path, severity, "data", params=params)


def _no_missions_list(doc: YamlDoc) -> Issue:
    return _data_issue(
        doc,
        (),
        "missing-field",
        "a missions file is a mapping with a 'missions' list",
        variant="missions_file",
    )


_ISO_SHAPED = re.compile(r"\d{4}-\d{1,2}-\d{1,2}")
"""A text in the form of an ISO date, whether or not the date exists."""


_MISSION_FIELDS = tuple(Mission.model_fields)


def _meant_field(key: object, given: Mapping[Any, Any]) -> str | None:
    """The field of a mission that ``key``, a key no mission takes, most likely meant, among
    those ``given`` lacks (``contry``, or ``di`` with two letters swapped); None if none."""
    if not isinstance(key, str) or key in _MISSION_FIELDS:
        return None
    lacking = [f for f in _MISSION_FIELDS if f not in given]
    return closest(key, lacking, cutoff=FIELD_CUTOFF, words=False) or swapped(key, lacking)


def _unknown_key(doc: YamlDoc, path: tuple[PathPart, ...], key: Any, meant: str | None) -> Issue:
    """A key of missions.yaml that no field takes, said at the key, with the field ``meant``
    when one is close."""
    if meant is None:
        return _data_issue(
            doc, path, "unknown-field", f"unknown field {key!r}", key=True, variant="field"
        )
    return _data_issue(
        doc,
        path,
        "unknown-field",
        f"unknown field `{key}`, did you mean `{meant}`?",
        key=True,
        variant="meant",
        field=key,
        meant=meant,
    )


def _as_written(loc: tuple[PathPart, ...], written: Mapping[str, str]) -> tuple[PathPart, ...]:
    """``loc`` with a field named as meant put back as the key the file has."""
    if loc and isinstance(loc[0], str) and loc[0] in written:
        return (written[loc[0]], *loc[1:])
    return loc


def _where_written(
    doc: YamlDoc, path: tuple[PathPart, ...], issues: list[Issue], written: Mapping[str, str]
) -> list[Issue]:
    """Issues of the mission at ``path`` checked under a field named as meant (``places``),
    said where the file writes it (``plases``), as its schema errors are."""
    if not written:
        return issues
    out = []
    for issue in issues:
        rest = issue.path[len(path) :]
        shown = _as_written(rest, written)
        if shown != rest:
            pos = doc.positions.find((*path, *shown))
            line, column = pos if pos else (issue.line, issue.column)
            issue = dataclasses.replace(issue, line=line, column=column, path=(*path, *shown))
        out.append(issue)
    return out


def _mission_params(err: Any, code: str) -> dict[str, Any]:
    """The catalogue variant (and its parts) of a schema error in a mission, as a rubric's."""
    if code in ("missing-field", "unknown-field"):
        return {"variant": "field"}
    if code == "invalid-value" and str(err["type"]).startswith(("date", "datetime")):
        meant = _iso_of_dmy(str(err.get("input", "")))
        if meant is not None:
            return {"variant": "date_dmy", "text": str(err["input"])[:60], "meant": meant}
        if isinstance(err.get("input"), str) and _ISO_SHAPED.fullmatch(err["input"]):
            y, m, d = (int(part) for part in err["input"].split("-"))
            try:
                # A day of the calendar written without its zeros (2019-1-5).
                padded = dt.date(y, m, d).isoformat()
            except ValueError:
                # Written as a date, but no day of the calendar (2019-13-45, 2021-02-30).
                return {"variant": "date_none", "text": err["input"]}
            return {"variant": "date_unpadded", "text": err["input"], "meant": padded}
        return {"variant": "date"}
    if code == "invalid-value" and str(err["type"]).startswith("time"):
        # A place's opening hour, said as a planned place's is in a table of places.
        return {"variant": "time", "text": str(err.get("input", ""))[:60]}
    if err["type"] == "greater_than_equal" and tuple(err["loc"][-2:]) == ("election", "round"):
        return {"variant": "round", "text": str(err.get("input", ""))[:60]}
    return schema_params(err, code)


def _id_problem(text: str) -> tuple[str, dict[str, Any]]:
    """Why ``text`` is no mission id, in ovm's words, with the id meant when lowercasing it
    gives one (PER-2021: per-2021)."""
    # Quoted as a refused cell is; an id cut short is offered no lowercased id, which would be
    # cut too.
    shown = shortened(text)
    whole = shown == text
    words = (
        f"'{shown}' is not a mission id: ids are lowercase letters, digits, '.', '_' or '-', "
        "starting with a letter or a digit"
    )
    meant = text.lower()
    if whole and re.fullmatch(_ID, meant):
        return f"{words}: did you mean {meant}?", {
            "variant": "mission_id_meant",
            "text": shown,
            "meant": meant,
        }
    return words, {"variant": "mission_id", "text": shown}


def _mission_message(err: Any, code: str, params: Mapping[str, Any]) -> str:
    """The English words of a schema error in a mission; a date says how to write it."""
    if params.get("variant") == "date_dmy":
        return (
            f"'{params['text']}' is not a date: write it as YYYY-MM-DD, "
            f"{params['meant']} if it is day/month/year"
        )
    if params.get("variant") == "date_none":
        return f"'{params['text']}' is not a date that exists: write it as YYYY-MM-DD"
    if params.get("variant") == "date_unpadded":
        return f"'{params['text']}' is not written as YYYY-MM-DD: write it as {params['meant']}"
    if params.get("variant") == "date":
        return "must be a date (2021-03-14)"
    if params.get("variant") == "time":
        return f"'{params['text']}' is not a time of day such as 08:00"
    if params.get("variant") == "round":
        return (
            f"'{params['text']}' is not a round: rounds are numbered from 1 (the first round is 1,"
            " a second round 2)"
        )
    if params.get("variant") == "choice_meant":
        return meant_choice_message(dict(params))
    if err["type"] == "extra_forbidden":
        return "unknown field"
    if err["type"] == "missing":
        return "required field is missing"
    return type_words(code, params) or choice_words(code, params) or str(err["msg"])[:200]


def _word_status(value: Any) -> Status | None:
    """The status a text value gives by itself: a missing or not-applicable word, or blanks."""
    if not isinstance(value, str):
        return None
    text = clean(value)
    if text is None:
        return "missing"
    said = word(text)
    if said in MISSING_WORDS:
        return "missing"
    return "not_applicable" if said in NA_WORDS else None


def _unbool(v: Any, answer: bool, read: Choices | NumberRule | None) -> Any:
    """A YAML answer or value's own value as the table readers would read its text: YAML 1.1
    reads yes/no as booleans, where answers want the words and values want 1/0."""
    if isinstance(v, bool) and isinstance(read, NumberRule) and not read.yes_no:
        # ``total_seats: yes`` is no count: keep the word so it is refused, not read as 1.
        return "yes" if v else "no"
    if isinstance(v, bool):
        return ("yes" if v else "no") if answer else float(v)
    if isinstance(v, str) and isinstance(read, Choices):
        return read.pick(v) or v
    if isinstance(v, str) and isinstance(read, NumberRule) and parse_number(v) is None:
        # Only what is no number's text: a boolean variable's yes or no.
        r = read(v)
        return r.value if r.status == "value" else v
    return v


def _normalise_datum(raw: Any, answer: bool, read: Choices | NumberRule | None) -> Any:
    """A YAML answer or value as a Datum mapping, its words read as in every table."""
    if isinstance(raw, dict):
        out = {**raw, "value": _unbool(raw.get("value"), answer, read)}
        if "status" not in out:
            v = out.get("value")
            status = "missing" if v is None else _word_status(v)
            if status is not None:
                out["status"] = status
                out.pop("value", None)
        prov = {k: out.pop(k) for k in PROVENANCE_FIELDS if k in out}
        if isinstance(prov.get("confidence"), str):
            # As a table's confidence column reads it: any case, or in the team's language.
            prov["confidence"] = CONFIDENCE_LEVELS.pick(prov["confidence"]) or prov["confidence"]
        if prov:
            out["provenance"] = prov
        return out
    raw = _unbool(raw, answer, read)
    status = "missing" if raw is None else _word_status(raw)
    return {"status": status} if status is not None else {"value": raw}


def _reader_of(rubric: Rubric, key: str, answer: bool) -> Choices | NumberRule | None:
    """How a YAML answer or value of ``key`` is read, when the rubric knows ``key``."""
    if answer:
        placed = rubric.nodes.get(key)
        node = placed.node if placed else None
        return answer_choices(node) if isinstance(node, LevelsIndicator | AnswerIndicator) else None
    try:
        return variable_rule(rubric.variable(key))
    except KeyError:
        return None


def listed_mission_ids(source: Path) -> list[str] | None:
    """The ids missions.yaml lists, read or not: an entry with an error still names its
    mission. None when the file gives no list (it cannot be read or parsed, or holds no
    ``missions`` list)."""
    text, name, issues = read_text(source)
    doc = None if issues else parse_yaml(text, name)[0]
    entries = doc.data.get("missions") if doc is not None and isinstance(doc.data, dict) else None
    if not isinstance(entries, list):
        return None
    ids = (_listed_id(e) for e in entries if isinstance(e, dict))
    return [i for i in ids if i is not None]


def _listed_id(entry: Mapping[Any, Any]) -> str | None:
    """The id a missions.yaml entry names: its ``id``, else the text under a key meant as
    ``id`` (``di``), which is said wrong once, at that key, not at each row naming the mission."""
    if isinstance(entry.get("id"), str):
        return str(entry["id"])
    meant = [v for k, v in entry.items() if isinstance(v, str) and _meant_field(k, entry) == "id"]
    return meant[0] if len(meant) == 1 else None


def load_missions(
    source: Path | str, rubric: Rubric | None, *, file: str | None = None
) -> tuple[list[Mission], list[Issue]]:
    """Read missions (metadata, answers, values, follow-up) from YAML; every problem as an issue.

    ``rubric`` None checks what needs no rubric (ids, countries, dates, links between
    missions), not whether each answer and value is one the rubric takes."""
    text, name, issues = read_text(Path(source) if isinstance(source, Path) else source, file)
    issues = [dataclasses.replace(i, category="data") for i in issues]
    if issues:
        return [], issues
    doc, parse_issues = parse_yaml(text, name)
    issues = [dataclasses.replace(i, category="data") for i in parse_issues]
    if doc is None:
        return [], issues
    data = doc.data
    listed = isinstance(data, dict) and isinstance(data.get("missions"), list)
    if not isinstance(data, dict):
        return [], [*issues, _no_missions_list(doc)]
    # The file's other keys are said whether or not its list can be read: every problem at once.
    for key in sorted(set(data) - {"missions"}, key=str):
        meant = (
            closest(str(key), ["missions"], cutoff=FIELD_CUTOFF, words=False)
            if "missions" not in data
            else None
        )
        issues.append(_unknown_key(doc, (key,), key, meant))
    if not listed:
        if "missions" not in data:
            return [], [*issues, _no_missions_list(doc)]
        wrong = _data_issue(doc, ("missions",), "invalid-value", "must be a list", variant="list")
        return [], [*issues, wrong]
    missions: list[Mission] = []
    seen: dict[str, int] = {}
    unread: list[_Unread] = []
    unread_previous: list[tuple[int, str]] = []
    # Every mission answers the same questions: each question's reader is made once.
    readers: dict[tuple[str, bool], Choices | NumberRule | None] = {}

    def reader(key: str, answer: bool) -> Choices | NumberRule | None:
        if (key, answer) not in readers:
            readers[key, answer] = None if rubric is None else _reader_of(rubric, key, answer)
        return readers[key, answer]

    for i, raw in enumerate(data["missions"]):
        path: tuple[PathPart, ...] = ("missions", i)
        if not isinstance(raw, dict):
            issues.append(
                _data_issue(doc, path, "invalid-type", "a mission is a mapping", variant="mission")
            )
            continue
        prepared = dict(raw)
        # A key misspelt for a field the mission lacks is one problem, said at the key with
        # the field meant; the rest is checked as if the field were written right, so what
        # follows from the slip alone (the field "missing", the mission unknown to each table
        # row naming it) is not said again.
        written: dict[str, str] = {}
        for k in list(raw):
            near = _meant_field(k, prepared)
            if near is not None:
                issues.append(_unknown_key(doc, (*path, k), k, near))
                # The data under ``answers`` and ``values`` is checked where the file writes
                # those names: under a key written wrong it waits for the key to be put right.
                value = prepared.pop(k)
                if near not in ("answers", "values"):
                    prepared[near] = value
                written[near] = k
        for key in ("answers", "values"):
            if isinstance(prepared.get(key), dict):
                prepared[key] = {
                    k: _normalise_datum(v, key == "answers", reader(str(k), key == "answers"))
                    for k, v in prepared[key].items()
                }
        try:
            mission = Mission.model_validate(prepared)
            errors: list[Any] | None = None
        except ValidationError as exc:
            errors = exc.errors()
        if errors is not None:
            # Drop the union tags pydantic puts in a location ("str", "dict[str,str]"), and
            # say a field named as meant where it is written.
            locs = [
                _as_written(
                    tuple(
                        p for p in e["loc"] if not (isinstance(p, str) and ("[" in p or p == "str"))
                    ),
                    written,
                )
                for e in errors
            ]
            for err, loc in zip(errors, locs, strict=True):
                if text_of_a_mapping(err, loc, locs) or mapping_of_a_scalar(err, loc, errors, locs):
                    continue
                if (
                    loc[:1] in (("answers",), ("values",))
                    and len(loc) > 2
                    and loc[2] == "provenance"
                ):
                    loc = (*loc[:2], *loc[3:])
                code = {
                    "missing": "missing-field",
                    "extra_forbidden": "unknown-field",
                    "literal_error": "invalid-choice",
                    "string_pattern_mismatch": "invalid-format",
                }.get(err["type"], "invalid-value")
                check = check_error(err)
                params: dict[str, Any] = _mission_params(err, code)
                msg = str(check) if check is not None else _mission_message(err, code, params)
                if said := unquoted_text(err, doc, (*path, *loc), code) or listed_text(
                    err, loc, errors, locs
                ):
                    msg, params = said
                if loc[:1] in (("country",), (written.get("country"),)) and not isinstance(
                    prepared.get("country"), list | dict
                ):
                    # a word that names no country; a list or mapping is said as one, not as
                    # Python writes it ("['ARG']")
                    code = "invalid-country"
                    problem = country_problem(str(prepared.get("country")))
                    if problem is not None:
                        msg, params = problem, country_problem_params(str(prepared.get("country")))
                if (
                    code == "invalid-format"
                    and loc[:1] in (("id",), (written.get("id"),))
                    and isinstance(prepared.get("id"), str)
                ):
                    msg, params = _id_problem(prepared["id"])
                # a key no mission takes is said at the key, as a misspelt one is
                key = code == "unknown-field"
                issues.append(_data_issue(doc, (*path, *loc), code, msg, key=key, **params))
            # The rest of the entry is still checked, so one run reports every problem.
            raw_id = prepared.get("id")
            if isinstance(raw_id, str) and raw_id in seen:
                issues.append(
                    _data_issue(
                        doc,
                        (*path, "id"),
                        "duplicate-mission",
                        f"mission {raw_id!r} is listed twice",
                        mission=raw_id,
                    )
                )
            else:
                if isinstance(raw_id, str):
                    seen[raw_id] = i
                # Without a readable id it may still be the previous mission its place and
                # date imply.
                unread.append(_unread(raw_id if isinstance(raw_id, str) else None, raw))
            if rubric is not None:
                issues.extend(
                    _check_data(
                        doc,
                        path,
                        _valid_data(prepared.get("answers")),
                        _valid_data(prepared.get("values")),
                        rubric,
                    )
                )
            content = _content_issues(doc, path, _Content.unread(prepared))
            content += _unread_period_issues(doc, path, prepared.get("voting_abroad"))
            issues.extend(_where_written(doc, path, content, written))
            # Its link to a previous mission reads apart from its other fields.
            previous = prepared.get("previous")
            if isinstance(previous, str) and not any(
                loc[:1] in (("previous",), (written.get("previous"),)) for loc in locs
            ):
                unread_previous.append((i, previous))
            continue
        if mission.id in seen:
            issues.append(
                _data_issue(
                    doc,
                    (*path, "id"),
                    "duplicate-mission",
                    f"mission {mission.id!r} is listed twice",
                    mission=mission.id,
                )
            )
            # A mission listed twice is not scored, but its content is checked all the same:
            # the team meets its other problems in this run, not once the id is put right.
            issues.extend(
                _where_written(doc, path, _check_mission(doc, path, mission, rubric), written)
            )
            continue
        seen[mission.id] = i
        found = _where_written(doc, path, _check_mission(doc, path, mission, rubric), written)
        issues.extend(found)
        missions.append(_with_place(_without_refused(mission, path, found), doc, path))
    ids = {m.id for m in missions}
    links = [(seen[m.id], m.previous) for m in missions if m.previous is not None]
    for i, previous in sorted([*links, *unread_previous]):
        # A previous mission listed but unreadable has its own errors: "no mission" would be
        # false, and its link is checked once it reads. A mission that does not read names
        # a previous one all the same: one listed nowhere is said now, not once it reads.
        if previous not in ids and previous not in seen:
            issues.append(
                _data_issue(
                    doc,
                    ("missions", i, "previous"),
                    "unknown-mission",
                    f"no mission {previous!r}",
                    variant="previous",
                    mission=previous,
                )
            )
    issues.extend(_check_previous(doc, missions, seen))
    issues.extend(_check_follow_up(doc, missions, seen, unread))
    return missions, issues


@dataclass(frozen=True)
class _Unread:
    """What a listed mission that does not read says of its place and time: enough to tell
    whether it may be another mission's previous one."""

    id: str | None
    """None when the entry has no id as text."""
    keys: frozenset[str] | None
    """The entities or countries it may observe (None: any, its place is unreadable)."""
    date: dt.date | None
    round: int | None


def _unread(mission_id: str | None, raw: dict[Any, Any]) -> _Unread:
    """What the entry ``raw`` says of its place and time, as far as it reads."""
    entity, country = raw.get("entity"), raw.get("country")
    keys: frozenset[str] | None = None
    if entity is not None:
        if isinstance(entity, str) and re.match(_ENTITY, entity):
            keys = frozenset({entity})
    elif isinstance(country, str):
        # A country written out ('Argentina') most likely means the code it is close to.
        keys = frozenset({country} if is_country(country) else near_countries(country)) or None
    date: dt.date | None = None
    rnd: int | None = 1
    election, period = raw.get("election"), raw.get("period")
    if isinstance(period, (str, int)) and election is None and _PERIOD.match(str(period)):
        date = _period_end(str(period))
    elif isinstance(election, dict):
        when = election.get("date")
        if isinstance(when, dt.date) and not isinstance(when, dt.datetime):
            date = when
        elif isinstance(when, str):
            try:
                date = dt.date.fromisoformat(when)
            except ValueError:
                date = None
        given = election.get("round", 1)
        rnd = given if isinstance(given, int) and not isinstance(given, bool) else None
    return _Unread(mission_id, keys, date, rnd)


def _may_come_between(u: _Unread, m: Mission, prev: Mission | None) -> bool:
    """Whether ``u``, a mission that does not read, may be ``m``'s previous mission in place
    of ``prev`` (the latest earlier readable one): its place or time unknown counts as may."""
    if u.id == m.id or (u.keys is not None and m.key not in u.keys):
        return False
    if u.date is None:
        return True
    # An unknown round may be any: the earliest against m, the latest against prev.
    if (u.date, u.round or -math.inf) >= (m.election.date, m.election.round):
        return False
    return prev is None or (u.date, u.round or math.inf) > (
        prev.election.date,
        prev.election.round,
    )


def _with_place(mission: Mission, doc: YamlDoc, path: tuple[PathPart, ...]) -> Mission:
    def place(group: str, key: str, d: Datum) -> Datum:
        pos = doc.positions.find((*path, group, key))
        prov = _updated(d.provenance, {"file": doc.file, "line": pos[0] if pos else None})
        return _updated(d, {"provenance": prov})

    return _updated(
        mission,
        {
            "answers": {k: place("answers", k, d) for k, d in mission.answers.items()},
            "values": {k: place("values", k, d) for k, d in mission.values.items()},
        },
    )


_M = TypeVar("_M", bound=BaseModel)
_new = object.__new__
_set = object.__setattr__


def _updated(model: _M, update: dict[str, Any]) -> _M:
    """``model.model_copy(update=update)`` of a model of this module (no extra fields, no
    private attributes): the same state, without pydantic's general copy, which copies the
    fields' dict and set once more and looks up the model's settings each time. Every datum
    of a missions file is copied twice to be placed."""
    copy = _new(type(model))
    _set(copy, "__dict__", {**model.__dict__, **update})
    _set(copy, "__pydantic_extra__", None)
    _set(copy, "__pydantic_fields_set__", model.__pydantic_fields_set__ | update.keys())
    _set(copy, "__pydantic_private__", None)
    return copy


def _valid_data(raw: Any) -> dict[str, Datum]:
    """The entries of an answers/values mapping that are valid data on their own."""
    out: dict[str, Datum] = {}
    if isinstance(raw, dict):
        for key, item in raw.items():
            try:
                out[str(key)] = Datum.model_validate(item)
            except ValidationError:
                continue  # already reported by the mission's own validation
    return out


def _without_refused(mission: Mission, path: tuple[PathPart, ...], found: list[Issue]) -> Mission:
    """The mission without the values its errors refuse: a refused number is reported once, at
    itself, and takes no part in the checks that follow (votes no greater than registered),
    which would otherwise word it again as the number it was misread as."""
    at = len(path)
    refused = {
        i.path[at + 1]
        for i in found
        if i.severity == "error" and len(i.path) > at + 1 and i.path[at] == "values"
    }
    if not refused:
        return mission
    kept = {k: d for k, d in mission.values.items() if k not in refused}
    return mission.model_copy(update={"values": kept})


@dataclass(frozen=True)
class _Content:
    """What the content checks of a mission read (its placeholders, control characters,
    planned places): of a mission that reads, or the parts that read of one that does not."""

    id: str | None
    names: dict[str, str]
    """The name by language; ``""`` for a name in no language."""
    election_date: dt.date | None
    answers: dict[str, Datum]
    values: dict[str, Datum]
    places: tuple[PlaceFields, ...]

    @classmethod
    def of(cls, mission: Mission) -> _Content:
        """Everything of a mission that reads."""
        return cls(
            mission.id,
            dict(mission.name) if isinstance(mission.name, dict) else {"": mission.name},
            mission.election.date,
            mission.answers,
            mission.values,
            mission.places,
        )

    @classmethod
    def unread(cls, prepared: dict[Any, Any]) -> _Content:
        """What reads on its own of a mission refused for one of its fields (its round, an
        opening hour, a country), so the team meets every problem of the mission in one run."""
        raw_id, name, election = prepared.get("id"), prepared.get("name"), prepared.get("election")
        if isinstance(name, dict):
            names = {str(k): v for k, v in name.items() if isinstance(v, str)}
        else:
            names = {"": name} if isinstance(name, str) else {}
        places = prepared.get("places")
        return cls(
            raw_id if isinstance(raw_id, str) else None,
            names,
            _day(election.get("date")) if isinstance(election, dict) else None,
            _valid_data(prepared.get("answers")),
            _valid_data(prepared.get("values")),
            tuple(place_parts(p) for p in places) if isinstance(places, list) else (),
        )


def _check_mission(
    doc: YamlDoc, path: tuple[PathPart, ...], mission: Mission, rubric: Rubric | None
) -> list[Issue]:
    out = [] if rubric is None else _check_data(doc, path, mission.answers, mission.values, rubric)
    out += _content_issues(doc, path, _Content.of(mission))
    period = mission.voting_abroad
    if period is not None:
        out += _period_issues(doc, path, period.start, period.end)
    return out


def _content_issues(doc: YamlDoc, path: tuple[PathPart, ...], content: _Content) -> list[Issue]:
    """Placeholders left, control characters, planned places listed twice or in no country."""

    def locate(j: int, name: str) -> tuple[int | None, int | None]:
        pos = doc.positions.find((*path, "places", j, name))
        return pos if pos else (None, None)

    return [
        *_placeholder_issues(doc, path, content),
        *_control_issues(doc, path, content),
        *(
            dataclasses.replace(i, path=(*path, *i.path))
            for i in place_issues(content.places, doc.file, locate)
        ),
    ]


def _period_issues(
    doc: YamlDoc, path: tuple[PathPart, ...], start: dt.date | None, end: dt.date | None
) -> list[Issue]:
    """The voting period of the mission at ``path`` ending before it starts (nothing when
    either day is unknown)."""
    if start is None or end is None or start <= end:
        return []
    return [
        _data_issue(
            doc,
            (*path, "voting_abroad"),
            "invalid-value",
            "voting abroad ends before it starts",
            variant="period",
        )
    ]


def _day(value: object) -> dt.date | None:
    """A day of ``voting_abroad`` as the file writes it (a date, or a text in ISO form), None
    when it is none: its own error says so."""
    if isinstance(value, dt.datetime):
        return None
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and _ISO_SHAPED.fullmatch(value):
        with contextlib.suppress(ValueError):
            return dt.date.fromisoformat(value)
    return None


def _unread_period_issues(doc: YamlDoc, path: tuple[PathPart, ...], raw: object) -> list[Issue]:
    """The voting period of a mission that does not read (its round, its opening hour or any
    other field refused) ending before it starts: said in the same run as the rest."""
    if not isinstance(raw, dict):
        return []
    return _period_issues(doc, path, _day(raw.get("from")), _day(raw.get("to")))


def _placeholder_issues(doc: YamlDoc, path: tuple[PathPart, ...], content: _Content) -> list[Issue]:
    """What ``ovm init`` wrote for the team to fill in and is still there: an election on
    1 January with the comment beside it, a name that is the mission's id. Scored as they
    stand, the date would decide the voting period and the order of the missions."""
    out: list[Issue] = []
    when = content.election_date
    pos = doc.positions.find((*path, "election", "date"))
    if (
        when is not None
        and when.month == 1
        and when.day == 1
        and pos
        and "#" in doc.lines[pos[0] - 1][pos[1] :]
    ):
        out.append(
            _data_issue(
                doc,
                (*path, "election", "date"),
                "init-placeholder",
                f"{when.isoformat()} is the date ovm init wrote: write the election day",
                "warning",
                variant="date",
                date=when.isoformat(),
            )
        )
    # ovm init writes the id under each language; a name written as the id by hand (`name: a`)
    # is the team's choice, not a placeholder left.
    names = content.names
    if "" not in names and names and all(n == content.id for n in names.values()):
        out.append(
            _data_issue(
                doc,
                (*path, "name"),
                "init-placeholder",
                "the name is the mission's id, as ovm init wrote it: write the mission's name",
                "warning",
                variant="name",
            )
        )
    return out


_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def has_control(text: str) -> bool:
    """Whether text holds a control character other than tab and line break."""
    return _CONTROL.search(text) is not None


def _control_issues(doc: YamlDoc, path: tuple[PathPart, ...], content: _Content) -> list[Issue]:
    """Control characters in a mission's name, a datum's provenance or a planned place's id
    or city: no report can hold them."""
    names = content.names
    datums = (*content.answers.values(), *content.values.values())
    places = [
        (j, key, v)
        for j, place in enumerate(content.places)
        for key, v in (("id", place.id), ("city", place.city))
        if v is not None
    ]
    texts = [
        *(v for _, _, v in places),
        *(
            v
            for datum in datums
            for v in (*datum.provenance.__dict__.values(), datum.value)
            if isinstance(v, str)
        ),
    ]
    # Almost no mission holds one: its texts are searched at once, joined by a line break
    # (no control character here), and field by field only when one is found.
    if not has_control("\n".join((*names.values(), *texts))):
        return []
    found: list[tuple[PathPart, ...]] = []
    found += [("name", k) if k else ("name",) for k, v in names.items() if has_control(v)]
    for group, data in (("answers", content.answers), ("values", content.values)):
        for key, datum in data.items():
            # The fields themselves: a dump would only copy them (and took most of this check).
            for f, v in datum.provenance.__dict__.items():
                if isinstance(v, str) and has_control(v):
                    found.append((group, key, f))
            if isinstance(datum.value, str) and has_control(datum.value):
                found.append((group, key, "value"))
    found += [("places", j, key) for j, key, v in places if has_control(v)]
    return [
        _data_issue(
            doc,
            (*path, *f),
            "control-character",
            "a control character (such as BEL or ESC) is in the text: remove it",
        )
        for f in found
    ]


def _answered_ids(rubric: Rubric) -> list[str]:
    """The ids of the indicators a mission answers (levels and answer indicators)."""
    return [
        k for k, p in rubric.nodes.items() if isinstance(p.node, LevelsIndicator | AnswerIndicator)
    ]


def _closest_id(key: str, ids: Sequence[str]) -> str | None:
    # Close enough to be a typo of one id (rights.inmigration_status), not any id sharing
    # a family's prefix.
    import difflib

    close = difflib.get_close_matches(key, ids, n=1, cutoff=0.85)
    return close[0] if close else None


def _check_data(
    doc: YamlDoc,
    path: tuple[PathPart, ...],
    answers: dict[str, Datum],
    values: dict[str, Datum],
    rubric: Rubric,
) -> list[Issue]:
    issues: list[Issue] = []
    for key, datum in answers.items():
        apath = (*path, "answers", key)
        placed = rubric.nodes.get(key)
        node = placed.node if placed else None
        if not isinstance(node, LevelsIndicator | AnswerIndicator):
            meant = None if node is not None else _closest_id(key, _answered_ids(rubric))
            if meant is not None:
                issues.append(
                    _data_issue(
                        doc,
                        apath,
                        "unknown-indicator",
                        f"{key!r} is not an indicator of the rubric: did you mean {meant!r}?",
                        key=True,
                        variant="unknown_meant",
                        indicator=key,
                        meant=meant,
                    )
                )
                continue
            what = (
                "is not a levels or answer indicator"
                if node is not None
                else "is not an indicator of the rubric"
            )
            issues.append(
                _data_issue(
                    doc,
                    apath,
                    "unknown-indicator",
                    f"{key!r} {what}: correct the id or remove the answer",
                    key=True,
                    variant="kind" if node is not None else "unknown",
                    indicator=key,
                )
            )
            continue
        issues.extend(_answer_issues(doc, apath, node, datum))
    for key, datum in values.items():
        vpath = (*path, "values", key)
        try:
            var = rubric.variable(key)
        except KeyError:
            meant = _closest_id(key, [v.name for v in rubric.variables])
            said = f"did you mean {meant!r}?" if meant else "correct the name or remove it"
            params: dict[str, Any] = {"meant": meant} if meant else {}
            issues.append(
                _data_issue(
                    doc,
                    vpath,
                    "unknown-variable",
                    f"{key!r} is not a variable of the rubric: {said}",
                    key=True,
                    variant="missions_meant" if meant else "missions",
                    name=key,
                    **params,
                )
            )
            continue
        if var.from_sites is not None:
            issues.append(
                _data_issue(
                    doc,
                    vpath,
                    "derived-variable",
                    f"{key!r} is computed from observer checklists: remove it here",
                    key=True,
                    variant="missions",
                    name=key,
                )
            )
            continue
        if datum.status == "not_applicable" and not var.allow_na:
            issues.append(
                _data_issue(
                    doc,
                    (*vpath, "status"),
                    "not-applicable-not-allowed",
                    f"{key} does not allow 'not applicable'",
                    name=key,
                )
            )
            continue
        if datum.status == "value":
            # YAML reads 12.000 as twelve; written so in a count it is twelve thousand, and the
            # rule refuses it from the text as written, as it does in a table.
            value: Any = datum.value
            written = plain_scalar(doc, (*vpath, "value")) or plain_scalar(doc, vpath)
            if written is not None and DOT_THOUSANDS.fullmatch(written):
                value = written
            problem = number_reading(var, value)
            if problem:
                # At the number itself, not at a mapping that may open lines above it.
                issues.append(
                    _data_issue(
                        doc, (*vpath, "value"), problem.code, problem.message, **problem.params
                    )
                )
    return issues


def _answer_issues(
    doc: YamlDoc, path: tuple[PathPart, ...], node: LevelsIndicator | AnswerIndicator, datum: Datum
) -> list[Issue]:
    if datum.status == "not_applicable" and not node.allow_na:
        return [
            _data_issue(
                doc,
                (*path, "status"),
                "not-applicable-not-allowed",
                f"{node.id} does not allow 'not applicable'",
                name=node.id,
            )
        ]
    if datum.status != "value":
        return []
    value = datum.value
    key = str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
    if isinstance(value, bool):
        key = "yes" if value else "no"
    if node.score_of(key) is None:
        return [
            _data_issue(
                doc,
                (*path, "value"),
                "invalid-answer",
                f"{value!r} is not an allowed answer ({', '.join(node.answers())})",
                variant="indicator",
                text=str(value),
                allowed=list(node.answers()),
            )
        ]
    return []


def _check_previous(doc: YamlDoc, missions: list[Mission], seen: dict[str, int]) -> list[Issue]:
    """A declared previous mission must observe the same country (or entity) at an earlier
    election: the change in participation and the follow-up of recommendations are measured
    against it, and another country's or a later election would give numbers that mean
    nothing."""
    issues = []
    by_id = {m.id: m for m in missions}
    for m in missions:
        prev = by_id.get(m.previous) if m.previous else None
        if prev is None:
            continue
        path = ("missions", seen[m.id], "previous")
        if prev.key != m.key:
            issues.append(
                _data_issue(
                    doc,
                    path,
                    "invalid-previous",
                    f"the previous mission {prev.id!r} observes {prev.key}, not {m.key}",
                    variant="place",
                    previous=prev.id,
                    other=prev.key,
                    place=m.key,
                )
            )
        elif (prev.election.date, prev.election.round) >= (m.election.date, m.election.round):
            issues.append(
                _data_issue(
                    doc,
                    path,
                    "invalid-previous",
                    f"the previous mission {prev.id!r} ({prev.election.date}) is not earlier than "
                    f"{m.id} ({m.election.date})",
                    variant="order",
                    previous=prev.id,
                    other_date=str(prev.election.date),
                    mission=m.id,
                    date=str(m.election.date),
                )
            )
    return issues


def _check_follow_up(
    doc: YamlDoc, missions: list[Mission], seen: dict[str, int], unread: list[_Unread]
) -> list[Issue]:
    """A follow-up answers the previous mission's recommendations. A previous mission that is
    listed but does not read (named, or possibly the one implied by place and date) has errors
    of its own: the follow-up is checked once it reads, never against another mission."""
    issues = []
    by_id = {m.id: m for m in missions}
    unread_ids = {u.id for u in unread if u.id is not None}
    for m in missions:
        if not m.follow_up:
            continue
        if m.previous in unread_ids:
            continue
        prev = by_id.get(m.previous) if m.previous else previous_mission(m, missions)
        if not m.previous and any(_may_come_between(u, m, prev) for u in unread):
            continue
        made = {str(r.get("id")) for r in prev.recommendations} if prev else set()
        for j, fu in enumerate(m.follow_up):
            path = ("missions", seen[m.id], "follow_up", j, "id")
            if prev is None:
                issues.append(
                    _data_issue(
                        doc,
                        path,
                        "no-previous-mission",
                        f"{m.id} has no previous observed election to follow up",
                        mission=m.id,
                    )
                )
                break
            if prev.recommendations and fu.id not in made:
                issues.append(
                    _data_issue(
                        doc,
                        path,
                        "unknown-recommendation",
                        f"{prev.id} made no recommendation {fu.id!r}",
                        mission=prev.id,
                        recommendation=fu.id,
                    )
                )
        if prev is not None:
            # A recommendation left out would silently leave the share implemented: the
            # follow-up is judged on every recommendation the previous mission made.
            left_out = not_followed_up(m, prev)
            if left_out:
                issues.append(
                    _data_issue(
                        doc,
                        ("missions", seen[m.id], "follow_up"),
                        "follow-up-incomplete",
                        f"the follow-up leaves out {', '.join(left_out)}, made by {prev.id}: "
                        "list each one, as not_assessable if it cannot be judged",
                        "warning",
                        key=True,
                        previous=prev.id,
                        missing=", ".join(left_out),
                    )
                )
    return issues


def not_followed_up(mission: Mission, previous: Mission | None) -> list[str]:
    """The ids of the recommendations ``previous`` made that ``mission``'s follow-up leaves
    out, in the order they were made (a recommendation without an id cannot be named)."""
    if previous is None:
        return []
    listed = {fu.id for fu in mission.follow_up}
    made = [str(r["id"]) for r in previous.recommendations if r.get("id") is not None]
    return [r for r in made if r not in listed]


def previous_mission(mission: Mission, missions: Iterable[Mission]) -> Mission | None:
    """The mission's declared previous mission, else the latest earlier one of the same entity
    (or country, see :attr:`Mission.key`)."""
    pool = list(missions)
    if mission.previous:
        return next((m for m in pool if m.id == mission.previous), None)
    earlier = [
        m
        for m in pool
        if m.key == mission.key
        and (m.election.date, m.election.round) < (mission.election.date, mission.election.round)
    ]
    return max(earlier, key=lambda m: (m.election.date, m.election.round), default=None)


# --- numbers and answers -------------------------------------------------------------------


def variable_rule(var: Variable) -> NumberRule:
    """The numbers a variable takes, from its type and bounds."""
    low, high = var.minimum, var.maximum
    bounds = {"share": (0.0, 1.0), "percent": (0.0, 100.0)}.get(var.type)
    if bounds is not None:
        low = bounds[0] if low is None else max(low, bounds[0])
        high = bounds[1] if high is None else min(high, bounds[1])
    count = var.type == "count"
    boolean = var.type == "boolean"
    return NumberRule(
        var.name,
        var.unit_text(),
        whole=count,
        count=count,
        minimum=low,
        maximum=high,
        values=(0.0, 1.0) if boolean else (),
        yes_no=boolean,
        percent=(
            "share"
            if var.type == "share"
            else "percent"
            if var.type == "percent" or var.unit_text() == "%"
            else None
        ),
    )


def check_number(var: Variable, value: Any) -> tuple[str, str] | None:
    """(code, message) when a value does not fit its variable, else None."""
    r = number_reading(var, value)
    return None if r is None else (r.code, r.message)


def number_reading(var: Variable, value: Any) -> Reading | None:
    """Why a value does not fit its variable (an invalid reading, with its message's parts),
    else None."""
    rule = variable_rule(var)
    if isinstance(value, str):
        r = rule(value)
        return r if r.status == "invalid" else None
    x = parse_number(value)
    if x is None:
        return refused(
            "invalid-number",
            f"{value!r} is not a number ({var.name}, {var.unit_text()})",
            text=str(value),
            name=var.name,
        )
    problem = rule.problem(x)
    if problem is None:
        return None
    # the catalogue quotes a value that is not finite as YAML read it ("inf")
    code, message, variant = problem
    return refused(
        code, message, **rule.problem_params(x, None if math.isfinite(x) else f"{x:g}", variant)
    )


def answer_choices(node: LevelsIndicator | AnswerIndicator) -> Choices:
    """The answers a levels or answer indicator takes, in any case; yes and no words too."""
    return Choices(node.id, tuple(node.answers()), yes_no=isinstance(node, AnswerIndicator))


def variable_column(var: Variable, header: str | None = None) -> Column:
    """The column giving a variable's value for each mission."""
    return Column(
        header or var.name,
        variable_rule(var),
        f"{var.name} ({var.unit_text()})",
        target=var.name,
        not_applicable=var.allow_na,
    )


def answer_column(node: LevelsIndicator | AnswerIndicator) -> Column:
    """The column giving a levels or answer indicator's answer for each mission."""
    return Column(
        node.id, answer_choices(node), f"the answer to {node.id}", not_applicable=node.allow_na
    )


# --- one-row-per-mission tables --------------------------------------------------------------

MISSION_COLUMN = Column("mission", Text(), "the mission id of each row", required=True, words=False)


@dataclass(frozen=True)
class MissionTable:
    """A table format of one row per mission: its value columns, and what else it checks.

    ``refused`` names columns that may not be given in this table, with the code and message
    of the header error; ``keep_missing`` keeps a missing value as a datum (else no datum);
    ``check_row`` adds reasons against a row from all its values.
    """

    kind: str
    columns: Mapping[str, Column]
    unknown: str
    refused: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    keep_missing: bool = True
    check_row: Callable[[Row, dict[str, Datum]], None] | None = None


def read_mission_table(
    path: Path,
    table: MissionTable,
    missions: Sequence[Mission],
    *,
    sheet: str | None = None,
    defaults: Mapping[str, Any] | None = None,
) -> tuple[dict[str, dict[str, Datum]], FileReport, Sequence[RejectedRow], list[Issue]]:
    """Read a one-row-per-mission table: every row used or rejected with every reason.

    Values come by mission and column target, each with its provenance: ``defaults``, then
    the row's ``source``, ``confidence``... columns, then the cell's ``<column>__<field>``.
    """
    df, issues, name = read_named_table(path, sheet=sheet)
    if df is None:
        return {}, FileReport(name, table.kind, 0, 0, 0), [], issues
    cols = [c for c in df.columns if c != ROW]
    by_case = {k.casefold(): k for k in table.columns}
    account = Account(name, table.kind, cols)
    df = account.adopt_miscased(df, "mission")
    cols = [c for c in df.columns if c != ROW]
    missing = account.require([MISSION_COLUMN], cols)
    if missing:
        if any(";" in c for c in cols):
            missing = [
                dataclasses.replace(
                    i,
                    message=f"{i.message} (the header looks separated by ';': save the file "
                    "with commas)",
                )
                for i in missing
            ]
        account.reject_every_row(df, "no mission column", variant="column")
        return {}, account.report(df.height), account.rejected, [*issues, *missing]
    # A row whose mission cell starts with '#' is a note (the template's row of questions
    # under the answers' ids): no mission id can, so it is skipped as a blank row is.
    note = pl.col("mission").cast(pl.String).str.strip_chars().str.starts_with("#")
    df = df.filter(~note.fill_null(False))
    row_prov = {c: provenance_column(c, c) for c in cols if c in PROVENANCE_FIELDS}
    value_cols: list[Column] = []
    unmatched: list[str] = []
    for c in cols:
        base, sep, attr = c.partition("__")
        given = base in table.columns or base in table.refused
        own = c == "mission" or c in row_prov or (sep and given and attr in PROVENANCE_FIELDS)
        if own or unnamed(c):
            continue
        if c in table.refused:
            account.warn(c, *table.refused[c], severity="error", name=c)
        elif c in table.columns:
            value_cols.append(table.columns[c])
        else:
            unmatched.append(c)
            same = by_case.get(c.casefold())
            if same is not None:
                account.refuse_miscased(c, same, table.unknown, f"{table.kind}_case")
                continue
            # A misspelt header loses the variable for every mission: refused, naming what
            # was meant; a column near nothing is only said to be there.
            import difflib

            near = difflib.get_close_matches(c, list(table.columns), n=1, cutoff=0.8)
            if near and account.misspelt(c, near[0], cols):
                account.refuse_misspelt(c, near[0], table.unknown, f"{table.kind}_near")
            else:
                said = f"column {c!r} matches no {table.unknown}; ignored"
                account.warn(c, "unknown-column", said, name=c, variant=table.kind)
    cell_prov = {c.name: provenance_columns(c.name) for c in value_cols}
    out: dict[str, dict[str, Datum]] = {}
    kept = screen_missions(account, df, {m.id for m in missions})
    empty: list[tuple[int, str]] = []
    for row, rec in account.rows(kept):
        mid = rec["mission"]
        cells = Row(account, row.number)
        row_defaults = read_provenance(cells, rec, row_prov, dict(defaults or {}))
        values: dict[str, Datum] = {}
        for col in value_cols:
            cell = Row(account, row.number)
            provenance = _provenance(
                cell, rec, col.name, read_provenance(cell, rec, cell_prov[col.name], row_defaults)
            )
            r = cell.read(col, rec[col.name])
            cells.reasons += cell.reasons
            # A control character loses the provenance text it is in, not the figure: the
            # figure is what the mission reported, its source or note only says where from.
            lost = [i for i in cell.reasons if i.code != "control-character"]
            if lost or (r.status == "missing" and not table.keep_missing):
                continue
            values[col.id] = _datum(r, provenance)
        if table.check_row is not None:
            limits = Row(account, row.number)
            table.check_row(limits, values)
            # The value over its limit is the one refused, at its own column.
            by_column = {c.name: c.id for c in value_cols}
            for issue in limits.reasons:
                col_name = next((h for h, j in account.numbers.items() if j == issue.column), None)
                values.pop(by_column.get(col_name or "", ""), None)
            cells.reasons += limits.reasons
        account.reject_cells(cells)
        out[mid] = values
        if not values:
            empty.append((row.number, mid))
    report = account.report(df.height, unmatched=unmatched, given=[c.id for c in value_cols])
    # Each value's column, to locate a value another file gives again; and the mission of
    # each row no value names, to say whose its refused cells are.
    report = dataclasses.replace(
        report,
        columns=tuple((c.id, account.numbers[c.name]) for c in value_cols),
        row_missions=tuple(empty),
    )
    return out, report, account.all_rejected(), [*issues, *account.issues]


def _datum(r: Reading, provenance: Provenance) -> Datum:
    if r.status == "value":
        assert isinstance(r.value, float | str)
        return Datum(value=r.value, provenance=provenance)
    assert r.status in ("missing", "not_applicable")
    return Datum(status=r.status, provenance=provenance)


def _provenance(
    row: Row, rec: Mapping[str, Any], column: str, fields: dict[str, Any]
) -> Provenance:
    """The provenance of one cell; a field pydantic refuses (a date) is a reason at its column."""
    try:
        return Provenance(**fields, file=row.account.file, line=row.number)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = str(err["loc"][0]) if err["loc"] else ""
        own = f"{column}__{where}"
        at = own if rec.get(own) is not None else where if rec.get(where) is not None else column
        text = str(err.get("input", ""))[:60]
        if where == "date":
            # A date is said as the catalogue says it in every language, with the ISO form of
            # a day/month/year date (how the missions' countries write dates) when it is one.
            meant = _iso_of_dmy(text)
            if meant is not None:
                row.bad(
                    at,
                    "invalid-provenance",
                    f"{where}: '{text}' is not a date: write it as YYYY-MM-DD, "
                    f"{meant} if it is day/month/year",
                    variant="date_dmy",
                    field=where,
                    text=text,
                    meant=meant,
                )
            else:
                row.bad(
                    at,
                    "invalid-provenance",
                    f"{where}: '{text}' is not a date: write it as YYYY-MM-DD",
                    variant="date",
                    field=where,
                    text=text,
                )
            return Provenance(file=row.account.file, line=row.number)
        # pydantic's English reason stays the message; the catalogue words the field's kind.
        row.bad(
            at,
            "invalid-provenance",
            f"{where}: {err['msg']}"[:160],
            variant="field",
            field=where,
            text=text,
        )
        return Provenance(file=row.account.file, line=row.number)


_DMY = re.compile(r"([0-9]{1,2})[/.-]([0-9]{1,2})[/.-]([0-9]{4})")


_DMY_TIME = re.compile(_DMY.pattern + r"[ T]+([0-9]{1,2}):([0-9]{2})(?::([0-9]{2}))?")


def iso_of_dmy_time(text: str) -> str | None:
    """``27/10/2019 9:30`` (a day/month/year date and a time, as the missions' countries write
    them) as ``2019-10-27T09:30``, when it is a real date and time; else None."""
    found = _DMY_TIME.fullmatch(text.strip())
    if found is None:
        return None
    day, month, year, hour, minute = (int(g) for g in found.groups()[:5])
    second = int(found[6]) if found[6] is not None else None
    try:
        when = dt.datetime(year, month, day, hour, minute, second or 0)
    except ValueError:
        return None
    return when.isoformat(timespec="seconds" if second is not None else "minutes")


def _iso_of_dmy(text: str) -> str | None:
    """``13/09/2021`` (or with dots or dashes) as ``2021-09-13``, when it is a real date."""
    found = _DMY.fullmatch(text.strip())
    if found is None:
        return None
    day, month, year = (int(g) for g in found.groups())
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def load_statistics(
    path: Path,
    rubric: Rubric,
    missions: Sequence[Mission],
    defaults: dict[str, Any] | None = None,
    *,
    sheet: str | None = None,
) -> tuple[dict[str, dict[str, Datum]], FileReport, Sequence[RejectedRow], list[Issue]]:
    """Wide mission-level table: ``mission``, one column per variable, provenance columns."""

    def limits(row: Row, values: dict[str, Datum]) -> None:
        row.reasons += limit_issues(
            rubric, values, row.account.file, row.number, row.account.numbers
        )

    table = MissionTable(
        "statistics",
        {v.name: variable_column(v) for v in rubric.variables if v.from_sites is None},
        "variable of the rubric",
        refused={
            v.name: ("derived-variable", f"{v.name!r} is computed from observer checklists")
            for v in rubric.variables
            if v.from_sites is not None
        },
        check_row=limits,
    )
    return read_mission_table(Path(path), table, missions, sheet=sheet, defaults=defaults)


def screen_missions(account: Account, df: pl.DataFrame, known: Collection[str]) -> pl.DataFrame:
    """The rows of a one-row-per-mission table to read: those whose mission cell names a known
    mission for the first time. Every other row is rejected with its one reason
    (``missing-mission``, ``unknown-mission``, ``duplicate-row``), found column-wise; only the
    mission cell rejects a row of such a table."""
    cell = pl.col("mission")
    # Known missions are few (a missions file is at most a few MB): the first row of each is
    # found among their rows alone, and the other rows need no grouping.
    firsts = (
        df.lazy()
        .filter(cell.is_in(sorted(known)))
        .group_by("mission")
        .agg(pl.col(ROW).min())
        .collect()
    )
    first_row: dict[str, int] = dict(firsts.iter_rows())
    keep = pl.col(ROW).is_in(firsts[ROW].to_list())
    out = df.filter(~keep).select(ROW, "mission")
    rows: list[int] = out[ROW].to_list()
    ids: list[str | None] = out["mission"].to_list()
    column = account.numbers["mission"]
    known_ids = frozenset(known)
    by_case = {k.casefold(): k for k in sorted(known_ids)}

    def reason(k: int) -> Issue:
        # Every row kept out has a problem with its mission cell: the one rule words it.
        return mission_cell_issues(
            account.file, rows[k], column, ids[k], known_ids, first_row, by_case
        )[0]

    account.reject_rows(RejectedRows(account.file, rows, ids, reason))
    return df.filter(keep)


ID_SEPARATORS: Mapping[str, str] = {
    "-": "hyphen_minus",
    "_": "underscore",
    "\u2010": "hyphen",
    "\u2011": "non_breaking_hyphen",
    "\u2012": "figure_dash",
    "\u2013": "en_dash",
    "\u2014": "em_dash",
    "\u2015": "horizontal_bar",
    "\u2212": "minus_sign",
    "\ufe58": "small_em_dash",
    "\ufe63": "small_hyphen_minus",
    "\uff0d": "fullwidth_hyphen_minus",
}
"""The marks that may part the words of a mission id, as a word processor or a spreadsheet
writes them for the ``-`` typed (autocorrect makes an en dash; text copied from a document
may hold a non-breaking hyphen) or a team writes them (``_``): an id that differs from a
known one only by these (and by case) is named as meant, with the mark that differs, which
a screen shows as ``-``. Each is named by its catalogue entry, ``character_<name>``."""

_SEPARATORS_AS_HYPHEN = str.maketrans(dict.fromkeys(ID_SEPARATORS, "-"))


def _meant_mission(mission: str, by_case: Mapping[str, str]) -> dict[str, Any]:
    """The parts of the hint naming the known id ``mission`` differs from by case only
    (``variant`` case) or by the marks parting its words too (``variant`` separator, with the
    first mark of the cell that differs and the id's); empty when there is none."""
    near = by_case.get(mission.casefold())
    if near is not None:
        return {"variant": "case", "near": near}
    if not any(c in ID_SEPARATORS for c in mission):
        return {}
    wanted = mission.translate(_SEPARATORS_AS_HYPHEN).casefold()
    near = next(
        (k for f, k in by_case.items() if f.translate(_SEPARATORS_AS_HYPHEN) == wanted), None
    )
    if near is None or len(near) != len(mission):
        return {}
    differs = [(a, b) for a, b in zip(mission, near, strict=True) if a != b and a in ID_SEPARATORS]
    if not differs:
        return {}
    written, meant = differs[0]
    return {"variant": "separator", "near": near, "written": written, "meant": meant}


def separator_name(mark: str) -> dict[str, str]:
    """A mark parting the words of an id (:data:`ID_SEPARATORS`) named in every language,
    with its code point where the screen may show it as another (``a dash U+2013``)."""
    from ovm.i18n import LANGUAGES, gettext

    key = "character_" + ID_SEPARATORS[mark]
    return {lang: gettext(key, lang, code=f"U+{ord(mark):04X}") for lang in LANGUAGES}


def unknown_mission_message(mission: str, by_case: Mapping[str, str]) -> str:
    """Say a mission id is unknown, naming the known one it differs from by case or by the
    marks parting its words only (``by_case``: known ids by their casefolded form)."""
    meant = _meant_mission(mission, by_case)
    said = f"no mission {mission!r} in the missions file"
    if meant.get("variant") == "case":
        return f"{said} (ids are case-sensitive: did you mean {meant['near']!r}?)"
    if meant:
        written = separator_name(meant["written"])["en"]
        return (
            f"{said} (did you mean {meant['near']!r}? the cell has {written} where the id has "
            f"{meant['meant']!r})"
        )
    return said


def unknown_mission_params(mission: str, by_case: Mapping[str, str]) -> dict[str, Any]:
    """The parts of :func:`unknown_mission_message`, by name."""
    meant = _meant_mission(mission, by_case)
    if meant.get("variant") == "separator":
        meant["written"] = separator_name(meant["written"])
    return {"mission": mission} | meant


def mission_cell_issues(
    file: str,
    row: int,
    column: int | None,
    mission: str | None,
    known: set[str] | frozenset[str],
    first_row: dict[str, int],
    by_case: Mapping[str, str] | None = None,
) -> list[Issue]:
    """Problems with the ``mission`` cell of a row of a table naming missions: none, no
    mission, an unknown one, or one that already has its row at ``first_row[mission]``.
    ``by_case``: the known ids by their casefolded form, when the caller has them."""
    params: dict[str, Any]
    if mission is None:
        code, msg, params = "missing-mission", "no mission id", {"variant": "cell"}
    elif mission not in known:
        if by_case is None:
            by_case = {k.casefold(): k for k in sorted(known)}
        code, msg = "unknown-mission", unknown_mission_message(mission, by_case)
        params = unknown_mission_params(mission, by_case)
    elif mission in first_row:
        first = first_row[mission]
        code, msg = "duplicate-row", f"mission {mission!r} already has a row ({first})"
        params = {"variant": "mission", "mission": mission, "first": first}
    else:
        return []
    return [Issue(file, row, column, code, msg, (), "error", "data", params=params)]


def limit_issues(
    rubric: Rubric,
    values: dict[str, Datum],
    file: str,
    row: int | None,
    colno: dict[str, int] | None = None,
) -> list[Issue]:
    """Issues for values above the variable they are bounded by (votes above registered)."""
    out = []
    for var, limit in ((v, lim) for v in rubric.variables for lim in v.limits):
        a, b = values.get(var.name), values.get(limit)
        if a is None or b is None or a.status != "value" or b.status != "value":
            continue
        av, bv = parse_number(a.value), parse_number(b.value)
        if av is not None and bv is not None and av > bv:
            # Without a row (values merged from several files), point at the value itself.
            where = (
                (file, row) if row is not None else (a.provenance.file or file, a.provenance.line)
            )
            out.append(
                Issue(
                    *where,
                    (colno or {}).get(var.name),
                    "exceeds-limit",
                    f"{var.name} = {exact_number(av)} is greater than {limit} = {exact_number(bv)}",
                    (),
                    "error",
                    "data",
                    params={"name": var.name, "value": av, "limit_name": limit, "limit": bv},
                )
            )
    return out


def cell_place(provenance: Provenance, column: int | None = None) -> str:
    """Where a value was given, as ``file:line:col`` (as much of it as is known)."""
    parts = [str(p) for p in (provenance.line, column) if p is not None]
    return ":".join([provenance.file or "", *parts])
