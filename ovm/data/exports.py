"""Observer checklists exported from KoboToolbox or ODK Central, read back into site rows.

Exports of the form made by :mod:`ovm.xlsform` (or any form naming its questions by the
rubric's indicator ids) are mapped to the plain layout of :mod:`ovm.sites`:

- headers are names (``practice/practice.on_time``, ``practice-practice.on_time``, any group
  path joined by ``/`` or ``-``) or labels in any of the rubric's languages;
- ``select_multiple`` answers come as one space-separated column or as one ``question/choice``
  column per choice (1/0, true/false, yes/no);
- the tools' metadata columns are known and kept out of the way; any other column that maps
  to nothing is a warning (``unknown-column``), never dropped in silence;
- submissions marked rejected (Kobo ``_validation_status`` not approved, ODK Central
  ``ReviewState`` rejected) are excluded and counted;
- a submission id seen twice (``_uuid``, ``KEY``, ``instanceID``) rejects the later rows.

Both tools' conventions are recognised whatever the declared layout.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import polars as pl

from ovm.data.checklists import (
    FILE,
    INVALID_CODE,
    MISSION_COLUMN,
    VISIT_COLUMNS,
    SiteLoad,
    checklist_questions,
    probably_meant,
    validate_sites,
)
from ovm.data.observations import SITE_COLUMNS, FileReport, Mission, RejectedRow
from ovm.data.reader import (
    NOT_APPLICABLE,
    Account,
    Column,
    Flag,
    Reading,
    codes,
    refused,
    word,
    yes_no,
)
from ovm.data.tables import ROW, read_named_table, unnamed
from ovm.errors import Issue
from ovm.field.xlsform import (
    APPLIES_LABEL,
    FORM_EXTRA_FIELDS,
    GATE_LABEL,
    NA_LABEL,
    NO_CITY_LABEL,
    TRACE_FIELDS,
    VISIT_FIELDS,
    VISIT_LABELS,
    checklist_families,
    field_name,
    gate_label,
    gate_name,
    has_gate,
    place_choices,
)
from ovm.indicators import ChecklistIndicator
from ovm.indicators.checklist import NA_CHOICE
from ovm.rubric.model import Rubric

if TYPE_CHECKING:
    from ovm.data.plan import PlannedPlace

_ProblemSink = Callable[..., None]
"""``problem(row, column, code, message, **params)``: a reason against a row."""
_RefuseSink = Callable[..., None]
"""``refuse(question, row, column, code, message, **params)``: a cell refused, which leaves
``question`` unanswered at that row."""

KOBO_METADATA = frozenset(
    {
        "_id",
        "_uuid",
        "_submission_time",
        "_validation_status",
        "_index",
        "_status",
        "_submitted_by",
        "__version__",
        "_version_",
        "_tags",
        "_notes",
        "_attachments",
        "_geolocation",
        "_xform_id_string",
        "_parent_table_name",
        "_parent_index",
        "start",
        "end",
        "today",
        "deviceid",
        "username",
        "phonenumber",
        "simserial",
        "subscriberid",
        "audit",
    }
)
ODK_METADATA = frozenset(
    {
        "SubmissionDate",
        "KEY",
        "ReviewState",
        "SubmitterID",
        "SubmitterName",
        "AttachmentsPresent",
        "AttachmentsExpected",
        "Status",
        "DeviceID",
        "Edits",
        "FormVersion",
        "instanceID",
        "instanceName",
    }
)
METADATA = KOBO_METADATA | ODK_METADATA | frozenset(TRACE_FIELDS)
METADATA_GROUPS = ("meta/", "meta-", "formhub/", "formhub-")
ID_COLUMNS = ("_uuid", "KEY", "meta/instanceID", "meta-instanceID", "instanceID")
"""Columns holding the submission id, in order of preference."""
NOT_SCORED_PARTS = re.compile(
    r"^_?(?P<base>.+?)(?:_latitude|_longitude|_altitude|_precision|-Latitude|-Longitude"
    r"|-Altitude|-Accuracy|_URL)$"
)
"""How the tools split a geopoint (Kobo ``_location_latitude``, ODK ``location-Latitude``)
and link an attachment (Kobo ``results_photo_URL``) into extra columns."""
REVIEW_COLUMNS = ("_validation_status", "ReviewState")
REJECTED_STATES = frozenset(
    {"validation_status_not_approved", "not approved", "not_approved", "rejected"}
)
KEPT_STATES = frozenset(
    {
        "validation_status_approved",
        "approved",
        "validation_status_on_hold",
        "on hold",
        "on_hold",
        "hasissues",
        "edited",
        "received",
    }
)
"""Review states whose submissions are scored: Kobo's approved and on hold (its codes and
English labels), ODK Central's approved, has issues, edited and received (its default, often
exported blank)."""


GROUP_SEPARATORS = "/-."
"""What joins a group path to a question's name in an export's header: Kobo's ``/`` (its
default) or ``.``, ODK Central's ``-``. Rubric ids hold dots too: the whole header is looked
up first, so ``practice.secrecy`` is that question and ``practice.practice.secrecy`` the same
question in the group ``practice``."""


def _suffixes(header: str) -> Iterable[tuple[int, str]]:
    """(start, rest): the header, then what follows each group separator (longest first)."""
    yield 0, header
    for i, ch in enumerate(header):
        if ch in GROUP_SEPARATORS and 0 < i < len(header) - 1:
            yield i + 1, header[i + 1 :]


@dataclass(frozen=True)
class _Role:
    """What a header of an export names: a visit's field, a question, a question's gate, one
    option of a question, or the form's own metadata."""

    kind: Literal["visit", "question", "gate", "option", "meta"]
    target: str
    choice: str | None = None


