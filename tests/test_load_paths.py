"""The fast paths of the table reader give what the general paths give, as whole structures.

A checklist's answer columns are read each as categories of its own, coded from those few
texts without a pass over the cells; the general path (categories shared with the whole
process, each column's distinct cells found by a pass) must give the same rows, the same
rejected rows with the same reasons and the same issues, in the same order.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ovm.data import checklists, tables
from ovm.data.checklists import likely_answers, validate_sites, verbatim_columns
from ovm.data.tables import read_table
from ovm.rubric.model import bundled_rubric

RUBRIC = bundled_rubric("deco-voting-abroad")
MISSIONS = {"aaa-2020", "bbb-2021"}
QUESTIONS = ["practice.opened_on_time", "practice.secrecy", "practice.closing"]
# Texts valid in one answer column and refused in another, words of every kind, blanks.
CELLS = [
    "yes",
    "no",
    "Sí",
    " NO ",
    "na",
    "n/a",
    "maybe",
    "",
    "1",
    "0",
    "missing",
    "?",
    "early",
    "On_Time",
]


def _csv(rows: list[tuple[str, ...]]) -> str:
    head = ",".join(["mission", "site", *QUESTIONS])
    return head + "\n" + "".join(",".join(r) + "\n" for r in rows)


def _load(df: pl.DataFrame) -> dict[str, Any]:
    load = validate_sites(df, RUBRIC, MISSIONS, "checklists.csv")
    return {
        "rows": load.rows.to_dicts(),
        "report": load.report,
        "rejected": list(load.rejected),
        "issues": load.issues,
        "columns": dict(load.columns),
    }


def _both(path: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """(fast, general): the table as the reader gives it, and with its answer columns as
    categories shared by the process."""
    df, issues = read_table(path, verbatim=verbatim_columns(RUBRIC))
    assert df is not None and issues == []
    shared = df.with_columns(pl.col(q).cast(pl.String).cast(pl.Categorical) for q in QUESTIONS)
    return _load(df), _load(shared)


def test_answer_columns_are_read_each_as_categories_of_its_own(tmp_path: Path) -> None:
    path = tmp_path / "checklists.csv"
    path.write_text(
        _csv([("aaa-2020", "s1", "yes", "maybe", "yes"), ("aaa-2020", "s2", "no", "", "yes")]),
        encoding="utf-8",
    )
    df, _ = read_table(path, verbatim=verbatim_columns(RUBRIC))
    assert df is not None
    dtypes = [df.schema[q] for q in QUESTIONS]
    assert all(isinstance(d, pl.Categorical) for d in dtypes)
    assert not any(d.categories.is_global() for d in dtypes)
    assert len({d.categories.name() for d in dtypes}) == len(QUESTIONS)
    assert [d.categories.to_series().sort().to_list() for d in dtypes] == [
        ["no", "yes"],
        ["maybe"],
        ["yes"],
    ]


def test_texts_shared_by_answer_columns_are_coded_as_each_column_reads_them(
    tmp_path: Path,
) -> None:
    rows = [
        ("aaa-2020", "s1", "yes", "no", "early"),
        ("aaa-2020", "s2", "maybe", "yes", "no"),
        ("bbb-2021", "s3", " NO ", "maybe", ""),
        ("zzz-2020", "s4", "na", "n/a", "ON_TIME"),
        ("bbb-2021", "s5", "Sí", "", "maybe"),
    ]
    path = tmp_path / "checklists.csv"
    path.write_text(_csv(rows), encoding="utf-8")
    fast, general = _both(path)
    assert fast == general
    # The row of no known mission is rejected with every reason; in the others, an answer
    # refused is unanswered and the rest of the visit kept.
    assert [(r.row, [(i.column, i.code) for i in r.reasons]) for r in fast["rejected"]] == [
        (
            5,
            [
                (1, "unknown-mission"),
                (3, "not-applicable-not-allowed"),
                (4, "not-applicable-not-allowed"),
            ],
        ),
    ]
    assert [(i.line, i.column, i.code) for i in fast["report"].rejected_cells] == [
        (3, 3, "invalid-answer"),
        (3, 5, "invalid-answer"),
        (4, 4, "invalid-answer"),
        (6, 5, "invalid-answer"),
    ]
    assert [(r["site"], *(r[q] for q in QUESTIONS)) for r in fast["rows"]] == [
        ("s1", 1, 0, 0),
        ("s2", None, 1, None),
        ("s3", 0, None, None),
        ("s5", 1, None, None),
    ]


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["aaa-2020", "bbb-2021", "zzz-2020", ""]),
            *(st.sampled_from(CELLS) for _ in QUESTIONS),
        ),
        min_size=1,
        max_size=12,
    )
)
def test_any_checklist_reads_alike_on_the_fast_and_the_general_path(
    tmp_path: Path, cells: list[tuple[str, ...]]
) -> None:
    rows = [(m, f"s{i}", *answers) for i, (m, *answers) in enumerate(cells)]
    path = tmp_path / "checklists.csv"
    path.write_text(_csv(rows), encoding="utf-8")
    fast, general = _both(path)
    assert fast == general


def test_a_file_of_many_distinct_texts_codes_each_column_from_its_own_cells(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = [
        ("aaa-2020", "s1", "yes", "no", "yes"),
        ("aaa-2020", "s2", "maybe", "yes", "no"),
        ("bbb-2021", "s3", "no", "perhaps", "na"),
    ]
    path = tmp_path / "checklists.csv"
    path.write_text(_csv(rows), encoding="utf-8")
    fast, general = _both(path)
    monkeypatch.setattr(checklists, "_FEW_TEXTS", 2)
    few, _ = _both(path)
    assert few == fast == general


def _enumerated(path: Path) -> tuple[pl.DataFrame, dict[str, Any], dict[str, Any]]:
    """(table, fast, general) of a checklist read as a workspace reads it, likely answers
    given: the fast path codes the table as read, the general one its answers as categories
    shared by the process."""
    df, issues = read_table(path, verbatim=verbatim_columns(RUBRIC), likely=likely_answers(RUBRIC))
    assert df is not None and issues == []
    shared = df.with_columns(pl.col(q).cast(pl.String).cast(pl.Categorical) for q in QUESTIONS)
    return df, _load(df), _load(shared)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["aaa-2020", "bbb-2021", "zzz-2020", ""]),
            *(st.sampled_from([*CELLS, "Yes", "N/A", "NO", '"no\nyes,no"']) for _ in QUESTIONS),
        ),
        min_size=1,
        max_size=12,
    ),
    st.integers(min_value=1, max_value=4),
    st.integers(min_value=1, max_value=80),
)
def test_a_large_checklist_read_against_a_sample_of_its_texts_reads_alike(
    tmp_path: Path, cells: list[tuple[str, ...]], slices: int, size: int
) -> None:
    # Every table is large here, sampled in slices of a few records: texts the sample misses,
    # likely answers or not, and lines of a quoted field read as records by the sample, are
    # read as the general path reads them.
    rows = [(m, f"s{i}", *answers) for i, (m, *answers) in enumerate(cells)]
    path = tmp_path / "checklists.csv"
    path.write_text(_csv(rows), encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(tables, "ENUMERATE_FROM", 0)
        mp.setattr(tables, "SAMPLE_SLICES", slices)
        mp.setattr(tables, "SAMPLE_BYTES", size)
        _, fast, general = _enumerated(path)
    assert fast == general


def test_a_large_checklist_expects_its_sampled_texts_and_likely_answers(tmp_path: Path) -> None:
    # Over 4 MiB: a rare likely answer beyond the sample (Yes) is expected; a rare text no
    # answer takes (maybe) is not, and the table is read as categories all the same.
    rows = [("aaa-2020", f"s{i}", ("yes", "no", "")[i % 3], "no", "") for i in range(200_000)]
    path = tmp_path / "checklists.csv"
    for rare, read_as in (("Yes", pl.Enum), ("maybe", pl.Categorical)):
        path.write_text(
            _csv([*rows, ("bbb-2021", "s-last", "no", rare, "early")]), encoding="utf-8"
        )
        assert path.stat().st_size > tables.ENUMERATE_FROM
        df, issues = read_table(
            path, verbatim=verbatim_columns(RUBRIC), likely=likely_answers(RUBRIC)
        )
        assert df is not None and issues == []
        assert all(isinstance(df.schema[q], read_as) for q in QUESTIONS)
        fast = validate_sites(df, RUBRIC, MISSIONS, "checklists.csv")
        general = validate_sites(
            df.with_columns(pl.col(q).cast(pl.String).cast(pl.Categorical) for q in QUESTIONS),
            RUBRIC,
            MISSIONS,
            "checklists.csv",
        )
        assert fast.rows.equals(general.rows)
        assert (fast.report, list(fast.rejected), fast.issues, fast.columns) == (
            general.report,
            list(general.rejected),
            general.issues,
            general.columns,
        )
        assert list(fast.rejected) == []
        assert [(i.line, i.code) for i in fast.report.rejected_cells] == (
            [(200_002, "invalid-answer")] if rare == "maybe" else []
        )
