"""One table reader: the same cell text means the same in every table, CSV or XLSX."""

from __future__ import annotations

import csv
import math
import tempfile
import textwrap
from collections.abc import Callable, Sequence
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook

from ovm import DataError, load_rubric, load_workspace
from ovm.data.answers import load_answers_table
from ovm.data.observations import Datum, load_missions, load_statistics
from ovm.data.wide import observations_from_wide
from ovm.errors import Issue
from ovm.rubric.model import Rubric

RUBRIC = """\
ovm_rubric: 1
id: reader
version: "1"
title: {en: Reader}
languages: [en]
bands:
  - {min: 0, max: 50, label: {en: Low}}
  - {min: 50, max: 100, label: {en: High}}
variables:
  - {name: amount, labels: {en: Amount}, unit: units, type: number, source: statistics,
     minimum: 0, maximum: 5000, allow_na: true}
  - {name: flagged, labels: {en: Flagged}, unit: flag, type: boolean, source: statistics}
families:
  - id: law
    labels: {en: Law}
    children:
      - id: law.postal
        kind: answer
        labels: {en: Postal vote}
        source: legal
        allow_na: true
        scores: {yes: 100, partial: null, no: 0}
      - id: law.amount
        kind: quantitative
        labels: {en: Amount}
        source: statistics
        formula: amount
        rule: {type: goalposts, low: 0, high: 5000}
  - id: field
    labels: {en: Field}
    children:
      - id: field.open
        kind: checklist
        labels: {en: Open}
        source: checklist
        question: {en: "Open?"}
        not_applicable: true
      - id: field.amount
        kind: checklist
        labels: {en: Amount}
        source: checklist
        question: {en: "How many?"}
        answer_type: decimal
        minimum: 0
        maximum: 5000
        not_applicable: true
        stat: mean
        rule: {type: goalposts, low: 0, high: 5000}
"""

Meaning = tuple[object, ...]

# What each cell text means in a number column, in every table that has one.
NUMBER_MEANINGS: dict[str, Meaning] = {
    "1,234": ("value", 1234.0),
    "-0": ("value", 0.0),
    "1e3": ("value", 1000.0),
    " 12.5 ": ("value", 12.5),
    "1,234.5": ("value", 1234.5),
    "na": ("not_applicable",),
    "NA": ("not_applicable",),
    "N/A": ("not_applicable",),
    "missing": ("missing",),
    "?": ("missing",),
    "": ("missing",),
    "   ": ("missing",),
    "1 234": ("rejected", "invalid-number"),
    "12,5": ("rejected", "invalid-number"),
    "1_000": ("rejected", "invalid-number"),
    "١٢": ("rejected", "invalid-number"),
    "sí": ("rejected", "invalid-number"),
    "yes": ("rejected", "invalid-number"),
    "inf": ("rejected", "not-finite"),
    "-Infinity": ("rejected", "not-finite"),
    "nan": ("rejected", "not-finite"),
    "NaN": ("rejected", "not-finite"),
    "-5": ("rejected", "out-of-range"),
    "1e4": ("rejected", "out-of-range"),
}

# What each cell text means as a yes/no answer: a legal answer or an observer's checklist.
ANSWER_MEANINGS: dict[str, Meaning] = {
    "yes": ("value", "yes"),
    "YES": ("value", "yes"),
    " Yes ": ("value", "yes"),
    "sí": ("value", "yes"),
    "Sí": ("value", "yes"),
    "si": ("value", "yes"),
    "true": ("value", "yes"),
    "1": ("value", "yes"),
    "1.0": ("value", "yes"),
    "no": ("value", "no"),
    "No": ("value", "no"),
    "não": ("value", "no"),
    "0": ("value", "no"),
    "na": ("not_applicable",),
    "NA": ("not_applicable",),
    "not  applicable": ("not_applicable",),
    "missing": ("missing",),
    "not observed": ("missing",),
    "": ("missing",),
    "maybe": ("rejected", "invalid-answer"),
    "partial": ("rejected", "invalid-answer"),
    "1,234": ("rejected", "invalid-answer"),
    "2": ("rejected", "invalid-answer"),
}


def rubric() -> Rubric:
    return load_rubric(RUBRIC, file="reader.yaml")


def missions_yaml(n: int) -> str:
    return "missions:\n" + "".join(
        f"  - {{id: m{i:03d}, country: ARG, name: M{i}, election: {{type: general, "
        f"date: 2020-01-01}}}}\n"
        for i in range(n)
    )


