"""Wide tables of composite-index data: units (rows) by variables (columns), e.g. COINr's."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

import polars as pl

from ovm.data.observations import (
    Datum,
    Election,
    LoadReport,
    Mission,
    Observations,
    Provenance,
    limit_issues,
    variable_column,
)
from ovm.data.plan import country_problem
from ovm.data.reader import MISSING_WORDS, Account, Column, Text, clean
from ovm.data.tables import ROW, read_table
from ovm.errors import DataError, Issue
from ovm.rubric.model import Rubric

PLACEHOLDER_ELECTION = Election(type="index", date=dt.date(2018, 1, 1))
"""Election given to units of a wide table (a composite index has no election): a placeholder."""


_SLUG = re.compile(r"[^a-z0-9_.-]+")
_TEXT = Text()


def _slug(text: str) -> str:
    return _SLUG.sub("-", text.strip().lower()).strip("-._")


def _wide_frame(
    table: str | Path | pl.DataFrame,
    file: str | None,
) -> tuple[pl.DataFrame, str]:
    if isinstance(table, pl.DataFrame):
        df = table
        if ROW not in df.columns:
            df = df.with_row_index(ROW, offset=2).with_columns(pl.col(ROW).cast(pl.Int64))
        return df, file or "<table>"
    path = Path(table)
    df_read, issues = read_table(path)
    if df_read is None or any(i.severity == "error" for i in issues):
        raise DataError(issues, key="error_summary_table_unreadable", where=str(path))
    return df_read, file or str(path)


def observations_from_wide(
    table: str | Path | pl.DataFrame,
    rubric: Rubric,
    *,
    id_column: str = "UnitCode",
    name_column: str | None = "UnitName",
    country_column: str | None = None,
    region_column: str | None = None,
    group_columns: Sequence[str] | None = None,
    election: Election = PLACEHOLDER_ELECTION,
    na_means: Literal["missing", "not_applicable"] = "missing",
    source: str | None = None,
    file: str | None = None,
) -> Observations:
    """Observations from a wide table of units (rows) by variables (columns), e.g. COINr data.

    Each row becomes a :class:`Mission` whose id is the unit code in lower case; its ``country``
    comes from ``country_column`` (default: the unit code, which must then be ISO 3166
    alpha-3) and its ``region`` from ``region_column``. A column is a variable when its name,
    or its name in lower case with other characters as ``-``, is a variable of the rubric.
    ``group_columns`` (default: ``Year`` and every ``Group_*`` column) describe the units and
    are not data. Cells read as in every table (:mod:`ovm.data.reader`), with one deliberate
    difference: ``NA`` is a missing value, as R writes it, unless ``na_means`` says it marks a
    value that does not apply. A NaN number in a frame is missing too (the text ``nan`` is not
    finite, as in every table). Every unit gets ``election`` (by default the
    placeholder ``index`` election of 2018-01-01: a composite index observes no election).
    Rows with an invalid value are rejected with their reasons in ``report``; the table's other
    columns are listed as unmatched. Raises DataError when the table cannot be read at all.
    """
    df, name = _wide_frame(table, file)
    account = Account(name, "statistics", df.columns)
    key = Column(id_column, _TEXT, "the code of each unit", required=True, words=False)
    missing = account.require([key], df.columns)
    if missing:
        raise DataError(missing, key="error_summary_no_column", where=name, column=id_column)
    variables = {v.name: v for v in rubric.variables if v.from_sites is None}
    described = {id_column, ROW, *(c for c in (name_column, country_column, region_column) if c)}
    described |= (
        set(group_columns)
        if group_columns is not None
        else {c for c in df.columns if c == "Year" or c.startswith("Group_")}
    )
    # NA is how R writes a missing value: missing here unless the caller says otherwise.
    words = MISSING_WORDS | ({"na"} if na_means == "missing" else set())
    columns: list[Column] = []
    unmatched: list[str] = []
    for col in df.columns:
        if col in described:
            continue
        var = col if col in variables else _slug(col).replace("-", "_")
        if var in variables and var not in {c.id for c in columns}:
            columns.append(
                dataclasses.replace(variable_column(variables[var], col), missing_words=words)
            )
        else:
            unmatched.append(col)
            account.warn(
                col, "unknown-column", f"column {col!r} matches no variable of the rubric; ignored"
            )
    for var in variables:
        if var not in {c.id for c in columns}:
            account.warn(
                None, "missing-column", f"no column for variable {var!r}: every unit misses it"
            )
    missions: list[Mission] = []
    seen: set[str] = set()
    for row, rec in account.rows(df):
        code = clean(rec.get(id_column)) or ""
        mid = _slug(code)
        if not mid:
            row.bad(id_column, "missing-mission", "no unit code")
        elif mid in seen:
            row.bad(id_column, "duplicate-row", f"unit {code!r} is listed twice")
        country = (clean(rec.get(country_column or id_column)) or "").upper()
        problem = country_problem(country)
        if problem:
            row.bad(country_column or id_column, "invalid-country", problem)
        values: dict[str, Datum] = {}
        prov = Provenance(source=source or Path(name).name, file=name, line=row.number)
        for spec in columns:
            r = row.read(spec, rec.get(spec.name))
            if r.status == "value":
                assert isinstance(r.value, float)
                values[spec.id] = Datum(value=r.value, provenance=prov)
            elif r.status != "invalid":
                values[spec.id] = Datum(status=r.status, provenance=prov)
        row.reasons += limit_issues(rubric, values, name, row.number, account.numbers)
        if not account.settle(row, mid or None):
            continue
        seen.add(mid)
        label = clean(rec.get(name_column)) if name_column else None
        region = clean(rec.get(region_column)) if region_column else None
        missions.append(
            Mission(
                id=mid,
                country=country,
                name=label or code,
                election=election,
                region=region,
                values=values,
            )
        )
    report = LoadReport(
        files=(account.report(df.height, unmatched=unmatched),),
        rejected=tuple(account.rejected),
        issues=tuple(account.issues),
    )
    return Observations(missions=tuple(missions), report=report)


def wide_groups(
    table: str | Path | pl.DataFrame, column: str, *, id_column: str = "UnitCode"
) -> dict[str, str]:
    """Mission id -> group from one column of a wide table (e.g. ``Group_EurAsia``)."""
    df, name = _wide_frame(table, None)
    for col in (id_column, column):
        if col not in df.columns:
            raise DataError(
                [
                    Issue(
                        name,
                        1,
                        None,
                        "missing-column",
                        f"no {col!r} column",
                        (),
                        "error",
                        "data",
                        params={"name": col},
                    )
                ],
                key="error_summary_no_column",
                where=name,
                column=col,
            )
    out: dict[str, str] = {}
    for code, group in zip(df[id_column].to_list(), df[column].to_list(), strict=True):
        text = clean(group)
        if code is not None and text is not None:
            out[_slug(str(code))] = text
    return out