@dataclass
class _Targets:
    """What the headers of an export may name, by name and by normalised label."""

    names: dict[str, _Role] = field(default_factory=dict)
    labels: dict[str, _Role | None] = field(default_factory=dict)
    questions: dict[str, ChecklistIndicator] = field(default_factory=dict)
    groups: set[str] = field(default_factory=set)

    def add_label(self, text: str, role: _Role) -> None:
        key = word(text)
        if not key:
            return
        old = self.labels.get(key, role)
        # A label shared by two targets names neither.
        self.labels[key] = role if old == role else None

    def is_group_path(self, prefix: str) -> bool:
        """Whether ``prefix`` is a path of known groups joined by ``/`` or ``-``."""
        if word(prefix) in self.groups:
            return True
        return any(
            prefix[i] in GROUP_SEPARATORS
            and word(prefix[i + 1 :]) in self.groups
            and self.is_group_path(prefix[:i])
            for i in range(1, len(prefix) - 1)
        )

    def lookup(self, header: str) -> _Role | None:
        """What a header names, by name or label, after a path of known groups."""
        for i, rest in _suffixes(header):
            if i and not self.is_group_path(header[: i - 1]):
                continue
            role = self.names.get(rest)
            if role is None:
                role = self.labels.get(word(rest))
            if role is not None:
                return role
        return None


def _targets(rubric: Rubric) -> _Targets:
    t = _Targets()
    langs = set(rubric.languages)
    for name in SITE_COLUMNS:
        t.names[name] = _Role("visit", name)
        for text in VISIT_LABELS.get(name, {}).values():
            t.add_label(text, _Role("visit", name))
    for name in TRACE_FIELDS:
        t.names[name] = _Role("meta", name)
    # The form's device metadata, location and photo: kept by the tools, never scored.
    for name in FORM_EXTRA_FIELDS:
        t.names[name] = _Role("meta", name)
        for text in VISIT_LABELS.get(name, {}).values():
            t.add_label(text, _Role("meta", name))
    t.groups.update({"visit", "meta"})
    for fam, _qs in checklist_families(rubric):
        t.groups.update(
            {word(field_name(fam.id)), word(fam.id), *(word(v) for v in fam.labels.values())}
        )
    for q in checklist_questions(rubric):
        t.questions[q.id] = q
        role = _Role("question", q.id)
        t.names[field_name(q.id)] = role
        t.names.setdefault(q.id, role)
        for text in q.question.values():
            t.add_label(text, role)
        if has_gate(q):
            gate = _Role("gate", q.id)
            t.names[gate_name(q)] = gate
            for lang in langs | set(q.question) | set(GATE_LABEL):
                t.add_label(gate_label(q, lang), gate)
    return t


def _choice_of(q: ChecklistIndicator, text: str) -> str | None:
    """The choice name a cell or an expanded column's suffix stands for (name or label)."""
    return _label_map(q).get(word(text))


def _classify(header: str, t: _Targets) -> _Role | None:
    h = header.strip()
    if h in METADATA or h.startswith(METADATA_GROUPS):
        return _Role("meta", h)
    role = t.lookup(h)
    if role is not None:
        return role
    part = NOT_SCORED_PARTS.match(h)
    if part is not None:
        role = t.lookup(part["base"])
        if role is not None and role.kind == "meta" and role.target in FORM_EXTRA_FIELDS:
            return role
    for sep in "/.":
        if sep not in h:
            continue
        base, choice = h.rsplit(sep, 1)
        role = t.lookup(base)
        if role is not None and role.kind == "question":
            q = t.questions[role.target]
            if q.answer_type == "select_multiple":
                name = _choice_of(q, choice)
                if name is not None:
                    return _Role("option", q.id, name)
    return None


def _misspelt(header: str, t: _Targets, named: Collection[str]) -> str | None:
    """The question a header that names nothing most likely means (``practica.secrecy``, or
    ``practice/practica.secrecy`` after its group path), else None. Only a last part without a
    separator is compared: a choice column of a choice the form lacks is no misspelling, nor
    is a question's own column with more after it (``..._other``, ``practice.x.other``) or a
    column beside the question's own (``named``: the questions the export has columns of)."""
    for _, rest in _suffixes(header):
        if "/" in rest or "-" in rest:
            continue
        close = difflib.get_close_matches(rest, sorted(t.questions), n=1, cutoff=0.8)
        if close:
            meant = close[0]
            if meant in named or rest.casefold().startswith(meant.casefold()):
                return None
            return meant
    return None