def write_rows(path: Path, rows: Sequence[Sequence[str]], sheet: str | None = None) -> Path:
    """A CSV or an XLSX of text cells (an empty text is an empty cell)."""
    if path.suffix == ".xlsx":
        wb = Workbook()
        ws = wb.active
        assert ws is not None
        if sheet:
            ws.title = sheet
        for rec in rows:
            ws.append([c if c != "" else None for c in rec])
        wb.save(path)
    else:
        with path.open("w", encoding="utf-8", newline="") as fh:
            csv.writer(fh).writerows(rows)
    return path


def _number(x: object) -> Meaning:
    assert isinstance(x, float)
    return ("value", x)


def _site_number(x: object) -> Meaning:
    if x is None:
        return ("missing",)
    assert isinstance(x, float)
    return ("not_applicable",) if math.isnan(x) else ("value", x)


def _site_answer(x: object) -> Meaning:
    return {None: ("missing",), -1: ("not_applicable",), 1: ("value", "yes"), 0: ("value", "no")}[x]  # type: ignore[index]


def _rejected(reasons: Sequence[Issue]) -> Meaning:
    return ("rejected", *sorted({i.code for i in reasons}))


def _datum(d: Datum | None) -> Meaning:
    if d is None or d.status == "missing":
        return ("missing",)
    if d.status == "not_applicable":
        return ("not_applicable",)
    return ("value", d.value)


def statistics_meanings(folder: Path, texts: Sequence[str], suffix: str) -> list[Meaning]:
    rb = rubric()
    missions, _ = load_missions(missions_yaml(len(texts)), rb, file="missions.yaml")
    path = write_rows(
        folder / f"statistics{suffix}",
        [["mission", "amount"], *([f"m{i:03d}", t] for i, t in enumerate(texts))],
    )
    values, report, rejected, issues = load_statistics(path, rb, missions)
    assert issues == []
    assert rejected == []
    assert report.rows_read == report.rows_used + report.rows_rejected + report.rows_excluded
    # A refused cell loses its datum, not its row.
    bad = _by_row(report.rejected_cells)
    return [
        _rejected(bad[i + 2]) if i + 2 in bad else _datum(values[f"m{i:03d}"].get("amount"))
        for i in range(len(texts))
    ]


def _by_row(issues: Sequence[Issue]) -> dict[int, list[Issue]]:
    out: dict[int, list[Issue]] = {}
    for i in issues:
        assert i.line is not None
        out.setdefault(i.line, []).append(i)
    return out


def wide_meanings(folder: Path, texts: Sequence[str], suffix: str) -> list[Meaning]:
    path = write_rows(
        folder / f"wide{suffix}",
        [
            ["UnitCode", "Country", "Amount"],
            *([f"u{i:03d}", "ARG", t] for i, t in enumerate(texts)),
        ],
    )
    obs = observations_from_wide(
        path, rubric(), name_column=None, country_column="Country", na_means="not_applicable"
    )
    (report,) = obs.report.files
    assert report.rows_read == report.rows_used + report.rows_rejected + report.rows_excluded
    bad = {r.row: r.reasons for r in obs.report.rejected}
    return [
        _rejected(bad[i + 2])
        if i + 2 in bad
        else _datum(obs.mission(f"u{i:03d}").values.get("amount"))
        for i in range(len(texts))
    ]


def answers_meanings(folder: Path, texts: Sequence[str], suffix: str) -> list[Meaning]:
    rb = rubric()
    missions, _ = load_missions(missions_yaml(len(texts)), rb, file="missions.yaml")
    path = write_rows(
        folder / f"answers{suffix}",
        [["mission", "law.postal"], *([f"m{i:03d}", t] for i, t in enumerate(texts))],
        sheet="answers",
    )
    answers, report, rejected, issues = load_answers_table(path, rb, missions)
    assert issues == []
    assert rejected == []
    assert report.rows_read == report.rows_used + report.rows_rejected + report.rows_excluded
    bad = _by_row(report.rejected_cells)
    return [
        _rejected(bad[i + 2]) if i + 2 in bad else _datum(answers[f"m{i:03d}"].get("law.postal"))
        for i in range(len(texts))
    ]


