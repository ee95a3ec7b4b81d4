"""Why leaders are no best practice, in every output: the reason the comparison decides (a
code), worded in the report's language by the HTML, the report JSON and the workbook."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import html5lib
import openpyxl
import pytest

import ovm
from ovm.cli.app import main
from ovm.i18n import translator

MINI = Path(__file__).resolve().parent / "data" / "mini"
NODE = "practice.on_time"


def _mini(root: Path, sites: dict[str, tuple[int, int]]) -> Path:
    """The mini workspace whose observers answered ``yes`` at the first ``yes`` of ``n``
    polling places of each mission (``sites[mission] = (yes, n)``)."""
    shutil.copytree(MINI, root)
    rows = [
        "mission,site,site_country,site_city,observer,visited_at,notes,practice.on_time,"
        "practice.queue,practice.turned_away"
    ]
    for mission, (yes, n) in sites.items():
        rows += [
            f"{mission},s{i},USA,Miami,o{i},2020-05-01T08:00,,{'yes' if i < yes else 'no'},20,0"
            for i in range(n)
        ]
    (root / "checklists.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return root


CASES = {
    # 40 of 40 against 2 of 40: the lead holds, in the top band.
    "best": ({"aaa-2020": (40, 40), "bbb-2021": (2, 40)}, None),
    # 100 % against 0 %, from 4 polling places: no interval to hold a lead with.
    "thin": ({"aaa-2020": (4, 4), "bbb-2021": (0, 40)}, "no_interval"),
    # 5 of 6 against 4 of 6: the intervals overlap.
    "close": ({"aaa-2020": (5, 6), "bbb-2021": (4, 6)}, "lead"),
    # 40 % against 0 %: the lead holds, in the weak band.
    "weak": ({"aaa-2020": (16, 40), "bbb-2021": (0, 40)}, "band"),
    # Both at 100 %: no lead.
    "tied": ({"aaa-2020": (10, 10), "bbb-2021": (10, 10)}, "tied"),
    # Only one mission observed: nobody to lead.
    "alone": ({"aaa-2020": (10, 10)}, "alone"),
}


def _best_row(report: dict[str, Any]) -> dict[str, Any]:
    row: dict[str, Any] = next(
        b for sec in report["family_sections"] for b in sec["best"] if b["id"] == NODE
    )
    return row


@pytest.mark.parametrize("case", list(CASES))
def test_the_report_says_why_leaders_are_no_best_practice(tmp_path: Path, case: str) -> None:
    sites, reason = CASES[case]
    root = _mini(tmp_path / "ws", sites)
    out = tmp_path / "r.json"
    assert main(["report", str(root), "-q", "-o", str(out)]) == 0
    row = _best_row(json.loads(out.read_text("utf-8")))
    words = None if reason is None else translator("en")(f"no_best_practice_{reason}")
    assert (row["why_not_code"], row["why_not"], row["best_practice"]) == (
        reason,
        words,
        reason is None,
    )
    # The library's comparison decides it: the report only words it, and the comparison's
    # own JSON carries the same code.
    run = ovm.analyse(ovm.load_workspace(root))
    assert run.comparison.leaders[NODE].why_not == reason
    compared = tmp_path / "c.json"
    assert main(["compare", str(root), "-q", "--format", "json", "-o", str(compared)]) == 0
    leader = json.loads(compared.read_text("utf-8"))["leaders"][NODE]
    assert (leader["why_not"], leader["best_practice"]) == (reason, reason is None)


def _xlsx_reason(path: Path) -> str:
    rows = list(openpyxl.load_workbook(path)["best practices"].iter_rows(values_only=True))
    header = list(rows[0])
    row = next(r for r in rows[1:] if r[header.index("Id")] == NODE)
    # The sheet's headers are in the report's language: the reason is the last column.
    return str(row[-1] or "")


@pytest.mark.parametrize("case", ["thin", "tied", "alone"])
@pytest.mark.parametrize("lang", ["en", "es"])
def test_html_json_and_workbook_give_the_same_reason(tmp_path: Path, case: str, lang: str) -> None:
    sites, reason = CASES[case]
    root = _mini(tmp_path / "ws", sites)
    paths = {fmt: tmp_path / f"r.{fmt}" for fmt in ("json", "html", "xlsx")}
    for path in paths.values():
        assert main(["report", str(root), "-q", "--lang", lang, "-o", str(path)]) == 0
    words = translator(lang)(f"no_best_practice_{reason}")
    best = _best_row(json.loads(paths["json"].read_text("utf-8")))
    assert best["why_not"] == words
    assert _xlsx_reason(paths["xlsx"]) == words
    doc = html5lib.parse(paths["html"].read_text("utf-8"), namespaceHTMLElements=False)
    row = next(
        tr
        for table in doc.iter("table")
        if "best" in (table.get("class") or "").split()
        for tr in table.iter("tr")
        if tr.find("th") is not None and _text(tr.find("th")) == best["label"]["text"]
    )
    assert [_text(el) for el in row.iter("span") if el.get("class") == "flag"] == [words]


def _text(el: Any) -> str:
    return re.sub(r"[ \t\r\n]+", " ", "".join(el.itertext())).strip(" ")
