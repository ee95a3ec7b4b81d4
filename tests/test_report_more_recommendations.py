"""A comparison report lists each mission's most important recommendations and says how many
more there are; "N more recommendations" says where they are, in every language.

With ``--with-missions`` they are in the mission's report beside the comparison, which the
line links to. Written alone, no page of the report holds them: the summary's line leads to the
mission's entry in the annex, which names the commands that write them all (``ovm recommend
FOLDER --mission ID``, ``ovm report --with-missions``).
"""

from __future__ import annotations

import json
from pathlib import Path

import html5lib
import pytest

from ovm import i18n
from ovm.cli.app import main

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
FAST = ["-q", "--sensitivity-runs", "0", "--bootstrap", "0"]
XHTML = "{http://www.w3.org/1999/xhtml}"


def _more(tmp_path: Path, lang: str) -> dict[str, str]:
    """How many more recommendations each mission has than the report lists, as written."""
    out = tmp_path / "r.json"
    assert main(["report", str(EXAMPLES), *FAST, "--lang", lang, "-o", str(out)]) == 0
    fixes = json.loads(out.read_text("utf-8"))["fixes"]
    return {f["mission"]["id"]: f["more"] for f in fixes if f["items"] and f["more"] != "0"}


def _page(path: Path) -> object:
    return html5lib.parse(path.read_text("utf-8"))


def _text(node: object) -> str:
    return " ".join("".join(node.itertext()).split())  # type: ignore[attr-defined]


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_alone_the_comparison_says_which_commands_write_the_other_recommendations(
    tmp_path: Path, lang: str
) -> None:
    more = _more(tmp_path, lang)
    assert more  # the example workspace has missions with more than the report lists
    page = tmp_path / "r.html"
    assert main(["report", str(EXAMPLES), *FAST, "--lang", lang, "-o", str(page)]) == 0
    tree = _page(page)
    annex = tree.find(f".//{XHTML}section[@id='fixes-full']")  # type: ignore[attr-defined]
    said = {}
    for article in annex.iter(f"{XHTML}article"):
        mission = _text(article.find(f".//{XHTML}h3/{XHTML}span[@class='mid']"))
        notes = [p for p in article.findall(f"{XHTML}p") if p.get("class") == "note"]
        if notes:
            said[mission] = _text(notes[-1])
    assert said == {
        mid: " ".join(
            i18n.gettext("fixes_more_elsewhere", lang, n=n, mission=mid).replace("`", "").split()
        )
        for mid, n in more.items()
    }
    # The summary's line leads to the mission's entry in the annex, which is on the page.
    table = tree.find(f".//{XHTML}section[@id='fixes']")  # type: ignore[attr-defined]
    led = {}
    for a in table.iter(f"{XHTML}a"):
        href = a.get("href") or ""
        if href.startswith("#"):
            target = annex.find(f".//{XHTML}h3[@id='{href[1:]}']")
            if target is not None:
                led[_text(target.find(f"{XHTML}span[@class='mid']"))] = _text(a)
    assert led == {mid: f"{i18n.gettext('fixes_more', lang, n=n)} {mid}" for mid, n in more.items()}


def test_with_the_mission_reports_the_line_links_to_the_mission_report(tmp_path: Path) -> None:
    more = _more(tmp_path, "en")
    page = tmp_path / "site" / "r.html"
    page.parent.mkdir()
    argv = ["report", str(EXAMPLES), *FAST, "--with-missions", "-o", str(page)]
    assert main(argv) == 0
    tree = _page(page)
    assert tree.find(f".//{XHTML}section[@id='fixes-full']") is None  # type: ignore[attr-defined]
    table = tree.find(f".//{XHTML}section[@id='fixes']")  # type: ignore[attr-defined]
    links = sorted(
        a.get("href") for a in table.iter(f"{XHTML}a") if "more recommendation" in _text(a)
    )
    assert links == sorted(f"mission-{mid}.html#recommendations" for mid in more)
    assert all((page.parent / f"mission-{mid}.html").is_file() for mid in more)
    assert "ovm recommend" not in page.read_text("utf-8")
