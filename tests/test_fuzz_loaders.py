"""Each loader, fed damaged input: no traceback, exit 0 or a coded located error, no row lost.

Every file of a small workspace (rubric, missions.yaml, ovm.yaml, a statistics CSV and XLSX,
a checklist, KoboToolbox and ODK Central exports) is damaged by a few random edits (a line
dropped, doubled or swapped, hostile text put in) and run through the command line. A run
either succeeds, and then every data row of every table is counted as used, rejected or
excluded, or stops with issues that each carry a registered code and a file; `whatif` values
are refused naming the variable.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
import tempfile
from collections.abc import Callable
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import openpyxl
from hypothesis import given, settings
from hypothesis import strategies as st

from ovm import load_workspace
from ovm.cli.app import main
from ovm.codes import CODES
from tests.test_kobo_odk import (
    KOBO_HEADER,
    KOBO_ROWS,
    ODK_HEADER,
    PLAIN,
    _odk_row,
    _plain_rows,
    _workspace,
)

MINI = Path(__file__).parent / "data" / "mini"
ISSUE = re.compile(
    r"^(?P<file>\S+?)(?::\d+)?(?::\d+)?:? (?:warning: )?.*\[(?P<code>[a-z0-9]+(?:-[a-z0-9]+)+)\]$"
)
# Each example runs a command: a few per loader keep the file to seconds.
FUZZ = settings(max_examples=min(settings().max_examples, 12))

HOSTILE = [
    "[",
    "]",
    "{",
    "}",
    ": ",
    "- ",
    '"',
    "'",
    "#",
    "&a ",
    "*a",
    "!!python/name:os.system ",
    "!x ",
    "\t",
    "\x00",
    "\x07",
    "\x1b[31m",
    "é",
    "\ufeff",
    "1e400",
    "1e308",
    "-5",
    "yes",
    "no",
    "null",
    "~",
    ",",
    ";",
    "\n",
    "\r",
    "  ",
    "nan",
    "inf",
    "=1+1",
    "12,5",
    "1,234",
    "XXZ",
    "?",
    "na",
    "\u202e",
    "%",
    "{score.__class__}",
]


@st.composite
def edits(draw: st.DrawFn) -> list[tuple[str, int, int, str]]:
    """One to three edits, as (kind, position, other position, text)."""
    return draw(
        st.lists(
            st.tuples(
                st.sampled_from(["drop", "double", "swap", "insert", "replace"]),
                st.integers(0, 10_000),
                st.integers(0, 10_000),
                st.one_of(st.sampled_from(HOSTILE), st.text(max_size=6)),
            ),
            min_size=1,
            max_size=3,
        )
    )


def damage(text: str, changes: list[tuple[str, int, int, str]]) -> str:
    """``text`` after the edits: lines dropped, doubled or swapped, text put in or over."""
    for kind, a, b, piece in changes:
        lines = text.split("\n")
        i, j = a % len(lines), b % len(lines)
        if kind == "drop":
            del lines[i]
        elif kind == "double":
            lines.insert(i, lines[i])
        elif kind == "swap":
            lines[i], lines[j] = lines[j], lines[i]
        elif kind == "insert":
            k = b % (len(lines[i]) + 1)
            lines[i] = lines[i][:k] + piece + lines[i][k:]
        else:
            k = b % (len(lines[i]) + 1)
            lines[i] = lines[i][:k] + piece + lines[i][k + len(piece) :]
        text = "\n".join(lines) or "\n"
    return text


def run(args: list[str]) -> tuple[int, str]:
    """The exit status and all output of one command, run in this process: an exception
    that escapes the command line fails the test with its traceback."""
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        status = main(args)
    return status, out.getvalue() + err.getvalue()


def assert_refused_or_accounted(ws: Path, status: int, text: str) -> None:
    """Exit 0 with every row counted, or exit 1 with coded issues naming their file."""
    assert "Traceback" not in text
    assert status in (0, 1), text
    issues = [m for m in (ISSUE.match(x.strip()) for x in text.splitlines()) if m]
    for m in issues:
        assert m["code"] in CODES, m.group(0)
    if status == 1:
        assert issues, text
        return
    for f in load_workspace(ws).observations.report.files:
        assert f.rows_used + f.rows_rejected + f.rows_excluded == f.rows_read, f
        records = _records(Path(f.file.split("[")[0]))
        if records is not None:
            assert f.rows_read == records, (f, records)


def _records(path: Path) -> int | None:
    """The data records of a CSV without quotes or blank lines (None for any other file)."""
    if path.suffix != ".csv":
        return None
    raw = path.read_bytes().decode("utf-8-sig", "replace")
    if '"' in raw or "\r" in raw or "\n\n" in raw.strip("\n") or not raw.strip():
        return None
    rows = list(csv.reader(io.StringIO(raw)))
    return len([r for r in rows[1:] if r])


def check_workspace(
    setup: Callable[[Path], Path], name: str, changes: list[tuple[str, int, int, str]]
) -> None:
    """Damage ``name`` in the workspace ``setup`` writes, then check it."""
    with tempfile.TemporaryDirectory() as tmp:
        ws = setup(Path(tmp))
        target = ws / name
        target.write_bytes(
            damage(target.read_text(encoding="utf-8"), changes).encode("utf-8", "surrogatepass")
        )
        status, text = run(["check", str(ws)])
        assert_refused_or_accounted(ws, status, text)


def mini(tmp: Path) -> Path:
    ws = tmp / "ws"
    shutil.copytree(MINI, ws)
    return ws


@FUZZ
@given(edits())
def test_a_damaged_rubric(changes: list[tuple[str, int, int, str]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "rubric.yaml"
        text = (MINI / "rubric.yaml").read_text(encoding="utf-8")
        path.write_bytes(damage(text, changes).encode("utf-8", "surrogatepass"))
        status, out = run(["validate", str(path)])
        assert "Traceback" not in out
        assert status in (0, 1), out
        if status == 1:
            codes = [m["code"] for m in (ISSUE.match(x.strip()) for x in out.splitlines()) if m]
            assert codes, out
            assert set(codes) <= set(CODES), codes


@FUZZ
@given(edits())
def test_a_damaged_missions_file(changes: list[tuple[str, int, int, str]]) -> None:
    check_workspace(mini, "missions.yaml", changes)


@FUZZ
@given(edits())
def test_a_damaged_workspace_config(changes: list[tuple[str, int, int, str]]) -> None:
    check_workspace(mini, "ovm.yaml", changes)


@FUZZ
@given(edits())
def test_a_damaged_statistics_csv(changes: list[tuple[str, int, int, str]]) -> None:
    check_workspace(mini, "statistics.csv", changes)


@FUZZ
@given(edits())
def test_a_damaged_checklist_csv(changes: list[tuple[str, int, int, str]]) -> None:
    check_workspace(mini, "checklists.csv", changes)


CELLS = st.one_of(
    st.none(),
    st.sampled_from(HOSTILE),
    st.text(max_size=8),
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.sampled_from(["=350", "=1/0", "=A1", "aaa-2020", "bbb-2021", "1000"]),
)


@FUZZ
@given(st.lists(st.lists(CELLS, min_size=0, max_size=6), min_size=0, max_size=5))
def test_a_statistics_workbook_of_any_cells(rows: list[list[object]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        ws = mini(Path(tmp))
        wb = openpyxl.Workbook()
        sheet = wb.active
        assert sheet is not None
        sheet.append(["mission", "registered_abroad", "votes_abroad"])
        for row in rows:
            try:
                sheet.append(row)
            except Exception:  # a cell openpyxl cannot write (a control character)
                continue
        wb.save(ws / "s.xlsx")
        cfg = ws / "ovm.yaml"
        cfg.write_text(
            cfg.read_text(encoding="utf-8").replace("[statistics.csv]", "[s.xlsx]"),
            encoding="utf-8",
        )
        status, text = run(["check", str(ws)])
        assert_refused_or_accounted(ws, status, text)


def kobo(tmp: Path) -> Path:
    ws = _workspace(tmp / "kobo", "kobo.csv", "kobo")
    with (ws / "kobo.csv").open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, delimiter=";").writerows([KOBO_HEADER, *KOBO_ROWS])
    return ws


def odk(tmp: Path) -> Path:
    ws = _workspace(tmp / "odk", "odk.csv", "odk")
    rows = [_odk_row(i, r) for i, r in enumerate(_plain_rows())]
    with (ws / "odk.csv").open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([ODK_HEADER, *rows])
    return ws


def plain(tmp: Path) -> Path:
    ws = _workspace(tmp / "plain", "checklists.csv", "plain")
    (ws / "checklists.csv").write_text(PLAIN, encoding="utf-8")
    return ws


@FUZZ
@given(edits())
def test_a_damaged_kobo_export(changes: list[tuple[str, int, int, str]]) -> None:
    check_workspace(kobo, "kobo.csv", changes)


@FUZZ
@given(edits())
def test_a_damaged_odk_export(changes: list[tuple[str, int, int, str]]) -> None:
    check_workspace(odk, "odk.csv", changes)


@FUZZ
@given(edits())
def test_a_damaged_rich_checklist(changes: list[tuple[str, int, int, str]]) -> None:
    check_workspace(plain, "checklists.csv", changes)


@FUZZ
@given(
    st.one_of(
        st.text(max_size=12),
        st.sampled_from(HOSTILE),
        st.floats().map(repr),
        st.integers(-(10**20), 10**20).map(str),
    )
)
def test_any_whatif_value_is_taken_or_refused_by_name(value: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        ws = mini(Path(tmp))
        status, text = run(
            ["whatif", str(ws), "--mission", "aaa-2020", "--set", f"votes_abroad={value}"]
        )
        assert "Traceback" not in text
        assert status in (0, 1, 2), text
        if status != 0:
            assert "votes_abroad" in text, text
