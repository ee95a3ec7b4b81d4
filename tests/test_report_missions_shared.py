"""The mission reports ``--with-missions`` writes are made one after another with one formatter
(``mission_report_contexts``): each is the report ``report_context`` makes of its mission
alone, in every language."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from ovm.i18n import LANGUAGES
from ovm.pipeline import Run, analyse
from ovm.reporting.report import mission_report_contexts, render_html, report_context

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


@pytest.fixture(scope="module")
def run() -> Run:
    return analyse(EXAMPLES)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_each_mission_report_is_the_one_made_alone(run: Run, lang: str) -> None:
    # After the comparison, as the command makes them; in reverse order too: a formatter
    # shared by the reports must not carry one mission's words into another's.
    report_context(run, lang=lang, mission_reports=True)
    for missions in (run.missions, run.missions[::-1]):
        shared = list(mission_report_contexts(run, missions, lang=lang))
        alone = [report_context(run, lang=lang, mission=m) for m in missions]
        assert shared == alone
        assert [render_html(c) for c in shared[:3]] == [render_html(c) for c in alone[:3]]


def test_a_title_and_a_date_are_each_reports_own(run: Run) -> None:
    date = dt.date(2026, 12, 5)
    missions = run.missions[:4]
    shared = list(mission_report_contexts(run, missions, lang="es", title="Informe", date=date))
    alone = [
        report_context(run, lang="es", mission=m, title="Informe", date=date) for m in missions
    ]
    assert shared == alone
    assert {c["generated_on"] for c in shared} == {"2026-12-05"}
