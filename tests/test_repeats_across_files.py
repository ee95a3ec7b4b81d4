"""The same visit in two checklist files of one workspace: a submission id an earlier export
gave rejects the later row (the first is kept), and a visit repeated cell for cell in
another file, whatever its layout, is warned of (both count), as within one file."""

from __future__ import annotations

import csv
import datetime
import json
import shutil
import warnings
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ovm
from ovm.cli.app import main
from tests.examples_said import examples_not_given

EXAMPLES = Path(__file__).parent.parent / "examples"
BUNDLED = Path(ovm.__file__).parent / "rubrics" / "deco-voting-abroad.yaml"
HEAD = ["mission", "site", "site_country", "site_city", "observer", "visited_at", "notes"]


def _example_rows() -> tuple[list[str], list[dict[str, str]]]:
    with (EXAMPLES / "checklists.csv").open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        return list(reader.fieldnames or ()), list(reader)


def _write_csv(path: Path, header: list[str], rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, header)
        w.writeheader()
        w.writerows(rows)


ODK_META = ["meta-instanceID", "KEY", "SubmitterID", "ReviewState", "FormVersion"]


def _odk_header(questions: list[str]) -> list[str]:
    # ODK Central names a question by its group: practice.secrecy -> practice-practice.secrecy.
    return [
        "SubmissionDate",
        *HEAD,
        *(q.split(".")[0] + "-" + q for q in questions),
        *ODK_META,
    ]


def _odk_rows(rows: list[dict[str, str]], questions: list[str], first: int) -> list[dict[str, str]]:
    out = []
    for k, r in enumerate(rows, start=first):
        d = {h: r[h] for h in HEAD}
        d.update({q.split(".")[0] + "-" + q: r[q] for q in questions})
        d.update(
            {
                "SubmissionDate": "2021-04-11T23:00:00.000Z",
                "meta-instanceID": f"uuid:{k}",
                "KEY": f"uuid:{k}",
                "SubmitterID": "5",
                "ReviewState": "",
                "FormVersion": "1",
            }
        )
        out.append(d)
    return out


def _workspace(root: Path, checklists: list[dict[str, Any]], others: bool = True) -> Path:
    """A workspace of the example's missions and statistics, the example's visits of every
    mission but per-2021 (when ``others``), and ``checklists``."""
    root.mkdir()
    for name in ("missions.yaml", "statistics.csv"):
        shutil.copy(EXAMPLES / name, root / name)
    header, rows = _example_rows()
    listed: list[dict[str, Any]] = []
    if others:
        _write_csv(root / "others.csv", header, [r for r in rows if r["mission"] != "per-2021"])
        listed.append({"path": "others.csv", "simulated": True})
    config = {
        "title": {"en": "Twice", "es": "Dos veces"},
        "rubric": "bundled:deco-voting-abroad",
        "missions": "missions.yaml",
        "statistics": ["statistics.csv"],
        "checklists": [*listed, *checklists],
        "settings": {"seed": 7, "bootstrap": 60},
    }
    (root / "ovm.yaml").write_text(json.dumps(config), "utf-8")
    return root


def _peru() -> tuple[list[str], list[dict[str, str]]]:
    header, rows = _example_rows()
    return header, [r for r in rows if r["mission"] == "per-2021"]


def _issues(
    ws: Path, capsys: pytest.CaptureFixture[str]
) -> tuple[int, list[tuple[str, int | None, int | None, str]]]:
    """The exit code of ``ovm check`` and the workspace's own issues (the bundled rubric's
    are the example's), as (file, row, column, code)."""
    capsys.readouterr()
    code = main(["check", str(ws), "--format", "json"])
    return code, [
        (i["file"], i["line"], i["column"], i["code"])
        for i in json.loads(capsys.readouterr().out)["issues"]
        if i["file"].startswith(str(ws))
    ]