def checklist_meanings(
    folder: Path, texts: Sequence[str], suffix: str, column: str
) -> list[Meaning]:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "rubric.yaml").write_text(RUBRIC, encoding="utf-8")
    (folder / "missions.yaml").write_text(missions_yaml(1), encoding="utf-8")
    (folder / "ovm.yaml").write_text(
        f"rubric: rubric.yaml\nchecklists: [checklists{suffix}]\n", encoding="utf-8"
    )
    write_rows(
        folder / f"checklists{suffix}",
        [["mission", "site", column], *(["m000", f"s{i:03d}", t] for i, t in enumerate(texts))],
    )
    ws = load_workspace(folder)
    (report,) = ws.observations.report.files
    assert report.rows_read == report.rows_used + report.rows_rejected + report.rows_excluded
    # A refused answer loses that answer (the visit has it unanswered), not its visit.
    assert list(ws.observations.report.rejected) == []
    bad = _by_row(report.rejected_cells)
    sites = ws.observations.sites
    coded = dict(sites.select("site", column).iter_rows()) if sites.height else {}
    assert len(coded) == len(texts)
    assert all(coded[f"s{i:03d}"] is None for i in range(len(texts)) if i + 2 in bad)
    read = _site_number if column == "field.amount" else _site_answer
    return [
        _rejected(bad[i + 2]) if i + 2 in bad else read(coded[f"s{i:03d}"])
        for i in range(len(texts))
    ]


NUMBER_LOADERS: dict[str, Callable[[Path, Sequence[str]], list[Meaning]]] = {
    "statistics.csv": lambda d, t: statistics_meanings(d, t, ".csv"),
    "statistics.xlsx": lambda d, t: statistics_meanings(d, t, ".xlsx"),
    "wide.csv": lambda d, t: wide_meanings(d, t, ".csv"),
    "wide.xlsx": lambda d, t: wide_meanings(d, t, ".xlsx"),
    "checklists.csv": lambda d, t: checklist_meanings(d, t, ".csv", "field.amount"),
    "checklists.xlsx": lambda d, t: checklist_meanings(d, t, ".xlsx", "field.amount"),
}
ANSWER_LOADERS: dict[str, Callable[[Path, Sequence[str]], list[Meaning]]] = {
    "answers.csv": lambda d, t: answers_meanings(d, t, ".csv"),
    "answers.xlsx": lambda d, t: answers_meanings(d, t, ".xlsx"),
    "checklists.csv": lambda d, t: checklist_meanings(d, t, ".csv", "field.open"),
    "checklists.xlsx": lambda d, t: checklist_meanings(d, t, ".xlsx", "field.open"),
}


@pytest.mark.parametrize("loader", sorted(NUMBER_LOADERS))
def test_a_number_cell_means_the_same_in_every_table(tmp_path: Path, loader: str) -> None:
    texts = list(NUMBER_MEANINGS)
    got = dict(zip(texts, NUMBER_LOADERS[loader](tmp_path, texts), strict=True))
    assert got == NUMBER_MEANINGS


@pytest.mark.parametrize("loader", sorted(ANSWER_LOADERS))
def test_an_answer_cell_means_the_same_in_every_table(tmp_path: Path, loader: str) -> None:
    texts = list(ANSWER_MEANINGS)
    got = dict(zip(texts, ANSWER_LOADERS[loader](tmp_path, texts), strict=True))
    assert got == ANSWER_MEANINGS


def test_minus_zero_is_zero_not_a_signed_zero(tmp_path: Path) -> None:
    (value,) = statistics_meanings(tmp_path, ["-0"], ".csv")
    assert math.copysign(1.0, value[1]) == 1.0  # type: ignore[arg-type]


# Cell texts built from the pieces that make the readings differ: digits, signs, separators,
# blanks, the letters of the special words, and the words themselves.
_PIECES = st.sampled_from(
    [
        "0",
        "1",
        "2",
        "5",
        "9",
        ".",
        ",",
        "-",
        "+",
        "e",
        "E",
        " ",
        "\t",
        "\u00a0",
        "_",
        "inf",
        "inity",
        "nan",
        "na",
        "NA",
        "n/a",
        "missing",
        "?",
        "yes",
        "sí",
        "Si",
        "no",
        "not",
        "applicable",
        "1,000",
        "١",
        "x",
    ]
)
_CELLS = st.lists(_PIECES, max_size=4).map("".join)


def _same_everywhere(
    loaders: dict[str, Callable[[Path, Sequence[str]], list[Meaning]]], texts: list[str]
) -> None:
    got = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, load in loaders.items():
            (Path(tmp) / name).mkdir()
            got[name] = load(Path(tmp) / name, texts)
    first = next(iter(got.values()))
    assert all(v == first for v in got.values()), got


