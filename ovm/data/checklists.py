"""Observer site rows: validated column by column, then coded for scoring."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from ovm.data.observations import SITE_COLUMNS, mission_cell_issues
from ovm.data.reader import (
    CONTROL_CHARACTERS,
    CONTROL_LIST,
    MISSING_WORDS,
    NA_WORDS,
    NO_WORDS,
    PARTIAL_WORDS,
    YES_WORDS,
    Account,
    Choices,
    Column,
    FileReport,
    Flag,
    NumberRule,
    PlainText,
    Reading,
    RejectedRow,
    RejectedRows,
    Text,
    codes,
    number_expr,
)
from ovm.data.tables import ROW, distinct_texts, file_categories, unnamed
from ovm.errors import Issue
from ovm.indicators import ChecklistIndicator
from ovm.rubric.model import Rubric

FILE = "_file"
NA_CODE = -1
"""Code of a not-applicable answer in a coded column (1 accepted, 0 not, null missing)."""
INVALID_CODE = -2
"""Code of a cell that cannot be read, before its row is rejected."""
_FEW_CODES = 4
"""The most distinct texts with a code (not missing) that a column is coded from by comparing
category numbers; a column with more is coded from a table (:func:`_lookup`)."""
_FEW_TEXTS = 10_000
"""Most texts of a file's own categories coded for each column sharing them (answers have a
few); beyond, each column's distinct cells are found and coded alone."""

MISSION_COLUMN = Column(
    "mission", Text(), "the mission id of each visit", required=True, words=False
)
SIMULATED_COLUMN = Column(
    "simulated", Flag("simulated"), "whether the visit was simulated", words=False
)
TEXT_COLUMNS = ("site", "site_country", "site_city", "observer", "visited_at", "notes")
"""A visit's columns of free text: a control character refuses the cell (:class:`PlainText`)."""
ROW_CHECKS = frozenset({"simulated"})
"""Cells besides the mission whose refusal rejects the visit: whether it was simulated says
what every answer of it is. A refused answer loses that answer alone."""
VISIT_COLUMNS = ("mission", "site", "site_country", "site_city", "observer", "visited_at")
"""The cells saying which visit a row records, checked for plausibility in rejected rows too."""
_BLANK_SITE_ROWS = 5
"""The most rows a ``blank-site`` warning names: a mission's blank cells are one warning."""


@dataclass(frozen=True)
class SiteLoad:
    """Validated and coded site rows of one file, and the account of every row."""

    rows: pl.DataFrame
    report: FileReport
    rejected: Sequence[RejectedRow]
    issues: tuple[Issue, ...]
    columns: Mapping[str, int] = field(default_factory=dict)
    """The file's column number of each plain column, to locate findings about its rows."""
    rejected_visits: pl.DataFrame | None = None
    """The :data:`VISIT_COLUMNS` of the rejected rows (with the file and row number), so that
    the plausibility of their visit is said with their reasons, not once they are fixed."""


def checklist_questions(rubric: Rubric) -> list[ChecklistIndicator]:
    """Every checklist indicator, in tree order."""
    return [n for n in rubric.indicators() if isinstance(n, ChecklistIndicator)]


def question_column(q: ChecklistIndicator) -> Column:
    """The column of one checklist question: its answers, and not applicable where allowed."""
    parser: NumberRule | Choices
    if q.numeric:
        parser = NumberRule(
            q.id, whole=q.answer_type == "integer", minimum=q.minimum, maximum=q.maximum
        )
    else:
        parser = Choices(
            q.id,
            tuple(c.name for c in q.all_choices()),
            multiple=q.answer_type == "select_multiple",
            yes_no=q.answer_type == "yes_no",
        )
    return Column(q.id, parser, f"the answers to {q.id}", not_applicable=q.not_applicable)


def verbatim_columns(rubric: Rubric) -> set[str]:
    """Columns :func:`validate_sites` cleans itself, so a reader may leave them as written:
    answers to choice questions, read from their few distinct cells."""
    return {q.id for q in checklist_questions(rubric) if not q.numeric}


_ANSWER_WORDS = (
    *sorted(YES_WORDS),
    *sorted(NO_WORDS),
    *sorted(NA_WORDS),
    *sorted(MISSING_WORDS),
    *sorted(PARTIAL_WORDS),
)


