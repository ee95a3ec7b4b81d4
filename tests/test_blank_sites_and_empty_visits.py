"""Visits a checklist leaves without their place, or without anything at all: a blank ``site``
cell makes the visit a polling place of its own, which is said once per file and mission
(``blank-site``); a row naming only its mission records no visit and is rejected
(``empty-visit``), in a plain table and in a form's export alike."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import polars as pl
import pytest

import ovm
from ovm import load_workspace
from ovm.cli.app import main

MINI = Path(__file__).parent / "data" / "mini"
HEADER = (
    "mission,site,site_country,site_city,observer,visited_at,notes,practice.on_time,"
    "practice.queue,practice.turned_away"
)
AAA = [f"aaa-2020,{{site}},USA,Miami,o{k},2020-05-01T08:{k:02},,yes,{10 + k},0" for k in range(7)]
BBB = [
    "bbb-2021,s1,ARG,Rosario,o1,2021-03-01T08:00,,yes,30,3",
    "bbb-2021,{site},ARG,Rosario,o2,2021-03-01T08:10,,no,60,4",
]


def _workspace(root: Path, lines: list[str]) -> Path:
    shutil.copytree(MINI, root)
    (root / "checklists.csv").write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    return root


def _scores(root: Path) -> pl.DataFrame:
    # The bootstrap draws each place's weight from its name's hash: other names draw other
    # intervals around the same scores, so only whether there is one is compared.
    scores = ovm.analyse(root).to_polars("scores")
    return scores.with_columns(
        pl.col("interval_low").is_not_null(), pl.col("interval_high").is_not_null()
    )


def test_blank_sites_are_warned_once_per_mission_with_the_count_and_first_rows(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blank = _workspace(
        tmp_path / "blank", [*(x.format(site="") for x in AAA), *(x.format(site="") for x in BBB)]
    )
    found = [i for i in load_workspace(blank).warnings if i.code == "blank-site"]
    assert [(Path(i.file).name, i.line, i.column, i.severity) for i in found] == [
        ("checklists.csv", 2, 2, "warning"),
        ("checklists.csv", 10, 2, "warning"),
    ]
    assert [i.message for i in found] == [
        "7 visits of mission 'aaa-2020' have no site (rows 2, 3, 4, 5, 6, …): each is counted "
        "as a polling place of its own, so min_answers and the intervals count visits, not "
        "places",
        "1 visit of mission 'bbb-2021' has no site (row 10): it is counted as a polling place "
        "of its own, so min_answers and the intervals count visits, not places",
    ]
    # Each blank visit is a place of its own: scored as a table naming a place per visit.
    named = [
        *(x.format(site=f"p{k}") for k, x in enumerate(AAA)),
        *(x.format(site="p9") for x in BBB),
    ]
    own = _workspace(tmp_path / "own", named)
    assert [i for i in load_workspace(own).warnings if i.code == "blank-site"] == []
    assert _scores(blank).equals(_scores(own))
    assert main(["check", str(blank), "--lang", "es"]) == 0
    said = [x for x in capsys.readouterr().err.splitlines() if "[blank-site]" in x]
    where = blank / "checklists.csv"
    assert said == [
        f"{where}:2:2 advertencia: 7 visitas de la misión “aaa-2020” no tienen lugar (filas 2, "
        "3, 4, 5, 6, …): cada una se cuenta como un local de votación distinto, así que "
        "min_answers y los intervalos cuentan visitas, no locales [blank-site]",
        f"{where}:10:2 advertencia: 1 visita de la misión “bbb-2021” no tiene lugar (fila 10): "
        "se cuenta como un local de votación distinto, así que min_answers y los intervalos "
        "cuentan visitas, no locales [blank-site]",
    ]


def test_blank_sites_in_a_workbook_are_warned_alike(tmp_path: Path) -> None:
    root = _workspace(tmp_path / "xlsx", [])
    (root / "checklists.csv").unlink()
    wb = openpyxl.Workbook()
    sheet = wb.active
    assert sheet is not None
    for line in [HEADER, *(x.format(site="") for x in AAA)]:
        sheet.append([c or None for c in line.split(",")])
    wb.save(root / "checklists.xlsx")
    config = (root / "ovm.yaml").read_text(encoding="utf-8")
    (root / "ovm.yaml").write_text(config.replace("checklists.csv", "checklists.xlsx"), "utf-8")
    found = [i for i in load_workspace(root).warnings if i.code == "blank-site"]
    assert [(Path(i.file).name, i.line, i.column, i.params) for i in found] == [
        (
            "checklists.xlsx[Sheet]",
            2,
            2,
            {"n": 7, "mission": "aaa-2020", "rows": "2, 3, 4, 5, 6, …"},
        )
    ]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_a_row_naming_only_its_mission_is_rejected_and_not_counted_as_a_visit(
    tmp_path: Path, suffix: str, capsys: pytest.CaptureFixture[str]
) -> None:
    visits = [x.format(site=f"p{k}") for k, x in enumerate(AAA)]
    # Blank but for the mission: rows 3 and 9 (the second with its notes and simulated flag
    # alone, which say nothing of a place, an observer, a time or an answer).
    lines = [visits[0], "aaa-2020,,,,,,,,,", *visits[1:6], "bbb-2021,,,,,,a test,,,", visits[6]]
    root = _workspace(tmp_path / "empty", lines)
    if suffix == ".xlsx":
        (root / "checklists.csv").unlink()
        wb = openpyxl.Workbook()
        sheet = wb.active
        assert sheet is not None
        for line in [HEADER, *lines]:
            sheet.append([c or None for c in line.split(",")])
        wb.save(root / "checklists.xlsx")
        config = (root / "ovm.yaml").read_text(encoding="utf-8")
        (root / "ovm.yaml").write_text(config.replace("checklists.csv", "checklists.xlsx"), "utf-8")
    name = f"checklists{suffix}" + ("[Sheet]" if suffix == ".xlsx" else "")
    files = load_workspace(root).observations.report.files
    (report,) = [r for r in files if Path(r.file).name == name]
    assert (report.rows_read, report.rows_used, report.rows_rejected) == (9, 7, 2)
    assert main(["check", str(root)]) == 1
    said = [x for x in capsys.readouterr().err.splitlines() if "[empty-visit]" in x]
    where = root / name
    assert said == [
        f"{where}:3:1 no site, observer, time or answer: the row records no visit [empty-visit]",
        f"{where}:9:1 no site, observer, time or answer: the row records no visit [empty-visit]",
    ]
    # Left out, the workspace scores as one without those rows.
    clean = _workspace(tmp_path / "clean", visits)
    with pytest.warns(ovm.RejectedDataWarning):
        left = _scores(root)
    assert left.equals(_scores(clean))
