"""The scores and rankings CSV and Parquet files say which critical indicator holds a band at
the lowest (``capped_by``), the same indicator the report's JSON gives as ``cap`` for the same
cell; the rest of each file is as before (the column is the last)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import polars as pl
import pytest

from ovm.cli.app import main

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
FAST = ["-q", "--bootstrap", "0"]
# Under distance_to_target two Colombian missions score above their band's floor while the
# secrecy of the vote, critical, holds their band at the lowest.
OPTIONS = ["--normalisation", "distance_to_target"]

pytestmark = pytest.mark.skipif(not (EXAMPLES / "ovm.yaml").exists(), reason="no example workspace")


def _cli(*argv: object) -> None:
    assert main([str(a) for a in argv]) == 0


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("capped")
    _cli("compare", EXAMPLES, *FAST, *OPTIONS, "-o", d / "rankings.csv")
    _cli("compare", EXAMPLES, *FAST, *OPTIONS, "-o", d / "rankings.parquet")
    _cli("score", EXAMPLES, *FAST, *OPTIONS, "-o", d / "scores.csv")
    _cli("score", EXAMPLES, *FAST, *OPTIONS, "-o", d / "scores.parquet")
    _cli("report", EXAMPLES, *FAST, *OPTIONS, "--sensitivity-runs", "0", "-o", d / "r.json")
    return d


def _rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def _report_caps(report: dict[str, object]) -> dict[tuple[str, str], str]:
    """(mission, node) -> the indicator the report's heatmap names as the cap, "" for none."""
    heat = report["heatmap"]
    assert isinstance(heat, dict)
    nodes = [c["id"] for c in heat["columns"]]
    return {
        (row["mission"]["id"], node): cell["cap"]["indicator"] if "cap" in cell else ""
        for row in heat["rows"]
        for node, cell in zip(nodes, row["cells"], strict=True)
    }


def test_the_rankings_name_the_cap_the_report_names(files: Path) -> None:
    caps = _report_caps(json.loads((files / "r.json").read_text()))
    rows = _rows(files / "rankings.csv")
    shown = {
        (r["mission"], r["node"]): r["capped_by"] for r in rows if (r["mission"], r["node"]) in caps
    }
    assert shown == caps
    capped = sorted((r["node"], r["mission"], r["capped_by"]) for r in rows if r["capped_by"])
    assert capped == [
        ("overall", "col-2018", "practice.secrecy"),
        ("overall", "col-2022", "practice.secrecy"),
        ("practice", "col-2018", "practice.secrecy"),
        ("practice", "col-2022", "practice.secrecy"),
    ]
    # every capped row's band is the lowest, though its score lies above it
    assert {r["band"] for r in rows if r["capped_by"]} == {"0"}


def test_the_parquet_files_hold_the_csv_column(files: Path) -> None:
    for name in ("rankings", "scores"):
        frame = pl.read_parquet(files / f"{name}.parquet")
        rows = _rows(files / f"{name}.csv")
        assert frame.columns[-1] == "capped_by"
        assert list(rows[0])[-1] == "capped_by"
        assert frame["capped_by"].to_list() == [r["capped_by"] for r in rows]


def test_the_scores_name_the_cap_the_report_names(files: Path) -> None:
    caps = _report_caps(json.loads((files / "r.json").read_text()))
    rows = _rows(files / "scores.csv")
    assert {
        (r["mission"], r["node"]): r["capped_by"] for r in rows if (r["mission"], r["node"]) in caps
    } == caps
    assert sum(1 for r in rows if r["capped_by"]) == 4