@dataclass(frozen=True)
class NormalisedExport:
    """An export mapped to the plain site layout, before row validation.

    ``frame`` holds the plain columns and :data:`~ovm.data.tables.ROW`; ``problems`` the rows
    that cannot be used whatever their answers (a repeated submission id), by row number;
    ``refused`` the cells of answers that cannot be read (a bad 0/1 flag or yes/na gate, an
    answer beside a gate saying the question does not apply), by row number: their questions
    are left unanswered in ``frame`` and the visit keeps its other answers. ``columns``: the
    export's column number of each plain column.
    """

    frame: pl.DataFrame | None
    issues: tuple[Issue, ...]
    problems: dict[int, tuple[Issue, ...]]
    excluded: int
    rows_read: int
    rows_kept: tuple[int, ...]
    columns: dict[str, int]
    unmatched: tuple[str, ...]
    refused: dict[int, tuple[Issue, ...]] = field(default_factory=dict)


def map_export(
    df: pl.DataFrame,
    rubric: Rubric,
    layout: str,
    file: str,
    mission_names: Mapping[str, Mapping[str, str] | str] | None = None,
    places: Mapping[str, Sequence[PlannedPlace]] | None = None,
) -> NormalisedExport:
    """Map an export read by :func:`ovm.data.tables.read_table` to the plain site layout.

    ``mission_names`` (mission id -> name, or names by language) reads a mission cell that
    holds the mission's label, as an export with labels writes the choices of ``ovm form
    --missions``; ``places`` (the planned places by mission) reads the country, city and
    place the form's cascading lists stored, by name or label. Every problem is an issue
    with the export's own row and column numbers.
    """
    del layout  # both tools' conventions are recognised whichever was declared
    t = _targets(rubric)
    cols = [c for c in df.columns if c != ROW]
    account = Account(file, "checklist", cols)
    colno = account.numbers
    issues: list[Issue] = []
    roles: dict[str, _Role] = {}
    taken: dict[_Role, str] = {}
    unmatched: list[str] = []
    if len(cols) == 1 and ";" in cols[0]:
        issues.append(
            Issue(
                file,
                1,
                1,
                "wrong-separator",
                "the header looks separated by ';': export the CSV with ',' or export XLSX",
                (),
                "error",
                "data",
                params={"variant": "export"},
            )
        )
        cols = []
    misspelt: list[Issue] = []
    # Questions a refused header is said to mean: no other header is said to give them.
    meant: set[str] = set()
    # An unnamed column is refused by the table reader: it stays unread, numbered.
    cols = [c for c in cols if not unnamed(c)]
    classified = {c: _classify(c, t) for c in cols}
    named = {r.target for r in classified.values() if r is not None and r.kind == "question"}
    for c in cols:
        role = classified[c]
        if role is None:
            unmatched.append(c)
            near = _misspelt(c, t, named)
            if near is not None:
                meant.add(near)
                # Read on without it, every visit would lose that answer: its header is
                # refused as a cell, which stops the run as any refused cell does.
                misspelt.append(
                    account.at(
                        1,
                        c,
                        "unknown-column",
                        f"column {c!r} matches no checklist question; did you mean {near!r}? "
                        "Correct the header: read without it, every row loses that column",
                        params={"variant": "checklist_near", "name": c, "near": near},
                    )
                )
                continue
            issues.append(
                account.at(
                    1,
                    c,
                    "unknown-column",
                    f"column {c!r} matches no checklist question; ignored",
                    "warning",
                    {"variant": "checklist", "name": c},
                )
            )
            continue
        if role.kind != "meta" and role in taken:
            issues.append(
                account.at(
                    1,
                    c,
                    "duplicate-column",
                    f"column {c!r} names the same answer as {taken[role]!r}; ignored",
                    "warning",
                    {"variant": "answer", "name": c, "first": taken[role]},
                )
            )
            continue
        taken[role] = c
        roles[c] = role
    issues = probably_meant(
        issues, [q for q in t.questions.values() if q.id not in named and q.id not in meant]
    )

    # Rows the export itself marks rejected leave before anything else is checked.
    review = [c for c in cols if c.strip() in REVIEW_COLUMNS]
    work = df
    if review:
        work = work.filter(
            ~pl.any_horizontal(
                pl.col(c)
                .str.strip_chars()
                .str.to_lowercase()
                .is_in(sorted(REJECTED_STATES))
                .fill_null(False)
                for c in review
            )
        )
    excluded = df.height - work.height
    kept = tuple(int(r) for r in work[ROW])
    if excluded:
        # Each row left out is named, with the status that left it out: a data desk
        # reconciling with the server finds them here, not by hand.
        out = df.filter(~pl.col(ROW).is_in(kept)) if kept else df
        # The submission's id, which the server knows it by, where the export has one.
        ident = next((c for name in ID_COLUMNS for c in cols if c.strip() == name), None)
        ids = (
            out[ident].cast(pl.String).str.strip_chars()
            if ident is not None
            else pl.Series([None] * out.height, dtype=pl.String)
        )
        listed: set[int] = set()
        for c in review:
            states = out[c].cast(pl.String).str.strip_chars()
            for row, state, sid in zip(out[ROW], states, ids, strict=True):
                if state is None or state.lower() not in REJECTED_STATES or row in listed:
                    continue
                listed.add(row)
                which = f" (submission {sid})" if sid else ""
                # Said as the export says it: "rejected" is no "not approved or rejected".
                rejected = state.lower() == "rejected"
                issues.append(
                    account.at(
                        int(row),
                        c,
                        "excluded-row",
                        f"row excluded{which}: its review status {c} is {state!r} "
                        f"(marked {'rejected' if rejected else 'not approved'} in the export)",
                        "warning",
                        {
                            "variant": ("id" if sid else "row") + ("_rejected" if rejected else ""),
                            "column": c,
                            "state": state,
                            "id": sid or "",
                        },
                    )
                )

    for c in review:
        # A state the export writes that ovm does not know (a label in another language, a
        # new status) may well mean "not approved": its rows are scored, and said so once.
        state = pl.col(c).cast(pl.String).str.strip_chars()
        odd = (
            work.select(state.alias("state"), pl.col(ROW))
            .filter(
                (pl.col("state") != "")
                & ~pl.col("state").str.to_lowercase().is_in(sorted(KEPT_STATES | REJECTED_STATES))
            )
            .group_by("state")
            .agg(pl.col(ROW).min().alias("first"), pl.len().alias("n"))
            .sort("first")
        )
        for name, first, n in odd.iter_rows():
            issues.append(
                account.at(
                    int(first),
                    c,
                    "unknown-review-status",
                    f"review status {c} is {name!r} on {n} row{'' if n == 1 else 's'}, this the "
                    "first: ovm knows no such state and scores them as approved; approve or "
                    "reject them on the server, or export the status codes",
                    "warning",
                    {"column": c, "state": name, "n": int(n)},
                )
            )

    problems: dict[int, list[Issue]] = {}

    def problem(row: int, col: str | None, code: str, message: str, **params: Any) -> None:
        problems.setdefault(row, []).append(account.at(row, col, code, message, params=params))

    refused: dict[int, list[Issue]] = {1: misspelt} if misspelt else {}
    unanswered: dict[str, set[int]] = {}

    def refuse(question: str, row: int, col: str, code: str, message: str, **params: Any) -> None:
        refused.setdefault(row, []).append(account.at(row, col, code, message, params=params))
        unanswered.setdefault(question, set()).add(row)

    _check_duplicates(work, cols, problem)
    issues.extend(_check_trace(work, rubric, roles, file, colno))

    by_target: dict[str, dict[str, str]] = {}
    for c, role in roles.items():
        if role.kind == "option":
            by_target.setdefault(role.target, {})[role.choice or ""] = c
    mission_col = next((c for c, r in roles.items() if r == _Role("visit", "mission")), None)
    if mission_col is None:
        issues.extend(account.require([MISSION_COLUMN], ()))
        return NormalisedExport(
            None, tuple(issues), _freeze(problems), excluded, df.height, kept, {}, tuple(unmatched)
        )

    exprs: list[pl.Expr] = [pl.col(ROW)]
    out_cols: dict[str, int] = {}
    for c, role in roles.items():
        if role.kind == "visit":
            value = pl.col(c)
            if role.target == "mission" and mission_names:
                value = _mission_ids(work, c, mission_names)
            elif role.target in ("site_country", "site_city", "site") and places:
                value = _place_values(work, c, role.target, places, rubric.languages)
            exprs.append(value.alias(role.target))
            out_cols[role.target] = colno[c]
    for q in checklist_questions(rubric):
        single = taken.get(_Role("question", q.id))
        gate = taken.get(_Role("gate", q.id))
        options = by_target.get(q.id, {})
        if single is not None:
            exprs.append(_answer(work, q, single, gate).alias(q.id))
            out_cols[q.id] = colno[single]
            if gate is not None:
                _check_gate(work, q, single, gate, refuse)
            if options and q.answer_type == "select_multiple":
                _check_combined(work, q, single, options, refuse)
        elif options:
            combined = _combine(work, q, options)
            if gate is not None:
                # The choices are not asked where the gate says the list does not apply.
                _check_gate(work, q, None, gate, refuse)
                _check_chosen(work, q, options, gate, refuse)
                combined = (
                    pl.when(_gate(work, q, gate) == NA_CHOICE)
                    .then(pl.lit(NA_CHOICE))
                    .otherwise(combined)
                )
            exprs.append(combined.alias(q.id))
            out_cols[q.id] = colno[next(iter(options.values()))]
            _check_flags(work, q, options, refuse)
        elif gate is not None:
            exprs.append(_answer(work, q, None, gate).alias(q.id))
            out_cols[q.id] = colno[gate]
            _check_gate(work, q, None, gate, refuse)
    frame = work.select(exprs)
    if unanswered:
        # An answer that cannot be read is that question's non-response, as a blank is.
        frame = frame.with_columns(
            pl.when(pl.col(ROW).is_in(sorted(rows)))
            .then(pl.lit(None, pl.String))
            .otherwise(pl.col(qid))
            .alias(qid)
            for qid, rows in unanswered.items()
        )
    return NormalisedExport(
        frame,
        tuple(issues),
        _freeze(problems),
        excluded,
        df.height,
        kept,
        out_cols,
        tuple(unmatched),
        _freeze(refused),
    )