def likely_answers(rubric: Rubric) -> dict[str, tuple[str, ...]]:
    """The texts a choice question's column most likely holds, whether or not the question
    takes them: its choices' names and the words for yes, no, not applicable, missing and
    partial, each as written and in lower, upper and title case (``Yes``, ``N/A``). A reader
    expecting them reads a large table faster (:func:`ovm.data.tables.read_named_table`)."""
    out = {}
    for q in checklist_questions(rubric):
        if q.numeric:
            continue
        words = (*(c.name for c in q.all_choices()), *_ANSWER_WORDS)
        out[q.id] = tuple(
            dict.fromkeys(v for w in words for v in (w, w.lower(), w.upper(), w.capitalize()))
        )
    return out


def _answer_code(q: ChecklistIndicator) -> Callable[[Reading], int | None]:
    """The code of a reading: 1 accepted, 0 not, NA_CODE, null missing, INVALID_CODE."""
    accept = {str(a).lower() for a in q.accept}

    def code(r: Reading) -> int | None:
        if r.status == "invalid":
            return INVALID_CODE
        if r.status == "missing":
            return None
        if r.status == "not_applicable":
            return NA_CODE
        return int(any(n.lower() in accept for n in str(r.value).split(" ")))

    return code


def _number_code(r: Reading) -> float | None:
    # NaN marks not applicable in a numeric column; a NaN answer never gets this far.
    if r.status == "not_applicable":
        return float("nan")
    return r.value if isinstance(r.value, float) else None


def _flag_code(r: Reading) -> int | None:
    if r.status == "invalid":
        return INVALID_CODE
    return None if r.value is None else int(bool(r.value))


NAMED_VISIT_COLUMNS = ("site", "site_country", "site_city", "observer", "visited_at")
"""The visit's columns a header may be meant for: a misnamed one is a finding, not a question."""
_VISIT_ALIASES = {
    "place": "site",
    "polling_place": "site",
    "polling_station": "site",
    "station": "site",
    "site_name": "site",
    "site_id": "site",
    "country": "site_country",
    "city": "site_city",
    "observer_name": "observer",
    "observer_id": "observer",
    "time": "visited_at",
    "date": "visited_at",
    "visit_time": "visited_at",
    "visit_date": "visited_at",
    "timestamp": "visited_at",
}
"""What a hand-made sheet often calls a visit's column (normalised as :func:`_visit_column_meant`
normalises a header)."""


def _visit_column_meant(account: Account, column: str, columns: Sequence[str]) -> bool:
    """Warn (``unknown-column``, naming the column meant) when a header matching no question
    is a visit's column the table lacks, misnamed (``site country``, ``polling_place``,
    ``visit_time``): without it the visits lose their place, country, city, observer or time,
    and the checks and the counting of places that read it. Whether it warned."""
    lacking = [c for c in NAMED_VISIT_COLUMNS if c not in columns]
    key = re.sub(r"[\s.\-]+", "_", column.strip().casefold())
    near = key if key in lacking else _VISIT_ALIASES.get(key)
    if near not in lacking:
        import difflib

        close = difflib.get_close_matches(key, lacking, n=1, cutoff=0.8)
        near = close[0] if close else None
    if near is None:
        return False
    account.warn(
        column,
        "unknown-column",
        f"column {column!r} matches no checklist question; did you mean {near!r}? Rename it: "
        "it is ignored",
        name=column,
        variant="checklist_visit",
        near=near,
    )
    return True


def _warn_without_site(account: Account, columns: Sequence[str]) -> None:
    """A ``missing-column`` warning for a checklist table without a ``site`` column: each of
    its visits is then a polling place of its own, so an indicator's ``min_answers`` and the
    bootstrap count visits. A warning, not an error: a table of one visit per place may
    leave the column out."""
    if "site" in columns:
        return
    account.warn(
        None,
        "missing-column",
        "no 'site' column: each visit is taken as a polling place of its own, so min_answers "
        "and the intervals count visits, not places",
        name="site",
        variant="site",
    )


