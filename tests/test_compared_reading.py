"""A large checklist's answer columns, read by comparing each cell with its sample's texts, hold
what the reading of a small file gives: the same texts in every cell, and the same issues.

A CSV over ``ENUMERATE_FROM`` is sampled; a verbatim column whose sample holds a few texts is
made by comparing its cells with them, and read again as its enumeration when any cell holds
another text (a likely answer beyond the sample), or as categories when no enumeration holds
it. Each case is read both ways here: as a large file (every file is one, the sample a few
records) and as a small one, which reads each column as categories of its own.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ovm.data import tables
from ovm.data.checklists import likely_answers, validate_sites, verbatim_columns
from ovm.data.tables import read_table
from ovm.rubric.model import bundled_rubric

RUBRIC = bundled_rubric("deco-voting-abroad")
MISSIONS = {"aaa-2020", "bbb-2021"}
QUESTIONS = ["practice.opened_on_time", "practice.secrecy", "practice.closing"]
CELLS = ["yes", "no", "na", "", "Yes", "N/A", "maybe", " no", '""', '"yes"', '"no\nyes,no"']


def _write(path: Path, rows: list[tuple[str, ...]], *, bom: bool, crlf: bool) -> None:
    end = "\r\n" if crlf else "\n"
    head = ",".join(["mission", "site", *QUESTIONS])
    text = head + end + "".join(",".join(r) + end for r in rows)
    path.write_bytes(("\ufeff" if bom else "").encode() + text.encode())


def _read(path: Path, *, large: bool, slices: int = 16, size: int = 16 * 1024) -> pl.DataFrame:
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(tables, "ENUMERATE_FROM", 0 if large else 1 << 40)
        mp.setattr(tables, "SAMPLE_SLICES", slices)
        mp.setattr(tables, "SAMPLE_BYTES", size)
        df, issues = read_table(
            path, verbatim=verbatim_columns(RUBRIC), likely=likely_answers(RUBRIC)
        )
    assert df is not None and issues == []
    return df


def _texts(df: pl.DataFrame) -> pl.DataFrame:
    return df.with_columns(pl.col(q).cast(pl.String) for q in QUESTIONS)


def _loaded(df: pl.DataFrame) -> tuple[object, ...]:
    load = validate_sites(df, RUBRIC, MISSIONS, "checklists.csv")
    return (load.rows.to_dicts(), load.report, list(load.rejected), load.issues)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["aaa-2020", "bbb-2021", "zzz-2020"]),
            *(st.sampled_from(CELLS) for _ in QUESTIONS),
        ),
        min_size=1,
        max_size=12,
    ),
    st.booleans(),
    st.booleans(),
    st.integers(min_value=1, max_value=4),
    st.integers(min_value=1, max_value=80),
)
def test_a_large_checklist_holds_the_texts_a_small_one_holds(
    tmp_path: Path,
    cells: list[tuple[str, ...]],
    bom: bool,
    crlf: bool,
    slices: int,
    size: int,
) -> None:
    # Quoted cells, empty quoted ones, blanks kept as written, a quoted line break (a sample
    # reads a record's lines apart), a byte order mark, lines ended by CRLF: each cell holds
    # the text the small file's reading gives it, and the load says the same.
    path = tmp_path / "checklists.csv"
    _write(path, [(m, f"s{i}", *a) for i, (m, *a) in enumerate(cells)], bom=bom, crlf=crlf)
    large = _read(path, large=True, slices=slices, size=size)
    small = _read(path, large=False)
    assert _texts(large).equals(_texts(small))
    assert _loaded(large) == _loaded(small)


def test_a_rare_likely_answer_beyond_the_sample_is_read_in_its_column(tmp_path: Path) -> None:
    # The sample holds yes, no and na; the last record's Yes (a likely answer) is in one
    # column, and its maybe (no answer's word) in another: every cell keeps its text, and the
    # columns the sample told of wholly are enumerations still.
    rows = [("aaa-2020", f"s{i}", ("yes", "no", "na")[i % 3], "no", "") for i in range(2_000)]
    path = tmp_path / "checklists.csv"
    for last, read_as in (
        (("Yes", "no", "na"), [pl.Enum, pl.Enum, pl.Enum]),
        (("no", "maybe", "na"), [pl.Categorical] * 3),
        (("no", "no", "na"), [pl.Enum, pl.Enum, pl.Enum]),
    ):
        _write(path, [*rows, ("bbb-2021", "s-last", *last)], bom=False, crlf=False)
        large = _read(path, large=True, slices=4, size=64)
        small = _read(path, large=False)
        assert [type(large.schema[q]) for q in QUESTIONS] == read_as
        assert _texts(large).equals(_texts(small))
        assert _texts(large).select(QUESTIONS).row(-1) == last
        assert _loaded(large) == _loaded(small)


def test_a_table_read_in_many_batches_keeps_its_records_whole_and_in_order(
    tmp_path: Path,
) -> None:
    # Tens of thousands of records are compared a batch at a time: a quoted field's line
    # breaks, blank lines and quoted answers fall on batches' edges somewhere, and each
    # record keeps its cells and its row number.
    rows = []
    for i in range(30_000):
        site = f'"s\n{i}"' if i % 97 == 0 else f"s{i}"
        answers = [("yes", "no", "na", "")[(i + k) % 4] for k in range(3)]
        if i % 11 == 0:
            answers[1] = f'"{answers[1]}"'
        rows.append((("aaa-2020", "bbb-2021")[i % 2], site, *answers))
        if i % 1_000 == 0:
            rows.append(("", "", "", "", ""))
    rows.append(("bbb-2021", "s-last", "no", "Yes", "na"))
    path = tmp_path / "checklists.csv"
    _write(path, rows, bom=False, crlf=True)
    large = _read(path, large=True, slices=8, size=512)
    small = _read(path, large=False)
    assert isinstance(large.schema[QUESTIONS[0]], pl.Enum)
    assert _texts(large).equals(_texts(small))
    assert _loaded(large) == _loaded(small)


def test_a_header_like_the_readers_own_names_keeps_its_cells(tmp_path: Path) -> None:
    # The compared columns are made under names of the reader's own, each starting with a NUL:
    # a header starting so (a column of nothing, said as such) is not taken for one of them.
    headers = ["mission", "site", *QUESTIONS, "\x00compared 2", "\x00missed 3"]
    rows = [("aaa-2020", f"s{i}", "yes", "no", "na", "kept", "too") for i in range(3_000)]
    path = tmp_path / "checklists.csv"
    text = ",".join(headers) + "\n" + "".join(",".join(r) + "\n" for r in rows)
    path.write_text(text, encoding="utf-8")
    large = _read(path, large=True, slices=4, size=256)
    assert all(isinstance(large.schema[q], pl.Enum) for q in QUESTIONS)
    assert _texts(large).equals(_texts(_read(path, large=False)))
    assert large.select(headers[-2:]).unique().rows() == [("kept", "too")]
