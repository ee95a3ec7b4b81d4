"""The report workbook: a score reads the same on every sheet, and a gain says what it counts in.

Every sheet that shows a score (the rankings, the comparison's and a mission's indicators, a
mission's overview) gives it as the same block of columns: the score (band-coloured), its band,
its status, its coverage and its interval as two numbers, each with its number format, holding
the values the run computed.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import openpyxl
import pytest

import ovm
from ovm.i18n import translator
from ovm.reporting import report, workbook
from ovm.scoring.results import NodeScore

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


@pytest.fixture(scope="module")
def run() -> ovm.Run:
    return ovm.analyse(EXAMPLES, ovm.Settings(bootstrap=20))


def _sheet(data: bytes, name: str) -> list[list[Any]]:
    wb = openpyxl.load_workbook(io.BytesIO(data))
    return [list(row) for row in wb[name].iter_rows()]


def _block(rows: list[list[Any]], first: str, lang: str) -> tuple[int, list[str]]:
    """Where the score block starts (the column headed ``first``) and its headers."""
    headers = [c.value for c in rows[0]]
    j = headers.index(first)
    return j, headers[j : j + len(workbook.SCORE_FIELDS)]


def _expected(ns: NodeScore | None) -> list[Any]:
    if ns is None or ns.status != "scored":
        return [None, None, None]
    low, high = ns.interval if ns.interval else (None, None)
    return [ns.score, low, high]


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_every_sheet_shows_a_score_with_the_same_columns_and_the_runs_values(
    run: ovm.Run, lang: str
) -> None:
    t = translator(lang)
    block = [t(msgid) for msgid, _, _ in workbook.SCORE_FIELDS[1:]]
    # scores and their bounds with one decimal, coverage as a percentage
    formats = ["0.0", None, None, "0%", "0.0", "0.0"]
    comparison = report.render_xlsx(report.report_context(run, lang=lang))
    mission = run.missions[0]
    card = run.scorecard(mission)
    single = report.render_xlsx(report.mission_context(run, mission, lang=lang))
    sheets = {
        "rankings": (_sheet(comparison, "rankings"), t("score"), 2),
        "indicators": (_sheet(comparison, "indicators"), t("score"), 2),
        "mission overview": (_sheet(single, "overview"), t("overall"), None),
        "mission indicators": (_sheet(single, "indicators"), t("score"), 1),
    }
    for name, (rows, first, node_column) in sheets.items():
        j, headers = _block(rows, first, lang)
        assert headers[1:] == block, name
        for row in rows[1:]:
            cells = row[j : j + len(formats)]
            for cell, fmt in zip(cells, formats, strict=True):
                if fmt is not None and isinstance(cell.value, int | float):
                    assert cell.number_format == fmt, (name, cell.coordinate)
            if name == "rankings":
                ns = run.scorecard(str(row[2].value)).overall
            elif node_column is None:
                ns = card.overall
            else:
                mid = mission if name.startswith("mission") else str(row[0].value)
                nid = str(row[node_column].value)
                try:
                    ns = run.scorecard(mid).node(nid)
                except KeyError:
                    ns = None
            values = [cells[0].value, cells[4].value, cells[5].value]
            assert values == pytest.approx(_expected(ns)), (name, row[0].coordinate)


def test_a_gain_not_in_overall_points_says_why_beside_it(run: ovm.Run) -> None:
    t = translator("en")
    ctx = report.report_context(run)
    noted = {
        (f["mission"]["id"], r["node"]): r["gain_note"]
        for f in ctx["fixes"]
        for r in [*f["items"], *f["rest"]]
    }
    assert any(noted.values()), "the example workspace has gains counted in a family's points"
    rows = _sheet(report.render_xlsx(ctx), "recommendations")
    headers = [c.value for c in rows[0]]
    gain = headers.index(t("xlsx_gain"))
    assert headers[gain + 1 : gain + 3] == [t("xlsx_gain_on"), t("xlsx_gain_note")]
    node = headers.index(t("node_id"))
    got = {(r[0].value, r[node].value): r[gain + 2].value for r in rows[1:]}
    assert got == {k: v or None for k, v in noted.items()}


@pytest.mark.parametrize("lang", ["en", "es", "fr", "pt"])
def test_every_header_of_every_sheet_is_capitalised(run: ovm.Run, lang: str) -> None:
    comparison = report.render_xlsx(report.report_context(run, lang=lang))
    single = report.render_xlsx(report.mission_context(run, run.missions[0], lang=lang))
    lower = []
    for kind, data in (("comparison", comparison), ("mission", single)):
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
        for sheet in book.worksheets:
            headers = next(sheet.iter_rows(max_row=1, values_only=True), ())
            lower += [
                (kind, sheet.title, h) for h in headers if isinstance(h, str) and h[:1].islower()
            ]
    # A sheet's headers read as titles, as a spreadsheet user sorts and filters by them.
    assert lower == []
