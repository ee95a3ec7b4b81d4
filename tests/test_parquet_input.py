"""Observer visits and statistics may be Parquet files, read as the same text a CSV holds."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import polars as pl
import pytest

from ovm.cli.app import main
from ovm.data.tables import ROW, read_table
from ovm.data.workspace import load_workspace

EXAMPLES = Path(__file__).parent.parent / "examples"


def scores(ws: Path, out: Path) -> dict[str, object]:
    assert main(["score", str(ws), "-q", "-o", str(out)]) == 0
    data: dict[str, object] = json.loads(out.read_text(encoding="utf-8"))
    return data


def test_a_workspace_of_typed_parquet_tables_scores_as_its_csv(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = tmp_path / "ws"
    shutil.copytree(EXAMPLES, ws)
    csv_scores = scores(ws, tmp_path / "csv.json")
    config = (ws / "ovm.yaml").read_text(encoding="utf-8")
    for name in ("checklists", "statistics"):
        # Typed as a data desk would keep them: counts as integers, dates and times as such.
        table = pl.read_csv(ws / f"{name}.csv", infer_schema_length=None, try_parse_dates=True)
        assert any(t.is_temporal() for t in table.dtypes)
        table.write_parquet(ws / f"{name}.parquet")
        (ws / f"{name}.csv").unlink()
        config = config.replace(f"{name}.csv", f"{name}.parquet")
    (ws / "ovm.yaml").write_text(config, encoding="utf-8")
    parquet_scores = scores(ws, tmp_path / "parquet.json")
    text = json.dumps(parquet_scores).replace(".parquet", ".csv")
    assert json.loads(text) == csv_scores


def test_parquet_cells_read_as_a_csv_writes_them(tmp_path: Path) -> None:
    path = tmp_path / "t.parquet"
    pl.DataFrame(
        {
            " mission ": ["a", " b ", ""],
            "count": [3.0, 2.5, None],
            "ok": [True, False, None],
            "n": [1, None, 3],
            "at": [dt.datetime(2024, 6, 2, 7, 43), dt.datetime(2024, 6, 2, 7, 43, 1, 5000), None],
            "day": [dt.date(2024, 6, 2), None, None],
        }
    ).write_parquet(path)
    df, issues = read_table(path)
    assert issues == []
    assert df is not None
    assert df.to_dicts() == [
        {
            ROW: 2,
            "mission": "a",
            "count": "3",
            "ok": "yes",
            "n": "1",
            "at": "2024-06-02T07:43:00",
            "day": "2024-06-02",
        },
        {
            ROW: 3,
            "mission": "b",
            "count": "2.5",
            "ok": "no",
            "n": None,
            "at": "2024-06-02T07:43:01.005",
            "day": None,
        },
        {ROW: 4, "mission": None, "count": None, "ok": None, "n": "3", "at": None, "day": None},
    ]


def test_a_parquet_column_no_cell_can_hold_is_refused_at_its_column(tmp_path: Path) -> None:
    path = tmp_path / "t.parquet"
    pl.DataFrame({"mission": ["a"], "answers": [[1, 2]]}).write_parquet(path)
    df, issues = read_table(path)
    assert df is None
    assert [(i.line, i.column, i.code) for i in issues] == [(1, 2, "unreadable-table")]


def test_a_file_that_is_not_parquet_is_an_issue(tmp_path: Path) -> None:
    path = tmp_path / "t.parquet"
    path.write_text("mission,x\na,1\n", encoding="utf-8")
    df, issues = read_table(path)
    assert df is None
    assert [(i.code, i.severity) for i in issues] == [("unreadable-table", "error")]


def test_parquet_headers_are_checked_as_a_csv_s(tmp_path: Path) -> None:
    path = tmp_path / "t.parquet"
    pl.DataFrame({"mission": ["a"], "mission ": ["b"]}).write_parquet(path)
    _df, issues = read_table(path)
    assert [(i.line, i.column, i.code) for i in issues] == [(1, 2, "duplicate-column")]


def test_a_parquet_checklist_with_bad_cells_is_read_as_its_csv(tmp_path: Path) -> None:
    # Answers in several spellings, refused cells and a blank row: the same rows
    # used, the same rows refused with the same reasons, the same coded answers.
    ws = tmp_path / "ws"
    shutil.copytree(EXAMPLES, ws)
    table = pl.read_csv(ws / "checklists.csv", infer_schema=False)
    spoiled = table.with_columns(
        pl.when(pl.int_range(pl.len()) % 7 == 1)
        .then(pl.lit(" Sí "))
        .when(pl.int_range(pl.len()) % 11 == 2)
        .then(pl.lit("maybe"))
        .when(pl.int_range(pl.len()) % 13 == 3)
        .then(pl.lit("NA"))
        .otherwise(pl.col("practice.secrecy"))
        .alias("practice.secrecy"),
    )
    blank = pl.DataFrame({c: [None] for c in table.columns}, schema=table.schema)
    spoiled = pl.concat([spoiled, blank])
    spoiled.write_csv(ws / "checklists.csv")
    loads = {}
    for suffix in ("csv", "parquet"):
        if suffix == "parquet":
            spoiled.write_parquet(ws / "checklists.parquet")
            (ws / "checklists.csv").unlink()
            config = (ws / "ovm.yaml").read_text(encoding="utf-8")
            (ws / "ovm.yaml").write_text(
                config.replace("checklists.csv", "checklists.parquet"), encoding="utf-8"
            )
        obs = load_workspace(ws).observations
        rep = obs.report
        problems = [*rep.issues, *(i for r in rep.rejected for i in r.reasons)]
        loads[suffix] = (
            [(f.rows_read, f.rows_used, f.rows_rejected) for f in rep.files],
            sorted(
                (str(i.file).rsplit(".", 1)[0], i.line, i.column, i.code, i.message)
                for i in problems
            ),
            obs.sites.drop("_file").to_dicts(),
        )
    assert any(code == "invalid-answer" for *_, code, _ in loads["csv"][1])
    assert loads["parquet"] == loads["csv"]
