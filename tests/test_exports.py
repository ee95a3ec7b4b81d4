"""KoboToolbox and ODK Central exports of the observer form, read back and scored."""

from __future__ import annotations

import csv
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import polars as pl
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ovm import DataError, load_rubric, load_workspace, score
from ovm.data.exports import export_header, load_export, normalise_export, validate_export
from ovm.data.tables import ROW, read_table
from ovm.field.xlsform import (
    APPLIES_LABEL,
    NA_LABEL,
    TRACE_FIELDS,
    VISIT_FIELDS,
    VISIT_LABELS,
    checklist_families,
    field_name,
    gate_label,
    gate_name,
    has_gate,
)
from ovm.indicators import ChecklistIndicator
from ovm.rubric.model import Rubric, pick

DATA = Path(__file__).parent / "data"
MINI = DATA / "mini"
RICH_RUBRIC = DATA / "exports" / "rich_rubric.yaml"
RICH_ROWS = DATA / "exports" / "rich_checklists.csv"
MISSIONS = {"aaa-2020", "bbb-2021"}

KOBO_BEFORE = ("start", "end")
KOBO_AFTER = (
    "meta/instanceID",
    "_id",
    "_uuid",
    "_submission_time",
    "_validation_status",
    "_notes",
    "_status",
    "_submitted_by",
    "__version__",
    "_tags",
    "_index",
)
ODK_BEFORE = ("SubmissionDate", "start", "end")
ODK_AFTER = (
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
)

Plain = dict[str, str | None]
Column = tuple[str, Callable[[Plain], Any]]


# --- synthetic exports -----------------------------------------------------------------------


def plain_rows(path: Path) -> list[Plain]:
    with path.open(encoding="utf-8", newline="") as fh:
        return [{k: (v or None) for k, v in rec.items()} for rec in csv.DictReader(fh)]


def _number(text: str | None) -> Any:
    if text is None:
        return None
    x = float(text)
    return int(x) if x.is_integer() else x


def answer_columns(
    rubric: Rubric, sep: str, *, expand: Sequence[str] = (), lang: str | None = None
) -> list[Column]:
    """Header and cell of every answer column, as the tools name them (names or labels)."""
    cols: list[Column] = []

    def label_of(q: ChecklistIndicator, value: str | None) -> str | None:
        if lang is None or value is None:
            return value
        if value == "na":
            return NA_LABEL[lang]
        choice = next(c for c in q.all_choices() if c.name == value)
        return pick(choice.label, lang)

    for name in VISIT_FIELDS:
        cols.append((VISIT_LABELS[name][lang] if lang else name, lambda p, name=name: p.get(name)))
    for fam, questions in checklist_families(rubric):
        group = pick(fam.labels, lang) if lang else field_name(fam.id)
        for q in questions:
            qhead = f"{group}{sep}{pick(q.question, lang) if lang else field_name(q.id)}"

            def raw(p: Plain, q: ChecklistIndicator = q) -> str | None:
                return p.get(q.id)

            if has_gate(q):
                ghead = f"{group}{sep}{gate_label(q, lang) if lang else gate_name(q)}"

                def gate(p: Plain, raw: Callable[[Plain], str | None] = raw) -> str | None:
                    v = raw(p)
                    word = None if v is None else ("na" if v == "na" else "yes")
                    if lang and word:
                        return NA_LABEL[lang] if word == "na" else APPLIES_LABEL[lang]
                    return word

                cols.append((ghead, gate))

                # A question that does not apply is not asked: its cell stays blank.
                def asked(p: Plain, raw: Callable[[Plain], str | None] = raw) -> str | None:
                    v = raw(p)
                    return None if v == "na" else v

                raw = asked
            if q.numeric:
                cols.append((qhead, lambda p, raw=raw: _number(raw(p))))
            elif q.id in expand:
                names = [c.name for c in q.all_choices()] + (
                    ["na"] if q.not_applicable and not has_gate(q) else []
                )
                for c in names:
                    suffix = label_of(q, c) if lang else c

                    def flag(
                        p: Plain, raw: Callable[[Plain], str | None] = raw, c: str = c
                    ) -> int | None:
                        v = raw(p)
                        return None if v is None else int(c in v.split())

                    cols.append((f"{qhead}/{suffix}", flag))
            else:
                cols.append((qhead, lambda p, raw=raw, q=q: label_of(q, raw(p))))
    cols.append((VISIT_LABELS["notes"][lang] if lang else "notes", lambda p: p.get("notes")))
    trace = dict(zip(TRACE_FIELDS, (rubric.id, rubric.version, rubric.digest()), strict=True))
    cols.extend((name, lambda p, v=v: v) for name, v in trace.items())
    return cols


