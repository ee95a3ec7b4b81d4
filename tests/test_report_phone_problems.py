"""A mission report's tables of refused cells and warnings read on a 390 px phone without
scrolling sideways: each row is stacked (place, mission, message), a long place or quoted word
wraps, and nothing is lost (the mission says it is one). On a wide screen and in print they
stay tables of three columns. In headless Chromium, on a report written by ``ovm report`` from
a copy of tests/data/mini with refused cells."""

from __future__ import annotations

import importlib.util
import json
import os
import sys
import tempfile
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from test_words_as_meant import _mini

from ovm.cli.app import main

ROOT = Path(__file__).resolve().parent.parent
HARNESS = ROOT / "tests" / "browser" / "cdp.py"

pytestmark = pytest.mark.browser


def _harness() -> ModuleType:
    spec = importlib.util.spec_from_file_location("ovm_browser_cdp", HARNESS)
    assert spec is not None and spec.loader is not None
    module = sys.modules.get(spec.name) or importlib.util.module_from_spec(spec)
    if spec.name not in sys.modules:
        sys.modules[spec.name] = module
        spec.loader.exec_module(module)
    return module


cdp = _harness()

# Every value of aaa-2020's statistics row refused; a checklist answer with a long word.
STATISTICS = """\
mission,registered_abroad,votes_abroad,votes_abroad__source,votes_abroad__confidence
aaa-2020,lots,many,EMB results,high
bbb-2021,2000,,,
"""
LONG = "x" * 70

MEASURE = """JSON.stringify(Array.from(document.querySelectorAll('table.problems')).map(t => ({
  wrap: [t.parentElement.scrollWidth, t.parentElement.clientWidth],
  view: document.documentElement.clientWidth,
  rows: Array.from(t.tBodies[0].rows).map(r => Array.from(r.cells).map(c => {
    const b = c.getBoundingClientRect();
    const before = getComputedStyle(c, '::before').content;
    return [Math.round(b.left), Math.round(b.top), Math.round(b.right), c.innerText, before];
  }))})))"""
"""Each problems table: its wrap's scroll and visible widths, and each cell's box, text and
what its ``::before`` writes (``none`` for nothing)."""


@pytest.fixture(scope="module")
def chromium() -> str:
    exe = cdp.find_chromium()
    if exe is None:
        if os.environ.get("CI") == "true":
            pytest.fail("Chromium is not installed (required on CI)")
        pytest.skip("Chromium is not installed: apt-get install chromium, or set OVM_CHROMIUM")
    return str(exe)


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("phone")
    ws = _mini(tmp)
    (ws / "statistics.csv").write_text(STATISTICS, "utf-8")
    checklists = ws / "checklists.csv"
    text = checklists.read_text("utf-8")
    checklists.write_text(
        text.replace(
            "s1,USA,Miami,o1,2020-05-01T08:00,,yes", f"s1,USA,Miami,o1,2020-05-01T08:00,,{LONG}"
        ),
        "utf-8",
    )
    out = tmp / "mission.html"
    argv = ["report", str(ws), "-q", "--allow-rejected", "--mission", "aaa-2020", "-o", str(out)]
    assert main(argv) == 0
    return out


def _measure(chromium: str, page: Path, width: int, *, mobile: bool, media: str) -> Any:
    with (
        tempfile.TemporaryDirectory(prefix="ovm-chromium-") as profile,
        cdp.Browser(chromium, profile) as browser,
    ):
        target = browser.send("Target.createTarget", {"url": "about:blank"})
        session = browser.send(
            "Target.attachToTarget", {"targetId": target["targetId"], "flatten": True}
        )["sessionId"]
        browser.send("Page.enable", session=session)
        browser.send(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": 844, "deviceScaleFactor": 1, "mobile": mobile},
            session=session,
        )
        browser.send("Emulation.setEmulatedMedia", {"media": media}, session=session)
        browser.send("Page.navigate", {"url": page.resolve().as_uri()}, session=session)
        browser.wait_for("Page.loadEventFired", session=session)
        res = browser.send(
            "Runtime.evaluate", {"expression": MEASURE, "returnByValue": True}, session=session
        )
        return json.loads(res["result"]["value"])


def _said(cell: list[Any]) -> str:
    """What a cell shows: its ``::before`` (a quoted string, or ``none``), then its text."""
    before = "" if cell[4] == "none" else json.loads(cell[4])
    return str(before) + str(cell[3])


def test_refused_cells_are_stacked_on_a_phone(chromium: str, page: Path) -> None:
    tables = _measure(chromium, page, 390, mobile=True, media="")
    assert len(tables) == 1
    (table,) = tables
    # nothing to scroll sideways: the table is no wider than its box, its box than the screen
    assert table["wrap"][0] <= table["wrap"][1] <= table["view"] <= 390
    rows = table["rows"]
    assert [[_said(cell) for cell in row] for row in rows] == [
        [
            "statistics.csv:2:2",
            "Mission: aaa-2020",
            "'lots' is not a number (registered_abroad) [invalid-number]",
        ],
        [
            "statistics.csv:2:3",
            "Mission: aaa-2020",
            "'many' is not a number (votes_abroad) [invalid-number]",
        ],
        [
            "checklists.csv:2:8",
            "Mission: aaa-2020",
            # a value this long is quoted shortened, as the command line quotes it
            f"'{LONG[:60]}…' is not an allowed answer for practice.on_time (yes, no) "
            "[invalid-answer]",
        ],
    ]
    for row in rows:
        # one under the other, each within the screen
        tops = [cell[1] for cell in row]
        assert tops == sorted(tops) and len(set(tops)) == len(tops)
        assert all(cell[2] <= table["view"] for cell in row)


@pytest.mark.parametrize(("width", "media"), [(1366, ""), (794, "print")])
def test_refused_cells_stay_a_table_on_a_wide_screen_and_in_print(
    chromium: str, page: Path, width: int, media: str
) -> None:
    (table,) = _measure(chromium, page, width, mobile=False, media=media)
    for row in table["rows"]:
        # three cells side by side on one line, the mission without its column's name
        assert len({cell[1] for cell in row}) == 1
        lefts = [cell[0] for cell in row]
        assert lefts == sorted(lefts) and len(set(lefts)) == 3
        assert [_said(cell) for cell in row][:2] == [row[0][3], "aaa-2020"]
