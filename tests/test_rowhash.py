"""The visits' row hash is ovm's own, defined on the values (docs/statistics.md, "The row
hash"): computed here again from that definition in plain Python, pinned on a fixed table, so
that a hash depending on a library's version fails these tests."""

from __future__ import annotations

import math
import random
import struct
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ovm
from ovm.scoring import rowhash
from ovm.scoring.rowhash import row_words
from ovm.scoring.sitestats import with_hashes

EXAMPLES = Path(__file__).parent.parent / "examples"
M = (1 << 64) - 1
PRIME = 0x9E3779B97F4A7C15


def mix(x: int) -> int:
    x ^= x >> 30
    x = (x * 0xBF58476D1CE4E5B9) & M
    x ^= x >> 27
    x = (x * 0x94D049BB133111EB) & M
    return x ^ (x >> 31)


def text(s: str) -> int:
    data = s.encode("utf-8")
    h = len(data)
    for b in data:
        h = (h * PRIME + b) & M
    return h


def cell(column: str, value: Any) -> int:
    if value is None:
        tag, word = 0, 0
    elif isinstance(value, str):
        tag, word = 1, text(value)
    elif isinstance(value, (bool, int)):
        tag, word = 2, int(value) & M
    else:
        v = float(value) + 0.0
        bits = struct.unpack("<Q", struct.pack("<d", v))[0]
        tag, word = 3, 0x7FF8000000000000 if math.isnan(v) else bits
    return mix(mix((text(column) + tag) & M) ^ word)


def row(values: dict[str, Any]) -> int:
    h = 0
    for column in sorted(values):
        h = (h * PRIME + cell(column, values[column])) & M
    return mix(h)


FIXED = pl.DataFrame(
    {
        "mission": ["mex-2024", "mex-2024", "arg-2023", None],
        "site": ["Madrid – Consulado", "", "São Paulo", "x" * 40],
        "simulated": [False, True, None, False],
        "q.yes": pl.Series([1, -9, None, 0], dtype=pl.Int8),
        "minutes": [12.5, None, float("nan"), -0.0],
    }
)
# The same table's hashes, written down once: any change of definition or library shows here.
FIXED_HASHES = [0x18BE8FACDBAE930C, 0xAEAF688714C6E268, 0xB2DCC796063C4E7C, 0x53F021EC3C15A069]


def test_the_fixed_table_hashes_as_defined_and_as_written_down() -> None:
    want = [row(r) for r in FIXED.iter_rows(named=True)]
    assert row_words(FIXED).tolist() == want
    assert want == FIXED_HASHES


def test_the_example_visits_hash_as_defined() -> None:
    ws = ovm.load_workspace(EXAMPLES)
    sites = ws.observations.sites
    got = with_hashes(sites)
    content = [c for c in sites.columns if c not in ("_row", "_file")]
    want = [row({c: r[c] for c in content}) for r in sites.iter_rows(named=True)]
    assert got["__h"].to_list() == want
    # The place key is the site id's cell.
    assert got["__p"].to_list() == [cell("site", s) for s in sites["site"]]


def test_a_value_in_another_column_or_type_hashes_otherwise() -> None:
    base = pl.DataFrame({"a": ["1"], "b": ["2"]})
    hashes = {
        int(row_words(f)[0])
        for f in (
            base,
            pl.DataFrame({"a": ["2"], "b": ["1"]}),
            pl.DataFrame({"a": [1], "b": ["2"]}),
            pl.DataFrame({"a": [1.0], "b": ["2"]}),
            pl.DataFrame({"a": [None], "b": ["2"]}, schema={"a": pl.String, "b": pl.String}),
            pl.DataFrame({"a": [""], "b": ["2"]}),
        )
    }
    assert len(hashes) == 6
    # Whole numbers hash alike whatever their width, and the column order does not count.
    wide = pl.DataFrame({"b": ["2"], "a": pl.Series([1], dtype=pl.Int64)})
    narrow = pl.DataFrame({"a": pl.Series([1], dtype=pl.Int8), "b": ["2"]})
    assert row_words(wide).tolist() == row_words(narrow).tolist()