def export_table(
    rubric: Rubric,
    rows: Sequence[Plain],
    tool: str,
    *,
    expand: Sequence[str] = (),
    lang: str | None = None,
    meta: dict[int, dict[str, str]] | None = None,
) -> tuple[list[str], list[list[Any]]]:
    """A whole export: tool metadata around the answers, one submission per plain row."""
    cols = answer_columns(rubric, "/" if tool == "kobo" else "-", expand=expand, lang=lang)
    before, after = (KOBO_BEFORE, KOBO_AFTER) if tool == "kobo" else (ODK_BEFORE, ODK_AFTER)
    header = [*before, *(h for h, _ in cols), *after]
    out = []
    for i, p in enumerate(rows):
        uid = f"uuid:0000{i:04d}-0000-4000-8000-000000000000"
        values: dict[str, Any] = {
            "start": "2020-05-01T07:55:00.000-05:00",
            "end": "2020-05-01T08:15:00.000-05:00",
            "meta/instanceID": uid,
            "_id": 1000 + i,
            "_uuid": uid[5:],
            "_submission_time": "2020-05-02T10:00:00",
            "_validation_status": "",
            "_status": "submitted_via_web",
            "__version__": "vABC",
            "_index": i + 1,
            "SubmissionDate": "2020-05-02T10:00:00.000Z",
            "meta-instanceID": uid,
            "KEY": uid,
            "SubmitterID": 7,
            "SubmitterName": "collect",
            "AttachmentsPresent": 0,
            "AttachmentsExpected": 0,
            "Status": "",
            "ReviewState": "",
            "DeviceID": "d1",
            "Edits": 0,
            "FormVersion": "0.1",
        }
        values.update((meta or {}).get(i, {}))
        cells = {h: fn(p) for h, fn in cols}
        out.append([cells[h] if h in cells else values.get(h) for h in header])
    return header, out


