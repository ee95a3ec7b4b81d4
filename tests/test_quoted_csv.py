"""CSV files with quoted fields read as Python's strict CSV reader reads them."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from ovm.data.tables import BLANKS, _odd_so_far, _separators_outside_quotes, read_table

CELLS = ["a", "b c", " d ", "", ",", '"', 'x"y', "\n", "\r\n", "e\nf", "é", "1,5", '""']


def _expected(text: str) -> tuple[list[tuple[int | None, str]], list[tuple[str | None, ...]]]:
    """The problems (line, code) and rows a file means, by Python's CSV reader."""
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""), strict=True)
    start, records = 1, []
    try:
        for rec in reader:
            start = reader.line_num + 1
            records.append(rec)
    except csv.Error:
        return [(start, "stray-quote")], []
    header, body = records[0], records[1:]
    ragged = [(i, "ragged-row") for i, r in enumerate(body, start=2) if r and len(r) != len(header)]
    if ragged:
        return ragged, []
    rows = [tuple((c.strip(BLANKS) or None) for c in r) for r in body]
    # A row with no cell filled (a blank line among them) is no data: it is left out.
    return [], [r for r in rows if any(c is not None for c in r)]


@st.composite
def _files(draw: st.DrawFn) -> str:
    width = draw(st.integers(1, 4))
    rows = draw(
        st.lists(st.lists(st.sampled_from(CELLS), min_size=width, max_size=width), max_size=6)
    )
    out = io.StringIO()
    quoting = draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]))
    ending = draw(st.sampled_from(["\n", "\r\n"]))
    writer = csv.writer(out, quoting=quoting, lineterminator=ending)
    writer.writerow([f"h{j}" for j in range(width)])
    for r in rows:
        cut = draw(st.sampled_from([len(r), len(r), len(r), max(1, len(r) - 1), 0]))
        writer.writerow(r[:cut]) if cut else out.write(ending)
    text = out.getvalue()
    # A quote left open or closed before other text, or the last line break taken away.
    spoil = draw(st.sampled_from(["", "", "open", "after", "inner", "cr", "quoted cr", "end"]))
    if spoil == "open":
        text += 'v,"never closed' + ending + "w" + ending
    elif spoil == "after":
        text += '"v"w' + ending
    elif spoil == "inner":
        # A quote inside a field is text; the next field's quote opens it, never closed.
        text += 'x"y,",z' + ending
    elif spoil == "cr":
        # A lone carriage return ends a line.
        text += '"v"\rw' + "," * (width - 1) + ending
    elif spoil == "quoted cr":
        text += '"g\rh"' + "," * (width - 1) + ending
    elif spoil == "end":
        text = text.rstrip("\r\n")
    return text


@settings(max_examples=400, deadline=None)
@given(_files())
# A short row beside a separator inside quotes: the separators of the file add up to full
# rows all the same.
@example('h0,h1\n"a,b",c\nd\n')
# A lone carriage return ends a line for the strict reader, not for Polars.
@example('h0,h1\n"a",b\nc\rd,e\n')
# A quote-free unit separator, a byte-order mark and quoted line breaks.
@example('\ufeff"h0",h1\r\n"a\r\nb",c\x1f\r\n')
def test_quoted_files_mean_what_the_strict_reader_reads(tmp_path_factory, text: str) -> None:
    path = tmp_path_factory.mktemp("q") / "t.csv"
    path.write_bytes(text.encode())
    problems, rows = _expected(text)
    df, issues = read_table(path)
    assert [(i.line, i.code) for i in issues] == problems, text
    if not problems:
        assert df is not None
        got = df.drop("_row").rows()
        assert got == rows, text


