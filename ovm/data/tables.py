"""Reading CSV and XLSX tables as text, keeping the row number each record had in its file."""

from __future__ import annotations

import codecs
import contextlib
import csv
import functools
import io
import math
import mmap
import os
import re
import sys
import zipfile
from collections.abc import Collection, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl

from ovm.errors import Issue
from ovm.files import os_error_params

ROW = "_row"
"""Column holding the 1-based row number of a record as a spreadsheet shows it (header = 1)."""
BLANKS = (
    "\t\n\x0b\x0c\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007"
    "\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
"""What Polars' ``strip_chars()`` strips (Unicode White_Space); Python's ``str.strip()`` would
also strip the separators U+001C to U+001F, so one cell could read differently by reader."""

GIB = 1024**3
MIB = 1024**2
SIZE_LIMITS = {".csv": GIB, ".tsv": GIB, ".txt": GIB, ".parquet": 256 * MIB, ".xlsx": 100 * MIB}
"""The largest table file ovm reads, by format, checked before anything is parsed. A CSV is read
into memory about as large as the file; a Parquet file is compressed and holds several times
its size; a workbook is parsed cell by cell, ten times slower than a CSV of the same data."""
SIZE_LIMITS[".xlsm"] = SIZE_LIMITS[".xlsx"]
MAX_XLSX_CONTENT = GIB
"""The most a workbook may hold once unzipped (its sheets, strings and styles): a small file
that unzips to more (a zip bomb) is refused from the zip's directory, before anything is read."""
MAX_CELL_CHARS = 10 * 1024**2
"""A cell longer than this (a pasted document, not a note) is refused; the row is kept."""

# Python's reader refuses a field over 128 KiB by default; one over the cell limit is still
# read, so it can be refused with its place rather than crash the run.
csv.field_size_limit(max(csv.field_size_limit(), MAX_CELL_CHARS * 4 + 1))


def _data_issue(
    name: str,
    code: str,
    message: str,
    line: int | None = None,
    column: int | None = None,
    **params: Any,
) -> Issue:
    return Issue(name, line, column, code, message, (), "error", "data", params=params)


def _refused(
    name: str,
    code: str,
    message: str,
    line: int | None = None,
    column: int | None = None,
    **params: Any,
) -> tuple[None, list[Issue], str]:
    """What a reader returns for a table it cannot read at all: no frame, one issue."""
    return None, [_data_issue(name, code, message, line, column, **params)], name


def _size_text(n: int) -> str:
    if n >= GIB and n % GIB == 0:
        return f"{n // GIB} GiB"
    if n >= MIB and n % MIB == 0:
        return f"{n // MIB} MiB"
    return f"{n:,} bytes"


@functools.lru_cache(maxsize=64)
def _unzipped_size(path: str, size: int, mtime_ns: int, inode: int) -> int | None:
    """What a workbook holds unzipped, from its zip directory; None for no zip file. Kept by
    the file's size, time and inode: a workspace checks a table before reading it, and the
    directory is read once for both."""
    try:
        with zipfile.ZipFile(path) as zf:
            return sum(i.file_size for i in zf.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None


def size_problem(path: Path) -> tuple[str, dict[str, Any]] | None:
    """Why a table file is too large to read (over :data:`SIZE_LIMITS` for its format, or a
    workbook unzipping to more than :data:`MAX_XLSX_CONTENT`): the message and its parts by
    name; or None. Only the file's size and a workbook's zip directory are looked at."""
    suffix = path.suffix.lower()
    limit = SIZE_LIMITS.get(suffix)
    try:
        size = path.stat().st_size
    except OSError:
        return None  # the reader says what is wrong with it
    if limit is not None and size > limit:
        book = suffix in (".xlsx", ".xlsm")
        kind = "workbook" if book else f"{suffix[1:].upper()} table"
        params = {"size": size, "limit": _size_text(limit)}
        return (
            f"{size:,} bytes; the limit for a {kind} is {_size_text(limit)}: split it into "
            "several files, each named in ovm.yaml"
            + (", or save it as CSV or Parquet" if kind == "workbook" else ""),
            {"variant": "workbook", **params}
            if book
            else {"variant": "table", "format": suffix[1:].upper(), **params},
        )
    if suffix in (".xlsx", ".xlsm") and path.is_file():
        st = path.stat()
        content = _unzipped_size(str(path), st.st_size, st.st_mtime_ns, st.st_ino)
        if content is None:
            return None  # not a workbook: the reader says so
        if content > MAX_XLSX_CONTENT:
            return (
                f"the workbook unzips to {content:,} bytes; the limit is "
                f"{_size_text(MAX_XLSX_CONTENT)}: split it into several files, or save it "
                "as CSV or Parquet",
                {"variant": "unzipped", "size": content, "limit": _size_text(MAX_XLSX_CONTENT)},
            )
    return None


def cell_text(value: object) -> str | None:
    """A workbook cell's value as the text a CSV would hold; None for an empty cell."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        if math.isfinite(value) and value == int(value) and abs(value) < 2**53:
            return str(int(value))
        return repr(value)
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    text = str(value)
    return text if text.strip(BLANKS) != "" else None


def read_table(
    path: Path,
    *,
    sheet: str | None = None,
    verbatim: Collection[str] = (),
    export: bool = False,
    likely: Mapping[str, Collection[str]] | None = None,
) -> tuple[pl.DataFrame | None, list[Issue]]:
    """Read a CSV or XLSX file as text columns plus :data:`ROW` (see :func:`read_named_table`)."""
    df, issues, _ = read_named_table(
        path, sheet=sheet, verbatim=verbatim, export=export, likely=likely
    )
    return df, issues


def read_named_table(
    path: Path,
    *,
    sheet: str | None = None,
    verbatim: Collection[str] = (),
    export: bool = False,
    likely: Mapping[str, Collection[str]] | None = None,
) -> tuple[pl.DataFrame | None, list[Issue], str]:
    """Read a CSV or XLSX file as text columns plus :data:`ROW`; problems come back as issues.

    Cells are stripped of surrounding blanks, and blank cells are null; a CSV or Parquet column
    named in ``verbatim`` keeps its cells as written (in a CSV, empty ones still null), as
    categories no other table shares (or an enumeration of them), for a reader that cleans its
    few distinct values itself.
    ``export``: the file is a KoboToolbox or ODK Central export,
    whose CSV may be separated by ``;`` (Kobo's default) and is read so. A file over its
    format's size limit (:func:`size_problem`) is refused before it is opened. ``likely``:
    texts a verbatim column is expected to hold (a checklist's answer words), which let a
    large CSV be read faster (:func:`_enumerations`); what the table gives is the same.
    """
    name = table_name(path, sheet)
    if not path.exists():
        return _refused(name, "file-not-found", "no such file", variant="table")
    too_large = size_problem(path)
    if too_large is not None:
        return _refused(name, "file-too-large", too_large[0], **too_large[1])
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path, sheet)
    if suffix == ".parquet":
        df, issues = _read_parquet(path, set(verbatim))
        return without_blank_rows(df), issues, name
    if suffix not in (".csv", ".txt", ".tsv"):
        return _refused(
            name,
            "unsupported-format",
            f"cannot read {suffix or 'a file without extension'}: use CSV, XLSX or Parquet",
            None,
            None,
            variant="suffix" if suffix else "none",
            suffix=suffix,
        )
    df, issues = _read_csv(
        path, "\t" if suffix == ".tsv" else ",", set(verbatim), export, likely or {}
    )
    df, unnamed = _without_unnamed_columns(df, name)
    return without_blank_rows(df), issues + unnamed, name


UNNAMED = "\x00unnamed "
"""The start of the name an unnamed column is read under (then its number): no header of a
table is so named, its blanks trimmed. A loader reads no such column (:func:`unnamed`); it is
there so that the columns after it keep their numbers."""


def unnamed(column: str) -> bool:
    """Whether a table's column is one without a name (``empty-header``), to be left unread."""
    return column.startswith(UNNAMED)


def _placeholders(names: list[str]) -> list[str]:
    """Column names with each empty one named :data:`UNNAMED` and its column number."""
    return [h or f"{UNNAMED}{j}" for j, h in enumerate(names, start=1)]


def _only_unnamed(issues: list[Issue]) -> bool:
    """Whether a header's only problems are columns without a name: the table is still read
    (under :data:`UNNAMED` names), so that every other problem of the file is said beside
    them."""
    return all(i.code == "empty-header" for i in issues)


def _without_unnamed_columns(
    df: pl.DataFrame | None, name: str
) -> tuple[pl.DataFrame | None, list[Issue]]:
    """A CSV table without the unnamed columns after its last named one when no cell of theirs
    is filled (Excel writes such columns: they carry nothing); an ``empty-header`` error for
    each other unnamed column (its values would be lost, or it stands among the named ones),
    which stays in the table, unread, so that the columns after it keep their numbers."""
    if df is None:
        return None, []
    columns = [c for c in df.columns if c != ROW]
    last = max((j for j, c in enumerate(columns) if not unnamed(c)), default=-1)
    empty_at_end = [
        c
        for j, c in enumerate(columns)
        if j > last and unnamed(c) and df.get_column(c).null_count() == df.height
    ]
    # Filled or not, a column among the named ones is refused; after them, all are refused
    # once one is filled (as a workbook's cell beyond its header is).
    if last >= 0 and len(empty_at_end) == len(columns) - 1 - last:
        df = df.drop(empty_at_end)
    kept = [c for c in df.columns if unnamed(c)]
    return df, [
        Issue(
            name,
            1,
            int(c.removeprefix(UNNAMED)),
            "empty-header",
            "a column has no name",
            (),
            "error",
            "data",
        )
        for c in kept
    ]


def without_blank_rows(df: pl.DataFrame | None) -> pl.DataFrame | None:
    """A table without its blank rows (no cell filled: each empty, or blanks only), which are
    no data: a blank line of a CSV, a row left empty between a workbook's records. The other
    rows keep their numbers in the file.

    A text column's blank cells are already null; a verbatim column (categories) may hold
    blanks as written. Where some column has no blank cell at all, no row is blank and no cell
    is looked at (a checklist's mission column is filled on every row)."""
    if df is None or df.height == 0:
        return df
    columns = [c for c in df.columns if c != ROW]
    schema = df.schema
    nulls = {c: df.get_column(c).null_count() for c in columns}
    # A text column's blank cells are null: one without a null has no blank cell. The texts of
    # categories are looked at only when no such column tells.
    if any(nulls[c] == 0 and schema[c] == pl.String for c in columns):
        return df
    blank: list[pl.Expr] = []
    for c in columns:
        # By place: a header such as ``*`` or ``^q.*$`` is a name, where pl.col reads a pattern.
        cell = pl.nth(df.columns.index(c))
        if schema[c] == pl.String:
            blank.append(cell.is_null())
            continue
        texts = _category_texts(schema[c])
        if texts is None:
            blank.append(cell.is_null() | (cell.cast(pl.String).str.strip_chars(BLANKS) == ""))
            continue
        blanks = [t for t in texts.drop_nulls().to_list() if not t.strip(BLANKS)]
        if nulls[c] == 0 and not blanks:
            return df
        blank.append(
            cell.is_null() | cell.cast(pl.String).is_in(blanks) if blanks else cell.is_null()
        )
    return df.filter(~pl.all_horizontal(blank))


def _parquet_text(place: int, dtype: pl.DataType) -> pl.Expr | None:
    """A Parquet column (by its place from 0: a name such as ``*`` or ``^q.*$`` is no pattern)
    as the text a CSV would hold (as :func:`cell_text` writes a workbook's cells); None for a
    type no table cell can be (lists, structs, binary)."""
    col = pl.nth(place)
    if dtype == pl.String:
        return col
    if dtype == pl.Boolean:
        return pl.when(col).then(pl.lit("yes")).when(col.not_()).then(pl.lit("no"))
    if dtype.is_float():
        whole = col.is_finite() & (col == col.round(0)) & (col.abs() < 2**53)
        return (
            pl.when(whole)
            .then(col.cast(pl.Int64, strict=False).cast(pl.String))
            .otherwise(col.cast(pl.String))
        )
    if isinstance(dtype, pl.Datetime):
        # ISO 8601 as Python writes it: a 'T', fractions only when there are any.
        zone = "%:z" if dtype.time_zone else ""
        return col.dt.to_string(f"%Y-%m-%dT%H:%M:%S%.f{zone}")
    if dtype.is_numeric() or dtype.is_temporal():
        return col.cast(pl.String)
    if dtype == pl.Categorical or isinstance(dtype, pl.Enum):
        return col.cast(pl.String)
    return None


def _read_parquet(path: Path, verbatim: set[str]) -> tuple[pl.DataFrame | None, list[Issue]]:
    """A Parquet table read as text, like a CSV: its columns scanned lazily and collected once."""
    name = str(path)

    def unreadable(message: str, column: int | None = None, **params: Any) -> list[Issue]:
        return [
            Issue(
                name,
                1,
                column,
                "unreadable-table",
                message[:200],
                (),
                "error",
                "data",
                params=params,
            )
        ]

    try:
        lazy = pl.scan_parquet(path)
        schema = lazy.collect_schema()
    except (pl.exceptions.PolarsError, OSError) as exc:
        return None, unreadable(
            f"not a readable Parquet file: {exc}", variant="parquet", detail=_detail(exc)
        )
    headers = list(schema.names())
    issues = _header_issues(name, headers)
    if issues:
        return None, issues
    texts = []
    # Column names are trimmed, as a CSV's are.
    trimmed = _column_names(headers)
    # Verbatim columns as categories of the file's own (a CSV's columns have theirs each):
    # each distinct text is kept once while the file is read, not cast again by the reader
    # that codes them.
    own = file_categories()
    for j, (col, dtype) in enumerate(schema.items(), start=1):
        text = _parquet_text(j - 1, dtype)
        if text is None:
            return None, unreadable(
                f"column {col!r} holds {dtype}, not table cells",
                j,
                variant="column",
                name=col,
                type=str(dtype),
            )
        if trimmed[j - 1] not in verbatim:
            text = text.str.strip_chars().replace("", None)
        else:
            text = text.cast(own)
        texts.append(text.alias(trimmed[j - 1]))
    try:
        df = (
            lazy.select(texts)
            .with_row_index(ROW, offset=2)
            .with_columns(pl.col(ROW).cast(pl.Int64))
            .collect()
        )
    except (pl.exceptions.PolarsError, OSError) as exc:
        return None, unreadable(
            f"not a readable Parquet file: {exc}", variant="parquet", detail=_detail(exc)
        )
    return _long_cells(df, name)


def _detail(exc: BaseException) -> str:
    """The reading library's own words on a file it refused, quoted as a detail: its first
    line, shortened."""
    text = str(exc).strip().splitlines()
    return (text[0] if text else type(exc).__name__)[:120]


def table_name(path: Path, sheet: str | None = None) -> str:
    """How issues name a table: the file, and the sheet of a workbook (``data.xlsx[answers]``)."""
    if sheet is not None and path.suffix.lower() in (".xlsx", ".xlsm"):
        return f"{path}[{sheet}]"
    return str(path)


def _separator(line: str) -> str:
    """The mark a header line is most separated by, outside its quoted fields: ``;`` or a
    tab where either outnumbers the commas, else ``,``. An export's labels ("Ciudad, país")
    hold commas of their own, which say nothing of the separator."""
    quoted = False
    counts = {",": 0, ";": 0, "\t": 0}
    for ch in line:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    # On a tie the comma wins: a header may hold a ';' or a tab of its own.
    return max(counts, key=lambda mark: (counts[mark], mark == ","))


Bytes = bytes | mmap.mmap
"""A file's bytes: read into memory, or mapped (:func:`_file_bytes`)."""

MAP_FROM = 48 * MIB
"""The size from which a CSV file is mapped rather than read into memory: Polars then parses
the file itself, and the checks read the map; copying the file first took a fifth of the
time Polars takes to parse it, before the parse could start. Its bytes are then counted with
NumPy (the size of :data:`COUNT_WITH_NUMPY_FROM`: a map has no ``count``).

A file written or replaced meanwhile is read again (:func:`_changed`); one cut shorter in
place while it is read (another program truncating it to write it anew) ends the process
with a bus error, as it does any program that maps the file, Polars reading a path among
them. Programs that save a file whole write a new one and rename it, which a map survives."""


def _file_bytes(path: Path, mapped: bool) -> tuple[Bytes, tuple[int, int, int] | None]:
    """A file's bytes, mapped (when ``mapped`` and from :data:`MAP_FROM` bytes) with the
    stamp it had then (see :func:`_stamp`); else read, with no stamp."""
    with path.open("rb") as fh:
        if mapped:
            st = os.fstat(fh.fileno())
            # An empty file cannot be mapped.
            if st.st_size >= max(1, MAP_FROM):
                try:
                    return mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ), _stamp(st)
                except (OSError, ValueError):
                    # A file system that cannot map files (some network or FUSE mounts).
                    pass
        return fh.read(), None


def _polars_source(raw: Bytes, path: Path) -> bytes | Path:
    """What Polars parses a file from: its bytes read into memory, or, for a mapped file, the
    file itself (Polars maps it on its own)."""
    return raw if isinstance(raw, bytes) else path


def _stamp(st: os.stat_result) -> tuple[int, int, int]:
    """What tells that a file was written or replaced: its size, time of change and inode."""
    return st.st_size, st.st_mtime_ns, st.st_ino


def _header(raw: Bytes) -> str:
    """The first line of a file's bytes, decoded as a text file reads it (a byte-order mark
    left out, any line ending). Of a map, the line and four of the text reader's chunks past
    it are copied: it decodes a chunk at a time, at most two past the line's end, so it meets
    the same bytes (and the same undecodable one) as in the whole file."""
    if isinstance(raw, mmap.mmap):
        end = raw.find(b"\n")
        raw = raw[: end + 1 + 4 * io.DEFAULT_BUFFER_SIZE] if end >= 0 else raw[:]
    return io.TextIOWrapper(io.BytesIO(raw), encoding="utf-8-sig", newline="").readline()


def _read_csv(
    path: Path,
    sep: str,
    verbatim: set[str],
    export: bool = False,
    likely: Mapping[str, Collection[str]] | None = None,
    mapped: bool = True,
) -> tuple[pl.DataFrame | None, list[Issue]]:
    name = str(path)
    # The file is read from disk once: its header, the checks below and Polars all read
    # these bytes (or, for a large file, the file mapped: Polars parses the file itself).
    try:
        raw, stamp = _file_bytes(path, mapped)
        header_line = _header(raw)
    except UnicodeDecodeError as exc:
        return None, [_encoding_issue(path, exc)]
    except OSError as exc:
        return None, [
            _data_issue(name, "invalid-encoding", f"cannot read: {exc}", 1, **os_error_params(exc))
        ]
    # The map is closed on the way out, not when a traceback holding it is collected (an
    # error Polars raised refers to the frames that read it): a file mapped is held open,
    # which on some systems keeps it from being saved over or deleted.
    mapping = raw if isinstance(raw, mmap.mmap) else None
    failed: Exception | None = None
    try:
        headers = next(csv.reader(io.StringIO(header_line), delimiter=sep), [])
        separator = _separator(header_line)
        if export and sep == "," and separator == ";":
            # KoboToolbox writes ';' by default; its exports quote text and write '.' decimals,
            # so unlike a spreadsheet's ';' file nothing here is ambiguous.
            sep = ";"
            headers = next(csv.reader(io.StringIO(header_line), delimiter=sep), [])
        elif sep == "," and separator == ";":
            # Not read with ';': such files write decimal commas, and '12,500' would be 12500.
            return None, [
                _data_issue(
                    name,
                    "wrong-separator",
                    # XLSX first: Excel under such a locale writes its "CSV UTF-8" with ';' too.
                    "the header is separated by ';' (Excel in a Spanish or European locale): "
                    "save the file as XLSX (under that locale Excel writes ';' and decimal commas "
                    "in its CSV files too)",
                    1,
                    1,
                    variant="table",
                )
            ]
        elif sep == "," and separator == "\t":
            # Excel's "Text (tab delimited)", saved under a .txt or .csv name: read with ',' each
            # row would be one cell, and the header one column no table takes.
            return None, [
                _data_issue(
                    name,
                    "wrong-separator",
                    'the header is separated by tabs (Excel\'s "Text (tab delimited)"): save the '
                    "file as XLSX, or name it .tsv to have it read as separated by tabs",
                    1,
                    1,
                    variant="tab",
                )
            ]
        issues = _header_issues(name, headers)
        if not _only_unnamed(issues):
            return None, issues
        # Unnamed columns are read under names of their own, then left out if empty at the end
        # (Excel writes them) or refused (:func:`_without_unnamed_columns`).
        trimmed = _placeholders(_column_names(headers))
        # A verbatim column holds a few distinct cells: read as categories, each cell's text is
        # kept once and its reader codes the column from the distinct texts. Each verbatim column
        # has categories of its own, which are then the column's distinct texts; in a large file,
        # an enumeration of the texts expected, the column's first (:func:`_enumerations`).
        kept = [h for h, t in zip(headers, trimmed, strict=True) if t in verbatim]
        trimmed_of = dict(zip(headers, trimmed, strict=True))

        def read(data: bytes | Path, physical: type[pl.DataType]) -> pl.DataFrame:
            return pl.read_csv(
                data,
                separator=sep,
                infer_schema=False,
                schema_overrides={h: file_categories(physical) for h in kept} or None,
                encoding="utf8",
                truncate_ragged_lines=False,
                # A path is the file's: ``[1]`` or ``*`` in its name is no pattern of others.
                glob=False,
            )

        source = _polars_source(raw, path)

        def parse(data: bytes | Path, sampled: Bytes) -> pl.DataFrame:
            if not kept:
                return read(data, pl.UInt32)
            expected = _enumerations(sampled, sep, kept, trimmed_of, likely or {})
            if expected is not None:
                try:
                    return _read_compared(data, sep, expected)
                except (pl.exceptions.ComputeError, pl.exceptions.InvalidOperationError):
                    # A text neither the sample nor the likely answers hold (or a record Polars
                    # refuses, which the reading below meets again and reports as it always does).
                    pass
            try:
                # Answers are a few texts a column: numbered in a byte, each cell is a quarter
                # of the memory to write while parsing and to read while coding.
                return read(data, pl.UInt8)
            except pl.exceptions.ComputeError:
                # A column of more distinct texts than a byte numbers (free text where answers
                # were expected) is read again with 32-bit numbers; any other error recurs there.
                return read(data, pl.UInt32)

        # Polars parses the records on its threads while this one checks the
        # same bytes for what Polars would read silently (below).
        with ThreadPoolExecutor(1) as pool:
            parsing = pool.submit(parse, source, raw)
            checked = _check_bytes(raw, path, sep, len(headers))
            try:
                df = parsing.result()
            except Exception as exc:
                failed = exc
            else:
                failed = None
        if stamp is not None and _changed(path, stamp):
            # Written meanwhile: Polars and the checks may have read different bytes. Read into
            # memory, they read the same.
            del raw
            return _read_csv(path, sep, verbatim, export, likely, mapped=False)
        # What Polars makes of a file is the file's doing only when Polars or the system says
        # so: any other error is the program's, raised even beside a quote never closed.
        if failed is not None and not isinstance(failed, pl.exceptions.PolarsError | OSError):
            raise failed
        # A quote never closed is reported whatever Polars made of the file.
        if isinstance(checked, Issue):
            return None, [checked]
        if isinstance(failed, pl.exceptions.ComputeError | pl.exceptions.NoDataError | OSError):
            return _read_csv_slow(path, sep, str(failed))
        if failed is not None:
            raise failed
        if df.width != len(headers):
            # Polars saw another header: lines ended by a lone CR (Excel's "CSV (Macintosh)")
            # read as one line. Python's reader takes every line ending.
            return _read_csv_slow(path, sep, "lines ended by a lone carriage return")
        if checked.short_rows(raw, path, sep, len(headers), df.height):
            # Polars pads a short row with empty fields without a word; the slow path names each.
            return _read_csv_slow(path, sep, "rows with too few fields")
        size = len(raw)
        del raw
        # Column names are trimmed, as cells are (and as in a workbook); every text column is
        # cleaned but the verbatim ones, which are categories, once the bytes are let go.
        df.columns = trimmed
        df = df.with_columns(pl.col(pl.String).str.strip_chars().replace("", None))
        # A record spanning several lines (quoted newline) shifts line numbers; rows are records.
        df = df.with_row_index(ROW, offset=2).with_columns(pl.col(ROW).cast(pl.Int64))
        if size <= MAX_CELL_CHARS:
            # No cell of a text file has more characters than the file has bytes.
            return df, []
        return _long_cells(df, name)
    finally:
        # The error is let go with this frame (it refers to it: a cycle otherwise).
        failed = None
        if mapping is not None:
            with contextlib.suppress(BufferError):
                mapping.close()


ENUMERATE_FROM = 4 * MIB
"""The size from which a CSV's verbatim columns are first read as enumerations of the texts
they hold (:func:`_enumerations`): Polars looks each cell up in a fixed table, a fifth less of
the whole parse than numbering each new text in categories of the column's own, which its
threads share. Below, the sample would be much of the file."""
SAMPLE_SLICES = 16
SAMPLE_BYTES = 16 * 1024
"""A sample of a large CSV's records: this many slices of whole lines, of at most this many
bytes each, spread over the file."""
COMPARED_TEXTS = 4
"""The most texts a large CSV's sample may hold in a verbatim column for that column to be read
by comparing each cell with them (:func:`_read_compared`); one with more is looked up in its
enumeration."""


@dataclass(frozen=True)
class _Expected:
    """What a large CSV's verbatim columns are expected to hold (:func:`_enumerations`)."""

    types: dict[str, pl.Enum]
    """Each column's enumeration (by header): the sample's texts, then the likely ones."""
    sampled: dict[str, int]
    """How many of each enumeration's texts (its first) the sample held."""


def _enumerations(
    raw: Bytes,
    sep: str,
    kept: Sequence[str],
    trimmed: Mapping[str, str],
    likely: Mapping[str, Collection[str]],
) -> _Expected | None:
    """For each ``kept`` column (a header) of a large CSV file's bytes ``raw``, an enumeration
    of the texts its cells are expected to hold: those of a sample of the file's records, then
    the ``likely`` ones of its trimmed header that the sample lacks. None for a small file, or
    one whose sample cannot be read.

    Read with these, the verbatim columns are what categories of their own would give, cell for
    cell: an enumeration holds every text of its column (reading fails on any other), the
    sample's first. Its other texts are ``likely`` ones, or, where a quoted field holds line
    breaks, the sample's reading of lines that are not whole records: texts its column may
    lack, as categories shared with other columns would hold.
    """
    if len(raw) < ENUMERATE_FROM:
        return None
    start = raw.find(b"\n") + 1
    if start <= 0:
        return None
    pieces = []
    for k in range(SAMPLE_SLICES):
        at = start + k * (len(raw) - start) // SAMPLE_SLICES
        if k:
            at = raw.find(b"\n", at) + 1
            if at <= 0:
                break
        end = raw.rfind(b"\n", at, at + SAMPLE_BYTES) + 1
        if end > at:
            pieces.append(raw[at:end])
    if not pieces:
        # Records longer than a slice: nothing to expect.
        return None
    try:
        sample = pl.read_csv(
            raw[:start] + b"".join(pieces),
            separator=sep,
            infer_schema=False,
            columns=list(kept),
            encoding="utf8",
        )
    except pl.exceptions.PolarsError:
        return None
    # Every column's texts in one query: the parse waits for them, and this thread waits for
    # the interpreter's lock after each query (the command imports on its main thread
    # meanwhile), so a query a column would keep the parse waiting that much more.
    # Columns are picked by place: a header is the file's, and pl.col would read one such
    # as ``*`` or ``^q.*$`` as a pattern.
    texts = dict(
        zip(
            sample.columns,
            sample.select(
                pl.nth(k).drop_nulls().unique(maintain_order=True).implode()
                for k in range(sample.width)
            ).row(0),
            strict=True,
        )
    )
    out = {}
    for h in kept:
        seen = texts[h]
        known = set(seen)
        extra = [t for t in likely.get(trimmed[h], ()) if t not in known]
        out[h] = pl.Enum([*seen, *extra])
    return _Expected(out, {h: len(texts[h]) for h in kept})


def _read_compared(data: bytes | Path, sep: str, expected: _Expected) -> pl.DataFrame:
    """A large CSV file's bytes as ``pl.read_csv`` reads them with the enumerations ``expected``
    (the same frame, cell for cell and type for type), each verbatim column whose sample held
    a few texts (:data:`COMPARED_TEXTS`) made by comparing its cells with those texts. Read
    as an enumeration, a cell is hashed and looked up, which costs as much as parsing the
    file; compared with a few texts, a fraction of that. A column holding any other text is
    read again as its enumeration. Raises what Polars raises for a file it cannot read so,
    or for a text its column's enumeration lacks.

    The records are parsed, compared and let go a batch at a time (Polars' streaming engine):
    no column is held as text whole.
    """
    options: dict[str, Any] = {
        "separator": sep,
        "infer_schema": False,
        "encoding": "utf8",
        "truncate_ragged_lines": False,
        # A path is the file's: ``[1]`` or ``*`` in its name is no pattern of others.
        "glob": False,
    }
    lazy = pl.scan_csv(data, **options)
    names = lazy.collect_schema().names()
    # A column's coded cells and whether it missed a text go under names no header starts
    # with; the file's columns are picked by place, as a header like ``*`` is no pattern.
    tag = "\x00"
    while any(n.startswith(tag) for n in names):
        tag += "\x00"
    coded, compared, missed = {}, {}, {}
    for j, name in enumerate(names):
        enum = expected.types.get(name)
        if enum is None:
            continue
        cell = pl.nth(j)
        if expected.sampled[name] > COMPARED_TEXTS:
            coded[j] = cell.cast(enum)
            continue
        chain: Any = pl
        for text in enum.categories.head(expected.sampled[name]).to_list():
            chain = chain.when(cell == text).then(pl.lit(text).cast(enum))
        nothing = pl.lit(None).cast(enum)
        coded[j] = nothing if chain is pl else chain.otherwise(nothing)
        compared[j] = f"{tag}compared {j}"
        missed[j] = f"{tag}missed {j}"
    work = {j: compared.get(j, f"{tag}cast {j}") for j in coded}
    df = (
        lazy.with_columns(v.alias(work[j]) for j, v in coded.items())
        .select(
            *(pl.col(work[j]).alias(n) if j in work else pl.nth(j) for j, n in enumerate(names)),
            *(
                (pl.nth(j).is_not_null() & pl.col(compared[j]).is_null()).alias(missed[j])
                for j in compared
            ),
        )
        .collect(engine="streaming")
    )
    if not missed:
        return df
    flags = df.select(pl.col(list(missed.values())).any()).row(0)
    df = df.drop(list(missed.values()))
    again = [j for j, flag in zip(missed, flags, strict=True) if flag]
    if again:
        # Texts of the enumeration beyond the sample's (a likely answer met rarely).
        read = pl.read_csv(
            data,
            columns=again,
            schema_overrides={names[j]: expected.types[names[j]] for j in again},
            **options,
        )
        df = df.with_columns(read.get_column(names[j]) for j in again)
    return df


@dataclass(frozen=True)
class _Checked:
    """What :func:`_check_bytes` learnt of a CSV file's bytes before knowing its records.

    ``parsed``: the file has quotes (or a unit separator), and ``outside`` counts its
    separators outside quotes (None when Python's strict reader was needed, which then told
    ``ragged``); otherwise ``separators`` counts every separator byte.
    """

    parsed: bool
    outside: int | None = None
    ragged: bool | None = None
    separators: int = 0

    def short_rows(self, raw: Bytes, path: Path, sep: str, width: int, records: int) -> bool:
        """Whether any of the ``records`` Polars read from the file at ``path`` (its bytes
        ``raw``) has fewer fields than the header."""
        if not self.parsed:
            return _has_short_rows(raw, path, sep, width, records, self.separators)
        if self.ragged is not None:
            return self.ragged
        # No row has more fields than the header (Polars refuses one): with the separators
        # of a full row on every record, none has fewer. A blank line or a last line without
        # its line break is left to the strict reader.
        if raw[-1:] == b"\n" and self.outside == (records + 1) * (width - 1):
            return False
        return _python_scan(raw, path, sep, width)[1]


def _check_bytes(raw: Bytes, path: Path, sep: str, width: int) -> _Checked | Issue:
    """The counts of a CSV file's bytes that tell whether Polars read every record whole
    (:meth:`_Checked.short_rows`), or the issue of a quote never closed.

    Quoted fields may hold separators and line breaks, so lines are not records: where every
    quote opens, closes or doubles inside a field (what Python's strict reader takes), the
    separators outside quotes are counted column-wise; a file with any other quote, or a
    lone carriage return, goes through that reader, which locates a quote never closed. A
    unit separator in a file without quotes would confuse the line count of
    :func:`_has_short_rows`: it is counted so too.
    """
    # A map's find is a fast search; its ``in`` walks byte by byte.
    parsed = raw.find(b'"') >= 0 or raw.find(b"\x1f") >= 0
    if not parsed:
        return _Checked(False, separators=_count_byte(raw, sep))
    outside = _separators_outside_quotes(raw, sep)
    if outside is not None:
        return _Checked(True, outside)
    try:
        quote, ragged = _python_scan(raw, path, sep, width)
    except UnicodeDecodeError as exc:
        return _encoding_issue(path, exc)
    return quote if quote is not None else _Checked(True, None, ragged)


def file_categories(physical: type[pl.DataType] = pl.UInt32) -> pl.Categorical:
    """A categorical type of its own, not shared with any other table of the process: every
    text its columns hold is one of its categories (:func:`distinct_texts`). ``physical``:
    the unsigned integer type numbering them (``pl.UInt8`` numbers at most 255 texts: a column
    with more fails to be read as this type)."""
    return pl.Categorical(pl.Categories.random(physical=physical))


def distinct_texts(dtype: pl.DataType) -> pl.Series | None:
    """Every text of a categorical type made by :func:`file_categories`, or of an enumeration,
    as a Series of that type (each with its category number); None for another type, or for
    the categories every categorical column of the process shares."""
    texts = _category_texts(dtype)
    # A number reserved by a concurrent query may have no text yet.
    return None if texts is None else texts.drop_nulls().cast(dtype)


def _category_texts(dtype: pl.DataType) -> pl.Series | None:
    """The texts of a categorical type made by :func:`file_categories`, or of an enumeration,
    as text (null for a number reserved by a concurrent query without a text yet); None for
    another type, or for the categories every categorical column of the process shares."""
    if isinstance(dtype, pl.Enum):
        return dtype.categories
    if not isinstance(dtype, pl.Categorical) or dtype.categories.is_global():
        return None
    return dtype.categories.to_series()


def _texts_key(dtype: pl.DataType) -> object:
    """What columns of the same texts share: their categories' name, an enumeration's texts
    (equal enumerations are one type); None for another type."""
    if isinstance(dtype, pl.Enum):
        return tuple(dtype.categories.to_list())
    return categories_name(dtype) or None


def _short(texts: pl.Series) -> bool:
    """Whether no text of ``texts`` has more bytes (so more characters) than a cell may."""
    most = texts.str.len_bytes().max()
    return most is None or int(most) <= MAX_CELL_CHARS  # type: ignore[arg-type]


def categories_name(dtype: pl.DataType) -> str:
    """The name of a categorical type's categories ("" for another type)."""
    return dtype.categories.name() if isinstance(dtype, pl.Categorical) else ""


def _long_cells(df: pl.DataFrame, name: str) -> tuple[pl.DataFrame, list[Issue]]:
    """Cells over :data:`MAX_CELL_CHARS` emptied, each with a located warning: the row stays."""
    issues: list[Issue] = []
    columns = [c for c in df.columns if c != ROW]
    # A cell has no more characters than bytes: counting bytes (no UTF-8 decoding) clears
    # almost every column, and only a column with a cell of more bytes has its characters
    # counted. Columns of a file's own categories are cleared together by their few texts.
    schema = df.schema
    own: dict[object, pl.Series] = {}
    for c in columns:
        key = _texts_key(schema[c])
        if key is not None and key not in own:
            texts = _category_texts(schema[c])
            if texts is not None:
                own[key] = texts
    # A CSV's answer columns have categories each: their texts are measured together (a
    # long one, which is rare, has each such column's cells counted).
    cleared = dict.fromkeys(own, _short(pl.concat(list(own.values())))) if own else {}
    counted = [c for c in columns if not cleared.get(_texts_key(schema[c]), False)]
    places = {c: k for k, c in enumerate(df.columns)}
    by_column = dict(
        zip(
            counted,
            df.select(
                (
                    pl.nth(places[c]).cat
                    if isinstance(schema[c], pl.Categorical | pl.Enum)
                    else pl.nth(places[c]).str
                )
                .len_bytes()
                .max()
                for c in counted
            ).row(0)
            if counted
            else (),
            strict=True,
        )
    )
    longest = [by_column.get(c) for c in columns]
    for j, (c, n) in enumerate(zip(columns, longest, strict=True), start=1):
        if n is None or n <= MAX_CELL_CHARS:
            continue
        # By place, as above.
        cell = pl.nth(df.columns.index(c))
        df = df.with_columns(cell.cast(pl.String))
        long = df.filter(cell.str.len_chars() > MAX_CELL_CHARS)
        issues += [
            Issue(
                name,
                int(r),
                j,
                "cell-too-large",
                f"a cell of more than {MAX_CELL_CHARS} characters in {c!r} is left out: "
                "shorten it (keep the document elsewhere and give its name)",
                (),
                "warning",
                "data",
                params={"n": MAX_CELL_CHARS, "name": c},
            )
            for r in long[ROW].to_list()
        ]
        df = df.with_columns(
            pl.when(cell.str.len_chars() > MAX_CELL_CHARS).then(None).otherwise(cell).alias(c)
        )
    return df, issues


DENSE_QUOTES = 16
"""A block of a CSV file's bytes with at least one quote in this many is checked byte-wise
(:func:`_separators_outside_quotes`); one with fewer, quote by quote."""


def _separators_outside_quotes(raw: Bytes, sep: str) -> int | None:
    """How many separators of a CSV file's bytes ``raw`` lie outside quoted fields, when each
    quote opens a field (at its start), closes one (before a separator, a line break or the
    end) or is doubled inside one, and no carriage return ends a line alone; None for any
    other file, which Python's strict reader (:func:`_python_scan`) is left to read.

    Such a file is what that reader takes without an error, and its records are lines as
    Polars reads them. Every quote is found once; quotes alternate opening and closing, so
    which one a quote is follows from how many came before it.
    """
    import numpy as np

    data = np.frombuffer(raw, np.uint8)
    if _lone_carriage_return(raw, data):
        return None
    size = data.size
    start = len(codecs.BOM_UTF8) if raw[:3] == codecs.BOM_UTF8 else 0
    quote, separator = ord('"'), ord(sep)
    # The bytes a quote may follow when it opens a field, and precede when it closes one
    # (a quote: two quotes inside a field are one).
    bounds = np.zeros(256, bool)
    bounds[[separator, ord("\n"), ord("\r"), quote]] = True
    inside_quotes = 0
    total = inside = 0
    block = 1 << 18
    for i in range(start, size, block):
        chunk = data[i : i + block]
        is_sep = chunk == separator
        count = int(np.count_nonzero(is_sep))
        total += count
        is_quote = chunk == quote
        quotes = int(np.count_nonzero(is_quote))
        if quotes == 0:
            inside += count * inside_quotes
            continue
        if quotes * DENSE_QUOTES >= chunk.size:
            # Quotes on every field (a form's export): byte-wise passes cost less than a pass
            # per quote. After each byte, whether a field is open: an odd count of quotes so
            # far; a quote after which one is open opens it, the others close one.
            is_open = _odd_so_far(is_quote, inside_quotes)
            inside += int(np.count_nonzero(is_sep & is_open))
            bound = is_sep | is_quote | (chunk == ord("\n")) | (chunk == ord("\r"))
            opens = is_quote & is_open
            closes = is_quote & ~is_open
            # Each byte before an open quote and after a closing one: the block's own, then
            # the bytes beside it (the file's first or last has none to check).
            if (opens[1:] & ~bound[:-1]).any() or (closes[:-1] & ~bound[1:]).any():
                return None
            if opens[0] and i != start and not bounds[data[i - 1]]:
                return None
            if closes[-1] and i + chunk.size < size and not bounds[data[i + chunk.size]]:
                return None
            inside_quotes = int(is_open[-1])
            continue
        found = np.flatnonzero(is_quote)
        at = found + i
        opens, closes = (at[1::2], at[0::2]) if inside_quotes else (at[0::2], at[1::2])
        if not (bounds[data[np.maximum(opens - 1, 0)]] | (opens == start)).all():
            return None
        if not (bounds[data[np.minimum(closes + 1, size - 1)]] | (closes == size - 1)).all():
            return None
        if count:
            # Separators between consecutive quotes (and from the block's start when it
            # begins inside quotes): every other stretch is inside quotes. A quote is no
            # separator, so a stretch of one quote counts none.
            cuts = np.concatenate(([0], found)) if inside_quotes else found
            inside += int(np.add.reduceat(is_sep, cuts, dtype=np.int64)[0::2].sum())
        inside_quotes = (inside_quotes + found.size) & 1
    if inside_quotes:
        return None
    return total - inside


def _odd_so_far(flags: Any, odd: int) -> Any:
    """For each of the boolean array ``flags``, whether an odd number of them are true up to it
    (itself included), ``odd`` (0 or 1) counting as one more before the first.

    Eight flags at a time, as the bytes of a 64-bit word: three shifts give each byte the
    parity of its word's flags up to it, and the words' parities carried along give the rest,
    several times faster than a running parity byte by byte."""
    import numpy as np

    size = flags.size
    padded = np.zeros(-(-size // 8) * 8, np.uint8)
    padded[:size] = flags.view(np.uint8)
    words = padded.view("<u8")
    words ^= words << np.uint64(8)
    words ^= words << np.uint64(16)
    words ^= words << np.uint64(32)
    # A word's last byte holds its parity; each word takes those of the words before it.
    parity = (words >> np.uint64(56)).astype(np.uint8)
    before = np.bitwise_xor.accumulate(parity) ^ parity ^ np.uint8(odd)
    words ^= before.astype("<u8") * np.uint64(0x0101010101010101)
    return padded[:size].view(bool)


def _lone_carriage_return(raw: Bytes, data: Any) -> bool:
    """Whether a carriage return of a file's bytes (``data``, their NumPy view) ends a line
    alone, not followed by a line feed."""
    if isinstance(raw, bytes):
        return raw.count(b"\r") != raw.count(b"\r\n")
    if raw.find(b"\r") < 0:
        return False
    import numpy as np

    # A map has no count: returns and returns followed by a line feed are counted a block at
    # a time (each block one byte longer, for a pair across its end), as _count_byte counts.
    step = _BLOCK_BYTES
    pairs = sum(
        int(np.count_nonzero((block[:-1] == ord("\r")) & (block[1:] == ord("\n"))))
        for block in (data[i : i + step + 1] for i in range(0, data.size, step))
    )
    return _count_byte(raw, "\r") != pairs


def _python_scan(raw: Bytes, path: Path, sep: str, width: int) -> tuple[Issue | None, bool]:
    """One pass of Python's strict CSV reader over a file's bytes ``raw`` (``path`` names it):
    a quote that opens a field and never closes (it would swallow every later row), and
    whether any record has fewer or more fields than the header."""
    with io.TextIOWrapper(io.BytesIO(raw), encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh, delimiter=sep, strict=True)
        start = 1
        ragged = False
        try:
            for rec in reader:
                start = reader.line_num + 1
                ragged = ragged or bool(rec and len(rec) != width)
        except csv.Error:
            return (
                Issue(
                    str(path),
                    start,
                    None,
                    "stray-quote",
                    "a quoted field starts on this line and is never closed properly: "
                    "quote the whole field (doubling any quote inside it) or remove the "
                    "quote",
                    (),
                    "error",
                    "data",
                    params={},
                ),
                ragged,
            )
    return None, ragged


def _has_short_rows(
    raw: Bytes, path: Path, sep: str, width: int, records: int, separators: int
) -> bool:
    """Whether any of the ``records`` Polars read from a file without quotes (at ``path``, its
    bytes ``raw``, holding ``separators`` separator bytes) has fewer fields than the header."""
    # Polars refuses a row with too many fields, so no row has more than ``width``: with no
    # quotes, every separator byte separates two fields, and the file has ``width - 1`` of
    # them per record (header included) when no row is short. Polars does take one extra
    # empty field on a last line without a line break, silently: that file is counted line
    # by line.
    ends_line = raw[-1:] in (b"\n", b"\r")
    if ends_line and separators == (records + 1) * (width - 1):
        return False
    # A short row, or a blank line (a row of empty cells): count line by line.
    lines = pl.read_csv(
        _polars_source(raw, path),
        has_header=False,
        separator="\x1f",
        quote_char=None,
        infer_schema=False,
        new_columns=["line"],
        encoding="utf8",
        glob=False,
    )
    counts = lines["line"].str.count_matches(sep, literal=True) + 1
    return bool((counts != width).any())


COUNT_WITH_NUMPY_FROM = 48 * MIB
"""The size from which a file's bytes are counted with NumPy even when nothing has imported
it yet: importing NumPy takes about 0.05 s, as long as bytes.count takes over 45 MB (and
bytes.count holds the interpreter's lock, which the thread loading the other files of the
workspace waits for meanwhile); a smaller table read by itself leaves NumPy unimported."""


def _count_byte(raw: Bytes, char: str) -> int:
    """How many times the byte ``char`` occurs in ``raw``."""
    if isinstance(raw, bytes) and "numpy" not in sys.modules and len(raw) < COUNT_WITH_NUMPY_FROM:
        return raw.count(char.encode())
    # Another thread may be importing NumPy right now (a workspace reads its tables on two):
    # the import statement waits for that import to finish, where sys.modules would give the
    # half-made module.
    import numpy as np

    # NumPy compares the bytes several times faster than bytes.count, a block of a few MiB at
    # a time: one comparison of the whole file would write a mask as large as the file, and
    # small blocks cost no less CPU yet take the interpreter's lock back once each (the
    # comparison lets it go), each time waiting for the thread that holds it meanwhile, which
    # is importing while a command reads its table.
    data = np.frombuffer(raw, np.uint8)
    step = _BLOCK_BYTES
    return sum(
        int(np.count_nonzero(data[i : i + step] == ord(char))) for i in range(0, data.size, step)
    )


_BLOCK_BYTES = 1 << 23
"""Bytes of a file compared with NumPy at once (:func:`_count_byte`)."""


def _changed(path: Path, stamp: tuple[int, int, int]) -> bool:
    """Whether the file at ``path`` was written or replaced since it had ``stamp``."""
    try:
        return _stamp(path.stat()) != stamp
    except OSError:
        return True


def _read_csv_slow(path: Path, sep: str, reason: str) -> tuple[pl.DataFrame | None, list[Issue]]:
    """Row-by-row reading that locates ragged rows instead of failing the whole file."""
    name = str(path)
    issues: list[Issue] = []
    rows: list[list[str | None]] = []
    numbers: list[int] = []
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.reader(fh, delimiter=sep)
            headers = next(reader, [])
            for i, rec in enumerate(reader, start=2):
                if not rec:
                    # A blank line reads as a row of empty cells, as on the fast path.
                    rec = [""] * len(headers)
                if len(rec) != len(headers):
                    issues.append(
                        Issue(
                            name,
                            i,
                            None,
                            "ragged-row",
                            f"{len(rec)} field{'s' if len(rec) != 1 else ''} where the "
                            f"header has {len(headers)}",
                            (),
                            "error",
                            "data",
                            params={"n": len(rec), "header": len(headers)},
                        )
                    )
                    rec = (rec + [""] * len(headers))[: len(headers)]
                rows.append([c.strip(BLANKS) or None for c in rec])
                numbers.append(i)
    except UnicodeDecodeError as exc:
        return None, [_encoding_issue(path, exc)]
    except (OSError, csv.Error) as exc:
        return None, [
            _data_issue(
                name,
                "unreadable-table",
                f"{exc} ({reason[:120]})",
                variant="csv",
                detail=_detail(exc),
            )
        ]
    headers = _placeholders(_column_names(headers))
    data = {h: [r[j] for r in rows] for j, h in enumerate(headers)}
    df = pl.DataFrame(data, schema=dict.fromkeys(headers, pl.String))
    df = df.with_columns(pl.Series(ROW, numbers, dtype=pl.Int64))
    df, long = _long_cells(df, name)
    return df, issues + long


def _encoding_issue(path: Path, exc: UnicodeDecodeError) -> Issue:
    """Where a file stops being UTF-8, and what to do about it."""
    raw = path.read_bytes()
    # A reader's error counts from the chunk it was decoding: decode the file as a whole.
    start = exc.start
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as whole:
        start = whole.start
    head = raw[:start]
    # The column an editor shows: characters, not bytes (an en dash before it is 3 bytes);
    # everything before ``start`` decodes, and a byte-order mark is no character.
    before = head[head.rfind(b"\n") + 1 :].decode("utf-8").lstrip("\ufeff")
    return Issue(
        str(path),
        head.count(b"\n") + 1,
        len(before) + 1,
        "invalid-encoding",
        f"not UTF-8 (byte 0x{raw[start : start + 1].hex()}): save the file as 'CSV UTF-8' "
        "(Excel: Save As, CSV UTF-8; LibreOffice: character set Unicode (UTF-8))",
        (),
        "error",
        "data",
        params={"variant": "csv", "byte": raw[start : start + 1].hex()},
    )


def _column_names(headers: list[str]) -> list[str]:
    return [h.strip(BLANKS).lstrip("\ufeff").strip(BLANKS) for h in headers]


def _header_issues(name: str, headers: list[str]) -> list[Issue]:
    issues = []
    seen: dict[str, int] = {}
    for j, h in enumerate(_column_names(headers), start=1):
        if not h:
            issues.append(
                Issue(name, 1, j, "empty-header", "a column has no name", (), "error", "data")
            )
        elif h == ROW:
            # The readers number rows in a column of this name; a table's own would be
            # overwritten or collide with it.
            issues.append(
                Issue(
                    name,
                    1,
                    j,
                    "reserved-column",
                    f"column {h!r} has a name ovm keeps for row numbers: rename the column",
                    (),
                    "error",
                    "data",
                    params={"name": h},
                )
            )
        elif h in seen:
            issues.append(
                Issue(
                    name,
                    1,
                    j,
                    "duplicate-column",
                    f"column {h!r} appears twice (first at column {seen[h]})",
                    (),
                    "error",
                    "data",
                    params={"variant": "header", "name": h, "first": seen[h]},
                )
            )
        else:
            seen[h] = j
    if not headers:
        issues.append(_data_issue(name, "empty-file", "no header row", 1, 1))
    return issues


def _xlsx_errors() -> tuple[type[Exception], ...]:
    """What openpyxl raises for a file that is not a workbook or is damaged inside.

    openpyxl is imported only where a workbook is read: importing it takes longer than
    scoring a workspace of CSV files.
    """
    from openpyxl.utils.exceptions import InvalidFileException

    return (
        InvalidFileException,
        zipfile.BadZipFile,
        KeyError,
        OSError,
        ValueError,
        SyntaxError,
        EOFError,
    )


_NAME = rb"(?:[A-Za-z_][\w.-]*:)?"
_UNSAVED_FORMULA = re.compile(
    rb"(?:</" + _NAME + rb"f>|<" + _NAME + rb"f(?:\s[^>]*)?/>)"
    rb"(?!\s*<" + _NAME + rb"v(?:\s[^>]*)?>[^<]*[^<\s])"
)
"""The end of a cell's formula not followed by a saved value (a ``<v>`` holding more than
blanks): where a formula may lack its value. A workbook saved by Excel or LibreOffice has none."""
_SCAN_CHUNK = 1 << 20
_SCAN_KEEP = 1 << 16
"""Bytes of one chunk carried into the next, so that a formula's end and the value after it
are seen whole even where a chunk ends among them."""


def _formulas(path: Path, ws: Any) -> dict[int, dict[int, str]]:
    """The formula of each cell of a read-only sheet that has one, by row and column, when
    the sheet has a formula without a saved value; otherwise none are needed, and {}.

    A workbook saved by Excel or LibreOffice keeps each formula's last value, which is what
    is read; one written by a program may keep none. The sheet's XML is searched for a
    formula without a value first, so a sheet whose formulas all have theirs is parsed once.
    """
    from openpyxl import load_workbook

    member = getattr(ws, "_worksheet_path", None)
    # The sheet is read from the zip file the workbook has open, not from a second opening.
    archive = getattr(getattr(ws, "parent", None), "_archive", None)
    if isinstance(member, str):
        with contextlib.ExitStack() as stack:
            zf = (
                archive
                if isinstance(archive, zipfile.ZipFile)
                else stack.enter_context(zipfile.ZipFile(path))
            )
            fh = stack.enter_context(zf.open(member))
            window = b""
            while True:
                chunk = fh.read(_SCAN_CHUNK)
                window += chunk
                # Near the end of an unfinished window the value may still be to come: such a
                # formula is looked at again with the next chunk.
                edge = len(window) - (_SCAN_KEEP // 2 if chunk else 0)
                if any(m.end() <= edge for m in _UNSAVED_FORMULA.finditer(window)):
                    break
                if not chunk:
                    return {}
                window = window[-_SCAN_KEEP:]
    wb = load_workbook(path, read_only=True, data_only=False)
    try:
        out: dict[int, dict[int, str]] = {}
        for i, rec in enumerate(wb[ws.title].iter_rows(values_only=True), start=1):
            for j, v in enumerate(rec, start=1):
                text = v if isinstance(v, str) else getattr(v, "text", None)
                if isinstance(text, str) and text.startswith("="):
                    out.setdefault(i, {})[j] = text
        return out
    finally:
        wb.close()


def _formula_issue(name: str, row: int, column: int, formula: str) -> Issue:
    return Issue(
        name,
        row,
        column,
        "formula-without-value",
        f"the formula {formula[:60]!r} has no saved value: save the workbook in Excel or "
        "LibreOffice first (which stores each formula's value), or type the value",
        (),
        "error",
        "data",
        params={"formula": formula[:60]},
    )


def workbook_sheets(path: Path) -> list[tuple[str, bool]] | None:
    """The worksheets of a workbook in tab order, each with whether it is visible; None when
    the file is no readable workbook. Only the workbook's part listing its sheets is parsed (no
    cell, shared string or style): the sheets are known before the one table is read."""
    from openpyxl.reader.excel import ExcelReader

    # Whatever openpyxl raises for a damaged file: the table reader reports it, located.
    try:
        reader = ExcelReader(path, read_only=True)
    except Exception:
        return None
    try:
        reader.read_manifest()
        reader.read_workbook()
        return [
            (sheet.name, (sheet.state or "visible") == "visible")
            for sheet, rel in reader.parser.find_sheets()
            if "chartsheet" not in rel.Type
        ]
    except Exception:
        return None
    finally:
        reader.archive.close()


def missing_sheet_message(path: Path, sheet: str, sheets: Sequence[str]) -> str:
    """The one wording of a workbook lacking the sheet asked for."""
    return (
        f"{path.name} has no sheet {sheet!r} (its sheets: {', '.join(sheets)}): name one of "
        "them in `sheet:`"
    )


def missing_sheet_params(path: Path, sheet: str, sheets: Sequence[str]) -> dict[str, Any]:
    """The parts of :func:`missing_sheet_message`, by name."""
    return {"workbook": path.name, "sheet": sheet, "sheets": list(sheets)}


_QUOTED_IN_FORMAT = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]|_.|\*.')
"""What a number format shows as written, not as a code: quoted text, an escaped character,
a ``[colour]`` or ``[condition]``, and the padding and fill marks ``_x`` and ``*x``."""


def _percent_format_ids(wb: Any) -> frozenset[int]:
    """The number formats of a workbook's cell styles that show a number as a percentage
    (``0%``, ``0.0%``...): a cell of one stores 0.546 and shows 54.6%."""
    from openpyxl.styles.numbers import BUILTIN_FORMATS, BUILTIN_FORMATS_MAX_SIZE

    custom = getattr(wb, "_number_formats", ())
    out = set()
    for style in getattr(wb, "_cell_styles", ()):
        fid = style.numFmtId
        if fid < BUILTIN_FORMATS_MAX_SIZE:
            fmt = BUILTIN_FORMATS.get(fid, "General")
        elif fid - BUILTIN_FORMATS_MAX_SIZE < len(custom):
            fmt = custom[fid - BUILTIN_FORMATS_MAX_SIZE]
        else:
            continue
        if "%" in _QUOTED_IN_FORMAT.sub("", str(fmt)):
            out.add(fid)
    return frozenset(out)


def percent_text(value: float) -> str:
    """A number stored under a percent format as the percentage the cell shows, with every
    digit: 0.546 is ``54.6%`` (never 54.60000000000001)."""
    shown = Decimal(repr(float(value))).scaleb(2).normalize()
    return f"{shown:f}%"


def _shown_rows(ws: Any, percent: frozenset[int]) -> Iterator[tuple[object, ...]]:
    """A read-only sheet's rows of values, each number of a percent format as the percentage
    it shows (:func:`percent_text`); the values alone when no cell style has one."""
    if not percent:
        yield from ws.iter_rows(values_only=True)
        return
    for rec in ws.iter_rows():
        yield tuple(
            percent_text(v)
            if isinstance(v := c.value, int | float)
            and not isinstance(v, bool)
            and math.isfinite(v)
            and c.has_style
            and c.style_array.numFmtId in percent
            else v
            for c in rec
        )


def _read_xlsx(
    path: Path,
    sheet: str | None,
) -> tuple[pl.DataFrame | None, list[Issue], str]:
    from openpyxl import load_workbook

    name = str(path)
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except _xlsx_errors() as exc:
        return _refused(
            name,
            "unreadable-table",
            f"not a readable XLSX: {exc}"[:200],
            variant="xlsx",
            detail=_detail(exc),
        )
    try:
        if sheet is not None and sheet not in wb.sheetnames:
            message = missing_sheet_message(path, sheet, wb.sheetnames)
            params = missing_sheet_params(path, sheet, wb.sheetnames)
            return _refused(name, "missing-sheet", message, **params)
        ws = wb[sheet] if sheet else wb.worksheets[0]
        # Issues name the sheet too: a workbook's sheets share row and column numbers.
        name = f"{path}[{ws.title}]"
        formulas = _formulas(path, ws)
        # A percentage typed in a workbook ("54.6 %") is stored as 0.546 under a percent
        # format: read as the number stored, it would be a hundredth of what the cell shows.
        it = _shown_rows(ws, _percent_format_ids(wb))
        header = next(it, None)
        if header is None:
            return _refused(name, "empty-file", "no header row", 1, 1)
        # Header cells left empty after the last named one are no columns: a value under one
        # is refused below (``cell-without-header``).
        while header and cell_text(header[-1]) is None:
            header = header[:-1]
        headers = [str(h).strip(BLANKS) if h is not None else "" for h in header]
        issues = _header_issues(name, headers)
        if not _only_unnamed(issues):
            return None, issues, name
        # An unnamed column among the named ones is refused (above) and read under a name of
        # its own, unread by the loaders: the rest of the sheet is still checked.
        headers = _placeholders(headers)
        width = len(headers)
        cols: list[list[str | None]] = [[] for _ in headers]
        numbers: list[int] = []
        stray: list[Issue] = []
        for i, rec in enumerate(it, start=2):
            stray += [
                Issue(
                    name,
                    i,
                    width + 1 + k,
                    "cell-without-header",
                    "a value in a column that has no header",
                    (),
                    "error",
                    "data",
                )
                for k, v in enumerate(rec[width:])
                if cell_text(v) is not None
            ]
            for j in formulas.get(i, ()):
                if j <= len(rec) and rec[j - 1] is None:
                    stray.append(_formula_issue(name, i, j, formulas[i][j]))
            cells = [cell_text(v) for v in rec[:width]]
            if all(c is None for c in cells):
                # A blank row is no data (:func:`without_blank_rows`); a value beyond the
                # header is refused above.
                continue
            cells += [None] * (width - len(cells))
            for j, c in enumerate(cells):
                cols[j].append(c.strip(BLANKS) if isinstance(c, str) else c)
            numbers.append(i)
    except _xlsx_errors() as exc:
        return _refused(
            name,
            "unreadable-table",
            f"damaged XLSX: {exc}"[:200],
            variant="damaged",
            detail=_detail(exc),
        )
    finally:
        wb.close()
    # A formula without its value, or a value beyond the header, is an error at its cell; the
    # sheet is still read, without those values, so that its other problems are said too.
    df = pl.DataFrame(
        {h: cols[j] for j, h in enumerate(headers)}, schema=dict.fromkeys(headers, pl.String)
    )
    return df.with_columns(pl.Series(ROW, numbers, dtype=pl.Int64)), issues + stray, name
