"""A run's tables as Polars DataFrames and Parquet files hold the run's own numbers."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import polars as pl
import pytest

import ovm
from ovm.cli.app import main
from ovm.reporting.frames import SCORE_SCHEMA
from ovm.scoring.scorejson import expand

MINI = Path(__file__).parent / "data" / "mini"
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


@pytest.fixture(scope="module")
def run() -> ovm.Run:
    return ovm.analyse(EXAMPLES, ovm.Settings(bootstrap=40))


def _capped(card: dict[str, Any]) -> dict[str, str]:
    """The nodes whose band a critical indicator holds at the lowest, as its findings say."""
    return {
        node: f["node"]
        for f in reversed(card["findings"])
        if f["code"] == "critical-indicator"
        for node in f["params"]["nodes"].split(", ")
        if node != "-"
    }


def _expected_scores(scores: dict[str, Any]) -> list[dict[str, Any]]:
    """The rows a score frame must hold, read from ``ovm score``'s JSON."""
    rows = []
    for card in scores["scorecards"]:
        for ns in (card["overall"], *card["nodes"]):
            value, iv = ns["value"], ns["interval"]
            rows.append(
                {
                    "mission": card["mission"]["id"],
                    "node": ns["node"],
                    "parent": ns["parent"],
                    "level": ns["level"],
                    "kind": ns["kind"],
                    "value": float(value) if isinstance(value, int | float) else None,
                    "value_text": value if isinstance(value, str) else None,
                    "score": ns["score"],
                    "coverage": ns["coverage"],
                    "status": ns["status"],
                    "band": ns["band"],
                    "band_label": ns["band_label"],
                    "rating": ns.get("rating"),
                    "interval_low": iv[0] if iv else None,
                    "interval_high": iv[1] if iv else None,
                    "sampled": ns["sampled"],
                    "simulated": card["simulated"],
                    "capped_by": _capped(card).get(ns["node"], ""),
                }
            )
    return rows


def test_the_score_frame_is_the_scorecards_row_by_row(run: ovm.Run) -> None:
    frame = run.to_polars()
    assert frame.schema == pl.Schema(SCORE_SCHEMA)
    assert frame.to_dicts() == _expected_scores(expand(json.loads(run.scores.to_json())))
    assert frame.equals(ovm.score_frame(run.scores))


def test_the_ranking_frame_is_the_comparisons_rankings(run: ovm.Run) -> None:
    frame = run.to_polars("rankings")
    compared = json.loads(ovm.comparison_json(run.comparison))
    got = frame.select("node", "mission", "rank", "tied", "score").to_dicts()
    assert got == [
        {
            "node": node,
            "mission": e["mission"],
            "rank": e["rank"],
            "tied": e["tied"],
            "score": e["score"],
        }
        for node, entries in compared["rankings"].items()
        for e in entries
    ]
    overall = frame.filter(pl.col("node") == "overall")
    assert overall["mission"].to_list() == [e.mission for e in run.comparison.rankings["overall"]]
    with pytest.raises(ValueError, match="scores"):
        run.to_polars("nope")  # type: ignore[arg-type]


def test_an_empty_cohort_keeps_the_column_types() -> None:
    ws = ovm.load_workspace(MINI)
    empty = ovm.score(
        ws.rubric,
        ovm.Observations(
            missions=(), sites=ws.observations.sites.clear(), report=ws.observations.report
        ),
        bootstrap=0,
    )
    frame = ovm.score_frame(empty)
    assert (frame.height, frame.schema) == (0, pl.Schema(SCORE_SCHEMA))


@pytest.mark.parametrize(
    ("command", "args", "table"),
    [
        ("score", ["-o", "{out}/scores.parquet"], "scores"),
        ("score", ["--format", "parquet", "-o", "{out}/scores.bin"], "scores"),
        ("compare", ["-o", "{out}/rankings.parquet"], "rankings"),
    ],
)
def test_parquet_files_read_back_to_the_runs_frames(
    tmp_path: Path, command: str, args: list[str], table: str
) -> None:
    ws = tmp_path / "ws"
    shutil.copytree(MINI, ws)
    argv = [command, str(ws), "-q", *[a.format(out=tmp_path) for a in args]]
    assert main(argv) == 0
    out = Path(argv[-1])
    run = ovm.analyse(ws)
    assert pl.read_parquet(out).equals(run.to_polars(table))  # type: ignore[arg-type]
    first = out.read_bytes()
    assert main(argv) == 0
    assert out.read_bytes() == first


def test_parquet_is_not_written_to_a_terminal(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdout.isatty", lambda: True)
    assert main(["score", str(MINI), "-q", "--format", "parquet"]) == 2
    assert "give -o FILE.parquet" in capsys.readouterr().err


def test_every_result_model_dumps_and_loads_back(run: ovm.Run) -> None:
    entry = run.rank("mex-2024")
    assert ovm.RankEntry.model_validate(entry.model_dump()) == entry
    for name in (
        "RankEntry",
        "BestPractice",
        "RankInterval",
        "Comparison",
        "ScoreSet",
        "Sensitivity",
    ):
        assert hasattr(getattr(ovm, name), "model_dump"), name
