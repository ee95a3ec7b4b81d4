"""KoboToolbox and ODK Central files as they really arrive, read through the command line."""

from __future__ import annotations

import csv
import json
import math
import shutil
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from openpyxl import Workbook

from ovm import load_workspace
from ovm.cli.app import main

DATA = Path(__file__).parent / "data"
RICH_RUBRIC = DATA / "exports" / "rich_rubric.yaml"

MISSIONS = """\
missions:
  - id: col-2026
    country: COL
    name:
      en: Colombia, 2026 presidential election (first round)
      es: Colombia, elección presidencial de 2026 (primera vuelta)
    election: {type: presidential, date: 2026-05-31}
  - id: mex-2024
    country: MEX
    name: {en: "Mexico, 2024 general election", es: "México, elecciones generales de 2024"}
    election: {type: general, date: 2024-06-02}
"""

# The same four visits as a plain table, with names.
PLAIN = """\
mission,site,site_country,site_city,observer,visited_at,notes,practice.on_time,practice.queue,\
practice.turned_away,2access.languages,2access.staff,2access.outside,3ramp
col-2026,s1,ESP,Madrid,o1,2026-05-31T09:00:00,,yes,15,0,local national,consular,10,yes
col-2026,s2,USA,Miami,o2,2026-05-31T10:00:00,tarde,no,40,2,national,volunteers,na,no
col-2026,s3,ESP,Barcelona,o3,2026-05-31T11:00:00,,na,5,0,na,,25.5,yes
mex-2024,m1,USA,Houston,o4,2024-06-02T09:30:00,,yes,20,1,local,mixed,,yes
"""

COL_ES = "Colombia, elección presidencial de 2026 (primera vuelta)"
MEX_ES = "México, elecciones generales de 2024"

# KoboToolbox's default CSV export: ';', every cell quoted, labels in Spanish, groups by '/'.
KOBO_HEADER = [
    "start",
    "end",
    "Misión",
    "Local de votación (identificador)",
    "País del local de votación",
    "Ciudad",
    "Observador/a",
    "Hora de la visita",
    "Práctica/¿Abrió a tiempo?",
    "Práctica/Minutos de espera",
    "Práctica/¿Cuántos electores fueron rechazados?",
    "Acceso/¿En qué idiomas se mostraba la información?",
    "Acceso/¿Quién atendía el local?",
    "Acceso/¿Aplica aquí? Minutos de espera fuera del edificio",
    "Acceso/Minutos de espera fuera del edificio",
    "¿Hay una rampa?",
    "Notas",
    "_id",
    "_uuid",
    "_submission_time",
    "_validation_status",
    "_index",
]
KOBO_ROWS = [
    [
        "2026-05-31T08:50:00.000+02:00",
        "2026-05-31T09:10:00.000+02:00",
        COL_ES,
        "s1",
        "ESP",
        "Madrid",
        "o1",
        "2026-05-31T09:00:00",
        "Sí",
        "15",
        "0",
        "Idioma local Idioma nacional",
        "Personal consular",
        "Aplica",
        "10",
        "Sí",
        "",
        "1",
        "u1",
        "2026-05-31T07:10:00",
        "validation_status_approved",
        "1",
    ],
    [
        "",
        "",
        COL_ES,
        "s2",
        "USA",
        "Miami",
        "o2",
        "2026-05-31T10:00:00",
        "No",
        "40",
        "2",
        "Idioma nacional",
        "Voluntarios",
        "No aplica",
        "",
        "No",
        "tarde",
        "2",
        "u2",
        "2026-05-31T16:00:00",
        "",
        "2",
    ],
    [
        "",
        "",
        COL_ES,
        "s3",
        "ESP",
        "Barcelona",
        "o3",
        "2026-05-31T11:00:00",
        "No aplica",
        "5",
        "0",
        "No aplica",
        "",
        "Aplica",
        "25.5",
        "Sí",
        "",
        "3",
        "u3",
        "2026-05-31T10:00:00",
        "",
        "3",
    ],
    # Rejected on the server: excluded and counted, not read.
    [
        "",
        "",
        COL_ES,
        "s9",
        "ESP",
        "Sevilla",
        "o9",
        "2026-05-31T12:00:00",
        "Sí",
        "1",
        "0",
        "Otro",
        "Mixto",
        "Aplica",
        "1",
        "Sí",
        "",
        "4",
        "u4",
        "2026-05-31T12:00:00",
        "validation_status_not_approved",
        "4",
    ],
    [
        "",
        "",
        MEX_ES,
        "m1",
        "USA",
        "Houston",
        "o4",
        "2024-06-02T09:30:00",
        "Sí",
        "20",
        "1",
        "Idioma local",
        "Mixto",
        "",
        "",
        "Sí",
        "",
        "5",
        "u5",
        "2024-06-02T10:00:00",
        "",
        "5",
    ],
]

