"""A filled-in data template loads back through the workspace (statistics + answers)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from openpyxl import load_workbook

import ovm

MINI = Path(__file__).parent / "data" / "mini"


def _header(ws: object) -> dict[str, int]:
    row = next(ws.iter_rows(min_row=1, max_row=1, values_only=True))  # type: ignore[attr-defined]
    return {str(v): i + 1 for i, v in enumerate(row) if v is not None}


def test_filled_template_feeds_the_workspace(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    shutil.copytree(MINI, ws)
    # bbb-2021 has no answers in the YAML for this test: they come from the template.
    missions = (ws / "missions.yaml").read_text(encoding="utf-8")
    missions = missions.replace(
        "    answers:\n      rights.basis: statute\n      rights.postal: no\n", ""
    )
    (ws / "missions.yaml").write_text(missions, encoding="utf-8")
    res = subprocess.run(
        [sys.executable, "-m", "ovm", "template", str(ws), "-o", str(ws / "data.xlsx")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert res.returncode == 0, res.stderr
    wb = load_workbook(ws / "data.xlsx")
    variables, answers = wb["variables"], wb["answers"]
    vcols, acols = _header(variables), _header(answers)
    rows = {variables.cell(r, 1).value: r for r in range(2, variables.max_row + 1)}
    arows = {answers.cell(r, 1).value: r for r in range(2, answers.max_row + 1)}
    variables.cell(rows["bbb-2021"], vcols["votes_abroad"]).value = 700
    variables.cell(rows["bbb-2021"], vcols["votes_abroad__source"]).value = "EMB bulletin"
    answers.cell(arows["bbb-2021"], acols["rights.basis"]).value = "statute"
    answers.cell(arows["bbb-2021"], acols["rights.postal"]).value = "no"
    wb.save(ws / "data.xlsx")
    (ws / "ovm.yaml").write_text(
        (ws / "ovm.yaml")
        .read_text(encoding="utf-8")
        .replace(
            "statistics: [statistics.csv]",
            "statistics: [statistics.csv, {path: data.xlsx, sheet: variables}]\n"
            "answers: [{path: data.xlsx, sheet: answers}]",
        ),
        encoding="utf-8",
    )
    w = ovm.load_workspace(ws)
    bbb = w.observations.mission("bbb-2021")
    assert bbb.values["votes_abroad"].value == 700.0
    assert bbb.values["votes_abroad"].provenance.source == "EMB bulletin"
    assert {k: d.value for k, d in bbb.answers.items()} == {
        "rights.basis": "statute",
        "rights.postal": "no",
    }
    # Empty template cells do not collide with values given in statistics.csv.
    aaa = w.observations.mission("aaa-2020")
    assert aaa.values["votes_abroad"].value == 350.0
    card = ovm.score(w.rubric, w.observations, bootstrap=0).scorecard("bbb-2021")
    assert (card.node("rights.turnout").value, card.node("rights.turnout").score) == (35.0, 50.0)
