"""The same visit in two checklist files of one workspace.

Within one file the loaders already say a repeated submission id (``duplicate-submission``:
the first is kept) and a row repeated cell for cell (``duplicate-row``: both count). Across
files the same rules hold: a day-1 export and a cumulative day-2 export share their first
submissions, and a table saved as CSV and as XLSX shares every visit. Visits are compared
once coded, so that a CSV, a workbook and a Kobo or ODK export of one visit are the same
visit whatever their layout.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

from ovm.data.checklists import FILE, VISIT_COLUMNS, SiteLoad
from ovm.data.reader import JoinedRows, RejectedRow
from ovm.data.tables import ROW
from ovm.errors import Issue

_ORDER = "__file_order"
_IDENT = ("site", "observer", "visited_at")
"""Cells of which at least one must be given for two rows to be the same visit: rows giving
none of them say nothing about which visit they record (as within one file)."""
_NOT_COMPARED = frozenset({"notes", "simulated", FILE, ROW})
"""Columns left out when two visits are compared: a note is commentary on the visit, and the
simulated flag is said by the workspace for a whole file."""


@dataclass(frozen=True)
class Loaded:
    """One checklist file as loaded, with its export's submission ids (``_row``, ``id``) and
    their column number when it has them."""

    load: SiteLoad
    ids: tuple[pl.DataFrame, int] | None = None


def across_files(files: Sequence[Loaded]) -> list[SiteLoad]:
    """Each file's load once its visits are checked against the earlier files': a row whose
    submission id an earlier file already gave is rejected (``duplicate-submission``, the
    first kept); a used row repeating an earlier file's visit cell for cell is warned of
    (``duplicate-row``) and both count. Nothing is compared with fewer than two files."""
    loads = [f.load for f in files]
    if len(files) < 2:
        return loads
    gone = _repeated_submissions(files)
    loads = [_without(f.load, gone.get(f.load.report.file, {})) for f in files]
    said = _repeated_visits(loads)
    return [
        dataclasses.replace(load, issues=(*load.issues, *said.get(load.report.file, ())))
        if load.report.file in said
        else load
        for load in loads
    ]


def _repeated_submissions(files: Sequence[Loaded]) -> dict[str, dict[int, Issue]]:
    """By file and row, the reason of each used row whose submission id an earlier file gave."""
    parts = []
    for k, f in enumerate(files):
        if f.ids is None or not f.load.rows.height:
            continue
        ids, column = f.ids
        used = ids.join(f.load.rows.select(ROW), on=ROW, how="semi")
        parts.append(
            used.with_columns(
                pl.lit(k, pl.Int32).alias(_ORDER),
                pl.lit(f.load.report.file).alias(FILE),
                pl.lit(column, pl.Int64).alias("__column"),
            )
        )
    if len(parts) < 2:
        return {}
    every = pl.concat(parts, how="vertical_relaxed")
    # Each id's first file: a file's own repeats are said by that file, so only rows of a
    # later file are refused here, each naming the first row of the first file.
    first = (
        every.sort(_ORDER, ROW)
        .group_by("id", maintain_order=True)
        .first()
        .select(
            "id",
            pl.col(_ORDER).alias("__first_order"),
            pl.col(FILE).alias("__first_file"),
            pl.col(ROW).alias("__first_row"),
        )
    )
    later = every.join(first, on="id").filter(pl.col(_ORDER) != pl.col("__first_order"))
    out: dict[str, dict[int, Issue]] = {}
    for rec in later.sort(_ORDER, ROW).iter_rows(named=True):
        out.setdefault(rec[FILE], {})[int(rec[ROW])] = Issue(
            rec[FILE],
            int(rec[ROW]),
            int(rec["__column"]),
            "duplicate-submission",
            f"submission {rec['id']!r} was already read in {rec['__first_file']} at row "
            f"{rec['__first_row']}; the first is kept",
            (),
            "error",
            "data",
            params={
                "variant": "files",
                "submission": str(rec["id"]),
                "file": str(rec["__first_file"]),
                "first": int(rec["__first_row"]),
            },
        )
    return out


def _without(load: SiteLoad, reasons: dict[int, Issue]) -> SiteLoad:
    """``load`` with the rows of ``reasons`` rejected for them: each takes its refused cells
    among its reasons, leaves the rows used for the rejected rows (and its visit for their
    plausibility checks), and says no repeat within its file, being no visit."""
    if not reasons:
        return load
    rows = sorted(reasons)
    gone = load.rows.filter(pl.col(ROW).is_in(rows))
    cells: dict[int, list[Issue]] = {}
    for i in load.report.rejected_cells:
        if i.line in reasons:
            cells.setdefault(i.line, []).append(i)
    missions = dict(gone.select(ROW, "mission").iter_rows())
    rejected = [
        RejectedRow(load.report.file, r, missions.get(r), (reasons[r], *cells.get(r, ())))
        for r in rows
    ]
    report = dataclasses.replace(
        load.report,
        rows_used=load.report.rows_used - len(rows),
        rows_rejected=load.report.rows_rejected + len(rows),
        rejected_cells=tuple(i for i in load.report.rejected_cells if i.line not in reasons),
    )
    lost = gone.select(*VISIT_COLUMNS, FILE, ROW)
    visits = load.rejected_visits
    return dataclasses.replace(
        load,
        rows=load.rows.filter(~pl.col(ROW).is_in(rows)),
        report=report,
        rejected=JoinedRows([load.rejected, rejected]),
        issues=tuple(
            i for i in load.issues if not (i.code == "duplicate-row" and i.line in reasons)
        ),
        rejected_visits=lost
        if visits is None or not visits.height
        else pl.concat([visits, lost], how="vertical_relaxed"),
    )


def _repeated_visits(loads: Sequence[SiteLoad]) -> dict[str, list[Issue]]:
    """By file, a warning for each used row repeating cell for cell a visit of an earlier
    file (mission, place, observer, time and every answer), naming that file's row."""
    used = [(k, load.rows) for k, load in enumerate(loads) if load.rows.height]
    if len(used) < 2:
        return {}
    # Rows repeating each other share their mission, place, observer and time: only rows
    # whose few such cells another file has too are compared cell for cell, and these few
    # columns alone are gathered from every file (a file's text columns may be categories in
    # one and texts in another: hashed as texts).
    ident = [c for c in _IDENT if all(c in rows.columns for _, rows in used)]
    if not ident:
        return {}
    height = sum(rows.height for _, rows in used)
    if "site" in ident:
        # With every site hash distinct (a site id per visit), no two rows share their keys:
        # one column hashed tells as much as all of them.
        sites = pl.concat([rows.lazy().select(pl.col("site").cast(pl.String)) for _, rows in used])
        if sites.select(pl.col("site").hash().n_unique()).collect().item() == height:
            return {}
    keys = pl.struct(pl.col("mission", *ident).cast(pl.String)).hash().alias("__key")
    narrow = pl.concat(
        [rows.lazy().select(keys, ROW, pl.lit(k, pl.Int32).alias(_ORDER)) for k, rows in used]
    ).collect()
    if narrow["__key"].n_unique() == height:
        return {}
    shared = narrow.filter(pl.col(_ORDER).n_unique().over("__key") > 1)
    if not shared.height:
        return {}
    parts = []
    for k, rows in used:
        these = shared.filter(pl.col(_ORDER) == k).select(ROW)
        if these.height:
            parts.append(
                rows.join(these, on=ROW, how="semi").with_columns(pl.lit(k, pl.Int32).alias(_ORDER))
            )
    cand = pl.concat(parts, how="diagonal_relaxed").filter(
        pl.any_horizontal(pl.col(c).is_not_null() for c in ident)
    )
    content = [c for c in cand.columns if c not in _NOT_COMPARED and c != _ORDER]
    whole = pl.struct(*content)
    # The first of each visit: the earliest file, and its first row there.
    first = cand.with_columns(pl.col(_ORDER).min().over(whole).alias("__first_order")).with_columns(
        pl.col(ROW)
        .filter(pl.col(_ORDER) == pl.col("__first_order"))
        .min()
        .over(whole)
        .alias("__first_row"),
        pl.col(FILE)
        .filter(pl.col(_ORDER) == pl.col("__first_order"))
        .first()
        .over(whole)
        .alias("__first_file"),
    )
    # A repeat within the first file is said by that file's own check.
    later = first.filter(pl.col(_ORDER) != pl.col("__first_order")).sort(_ORDER, ROW)
    out: dict[str, list[Issue]] = {}
    for rec in later.select(FILE, ROW, "__first_file", "__first_row").iter_rows():
        file, row, other, at = rec
        out.setdefault(file, []).append(
            Issue(
                file,
                int(row),
                None,
                "duplicate-row",
                f"repeats row {at} of {other} cell for cell (site, observer and time "
                "included); both count as visits",
                (),
                "warning",
                "data",
                params={"variant": "files", "file": str(other), "first": int(at)},
            )
        )
    return out
