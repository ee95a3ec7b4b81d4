"""Content hashes of table rows that depend on the values alone.

A visit's hash orders the visits for resampling and feeds the data digest, so it must be the
same on every machine and with every version of the libraries: it is defined here on the
values, never taken from a library's own hashing (Polars' ``hash_rows`` changes between
versions). All arithmetic is on unsigned 64-bit integers, modulo 2**64; the definition is
spelled out in docs/statistics.md ("The row hash"):

- ``mix(x)``: ``x ^= x >> 30; x *= MIX1; x ^= x >> 27; x *= MIX2; x ^= x >> 31`` (the
  SplitMix64 finaliser, a bijection).
- ``text(s)``: ``h`` starts at the length of ``s`` in UTF-8 bytes; then, for each of those
  bytes ``b`` in turn, ``h = h * PRIME + b``.
- A cell is a tag and a 64-bit word: a null is (0, 0); text is (1, ``text(s)``); a whole
  number or a boolean (false 0, true 1) is (2, the number in two's complement); a decimal
  number is (3, its IEEE 754 binary64 bits, -0.0 taken as 0.0 and every NaN as
  ``CANONICAL_NAN``).
- ``cell(column, value) = mix(mix(text(column) + tag) ^ word)``.
- ``row = mix(h)``, where ``h`` starts at 0 and, for each column in the order of the names
  (by Unicode code point), becomes ``h * PRIME + cell(column, value)``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl

from ovm.runtime import for_each

Words = npt.NDArray[np.uint64]

PRIME = 0x9E3779B97F4A7C15
MIX1 = 0xBF58476D1CE4E5B9
MIX2 = 0x94D049BB133111EB
CANONICAL_NAN = 0x7FF8000000000000
NULL, TEXT, WHOLE, DECIMAL = 0, 1, 2, 3
_MASK = (1 << 64) - 1


def mix(x: Words) -> Words:
    """``mix`` of every word, in place; returns ``x``."""
    x ^= x >> np.uint64(30)
    x *= np.uint64(MIX1)
    x ^= x >> np.uint64(27)
    x *= np.uint64(MIX2)
    x ^= x >> np.uint64(31)
    return x


def _mix_one(x: int) -> int:
    x ^= x >> 30
    x = (x * MIX1) & _MASK
    x ^= x >> 27
    x = (x * MIX2) & _MASK
    return x ^ (x >> 31)


def _text_one(s: str) -> int:
    data = s.encode("utf-8")
    h = len(data)
    for b in data:
        h = (h * PRIME + b) & _MASK
    return h


def _prefix(column: str, tag: int) -> int:
    return _mix_one((_text_one(column) + tag) & _MASK)


def _null_cell(column: str) -> int:
    return _mix_one(_prefix(column, NULL))


def _powers(base: int, n: int) -> Words:
    # base**i for i in 0..n (array products wrap modulo 2**64).
    out = np.full(n + 1, base, np.uint64)
    out[0] = 1
    return np.cumprod(out, dtype=np.uint64)


# PRIME is odd, so it has an inverse modulo 2**64: the bytes b[i] of a value ending before
# position e of a run of values contribute sum(b[i] * PRIME**(e-1-i)), which is
# PRIME**(e-1) * sum(b[i] * INVERSE**i): a difference of one running sum over the whole run.
INVERSE = pow(PRIME, -1, 1 << 64)
_SPAN = 1 << 15
"""Bytes of text summed at once: the running sums and the power tables stay in the cache."""
_FORWARD = _powers(PRIME, _SPAN)
_BACKWARD = _powers(INVERSE, _SPAN)
_BLOCK = 1 << 18
"""Bytes of text copied out of a column at once."""
_SAMPLE = 4096


def text_words(values: pl.Series) -> Words:
    """``text(s)`` of every value of a text column (0 where it is null)."""
    n = values.len()
    out = np.zeros(n, np.uint64)
    if n == 0:
        return out
    lengths = values.str.len_bytes().fill_null(0).to_numpy().astype(np.int64)
    span = max(_SPAN, int(lengths.max()))
    forward = _FORWARD if span == _SPAN else _powers(PRIME, span)
    backward = _BACKWARD if span == _SPAN else _powers(INVERSE, span)
    ends = np.cumsum(lengths)
    start = 0
    while start < n:
        base = int(ends[start - 1]) if start else 0
        stop = max(int(np.searchsorted(ends, base + _BLOCK, side="right")), start + 1)
        blob = values.slice(start, stop - start).fill_null("").str.join("").item()
        data = np.frombuffer(blob.encode("utf-8"), np.uint8)
        lens = lengths[start:stop]
        block_ends = ends[start:stop] - base
        # Runs of whole values of at most ``span`` bytes; run k's running sum lies in
        # ``sums[lo + k : hi + k + 1]``, starting from 0.
        firsts = [0]
        while firsts[-1] < stop - start:
            a = firsts[-1]
            lo = int(block_ends[a - 1]) if a else 0
            firsts.append(max(int(np.searchsorted(block_ends, lo + span, "right")), a + 1))
        runs = len(firsts) - 1
        run_lo = np.zeros(runs, np.int64)
        run_lo[1:] = block_ends[np.asarray(firsts[1:-1], np.int64) - 1]
        run_hi = np.append(run_lo[1:], data.size)
        sums = np.zeros(data.size + runs, np.uint64)
        for k in range(runs):
            lo, hi = int(run_lo[k]), int(run_hi[k])
            np.cumsum(data[lo:hi] * backward[: hi - lo], out=sums[lo + k + 1 : hi + k + 1])
        run = np.repeat(np.arange(runs), np.diff(firsts))
        last = block_ends + run
        h = sums[last] - sums[last - lens]
        # An empty value at a run's start reads forward[-1]: times a difference of 0.
        h *= forward[block_ends - 1 - run_lo[run]]
        h += lens.astype(np.uint64) * forward[lens]
        out[start:stop] = h
        start = stop
    return out


def cell_words(column: str, values: pl.Series) -> Words:
    """``cell(column, value)`` of every value of one column.

    Text, categories, booleans, whole and decimal numbers are as defined above; a value of any
    other type (a date, a time) is taken as the text Polars casts it to.
    """
    dtype = values.dtype
    if values.null_count() == values.len():
        return np.full(values.len(), _null_cell(column), np.uint64)
    if dtype.is_float() or isinstance(dtype, pl.Decimal):
        x = values.cast(pl.Float64).fill_null(0.0).to_numpy() + 0.0  # -0.0 becomes 0.0
        word = x.view(np.uint64).copy()
        word[np.isnan(x)] = np.uint64(CANONICAL_NAN)
        tag = DECIMAL
    elif dtype == pl.UInt64:
        tag, word = WHOLE, values.fill_null(0).to_numpy().astype(np.uint64)
    elif dtype.is_integer() or dtype == pl.Boolean:
        tag, word = WHOLE, values.cast(pl.Int64).fill_null(0).to_numpy().view(np.uint64)
    else:
        tag, word = TEXT, _text_column(values.cast(pl.String))
    word = word ^ np.uint64(_prefix(column, tag))
    mix(word)
    if values.null_count():
        word[values.is_null().to_numpy()] = np.uint64(_null_cell(column))
    return word


def _text_column(values: pl.Series) -> Words:
    # Only the values present, and each distinct value once where many repeat (judged on an
    # evenly spaced sample, which only chooses the way: both give the same words).
    n = values.len()
    nulls = values.null_count()
    present = values.drop_nulls() if nulls else values
    sample = present.gather_every(max(1, present.len() // _SAMPLE))
    if sample.n_unique() * 4 < sample.len():
        distinct = present.unique()
        words = present.replace_strict(
            distinct, pl.Series(text_words(distinct), dtype=pl.UInt64), return_dtype=pl.UInt64
        ).to_numpy()
    else:
        words = text_words(present)
    if not nulls:
        return words
    out = np.zeros(n, np.uint64)
    out[values.is_not_null().to_numpy()] = words
    return out


_SMALL = (pl.Boolean, pl.Int8, pl.UInt8, pl.Int16, pl.UInt16)
_LEAST: dict[Any, int] = {pl.Int8: -(1 << 7), pl.Int16: -(1 << 15)}
_TABLE = 1 << 16
"""Entries of one lookup table of several small columns (it stays in the cache)."""
_ROWS = 1 << 16
"""Rows looked up at once (the scratch arrays stay in the cache)."""


class _SmallLookup:
    """``sum(cell(c, v) * w)`` over small whole-number columns (booleans, 8- and 16-bit
    integers; ``w`` a weight per column), row by row (:meth:`sums`).

    Each column has few distinct values, so each value's cell is computed once; several
    columns together are looked up in one table of every combination of their values. The
    columns' ranges are read from the frame in one query, and a block's values (nulls
    replaced) in one query a block: a query per column and block cost more than the lookups,
    and the whole frame's values at once would hold a copy of every column.
    """

    def __init__(self, frame: pl.DataFrame, names: list[str], weights: list[int]) -> None:
        self.frame = frame
        tables: list[Words] = []
        lows: list[int] = []
        # Columns by place: a name such as ``*`` is no pattern then.
        at = [frame.get_column_index(c) for c in names]
        ranges = (
            frame.select(
                *(pl.nth(j).min().alias(f"{i}l") for i, j in enumerate(at)),
                *(pl.nth(j).max().alias(f"{i}h") for i, j in enumerate(at)),
                *(pl.nth(j).null_count().alias(f"{i}n") for i, j in enumerate(at)),
            ).row(0, named=True)
            if names
            else {}
        )
        filled: list[pl.Expr] = []
        for i, (name, weight) in enumerate(zip(names, weights, strict=True)):
            low, high = ranges[f"{i}l"], ranges[f"{i}h"]
            values = pl.nth(at[i])
            if low is None:
                table = np.array([_null_cell(name)], np.uint64)
                filled.append(pl.lit(0, pl.Int8).alias(f"{i}"))
                lows.append(0)
            else:
                lo, hi = int(low), int(high)
                table = np.empty(hi - lo + 2, np.uint64)
                table[0] = _null_cell(name)
                whole = np.arange(lo, hi + 1, dtype=np.int64).view(np.uint64)
                table[1:] = mix(whole ^ np.uint64(_prefix(name, WHOLE)))
                if ranges[f"{i}n"]:
                    # One below the smallest value stands for a null: table entry 0.
                    if lo - 1 < _LEAST.get(frame.schema[name], 0):
                        values = values.cast(pl.Int32)
                    values = values.fill_null(lo - 1)
                filled.append(values.alias(f"{i}"))
                lows.append(lo - 1)
            table *= np.uint64(weight)
            tables.append(table)
        self.filled = filled
        self.groups: list[tuple[range, Words, int]] = []
        self.sizes = [t.size for t in tables]
        start = 0
        while start < len(tables):
            stop, size = start + 1, tables[start].size
            while stop < len(tables) and size * tables[stop].size <= _TABLE:
                size *= tables[stop].size
                stop += 1
            # Mixed radix, the group's last column fastest: entry sum of the columns' cells.
            table = np.zeros(1, np.uint64)
            offset = 0
            for i in range(start, stop):
                offset = offset * tables[i].size + lows[i]
                table = (table[:, None] + tables[i][None, :]).ravel()
            self.groups.append((range(start, stop), table, offset))
            start = stop

    def sums(self, first: int, stop: int) -> Words:
        """The sums of the rows from ``first`` up to ``stop``."""
        h = np.zeros(stop - first, np.uint64)
        if not self.filled:
            return h
        coded = self.frame.slice(first, stop - first).select(self.filled)
        codes = [coded.to_series(i).to_numpy() for i in range(len(self.filled))]
        index = np.empty(_ROWS, np.intp)
        cells = np.empty(_ROWS, np.uint64)
        sizes = self.sizes
        for a in range(0, stop - first, _ROWS):
            b = min(a + _ROWS, stop - first)
            ix, out, acc = index[: b - a], cells[: b - a], h[a:b]
            for members, table, offset in self.groups:
                np.copyto(ix, codes[members[0]][a:b], casting="unsafe")
                for i in members[1:]:
                    ix *= sizes[i]
                    np.add(ix, codes[i][a:b], out=ix, casting="unsafe")
                ix -= offset
                np.take(table, ix, out=out, mode="clip")
                acc += out
        return h


_BLOCK_ROWS = 1 << 18
"""Rows hashed at once: a block's scratch arrays are of this size rather than of the whole
table, and blocks are what the worker threads share."""


def row_words(frame: pl.DataFrame, columns: Sequence[str] | None = None) -> Words:
    """``row`` of every row of ``frame`` over ``columns`` (default: all of them), taken in the
    order of their names."""
    return hashes(frame, columns)[0]


def hashes(
    frame: pl.DataFrame,
    columns: Sequence[str] | None = None,
    keep: Sequence[str] = (),
    known: Mapping[str, Words] | None = None,
) -> tuple[Words, dict[str, Words]]:
    """``row`` of every row of ``frame`` over ``columns`` (default: all of them), and the
    cells of each column of ``keep`` (one of those columns). ``known``: the cells of some of
    the columns, as :func:`cell_words` gives them, when the caller has them already."""
    known = known or {}
    names = sorted(frame.columns if columns is None else columns)
    n = frame.height
    h = np.empty(n, np.uint64)
    kept = {c: np.empty(n, np.uint64) for c in keep}
    # Horner's rule over the columns: each cell times PRIME**(the number of columns after it).
    weights = [int(w) for w in _powers(PRIME, len(names))[::-1][1:]]
    nulls = (
        frame.select(pl.nth(frame.get_column_index(c)).null_count() for c in names).row(0)
        if names
        else ()
    )
    # A column of nulls adds one number to every row: no array for it.
    empty = {c for c, k in zip(names, nulls, strict=True) if k == n and c not in keep}
    small = [
        i
        for i, c in enumerate(names)
        if c not in keep and c not in empty and frame.schema[c] in _SMALL
    ]
    looked_up = set(small)
    constant = 0
    for i, name in enumerate(names):
        if name in empty:
            constant = (constant + _null_cell(name) * weights[i]) & _MASK
    lookup = _SmallLookup(frame, [names[i] for i in small], [weights[i] for i in small])

    def block(a: int) -> None:
        # Each block writes only its own rows, so blocks run on the worker threads (NumPy and
        # Polars release the interpreter lock for the arithmetic) and the hashes are the same.
        part = frame.slice(a, _BLOCK_ROWS)
        b = a + part.height
        acc = h[a:b]
        acc[:] = lookup.sums(a, b)
        acc += np.uint64(constant)
        spare = np.empty(b - a, np.uint64)
        for i, name in enumerate(names):
            if i in looked_up or name in empty:
                continue
            given = known.get(name)
            cells = cell_words(name, part.get_column(name)) if given is None else given[a:b]
            if name in kept:
                kept[name][a:b] = cells
            np.multiply(cells, np.uint64(weights[i]), out=spare)
            acc += spare

    for_each(range(0, n, _BLOCK_ROWS), block)
    return mix(h), kept
