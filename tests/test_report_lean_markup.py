"""The comparison's large tables are written lean: the cells' end tags, which every HTML parser
supplies, are left out, and the few things said per cell by a class are said by the stylesheet.
Read back by an HTML parser, each row still has a cell per column, each cell exactly its text;
and every link to a mission's profile is either its id (kept on one line by the stylesheet) or
its name (marked, free to wrap)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import html5lib
import pytest

from ovm.cli.app import main

MINI = Path(__file__).resolve().parent / "data" / "mini"
LEAN = ("indicators", "heatmap", "best-practices", "bars", "coverage")


def _page(tmp_path: Path, lang: str) -> tuple[str, Any]:
    root = tmp_path / "ws"
    shutil.copytree(MINI, root)
    out = tmp_path / "report.html"
    argv = ["report", str(root), "-q", "--sensitivity-runs", "0", "--bootstrap", "0"]
    assert main([*argv, "--lang", lang, "-o", str(out)]) == 0
    html = out.read_text(encoding="utf-8")
    return html, html5lib.parse(html, namespaceHTMLElements=False)


def _columns(row: Any) -> int:
    return sum(int(c.get("colspan", "1")) for c in row if c.tag in ("td", "th"))


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_lean_tables_read_back_cell_by_cell(tmp_path: Path, lang: str) -> None:
    html, doc = _page(tmp_path, lang)
    seen = set()
    for table in doc.iter("table"):
        kind = (table.get("class") or "").split()
        if not set(kind) & set(LEAN):
            continue
        seen |= set(kind) & set(LEAN)
        head = table.find("thead/tr")
        rows = [tr for tbody in table.findall("tbody") for tr in tbody.findall("tr")]
        assert rows, kind
        widths = {_columns(tr) for tr in rows}
        assert widths == {_columns(head) if head is not None else _columns(rows[0])}, kind
        for tr in rows:
            for cell in tr:
                assert cell.tag in ("td", "th"), (kind, cell.tag)
                text = "".join(cell.itertext())
                # a profile's bar is drawn, not written: its cell holds an element only
                assert text == text.strip() and (text or len(cell)), (kind, text)
    assert seen == set(LEAN)
    # the tables' end tags are indeed left out (else this file would test nothing new)
    indicators = html[html.index('<table class="indicators">') :]
    assert "</td>" not in indicators[: indicators.index("</table>")]


def test_a_link_to_a_profile_is_an_id_kept_whole_or_a_name_free_to_wrap(tmp_path: Path) -> None:
    html, doc = _page(tmp_path, "en")
    ids = set(re.findall(r'<article class="card" id="mission-([^"]+)"', html))
    kinds = {"id": 0, "name": 0}
    for a in doc.iter("a"):
        href = a.get("href") or ""
        if not href.startswith("#mission-"):
            continue
        text = "".join(a.itertext())
        if "name" in (a.get("class") or "").split():
            kinds["name"] += 1
            assert text not in ids
        else:
            kinds["id"] += 1
            assert text == href.removeprefix("#mission-") and text in ids
    assert kinds["id"] > 0 and kinds["name"] > 0
    style = html[html.index("<style>") : html.index("</style>")]
    assert 'a[href^="#mission-"]:not(.name) { white-space: nowrap; }' in style
