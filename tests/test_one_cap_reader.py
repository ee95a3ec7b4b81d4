"""Which critical indicator holds a band at the lowest has one answer, read in one place
(:func:`ovm.scoring.critical.held_down`) from the ``critical-indicator`` findings: the rankings
and scores CSV and Parquet files (``capped_by``), the report's heatmap and a mission's report
(``cap``) and the recommendations' caps say the same, whatever the comparison's scale.

The findings name only the bands a cap holds below their own score's band: a comparison drops
the findings its scorecards carried and caps them again on its own scale, so a scores file an
earlier version wrote (naming every group the cap reached) is read as this version says it.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import polars as pl
import pytest

import ovm
from ovm.cli.app import main
from ovm.reporting.frames import ranking_frame, score_frame
from ovm.scoring.critical import CODE, held_down
from ovm.scoring.results import Finding, ScoreSet
from ovm.settings import ComparisonSettings

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
FAST = ["-q", "--bootstrap", "0"]
SCALES = [
    ["--normalisation", "distance_to_target"],
    ["--normalisation", "distance_to_target", "--output-range", "1", "10"],
    ["--normalisation", "percentile", "--output-range", "0", "10"],
]


def _rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


@pytest.mark.parametrize("options", SCALES, ids=" ".join)
def test_every_output_names_the_cap_the_report_names(tmp_path: Path, options: list[str]) -> None:
    argv = [str(EXAMPLES), *FAST, *options]
    assert main(["compare", *argv, "-o", str(tmp_path / "rk.csv")]) == 0
    assert main(["report", *argv, "--sensitivity-runs", "0", "-o", str(tmp_path / "r.json")]) == 0
    heat = json.loads((tmp_path / "r.json").read_text("utf-8"))["heatmap"]
    columns = [c["id"] for c in heat["columns"]]
    shown = {
        (row["mission"]["id"], node): cell["cap"]["indicator"]
        for row in heat["rows"]
        for node, cell in zip(columns, row["cells"], strict=True)
        if "cap" in cell
    }
    ranked = {
        (r["mission"], r["node"]): r["capped_by"]
        for r in _rows(tmp_path / "rk.csv")
        if r["capped_by"] and r["node"] in columns
    }
    assert ranked
    assert ranked == shown


def test_a_scores_file_of_an_earlier_version_is_capped_again_by_the_comparison(
    tmp_path: Path,
) -> None:
    ws = ovm.load_workspace(EXAMPLES)
    # Under distance_to_target critical failures hold bands above their score's band.
    comparison = ComparisonSettings(normalisation="distance_to_target")
    settings = ovm.Settings(bootstrap=0, seed=ws.settings.seed, comparison=comparison)
    run = ovm.analyse(ws, settings)
    fresh = {c.mission.id: held_down(c) for c in run.comparison.scores.scorecards}
    assert any(fresh.values())
    # As an earlier version wrote it: each critical finding names every group the cap
    # reached, those in their lowest band by their own score too.
    every = ", ".join(["overall", *(f.id for f in ws.rubric.families)])
    old = ScoreSet.from_json(run.scores.to_json())
    cards = tuple(
        c.model_copy(
            update={
                "findings": tuple(
                    Finding(
                        code=f.code,
                        message=f.message,
                        node=f.node,
                        severity=f.severity,
                        params={
                            "indicator": f.params["indicator"],
                            "score": f.params["score"],
                            "nodes": every,
                        },
                    )
                    if f.code == CODE
                    else f
                    for f in c.findings
                )
            }
        )
        for c in old.scorecards
    )
    old = old.model_copy(update={"scorecards": cards})
    assert any(held_down(c) for c in old.scorecards)
    compared = ovm.compare(old, ws.rubric, run.comparison.settings)
    assert {c.mission.id: held_down(c) for c in compared.scores.scorecards} == fresh
    frame = ranking_frame(compared)
    capped = {
        (r["mission"], r["node"]): r["capped_by"]
        for r in frame.filter(pl.col("capped_by") != "").iter_rows(named=True)
    }
    ranked = set(frame["node"].to_list())
    assert capped == {
        (m, node): ind for m, held in fresh.items() for node, ind in held.items() if node in ranked
    }
    assert (
        score_frame(compared.scores)["capped_by"].to_list()
        == score_frame(run.comparison.scores)["capped_by"].to_list()
    )