# ODK Central's CSV export: names, groups joined by '-', its metadata around them.
ODK_HEADER = [
    "SubmissionDate",
    "start",
    "end",
    "mission",
    "site",
    "site_country",
    "site_city",
    "observer",
    "visited_at",
    "practice-practice.on_time",
    "practice-practice.queue",
    "practice-practice.turned_away",
    "_2access-_2access.languages",
    "_2access-_2access.staff",
    "_2access-_2access.outside_NA",
    "_2access-_2access.outside",
    "_3ramp",
    "notes",
    "meta-instanceID",
    "KEY",
    "SubmitterID",
    "SubmitterName",
    "AttachmentsPresent",
    "AttachmentsExpected",
    "Status",
    "ReviewState",
    "DeviceID",
    "Edits",
    "FormVersion",
]


def _odk_row(i: int, plain: dict[str, str]) -> list[Any]:
    outside = plain["2access.outside"]
    gate = "" if not outside else "na" if outside == "na" else "yes"
    uid = f"uuid:{i}"
    return [
        "2026-05-31T18:00:00.000Z",
        "",
        "",
        plain["mission"],
        plain["site"],
        plain["site_country"],
        plain["site_city"],
        plain["observer"],
        plain["visited_at"],
        plain["practice.on_time"],
        plain["practice.queue"],
        plain["practice.turned_away"],
        plain["2access.languages"],
        plain["2access.staff"],
        gate,
        "" if outside == "na" else outside,
        plain["3ramp"],
        plain["notes"],
        uid,
        uid,
        "5",
        "collect",
        "0",
        "0",
        "",
        "hasIssues" if i == 1 else "",
        "d1",
        "0",
        "2",
    ]


def _plain_rows() -> list[dict[str, str]]:
    return list(csv.DictReader(PLAIN.splitlines()))


def _workspace(root: Path, checklist: str, layout: str) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy(RICH_RUBRIC, root / "rubric.yaml")
    (root / "missions.yaml").write_text(MISSIONS, encoding="utf-8")
    (root / "ovm.yaml").write_text(
        "rubric: rubric.yaml\n"
        f"checklists: [{{path: {checklist}, layout: {layout}}}]\n"
        "settings: {bootstrap: 0}\n",
        encoding="utf-8",
    )
    return root


def _sites(root: Path) -> list[dict[str, Any]]:
    sites = load_workspace(root).observations.sites
    keep = [c for c in sites.columns if c not in ("_file", "_row")]
    # NaN (not applicable) never equals itself: compare it by name.
    return [
        {k: "NaN" if isinstance(v, float) and math.isnan(v) else v for k, v in r.items()}
        for r in sites.select(keep).sort("mission", "site").to_dicts()
    ]


def _score(
    root: Path, capsys: pytest.CaptureFixture[str], *extra: str
) -> tuple[int, dict[str, Any], str]:
    out = root / "scores.json"
    code = main(["score", str(root), "-o", str(out), *extra])
    err = capsys.readouterr().err
    return code, json.loads(out.read_text(encoding="utf-8")) if code == 0 else {}, err