@pytest.mark.parametrize("blocks", ["as shipped", "tiny"])
def test_long_texts_and_many_small_columns_hash_as_defined(
    blocks: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Texts across several runs of summed bytes, one longer than a run; more small columns
    # than one lookup table holds, with nulls where no spare value below the smallest exists.
    # With tiny blocks, the rows, text bytes and lookups go in many blocks of each.
    if blocks == "tiny":
        monkeypatch.setattr(rowhash, "_BLOCK_ROWS", 700)
        monkeypatch.setattr(rowhash, "_BLOCK", 5000)
        monkeypatch.setattr(rowhash, "_ROWS", 300)
    rng = random.Random(5)
    n = 3000
    alphabet = "abcé€😀 \x00"
    texts = ["".join(rng.choices(alphabet, k=rng.randrange(0, 30))) for _ in range(n)]
    texts[7] = "z" * 40000
    texts[11] = None  # type: ignore[call-overload]
    columns: dict[str, pl.Series] = {"t": pl.Series(texts, dtype=pl.String)}
    for j in range(9):
        values = [rng.choice([None, -3, -1, 0, 1, 2, 5]) for _ in range(n)]
        columns[f"i{j}"] = pl.Series(values, dtype=pl.Int8)
    columns["least"] = pl.Series([rng.choice([None, -128, 127]) for _ in range(n)], dtype=pl.Int8)
    columns["wide"] = pl.Series([rng.choice([None, -32768, 300]) for _ in range(n)], dtype=pl.Int16)
    columns["u"] = pl.Series([rng.choice([None, 0, 255]) for _ in range(n)], dtype=pl.UInt8)
    columns["flag"] = pl.Series(
        [rng.choice([None, True, False]) for _ in range(n)], dtype=pl.Boolean
    )
    columns["none"] = pl.Series([None] * n, dtype=pl.Int8)
    columns["big"] = pl.Series([rng.choice([None, -(2**63), 2**40]) for _ in range(n)])
    frame = pl.DataFrame(columns)
    assert row_words(frame).tolist() == [row(r) for r in frame.iter_rows(named=True)]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["m1", "m2", "m3"]),
            st.one_of(st.none(), st.text(max_size=8)),
            st.one_of(st.none(), st.integers(-9, 3)),
            st.one_of(st.none(), st.floats(allow_nan=True)),
        ),
        min_size=1,
        max_size=40,
    ),
    st.randoms(use_true_random=False),
)
def test_hashes_follow_the_rows_whatever_their_order(rows: list[Any], rnd: random.Random) -> None:
    schema = {"mission": pl.String, "site": pl.String, "q": pl.Int8, "x": pl.Float64}
    frame = pl.DataFrame(rows, schema=schema, orient="row")
    shuffled = list(rows)
    rnd.shuffle(shuffled)
    again = pl.DataFrame(shuffled, schema=schema, orient="row")
    got = row_words(frame).tolist()
    assert got == [row(r) for r in frame.iter_rows(named=True)]
    assert sorted(got) == sorted(row_words(again).tolist())


def test_columns_named_like_patterns_hash_as_defined() -> None:
    # A column name is a name, not a pattern: ``*`` and ``^q.*$`` hash as any other small
    # whole-number column (with nulls, so that their values are filled before the lookup).
    frame = pl.DataFrame(
        {
            "*": pl.Series([1, None, 2, 1], dtype=pl.Int8),
            "^q.*$": pl.Series([None, 0, 0, 3], dtype=pl.Int8),
            "q": pl.Series([5, 5, None, 4], dtype=pl.Int16),
            "t": ["a", None, "b", "a"],
        }
    )
    assert row_words(frame).tolist() == [row(r) for r in frame.iter_rows(named=True)]