def _scores(ws: Path, capsys: pytest.CaptureFixture[str]) -> tuple[Any, str]:
    """Every mission's scores as the API gives them (rows left out are warned of), each node
    whole but its explanation (which names the files read), and the scores file."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        run = ovm.analyse(ws)
    api = [
        (
            card.mission.id,
            card.sites,
            [n.model_dump(exclude={"explanation"}) for n in (card.overall, *card.nodes)],
        )
        for card in run.alone.scorecards
    ]
    capsys.readouterr()
    assert main(["score", str(ws), "-q", "--allow-rejected", "--format", "csv"]) == 0
    return api, capsys.readouterr().out


def _odk_pair(tmp_path: Path) -> tuple[Path, Path, int]:
    """Repro A: a day-1 export (submissions 0..7) and a cumulative day-2 export (0..16) of
    Peru's visits; beside it the workspace of the day-2 export alone. And the id column."""
    header, peru = _peru()
    questions = [h for h in header if "." in h]
    odk = _odk_header(questions)
    ws = _workspace(
        tmp_path / "odk",
        [
            {"path": "odk1.csv", "layout": "odk", "simulated": True},
            {"path": "odk2.csv", "layout": "odk", "simulated": True},
        ],
    )
    _write_csv(ws / "odk1.csv", odk, _odk_rows(peru[:8], questions, 0))
    _write_csv(ws / "odk2.csv", odk, _odk_rows(peru, questions, 0))
    alone = _workspace(
        tmp_path / "alone", [{"path": "odk2.csv", "layout": "odk", "simulated": True}]
    )
    shutil.copy(ws / "odk2.csv", alone / "odk2.csv")
    return ws, alone, odk.index("KEY") + 1