def _notes_file(rows: int, *, short: int | None = None, open_at: int | None = None) -> str:
    """A checklist whose quoted notes hold separators, doubled quotes and line breaks, long
    enough that quoted fields cross the blocks the file is read in."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["mission", "site", "notes", "q"])
    for i in range(rows):
        note = f'row {i}: "late", queue\nof {i % 7} people, ' * (1 + i % 40)
        row = ["m1", f"s{i}", note, "yes"]
        writer.writerow(row[:-1] if i == short else row)
        if i == open_at:
            out.write('m1,x,"opened, never closed\r\n')
    return out.getvalue()


def test_a_large_quoted_file_reads_as_the_strict_reader_reads_it(tmp_path: Path) -> None:
    path = tmp_path / "notes.csv"
    text = _notes_file(600)
    assert len(text) > 400_000
    path.write_text(text, encoding="utf-8", newline="")
    df, issues = read_table(path)
    assert issues == [] and df is not None
    assert df.drop("_row").rows() == _expected(text)[1]
    assert df["_row"].to_list() == list(range(2, 602))
    # A short row far into the file, after fields crossing blocks, and a quote never closed.
    for spoiled, want in (
        (_notes_file(600, short=517), [(519, "ragged-row")]),
        (
            _notes_file(600, open_at=450),
            [(_expected(_notes_file(600, open_at=450))[0][0][0], "stray-quote")],
        ),
    ):
        path.write_text(spoiled, encoding="utf-8", newline="")
        assert [(i.line, i.code) for i in read_table(path)[1]] == want == _expected(spoiled)[0]


def test_a_quoted_file_that_stops_being_utf8_late_is_located(tmp_path: Path) -> None:
    # Past the first lines (read to find the header), with quotes read whole: located as in
    # a file without quotes, not a crash.
    lines = ["mission,site,notes"] + [f'm1,s{i},"a, b"' for i in range(3000)]
    path = tmp_path / "late.csv"
    path.write_bytes(("\n".join(lines) + "\nm1,s,Bogot\u00e1\n").encode("cp1252"))
    df, issues = read_table(path)
    assert df is None
    assert [(i.line, i.column, i.code) for i in issues] == [(3002, 11, "invalid-encoding")]


@pytest.mark.parametrize("rows", [1, 90, 600])
@pytest.mark.parametrize("short", [None, 0, 57])
def test_separators_outside_quotes_are_those_the_strict_reader_sees(
    rows: int, short: int | None
) -> None:
    # The count that lets a quoted file skip the strict reader, across the blocks it is
    # counted in: every record's fields less one.
    # The last note is longer than a block: a whole block inside quotes.
    text = _notes_file(rows, short=short) + 'm1,s,"' + "a, b\n" * 40_000 + '",no\r\n'
    records = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    want = sum(len(r) - 1 for r in records if r)
    assert _separators_outside_quotes(text.encode(), ",") == want
    assert _separators_outside_quotes(('"' + text).encode(), ",") is None


def _dense(before: str, after: str) -> str:
    """A table quoting every field, its quotes dense enough to be checked byte by byte, whose
    first 256 KiB end with ``before`` (after a quoted field padded to fit) and the rest starts
    with ``after``: the bytes on each side of a block's edge."""
    text = '"h0","h1"\r\n'
    edge = 1 << 18
    while len(text) < edge - 40:
        text += '"a","b, ""c"""\r\n'
    text += '"' + "a" * (edge - len(text) - 2 - len(before)) + '"' + before
    assert len(text) == edge
    return text + after + '"d","e"\r\n' * 2_000


@pytest.mark.parametrize(
    ("before", "after", "read"),
    [
        # A closing quote last in a block, the separator first in the next.
        ("", ',"b"\r\n', True),
        # A text after that closing quote, in the next block: no field the strict reader takes.
        ("", 'x,"b"\r\n', False),
        # A quote opening a field first in a block, the separator last in the one before.
        (",", '"b"\r\n', True),
        # A quote first in a block after a text in the one before: inside a field, not opening it.
        (",x", '"b"\r\n', False),
    ],
)
def test_quotes_on_every_field_are_checked_across_blocks(
    before: str, after: str, read: bool
) -> None:
    text = _dense(before, after)
    got = _separators_outside_quotes(text.encode(), ",")
    if not read:
        assert got is None
        return
    records = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    assert got == sum(len(r) - 1 for r in records if r)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.booleans(), max_size=100), st.integers(0, 1))
def test_the_running_parity_of_quotes_is_that_of_a_count(flags: list[bool], odd: int) -> None:
    import numpy as np

    got = _odd_so_far(np.array(flags, dtype=bool), odd)
    assert got.tolist() == [(sum(flags[: k + 1]) + odd) % 2 == 1 for k in range(len(flags))]
