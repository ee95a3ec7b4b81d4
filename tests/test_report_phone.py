"""The mission report read on a phone: a family's score and band stay on screen.

At 390 px the family table's bar column used to push the score cell out of view ("48,6
Cumplimie…"). On narrow screens the bar gives up its column (the score's colour says what it
draws); on wide screens and in print it stays.
"""

from __future__ import annotations

import re
from pathlib import Path

import html5lib

from ovm.cli.app import main

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


def _blocks(css: str, head: str) -> list[str]:
    """The bodies of every ``head { ... }`` block of a style sheet (braces matched)."""
    out = []
    for found in re.finditer(re.escape(head) + r"\s*\{", css):
        depth, i = 1, found.end()
        while depth:
            depth += {"{": 1, "}": -1}.get(css[i], 0)
            i += 1
        out.append(css[found.end() : i - 1])
    return out


def _rules(css: str) -> dict[str, str]:
    """Selector -> declarations of the plain rules of a block (no nested at-rules)."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    return {
        " ".join(sel.split()): " ".join(body.split())
        for sel, body in re.findall(r"([^{}@]+)\{([^{}]*)\}", css)
    }


def test_the_family_tables_bar_yields_its_column_on_a_phone(tmp_path: Path) -> None:
    for lang in ("en", "es"):
        out = tmp_path / f"mission-{lang}.html"
        code = main(
            ["report", str(EXAMPLES), "-q", "--lang", lang, "--mission", "mex-2024", "-o", str(out)]
        )
        assert code == 0
        page = out.read_text("utf-8")
        tree = html5lib.parse(page, namespaceHTMLElements=False)
        table = tree.find(".//table[@class='profile']")
        assert table is not None
        head = [c.get("class") for c in table.findall("./thead/tr/th")]
        assert head == [None, "bar-cell", "n"]
        rows = table.findall("./tbody/tr")
        assert len(rows) >= 6
        # every row: the family, then its bar, then its score with the band written out
        assert {tuple(c.tag + "." + (c.get("class") or "") for c in r) for r in rows} == {
            ("th.", "td.bar-cell", "td.n")
        }
        css = "".join(s.text or "" for s in tree.iter("style"))
        phone = _blocks(css, "@media screen and (max-width: 640px)")
        assert len(phone) == 1
        narrow = _rules(phone[0])
        assert narrow["table.profile .bar-cell"] == "display: none;"
        assert narrow["table.profile td.n"] == "white-space: normal;"
        # wide screens and print keep the bar: no rule outside the phone block hides it
        wide = css.replace(phone[0], "")
        assert "table.profile .bar-cell" not in wide
