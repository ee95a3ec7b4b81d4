"""Workbooks ovm writes carry no save time: the same input gives the same bytes."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import ovm
from ovm.field.template import write_template
from ovm.field.xlsform import build_form, write_form
from ovm.reporting.report import render_xlsx, report_context

MINI = Path(__file__).parent / "data" / "mini"


def _stamps(data: bytes) -> tuple[set[tuple[int, ...]], bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {i.date_time for i in z.infolist()}, z.read("docProps/core.xml")


def test_report_template_and_form_workbooks_have_fixed_stamps(tmp_path: Path) -> None:
    ws = ovm.load_workspace(MINI)
    report = render_xlsx(report_context(ovm.analyse(ws, ovm.Settings(bootstrap=0))))
    template = write_template(MINI, tmp_path / "t.xlsx").read_bytes()
    form = write_form(build_form(ws.rubric), tmp_path / "f.xlsx").read_bytes()
    for data in (report, template, form):
        dates, core = _stamps(data)
        assert dates == {(1980, 1, 1, 0, 0, 0)}
        assert b"2000-01-01T00:00:00Z</dcterms:modified>" in core
    assert write_template(MINI, tmp_path / "t2.xlsx").read_bytes() == template
