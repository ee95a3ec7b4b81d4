"""Every link of a comparison report finds its target: written alone, it links to no mission
report (none is beside it) and its JSON names none; with ``--with-missions`` each link to a
mission report finds that file and the anchor in it."""

from __future__ import annotations

import functools
import json
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from ovm.cli.app import main

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
FAST = ["-q", "--bootstrap", "0", "--sensitivity-runs", "0"]

pytestmark = pytest.mark.skipif(not (EXAMPLES / "ovm.yaml").exists(), reason="no example workspace")


class _Links(HTMLParser):
    """The hrefs of a page and the ids it holds."""

    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name == "id" and value is not None:
                self.ids.add(value)
            if tag == "a" and name == "href" and value is not None:
                self.hrefs.append(value)


@functools.cache
def _parse(path: Path) -> _Links:
    p = _Links()
    p.feed(path.read_text(encoding="utf-8"))
    return p


def _broken(page: Path) -> list[str]:
    """The relative links of ``page`` whose file or anchor does not exist."""
    broken = []
    own = _parse(page)
    for href in own.hrefs:
        url = urlsplit(href)
        if url.scheme or url.netloc:
            continue  # a reference's web address
        target = page if not url.path else page.parent / unquote(url.path)
        missing = not target.is_file()
        if missing or (url.fragment and unquote(url.fragment) not in _parse(target).ids):
            broken.append(href)
    return broken


@pytest.mark.parametrize("lang", ["en", "es"])
def test_a_comparison_written_alone_links_to_nothing_outside_it(tmp_path: Path, lang: str) -> None:
    out = tmp_path / "report.html"
    assert main(["report", str(EXAMPLES), *FAST, "--lang", lang, "-o", str(out)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html"]
    links = _parse(out).hrefs
    assert [h for h in links if h.startswith("mission-")] == []
    # nor does its text send the reader to them as files beside it
    assert "mission-ID.html" not in out.read_text(encoding="utf-8")
    assert len(links) > 100  # the page's own links are still there
    assert _broken(out) == []


def test_the_json_of_a_comparison_written_alone_names_no_mission_report(tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    assert main(["report", str(EXAMPLES), *FAST, "-o", str(out)]) == 0
    ctx = json.loads(out.read_text())
    assert ctx["mission_reports"] is False
    fixes = ctx["fixes"]
    assert sum(len(f["items"]) + len(f["rest"]) for f in fixes) > 0
    assert {f["report"] for f in fixes} == {None}
    assert {r["href"] for f in fixes for r in [*f["items"], *f["rest"]]} == {None}


def test_with_the_mission_reports_every_link_finds_its_file_and_anchor(tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    assert main(["report", str(EXAMPLES), *FAST, "--with-missions", "-o", str(out)]) == 0
    links = _parse(out).hrefs
    to_missions = [h for h in links if h.startswith("mission-")]
    assert len(to_missions) > 19  # each mission's recommendations point at its report
    assert _broken(out) == []
    for page in sorted(tmp_path.glob("mission-*.html")):
        assert _broken(page) == [], page.name