@pytest.fixture
def plain(tmp_path: Path) -> Path:
    root = _workspace(tmp_path / "plain", "checklists.csv", "plain")
    (root / "checklists.csv").write_text(PLAIN, encoding="utf-8")
    return root


def test_kobo_semicolon_csv_with_spanish_labels_reads_as_the_plain_table(
    tmp_path: Path, plain: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _workspace(tmp_path / "kobo", "kobo.csv", "kobo")
    with (root / "kobo.csv").open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, delimiter=";", quoting=csv.QUOTE_ALL).writerows([KOBO_HEADER, *KOBO_ROWS])
    code, scores, err = _score(root, capsys)
    assert code == 0, err
    assert f"{root / 'kobo.csv'}: 5 rows read, 4 used, 0 rejected, 1 excluded by the export" in err
    assert _sites(root) == _sites(plain)
    assert [c["mission"]["id"] for c in scores["scorecards"]] == ["col-2026", "mex-2024"]


def test_kobo_semicolon_csv_whose_labels_hold_commas_is_read_with_semicolons(
    tmp_path: Path, plain: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A label of the form may hold commas ("Comentarios, si los hay"): counted outside the
    quotes, the header is still separated by ';', and the export reads as the plain table."""
    root = _workspace(tmp_path / "kobo", "kobo.csv", "kobo")
    header = [*KOBO_HEADER, "Comentarios, si los hay, del equipo"]
    rows = [[*r, "ninguno, todo bien"] for r in KOBO_ROWS]
    with (root / "kobo.csv").open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, delimiter=";", quoting=csv.QUOTE_ALL).writerows([header, *rows])
    code, _, err = _score(root, capsys)
    assert code == 0, err
    assert f"{root / 'kobo.csv'}: 5 rows read, 4 used, 0 rejected, 1 excluded by the export" in err
    assert _sites(root) == _sites(plain)


def test_a_kobo_submission_naming_only_its_mission_is_rejected_not_counted(
    tmp_path: Path, plain: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A submission sent blank but for its mission (and Kobo's own columns) records no visit:
    counted, it raised the mission's number of visits in silence."""
    root = _workspace(tmp_path / "kobo", "kobo.csv", "kobo")
    empty = ["", "", COL_ES, *[""] * 14, "9", "u9", "2026-05-31T18:00:00", "", "9"]
    assert len(empty) == len(KOBO_HEADER)
    with (root / "kobo.csv").open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, delimiter=";", quoting=csv.QUOTE_ALL).writerows(
            [KOBO_HEADER, *KOBO_ROWS, empty]
        )
    code, _, err = _score(root, capsys)
    assert code == 1
    assert (
        f"{root / 'kobo.csv'}:7:3 no site, observer, time or answer: the row records no visit "
        "[empty-visit] (row rejected)"
    ) in err
    code, _, err = _score(root, capsys, "--allow-rejected")
    assert code == 0, err
    assert f"{root / 'kobo.csv'}: 6 rows read, 4 used, 1 rejected, 1 excluded by the export" in err
    assert _sites(root) == _sites(plain)