def _blank_sites(work: pl.DataFrame, file: str, column: int | None) -> list[Issue]:
    """A ``blank-site`` warning for each mission whose used visits (``__ok``) leave the
    ``site`` cell blank in a table having the column: each such visit is taken as a polling
    place of its own, so an indicator's ``min_answers`` and the bootstrap count it as a
    place. One warning per mission, with the count and the first rows, however many."""
    if not work["site"].null_count():
        return []
    blank = (
        work.lazy()
        .filter(pl.col("__ok") & pl.col("site").is_null())
        .group_by("mission")
        .agg(pl.len().alias("n"), pl.col(ROW).sort().head(_BLANK_SITE_ROWS).alias("rows"))
        .collect()
        .sort(pl.col("rows").list.first())
    )
    out = []
    for rec in blank.iter_rows(named=True):
        count, rows = int(rec["n"]), [int(r) for r in rec["rows"]]
        listed = ", ".join(map(str, rows)) + (", …" if count > len(rows) else "")
        said = (
            f"{count} visit of mission {rec['mission']!r} has no site (row {listed}): it is"
            if count == 1
            else f"{count} visits of mission {rec['mission']!r} have no site (rows {listed}): "
            "each is"
        )
        out.append(
            Issue(
                file,
                rows[0],
                column,
                "blank-site",
                f"{said} counted as a polling place of its own, so min_answers and the "
                "intervals count visits, not places",
                (),
                "warning",
                "data",
                params={"n": count, "mission": rec["mission"], "rows": listed},
            )
        )
    return out


def _repeated_rows(work: pl.DataFrame, content: list[str], file: str) -> list[Issue]:
    """A warning for each used row (``__ok``) that repeats an earlier one cell for cell, site,
    observer or visit time included: most likely pasted twice, it would count as two
    visits."""
    ident = [c for c in ("site", "observer", "visited_at") if c in content]
    if work.height < 2 or not ident:
        return []
    # Rows repeating each other share their mission, site, observer and time: only rows whose
    # few such cells repeat are compared cell for cell, not every row of the table.
    keys = pl.struct("mission", *ident)
    if "site" in ident and work.select(pl.col("site").hash().n_unique()).item() == work.height:
        # Rows sharing their keys share their site: with every site hash distinct (a site
        # id per visit), hashing one column tells as much as hashing all the keys.
        return []
    if work.select(keys.hash().n_unique()).item() == work.height:
        # No two rows share their keys' hash, so none repeats another: hashing the cells and
        # counting distinct hashes costs a third of finding repeated keys among the texts.
        return []
    cand = work.filter(
        pl.col("__ok")
        & pl.any_horizontal(pl.col(c).is_not_null() for c in ident)
        & keys.is_duplicated()
    )
    if cand.height < 2:
        return []
    # The columns by place: a file's header such as ``*`` or ``^q.*$`` is a name, where
    # pl.col reads a pattern.
    cells = [pl.nth(cand.columns.index(c)) for c in content]
    later = cand.with_columns(pl.col(ROW).min().over(cells).alias("__first")).filter(
        pl.col(ROW) != pl.col("__first")
    )
    return [
        Issue(
            file,
            int(rec[ROW]),
            None,
            "duplicate-row",
            f"repeats row {rec['__first']} cell for cell (site, observer and time included); "
            "both count as visits",
            (),
            "warning",
            "data",
            params={"variant": "visit", "first": int(rec["__first"])},
        )
        for rec in later.sort(ROW).iter_rows(named=True)
    ]


def _lookup(column: str, distinct: pl.Series, by_cell: Mapping[str, int | None]) -> pl.Expr:
    """A categorical column coded by its distinct cells' codes (``by_cell``): each cell's
    category number is compared with those of the few texts that have a code, or indexes a
    table of codes, with no hashing of the cells."""
    numbers = distinct.to_physical().to_list()
    coded = [(n, by_cell[t]) for t, n in zip(distinct.to_list(), numbers, strict=True)]
    given = [(n, code) for n, code in coded if code is not None]
    if len(given) <= _FEW_CODES:
        # A few comparisons of each cell's category number cost less than gathering from a
        # table (yes, no and not applicable: a third less); a cell matching none is missing.
        physical = pl.col(column).to_physical()
        chain: Any = pl
        for n, code in given:
            chain = chain.when(physical == n).then(pl.lit(code, pl.Int8))
        return pl.lit(None, pl.Int8) if chain is pl else chain.otherwise(pl.lit(None, pl.Int8))
    size = max(numbers, default=-1) + 1
    if size > 4 * len(numbers) + 4096:
        # Category numbers are shared by every categorical column of the process: when they
        # run far beyond this column's few, a table indexed by them would be mostly empty.
        return (
            pl.col(column)
            .cast(pl.String)
            .replace_strict(dict(by_cell), default=None, return_dtype=pl.Int8)
        )
    table: list[int | None] = [None] * size
    for text, n in zip(distinct.to_list(), numbers, strict=True):
        table[n] = by_cell[text]
    return pl.lit(pl.Series(table, dtype=pl.Int8)).gather(pl.col(column).to_physical())


