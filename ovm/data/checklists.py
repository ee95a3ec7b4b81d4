"""Observer site rows: validated column by column, then coded for scoring."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from ovm.data.observations import (
    NA_WORDS,
    SITE_COLUMNS,
    FileReport,
    RejectedRow,
    unknown_mission_message,
)
from ovm.data.tables import BLANKS, ROW
from ovm.errors import Issue
from ovm.indicators import ChecklistIndicator
from ovm.rubric.model import Rubric

FILE = "_file"
YES_WORDS = ("yes", "y", "si", "sí", "true", "1", "oui", "sim")
NO_WORDS = ("no", "n", "false", "0", "non", "não", "nao")
NA_CODE = -1
"""Code of a not-applicable answer in a coded column (1 accepted, 0 not, null missing)."""


@dataclass(frozen=True)
class SiteLoad:
    """Validated and coded site rows of one file, and the account of every row."""

    rows: pl.DataFrame
    report: FileReport
    rejected: tuple[RejectedRow, ...]
    issues: tuple[Issue, ...]


def checklist_questions(rubric: Rubric) -> list[ChecklistIndicator]:
    """Every checklist indicator, in tree order."""
    return [n for n in rubric.indicators() if isinstance(n, ChecklistIndicator)]


INVALID_CODE = -2


def _simple(q: ChecklistIndicator) -> bool:
    """Single-choice questions are coded in one hash lookup per cell (the common, large case)."""
    return q.answer_type in ("yes_no", "select_one")


def _code_map(q: ChecklistIndicator) -> dict[str, int]:
    accept = {str(a).lower() for a in q.accept}
    mapping: dict[str, int] = {}
    if q.answer_type == "yes_no":
        mapping |= dict.fromkeys(YES_WORDS, int("yes" in accept))
        mapping |= dict.fromkeys(NO_WORDS, int("no" in accept))
    else:
        mapping |= {c.name.lower(): int(c.name.lower() in accept) for c in q.all_choices()}
    mapping |= dict.fromkeys(NA_WORDS, NA_CODE if q.not_applicable else INVALID_CODE)
    return mapping


def _simple_code(q: ChecklistIndicator, values: list[str | None]) -> pl.Expr:
    """Code a single-choice column from its distinct ``values``: a few words, each lowercased
    and looked up once, then one hash lookup per cell (lowercasing every cell costs more than
    the rest of the validation)."""
    mapping = _code_map(q)
    # Blank cells are not observed (null); the others may still carry surrounding blanks.
    codes = {
        v: mapping.get(v.strip(BLANKS).lower(), INVALID_CODE) if v.strip(BLANKS) else None
        for v in values
        if v is not None
    }
    return pl.col(q.id).replace_strict(codes, default=None, return_dtype=pl.Int8)


def verbatim_columns(rubric: Rubric) -> set[str]:
    """Columns :func:`validate_sites` cleans itself, so a reader may leave them as written:
    single-choice answers, coded from their few distinct values."""
    return {q.id for q in checklist_questions(rubric) if _simple(q)}


def _normalised(q: ChecklistIndicator) -> pl.Expr:
    col = pl.col(q.id).str.to_lowercase()
    na = col.is_in(list(NA_WORDS))
    if q.answer_type == "yes_no":
        return (
            pl.when(col.is_in(list(YES_WORDS)))
            .then(pl.lit("yes"))
            .when(col.is_in(list(NO_WORDS)))
            .then(pl.lit("no"))
            .when(na)
            .then(pl.lit("na"))
            .otherwise(col)
        )
    if q.numeric:
        return pl.when(na).then(pl.lit("na")).otherwise(col)
    return pl.when(na).then(pl.lit("na")).otherwise(col.str.replace_all(r"\s+", " "))


def _valid(q: ChecklistIndicator, norm: pl.Expr) -> pl.Expr:
    na_ok = norm == "na" if q.not_applicable else pl.lit(False)
    if q.numeric:
        num = norm.cast(pl.Float64, strict=False)
        ok = num.is_not_null() & num.is_finite()
        if q.answer_type == "integer":
            ok = ok & (num == num.floor())
        if q.minimum is not None:
            ok = ok & (num >= q.minimum)
        if q.maximum is not None:
            ok = ok & (num <= q.maximum)
        return norm.is_null() | na_ok | ok
    names = [c.name for c in q.all_choices()]
    if q.answer_type == "select_multiple":
        ok = norm.str.split(" ").list.eval(pl.element().is_in(names)).list.all()
        return norm.is_null() | na_ok | ok.fill_null(False)
    return norm.is_null() | na_ok | norm.is_in(names)


def _coded(q: ChecklistIndicator, norm: pl.Expr) -> pl.Expr:
    if q.numeric:
        return (
            pl.when(norm == "na")
            .then(pl.lit(float("nan")))
            .otherwise(norm.cast(pl.Float64, strict=False))
            .alias(q.id)
        )
    accept = [str(a) for a in q.accept]
    if q.answer_type == "select_multiple":
        hit = norm.str.split(" ").list.eval(pl.element().is_in(accept)).list.any()
    else:
        hit = norm.is_in(accept)
    return (
        pl.when(norm.is_null())
        .then(pl.lit(None, pl.Int8))
        .when(norm == "na")
        .then(pl.lit(NA_CODE, pl.Int8))
        .when(hit)
        .then(pl.lit(1, pl.Int8))
        .otherwise(pl.lit(0, pl.Int8))
        .alias(q.id)
    )


def _reason(q: ChecklistIndicator, cell: str) -> tuple[str, str]:
    low = cell.lower()
    if low in NA_WORDS and not q.not_applicable:
        return "not-applicable-not-allowed", f"{q.id} does not allow 'not applicable'"
    if q.numeric:
        try:
            x = float(cell)
        except ValueError:
            return "invalid-number", f"{cell!r} is not a number ({q.id})"
        if x != x or x in (float("inf"), float("-inf")):
            return "not-finite", f"{cell!r} is not a finite number"
        if q.answer_type == "integer" and not x.is_integer():
            return "not-integer", f"{q.id} takes whole numbers, not {cell!r}"
        return "out-of-range", (
            f"{x:g} is outside {q.minimum if q.minimum is not None else '-inf'}"
            f"..{q.maximum if q.maximum is not None else 'inf'} for {q.id}"
        )
    names = ", ".join(c.name for c in q.all_choices())
    return "invalid-answer", f"{cell!r} is not an allowed answer for {q.id} ({names})"


def _repeated_rows(
    good: pl.DataFrame, content: list[str], file: str, colno: dict[str, int]
) -> list[Issue]:
    """A warning for each row that repeats an earlier one cell for cell, site, observer or
    visit time included: most likely pasted twice, it would count as two visits."""
    ident = [c for c in ("site", "observer", "visited_at") if c in content]
    if good.height < 2 or not ident:
        return []
    # Row hashes first: comparing every column of every row would cost more than the load.
    repeated = good.select(content).hash_rows(seed=11).is_duplicated()
    if not repeated.any():
        return []
    cand = good.filter(repeated & pl.any_horizontal(pl.col(c).is_not_null() for c in ident))
    later = cand.with_columns(pl.col(ROW).min().over(content).alias("__first")).filter(
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
        )
        for rec in later.sort(ROW).iter_rows(named=True)
    ]


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
    """Validate raw text site rows, reject bad rows with every reason, and code the answers."""
    questions = checklist_questions(rubric)
    qids = {q.id for q in questions}
    cols = [c for c in df.columns if c not in (ROW, FILE)]
    colno = {c: j for j, c in enumerate(cols, start=1)}
    issues: list[Issue] = []
    if "mission" not in df.columns:
        issues.append(
            Issue(file, 1, None, "missing-column", "no 'mission' column", (), "error", "data")
        )
        return SiteLoad(
            pl.DataFrame(),
            FileReport(file, kind, df.height, 0, 0, excluded, simulated),
            (),
            tuple(issues),
        )
    unmatched = [c for c in cols if c not in qids and c not in SITE_COLUMNS]
    by_case = {k.casefold(): k for k in (*sorted(qids), *SITE_COLUMNS)}
    for c in unmatched:
        near = by_case.get(c.casefold())
        hint = f" (names are case-sensitive: did you mean {near!r}?)" if near else ""
        issues.append(
            Issue(
                file,
                1,
                colno[c],
                "unknown-column",
                f"column {c!r} matches no checklist question; ignored{hint}",
                (),
                "warning",
                "data",
            )
        )
    present = [q for q in questions if q.id in df.columns]
    for c in SITE_COLUMNS:
        if c not in df.columns:
            df = df.with_columns(pl.lit(None, pl.String).alias(c))
    simple = [q for q in present if _simple(q)]
    distinct: dict[str, list[str | None]] = {}
    if simple:
        lists = df.select(pl.col(q.id).unique().implode() for q in simple).row(0)
        distinct = dict(zip((q.id for q in simple), lists, strict=True))
    norm_cols = {
        q.id: _simple_code(q, distinct[q.id]) if _simple(q) else _normalised(q) for q in present
    }
    work = df.with_columns(**{f"__n_{k}": v for k, v in norm_cols.items()})
    checks = {
        q.id: (
            pl.col(f"__n_{q.id}").is_null() | (pl.col(f"__n_{q.id}") != INVALID_CODE)
            if _simple(q)
            else _valid(q, pl.col(f"__n_{q.id}"))
        )
        for q in present
    }
    mission_ok = pl.col("mission").is_not_null() & pl.col("mission").is_in(sorted(missions))
    # A flag that is neither yes nor no must not turn simulated visits into observed ones.
    flag = pl.col("simulated").str.strip_chars().str.to_lowercase()
    flag_ok = flag.is_null() | flag.is_in([*YES_WORDS, *NO_WORDS])
    work = work.with_columns(
        mission_ok.alias("__ok_mission"),
        flag_ok.alias("__ok_simulated"),
        *(v.alias(f"__ok_{k}") for k, v in checks.items()),
    )
    ok_cols = ["__ok_mission", "__ok_simulated", *(f"__ok_{q.id}" for q in present)]
    work = work.with_columns(pl.all_horizontal(ok_cols).alias("__ok"))
    bad = work.filter(~pl.col("__ok"))
    rejected: list[RejectedRow] = []
    by_case = {m.casefold(): m for m in sorted(missions)}
    for rec in bad.iter_rows(named=True):
        row = int(rec[ROW])
        reasons: list[Issue] = []
        if not rec["__ok_mission"]:
            mid = rec["mission"]
            blank = all(rec[c] is None or not str(rec[c]).strip(BLANKS) for c in cols)
            code, msg = (
                ("missing-mission", "a blank row (no cell filled)" if blank else "no mission id")
                if mid is None
                else ("unknown-mission", unknown_mission_message(str(mid), by_case))
            )
            reasons.append(Issue(file, row, colno.get("mission"), code, msg, (), "error", "data"))
        if not rec["__ok_simulated"]:
            reasons.append(
                Issue(
                    file,
                    row,
                    colno.get("simulated"),
                    "invalid-flag",
                    f"{rec['simulated']!r} is not yes or no (simulated)",
                    (),
                    "error",
                    "data",
                )
            )
        for q in present:
            if not rec[f"__ok_{q.id}"]:
                code, msg = _reason(q, str(rec[q.id]).strip(BLANKS))
                reasons.append(Issue(file, row, colno.get(q.id), code, msg, (), "error", "data"))
        rejected.append(RejectedRow(file, row, rec["mission"], tuple(reasons)))
    good = work.filter(pl.col("__ok"))
    issues += _repeated_rows(good, [c for c in cols if c in df.columns], file, colno)
    sim_col = flag.is_in(list(YES_WORDS)).fill_null(False)
    coded = good.select(
        pl.col("mission"),
        pl.col("site"),
        pl.col("site_country"),
        pl.col("site_city"),
        pl.col("observer"),
        pl.col("visited_at"),
        pl.col("notes"),
        (sim_col | pl.lit(simulated)).alias("simulated"),
        pl.lit(file).alias(FILE),
        pl.col(ROW),
        *(
            pl.col(f"__n_{q.id}").alias(q.id) if _simple(q) else _coded(q, pl.col(f"__n_{q.id}"))
            for q in present
        ),
        *(
            pl.lit(None, pl.Float64 if q.numeric else pl.Int8).alias(q.id)
            for q in questions
            if q.id not in df.columns
        ),
    )
    report = FileReport(
        file, kind, df.height, good.height, len(rejected), excluded, simulated, tuple(unmatched)
    )
    return SiteLoad(coded, report, tuple(rejected), tuple(issues))
