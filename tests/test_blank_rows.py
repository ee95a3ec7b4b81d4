"""A row with no cell filled is no data: every table skips it, in every format, without a word."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from test_exports import MINI, export_table, plain_rows, workspace, write_export

from ovm import load_rubric
from ovm.cli.app import main
from ovm.data.tables import ROW
from ovm.data.workspace import load_workspace

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def _run(argv: list[str]) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main(argv)
    return code, err.getvalue()


def _score(root: Path, out: Path) -> tuple[int, str, dict[str, Any]]:
    code, err = _run(["score", str(root), "-o", str(out)])
    data = json.loads(out.read_text(encoding="utf-8")) if out.exists() else {}
    return code, err, data


def _rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


def _with_blank_lines(path: Path, at: int) -> None:
    """The CSV rewritten with blank rows after its ``at``-th data row and at its end: an empty
    line, a line of separators alone, a line of blanks only."""
    rows = _rows(path)
    width = len(rows[0])
    blanks = [[], [""] * width, [" "] * (width - 1) + ["\t"]]
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerows([*rows[: at + 1], *blanks, *rows[at + 1 :], *blanks])


def _unlined(x: Any) -> Any:
    """Scorecards without the file lines of their data, which blank lines move."""
    if isinstance(x, dict):
        return {k: _unlined(v) for k, v in x.items() if k != "line"}
    if isinstance(x, list):
        return [_unlined(v) for v in x]
    return x


def _counts(data: dict[str, Any]) -> list[tuple[str, int, int, int]]:
    return [
        (Path(f["file"]).name, f["rows_read"], f["rows_used"], f["rows_rejected"])
        for f in data["files"]
    ]


def test_blank_lines_in_csv_tables_are_skipped_and_score_alone(tmp_path: Path) -> None:
    before = tmp_path / "before"
    shutil.copytree(EXAMPLES, before)
    after = tmp_path / "after"
    shutil.copytree(EXAMPLES, after)
    _with_blank_lines(after / "checklists.csv", 3)
    _with_blank_lines(after / "statistics.csv", 5)
    code0, _, want = _score(before, tmp_path / "before.json")
    code, err, got = _score(after, tmp_path / "after.json")
    # No rejected row: `ovm score` goes on without --allow-rejected, and nothing is said.
    assert (code0, code) == (0, 0)
    assert "missing-mission" not in err and got["rejected"] == []
    assert _unlined(got["scorecards"]) == _unlined(want["scorecards"])
    assert _counts(got) == _counts(want)


def test_a_row_after_a_blank_line_keeps_its_number_in_the_file(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    shutil.copytree(EXAMPLES, root)
    path = root / "checklists.csv"
    rows = _rows(path)
    secrecy = rows[0].index("practice.secrecy")
    rows[4][secrecy] = "maybe"  # row 5 of the file before the blank lines, 8 after
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    _with_blank_lines(path, 2)
    code, err = _run(["check", str(root)])
    assert code == 1
    assert [line.split(" ", 1)[0] for line in err.splitlines() if "[invalid-answer]" in line] == [
        f"{path}:8:{secrecy + 1}"
    ]
    assert "missing-mission" not in err


@pytest.mark.parametrize("sheet", ["cells", "blanks"])
def test_blank_rows_of_a_workbook_are_skipped_as_a_csv_s(tmp_path: Path, sheet: str) -> None:
    from openpyxl import Workbook

    before = tmp_path / "before"
    shutil.copytree(EXAMPLES, before)
    rows = _rows(before / "checklists.csv")
    after = tmp_path / "after"
    shutil.copytree(EXAMPLES, after)
    (after / "checklists.csv").unlink()
    config = (after / "ovm.yaml").read_text(encoding="utf-8")
    (after / "ovm.yaml").write_text(
        config.replace("checklists.csv", "checklists.xlsx"), encoding="utf-8"
    )
    wb = Workbook()
    ws = wb.active
    # A blank row is either left empty or holds blanks only; openpyxl writes no empty cells.
    blank = [None] * len(rows[0]) if sheet == "cells" else [" ", "  ", *[None] * 3]
    for k, r in enumerate(rows):
        ws.append([c or None for c in r])
        if k in (3, 4):
            ws.append(blank)
    ws.append(blank)
    wb.save(after / "checklists.xlsx")
    code0, _, want = _score(before, tmp_path / "before.json")
    code, err, got = _score(after, tmp_path / "after.json")
    assert (code0, code) == (0, 0)
    assert "missing-mission" not in err and got["rejected"] == []
    assert _unlined(got["scorecards"]) == _unlined(want["scorecards"])
    assert [c[1:] for c in _counts(got)] == [c[1:] for c in _counts(want)]


def test_a_blank_row_of_a_kobo_export_is_no_submission(tmp_path: Path) -> None:
    mini = load_rubric(MINI / "rubric.yaml")
    header, table = export_table(mini, plain_rows(MINI / "checklists.csv"), "kobo")
    table.insert(2, [None] * len(header))
    root = workspace(tmp_path, "ws", checklists=[{"path": "kobo.csv", "layout": "kobo"}])
    write_export(root / "kobo.csv", header, table)
    ws = load_workspace(root)
    (rep,) = [f for f in ws.observations.report.files if f.kind == "checklist"]
    assert list(ws.observations.report.errors) == []
    assert (rep.rows_read, rep.rows_used, rep.rows_rejected) == (6, 6, 0)
    assert ws.observations.sites[ROW].to_list() == [2, 3, 5, 6, 7, 8]
