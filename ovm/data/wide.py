"""Wide tables of composite-index data: units (rows) by variables (columns), e.g. COINr's."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

import polars as pl

from ovm.data.observations import (
    MISSING_WORDS,
    NA_WORDS,
    Datum,
    Election,
    FileReport,
    LoadReport,
    Mission,
    Observations,
    Provenance,
    RejectedRow,
    check_number,
    limit_issues,
    parse_number,
)
from ovm.data.tables import ROW, read_table
from ovm.errors import DataError, Issue
from ovm.rubric.model import Rubric

PLACEHOLDER_ELECTION = Election(type="index", date=dt.date(2018, 1, 1))
"""Election given to units of a wide table (a composite index has no election): a placeholder."""


_SLUG = re.compile(r"[^a-z0-9_.-]+")


def _slug(text: str) -> str:
    return _SLUG.sub("-", text.strip().lower()).strip("-._")


def _wide_frame(table: str | Path | pl.DataFrame, file: str | None,
                ) -> tuple[pl.DataFrame, str]:
    if isinstance(table, pl.DataFrame):
        df = table
        if ROW not in df.columns:
            df = df.with_row_index(ROW, offset=2).with_columns(pl.col(ROW).cast(pl.Int64))
        return df, file or "<table>"
    path = Path(table)
    df_read, issues = read_table(path)
    if df_read is None or any(i.severity == "error" for i in issues):
        raise DataError(issues, summary=f"{path}: cannot read the table")
    return df_read, file or str(path)


def _cell(value: object) -> object:
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def observations_from_wide(table: str | Path | pl.DataFrame, rubric: Rubric, *,
                           id_column: str = "UnitCode", name_column: str | None = "UnitName",
                           country_column: str | None = None, region_column: str | None = None,
                           group_columns: Sequence[str] | None = None,
                           election: Election = PLACEHOLDER_ELECTION,
                           na_means: Literal["missing", "not_applicable"] = "missing",
                           source: str | None = None, file: str | None = None) -> Observations:
    """Observations from a wide table of units (rows) by variables (columns), e.g. COINr data.

    Each row becomes a :class:`Mission` whose id is the unit code in lower case; its ``country``
    comes from ``country_column`` (default: the unit code, which must then be ISO 3166
    alpha-3) and its ``region`` from ``region_column``. A column is a variable when its name,
    or its name in lower case with other characters as ``-``, is a variable of the rubric.
    ``group_columns`` (default: ``Year`` and every ``Group_*`` column) describe the units and
    are not data. An empty cell (or NaN) is a missing value; ``NA`` too unless ``na_means`` says
    it marks a value that does not apply. Every unit gets ``election`` (by default the
    placeholder ``index`` election of 2018-01-01: a composite index observes no election).
    Rows with an invalid value are rejected with their reasons in ``report``; the table's other
    columns are listed as unmatched. Raises DataError when the table cannot be read at all.
    """
    df, name = _wide_frame(table, file)
    if id_column not in df.columns:
        raise DataError([Issue(name, 1, None, "missing-column", f"no {id_column!r} column", (),
                               "error", "data")], summary=f"{name}: no {id_column!r} column")
    variables = {v.name: v for v in rubric.variables if v.from_sites is None}
    described = {id_column, ROW, *(c for c in (name_column, country_column, region_column) if c)}
    described |= set(group_columns) if group_columns is not None else {
        c for c in df.columns if c == "Year" or c.startswith("Group_")}
    columns: dict[str, str] = {}
    unmatched: list[str] = []
    warnings: list[Issue] = []
    for j, col in enumerate(df.columns, start=1):
        if col in described:
            continue
        var = col if col in variables else _slug(col).replace("-", "_")
        if var in variables and var not in columns.values():
            columns[col] = var
        else:
            unmatched.append(col)
            warnings.append(Issue(name, 1, j, "unknown-column",
                                  f"column {col!r} matches no variable of the rubric; ignored",
                                  (), "warning", "data"))
    for var in variables:
        if var not in columns.values():
            warnings.append(Issue(name, 1, None, "missing-column",
                                  f"no column for variable {var!r}: every unit misses it", (),
                                  "warning", "data"))
    missions: list[Mission] = []
    rejected: list[RejectedRow] = []
    seen: set[str] = set()
    colno = {c: j for j, c in enumerate(df.columns, start=1)}
    for rec in df.iter_rows(named=True):
        row = int(rec[ROW])
        reasons: list[Issue] = []

        def bad(col: str, code: str, msg: str, row: int = row,
                reasons: list[Issue] = reasons) -> None:
            reasons.append(Issue(name, row, colno.get(col), code, msg, (), "error", "data"))

        code = str(_cell(rec.get(id_column)) or "").strip()
        mid = _slug(code)
        if not mid:
            bad(id_column, "missing-mission", "no unit code")
        elif mid in seen:
            bad(id_column, "duplicate-row", f"unit {code!r} is listed twice")
        country = str(_cell(rec.get(country_column or id_column)) or "").strip().upper()
        if not re.fullmatch(r"[A-Z]{3}", country):
            bad(country_column or id_column, "invalid-country",
                f"{country!r} is not an ISO 3166 alpha-3 code")
        values: dict[str, Datum] = {}
        for col, var in columns.items():
            cell = _cell(rec.get(col))
            prov = Provenance(source=source or Path(name).name, file=name, line=row)
            text = "" if cell is None else str(cell).strip().lower()
            if text in ("", "nan") or text in MISSING_WORDS or (text == "na"
                                                                 and na_means == "missing"):
                values[var] = Datum(status="missing", provenance=prov)
                continue
            if text in NA_WORDS:
                values[var] = Datum(status="not_applicable", provenance=prov)
                continue
            problem = check_number(variables[var], cell)
            if problem:
                bad(col, problem[0], problem[1])
                continue
            values[var] = Datum(value=parse_number(cell), provenance=prov)
        reasons.extend(limit_issues(rubric, values, name, row, colno))
        if reasons:
            rejected.append(RejectedRow(name, row, mid or None, tuple(reasons)))
            continue
        seen.add(mid)
        label = _cell(rec.get(name_column)) if name_column else None
        region = _cell(rec.get(region_column)) if region_column else None
        missions.append(Mission(id=mid, country=country, name=str(label or code),
                                election=election,
                                region=None if region is None else str(region), values=values))
    report = LoadReport(
        files=(FileReport(name, "statistics", df.height, df.height - len(rejected), len(rejected),
                          unmatched_columns=tuple(unmatched)),),
        rejected=tuple(rejected), issues=tuple(warnings))
    return Observations(missions=tuple(missions), report=report)


def wide_groups(table: str | Path | pl.DataFrame, column: str, *,
                id_column: str = "UnitCode") -> dict[str, str]:
    """Mission id -> group from one column of a wide table (e.g. ``Group_EurAsia``)."""
    df, name = _wide_frame(table, None)
    for col in (id_column, column):
        if col not in df.columns:
            raise DataError([Issue(name, 1, None, "missing-column", f"no {col!r} column", (),
                                   "error", "data")], summary=f"{name}: no {col!r} column")
    out: dict[str, str] = {}
    for code, group in zip(df[id_column].to_list(), df[column].to_list(), strict=True):
        if code is not None and _cell(group) is not None:
            out[_slug(str(code))] = str(group)
    return out
