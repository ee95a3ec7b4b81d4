"""A count a spreadsheet's formula computed (shown 60000, held 60000.00000000001) is refused as
any number that is not whole, with a message that says why a cell showing a whole number is
refused and how to fix it; a count truly not whole keeps the plain message."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest

from ovm.cli.app import main

MINI = Path(__file__).parent / "data" / "mini"


def _said(err: str) -> list[str]:
    return [line for line in err.splitlines() if line.endswith("[not-integer]")]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_computed_count_is_refused_with_the_rounding_it_holds(
    tmp_path: Path, fmt: str, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "ws"
    shutil.copytree(MINI, root)
    rows = [
        ["mission", "registered_abroad", "votes_abroad"],
        ["aaa-2020", 59999.99999999999, 350.00000000001],
        ["bbb-2021", 2000.5, None],
    ]
    if fmt == "csv":
        text = "\n".join(",".join("" if c is None else str(c) for c in r) for r in rows)
        (root / "statistics.csv").write_text(text + "\n", encoding="utf-8")
        name = root / "statistics.csv"
    else:
        wb = openpyxl.Workbook()
        for r in rows:
            wb.active.append(r)
        wb.save(root / "statistics.xlsx")
        (root / "statistics.csv").unlink()
        cfg = (
            (root / "ovm.yaml")
            .read_text(encoding="utf-8")
            .replace("statistics.csv", "statistics.xlsx")
        )
        (root / "ovm.yaml").write_text(cfg, encoding="utf-8")
        name = f"{root / 'statistics.xlsx'}[Sheet]"
    assert main(["check", str(root)]) == 1
    tail = "round it where it is computed (ROUND(..., 0) in a spreadsheet) [not-integer]"
    assert _said(capsys.readouterr().err) == [
        f"{name}:2:2 registered_abroad takes whole numbers, not 59999.99999999999: the cell "
        f"holds a value computed a rounding error away from 60,000; {tail}",
        f"{name}:2:3 votes_abroad takes whole numbers, not 350.00000000001: the cell holds a "
        f"value computed a rounding error away from 350; {tail}",
        f"{name}:3:2 registered_abroad takes whole numbers, not 2000.5 [not-integer]",
    ]
    assert main(["check", str(root), "--lang", "es"]) == 1
    said = _said(capsys.readouterr().err)
    assert said[0] == (
        f"{name}:2:2 registered_abroad admite números enteros, no 59999.99999999999: la celda "
        "guarda un valor calculado que difiere de 60.000 por un error de redondeo; redondéelo "
        "donde se calcula (REDONDEAR(...; 0) en una hoja de cálculo) [not-integer]"
    )