@given(st.lists(_CELLS, min_size=1, max_size=6))
def test_any_number_cell_is_classified_alike_by_every_loader(texts: list[str]) -> None:
    _same_everywhere({k: v for k, v in NUMBER_LOADERS.items() if k.endswith(".csv")}, texts)


@given(st.lists(_CELLS, min_size=1, max_size=6))
def test_any_answer_cell_is_classified_alike_by_every_loader(texts: list[str]) -> None:
    _same_everywhere({k: v for k, v in ANSWER_LOADERS.items() if k.endswith(".csv")}, texts)


@given(
    st.lists(
        st.floats(allow_nan=True, allow_infinity=True).map(repr)
        | st.integers(-10, 10_000_000).map(lambda i: f"{i:,}"),
        min_size=1,
        max_size=6,
    )
)
def test_numbers_as_written_by_python_are_read_alike_cell_wise_and_column_wise(
    texts: list[str],
) -> None:
    # Statistics are read cell by cell; checklists column-wise through a Polars cast.
    _same_everywhere({k: NUMBER_LOADERS[k] for k in ("statistics.csv", "checklists.csv")}, texts)


def test_wide_tables_read_na_as_missing_unless_told_otherwise(tmp_path: Path) -> None:
    path = write_rows(
        tmp_path / "wide.csv",
        [["UnitCode", "Amount"], ["AUT", "NA"], ["BEL", "n/a"], ["FRA", "nan"]],
    )
    obs = observations_from_wide(path, rubric(), name_column=None)
    assert {m.id: m.values["amount"].status for m in obs.missions} == {
        "aut": "missing",
        "bel": "not_applicable",
    }
    assert [(r.row, [(i.column, i.code) for i in r.reasons]) for r in obs.report.rejected] == [
        (4, [(2, "not-finite")])
    ]


def test_a_nan_number_in_a_frame_is_missing_and_columns_count_from_the_frame() -> None:
    df = pl.DataFrame({"UnitCode": ["AUT", "BEL"], "Amount": [float("nan"), -1.0]})
    obs = observations_from_wide(df, rubric(), name_column=None)
    assert obs.mission("aut").values["amount"].status == "missing"
    # The row number added to a frame is no column of it: Amount is its second column.
    assert [(r.row, [(i.column, i.code) for i in r.reasons]) for r in obs.report.rejected] == [
        (3, [(2, "out-of-range")])
    ]


def test_a_boolean_variable_reads_yes_and_no_as_in_every_table(tmp_path: Path) -> None:
    rb = rubric()
    missions, _ = load_missions(missions_yaml(5), rb, file="missions.yaml")
    path = write_rows(
        tmp_path / "s.csv",
        [
            ["mission", "flagged"],
            ["m000", "Sí"],
            ["m001", "no"],
            ["m002", "1"],
            ["m003", "2"],
            ["m004", "maybe"],
        ],
    )
    values, report, rejected, _ = load_statistics(path, rb, missions)
    assert {m: v["flagged"].value for m, v in values.items() if "flagged" in v} == {
        "m000": 1.0,
        "m001": 0.0,
        "m002": 1.0,
    }
    assert rejected == []
    assert [(i.line, i.code) for i in report.rejected_cells] == [
        (5, "out-of-range"),
        (6, "invalid-number"),
    ]


def test_missions_yaml_reads_words_as_tables_do() -> None:
    text = textwrap.dedent("""\
        missions:
          - id: m000
            country: ARG
            name: M0
            election: {type: general, date: 2020-01-01}
            answers:
              law.postal: Sí
            values:
              amount: missing
              flagged: "yes"
        """)
    (mission,), issues = load_missions(text, rubric(), file="missions.yaml")
    assert issues == []
    assert (
        mission.answers["law.postal"].value,
        mission.values["amount"].status,
        mission.values["flagged"].value,
    ) == ("yes", "missing", 1.0)


def test_provenance_problems_are_located_at_their_own_column(tmp_path: Path) -> None:
    rb = rubric()
    missions, _ = load_missions(missions_yaml(3), rb, file="missions.yaml")
    path = write_rows(
        tmp_path / "s.csv",
        [
            ["mission", "confidence", "amount", "amount__confidence", "amount__date"],
            ["m000", "HIGH", "10", "Low", "2020-01-02"],
            ["m001", "sure", "", "", ""],
            ["m002", "", "10", "", "last week"],
        ],
    )
    values, report, rejected, _ = load_statistics(path, rb, missions)
    prov = values["m000"]["amount"].provenance
    assert (prov.confidence, str(prov.date)) == ("low", "2020-01-02")
    # A bad provenance cell loses its own datum (or, row-wide, its field), never the row.
    assert rejected == []
    assert [(i.line, i.column, i.code) for i in report.rejected_cells] == [
        (3, 2, "invalid-choice"),
        (4, 5, "invalid-provenance"),
    ]
    assert "amount" not in values["m002"]
    assert values["m001"]["amount"].status == "missing"
    assert (report.rows_read, report.rows_used, report.rows_rejected, report.cells_rejected) == (
        3,
        3,
        0,
        2,
    )