def _freeze(problems: dict[int, list[Issue]]) -> dict[int, tuple[Issue, ...]]:
    return {
        row: tuple(sorted(v, key=lambda i: (i.column or 0, i.code)))
        for row, v in sorted(problems.items())
    }


def _label_map(q: ChecklistIndicator) -> dict[str, str]:
    # Names first: a label never hides another choice's name.
    named = [(c.name, tuple(c.label.values())) for c in q.all_choices()]
    if q.not_applicable:
        named.append((NA_CHOICE, tuple(NA_LABEL.values())))
    out = {word(name): name for name, _ in named}
    for name, labels in named:
        for text in labels:
            out.setdefault(word(text), name)
    return out


def _mission_ids(
    work: pl.DataFrame, column: str, names: Mapping[str, Mapping[str, str] | str]
) -> pl.Expr:
    """The mission column with each mission's name (in any language) turned into its id."""
    by_label: dict[str, str | None] = {}
    for mid, name in names.items():
        for text in [name] if isinstance(name, str) else name.values():
            # A name two missions share names neither: the cell stays and is refused.
            key = word(text)
            by_label[key] = mid if by_label.get(key, mid) == mid else None
    ids = set(names)
    named = {
        c: by_label[word(c)]
        for c in work.get_column(column).unique().to_list()
        if c is not None and c not in ids and by_label.get(word(c))
    }
    return pl.col(column).replace(named)