def write_export(path: Path, header: list[str], rows: list[list[Any]]) -> Path:
    if path.suffix == ".csv":
        with path.open("w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(header)
            w.writerows([["" if v is None else v for v in r] for r in rows])
    else:
        from openpyxl import Workbook

        wb = Workbook()
        ws = wb.active
        ws.title = "Observer checklist"
        ws.append(header)
        for r in rows:
            ws.append(r)
        wb.save(path)
    return path


# --- workspaces --------------------------------------------------------------------------------


def workspace(
    tmp_path: Path,
    name: str,
    *,
    rubric: Path | None = None,
    checklists: list[dict[str, Any]] | None = None,
) -> Path:
    root = tmp_path / name
    shutil.copytree(MINI, root)
    if rubric is not None:
        shutil.copy(rubric, root / "rubric.yaml")
    if checklists is not None:
        cfg = yaml.safe_load((root / "ovm.yaml").read_text(encoding="utf-8"))
        cfg["checklists"] = checklists
        (root / "ovm.yaml").write_text(yaml.safe_dump(cfg), encoding="utf-8")
    return root


def scorecards(root: Path) -> list[Any]:
    ws = load_workspace(root)
    scores = score(ws.rubric, ws.observations, seed=7, bootstrap=50)
    return [
        (
            card.mission.id,
            card.sites,
            card.simulated,
            [n.model_dump(exclude={"explanation"}) for n in (card.overall, *card.nodes)],
            [(f.code, f.node, f.severity) for f in card.findings],
            [n.model_dump() for n in card.notes],
        )
        for card in scores.scorecards
    ]


def accounted(report: Any) -> bool:
    return bool(report.rows_read == report.rows_used + report.rows_rejected + report.rows_excluded)


def located(load: Any) -> list[tuple[int | None, int | None, str]]:
    return [(i.line, i.column, i.code) for r in load.rejected for i in r.reasons]


def refused(load: Any) -> list[tuple[int | None, int | None, str]]:
    return [(i.line, i.column, i.code) for i in load.report.rejected_cells]


@pytest.fixture(scope="module")
def mini() -> Rubric:
    return load_rubric(MINI / "rubric.yaml")


@pytest.fixture(scope="module")
def rich() -> Rubric:
    return load_rubric(RICH_RUBRIC)


# --- round trips -------------------------------------------------------------------------------


@pytest.mark.parametrize("tool", ["kobo", "odk"])
@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_export_scores_like_the_plain_layout(
    tmp_path: Path, mini: Rubric, tool: str, suffix: str
) -> None:
    rows = plain_rows(MINI / "checklists.csv")
    header, table = export_table(mini, rows, tool)
    root = workspace(
        tmp_path,
        "export",
        checklists=[{"path": f"export{suffix}", "layout": tool, "simulated": True}],
    )
    write_export(root / f"export{suffix}", header, table)
    plain = workspace(tmp_path, "plain")

    assert scorecards(root) == scorecards(plain)
    report = load_workspace(root).observations.report
    checklist = [f for f in report.files if f.kind == "checklist"]
    assert [
        (f.rows_read, f.rows_used, f.rows_rejected, f.rows_excluded, f.unmatched_columns)
        for f in checklist
    ] == [(6, 6, 0, 0, ())]


@pytest.mark.parametrize(
    ("tool", "suffix", "expand", "lang"),
    [
        ("kobo", ".xlsx", ("2access.languages",), None),
        ("kobo", ".csv", (), None),
        ("odk", ".csv", ("2access.languages",), None),
        ("odk", ".xlsx", (), None),
        ("kobo", ".xlsx", ("2access.languages",), "es"),
        ("kobo", ".csv", ("2access.languages",), "en"),
    ],
)
def test_every_answer_type_round_trips(
    tmp_path: Path, rich: Rubric, tool: str, suffix: str, expand: tuple[str, ...], lang: str | None
) -> None:
    rows = plain_rows(RICH_ROWS)
    header, table = export_table(rich, rows, tool, expand=expand, lang=lang)
    root = workspace(
        tmp_path,
        "export",
        rubric=RICH_RUBRIC,
        checklists=[{"path": f"export{suffix}", "layout": tool, "simulated": True}],
    )
    write_export(root / f"export{suffix}", header, table)
    plain = workspace(
        tmp_path, "plain", rubric=RICH_RUBRIC, checklists=[{"path": "rich.csv", "simulated": True}]
    )
    shutil.copy(RICH_ROWS, plain / "rich.csv")

    assert scorecards(root) == scorecards(plain)
    report = load_workspace(root).observations.report
    assert (report.rows_read, report.rows_used, report.rows_rejected) == (8, 8, 0)
    assert report.issues == ()


def test_header_names_every_answer_column_in_form_order(rich: Rubric) -> None:
    assert export_header(rich, separator="-", expand=["2access.languages"]) == [
        "mission",
        "site_country",
        "site_city",
        "site",
        "observer",
        "visited_at",
        "practice-practice.on_time",
        "practice-practice.queue",
        "practice-practice.turned_away",
        "_2access-_2access.languages_NA",
        "_2access-_2access.languages/local",
        "_2access-_2access.languages/national",
        "_2access-_2access.languages/other",
        "_2access-_2access.staff",
        "_2access-_2access.outside_NA",
        "_2access-_2access.outside",
        "_2access-_3ramp",
        "notes",
        "ovm_rubric",
        "ovm_rubric_version",
        "ovm_rubric_sha256",
    ]


# --- malformed exports -------------------------------------------------------------------------


def load(
    tmp_path: Path,
    rubric: Rubric,
    header: list[str],
    table: list[list[Any]],
    name: str = "export.csv",
    tool: str = "kobo",
) -> Any:
    return load_export(write_export(tmp_path / name, header, table), rubric, MISSIONS, layout=tool)


def test_missing_mission_column_rejects_every_row_at_its_place(
    tmp_path: Path, mini: Rubric
) -> None:
    header, table = export_table(
        mini,
        plain_rows(MINI / "checklists.csv"),
        "kobo",
        meta={1: {"_validation_status": "validation_status_not_approved"}},
    )
    j = header.index("mission")
    header = header[:j] + header[j + 1 :]
    table = [r[:j] + r[j + 1 :] for r in table]
    result = load(tmp_path, mini, header, table)

    status = header.index("_validation_status") + 1
    assert [(i.line, i.column, i.code, i.severity) for i in result.issues] == [
        (3, status, "excluded-row", "warning"),
        (1, None, "missing-column", "error"),
    ]
    assert located(result) == [(r, None, "missing-mission") for r in (2, 4, 5, 6, 7)]
    rep = result.report
    assert (rep.rows_read, rep.rows_used, rep.rows_rejected, rep.rows_excluded) == (6, 0, 5, 1)
    assert accounted(rep)


def test_missing_mission_column_stops_the_workspace(tmp_path: Path, mini: Rubric) -> None:
    header, table = export_table(mini, plain_rows(MINI / "checklists.csv"), "odk")
    header[header.index("mission")] = "mision"
    root = workspace(tmp_path, "ws", checklists=[{"path": "odk.csv", "layout": "odk"}])
    write_export(root / "odk.csv", header, table)
    with pytest.raises(DataError) as err:
        load_workspace(root)
    assert [(i.line, i.column, i.code) for i in err.value.errors] == [(1, None, "missing-column")]


def test_unknown_choices_are_refused_at_the_export_column_and_their_visits_kept(
    tmp_path: Path, rich: Rubric
) -> None:
    rows = plain_rows(RICH_ROWS)
    bad = [(1, "practice.on_time", "maybe"), (2, "2access.staff", "robots")]
    bad.append((4, "2access.languages", "local klingon"))
    blank = [dict(r) for r in rows]
    for k, question, answer in bad:
        rows[k][question] = answer
        blank[k][question] = ""
    header, table = export_table(rich, rows, "odk")
    (tmp_path / "bad").mkdir()
    (tmp_path / "blank").mkdir()
    result = load(tmp_path / "bad", rich, header, table, tool="odk")
    _, empty = export_table(rich, blank, "odk")
    alike = load(tmp_path / "blank", rich, header, empty, tool="odk")

    col = {h: j for j, h in enumerate(header, start=1)}
    assert refused(result) == [
        (3, col["practice-practice.on_time"], "invalid-answer"),
        (4, col["_2access-_2access.staff"], "invalid-answer"),
        (6, col["_2access-_2access.languages"], "invalid-answer"),
    ]
    assert result.rejected == ()
    assert (result.report.rows_used, result.report.rows_rejected) == (6, 0)
    assert result.report.cells_rejected == 3
    # Each visit keeps every answer but the one refused, as if that cell were blank.
    assert result.rows.drop("_file").equals(alike.rows.drop("_file"))
    assert accounted(result.report)


def test_bad_flags_and_gates_are_located(tmp_path: Path, rich: Rubric) -> None:
    rows = plain_rows(RICH_ROWS)
    header, table = export_table(rich, rows, "kobo", expand=["2access.languages"])
    col = {h: j for j, h in enumerate(header, start=1)}
    table[0][col["_2access/_2access.languages/other"] - 1] = "2"
    table[1][col["_2access/_2access.outside"] - 1] = 12  # its gate says not applicable
    table[4][col["_2access/_2access.outside_NA"] - 1] = "perhaps"
    result = load(tmp_path, rich, header, table, name="export.xlsx")

    assert refused(result) == [
        (2, col["_2access/_2access.languages/other"], "invalid-flag"),
        (3, col["_2access/_2access.outside"], "conflicting-answers"),
        (6, col["_2access/_2access.outside_NA"], "invalid-answer"),
    ]
    assert result.rejected == ()
    # The question of a cell refused is unanswered at that visit (null); its other answers
    # stay (1 accepted, 0 not, -1 or NaN not applicable).
    got = result.rows.select(ROW, "2access.languages", "2access.outside", "practice.on_time")
    assert str(got.rows()) == str(
        [
            (2, None, 10.0, 1),
            (3, 0, None, 0),
            (4, -1, 25.5, 1),
            (5, None, None, -1),
            (6, 1, None, 1),
            (7, 1, float("nan"), 1),
        ]
    )
    assert accounted(result.report)


def test_a_multiple_choice_exported_per_choice_reads_its_not_applicable_gate(
    tmp_path: Path, rich: Rubric
) -> None:
    # A choice list that may not apply is asked after "does this apply here?": its answer is
    # read alike whether the export writes the choices in one column or one column each.
    rows = plain_rows(RICH_ROWS)
    one_header, one_table = export_table(rich, rows, "kobo")
    (tmp_path / "one").mkdir()
    (tmp_path / "each").mkdir()
    one = load(tmp_path / "one", rich, one_header, one_table)
    header, table = export_table(rich, rows, "kobo", expand=["2access.languages"])
    each = load(tmp_path / "each", rich, header, table)
    assert each.rows.drop("_file").equals(one.rows.drop("_file"))
    assert each.rows.select(ROW, "2access.languages").rows() == [
        (2, 1),
        (3, 0),
        (4, -1),
        (5, None),
        (6, 1),
        (7, 1),
    ]
    # A choice ticked where the gate says the list does not apply is refused: the list is
    # unanswered there, the visit kept.
    col = {h: j for j, h in enumerate(header, start=1)}
    table[2][col["_2access/_2access.languages/local"] - 1] = 1
    (tmp_path / "both").mkdir()
    both = load(tmp_path / "both", rich, header, table)
    assert [(i.line, i.column, i.code, i.params) for i in both.report.rejected_cells] == [
        (
            4,
            col["_2access/_2access.languages/local"],
            "conflicting-answers",
            {"name": "2access.languages", "text": "local"},
        )
    ]
    assert both.rows.filter(pl.col(ROW) == 4)["2access.languages"].to_list() == [None]


def test_choice_flags_read_yes_and_no_as_every_table_does(tmp_path: Path, rich: Rubric) -> None:
    rows = plain_rows(RICH_ROWS)[:4]
    header, table = export_table(rich, rows, "kobo", expand=["2access.languages"])
    other = header.index("_2access/_2access.languages/other")
    for i, cell in enumerate(["Sí", "1.0", "missing", "no"]):
        table[i][other] = cell
    df, _ = read_table(write_export(tmp_path / "export.csv", header, table))
    assert df is not None
    frame, issues, _ = normalise_export(df, rich, "kobo", "export.csv")
    assert frame is not None
    # A flag is yes or no: a missing word is no flag, not a silent "not chosen".
    assert [(i.line, i.column, i.code) for i in issues if i.severity == "error"] == [
        (4, other + 1, "invalid-flag")
    ]
    # The refused flag leaves its question unanswered in a row that stays.
    assert frame.select(ROW, "2access.languages").rows() == [
        (2, "local national other"),
        (3, "national other"),
        (4, None),
        (5, None),
    ]


@pytest.mark.parametrize("tool", ["kobo", "odk"])
def test_duplicated_submission_ids_reject_the_later_rows(
    tmp_path: Path, mini: Rubric, tool: str
) -> None:
    id_col = "_uuid" if tool == "kobo" else "KEY"
    header, table = export_table(mini, plain_rows(MINI / "checklists.csv"), tool)
    j = header.index(id_col)
    table[3][j] = table[0][j]
    table[5][j] = table[0][j]
    if tool == "kobo":  # Kobo repeats the id in meta/instanceID; only _uuid is checked
        table[3][header.index("meta/instanceID")] = table[0][header.index("meta/instanceID")]
    result = load(tmp_path, mini, header, table, tool=tool)

    assert located(result) == [
        (5, j + 1, "duplicate-submission"),
        (7, j + 1, "duplicate-submission"),
    ]
    assert result.rows[ROW].to_list() == [2, 3, 4, 6]
    assert (result.report.rows_read, result.report.rows_used, result.report.rows_rejected) == (
        6,
        4,
        2,
    )
    assert accounted(result.report)


def test_duplicates_are_rejected_rows_in_a_workspace(tmp_path: Path, mini: Rubric) -> None:
    header, table = export_table(mini, plain_rows(MINI / "checklists.csv"), "kobo")
    j = header.index("_uuid")
    table[2][j] = table[1][j]
    root = workspace(tmp_path, "ws", checklists=[{"path": "kobo.xlsx", "layout": "kobo"}])
    write_export(root / "kobo.xlsx", header, table)
    report = load_workspace(root).observations.report

    assert [(i.line, i.column, i.code) for i in report.errors] == [
        (4, j + 1, "duplicate-submission")
    ]
    assert all(accounted(f) for f in report.files)


def test_a_workspace_export_keeps_a_visit_with_a_bad_answer_and_says_a_rejected_rows_problems(
    tmp_path: Path, mini: Rubric
) -> None:
    header, table = export_table(mini, plain_rows(MINI / "checklists.csv"), "kobo")
    table[0][header.index("practice/practice.queue")] = "15 min"
    j = header.index("_uuid")
    # A submission read twice, its visit's country and time mistyped in the second copy.
    table[2][j] = table[1][j]
    table[2][header.index("site_country")] = "Estados Unidos"
    table[2][header.index("visited_at")] = "01/05/2020 08:20"
    root = workspace(tmp_path, "ws", checklists=[{"path": "kobo.csv", "layout": "kobo"}])
    write_export(root / "kobo.csv", header, table)
    ws = load_workspace(root)
    report = ws.observations.report

    col = {h: k for k, h in enumerate(header, start=1)}
    assert [(i.line, i.column, i.code) for i in report.rejected_cells] == [
        (2, col["practice/practice.queue"], "invalid-number")
    ]
    assert [(r.row, [i.code for i in r.reasons]) for r in report.rejected] == [
        (4, ["duplicate-submission"])
    ]
    assert [(i.line, i.column, i.code) for i in ws.warnings if i.line == 4] == [
        (4, col["site_country"], "invalid-country"),
        (4, col["visited_at"], "invalid-visit-time"),
    ]
    sites = ws.observations.sites
    got = sites.filter(pl.col("_row") == 2).select("practice.on_time", "practice.queue")
    assert got.rows() == [(1, None)]
    assert [
        (f.rows_read, f.rows_used, f.rows_rejected, f.cells_rejected)
        for f in report.files
        if f.kind == "checklist"
    ] == [(6, 5, 1, 1)]


@pytest.mark.parametrize("tool", ["kobo", "odk"])
def test_a_submission_sent_twice_is_said_once_as_a_repeated_submission(
    tmp_path: Path, mini: Rubric, tool: str
) -> None:
    import contextlib
    import io

    from ovm.cli.app import main

    header, table = export_table(mini, plain_rows(MINI / "checklists.csv"), tool)
    # The last submission sent twice (same id, same cells), and a visit typed twice under two
    # ids: the first is one submission, dropped; the second two visits, said so.
    twin = list(table[1])
    twin[header.index("_uuid" if tool == "kobo" else "KEY")] = "uuid-other"
    table += [list(table[-1]), twin]
    root = workspace(tmp_path, "ws", checklists=[{"path": "e.csv", "layout": tool}])
    path = write_export(root / "e.csv", header, table)
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main(["check", str(root)])
    said = [
        (line.split(" ", 1)[0].removeprefix(f"{path}:").split(":")[0], line.rsplit(" ", 1)[-1])
        for line in err.getvalue().splitlines()
        if line.startswith(f"{path}:") and line.endswith("]")
    ]
    assert (code, said) == (1, [("8", "[duplicate-submission]"), ("9", "[duplicate-row]")])


@pytest.mark.parametrize(
    ("tool", "column", "word"),
    [
        ("kobo", "_validation_status", "validation_status_not_approved"),
        ("kobo", "_validation_status", "Not Approved"),
        ("odk", "ReviewState", "rejected"),
    ],
)
def test_rejected_submissions_are_excluded_and_counted(
    tmp_path: Path, mini: Rubric, tool: str, column: str, word: str
) -> None:
    header, table = export_table(
        mini, plain_rows(MINI / "checklists.csv"), tool, meta={0: {column: word}, 4: {column: word}}
    )
    root = workspace(tmp_path, "ws", checklists=[{"path": "e.csv", "layout": tool}])
    write_export(root / "e.csv", header, table)
    ws = load_workspace(root)
    (rep,) = [f for f in ws.observations.report.files if f.kind == "checklist"]

    assert (rep.rows_read, rep.rows_used, rep.rows_rejected, rep.rows_excluded) == (6, 4, 0, 2)
    assert ws.observations.sites[ROW].to_list() == [3, 4, 5, 7]


@pytest.mark.parametrize(
    ("tool", "column", "ident"),
    [("kobo", "_validation_status", "_uuid"), ("odk", "ReviewState", "KEY")],
)
def test_each_row_an_export_excludes_is_named_with_its_submission_and_status(
    tmp_path: Path,
    mini: Rubric,
    tool: str,
    column: str,
    ident: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    states = {1: "Not Approved", 4: "rejected"}
    header, table = export_table(
        mini,
        plain_rows(MINI / "checklists.csv"),
        tool,
        meta={i: {column: word} for i, word in states.items()},
    )
    root = workspace(tmp_path, "ws", checklists=[{"path": "e.csv", "layout": tool}])
    path = write_export(root / "e.csv", header, table)
    from ovm.cli.app import main

    assert main(["check", str(root)]) == 0
    err = capsys.readouterr().err
    col, idc = header.index(column), header.index(ident)
    # Each is said as the export marks it: "rejected" is no "not approved or rejected".
    marked = {"Not Approved": "not approved", "rejected": "rejected"}
    assert [line for line in err.splitlines() if line.endswith("[excluded-row]")] == [
        f"{path}:{i + 2}:{col + 1} warning: row excluded (submission {table[i][idc]}): its review "
        f"status {column} is '{word}' (marked {marked[word]} in the export) [excluded-row]"
        for i, word in states.items()
    ]
    assert f"{path}: 6 rows read, 4 used, 0 rejected, 2 excluded by the export" in err
    assert main(["check", str(root), "--lang", "es"]) == 0
    err = capsys.readouterr().err
    assert [line for line in err.splitlines() if line.endswith("[excluded-row]")] == [
        f"{path}:{i + 2}:{col + 1} advertencia: fila excluida (envío {table[i][idc]}): su estado "
        f"de revisión {column} es “{word}” (marcada como {es} en la exportación) [excluded-row]"
        for (i, word), es in zip(states.items(), ["no aprobada", "rechazada"], strict=True)
    ]


@pytest.mark.parametrize(
    ("tool", "column", "kept"),
    [
        ("kobo", "_validation_status", ["validation_status_on_hold", "Approved", "On Hold"]),
        ("odk", "ReviewState", ["hasIssues", "edited", "approved"]),
    ],
)
def test_a_review_status_ovm_does_not_know_is_scored_and_said_once_a_state(
    tmp_path: Path,
    mini: Rubric,
    tool: str,
    column: str,
    kept: list[str],
    capsys: pytest.CaptureFixture[str],
) -> None:
    # A Spanish label of "not approved" and a status the tools may add: neither is known, so
    # their rows are scored -- and the team is told, once for each state, at its first row.
    states = {0: kept[0], 1: "No aprobado", 2: kept[1], 3: "No aprobado", 4: "Paused", 5: kept[2]}
    header, table = export_table(
        mini,
        plain_rows(MINI / "checklists.csv"),
        tool,
        meta={i: {column: word} for i, word in states.items()},
    )
    root = workspace(tmp_path, "ws", checklists=[{"path": "e.csv", "layout": tool}])
    path = write_export(root / "e.csv", header, table)
    from ovm.cli.app import main

    assert main(["check", str(root)]) == 0
    err = capsys.readouterr().err
    col = header.index(column) + 1
    tail = "ovm knows no such state and scores them as approved; approve or reject them on the"
    assert [line for line in err.splitlines() if line.endswith("[unknown-review-status]")] == [
        f"{path}:3:{col} warning: review status {column} is 'No aprobado' on 2 rows, this the "
        f"first: {tail} server, or export the status codes [unknown-review-status]",
        f"{path}:6:{col} warning: review status {column} is 'Paused' on 1 row, this the "
        f"first: {tail} server, or export the status codes [unknown-review-status]",
    ]
    assert f"{path}: 6 rows read, 6 used, 0 rejected" in err
    assert main(["check", str(root), "--lang", "es"]) == 0
    err = capsys.readouterr().err
    assert (
        f"{path}:3:{col} advertencia: el estado de revisión {column} es «No aprobado» en 2 filas"
        in err
    )


def test_the_workspaces_missions_read_an_export_as_their_names_by_id_do(
    tmp_path: Path, mini: Rubric
) -> None:
    header, table = export_table(mini, plain_rows(MINI / "checklists.csv"), "kobo")
    m = header.index("mission")
    # As a form shows them: one mission by its Spanish label, the other by its name.
    labels = {"aaa-2020": "A 2020", "bbb-2021": "B 2021"}
    table = [[*r[:m], labels[r[m]], *r[m + 1 :]] for r in table]
    path = write_export(tmp_path / "e.csv", header, table)
    ws = load_workspace(MINI)
    by_name = load_export(path, mini, {x.id: x.name for x in ws.observations.missions})
    held = load_export(path, mini, ws.observations.missions)
    assert held.report == by_name.report
    assert held.issues == by_name.issues
    assert held.rows.equals(by_name.rows)
    assert held.rejected == by_name.rejected
    assert held.report.rows_used == len(table)
    # Ids alone do not read labels: every row names a mission they do not know.
    assert load_export(path, mini, sorted(labels)).report.rows_used == 0
    with pytest.raises(TypeError, match=r"\(Observations.missions\), not int$"):
        load_export(path, mini, [2020, 2021])  # type: ignore[list-item]


def test_unknown_columns_are_warned_and_tool_metadata_is_not(tmp_path: Path, mini: Rubric) -> None:
    header, table = export_table(mini, plain_rows(MINI / "checklists.csv"), "kobo")
    header += ["practice/practice.extra", "weather", "_geolocation"]
    table = [[*r, "x", "sunny", None] for r in table]
    result = load(tmp_path, mini, header, table)

    assert [(i.line, i.column, i.code, i.severity) for i in result.issues] == [
        (1, len(header) - 2, "unknown-column", "warning"),
        (1, len(header) - 1, "unknown-column", "warning"),
    ]
    assert result.report.unmatched_columns == ("practice/practice.extra", "weather")
    assert result.report.rows_used == 6


def test_a_form_of_another_rubric_version_is_warned(tmp_path: Path, mini: Rubric) -> None:
    header, table = export_table(mini, plain_rows(MINI / "checklists.csv"), "kobo")
    j = header.index("ovm_rubric_version")
    table[2][j] = "0.0"
    result = load(tmp_path, mini, header, table)
    assert [(i.line, i.column, i.code) for i in result.issues] == [(4, j + 1, "rubric-mismatch")]


@pytest.mark.parametrize(("rows", "said"), [([2], "(1 row)"), ([2, 4], "(2 rows)")])
def test_rows_of_another_rubric_version_are_counted_in_words(
    tmp_path: Path, mini: Rubric, rows: list[int], said: str
) -> None:
    header, table = export_table(mini, plain_rows(MINI / "checklists.csv"), "kobo")
    j = header.index("ovm_rubric_version")
    for i in rows:
        table[i][j] = "0.0"
    (issue,) = load(tmp_path, mini, header, table).issues
    assert issue.message == f"collected with ovm_rubric_version '0.0', scored with '0.1' {said}"


def test_a_semicolon_export_is_read_but_a_plain_semicolon_table_refused(
    tmp_path: Path, mini: Rubric
) -> None:
    header, table = export_table(mini, plain_rows(MINI / "checklists.csv"), "kobo")
    path = tmp_path / "semi.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, delimiter=";", quoting=csv.QUOTE_ALL).writerows([header, *table])
    result = load_export(path, mini, MISSIONS)
    assert result.issues == ()
    assert result.report.rows_used == len(table)
    # The plain layout still refuses it: nothing is misread from a spreadsheet's ';' file.
    _, issues = read_table(path)
    assert [(i.line, i.column, i.code) for i in issues] == [(1, 1, "wrong-separator")]


def test_normalise_export_drops_unusable_rows_with_located_errors(
    mini: Rubric, tmp_path: Path
) -> None:
    header, table = export_table(
        mini, plain_rows(MINI / "checklists.csv"), "odk", meta={2: {"ReviewState": "rejected"}}
    )
    j = header.index("KEY")
    table[4][j] = table[0][j]
    path = write_export(tmp_path / "odk.csv", header, table)
    df, _ = read_table(path)
    assert df is not None
    frame, issues, excluded = normalise_export(df, mini, "odk", "odk.csv")

    assert frame is not None
    assert excluded == 1
    assert [(i.line, i.column, i.code) for i in issues] == [
        (4, header.index("ReviewState") + 1, "excluded-row"),
        (6, j + 1, "duplicate-submission"),
    ]
    assert frame[ROW].to_list() == [2, 3, 5, 7]
    assert frame.columns == [
        "_row",
        "mission",
        "site_country",
        "site_city",
        "site",
        "observer",
        "visited_at",
        "notes",
        "practice.on_time",
        "practice.queue",
        "practice.turned_away",
    ]


# --- properties ------------------------------------------------------------------------------

_row = st.fixed_dictionaries(
    {
        "answer": st.sampled_from(["yes", "no", "na", "maybe", None]),
        "mission": st.sampled_from(["aaa-2020", "bbb-2021", "zzz-1999", None]),
        "uid": st.sampled_from(["u1", "u2", "u3", "u4", None]),
        "status": st.sampled_from(
            [
                "",
                "validation_status_approved",
                "validation_status_not_approved",
                "validation_status_on_hold",
            ]
        ),
    }
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_row, max_size=12))
def test_every_row_of_an_export_is_accounted_for(mini: Rubric, rows: list[dict[str, Any]]) -> None:
    df = pl.DataFrame(
        {
            "mission": [r["mission"] for r in rows],
            "practice/practice.on_time": [r["answer"] for r in rows],
            "_uuid": [r["uid"] for r in rows],
            "_validation_status": [r["status"] or None for r in rows],
            ROW: list(range(2, len(rows) + 2)),
        },
        schema={
            "mission": pl.String,
            "practice/practice.on_time": pl.String,
            "_uuid": pl.String,
            "_validation_status": pl.String,
            ROW: pl.Int64,
        },
    )
    result = validate_export(df, mini, MISSIONS, "x.csv", "kobo")
    rep = result.report

    kept = [r for r in rows if r["status"] != "validation_status_not_approved"]
    seen: set[str] = set()
    usable, unread = 0, []
    for row, r in enumerate(rows, start=2):
        if r["status"] == "validation_status_not_approved":
            continue
        first = r["uid"] is None or r["uid"] not in seen
        if r["uid"] is not None:
            seen.add(r["uid"])
        # An answer that cannot be read loses itself, not its visit; a row answering nothing
        # records no visit (empty-visit).
        used = first and r["mission"] in MISSIONS and r["answer"] is not None
        usable += used
        if used and r["answer"] == "maybe":
            unread.append((row, 2, "invalid-answer"))
    assert accounted(rep)
    assert (rep.rows_read, rep.rows_excluded, rep.rows_used) == (
        len(rows),
        len(rows) - len(kept),
        usable,
    )
    assert [(i.line, i.column, i.code) for i in rep.rejected_cells] == unread
    assert sorted(result.rows[ROW].to_list() + [r.row for r in result.rejected]) == sorted(
        set(range(2, len(rows) + 2))
        - {i + 2 for i, r in enumerate(rows) if r["status"] == "validation_status_not_approved"}
    )


def _probably(issues: Any) -> list[tuple[int | None, str, str]]:
    return [
        (i.column, str(i.params.get("variant")), str(i.params.get("near", "")))
        for i in issues
        if i.code == "unknown-column"
    ]


def test_a_question_header_edited_on_the_server_is_said_as_that_question(
    tmp_path: Path, mini: Rubric
) -> None:
    # The queue question's label edited after deployment, beside a column of something else.
    header, table = export_table(mini, plain_rows(MINI / "checklists.csv"), "kobo")
    j = next(k for k, h in enumerate(header) if h.endswith("practice.queue"))
    header[j] = "Minutos de espera (min)"
    header += ["weather"]
    table = [[*r, "sunny"] for r in table]
    result = load(tmp_path, mini, header, table)
    (said,) = [i for i in result.issues if i.params.get("variant") == "checklist_probably"]
    assert (said.line, said.column, said.severity) == (1, j + 1, "warning")
    assert said.render() == (
        f"{said.file}:1:{j + 1} warning: column 'Minutos de espera (min)' matches no checklist "
        "question; probably practice.queue (Queue), which no column of this file gives; "
        "ignored [unknown-column]"
    )
    assert said.text("es") == (
        "la columna “Minutos de espera (min)” no corresponde a ninguna pregunta de la lista de "
        "verificación; probablemente es practice.queue (Fila), que ninguna columna de este "
        "archivo da; se ignora"
    )
    assert _probably(result.issues) == [
        (j + 1, "checklist_probably", "practice.queue"),
        (len(header), "checklist", ""),
    ]


def test_the_one_unknown_header_beside_the_one_question_lacking_is_said_as_it(
    tmp_path: Path, mini: Rubric
) -> None:
    header, table = export_table(mini, plain_rows(MINI / "checklists.csv"), "kobo")
    j = next(k for k, h in enumerate(header) if h.endswith("practice.queue"))
    header[j] = "Espera"
    result = load(tmp_path, mini, header, table)
    assert _probably(result.issues) == [(j + 1, "checklist_probably", "practice.queue")]
    # Two unknown headers near no question leave the question unnamed: a guess would be a coin.
    header += ["weather"]
    table = [[*r, "sunny"] for r in table]
    result = load(tmp_path, mini, header, table, name="two.csv")
    assert _probably(result.issues) == [(j + 1, "checklist", ""), (len(header), "checklist", "")]
    # A column of nothing beside every question's own is no question's.
    header, table = export_table(mini, plain_rows(MINI / "checklists.csv"), "kobo")
    result = load(tmp_path, mini, [*header, "weather"], [[*r, "x"] for r in table], "all.csv")
    assert _probably(result.issues) == [(len(header) + 1, "checklist", "")]


def test_a_plain_table_whose_question_header_was_renamed_names_the_question(
    tmp_path: Path,
) -> None:
    root = workspace(tmp_path, "ws")
    path = root / "checklists.csv"
    path.write_text(
        path.read_text(encoding="utf-8").replace("practice.on_time,", "Opened on time?,", 1),
        encoding="utf-8",
    )
    ws = load_workspace(root)
    assert [
        (i.file, i.line, i.column, i.code, i.params.get("variant"), i.params.get("near"))
        for i in ws.warnings
        if i.code == "unknown-column"
    ] == [(str(path), 1, 8, "unknown-column", "checklist_probably", "practice.on_time")]


def test_a_header_refused_as_a_question_miscased_leaves_that_question_to_no_other_header(
    tmp_path: Path,
) -> None:
    # The question's column is there, in other capitals: refused as that question, it is not
    # "lacking", so an unrelated extra column is not said to probably give it.
    root = workspace(tmp_path, "ws")
    path = root / "checklists.csv"
    head, *rows = path.read_text(encoding="utf-8").splitlines()
    head = head.replace("practice.on_time,", "Practice.On_Time,", 1) + ",observer_phone"
    path.write_text("\n".join([head, *(r + "," for r in rows)]) + "\n", encoding="utf-8")
    with pytest.raises(DataError) as info:
        load_workspace(root)
    said = {
        (i.params.get("name"), i.params.get("variant"), i.params.get("near"))
        for i in info.value.issues
        if i.code == "unknown-column"
    }
    assert said == {
        ("Practice.On_Time", "checklist_case", "practice.on_time"),
        ("observer_phone", "checklist", ""),
    }


def test_an_export_header_refused_as_a_misspelt_question_leaves_it_to_no_other_header(
    tmp_path: Path, mini: Rubric
) -> None:
    # The queue question's column is there, misspelt: refused as that question, it is not
    # lacking, so the one other unknown header is not said to probably give it.
    header, table = export_table(mini, plain_rows(MINI / "checklists.csv"), "kobo")
    j = next(k for k, h in enumerate(header) if h.endswith("practice.queue"))
    header[j] = header[j].replace("practice.queue", "practice.queeu")
    header += ["weather"]
    table = [[*r, "sunny"] for r in table]
    result = load(tmp_path, mini, header, table)
    assert _probably(result.issues) == [(len(header), "checklist", "")]
