"""A large CSV file is mapped rather than read into memory (Polars parses the file, the checks
read the map): every file reads as it does read into memory, the same table and the same
issues, and a file written while it is read is read again whole."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ovm.data import tables
from ovm.data.checklists import likely_answers, verbatim_columns
from ovm.data.tables import read_table
from ovm.rubric.model import bundled_rubric

RUBRIC = bundled_rubric("deco-voting-abroad")
QUESTIONS = ["practice.opened_on_time", "practice.secrecy", "practice.closing"]
CELLS = ["yes", "no", "na", "", "Yes", "maybe", '"no"', '"a,b"', '"x\ny"', '"open', "\x1f"]


def _read(path: Path, *, mapped: bool, large: bool) -> tuple[list[dict[str, Any]] | None, Any]:
    """The table's rows (answers as texts) and issues, the file mapped or read."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(tables, "MAP_FROM", 0 if mapped else 1 << 40)
        mp.setattr(tables, "ENUMERATE_FROM", 0 if large else 1 << 40)
        mp.setattr(tables, "SAMPLE_SLICES", 2)
        mp.setattr(tables, "SAMPLE_BYTES", 40)
        # Bytes counted a few at a time: a line break across two blocks is counted once.
        mp.setattr(tables, "_BLOCK_BYTES", 3)
        df, issues = read_table(
            path, verbatim=verbatim_columns(RUBRIC), likely=likely_answers(RUBRIC)
        )
    rows = (
        None
        if df is None
        else df.with_columns(pl.col(pl.Categorical, pl.Enum).cast(pl.String)).to_dicts()
    )
    return rows, issues


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(st.lists(st.sampled_from(CELLS), min_size=1, max_size=6), min_size=0, max_size=8),
    end=st.sampled_from(["\n", "\r\n", "\r"]),
    bom=st.booleans(),
    last=st.booleans(),
    bad=st.sampled_from([b"", b"\xff", b"\xc3"]),
    large=st.booleans(),
)
def test_any_csv_file_reads_mapped_as_read_into_memory(
    tmp_path: Path,
    rows: list[list[str]],
    end: str,
    bom: bool,
    last: bool,
    bad: bytes,
    large: bool,
) -> None:
    # Short and long rows, quotes never closed, a unit separator, line breaks of each kind
    # (a last one or not), a byte-order mark, a byte that is not UTF-8 at the end.
    lines = [",".join(["mission", "site", *QUESTIONS]), *(",".join(r) for r in rows)]
    text = end.join(lines) + (end if last else "")
    path = tmp_path / "checklists.csv"
    path.write_bytes(("\ufeff" if bom else "").encode() + text.encode() + bad)
    assert _read(path, mapped=True, large=large) == _read(path, mapped=False, large=large)


def test_a_file_written_while_it_is_read_is_read_again_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    head = ",".join(["mission", "site", *QUESTIONS])
    before = head + "\n" + "".join(f"aaa-2020,s{i},yes,no,na\n" for i in range(200))
    after = before.replace("yes,no,na", "no,na,yes")
    path = tmp_path / "checklists.csv"
    path.write_text(before, encoding="utf-8")
    parse = tables._read_compared
    written: list[int] = []

    def write_meanwhile(*args: Any) -> Any:
        # Another program saves the file (same size, written in place) once Polars parsed it,
        # while the checks may still be reading it.
        got = parse(*args)
        if not written:
            with path.open("r+b") as fh:
                fh.write(after.encode())
            stat = path.stat()
            os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
            written.append(1)
        return got

    monkeypatch.setattr(tables, "_read_compared", write_meanwhile)
    mapped, issues = _read(path, mapped=True, large=True)
    assert written == [1]
    assert issues == []
    # The table is the file as saved, read whole, not a mix of the two.
    assert mapped == _read(path, mapped=False, large=True)[0]
    assert mapped is not None
    assert {(r["practice.opened_on_time"], r["practice.closing"]) for r in mapped} == {
        ("no", "yes")
    }


def test_an_empty_file_is_refused_mapped_as_read(tmp_path: Path) -> None:
    # A file of no bytes cannot be mapped: it is read, and refused as empty either way.
    path = tmp_path / "checklists.csv"
    path.write_bytes(b"")
    rows, issues = _read(path, mapped=True, large=False)
    assert rows is None
    assert [i.code for i in issues] == ["empty-file"]
    assert (rows, issues) == _read(path, mapped=False, large=False)


@settings(max_examples=200, deadline=None)
@given(data=st.binary(max_size=40).map(lambda b: bytes(b"a\r\n"[x % 3] for x in b)))
def test_a_map_tells_a_lone_carriage_return_as_the_bytes_do(data: bytes) -> None:
    # Which quoted file is read by Python's strict reader turns on it: counted on a map a few
    # bytes at a time, a return and its line feed may lie in two blocks.
    import mmap
    import tempfile

    import numpy as np

    if not data:
        return
    with tempfile.TemporaryFile() as fh:
        fh.write(data)
        fh.flush()
        mapped = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(tables, "_BLOCK_BYTES", 2)
            got = tables._lone_carriage_return(mapped, np.frombuffer(mapped, np.uint8))
    assert got == (data.count(b"\r") != data.count(b"\r\n"))


@pytest.mark.parametrize("name", ["sites[1].csv", "sites*.csv", "sites?.csv"])
def test_a_mapped_file_is_read_whatever_its_name_holds(tmp_path: Path, name: str) -> None:
    # Polars reads a path given to it as a pattern unless told not to: a name with brackets,
    # a star or a question mark is the file's own, not a pattern matching its neighbours.
    head = ",".join(["mission", "site", *QUESTIONS])
    (tmp_path / "sites1.csv").write_text(head + "\nother,s9,no,no,no\n", encoding="utf-8")
    path = tmp_path / name
    path.write_text(
        head + "\n" + "".join(f"aaa-2020,s{i},yes,no,na\n" for i in range(50)), encoding="utf-8"
    )
    for large in (False, True):
        rows, issues = _read(path, mapped=True, large=large)
        assert issues == []
        assert rows is not None and [r["site"] for r in rows] == [f"s{i}" for i in range(50)]


@pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="lists a process's maps")
@pytest.mark.parametrize(
    "body",
    [
        'aaa-2020,s1,"yes,no,na\n',  # a quote never closed
        "aaa-2020,s1,yes,no,na,extra\n",  # a long row: Polars refuses it
        "aaa-2020,s1,yes,no,na\n",
    ],
)
def test_a_mapped_file_is_let_go_when_it_has_been_read(tmp_path: Path, body: str) -> None:
    # Held open, a map keeps the file from being saved over on some systems: it is closed
    # on the way out, also when Polars refused the file (its error refers to the map).
    import gc

    head = ",".join(["mission", "site", *QUESTIONS])
    path = tmp_path / "checklists.csv"
    path.write_text(head + "\n" + body, encoding="utf-8")
    enabled = gc.isenabled()
    gc.disable()
    try:
        _read(path, mapped=True, large=False)
        maps = Path("/proc/self/maps").read_text(encoding="utf-8")
    finally:
        if enabled:
            gc.enable()
    assert str(path) not in maps