def _place_values(
    work: pl.DataFrame,
    column: str,
    target: str,
    places: Mapping[str, Sequence[PlannedPlace]],
    languages: Sequence[str],
) -> pl.Expr:
    """A country, city or place column with the names (or labels) the form's lists store
    turned into what they stand for: ISO code, city as planned (blank for none), place id."""
    plan = place_choices(places, sorted({*languages, *NO_CITY_LABEL}))
    by_name = plan.values(target)
    by_label: dict[str, str | None] = {}
    ambiguous: set[str] = set()
    for text, values in plan.labels(target).items():
        key = word(text)
        if len(values) > 1 or (key in by_label and by_label[key] != values[0]):
            ambiguous.add(key)
        by_label[key] = values[0]
    mapped: dict[str, str | None] = {}
    for cell in work.get_column(column).unique().to_list():
        if cell is None:
            continue
        if cell in by_name:
            mapped[cell] = by_name[cell]
        elif word(cell) in by_label and word(cell) not in ambiguous:
            mapped[cell] = by_label[word(cell)]
    changed = {k: v for k, v in mapped.items() if v != k}
    if not changed:
        return pl.col(column)
    return pl.col(column).replace(changed)


def _segment(text: str, mapping: Mapping[str, str]) -> str | None:
    """A select_multiple cell of names or labels (labels may hold blanks) as blank-separated
    names; None when it cannot be cut into known names or labels."""
    tokens = word(text).split(" ")
    # best[i]: the names of tokens[:i], cut at the fewest pieces (labels before their words).
    best: list[list[str] | None] = [[]] + [None] * len(tokens)
    for i in range(1, len(tokens) + 1):
        for j in range(i):
            head = best[j]
            name = mapping.get(" ".join(tokens[j:i]))
            if head is not None and name is not None:
                cut = [*head, name]
                if best[i] is None or len(cut) < len(best[i] or ()):
                    best[i] = cut
    found = best[-1]
    return " ".join(found) if found else None


def _answer(
    work: pl.DataFrame, q: ChecklistIndicator, single: str | None, gate: str | None
) -> pl.Expr:
    """An answer column with the form's choice labels (any language) turned into names."""
    value = pl.col(single) if single is not None else pl.lit(None, pl.String)
    if single is not None and not q.numeric:
        mapping = _label_map(q)
        cells = [c for c in work.get_column(single).unique().to_list() if c is not None]
        if q.answer_type == "select_multiple":
            cut = {c: _segment(c, mapping) for c in cells}
            named = {c: n for c, n in cut.items() if n is not None and n != c}
        else:
            named = {c: mapping[word(c)] for c in cells if word(c) in mapping}
        value = value.replace(named)
    if gate is None:
        return value
    return pl.when(_gate(work, q, gate) == NA_CHOICE).then(pl.lit(NA_CHOICE)).otherwise(value)


@dataclass(frozen=True)
class _GateParser:
    """The yes/na question before a numeric one: it applies (yes), or it does not (na)."""

    name: str

    def __call__(self, text: str) -> Reading:
        w = word(text)
        if w in _APPLIES or yes_no(text) is True:
            return Reading("value", "yes")
        if w in _NOT_APPLICABLE:
            return NOT_APPLICABLE
        return refused(
            "invalid-answer", f"{text!r} is not an allowed answer for {self.name} (yes, na)"
        )


_APPLIES = frozenset(word(v) for v in APPLIES_LABEL.values())
_NOT_APPLICABLE = frozenset({NA_CHOICE, *(word(v) for v in NA_LABEL.values())})


def _gate_column(q: ChecklistIndicator, header: str) -> Column:
    return Column(header, _GateParser(gate_name(q)), f"whether {q.id} applies")


def _gate_code(r: Reading) -> str | None:
    return {"invalid": "?", "missing": None, "not_applicable": NA_CHOICE}.get(r.status, "yes")


def _gate(work: pl.DataFrame, q: ChecklistIndicator, gate: str) -> pl.Expr:
    """``yes``, ``na``, null (not answered) or ``?`` (not an answer) for each gate cell."""
    by_cell = codes(_gate_column(q, gate), work.get_column(gate).unique().to_list(), _gate_code)
    return pl.col(gate).replace_strict(by_cell, default=None, return_dtype=pl.String)


def _flags(work: pl.DataFrame, column: str) -> pl.Expr:
    """1 (chosen), 0 (not chosen), null (blank) or INVALID_CODE for each cell of a 1/0 column."""
    spec = Column(column, Flag(column), words=False)

    def code(r: Reading) -> int | None:
        if r.status == "invalid":
            return INVALID_CODE
        return None if r.value is None else int(bool(r.value))

    by_cell = codes(spec, work.get_column(column).unique().to_list(), code)
    return pl.col(column).replace_strict(by_cell, default=None, return_dtype=pl.Int8)


