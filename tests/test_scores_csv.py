"""The scores CSV: every column, in order, with each node's numbers, interval and flags."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import ovm

RUBRIC = """\
ovm_rubric: 1
id: flat
version: "1"
title: {en: Flat}
languages: [en]
bands:
  - {min: 0, max: 50, label: {en: Weak}}
  - {min: 50, max: 100, label: {en: Strong}}
families:
  - id: f
    labels: {en: F}
    children:
      - id: f.basis
        kind: levels
        labels: {en: Basis}
        source: legal
        levels:
          - {key: none, score: 0, descriptor: {en: None}}
          - {key: statute, score: 60, descriptor: {en: Statute}}
      - {id: f.open, kind: checklist, labels: {en: Open}, source: checklist,
         question: {en: "Open?"}, min_answers: 1}
"""


def test_scores_csv_has_every_column_with_each_nodes_values_interval_and_flags(
        tmp_path: Path) -> None:
    (tmp_path / "rubric.yaml").write_text(RUBRIC, encoding="utf-8")
    (tmp_path / "missions.yaml").write_text(
        "missions:\n  - {id: m, country: AAA, name: M, election: {type: general, "
        "date: 2020-01-01}, answers: {f.basis: statute}}\n", encoding="utf-8")
    (tmp_path / "checklists.csv").write_text(
        "mission,site,f.open\nm,s1,yes\nm,s2,yes\nm,s3,yes\nm,s4,no\n", encoding="utf-8")
    (tmp_path / "ovm.yaml").write_text(
        "rubric: rubric.yaml\nmissions: missions.yaml\n"
        "checklists:\n  - {path: checklists.csv, simulated: true}\n", encoding="utf-8")
    ws = ovm.load_workspace(tmp_path)
    scores = ovm.score(ws.rubric, ws.observations, bootstrap=0)
    rows = list(csv.reader(io.StringIO(ovm.scores_csv(scores))))
    lo, hi = ovm.wilson(3, 4)
    # f.open: 3 yes of 4 = 75, its Wilson interval in %, floats written to 10 decimals;
    # f and overall: (60 + 75) / 2. Without bootstrap only the share has an interval. The
    # checklists are declared simulated: every row of the mission says so.
    assert rows == [
        ["mission", "node", "parent", "level", "kind", "value", "score", "coverage", "status",
         "band", "interval_low", "interval_high", "sampled", "simulated"],
        ["m", "overall", "", "0", "overall", "67.5", "67.5", "1.0", "scored", "Strong", "", "",
         "no", "yes"],
        ["m", "f", "overall", "1", "family", "67.5", "67.5", "1.0", "scored", "Strong", "", "",
         "no", "yes"],
        ["m", "f.basis", "f", "2", "levels", "statute", "60.0", "1.0", "scored", "Strong", "",
         "", "no", "yes"],
        ["m", "f.open", "f", "2", "checklist", "75.0", "75.0", "1.0", "scored", "Strong",
         repr(round(100 * lo, 10)), repr(round(100 * hi, 10)), "yes", "yes"],
    ]