def validate_sites(
    df: pl.DataFrame,
    rubric: Rubric,
    missions: set[str],
    file: str,
    *,
    simulated: bool = False,
    excluded: int = 0,
    kind: str = "checklist",
) -> SiteLoad:
    """Validate raw text site rows and code the answers: a row of no known mission (or whose
    simulated flag cannot be read) is rejected with every reason, and an answer that cannot be
    read is refused at its cell and left unanswered in a visit that is used.

    Column-wise: a choice column is coded from its distinct cells, each read once; a number
    column is cast, and only the cells the cast cannot read (``1,234``, ``na``) are read one
    by one. Rejected rows get their reasons from the same :meth:`Column.read`.
    """
    questions = checklist_questions(rubric)
    qids = {q.id for q in questions}
    cols = [c for c in df.columns if c not in (ROW, FILE)]
    account = Account(file, kind, cols)
    df = account.adopt_miscased(df, "mission")
    cols = [c for c in df.columns if c not in (ROW, FILE)]
    missing = account.require([MISSION_COLUMN], cols)
    if missing:
        account.reject_every_row(df, "no mission column", variant="column")
        report = account.report(df.height, excluded=excluded, simulated=simulated)
        return SiteLoad(pl.DataFrame(), report, account.all_rejected(), tuple(missing))
    unmatched = [c for c in cols if c not in qids and c not in SITE_COLUMNS and not unnamed(c)]
    by_case = {k.casefold(): k for k in (*sorted(qids), *SITE_COLUMNS)}
    # Questions a refused header is said to mean: no other header is said to give them.
    meant: set[str] = set()
    for c in unmatched:
        near = by_case.get(c.casefold())
        if near is not None:
            account.refuse_miscased(c, near, "checklist question", "checklist_case")
            meant.add(near)
            continue
        # A misspelt question loses its answers at every visit: refused, naming what was
        # meant; a column near no question is only said to be there.
        import difflib

        close = difflib.get_close_matches(c, sorted(qids), n=1, cutoff=0.8)
        if close and account.misspelt(c, close[0], cols):
            account.refuse_misspelt(c, close[0], "checklist question", "checklist_near")
            meant.add(close[0])
            continue
        if not _visit_column_meant(account, c, cols):
            account.warn(
                c,
                "unknown-column",
                f"column {c!r} matches no checklist question; ignored",
                name=c,
                variant="checklist",
                near="",
            )
    lacking = [q for q in questions if q.id not in cols and q.id not in meant]
    if unmatched and lacking:
        account.issues[:] = probably_meant(account.issues, lacking)
    _warn_without_site(account, cols)
    have = set(df.columns)
    present = [q for q in questions if q.id in have]
    df = df.with_columns(pl.lit(None, pl.String).alias(c) for c in SITE_COLUMNS if c not in have)
    spec = {q.id: question_column(q) for q in present}
    choice = [q for q in present if not q.numeric]
    numeric = [q for q in present if q.numeric]
    # Choice columns as categories: each distinct text is kept once, and a column is coded by
    # looking its cells' category numbers up in a table made from its distinct texts.
    own = file_categories()
    # The schema is looked up once: each lookup builds it anew, over every column.
    schema = df.schema
    df = df.with_columns(
        pl.col(q.id).cast(own)
        for q in choice
        if not isinstance(schema[q.id], pl.Categorical | pl.Enum)
    )
    schema = df.schema
    # Columns of categories of their own or enumerations (as the table reader gives them)
    # need no pass over their cells: their categories are the texts they hold (and maybe
    # texts of the columns sharing them, or likely answers), whose codes are then made and
    # never looked up.
    texts = {q.id: distinct_texts(schema[q.id]) for q in choice}
    enumerated = [q.id for q in choice if isinstance(schema[q.id], pl.Enum)]
    if enumerated:
        # An enumeration lists the texts of a sample of its column first, then likely answers
        # most columns lack: those after the highest number a cell has are left out, so that
        # a column of yes, no and na is still coded by three comparisons (:func:`_lookup`).
        tops = df.select(pl.col(c).to_physical().max() for c in enumerated).row(0)
        for c, top in zip(enumerated, tops, strict=True):
            every = texts[c]
            if every is not None:
                texts[c] = every.head(0 if top is None else int(top) + 1)
    listed = {k: t for k, t in texts.items() if t is not None and t.len() <= _FEW_TEXTS}
    # One pass for every other column's distinct cells: for numbers, only those the cast
    # misses.
    wanted = [pl.col(q.id).unique() for q in choice if q.id not in listed]
    wanted += [
        pl.col(q.id).filter(number_expr(q.id).is_null() & pl.col(q.id).is_not_null()).unique()
        for q in numeric
    ]
    wanted.append(pl.col("simulated").unique())
    got = df.select(x.implode() for x in wanted)
    # Each list element taken as a Series keeps its categories' numbers.
    distinct = {c: got[c][0].drop_nulls() for c in got.columns}
    for q in choice:
        if q.id not in distinct:
            distinct[q.id] = listed[q.id]
    coded: dict[str, pl.Expr] = {}
    checks: dict[str, pl.Expr] = {}
    # Columns none of whose distinct cells is refused cannot refuse a row: their checks are
    # true and left out of the row flag, so a clean table is not compared cell by cell.
    sure: set[str] = set()
    for q in choice:
        by_cell = codes(spec[q.id], distinct[q.id], _answer_code(q))
        coded[q.id] = _lookup(q.id, distinct[q.id], by_cell)
        checks[q.id] = pl.col(f"__n_{q.id}").is_null() | (pl.col(f"__n_{q.id}") != INVALID_CODE)
        if INVALID_CODE not in by_cell.values():
            sure.add(q.id)
    for q in numeric:
        num = number_expr(q.id)
        rule = spec[q.id].parser
        assert isinstance(rule, NumberRule)
        readings = codes(spec[q.id], distinct[q.id], lambda r: r)
        ok = pl.col(q.id).is_null() | rule.ok(num).fill_null(False)
        if readings:
            read = {c: _number_code(r) for c, r in readings.items() if r.status != "invalid"}
            num = pl.coalesce(
                num, pl.col(q.id).replace_strict(read, default=None, return_dtype=pl.Float64)
            )
            ok = ok | pl.col(q.id).is_in(list(read))
        coded[q.id] = num
        checks[q.id] = ok
    flags = codes(SIMULATED_COLUMN, distinct["simulated"], _flag_code)
    coded["simulated"] = pl.col("simulated").replace_strict(
        flags, default=None, return_dtype=pl.Int8
    )
    checks["simulated"] = pl.col("__n_simulated").is_null() | (
        pl.col("__n_simulated") != INVALID_CODE
    )
    if INVALID_CODE not in flags.values():
        sure.add("simulated")
    # A control character in a visit's text (a NUL, an ESC) refuses that cell: a report could
    # not show it. The columns are scanned once; only one holding such a cell is checked row
    # by row.
    written = [c for c in TEXT_COLUMNS if c in have]
    controlled = (
        df.select(
            pl.col(c).cast(pl.String).str.contains_any(CONTROL_LIST).any() for c in written
        ).row(0)
        if written
        else ()
    )
    text_specs = {
        c: Column(c, PlainText(c), words=False)
        for c, found in zip(written, controlled, strict=True)
        if found
    }
    for c in text_specs:
        checks[c] = pl.col(c).is_null() | ~pl.col(c).cast(pl.String).str.contains(
            CONTROL_CHARACTERS
        )
    mission_ok = pl.col("mission").is_not_null() & pl.col("mission").is_in(sorted(missions))
    # A row naming no place, observer, time or answer records no visit (a submission started
    # and sent blank): counted, it would raise the number of visits a report publishes.
    visit_ok = pl.any_horizontal(
        pl.lit(False),
        *(pl.col(c).is_not_null() for c in (*NAMED_VISIT_COLUMNS, *(q.id for q in present))),
    )
    # Two flags per row: whether the visit is used (its mission and simulated flag read) and
    # whether every answer of it was read; which checks a row fails is worked out for the
    # rows failing either alone.
    answers_ok = [v for k, v in checks.items() if k not in sure and k not in ROW_CHECKS]
    work = (
        df.lazy()
        .with_columns(**{f"__n_{k}": v for k, v in coded.items()})
        .with_columns(
            pl.all_horizontal(
                mission_ok,
                visit_ok,
                *(v for k, v in checks.items() if k in ROW_CHECKS and k not in sure),
            ).alias("__ok"),
            pl.all_horizontal(pl.lit(True), *answers_ok).alias("__read"),
        )
        .collect()
    )
    # Filtering every column of a table whose rows all pass would copy it for nothing.
    clean = work["__ok"].all() and work["__read"].all()
    failing = work.clear() if clean else work.filter(~pl.col("__ok") | ~pl.col("__read"))
    bad = failing.with_columns(
        mission_ok.alias("__ok_mission"),
        visit_ok.alias("__ok_visit"),
        *(v.alias(f"__ok_{k}") for k, v in checks.items()),
    )
    by_mission_case = {m.casefold(): m for m in sorted(missions)}

    known = frozenset(missions)

    def mission_issue(row: int, mission: str | None) -> Issue:
        # A visit's mission is worded as any table's; visits of one mission are many rows.
        column = account.numbers["mission"]
        return mission_cell_issues(file, row, column, mission, known, {}, by_mission_case)[0]

    # Rows refused for their mission alone (a table of several cohorts has many) are found
    # column-wise, and each is made into a row with its reason only when looked at.
    alone = ~pl.col("__ok_mission") & pl.all_horizontal(
        pl.lit(True), "__ok_visit", *(f"__ok_{k}" for k in checks)
    )
    by_mission = bad.filter(alone)
    numbers: list[int] = by_mission[ROW].to_list()
    ids: list[str | None] = by_mission["mission"].to_list()
    account.reject_rows(
        RejectedRows(file, numbers, ids, lambda k: mission_issue(numbers[k], ids[k]))
    )
    cells = {**spec, "simulated": SIMULATED_COLUMN, **text_specs}
    for rec in bad.filter(~alone).iter_rows(named=True):
        row = int(rec[ROW])
        reasons: list[Issue] = []
        if not rec["__ok_mission"]:
            reasons.append(mission_issue(row, rec["mission"]))
        if not rec["__ok_visit"]:
            reasons.append(
                account.at(
                    row,
                    "mission",
                    "empty-visit",
                    "no site, observer, time or answer: the row records no visit",
                )
            )
        for k in checks:
            if rec[f"__ok_{k}"]:
                continue
            r = cells[k].read(rec[k])
            if r.status != "invalid":
                raise AssertionError(f"{k}: {rec[k]!r} refused column-wise, read as {r}")
            reasons.append(account.at(row, k, r.code, r.message, params=r.params))
        if rec["__ok"]:
            # An answer that cannot be read is that question's non-response, as a blank is:
            # the visit keeps every other answer.
            account.refuse_cells(reasons)
        else:
            account.reject(row, rec["mission"], reasons)
    # The answers refused in the visits used leave their questions unanswered there.
    kept = bad.filter(pl.col("__ok"))
    refusing = {k for k in checks if k not in ROW_CHECKS and not kept[f"__ok_{k}"].all()}
    issues = [
        *account.issues,
        *_repeated_rows(work, [c for c in cols if c in df.columns], file),
        *(_blank_sites(work, file, account.numbers.get("site")) if "site" in have else ()),
    ]
    rejected = bad.filter(~pl.col("__ok"))
    used = work.lazy().filter(pl.col("__ok")) if rejected.height else work.lazy()

    def text(c: str) -> pl.Expr:
        # A refused text is left out of the visit, as a refused answer is.
        return pl.when(checks[c]).then(pl.col(c)).alias(c) if c in refusing else pl.col(c)

    rows = used.select(
        pl.col("mission"),
        *(text(c) for c in TEXT_COLUMNS),
        ((pl.col("__n_simulated") == 1).fill_null(False) | pl.lit(simulated)).alias("simulated"),
        pl.lit(file).alias(FILE),
        pl.col(ROW),
        # Every question in the rubric's order, those the file lacks unanswered: the tables of
        # two teams (or a plain table beside a form's export) asking different questions
        # then stack as one.
        *(
            (
                pl.when(checks[q.id]).then(pl.col(f"__n_{q.id}"))
                if q.id in refusing
                else pl.col(f"__n_{q.id}")
            ).alias(q.id)
            if q.id in have
            else pl.lit(None, pl.Float64 if q.numeric else pl.Int8).alias(q.id)
            for q in questions
        ),
    ).collect()
    report = account.report(df.height, excluded=excluded, simulated=simulated, unmatched=unmatched)
    visits = rejected.select(*VISIT_COLUMNS, pl.lit(file).alias(FILE), ROW)
    return SiteLoad(
        rows, report, account.all_rejected(), tuple(issues), dict(account.numbers), visits
    )