def _combine(work: pl.DataFrame, q: ChecklistIndicator, options: dict[str, str]) -> pl.Expr:
    order = [c.name for c in q.all_choices()] + ([NA_CHOICE] if q.not_applicable else [])
    picked = [
        pl.when(_flags(work, options[name]) == 1)
        .then(pl.lit(name))
        .otherwise(pl.lit(None, pl.String))
        for name in order
        if name in options
    ]
    joined = pl.concat_str(picked, separator=" ", ignore_nulls=True)
    return pl.when(joined == "").then(pl.lit(None, pl.String)).otherwise(joined)


def _check_flags(
    work: pl.DataFrame, q: ChecklistIndicator, options: dict[str, str], refuse: _RefuseSink
) -> None:
    """Refuse each choice's 0/1 cell that is neither: the question's answer is unknown."""
    for c in options.values():
        bad = work.filter(_flags(work, c) == INVALID_CODE)
        for row, cell in bad.select(ROW, c).iter_rows():
            r = Column(c, Flag(c), words=False).read(cell)
            refuse(q.id, int(row), c, r.code, r.message)


def _check_gate(
    work: pl.DataFrame, q: ChecklistIndicator, single: str | None, gate: str, refuse: _RefuseSink
) -> None:
    """Refuse a yes/na cell that is neither, and an answer its gate says does not apply: the
    question's answer is unknown."""
    g = _gate(work, q, gate)
    bad = work.filter(g == "?")
    for row, cell in bad.select(ROW, gate).iter_rows():
        r = _gate_column(q, gate).read(cell)
        refuse(q.id, int(row), gate, r.code, r.message, **r.params)
    if single is not None:
        both = work.filter((g == NA_CHOICE) & pl.col(single).is_not_null())
        for row, cell in both.select(ROW, single).iter_rows():
            refuse(
                q.id,
                int(row),
                single,
                "conflicting-answers",
                f"{q.id} is marked not applicable but has the answer {cell!r}",
                name=q.id,
                text=str(cell),
            )


def _check_combined(
    work: pl.DataFrame,
    q: ChecklistIndicator,
    single: str,
    options: dict[str, str],
    refuse: _RefuseSink,
) -> None:
    """Refuse a select_multiple answer whose combined column and 1/0 choice columns (Kobo
    writes both) disagree, at the combined cell: which of the two was edited last cannot be
    told, so the question's answer is unknown. Choices without a column of their own, and
    choice columns left blank or unreadable (refused by :func:`_check_flags`), say nothing."""
    mapping = _label_map(q)
    names: dict[str, frozenset[str] | None] = {}
    for cell in work.get_column(single).unique().to_list():
        if cell is not None:
            cut = _segment(cell, mapping)
            names[cell] = None if cut is None else frozenset(cut.split(" "))
    flags = work.select(ROW, single, *(_flags(work, c).alias(f"\0{n}") for n, c in options.items()))
    for rec in flags.iter_rows():
        row, cell, ticks = rec[0], rec[1], rec[2:]
        if any(t is None or t == INVALID_CODE for t in ticks):
            continue
        ticked = frozenset(n for n, t in zip(options, ticks, strict=True) if t == 1)
        given = frozenset() if cell is None else names.get(cell)
        if given is None or given & options.keys() == ticked:
            continue
        text = " ".join(n for n in options if n in ticked)
        refuse(
            q.id,
            int(row),
            single,
            "conflicting-answers",
            f"{q.id} is {(cell or '')!r} in {single!r} but {text!r} in its choice columns",
            variant="columns",
            name=q.id,
            text=cell or "",
            column=single,
            chosen=text,
        )


def _check_chosen(
    work: pl.DataFrame,
    q: ChecklistIndicator,
    options: dict[str, str],
    gate: str,
    refuse: _RefuseSink,
) -> None:
    """Refuse the choices ticked where the gate says the list does not apply, at the first
    one's cell: the question's answer is unknown."""
    chosen = [(name, c) for name, c in options.items() if name != NA_CHOICE]
    if not chosen:
        return
    ticked = work.filter(
        (_gate(work, q, gate) == NA_CHOICE)
        & pl.any_horizontal(_flags(work, c) == 1 for _, c in chosen)
    )
    flags = ticked.select(ROW, *(_flags(ticked, c).alias(name) for name, c in chosen))
    for rec in flags.iter_rows(named=True):
        names = [name for name, _ in chosen if rec[name] == 1]
        text = " ".join(names)
        refuse(
            q.id,
            int(rec[ROW]),
            options[names[0]],
            "conflicting-answers",
            f"{q.id} is marked not applicable but has the answer {text!r}",
            name=q.id,
            text=text,
        )


def _id_column(cols: Sequence[str]) -> str | None:
    """The header of an export's submission ids, among its ``cols``."""
    stripped = {c.strip(): c for c in cols}
    return next((stripped[c] for c in ID_COLUMNS if c in stripped), None)


