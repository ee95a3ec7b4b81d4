"""The data-quality section writes its counts as the report's language writes numbers: 1,200
rows in English, 1.200 in Spanish (they were written 1200 in every language)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import openpyxl
import pytest

from ovm.cli.app import main

MINI = Path(__file__).resolve().parent / "data" / "mini"


@pytest.mark.parametrize(("lang", "said"), [("en", "1,200"), ("es", "1.200")])
def test_the_data_quality_counts_are_written_as_the_language_writes_numbers(
    tmp_path: Path, lang: str, said: str
) -> None:
    root = tmp_path / "ws"
    shutil.copytree(MINI, root)
    # 1,200 visits, each observer at one place an hour apart, none of them implausible
    rows = [
        f"aaa-2020,s{k},USA,Miami,o{k % 600},2020-05-01T{8 + k // 600:02d}:00,,yes,15,0"
        for k in range(1200)
    ]
    head = (MINI / "checklists.csv").read_text(encoding="utf-8").splitlines()[0]
    (root / "checklists.csv").write_text("\n".join([head, *rows]) + "\n", encoding="utf-8")
    out = tmp_path / "report.json"
    argv = ["report", str(root), "-q", "--sensitivity-runs", "0", "--bootstrap", "0"]
    assert main([*argv, "--lang", lang, "-o", str(out)]) == 0
    files = json.loads(out.read_text(encoding="utf-8"))["quality"]["files"]
    (checklists,) = [f for f in files if f["file"].endswith("checklists.csv")]
    assert (checklists["read"], checklists["used"]) == (said, said)
    html = tmp_path / "report.html"
    assert main([*argv, "--lang", lang, "-o", str(html)]) == 0
    assert f'<td class="n">{said}</td>' in html.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("lang", "total", "more"), [("en", "1,220", "1,200"), ("es", "1.220", "1.200")]
)
def test_the_count_of_problems_not_listed_is_written_as_the_language_writes_numbers(
    tmp_path: Path, lang: str, total: str, more: str
) -> None:
    """1,220 refused cells of one code: the report lists 20 and says how many more there
    are, grouped as their total is, in the HTML, the JSON and the workbook."""
    root = tmp_path / "ws"
    shutil.copytree(MINI, root)
    # 1,220 visits, each observer at one place an hour apart, each refusing its on_time cell
    rows = [
        f"aaa-2020,s{k},USA,Miami,o{k % 610},2020-05-01T{8 + k // 610:02d}:00,,maybe,15,0"
        for k in range(1220)
    ]
    head = (MINI / "checklists.csv").read_text(encoding="utf-8").splitlines()[0]
    (root / "checklists.csv").write_text("\n".join([head, *rows]) + "\n", encoding="utf-8")
    argv = ["report", str(root), "-q", "--allow-rejected", "--sensitivity-runs", "0"]
    out = {fmt: tmp_path / f"report.{fmt}" for fmt in ("json", "html", "xlsx")}
    for path in out.values():
        assert main([*argv, "--lang", lang, "-o", str(path)]) == 0
    cells = json.loads(out["json"].read_text(encoding="utf-8"))["quality"]["cells"]
    assert (cells["total"], [m["count"] for m in cells["more"]]) == (total, [more])
    html = out["html"].read_text(encoding="utf-8")
    assert total in html and f"{more} " in html and "1200" not in html
    book = openpyxl.load_workbook(out["xlsx"])
    said = [r[-1] for r in book["data quality"].iter_rows(values_only=True) if r[1] is None]
    assert len(said) == 1 and said[0].startswith(f"{more} ")