def test_a_submission_an_earlier_export_gave_is_rejected_naming_its_file_and_row(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws, alone, id_column = _odk_pair(tmp_path)
    code, issues = _issues(ws, capsys)
    assert code == 1
    assert issues == [
        (f"{ws}/odk2.csv", r, id_column, "duplicate-submission") for r in range(2, 10)
    ]
    main(["check", str(ws)])
    said = [x for x in capsys.readouterr().err.splitlines() if "duplicate-submission" in x]
    assert said[0] == (
        f"{ws}/odk2.csv:2:{id_column} submission 'uuid:0' was already read in {ws}/odk1.csv "
        "at row 2; the first is kept [duplicate-submission]"
    )
    assert f"{ws}/odk2.csv: 17 rows read, 9 used, 8 rejected [simulated]" in _summary(ws)
    # The first is kept and the repeats are not counted: every score is that of the day-2
    # export alone, which holds each submission once.
    assert _scores(ws, capsys) == _scores(alone, capsys)


def _summary(ws: Path) -> list[str]:
    loaded = ovm.load_workspace(ws)
    from ovm.data.workspace import describe_report

    return describe_report(loaded.observations.report)


def test_the_api_accounts_for_each_submission_rejected_across_exports(tmp_path: Path) -> None:
    ws, _, id_column = _odk_pair(tmp_path)
    report = ovm.load_workspace(ws).observations.report
    counts = {f.file: (f.rows_read, f.rows_used, f.rows_rejected) for f in report.files}
    assert counts[f"{ws}/odk1.csv"] == (8, 8, 0)
    assert counts[f"{ws}/odk2.csv"] == (17, 9, 8)
    assert [
        (r.file, r.row, r.mission, [(i.line, i.column, i.code, i.params) for i in r.reasons])
        for r in report.rejected
    ] == [
        (
            f"{ws}/odk2.csv",
            k + 2,
            "per-2021",
            [
                (
                    k + 2,
                    id_column,
                    "duplicate-submission",
                    {
                        "variant": "files",
                        "submission": f"uuid:{k}",
                        "file": f"{ws}/odk1.csv",
                        "first": k + 2,
                    },
                )
            ],
        )
        for k in range(8)
    ]


def _xlsx(path: Path, header: list[str], rows: list[dict[str, str]]) -> None:
    """``rows`` as a workbook typed as Excel keeps them: times as dates, numbers as numbers."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "visits"
    sheet.append(header)
    for r in rows:
        cells: list[Any] = []
        for h in header:
            v = r[h]
            if h == "visited_at" and v:
                cells.append(datetime.datetime.fromisoformat(v))
            elif v.isdigit():
                cells.append(int(v))
            else:
                cells.append(v or None)
        sheet.append(cells)
    book.save(path)


def test_a_csv_and_its_workbook_twin_are_warned_of_and_both_count(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    header, peru = _peru()
    ws = _workspace(
        tmp_path / "twin",
        [
            {"path": "day1.csv", "simulated": True},
            {"path": "day1.xlsx", "simulated": True},
        ],
    )
    _write_csv(ws / "day1.csv", header, peru[:10])
    _xlsx(ws / "day1.xlsx", header, peru[:10])
    code, issues = _issues(ws, capsys)
    assert code == 0
    assert issues == [(f"{ws}/day1.xlsx[visits]", r, None, "duplicate-row") for r in range(2, 12)]
    # Both count, as a row repeated within one file does: the scores are those of one file
    # holding the ten visits twice.
    once = _workspace(tmp_path / "once", [{"path": "twice.csv", "simulated": True}])
    _write_csv(once / "twice.csv", header, peru[:10] + peru[:10])
    assert _issues(once, capsys)[1] == [
        (f"{once}/twice.csv", r, None, "duplicate-row") for r in range(12, 22)
    ]
    assert _scores(ws, capsys) == _scores(once, capsys)


def test_two_csv_files_sharing_visits_name_the_earlier_row_in_every_language(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    header, peru = _peru()
    ws = _workspace(
        tmp_path / "dup",
        [{"path": "day1.csv", "simulated": True}, {"path": "day2.csv", "simulated": True}],
    )
    _write_csv(ws / "day1.csv", header, peru[:10])
    _write_csv(ws / "day2.csv", header, peru)
    code, issues = _issues(ws, capsys)
    assert code == 0
    assert issues == [(f"{ws}/day2.csv", r, None, "duplicate-row") for r in range(2, 12)]
    main(["check", str(ws), "--lang", "es"])
    said = [x for x in capsys.readouterr().err.splitlines() if "duplicate-row" in x]
    assert said[0] == (
        f"{ws}/day2.csv:2: advertencia: repite la fila 2 de {ws}/day1.csv celda por celda (lugar, "
        "observador y hora incluidos); ambas cuentan como visitas [duplicate-row]"
    )
    assert not [x for x in said if "repeats" in x]


def test_two_kobo_exports_sharing_submissions_keep_the_first(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """KoboToolbox names a question by its group with a slash and the submission by
    ``_uuid``: a later export's repeats are rejected as an ODK export's are."""
    header, peru = _peru()
    questions = [h for h in header if "." in h]
    kobo = [*HEAD, *(q.split(".")[0] + "/" + q for q in questions), "_uuid", "_index"]

    def rows(visits: list[dict[str, str]]) -> list[dict[str, str]]:
        out = []
        for k, r in enumerate(visits):
            d = {h: r[h] for h in HEAD}
            d.update({q.split(".")[0] + "/" + q: r[q] for q in questions})
            d.update({"_uuid": f"u{k}", "_index": str(k + 1)})
            out.append(d)
        return out

    ws = _workspace(
        tmp_path / "kobo",
        [
            {"path": "day1.csv", "layout": "kobo", "simulated": True},
            {"path": "day2.csv", "layout": "kobo", "simulated": True},
        ],
    )
    _write_csv(ws / "day1.csv", kobo, rows(peru[:3]))
    _write_csv(ws / "day2.csv", kobo, rows(peru[:5]))
    column = kobo.index("_uuid") + 1
    assert _issues(ws, capsys) == (
        1,
        [(f"{ws}/day2.csv", r, column, "duplicate-submission") for r in (2, 3, 4)],
    )


def test_an_export_repeating_a_plain_tables_visits_is_warned_of(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The same visits as a form's export (with submission ids) and as a plain table (with
    none) are compared once coded, whatever their layout."""
    header, peru = _peru()
    questions = [h for h in header if "." in h]
    ws = _workspace(
        tmp_path / "mixed",
        [
            {"path": "plain.csv", "simulated": True},
            {"path": "odk.csv", "layout": "odk", "simulated": True},
        ],
    )
    _write_csv(ws / "plain.csv", header, peru[:8])
    _write_csv(ws / "odk.csv", _odk_header(questions), _odk_rows(peru[:8], questions, 0))
    assert _issues(ws, capsys) == (
        0,
        [(f"{ws}/odk.csv", r, None, "duplicate-row") for r in range(2, 10)],
    )


def test_every_output_listing_issues_lists_the_repeats(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws, _, id_column = _odk_pair(tmp_path)
    header, peru = _peru()
    _write_csv(ws / "again.csv", header, peru[9:11])
    config = json.loads((ws / "ovm.yaml").read_text("utf-8"))
    config["checklists"].append({"path": "again.csv", "simulated": True})
    (ws / "ovm.yaml").write_text(json.dumps(config), "utf-8")
    expected = [
        *((f"{ws}/odk2.csv", r, id_column, "duplicate-submission") for r in range(2, 10)),
        (f"{ws}/again.csv", 2, None, "duplicate-row"),
        (f"{ws}/again.csv", 3, None, "duplicate-row"),
    ]
    code, issues = _issues(ws, capsys)
    assert (code, sorted(issues, key=str)) == (1, sorted(expected, key=str))
    out = tmp_path / "r.xlsx"
    assert main(["report", str(ws), "-q", "--allow-rejected", "-o", str(out)]) == 0
    sheet = openpyxl.load_workbook(out)["data quality"]
    # The sheet names each file within the workspace, and a rejected row at no column; the
    # bundled rubric's two variables the example's data never give, at their declarations.
    assert sorted(
        ((r[1], r[2], r[3], r[5]) for r in sheet.iter_rows(min_row=2, values_only=True)),
        key=str,
    ) == sorted(
        [
            *(
                (Path(f).name, row, None if code == "duplicate-submission" else column, code)
                for f, row, column, code in expected
            ),
            *((f, row, col, "variable-not-given") for f, row, col, _ in examples_not_given()),
        ],
        key=str,
    )
    scores = tmp_path / "s.json"
    assert main(["score", str(ws), "-q", "--allow-rejected", "-o", str(scores)]) == 0
    written = json.loads(scores.read_text("utf-8"))
    said = [
        *(
            (r["file"], r["row"], i["column"], i["code"])
            for r in written["rejected"]
            for i in r["reasons"]
        ),
        *((i["file"], i["line"], i["column"], i["code"]) for i in written["warnings"]),
    ]
    assert sorted((x for x in said if str(x[0]).startswith(str(ws))), key=str) == sorted(
        expected, key=str
    )


@given(
    first=st.lists(st.integers(0, 16), max_size=6),
    second=st.lists(st.integers(0, 16), min_size=1, max_size=6),
)
@settings(max_examples=20)
def test_each_repeat_names_the_first_row_of_its_visit(
    tmp_path_factory: pytest.TempPathFactory, first: list[int], second: list[int]
) -> None:
    """Any two tables of Peru's visits: a row of the second repeating a visit of the first
    names that visit's first row there; a row repeating an earlier row of its own table
    (and of no earlier table) names that row, as before; every row is used."""
    header, peru = _peru()
    root = tmp_path_factory.mktemp("prop")
    a, b = root / "a.csv", root / "b.csv"
    _write_csv(a, header, [peru[k] for k in first])
    _write_csv(b, header, [peru[k] for k in second])
    obs, said = ovm.load_observations(
        ovm.load_rubric(BUNDLED),
        missions=EXAMPLES / "missions.yaml",
        checklists=[str(a), str(b)],
    )
    expected = []
    for row, visit in enumerate(second, start=2):
        earlier = second[: row - 2]
        if visit in earlier:
            expected.append((str(b), row, {"variant": "visit", "first": earlier.index(visit) + 2}))
        if visit in first:
            at = first.index(visit) + 2
            expected.append((str(b), row, {"variant": "files", "file": str(a), "first": at}))
    for row, visit in enumerate(first, start=2):
        if visit in first[: row - 2]:
            expected.append((str(a), row, {"variant": "visit", "first": first.index(visit) + 2}))
    got = [(i.file, i.line, i.params) for i in said if i.code == "duplicate-row"]
    assert sorted(got, key=str) == sorted(expected, key=str)
    assert obs.sites.height == len(first) + len(second)