def submission_ids(df: pl.DataFrame) -> tuple[pl.DataFrame, int] | None:
    """An export's submission id of each row that has one (columns ``_row`` and ``id``), and
    the id column's number; None for a table with no id column. Read as
    :func:`_check_duplicates` reads them, so that ids are told apart the same way within
    one file and across files."""
    cols = [c for c in df.columns if c != ROW]
    id_col = _id_column(cols)
    if id_col is None:
        return None
    ids = df.select(ROW, pl.col(id_col).cast(pl.String).str.strip_chars().alias("id"))
    return ids.filter(pl.col("id").is_not_null()), cols.index(id_col) + 1


def _check_duplicates(work: pl.DataFrame, cols: list[str], problem: _ProblemSink) -> None:
    id_col = _id_column(cols)
    if id_col is None or work.height == 0:
        return
    ids = work.select(ROW, pl.col(id_col).str.strip_chars().alias("__id"))
    ids = ids.filter(pl.col("__id").is_not_null())
    first = ids.group_by("__id").agg(pl.col(ROW).min().alias("__first"))
    dup = ids.join(first, on="__id").filter(pl.col(ROW) != pl.col("__first")).sort(ROW)
    for row, sid, first_row in dup.iter_rows():
        problem(
            int(row),
            id_col,
            "duplicate-submission",
            f"submission {sid!r} was already read at row {first_row}; the first is kept",
            submission=str(sid),
            first=int(first_row),
        )


def _check_trace(
    work: pl.DataFrame, rubric: Rubric, roles: dict[str, _Role], file: str, colno: dict[str, int]
) -> list[Issue]:
    expected = dict(zip(TRACE_FIELDS, (rubric.id, rubric.version, rubric.digest()), strict=True))
    out = []
    for c, role in roles.items():
        if role.kind != "meta" or role.target not in expected or work.height == 0:
            continue
        want = expected[role.target]
        other = work.filter(pl.col(c).is_not_null() & (pl.col(c) != want))
        if other.height:
            row, got = other.select(ROW, c).row(0)
            what = "methodology" if role.target == "ovm_rubric_sha256" else role.target
            out.append(
                Issue(
                    file,
                    int(row),
                    colno[c],
                    "rubric-mismatch",
                    f"collected with {what} {str(got)[:16]!r}, scored with "
                    f"{want[:16]!r} ({other.height} row{'s' if other.height > 1 else ''})",
                    (),
                    "warning",
                    "data",
                    params={
                        "variant": "methodology" if what == "methodology" else "field",
                        "field": what,
                        "got": str(got)[:16],
                        "want": want[:16],
                        "n": other.height,
                    },
                )
            )
    return out


def normalise_export(
    df: pl.DataFrame,
    rubric: Rubric,
    layout: str,
    file: str,
) -> tuple[pl.DataFrame | None, list[Issue], int]:
    """An export as plain site rows (keeping ``_row``), its issues, and the rows it excluded.

    Rows that cannot be used whatever their answers (a repeated submission id) are dropped
    and reported as row-located errors; an answer that cannot be read (a bad 0/1 flag) is
    an error at its cell, and its question is left unanswered in a row that stays.
    :func:`validate_export` instead reports them as rejected rows and refused cells, so the
    file's account of rows stays exact.
    """
    n = map_export(df, rubric, layout, file)
    found = sorted({**n.refused, **n.problems})
    issues = list(n.issues) + [
        i
        for row in found
        for i in sorted(
            (*n.problems.get(row, ()), *n.refused.get(row, ())),
            key=lambda i: (i.column or 0, i.code),
        )
    ]
    if n.frame is None:
        return None, issues, n.excluded
    frame = n.frame.filter(~pl.col(ROW).is_in(list(n.problems)))
    return frame, issues, n.excluded


def _relocate(issue: Issue, remap: dict[int, int]) -> Issue:
    if issue.column is None:
        return issue
    return dataclasses.replace(issue, column=remap.get(issue.column))