def _texts_of(q: ChecklistIndicator) -> list[str]:
    """What a header naming ``q`` may say: its id, its labels and its question's texts."""
    return [q.id, *q.labels.values(), *q.question.values()]


def _spoken(text: str) -> str:
    return " ".join(text.rsplit("/", 1)[-1].casefold().split())


def probable_questions(
    unknown: Sequence[str], lacking: Sequence[ChecklistIndicator]
) -> dict[str, ChecklistIndicator]:
    """The question each of a file's ``unknown`` headers probably gives, among the questions
    the file has no column of (``lacking``): a header is paired with a question when it is
    the question's only candidate and the question its only one, a candidate being close to
    the question's id, label or question text, or the one unknown header beside the one
    question lacking. A label edited on the survey server after deployment is then said as
    that question's column, not as a column of nothing beside a question no visit answers."""
    import difflib

    def close(header: str, q: ChecklistIndicator) -> bool:
        said = _spoken(header)
        return any(
            difflib.SequenceMatcher(None, said, _spoken(t)).ratio() >= 0.7 for t in _texts_of(q)
        )

    if len(unknown) == 1 and len(lacking) == 1:
        return {unknown[0]: lacking[0]}
    candidates = {q.id: [h for h in unknown if close(h, q)] for q in lacking}
    out: dict[str, ChecklistIndicator] = {}
    for q in lacking:
        found = candidates[q.id]
        if len(found) == 1 and sum(found[0] in c for c in candidates.values()) == 1:
            out[found[0]] = q
    return out


