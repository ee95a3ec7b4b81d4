"""CSV exports: numbers stay numbers (negative ones too); text cannot run as a formula."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

import ovm
from ovm.reporting.tables import comparison_csv
from ovm.settings import ComparisonSettings

RUBRIC = """\
ovm_rubric: 1
id: csv
version: "1"
title: {en: CSV, es: CSV}
variables:
  - {name: a, labels: {en: A, es: A}, unit: x, source: statistics}
  - {name: b, labels: {en: B, es: B}, unit: x, source: statistics}
families:
  - id: f
    labels: {en: F, es: F}
    children:
      - id: f.gap
        kind: quantitative
        labels: {en: Gap, es: Brecha}
        source: statistics
        formula: a - b
        rule: {type: goalposts, low: -20, high: 20}
      - id: f.key
        kind: levels
        labels: {en: Key, es: Clave}
        source: legal
        levels:
          - {key: "=HYPERLINK(1)", score: 0, descriptor: {en: bad, es: malo}}
          - {key: "@ok", score: 100, descriptor: {en: ok, es: bien}}
"""
MISSIONS = """\
missions:
  - id: m1
    country: ARG
    name: M1
    election: {type: general, date: 2024-01-01}
    answers: {f.key: "=HYPERLINK(1)"}
  - id: m2
    country: BRA
    name: M2
    election: {type: general, date: 2024-01-01}
    answers: {f.key: "@ok"}
"""
STATS = "mission,a,b\nm1,1,6.5\nm2,9,1\n"


def test_negative_numbers_parse_and_formulas_are_neutralised(
    tmp_path: Path, make_workspace: Callable[..., Path]
) -> None:
    ws = ovm.load_workspace(
        make_workspace(tmp_path, rubric=RUBRIC, missions=MISSIONS, statistics=STATS)
    )
    scores = ovm.score(ws.rubric, ws.observations, bootstrap=0)
    rows = list(csv.DictReader(io.StringIO(ovm.scores_csv(scores))))
    gap = {r["mission"]: r for r in rows if r["node"] == "f.gap"}
    assert float(gap["m1"]["value"]) == -5.5
    assert float(gap["m1"]["score"]) == 100 * (20 - 5.5) / 40
    key = {r["mission"]: r["value"] for r in rows if r["node"] == "f.key"}
    assert key == {"m1": "'=HYPERLINK(1)", "m2": "'@ok"}
    compared = ovm.compare(scores, ws.rubric, ComparisonSettings(normalisation="zscore"))
    ranking = list(csv.DictReader(io.StringIO(comparison_csv(compared))))
    for row in ranking:
        if row["score"]:
            float(row["score"])  # a z-score below the mean is a number, not quoted text
    assert any(row["score"].startswith("-") for row in ranking)


def test_the_csv_holds_the_rows_of_score_rows_each_cell_worded_by_csv_cell(
    tmp_path: Path, make_workspace: Callable[..., Path]
) -> None:
    # scores_csv writes the rows itself (no dictionary per row): the same cells as the long
    # format and the cell rule give, texts guarded, numbers, booleans and gaps alike.
    from ovm.reporting.tables import CSV_COLUMNS, csv_cell

    made = make_workspace(tmp_path, rubric=RUBRIC, missions=MISSIONS, statistics=STATS)
    # The example workspace has observer visits: sampled and simulated scores, intervals.
    examples = Path(__file__).resolve().parent.parent / "examples"
    for folder, bootstrap in ((made, 0), (made, 50), (examples, 50)):
        ws = ovm.load_workspace(folder)
        scores = ovm.score(ws.rubric, ws.observations, bootstrap=bootstrap)
        expected = io.StringIO()
        writer = csv.writer(expected, lineterminator="\n")
        writer.writerow(CSV_COLUMNS)
        for row in ovm.score_rows(scores):
            writer.writerow([csv_cell(row[c]) for c in CSV_COLUMNS])
        assert ovm.scores_csv(scores) == expected.getvalue()
