"""``ovm report --format pdf``: both reports printed on A4 with their text and page numbers.

Needs Chromium (Debian: ``apt-get install chromium``; or ``OVM_CHROMIUM=/path``); without it
these tests skip, except under ``CI=true``.
"""

from __future__ import annotations

import html
import os
import re
import unicodedata
from pathlib import Path

import pytest

from ovm.cli.app import main
from ovm.reporting.pdf import find_chromium

pypdf = pytest.importorskip("pypdf")

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
MINI = ROOT / "tests" / "data" / "mini"
A4_POINTS = (595, 842)

needs_chromium = pytest.mark.skipif(
    find_chromium() is None and os.environ.get("CI") != "true",
    reason="Chromium is not installed: apt-get install chromium, or set OVM_CHROMIUM",
)


def _pages(path: Path) -> list[str]:
    reader = pypdf.PdfReader(path)
    for page in reader.pages:
        box = page.mediabox
        assert (round(float(box.width)), round(float(box.height))) == A4_POINTS
    # NFKC undoes the ligatures of the printed text ("ﬁ" -> "fi")
    return [
        re.sub(r"\s+", " ", unicodedata.normalize("NFKC", page.extract_text()))
        for page in reader.pages
    ]


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("pdf")
    common = ["-q", "--bootstrap", "0"]
    runs = {
        "comparison": ["report", EXAMPLES, *common, "--sensitivity-runs", "0"],
        "mission": ["report", EXAMPLES, *common, "--mission", "mex-2024"],
    }
    paths = {}
    for name, argv in runs.items():
        paths[name] = out / f"{name}.pdf"
        assert main([str(a) for a in [*argv, "-o", paths[name]]]) == 0
        assert main([str(a) for a in [*argv, "-o", out / f"{name}.html"]]) == 0
    return paths


@needs_chromium
def test_the_comparison_prints_with_its_missions_and_page_numbers(
    printed: dict[str, Path],
) -> None:
    pages = _pages(printed["comparison"])
    assert 10 <= len(pages) <= 80
    n = len(pages)
    # every page carries "k / n" and the rubric and data digest in its margin
    for k, text in enumerate(pages, start=1):
        assert f"{k} / {n}" in text, k
        assert "deco-voting-abroad" in text and "data sha256" in text, k
    # The summary a mission chief reads (overview, ranking, best practices, what each country
    # should fix) fits the first five pages: the first family's detail starts page six at most.
    first_family = next(k for k, text in enumerate(pages, start=1) if "Family 1: " in text)
    assert first_family <= 6
    whole = " ".join(pages)
    for name in ("Colombia", "Costa Rica", "Mexico", "El Salvador", "Peru", "Paraguay"):
        assert name in whole, name
    page = printed["comparison"].with_suffix(".html").read_text("utf-8")
    headings = re.findall(r"<h2 id=\"[^\"]+\">([^<]+)</h2>", page)
    assert len(headings) >= 5
    for heading in headings:
        # print styles may set a heading in capitals
        assert re.sub(r"\s+", " ", html.unescape(heading)).strip().lower() in whole.lower()


@needs_chromium
def test_the_mission_report_prints_with_its_text(printed: dict[str, Path]) -> None:
    pages = _pages(printed["mission"])
    assert 3 <= len(pages) <= 80
    whole = " ".join(pages)
    assert "Mexico, 2024 general election" in whole
    assert f"1 / {len(pages)}" in pages[0]
    # the recommendations' text is there, as in the HTML
    assert "Only 12.2" in whole


def test_without_chromium_the_command_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("OVM_CHROMIUM", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    out = tmp_path / "r.pdf"
    assert main(["report", str(MINI), "-q", "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert "apt-get install chromium" in err and "OVM_CHROMIUM" in err
    assert "Traceback" not in err and not out.exists()
    monkeypatch.setenv("OVM_CHROMIUM", str(tmp_path / "no-such-browser"))
    assert main(["report", str(MINI), "-q", "--format", "pdf", "-o", str(out)]) == 2
    assert "is not an executable Chromium" in capsys.readouterr().err
    assert not out.exists()


def test_a_chromium_that_fails_is_an_error_with_its_words(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = tmp_path / "chromium"
    fake.write_text("#!/bin/sh\necho 'cannot open display' >&2\nexit 3\n", "utf-8")
    fake.chmod(0o755)
    monkeypatch.setenv("OVM_CHROMIUM", str(fake))
    out = tmp_path / "r.pdf"
    assert main(["report", str(MINI), "-q", "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert "exit status 3" in err and "cannot open display" in err
    assert not out.exists()