def probably_issue(issue: Issue, q: ChecklistIndicator) -> Issue:
    """The ``unknown-column`` warning ``issue`` at a header that probably gives the question
    ``q``, which no column of its file gives, saying so (its label worded in each language)."""
    import dataclasses

    from ovm.indicators.text import wording

    name = str(issue.params.get("name"))
    label = wording(q.labels, "en").text
    return dataclasses.replace(
        issue,
        message=f"column {name!r} matches no checklist question; probably {q.id} ({label}), "
        "which no column of this file gives; ignored",
        params={"variant": "checklist_probably", "name": name, "near": q.id, "question": q.id},
        labels={q.id: q.labels},
    )


def probably_meant(issues: Sequence[Issue], lacking: Sequence[ChecklistIndicator]) -> list[Issue]:
    """``issues`` with the warning at each header of nothing (``unknown-column``) that
    probably gives a question its file has no column of (``lacking``) saying which: a label
    edited on the survey server, a header renamed by hand."""
    unknown = [
        str(i.params.get("name"))
        for i in issues
        if i.code == "unknown-column" and i.params.get("variant") == "checklist"
    ]
    if not unknown or not lacking:
        return list(issues)
    meant = probable_questions(unknown, lacking)
    return [
        probably_issue(i, meant[str(i.params.get("name"))])
        if i.code == "unknown-column"
        and i.params.get("variant") == "checklist"
        and str(i.params.get("name")) in meant
        else i
        for i in issues
    ]
