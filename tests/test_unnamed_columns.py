"""A column with no header and no value (Excel writes them after the last one) carries nothing:
every table leaves it out. One with no header but a value is an error: the value would be lost."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path
from typing import Any

import pytest
from test_blank_rows import _rows, _run, _score

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def _write(path: Path, rows: list[list[str]], end: str = "\r\n") -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator=end).writerows(rows)


def _copy(tmp_path: Path, name: str) -> Path:
    root = tmp_path / name
    shutil.copytree(EXAMPLES, root)
    return root


def _seen(data: dict[str, Any]) -> tuple[Any, ...]:
    files = [(Path(f["file"]).name, f["rows_read"], f["rows_used"]) for f in data["files"]]
    return data["scorecards"], files, data["rejected"]


# A lone carriage return ends each line of Excel's "CSV (Macintosh)": read row by row.
@pytest.mark.parametrize("end", ["\r\n", "\r"])
def test_empty_unnamed_columns_at_the_end_of_csv_tables_are_left_out(
    tmp_path: Path, end: str
) -> None:
    before, after = _copy(tmp_path, "before"), _copy(tmp_path, "after")
    for name in ("checklists.csv", "statistics.csv"):
        # Excel's trailing columns: no name, no value (or blanks only).
        rows = [[*r, "", " "] for r in _rows(after / name)]
        _write(after / name, rows, end)
    code0, err0, want = _score(before, tmp_path / "before.json")
    code, err, got = _score(after, tmp_path / "after.json")
    assert (code0, code) == (0, 0)
    # Nothing said of them: no error, no warning of an unknown column.
    assert err.replace(str(after), "") == err0.replace(str(before), "")
    assert _seen(got) == _seen(want)


def test_an_unnamed_column_holding_a_value_is_an_error(tmp_path: Path) -> None:
    root = _copy(tmp_path, "ws")
    path = root / "checklists.csv"
    rows = [[*r, "", ""] for r in _rows(path)]
    width = len(rows[0])
    rows[7][-1] = "yes"
    _write(path, rows)
    code, err = _run(["check", str(root)])
    said = [line.split(" ", 1)[0] for line in err.splitlines() if "[empty-header]" in line]
    assert (code, said) == (1, [f"{path}:1:{width - 1}", f"{path}:1:{width}"])


def test_an_unnamed_column_between_named_ones_is_an_error_even_empty(tmp_path: Path) -> None:
    # Left out, it would shift the number of every column after it in every message.
    root = _copy(tmp_path, "ws")
    path = root / "statistics.csv"
    _write(path, [[r[0], "", *r[1:]] for r in _rows(path)])
    code, err = _run(["check", str(root)])
    said = [line.split(" ", 1)[0] for line in err.splitlines() if "[empty-header]" in line]
    assert (code, said) == (1, [f"{path}:1:2"])


def _workbook(root: Path, rows: list[list[Any]]) -> Path:
    from openpyxl import Workbook

    (root / "checklists.csv").unlink()
    config = (root / "ovm.yaml").read_text(encoding="utf-8")
    (root / "ovm.yaml").write_text(
        config.replace("checklists.csv", "checklists.xlsx"), encoding="utf-8"
    )
    wb = Workbook()
    for r in rows:
        wb.active.append(r)
    path = root / "checklists.xlsx"
    wb.save(path)
    return path


def test_a_workbook_s_header_cells_of_blanks_after_the_last_name_are_no_columns(
    tmp_path: Path,
) -> None:
    before, after = _copy(tmp_path, "before"), _copy(tmp_path, "after")
    rows = [[c or None for c in r] for r in _rows(before / "checklists.csv")]
    _workbook(after, [[*rows[0], " ", ""], *rows[1:]])
    code0, err0, want = _score(before, tmp_path / "before.json")
    code, err, got = _score(after, tmp_path / "after.json")
    assert (code0, code) == (0, 0)
    assert err.replace(str(after), "").replace(".xlsx[Sheet]", ".csv") == err0.replace(
        str(before), ""
    )
    assert _seen(got)[0] == _seen(want)[0]
    # A value under such a cell would be lost: refused where it is.
    root = _copy(tmp_path, "valued")
    width = len(rows[0])
    path = _workbook(root, [[*rows[0], " "], *rows[1:3], [*rows[3], None, "x"], *rows[4:]])
    code, err = _run(["check", str(root)])
    said = [line.split(" ", 1)[0] for line in err.splitlines() if "[cell-without-header]" in line]
    assert (code, said) == (1, [f"{path}[Sheet]:4:{width + 2}"])
