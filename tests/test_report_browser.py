"""Reports in a real browser: headless Chromium loads them offline, screenshots and prints them,
and axe-core audits their accessibility.

Needs Chromium (Debian: ``apt-get install chromium``; or ``OVM_CHROMIUM=/path``) and axe-core
(``npm ci`` in ``tests/browser``). Without them the tests skip, except on CI (``CI=true``)
where they fail. Screenshots (1366 px, 390 x 844 phone, A4 print) and PDFs of both reports in
English, Spanish, French and Portuguese go to ``artifacts/screenshots/`` (git-ignored).
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from ovm.data.workspace import load_workspace
from ovm.i18n import LANGUAGES
from ovm.pipeline import analyse
from ovm.reporting import report
from ovm.settings import SensitivitySettings, Settings

ROOT = Path(__file__).resolve().parent.parent
HARNESS = ROOT / "tests" / "browser" / "cdp.py"
ARTIFACTS = ROOT / "artifacts" / "screenshots"
MINI = ROOT / "tests" / "data" / "mini"
EXAMPLES = ROOT / "examples"

pytestmark = pytest.mark.browser


def _load_harness() -> ModuleType:
    spec = importlib.util.spec_from_file_location("ovm_browser_cdp", HARNESS)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


cdp = _load_harness()


def _unavailable(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (required on CI)")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def chromium() -> str:
    exe = cdp.find_chromium()
    if exe is None:
        _unavailable("Chromium is not installed: apt-get install chromium, or set OVM_CHROMIUM")
    if not cdp.AXE.exists():
        _unavailable("axe-core is not installed: run `npm ci` in tests/browser")
    return str(exe)


def _workspace() -> Path:
    """The bundled example workspace when it loads, else the small test workspace."""
    if (EXAMPLES / "ovm.yaml").exists():
        try:
            load_workspace(EXAMPLES)
            return EXAMPLES
        except Exception:  # the examples are someone else's work in progress
            pass
    return MINI


PAGES = [f"{kind}-{lang}" for kind in ("comparison", "mission") for lang in LANGUAGES]


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    ws = load_workspace(_workspace())
    s = ws.settings
    run = analyse(
        ws,
        Settings(
            seed=s.seed,
            bootstrap=s.bootstrap,
            confidence=s.confidence,
            sensitivity=SensitivitySettings(runs=40),
        ),
    )
    out = tmp_path_factory.mktemp("reports")
    mission = (
        "mex-2024"
        if "mex-2024" in run.missions
        else max(run.scores.scorecards, key=lambda c: (c.sites, c.mission.id)).mission.id
    )
    files = {}
    for name in PAGES:
        kind, lang = name.split("-")
        ctx = report.report_context(run, lang=lang, mission=mission if kind == "mission" else None)
        path = out / f"{name}.html"
        path.write_text(report.render_html(ctx), encoding="utf-8")
        files[name] = path
    return files


def _describe(violations: list[dict[str, Any]]) -> str:
    return "\n".join(f"{v['impact']} {v['id']}: {v['help']} {v['nodes'][:2]}" for v in violations)


@pytest.mark.parametrize("name", PAGES)
def test_report_loads_offline_without_errors_and_passes_axe(
    chromium: str, reports: dict[str, Path], name: str
) -> None:
    check = cdp.check_page(reports[name], ARTIFACTS, name=name, chromium=chromium)
    assert check.console_errors == []
    assert check.failed_requests == []
    assert check.axe_version, "axe did not run"
    assert check.passes > 20
    assert check.violations == [], _describe(check.violations)
    assert (check.phone_overflow, check.phone_wide) == (0, []), "the page scrolls sideways"
    for shot in check.screenshots:
        assert Path(shot).stat().st_size > 10_000
    assert check.pdf is not None and Path(check.pdf).read_bytes().startswith(b"%PDF")
    assert check.pdf_pages >= 2
    print(
        f"\n{name}: axe {check.axe_version}, {check.passes} rules passed, "
        f"{len(check.violations)} minor/moderate violation(s), {check.incomplete} to review "
        f"({', '.join(check.incomplete_rules)}), "
        f"{check.pdf_pages} PDF pages; {', '.join(check.screenshots)}"
    )


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_fixes_table_breaks_no_header_word_on_a_desktop_or_a_phone(
    reports: dict[str, Path], lang: str
) -> None:
    # "Prioridade" split as "Prioridad" / "e" where its column was a share of a narrow table.
    exe = cdp.find_chromium()
    if exe is None:
        _unavailable("Chromium is not installed: apt-get install chromium, or set OVM_CHROMIUM")
    found = cdp.split_words(
        reports[f"comparison-{lang}"], "table.fixes thead th", chromium=str(exe)
    )
    assert found == {cdp.DESKTOP[0]: [], cdp.PHONE[0]: []}


def test_harness_catches_remote_loads_and_console_errors(chromium: str, tmp_path: Path) -> None:
    page = tmp_path / "bad.html"
    page.write_text(
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        "<meta http-equiv='Content-Security-Policy' content=\"default-src 'none'; "
        "style-src 'unsafe-inline'; img-src data:; script-src 'unsafe-inline'\">"
        "<title>bad</title></head><body><main><h1>bad</h1>"
        "<img src='http://127.0.0.1:9/x.png' alt='remote'>"
        "<script>console.error('boom')</script>"
        "<p style='color:#eee;background:#fff'>low contrast</p></main></body></html>",
        encoding="utf-8",
    )
    check = cdp.check_page(page, tmp_path / "shots", name="bad", chromium=chromium, full_page=False)
    assert check.failed_requests, "the blocked remote image was not seen"
    assert any("boom" in e for e in check.console_errors)
    assert "color-contrast" in {v["id"] for v in check.serious()}