def test_a_missing_mission_column_is_one_located_error_for_every_format(tmp_path: Path) -> None:
    rb = rubric()
    path = write_rows(tmp_path / "t.csv", [["amount", "law.postal"], ["1", "yes"], ["2", "no"]])
    _, report, rejected, stats = load_statistics(path, rb, [])
    _, _, _, answers = load_answers_table(path, rb, [])
    assert [(i.line, i.column, i.code) for i in (*stats, *answers)] == [
        (1, None, "missing-column"),
        (1, None, "missing-column"),
    ]
    # Still every row accounted for: each is rejected for want of a mission.
    assert (report.rows_read, report.rows_used, report.rows_rejected) == (2, 0, 2)
    assert [(r.row, [i.code for i in r.reasons]) for r in rejected] == [
        (2, ["missing-mission"]),
        (3, ["missing-mission"]),
    ]
    with pytest.raises(DataError) as err:
        observations_from_wide(path, rb)
    assert [(i.line, i.code) for i in err.value.issues] == [(1, "missing-column")]


@given(
    st.lists(
        st.sampled_from(["m000", "m001", "m002", "zz-1", "zz-2", "M000", "", "  "]),
        min_size=1,
        max_size=30,
    )
)
def test_every_row_of_a_mission_table_is_used_once_or_rejected_with_its_one_reason(
    cells: list[str],
) -> None:
    # A reference written row by row: the first row of each known mission is used; any other
    # row is rejected for its mission cell, whatever the rows are.
    rb = rubric()
    with tempfile.TemporaryDirectory() as tmp:
        missions, _ = load_missions(missions_yaml(3), rb, file="missions.yaml")
        path = write_rows(Path(tmp) / "s.csv", [["mission"], *([c] for c in cells)])
        values, report, rejected, _ = load_statistics(path, rb, missions)
    first: dict[str, int] = {}
    want = []
    blank = 0
    for row, cell in enumerate(cells, start=2):
        mission = cell.strip() or None
        if mission is None:
            # The mission column is the table's only one: the row has no cell filled, and is
            # no data.
            blank += 1
        elif mission not in {"m000", "m001", "m002"}:
            hint = " (ids are case-sensitive: did you mean 'm000'?)" if mission == "M000" else ""
            want.append(
                (
                    row,
                    mission,
                    "unknown-mission",
                    f"no mission {mission!r} in the missions file{hint}",
                )
            )
        elif mission in first:
            want.append(
                (
                    row,
                    mission,
                    "duplicate-row",
                    f"mission {mission!r} already has a row ({first[mission]})",
                )
            )
        else:
            first[mission] = row
    assert [
        (r.row, r.mission, *[(i.line, i.column, i.code, i.message) for i in r.reasons])
        for r in rejected
    ] == [(row, m, (row, 1, code, msg)) for row, m, code, msg in want]
    assert sorted(values) == sorted(first)
    assert (report.rows_read, report.rows_used, report.rows_rejected) == (
        len(cells) - blank,
        len(first),
        len(want),
    )
    assert list(rejected) == list(rejected[:]) and len(rejected) == len(want)


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_a_mission_table_row_without_a_mission_is_skipped_only_when_no_cell_is_filled(
    tmp_path: Path, suffix: str
) -> None:
    rb = rubric()
    missions, _ = load_missions(missions_yaml(3), rb, file="missions.yaml")
    rows = [["m000", "1"], ["", "5"], ["  ", " "], ["", ""], ["m001", "2"]]
    path = write_rows(tmp_path / f"s.{suffix}", [["mission", "amount"], *rows])
    values, report, rejected, _ = load_statistics(path, rb, missions)
    assert [(r.row, [(i.code, i.message) for i in r.reasons]) for r in rejected] == [
        (3, [("missing-mission", "no mission id")]),
    ]
    assert (report.rows_read, report.rows_used, report.rows_rejected) == (3, 2, 1)
    assert sorted(values) == ["m000", "m001"]