def validate_export(
    df: pl.DataFrame,
    rubric: Rubric,
    missions: set[str],
    file: str,
    layout: str,
    *,
    simulated: bool = False,
    kind: str = "checklist",
    mission_names: Mapping[str, Mapping[str, str] | str] | None = None,
    places: Mapping[str, Sequence[PlannedPlace]] | None = None,
) -> SiteLoad:
    """Map, validate and code an export's rows, accounting for every row of the file.

    ``rows_read`` counts every data row of the export, so that
    ``rows_read == rows_used + rows_rejected + rows_excluded``; issues and rejected rows are
    located at the export's own row and column numbers.
    """
    n = map_export(df, rubric, layout, file, mission_names, places)
    account = Account(file, kind, ())
    if n.frame is None:
        for r in n.rows_kept:
            account.reject(
                r,
                None,
                (
                    *n.problems.get(r, ()),
                    account.at(r, None, "missing-mission", "no mission column"),
                ),
            )
        report = account.report(
            n.rows_read, excluded=n.excluded, simulated=simulated, unmatched=n.unmatched
        )
        return SiteLoad(pl.DataFrame(), report, tuple(account.rejected), n.issues)
    load = validate_sites(
        n.frame, rubric, missions, file, simulated=simulated, excluded=n.excluded, kind=kind
    )
    plain = [c for c in n.frame.columns if c != ROW]
    remap = {j: n.columns[c] for j, c in enumerate(plain, start=1) if c in n.columns}
    # The answers refused while mapping and while validating, by row: a rejected row says
    # them among its reasons, a used one keeps them as its refused cells.
    cells: dict[int, list[Issue]] = {r: list(v) for r, v in n.refused.items()}
    for i in load.report.rejected_cells:
        cells.setdefault(i.line or 0, []).append(_relocate(i, remap))
    merged: dict[int, RejectedRow] = {}
    for rej in load.rejected:
        reasons = [
            *n.problems.get(rej.row, ()),
            *n.refused.get(rej.row, ()),
            *(_relocate(i, remap) for i in rej.reasons),
        ]
        merged[rej.row] = RejectedRow(rej.file, rej.row, rej.mission, tuple(reasons))
    rows, visits = load.rows, load.rejected_visits
    extra = [r for r in n.problems if r not in merged]
    if extra:
        missions_of = dict(
            n.frame.filter(pl.col(ROW).is_in(extra)).select(ROW, "mission").iter_rows()
        )
        for r in extra:
            reasons = [*n.problems[r], *cells.get(r, ())]
            merged[r] = RejectedRow(file, r, missions_of.get(r), tuple(reasons))
        if rows.height:
            gone = rows.filter(pl.col(ROW).is_in(extra))
            rows = rows.filter(~pl.col(ROW).is_in(extra))
            # Rows this step rejects are checked for plausibility as the others rejected.
            lost = gone.select(*VISIT_COLUMNS, FILE, ROW)
            visits = lost if visits is None else pl.concat([visits, lost], how="vertical_relaxed")
    for r in sorted(merged):
        account.reject(r, merged[r].mission, merged[r].reasons)
    for r in sorted(cells):
        if r not in merged:
            account.refuse_cells(cells[r])
    # A row the export step rejects (a submission already read, above all) is no visit: saying
    # it repeats an earlier row and counts as a visit would contradict its rejection.
    issues = (
        *n.issues,
        *(
            _relocate(i, remap)
            for i in load.issues
            if not (i.code == "duplicate-row" and i.line in n.problems)
        ),
    )
    report = account.report(
        n.rows_read, excluded=n.excluded, simulated=simulated, unmatched=n.unmatched
    )
    if report.rows_used != rows.height:
        raise AssertionError(f"{file}: {rows.height} rows kept, {report.rows_used} accounted")
    return SiteLoad(rows, report, tuple(account.rejected), issues, dict(n.columns), visits)


def load_export(
    path: str | Path,
    rubric: Rubric,
    missions: Iterable[str] | Iterable[Mission] | Mapping[str, Mapping[str, str] | str],
    *,
    layout: str = "kobo",
    sheet: str | None = None,
    simulated: bool = False,
    places: Mapping[str, Sequence[PlannedPlace]] | None = None,
) -> SiteLoad:
    """Read a KoboToolbox or ODK Central export (CSV or XLSX) into validated site rows.

    ``missions`` are the known ids, their names by id, or the workspace's missions
    (``Observations.missions``): with names, an export giving a mission's label (as a form
    shows it) is read too. ``places``, the planned places by mission, read the form's place
    lists. Raises TypeError for missions given as anything else.
    """
    missions = _known_missions(missions)
    p = Path(path)
    df, issues, name = read_named_table(p, sheet=sheet, export=True)
    if df is None:
        return SiteLoad(pl.DataFrame(), FileReport(name, "checklist", 0, 0, 0), (), tuple(issues))
    names = missions if isinstance(missions, Mapping) else None
    load = validate_export(
        df,
        rubric,
        set(missions),
        name,
        layout,
        simulated=simulated,
        mission_names=names,
        places=places,
    )
    if issues:
        return dataclasses.replace(load, issues=(*issues, *load.issues))
    return load


def _known_missions(
    missions: Iterable[Any],
) -> Iterable[str] | Mapping[str, Mapping[str, str] | str]:
    """``load_export``'s missions as ids or names by id; the workspace's mission objects as
    their names by id."""
    if isinstance(missions, Mapping):
        return missions
    given = list(missions)
    if all(isinstance(m, str) for m in given):
        return given
    if all(isinstance(getattr(m, "id", None), str) and hasattr(m, "name") for m in given):
        return {m.id: m.name for m in given}
    odd = next(m for m in given if not isinstance(m, str))
    raise TypeError(
        "missions are mission ids, their names by id, or the workspace's missions "
        f"(Observations.missions), not {type(odd).__name__}"
    )


def export_header(rubric: Rubric, *, separator: str = "/", expand: Sequence[str] = ()) -> list[str]:
    """The answer columns an export of the rubric's form has (no tool metadata), in form order.

    ``separator`` joins group and question names (``/`` for Kobo, ``-`` for ODK Central);
    select_multiple questions listed in ``expand`` get one ``question/choice`` column each.
    """
    out = list(VISIT_FIELDS)
    for fam, questions in checklist_families(rubric):
        g = field_name(fam.id)
        for q in questions:
            if has_gate(q):
                out.append(f"{g}{separator}{gate_name(q)}")
            base = f"{g}{separator}{field_name(q.id)}"
            if q.id in expand:
                names = [c.name for c in q.all_choices()] + (
                    [NA_CHOICE] if q.not_applicable and not has_gate(q) else []
                )
                out.extend(f"{base}/{c}" for c in names)
            else:
                out.append(base)
    out.append("notes")
    out.extend(TRACE_FIELDS)
    return out
