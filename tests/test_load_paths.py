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

from ovm.data import checklists
from ovm.data.checklists import validate_sites, verbatim_columns
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
    assert [(r.row, [(i.column, i.code) for i in r.reasons]) for r in fast["rejected"]] == [
        (3, [(3, "invalid-answer"), (5, "invalid-answer")]),
        (4, [(4, "invalid-answer")]),
        (
            5,
            [
                (1, "unknown-mission"),
                (3, "not-applicable-not-allowed"),
                (4, "not-applicable-not-allowed"),
            ],
        ),
        (6, [(5, "invalid-answer")]),
    ]
    assert [(r["site"], *(r[q] for q in QUESTIONS)) for r in fast["rows"]] == [("s1", 1, 0, 0)]


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