def test_a_plain_table_separated_by_semicolons_is_still_refused(
    plain: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (plain / "checklists.csv").write_text(PLAIN.replace(",", ";"), encoding="utf-8")
    code, _, err = _score(plain, capsys)
    assert code == 1
    assert f"{plain / 'checklists.csv'}:1:1 the header is separated by ';' (Excel in a " in err
    assert "[wrong-separator]" in err


def test_an_unknown_mission_label_is_refused_with_the_label(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _workspace(tmp_path / "kobo", "kobo.csv", "kobo")
    rows = [[*KOBO_ROWS[0][:2], "Perú, 2026", *KOBO_ROWS[0][3:]]]
    with (root / "kobo.csv").open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, delimiter=";", quoting=csv.QUOTE_ALL).writerows([KOBO_HEADER, *rows])
    code, _, err = _score(root, capsys)
    assert code == 1
    assert (
        f"{root / 'kobo.csv'}:2:3 no mission 'Perú, 2026' in the missions file "
        "[unknown-mission] (row rejected)"
    ) in err


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_odk_central_exports_read_as_the_plain_table(
    tmp_path: Path, plain: Path, suffix: str, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _workspace(tmp_path / "odk", f"odk{suffix}", "odk")
    rows = [_odk_row(i, p) for i, p in enumerate(_plain_rows())]
    if suffix == ".csv":
        with (root / "odk.csv").open("w", encoding="utf-8", newline="") as fh:
            csv.writer(fh).writerows([ODK_HEADER, *rows])
    else:
        wb = Workbook()
        ws = wb.active
        ws.append(ODK_HEADER)
        for r in rows:
            ws.append([None if c == "" else c for c in r])
        wb.save(root / "odk.xlsx")
    code, _, err = _score(root, capsys)
    assert code == 0, err
    assert _sites(root) == _sites(plain)


def test_a_workbook_with_a_bad_cell_in_each_sheet_loses_those_cells_only(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "ws"
    root.mkdir()
    shutil.copy(RICH_RUBRIC, root / "rubric.yaml")
    (root / "missions.yaml").write_text(MISSIONS, encoding="utf-8")
    wb = Workbook()
    ws = wb.active
    ws.title = "variables"
    for r in (
        ["mission", "registered_abroad", "votes_abroad"],
        ["col-2026", "41.300.000", 350],
        ["mex-2024", 2000, "55,3"],
    ):
        ws.append(r)
    ws = wb.create_sheet("answers")
    for r in (
        ["mission", "rights.basis", "rights.postal"],
        ["col-2026", "treaty", "sí"],
        ["mex-2024", "statute", "no"],
    ):
        ws.append(r)
    wb.save(root / "data.xlsx")
    (root / "ovm.yaml").write_text(
        "rubric: rubric.yaml\nstatistics: [{path: data.xlsx, sheet: variables}]\n"
        "answers: [{path: data.xlsx, sheet: answers}]\nsettings: {bootstrap: 0}\n",
        encoding="utf-8",
    )
    code, _, err = _score(root, capsys, "--allow-rejected")
    assert code == 0, err
    book = root / "data.xlsx"
    lines = err.splitlines()
    assert [line.split(" ")[0] for line in lines if line.endswith("]")] == [
        f"{book}[variables]:2:2",
        f"{book}[variables]:3:3",
        f"{book}[answers]:2:2",
    ]
    assert "'41.300.000' is not a number (registered_abroad): did you mean 41300000?" in err
    # A count is offered no 55.3: it would refuse that too.
    assert "'55,3' is not a number (votes_abroad) [invalid-number]" in err
    summary = [line for line in lines if " rows read, " in line]
    assert summary == [
        f"{book}[variables]: 2 rows read, 2 used, 0 rejected, 2 cells rejected",
        f"{book}[answers]: 2 rows read, 2 used, 0 rejected, 1 cell rejected",
    ]
    missions = {m.id: m for m in load_workspace(root).observations.missions}
    assert {k: d.value for k, d in missions["col-2026"].values.items()} == {"votes_abroad": 350}
    assert {k: d.value for k, d in missions["mex-2024"].values.items()} == {
        "registered_abroad": 2000
    }
    # 'sí' answers as 'yes' does; the bad answer beside it is the only one lost.
    assert {k: d.value for k, d in missions["col-2026"].answers.items()} == {"rights.postal": "yes"}


def test_select_multiple_labels_are_cut_into_choice_names() -> None:
    from ovm.data.exports import _segment  # the cutting rule alone, with labels of blanks

    mapping = {
        "idioma local": "local",
        "idioma nacional": "national",
        "local": "local",
        "otro": "other",
        "idioma": "x",
    }
    assert _segment("Idioma local Idioma nacional", mapping) == "local national"
    assert _segment("otro  Idioma local", mapping) == "other local"
    assert _segment("Idioma extranjero", mapping) is None


def test_sites_frame_keeps_every_column_type(plain: Path) -> None:
    sites = load_workspace(plain).observations.sites
    assert sites.schema["practice.queue"] == pl.Float64
